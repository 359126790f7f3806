// Cross-family checks for test_subtle_cross.py: operations whose generic steps call another
// family's algorithm (deriveKey from a key agreement into a KDF and AES, wrapKey with RSA-OAEP,
// AES-KW wrapping an EC private key). Keys and inputs come from the test as hex.

export default {
  async fetch(request) {
    const body = await request.json();
    if (body.step === 'ecies') {
      // X25519 -> HKDF key (the whole secret) -> AES-GCM key -> encrypt.
      const mine = await subtle.importKey('pkcs8', unhex(body.pkcs8), 'X25519', false, ['deriveKey']);
      const peer = await subtle.importKey('raw', unhex(body.peer), 'X25519', false, []);
      const hkdf = await subtle.deriveKey({ name: 'X25519', public: peer }, mine, 'HKDF', false, ['deriveKey']);
      const aes = await subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode('edgert ecies') },
        hkdf, { name: 'AES-GCM', length: 256 }, true, ['encrypt'],
      );
      const iv = unhex(body.iv);
      const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, aes, new TextEncoder().encode(body.message));
      return Response.json({
        ct: hex(ct),
        aes: hex(await subtle.exportKey('raw', aes)),
        aesAlgorithm: aes.algorithm,
        hkdfAlgorithm: hkdf.algorithm,
        // An HKDF key has no length to derive into from another KDF: the whole secret is X25519's.
        hkdfFromHkdf: await errName(() => subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new Uint8Array(0) }, hkdf, 'HKDF', false, ['deriveKey'])),
      });
    }
    if (body.step === 'rsaWrap') {
      const rsaPublic = await subtle.importKey('spki', unhex(body.spki), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['wrapKey']);
      const aes = await subtle.importKey('raw', unhex(body.aes), 'AES-GCM', true, ['encrypt', 'decrypt']);
      const wrapped = await subtle.wrapKey('raw', aes, rsaPublic, { name: 'RSA-OAEP', label: unhex(body.label) });
      const rsaPrivate = await subtle.importKey('pkcs8', unhex(body.pkcs8), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['unwrapKey']);
      const unwrapped = await subtle.unwrapKey('jwk', unhex(body.wrappedJwk), rsaPrivate, 'RSA-OAEP', 'AES-GCM', true, ['decrypt']);
      return Response.json({
        wrapped: hex(wrapped),
        unwrapped: hex(await subtle.exportKey('raw', unwrapped)),
        unwrappedUsages: unwrapped.usages,
        // A key without the wrapKey usage, and AES-KW's missing encrypt, fail as the spec says.
        noUsage: await errName(() => subtle.wrapKey('raw', aes, rsaPrivate, 'RSA-OAEP')),
        kwEncrypt: await errName(() => subtle.encrypt('AES-KW', aes, new Uint8Array(16))),
      });
    }
    if (body.step === 'gcmEc') {
      // An ECDH private key wrapped as pkcs8 with AES-GCM (wrapKey's fallback to encrypt).
      const kek = await subtle.importKey('raw', unhex(body.kek), 'AES-GCM', false, ['wrapKey', 'unwrapKey']);
      const alg = { name: 'ECDH', namedCurve: 'P-256' };
      const ecdh = await subtle.importKey('pkcs8', unhex(body.pkcs8), alg, true, ['deriveBits']);
      const gcm = { name: 'AES-GCM', iv: unhex(body.iv) };
      const wrapped = await subtle.wrapKey('pkcs8', ecdh, kek, gcm);
      const back = await subtle.unwrapKey('pkcs8', wrapped, kek, gcm, alg, false, ['deriveBits']);
      return Response.json({ wrapped: hex(wrapped), backType: back.type, backAlgorithm: back.algorithm, backExtractable: back.extractable });
    }
    return new Response('unknown step', { status: 400 });
  },
};
