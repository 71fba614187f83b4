"""Issue 13 item 8: the local HTTP bridge (HTTP -> API Gateway v2 events) over loopback.

Methods the API does not serve get a problem+json 405 with `Allow` (not http.server's 501 HTML
page), a Content-Length the bridge cannot trust gets a 400 (not a dropped connection and a
traceback), and everything it answers carries the API's security headers.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.fakes import InMemoryFeedStateRepository, InMemoryTrendRepository

from headlinez.api.app import build_resolver
from headlinez.api.security import API_CSP
from headlinez.local.servers import ApiBridgeServer
from headlinez.settings import ApiSettings

NOW = datetime(2026, 2, 18, 4, tzinfo=UTC)


@pytest.fixture(scope="module")
def bridge() -> Iterator[ApiBridgeServer]:
    settings = ApiSettings.model_validate({"TABLE_NAME": "headlinez-test"})
    resolver = build_resolver(InMemoryTrendRepository(), InMemoryFeedStateRepository(), settings, lambda: NOW)
    server = ApiBridgeServer(resolver.resolve, 0, lambda: NOW, threading.Lock()).start()
    yield server
    server.stop()


def _exchange(bridge: ApiBridgeServer, raw: bytes) -> tuple[int, dict[str, str], bytes, bool]:
    """Send raw bytes; return status, headers, body, and whether the server closed the connection."""
    with socket.create_connection(("127.0.0.1", bridge.port), timeout=5) as conn:
        conn.sendall(raw)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            assert chunk, f"connection dropped without an answer: {data!r}"
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = conn.recv(65536)
            assert chunk
            body += chunk
        conn.settimeout(0.5)
        try:
            closed = conn.recv(1) == b""
        except TimeoutError:
            closed = False
    return status, headers, body, closed


def _problem(headers: dict[str, str], body: bytes, status: int) -> dict[str, Any]:
    assert headers["content-type"] == "application/problem+json"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == API_CSP
    problem: dict[str, Any] = json.loads(body)
    assert problem["status"] == status
    return problem


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH", "POST", "TRACE"])
def test_methods_the_api_does_not_serve_are_405_problems(bridge: ApiBridgeServer, method: str) -> None:
    raw = f"{method} /trends HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{{}}".encode()

    status, headers, body, _ = _exchange(bridge, raw)

    assert status == 405
    assert headers["allow"] == "GET, HEAD, OPTIONS"
    assert method in _problem(headers, body, 405)["detail"]


def test_head_reaches_the_function_and_gets_headers_without_a_body(bridge: ApiBridgeServer) -> None:
    status, headers, body, _ = _exchange(bridge, b"HEAD /trends HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")

    assert status == 200
    assert headers["content-type"] == "application/json"
    assert "etag" in headers
    assert "content-length" not in headers
    assert body == b""


def test_an_unknown_method_is_a_501_problem(bridge: ApiBridgeServer) -> None:
    status, headers, body, closed = _exchange(bridge, b"BREW /trends HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")

    assert status == 501
    _problem(headers, body, 501)
    assert closed


@pytest.mark.parametrize(
    "length", ["abc", "-5", "1.5", " ", "0x10", "1_0", "\u0661", "99999999999999999999999"]
)
def test_a_malformed_content_length_is_a_400_problem(
    bridge: ApiBridgeServer, length: str, capfd: pytest.CaptureFixture[str]
) -> None:
    raw = f"GET /trends HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n\r\n".encode()

    status, headers, body, closed = _exchange(bridge, raw)

    assert status in (400, 413)
    _problem(headers, body, status)
    assert closed, "the body cannot be framed: the connection ends after the answer"
    assert "Traceback" not in capfd.readouterr().err


def test_conflicting_lengths_and_chunked_bodies_are_refused(bridge: ApiBridgeServer) -> None:
    twice = b"GET /trends HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"
    chunked = b"GET /trends HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"

    assert _exchange(bridge, twice)[0] == 400
    assert _exchange(bridge, chunked)[0] == 411


def test_a_too_large_body_is_a_413_problem(bridge: ApiBridgeServer) -> None:
    raw = b"GET /trends HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\n\r\n"

    status, headers, body, closed = _exchange(bridge, raw)

    assert status == 413
    _problem(headers, body, 413)
    assert closed


def test_a_malformed_request_line_is_a_400_problem(bridge: ApiBridgeServer) -> None:
    status, headers, body, _ = _exchange(bridge, b"GET /trends HTTP/9\r\n\r\n")

    assert status in (400, 505)
    _problem(headers, body, status)


def test_get_still_works_on_a_kept_alive_connection_with_the_headers(bridge: ApiBridgeServer) -> None:
    raw = b"GET /trends HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"

    status, headers, body, closed = _exchange(bridge, raw)

    assert status == 200
    assert json.loads(body)["items"] == []
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == API_CSP
    assert "strict-transport-security" not in headers, "local: plain HTTP, no HSTS"
    assert not closed


def test_a_failing_handler_is_a_500_problem_not_a_dropped_connection() -> None:
    def broken(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    server = ApiBridgeServer(broken, 0, lambda: NOW, threading.Lock()).start()
    try:
        status, headers, body, _ = _exchange(server, b"GET /trends HTTP/1.1\r\nHost: x\r\n\r\n")
    finally:
        server.stop()

    assert status == 500
    assert "boom" not in _problem(headers, body, 500)["detail"]


def test_loopback_servers_accept_a_whole_poll_of_connections_at_once() -> None:
    # socketserver's default listen backlog (5) made the kernel drop the SYNs of a 26-feed poll
    # and the client retry them after 1 s: every replay step took a second longer than its work
    from headlinez.local.servers import LoopbackServer
    from headlinez.local.stepfunctions import LambdaInvokeServer

    assert LoopbackServer.request_queue_size >= 128
    assert LoopbackServer.daemon_threads
    # the Lambda bridge too: a brief backlog starts ~50 executions, each invoking at once
    bridge = LambdaInvokeServer({})
    try:
        assert isinstance(bridge._httpd, LoopbackServer)
    finally:
        bridge._httpd.server_close()


def test_a_client_that_hangs_up_mid_request_prints_no_traceback(
        bridge: ApiBridgeServer, capsys: pytest.CaptureFixture[str]) -> None:
    import struct
    import time

    with socket.create_connection(("127.0.0.1", bridge.port), timeout=5) as conn:
        conn.sendall(b"GET /trends HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never finished
        # close with a reset (SO_LINGER 0), as a browser dropping a kept-alive connection does
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.3)
    assert "Traceback" not in capsys.readouterr().err
    # and the bridge still answers
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    status, _, _, _ = _exchange(bridge, request)
    assert status == 200
