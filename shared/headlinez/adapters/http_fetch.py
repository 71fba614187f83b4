"""Fetch feed documents over HTTP(S), politely and without server-side request forgery.

What this adapter guarantees, and how:
- Conditional GET: `If-None-Match` / `If-Modified-Since` from the feed state; a 304 costs no body.
- Bounded work: connect and read timeouts, a total deadline per fetch (against servers that drip
  one byte at a time), a body cap checked against `Content-Length` first and then enforced while
  streaming *after* decompression (so a gzip bomb stops at the cap, not in memory), and a bounded
  number of redirects, followed by hand.
- SSRF guard, twice: every URL (first and each redirect target) is checked by `UrlPolicy.check_url`
  before any request; and the connection itself goes through `GuardedNetworkBackend`, which
  resolves the host name with the injected `Resolver`, refuses the host if ANY answer is a
  forbidden address, and connects to the validated IP. DNS is therefore consulted once per
  connection, by us, and the address connected to is the one checked: a rebinding DNS server
  gets no second chance. TLS still verifies the certificate against the host name: httpcore's
  `AsyncHTTPConnection._connect` passes `server_hostname=<origin host>` to `start_tls` separately
  from the `host` given to `connect_tcp` (httpcore 1.0.9, `_async/connection.py`).
- The client ignores proxy environment variables (`trust_env=False`): a proxy would do its own
  DNS and connect, out of the guard's reach.

Failures never raise: `fetch` returns a `FetchOutcome` with `error` (a sentence for feed health)
and `error_kind` (for metrics and backoff).
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from types import TracebackType
from typing import Literal, Protocol, Self, TypeGuard

import httpcore
import httpx
from httpcore import SOCKET_OPTION
from pydantic import BaseModel, ConfigDict, Field

from headlinez.domain.retry_after import retry_after_seconds
from headlinez.domain.ssrf import BlockedUrlError, UrlPolicy

__all__ = [
    "DEFAULT_USER_AGENT",
    "ErrorKind",
    "FeedFetcher",
    "FetchOutcome",
    "FetchSettings",
    "GuardedNetworkBackend",
    "Resolver",
    "SystemResolver",
    "build_guarded_transport",
    "parse_cache_max_age",
]

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "headlinez/0.1 (+https://github.com/headlinez/headlinez; feeds@headlinez.example)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.5"
)
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

ErrorKind = Literal[
    "blocked", "timeout", "too_large", "http_error", "network", "too_many_redirects", "rate_limited"
]


# --- public models -----------------------------------------------------------------------------


class FetchSettings(BaseModel):
    """Limits of one fetcher. Defaults suit a Lambda polling a few hundred public feeds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=15.0, gt=0)
    total_deadline: float = Field(default=30.0, gt=0, description="Whole fetch, redirects included.")
    max_body_bytes: int = Field(default=5 * 1024 * 1024, gt=0, description="Decoded body cap.")
    max_redirects: int = Field(default=5, ge=0)
    user_agent: str = DEFAULT_USER_AGENT
    concurrency: int = Field(default=16, ge=1, description="Connections of the pool (kept alive too).")


class FetchOutcome(BaseModel):
    """What one fetch produced. `error` is None on 2xx and 304; `body` is set only on 2xx.

    On 304 `etag`/`last_modified` fall back to the validators that were sent, so the caller can
    store them unconditionally.
    """

    model_config = ConfigDict(frozen=True)

    url: str = Field(description="The URL that was asked for.")
    status: int | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = Field(default=None, description="The URL after redirects.")
    retry_after_seconds: float | None = None
    cache_max_age: float | None = Field(
        default=None, description="Cache-Control max-age (s-maxage first) of a 2xx/304: adaptive polling "
        "waits at least this long (headlinez.domain.feed_schedule).")
    content_type: str | None = None
    error: str | None = None
    error_kind: ErrorKind | None = None
    redirects: int = 0
    elapsed_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# --- DNS and the connect-time guard ------------------------------------------------------------


class Resolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[str]:
        """All addresses (IPv4/IPv6 text) that `host` resolves to, in connection order."""
        ...


