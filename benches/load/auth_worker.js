// The standard workload with route auth: the PoP verified the Bearer JWT before this runs
// (a Verifier on the route: 401 without JavaScript) and hands over its claims as request.jwt.
// Flags, cohort, country and the JSON answer are the standard worker's.
const FLAGS = {
  new_checkout: true,
  dark_mode: false,
  search_v2: { enabled: true, rollout: 25 },
  banner: "winter-sale",
  max_items: 50,
};
const JSON_HEADERS = { "content-type": "application/json" };

function fnv1a32(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export default {
  fetch(request) {
    const claims = request.jwt;
    if (!claims || typeof claims.sub !== "string") return new Response("unauthorized", { status: 401 });
    const cohort = fnv1a32(claims.sub) % 100 < 50 ? "control" : "variant-a";
    const country = request.headers.get("x-country") || "US";
    return new Response(
      JSON.stringify({ user: claims.sub, cohort, country, flags: FLAGS }),
      { status: 200, headers: JSON_HEADERS });
  },
};
