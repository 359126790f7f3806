// Version 2 of the app in worker.js: the same code, plus a bug that throws for about 5% of
// requests (an unhandled case in a refactor). `release.toml` releases it three ways.
import app from "./worker.js";

export default {
  async fetch(request, env, ctx) {
    if (Math.random() < 0.05) throw new Error("v2: flags payload without a cohort");
    return app.fetch(request, env, ctx);
  },
};
