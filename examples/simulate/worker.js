// Edge middleware for `edgert simulate` (modelled on the project's standard workload):
// every route verifies an HS256 JWT with crypto.subtle (key imported once at module scope), then
//   /auth        -> {user}                              answered at the edge
//   /flags       -> feature flags (KV binding FLAGS if bound, else the FLAGS var)
//   /ab          -> A/B cohort: FNV-1a-32 of sub mod 100 < 50 ? "control" : "variant-a"
//   /geo         -> country and PoP from request.cf
//   /api/...     -> forwarded to the origin with X-User-Id (a dynamic request)
//   /static/...  -> forwarded to the origin (cacheable responses; no token needed)
const JSON_HEADERS = { "content-type": "application/json" };
const dec = new TextDecoder();
const enc = new TextEncoder();

function b64url(s) {
  s = s.replace(/-/g, "+").replace(/_/g, "/");
  const pad = s.length % 4;
  if (pad === 1) throw new Error("bad base64url");
  if (pad) s += "===".slice(pad - 1);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let key = null;
async function verify(token, secret) {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  let header, payload;
  try {
    header = JSON.parse(dec.decode(b64url(parts[0])));
    payload = JSON.parse(dec.decode(b64url(parts[1])));
  } catch {
    return null;
  }
  if (!header || header.alg !== "HS256") return null;
  key ??= await crypto.subtle.importKey(
    "raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  let ok = false;
  try {
    ok = await crypto.subtle.verify("HMAC", key, b64url(parts[2]), enc.encode(parts[0] + "." + parts[1]));
  } catch {
    return null;
  }
  if (!ok) return null;
  if (typeof payload.exp === "number" && payload.exp * 1000 < Date.now()) return null;
  return payload;
}

function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

async function flags(env) {
  if (env.FLAGS && typeof env.FLAGS.get === "function") {
    const stored = await env.FLAGS.get("flags");
    if (stored !== null) return JSON.parse(stored);
  }
  return typeof env.DEFAULT_FLAGS === "string" ? JSON.parse(env.DEFAULT_FLAGS) : (env.DEFAULT_FLAGS ?? {});
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/static/")) return fetch(request);
    const auth = request.headers.get("authorization") || "";
    const claims = auth.startsWith("Bearer ") ? await verify(auth.slice(7), env.JWT_SECRET) : null;
    if (claims === null) {
      return new Response("unauthorized", { status: 401, headers: { "www-authenticate": "Bearer" } });
    }
    const user = String(claims.sub);
    if (url.pathname.startsWith("/api/")) {
      const forwarded = new Request(request);
      forwarded.headers.set("x-user-id", user);
      return fetch(forwarded);
    }
    let body;
    switch (url.pathname) {
      case "/auth": body = { user }; break;
      case "/flags": body = { user, flags: await flags(env) }; break;
      case "/ab": body = { user, cohort: fnv1a(user) % 100 < 50 ? "control" : "variant-a" }; break;
      case "/geo": body = { country: request.cf?.country ?? "XX", colo: request.cf?.colo ?? "" }; break;
      default: return new Response("not found", { status: 404 });
    }
    return new Response(JSON.stringify(body), { headers: JSON_HEADERS });
  },
};
