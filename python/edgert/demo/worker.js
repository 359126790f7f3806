// edgert demo: the "edge middleware" of the project's standard workload, in front of an origin.
//
//   GET /api/catalog   public and cacheable: answered from this PoP's cache when it can
//   GET /api/*         signed-in pages: the JWT (ES256) is checked here with WebCrypto; a request
//                      without a valid token gets 401 from the edge and never crosses the ocean;
//                      a valid one goes to the origin with the user, A/B cohort, country and
//                      feature flags added as headers.
//
// Bindings: env.JWT_PUBLIC_JWK (the issuer's public key, a JWK), env.FLAGS (a KV namespace holding
// "flags" as JSON; optional: without it the flags below are used), env.ORIGIN (the origin's URL).

const DEFAULT_FLAGS = {
  new_checkout: true,
  dark_mode: false,
  search_v2: { enabled: true, rollout: 25 },
  banner: "winter-sale",
  max_items: 50,
};

const dec = new TextDecoder();
const enc = new TextEncoder();

function b64urlToBytes(s) {
  s = s.replace(/-/g, "+").replace(/_/g, "/");
  const pad = s.length % 4;
  if (pad === 1) throw new Error("bad base64url");
  if (pad) s += "===".slice(pad - 1);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// The key is imported once per isolate and kept at module scope, as on Workers.
let publicKey = null;
async function getKey(env) {
  return publicKey ??= await crypto.subtle.importKey(
    "jwk", JSON.parse(env.JWT_PUBLIC_JWK), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
}

// The claims of a valid ES256 token, or a reason why it is not valid.
async function verify(token, env) {
  const parts = token.split(".");
  if (parts.length !== 3) return { error: "malformed token" };
  let header, claims, signature;
  try {
    header = JSON.parse(dec.decode(b64urlToBytes(parts[0])));
    claims = JSON.parse(dec.decode(b64urlToBytes(parts[1])));
    signature = b64urlToBytes(parts[2]);
  } catch {
    return { error: "malformed token" };
  }
  if (!header || header.alg !== "ES256") return { error: "unexpected algorithm" };
  const ok = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" }, await getKey(env), signature,
    enc.encode(parts[0] + "." + parts[1]));
  if (!ok) return { error: "bad signature" };
  if (typeof claims.exp !== "number" || claims.exp <= Date.now() / 1000) return { error: "token expired" };
  if (typeof claims.sub !== "string") return { error: "no subject" };
  return { claims };
}

// A/B cohort: FNV-1a 32-bit of the user id, mod 100 < 50 -> control.
function fnv1a32(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

async function featureFlags(env) {
  if (env.FLAGS && typeof env.FLAGS.get === "function") {
    const stored = await env.FLAGS.get("flags", "json");
    if (stored) return stored;
  }
  return DEFAULT_FLAGS;
}

function unauthorized(reason) {
  return new Response(JSON.stringify({ error: "unauthorized", reason }), {
    status: 401,
    headers: {
      "content-type": "application/json",
      "www-authenticate": `Bearer error="invalid_token", error_description="${reason}"`,
      "x-answered-by": "edge",
    },
  });
}

async function catalog(request, env, ctx) {
  const cache = caches.default;
  const key = new Request(request.url);
  const hit = await cache.match(key);
  if (hit) {
    const response = new Response(hit.body, hit);
    response.headers.set("x-answered-by", "edge-cache");
    return response;
  }
  const upstream = await fetch(env.ORIGIN + new URL(request.url).pathname);
  const response = new Response(await upstream.text(), upstream);
  if (upstream.ok) ctx.waitUntil(cache.put(key, response.clone()));
  response.headers.set("x-answered-by", "origin");
  return response;
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/api/catalog") return catalog(request, env, ctx);
    if (!url.pathname.startsWith("/api/")) return new Response("not found", { status: 404 });

    const auth = request.headers.get("authorization");
    if (!auth || !auth.startsWith("Bearer ")) return unauthorized("no token");
    const { claims, error } = await verify(auth.slice(7), env);
    if (error) return unauthorized(error);

    const cohort = fnv1a32(claims.sub) % 100 < 50 ? "control" : "variant-a";
    const country = (request.cf && request.cf.country) || request.headers.get("x-country") || "US";
    const flags = await featureFlags(env);
    const upstream = new Request(env.ORIGIN + url.pathname + url.search, {
      method: request.method,
      headers: {
        "x-user-id": claims.sub,
        "x-ab-cohort": cohort,
        "x-country": country,
        "x-feature-flags": JSON.stringify(flags),
      },
    });
    const response = await fetch(upstream);
    const out = new Response(response.body, response);
    out.headers.set("x-answered-by", "origin");
    return out;
  },
};
