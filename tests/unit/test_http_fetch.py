"""The feed fetcher: SSRF guard, redirects, limits, conditional GET, rate limits and timeouts.

No test here opens a socket. The fetcher runs its real httpx/httpcore stack on top of a stub
network backend (`StubBackend`): it records every address the guard lets it connect to and
answers with canned HTTP/1.1 bytes. Host names resolve through a stub resolver. So a broken guard
shows up as a recorded connect to a forbidden IP, never as a packet.
"""

from __future__ import annotations

import asyncio
import gzip
import ssl
import zlib
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, TypeVar

import httpcore
import httpx
import pytest

from headlinez.adapters.http_fetch import (
    DEFAULT_USER_AGENT,
    FeedFetcher,
    FetchOutcome,
    FetchSettings,
    GuardedNetworkBackend,
)
from headlinez.domain.ssrf import BlockedUrlError, UrlPolicy

T = TypeVar("T")
PUBLIC_IP = "93.184.216.34"  # only ever a string handed to the stub backend
PUBLIC_IP_2 = "93.184.216.35"
FEED_XML = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


# --- stubs -------------------------------------------------------------------------------------


@dataclass
class StubRequest:
    method: str
    target: str
    headers: dict[str, str]
    ip: str
    port: int
    server_hostname: str | None


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunks: Iterable[bytes] | None = None  # a close-delimited body without Content-Length
    stall: bool = False  # send the head, then nothing
    drip_seconds: float = 0.0  # delay before each body chunk

    def head(self) -> bytes:
        lines = [f"HTTP/1.1 {self.status} Stub"]
        names = {name.lower() for name, _ in self.headers}
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.chunks is None and not self.stall and "content-length" not in names:
            lines.append(f"Content-Length: {len(self.body)}")
        if self.chunks is not None or self.stall:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


Handler = Callable[[StubRequest], Reply]


class StubStream(httpcore.AsyncNetworkStream):
    def __init__(self, backend: StubBackend, ip: str, port: int) -> None:
        self._backend = backend
        self._ip = ip
        self._port = port
        self._incoming = bytearray()
        self._outgoing: list[bytes] = []
        self._reply: Reply | None = None
        self._server_hostname: str | None = None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if self._reply is not None and not self._outgoing:  # keep-alive: the next request
            self._reply = None
            self._incoming = bytearray()
        self._incoming += buffer
        if b"\r\n\r\n" not in self._incoming or self._reply is not None:
            return
        head = bytes(self._incoming).split(b"\r\n\r\n", 1)[0].decode("latin-1")
        request_line, *header_lines = head.split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        request = StubRequest(method, target, headers, self._ip, self._port, self._server_hostname)
        self._backend.requests.append(request)
        self._reply = self._backend.handler(request)
        self._outgoing = [self._reply.head()]
        if self._reply.chunks is not None:
            self._outgoing += list(self._reply.chunks)
        elif self._reply.body:
            self._outgoing.append(self._reply.body)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        reply = self._reply
        assert reply is not None, "read before a request was written"
        head_sent = not self._outgoing or self._outgoing[0] != reply.head()
        if reply.stall and head_sent:
            try:
                await asyncio.wait_for(asyncio.sleep(3600), timeout)
            except TimeoutError as exc:
                raise httpcore.ReadTimeout("stub read timed out") from exc
        if not self._outgoing:
            return b""
        if reply.drip_seconds and head_sent:
            await asyncio.sleep(reply.drip_seconds)
        chunk = self._outgoing[0][:max_bytes]
        rest = self._outgoing[0][max_bytes:]
        if rest:
            self._outgoing[0] = rest
        else:
            self._outgoing.pop(0)
        return chunk

    async def aclose(self) -> None:
        return None

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        self._server_hostname = server_hostname
        self._backend.tls_hostnames.append(server_hostname)
        return self

    def get_extra_info(self, info: str) -> Any:
        return None


