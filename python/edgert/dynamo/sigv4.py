"""AWS Signature Version 4: verifying a signed request against configured credentials.

The algorithm (AWS's "Create a signed AWS API request"): a canonical request (method, the
normalised and percent-encoded path, the sorted query, the signed headers lower-cased with
values trimmed and inner whitespace collapsed, the hash of the payload), a string to sign
(algorithm, ``X-Amz-Date``, the credential scope, the canonical request's SHA-256), and an
HMAC-SHA256 chain from ``"AWS4" + secret`` over date, region, service and ``aws4_request``.
Checked against AWS's SigV4 test suite (``tests/dynamo/test_sigv4.py``). Written here rather
than taken from botocore because botocore signs and never verifies (its signer reads the wall
clock and rewrites the request's headers), and this is 100 lines of the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from edgert.dynamo.errors import InvalidSignature, MissingAuthentication, UnrecognizedClient

__all__ = ["Credentials", "SignedRequest", "canonical_request", "signature", "verify"]

ALGORITHM = "AWS4-HMAC-SHA256"
#: How far ``X-Amz-Date`` may be from the service's clock (AWS: 15 minutes).
MAX_SKEW_S = 15 * 60
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<cred>[^,\s]+)\s*,\s*SignedHeaders=(?P<signed>[^,\s]+)"
    r"\s*,\s*Signature=(?P<sig>[0-9a-f]{64})\s*$"
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What verification found: who signed, for which region and service."""

    access_key_id: str
    region: str
    service: str
    amz_date: str


def _encode(text: str) -> str:
    return urllib.parse.quote(text, safe="-_.~")


def canonical_path(path: str) -> str:
    """The path with dot segments and repeated slashes removed, each segment percent-encoded
    (RFC 3986 unreserved characters kept)."""
    raw = urllib.parse.unquote(path or "/")
    out: list[str] = []
    for seg in raw.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    text = "/" + "/".join(_encode(s) for s in out)
    if raw.endswith("/") and out:
        text += "/"
    return text


def canonical_query(query: str) -> str:
    pairs = []
    for part in query.split("&") if query else []:
        if not part:
            continue
        k, _, v = part.partition("=")
        pairs.append((_encode(urllib.parse.unquote(k)), _encode(urllib.parse.unquote(v))))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _header_map(headers: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in headers:
        out.setdefault(k.lower(), []).append(_SPACES.sub(" ", v.strip()))
    return out


def canonical_request(
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]],
    signed: list[str],
    payload_hash: str,
) -> str:
    """The canonical request of ``method`` on ``target`` (path and query)."""
    path, _, query = target.partition("?")
    hmap = _header_map(headers)
    lines = "".join(f"{h}:{','.join(hmap.get(h, []))}\n" for h in signed)
    return "\n".join(
        [
            method.upper(),
            canonical_path(path),
            canonical_query(query),
            lines,
            ";".join(signed),
            payload_hash,
        ]
    )


def _key(secret: str, date: str, region: str, service: str) -> bytes:
    k = hmac.new(("AWS4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def signature(secret: str, amz_date: str, scope: str, creq: str) -> str:
    date, region, service, _ = scope.split("/")
    to_sign = "\n".join(
        [ALGORITHM, amz_date, scope, hashlib.sha256(creq.encode("utf-8")).hexdigest()]
    )
    return hmac.new(
        _key(secret, date, region, service), to_sign.encode(), hashlib.sha256
    ).hexdigest()


def verify(
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes,
    credentials: Mapping[str, Credentials],
    now: float,
    *,
    check_skew: bool = True,
) -> SignedRequest:
    """Verifies the ``Authorization`` header of a request; raises the service's error when the
    signature is missing, names an unknown key, does not match, or is too old."""
    hmap = _header_map(headers)
    auth = hmap.get("authorization")
    if not auth:
        raise MissingAuthentication()
    m = _AUTH.match(auth[0])
    if m is None:
        raise InvalidSignature(
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' "
            "parameters with algorithm AWS4-HMAC-SHA256."
        )
    cred_parts = m.group("cred").split("/")
    if len(cred_parts) != 5 or cred_parts[4] != "aws4_request":
        raise InvalidSignature("Credential should be scoped to a valid region and service.")
    key_id, date, region, service, _ = cred_parts
    creds = credentials.get(key_id)
    if creds is None:
        raise UnrecognizedClient()
    if creds.session_token is not None:
        token = hmap.get("x-amz-security-token")
        if not token or token[0] != creds.session_token:
            raise UnrecognizedClient()
    amz = hmap.get("x-amz-date")
    if not amz:
        raise InvalidSignature(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    amz_date = amz[0]
    try:
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise InvalidSignature(f"Invalid X-Amz-Date {amz_date!r}") from None
    if not amz_date.startswith(date):
        raise InvalidSignature(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP."
        )
    if check_skew and abs(signed_at.timestamp() - now) > MAX_SKEW_S:
        raise InvalidSignature(
            f"Signature expired: {amz_date} is now earlier than "
            f"{datetime.fromtimestamp(now - MAX_SKEW_S, UTC).strftime('%Y%m%dT%H%M%SZ')}"
        )
    signed = m.group("signed").split(";")
    if "host" not in signed:
        raise InvalidSignature("'Host' must be a signed header")
    payload = hmap.get("x-amz-content-sha256")
    payload_hash = payload[0] if payload else hashlib.sha256(body).hexdigest()
    creq = canonical_request(method, target, headers, signed, payload_hash)
    scope = f"{date}/{region}/{service}/aws4_request"
    expected = signature(creds.secret_access_key, amz_date, scope, creq)
    if not hmac.compare_digest(expected, m.group("sig")):
        raise InvalidSignature(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details."
        )
    return SignedRequest(key_id, region, service, amz_date)
