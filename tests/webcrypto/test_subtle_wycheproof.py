"""Wycheproof signature and MAC vectors through ``crypto.subtle.verify`` inside a worker.

Every ``valid`` vector must verify and every ``invalid`` one must be rejected (``false``, or an
import error for a bad key); ``acceptable`` ones may go either way. Groups outside what WebCrypto
defines are left out: HMAC tags shorter than the hash (WebCrypto compares the full MAC) and
RSA-PSS groups whose salt length or MGF hash differ from the message hash, or with SHA-1
(not supported, see docs/webcrypto.md).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from webcrypto_js import worker_source

from edgert import Worker

CURVES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
HASH_BITS = {"SHA-1": 160, "SHA-256": 256, "SHA-384": 384, "SHA-512": 512}


def _tests(group: dict[str, Any], sig: str = "sig") -> list[list[Any]]:
    return [[t["tcId"], t["msg"], t[sig], t["result"]] for t in group["tests"]]


def _groups(wy: Path) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for path in sorted(wy.glob("*.json")):
        name = path.name
        data = json.loads(path.read_text())
        for g in data.get("testGroups", []):
            base = {"file": name}
            if "sha" in g and g["sha"] not in HASH_BITS:
                continue  # SHA-224, SHA-512/256, SHA-3: not WebCrypto hashes
            if "_p1363_" in name and name.startswith("ecdsa_secp"):
                curve = CURVES[name.split("_")[1]]
                base |= {
                    "format": "spki",
                    "key": g["publicKeyDer"],
                    "importAlg": {"name": "ECDSA", "namedCurve": curve},
                    "verifyAlg": {"name": "ECDSA", "hash": g["sha"]},
                }
            elif name.startswith("rsa_signature_"):
                base |= {
                    "format": "spki",
                    "key": g["publicKeyDer"],
                    "importAlg": {"name": "RSASSA-PKCS1-v1_5", "hash": g["sha"]},
                    "verifyAlg": {"name": "RSASSA-PKCS1-v1_5"},
                }
            elif name.startswith("rsa_pss_"):
                bad_salt = g["sLen"] * 8 != HASH_BITS[g["sha"]]
                if g["mgfSha"] != g["sha"] or bad_salt or g["sha"] == "SHA-1":
                    continue
                base |= {
                    "format": "spki",
                    "key": g["publicKeyDer"],
                    "importAlg": {"name": "RSA-PSS", "hash": g["sha"]},
                    "verifyAlg": {"name": "RSA-PSS", "saltLength": g["sLen"]},
                }
            elif name.startswith("ed25519_"):
                base |= {
                    "format": "spki",
                    "key": g["publicKeyDer"],
                    "importAlg": {"name": "Ed25519"},
                    "verifyAlg": {"name": "Ed25519"},
                }
            elif name.startswith("hmac_sha"):
                sha = "SHA-" + name.split("_")[1][3:]
                if g["tagSize"] != HASH_BITS[sha]:
                    continue
                for t in g["tests"]:
                    groups.append(
                        {
                            "file": name,
                            "format": "raw",
                            "key": t["key"],
                            "importAlg": {"name": "HMAC", "hash": sha},
                            "verifyAlg": "HMAC",
                            "tests": [[t["tcId"], t["msg"], t["tag"], t["result"]]],
                        }
                    )
                continue
            else:
                continue
            groups.append(base | {"tests": _tests(g)})
    return groups


@pytest.fixture(scope="module")
def results(shared_data: Path) -> list[list[Any]]:
    wy = shared_data / "wycheproof"
    if not wy.is_dir():
        pytest.skip("../shared/data/wycheproof is not present")
    groups = _groups(wy)
    source = worker_source("harness.js")
    out: list[list[Any]] = []
    # Batches of about 400 vectors keep each request well inside its CPU budget.
    batches: list[list[dict[str, Any]]] = [[]]
    for g in groups:
        if sum(len(b["tests"]) for b in batches[-1]) >= 400:
            batches.append([])
        batches[-1].append(g)
    for batch in batches:
        worker = Worker(source, vars={"GROUPS": batch}, cpu_ms=60_000)
        response = worker.fetch("https://wycheproof.test/")
        assert response.status == 200, response.stats.error
        out.extend(response.json())
    return out


def _ok(expected: str, got: str) -> bool:
    if expected == "acceptable":
        return True
    if expected == "valid":
        return got == "valid"
    return got != "valid"


def test_every_vector_gets_its_verdict(results: list[list[Any]]) -> None:
    failures = [r for r in results if not _ok(r[2], r[3])]
    assert not failures, failures[:20]


def test_every_family_is_covered(results: list[list[Any]]) -> None:
    per_file = Counter(r[0] for r in results)
    prefixes = [
        "ecdsa_secp256r1_sha256_p1363",
        "ecdsa_secp384r1_sha384_p1363",
        "rsa_pss_2048",
        "rsa_signature_2048",
        "ed25519",
        "hmac_sha256",
    ]
    for p in prefixes:
        assert any(f.startswith(p) for f in per_file), p
    valid = sum(1 for r in results if r[2] == "valid")
    assert valid > 500
    print(
        f"\nwycheproof via crypto.subtle: {len(results)} vectors, {valid} valid, per file {dict(per_file)}"
    )
