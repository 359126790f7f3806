#!/usr/bin/env python3
"""JWT verification benchmark: edgert vs PyJWT and jwcrypto, same run, same tokens, one core.

For each of HS256, RS256 (2048-bit), ES256 (P-256) and EdDSA (Ed25519): N distinct tokens signed
by PyJWT (default 1,000), verified as a full "verify a compact JWT" (parse, base64url, alg check,
signature, JSON claims, ``exp`` required) by each library with keys pre-loaded. edgert runs with
its cache off for these uncached figures. One warm-up pass, then REPS passes in which the
libraries take turns (to share the machine's noise); the median rate is reported. Then the cached
figure: edgert verifying one token repeatedly with the cache on, median time per call over
batches. Pinned to CPU 0 (as ``shared/bench/micro_jwt.py`` does).

Usage: python benches/bench_jwt.py [--n 1000] [--reps 5] [--json out.json]
Needs the ``bench`` extra: ``pip install -e '.[bench]'`` (PyJWT with cryptography, jwcrypto).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import jwt as pyjwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwcrypto import jwk as jjwk
from jwcrypto import jwt as jjwt

import edgert.jwt

ALGS = ["HS256", "RS256", "ES256", "EdDSA"]
GOALS = {"HS256": 10.0, "RS256": 2.0, "ES256": 1.4, "EdDSA": 1.5}


def b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def pem_pub(k: Any) -> bytes:
    return k.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def make_keys() -> dict[str, tuple[Any, Any]]:
    secret = os.urandom(32)
    r = rsa.generate_private_key(65537, 2048)
    e = ec.generate_private_key(ec.SECP256R1())
    d = ed25519.Ed25519PrivateKey.generate()
    return {
        "HS256": (secret, secret),
        "RS256": (r, r.public_key()),
        "ES256": (e, e.public_key()),
        "EdDSA": (d, d.public_key()),
    }


def make_verifiers(keys: dict[str, tuple[Any, Any]]) -> dict[str, dict[str, Callable[[str], Any]]]:
    out: dict[str, dict[str, Callable[[str], Any]]] = {}
    opts = {"require": ["exp"]}
    for alg in ALGS:
        priv, pub = keys[alg]
        out[alg] = {}
        out[alg]["PyJWT"] = (
            lambda k, a: lambda t: pyjwt.decode(t, k, algorithms=[a], options=opts)
        )(pub, alg)
        jk = (
            jjwk.JWK(kty="oct", k=b64u(pub)) if alg == "HS256" else jjwk.JWK.from_pem(pem_pub(priv))
        )
        out[alg]["jwcrypto"] = (
            lambda k, a: lambda t: json.loads(jjwt.JWT(jwt=t, key=k, algs=[a]).claims)
        )(jk, alg)
        ekeys = pub if alg == "HS256" else pem_pub(priv)
        v = edgert.jwt.Verifier(ekeys, algorithms=[alg], required_claims=["exp"], cache=False)
        out[alg]["edgert"] = v.verify
    return out


def timed_pass(f: Callable[[str], Any], tokens: list[str]) -> float:
    t0 = time.perf_counter()
    for t in tokens:
        f(t)
    return len(tokens) / (time.perf_counter() - t0)


def cached_median_ns(keys: dict[str, tuple[Any, Any]], token: str, batches: int = 31) -> float:
    v = edgert.jwt.Verifier(keys["ES256"][1] and pem_pub(keys["ES256"][0]), algorithms=["ES256"])
    v.verify(token)
    verify = v.verify
    per_call = []
    for _ in range(batches):
        n = 2000
        t0 = time.perf_counter_ns()
        for _ in range(n):
            verify(token)
        per_call.append((time.perf_counter_ns() - t0) / n)
    return statistics.median(per_call)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})

    keys = make_keys()
    now = int(time.time())
    tokens = {
        alg: [
            pyjwt.encode(
                {"sub": f"user-{i:06d}", "iat": now, "exp": now + 86400 * 3650},
                keys[alg][0],
                algorithm=alg,
            )
            for i in range(args.n)
        ]
        for alg in ALGS
    }
    verifiers = make_verifiers(keys)
    results: dict[str, Any] = {"n": args.n, "reps": args.reps, "uncached": {}}
    print(f"{args.n} distinct tokens per algorithm, {args.reps} passes, CPU 0\n")
    print(f"{'alg':6} {'library':9} {'verif/s':>10}  {'vs PyJWT':>8}  {'vs jwcrypto':>11}")
    for alg in ALGS:
        libs = verifiers[alg]
        for name, f in libs.items():  # correctness + warm-up
            assert f(tokens[alg][0])["sub"] == "user-000000", name
            for t in tokens[alg][: max(100, args.n // 10)]:
                f(t)
        rates: dict[str, list[float]] = {name: [] for name in libs}
        for _ in range(args.reps):
            for name, f in libs.items():
                rates[name].append(timed_pass(f, tokens[alg]))
        med = {name: statistics.median(r) for name, r in rates.items()}
        results["uncached"][alg] = {"median": med, "all": rates}
        for name in libs:
            print(
                f"{alg:6} {name:9} {med[name]:10.0f}  {med[name] / med['PyJWT']:7.2f}x"
                f"  {med[name] / med['jwcrypto']:10.2f}x"
            )
        ratio = med["edgert"] / med["PyJWT"]
        ok = "meets" if ratio >= GOALS[alg] else "MISSES"
        print(f"       -> edgert/PyJWT {ratio:.2f}x, goal >= {GOALS[alg]}x: {ok}\n")
    cached = cached_median_ns(keys, tokens["ES256"][0])
    results["cached_ns_median"] = cached
    print(f"cached repeat verification (ES256 token, cache on): median {cached:.0f} ns per call")
    print(f"  goal <= 1000 ns: {'meets' if cached <= 1000 else 'MISSES'}")
    results["versions"] = {
        "python": platform.python_version(),
        "PyJWT": pyjwt.__version__,
        "jwcrypto": __import__("importlib.metadata").metadata.version("jwcrypto"),
        "cryptography": __import__("cryptography").__version__,
        "machine": platform.machine(),
    }
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)


if __name__ == "__main__":
    main()
