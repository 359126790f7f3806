"""CPU per request of route-level JWT auth (verification in the core, no JS crypto), beside the
same hello worker without auth, in the same run.

    python benches/bench_route_auth.py [--n 3000]

Tokens: 1,000 distinct ES256 and HS256 tokens (the verified-token cache is off),
signed with `cryptography`. CPU is the calling thread's (`time.thread_time`), per request, for
the whole `Worker.fetch` (route auth, isolate, Python objects), median of 5 passes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import statistics
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from edgert import Request, Worker
from edgert.jwt import Verifier

HELLO = "export default { fetch(request) { return new Response('ok ' + (request.jwt ? request.jwt.sub : '')) } }"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tokens(alg: str, n: int) -> tuple[list[str], bytes]:
    exp = int(time.time()) + 3600
    out = []
    if alg == "HS256":
        key = b"bench-secret-bench-secret-32byte"
        for i in range(n):
            signing = f"{b64(json.dumps({'alg': 'HS256'}).encode())}.{b64(json.dumps({'sub': f'u{i}', 'exp': exp}).encode())}"
            out.append(f"{signing}.{b64(hmac.new(key, signing.encode(), hashlib.sha256).digest())}")
        return out, key
    private = ec.generate_private_key(ec.SECP256R1())
    for i in range(n):
        signing = f"{b64(json.dumps({'alg': 'ES256'}).encode())}.{b64(json.dumps({'sub': f'u{i}', 'exp': exp}).encode())}"
        r, s = decode_dss_signature(private.sign(signing.encode(), ec.ECDSA(hashes.SHA256())))
        out.append(f"{signing}.{b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}")
    return out, private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def cpu_us(worker: Worker, requests: list[Request], passes: int = 5) -> float:
    for r in requests[:200]:
        worker.fetch(r)
    samples = []
    for _ in range(passes):
        t = time.thread_time()
        for r in requests:
            worker.fetch(r)
        samples.append((time.thread_time() - t) / len(requests) * 1e6)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=3000)
    args = ap.parse_args()
    plain = Worker(HELLO, max_isolates=1)
    floor = cpu_us(plain, [Request("https://a.test/")] * args.n)
    print(f"hello worker, no auth:               {floor:8.1f} us CPU/request")
    for alg in ("HS256", "ES256"):
        toks, key = tokens(alg, 1000)
        w = Worker(
            HELLO,
            max_isolates=1,
            auth=Verifier(keys=key, algorithms=[alg], cache=False),
            forward_claims={"sub": "X-User-Id"},
        )
        reqs = [
            Request("https://a.test/", headers={"authorization": f"Bearer {toks[i % len(toks)]}"})
            for i in range(args.n)
        ]
        assert w.fetch(reqs[0]).status == 200
        print(f"hello worker + route auth {alg}:     {cpu_us(w, reqs):8.1f} us CPU/request")


if __name__ == "__main__":
    main()