class StubBackend(httpcore.AsyncNetworkBackend):
    """Records connects; refuses to 'connect' anywhere the test did not expect."""

    def __init__(
        self, handler: Handler, *, connect_delay: float = 0.0, refuse: set[str] | None = None
    ) -> None:
        self.handler = handler
        self.connects: list[tuple[str, int]] = []
        self.requests: list[StubRequest] = []
        self.tls_hostnames: list[str | None] = []
        self._connect_delay = connect_delay
        self._refuse = refuse or set()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        if self._connect_delay:
            try:
                await asyncio.wait_for(asyncio.sleep(self._connect_delay), timeout)
            except TimeoutError as exc:
                raise httpcore.ConnectTimeout("stub connect timed out") from exc
        if host in self._refuse:
            raise httpcore.ConnectError("connection refused")
        return StubStream(self, host, port)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class StubResolver:
    def __init__(self, answers: dict[str, list[str]], *, delay: float = 0.0) -> None:
        self.answers = answers
        self.calls: list[tuple[str, int]] = []
        self._delay = delay

    async def resolve(self, host: str, port: int) -> list[str]:
        self.calls.append((host, port))
        if self._delay:
            await asyncio.sleep(self._delay)
        if host not in self.answers:
            raise OSError(f"Name or service not known: {host}")
        return list(self.answers[host])


def routes(table: dict[str, Reply | Callable[[StubRequest], Reply]]) -> Handler:
    def handler(request: StubRequest) -> Reply:
        key = f"{request.headers.get('host')}{request.target}"
        entry = table.get(key) or table.get(request.target)
        if entry is None:
            return Reply(404, body=b"not found")
        return entry(request) if callable(entry) else entry

    return handler


def make_fetcher(
    handler: Handler,
    answers: dict[str, list[str]] | None = None,
    *,
    settings: FetchSettings | None = None,
    policy: UrlPolicy | None = None,
    clock: Callable[[], datetime] | None = None,
    **backend_options: Any,
) -> tuple[FeedFetcher, StubBackend, StubResolver]:
    backend = StubBackend(handler, **backend_options)
    resolver = StubResolver(answers if answers is not None else {"feeds.example.com": [PUBLIC_IP]})
    fetcher = FeedFetcher(
        settings or FetchSettings(),
        policy or UrlPolicy(),
        resolver,
        network_backend=backend,
        clock=clock,
    )
    return fetcher, backend, resolver


def assert_only_public_connects(backend: StubBackend) -> None:
    policy = UrlPolicy()
    for ip, _port in backend.connects:
        try:
            policy.check_address(ip)
        except BlockedUrlError as exc:  # pragma: no cover - this is the failure being guarded
            pytest.fail(f"the guard let the backend connect to a forbidden address: {exc}")


@pytest.fixture(autouse=True)
def _no_proxy_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy would bypass the guard; the fetcher must ignore these (see test below).
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.9.9.9:3128")


# --- success path ------------------------------------------------------------------------------


