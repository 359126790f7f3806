"""The egress policy: decisions on the check itself with a stub resolver (no traffic leaves the
loopback range, not even to see it refused), and a worker's fetch refused under ``edgert
serve``'s policy while the origin stays reachable."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from raw_origin import RawOrigin

from edgert import Client, Network, Origin, Worker
from edgert.cli import main
from edgert.egress import EgressPolicy, address_refusal
from edgert.errors import ConfigError, EgressRefused
from edgert.server import build_network

ZONE = {
    "public.test": ["93.184.215.14", "2606:4700::6810:84e5"],
    "internal.test": ["127.0.0.1"],
    "intranet.test": ["10.20.30.40"],
    "mixed.test": ["93.184.215.14", "192.168.1.10"],
    "metadata.test": ["169.254.169.254"],
    "api.corp.example": ["10.1.2.3"],
}


async def stub(host: str, port: int) -> list[str]:
    if host not in ZONE:
        raise OSError(f"NXDOMAIN {host}")
    return ZONE[host]


SERVE = EgressPolicy(resolver=stub)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.9.9.9", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("100.64.0.1", "shared (CGNAT)"),
        ("100.127.255.254", "shared (CGNAT)"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("192.0.2.7", "non-global"),  # documentation
        ("240.0.0.1", "non-global"),  # reserved
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ],
)
def test_refused_kinds(address: str, kind: str) -> None:
    reason = address_refusal(address)
    assert reason is not None and reason.startswith(f"{kind} address"), reason


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700::6810:84e5"])
def test_public_addresses_pass(address: str) -> None:
    assert address_refusal(address) is None


async def test_names_are_checked_after_resolution() -> None:
    assert await SERVE.addresses("https://public.test/x") == ZONE["public.test"]
    for host, why in [
        ("internal.test", "internal.test resolves to loopback address 127.0.0.1"),
        ("intranet.test", "intranet.test resolves to private address 10.20.30.40"),
        ("metadata.test", "resolves to cloud metadata address 169.254.169.254"),
        ("mixed.test", "mixed.test resolves to private address 192.168.1.10"),
        ("localhost", "localhost is a loopback name"),
        ("metadata.google.internal", "metadata.google.internal is a cloud metadata name"),
    ]:
        with pytest.raises(EgressRefused, match="refused: .*" + why):
            await SERVE.addresses(f"http://{host}/")


async def test_literals_need_no_resolution_and_ports_do_not_matter() -> None:
    with pytest.raises(EgressRefused) as refused:
        await SERVE.addresses("http://127.0.0.1:9/")
    assert str(refused.value) == (
        "fetch to http://127.0.0.1:9/ refused: loopback address 127.0.0.1 (egress policy)"
    )
    with pytest.raises(EgressRefused, match=r"link-local address fe80::1"):
        await SERVE.addresses("http://[fe80::1]:8080/")
    assert await SERVE.addresses("http://93.184.215.14:8443/") == ["93.184.215.14"]


async def test_allowlist_of_cidrs_and_names() -> None:
    policy = EgressPolicy(allow=("10.20.0.0/16", "*.corp.example"), resolver=stub)
    assert await policy.addresses("http://intranet.test/") == ["10.20.30.40"]
    assert await policy.addresses("http://api.corp.example/") == ["10.1.2.3"]
    with pytest.raises(EgressRefused, match="loopback"):
        await policy.addresses("http://internal.test/")
    with pytest.raises(ConfigError, match="neither a host name"):
        EgressPolicy(allow=("http://x/",))


async def test_open_policy_and_exempt_origin_check_nothing() -> None:
    assert await EgressPolicy.open().addresses("http://127.0.0.1:9/") is None
    exempt = SERVE.exempting("http://127.0.0.1:8080")
    assert await exempt.addresses("http://127.0.0.1:8080/api") is None
    with pytest.raises(EgressRefused):
        await exempt.addresses("http://127.0.0.1:8081/api")


# -- a worker's fetch under edgert serve's policy -----------------------------------------------

PROBE = """
export default {
  async fetch(request) {
    const target = new URL(request.url).searchParams.get('to');
    try {
      const r = await fetch(target);
      return new Response(`${r.status} ${await r.text()}`);
    } catch (e) {
      return new Response(`${e.name}: ${e.message}`);
    }
  }
}
"""


@pytest.fixture
async def origin() -> AsyncIterator[RawOrigin]:
    server = await RawOrigin().start()
    yield server
    await server.close()


CLIENT = Client(
    city="Ashburn",
    country="US",
    continent="NA",
    timezone="America/New_York",
    latitude=39.04,
    longitude=-77.49,
)


async def _probe(network: Network, target: str) -> str:
    response = await network.fetch(f"https://app.example/?to={target}", client=CLIENT)
    return response.text()


async def test_serve_policy_refuses_loopback_but_not_the_origin(origin: RawOrigin) -> None:
    # The origin serves app.example only, so other hosts are subrequests to the Internet.
    network = Network(
        "demo",
        Origin(url=origin.url, hosts=["app.example"]),
        workers={"probe": Worker(PROBE)},
        clock="real",
        egress=EgressPolicy(),
    )
    async with network:
        assert await _probe(network, "http://127.0.0.1:9/") == (
            "TypeError: fetch to http://127.0.0.1:9/ refused: loopback address 127.0.0.1 "
            "(egress policy)"
        )
        assert await _probe(network, "http://localhost:9/") == (
            "TypeError: fetch to http://localhost:9/ refused: localhost is a loopback name "
            "(egress policy)"
        )
        # The configured origin, by its host or by its own address, is reachable.
        assert await _probe(network, "https://app.example/plain") == "200 plain"
        assert await _probe(network, f"{origin.url}/plain") == "200 plain"
    assert len(origin.seen) == 2


async def test_a_name_resolving_to_loopback_is_refused(origin: RawOrigin) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]  # what a rebinding name would answer

    network = Network(
        "demo",
        Origin(url=origin.url, hosts=["app.example"]),
        workers={"probe": Worker(PROBE)},
        clock="real",
        egress=EgressPolicy(resolver=resolve),
    )
    async with network:
        text = await _probe(network, f"http://rebind.test:{origin.port}/plain")
    assert text == (
        f"TypeError: fetch to http://rebind.test:{origin.port}/plain refused: rebind.test "
        "resolves to loopback address 127.0.0.1 (egress policy)"
    )
    assert origin.seen == []


async def test_a_standalone_worker_allows_private_unless_told(origin: RawOrigin) -> None:
    open_worker = Worker(PROBE)
    response = await open_worker.fetch_async(f"https://edge.test/?to={origin.url}/plain")
    assert response.text() == "200 plain"  # edgert run / dev: as wrangler dev
    await open_worker.aclose()
    strict = Worker(PROBE, egress=EgressPolicy())
    response = await strict.fetch_async(f"https://edge.test/?to={origin.url}/plain")
    assert response.text().startswith("TypeError: fetch to http://127.0.0.1:")
    assert "refused: loopback address" in response.text()
    await strict.aclose()


def test_edgert_serve_refuses_by_default() -> None:
    network = build_network(None, origin="http://127.0.0.1:8080")
    assert network.egress is not None and not network.egress.allow_private
    assert ("127.0.0.1", 8080) in network.egress.exempt
    opened = build_network(None, origin="http://127.0.0.1:8080", egress=EgressPolicy.open())
    assert opened.egress is not None and opened.egress.allow_private
    assert json.dumps(network.egress.describe()).startswith('"egress: public addresses only')


def test_edgert_run_allows_private_unless_told(tmp_path: Path) -> None:
    script = tmp_path / "probe.js"
    script.write_text(PROBE)
    target = "https://edge.test/?to=http://127.0.0.1:9/"
    refused = CliRunner().invoke(
        main, ["run", str(script), "--url", target, "--deny-private-egress", "--stats"]
    )
    assert refused.exit_code == 0, refused.output
    assert "TypeError: fetch to http://127.0.0.1:9/ refused: loopback address" in refused.stdout
    assert "egress: public addresses only" in refused.stderr
    # Without the flag the fetch is attempted (port 9 on loopback: nothing listens there).
    opened = CliRunner().invoke(main, ["run", str(script), "--url", target, "--stats"])
    assert "refused:" not in opened.stdout and "TypeError: fetch failed" in opened.stdout
    assert "egress: open" in opened.stderr