class SystemResolver:
    """The operating system's resolver, without blocking the event loop."""

    async def resolve(self, host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        addresses: list[str] = []
        for _family, _type, _proto, _canonname, sockaddr in infos:
            address = str(sockaddr[0])
            if address not in addresses:
                addresses.append(address)
        return addresses


class BlockedConnectionError(BlockedUrlError):
    """Raised inside the transport when a host resolves to a forbidden address."""


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses the policy allows.

    `connect_tcp` gets the origin host name from httpcore; it resolves it, validates every answer
    (a mixed public/private answer is refused: the attacker picks which one we would use), then
    connects to the validated IPs in turn through `inner`. TLS (`start_tls`) is done afterwards by
    httpcore on the returned stream with the original host name for SNI and certificate checks.
    """

    def __init__(
        self,
        policy: UrlPolicy,
        resolver: Resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner: httpcore.AsyncNetworkBackend = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._validated_addresses(host, port, timeout)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        raise last_error or httpcore.ConnectError(f"no address to connect to for {host}")

    async def _validated_addresses(self, host: str, port: int, timeout: float | None) -> list[str]:
        bare = host.strip("[]")
        try:
            self._policy.check_host(bare)
        except BlockedUrlError as exc:
            raise BlockedConnectionError(exc.reason) from exc
        if _is_ip_literal(bare):
            return [bare]
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._resolver.resolve(bare, port)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"DNS lookup of {bare} timed out") from exc
        except (OSError, UnicodeError, ValueError) as exc:  # gaierror, or a name IDNA refuses
            raise httpcore.ConnectError(f"DNS lookup of {bare} failed: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"DNS lookup of {bare} returned no address")
        for address in addresses:
            try:
                self._policy.check_address(address)
            except BlockedUrlError as exc:
                raise BlockedConnectionError(f"{bare} resolves to {exc.reason}") from exc
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedConnectionError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _is_ip_literal(host: str) -> bool:
    """The whole host is one address (an IPv6 one may carry a zone id). Cut at a "%" whatever the
    host, "1.2.3.4%25.evil.example" read as 1.2.3.4 and went to the system resolver unchecked."""
    if ":" in host:
        family, address = socket.AF_INET6, host.split("%", maxsplit=1)[0]
    elif "%" in host:
        return False
    else:
        family, address = socket.AF_INET, host
    try:
        socket.inet_pton(family, address)
    except OSError:
        return False
    return True


@lru_cache(maxsize=1)
def default_ssl_context() -> ssl.SSLContext:
    """httpx's verifying context (no environment settings), built once per process: loading the CA
    bundle costs ~17 ms, and each ingest run opens a new client. A context is safe to share."""
    return httpx.create_ssl_context(trust_env=False)


def build_guarded_transport(
    settings: FetchSettings,
    policy: UrlPolicy,
    resolver: Resolver,
    *,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connection pool connects through `GuardedNetworkBackend`.

    httpx 0.28 has no public hook for a network backend; `AsyncHTTPTransport` delegates every
    request, `__aenter__`/`__aexit__` and `aclose` to its `_pool` (httpx/_transports/default.py),
    so swapping the pool for one built with our backend is complete and keeps httpx's response and
    exception mapping.
    """
    size = settings.concurrency
    limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
    context = ssl_context if ssl_context is not None else default_ssl_context()
    # `verify=context`: without it the transport builds a context of its own (~17 ms), then unused.
    transport = httpx.AsyncHTTPTransport(verify=context, trust_env=False, limits=limits, retries=0)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        http1=True,
        http2=False,
        retries=0,
        network_backend=GuardedNetworkBackend(policy, resolver, network_backend),
    )
    return transport


class _BorrowedTransport(httpx.AsyncBaseTransport):
    """Uses a caller's transport without closing it when a client session ends."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self._transport = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        return None


# --- body decoding -----------------------------------------------------------------------------


class BodyTooLargeError(Exception):
    """The (decoded) body passed the configured cap."""


class BodyDecodeError(Exception):
    """The body's Content-Encoding is unsupported or its compressed data is corrupt."""


