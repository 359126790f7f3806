// Helpers every crypto.subtle test worker shares (webcrypto_js.worker_source puts them before the
// worker's own source): text and byte encodings, and the name of the error a call raises.
const enc = new TextEncoder();
const dec = new TextDecoder();
const subtle = crypto.subtle;
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const unhex = (s) => Uint8Array.from(s.match(/../g) || [], (h) => parseInt(h, 16));
const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
// base64url without padding (JOSE), to bytes.
const b64u = (s) => {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};
// 'ok', or `<class>:<name>` of what `f()` throws or rejects with.
const errName = async (f) => {
  try {
    await f();
    return 'ok';
  } catch (e) {
    return `${e instanceof DOMException ? 'DOMException' : e.constructor.name}:${e.name}`;
  }
};
