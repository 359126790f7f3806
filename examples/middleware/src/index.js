// A small edge middleware: a greeting from a var, feature flags from KV (when the FLAGS binding
// exists), and where the request entered the edge (request.cf).
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    let flags = { new_checkout: false };
    if (env.FLAGS) {
      flags = (await env.FLAGS.get("flags", "json")) ?? flags;
    } else {
      console.warn("no FLAGS binding: using default flags");
    }
    console.log(`${request.method} ${url.pathname} via ${request.cf?.colo ?? "?"}`);
    return Response.json({
      greeting: env.GREETING,
      banner: env.BANNER,
      path: url.pathname,
      colo: request.cf?.colo ?? null,
      country: request.cf?.country ?? null,
      flags,
    });
  },
};
