"""How long one long native call takes inside a worker: the spread the containment floors
(lower bounds a native asks the turn's CPU budget with before it runs, session 13) are set
from. Each run is one request of a worker with a CPU limit no call reaches (600 s); the figure
is the request's CPU time (``response.stats.cpu_ms``: the isolate's thread CPU clock), so what
else the machine runs does not count; the peer in the same run is the floor itself.

    python benches/bench_native_floors.py [--runs 20] [BITS ...]          (default: 2048 3072 4096)
    python benches/bench_native_floors.py --sign [--runs 7] [BITS ...]    (default: 2048 4096 8192 16384)
    python benches/bench_native_floors.py --pbkdf2 [--runs 3]

Default: one RSA ``generateKey`` (``rust/src/webcrypto/rsa_keygen.rs``'s ``floor_ns``: 5 ms at
2048 bits, with the cube of the size). With so much budget left, the common sizes with exponent
65537 are AWS-LC's generations.

``--sign``: RSASSA-PKCS1-v1_5 / SHA-256 signatures of 32 bytes with a key imported at start-up
(made by ``cryptography``; the 16384-bit one is the tests' ``tests/webcrypto/rsa16384_pkcs8.b64``),
AWS-LC's for 2048 to 8192 bits, RustCrypto's beyond (``RsaPrivate::private_op_floor_ns``: 0.06 ms
at 2048 bits for AWS-LC's keys, 60 ms at 16384 for RustCrypto's, both with the cube of the size).

``--pbkdf2``: one PBKDF2 ``deriveBits`` at Workers' limit of 100,000 iterations, one output block
of each hash and 4,096 bytes of SHA-256 and SHA-512 (``kdf::pbkdf2_floor_ns``: 40 ns an
iteration-block with SHA-1 and SHA-256, 120 ns with SHA-384 and SHA-512).
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


PBKDF2_SOURCE = """
const key = crypto.subtle.importKey('raw', new Uint8Array(16), 'PBKDF2', false, ['deriveBits']);
export default {
  async fetch(request) {
    const url = new URL(request.url), k = await key;
    const hash = url.searchParams.get('hash'), bits = Number(url.searchParams.get('bits'));
    if (hash === null) return new Response('warm');
    await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash, salt: new Uint8Array(16), iterations: 100000 }, k, bits);
    return new Response('derived');
  },
};
"""
HASH_BYTES = {"SHA-1": 20, "SHA-256": 32, "SHA-384": 48, "SHA-512": 64}


def pbkdf2_main(runs: int) -> None:
    worker = Worker(PBKDF2_SOURCE, cpu_ms=600_000, startup_cpu_ms=10_000)
    worker.fetch("https://kdf.test/")  # the first request loads the lazy module
    print(
        f"{'hash':8s} {'bytes':>5s} {'min ms':>8s} {'ns per iteration-block':>23s} {'floor ns':>8s}"
    )
    cases = [(h, n) for h, n in HASH_BYTES.items()] + [("SHA-256", 4096), ("SHA-512", 4096)]
    for hash_name, out in cases:
        times = []
        for _ in range(runs):
            r = worker.fetch(f"https://kdf.test/?hash={hash_name}&bits={out * 8}")
            assert r.status == 200 and r.stats is not None, r.status
            times.append(r.stats.cpu_ms)
        blocks = -(-out // HASH_BYTES[hash_name])
        per = min(times) * 1e6 / 100_000 / blocks
        floor = 40 if hash_name in ("SHA-1", "SHA-256") else 120
        print(f"{hash_name:8s} {out:5d} {min(times):8.1f} {per:23.1f} {floor:8d}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("bits", type=int, nargs="*")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--sign", action="store_true", help="time one sign() per request")
    parser.add_argument("--pbkdf2", action="store_true", help="time one PBKDF2 deriveBits")
    args = parser.parse_args()
    if args.pbkdf2:
        pbkdf2_main(args.runs or 3)
        return
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
