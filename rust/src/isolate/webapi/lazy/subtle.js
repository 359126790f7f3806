// crypto.subtle (W3C Web Cryptography API): the WebIDL checks, algorithm normalization and the
// CryptoKey / SubtleCrypto object model for every algorithm, and the signature, MAC and digest
// algorithms (HMAC, RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA, Ed25519 and Workers' NODE-ED25519, SHA
// digests, Workers' timingSafeEqual), RSA key generation and RSA-OAEP's encrypt / decrypt
// operations. Two lazy modules of their own hold the rest, loaded on first use:
// subtle_generic.js (the generic steps of encrypt, decrypt, deriveBits, deriveKey, wrapKey and
// unwrapKey for every algorithm, and AES, HKDF, PBKDF2) and subtle_ec.js (ECDH, X25519). Key
// material and the crypto live in Rust (native.crypto*) behind an opaque handle.
const kToken = Symbol('CryptoKey');
const ERROR_RE = /^(NotSupportedError|DataError|InvalidAccessError|OperationError|SyntaxError): ([\s\S]*)$/;
const dom = (message, name) => new DOMException(message, name);
// A native error "Name: message" as the DOMException WebCrypto specifies.
const domError = (e) => {
  const m = e instanceof Error && !(e instanceof TypeError) ? ERROR_RE.exec(e.message) : null;
  return m ? dom(m[2], m[1]) : e;
};
const call = (f, ...args) => {
  try {
    return f(...args);
  } catch (e) {
    throw domError(e);
  }
};
const isView = ArrayBuffer.isView;
const protoOf = Object.getPrototypeOf;
const U8_PROTO = Uint8Array.prototype;
// A BufferSource argument as a Uint8Array of its bytes. A Uint8Array (the common case: verify's
// signature and data on every request of a JWT worker) is recognized by isView (internal
// slots) and its prototype, the values asBytes returns as they are, without instanceof's
// Symbol.hasInstance lookups; any other view or an ArrayBuffer takes asBytes.
const bufferSource = (v, what) => {
  if (isView(v)) return protoOf(v) === U8_PROTO ? v : asBytes(v);
  if (v instanceof ArrayBuffer) return asBytes(v);
  throw new TypeError(`${what} is not an ArrayBuffer or ArrayBufferView`);
};
const toBuffer = (u8) => (u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength ? u8.buffer : u8.slice().buffer);
// WebIDL [EnforceRange] integer types: a finite number whose integer part is 0 to `max`.
const enforceRange = (v, max, what) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
  const i = Math.trunc(n);
  if (i < 0 || i > max) throw new TypeError(`${what} is outside the range 0 to ${max}`);
  return i;
};
const FORMATS = ['raw', 'spki', 'pkcs8', 'jwk'];
const keyFormat = (format) => {
  format = String(format);
  if (!FORMATS.includes(format)) throw new TypeError(`'${format}' is not a valid KeyFormat`);
  return format;
};
// An HMAC key's length when none is given: the hash function's block size, in bits.
const HMAC_BITS = { 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };
// The JWK checks every algorithm's import steps make with the usages and the extractable flag:
// "kty", "alg" (when `algOk` is given: a test of its value), "use", "key_ops" (an array without
// duplicates, RFC 7517 4.3, holding every usage) and "ext".
const checkJwk = (jwk, kty, use, extractable, usages, algOk) => {
  if (jwk.kty !== kty) throw dom(`JWK "kty" must be "${kty}"`, 'DataError');
  if (algOk !== undefined && jwk.alg !== undefined && !algOk(jwk.alg)) throw dom(`JWK "alg" ${jwk.alg} does not match the algorithm`, 'DataError');
  if (usages.length && jwk.use !== undefined && jwk.use !== use) throw dom(`JWK "use" must be "${use}"`, 'DataError');
  if (jwk.key_ops !== undefined) {
    const ops = jwk.key_ops;
    if (!Array.isArray(ops) || new Set(ops).size !== ops.length) throw dom('JWK "key_ops" must be an array without duplicates', 'DataError');
    for (const u of usages) if (!ops.includes(u)) throw dom(`JWK "key_ops" does not include "${u}"`, 'DataError');
  }
  if (jwk.ext === false && extractable) throw dom('JWK "ext" is false but the key is requested extractable', 'DataError');
};
// A JWK as the JSON text the native import reads.
const jwkText = (jwk) => {
  try { return JSON.stringify(jwk); } catch (e) { throw dom(`JWK cannot be serialized: ${e.message}`, 'DataError'); }
};

