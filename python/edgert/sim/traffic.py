"""The traffic: sessions arriving as a Poisson process, each loading pages of sequential API
calls with think time between pages, carrying HS256 bearer tokens (reused within a session or
fresh, some invalid), and KV writes at a steady Poisson rate.

Everything is drawn up front from the scenario's seed (``numpy.random.Generator``), so every
deployment of one run sees exactly the same users, timings and tokens (common random numbers:
differences between deployments are the deployments', not the dice's).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from edgert.errors import ScenarioError
from edgert.latency import LatencyParams
from edgert.sim.population import Population, Users
from edgert.sim.scenario import Scenario

__all__ = ["Traffic", "make_tokens", "make_traffic"]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_tokens(secret: str, n: int, exp: int) -> list[str]:
    """``n`` HS256 JWTs (RFC 7519) for users ``user-0`` .. ``user-(n-1)``, expiring at ``exp``."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    out = []
    for i in range(n):
        payload = _b64url(
            json.dumps({"sub": f"user-{i}", "exp": exp}, separators=(",", ":")).encode()
        )
        signing = f"{header}.{payload}".encode()
        sig = _b64url(hmac.new(secret.encode(), signing, hashlib.sha256).digest())
        out.append(f"{header}.{payload}.{sig}")
    return out


def _tampered(token: str) -> str:
    """The same token with its signature's first character changed (fails verification)."""
    h, p, s = token.split(".")
    return f"{h}.{p}.{'B' if s[0] != 'B' else 'C'}{s[1:]}"


@dataclass(slots=True)
class Traffic:
    """Sessions (one user each) and the token of each of their requests."""

    users: Users
    #: Virtual start time of each session, seconds after the simulation start, ascending.
    start_s: npt.NDArray[np.float64]
    #: Think time before each page after the first: (sessions, pages).
    think_s: npt.NDArray[np.float64]
    #: The authorization header of each request: (sessions, pages * calls) indices into headers.
    token: npt.NDArray[np.int32]
    #: Header lists: valid tokens first, then their tampered copies.
    headers: list[list[tuple[str, str]]]
    #: KV write times, seconds after the start.
    kv_writes_s: npt.NDArray[np.float64]
    page: tuple[str, ...]
    pages: int

    @property
    def sessions(self) -> int:
        return len(self.start_s)

    @property
    def requests(self) -> int:
        return self.sessions * self.pages * len(self.page)


def make_traffic(
    scenario: Scenario, population: Population, params: LatencyParams, start: float
) -> Traffic:
    """Draws the whole run's traffic from the scenario's seed."""
    t = scenario.traffic
    rng = np.random.default_rng(scenario.seed)
    per_session = t.pages_per_session * len(t.page)
    sessions_per_s = t.requests_per_s / per_session
    n = int(rng.poisson(sessions_per_s * scenario.duration_s))
    start_s = np.sort(rng.uniform(0.0, scenario.duration_s, size=n))
    users = population.draw(rng, n, params)
    think = (
        rng.exponential(t.think_time_s, size=(n, t.pages_per_session))
        if t.think_time_s
        else (np.zeros((n, t.pages_per_session)))
    )
    session_token = rng.integers(0, t.tokens, size=n)
    fresh = rng.integers(0, t.tokens, size=(n, per_session))
    reuse = rng.random((n, per_session)) < t.token_reuse
    token = np.where(reuse, session_token[:, None], fresh).astype(np.int32)
    invalid = rng.random((n, per_session)) < t.invalid_tokens
    token = np.where(invalid, token + t.tokens, token).astype(np.int32)
    if t.tokens_file is not None:
        valid = t.tokens_file.read_text().split()
        if len(valid) < t.tokens:
            raise ScenarioError(
                f"traffic.tokens_file: {len(valid)} tokens, traffic.tokens asks for {t.tokens}"
            )
        valid = valid[: t.tokens]
    else:
        exp = int(start + scenario.duration_s + scenario.drain_s + 86400 * 30)
        valid = make_tokens(t.jwt_secret, t.tokens, exp)
    tokens = valid + [_tampered(v) for v in valid]
    headers = [[("authorization", f"Bearer {tok}")] for tok in tokens]
    if t.kv_writes_per_s > 0:
        m = int(rng.poisson(t.kv_writes_per_s * scenario.duration_s))
        kv_writes = np.sort(rng.uniform(0.0, scenario.duration_s, size=m))
    else:
        kv_writes = np.zeros(0)
    return Traffic(
        users=users,
        start_s=start_s,
        think_s=think,
        token=token,
        headers=headers,
        kv_writes_s=kv_writes,
        page=t.page,
        pages=t.pages_per_session,
    )
