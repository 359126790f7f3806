"""``META: variant=`` lines: the harness runs a file once with all its subtests, so a file with N
variants gets N times the per-file limits (wptserve gives each variant its own timeout)."""

from __future__ import annotations

from pathlib import Path

from edgert.wpt.driver import Limits, run_file
from edgert.wpt.suite import parse


def _suite(tmp_path: Path, name: str, text: str) -> Path:
    root = tmp_path / "wpt"
    (root / "resources").mkdir(parents=True, exist_ok=True)
    (root / "dir").mkdir(exist_ok=True)
    (root / "dir" / name).write_text(text)
    return root


def test_variants_are_counted(tmp_path: Path) -> None:
    root = _suite(
        tmp_path,
        "a.any.js",
        "// META: title=x\n// META: variant=?1-10\n// META: variant=?11-last\ntest(() => {});\n",
    )
    assert parse("wpt", root, root / "dir" / "a.any.js").variants == 2
    (root / "dir" / "b.any.js").write_text("// META: title=y\ntest(() => {});\n")
    assert parse("wpt", root, root / "dir" / "b.any.js").variants == 1


def test_a_file_with_variants_gets_their_cpu_limits(shared_data: Path, tmp_path: Path) -> None:
    # A file that spins for ~0.6 s of CPU (on this machine kind): over a 200 ms limit, within 20
    # variants of it (4 s).
    harness = shared_data / "wpt-suites" / "wpt" / "resources" / "testharness.js"
    spin = (
        "test(() => { let x = 0;"
        " for (let i = 0; i < 3e7; i++) x += i; assert_true(x > 0); }, 'spins');\n"
    )
    root = _suite(tmp_path, "spin.any.js", "// META: title=spin\n" + spin)
    (root / "resources" / "testharness.js").write_text(harness.read_text())
    limits = Limits(cpu_ms=200.0)
    plain = run_file(parse("wpt", root, root / "dir" / "spin.any.js"), limits)
    assert "exceededCpu" in plain.harness, plain.harness
    variants = "".join(f"// META: variant=?{i}\n" for i in range(20))
    (root / "dir" / "spin.any.js").write_text("// META: title=spin\n" + variants + spin)
    ok = run_file(parse("wpt", root, root / "dir" / "spin.any.js"), limits)
    assert ok.harness == "OK", ok.harness
    assert [s.status for s in ok.subtests] == ["PASS"]
