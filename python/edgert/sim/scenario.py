"""A simulation scenario: the TOML file ``edgert simulate`` reads, parsed into typed records.

Every error names the key at fault (``ScenarioError: traffic.requests_per_s: must be > 0``).
Paths in the file (the worker, a token file) are relative to the file's folder. The format is
documented in ``docs/simulate.md``; ``examples/simulate/*.toml`` are complete examples.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from edgert.errors import ScenarioError

__all__ = [
    "BUILTIN_DEPLOYMENTS",
    "AccessMix",
    "CpuSpec",
    "DeploymentSpec",
    "GateSpec",
    "OriginPath",
    "OriginSpec",
    "PopulationSpec",
    "ReleaseSpec",
    "Scenario",
    "StrategySpec",
    "TrafficSpec",
    "WorkerSpec",
    "load_scenario",
    "parse_scenario",
]

BUILTIN_DEPLOYMENTS = ("origin-only", "edge", "edge+cache")
CONTINENTS = ("AF", "AN", "AS", "EU", "NA", "OC", "SA")
DEFAULT_PAGE = ("/auth", "/flags", "/ab", "/geo", "/api/me")
DEFAULT_SECRET = "edgert-simulation-secret"


@dataclass(frozen=True, slots=True)
class OriginPath:
    """How the origin answers one path prefix."""

    prefix: str
    service_ms: float
    cache_control: str | None = None
    body_bytes: int = 512


@dataclass(frozen=True, slots=True)
class OriginSpec:
    region: str = "IAD"
    service_ms: float = 20.0
    paths: tuple[OriginPath, ...] = ()
    body_bytes: int = 512


@dataclass(frozen=True, slots=True)
class CpuSpec:
    """What worker CPU time is charged to virtual latency.

    ``mode="fixed"``: ``ms`` per request (times ``factor``), deterministic. ``"measured"``: the
    core's measured CPU time times ``factor``; results then vary between runs."""

    mode: str = "fixed"
    ms: float = 0.5
    factor: float = 1.0


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    path: Path | None = None
    config: Path | None = None
    vars: Mapping[str, Any] = field(default_factory=dict)
    kv: Mapping[str, str] = field(default_factory=dict)
    #: Durable Object bindings: binding name -> class name exported by the worker's module.
    durable_objects: Mapping[str, str] = field(default_factory=dict)
    cpu: CpuSpec = CpuSpec()
    cpu_limit_ms: float = 1000.0
    max_isolates: int = 8
    #: The name of a version metadata binding (``env.NAME = {id, tag, timestamp}``), or None.
    version_metadata: str | None = None


@dataclass(frozen=True, slots=True)
class GateSpec:
    """A release's health gate (:class:`edgert.deploy.HealthGate`'s fields)."""

    max_error_rate: float | None = 0.01
    max_exceeded_rate: float | None = None
    max_cpu_p99_ratio: float | None = None
    max_latency_p99_ratio: float | None = None
    min_requests: int = 100
    check_interval_s: float = 10.0


@dataclass(frozen=True, slots=True)
class StrategySpec:
    """One way to roll a release out (``[release.strategy.NAME]``): ``kind`` is
    ``immediate``, ``percentage`` (``steps``) or ``waves`` (``waves``, ``steps`` within each);
    ``gate``: whether the release's gate judges it."""

    name: str
    kind: str
    bake_s: float = 60.0
    steps: tuple[float, ...] = (100.0,)
    waves: tuple[tuple[str, ...], ...] = ()
    gate: bool = True


@dataclass(frozen=True, slots=True)
class ReleaseSpec:
    """A new version of the worker released during the run (``[[release]]``): its script, when
    (``at_s`` after the start), on which deployment's PoPs, and the strategies to compare (each
    a run of its own on the same traffic)."""

    name: str
    at_s: float
    script: Path
    deployment: str
    strategies: tuple[StrategySpec, ...]
    gate: GateSpec | None = None
    tag: str = ""
    message: str = ""


