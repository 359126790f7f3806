// Durable Objects under `edgert simulate` (examples/simulate/objects.toml):
//   /views  -> one global page-view counter: a single object, placed at its first caller's PoP;
//              every other PoP pays the PoP-to-PoP round trip to it
//   /limit  -> a rate limiter per continent (at most LIMIT requests per user per minute), placed
//              in the caller's region with a location hint: close to every caller
//   /hello  -> answered at the edge, no object (the baseline)
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  async increment() {
    const value = ((await this.ctx.storage.get("value")) || 0) + 1;
    await this.ctx.storage.put("value", value);
    return value;
  }
}

export class RateLimiter extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.windows = new Map(); // user -> [window start (ms), count]; memory only, like a cache
  }

  async hit(user, limit) {
    const now = Date.now();
    const w = this.windows.get(user);
    if (!w || now - w[0] >= 60000) {
      this.windows.set(user, [now, 1]);
      return true;
    }
    w[1] += 1;
    return w[1] <= limit;
  }
}

// Continent (request.cf.continent) -> location hint of its limiter.
const HINTS = { NA: "enam", SA: "sam", EU: "weur", AF: "afr", AS: "apac", OC: "oc", AN: "oc" };
const JSON_HEADERS = { "content-type": "application/json" };

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/views") {
      const views = await env.COUNTER.getByName("global").increment();
      return new Response(JSON.stringify({ views }), { headers: JSON_HEADERS });
    }
    if (url.pathname === "/limit") {
      const continent = (request.cf && request.cf.continent) || "NA";
      const auth = request.headers.get("authorization") || "";
      const user = auth.slice(-16); // the token's last characters: a stand-in for its subject
      const stub = env.LIMITER.get(env.LIMITER.idFromName(continent), {
        locationHint: HINTS[continent] || "enam",
      });
      const ok = await stub.hit(user, Number(env.LIMIT || 5));
      return new Response(JSON.stringify({ ok, continent }), {
        status: ok ? 200 : 429,
        headers: JSON_HEADERS,
      });
    }
    return new Response(JSON.stringify({ hello: (request.cf && request.cf.colo) || "?" }), {
      headers: JSON_HEADERS,
    });
  },
};
