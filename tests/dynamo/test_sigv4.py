"""The SigV4 verifier against AWS's Signature Version 4 test suite (shipped with aws4fetch in
``../shared/data/workers-examples/libs/aws4fetch/test/aws-sig-v4-test-suite``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from edgert.dynamo.errors import InvalidSignature, MissingAuthentication, UnrecognizedClient
from edgert.dynamo.sigv4 import Credentials, canonical_request, verify

SUITE = (
    Path(__file__).resolve().parents[3]
    / "shared/data/workers-examples/libs/aws4fetch/test/aws-sig-v4-test-suite"
)
CREDS = {"AKIDEXAMPLE": Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")}
NOW = datetime(2015, 8, 30, 12, 36, tzinfo=UTC).timestamp()

pytestmark = pytest.mark.skipif(
    not SUITE.is_dir(), reason="needs ../shared/data beside the checkout"
)


def _parse(text: str) -> tuple[str, str, list[tuple[str, str]], bytes]:
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    # The target may hold a space ("GET /example space/ HTTP/1.1").
    method, rest = lines[0].split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # a folded line: another value of the field
            headers.append((headers[-1][0], line.strip()))
            continue
        name, _, value = line.partition(":")
        headers.append((name, value))
    return method, target, headers, body.encode()


def _cases() -> list[Path]:
    if not SUITE.is_dir():
        return []
    return sorted(p for p in SUITE.rglob("*.sreq"))


@pytest.mark.parametrize("sreq", _cases(), ids=lambda p: p.stem)
def test_suite_signed_requests_verify(sreq: Path) -> None:
    method, target, headers, body = _parse(sreq.read_text())
    creds = dict(CREDS)
    if "sts" in sreq.stem:
        # The session token travels in a header; the verifier checks it when configured.
        token = next(v for k, v in headers if k.lower() == "x-amz-security-token")
        creds = {
            "AKIDEXAMPLE": Credentials("AKIDEXAMPLE", CREDS["AKIDEXAMPLE"].secret_access_key, token)
        }
    signed = verify(method, target, headers, body, creds, NOW)
    assert (signed.access_key_id, signed.region, signed.service) == (
        "AKIDEXAMPLE",
        "us-east-1",
        "service",
    )


@pytest.mark.parametrize(
    "creq", sorted(SUITE.rglob("*.creq")) if SUITE.is_dir() else [], ids=lambda p: p.stem
)
def test_suite_canonical_requests_match(creq: Path) -> None:
    req = creq.with_suffix(".req")
    method, target, headers, _body = _parse(req.read_text())
    expected = creq.read_text()
    signed = expected.split("\n")[-2].split(";")
    payload = expected.split("\n")[-1]
    assert canonical_request(method, target, headers, signed, payload) == expected


def test_tampering_and_missing_credentials_are_refused() -> None:
    sreq = SUITE / "get-vanilla/get-vanilla.sreq"
    method, target, headers, body = _parse(sreq.read_text())
    with pytest.raises(InvalidSignature, match="does not match"):
        verify(method, target + "?x=1", headers, body, CREDS, NOW)
    with pytest.raises(UnrecognizedClient):
        verify(method, target, headers, body, {}, NOW)
    with pytest.raises(MissingAuthentication):
        verify(method, target, [h for h in headers if h[0] != "Authorization"], body, CREDS, NOW)
    with pytest.raises(InvalidSignature, match="expired"):
        verify(method, target, headers, body, CREDS, NOW + 3600)
