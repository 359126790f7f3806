"""How far past the CPU limit each builtin "bomb" runs, and its outcome (issue 13).

Run: ``python benches/bench_containment.py [NAME...]`` (after ``maturin develop --release``).
Each bomb is one request of a fresh worker (``cpu_ms=50``, ``memory_mb=256``) whose handler
evaluates one expression (after the statements of ``MODULE_SCOPE``, run at start-up); the
table prints the status, the outcome and the request's CPU time (the core's stats: thread
CPU, not wall time). The peer in the same run is the limit itself:
``cpu_ms / 50`` is how many times the limit a bomb used. A searching bomb (``indexOf`` ...) is
linear now and finishes in ~1 ms; ``*-loop`` bombs repeat a builtin that does not poll the
interrupt handler; the single calls that remain over the limit are bounded by the heap size
(see ``docs/architecture.md``, "Containment").
"""

from __future__ import annotations

import base64
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from edgert import Worker


def _keygen(bits: int, exponent: str) -> str:
    return (
        "(async () => { await crypto.subtle.generateKey({name: 'RSASSA-PKCS1-v1_5',"
        f" modulusLength: {bits}, publicExponent: new Uint8Array([{exponent}]), hash: 'SHA-256'}},"
        " false, ['sign']); return 'generated' })()"
    )