def test_fetch_resolves_checks_and_connects_to_the_validated_ip() -> None:
    # Given a public host serving a feed
    reply = Reply(
        200,
        [
            ("Content-Type", "application/rss+xml"),
            ("ETag", '"v1"'),
            ("Last-Modified", "Tue, 17 Feb 2026 10:00:00 GMT"),
        ],
        FEED_XML,
    )
    fetcher, backend, resolver = make_fetcher(routes({"/rss.xml": reply}))
    # When fetched
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    # Then the body and validators come back, and the connection went to the resolved IP
    assert outcome.error is None
    assert outcome.error_kind is None
    assert outcome.ok
    assert outcome.status == 200
    assert outcome.body == FEED_XML
    assert outcome.etag == '"v1"'
    assert outcome.last_modified == "Tue, 17 Feb 2026 10:00:00 GMT"
    assert outcome.content_type == "application/rss+xml"
    assert outcome.final_url == "http://feeds.example.com/rss.xml"
    assert resolver.calls == [("feeds.example.com", 80)]
    assert backend.connects == [(PUBLIC_IP, 80)]
    sent = backend.requests[0]
    assert sent.headers["host"] == "feeds.example.com"
    assert sent.headers["user-agent"] == DEFAULT_USER_AGENT
    assert sent.headers["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent.headers


def test_https_uses_the_host_name_for_tls_while_connecting_to_the_ip() -> None:
    fetcher, backend, _ = make_fetcher(routes({"/rss.xml": Reply(body=FEED_XML)}))
    outcome = run(fetcher.fetch("https://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.status == 200
    assert backend.connects == [(PUBLIC_IP, 443)]
    assert backend.tls_hostnames == ["feeds.example.com"]


def test_next_address_is_tried_when_the_first_refuses() -> None:
    fetcher, backend, _ = make_fetcher(
        routes({"/rss.xml": Reply(body=FEED_XML)}),
        {"feeds.example.com": [PUBLIC_IP, PUBLIC_IP_2]},
        refuse={PUBLIC_IP},
    )
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.status == 200
    assert backend.connects == [(PUBLIC_IP, 80), (PUBLIC_IP_2, 80)]


def test_environment_proxies_are_ignored() -> None:
    # HTTP_PROXY etc. point at 10.9.9.9 (autouse fixture): nothing may go there.
    fetcher, backend, _ = make_fetcher(routes({"/rss.xml": Reply(body=FEED_XML)}))
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.status == 200
    assert backend.connects == [(PUBLIC_IP, 80)]


# --- SSRF: DNS answers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.5", "private address 10.0.0.5"),
        ("169.254.169.254", "cloud metadata address 169.254.169.254"),
        ("::ffff:127.0.0.1", "loopback address 127.0.0.1"),
        ("127.0.0.1", "loopback address 127.0.0.1"),
        ("fd00:ec2::254", "cloud metadata address fd00:ec2::254"),
        ("100.64.0.7", "carrier-grade NAT address 100.64.0.7"),
        ("0.0.0.0", "unspecified address 0.0.0.0"),
        ("fe80::1", "link-local address fe80::1"),
    ],
)
def test_host_resolving_to_forbidden_address_is_refused_before_connecting(address: str, reason: str) -> None:
    fetcher, backend, resolver = make_fetcher(
        routes({"/rss.xml": Reply(body=FEED_XML)}), {"evil.example": [address]}
    )
    outcome = run(fetcher.fetch("http://evil.example/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "blocked"
    assert outcome.error is not None
    assert outcome.error.startswith(f"blocked: evil.example resolves to {reason}")
    assert outcome.status is None
    assert outcome.body is None
    assert resolver.calls == [("evil.example", 80)]
    assert backend.connects == []


def test_mixed_public_and_private_answers_are_refused() -> None:
    fetcher, backend, _ = make_fetcher(
        routes({"/rss.xml": Reply(body=FEED_XML)}), {"mixed.example": [PUBLIC_IP, "10.0.0.5"]}
    )
    outcome = run(fetcher.fetch("http://mixed.example/rss.xml", etag=None, last_modified=None))
    assert outcome.error == "blocked: mixed.example resolves to private address 10.0.0.5"
    assert backend.connects == []  # not even the public one: the attacker chose the mix


def test_dns_rebinding_between_hops_is_caught_at_connect_time() -> None:
    # The first lookup is public; by the redirect's connection the name points inside.
    answers = {"rebind.example": [PUBLIC_IP], "other.example": [PUBLIC_IP_2]}

    def first(request: StubRequest) -> Reply:
        answers["rebind.example"] = ["10.0.0.5"]
        return Reply(302, [("Location", "http://other.example/step")])

    def second(request: StubRequest) -> Reply:
        return Reply(302, [("Location", "http://rebind.example/internal")])

    fetcher, backend, _ = make_fetcher(
        routes({"rebind.example/rss.xml": first, "other.example/step": second}), answers
    )
    outcome = run(fetcher.fetch("http://rebind.example/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "blocked"
    assert outcome.error == "blocked: rebind.example resolves to private address 10.0.0.5"
    assert backend.connects == [(PUBLIC_IP, 80), (PUBLIC_IP_2, 80)]
    assert_only_public_connects(backend)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://017700000001/",
        "http://localhost/feed",
        "http://user:pass@feeds.example.com/rss.xml",
        "file:///etc/passwd",
        "gopher://feeds.example.com/",
        # an address-looking prefix and a "%": once read as 1.2.3.4 with a zone id, handed to the
        # system resolver unchecked (a wildcard record could point it anywhere)
        "http://1.2.3.4%25.evil.example/latest/meta-data/",
        "http://127.0.0.1%25eth0/",
    ],
)
def test_forbidden_first_url_is_refused_without_dns_or_connect(url: str) -> None:
    fetcher, backend, resolver = make_fetcher(routes({}))
    outcome = run(fetcher.fetch(url, etag=None, last_modified=None))
    assert outcome.error_kind == "blocked"
    assert outcome.error is not None
    assert outcome.error.startswith("blocked: ")
    assert resolver.calls == []
    assert backend.connects == []


# --- SSRF: redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data", "cloud metadata address 169.254.169.254"),
        ("http://[fd00:ec2::254]/latest/meta-data", "cloud metadata address fd00:ec2::254"),
        ("http://0xa9fea9fe/latest/meta-data", "cloud metadata address 169.254.169.254"),
        ("file:///etc/passwd", "scheme 'file' is not allowed"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "scheme 'gopher' is not allowed"),
        ("http://localhost:8080/admin", "names the local machine"),
        ("http://admin:pw@feeds.example.com/", "user info in URL is not allowed"),
    ],
)
def test_redirect_to_forbidden_target_is_refused(location: str, reason: str) -> None:
    fetcher, backend, _ = make_fetcher(routes({"/rss.xml": Reply(301, [("Location", location)])}))
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "blocked"
    assert outcome.error is not None
    assert outcome.error.startswith("blocked: redirect to ")
    assert outcome.error.endswith(reason)
    assert outcome.redirects == 1
    assert backend.connects == [(PUBLIC_IP, 80)]
    assert_only_public_connects(backend)
    assert "pw@" not in outcome.error  # credentials from a Location are not echoed


def test_only_a_whole_address_is_an_ip_literal() -> None:
    from headlinez.adapters.http_fetch import _is_ip_literal

    assert _is_ip_literal("93.184.216.34")
    assert _is_ip_literal("fe80::1%eth0"), "an IPv6 zone id"
    assert not _is_ip_literal("1.2.3.4%25.evil.example")
    assert not _is_ip_literal("1.2.3.4%eth0")
    assert not _is_ip_literal("feeds.example.com")


def test_redirect_to_host_resolving_inside_is_refused() -> None:
    fetcher, backend, _ = make_fetcher(
        routes({"/rss.xml": Reply(302, [("Location", "http://internal.example/x")])}),
        {"feeds.example.com": [PUBLIC_IP], "internal.example": ["192.168.1.10"]},
    )
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error == "blocked: internal.example resolves to private address 192.168.1.10"
    assert backend.connects == [(PUBLIC_IP, 80)]


def test_redirects_are_followed_up_to_the_limit() -> None:
    table: dict[str, Reply | Callable[[StubRequest], Reply]] = {
        f"/r{i}": Reply(307 if i % 2 else 301, [("Location", f"/r{i + 1}")]) for i in range(5)
    }
    table["/r5"] = Reply(200, body=FEED_XML)
    fetcher, backend, _ = make_fetcher(routes(table))
    outcome = run(fetcher.fetch("http://feeds.example.com/r0", etag=None, last_modified=None))
    assert outcome.status == 200
    assert outcome.body == FEED_XML
    assert outcome.redirects == 5
    assert outcome.final_url == "http://feeds.example.com/r5"
    assert [r.target for r in backend.requests] == [f"/r{i}" for i in range(6)]


def test_too_many_redirects() -> None:
    table: dict[str, Reply | Callable[[StubRequest], Reply]] = {
        f"/r{i}": Reply(302, [("Location", f"http://feeds.example.com/r{i + 1}")]) for i in range(20)
    }
    fetcher, backend, _ = make_fetcher(routes(table), settings=FetchSettings(max_redirects=3))
    outcome = run(fetcher.fetch("http://feeds.example.com/r0", etag=None, last_modified=None))
    assert outcome.error_kind == "too_many_redirects"
    assert outcome.error == "more than 3 redirects"
    assert len(backend.requests) == 4


def test_redirect_loop_ends_as_too_many_redirects() -> None:
    fetcher, _, _ = make_fetcher(routes({"/a": Reply(302, [("Location", "/a")])}))
    outcome = run(fetcher.fetch("http://feeds.example.com/a", etag=None, last_modified=None))
    assert outcome.error_kind == "too_many_redirects"


def test_redirect_to_an_idna_invalid_host_is_an_outcome_not_an_exception() -> None:
    fetcher, backend, _ = make_fetcher(routes({"/rss.xml": Reply(302, [("Location", "http://xn--a-.example.com/")])}))
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "blocked"
    assert outcome.error is not None
    assert outcome.error.startswith("blocked: invalid URL: ")
    assert_only_public_connects(backend)


def test_redirect_without_location_is_an_http_error() -> None:
    fetcher, _, _ = make_fetcher(routes({"/rss.xml": Reply(302)}))
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "http_error"
    assert outcome.error == "HTTP 302 redirect without Location"


# --- body limits and encodings -------------------------------------------------------------------

SMALL = FetchSettings(max_body_bytes=1000)


def test_oversize_body_refused_from_content_length() -> None:
    fetcher, _, _ = make_fetcher(
        routes({"/big": Reply(200, [("Content-Length", "5000")], b"x" * 5000)}), settings=SMALL
    )
    outcome = run(fetcher.fetch("http://feeds.example.com/big", etag=None, last_modified=None))
    assert outcome.error_kind == "too_large"
    assert outcome.error == "body exceeds 1000 bytes (Content-Length 5000)"
    assert outcome.body is None


def test_oversize_body_without_content_length_is_cut_while_streaming() -> None:
    chunks = [b"y" * 400] * 100  # 40 kB, close-delimited
    fetcher, _, _ = make_fetcher(routes({"/big": Reply(200, chunks=chunks)}), settings=SMALL)
    outcome = run(fetcher.fetch("http://feeds.example.com/big", etag=None, last_modified=None))
    assert outcome.error_kind == "too_large"
    assert outcome.error == "body exceeds 1000 bytes"


def test_body_at_exactly_the_limit_is_accepted() -> None:
    fetcher, _, _ = make_fetcher(routes({"/ok": Reply(200, chunks=[b"z" * 500, b"z" * 500])}), settings=SMALL)
    outcome = run(fetcher.fetch("http://feeds.example.com/ok", etag=None, last_modified=None))
    assert outcome.body == b"z" * 1000


def test_gzip_body_is_decoded() -> None:
    compressed = gzip.compress(FEED_XML)
    fetcher, _, _ = make_fetcher(routes({"/gz": Reply(200, [("Content-Encoding", "gzip")], compressed)}))
    outcome = run(fetcher.fetch("http://feeds.example.com/gz", etag=None, last_modified=None))
    assert outcome.body == FEED_XML


def test_multi_member_gzip_and_trailing_junk() -> None:
    half = len(FEED_XML) // 2
    body = gzip.compress(FEED_XML[:half]) + gzip.compress(FEED_XML[half:]) + b"\0\0junk"
    fetcher, _, _ = make_fetcher(routes({"/gz": Reply(200, [("Content-Encoding", "gzip")], body)}))
    outcome = run(fetcher.fetch("http://feeds.example.com/gz", etag=None, last_modified=None))
    assert outcome.body == FEED_XML


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_body_is_decoded_in_both_forms(wbits: int) -> None:
    compressor = zlib.compressobj(wbits=wbits)
    body = compressor.compress(FEED_XML) + compressor.flush()
    fetcher, _, _ = make_fetcher(routes({"/df": Reply(200, [("Content-Encoding", "deflate")], body)}))
    outcome = run(fetcher.fetch("http://feeds.example.com/df", etag=None, last_modified=None))
    assert outcome.body == FEED_XML


def test_gzip_bomb_stops_at_the_decoded_limit() -> None:
    bomb = gzip.compress(b"\0" * 2_000_000)  # ~2 kB on the wire
    fetcher, _, _ = make_fetcher(
        routes({"/bomb": Reply(200, [("Content-Encoding", "gzip")], bomb)}),
        settings=FetchSettings(max_body_bytes=100_000),
    )
    outcome = run(fetcher.fetch("http://feeds.example.com/bomb", etag=None, last_modified=None))
    assert outcome.error_kind == "too_large"
    assert outcome.error == "body exceeds 100000 bytes"


def test_corrupt_gzip_is_an_http_error() -> None:
    fetcher, _, _ = make_fetcher(
        routes({"/bad": Reply(200, [("Content-Encoding", "gzip")], b"not gzip at all")})
    )
    outcome = run(fetcher.fetch("http://feeds.example.com/bad", etag=None, last_modified=None))
    assert outcome.error_kind == "http_error"
    assert outcome.error is not None
    assert outcome.error.startswith("corrupt gzip body")


def test_unsupported_content_encoding_is_an_http_error() -> None:
    fetcher, _, _ = make_fetcher(routes({"/br": Reply(200, [("Content-Encoding", "br")], b"\x8b\x00")}))
    outcome = run(fetcher.fetch("http://feeds.example.com/br", etag=None, last_modified=None))
    assert outcome.error == "unsupported Content-Encoding br"


# --- conditional GET ------------------------------------------------------------------------------


def test_304_with_conditional_headers_sent() -> None:
    def conditional(request: StubRequest) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, [("ETag", '"v1"')])
        return Reply(200, [("ETag", '"v1"')], FEED_XML)

    fetcher, backend, _ = make_fetcher(routes({"/rss.xml": conditional}))
    outcome = run(
        fetcher.fetch(
            "http://feeds.example.com/rss.xml", etag='"v1"', last_modified="Tue, 17 Feb 2026 10:00:00 GMT"
        )
    )
    assert outcome.status == 304
    assert outcome.not_modified
    assert outcome.ok
    assert outcome.body is None
    assert outcome.etag == '"v1"'
    assert outcome.last_modified == "Tue, 17 Feb 2026 10:00:00 GMT"  # kept from the request
    sent = backend.requests[0].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Tue, 17 Feb 2026 10:00:00 GMT"


