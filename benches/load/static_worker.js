// A static page answered from the PoP's cache: the first request renders and stores it, every
// later one is a cache HIT (caches.default.match) with no subrequest.
const PAGE = "<!doctype html><title>static</title>" + "<p>edge-cached page</p>".repeat(40);

export default {
  async fetch(request, env, ctx) {
    const cache = caches.default;
    const hit = await cache.match(request);
    if (hit) return hit;
    const page = new Response(PAGE, {
      headers: { "content-type": "text/html", "cache-control": "public, max-age=3600" },
    });
    await cache.put(request, page.clone());
    return page;
  },
};
