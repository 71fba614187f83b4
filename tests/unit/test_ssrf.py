"""The SSRF policy: which URLs and addresses the fetcher may connect to."""

from __future__ import annotations

import dataclasses
import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headlinez.domain.ssrf import BlockedUrlError, UrlPolicy, parse_numeric_host

POLICY = UrlPolicy()
LOOPBACK_OK = UrlPolicy(allow_loopback=True)


def reason_of(check: object, value: str, policy: UrlPolicy = POLICY) -> str:
    with pytest.raises(BlockedUrlError) as caught:
        getattr(policy, str(check))(value)
    assert caught.value.reason
    assert str(caught.value) == caught.value.reason
    return caught.value.reason


def test_policy_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        POLICY.allow_loopback = True  # type: ignore[misc]


def test_blocked_url_error_is_value_error() -> None:
    assert issubclass(BlockedUrlError, ValueError)


# --- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        ("10.0.0.5", "private address 10.0.0.5"),
        ("172.16.0.1", "private address 172.16.0.1"),
        ("172.31.255.254", "private address 172.31.255.254"),
        ("192.168.1.1", "private address 192.168.1.1"),
        ("127.0.0.1", "loopback address 127.0.0.1"),
        ("127.255.0.9", "loopback address 127.255.0.9"),
        ("::1", "loopback address ::1"),
        ("169.254.169.254", "cloud metadata address 169.254.169.254"),
        ("169.254.10.10", "link-local address 169.254.10.10"),
        ("fe80::1", "link-local address fe80::1"),
        ("fd00:ec2::254", "cloud metadata address fd00:ec2::254"),
        ("100.100.100.200", "cloud metadata address 100.100.100.200"),
        ("100.64.0.1", "carrier-grade NAT address 100.64.0.1"),
        ("0.0.0.0", "unspecified address 0.0.0.0"),
        ("0.1.2.3", "unspecified address 0.1.2.3"),
        ("::", "unspecified address ::"),
        ("224.0.0.1", "multicast address 224.0.0.1"),
        ("ff02::1", "multicast address ff02::1"),
        ("240.0.0.1", "reserved address 240.0.0.1"),
        ("255.255.255.255", "reserved address 255.255.255.255"),
        ("fc00::1", "unique-local address fc00::1"),
        ("fd12:3456::1", "unique-local address fd12:3456::1"),
        ("fec0::1", "site-local address fec0::1"),
        ("192.0.2.10", "non-public address 192.0.2.10"),
        ("2001:db8::1", "non-public address 2001:db8::1"),
        (
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "Teredo tunnel address 2001:0:4136:e378:8000:63bf:3fff:fdd2",
        ),
        ("192.88.99.1", "6to4 relay anycast address 192.88.99.1"),
        ("3fff::1", "documentation address 3fff::1"),
        ("5f00::1", "segment-routing address 5f00::1"),
    ],
)
def test_forbidden_addresses(ip: str, expected: str) -> None:
    assert reason_of("check_address", ip) == expected


@pytest.mark.parametrize(
    ("ip", "inner"),
    [
        ("::ffff:127.0.0.1", "loopback address 127.0.0.1"),
        ("::ffff:10.0.0.1", "private address 10.0.0.1"),
        ("::ffff:169.254.169.254", "cloud metadata address 169.254.169.254"),
        ("::127.0.0.1", "loopback address 127.0.0.1"),  # IPv4-compatible (deprecated)
        ("2002:7f00:1::", "loopback address 127.0.0.1"),  # 6to4
        ("2002:a00:5::1", "private address 10.0.0.5"),
        ("64:ff9b::10.0.0.1", "private address 10.0.0.1"),  # NAT64
        ("64:ff9b::169.254.169.254", "cloud metadata address 169.254.169.254"),
        ("64:ff9b:1::192.168.0.1", "private address 192.168.0.1"),
        ("::ffff:0:a9fe:a9fe", "cloud metadata address 169.254.169.254"),  # SIIT IPv4-translated
        ("::ffff:0:10.0.0.1", "private address 10.0.0.1"),
    ],
)
def test_ipv6_forms_embedding_ipv4_are_judged_by_the_ipv4(ip: str, inner: str) -> None:
    assert reason_of("check_address", ip).startswith(inner)


@pytest.mark.parametrize(
    "ip",
    ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34", "64:ff9b::93.184.216.34"],
)
def test_public_addresses_pass(ip: str) -> None:
    POLICY.check_address(ip)


def test_loopback_allowed_only_when_asked() -> None:
    for ip in ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.9.9.9"]:
        LOOPBACK_OK.check_address(ip)
        with pytest.raises(BlockedUrlError):
            POLICY.check_address(ip)


def test_allow_loopback_allows_nothing_else() -> None:
    for ip in ["10.0.0.5", "169.254.169.254", "0.0.0.0", "::", "fd00:ec2::254"]:
        with pytest.raises(BlockedUrlError):
            LOOPBACK_OK.check_address(ip)


@pytest.mark.parametrize("value", ["not-an-ip", "", "999.1.1.1", "example.com"])
def test_non_addresses_are_blocked(value: str) -> None:
    assert reason_of("check_address", value).startswith("not an IP address")


def test_scoped_ipv6_is_blocked() -> None:
    assert "scoped" in reason_of("check_address", "2606:4700::1%eth0")


