// crypto.subtle key agreement (W3C Web Cryptography API "ECDH"; Secure Curves in the Web
// Cryptography API "X25519"): importKey and generateKey of ECDH (P-256, P-384, P-521) and X25519
// keys, the `public` member of their derive parameters, and their "derive bits" operation, which
// deriveBits and deriveKey's generic steps (lazy/subtle_generic.js) call through the table of
// operations. A lazy module of its own, loaded by subtle.js the first time one of these
// algorithms is named; the crypto is native (webcrypto/ecdh.rs, x25519.rs, agree.rs).
const install = (h) => {
  const { dom, call, checkUsages, requireMember, handleOf, newKey, isCryptoKey, checkJwk, jwkText } = h;
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

  // importKey after subtle.js's WebIDL steps: `keyData` is the JWK object or the key bytes.
  // The usages are checked before the key data is read: a public key (raw, spki, a JWK without
  // "d") takes none, a private key only deriveKey / deriveBits.
  const importAgreementKey = (format, keyData, alg, extractable, usages) => {
    const curve = curveOf(alg);
    const isPrivate = format === 'pkcs8' || (format === 'jwk' && keyData.d !== undefined);
    checkUsages(usages, isPrivate ? AGREEMENT_USAGES : []);
    let data = keyData;
    if (format === 'jwk') {
      // "alg" is ignored for these algorithms (w3c/webcrypto#401).
      checkJwk(keyData, alg.name === 'ECDH' ? 'EC' : 'OKP', 'enc', extractable, usages);
      data = jwkText(keyData);
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

  // The EcdhKeyDeriveParams member `public` (X25519 takes the same dictionary): a CryptoKey,
  // kept in the normalized algorithm.
  const members = (alg, out) => {
    const pub = requireMember(alg, 'public');
    if (!isCryptoKey(pub)) throw new TypeError(`${out.name}: member 'public' is not a CryptoKey`);
    out.public = pub;
    return out;
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

  return { importKey: importAgreementKey, generateKey, members, bits: agreementBits };
};
return { install };
