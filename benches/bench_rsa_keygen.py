"""How long one RSA `generateKey` takes inside a worker, by size: the spread the CPU-budget
bounds of ``rust/src/webcrypto/rsa_keygen.rs`` are set from (session 13).

    python benches/bench_rsa_keygen.py [--runs 20] [BITS ...]      (default: 2048 3072 4096)

Each run is one request of a worker with a CPU limit no generation reaches (600 s); the figure
is the request's CPU time (``response.stats.cpu_ms``: the isolate's thread CPU clock), so what
else the machine runs does not count. With so much budget left, the common sizes with exponent
65537 are AWS-LC's generations. The peer in the same run is the lower bound the budget is asked
with (``floor``, 5 ms at 2048 bits growing with the cube of the size): the fastest run over the
bound is its margin.
"""

from __future__ import annotations

import argparse
import statistics

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("bits", type=int, nargs="*", default=[2048, 3072, 4096])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
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
