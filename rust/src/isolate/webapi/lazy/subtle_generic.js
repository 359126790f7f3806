// crypto.subtle's generic steps (W3C Web Cryptography API) of encrypt, decrypt, deriveBits,
// deriveKey (with "get key length"), wrapKey and unwrapKey for every algorithm: each normalizes
// the algorithm, checks the key, and dispatches to the algorithm's operation in one table, `ops`,
// where subtle.js registers the others' (RSA-OAEP, ECDH, X25519); wrap / unwrap take any key
// subtle.js can export / import. With them, the symmetric algorithms whose operations are only
// reached through these steps: AES-CTR, AES-CBC, AES-GCM and AES-KW keys (generateKey, importKey
// raw/jwk, encrypt/decrypt, wrapKey/unwrapKey), HKDF and PBKDF2 (importKey raw, deriveBits,
// deriveKey). Loaded by subtle.js the first time one of these algorithms or methods is used; the
// crypto is native (subtle_native/symmetric.rs).
const install = (h) => {
  const {
    dom, call, normalize, usagesOf, checkUsages, newKey, handleOf, importKey, exportKey, requireMember, bufferSource,
    toBuffer, enforceRange, keyFormat, checkJwk, jwkText, HMAC_BITS,
  } = h;

  const AES = ['AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW'];
  const KDF = ['HKDF', 'PBKDF2'];
  const AES_USAGES = ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'];
  const usagesFor = (name) => (name === 'AES-KW' ? ['wrapKey', 'unwrapKey'] : KDF.includes(name) ? ['deriveKey', 'deriveBits'] : AES_USAGES);

  // ---- WebIDL conversions of the algorithm dictionaries' members (the others are subtle.js's)
  // A BufferSource member: a copy of its bytes, as the normalization steps say.
  const bytesOf = (v, what) => bufferSource(v, what).slice();
  // `unsigned long` without [EnforceRange]: modulo 2^32.
  const unsignedLong = (v) => {
    const n = Math.trunc(Number(v));
    return Number.isFinite(n) ? ((n % 2 ** 32) + 2 ** 32) % 2 ** 32 : 0;
  };

  // The members of the dictionary an (algorithm, operation) pair normalizes to, on top of the
  // name, hash and length subtle.js's normalization reads.
  const members = (alg, out, op) => {
    const name = out.name;
    const req = (m) => requireMember(alg, m);
    if (op === 'encrypt' || op === 'decrypt') {
      if (name === 'AES-CTR') {
        out.counter = bytesOf(req('counter'), 'counter');
        out.length = enforceRange(req('length'), 255, 'length');
      } else if (name === 'AES-CBC') {
        out.iv = bytesOf(req('iv'), 'iv');
      } else if (name === 'AES-GCM') {
        if (alg.additionalData !== undefined) out.additionalData = bytesOf(alg.additionalData, 'additionalData');
        out.iv = bytesOf(req('iv'), 'iv');
        out.tagLength = alg.tagLength === undefined ? 128 : enforceRange(alg.tagLength, 255, 'tagLength');
      }
    } else if (op === 'generateKey' || op === 'get key length') {
      if (AES.includes(name)) out.length = enforceRange(req('length'), 0xffff, 'length');
    } else if (op === 'deriveBits') {
      if (name === 'HKDF') {
        req('hash');
        out.info = bytesOf(req('info'), 'info');
        out.salt = bytesOf(req('salt'), 'salt');
      } else if (name === 'PBKDF2') {
        req('hash');
        out.iterations = enforceRange(req('iterations'), 2 ** 32 - 1, 'iterations');
        out.salt = bytesOf(req('salt'), 'salt');
      }
    }
    return out;
  };

  // ---- keys
  const algorithmOf = (name, bits) => (AES.includes(name) ? { name, length: bits } : { name });

  const importSecret = (format, keyData, alg, extractable, usages) => {
    const name = alg.name;
    // HKDF and PBKDF2 check the format first, the AES algorithms the usages first.
    if (KDF.includes(name) && format !== 'raw') throw dom(`${name} keys can only be imported as raw`, 'NotSupportedError');
    checkUsages(usages, usagesFor(name));
    if (KDF.includes(name)) {
      if (extractable) throw dom(`${name} keys cannot be extractable`, 'SyntaxError');
    } else if (format === 'jwk') {
      // "alg" against the key length is checked natively.
      checkJwk(keyData, 'oct', 'enc', extractable, usages);
      keyData = jwkText(keyData);
    } else if (format !== 'raw') {
      throw dom(`${name} keys cannot be imported as ${format}`, 'NotSupportedError');
    }
    const [handle, type, bits] = call(native.cryptoSecretImport, name, format, keyData);
    if (usages.length === 0) throw dom('Usages cannot be empty when creating a secret key', 'SyntaxError');
    return newKey(handle, type, extractable, algorithmOf(name, bits), usages);
  };

  // An AES key's length in bits (its algorithm's `length`).
  const aesLength = (alg) => {
    if (![128, 192, 256].includes(alg.length)) throw dom('AES key length must be 128, 192 or 256 bits', 'OperationError');
    return alg.length;
  };

  const generateSecret = (alg, extractable, usages) => {
    checkUsages(usages, usagesFor(alg.name));
    const [handle, type, bits] = call(native.cryptoSecretGenerate, alg.name, aesLength(alg));
    if (usages.length === 0) throw dom('Usages cannot be empty when creating a secret key', 'SyntaxError');
    return newKey(handle, type, extractable, algorithmOf(alg.name, bits), usages);
  };

  // ---- operations of the algorithms, by operation and algorithm name. Each takes the
  // normalized algorithm, the key and its input, and returns a Uint8Array.
  const aes = (decrypt) => (alg, key, data) => call(native.cryptoCipher, handleOf(key), decrypt, alg, data);
  const kdf = (alg, key, length) => {
    if (length === null) throw dom(`${alg.name} needs a length`, 'OperationError');
    return call(native.cryptoDeriveBits, handleOf(key), alg, length);
  };
  const ops = {
    encrypt: { 'AES-CTR': aes(false), 'AES-CBC': aes(false), 'AES-GCM': aes(false) },
    decrypt: { 'AES-CTR': aes(true), 'AES-CBC': aes(true), 'AES-GCM': aes(true) },
    wrapKey: { 'AES-KW': aes(false) },
    unwrapKey: { 'AES-KW': aes(true) },
    deriveBits: { HKDF: kdf, PBKDF2: kdf },
  };
  // The other algorithms' operations, given by subtle.js (RSA-OAEP encrypt / decrypt, ECDH and
  // X25519 deriveBits): one table, so each generic step dispatches once by algorithm name.
  for (const [op, byName] of Object.entries(h.ops || {})) Object.assign(ops[op] || (ops[op] = {}), byName);

  // "get key length" of a derived key's algorithm: bits, or null when the algorithm takes any.
  const keyLength = (alg) => {
    if (AES.includes(alg.name)) return aesLength(alg);
    if (alg.name === 'HMAC') {
      if (alg.hash === undefined) throw new TypeError("HMAC: required member 'hash' is missing");
      if (alg.length === undefined) return HMAC_BITS[alg.hash];
      const length = enforceRange(alg.length, 2 ** 32 - 1, 'length');
      if (length === 0) throw new TypeError('HMAC key length must not be 0');
      return length;
    }
    return null;
  };

  const checkKey = (alg, key, usage) => {
    if (alg.name !== key.algorithm.name) throw dom(`The key is not a ${alg.name} key`, 'InvalidAccessError');
    if (!key.usages.includes(usage)) throw dom(`The key does not have the '${usage}' usage`, 'InvalidAccessError');
  };
  const operation = (op, alg) => {
    const f = ops[op][alg.name];
    if (!f) throw dom(`${alg.name} does not support ${op}`, 'NotSupportedError');
    return f;
  };
  // A wrapping algorithm: the "wrapKey" (or "unwrapKey") dictionary, else the encrypt (decrypt) one.
  const normalizeWrap = (alg, op, fallback) => {
    try {
      return normalize(alg, op);
    } catch (e) {
      if (e instanceof DOMException && e.name === 'NotSupportedError') return normalize(alg, fallback);
      throw e;
    }
  };
  const optionalLength = (v) => (v === undefined || v === null ? null : unsignedLong(v));
  // encrypt and decrypt: the same steps with their own operation (`op`).
  const cipher = (op) => async (algorithm, key, data) => {
    handleOf(key);
    const bytes = bytesOf(data, 'data');
    const alg = normalize(algorithm, op);
    checkKey(alg, key, op);
    return toBuffer(operation(op, alg)(alg, key, bytes));
  };

  const methods = {
    encrypt: cipher('encrypt'),
    decrypt: cipher('decrypt'),
    async deriveBits(algorithm, baseKey, length) {
      handleOf(baseKey);
      length = optionalLength(length);
      const alg = normalize(algorithm, 'deriveBits');
      checkKey(alg, baseKey, 'deriveBits');
      return toBuffer(operation('deriveBits', alg)(alg, baseKey, length));
    },
    async deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
      handleOf(baseKey);
      const usages = usagesOf(keyUsages);
      extractable = !!extractable;
      const alg = normalize(algorithm, 'deriveBits');
      const importAlg = normalize(derivedKeyType, 'importKey');
      const lengthAlg = normalize(derivedKeyType, 'get key length');
      checkKey(alg, baseKey, 'deriveKey');
      const length = keyLength(lengthAlg);
      const secret = operation('deriveBits', alg)(alg, baseKey, length);
      return importKey('raw', secret, importAlg, extractable, usages);
    },
    async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
      format = keyFormat(format);
      handleOf(key);
      handleOf(wrappingKey);
      const alg = normalizeWrap(wrapAlgorithm, 'wrapKey', 'encrypt');
      checkKey(alg, wrappingKey, 'wrapKey');
      const exported = await exportKey(format, key);
      const bytes = format === 'jwk' ? utf8(JSON.stringify(exported)) : new Uint8Array(exported);
      const f = ops.wrapKey[alg.name] || operation('encrypt', alg);
      return toBuffer(f(alg, wrappingKey, bytes));
    },
    async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
      format = keyFormat(format);
      const bytes = bytesOf(wrappedKey, 'wrappedKey');
      handleOf(unwrappingKey);
      const usages = usagesOf(keyUsages);
      extractable = !!extractable;
      const alg = normalizeWrap(unwrapAlgorithm, 'unwrapKey', 'decrypt');
      const keyAlg = normalize(unwrappedKeyAlgorithm, 'importKey');
      checkKey(alg, unwrappingKey, 'unwrapKey');
      const f = ops.unwrapKey[alg.name] || operation('decrypt', alg);
      const plain = f(alg, unwrappingKey, bytes);
      let keyData = plain;
      if (format === 'jwk') {
        try {
          keyData = JSON.parse(fromUtf8(plain));
        } catch (e) {
          throw dom(`The unwrapped key is not JSON: ${e.message}`, 'DataError');
        }
        if (keyData === null || typeof keyData !== 'object' || Array.isArray(keyData)) throw dom('The unwrapped key is not a JWK object', 'DataError');
      }
      return importKey(format, keyData, keyAlg, extractable, usages);
    },
  };

  return { AES, KDF, members, importKey: importSecret, generateKey: generateSecret, ops, methods };
};
return { install };
