// Runs WPT data sets (passed in env) inside an isolate; returns one record per case.
const FIELDS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];
function urlCases(data) {
  const out = [];
  data.forEach((t, i) => {
    if (typeof t === 'string') return;
    const id = `url/${i}: ${JSON.stringify(t.input)} base ${JSON.stringify(t.base)}`;
    let got;
    try {
      const u = t.base === null || t.base === undefined ? new URL(t.input) : new URL(t.input, t.base);
      if (t.failure) { out.push({ id, pass: false, got: 'parsed: ' + u.href }); return; }
      const diffs = FIELDS.filter((f) => f in t && u[f] !== t[f]).map((f) => `${f}=${JSON.stringify(u[f])} want ${JSON.stringify(t[f])}`);
      got = diffs.join('; ');
      out.push({ id, pass: diffs.length === 0, got });
    } catch (e) {
      out.push({ id, pass: !!t.failure, got: String(e) });
    }
    if (t.failure) {
      const can = t.base === null || t.base === undefined ? URL.canParse(t.input) : URL.canParse(t.input, t.base);
      out.push({ id: id + ' canParse', pass: can === false, got: String(can) });
    }
  });
  return out;
}
function setterCases(data) {
  const out = [];
  for (const prop of Object.keys(data)) {
    if (prop === 'comment') continue;
    data[prop].forEach((t, i) => {
      const id = `setters/${prop}/${i}: ${JSON.stringify(t.href)} := ${JSON.stringify(t.new_value)}`;
      try {
        const u = new URL(t.href);
        u[prop] = t.new_value;
        const diffs = Object.keys(t.expected).filter((f) => u[f] !== t.expected[f]).map((f) => `${f}=${JSON.stringify(u[f])} want ${JSON.stringify(t.expected[f])}`);
        out.push({ id, pass: diffs.length === 0, got: diffs.join('; ') });
      } catch (e) {
        out.push({ id, pass: false, got: String(e) });
      }
    });
  }
  return out;
}
function percentCases(data) {
  const out = [];
  data.forEach((t, i) => {
    if (typeof t === 'string') return;
    const id = `percent-encoding/${i}: ${JSON.stringify(t.input)}`;
    const u = new URL(`https://doesnotmatter.invalid/?${t.input}#${t.input}`);
    const want = `?${t.output['utf-8']}`;
    out.push({ id, pass: u.search === want, got: u.search });
  });
  return out;
}
function base64Cases(data) {
  const out = [];
  data.forEach(([input, expected], i) => {
    const id = `base64/${i}: ${JSON.stringify(input)}`;
    try {
      const s = atob(input);
      const bytes = [...s].map((c) => c.charCodeAt(0));
      out.push({ id, pass: expected !== null && JSON.stringify(bytes) === JSON.stringify(expected), got: JSON.stringify(bytes) });
    } catch (e) {
      out.push({ id, pass: expected === null && e instanceof DOMException && e.name === 'InvalidCharacterError', got: String(e) });
    }
  });
  return out;
}
export default {
  async fetch(request, env) {
    return Response.json([
      ...urlCases(env.URLTESTDATA),
      ...setterCases(env.SETTERS),
      ...percentCases(env.PERCENT),
      ...base64Cases(env.BASE64),
    ]);
  },
};