@dataclass(frozen=True, slots=True)
class PopulationSpec:
    countries: tuple[str, ...] = ()
    continents: tuple[str, ...] = ()
    #: Explicit cities: (name, country or None, weight).
    cities: tuple[tuple[str, str | None, float], ...] = ()
    #: Keep the most populous N cities after filtering (0: all).
    max_cities: int = 5000


@dataclass(frozen=True, slots=True)
class AccessMix:
    fixed: float = 0.7
    mobile: float = 0.3


@dataclass(frozen=True, slots=True)
class TrafficSpec:
    requests_per_s: float = 100.0
    host: str = "app.example"
    #: One page: the paths of its sequential calls.
    page: tuple[str, ...] = DEFAULT_PAGE
    pages_per_session: int = 3
    think_time_s: float = 5.0
    #: Probability that a request carries the session's token (else a fresh one from the pool).
    token_reuse: float = 1.0
    invalid_tokens: float = 0.0
    tokens: int = 1000
    jwt_secret: str = DEFAULT_SECRET
    #: A file of valid bearer tokens (one per line) to use instead of generated HS256 ones.
    tokens_file: Path | None = None
    kv_writes_per_s: float = 0.0
    kv_write_namespace: str | None = None
    kv_write_key: str = "flags"


@dataclass(frozen=True, slots=True)
class DeploymentSpec:
    """One way to deploy the app: the worker at the origin only, or at a set of PoPs."""

    name: str
    mode: str  # "origin-only" or "edge"
    pops: str | tuple[str, ...] | None = None  # None: the scenario's PoPs
    cache: bool = False


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    seed: int
    duration_s: float
    pops: str | tuple[str, ...]
    origin: OriginSpec
    worker: WorkerSpec
    kv: Mapping[str, Mapping[str, str]]
    population: PopulationSpec
    access: AccessMix
    traffic: TrafficSpec
    deployments: tuple[DeploymentSpec, ...]
    base_dir: Path = Path(".")
    #: Simulated time after the last session start, to let sessions finish.
    drain_s: float = 120.0
    #: Check the seed's latency claims for users of this city (``[claims] city = "Tokyo"``).
    claims_city: str | None = None
    #: Overrides of :class:`edgert.latency.LatencyParams` fields (``[latency]``).
    latency: Mapping[str, Any] = field(default_factory=dict)
    #: Client connections: ``[network] protocol`` and ``tls``.
    protocol: str = "HTTP/2"
    tls: str = "1.3"
    #: Studies run beside the deployments (``[bots]``, ``[ratelimit_attack]``,
    #: ``[global_tables]``; see :mod:`edgert.sim.studies`).
    studies: Mapping[str, Any] = field(default_factory=dict)
    #: New versions released during the run (``[[release]]``).
    releases: tuple[ReleaseSpec, ...] = ()

    def latency_params(self) -> Any:
        """The scenario's :class:`edgert.latency.LatencyParams`."""
        from edgert.latency import LatencyParams

        return LatencyParams(**dict(self.latency))

    def with_seed(self, seed: int) -> Scenario:
        import dataclasses

        return dataclasses.replace(self, seed=seed)


# -- typed readers --------------------------------------------------------------------------------