// Registered algorithm names (matched case-insensitively), with what edgert supports for each.
const SIGN = ['HMAC', 'RSASSA-PKCS1-v1_5', 'RSA-PSS', 'ECDSA', 'Ed25519', 'NODE-ED25519'];
const DIGESTS = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
const KNOWN = [...SIGN, ...DIGESTS, 'RSA-OAEP', 'AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW', 'ECDH', 'X25519', 'X448', 'Ed448', 'HKDF', 'PBKDF2'];
const CANONICAL = Object.fromEntries(KNOWN.map((n) => [n.toLowerCase(), n]));
const SUPPORTED = {
  digest: DIGESTS,
  importKey: [...SIGN, 'RSA-OAEP'],
  sign: SIGN,
  verify: SIGN,
  generateKey: ['HMAC', 'ECDSA', 'Ed25519', 'NODE-ED25519', 'RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP'],
  encrypt: ['RSA-OAEP'],
  decrypt: ['RSA-OAEP'],
};
// RSA (all three algorithms): the usages each half of a key pair may have.
const RSA_KINDS = ['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP'];
const RSA_USAGES = {
  'RSA-OAEP': { public: ['encrypt', 'wrapKey'], private: ['decrypt', 'unwrapKey'] },
  'RSASSA-PKCS1-v1_5': { public: ['verify'], private: ['sign'] },
  'RSA-PSS': { public: ['verify'], private: ['sign'] },
};
const kindOf = (name) => (name === 'NODE-ED25519' ? 'Ed25519' : name);
// The symmetric algorithms live in lazy/subtle_generic.js, loaded when first used.
const SYMMETRIC = ['AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW', 'HKDF', 'PBKDF2'];
// A lookup, not Array.includes: normalize() asks on every sign/verify.
const IS_SYMMETRIC = Object.assign(Object.create(null), Object.fromEntries(SYMMETRIC.map((n) => [n, true])));
const addSupported = (op, names) => { (SUPPORTED[op] || (SUPPORTED[op] = [])).push(...names); };
addSupported('importKey', SYMMETRIC);
addSupported('generateKey', ['AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW']);
addSupported('encrypt', ['AES-CTR', 'AES-CBC', 'AES-GCM']);
addSupported('decrypt', ['AES-CTR', 'AES-CBC', 'AES-GCM']);
addSupported('wrapKey', ['AES-KW']);
addSupported('unwrapKey', ['AES-KW']);
addSupported('deriveBits', ['HKDF', 'PBKDF2']);
addSupported('get key length', ['AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW', 'HMAC', 'HKDF', 'PBKDF2']);
let genericModule = null;
const generic = () => genericModule || (genericModule = lazyLoad('subtle_generic').install(genericHelpers));
// Key agreement, ECDH and X25519 (importKey, generateKey, the `public` member, the derive bits
// operation), lives in lazy/subtle_ec.js, loaded when one of them is first named.
const AGREEMENT = ['ECDH', 'X25519'];
const IS_AGREEMENT = Object.assign(Object.create(null), { ECDH: true, X25519: true });
addSupported('importKey', AGREEMENT);
addSupported('generateKey', AGREEMENT);
addSupported('deriveBits', AGREEMENT);
let agreementModule = null;
const agreement = () => agreementModule || (agreementModule = lazyLoad('subtle_ec').install({
  dom, call, requireMember, checkUsages, handleOf, newKey, checkJwk, jwkText,
  isCryptoKey: (v) => v instanceof CryptoKey,
}));