# --- HTTP errors and rate limits ---------------------------------------------------------------------

NOW = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)


def test_429_with_retry_after_seconds() -> None:
    fetcher, _, _ = make_fetcher(routes({"/rss.xml": Reply(429, [("Retry-After", "120")])}))
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "rate_limited"
    assert outcome.status == 429
    assert outcome.retry_after_seconds == 120.0
    assert outcome.error == "HTTP 429 rate limited (retry after 120s)"


def test_429_with_retry_after_http_date() -> None:
    when = format_datetime(NOW + timedelta(seconds=90), usegmt=True)
    fetcher, _, _ = make_fetcher(routes({"/rss.xml": Reply(429, [("Retry-After", when)])}), clock=lambda: NOW)
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "rate_limited"
    assert outcome.retry_after_seconds == 90.0


def test_500_is_an_http_error() -> None:
    fetcher, _, _ = make_fetcher(routes({"/rss.xml": Reply(500, body=b"oops")}))
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert (outcome.error_kind, outcome.error, outcome.status) == ("http_error", "HTTP 500", 500)
    assert outcome.body is None


def test_503_keeps_retry_after() -> None:
    fetcher, _, _ = make_fetcher(routes({"/rss.xml": Reply(503, [("Retry-After", "30")])}))
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert (outcome.error_kind, outcome.retry_after_seconds) == ("http_error", 30.0)


