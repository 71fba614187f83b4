"""Which URLs and addresses the feed fetcher may connect to (server-side request forgery guard).

Feed URLs come from configuration, but redirects and DNS answers come from the internet: a feed
host can redirect us to `http://169.254.169.254/latest/meta-data/` (the Lambda/EC2 credentials
endpoint) or make its name resolve to `10.0.0.5`. This module is the pure policy; the HTTP
adapter applies it to every redirect hop (`check_url`) and to every resolved address at connect
time (`check_address`), so a DNS answer that changes between check and connect changes nothing.

Refused:
- schemes other than http/https; user info in the URL; a missing host; port 0;
- host names that name the local machine or private networks by convention: `localhost` and
  `*.localhost` (unless loopback is allowed), single-label names (resolved through search domains
  to internal hosts), and the suffixes `.internal`, `.local`, `.localdomain`, `.home.arpa`;
- numeric hosts are read the way browsers and `inet_aton` read them (WHATWG URL standard), so
  `2130706433`, `0x7f000001`, `017700000001`, `127.1` all mean 127.0.0.1 and are checked as such;
- addresses: loopback 127/8 and ::1 (unless `allow_loopback`), private 10/8, 172.16/12,
  192.168/16, CGNAT 100.64/10, link-local 169.254/16 and fe80::/10, the cloud metadata endpoints,
  "this network" 0/8 and the unspecified ::, multicast, reserved and documentation ranges,
  unique-local fc00::/7, site-local fec0::/10, and anything else not globally routable;
- IPv6 forms that embed an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, 6to4
  2002::/16, NAT64 64:ff9b::/96 and 64:ff9b:1::/48) are judged by the embedded IPv4 address;
  Teredo 2001::/32 is refused outright (a tunnel to an address we cannot see).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["BlockedUrlError", "UrlPolicy", "parse_numeric_host"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedUrlError(ValueError):
    """The URL or address is not one the fetcher may connect to; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack
        "169.254.170.2",  # ECS task credentials
        "169.254.169.123",  # AWS time sync
        "fd00:ec2::254",  # AWS IPv6 instance metadata
        "fd00:ec2::23",
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)
_V4_RULES: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), reason)
    for net, reason in (
        ("0.0.0.0/8", "unspecified address"),
        ("10.0.0.0/8", "private address"),
        ("172.16.0.0/12", "private address"),
        ("192.168.0.0/16", "private address"),
        ("100.64.0.0/10", "carrier-grade NAT address"),
        ("169.254.0.0/16", "link-local address"),
        ("224.0.0.0/4", "multicast address"),
        ("240.0.0.0/4", "reserved address"),
        ("192.0.0.0/24", "IETF protocol assignment address"),
        ("198.18.0.0/15", "benchmarking address"),
        ("192.88.99.0/24", "6to4 relay anycast address"),  # deprecated (RFC 7526): routes anywhere
    )
)
_V6_RULES: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), reason)
    for net, reason in (
        ("fc00::/7", "unique-local address"),
        ("fe80::/10", "link-local address"),
        ("fec0::/10", "site-local address"),
        ("ff00::/8", "multicast address"),
        ("2001::/32", "Teredo tunnel address"),
        ("100::/64", "discard-only address"),
        ("3fff::/20", "documentation address"),  # RFC 9637 (2024): not in Python's tables yet
        ("5f00::/16", "segment-routing address"),  # RFC 9602: SRv6 SIDs, never a web server
    )
)
_V6_SPECIAL = {
    ipaddress.IPv6Address("::1"): "loopback address",
    ipaddress.IPv6Address("::"): "unspecified address",
}
# NAT64 and SIIT's IPv4-translated ::ffff:0:a.b.c.d (RFC 2765): a translator reaches the IPv4 inside
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"),
          ipaddress.IPv6Network("::ffff:0:0:0/96"))
_LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
_BLOCKED_SUFFIXES = (".internal", ".local", ".localdomain", ".home.arpa")
_NUMERIC_LABEL = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """The SSRF policy. `allow_loopback` exists for tests against a server on 127.0.0.1 only."""

    allow_loopback: bool = False

    def check_url(self, url: str) -> None:
        """Raise BlockedUrlError unless `url` is an http(s) URL we may request (before DNS)."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise BlockedUrlError(f"unparseable URL: {exc}") from exc
        scheme = parts.scheme.lower()
        if scheme not in {"http", "https"}:
            raise BlockedUrlError(f"scheme {scheme or '(none)'!r} is not allowed")
        if "@" in parts.netloc:
            raise BlockedUrlError("user info in URL is not allowed")
        host = (parts.hostname or "").rstrip(".")
        if not host:
            raise BlockedUrlError("URL has no host")
        if port == 0:
            raise BlockedUrlError("port 0 is not allowed")
        self.check_host(host)

    def check_host(self, host: str) -> None:
        """Raise BlockedUrlError for IP-literal hosts that are forbidden and for internal names."""
        host = host.strip().rstrip(".").lower()
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if ":" in host:  # IPv6 literal
            self.check_address(host)
            return
        if "%" in host:  # no name has one: "1.2.3.4%25.evil.example" posed as an address with a zone
            raise BlockedUrlError(f"host {host!r} contains '%'")
        numeric = parse_numeric_host(host)
        if numeric is not None:
            self.check_address(str(numeric))
            return
        if host == "localhost" or host.endswith(".localhost"):
            if not self.allow_loopback:
                raise BlockedUrlError(f"host {host!r} names the local machine")
            return
        if "." not in host:
            raise BlockedUrlError(f"single-label host {host!r} is not a public name")
        if host.endswith(_BLOCKED_SUFFIXES):
            raise BlockedUrlError(f"host {host!r} is in a private-use domain")

    def check_address(self, ip: str) -> None:
        """Raise BlockedUrlError unless `ip` (an IPv4 or IPv6 address) is publicly routable."""
        text = ip.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        try:
            address: IPAddress = ipaddress.ip_address(text)
        except ValueError as exc:
            raise BlockedUrlError(f"not an IP address: {ip!r}") from exc
        reason = self._reason(address)
        if reason is not None:
            raise BlockedUrlError(reason)

    def _reason(self, address: IPAddress) -> str | None:
        """Why `address` is refused, as "<kind> <address>", or None when it is allowed."""
        if address in _METADATA:
            return f"cloud metadata address {address}"
        if isinstance(address, ipaddress.IPv6Address):
            kind = self._kind_v6(address)
        else:
            kind = self._kind_v4(address)
        if kind is None or kind.endswith(")"):
            return kind
        return f"{kind} {address}"

    def _kind_v4(self, address: ipaddress.IPv4Address) -> str | None:
        if address in _LOOPBACK_V4:
            return None if self.allow_loopback else "loopback address"
        for network, reason in _V4_RULES:
            if address in network:
                return reason
        if not address.is_global:
            return "non-public address"
        return None

    def _kind_v6(self, address: ipaddress.IPv6Address) -> str | None:
        if address.scope_id:
            return "scoped IPv6 address"
        special = _V6_SPECIAL.get(address)
        if special is not None:
            return None if special == "loopback address" and self.allow_loopback else special
        embedded = _embedded_v4(address)
        if embedded is not None:
            inner = self._reason(embedded)
            return None if inner is None else f"{inner} (embedded in IPv6 {address})"
        for network, reason in _V6_RULES:
            if address in network:
                return reason
        if not address.is_global:
            return "non-public address"
        return None


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried inside an IPv6 address, for the forms that carry one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    packed = address.packed
    if packed[:12] == bytes(12):  # IPv4-compatible ::a.b.c.d (deprecated, still routed by some)
        return ipaddress.IPv4Address(packed[12:])
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(packed[12:])
    return None


def parse_numeric_host(host: str) -> ipaddress.IPv4Address | None:
    """Read a host the way browsers do (WHATWG "IPv4 parser"), or None if it is a name.

    A host whose last label is a number is an IPv4 address written in decimal, octal (leading 0)
    or hex (0x), with 1 to 4 parts where the last part fills the remaining bytes: `127.1`,
    `0x7f.0.0.1`, `2130706433`. Such a host that does not form a valid address is refused rather
    than treated as a name, because resolvers and HTTP clients disagree on what it means.
    """
    labels = host.rstrip(".").split(".") if host else []
    if not labels or not _NUMERIC_LABEL.match(labels[-1]):
        return None
    if len(labels) > 4 or not all(_NUMERIC_LABEL.match(label) for label in labels):
        raise BlockedUrlError(f"ambiguous numeric host {host!r}")
    numbers = [_parse_ipv4_number(label, host) for label in labels]
    *head, last = numbers
    if any(number > 255 for number in head) or last >= 256 ** (5 - len(numbers)):
        raise BlockedUrlError(f"numeric host {host!r} is out of range")
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _parse_ipv4_number(label: str, host: str) -> int:
    try:
        if label[:2].lower() == "0x":
            return int(label[2:] or "0", 16)
        if len(label) > 1 and label.startswith("0"):
            return int(label, 8)
        return int(label)
    except ValueError as exc:  # e.g. "08": not octal
        raise BlockedUrlError(f"ambiguous numeric host {host!r}") from exc