// Normalized string algorithms, by operation then name (a string has no other members to read):
// the normalization of a string is `{ name }`'s, which reads nothing a worker can change, so
// its (frozen) result is reused. Two lookups, no key built per call: verify("HMAC", ...) asks on
// every request of a JWT worker.
const normalizedStrings = Object.create(null);
const normalize = (alg, op) => {
  if (typeof alg === 'string') {
    const byName = normalizedStrings[op];
    const hit = byName === undefined ? undefined : byName[alg];
    if (hit !== undefined) return hit;
    const out = Object.freeze(normalizeObject({ name: alg }, op));
    // Only canonical spellings are kept, so the cache stays bounded.
    if (out.name === alg) (byName === undefined ? (normalizedStrings[op] = Object.create(null)) : byName)[alg] = out;
    return out;
  }
  return normalizeObject(alg, op);
};
// The registered names as they are spelled, so that a canonical spelling (the common case) is
// found without building its lower-case copy; any other spelling takes the case-insensitive map.
const CANONICAL_EXACT = Object.assign(Object.create(null), Object.fromEntries(KNOWN.map((n) => [n, n])));
const normalizeObject = (alg, op) => {
  if (!isObject(alg)) throw new TypeError('Algorithm must be a string or an object with a name');
  if (alg.name === undefined) throw new TypeError("Algorithm: required member 'name' is missing");
  const given = String(alg.name);
  const name = CANONICAL_EXACT[given] || CANONICAL[given.toLowerCase()];
  if (!name || !SUPPORTED[op].includes(name)) throw dom(`Unrecognized or unsupported algorithm name for ${op}: ${alg.name}`, 'NotSupportedError');
  const out = { name };
  if ('hash' in alg && alg.hash !== undefined) out.hash = normalize(alg.hash, 'digest').name;
  if (alg.namedCurve !== undefined) out.namedCurve = String(alg.namedCurve);
  if (alg.length !== undefined) out.length = Number(alg.length);
  if (alg.saltLength !== undefined) out.saltLength = Number(alg.saltLength);
  if (alg.modulusLength !== undefined) out.modulusLength = Number(alg.modulusLength);
  if (op === 'generateKey' && alg.publicExponent !== undefined) {
    if (!(alg.publicExponent instanceof Uint8Array)) throw new TypeError(`${name}: publicExponent must be a Uint8Array`);
    out.publicExponent = alg.publicExponent.slice();
  }
  // RSA-OAEP: a copy of the label, taken when the method is called.
  if ((op === 'encrypt' || op === 'decrypt') && alg.label !== undefined) out.label = bufferSource(alg.label, 'label').slice();
  if (IS_SYMMETRIC[name] === true || op === 'get key length') generic().members(alg, out, op);
  else if (op === 'deriveBits' && IS_AGREEMENT[name] === true) agreement().members(alg, out);
  return out;
};
const requireMember = (alg, member) => {
  if (alg[member] === undefined) throw new TypeError(`${alg.name}: required member '${member}' is missing`);
  return alg[member];
};

const USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'deriveKey', 'deriveBits', 'wrapKey', 'unwrapKey'];
const usagesOf = (usages) => {
  if (!isObject(usages) || typeof usages[Symbol.iterator] !== 'function') throw new TypeError('keyUsages must be a sequence');
  const list = [];
  for (const u of usages) {
    const s = String(u);
    if (!USAGES.includes(s)) throw new TypeError(`'${s}' is not a valid KeyUsage`);
    if (!list.includes(s)) list.push(s);
  }
  return list;
};
const checkUsages = (usages, allowed) => {
  for (const u of usages) if (!allowed.includes(u)) throw dom(`Usage '${u}' is not allowed for this key`, 'SyntaxError');
};

