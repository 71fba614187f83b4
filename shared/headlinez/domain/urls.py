"""Canonical article URLs and the article id derived from them.

The same story reaches us under many spellings of one URL: tracking parameters added by the
feed (`?utm_source=rss`, BBC's `at_medium`), a `#comments` fragment, `HTTPS://Example.COM:443/`,
query parameters in a different order. `canonicalize_url` maps all of these to one string so that
`article_id_for` gives them one id, which is the dedupe guard's primary key.

What is normalized, and why each rule is safe:
- scheme and host are case-insensitive (RFC 3986 §6.2.2.1): lowercased; a trailing dot on the
  host is dropped; international hosts become punycode as browsers write them (UTS #46,
  non-transitional: "straße.de" is not "strasse.de"). `www.` is kept: some outlets serve
  different sites on `www` and the bare domain.
- the scheme itself is kept (`http` stays `http`): upgrading is not always safe.
- default ports (80 for http, 443 for https) are dropped; user info (`user:pass@`) is dropped,
  since credentials must never be stored or shown.
- the fragment is dropped: it never reaches the server, so it never names another article.
- percent-encoding is normalized (RFC 3986 §6.2.2.2): escapes of unreserved characters are
  decoded, other escapes are uppercased, characters that must be escaped are escaped, a stray `%`
  becomes `%25`. Dot segments (`/a/./b/../c`) are removed. An empty path becomes `/`.
- query parameters known to be tracking-only are removed (see `TRACKING_PARAMS`); the rest are
  sorted, which is safe for the servers of news sites (none give meaning to parameter order).

The function is idempotent: `canonicalize_url(canonicalize_url(u)) == canonicalize_url(u)`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import SplitResult, unquote_plus, urlsplit, urlunsplit

from headlinez import data as lexicon

__all__ = [
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "InvalidUrlError",
    "article_id_for",
    "canonicalize_url",
]


class InvalidUrlError(ValueError):
    """The value is not an absolute http(s) URL with a host, so it cannot name an article."""


# Query parameters that only tell analytics where a click came from, and prefixes of such
# parameters (package data). Matched case-insensitively.
TRACKING_PARAMS: frozenset[str] = lexicon.word_set("url_tracking_params")
TRACKING_PREFIXES: tuple[str, ...] = lexicon.entries("url_tracking_prefixes")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = "!$&'()*+,;="
# Characters left as they are (besides unreserved ones and `%XX` escapes) in each component.
_PATH_SAFE = frozenset(_SUB_DELIMS + ":@/")
_QUERY_SAFE = frozenset(_SUB_DELIMS + ":@/?")
_HEX = frozenset("0123456789abcdefABCDEF")
_HOST_OK = re.compile(r"^[a-z0-9._~!$&'()*+,;=%-]+$")


def canonicalize_url(url: str) -> str:
    """Return the canonical form of an absolute http(s) URL (see the module docstring).

    Raises InvalidUrlError for anything that cannot name an article: another scheme, no host,
    a malformed port or host.
    """
    parts = _split(url)
    scheme = parts.scheme.lower()
    host = _canonical_host(parts)
    port = _port(parts)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = _remove_dot_segments(_normalize_escapes(parts.path, _PATH_SAFE)) or "/"
    query = _canonical_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def article_id_for(canonical_url: str) -> str:
    """The article id: first 32 hex digits (128 bits) of the SHA-256 of the canonical URL.

    128 bits keep DynamoDB keys short while collisions stay out of reach for any feed volume.
    """
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:32]


def _split(url: str) -> SplitResult:
    if not isinstance(url, str):
        raise InvalidUrlError(f"URL must be a string, got {type(url).__name__}")
    cleaned = url.strip()
    # Browsers drop tabs and newlines anywhere in a URL (WHATWG URL standard); feeds contain them.
    cleaned = re.sub(r"[\t\r\n]", "", cleaned)
    try:
        parts = urlsplit(cleaned)
    except ValueError as exc:
        raise InvalidUrlError(f"unparseable URL {url!r}: {exc}") from exc
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        raise InvalidUrlError(f"not an http(s) URL: {url!r}")
    return parts


def _canonical_host(parts: SplitResult) -> str:
    host = parts.hostname  # lowercased, brackets and user info removed
    if host:
        host = host.rstrip(".")
    if not host:
        raise InvalidUrlError(f"URL has no host: {urlunsplit(parts)!r}")
    if ":" in host:  # IPv6 literal: keep, lowercase (zone ids are meaningless in a public URL)
        if not re.fullmatch(r"[0-9a-f:.]+", host):
            raise InvalidUrlError(f"invalid IPv6 host {host!r}")
        return host
    if not host.isascii():
        host = _punycode_host(host)
    if not _HOST_OK.match(host) or ".." in host:
        raise InvalidUrlError(f"invalid host {host!r}")
    return host


# What UTS #46 maps to nothing: the soft hyphen, zero-width characters, the word joiner, the byte
# order mark and variation selectors ("exa\u00admple" is "example"); other format characters (the
# bidi overrides) are refused.
_IGNORED_IN_HOSTS = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff\ufe00-\ufe0f]")
# The dots IDNA reads as label separators (ideographic, fullwidth, halfwidth).
_IDNA_DOTS = re.compile("[\u3002\uff0e\uff61]")


def _punycode_host(host: str) -> str:
    """An international host in ASCII, as browsers write it (UTS #46, non-transitional): each
    label composed, lowercased and punycoded. Python's "idna" codec is IDNA 2003, which maps "ß"
    to "ss" and drops the final sigma: "straße.de" became "strasse.de", another site."""
    mapped = _IGNORED_IN_HOSTS.sub("", unicodedata.normalize("NFKC", host))
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zs") for char in mapped):
        raise InvalidUrlError(f"invalid international host {host!r}: a control or format character")
    labels = []
    for written in _IDNA_DOTS.sub(".", mapped).lower().split("."):
        label = written
        if written.startswith("xn--") and not written.isascii():
            raise InvalidUrlError(f"invalid international host {host!r}: a punycode label with non-ASCII")
        if not written.isascii():
            try:
                label = "xn--" + written.encode("punycode").decode("ascii")
            except UnicodeError as exc:
                raise InvalidUrlError(f"invalid international host {host!r}") from exc
        if len(label) > 63:
            raise InvalidUrlError(f"invalid international host {host!r}: a label over 63 characters")
        labels.append(label)
    return ".".join(labels)


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError as exc:
        raise InvalidUrlError(f"invalid port in {urlunsplit(parts)!r}") from exc


def _normalize_escapes(component: str, safe: frozenset[str]) -> str:
    """Normalize percent-encoding of one URL component (idempotent)."""
    out: list[str] = []
    i = 0
    n = len(component)
    while i < n:
        char = component[i]
        if char == "%":
            pair = component[i + 1 : i + 3]
            if len(pair) == 2 and pair[0] in _HEX and pair[1] in _HEX:
                decoded = chr(int(pair, 16))
                out.append(decoded if decoded in _UNRESERVED else "%" + pair.upper())
                i += 3
                continue
            out.append("%25")
        elif char in _UNRESERVED or char in safe:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4: resolve `.` and `..` segments, keeping empty segments (`//`) as they are."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result


def _is_tracking(key: str) -> bool:
    lowered = key.strip().lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _canonical_query(query: str) -> str:
    """Drop tracking parameters and empty pieces, sort the rest; each piece keeps its own form.

    Pieces are kept as written (only their escapes are normalized) rather than decoded and
    re-encoded, so `?123` does not turn into `?123=` and `+` keeps its meaning.
    """
    if not query:
        return ""
    kept: list[str] = []
    for piece in query.split("&"):
        if not piece:
            continue
        key = unquote_plus(piece.split("=", 1)[0])
        if _is_tracking(key):
            continue
        kept.append(_normalize_escapes(piece, _QUERY_SAFE))
    return "&".join(sorted(kept))
