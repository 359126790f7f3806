// MIME types (WHATWG MIME Sniffing Standard, "parse a MIME type" and "serialize a MIME type")
// and the Fetch Standard's "extract a MIME type" from a header list: the type a body's blob()
// gets from Content-Type. Written from the standards' algorithms (no maintained crate
// implements the WHATWG parser; the mimesniff WPT data are its tests).
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// HTTP quoted-string token code points: tab, U+0020-U+007E, U+0080-U+00FF.
const QUOTED_OK_RE = /^[\t\x20-\x7e\x80-\xff]*$/;
const HTTP_WS_CHARS = '\t\n\r ';
const HTTP_TAB_SPACE = '\t ';
const trimEnd = (s, chars) => { let e = s.length; while (e > 0 && chars.includes(s[e - 1])) e--; return s.slice(0, e); };
const trim = (s, chars) => { let b = 0; while (b < s.length && chars.includes(s[b])) b++; return trimEnd(s.slice(b), chars); };
// "collect an HTTP quoted string" at input[pos] === '"': [value, next position]; with
// `extract` the unescaped value, else the raw text including the quotes.
const quotedString = (input, pos, extract) => {
  const start = pos;
  let value = '';
  pos++;
  for (;;) {
    let i = pos;
    while (i < input.length && input[i] !== '"' && input[i] !== '\\') i++;
    value += input.slice(pos, i);
    pos = i;
    if (pos >= input.length) break;
    const c = input[pos++];
    if (c === '\\') {
      if (pos >= input.length) { value += '\\'; break; }
      value += input[pos++];
    } else break;
  }
  return [extract ? value : input.slice(start, pos), pos];
};
// A MIME type record: { type, subtype, parameters: Map } or null (failure).
const parse = (input) => {
  input = trim(String(input), HTTP_WS_CHARS);
  let pos = input.indexOf('/');
  if (pos < 0) return null;
  const type = input.slice(0, pos);
  if (!TOKEN_RE.test(type)) return null;
  pos++;
  let end = input.indexOf(';', pos);
  if (end < 0) end = input.length;
  const subtype = trimEnd(input.slice(pos, end), HTTP_WS_CHARS);
  if (!TOKEN_RE.test(subtype)) return null;
  const mime = { type: type.toLowerCase(), subtype: subtype.toLowerCase(), parameters: new Map() };
  pos = end;
  while (pos < input.length) {
    pos++;
    while (pos < input.length && HTTP_WS_CHARS.includes(input[pos])) pos++;
    let i = pos;
    while (i < input.length && input[i] !== ';' && input[i] !== '=') i++;
    const name = input.slice(pos, i).toLowerCase();
    pos = i;
    if (pos < input.length) {
      if (input[pos] === ';') continue;
      pos++;
    }
    if (pos >= input.length) break;
    let value;
    if (input[pos] === '"') {
      [value, pos] = quotedString(input, pos, true);
      while (pos < input.length && input[pos] !== ';') pos++;
    } else {
      let j = input.indexOf(';', pos);
      if (j < 0) j = input.length;
      value = trimEnd(input.slice(pos, j), HTTP_WS_CHARS);
      pos = j;
      if (value === '') continue;
    }
    if (name !== '' && TOKEN_RE.test(name) && QUOTED_OK_RE.test(value) && !mime.parameters.has(name)) mime.parameters.set(name, value);
  }
  return mime;
};
const essence = (mime) => `${mime.type}/${mime.subtype}`;
const serialize = (mime) => {
  let out = essence(mime);
  for (const [name, value] of mime.parameters) {
    out += `;${name}=`;
    out += value !== '' && TOKEN_RE.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`;
  }
  return out;
};
// Fetch's "get, decode, and split" a header value: split on commas outside quoted strings.
const splitValues = (input) => {
  const values = [];
  let pos = 0, tmp = '';
  for (;;) {
    let i = pos;
    while (i < input.length && input[i] !== '"' && input[i] !== ',') i++;
    tmp += input.slice(pos, i);
    pos = i;
    if (pos < input.length && input[pos] === '"') {
      let q;
      [q, pos] = quotedString(input, pos, false);
      tmp += q;
      if (pos < input.length) continue;
    }
    values.push(trim(tmp, HTTP_TAB_SPACE));
    tmp = '';
    if (pos >= input.length) return values;
    pos++;
  }
};
// Fetch's "extract a MIME type" from Headers: the last parsable Content-Type value wins, with
// the charset of an earlier value of the same essence carried over. null on failure.
const extract = (headers) => {
  const raw = headers.get('content-type');
  if (raw === null) return null;
  let charset = null, essenceSeen = null, mime = null;
  for (const value of splitValues(raw)) {
    const t = parse(value);
    if (t === null || essence(t) === '*/*') continue;
    mime = t;
    if (essence(mime) !== essenceSeen) {
      charset = mime.parameters.has('charset') ? mime.parameters.get('charset') : null;
      essenceSeen = essence(mime);
    } else if (!mime.parameters.has('charset') && charset !== null) {
      mime.parameters.set('charset', charset);
    }
  }
  return mime;
};
return { parse, serialize, essence, extract };