class _BoundedBody:
    """Collects a response body, inflating gzip/deflate itself with a hard output cap.

    httpx's decoders inflate each network chunk without a limit (a 64 KiB chunk of a gzip bomb is
    ~64 MiB); here every `decompress` call is bounded by the bytes left under the cap.
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self._limit = limit
        self._buffer = bytearray()
        self._probe = bytearray()
        self._inflater: zlib._Decompress | None = None
        self._mode: Literal["identity", "gzip", "deflate"] = "identity"
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise BodyDecodeError(f"unsupported Content-Encoding {content_encoding}")
        if codings:
            if codings[0] in {"gzip", "x-gzip"}:
                self._mode = "gzip"
                self._inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 32)
            elif codings[0] == "deflate":
                self._mode = "deflate"
            else:
                raise BodyDecodeError(f"unsupported Content-Encoding {codings[0]}")

    def feed(self, chunk: bytes) -> None:
        if self._mode == "identity":
            self._append(chunk)
            return
        if self._mode == "deflate" and self._inflater is None:
            self._probe += chunk
            if len(self._probe) < 2:
                return
            # RFC 9110 says zlib format; some servers send raw deflate. A zlib header is
            # CM=8 in the low nibble and a 16-bit value divisible by 31.
            zlib_wrapped = self._probe[0] & 0x0F == 8 and (self._probe[0] << 8 | self._probe[1]) % 31 == 0
            self._inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)
            chunk = bytes(self._probe)
        self._inflate(chunk)

    def _inflate(self, data: bytes) -> None:
        assert self._inflater is not None
        try:
            while data:
                self._append(self._inflater.decompress(data, self._limit + 1 - len(self._buffer)))
                if self._inflater.unconsumed_tail:
                    data = self._inflater.unconsumed_tail
                elif self._mode == "gzip" and self._inflater.unused_data.startswith(b"\x1f\x8b"):
                    data = self._inflater.unused_data  # another gzip member (junk after it is ignored)
                    self._inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 32)
                else:
                    data = b""
        except zlib.error as exc:
            raise BodyDecodeError(f"corrupt {self._mode} body: {exc}") from exc

    def _append(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) > self._limit:
            raise BodyTooLargeError(f"body exceeds {self._limit} bytes")

    def finish(self) -> bytes:
        if self._mode == "deflate" and self._inflater is None and self._probe:
            self._inflater = zlib.decompressobj(wbits=-zlib.MAX_WBITS)
            self._inflate(bytes(self._probe))
        if self._inflater is not None:
            try:
                self._append(self._inflater.flush())
            except zlib.error as exc:
                raise BodyDecodeError(f"corrupt {self._mode} body: {exc}") from exc
        return bytes(self._buffer)


# --- headers -----------------------------------------------------------------------------------


_MAX_AGE = re.compile(r"(?:^|,)\s*(s-maxage|max-age)\s*=\s*\"?(\d{1,10})\"?", re.IGNORECASE)


def parse_cache_max_age(value: str | None) -> float | None:
    """Seconds of `s-maxage` (shared caches, preferred) or `max-age` of a Cache-Control header;
    None when absent, or with `no-store`/`no-cache` (the publisher asks for no caching)."""
    if not value:
        return None
    lowered = value.lower()
    if "no-store" in lowered or "no-cache" in lowered:
        return None
    found = {name.lower(): float(seconds) for name, seconds in _MAX_AGE.findall(value)}
    return found.get("s-maxage", found.get("max-age"))


def _seconds(value: float) -> str:
    return f"{value:g}s"


# --- the fetcher -------------------------------------------------------------------------------


class _FetchFailedError(Exception):
    """Internal: ends a fetch with a given error kind and message."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class FeedFetcher:
    """Fetches feeds with conditional GET, limits and the SSRF guard (see the module docstring).

    Use as `async with FeedFetcher(...) as fetcher:` to share one connection pool across fetches;
    `fetch` also works without it (each call then opens and closes its own client).
    `transport` replaces the guarded transport entirely (tests with `httpx.MockTransport`): the URL
    checks still run, the connect-time guard is then the transport's business. `network_backend`
    is the backend under the guard (tests pass a stub that records what it is asked to connect to).
    """

    def __init__(
        self,
        settings: FetchSettings,
        policy: UrlPolicy,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._settings = settings
        self._policy = policy
        self._resolver: Resolver = resolver if resolver is not None else SystemResolver()
        self._transport = transport
        self._network_backend = network_backend
        self._clock = clock if clock is not None else (lambda: datetime.now(UTC))
        self._ssl_context: ssl.SSLContext | None = None
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Self:
        if self._client is None:
            self._client = self._new_client()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchOutcome:
        """Fetch one feed URL. Never raises for network, HTTP or policy failures."""
        async with self._session() as client:
            return await self._fetch_with(client, url, etag=etag, last_modified=last_modified)

    # -- internals --

    def _new_client(self) -> httpx.AsyncClient:
        settings = self._settings
        transport: httpx.AsyncBaseTransport
        if self._transport is not None:
            transport = _BorrowedTransport(self._transport)
        else:
            if self._ssl_context is None:
                self._ssl_context = default_ssl_context()
            transport = build_guarded_transport(
                settings,
                self._policy,
                self._resolver,
                network_backend=self._network_backend,
                ssl_context=self._ssl_context,
            )
        return httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.connect_timeout,
            ),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": _ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
        )

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[httpx.AsyncClient]:
        if self._client is not None:
            yield self._client
            return
        async with self._new_client() as client:
            yield client

    async def _fetch_with(
        self, client: httpx.AsyncClient, url: str, *, etag: str | None, last_modified: str | None
    ) -> FetchOutcome:
        started = time.monotonic()
        state = _Chain(url=url, etag=etag, last_modified=last_modified)
        deadline = self._settings.total_deadline
        try:
            async with asyncio.timeout(deadline):
                outcome = await self._follow(client, state)
        except _FetchFailedError as failure:
            outcome = state.failure(failure.kind, failure.message)
        except TimeoutError:
            outcome = state.failure("timeout", f"deadline of {_seconds(deadline)} exceeded")
        outcome = outcome.model_copy(update={"elapsed_seconds": round(time.monotonic() - started, 3)})
        self._log(outcome)
        return outcome

    async def _follow(self, client: httpx.AsyncClient, state: _Chain) -> FetchOutcome:
        max_redirects = self._settings.max_redirects
        while True:
            try:
                self._policy.check_url(state.current)
            except BlockedUrlError as exc:
                where = f"redirect to {_redact(state.current)}: " if state.redirects else ""
                raise _FetchFailedError("blocked", f"blocked: {where}{exc.reason}") from exc
            async with self._open(client, state) as response:
                state.status = response.status_code
                location = response.headers.get("location")
                if response.status_code in _REDIRECT_STATUSES and location:
                    if state.redirects >= max_redirects:
                        raise _FetchFailedError("too_many_redirects", f"more than {max_redirects} redirects")
                    try:
                        state.current = str(response.url.join(location.strip()))
                    except (httpx.InvalidURL, UnicodeError) as exc:
                        raise _FetchFailedError(
                            "http_error", f"invalid redirect Location {location!r}"
                        ) from exc
                    state.redirects += 1
                    continue
                return await self._read(response, state)

    @asynccontextmanager
    async def _open(self, client: httpx.AsyncClient, state: _Chain) -> AsyncIterator[httpx.Response]:
        """Send one request of the chain, mapping transport failures to `_FetchFailedError`."""
        settings = self._settings
        headers: dict[str, str] = {}
        for name, value in (("If-None-Match", state.etag), ("If-Modified-Since", state.last_modified)):
            if _sendable(value):
                headers[name] = value
        try:
            async with client.stream("GET", state.current, headers=headers) as response:
                yield response
        except BlockedUrlError as exc:
            raise _FetchFailedError("blocked", f"blocked: {exc.reason}") from exc
        except httpx.ConnectTimeout as exc:
            raise _FetchFailedError(
                "timeout", f"connect timeout after {_seconds(settings.connect_timeout)}"
            ) from exc
        except httpx.TimeoutException as exc:
            raise _FetchFailedError("timeout", f"timeout after {_seconds(settings.read_timeout)}") from exc
        except (httpx.InvalidURL, UnicodeError) as exc:
            # UnicodeError: httpx builds a redirect's next request itself, and an IDNA-invalid
            # Location host ("xn--a-.example.com") raised out of fetch, which promises never to
            raise _FetchFailedError("blocked", f"blocked: invalid URL: {exc}") from exc
        except httpx.HTTPError as exc:
            raise _FetchFailedError("network", f"network error: {_describe(exc)}") from exc

    async def _read(self, response: httpx.Response, state: _Chain) -> FetchOutcome:
        state.status = response.status_code
        state.final_url = str(response.url)
        state.content_type = response.headers.get("content-type")
        state.cache_max_age = parse_cache_max_age(response.headers.get("cache-control"))
        status = response.status_code
        retry_after = retry_after_seconds(response.headers.get("retry-after"), now=self._clock())
        if status == 304:
            return state.success(
                body=None,
                etag=response.headers.get("etag") or state.etag,
                last_modified=response.headers.get("last-modified") or state.last_modified,
            )
        if status == 429:
            wait = f" (retry after {_seconds(retry_after)})" if retry_after is not None else ""
            return state.failure("rate_limited", f"HTTP 429 rate limited{wait}", retry_after=retry_after)
        if not 200 <= status < 300:
            detail = " redirect without Location" if status in _REDIRECT_STATUSES else ""
            return state.failure("http_error", f"HTTP {status}{detail}", retry_after=retry_after)
        body = await self._read_body(response)
        return state.success(
            body=body, etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified")
        )

    async def _read_body(self, response: httpx.Response) -> bytes:
        limit = self._settings.max_body_bytes
        declared = response.headers.get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise _FetchFailedError(
                "too_large", f"body exceeds {limit} bytes (Content-Length {int(declared)})"
            )
        try:
            collector = _BoundedBody(response.headers.get("content-encoding"), limit)
            async for chunk in response.aiter_raw():
                collector.feed(chunk)
            return collector.finish()
        except BodyTooLargeError as exc:
            raise _FetchFailedError("too_large", str(exc)) from exc
        except BodyDecodeError as exc:
            raise _FetchFailedError("http_error", str(exc)) from exc
        except httpx.TimeoutException as exc:
            raise _FetchFailedError(
                "timeout", f"timeout after {_seconds(self._settings.read_timeout)}"
            ) from exc
        except httpx.HTTPError as exc:
            raise _FetchFailedError("network", f"network error while reading body: {_describe(exc)}") from exc

    @staticmethod
    def _log(outcome: FetchOutcome) -> None:
        extra = {
            "feed_url": outcome.url,
            "final_url": outcome.final_url,
            "http_status": outcome.status,
            "error_kind": outcome.error_kind,
            "body_bytes": len(outcome.body) if outcome.body is not None else 0,
            "redirects": outcome.redirects,
            "duration_ms": round(outcome.elapsed_seconds * 1000),
        }
        if outcome.error is None:
            logger.info("feed fetched", extra=extra)
        else:
            logger.warning("feed fetch failed", extra={**extra, "error": outcome.error})


