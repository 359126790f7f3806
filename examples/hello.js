// The smallest useful worker: greets with a var, echoes the query and the method.
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    console.log(`${request.method} ${url.pathname}`);
    const body = request.method === 'POST' ? await request.text() : null;
    return Response.json({
      greeting: env.GREETING ?? 'hello',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      method: request.method,
      body,
    });
  },
};
