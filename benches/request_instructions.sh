#!/usr/bin/env bash
# Instructions per warm request through `Worker::begin` (Rust, no Python) for the standard
# worker's routes, counted by callgrind: repeatable on a shared, noisy machine where wall-clock
# figures swing 2-3x. Realistic incoming headers (authorization, x-country, user-agent, accept,
# ...) and the `request.cf` that `edgert serve` fills in (see rust/examples/probe_request.rs).
# Needs valgrind (Debian package) and the shared workload (../shared/bench).
#   bash benches/request_instructions.sh [ROUTE...]      (default: /hello /hs256 /es256)
#   bash benches/request_instructions.sh --server [ROUTE...]
#       the whole server pipeline instead (bytes in, Network.begin_at, bytes out, in Python:
#       benches/server_requests.py), with the extension installed in .venv
#   bash benches/request_instructions.sh --head
#       one `edgert._core.parse_request_head` of the benchmark's request (its 8 header fields)
set -euo pipefail
cd "$(dirname "$0")/.."
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -n 's/.*Collected : //p'; }
if [ "${1:-}" = "--head" ]; then
  head_loop='import sys; sys.path.insert(0, "benches")
from server_requests import request_bytes
from edgert._core import parse_request_head
data = request_bytes("/hello", None)
for _ in range(int(sys.argv[1])):
    parse_request_head(data, 0, 65536, "x-edgert-client", "127.0.0.1:8090")'
  a=$(count "${PYTHON:-.venv/bin/python}" -c "$head_loop" 1000)
  b=$(count "${PYTHON:-.venv/bin/python}" -c "$head_loop" 6000)
  echo "parse_request_head: $(( (b - a) / 5000 )) instructions per call"
  exit 0
fi
if [ "${1:-}" = "--server" ]; then
  shift
  routes=("$@")
  [ ${#routes[@]} -gt 0 ] || routes=(/hello /hs256 /es256)
  for route in "${routes[@]}"; do
    a=$(count "${PYTHON:-.venv/bin/python}" benches/server_requests.py --route "$route" -n 100)
    b=$(count "${PYTHON:-.venv/bin/python}" benches/server_requests.py --route "$route" -n 600)
    echo "$route: $(( (b - a) / 500 )) instructions per request through the server pipeline"
  done
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PYTHONPATH=tests/webcrypto "${PYTHON:-.venv/bin/python}" - "$tmp" <<'PY'
import sys
from pathlib import Path
from standard_workload import build
out = Path(sys.argv[1])
w = build(out)
(out / "worker.js").write_text(w.source)
for alg in ("hs256", "es256"):
    (out / f"{alg}.txt").write_text(w.tokens[alg][0])
PY
cargo build -q --release --example probe_request
routes=("$@")
[ ${#routes[@]} -gt 0 ] || routes=(/hello /hs256 /es256)
for route in "${routes[@]}"; do
  name=${route#/}
  token=()
  [ -f "$tmp/$name.txt" ] && token=("$tmp/$name.txt")
  a=$(N=100 count target/release/examples/probe_request "$tmp/worker.js" "$route" "${token[@]}")
  b=$(N=600 count target/release/examples/probe_request "$tmp/worker.js" "$route" "${token[@]}")
  echo "$route: $(( (b - a) / 500 )) instructions per warm request"
done