class _Chain:
    """Mutable state of one fetch across its redirect hops."""

    def __init__(self, *, url: str, etag: str | None, last_modified: str | None) -> None:
        self.url = url
        self.current = url
        self.etag = etag
        self.last_modified = last_modified
        self.redirects = 0
        self.status: int | None = None
        self.final_url: str | None = None
        self.content_type: str | None = None
        self.cache_max_age: float | None = None

    def success(self, *, body: bytes | None, etag: str | None, last_modified: str | None) -> FetchOutcome:
        return FetchOutcome(
            url=self.url,
            status=self.status,
            body=body,
            etag=etag,
            last_modified=last_modified,
            final_url=self.final_url,
            content_type=self.content_type,
            cache_max_age=self.cache_max_age,
            redirects=self.redirects,
        )

    def failure(self, kind: ErrorKind, message: str, *, retry_after: float | None = None) -> FetchOutcome:
        return FetchOutcome(
            url=self.url,
            status=self.status,
            final_url=self.final_url or self.current,
            content_type=self.content_type,
            retry_after_seconds=retry_after,
            error=message,
            error_kind=kind,
            redirects=self.redirects,
        )


def _redact(url: str) -> str:
    """The URL without user info, for messages and logs (a Location may carry credentials)."""
    scheme, sep, rest = url.partition("://")
    authority, slash, tail = rest.partition("/")
    if sep and "@" in authority:
        return f"{scheme}://***@{authority.rsplit('@', 1)[1]}{slash}{tail}"
    return url


def _sendable(value: str | None) -> TypeGuard[str]:
    """A stored validator we can send back: ASCII without line breaks (else skip it, rather than
    fail every poll of the feed on a header httpx cannot encode)."""
    return bool(value) and value is not None and value.isascii() and not any(c in value for c in "\r\n\0")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
