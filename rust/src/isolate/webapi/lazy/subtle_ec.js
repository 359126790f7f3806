// crypto.subtle key agreement: ECDH (P-256, P-384, P-521) and X25519 keys, deriveBits and
// deriveKey (W3C Web Cryptography API; Secure Curves in the Web Cryptography API). Concatenated
// before subtle.js into one scope: these are declarations only, called by subtle.js's methods,
// so they may use its helpers (dom, call, handleOf, importKey...) at call time.
const AGREEMENT = ['ECDH', 'X25519'];
const AGREEMENT_USAGES = ['deriveKey', 'deriveBits'];
const EC_CURVES = ['P-256', 'P-384', 'P-521'];
const isAgreement = (kind) => AGREEMENT.includes(kind);

// The CryptoKey algorithm dictionary of a key-agreement key.
function agreementAlgorithm(alg) {
  return alg.name === 'ECDH' ? { name: 'ECDH', namedCurve: alg.namedCurve } : { name: alg.name };
}

// The usages a key-agreement key may have: none for a public key.
function agreementUsages(type) {
  return type === 'public' ? [] : AGREEMENT_USAGES;
}

// ECDH needs a namedCurve edgert supports; X25519 has none.
function checkAgreementCurve(alg) {
  if (alg.name !== 'ECDH') return '';
  requireMember(alg, 'namedCurve');
  if (!EC_CURVES.includes(alg.namedCurve)) throw dom(`Unsupported namedCurve ${alg.namedCurve}`, 'NotSupportedError');
  return alg.namedCurve;
}

// importKey's usage rules, checked before the key data is read: a public key (raw, spki, a
// JWK without "d") takes no usages, a private key only deriveKey / deriveBits.
function checkAgreementImportUsages(format, keyData, usages) {
  const isPrivate = format === 'pkcs8' || (format === 'jwk' && keyData.d !== undefined);
  checkUsages(usages, isPrivate ? AGREEMENT_USAGES : []);
}

// generateKey for ECDH / X25519: the public key gets no usages, the private key all of them.
function generateAgreementKey(alg, extractable, usages) {
  const curve = checkAgreementCurve(alg);
  checkUsages(usages, AGREEMENT_USAGES);
  const [pub, priv] = call(native.cryptoGenerate, alg.name, curve);
  const privateKey = makeKey(priv, alg, extractable, usages);
  const publicKey = makeKey(pub, alg, true, []);
  return { publicKey, privateKey };
}

// WebIDL `unsigned long? length = null`: null for undefined or null, else ToNumber modulo 2^32.
function optionalLength(length) {
  if (length === undefined || length === null) return null;
  return Number(length) >>> 0;
}

// The shared secret of ECDH / X25519 (the "derive bits" operation of both): `alg` is the
// normalized algorithm with its `public` CryptoKey, `baseKey` the private key.
function agreementBits(alg, baseKey, length) {
  if (baseKey.type !== 'private') throw dom('The base key is not a private key', 'InvalidAccessError');
  const pub = alg.public;
  if (pub.type !== 'public') throw dom('The public key is not a public key', 'InvalidAccessError');
  if (pub.algorithm.name !== baseKey.algorithm.name) throw dom('The public key is not for this algorithm', 'InvalidAccessError');
  if (alg.name === 'ECDH' && pub.algorithm.namedCurve !== baseKey.algorithm.namedCurve) throw dom('The public key is on another curve', 'InvalidAccessError');
  return call(native.cryptoAgree, handleOf(baseKey), handleOf(pub), length === null ? -1 : length);
}

// Per-algorithm "derive bits" operations; other algorithms (HKDF, PBKDF2) add theirs here.
const DERIVE_BITS = { ECDH: agreementBits, X25519: agreementBits };

// normalize() for the deriveBits / deriveKey algorithm: the algorithm-specific members.
function normalizeDerive(algorithm) {
  const alg = normalize(algorithm, 'deriveBits');
  if (isAgreement(alg.name)) {
    const pub = requireMember(algorithm, 'public');
    if (!(pub instanceof CryptoKey)) throw new TypeError(`${alg.name}: member 'public' is not a CryptoKey`);
    return { ...alg, public: pub };
  }
  return { ...alg, algorithm };
}

// The spec's checks after normalization (name, then usage) and the algorithm's operation.
function checkDeriveBase(alg, baseKey, usage) {
  handleOf(baseKey);
  if (alg.name !== baseKey.algorithm.name) throw dom(`The key is not a ${alg.name} key`, 'InvalidAccessError');
  if (!baseKey.usages.includes(usage)) throw dom(`The key does not have the '${usage}' usage`, 'InvalidAccessError');
  const op = DERIVE_BITS[alg.name];
  if (!op) throw dom(`deriveBits is not supported for ${alg.name}`, 'NotSupportedError');
  return op;
}

// "get key length" of deriveKey's normalized derivedKeyType: bits to derive, or null for a
// KDF key (HKDF, PBKDF2).
const HMAC_BLOCK_BITS = { 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };
function derivedKeyLength(alg) {
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
}

async function deriveBits(algorithm, baseKey, length = undefined) {
  const alg = normalizeDerive(algorithm);
  length = optionalLength(length);
  const op = checkDeriveBase(alg, baseKey, 'deriveBits');
  return toBuffer(op(alg, baseKey, length));
}

async function deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
  const alg = normalizeDerive(algorithm);
  const typeAlg = normalize(derivedKeyType, 'importKey');
  const usages = usagesOf(keyUsages);
  const op = checkDeriveBase(alg, baseKey, 'deriveKey');
  const bits = op(alg, baseKey, derivedKeyLength(typeAlg));
  // The derived key is imported through the ordinary path (HMAC here, AES-* and KDF keys where
  // their import is implemented).
  const key = importKey('raw', bits, derivedKeyType, extractable, usages);
  if ((key.type === 'secret' || key.type === 'private') && key.usages.length === 0) throw dom('Usages cannot be empty', 'SyntaxError');
  return key;
}
