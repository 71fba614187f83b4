"""The fetcher against a real HTTP server on 127.0.0.1: real sockets, real httpcore backend.

With `allow_loopback=True` the guard lets 127.0.0.1 through, so conditional GET, gzip, redirects
and the body cap are exercised end to end. With the default policy the same URL must be refused
before any connection: the server sees no request and the backend is never asked to connect.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
from collections.abc import Coroutine, Iterable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any, TypeVar

import httpcore
import pytest

from headlinez.adapters.http_fetch import FeedFetcher, FetchOutcome, FetchSettings
from headlinez.domain.ssrf import UrlPolicy
from headlinez.local.servers import LoopbackServer

T = TypeVar("T")
FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>Loop</title></channel></rss>"
ETAG = '"feed-v1"'
LIMIT = 64 * 1024


class FeedHandler(BaseHTTPRequestHandler):
    """Routes: /feed (ETag + 304), /gzip, /r1 -> /r2 -> /feed, /big, /big-stream."""

    protocol_version = "HTTP/1.1"
    server: FeedServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        route = {
            "/feed": self._feed,
            "/gzip": self._gzip,
            "/r1": lambda: self._redirect(302, "/r2"),
            "/r2": lambda: self._redirect(301, f"http://127.0.0.1:{self.server.server_port}/feed"),
            "/big": self._big,
            "/big-stream": self._big_stream,
        }.get(self.path)
        if route is None:
            self._send(404, b"not found")
        else:
            route()

    def _send(self, status: int, body: bytes, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _feed(self) -> None:
        if self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.end_headers()
            return
        self._send(200, FEED, [("Content-Type", "application/rss+xml"), ("ETag", ETAG)])

    def _gzip(self) -> None:
        self._send(200, gzip.compress(FEED), [("Content-Encoding", "gzip")])

    def _redirect(self, status: int, location: str) -> None:
        self._send(status, b"", [("Location", location)])

    def _big(self) -> None:
        self._send(200, b"x" * (LIMIT * 4))

    def _big_stream(self) -> None:
        # No Content-Length: the body ends when the server closes; stop once the client hangs up.
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for _ in range(64):
                self.wfile.write(b"y" * 16_384)
        except (BrokenPipeError, ConnectionResetError):
            return


class FeedServer(LoopbackServer):  # a client hanging up is not printed as a traceback
    daemon_threads = True
    paths: list[str]


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    httpd = FeedServer(("127.0.0.1", 0), FeedHandler)
    httpd.paths = []
    thread = threading.Thread(target=httpd.serve_forever, name="feed-server", daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """The real anyio backend, recording every address it is asked to connect to."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        assert host == "127.0.0.1", f"test tried to connect to {host}"
        return await self.inner.connect_tcp(host, port, timeout=timeout, socket_options=socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class LoopbackResolver:
    """Resolves the test's made-up names to 127.0.0.1 only, never asking real DNS."""

    async def resolve(self, host: str, port: int) -> list[str]:
        if host != "feeds.test":
            raise OSError(f"unknown test host {host}")
        return ["127.0.0.1"]


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def fetcher(*, allow_loopback: bool, backend: RecordingBackend | None = None) -> FeedFetcher:
    return FeedFetcher(
        FetchSettings(max_body_bytes=LIMIT, connect_timeout=2, read_timeout=2, total_deadline=5),
        UrlPolicy(allow_loopback=allow_loopback),
        LoopbackResolver(),
        network_backend=backend,
    )


def url(server: FeedServer, path: str) -> str:
    return f"http://127.0.0.1:{server.server_port}{path}"


def test_200_with_etag_then_304_on_conditional_get(server: FeedServer) -> None:
    guard = fetcher(allow_loopback=True)

    async def both() -> tuple[FetchOutcome, FetchOutcome]:
        async with guard:
            first = await guard.fetch(url(server, "/feed"), etag=None, last_modified=None)
            second = await guard.fetch(url(server, "/feed"), etag=first.etag, last_modified=None)
        return first, second

    first, second = run(both())
    assert (first.status, first.body, first.etag) == (200, FEED, ETAG)
    assert first.content_type == "application/rss+xml"
    assert (second.status, second.body, second.etag, second.error) == (304, None, ETAG, None)


def test_gzip_is_decoded(server: FeedServer) -> None:
    outcome = run(fetcher(allow_loopback=True).fetch(url(server, "/gzip"), etag=None, last_modified=None))
    assert outcome.body == FEED


def test_redirect_chain_is_followed(server: FeedServer) -> None:
    outcome = run(fetcher(allow_loopback=True).fetch(url(server, "/r1"), etag=None, last_modified=None))
    assert outcome.status == 200
    assert outcome.body == FEED
    assert outcome.redirects == 2
    assert outcome.final_url == url(server, "/feed")


def test_host_name_goes_through_the_resolver(server: FeedServer) -> None:
    backend = RecordingBackend()
    guard = fetcher(allow_loopback=True, backend=backend)
    outcome = run(guard.fetch(f"http://feeds.test:{server.server_port}/feed", etag=None, last_modified=None))
    assert outcome.body == FEED
    assert backend.connects == [("127.0.0.1", server.server_port)]


def test_oversize_body_with_content_length_is_refused(server: FeedServer) -> None:
    outcome = run(fetcher(allow_loopback=True).fetch(url(server, "/big"), etag=None, last_modified=None))
    assert outcome.error_kind == "too_large"
    assert outcome.error == f"body exceeds {LIMIT} bytes (Content-Length {LIMIT * 4})"


def test_oversize_streamed_body_is_cut(server: FeedServer) -> None:
    outcome = run(
        fetcher(allow_loopback=True).fetch(url(server, "/big-stream"), etag=None, last_modified=None)
    )
    assert outcome.error_kind == "too_large"
    assert outcome.error == f"body exceeds {LIMIT} bytes"


@pytest.mark.parametrize("path", ["/feed", "/r1"])
def test_loopback_is_refused_by_default_without_any_connection(server: FeedServer, path: str) -> None:
    backend = RecordingBackend()
    before = list(server.paths)
    outcome = run(
        fetcher(allow_loopback=False, backend=backend).fetch(url(server, path), etag=None, last_modified=None)
    )
    assert outcome.error_kind == "blocked"
    assert outcome.error == "blocked: loopback address 127.0.0.1"
    assert backend.connects == []
    assert server.paths == before


def test_name_resolving_to_loopback_is_refused_by_default(server: FeedServer) -> None:
    backend = RecordingBackend()
    before = list(server.paths)
    guard = fetcher(allow_loopback=False, backend=backend)
    outcome = run(guard.fetch(f"http://feeds.test:{server.server_port}/feed", etag=None, last_modified=None))
    assert outcome.error == "blocked: feeds.test resolves to loopback address 127.0.0.1"
    assert backend.connects == []
    assert server.paths == before
