"""How long one RSA `generateKey` (or, with ``--sign``, one `sign`) takes inside a worker, by
size: the spread the CPU-budget bounds of ``rust/src/webcrypto/rsa_keygen.rs`` (and
``RsaPrivate::private_op_floor_ns``) are set from (session 13).

    python benches/bench_rsa_keygen.py [--runs 20] [BITS ...]      (default: 2048 3072 4096)
    python benches/bench_rsa_keygen.py --sign [--runs 7] [BITS ...]  (default: 2048 4096 8192 16384)

``--sign``: RSASSA-PKCS1-v1_5 / SHA-256 signatures of 32 bytes with a key imported at start-up
(made by ``cryptography``; the 16384-bit one is the tests' ``tests/webcrypto/rsa16384_pkcs8.b64``),
AWS-LC's for 2048 to 8192 bits, RustCrypto's beyond; the peer is the floor the budget is asked
with before each (0.06 ms at 2048 bits for AWS-LC's keys, 60 ms at 16384 for RustCrypto's, both
with the cube of the size).

Each run is one request of a worker with a CPU limit no generation reaches (600 s); the figure
is the request's CPU time (``response.stats.cpu_ms``: the isolate's thread CPU clock), so what
else the machine runs does not count. With so much budget left, the common sizes with exponent
65537 are AWS-LC's generations. The peer in the same run is the lower bound the budget is asked
with (``floor``, 5 ms at 2048 bits growing with the cube of the size): the fastest run over the
bound is its margin.
"""

from __future__ import annotations

import argparse
import base64
import statistics
from pathlib import Path

from edgert import Worker

SOURCE = """
const subtle = crypto.subtle;
export default {
  async fetch(request) {
    const bits = Number(new URL(request.url).searchParams.get('bits'));
    await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, hash: 'SHA-256',
                               publicExponent: new Uint8Array([1, 0, 1]) }, false, ['sign']);
    return new Response('generated');
  },
};
"""


def floor_ms(bits: int) -> float:
    """`rsa_keygen::floor_ns`, in milliseconds."""
    return 5.0 * (bits / 2048) ** 3


SIGN_SOURCE = """
const der = Uint8Array.from(atob('%s'), (c) => c.charCodeAt(0));
const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const key = crypto.subtle.importKey('pkcs8', der, alg, false, ['sign']);
export default {
  async fetch() {
    await crypto.subtle.sign(alg, await key, new Uint8Array(32));
    return new Response('signed');
  },
};
"""


def sign_floor_ms(bits: int) -> float:
    """`RsaPrivate::private_op_floor_ns`, in milliseconds."""
    return 0.06 * (bits / 2048) ** 3 if bits <= 8192 else 60.0 * (bits / 16384) ** 3


def pkcs8_b64(bits: int) -> str:
    if bits == 16384:
        root = Path(__file__).resolve().parents[1]
        return (root / "tests" / "webcrypto" / "rsa16384_pkcs8.b64").read_text().strip()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(65537, bits)
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return base64.b64encode(der).decode()


def sign_main(sizes: list[int], runs: int) -> None:
    print(
        f"{'bits':>5s} {'runs':>4s} {'min ms':>8s} {'median':>8s} {'floor':>7s} {'min/floor':>9s}"
    )
    for bits in sizes:
        worker = Worker(SIGN_SOURCE % pkcs8_b64(bits), cpu_ms=600_000, startup_cpu_ms=10_000)
        worker.fetch("https://sign.test/")  # the first request loads the lazy module
        times = []
        for _ in range(runs):
            r = worker.fetch("https://sign.test/")
            assert r.status == 200 and r.stats is not None, r.status
            times.append(r.stats.cpu_ms)
        lo, floor = min(times), sign_floor_ms(bits)
        print(
            f"{bits:5d} {runs:4d} {lo:8.2f} {statistics.median(times):8.2f} {floor:7.2f}"
            f" {lo / floor:9.1f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("bits", type=int, nargs="*")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--sign", action="store_true", help="time one sign() per request")
    args = parser.parse_args()
    if args.sign:
        sign_main(args.bits or [2048, 4096, 8192, 16384], args.runs or 7)
        return
    args.bits = args.bits or [2048, 3072, 4096]
    args.runs = args.runs or 20
    worker = Worker(SOURCE, cpu_ms=600_000, max_isolates=1)
    print(
        f"{'bits':>5s} {'runs':>4s} {'min ms':>8s} {'median':>8s} {'max':>8s} {'floor':>7s} {'min/floor':>9s}"
    )
    for bits in args.bits:
        times = []
        for _ in range(args.runs):
            r = worker.fetch(f"https://keygen.test/?bits={bits}")
            assert r.status == 200 and r.stats is not None, r.status
            times.append(r.stats.cpu_ms)
        lo = min(times)
        print(
            f"{bits:5d} {len(times):4d} {lo:8.1f} {statistics.median(times):8.1f} {max(times):8.1f}"
            f" {floor_ms(bits):7.1f} {lo / floor_ms(bits):9.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
