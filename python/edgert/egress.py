"""The egress policy: which addresses a worker's subrequests may reach.

A server that runs other people's workers must not be a door into its own network. The policy
is checked **after DNS resolution**, on every address a name resolves to, and the client then
connects to an address it checked (never to the name again), so that a second resolution cannot
rebind the name to an address the check did not see.

Refused by default (:data:`REFUSED_KINDS`): loopback, private (RFC 1918, fc00::/7), link-local
(169.254/16, fe80::/10), cloud metadata services (169.254.169.254, fd00:ec2::254,
100.100.100.200, ``metadata.google.internal``...), unspecified, multicast, broadcast, shared
address space (CGNAT, 100.64/10), and every other address IANA does not mark globally reachable
(documentation, benchmarking, reserved), also when written as an IPv4-mapped, IPv4-compatible,
NAT64 (64:ff9b::/96) or 6to4 IPv6 address. Names that always mean the machine itself or a
metadata service (``localhost``, ``*.localhost``, ``metadata.google.internal``) are refused
before any lookup.

Exceptions: ``allow`` (host names, ``*.suffix`` patterns, addresses and CIDRs the operator
trusts), ``exempt`` (the configured origin's ``host:port``, which the network reaches on purpose)
and ``allow_private=True`` (no check at all: ``edgert dev`` and ``edgert run``, as ``wrangler
dev`` allows a worker to reach the developer's own services).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from edgert.errors import ConfigError, EgressRefused

__all__ = [
    "REFUSED_KINDS",
    "EgressPolicy",
    "EgressRefused",
    "Resolver",
    "address_refusal",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: ``resolver(host, port)`` returns the addresses (text) ``host`` resolves to.
Resolver = Callable[[str, int], Awaitable[list[str]]]

#: Every kind of address the policy refuses, as the reasons name them.
REFUSED_KINDS = (
    "unspecified",
    "loopback",
    "cloud metadata",
    "link-local",
    "private",
    "shared (CGNAT)",
    "multicast",
    "broadcast",
    "non-global",
)

_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (legacy)
    )
)
_METADATA_NAMES = frozenset(
    {
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.internal",
    }
)


def _net(text: str) -> IPNetwork:
    return ipaddress.ip_network(text)


# Checked in order: the first kind that contains an address names the refusal.
_KINDS: tuple[tuple[str, tuple[IPNetwork, ...]], ...] = (
    ("unspecified", (_net("0.0.0.0/8"), _net("::/128"))),
    ("loopback", (_net("127.0.0.0/8"), _net("::1/128"))),
    ("link-local", (_net("169.254.0.0/16"), _net("fe80::/10"))),
    (
        "private",
        (
            _net("10.0.0.0/8"),
            _net("172.16.0.0/12"),
            _net("192.168.0.0/16"),
            _net("fc00::/7"),
            _net("fec0::/10"),  # deprecated site-local
        ),
    ),
    ("shared (CGNAT)", (_net("100.64.0.0/10"),)),
    ("multicast", (_net("224.0.0.0/4"), _net("ff00::/8"))),
    ("broadcast", (_net("255.255.255.255/32"),)),
)
_NAT64 = _net("64:ff9b::/96")
_NAT64_LOCAL = _net("64:ff9b:1::/48")


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    packed = int(address)
    if packed >> 32 == 0 and packed > 1:  # IPv4-compatible ::a.b.c.d (deprecated)
        return ipaddress.IPv4Address(packed)
    return None


def address_refusal(address: str | IPAddress) -> str | None:
    """Why the policy refuses ``address`` (``"loopback address 127.0.0.1"``), or None when the
    address is globally reachable."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        inner = _embedded_v4(ip)
        if inner is not None:
            why = address_refusal(inner)
            return None if why is None else f"{why} (as {ip})"
        if ip in _NAT64_LOCAL:
            return f"non-global address {ip}"
    if ip in _METADATA_ADDRESSES:
        return f"cloud metadata address {ip}"
    for kind, networks in _KINDS:
        if any(ip in net for net in networks):
            return f"{kind} address {ip}"
    if not ip.is_global:
        return f"non-global address {ip}"
    return None