class CryptoKey {
  #handle; #type; #extractable; #algorithm; #usages;
  // kindOf([[algorithm]].name): what sign and verify compare the normalized algorithm with.
  #kind;
  constructor(token, handle, type, extractable, algorithm, usages) {
    if (token !== kToken) throw new TypeError('Illegal constructor');
    this.#handle = handle;
    this.#type = type;
    this.#extractable = extractable;
    this.#algorithm = Object.freeze(algorithm);
    this.#usages = Object.freeze(usages);
    this.#kind = kindOf(algorithm.name);
  }
  get type() { return this.#type; }
  get extractable() { return this.#extractable; }
  get algorithm() { return this.#algorithm; }
  get usages() { return this.#usages; }
  get [Symbol.toStringTag]() { return 'CryptoKey'; }
  static handle(key) {
    if (!(key instanceof CryptoKey)) throw new TypeError('key is not a CryptoKey');
    return key.#handle;
  }
  // sign and verify's checks of the key (WebCrypto 14.3.4 / 14.3.5 steps 8-9, after the
  // normalization): that it is a CryptoKey, that its [[algorithm]] is the normalized
  // algorithm's and that its [[usages]] hold `usage`; then the native call's parameters
  // [handle, kind, hash, saltLength]. The internal slots are read, as the specification says,
  // not the `algorithm` / `usages` getters a worker can replace. The key is checked as WebIDL
  // converts a value to an interface type: by its brand (the private field, which only
  // CryptoKey's constructor gives), not its prototype chain (no Symbol.hasInstance lookup).
  static signParams(alg, key, usage) {
    if (key === null || typeof key !== 'object' || !(#handle in key)) throw new TypeError('key is not a CryptoKey');
    const kind = kindOf(alg.name);
    if (kind !== key.#kind) throw dom(`The key is not a ${alg.name} key`, 'InvalidAccessError');
    if (!key.#usages.includes(usage)) throw dom(`The key does not have the '${usage}' usage`, 'InvalidAccessError');
    let hash = '';
    let salt = -1;
    if (kind === 'HMAC' || kind === 'Ed25519') return [key.#handle, kind, hash, salt];
    if (kind === 'ECDSA') hash = requireMember(alg, 'hash');
    else if (kind.startsWith('RS')) hash = key.#algorithm.hash.name;
    if (kind === 'RSA-PSS') salt = enforceRange(requireMember(alg, 'saltLength'), 2 ** 32 - 1, 'saltLength');
    return [key.#handle, kind, hash, salt];
  }
}
const handleOf = CryptoKey.handle;
const signParams = CryptoKey.signParams;
delete CryptoKey.handle;
delete CryptoKey.signParams;
const newKey = (handle, type, extractable, algorithm, usages) => new CryptoKey(kToken, handle, type, extractable, algorithm, usages);

// Builds a CryptoKey from the native description [handle, type, bits, publicExponent].
const makeKey = (desc, alg, extractable, usages) => {
  const [handle, type, bits, exponent] = desc;
  const kind = kindOf(alg.name);
  let algorithm;
  if (kind === 'HMAC') algorithm = { name: 'HMAC', hash: { name: alg.hash }, length: bits };
  else if (kind === 'ECDSA') algorithm = { name: 'ECDSA', namedCurve: alg.namedCurve };
  else if (kind === 'Ed25519') algorithm = alg.name === 'NODE-ED25519' ? { name: 'NODE-ED25519', namedCurve: 'NODE-ED25519' } : { name: 'Ed25519' };
  else algorithm = { name: alg.name, modulusLength: bits, publicExponent: exponent, hash: { name: alg.hash } };
  const allowed = RSA_USAGES[kind] ? RSA_USAGES[kind][type] : kind === 'HMAC' ? ['sign', 'verify'] : type === 'public' ? ['verify'] : ['sign'];
  checkUsages(usages, allowed);
  if (type !== 'public' && usages.length === 0) throw dom(`Usages cannot be empty when creating a ${type} key`, 'SyntaxError');
  return newKey(handle, type, extractable, algorithm, usages);
};

const jwkAlg = (alg) => {
  switch (kindOf(alg.name)) {
    // ECDH and X25519 keys have no "alg"; Ed25519 the algorithm name (w3c/webcrypto#401), Workers'
    // NODE-ED25519 keeps "EdDSA".
    case 'ECDH': case 'X25519': return undefined;
    case 'Ed25519': return alg.name === 'Ed25519' ? 'Ed25519' : 'EdDSA';
    case 'HMAC': return `HS${alg.hash === 'SHA-1' ? '1' : alg.hash.slice(4)}`;
    case 'RSASSA-PKCS1-v1_5': return `RS${alg.hash === 'SHA-1' ? '1' : alg.hash.slice(4)}`;
    case 'RSA-PSS': return `PS${alg.hash === 'SHA-1' ? '1' : alg.hash.slice(4)}`;
    case 'RSA-OAEP': return alg.hash === 'SHA-1' ? 'RSA-OAEP' : `RSA-OAEP-${alg.hash.slice(4)}`;
    case 'ECDSA': return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[alg.namedCurve];
    case 'AES-CTR': case 'AES-CBC': case 'AES-GCM': case 'AES-KW': return `A${alg.length}${alg.name.slice(4)}`;
    default: return 'EdDSA';
  }
};

// The JWK checks of the signature and MAC algorithms' import steps.
const JWK_KTY = { HMAC: 'oct', 'RSASSA-PKCS1-v1_5': 'RSA', 'RSA-PSS': 'RSA', ECDSA: 'EC', Ed25519: 'OKP', 'RSA-OAEP': 'RSA' };
const checkSignatureJwk = (jwk, alg, extractable, usages) => {
  const kind = kindOf(alg.name);
  const algOk = kind === 'Ed25519' ? (a) => a === 'EdDSA' || a === 'Ed25519' : (a) => a === jwkAlg(alg);
  checkJwk(jwk, JWK_KTY[kind], kind === 'RSA-OAEP' ? 'enc' : 'sig', extractable, usages, algOk);
};

const importKey = (format, keyData, algorithm, extractable, keyUsages) => {
  format = keyFormat(format);
  let data;
  if (format === 'jwk') {
    if (!isObject(keyData) || ArrayBuffer.isView(keyData) || keyData instanceof ArrayBuffer) throw new TypeError('keyData must be a JsonWebKey object');
  } else {
    data = bufferSource(keyData, 'keyData');
  }
  const alg = normalize(algorithm, 'importKey');
  const usages = usagesOf(keyUsages);
  extractable = !!extractable;
  if (IS_SYMMETRIC[alg.name] === true) return generic().importKey(format, format === 'jwk' ? keyData : data, alg, extractable, usages);
  const kind = kindOf(alg.name);
  if (IS_AGREEMENT[kind] === true) return agreement().importKey(format, format === 'jwk' ? keyData : data, alg, extractable, usages);
  if (kind === 'HMAC' || kind.startsWith('RS')) requireMember(alg, 'hash');
  if (kind === 'ECDSA') requireMember(alg, 'namedCurve');
  if (kind === 'ECDSA' && !['P-256', 'P-384', 'P-521'].includes(alg.namedCurve)) throw dom(`Unsupported namedCurve ${alg.namedCurve}`, 'NotSupportedError');
  if (format === 'raw' && kind.startsWith('RS')) throw dom('RSA keys cannot be imported as raw', 'NotSupportedError');
  if (kind === 'HMAC' && (format === 'spki' || format === 'pkcs8')) throw dom(`HMAC keys cannot be imported as ${format}`, 'NotSupportedError');
  if (format === 'spki' || (format === 'raw' && kind !== 'HMAC')) checkUsages(usages, kind === 'RSA-OAEP' ? RSA_USAGES[kind].public : ['verify']);
  if (format === 'pkcs8') checkUsages(usages, kind === 'RSA-OAEP' ? RSA_USAGES[kind].private : ['sign']);
  if (format === 'jwk') {
    checkSignatureJwk(keyData, alg, extractable, usages);
    data = jwkText(keyData);
  }
  if (kind === 'HMAC' && alg.length !== undefined && !(alg.length > 0)) throw dom('HMAC length must be positive', 'DataError');
  const desc = call(native.cryptoImport, format, kind, alg.hash || '', kind === 'ECDSA' ? alg.namedCurve : '', alg.length === undefined ? -1 : alg.length, data);
  return makeKey(desc, alg, extractable, usages);
};

// generateKey for the RSA algorithms (RsaHashedKeyGenParams). The order of the checks is the
// specification's: usages the pair cannot have (SyntaxError), then modulusLength and
// publicExponent (OperationError), then a private key without usages (SyntaxError), which is
// checked before the (slow) generation since it fails either way.
const generateRsa = (alg, extractable, usages) => {
  const kind = alg.name;
  requireMember(alg, 'hash');
  const bits = enforceRange(requireMember(alg, 'modulusLength'), 2 ** 32 - 1, 'modulusLength');
  const exponent = requireMember(alg, 'publicExponent');
  const { public: pub, private: priv } = RSA_USAGES[kind];
  checkUsages(usages, [...pub, ...priv]);
  call(native.cryptoGenerateRsa, bits, exponent, true);
  const privateUsages = usages.filter((u) => priv.includes(u));
  if (privateUsages.length === 0) throw dom('Usages cannot be empty when creating a private key', 'SyntaxError');
  const [pubDesc, privDesc] = call(native.cryptoGenerateRsa, bits, exponent, false);
  const privateKey = makeKey(privDesc, alg, extractable, privateUsages);
  const publicKey = makeKey(pubDesc, alg, true, usages.filter((u) => pub.includes(u)));
  return { publicKey, privateKey };
};

// RSA-OAEP encrypt (decrypt): (normalized algorithm, key, bytes) -> Uint8Array, an entry of the
// table of operations by algorithm name that the generic steps in lazy/subtle_generic.js
// dispatch on (encrypt, decrypt, and wrapKey / unwrapKey through them); the native checks the
// key's type.
const rsaOaep = (encrypt) => (alg, key, data) => call(native.cryptoRsaOaep, handleOf(key), encrypt, key.algorithm.hash.name, data, alg.label);

class SubtleCrypto {
  constructor(token) { if (token !== kToken) throw new TypeError('Illegal constructor'); }
  async digest(algorithm, data) {
    const alg = normalize(algorithm, 'digest');
    return toBuffer(call(native.cryptoDigest, alg.name, bufferSource(data, 'data')));
  }
  async importKey(format, keyData, algorithm, extractable, keyUsages) {
    return importKey(format, keyData, algorithm, extractable, keyUsages);
  }
  async exportKey(format, key) {
    format = keyFormat(format);
    const h = handleOf(key);
    if (key.algorithm.name === 'HKDF' || key.algorithm.name === 'PBKDF2') throw dom(`${key.algorithm.name} keys cannot be exported`, 'NotSupportedError');
    if (!key.extractable) throw dom('The key is not extractable', 'InvalidAccessError');
    if (IS_SYMMETRIC[key.algorithm.name] === true && format !== 'raw' && format !== 'jwk') throw dom(`${key.algorithm.name} keys cannot be exported as ${format}`, 'NotSupportedError');
    const out = call(native.cryptoExport, h, format);
    if (format !== 'jwk') return toBuffer(out);
    const jwk = JSON.parse(out);
    const alg = jwkAlg(key.algorithm.name === 'NODE-ED25519' ? { name: 'NODE-ED25519' } : { ...key.algorithm, hash: key.algorithm.hash && key.algorithm.hash.name });
    if (alg !== undefined) jwk.alg = alg;
    jwk.key_ops = [...key.usages];
    jwk.ext = key.extractable;
    return jwk;
  }
  async sign(algorithm, key, data) {
    const alg = normalize(algorithm, 'sign');
    const bytes = bufferSource(data, 'data');
    const p = signParams(alg, key, 'sign');
    return toBuffer(call(native.cryptoSign, p[0], p[1], p[2], p[3], bytes));
  }
  async verify(algorithm, key, signature, data) {
    const alg = normalize(algorithm, 'verify');
    const sig = bufferSource(signature, 'signature');
    const bytes = bufferSource(data, 'data');
    const p = signParams(alg, key, 'verify');
    // Called directly, not through call(): verification runs on every request of a JWT worker.
    try { return native.cryptoVerify(p[0], p[1], p[2], p[3], sig, bytes); } catch (e) { throw domError(e); }
  }
  async generateKey(algorithm, extractable, keyUsages) {
    const alg = normalize(algorithm, 'generateKey');
    const usages = usagesOf(keyUsages);
    extractable = !!extractable;
    if (IS_SYMMETRIC[alg.name] === true) return generic().generateKey(alg, extractable, usages);
    const kind = kindOf(alg.name);
    if (IS_AGREEMENT[kind] === true) return agreement().generateKey(alg, extractable, usages);
    if (kind === 'HMAC') {
      const hash = requireMember(alg, 'hash');
      const bits = alg.length === undefined ? HMAC_BITS[hash] : alg.length;
      if (!(bits > 0) || bits % 8 !== 0) throw dom('HMAC key length must be a positive multiple of 8', 'NotSupportedError');
      checkUsages(usages, ['sign', 'verify']);
      const desc = call(native.cryptoImport, 'raw', 'HMAC', hash, '', -1, native.randomBytes(bits / 8));
      return makeKey(desc, alg, extractable, usages);
    }
    if (RSA_KINDS.includes(kind)) return generateRsa(alg, extractable, usages);
    if (kind === 'ECDSA') {
      requireMember(alg, 'namedCurve');
      if (!['P-256', 'P-384', 'P-521'].includes(alg.namedCurve)) throw dom(`Unsupported namedCurve ${alg.namedCurve}`, 'NotSupportedError');
    }
    checkUsages(usages, ['sign', 'verify']);
    const [pub, priv] = call(native.cryptoGenerate, kind, kind === 'ECDSA' ? alg.namedCurve : '');
    const privateKey = makeKey(priv, alg, extractable, usages.filter((u) => u === 'sign'));
    const publicKey = makeKey(pub, alg, true, usages.filter((u) => u === 'verify'));
    return { publicKey, privateKey };
  }
  timingSafeEqual(a, b) {
    const x = bufferSource(a, 'a');
    const y = bufferSource(b, 'b');
    if (x.byteLength !== y.byteLength) throw new TypeError('Input buffers must have the same byte length');
    return native.timingSafeEqual(x, y);
  }
}
// encrypt, decrypt, deriveBits, deriveKey, wrapKey and unwrapKey: their generic steps, for every
// algorithm, are in lazy/subtle_generic.js (loaded on the first call), with the methods' WebIDL
// lengths; each dispatches by algorithm name in one table of operations, to which this module
// adds RSA-OAEP's encrypt / decrypt and ECDH / X25519's derive bits.
for (const [m, length] of [['encrypt', 3], ['decrypt', 3], ['deriveBits', 2], ['deriveKey', 5], ['wrapKey', 4], ['unwrapKey', 7]]) {
  const method = { async [m](...args) { return generic().methods[m](...args); } }[m];
  Object.defineProperty(method, 'length', { value: length, configurable: true });
  Object.defineProperty(SubtleCrypto.prototype, m, { value: method, writable: true, configurable: true });
}
// What lazy/subtle_generic.js uses of this module.
const genericHelpers = {
  ops: {
    encrypt: { 'RSA-OAEP': rsaOaep(true) },
    decrypt: { 'RSA-OAEP': rsaOaep(false) },
    deriveBits: { ECDH: (alg, key, length) => agreement().bits(alg, key, length), X25519: (alg, key, length) => agreement().bits(alg, key, length) },
  },
  dom, call, normalize, usagesOf, checkUsages, handleOf, importKey, newKey, requireMember, bufferSource,
  toBuffer, enforceRange, keyFormat, checkJwk, jwkText, HMAC_BITS,
  exportKey: SubtleCrypto.prototype.exportKey.bind(null),
};
Object.defineProperty(SubtleCrypto.prototype, Symbol.toStringTag, { value: 'SubtleCrypto', configurable: true });

const subtle = new SubtleCrypto(kToken);
defineGlobal('CryptoKey', CryptoKey);
defineGlobal('SubtleCrypto', SubtleCrypto);
return { subtle, CryptoKey, SubtleCrypto };
