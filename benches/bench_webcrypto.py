#!/usr/bin/env python3
"""CPU per request of the standard workload (``../shared/bench/worker/worker.js``) inside an
edgert worker: ``/hello`` (the floor), ``/hs256`` and ``/es256`` (JWT verified with
crypto.subtle), each the median of ``response.stats.cpu_ms`` (the isolate's thread CPU for the
request) over N requests rotating through the workload's 1,000 distinct tokens. The named peer,
measured in the same run on the same tokens: PyJWT's ``jwt.decode`` (process CPU per
verification, median of batches), i.e. what the same check costs in Python.

``/x25519`` (key agreement, issue 17): a worker that runs ``crypto.subtle.deriveBits`` with an
X25519 private key (imported once) and the peer public key of the request (one of 1,000, sent
raw in the body), against ``/x25519-floor`` (the same request, the public key imported but no
agreement). Peer: ``cryptography``'s ``X25519PrivateKey.exchange`` on the same keys.

``--only ed25519``: CPU per ``crypto.subtle.verify`` of a valid Ed25519 signature (2,000 in one
request, median of 7 requests), to compare two builds (the spec's small-order checks).

Usage: python benches/bench_webcrypto.py [--n 3000]
Needs ../shared/bench, PyJWT and cryptography.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jwt as pyjwt
from cryptography.hazmat.primitives import serialization

from edgert import Worker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "webcrypto"))
from standard_workload import build


def edgert_cpu_us(worker: Worker, path: str, tokens: list[str], n: int) -> float:
    samples = []
    for i in range(n):
        headers = {"authorization": "Bearer " + tokens[i % len(tokens)]} if tokens else {}
        r = worker.fetch("https://bench.test" + path, headers=headers)
        if r.status != 200:
            raise SystemExit(f"{path}: status {r.status} {r.stats.error}")
        samples.append(r.stats.cpu_ms * 1000)
    return statistics.median(samples)


def pyjwt_cpu_us(tokens: list[str], key: object, alg: str, n: int) -> float:
    batches = []
    per = 100
    for b in range(max(1, n // per)):
        t0 = time.process_time()
        for i in range(per):
            pyjwt.decode(tokens[(b * per + i) % len(tokens)], key, algorithms=[alg])  # type: ignore[arg-type]
        batches.append((time.process_time() - t0) / per * 1e6)
    return statistics.median(batches)


X25519_WORKER = """
const unhex = (s) => new Uint8Array(s.match(/../g).map((h) => parseInt(h, 16)));
let mine;
export default {
  async fetch(request, env) {
    mine ??= await crypto.subtle.importKey('pkcs8', unhex(env.PKCS8), 'X25519', false, ['deriveBits']);
    const peer = await crypto.subtle.importKey('raw', new Uint8Array(await request.arrayBuffer()), 'X25519', false, []);
    if (new URL(request.url).pathname === '/x25519-floor') return new Response('ok');
    const bits = await crypto.subtle.deriveBits({ name: 'X25519', public: peer }, mine, 256);
    return new Response(bits);
  },
};
"""


def x25519_results(n: int) -> dict[str, float]:
    """deriveBits in a worker (and its floor) against ``cryptography`` on the same keys."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    mine = X25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    pkcs8 = mine.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    peers = [X25519PrivateKey.generate().public_key().public_bytes_raw() for _ in range(1000)]
    worker = Worker(X25519_WORKER, vars={"PKCS8": pkcs8.hex()}, max_isolates=1)

    def cpu_us(path: str, count: int) -> float:
        samples = []
        for i in range(count):
            r = worker.fetch("https://bench.test" + path, method="POST", body=peers[i % len(peers)])
            if r.status != 200:
                raise SystemExit(f"{path}: status {r.status} {r.stats.error}")
            samples.append(r.stats.cpu_ms * 1000)
        return statistics.median(samples)

    cpu_us("/x25519", 200)
    cpu_us("/x25519-floor", 200)
    batches = []
    parsed = [X25519PublicKey.from_public_bytes(p) for p in peers]
    for b in range(max(1, n // 100)):
        t0 = time.process_time()
        for i in range(100):
            mine.exchange(parsed[(b * 100 + i) % len(parsed)])
        batches.append((time.process_time() - t0) / 100 * 1e6)
    return {
        "edgert x25519 floor": cpu_us("/x25519-floor", n),
        "edgert x25519 deriveBits": cpu_us("/x25519", n),
        "cryptography X25519 exchange": statistics.median(batches),
    }


ED25519_WORKER = """
export default {
  async fetch() {
    const s = crypto.subtle;
    const { publicKey, privateKey } = await s.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const data = new Uint8Array(64);
    const sig = await s.sign('Ed25519', privateKey, data);
    let ok = 0;
    for (let i = 0; i < 2000; i++) ok += (await s.verify('Ed25519', publicKey, sig, data)) ? 1 : 0;
    return new Response(String(ok));
  },
};
"""


def ed25519_results() -> dict[str, float]:
    worker = Worker(ED25519_WORKER, cpu_ms=60_000, max_isolates=1)
    worker.fetch("https://bench.test/")
    samples = []
    for _ in range(7):
        r = worker.fetch("https://bench.test/")
        if r.text() != "2000":
            raise SystemExit(f"ed25519: {r.status} {r.text()!r}")
        samples.append(r.stats.cpu_ms * 1000 / 2000)
    return {"edgert Ed25519 verify": statistics.median(samples)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--only", choices=["jwt", "x25519", "ed25519"], help="run one group")
    args = ap.parse_args()
    if args.only == "x25519":
        report(x25519_results(args.n), args.n)
        return
    if args.only == "ed25519":
        report(ed25519_results(), 7 * 2000)
        return
    with tempfile.TemporaryDirectory() as tmp:
        w = build(Path(tmp))
        root = Path(tmp) / "bench"
        es_pub = serialization.load_pem_public_key(
            (root / "keys" / "es256_public.pem").read_bytes()
        )
        secret_b64 = (root / "keys" / "hs256.secret").read_text().strip()
        hs_secret = base64.urlsafe_b64decode(secret_b64 + "=" * (-len(secret_b64) % 4))
    worker = Worker(w.source, max_isolates=1)
    # Warm-up: imports the keys and loads the lazy modules.
    for path, toks in [
        ("/hello", []),
        ("/hs256", w.tokens["hs256"]),
        ("/es256", w.tokens["es256"]),
    ]:
        edgert_cpu_us(worker, path, toks, 200)
    results = {
        "edgert hello": edgert_cpu_us(worker, "/hello", [], args.n),
        "edgert hs256 (crypto.subtle)": edgert_cpu_us(worker, "/hs256", w.tokens["hs256"], args.n),
        "edgert es256 (crypto.subtle)": edgert_cpu_us(worker, "/es256", w.tokens["es256"], args.n),
        "PyJWT HS256 decode": pyjwt_cpu_us(w.tokens["hs256"], hs_secret, "HS256", args.n),
        "PyJWT ES256 decode": pyjwt_cpu_us(w.tokens["es256"], es_pub, "ES256", args.n),
    }
    if args.only is None:
        results.update(x25519_results(args.n))
    report(results, args.n)


def report(results: dict[str, float], n: int) -> None:
    for name, us in results.items():
        print(f"{name:32s} {us:8.1f} us CPU (median of {n})")
    print(json.dumps({k: round(v, 1) for k, v in results.items()}))


if __name__ == "__main__":
    main()
