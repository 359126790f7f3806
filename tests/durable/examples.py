"""Worker sources of the Durable Object tests: the examples of the Workers documentation
(developers.cloudflare.com/durable-objects), read unmodified from ``../shared/data``, and the
chat room's adaptation."""

from __future__ import annotations

from pathlib import Path

#: The Workers documentation's examples, kept unmodified outside the project (third-party
#: code): ``../shared/data/workers-examples/docs/`` beside the repository (see its README).
DOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "workers-examples" / "docs"

# "Durable Objects: Get started" (the counter, RPC form), as the docs write it.
DOCS_COUNTER = (DOCS / "durable_objects_counter.js").read_text()

# "Build a rate limiter" (Durable Objects examples), as the docs write it (JavaScript tab).
DOCS_RATE_LIMITER = (DOCS / "durable_objects_rate_limiter.js").read_text()
