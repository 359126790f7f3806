// A global, exact rate limiter as a Durable Object: one object per key counts every call from
// every PoP, so at most `LIMIT` calls per `PERIOD_S` window get through worldwide. The price:
// each check is a round trip to the object's home (tens to hundreds of ms from far PoPs),
// where the `[[ratelimits]]` binding answers locally in about a microsecond but counts per PoP.
import { DurableObject } from 'cloudflare:workers';

export class RateLimiter extends DurableObject {
  // Fixed windows: `{window, count}` kept in storage so a restarted object keeps counting.
  async check(limit, periodS) {
    const window = Math.floor(Date.now() / (periodS * 1000));
    const state = (await this.ctx.storage.get('w')) || { window, count: 0 };
    if (state.window !== window) { state.window = window; state.count = 0; }
    const success = state.count < limit;
    if (success) state.count++;
    await this.ctx.storage.put('w', state);
    return { success };
  }
}

export default {
  async fetch(request, env) {
    const key = request.headers.get('cf-connecting-ip') || new URL(request.url).searchParams.get('key') || 'anonymous';
    const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
    const { success } = await limiter.check(Number(env.LIMIT), Number(env.PERIOD_S));
    if (!success) return new Response('rate limited\n', { status: 429, headers: { 'retry-after': env.PERIOD_S } });
    return new Response('ok\n');
  },
};