class _Table:
    """A TOML table with its dotted name, whose readers raise :class:`ScenarioError` naming keys."""

    def __init__(self, data: Any, name: str) -> None:
        if not isinstance(data, dict):
            raise ScenarioError(f"{name or 'scenario'}: must be a table")
        self.data: dict[str, Any] = data
        self.name = name
        self.used: set[str] = set()

    def key(self, k: str) -> str:
        return f"{self.name}.{k}" if self.name else k

    def get(self, k: str, default: Any = None) -> Any:
        self.used.add(k)
        return self.data.get(k, default)

    def number(
        self,
        k: str,
        default: float,
        *,
        low: float | None = None,
        high: float | None = None,
        strict_low: bool = False,
    ) -> float:
        v = self.get(k, default)
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ScenarioError(f"{self.key(k)}: must be a number, got {v!r}")
        v = float(v)
        if low is not None and (v < low or (strict_low and v == low)):
            raise ScenarioError(f"{self.key(k)}: must be {'>' if strict_low else '>='} {low:g}")
        if high is not None and v > high:
            raise ScenarioError(f"{self.key(k)}: must be <= {high:g}")
        return v

    def integer(self, k: str, default: int, *, low: int = 0) -> int:
        v = self.get(k, default)
        if isinstance(v, bool) or not isinstance(v, int):
            raise ScenarioError(f"{self.key(k)}: must be an integer, got {v!r}")
        if v < low:
            raise ScenarioError(f"{self.key(k)}: must be >= {low}")
        return v

    def string(self, k: str, default: str | None = None) -> str | None:
        v = self.get(k, default)
        if v is not None and not isinstance(v, str):
            raise ScenarioError(f"{self.key(k)}: must be a string, got {v!r}")
        return v

    def strings(self, k: str) -> tuple[str, ...]:
        v = self.get(k, [])
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise ScenarioError(f"{self.key(k)}: must be a list of strings")
        return tuple(v)

    def table(self, k: str) -> _Table:
        return _Table(self.get(k, {}), self.key(k))

    def check_unknown(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ScenarioError(f"{self.key(unknown[0])}: unknown key")


def _pops(v: Any, key: str) -> str | tuple[str, ...]:
    from edgert.pops import load_pops

    if isinstance(v, str):
        spec: str | tuple[str, ...] = v
    elif isinstance(v, list) and v and all(isinstance(x, str) for x in v):
        spec = tuple(v)
    else:
        raise ScenarioError(f"{key}: a preset name or a non-empty list of IATA codes, got {v!r}")
    try:
        load_pops(spec)
    except Exception as exc:
        raise ScenarioError(f"{key}: {exc}") from exc
    return spec


def _origin(t: _Table) -> OriginSpec:
    from edgert.pops import pop

    region = t.string("region", "IAD") or "IAD"
    try:
        pop(region)
    except Exception as exc:
        raise ScenarioError(f"{t.key('region')}: {exc}") from exc
    service = t.number("service_ms", 20.0, low=0)
    body = t.integer("body_bytes", 512)
    paths = []
    pt = t.table("paths")
    for prefix in list(pt.data):
        entry = pt.table(prefix)
        if not prefix.startswith("/"):
            raise ScenarioError(f"{pt.key(prefix)}: a path prefix must start with '/'")
        paths.append(
            OriginPath(
                prefix=prefix,
                service_ms=entry.number("service_ms", service, low=0),
                cache_control=entry.string("cache_control"),
                body_bytes=entry.integer("body_bytes", body),
            )
        )
        entry.check_unknown()
    pt.check_unknown()
    t.check_unknown()
    # Longest prefix first, so that the most specific entry wins.
    paths.sort(key=lambda p: -len(p.prefix))
    return OriginSpec(
        region=region.upper(), service_ms=service, paths=tuple(paths), body_bytes=body
    )


def _worker(t: _Table, base: Path) -> WorkerSpec:
    path = t.string("path")
    config = t.string("config")
    if path is None and config is None:
        raise ScenarioError(f"{t.key('path')}: give the worker's script path (or a config)")
    resolved = (base / path) if path is not None else None
    if resolved is not None and not resolved.is_file():
        raise ScenarioError(f"{t.key('path')}: no such file: {resolved}")
    cfg = (base / config) if config is not None else None
    if cfg is not None and not cfg.is_file():
        raise ScenarioError(f"{t.key('config')}: no such file: {cfg}")
    vars_ = t.get("vars", {})
    if not isinstance(vars_, dict):
        raise ScenarioError(f"{t.key('vars')}: must be a table")
    kv = t.get("kv", {})
    if not isinstance(kv, dict) or not all(isinstance(v, str) for v in kv.values()):
        raise ScenarioError(f"{t.key('kv')}: must map binding names to namespace ids (strings)")
    durable = t.get("durable_objects", {})
    if not isinstance(durable, dict) or not all(isinstance(v, str) for v in durable.values()):
        raise ScenarioError(
            f"{t.key('durable_objects')}: must map binding names to class names (strings)"
        )
    ct = t.table("cpu")
    mode = ct.string("mode", "fixed")
    if mode not in ("fixed", "measured"):
        raise ScenarioError(f"{ct.key('mode')}: 'fixed' or 'measured', got {mode!r}")
    cpu = CpuSpec(
        mode=mode,
        ms=ct.number("ms", 0.5, low=0),
        factor=ct.number("factor", 1.0, low=0, strict_low=True),
    )
    ct.check_unknown()
    spec = WorkerSpec(
        path=resolved,
        config=cfg,
        vars=dict(vars_),
        kv=dict(kv),
        durable_objects=dict(durable),
        cpu=cpu,
        cpu_limit_ms=t.number("cpu_limit_ms", 1000.0, low=0, strict_low=True),
        max_isolates=t.integer("max_isolates", 8, low=1),
        version_metadata=t.string("version_metadata"),
    )
    t.check_unknown()
    return spec


_STRATEGY_KINDS = ("immediate", "percentage", "waves")


def _optional_number(t: _Table, k: str, default: float | None) -> float | None:
    if k in t.data and t.data[k] is False:
        t.used.add(k)
        return None
    if k not in t.data and default is None:
        return None
    return t.number(k, default if default is not None else 0.0, low=0)


def _gate(t: _Table) -> GateSpec:
    spec = GateSpec(
        max_error_rate=_optional_number(t, "max_error_rate", 0.01),
        max_exceeded_rate=_optional_number(t, "max_exceeded_rate", None),
        max_cpu_p99_ratio=_optional_number(t, "max_cpu_p99_ratio", None),
        max_latency_p99_ratio=_optional_number(t, "max_latency_p99_ratio", None),
        min_requests=t.integer("min_requests", 100, low=1),
        check_interval_s=t.number("check_interval_s", 10.0, low=0, strict_low=True),
    )
    t.check_unknown()
    return spec


def _percent_steps(t: _Table, default: tuple[float, ...]) -> tuple[float, ...]:
    raw = t.get("steps", list(default))
    if (
        not isinstance(raw, list)
        or not raw
        or not all(
            isinstance(x, int | float) and not isinstance(x, bool) and 0 < x <= 100 for x in raw
        )
    ):
        raise ScenarioError(f"{t.key('steps')}: a list of percentages in (0, 100]")
    steps = tuple(float(x) for x in raw)
    if steps[-1] != 100.0 or any(b <= a for a, b in pairwise(steps)):
        raise ScenarioError(f"{t.key('steps')}: must increase and end at 100")
    return steps


def _strategy(t: _Table, name: str, has_gate: bool) -> StrategySpec:
    kind = t.string("kind", name if name in _STRATEGY_KINDS else None)
    if kind not in _STRATEGY_KINDS:
        raise ScenarioError(f"{t.key('kind')}: one of {', '.join(_STRATEGY_KINDS)}, got {kind!r}")
    waves: tuple[tuple[str, ...], ...] = ()
    if kind == "waves":
        raw = t.get("waves")
        if not isinstance(raw, list) or not raw:
            raise ScenarioError(f"{t.key('waves')}: a list of waves (a selector or a list)")
        out = []
        for w in raw:
            items = [w] if isinstance(w, str) else w
            if (
                not isinstance(items, list)
                or not items
                or not all(isinstance(x, str) for x in items)
            ):
                raise ScenarioError(f"{t.key('waves')}: each wave is a string or a list of strings")
            out.append(tuple(items))
        waves = tuple(out)
    steps = _percent_steps(t, (1.0, 10.0, 50.0, 100.0) if kind == "percentage" else (100.0,))
    if kind == "immediate" and steps != (100.0,):
        raise ScenarioError(f"{t.key('steps')}: an immediate release has no steps")
    gate = t.get("gate", has_gate)
    if not isinstance(gate, bool):
        raise ScenarioError(f"{t.key('gate')}: true or false")
    if gate and not has_gate:
        raise ScenarioError(f"{t.key('gate')}: the release has no [release.gate] table")
    spec = StrategySpec(
        name=name,
        kind=kind,
        bake_s=t.number("bake_s", 0.0 if kind == "immediate" else 60.0, low=0),
        steps=steps,
        waves=waves,
        gate=gate,
    )
    t.check_unknown()
    return spec


def _releases(
    raw: Any, base: Path, deployments: tuple[DeploymentSpec, ...]
) -> tuple[ReleaseSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ScenarioError("release: must be an array of tables ([[release]])")
    edge = [d.name for d in deployments if d.mode == "edge"]
    out = []
    for i, entry in enumerate(raw):
        t = _Table(entry, f"release[{i}]")
        name = t.string("name", f"release-{i + 1}") or f"release-{i + 1}"
        script = t.string("script")
        if not script:
            raise ScenarioError(f"{t.key('script')}: the new version's script (a path)")
        path = base / script
        if not path.is_file():
            raise ScenarioError(f"{t.key('script')}: no such file: {path}")
        deployment = t.string("deployment", edge[0] if edge else None)
        if deployment is None or deployment not in edge:
            raise ScenarioError(
                f"{t.key('deployment')}: one of the scenario's edge deployments ({', '.join(edge)})"
            )
        gate_t = t.table("gate")
        gate = _gate(gate_t) if gate_t.data else None
        st = t.table("strategy")
        if not st.data:
            raise ScenarioError(f"{t.key('strategy')}: at least one [release.strategy.NAME] table")
        strategies = tuple(_strategy(st.table(n), n, gate is not None) for n in list(st.data))
        st.used.update(st.data)
        out.append(
            ReleaseSpec(
                name=name,
                at_s=t.number("at_s", 0.0, low=0),
                script=path,
                deployment=deployment,
                strategies=strategies,
                gate=gate,
                tag=t.string("tag", name) or name,
                message=t.string("message", "") or "",
            )
        )
        t.check_unknown()
    if len({r.name for r in out}) != len(out):
        raise ScenarioError("release: names must be unique")
    return tuple(out)


def _population(t: _Table) -> PopulationSpec:
    countries = tuple(c.upper() for c in t.strings("countries"))
    continents = tuple(c.upper() for c in t.strings("continents"))
    for c in continents:
        if c not in CONTINENTS:
            raise ScenarioError(f"{t.key('continents')}: unknown continent {c!r} ({CONTINENTS})")
    cities = []
    raw = t.get("cities", [])
    if not isinstance(raw, list):
        raise ScenarioError(f"{t.key('cities')}: must be a list of {{name, country, weight}}")
    for i, entry in enumerate(raw):
        ct = _Table(entry, f"{t.key('cities')}[{i}]")
        name = ct.string("name")
        if not name:
            raise ScenarioError(f"{ct.key('name')}: missing")
        cities.append(
            (name, ct.string("country"), ct.number("weight", 1.0, low=0, strict_low=True))
        )
        ct.check_unknown()
    spec = PopulationSpec(
        countries=countries,
        continents=continents,
        cities=tuple(cities),
        max_cities=t.integer("max_cities", 5000),
    )
    t.check_unknown()
    return spec


def _access(t: _Table) -> AccessMix:
    fixed = t.number("fixed", 0.7, low=0)
    mobile = t.number("mobile", 1.0 - fixed if "fixed" in t.data else 0.3, low=0)
    t.check_unknown()
    if fixed + mobile <= 0:
        raise ScenarioError(f"{t.key('fixed')}: the access mix needs a positive share")
    total = fixed + mobile
    return AccessMix(fixed=fixed / total, mobile=mobile / total)


def _traffic(t: _Table, kv: Mapping[str, Mapping[str, str]], base: Path) -> TrafficSpec:
    page = t.strings("page") or DEFAULT_PAGE
    for p in page:
        if not p.startswith("/"):
            raise ScenarioError(f"{t.key('page')}: paths must start with '/': {p!r}")
    spec = TrafficSpec(
        requests_per_s=t.number("requests_per_s", 100.0, low=0, strict_low=True),
        host=t.string("host", "app.example") or "app.example",
        page=page,
        pages_per_session=t.integer("pages_per_session", 3, low=1),
        think_time_s=t.number("think_time_s", 5.0, low=0),
        token_reuse=t.number("token_reuse", 1.0, low=0, high=1),
        invalid_tokens=t.number("invalid_tokens", 0.0, low=0, high=1),
        tokens=t.integer("tokens", 1000, low=1),
        jwt_secret=t.string("jwt_secret", DEFAULT_SECRET) or "",
        tokens_file=_tokens_file(t, base),
        kv_writes_per_s=t.number("kv_writes_per_s", 0.0, low=0),
        kv_write_namespace=t.string("kv_write_namespace"),
        kv_write_key=t.string("kv_write_key", "flags") or "flags",
    )
    if spec.kv_writes_per_s > 0:
        ns = spec.kv_write_namespace or (next(iter(kv)) if kv else None)
        if ns is None:
            raise ScenarioError(f"{t.key('kv_write_namespace')}: KV writes need a namespace")
        import dataclasses

        spec = dataclasses.replace(spec, kv_write_namespace=ns)
    t.check_unknown()
    return spec


def _tokens_file(t: _Table, base: Path) -> Path | None:
    name = t.string("tokens_file")
    if name is None:
        return None
    path = base / name
    if not path.is_file():
        raise ScenarioError(f"{t.key('tokens_file')}: no such file: {path}")
    return path


def _deployments(top: _Table, default_pops: str | tuple[str, ...]) -> tuple[DeploymentSpec, ...]:
    names = top.strings("deployments") or BUILTIN_DEPLOYMENTS
    custom = top.table("deployment")
    out = []
    for name in names:
        if name in custom.data:
            t = custom.table(name)
            mode = t.string("mode", "edge")
            if mode not in ("edge", "origin-only"):
                raise ScenarioError(f"{t.key('mode')}: 'edge' or 'origin-only', got {mode!r}")
            pops_v = t.get("pops")
            pops = _pops(pops_v, t.key("pops")) if pops_v is not None else None
            cache = t.get("cache", False)
            if not isinstance(cache, bool):
                raise ScenarioError(f"{t.key('cache')}: must be true or false")
            t.check_unknown()
            out.append(DeploymentSpec(name=name, mode=mode, pops=pops, cache=cache))
        elif name == "origin-only":
            out.append(DeploymentSpec(name=name, mode="origin-only"))
        elif name == "edge":
            out.append(DeploymentSpec(name=name, mode="edge"))
        elif name == "edge+cache":
            out.append(DeploymentSpec(name=name, mode="edge", cache=True))
        else:
            raise ScenarioError(
                f"deployments: {name!r} is neither built in ({', '.join(BUILTIN_DEPLOYMENTS)}) "
                f"nor defined in a [deployment.{name}] table"
            )
    if len(set(names)) != len(names):
        raise ScenarioError("deployments: names must be unique")
    extra = sorted(set(custom.data) - set(names))
    if extra:
        raise ScenarioError(f"deployment.{extra[0]}: defined but not listed in deployments")
    custom.used.update(custom.data)
    return tuple(out)


def parse_scenario(data: Mapping[str, Any], base_dir: Path | str = ".") -> Scenario:
    """A :class:`Scenario` from parsed TOML (``base_dir``: where relative paths start)."""
    from edgert.sim.studies import parse_studies

    base = Path(base_dir)
    top = _Table(dict(data), "")
    name = top.string("name", "scenario") or "scenario"
    seed = top.integer("seed", 1)
    duration = top.number("duration_s", 60.0, low=0, strict_low=True)
    drain = top.number("drain_s", 120.0, low=0)
    pops_t = top.get("pops", "global")
    if isinstance(pops_t, dict):
        pt = _Table(pops_t, "pops")
        preset = pt.get("preset")
        listed = pt.get("list")
        if (preset is None) == (listed is None):
            raise ScenarioError("pops: give either pops.preset or pops.list")
        pops = _pops(
            preset if preset is not None else listed,
            pt.key("preset" if preset is not None else "list"),
        )
        pt.check_unknown()
    else:
        pops = _pops(pops_t, "pops")
    kv_raw = top.get("kv", {})
    if not isinstance(kv_raw, dict):
        raise ScenarioError("kv: must be a table of namespaces")
    kv: dict[str, dict[str, str]] = {}
    for ns, contents in kv_raw.items():
        if not isinstance(contents, dict) or not all(isinstance(v, str) for v in contents.values()):
            raise ScenarioError(f"kv.{ns}: must map keys to string values")
        kv[ns] = dict(contents)
    lat = top.table("latency")
    from dataclasses import fields as dc_fields

    from edgert.latency import LatencyParams

    known = {f.name: f.type for f in dc_fields(LatencyParams)}
    latency: dict[str, Any] = {}
    for k in list(lat.data):
        if k not in known:
            raise ScenarioError(f"{lat.key(k)}: not a LatencyParams field")
        if known[k] in ("str", str):  # paths = "great-circle"
            latency[k] = lat.string(k, "")
        else:
            latency[k] = lat.integer(k, 0) if known[k] in ("int", int) else lat.number(k, 0.0)
    try:
        LatencyParams(**latency)
    except Exception as exc:
        raise ScenarioError(f"latency: {exc}") from exc
    net = top.table("network")
    protocol = net.string("protocol", "HTTP/2") or "HTTP/2"
    if protocol not in ("HTTP/1.1", "HTTP/2", "HTTP/3"):
        raise ScenarioError(f"{net.key('protocol')}: HTTP/1.1, HTTP/2 or HTTP/3, got {protocol!r}")
    tls = net.string("tls", "1.3") or "1.3"
    if tls not in ("1.2", "1.3"):
        raise ScenarioError(f"{net.key('tls')}: '1.2' or '1.3', got {tls!r}")
    net.check_unknown()
    claims = top.table("claims")
    claims_city = claims.string("city")
    claims.check_unknown()
    deployments = _deployments(top, pops)
    releases = _releases(top.get("release"), base, deployments)
    scenario = Scenario(
        latency=latency,
        protocol=protocol,
        tls=tls,
        claims_city=claims_city,
        name=name,
        seed=seed,
        duration_s=duration,
        drain_s=drain,
        pops=pops,
        origin=_origin(top.table("origin")),
        worker=_worker(top.table("worker"), base),
        kv=kv,
        population=_population(top.table("population")),
        access=_access(top.table("access")),
        traffic=_traffic(top.table("traffic"), kv, base),
        deployments=deployments,
        releases=releases,
        base_dir=base,
        studies=parse_studies(top),
    )
    top.check_unknown()
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Reads a scenario TOML file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario {p}: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{p}: not valid TOML: {exc}") from exc
    return parse_scenario(data, p.parent)