def test_404_is_an_http_error() -> None:
    fetcher, _, _ = make_fetcher(routes({}))
    outcome = run(fetcher.fetch("http://feeds.example.com/missing", etag=None, last_modified=None))
    assert (outcome.error_kind, outcome.error) == ("http_error", "HTTP 404")


# --- timeouts and network errors ----------------------------------------------------------------------


def test_read_timeout() -> None:
    fetcher, _, _ = make_fetcher(
        routes({"/slow": Reply(200, stall=True)}), settings=FetchSettings(read_timeout=0.05)
    )
    outcome = run(fetcher.fetch("http://feeds.example.com/slow", etag=None, last_modified=None))
    assert outcome.error_kind == "timeout"
    assert outcome.error == "timeout after 0.05s"


def test_connect_timeout() -> None:
    fetcher, _, _ = make_fetcher(routes({}), settings=FetchSettings(connect_timeout=0.05), connect_delay=5)
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "timeout"
    assert outcome.error == "connect timeout after 0.05s"


def test_slow_dns_is_a_connect_timeout() -> None:
    backend = StubBackend(routes({}))
    fetcher = FeedFetcher(
        FetchSettings(connect_timeout=0.05),
        UrlPolicy(),
        StubResolver({"feeds.example.com": [PUBLIC_IP]}, delay=5),
        network_backend=backend,
    )
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error == "connect timeout after 0.05s"
    assert backend.connects == []


