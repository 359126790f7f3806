#!/usr/bin/env bash
# A profile-guided build of the engine's C (QuickJS, through rquickjs-sys; AWS-LC and SQLite get
# the same flags but no profile): GCC's -fprofile-generate build of the request probe, a training
# run of the standard workload's routes (rust/examples/probe_request.rs: /hello, /hs256, /es256),
# then the extension built with -fprofile-use into the active environment (`maturin develop`), or
# a wheel with `--wheel` (into target/wheels). Optional: the default build (`pip install .`,
# `maturin develop --release`) has no profile; docs/benchmarks.md says which figures used this.
# Needs gcc (the `cc` crate's default compiler on Linux) and the shared workload (../shared/bench).
#   bash scripts/build_pgo.sh [--wheel]
# Both builds use the same target directory and RUSTFLAGS, so the C objects have the same paths
# in both and GCC finds each object's profile (it names them after the object's absolute path).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TARGET_DIR="${PGO_TARGET_DIR:-$root/target/pgo}"
profile="$CARGO_TARGET_DIR/profile"
# libgcov for the instrumented probe; linked into both builds so that their metadata (and so
# the build directories of the C crates) are the same.
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-lgcov"
base="-fno-semantic-interposition"
python=${PYTHON:-python}

echo "== 1/3 instrumented build"
rm -rf "$profile"
CFLAGS="$base -fprofile-generate -fprofile-dir=$profile -fprofile-update=single" \
  cargo build -q --release --example probe_request

echo "== 2/3 training on the standard workload"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PYTHONPATH=tests/webcrypto "$python" - "$tmp" <<'PY'
import sys
from pathlib import Path
from standard_workload import build
out = Path(sys.argv[1])
w = build(out)
(out / "worker.js").write_text(w.source)
for alg in ("hs256", "es256"):
    (out / f"{alg}.txt").write_text(w.tokens[alg][0])
PY
probe="$CARGO_TARGET_DIR/release/examples/probe_request"
N=3000 "$probe" "$tmp/worker.js" /hs256 "$tmp/hs256.txt"
N=1000 "$probe" "$tmp/worker.js" /es256 "$tmp/es256.txt"
N=3000 "$probe" "$tmp/worker.js" /hello
N=500 "$probe" "$tmp/worker.js" /nowhere

echo "== 3/3 the extension, with the profile"
use="$base -fprofile-use -fprofile-dir=$profile -fprofile-correction -Wno-missing-profile -Wno-error=coverage-mismatch"
if [ "${1:-}" = "--wheel" ]; then
  CFLAGS="$use" maturin build --release
else
  CFLAGS="$use" maturin develop --release
fi
