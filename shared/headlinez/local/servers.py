"""Loopback HTTP servers of the local stack: a feed-folder server and the API Gateway bridge.

Both bind 127.0.0.1 only. The bridge turns each HTTP request into an API Gateway HTTP API
(payload v2) event for the real API handler, and its response back into HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import sys
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from headlinez.api.security import security_headers

logger = logging.getLogger(__name__)

MAX_REQUEST_BODY = 1024 * 1024
LOOPBACK = "127.0.0.1"
# The API's routes are GET and HEAD, as in template.yaml (API Gateway answers CORS preflights itself,
# and its own 404 to other methods, where this bridge says 405 with Allow)
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PROBLEM_JSON = "application/problem+json"
_CONTENT_LENGTH = re.compile(r"[0-9]{1,18}")


class LoopbackServer(ThreadingHTTPServer):
    """A threading HTTP server with a listen backlog for a whole poll at once.

    socketserver's default backlog is 5: when the ingest opens a connection per feed (26 at once
    on the snapshot), the kernel drops the SYNs past the backlog and the client retries them after
    its 1 s initial retransmission timeout. That stall was most of the wall time of a replay
    (measured: 1.0 s per ingest step; docs/benchmarks.md, issue 9). The Lambda bridge needs it
    too: a brief backlog starts ~50 executions at once, each invoking a brief step.
    """

    request_queue_size = 256
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-request (a browser closing a kept-alive connection) is not
        an error of the server: logged at debug, not printed as a traceback on stderr."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
            logger.debug("client hung up", extra={"client": str(client_address), "error": str(error)})
            return
        super().handle_error(request, client_address)


class _QuietHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("http request", extra={"line": format % args})


# --- feed folder -------------------------------------------------------------------------------


class FeedFolderServer:
    """Serves the files of one folder with ETag / Last-Modified and conditional GET (304).

    `visible_files` may restrict which names are served; `transform` may rewrite a body before
    it is served (the replay mode uses it to hide items published after the simulated time).
    """

    def __init__(self, folder: Path, *, transform: Callable[[str, bytes], bytes] | None = None) -> None:
        self.folder = folder.resolve()
        self._transform = transform
        self.requests = 0
        self.not_modified = 0
        # name -> ((mtime_ns, size), body, modified): a replay asks for every feed at each step,
        # and resolving and reading the file each time was a tenth of a replay's CPU
        self._files: dict[str, tuple[tuple[int, int], bytes, datetime]] = {}
        server_ref = self

        class Handler(_QuietHandler):
            def do_GET(self) -> None:
                server_ref._serve(self)

        self._httpd = LoopbackServer((LOOPBACK, 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="feed-server", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self._httpd.server_address[1]}/"

    def start(self) -> FeedFolderServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        self.requests += 1
        name = urlsplit(request.path).path.lstrip("/")
        found = self._file(name)
        if found is None:
            _send(request, HTTPStatus.NOT_FOUND, b"not found", {"Content-Type": "text/plain"})
            return
        body, modified = found
        if self._transform is not None:
            body = self._transform(name, body)
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest() + '"'
        if _not_modified(request.headers, etag, modified):
            self.not_modified += 1
            _send(request, HTTPStatus.NOT_MODIFIED, b"", {"ETag": etag})
            return
        _send(request, HTTPStatus.OK, body, {
            "Content-Type": "application/xml", "ETag": etag,
            "Last-Modified": formatdate(modified.timestamp(), usegmt=True),
        })


    def _file(self, name: str) -> tuple[bytes, datetime] | None:
        """The body and modification time of the folder's file `name`, None when there is none (a
        path, or a name that resolves outside the folder); read again when the file changes."""
        if "/" in name or not name:
            return None
        try:
            stat = (self.folder / name).stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._files.get(name)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        path = (self.folder / name).resolve()
        if path.parent != self.folder or not path.is_file():
            return None
        body = path.read_bytes()
        modified = datetime.fromtimestamp(stat.st_mtime, tz=UTC).replace(microsecond=0)
        self._files[name] = (key, body, modified)
        return body, modified


def _not_modified(headers: Any, etag: str, modified: datetime) -> bool:
    """`headers` is the request's email.message.Message (case-insensitive `get`)."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _send(request: BaseHTTPRequestHandler, status: int, body: bytes, headers: Mapping[str, str]) -> None:
    request.send_response(status)
    for name, value in headers.items():
        request.send_header(name, value)
    if status != HTTPStatus.NOT_MODIFIED:
        request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    if body and request.command != "HEAD":
        request.wfile.write(body)


