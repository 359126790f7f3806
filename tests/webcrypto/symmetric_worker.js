// A worker using crypto.subtle's symmetric algorithms as real workers do: an AES-GCM session
// cookie (key from a secret, a fresh 96-bit IV per cookie), key wrapping, HKDF/PBKDF2.

const sessionKey = (env) => subtle.importKey('raw', unhex(env.SESSION_KEY), 'AES-GCM', false, ['encrypt', 'decrypt']);

const routes = {
  // Sets `session=<base64(iv || ciphertext || tag)>` for the user named in the query.
  async login(url, request, env) {
    const key = await sessionKey(env);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const body = enc.encode(JSON.stringify({ user: url.searchParams.get('user') }));
    const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode('session') }, key, body));
    const cookie = b64(new Uint8Array([...iv, ...sealed]));
    return new Response('welcome', { headers: { 'set-cookie': `session=${cookie}; HttpOnly; Secure` } });
  },
  // Reads the cookie back: 200 with the user, or 401 when it was tampered with.
  async whoami(url, request, env) {
    const cookie = (request.headers.get('cookie') || '').replace(/^session=/, '');
    const raw = unb64(cookie);
    const key = await sessionKey(env);
    try {
      const plain = await subtle.decrypt({ name: 'AES-GCM', iv: raw.slice(0, 12), additionalData: enc.encode('session') }, key, raw.slice(12));
      return Response.json(JSON.parse(dec.decode(plain)));
    } catch (e) {
      return new Response(`${e.name}`, { status: 401 });
    }
  },
  async wrap(url, request, env) {
    const kek = await subtle.importKey('raw', unhex(env.KEK), 'AES-KW', true, ['wrapKey', 'unwrapKey']);
    const hmac = await subtle.importKey('raw', unhex(env.HMAC_KEY), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
    const wrappedRaw = await subtle.wrapKey('raw', hmac, kek, 'AES-KW');
    const unwrapped = await subtle.unwrapKey('raw', wrappedRaw, kek, 'AES-KW', { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const msg = enc.encode('wrapped');
    const same = hex(await subtle.sign('HMAC', hmac, msg)) === hex(await subtle.sign('HMAC', unwrapped, msg));
    // A JWK wrapped with AES-GCM: JSON text, encrypted; unwrapped as the same key.
    const gcmKey = await subtle.importKey('raw', unhex(env.SESSION_KEY), 'AES-GCM', false, ['wrapKey', 'unwrapKey']);
    const iv = new Uint8Array(12);
    const wrappedJwk = await subtle.wrapKey('jwk', hmac, gcmKey, { name: 'AES-GCM', iv });
    const back = await subtle.unwrapKey('jwk', wrappedJwk, gcmKey, { name: 'AES-GCM', iv }, { name: 'HMAC', hash: 'SHA-256' }, true, ['verify']);
    const jwk = await subtle.exportKey('jwk', back);
    return Response.json({
      wrappedRaw: hex(wrappedRaw),
      same,
      unwrappedExtractable: unwrapped.extractable,
      unwrappedUsages: unwrapped.usages,
      wrappedJwk: hex(wrappedJwk),
      jwk,
      tampered: await errName(() => subtle.unwrapKey('raw', new Uint8Array(wrappedRaw).map((b, i) => (i === 0 ? b ^ 1 : b)), kek, 'AES-KW', { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
      nonExtractable: await errName(() => subtle.wrapKey('raw', unwrapped, kek, 'AES-KW')),
      wrongUsage: await errName(() => subtle.wrapKey('raw', hmac, gcmKey, { name: 'AES-CBC', iv: new Uint8Array(16) })),
    });
  },
  async derive(url, request, env) {
    const hkdfKey = await subtle.importKey('raw', unhex(env.IKM), 'HKDF', false, ['deriveBits', 'deriveKey']);
    const hkdf = { name: 'HKDF', hash: 'SHA-256', salt: enc.encode('salt'), info: enc.encode('info') };
    const pbkdf2Key = await subtle.importKey('raw', enc.encode('password'), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
    const pbkdf2 = { name: 'PBKDF2', hash: 'SHA-1', salt: enc.encode('salt'), iterations: 4096 };
    const aes = await subtle.deriveKey(hkdf, hkdfKey, { name: 'AES-GCM', length: 256 }, true, ['encrypt']);
    const hmac = await subtle.deriveKey(pbkdf2, pbkdf2Key, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
    return Response.json({
      hkdf: hex(await subtle.deriveBits(hkdf, hkdfKey, 336)),
      pbkdf2: hex(await subtle.deriveBits(pbkdf2, pbkdf2Key, 160)),
      aesKey: hex(await subtle.exportKey('raw', aes)),
      aesAlgorithm: aes.algorithm,
      hmacKey: hex(await subtle.exportKey('raw', hmac)),
      hmacAlgorithm: hmac.algorithm,
      empty: hex(await subtle.deriveBits(hkdf, hkdfKey, 0)),
      noLength: await errName(() => subtle.deriveBits(hkdf, hkdfKey)),
      odd: await errName(() => subtle.deriveBits(hkdf, hkdfKey, 12)),
      zeroIterations: await errName(() => subtle.deriveBits({ ...pbkdf2, iterations: 0 }, pbkdf2Key, 128)),
      missingSalt: await errName(() => subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', info: new Uint8Array() }, hkdfKey, 128)),
      extractableKdf: await errName(() => subtle.importKey('raw', enc.encode('x'), 'HKDF', true, ['deriveBits'])),
      // HKDF checks the format before the usages (AES the usages first).
      jwkKdf: await errName(() => subtle.importKey('jwk', { kty: 'oct', k: 'AAAA' }, 'HKDF', false, ['encrypt'])),
      jwkAesBadUsage: await errName(() => subtle.importKey('spki', new Uint8Array(16), 'AES-GCM', false, ['sign'])),
      exportKdf: await errName(() => subtle.exportKey('raw', hkdfKey)),
    });
  },
  async errors(url, request, env) {
    const key = await subtle.importKey('raw', unhex(env.SESSION_KEY), 'AES-GCM', true, ['encrypt']);
    const cbc = await subtle.importKey('raw', unhex(env.SESSION_KEY), 'AES-CBC', true, ['decrypt']);
    const iv = new Uint8Array(12);
    return Response.json({
      badTag: await errName(() => subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 24 }, key, iv)),
      noIv: await errName(() => subtle.encrypt({ name: 'AES-GCM' }, key, iv)),
      noDecryptUsage: await errName(() => subtle.decrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(32))),
      mismatch: await errName(() => subtle.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, key, iv)),
      shortCbcIv: await errName(() => subtle.decrypt({ name: 'AES-CBC', iv }, cbc, new Uint8Array(16))),
      badPadding: await errName(() => subtle.decrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, cbc, new Uint8Array(16))),
      badKeyLength: await errName(() => subtle.importKey('raw', new Uint8Array(20), 'AES-GCM', true, ['encrypt'])),
      badUsage: await errName(() => subtle.importKey('raw', new Uint8Array(16), 'AES-KW', true, ['encrypt'])),
      generateBadLength: await errName(() => subtle.generateKey({ name: 'AES-CTR', length: 64 }, true, ['encrypt'])),
      jwkWrongAlg: await errName(() => subtle.importKey('jwk', { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', alg: 'A256GCM' }, 'AES-GCM', true, ['encrypt'])),
      jwk: await subtle.exportKey('jwk', key),
      generated: (await subtle.generateKey({ name: 'AES-CTR', length: 192 }, true, ['encrypt'])).algorithm,
    });
  },
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return routes[url.pathname.slice(1)](url, request, env);
  },
};
