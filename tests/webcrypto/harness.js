// Runs Wycheproof-style signature vectors through crypto.subtle.verify. env.GROUPS is a list of
// {file, format, key, importAlg, verifyAlg, tests: [[tcId, msgHex, sigHex, result]]}.
const hex = (s) => {
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.substr(2 * i, 2), 16);
  return b;
};

export default {
  async fetch(request, env) {
    const out = [];
    for (const g of env.GROUPS) {
      let key = null;
      let importError = null;
      try {
        const data = g.format === 'jwk' ? g.key : hex(g.key);
        key = await crypto.subtle.importKey(g.format, data, g.importAlg, false, ['verify']);
      } catch (e) {
        importError = `import:${e.name}`;
      }
      for (const [id, msg, sig, result] of g.tests) {
        let got = importError;
        if (key) {
          try {
            got = (await crypto.subtle.verify(g.verifyAlg, key, hex(sig), hex(msg))) ? 'valid' : 'invalid';
          } catch (e) {
            got = `error:${e.name}`;
          }
        }
        out.push([g.file, id, result, got]);
      }
    }
    return new Response(JSON.stringify(out), { headers: { 'content-type': 'application/json' } });
  },
};