# --- API Gateway bridge ------------------------------------------------------------------------

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def http_api_event(method: str, target: str, headers: Mapping[str, str], body: bytes, *,
                   source_ip: str, now: datetime) -> dict[str, Any]:
    """Build an API Gateway HTTP API payload-v2 event from an HTTP request."""
    parts = urlsplit(target)
    query: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    lowered: dict[str, str] = {}
    for key, value in headers.items():
        name = key.lower()
        lowered[name] = f"{lowered[name]},{value}" if name in lowered else value
    cookies = [c.strip() for c in lowered.pop("cookie", "").split(";") if c.strip()]
    event: dict[str, Any] = {
        "version": "2.0", "routeKey": "$default", "rawPath": parts.path or "/",
        "rawQueryString": parts.query, "headers": lowered,
        "requestContext": {
            "accountId": "000000000000", "apiId": "local", "domainName": lowered.get("host", LOOPBACK),
            "domainPrefix": "local",
            "http": {"method": method, "path": parts.path or "/", "protocol": "HTTP/1.1",
                     "sourceIp": source_ip, "userAgent": lowered.get("user-agent", "")},
            "requestId": uuid.uuid4().hex, "routeKey": "$default", "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"), "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if body:
        event["body"] = base64.b64encode(body).decode()
        event["isBase64Encoded"] = True
    return event


class LocalContext:
    """The attributes of a Lambda context that Powertools reads."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{function_name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = uuid.uuid4().hex
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class BridgeRequestError(ValueError):
    """A request the bridge refuses before the API handler sees it (answered as a problem)."""

    def __init__(self, status: HTTPStatus, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def send_problem(request: BaseHTTPRequestHandler, status: HTTPStatus, detail: str, *,
                 headers: Mapping[str, str] | None = None, close: bool = False) -> None:
    """An RFC 9457 problem answered by the bridge itself, with the API's security headers."""
    body = json.dumps({"type": "about:blank", "title": status.phrase, "status": int(status),
                       "detail": detail}).encode()
    extra = {"Content-Type": PROBLEM_JSON, "Cache-Control": "no-store",
             **security_headers(PROBLEM_JSON, "", hsts_max_age=0), **(headers or {})}
    if close:
        extra["Connection"] = "close"
        request.close_connection = True
    _send(request, status, body, extra)


def request_body_length(headers: Any) -> int:
    """The request's Content-Length (0 without one); `BridgeRequestError` when it cannot be
    trusted to frame the body: malformed, negative, repeated with other values, chunked, too large."""
    if headers.get("Transfer-Encoding") is not None:
        raise BridgeRequestError(HTTPStatus.LENGTH_REQUIRED,
                                 "Send a Content-Length; chunked bodies are not accepted.")
    values = {value.strip() for value in headers.get_all("Content-Length") or []}
    if not values:
        return 0
    if len(values) > 1 or not _CONTENT_LENGTH.fullmatch(next(iter(values))):
        raise BridgeRequestError(HTTPStatus.BAD_REQUEST, "Content-Length must be one non-negative integer.")
    length = int(next(iter(values)))
    if length > MAX_REQUEST_BODY:
        raise BridgeRequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request body too large.")
    return length


def _not_allowed(request: BaseHTTPRequestHandler) -> None:
    # The connection closes: a body the request may carry is not read.
    send_problem(request, HTTPStatus.METHOD_NOT_ALLOWED,
                 f"{request.command} is not allowed here; the API answers {ALLOWED_METHODS}.",
                 headers={"Allow": ALLOWED_METHODS}, close=True)


class ApiBridgeServer:
    """Serves the API handler on 127.0.0.1:port; `clock` dates the events (the local --now).

    Like API Gateway in front of GET-only routes, it refuses other methods itself (405 with
    `Allow`; 501 for a method HTTP does not define), and it refuses requests whose body it cannot
    frame (400/411/413). Everything it answers itself is problem+json with the security headers.
    """

    def __init__(self, handler: LambdaHandler, port: int, clock: Callable[[], datetime],
                 lock: threading.Lock) -> None:
        bridge = self
        self._handler = handler
        self._clock = clock
        self._lock = lock

        class Handler(_QuietHandler):
            def do_GET(self) -> None:
                bridge._dispatch(self)

            def do_HEAD(self) -> None:
                bridge._dispatch(self)

            def do_OPTIONS(self) -> None:
                bridge._dispatch(self)

            def do_POST(self) -> None:
                _not_allowed(self)

            def do_PUT(self) -> None:
                _not_allowed(self)

            def do_DELETE(self) -> None:
                _not_allowed(self)

            def do_PATCH(self) -> None:
                _not_allowed(self)

            def do_TRACE(self) -> None:
                _not_allowed(self)

            def do_CONNECT(self) -> None:
                _not_allowed(self)

            def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
                # http.server's own errors (bad request line, unknown method, headers too long)
                status = HTTPStatus(code)
                if self.request_version == "HTTP/0.9":  # a refused request line: answer with a status line
                    self.request_version = "HTTP/1.0"
                logger.info("bridge refused a request", extra={"status": code, "reason": message})
                headers = {"Allow": ALLOWED_METHODS} if status == HTTPStatus.NOT_IMPLEMENTED else {}
                send_problem(self, status, message or status.phrase, headers=headers, close=True)

        self._httpd = LoopbackServer((LOOPBACK, port), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="api-bridge", daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> ApiBridgeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _dispatch(self, request: BaseHTTPRequestHandler) -> None:
        try:
            length = request_body_length(request.headers)
        except BridgeRequestError as exc:
            send_problem(request, exc.status, exc.detail, close=True)
            return
        body = request.rfile.read(length) if length else b""
        # HEAD goes through as HEAD: the function answers it (as API Gateway's HEAD routes route it)
        event = http_api_event(request.command, request.path, dict(request.headers.items()), body,
                               source_ip=request.client_address[0], now=self._clock())
        try:
            with self._lock:
                response = self._handler(event, LocalContext("headlinez-api"))
        except Exception:  # a Lambda error: API Gateway answers 500 and the client keeps its connection
            logger.exception("api handler failed", extra={"path": event["rawPath"]})
            send_problem(request, HTTPStatus.INTERNAL_SERVER_ERROR, "The API function failed.")
            return
        payload = response.get("body") or ""
        raw = base64.b64decode(payload) if response.get("isBase64Encoded") else payload.encode()
        headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = ",".join(values)
        status = int(response.get("statusCode", 200))
        request.send_response(status)
        for name, value in headers.items():
            if name.lower() != "content-length":
                request.send_header(name, str(value))
        for cookie in response.get("cookies") or []:
            request.send_header("Set-Cookie", cookie)
        # a HEAD answer has no body, and the GET's length is not known here: no Content-Length
        # (RFC 9110 §8.6 lets a HEAD answer omit it) rather than a false 0
        if status != HTTPStatus.NOT_MODIFIED and request.command != "HEAD":
            request.send_header("Content-Length", str(len(raw)))
        request.end_headers()
        if raw and request.command != "HEAD" and status != HTTPStatus.NOT_MODIFIED:
            request.wfile.write(raw)
