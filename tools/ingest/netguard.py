"""Which addresses a fetch may reach: public unicast only, unless private URLs are explicitly allowed.

Cloud metadata endpoints (and the link-local ranges they live in) are refused always, even when private
URLs are allowed: they hand out the machine's cloud credentials to whoever asks.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from reelforge.tools.ingest.errors import FetchError, PrivateAddressError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Checked in order; the first match names the range in the refusal message.
_NAMED_RANGES: tuple[tuple[str, str], ...] = (
    ("169.254.169.254/32", "cloud metadata endpoint"),
    ("fd00:ec2::254/128", "cloud metadata endpoint"),
    ("100.100.100.200/32", "cloud metadata endpoint"),
    ("0.0.0.0/8", "unspecified / 'this network'"),
    ("127.0.0.0/8", "loopback"),
    ("10.0.0.0/8", "private network 10.0.0.0/8"),
    ("172.16.0.0/12", "private network 172.16.0.0/12"),
    ("192.168.0.0/16", "private network 192.168.0.0/16"),
    ("100.64.0.0/10", "carrier-grade NAT 100.64.0.0/10"),
    ("169.254.0.0/16", "link-local"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation (TEST-NET-1)"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation (TEST-NET-2)"),
    ("203.0.113.0/24", "documentation (TEST-NET-3)"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("fc00::/7", "unique local (private IPv6)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("2001:db8::/32", "documentation"),
    ("100::/64", "discard-only"),
)
_NETWORKS = [(ipaddress.ip_network(net), name) for net, name in _NAMED_RANGES]
# Never reachable, whatever the settings: metadata services (AWS, GCP, Azure, OpenStack, ECS task roles,
# Alibaba, AWS IPv6) and the link-local ranges around them.
_ALWAYS_REFUSED = [ipaddress.ip_network(n) for n in (
    "169.254.0.0/16", "fd00:ec2::254/128", "100.100.100.200/32", "fe80::/10")]


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in an IPv4-mapped, IPv4-compatible, 6to4, Teredo or NAT64 IPv6 address."""
    if addr.ipv4_mapped:
        return addr.ipv4_mapped
    if addr.sixtofour:
        return addr.sixtofour
    if addr.teredo:
        return addr.teredo[1]
    packed = addr.packed
    if packed[:12] == bytes(12) and addr != ipaddress.IPv6Address("::1") and int(addr) > 0xFFFF:
        return ipaddress.IPv4Address(packed[12:])  # deprecated IPv4-compatible ::a.b.c.d
    if addr in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(packed[12:])
    return None


def _reason(ip: str | IPAddress, own: Callable[[IPAddress], str | None]) -> str | None:
    """``own(addr)``'s reason for ``ip``, looking through scoped and IPv4-embedding IPv6 forms first."""
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.scope_id:
            return "scoped (link-local) IPv6"
        inner = _embedded_ipv4(addr)
        if inner is not None:
            why = _reason(inner, own)
            return f"IPv4-embedding IPv6 address of {inner} ({why})" if why else None
    return own(addr)


def _non_public(addr: IPAddress) -> str | None:
    for net, name in _NETWORKS:
        if addr.version == net.version and addr in net:
            return name
    return None if addr.is_global else "non-global (reserved)"


def _metadata(addr: IPAddress) -> str | None:
    if any(addr.version == net.version and addr in net for net in _ALWAYS_REFUSED):
        return "cloud metadata / link-local"
    return None


def non_public_reason(ip: str | IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address (e.g. ``"loopback"``), or None when it is public."""
    return _reason(ip, _non_public)


def metadata_reason(ip: str | IPAddress) -> str | None:
    """Why ``ip`` is never fetched (a cloud metadata or link-local address, also inside IPv6), else None."""
    return _reason(ip, _metadata)


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6). A literal IP resolves to itself."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host!r}") from exc
    out: list[str] = []
    for info in infos:
        ip = str(info[4][0]).split("%")[0]  # drop an IPv6 zone id; fe80::/10 is refused anyway
        if ip not in out:
            out.append(ip)
    if not out:
        raise FetchError(f"host {host!r} has no address")
    return out


def checked_address(host: str, port: int, *, allow_private: bool) -> str:
    """Resolve ``host`` and check EVERY address; return the one to connect to, or raise PrivateAddressError."""
    addrs = resolve(host, port)
    for ip in addrs:
        reason = metadata_reason(ip)
        if reason:
            via = "" if host.strip("[]") == ip else f" (resolves to {ip})"
            raise PrivateAddressError(f"refusing to fetch {host}{via}: {reason} address; these are never fetched, "
                                      "whatever the settings")
    if not allow_private:
        for ip in addrs:
            reason = non_public_reason(ip)
            if reason:
                via = "" if host.strip("[]") == ip else f" (resolves to {ip})"
                raise PrivateAddressError(
                    f"refusing to fetch {host}{via}: {reason} address; set REELFORGE_ALLOW_PRIVATE_URLS=1 "
                    "to allow intranet URLs")
    return addrs[0]
