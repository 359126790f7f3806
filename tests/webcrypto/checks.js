// crypto.subtle behaviour checks. Each check returns a JSON-able value the Python test asserts.
const JOSE = {
  HS256: { name: 'HMAC', hash: 'SHA-256' }, HS384: { name: 'HMAC', hash: 'SHA-384' }, HS512: { name: 'HMAC', hash: 'SHA-512' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, RS384: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, RS512: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 }, PS384: { name: 'RSA-PSS', hash: 'SHA-384', saltLength: 48 }, PS512: { name: 'RSA-PSS', hash: 'SHA-512', saltLength: 64 },
  ES256: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }, ES384: { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' }, ES512: { name: 'ECDSA', namedCurve: 'P-521', hash: 'SHA-512' },
  EdDSA: { name: 'Ed25519' },
};
const publicPart = (jwk) => {
  const out = { ...jwk };
  for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi']) delete out[m];
  return out;
};

const checks = {
  async digests() {
    const out = {};
    for (const h of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) {
      out[h] = [hex(await subtle.digest(h, enc.encode('abc'))), hex(await subtle.digest({ name: h.toLowerCase() }, new ArrayBuffer(0)))];
    }
    out.view = hex(await subtle.digest('SHA-256', new Uint8Array([0, 97, 98, 99, 0]).subarray(1, 4)));
    out.bad = await errName(() => subtle.digest('MD5', enc.encode('x')));
    out.notBuffer = await errName(() => subtle.digest('SHA-256', 'abc'));
    out.promise = subtle.digest('SHA-256', new Uint8Array(0)) instanceof Promise;
    return out;
  },
  async hmacRoundTrip() {
    const raw = enc.encode('secret-key-of-some-length-000000');
    const key = await subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
    const sig = await subtle.sign('HMAC', key, enc.encode('data'));
    const ok = await subtle.verify('HMAC', key, sig, enc.encode('data'));
    const tampered = new Uint8Array(sig); tampered[0] ^= 1;
    const jwk = await subtle.exportKey('jwk', key);
    return {
      type: key.type, extractable: key.extractable, algorithm: key.algorithm, usages: key.usages, tag: String(key),
      sigLen: sig.byteLength, isBuffer: sig instanceof ArrayBuffer, ok,
      bad: await subtle.verify('HMAC', key, tampered, enc.encode('data')),
      short: await subtle.verify('HMAC', key, new Uint8Array(sig).slice(0, 16), enc.encode('data')),
      raw: hex(await subtle.exportKey('raw', key)) === hex(raw), jwk,
      ownKeys: Reflect.ownKeys(key).length, json: JSON.stringify(key),
    };
  },
  async rfc4231() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    const key = await subtle.importKey('raw', enc.encode('Jefe'), { name: 'HMAC', hash: { name: 'SHA-256' } }, false, ['sign']);
    return hex(await subtle.sign({ name: 'hmac' }, key, enc.encode('what do ya want for nothing?')));
  },
  async usages() {
    const raw = enc.encode('k'.repeat(32));
    const verifyOnly = await subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    const signOnly = await subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const sig = await subtle.sign('HMAC', signOnly, enc.encode('x'));
    const ec = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    return {
      signWithVerifyKey: await errName(() => subtle.sign('HMAC', verifyOnly, enc.encode('x'))),
      verifyWithSignKey: await errName(() => subtle.verify('HMAC', signOnly, sig, enc.encode('x'))),
      exportNonExtractable: await errName(() => subtle.exportKey('raw', verifyOnly)),
      wrongAlgorithm: await errName(() => subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, verifyOnly, sig, enc.encode('x'))),
      emptySecretUsages: await errName(() => subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [])),
      badUsage: await errName(() => subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['encrypt'])),
      unknownUsage: await errName(() => subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['frobnicate'])),
      publicKeySign: await errName(() => subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, ec.publicKey, enc.encode('x'))),
      privateKeyVerify: await errName(() => subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, ec.privateKey, new Uint8Array(64), enc.encode('x'))),
      spkiWithSign: await errName(async () => subtle.importKey('spki', await subtle.exportKey('spki', ec.publicKey), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])),
      publicUsages: ec.publicKey.usages, privateUsages: ec.privateKey.usages,
      publicExtractable: ec.publicKey.extractable, privateExtractable: ec.privateKey.extractable,
      notAKey: await errName(() => subtle.sign('HMAC', { type: 'secret' }, enc.encode('x'))),
      constructor: await errName(() => new CryptoKey()),
    };
  },
  async errors() {
    const raw = enc.encode('k'.repeat(32));
    return {
      unknownAlg: await errName(() => subtle.importKey('raw', raw, { name: 'FOO' }, false, ['sign'])),
      unsupportedAlg: await errName(() => subtle.importKey('raw', raw, { name: 'Ed448' }, false, ['sign'])),
      missingHash: await errName(() => subtle.importKey('raw', raw, { name: 'HMAC' }, false, ['sign'])),
      missingName: await errName(() => subtle.importKey('raw', raw, {}, false, ['sign'])),
      badFormat: await errName(() => subtle.importKey('pem', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
      rawRsa: await errName(() => subtle.importKey('raw', raw, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify'])),
      badSpki: await errName(() => subtle.importKey('spki', raw, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])),
      badPoint: await errName(() => subtle.importKey('raw', new Uint8Array(65), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])),
      badCurve: await errName(() => subtle.importKey('raw', new Uint8Array(65), { name: 'ECDSA', namedCurve: 'K-256' }, false, ['verify'])),
      jwkWrongKty: await errName(() => subtle.importKey('jwk', { kty: 'EC', k: 'AAAA' }, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
      jwkWrongAlg: await errName(() => subtle.importKey('jwk', { kty: 'oct', k: 'AAAA', alg: 'HS512' }, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
      jwkKeyOps: await errName(() => subtle.importKey('jwk', { kty: 'oct', k: 'AAAA', key_ops: ['verify'] }, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
      jwkUse: await errName(() => subtle.importKey('jwk', { kty: 'oct', k: 'AAAA', use: 'enc' }, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
      jwkExt: await errName(() => subtle.importKey('jwk', { kty: 'oct', k: 'AAAA', ext: false }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])),
      jwkBadB64: await errName(() => subtle.importKey('jwk', { kty: 'oct', k: 'A+A=' }, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
      jwkNotObject: await errName(() => subtle.importKey('jwk', 'x', { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
      pssWithEcKey: await errName(async () => {
        const k = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
        return subtle.sign({ name: 'RSA-PSS' }, k.privateKey, raw);
      }),
      ecdsaOtherHash: await errName(async () => {
        const k = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
        return subtle.sign({ name: 'ECDSA', hash: 'SHA-512' }, k.privateKey, raw);
      }),
      encrypt: await errName(async () => subtle.encrypt({ name: 'AES-KW' }, await subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']), raw)),
      timingLength: await errName(() => subtle.timingSafeEqual(new Uint8Array(2), new Uint8Array(3))),
    };
  },
  async timingSafeEqual() {
    return [
      subtle.timingSafeEqual(enc.encode('abc'), enc.encode('abc')),
      subtle.timingSafeEqual(enc.encode('abc').buffer, enc.encode('abd')),
      subtle.timingSafeEqual(new ArrayBuffer(0), new ArrayBuffer(0)),
    ];
  },
  async generated() {
    const out = {};
    for (const [name, alg] of [['P-256', { name: 'ECDSA', namedCurve: 'P-256' }], ['P-384', { name: 'ECDSA', namedCurve: 'P-384' }], ['Ed25519', { name: 'Ed25519' }], ['NODE', { name: 'NODE-ED25519', namedCurve: 'NODE-ED25519' }]]) {
      const { publicKey, privateKey } = await subtle.generateKey(alg, true, ['sign', 'verify']);
      const params = alg.name === 'ECDSA' ? { ...alg, hash: alg.namedCurve === 'P-256' ? 'SHA-256' : 'SHA-384' } : alg;
      const sig = await subtle.sign(params, privateKey, enc.encode('msg'));
      const jwk = await subtle.exportKey('jwk', privateKey);
      const spki = await subtle.exportKey('spki', publicKey);
      const pkcs8 = await subtle.exportKey('pkcs8', privateKey);
      const reimported = await subtle.importKey('spki', spki, alg, true, ['verify']);
      const fromJwk = await subtle.importKey('jwk', jwk, alg, false, ['sign']);
      const fromPkcs8 = await subtle.importKey('pkcs8', pkcs8, alg, false, ['sign']);
      const sig2 = await subtle.sign(params, fromJwk, enc.encode('msg2'));
      const sig3 = await subtle.sign(params, fromPkcs8, enc.encode('msg3'));
      out[name] = {
        sigLen: sig.byteLength,
        ok: await subtle.verify(params, publicKey, sig, enc.encode('msg')),
        wrongMsg: await subtle.verify(params, publicKey, sig, enc.encode('msh')),
        reimported: await subtle.verify(params, reimported, sig, enc.encode('msg')),
        viaJwk: await subtle.verify(params, publicKey, sig2, enc.encode('msg2')),
        viaPkcs8: await subtle.verify(params, publicKey, sig3, enc.encode('msg3')),
        jwkKeys: Object.keys(jwk).sort(), alg: publicKey.algorithm, types: [publicKey.type, privateKey.type],
      };
    }
    const h = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-512' }, true, ['sign', 'verify']);
    out.HMAC = { length: h.algorithm.length, raw: (await subtle.exportKey('raw', h)).byteLength };
    return out;
  },
  async jose() {
    const out = [];
    for (const c of env.JOSE) {
      const alg = JOSE[c.alg];
      const [h, p, s] = c.compact.split('.');
      const data = enc.encode(`${h}.${p}`);
      const sig = b64u(s);
      const isSecret = alg.name === 'HMAC';
      const pub = await subtle.importKey('jwk', isSecret ? c.jwk : publicPart(c.jwk), alg, false, ['verify']);
      const tampered = sig.slice(); tampered[tampered.length - 1] ^= 1;
      const r = { id: c.id, verifies: await subtle.verify(alg, pub, sig, data), tampered: await subtle.verify(alg, pub, tampered, data) };
      if (c.jwk.d || isSecret) {
        const priv = await subtle.importKey('jwk', c.jwk, alg, false, ['sign']);
        const mine = new Uint8Array(await subtle.sign(alg, priv, data));
        r.signedVerifies = await subtle.verify(alg, pub, mine, data);
        r.deterministicMatch = hex(mine) === hex(sig);
      }
      out.push(r);
    }
    return out;
  },
};

export default {
  async fetch(request, env_) {
    globalThis.env = env_;
    const name = new URL(request.url).pathname.slice(1);
    return new Response(JSON.stringify(await checks[name]()), { headers: { 'content-type': 'application/json' } });
  },
};
