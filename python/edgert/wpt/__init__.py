"""The web-platform-tests harness: runs WPT ``*.any.js`` files in edgert isolates.

Each applicable test file (``suite``) becomes one classic worker script (``script``) that loads
``testharness.js``, the file's ``META: script=`` includes and the file itself inside its fetch
handler; a virtual-time driver (``driver``) runs it in a fresh :class:`edgert._core.CoreWorker`
under per-file CPU and wall limits and reads every subtest's result from testharness's
completion callback; ``run`` spreads the files over worker processes; ``expectations`` compares
the results with the checked-in expectations (a pass, or an expected failure with its reason)
and rewrites them; ``table`` writes the per-directory pass rates into ``docs/compat.md``.
``python -m edgert.wpt --help`` is the command line; ``docs/compat.md`` ("Web platform tests")
describes the rules.
"""

from __future__ import annotations

from edgert.wpt.driver import FileResult, SubtestResult, run_file
from edgert.wpt.suite import TestFile, discover

__all__ = ["FileResult", "SubtestResult", "TestFile", "discover", "run_file"]
