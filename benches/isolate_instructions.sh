#!/usr/bin/env bash
# Instructions per isolate creation (and per warm request), counted by callgrind: repeatable on a
# shared, noisy machine where wall-clock figures swing 2-3x. Needs valgrind (Debian package).
#   bash benches/isolate_instructions.sh [WORKER.js]
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:+$(cat "$1")}
cargo build -q --release --example probe_cold --example probe_hello
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -n 's/.*Collected : //p'; }
a=$(N=2 count target/release/examples/probe_cold ${src:+"$src"})
b=$(N=12 count target/release/examples/probe_cold ${src:+"$src"})
echo "instructions per isolate (create + drop): $(( (b - a) / 10 ))"
c=$(N=2 MODE=prepare count target/release/examples/probe_cold ${src:+"$src"})
d=$(N=12 MODE=prepare count target/release/examples/probe_cold ${src:+"$src"})
echo "of which a prewarmed spare holds (prepare + drop): $(( (d - c) / 10 )); left for a cold start from a spare: $(( (b - a - d + c) / 10 ))"
a=$(N=100 count target/release/examples/probe_hello ${src:+"$src"})
b=$(N=1100 count target/release/examples/probe_hello ${src:+"$src"})
echo "instructions per warm request (Rust begin, no Python): $(( (b - a) / 1000 ))"
