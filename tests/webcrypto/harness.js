// Runs Wycheproof-style signature vectors through crypto.subtle.verify. env.GROUPS is a list of
// {file, format, key, importAlg, verifyAlg, tests: [[tcId, msgHex, sigHex, result]]}.

export default {
  async fetch(request, env) {
    const out = [];
    for (const g of env.GROUPS) {
      let key = null;
      let importError = null;
      try {
        const data = g.format === 'jwk' ? g.key : unhex(g.key);
        key = await crypto.subtle.importKey(g.format, data, g.importAlg, false, ['verify']);
      } catch (e) {
        importError = `import:${e.name}`;
      }
      for (const [id, msg, sig, result] of g.tests) {
        let got = importError;
        if (key) {
          try {
            got = (await crypto.subtle.verify(g.verifyAlg, key, unhex(sig), unhex(msg))) ? 'valid' : 'invalid';
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