BOMBS = {
    "indexOf": 'String("a".repeat(3e6).indexOf("a".repeat(5000) + "b"))',
    "lastIndexOf": 'String("a".repeat(3e6).lastIndexOf("a".repeat(5000) + "b"))',
    "includes": 'String("a".repeat(3e6).includes("a".repeat(5000) + "b"))',
    "split": 'String("a".repeat(3e6).split("a".repeat(5000) + "b").length)',
    "replace": 'String("a".repeat(3e6).replace("a".repeat(5000) + "b", "x").length)',
    "replaceAll": 'String("a".repeat(3e6).replaceAll("a".repeat(5000) + "b", "x").length)',
    "json-stringify": "(() => { const a = []; for (let i = 0; i < 2e5; i++)"
    ' a.push({i, s: "x".repeat(20), d: new Date(0)}); return String(JSON.stringify(a).length) })()',
    "json-stringify-shared": '(() => { const o = {s: "x".repeat(1000)};'
    " return String(JSON.stringify(new Array(20000).fill(o)).length) })()",
    "json-parse": '(() => String(JSON.parse("[" + "1,".repeat(3e6) + "1]").length))()',
    "sort": "(() => { const a = Array.from({length: 1e6}, (_, i) => (i * 7919) % 1e6);"
    " a.sort(); return String(a[0]) })()",
    "join": "String(new Array(1e6).fill({}).join().length)",
    "regexp": 'String(/(a+)+$/.test("a".repeat(40) + "b"))',
    "repeat": 'String("ab".repeat(2.5e7).length)',
    "padEnd": 'String("".padEnd(5e7, "ab").length)',
    "array-from": "String(Array.from({length: 5e6}).length)",
    "fill": "String(new Array(2e7).fill(0).length)",
    "normalize": 'String("\\u1E9B\\u0323".repeat(1e6).normalize("NFKC").length)',
    "localeCompare": 'String("a".repeat(2e7).localeCompare("a".repeat(2e7) + "b"))',
    "json-parse-loop": "(() => { const t = JSON.stringify(Array.from({length: 1e5}, (_, i) => i));"
    " for (;;) JSON.parse(t) })()",
    "normalize-loop": "(() => { const t = 'e\\u0301'.repeat(1e5); for (;;) t.normalize('NFC') })()",
    "repeat-loop": "(() => { for (;;) 'ab'.repeat(1e6) })()",
    # edgert's natives that read much and return little: charged by their input (session 10).
    "digest-loop": "(async () => { const b = new Uint8Array(1 << 25);"
    ' for (;;) await crypto.subtle.digest("SHA-256", b) })()',
    "timing-safe-equal-loop": "(() => { const a = new Uint8Array(1 << 24), b = new Uint8Array(1 << 24);"
    " for (;;) crypto.subtle.timingSafeEqual(a, b) })()",
    "url-loop": '(() => { const u = "https://a.b/" + "x/".repeat(1e6); for (;;) new URL(u) })()',
    # The engine's builtins that neither allocate nor poll, charged by their array or key
    # before they run (rust/src/isolate/charged_builtins.rs, session 11).
    "array-indexOf-loop": "(() => { const a = new Array(1e6).fill(0); for (;;) a.indexOf(1) })()",
    "array-fill-loop": "(() => { const a = new Array(1e6).fill(0); for (;;) a.fill(1) })()",
    "array-copyWithin-loop": "(() => { const a = new Array(1e6).fill(0); for (;;) a.copyWithin(0, 1) })()",
    "u8-fill-loop": "(() => { const a = new Uint8Array(1 << 25); for (;;) a.fill(1) })()",
    "u8-set-loop": "(() => { const a = new Uint8Array(1 << 25), b = new Uint8Array(1 << 25);"
    " for (;;) a.set(b) })()",
    "u8-indexOf-loop": "(() => { const a = new Uint8Array(1 << 25); for (;;) a.indexOf(1) })()",
    "u8-reverse-loop": "(() => { const a = new Uint8Array(1 << 24); for (;;) a.reverse() })()",
    "f64-sort-loop": "(() => { const a = new Float64Array(1 << 22); for (;;) a.sort() })()",
    "map-get-loop": '(() => { const m = new Map(), s = "x".repeat(2e6); for (;;) m.get(s) })()',
    "set-has-loop": '(() => { const m = new Set(), s = "x".repeat(2e6); for (;;) m.has(s) })()',
    # One call of a generic Array algorithm over a sparse array or an array-like: every index
    # visited in a C loop that never polls, ended at once when its length is past the budget
    # (charged_builtins.rs, session 12). Hours before (`array-like-join-2e26`: 0.75 s).
    "sparse-join": "(() => { const a = []; a[2 ** 32 - 2] = 1; return a.join('') })()",
    "sparse-sort": "(() => { const a = []; a[2 ** 32 - 2] = 1; return String(a.sort().length) })()",
    "array-like-join": "Array.prototype.join.call({length: 2 ** 40}, '')",
    "array-like-join-2e26": "Array.prototype.join.call({length: 2 ** 26}, '')",
    "array-like-splice": "String(Array.prototype.splice.call({length: 2 ** 40}, 0, 1))",
    "array-like-concat": "String([].concat({length: 2 ** 40, [Symbol.isConcatSpreadable]: true}))",
    "string-join": "String(Array.prototype.join.call(s, '').length)",
    # RSA key generation, one native call of random length (webcrypto/rsa_keygen.rs, session
    # 13): ended before it starts when the budget cannot cover a lower bound of its size, and
    # with less left than AWS-LC typically takes, generated by RustCrypto, which asks the budget
    # between prime candidates. The runs differ: the prime search is random.
    "rsa-keygen-8192": _keygen(8192, "1, 0, 1"),
    "rsa-keygen-4096": _keygen(4096, "1, 0, 1"),
    "rsa-keygen-4096-e3": _keygen(4096, "3"),
    # RSA private-key operations with a 16384-bit key (~0.5 s each, RustCrypto): ended before
    # they run when the budget left cannot cover a lower bound (60 ms at this size).
    "rsa-sign-16384": "(async () => { await crypto.subtle.sign(SIG, await KEY, new Uint8Array(32));"
    " return 'signed' })()",
    "rsa-sign-16384-loop": "(async () => { const k = await KEY;"
    " for (;;) await crypto.subtle.sign(SIG, k, new Uint8Array(32)) })()",
    # PBKDF2 at Workers' limit of 100,000 iterations: ~16-70 ms a call, 2-3.6 s for 4,096 bytes;
    # ended before it runs when the budget left cannot cover a lower bound (kdf.rs).
    "pbkdf2-4096-bytes": "(async () => { await crypto.subtle.deriveBits({name: 'PBKDF2',"
    " hash: 'SHA-256', salt: new Uint8Array(16), iterations: 1e5}, await PBKDF2_KEY, 32768);"
    " return 'derived' })()",
    "pbkdf2-loop": "(async () => { const k = await PBKDF2_KEY; for (;;) await crypto.subtle.deriveBits("
    "{name: 'PBKDF2', hash: 'SHA-512', salt: new Uint8Array(16), iterations: 1e5}, k, 512) })()",
    # A decompression bomb: 256 MiB of zeros from ~256 KiB of gzip, decompressed as one chunk;
    # its output (a Rust buffer) is charged to the budget and checked against the heap as it
    # grows (compression_native.rs, session 13).
    "gunzip-bomb": "(async () => { const ds = new DecompressionStream('gzip');"
    " const w = ds.writable.getWriter(); w.write(BOMB); w.close();"
    " return String((await new Response(ds.readable).arrayBuffer()).byteLength) })()",
    # A known gap (docs/architecture.md, "Containment"): BigInt arithmetic and conversions are
    # the interpreter's own opcodes, not calls a native can wrap, and do not poll.
    "bigint-to-string": "String(((1n << 1000000n) - 1n).toString().length)",
}
#: Statements a bomb's module runs at start-up (a 2 s start-up budget), before its request:
#: what the request's budget could not make in time.
_KEY_16384 = (
    "const SIG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };"
    " const KEY = crypto.subtle.importKey('pkcs8', Uint8Array.from(atob('"
    + (Path(__file__).resolve().parents[1] / "tests" / "webcrypto" / "rsa16384_pkcs8.b64")
    .read_text()
    .strip()
    + "'), (c) => c.charCodeAt(0)), SIG, false, ['sign']);"
)


