// crypto.subtle RSA checks (RSA-OAEP, RSA generateKey, RSA private-key export, RSA-PSS salt
// lengths, SHA-1 and small keys). Keys and ciphertexts made by the Python test with the
// `cryptography` package arrive in env; each check returns what the test compares.

const checks = {
  // Encrypts to the Python key's public half with every hash, with and without a label.
  async oaepEncrypt() {
    const out = {};
    for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) {
      const key = await subtle.importKey('spki', unb64(env.spki), { name: 'RSA-OAEP', hash }, false, ['encrypt']);
      out[hash] = {
        plain: b64(await subtle.encrypt({ name: 'RSA-OAEP' }, key, enc.encode(`no label ${hash}`))),
        labelled: b64(await subtle.encrypt({ name: 'RSA-OAEP', label: enc.encode('the label') }, key, enc.encode(`label ${hash}`))),
      };
    }
    return out;
  },
  // Decrypts the Python ciphertexts with the private key imported from PKCS#8 and from JWK.
  async oaepDecrypt() {
    const out = {};
    for (const [hash, label, ct] of env.ciphertexts) {
      const alg = { name: 'RSA-OAEP', hash };
      const fromPkcs8 = await subtle.importKey('pkcs8', unb64(env.pkcs8), alg, false, ['decrypt']);
      const fromJwk = await subtle.importKey('jwk', env.jwk, alg, false, ['decrypt']);
      const params = label === null ? { name: 'RSA-OAEP' } : { name: 'RSA-OAEP', label: enc.encode(label) };
      const a = dec.decode(await subtle.decrypt(params, fromPkcs8, unb64(ct)));
      const b = dec.decode(await subtle.decrypt(params, fromJwk, unb64(ct)));
      const wrongLabel = await errName(() => subtle.decrypt({ name: 'RSA-OAEP', label: enc.encode('not it') }, fromPkcs8, unb64(ct)));
      out[`${hash}/${label}`] = [a, b, wrongLabel];
    }
    return out;
  },
  // A generated pair: encrypt, decrypt, the key attributes, and the private key exported for Python.
  async oaepGenerated() {
    const alg = { name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    const { publicKey, privateKey } = await subtle.generateKey(alg, true, ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
    const ct = await subtle.encrypt({ name: 'RSA-OAEP' }, publicKey, enc.encode('round trip'));
    const jwk = await subtle.exportKey('jwk', privateKey);
    return {
      roundTrip: dec.decode(await subtle.decrypt({ name: 'RSA-OAEP' }, privateKey, ct)),
      ctLen: ct.byteLength,
      publicAlgorithm: { ...publicKey.algorithm, publicExponent: [...publicKey.algorithm.publicExponent] },
      publicUsages: publicKey.usages,
      privateUsages: privateKey.usages,
      pkcs8: b64(await subtle.exportKey('pkcs8', privateKey)),
      spki: b64(await subtle.exportKey('spki', publicKey)),
      jwk,
      publicJwk: await subtle.exportKey('jwk', publicKey),
      ct: b64(ct),
      usePublicToDecrypt: await errName(() => subtle.decrypt({ name: 'RSA-OAEP' }, publicKey, ct)),
      usePrivateToEncrypt: await errName(() => subtle.encrypt({ name: 'RSA-OAEP' }, privateKey, ct)),
      tampered: await errName(() => { const t = new Uint8Array(ct); t[5] ^= 1; return subtle.decrypt({ name: 'RSA-OAEP' }, privateKey, t); }),
      tooLong: await errName(() => subtle.encrypt({ name: 'RSA-OAEP' }, publicKey, new Uint8Array(191))),
      longest: (await subtle.encrypt({ name: 'RSA-OAEP' }, publicKey, new Uint8Array(190))).byteLength,
    };
  },
  // generateKey's parameter checks, in the specification's order.
  async generateErrors() {
    const g = (alg, usages) => errName(() => subtle.generateKey(alg, true, usages));
    const rsa = (name, extra) => ({ name, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256', ...extra });
    return {
      exponent1: await g(rsa('RSA-PSS', { publicExponent: new Uint8Array([1]) }), ['sign']),
      exponent65536: await g(rsa('RSA-OAEP', { publicExponent: new Uint8Array([1, 0, 0]) }), ['decrypt']),
      notByteMultiple: await g(rsa('RSASSA-PKCS1-v1_5', { modulusLength: 2047 }), ['sign']),
      tooBig: await g(rsa('RSASSA-PKCS1-v1_5', { modulusLength: 16384 }), ['sign']),
      badUsage: await g(rsa('RSA-OAEP', { publicExponent: new Uint8Array([1]) }), ['sign']),
      emptyUsages: await g(rsa('RSA-PSS'), []),
      publicOnlyUsages: await g(rsa('RSA-OAEP'), ['encrypt']),
      badAfterEmpty: await g(rsa('RSA-OAEP', { modulusLength: 100 }), []),
      noExponent: await g({ name: 'RSA-PSS', modulusLength: 2048, hash: 'SHA-256' }, ['sign']),
      exponentNotBytes: await g(rsa('RSA-PSS', { publicExponent: [1, 0, 1] }), ['sign']),
    };
  },
  // RSA-PSS with saltLength 0 and 100, and RSASSA-PKCS1-v1_5 with SHA-1, signed for Python to verify.
  async legacySignatures() {
    const pss = await subtle.importKey('pkcs8', unb64(env.pkcs8), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    const small = await subtle.importKey('pkcs8', unb64(env.smallPkcs8), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }, true, ['sign']);
    const smallPublic = await subtle.importKey('spki', unb64(env.smallSpki), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }, true, ['verify']);
    const data = enc.encode('legacy');
    const sig = await subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, small, data);
    return {
      pss0: b64(await subtle.sign({ name: 'RSA-PSS', saltLength: 0 }, pss, data)),
      pss100: b64(await subtle.sign({ name: 'RSA-PSS', saltLength: 100 }, pss, data)),
      sha1Small: b64(sig),
      verifiesSmall: await subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, smallPublic, sig, data),
      smallBits: small.algorithm.modulusLength,
      smallPkcs8: b64(await subtle.exportKey('pkcs8', small)),
    };
  },
};

export default {
  async fetch(request, env_) {
    globalThis.env = env_;
    const name = new URL(request.url).pathname.slice(1);
    return new Response(JSON.stringify(await checks[name]()), { headers: { 'content-type': 'application/json' } });
  },
};
