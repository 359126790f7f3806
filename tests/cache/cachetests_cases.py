"""The HTTP caching test suite's cases (https://cache-tests.fyi, repository http-tests/cache-tests,
folder ``tests/``), hand-translated into Python data for edgert's own runner.

Each case keeps the suite's test id (``id``), its suite (``suite``: the file's suite id),
the file it comes from (``src``), its ``kind`` (``required`` unless the suite says ``optimal`` or
``check``) and its flags (``browser_skip``: not for private caches; ``cdn_only``). Requests use
the suite's own member names (``response_headers``, ``expected_type``, ``setup``, ...) with the
suite's meanings, so the runner can apply the suite's rules to them. Tests marked
``browser_only`` (private-cache behaviour: ``immutable`` on reload, ``private`` reuse, private
``s-maxage`` handling) are not translated: edgert is a shared cache.

Integer values of the date fields (``Date``, ``Expires``, ``Last-Modified``,
``If-Modified-Since``) are seconds relative to the origin's clock when it answers, as in the
suite. Bodies default to the test's unique token; ``content(key)`` makes a stable distinct
string where the suite uses a generated one (the exact letters do not matter).
"""

from __future__ import annotations

import cachetests_freshness  # noqa: F401 (registers its cases)
import cachetests_serving  # noqa: F401 (registers its cases)
import cachetests_validation  # noqa: F401 (registers its cases)
from cachetests_templates import CASES, Case

__all__ = ["CASES", "Case"]

assert len({c["id"] for c in CASES}) == len(CASES), "duplicate case ids"