# --- URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("file:///etc/passwd", "scheme 'file' is not allowed"),
        ("gopher://example.com/", "scheme 'gopher' is not allowed"),
        ("ftp://example.com/", "scheme 'ftp' is not allowed"),
        ("//example.com/", "scheme '(none)' is not allowed"),
        ("http://user:pw@example.com/", "user info in URL is not allowed"),
        ("http://user@example.com/", "user info in URL is not allowed"),
        ("http:///path", "URL has no host"),
        ("http://example.com:0/", "port 0 is not allowed"),
        ("http://example.com:99999/", "unparseable URL"),
        ("http://10.0.0.5/feed", "private address 10.0.0.5"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata address 169.254.169.254"),
        ("http://[::ffff:127.0.0.1]/", "loopback address 127.0.0.1"),
        ("http://[fd00:ec2::254]/", "cloud metadata address fd00:ec2::254"),
        # numeric tricks for 127.0.0.1
        ("http://2130706433/", "loopback address 127.0.0.1"),
        ("http://0x7f000001/", "loopback address 127.0.0.1"),
        ("http://017700000001/", "loopback address 127.0.0.1"),
        ("http://0177.0.0.1/", "loopback address 127.0.0.1"),
        ("http://0x7f.0.0.1/", "loopback address 127.0.0.1"),
        ("http://127.1/", "loopback address 127.0.0.1"),
        ("http://127.0.1/", "loopback address 127.0.0.1"),
        ("http://0/", "unspecified address 0.0.0.0"),
        ("http://0xa9fea9fe/", "cloud metadata address 169.254.169.254"),
        ("http://2852039166/", "cloud metadata address 169.254.169.254"),
        ("http://167772165./", "private address 10.0.0.5"),
        # numeric hosts that are not valid addresses are refused, not guessed
        ("http://08.0.0.1/", "ambiguous numeric host"),
        ("http://1.2.3.4.5/", "ambiguous numeric host"),
        ("http://foo.123/", "ambiguous numeric host"),
        ("http://256.1.1.1/", "out of range"),
        ("http://4294967296/", "out of range"),
        # names of the local machine and private-use domains
        ("http://localhost/", "names the local machine"),
        ("http://LOCALHOST./", "names the local machine"),
        ("http://api.localhost/", "names the local machine"),
        ("http://metadata.google.internal/", "private-use domain"),
        ("http://printer.local/", "private-use domain"),
        ("http://router.home.arpa/", "private-use domain"),
        ("http://intranet/", "single-label host"),
        # a "%" belongs to no host name (only to an IPv6 zone id, refused above)
        ("http://1.2.3.4%25.evil.example/", "contains '%'"),
        ("http://127.0.0.1%25eth0/", "contains '%'"),
    ],
)
def test_forbidden_urls(url: str, expected: str) -> None:
    assert expected in reason_of("check_url", url)


@pytest.mark.parametrize(
    "url",
    [
        "https://feeds.bbci.co.uk/news/world/rss.xml",
        "http://example.com:8080/feed?x=1",
        "HTTPS://EXAMPLE.COM/",
        "https://93.184.216.34/feed",
        "https://[2606:4700:4700::1111]/feed",
        "https://1e100.net/",  # last label is not numeric: a name
        "https://example.com./feed",
    ],
)
def test_allowed_urls(url: str) -> None:
    POLICY.check_url(url)


def test_localhost_names_pass_when_loopback_is_allowed() -> None:
    LOOPBACK_OK.check_url("http://localhost:8000/feed")
    LOOPBACK_OK.check_url("http://127.0.0.1:8000/feed")
    with pytest.raises(BlockedUrlError):
        LOOPBACK_OK.check_url("http://10.0.0.1/feed")


def test_parse_numeric_host_returns_none_for_names() -> None:
    assert parse_numeric_host("example.com") is None
    assert parse_numeric_host("1.2.3.example") is None
    assert parse_numeric_host("") is None


# --- properties ---------------------------------------------------------------------------------

_v4 = st.integers(min_value=0, max_value=2**32 - 1).map(ipaddress.IPv4Address)


def _decision(check: object, value: str, policy: UrlPolicy = POLICY) -> bool:
    try:
        getattr(policy, str(check))(value)
    except BlockedUrlError:
        return False
    return True


@given(_v4)
def test_numeric_spellings_get_the_same_decision_as_dotted(address: ipaddress.IPv4Address) -> None:
    number = int(address)
    dotted = _decision("check_url", f"http://{address}/")
    assert _decision("check_url", f"http://{number}/") == dotted
    assert _decision("check_url", f"http://{number:#x}/") == dotted
    assert _decision("check_url", f"http://0{number:o}/") == dotted
    a, b, c, d = address.packed
    assert _decision("check_url", f"http://{a}.{(b << 16) | (c << 8) | d}/") == dotted


@given(_v4)
def test_mapped_ipv6_gets_the_same_decision_as_ipv4(address: ipaddress.IPv4Address) -> None:
    assert _decision("check_address", f"::ffff:{address}") == _decision("check_address", str(address))


@given(
    st.sampled_from(
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "127.0.0.0/8"]
    ),
    st.integers(min_value=0),
)
def test_every_address_of_a_forbidden_range_is_blocked(network: str, offset: int) -> None:
    net = ipaddress.IPv4Network(network)
    address = net[offset % net.num_addresses]
    assert not _decision("check_address", str(address))
    assert not _decision("check_url", f"http://{address}/")
