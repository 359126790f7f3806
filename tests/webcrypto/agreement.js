// Key agreement checks for test_key_agreement.py: each request is one party's step, stateless
// (the private key travels as pkcs8 through the test, as it would through a KV namespace).
const algorithmOf = (name) => (name === 'X25519' ? { name } : { name: 'ECDH', namedCurve: name });

export default {
  async fetch(request) {
    const body = await request.json();
    const alg = algorithmOf(body.alg);
    if (body.step === 'keypair') {
      const pair = await subtle.generateKey(alg, true, ['deriveBits', 'deriveKey']);
      return Response.json({
        pkcs8: hex(await subtle.exportKey('pkcs8', pair.privateKey)),
        raw: hex(await subtle.exportKey('raw', pair.publicKey)),
        privateAlgorithm: pair.privateKey.algorithm,
        privateUsages: pair.privateKey.usages,
        publicUsages: pair.publicKey.usages,
      });
    }
    if (body.step === 'smallOrder') {
      const mine = await subtle.importKey('pkcs8', unhex(body.pkcs8), alg, false, ['deriveBits']);
      const peer = await subtle.importKey('raw', unhex(body.peer), alg, false, []);
      return Response.json({ error: await errName(() => subtle.deriveBits({ name: alg.name, public: peer }, mine, 256)) });
    }
    // step "agree": my private key, the peer's public key, a message to MAC with the derived key.
    const mine = await subtle.importKey('pkcs8', unhex(body.pkcs8), alg, false, ['deriveBits', 'deriveKey']);
    const peer = await subtle.importKey('raw', unhex(body.peer), alg, true, []);
    const bits = await subtle.deriveBits({ name: alg.name, public: peer }, mine, null);
    const hmac = await subtle.deriveKey({ name: alg.name, public: peer }, mine, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']);
    const message = new TextEncoder().encode(body.message);
    const out = { bits: hex(bits), tag: hex(await subtle.sign('HMAC', hmac, message)), hmacAlgorithm: hmac.algorithm };
    if (body.peerTag) out.peerTagValid = await subtle.verify('HMAC', hmac, unhex(body.peerTag), message);
    out.tooLong = await errName(() => subtle.deriveBits({ name: alg.name, public: peer }, mine, bits.byteLength * 8 + 8));
    out.publicAsBase = await errName(() => subtle.deriveBits({ name: alg.name, public: peer }, peer, 8));
    return Response.json(out);
  },
};
