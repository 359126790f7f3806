#!/usr/bin/env python3
"""CPU per request of the standard workload (``../shared/bench/worker/worker.js``) inside an
edgert worker: ``/hello`` (the floor), ``/hs256`` and ``/es256`` (JWT verified with
crypto.subtle), each the median of ``response.stats.cpu_ms`` (the isolate's thread CPU for the
request) over N requests rotating through the workload's 1,000 distinct tokens. The named peer,
measured in the same run on the same tokens: PyJWT's ``jwt.decode`` (process CPU per
verification, median of batches), i.e. what the same check costs in Python.

AES-GCM (``--aes-n``, 0 to skip): ``encrypt`` of 1 KiB with a 256-bit key and a fresh 96-bit IV
inside a worker, per request (one encryption) and per operation (100 per request), against
node's WebCrypto (``crypto.subtle.encrypt``, process CPU per call over a loop) and
``cryptography``'s ``AESGCM.encrypt`` (OpenSSL), measured in the same run.

``/x25519`` (key agreement, issue 17): a worker that runs ``crypto.subtle.deriveBits`` with an
X25519 private key (imported once) and the peer public key of the request (one of 1,000, sent
raw in the body), against ``/x25519-floor`` (the same request, the public key imported but no
agreement). Peer: ``cryptography``'s ``X25519PrivateKey.exchange`` on the same keys.

``--only ed25519``: CPU per ``crypto.subtle.verify`` of a valid Ed25519 signature (2,000 in one
request, median of 7 requests), to compare two builds (the spec's small-order checks).

RSA (``--rsa-n``, 0 to skip): RSA-OAEP (SHA-256, 2048-bit key) ``decrypt`` of a 32-byte secret
per request in a worker, against ``cryptography``'s (OpenSSL's) decrypt of the same ciphertexts
in the same run; and RSA-OAEP 2048-bit ``generateKey`` per request against OpenSSL's generation.

Usage: python benches/bench_webcrypto.py [--n 3000] [--aes-n 2000] [--rsa-n 500]
[--only jwt|aes|rsa|x25519|ed25519]
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


AES_WORKER = """
const unhex = (s) => Uint8Array.from(s.match(/../g), (h) => parseInt(h, 16));
const data = new Uint8Array(1024).fill(7);
let key;
export default {
  async fetch(request, env) {
    key ??= await crypto.subtle.importKey('raw', unhex(env.KEY), 'AES-GCM', false, ['encrypt']);
    const batch = Number(new URL(request.url).searchParams.get('batch'));
    let out;
    for (let i = 0; i < batch; i++) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      out = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data);
    }
    return new Response(String(out.byteLength));
  },
};
"""

NODE_AES = """
const key = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(9), 'AES-GCM', false, ['encrypt']);
const data = new Uint8Array(1024).fill(7);
const run = async (n) => {
  for (let i = 0; i < n; i++) {
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)) }, key, data);
  }
};
await run(2000);
const n = Number(process.argv.at(-1));
const t0 = process.cpuUsage();
await run(n);
const t = process.cpuUsage(t0);
console.log((t.user + t.system) / n);
"""


def aes_results(n: int) -> dict[str, float]:
    """AES-GCM encrypt of 1 KiB: edgert worker vs node's WebCrypto vs OpenSSL (``cryptography``)."""
    import os
    import shutil
    import subprocess

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = bytes([9]) * 32
    worker = Worker(AES_WORKER, vars={"KEY": key.hex()}, max_isolates=1, cpu_ms=5_000)

    def request_us(batch: int, count: int) -> float:
        samples = []
        for _ in range(count):
            r = worker.fetch(f"https://bench.test/gcm?batch={batch}")
            if r.status != 200 or r.text() != "1040":
                raise SystemExit(f"AES-GCM: status {r.status} {r.stats.error}")
            samples.append(r.stats.cpu_ms * 1000)
        return statistics.median(samples)

    request_us(100, 20)  # warm-up: loads crypto.subtle and the symmetric module, imports the key
    results = {
        "edgert AES-GCM 1 KiB (request)": request_us(1, n),
        "edgert AES-GCM 1 KiB (per op)": request_us(100, max(10, n // 20)) / 100,
    }
    if shutil.which("node"):
        out = subprocess.run(
            ["node", "--input-type=module", "-e", NODE_AES, str(max(n * 10, 10_000))],
            capture_output=True,
            text=True,
            check=True,
        )
        results["node WebCrypto AES-GCM 1 KiB (per op)"] = float(out.stdout.strip())
    gcm = AESGCM(key)
    data = bytes([7]) * 1024
    batches = []
    for _ in range(max(1, n // 20)):
        t0 = time.process_time()
        for _ in range(100):
            gcm.encrypt(os.urandom(12), data, None)
        batches.append((time.process_time() - t0) / 100 * 1e6)
    results["cryptography AESGCM 1 KiB (per op)"] = statistics.median(batches)
    return results


RSA_WORKER = """
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
let key;
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const alg = { name: 'RSA-OAEP', hash: 'SHA-256' };
    if (url.pathname === '/generate') {
      const gen = { ...alg, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
      const pair = await crypto.subtle.generateKey(gen, false, ['encrypt', 'decrypt']);
      return new Response(String(pair.privateKey.algorithm.modulusLength));
    }
    key ??= await crypto.subtle.importKey('pkcs8', unb64(env.pkcs8), alg, false, ['decrypt']);
    const ct = unb64(env.ciphertexts[Number(url.searchParams.get('i'))]);
    return new Response(await crypto.subtle.decrypt({ name: 'RSA-OAEP' }, key, ct));
  },
};
"""


def rsa_results(n: int) -> dict[str, float]:
    """RSA-OAEP decrypt and key generation: edgert worker vs OpenSSL (``cryptography``)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    secrets = [bytes([i % 256]) * 32 for i in range(100)]
    cts = [private.public_key().encrypt(s, oaep) for s in secrets]
    pkcs8 = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    worker = Worker(
        RSA_WORKER,
        vars={
            "pkcs8": base64.b64encode(pkcs8).decode(),
            "ciphertexts": [base64.b64encode(c).decode() for c in cts],
        },
        max_isolates=1,
        cpu_ms=5_000,
    )

    def decrypt_us(count: int) -> float:
        samples = []
        for i in range(count):
            r = worker.fetch(f"https://bench.test/decrypt?i={i % len(cts)}")
            if r.status != 200 or r.body != secrets[i % len(cts)]:
                raise SystemExit(f"decrypt: status {r.status} {r.stats.error}")
            samples.append(r.stats.cpu_ms * 1000)
        return statistics.median(samples)

    decrypt_us(50)  # warm-up: loads crypto.subtle, imports the key
    edgert_decrypt = decrypt_us(n)
    batches = []
    for b in range(max(1, n // 50)):
        t0 = time.process_time()
        for i in range(50):
            private.decrypt(cts[(b * 50 + i) % len(cts)], oaep)
        batches.append((time.process_time() - t0) / 50 * 1e6)
    gen_n = max(10, n // 10)
    gen = []
    for _ in range(gen_n):
        r = worker.fetch("https://bench.test/generate")
        if r.status != 200:
            raise SystemExit(f"generate: status {r.status} {r.stats.error}")
        gen.append(r.stats.cpu_ms * 1000)
    openssl_gen = []
    for _ in range(gen_n):
        t0 = time.process_time()
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        openssl_gen.append((time.process_time() - t0) * 1e6)
    return {
        f"edgert RSA-OAEP decrypt (request, n={n})": edgert_decrypt,
        f"OpenSSL RSA-OAEP decrypt (n={n})": statistics.median(batches),
        f"edgert RSA-2048 generateKey (request, n={gen_n})": statistics.median(gen),
        f"OpenSSL RSA-2048 generate (n={gen_n})": statistics.median(openssl_gen),
    }


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
    ap.add_argument("--aes-n", type=int, default=2000)
    ap.add_argument("--rsa-n", type=int, default=500)
    ap.add_argument(
        "--only", choices=["jwt", "aes", "rsa", "x25519", "ed25519"], help="run one group"
    )
    args = ap.parse_args()
    if args.only == "x25519":
        report(x25519_results(args.n), args.n)
        return
    if args.only == "ed25519":
        report(ed25519_results(), 7 * 2000)
        return
    if args.only == "aes":
        report(aes_results(args.aes_n), args.aes_n)
        return
    if args.only == "rsa":
        report(rsa_results(args.rsa_n), args.rsa_n)
        return
    results = jwt_results(args.n)
    if args.only is None:
        if args.aes_n > 0:
            results.update(aes_results(args.aes_n))
        if args.rsa_n > 0:
            results.update(rsa_results(args.rsa_n))
        results.update(x25519_results(args.n))
    report(results, args.n)


def jwt_results(n: int) -> dict[str, float]:
    """The standard workload's /hello, /hs256, /es256 in a worker, and PyJWT on the same tokens."""
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
    return {
        "edgert hello": edgert_cpu_us(worker, "/hello", [], n),
        "edgert hs256 (crypto.subtle)": edgert_cpu_us(worker, "/hs256", w.tokens["hs256"], n),
        "edgert es256 (crypto.subtle)": edgert_cpu_us(worker, "/es256", w.tokens["es256"], n),
        "PyJWT HS256 decode": pyjwt_cpu_us(w.tokens["hs256"], hs_secret, "HS256", n),
        "PyJWT ES256 decode": pyjwt_cpu_us(w.tokens["es256"], es_pub, "ES256", n),
    }


def report(results: dict[str, float], n: int) -> None:
    for name, us in results.items():
        count = "" if "n=" in name else f" (median of {n})"
        print(f"{name:48s} {us:10.1f} us CPU{count}")
    print(json.dumps({k: round(v, 1) for k, v in results.items()}))


if __name__ == "__main__":
    main()
