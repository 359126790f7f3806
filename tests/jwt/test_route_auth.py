"""Route auth: a JWT verifier in front of a worker (issue 3 part 7)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from edgert import Request, Worker
from edgert.jwt import Verifier

SECRET = b"route-auth-test-secret-32-bytes!"
ECHO = """export default { fetch(request) {
  return Response.json({ jwt: request.jwt ?? null, user: request.headers.get('x-user-id'), ran: true });
} }"""


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(claims: dict[str, object], secret: bytes = SECRET) -> str:
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    sig = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(sig)}"


def worker() -> Worker:
    return Worker(
        ECHO, auth=Verifier(keys=SECRET, algorithms=["HS256"]), forward_claims={"sub": "X-User-Id"}
    )


def call(w: Worker, authorization: str | None, **headers: str) -> object:
    h = dict(headers)
    if authorization is not None:
        h["authorization"] = authorization
    return w.fetch(Request("https://api.test/x", headers=h))


def test_valid_token_reaches_the_worker_with_claims_and_forwarded_header() -> None:
    token = hs256({"sub": "user-7", "exp": int(time.time()) + 600, "role": "admin"})
    r = call(worker(), f"Bearer {token}", **{"x-user-id": "forged"})
    assert r.status == 200  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["ran"] and body["user"] == "user-7"
    assert body["jwt"]["sub"] == "user-7" and body["jwt"]["role"] == "admin"


def test_missing_token_is_401_without_running_the_worker() -> None:
    r = call(worker(), None)
    assert r.status == 401  # type: ignore[attr-defined]
    assert r.headers["www-authenticate"].startswith("Bearer")  # type: ignore[attr-defined]
    assert "error=" not in r.headers["www-authenticate"]  # type: ignore[attr-defined]
    assert r.stats.outcome == "unauthorized" and r.stats.cpu_ms == 0  # type: ignore[attr-defined]


def test_invalid_tokens_get_invalid_token_challenge() -> None:
    w = worker()
    now = int(time.time())
    bad = [
        hs256({"sub": "u", "exp": now - 10}),  # expired
        hs256(
            {"sub": "u", "exp": now + 600}, secret=b"another-secret-of-32-bytes-long!"
        ),  # wrong key
        hs256({"sub": "u", "exp": now + 600})[:-3] + "AAA",  # tampered
        "garbage",
    ]
    for token in bad:
        r = call(w, f"Bearer {token}")
        assert r.status == 401, token  # type: ignore[attr-defined]
        challenge = r.headers["www-authenticate"]  # type: ignore[attr-defined]
        assert 'error="invalid_token"' in challenge
    assert call(w, "Basic dXNlcjpwdw==").status == 401  # type: ignore[attr-defined]


def test_without_route_auth_request_jwt_is_undefined_and_headers_pass() -> None:
    r = Worker(ECHO).fetch(Request("https://api.test/x", headers={"x-user-id": "u"}))
    assert r.json() == {"jwt": None, "user": "u", "ran": True}
