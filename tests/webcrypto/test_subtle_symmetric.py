"""crypto.subtle's symmetric algorithms inside a worker, checked against Python's `cryptography`
(an independent implementation): an AES-GCM session cookie sealed by the worker and opened by
`cryptography` (and the reverse, and a tampered one refused), AES-KW and AES-GCM key wrapping,
HKDF/PBKDF2 deriveBits and deriveKey, and the DOMException names of misuse."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap
from webcrypto_js import over_cpu_limit, worker_source

from edgert import Worker

SESSION_KEY = bytes(range(32))
KEK = bytes(range(100, 116))
HMAC_KEY = bytes(range(200, 232))
IKM = bytes(range(22))
VARS = {
    "SESSION_KEY": SESSION_KEY.hex(),
    "KEK": KEK.hex(),
    "HMAC_KEY": HMAC_KEY.hex(),
    "IKM": IKM.hex(),
}


def _worker() -> Worker:
    return Worker(worker_source("symmetric_worker.js"), vars=VARS, cpu_ms=5_000, seed=11)


def _json(worker: Worker, path: str) -> Any:
    response = worker.fetch(f"https://sym.test/{path}")
    assert response.status == 200, response.stats.error
    return response.json()


def _cookie(value: bytes) -> dict[str, str]:
    return {"cookie": "session=" + base64.b64encode(value).decode()}


def test_session_cookie_sealed_with_aes_gcm() -> None:
    worker = _worker()
    response = worker.fetch("https://sym.test/login?user=ada")
    assert response.status == 200
    set_cookie = response.headers.get("set-cookie") or ""
    sealed = base64.b64decode(set_cookie.split(";")[0].removeprefix("session="))
    # Another implementation opens it: 96-bit IV, ciphertext, 128-bit tag, the associated data.
    plain = AESGCM(SESSION_KEY).decrypt(sealed[:12], sealed[12:], b"session")
    assert json.loads(plain) == {"user": "ada"}
    # The worker reads its cookie back; and one sealed by `cryptography` too.
    back = worker.fetch("https://sym.test/whoami", headers=_cookie(sealed))
    assert back.status == 200 and back.json() == {"user": "ada"}
    foreign = b"\x01" * 12 + AESGCM(SESSION_KEY).encrypt(
        b"\x01" * 12, b'{"user":"bob"}', b"session"
    )
    assert worker.fetch("https://sym.test/whoami", headers=_cookie(foreign)).json() == {
        "user": "bob"
    }
    # A flipped bit anywhere is refused with OperationError.
    for i in (0, 12, len(sealed) - 1):
        tampered = bytearray(sealed)
        tampered[i] ^= 1
        refused = worker.fetch("https://sym.test/whoami", headers=_cookie(bytes(tampered)))
        assert (refused.status, refused.text()) == (401, "OperationError")
    # Two cookies for the same user differ (a fresh IV each time).
    again = worker.fetch("https://sym.test/login?user=ada").headers.get("set-cookie")
    assert again != set_cookie


def test_wrap_and_unwrap_round_trip() -> None:
    out = _json(_worker(), "wrap")
    # RFC 3394 wrapping, as `cryptography` unwraps it.
    assert aes_key_unwrap(KEK, bytes.fromhex(out["wrappedRaw"])) == HMAC_KEY
    assert out["same"] is True
    assert out["unwrappedExtractable"] is False and out["unwrappedUsages"] == ["sign"]
    # wrapKey("jwk") encrypts the JWK's JSON text.
    wrapped = bytes.fromhex(out["wrappedJwk"])
    jwk = json.loads(AESGCM(SESSION_KEY).decrypt(b"\x00" * 12, wrapped, None))
    assert jwk["kty"] == "oct" and jwk["alg"] == "HS256"
    assert base64.urlsafe_b64decode(jwk["k"] + "=") == HMAC_KEY
    assert out["jwk"]["k"] == jwk["k"] and out["jwk"]["key_ops"] == ["verify"]
    assert out["tampered"] == "DOMException:OperationError"
    assert out["nonExtractable"] == "DOMException:InvalidAccessError"
    assert out["wrongUsage"] == "DOMException:InvalidAccessError"


def test_hkdf_and_pbkdf2() -> None:
    out = _json(_worker(), "derive")
    expected = HKDF(hashes.SHA256(), 42, b"salt", b"info").derive(IKM)
    assert out["hkdf"] == expected.hex()
    assert out["pbkdf2"] == "4b007901b765489abead49d926f721d065a429c1"  # RFC 6070, c = 4096
    assert out["aesKey"] == expected[:32].hex()
    assert out["aesAlgorithm"] == {"name": "AES-GCM", "length": 256}
    # HMAC without a length takes the hash's block size: 512 bits for SHA-256.
    assert out["hmacAlgorithm"] == {"name": "HMAC", "hash": {"name": "SHA-256"}, "length": 512}
    assert len(out["hmacKey"]) == 128
    assert out["empty"] == ""
    for case in ["noLength", "odd", "zeroIterations"]:
        assert out[case] == "DOMException:OperationError", case
    assert out["missingSalt"] == "TypeError:TypeError"
    assert out["extractableKdf"] == "DOMException:SyntaxError"
    assert out["jwkKdf"] == "DOMException:NotSupportedError"
    assert out["jwkAesBadUsage"] == "DOMException:SyntaxError"
    assert out["exportKdf"] == "DOMException:NotSupportedError"


def test_error_names() -> None:
    out = _json(_worker(), "errors")
    assert out.pop("jwk") == {
        "kty": "oct",
        "k": base64.urlsafe_b64encode(SESSION_KEY).decode().rstrip("="),
        "alg": "A256GCM",
        "key_ops": ["encrypt"],
        "ext": True,
    }
    assert out.pop("generated") == {"name": "AES-CTR", "length": 192}
    assert out == {
        "badTag": "DOMException:OperationError",
        "noIv": "TypeError:TypeError",
        "noDecryptUsage": "DOMException:InvalidAccessError",
        "mismatch": "DOMException:InvalidAccessError",
        "shortCbcIv": "DOMException:OperationError",
        "badPadding": "DOMException:OperationError",
        "badKeyLength": "DOMException:DataError",
        "badUsage": "DOMException:SyntaxError",
        "generateBadLength": "DOMException:OperationError",
        "jwkWrongAlg": "DOMException:DataError",
    }


PBKDF2 = """
const key = crypto.subtle.importKey('raw', new Uint8Array(16), 'PBKDF2', false, ['deriveBits']);
export default {
  async fetch(request) {
    const url = new URL(request.url), k = await key;
    const derive = (bits) => crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-512', salt: new Uint8Array(16), iterations: 100000 }, k, bits);
    if (url.pathname === '/long') await derive(32768);
    if (url.pathname === '/loop') for (;;) await derive(512);
    const out = new Uint8Array(await derive(512));
    return new Response(String(out.length));
  },
};
"""


@pytest.mark.parametrize("path", ["/long", "/loop"])
def test_pbkdf2_past_the_budget_ends_near_the_limit(path: str) -> None:
    # At 100,000 iterations a 64-byte SHA-512 derivation takes ~60 ms and 4,096 bytes ~3.5 s;
    # one call cannot be interrupted, so a budget short of its lower bound ends the turn first
    # (a loop of them ran ~4 s at a 50 ms limit, the long one ~3.5 s).
    worker = Worker(PBKDF2, cpu_ms=50, startup_cpu_ms=5000, max_isolates=1)
    assert over_cpu_limit(worker, f"https://kdf.test{path}") < 400


def test_pbkdf2_within_the_budget_derives() -> None:
    worker = Worker(PBKDF2, cpu_ms=10_000, startup_cpu_ms=5000, max_isolates=1)
    r = worker.fetch("https://kdf.test/")
    assert (r.status, r.text()) == (200, "64")
