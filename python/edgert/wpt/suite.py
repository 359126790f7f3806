"""Which WPT files exist, what they include, and which of them apply to a Workers runtime.

A suite is a folder laid out as web-platform-tests is (``../shared/data/wpt-suites/wpt``,
``.../wpt-fetch``). A test file is a ``*.any.js`` file; its ``// META:`` lines name its includes
(``script=``, relative to the file or absolute from the suite root), the globals it runs in
(``global=``, default ``window,dedicatedworker``), a title and ``timeout=long``.

A file applies when its globals include a worker scope or a scope whose APIs a worker also has:
``worker``, ``dedicatedworker``, ``sharedworker``, ``serviceworker`` (and their ``-module``
forms), ``shadowrealm*`` (ShadowRealms expose only ``[Exposed=*]`` APIs, which every worker has)
and ``jsshell``. ``window``-only files do not apply. A file whose include is not in the suite's
copy (``/resources/WebIDLParser.js``: the copy has no built ``webidl2``) cannot run and is
skipped with that reason. Everything else runs; subtests that need wptserve's Python handlers
fail in the isolate and are listed as expected failures with an ``n/a:`` reason (see
``expectations``), so the rules stay in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_GLOBALS = ("window", "dedicatedworker")
WORKER_SCOPES = ("worker", "dedicatedworker", "sharedworker", "serviceworker", "jsshell")
#: What wptserve's ``.sub.`` substitution would put in; the isolate reaches no server anyway.
SUBSTITUTIONS = {
    "host": "web-platform.test",
    "domains[www]": "www.web-platform.test",
    "domains[www1]": "www1.web-platform.test",
    "domains[www2]": "www2.web-platform.test",
    "hosts[alt][]": "not-web-platform.test",
    "hosts[alt][www2]": "www2.not-web-platform.test",
    "ports[http][0]": "8000",
    "ports[http][1]": "8001",
    "ports[https][0]": "8443",
    "ports[https][1]": "8444",
    "ports[ws][0]": "8666",
    "ports[wss][0]": "8667",
}
_META = re.compile(r"^//\s*META:\s*(\w+)=(.*)$")
_SUB = re.compile(r"\{\{([^{}]+)\}\}")


@dataclass(frozen=True)
class TestFile:
    """One ``*.any.js`` file of a suite, with its META lines read."""

    __test__ = False  # not a pytest test class

    suite: str
    root: Path
    rel: str
    globals: tuple[str, ...]
    scripts: tuple[str, ...]
    title: str | None
    long_timeout: bool
    skip: str | None = None
    includes: tuple[Path, ...] = field(default=(), compare=False)
    #: ``META: variant=`` lines: wptserve runs each variant as a test of its own, with its own
    #: timeout; the harness runs the file once with every subtest, under ``variants`` times the
    #: limits (RSA ``generateKey`` files split 156 key generations over 16 variants).
    variants: int = 1

    @property
    def path(self) -> Path:
        return self.root / self.rel

    @property
    def directory(self) -> str:
        """The file's folder relative to its suite root (``fetch/api/headers``): the unit of
        the expectation files and of the pass-rate table."""
        parent = Path(self.rel).parent.as_posix()
        return "." if parent == "" else parent

    @property
    def name(self) -> str:
        return Path(self.rel).name

    @property
    def url(self) -> str:
        """The URL of the worker script wptserve would run the file in (``x.any.worker.js``):
        the harness's ``self.location`` and the isolate's API base URL."""
        return f"https://web-platform.test:8443/{self.rel[: -len('.js')]}.worker.js"


def applies(globals_: tuple[str, ...]) -> bool:
    """Whether a file with these ``META: global=`` scopes runs in a worker-like scope."""
    for g in globals_:
        base = g.removesuffix("-module")
        if base in WORKER_SCOPES or base.startswith("shadowrealm"):
            return True
    return False


def substitute(text: str) -> str:
    """wptserve's ``{{host}}``-style substitution for ``.sub.`` files (unknown keys kept)."""
    return _SUB.sub(lambda m: SUBSTITUTIONS.get(m.group(1).strip(), m.group(0)), text)


def read_source(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return substitute(text) if ".sub." in path.name else text


def _resolve(root: Path, test: Path, script: str) -> Path:
    if script.startswith("/"):
        return root / script.lstrip("/")
    return (test.parent / script).resolve()


def parse(suite: str, root: Path, path: Path, shared_roots: tuple[Path, ...] = ()) -> TestFile:
    """Reads one test file's META block. An absolute include missing from the file's own
    suite is looked up in ``shared_roots`` (the fetch suite borrows ``/common`` from ``wpt``)."""
    globals_: tuple[str, ...] = DEFAULT_GLOBALS
    scripts: list[str] = []
    title = None
    long_timeout = False
    variants = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _META.match(line.strip())
        if not m:
            if line.strip() and not line.lstrip().startswith("//"):
                break
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "global":
            globals_ = tuple(g.strip() for g in value.split(",") if g.strip())
        elif key == "script":
            scripts.append(value)
        elif key == "title":
            title = value
        elif key == "timeout":
            long_timeout = value == "long"
        elif key == "variant":
            variants += 1
    rel = path.relative_to(root).as_posix()
    skip = None if applies(globals_) else f"globals {','.join(globals_)}: no worker scope"
    includes: list[Path] = []
    for script in scripts:
        found = _resolve(root, path, script)
        if not found.is_file() and script.startswith("/"):
            for other in shared_roots:
                if (other / script.lstrip("/")).is_file():
                    found = other / script.lstrip("/")
                    break
        if not found.is_file() and skip is None:
            skip = f"include {script} is not in the suite's copy"
        includes.append(found)
    return TestFile(
        suite=suite,
        root=root,
        rel=rel,
        globals=globals_,
        scripts=tuple(scripts),
        title=title,
        long_timeout=long_timeout,
        skip=skip,
        includes=tuple(includes),
        variants=max(1, variants),
    )


def discover(suites_dir: Path, only: list[str] | None = None) -> list[TestFile]:
    """Every ``*.any.js`` file of every suite under ``suites_dir``, sorted by suite and path.
    ``only``: keep files whose ``suite-relative path`` starts with one of these prefixes."""
    roots = sorted(
        p for p in suites_dir.iterdir() if (p / "resources" / "testharness.js").is_file()
    )
    out: list[TestFile] = []
    for root in roots:
        others = tuple(r for r in roots if r != root)
        for path in sorted(root.rglob("*.any.js")):
            if "resources" in path.relative_to(root).parts:
                continue
            tf = parse(root.name, root, path, others)
            if only and not any(tf.rel.startswith(p.rstrip("/")) for p in only):
                continue
            out.append(tf)
    return out
