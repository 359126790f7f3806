"""The standard workload (``../shared/bench/worker/worker.js``, ES256 and HS256 JWTs verified
with crypto.subtle) runs unmodified and answers as ``../shared/bench/check.py`` expects."""

from __future__ import annotations

import base64
import json

import pytest
from standard_workload import BENCH, Workload, build

from edgert import Worker

FLAGS = {
    "new_checkout": True,
    "dark_mode": False,
    "search_v2": {"enabled": True, "rollout": 25},
    "banner": "winter-sale",
    "max_items": 50,
}


def fnv1a32(s: str) -> int:
    h = 0x811C9DC5
    for b in s.encode():
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def sub_of(token: str) -> str:
    p = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["sub"])


@pytest.fixture(scope="module")
def workload(tmp_path_factory: pytest.TempPathFactory) -> Workload:
    if not (BENCH / "worker" / "worker.js").is_file():
        pytest.skip("../shared/bench is not present")
    pytest.importorskip("jwt")
    pytest.importorskip("cryptography")
    return build(tmp_path_factory.mktemp("workload"))


@pytest.fixture(scope="module")
def worker(workload: Workload) -> Worker:
    return Worker(workload.source)


def test_hello(worker: Worker) -> None:
    r = worker.fetch("https://w.test/hello")
    assert (r.status, r.text()) == (200, "ok")


@pytest.mark.parametrize("alg", ["es256", "hs256"])
def test_missing_and_basic_auth_get_401(worker: Worker, alg: str) -> None:
    assert worker.fetch(f"https://w.test/{alg}").status == 401
    basic = {"authorization": "Basic Zm9vOmJhcg=="}
    assert worker.fetch(f"https://w.test/{alg}", headers=basic).status == 401


@pytest.mark.parametrize("alg", ["es256", "hs256"])
def test_invalid_tokens_get_401(worker: Worker, workload: Workload, alg: str) -> None:
    cases = workload.invalid[alg]
    assert {"expired", "wrong_key", "garbage"} <= set(cases)
    for case, token in cases.items():
        r = worker.fetch(f"https://w.test/{alg}", headers={"authorization": "Bearer " + token})
        assert r.status == 401, (case, r.status, r.stats.error)


@pytest.mark.parametrize("alg", ["es256", "hs256"])
def test_valid_tokens_get_the_expected_json(worker: Worker, workload: Workload, alg: str) -> None:
    countries = ["DE", "JP", None, "BR"]
    for i, token in enumerate(workload.tokens[alg][:60]):
        headers = {"authorization": "Bearer " + token}
        country = countries[i % 4]
        if country:
            headers["x-country"] = country
        r = worker.fetch(f"https://w.test/{alg}", headers=headers)
        assert r.status == 200, (i, r.status, r.stats.error, r.text()[:200])
        sub = sub_of(token)
        cohort = "control" if fnv1a32(sub) % 100 < 50 else "variant-a"
        assert r.json() == {
            "user": sub,
            "cohort": cohort,
            "country": country or "US",
            "flags": FLAGS,
        }


def test_a_signature_bit_flip_gets_401(worker: Worker, workload: Workload) -> None:
    for alg in ("es256", "hs256"):
        h, p, s = workload.tokens[alg][0].split(".")
        flipped = s[:-2] + ("A" if s[-2] != "A" else "B") + s[-1]
        r = worker.fetch(
            f"https://w.test/{alg}", headers={"authorization": f"Bearer {h}.{p}.{flipped}"}
        )
        assert r.status == 401


def test_bundle_keeps_the_worker_unmodified() -> None:
    if not (BENCH / "worker" / "worker.js").is_file():
        pytest.skip("../shared/bench is not present")
    original = (BENCH / "worker" / "worker.js").read_text()
    from standard_workload import bundle

    out = bundle(
        original, 'export const ES256_PUBLIC_JWK = {};\nexport const HS256_SECRET_B64URL = "";\n'
    )
    rest = out.split('const HS256_SECRET_B64URL = "";\n', 1)[1]
    assert rest in original