def _name_refusal(host: str) -> str | None:
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is a loopback name"
    if host in _METADATA_NAMES:
        return f"{host} is a cloud metadata name"
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """The system's resolver (``getaddrinfo``), every address once, in its order."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    out: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        text = str(sockaddr[0])
        if text not in out:
            out.append(text)
    return out


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _parse_allow(entries: Iterable[str]) -> tuple[tuple[str, ...], tuple[IPNetwork, ...]]:
    names: list[str] = []
    networks: list[IPNetwork] = []
    for raw in entries:
        entry = raw.strip().lower()
        if not entry:
            raise ConfigError("egress allowlist: an empty entry")
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            continue
        except ValueError:
            pass
        body = entry[2:] if entry.startswith("*.") else entry
        if not body or any(c in body for c in "/:@ []*") or body.startswith("."):
            raise ConfigError(
                f"egress allowlist: {raw!r} is neither a host name ('api.internal', "
                "'*.corp.example') nor an address or CIDR ('10.1.0.0/16')"
            )
        names.append(entry)
    return tuple(names), tuple(networks)


@dataclass(frozen=True, slots=True)
class EgressPolicy:
    """Which addresses subrequests may reach (see the module's docstring).

    ``allow_private``: no check at all (``edgert dev``, ``edgert run``). ``allow``: host names
    (``"api.internal"``, ``"*.corp.example"``), addresses and CIDRs (``"10.1.0.0/16"``) that are
    reachable even though private. ``exempt``: ``(host, port)`` pairs reached on purpose (the
    configured origin; see :meth:`exempting`). ``resolver``: ``resolver(host, port)`` returns the
    addresses of a name (default: the system's ``getaddrinfo``); tests give a stub.
    """

    allow_private: bool = False
    allow: tuple[str, ...] = ()
    exempt: tuple[tuple[str, int], ...] = ()
    resolver: Resolver | None = field(default=None, compare=False)
    _names: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    _networks: tuple[IPNetwork, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.allow, str):
            raise ConfigError("egress allow: a list of host names or CIDRs, not one string")
        names, networks = _parse_allow(self.allow)
        object.__setattr__(self, "allow", tuple(self.allow))
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_networks", networks)

    @classmethod
    def open(cls) -> EgressPolicy:
        """The policy that checks nothing (``edgert dev``, ``edgert run``)."""
        return cls(allow_private=True)

    def exempting(self, url: str | None) -> EgressPolicy:
        """This policy, with the ``host:port`` of ``url`` (the configured origin) exempt."""
        if url is None:
            return self
        host, port = _host_port(url)
        return replace(self, exempt=(*self.exempt, (host, port)))

    def describe(self) -> str:
        """One line for a startup banner."""
        if self.allow_private:
            return "egress: open (subrequests may reach loopback and private addresses)"
        extra = f"; allowed: {', '.join(self.allow)}" if self.allow else ""
        return f"egress: public addresses only (loopback, private, metadata refused{extra})"

    def _name_allowed(self, host: str) -> bool:
        for name in self._names:
            if name.startswith("*."):
                if host.endswith(name[1:]):
                    return True
            elif host == name:
                return True
        return False

    def refusal(self, address: str | IPAddress) -> str | None:
        """Why ``address`` is refused under this policy (None: it may be reached)."""
        if self.allow_private:
            return None
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        if any(ip in net for net in self._networks):
            return None
        return address_refusal(ip)

    async def addresses(self, url: str) -> list[str] | None:
        """The addresses a subrequest to ``url`` may connect to, checked.

        Returns None when the policy checks nothing for ``url`` (open policy, an exempt origin):
        the caller resolves as usual. Raises :class:`EgressRefused` when ``url``'s host is
        refused, or when any address it resolves to is (a name that resolves to public and
        private addresses at once is refused whole).
        """
        if self.allow_private:
            return None
        host, port = _host_port(url)
        if (host, port) in self.exempt:
            return None
        literal = _literal(host)
        if literal is not None:
            why = self.refusal(literal)
            if why is not None:
                raise EgressRefused(f"fetch to {url} refused: {why} (egress policy)")
            return [str(literal)]
        named = self._name_allowed(host)
        if not named:
            why = _name_refusal(host)
            if why is not None:
                raise EgressRefused(f"fetch to {url} refused: {why} (egress policy)")
        resolve = self.resolver or system_resolver
        try:
            found = await resolve(host, port)
        except OSError as exc:
            raise ConnectionError(f"cannot resolve {host}: {exc}") from exc
        if not found:
            raise ConnectionError(f"cannot resolve {host}: no address")
        if named:
            return found
        for address in found:
            why = self.refusal(address)
            if why is not None:
                raise EgressRefused(
                    f"fetch to {url} refused: {host} resolves to {why} (egress policy)"
                )
        return found


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise EgressRefused(f"fetch to {url} refused: scheme {scheme!r} (egress policy)")
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise ConnectionError(f"bad port in {url}: {exc}") from None
    return host, port