def _gzip_bomb_b64() -> str:
    """256 MiB of zeros, gzip-compressed (~256 KiB), base64: made only when its bomb runs."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return base64.b64encode(
        b"".join([c.compress(bytes(1 << 20)) for _ in range(256)] + [c.flush()])
    ).decode()


_PBKDF2_KEY = (
    "const PBKDF2_KEY = crypto.subtle.importKey('raw', new Uint8Array(16), 'PBKDF2', false,"
    " ['deriveBits']);"
)
MODULE_SCOPE: dict[str, str | Callable[[], str]] = {
    "string-join": "const s = 'x'.repeat(6e7);",
    "rsa-sign-16384": _KEY_16384,
    "rsa-sign-16384-loop": _KEY_16384,
    "pbkdf2-4096-bytes": _PBKDF2_KEY,
    "pbkdf2-loop": _PBKDF2_KEY,
    "gunzip-bomb": lambda: (
        "const BOMB = Uint8Array.from(atob('" + _gzip_bomb_b64() + "'), (c) => c.charCodeAt(0));"
    ),
}


def main(names: list[str]) -> None:
    print(f"{'bomb':24s} {'status':>6s} {'outcome':15s} {'cpu_ms':>9s} {'x limit':>8s}")
    for name in names or list(BOMBS):
        scope = MODULE_SCOPE.get(name, "")
        src = (
            scope() if callable(scope) else scope
        ) + f"export default {{ async fetch() {{ return new Response(await ({BOMBS[name]})) }} }}"
        w = Worker(src, cpu_ms=50, memory_mb=256, startup_cpu_ms=2000)
        r = w.fetch("https://example.com/")
        cpu = r.stats.cpu_ms
        print(
            f"{name:24s} {r.status:6d} {r.stats.outcome:15s} {cpu:9.1f} {cpu / 50:8.1f}", flush=True
        )


if __name__ == "__main__":
    main(sys.argv[1:])