def test_total_deadline_stops_a_dripping_server() -> None:
    chunks = [b"x"] * 1000
    fetcher, _, _ = make_fetcher(
        routes({"/drip": Reply(200, chunks=chunks, drip_seconds=0.01)}),
        settings=FetchSettings(read_timeout=5, total_deadline=0.2),
    )
    outcome = run(fetcher.fetch("http://feeds.example.com/drip", etag=None, last_modified=None))
    assert outcome.error_kind == "timeout"
    assert outcome.error == "deadline of 0.2s exceeded"
    assert outcome.elapsed_seconds < 2


def test_unknown_host_is_a_network_error() -> None:
    fetcher, backend, _ = make_fetcher(routes({}), {})
    outcome = run(fetcher.fetch("http://nowhere.example/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "network"
    assert outcome.error is not None
    assert "DNS lookup of nowhere.example failed" in outcome.error
    assert backend.connects == []


def test_connection_refused_is_a_network_error() -> None:
    fetcher, _, _ = make_fetcher(routes({}), refuse={PUBLIC_IP})
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "network"
    assert outcome.error == "network error: ConnectError: connection refused"


# --- many feeds ---------------------------------------------------------------------------------------


def test_fetcher_context_reuses_one_client() -> None:
    fetcher, backend, _ = make_fetcher(routes({"/rss.xml": Reply(body=FEED_XML)}))

    async def go() -> list[FetchOutcome]:
        async with fetcher:
            first = await fetcher.fetch("http://feeds.example.com/rss.xml")
            second = await fetcher.fetch("http://feeds.example.com/rss.xml")
        return [first, second]

    first, second = run(go())
    assert first.status == second.status == 200
    assert len(backend.connects) == 1  # keep-alive on the validated connection


# --- injected transport and the backend on its own ----------------------------------------------------


def test_mock_transport_still_gets_url_checks_on_redirects() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data"})

    fetcher = FeedFetcher(FetchSettings(), UrlPolicy(), transport=httpx.MockTransport(handler))
    outcome = run(fetcher.fetch("https://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "blocked"
    assert seen == ["https://feeds.example.com/rss.xml"]


def test_guarded_backend_refuses_unix_sockets() -> None:
    guard = GuardedNetworkBackend(UrlPolicy(), StubResolver({}), StubBackend(routes({})))
    with pytest.raises(BlockedUrlError, match="unix sockets"):
        run(guard.connect_unix_socket("/var/run/docker.sock"))


def test_guarded_backend_checks_ip_literal_hosts_itself() -> None:
    inner = StubBackend(routes({}))
    guard = GuardedNetworkBackend(UrlPolicy(), StubResolver({}), inner)
    with pytest.raises(BlockedUrlError, match=r"loopback address 127\.0\.0\.1"):
        run(guard.connect_tcp("127.0.0.1", 80))
    with pytest.raises(BlockedUrlError, match="cloud metadata"):
        run(guard.connect_tcp("[fd00:ec2::254]", 80))
    assert inner.connects == []


def test_unsendable_stored_validators_are_skipped_not_fatal() -> None:
    # A validator httpx cannot encode (or one carrying a line break) must not fail every poll.
    fetcher, backend, _ = make_fetcher(routes({"/rss.xml": Reply(body=FEED_XML)}))
    outcome = run(
        fetcher.fetch(
            "http://feeds.example.com/rss.xml", etag='"caf\u00e9"', last_modified="x\r\nInjected: 1"
        )
    )
    assert outcome.status == 200
    sent = backend.requests[0].headers
    assert "if-none-match" not in sent
    assert "if-modified-since" not in sent
    assert "injected" not in sent


def test_resolver_refusing_a_name_is_a_network_error() -> None:
    class IdnaRefusing(StubResolver):
        async def resolve(self, host: str, port: int) -> list[str]:
            raise UnicodeError("label empty or too long")

    backend = StubBackend(routes({}))
    fetcher = FeedFetcher(FetchSettings(), UrlPolicy(), IdnaRefusing({}), network_backend=backend)
    outcome = run(fetcher.fetch("http://feeds.example.com/rss.xml", etag=None, last_modified=None))
    assert outcome.error_kind == "network"
    assert backend.connects == []
