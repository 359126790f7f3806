// crypto.subtle key agreement (W3C Web Cryptography API "ECDH"; Secure Curves in the Web
// Cryptography API "X25519"): importKey, generateKey, deriveBits and deriveKey of ECDH (P-256,
// P-384, P-521) and X25519 keys. A lazy module of its own, loaded by subtle.js the first time one
// of these algorithms is named; the crypto is native (webcrypto/ecdh.rs, x25519.rs, agree.rs).
const install = (h) => {
  const { dom, call, normalize, usagesOf, checkUsages, requireMember, handleOf, importKey, toBuffer, newKey, isCryptoKey } = h;
  const AGREEMENT_USAGES = ['deriveKey', 'deriveBits'];
  const EC_CURVES = ['P-256', 'P-384', 'P-521'];

  // ECDH needs a namedCurve edgert supports (TypeError when missing); X25519 has none.
  const curveOf = (alg) => {
    if (alg.name !== 'ECDH') return '';
    requireMember(alg, 'namedCurve');
    if (!EC_CURVES.includes(alg.namedCurve)) throw dom(`Unsupported namedCurve ${alg.namedCurve}`, 'NotSupportedError');
    return alg.namedCurve;
  };

  // A CryptoKey from the native description [handle, type, bits, publicExponent]: a public key
  // takes no usages, a private key deriveKey / deriveBits, and not none.
  const makeKey = (desc, alg, extractable, usages) => {
    const [handle, type] = desc;
    checkUsages(usages, type === 'public' ? [] : AGREEMENT_USAGES);
    if (type !== 'public' && usages.length === 0) throw dom(`Usages cannot be empty when creating a ${type} key`, 'SyntaxError');
    const algorithm = alg.name === 'ECDH' ? { name: 'ECDH', namedCurve: alg.namedCurve } : { name: alg.name };
    return newKey(handle, type, extractable, algorithm, usages);
  };

  // The JWK members the import steps check with the usages and extractable flag; "alg" is
  // ignored for these algorithms (w3c/webcrypto#401).
  const checkJwk = (jwk, alg, extractable, usages) => {
    const kty = alg.name === 'ECDH' ? 'EC' : 'OKP';
    if (jwk.kty !== kty) throw dom(`JWK "kty" must be "${kty}"`, 'DataError');
    if (usages.length && jwk.use !== undefined && jwk.use !== 'enc') throw dom('JWK "use" must be "enc"', 'DataError');
    if (jwk.key_ops !== undefined) {
      if (!Array.isArray(jwk.key_ops)) throw dom('JWK "key_ops" must be an array', 'DataError');
      for (const u of usages) if (!jwk.key_ops.includes(u)) throw dom(`JWK "key_ops" does not include "${u}"`, 'DataError');
    }
    if (jwk.ext === false && extractable) throw dom('JWK "ext" is false but the key is requested extractable', 'DataError');
  };

  // importKey after subtle.js's WebIDL steps: `keyData` is the JWK object or the key bytes.
  // The usages are checked before the key data is read: a public key (raw, spki, a JWK without
  // "d") takes none, a private key only deriveKey / deriveBits.
  const importAgreementKey = (format, keyData, alg, extractable, usages) => {
    const curve = curveOf(alg);
    const isPrivate = format === 'pkcs8' || (format === 'jwk' && keyData.d !== undefined);
    checkUsages(usages, isPrivate ? AGREEMENT_USAGES : []);
    let data = keyData;
    if (format === 'jwk') {
      checkJwk(keyData, alg, extractable, usages);
      try { data = JSON.stringify(keyData); } catch (e) { throw dom(`JWK cannot be serialized: ${e.message}`, 'DataError'); }
    }
    return makeKey(call(native.cryptoImport, format, alg.name, '', curve, -1, data), alg, extractable, usages);
  };

  // generateKey: the public key gets no usages, the private key all of the requested ones.
  const generateKey = (alg, extractable, usages) => {
    const curve = curveOf(alg);
    checkUsages(usages, AGREEMENT_USAGES);
    const [pub, priv] = call(native.cryptoGenerate, alg.name, curve);
    const privateKey = makeKey(priv, alg, extractable, usages);
    const publicKey = makeKey(pub, alg, true, []);
    return { publicKey, privateKey };
  };

  // WebIDL `unsigned long? length = null`: null for undefined or null, else modulo 2^32.
  const optionalLength = (length) => (length === undefined || length === null ? null : Number(length) >>> 0);

  // The algorithm of deriveBits / deriveKey, normalized, with its required `public` CryptoKey.
  const normalizeDerive = (algorithm) => {
    const alg = normalize(algorithm, 'deriveBits');
    const pub = requireMember(algorithm, 'public');
    if (!isCryptoKey(pub)) throw new TypeError(`${alg.name}: member 'public' is not a CryptoKey`);
    return { ...alg, public: pub };
  };

  // The spec's checks after normalization (name, then usage).
  const checkBase = (alg, baseKey, usage) => {
    handleOf(baseKey);
    if (alg.name !== baseKey.algorithm.name) throw dom(`The key is not a ${alg.name} key`, 'InvalidAccessError');
    if (!baseKey.usages.includes(usage)) throw dom(`The key does not have the '${usage}' usage`, 'InvalidAccessError');
  };

  // The "derive bits" operation of ECDH and X25519: the shared secret of the private base key
  // and the public key, cut to `length` bits (null: all of it) natively.
  const agreementBits = (alg, baseKey, length) => {
    if (baseKey.type !== 'private') throw dom('The base key is not a private key', 'InvalidAccessError');
    const pub = alg.public;
    if (pub.type !== 'public') throw dom('The public key is not a public key', 'InvalidAccessError');
    if (pub.algorithm.name !== baseKey.algorithm.name) throw dom('The public key is not for this algorithm', 'InvalidAccessError');
    if (alg.name === 'ECDH' && pub.algorithm.namedCurve !== baseKey.algorithm.namedCurve) throw dom('The public key is on another curve', 'InvalidAccessError');
    return call(native.cryptoAgree, handleOf(baseKey), handleOf(pub), length === null ? -1 : length);
  };

  // "get key length" of deriveKey's normalized derivedKeyType: the bits to derive, or null for a
  // KDF key (HKDF, PBKDF2), which takes the whole secret.
  const HMAC_BLOCK_BITS = { 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };
  const keyLength = (alg) => {
    switch (alg.name) {
      case 'AES-CTR': case 'AES-CBC': case 'AES-GCM': case 'AES-KW': {
        const length = requireMember(alg, 'length');
        if (![128, 192, 256].includes(length)) throw dom('AES key length must be 128, 192 or 256 bits', 'OperationError');
        return length;
      }
      case 'HMAC': {
        const hash = requireMember(alg, 'hash');
        if (alg.length === undefined) return HMAC_BLOCK_BITS[hash];
        if (alg.length === 0) throw new TypeError('HMAC length must not be zero');
        return alg.length;
      }
      case 'HKDF': case 'PBKDF2': return null;
      default: throw dom(`${alg.name} keys cannot be derived`, 'NotSupportedError');
    }
  };

  async function deriveBits(algorithm, baseKey, length = undefined) {
    const alg = normalizeDerive(algorithm);
    length = optionalLength(length);
    checkBase(alg, baseKey, 'deriveBits');
    return toBuffer(agreementBits(alg, baseKey, length));
  }

  async function deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
    const alg = normalizeDerive(algorithm);
    const typeAlg = normalize(derivedKeyType, 'importKey');
    const usages = usagesOf(keyUsages);
    checkBase(alg, baseKey, 'deriveKey');
    const bits = agreementBits(alg, baseKey, keyLength(typeAlg));
    // The derived key is imported through the ordinary path (HMAC, AES-*, KDF keys).
    const key = importKey('raw', bits, derivedKeyType, extractable, usages);
    if ((key.type === 'secret' || key.type === 'private') && key.usages.length === 0) throw dom('Usages cannot be empty', 'SyntaxError');
    return key;
  }

  return { importKey: importAgreementKey, generateKey, deriveBits, deriveKey };
};
return { install };
