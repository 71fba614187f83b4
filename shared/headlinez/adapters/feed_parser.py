"""Parse a fetched feed document into `RawEntry` objects: fast path first, feedparser when needed.

Why two parsers: fastfeedparser (lxml) is ~50-100x faster than feedparser, which matters when a
Lambda parses hundreds of feeds per poll; but it loses entries on legacy encodings, on some broken
documents and on RDF feeds. feedparser is slow but tolerant. So:

1. A gzip body (a raw `.gz` file served without Content-Encoding) is decompressed, up to a cap.
2. Documents fastfeedparser is known to mis-read go straight to feedparser: UTF-16/32, a declared
   or HTTP charset other than UTF-8/ASCII, or bytes that are not valid UTF-8.
3. Otherwise fastfeedparser runs. Its result is taken unless it looks damaged: it raised, found no
   entries, found fewer entries than the document has `<item>`/`<entry>` tags, has titles with
   U+FFFD replacement characters, or more than 10% of its entries have neither title nor link.
   Then feedparser runs too, and its result is used unless it recovered fewer usable entries.
4. feedparser's "bozo" flag with entries recovered is accepted with a warning (one bad byte must
   not cost a whole feed); without entries, `FeedParseError` says why the document is unusable.

One entry that fails to convert is skipped and counted in `warnings`; it never fails the feed.
An entry's summary is its description, else its content; the content when the description, as
text, is empty or only a "Continue reading…" stub (`domain.boilerplate.is_boilerplate_only`).
HTML in titles and summaries is left as it is (the normalizer strips it), so feedparser runs with
its sanitizer and URI resolution off (they also cost half its time).
"""

from __future__ import annotations

import html.entities
import io
import json
import logging
import re
import time
import xml.sax
import zlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urljoin

import fastfeedparser
import feedparser
from pydantic import BaseModel, ConfigDict, Field

from headlinez.domain.boilerplate import is_boilerplate_only
from headlinez.domain.normalize import MAX_SOURCE_NAME_CHARS
from headlinez.models import RawEntry, as_utc

__all__ = ["MAX_DECOMPRESSED_BYTES", "FeedParseError", "ParsedFeed", "parse_feed"]

logger = logging.getLogger(__name__)

MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024
"""Cap on a gzip-compressed body once inflated (a feed is rarely over 3 MB; a bomb is not a feed)."""

_GZIP_MAGIC = b"\x1f\x8b"
_ITEM_TAG = re.compile(rb"<(?:item|entry)[\s>/]")
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_HTML_START = re.compile(
    rb"^(?:\s|<\?xml[^>]*>|<!--.*?-->)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_FEED_ROOT = re.compile(rb"<(?:[\w.-]+:)?(?:rss|feed|RDF|channel)[\s>/]")
_MAX_REASON_CHARS = 200
# feedparser "bozo" problems that say nothing about the document's structure.
_BENIGN_BOZO = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


class FeedParseError(ValueError):
    """The document is not a usable feed; `reason` says why in words a feed owner understands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ParsedFeed(BaseModel):
    """The entries of one feed document and what was noticed while parsing it."""

    model_config = ConfigDict(frozen=True)

    entries: list[RawEntry]
    title: str | None = None
    updated: datetime | None = None
    parser: Literal["fastfeedparser", "feedparser"]
    warnings: list[str] = Field(default_factory=list)


def parse_feed(body: bytes, *, content_type: str | None, url: str) -> ParsedFeed:
    """Parse one feed document (RSS 0.9x-2.0, RSS 1.0/RDF, Atom, JSON Feed).

    `content_type` is the HTTP Content-Type (its charset is honoured), `url` the final URL the
    document came from (relative entry links are resolved against it). Raises FeedParseError when
    no entry can be recovered from a document that is not a valid empty feed.
    """
    started = time.perf_counter()
    warnings: list[str] = []
    data = _maybe_gunzip(body, warnings)
    if not data.strip():
        raise FeedParseError("empty document")
    result = _parse(data, content_type=content_type, url=url, warnings=warnings)
    logger.debug(
        "feed parsed",
        extra={
            "feed_url": url,
            "parser": result.parser,
            "entries": len(result.entries),
            "warnings": len(result.warnings),
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        },
    )
    return result


def _parse(data: bytes, *, content_type: str | None, url: str, warnings: list[str]) -> ParsedFeed:
    if _HTML_START.match(data[:4096]) and not _FEED_ROOT.search(data[:65_536]):
        # before either parser: feedparser's loose parser took 8-20 s on a 4-6 MB page to say so
        # (an Atom feed may open with an XHTML doctype: it has its root element early)
        raise FeedParseError("not a feed: HTML page")
    data = _joined_surrogate_references(data)
    if _is_json(data):
        _check_json_feed(data)
        try:
            return _parse_fast(data, url, warnings)
        except Exception as exc:  # fastfeedparser raises ValueError, KeyError, TypeError...
            raise FeedParseError(f"JSON Feed could not be read: {_short(exc)}") from exc
    shape = _shape_problem(data)
    if shape is not None:
        raise FeedParseError("not a feed: HTML page" if _HTML_START.match(data[:4096])
                             else f"refused before parsing: {shape}")
    fast: ParsedFeed | None = None
    detour = _needs_feedparser(data, content_type)
    if detour is None:
        data = _named_references_as_numbers(_bare_ampersands_escaped(data))
        try:
            fast = _parse_fast(data, url, list(warnings))
        except Exception as exc:  # any failure of the fast path only means: try feedparser
            warnings.append(f"fastfeedparser failed: {_short(exc)}")
        else:
            damage = _damage(fast, data)
            if damage is None:
                return fast
            warnings.append(f"fastfeedparser result looked damaged ({damage}); used feedparser")
    else:
        warnings.append(f"feedparser used: {detour}")
    return _slow_unless_fast_did_better(data, fast, content_type=content_type, url=url, warnings=warnings)


def _slow_unless_fast_did_better(data: bytes, fast: ParsedFeed | None, *, content_type: str | None,
                                 url: str, warnings: list[str]) -> ParsedFeed:
    """feedparser's result, unless fastfeedparser's has more usable entries or feedparser failed."""
    try:
        slow = _parse_slow(data, content_type=content_type, url=url, warnings=warnings)
    except Exception as exc:  # feedparser also raises KeyError, TypeError ... on malformed input
        if fast is not None and _usable(fast.entries):
            return fast.model_copy(update={"warnings": [*warnings, f"feedparser failed: {_short(exc)}"]})
        if isinstance(exc, FeedParseError):
            raise
        raise FeedParseError(f"neither parser could read it (feedparser: {_short(exc)})") from exc
    if fast is not None and _usable(fast.entries) > _usable(slow.entries):
        note = f"kept fastfeedparser: {len(fast.entries)} entries vs feedparser {len(slow.entries)}"
        return fast.model_copy(update={"warnings": [*warnings, note]})
    return slow


# --- input checks ------------------------------------------------------------------------------


def _check_json_feed(data: bytes) -> None:
    """A JSON Feed's own faults in plain words (the parser said "Failed to parse XML" of invalid
    JSON, and "'str' object has no attribute 'get'" of an `items` that is no list)."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise FeedParseError(f"JSON Feed is not valid JSON{where}: {_short(exc)}") from exc
    if not isinstance(document, dict):
        raise FeedParseError("JSON Feed is not a JSON object")
    if not isinstance(document.get("items", []), list):
        raise FeedParseError("JSON Feed's \"items\" is not a list")


# A character outside the Basic Multilingual Plane written as two references to its UTF-16 halves
# ("&#55356;&#57225;" for one emoji, as broken CMS encoders do): both parsers fail on the document
# (a lone surrogate cannot be encoded), losing every entry.
_SURROGATE_REFERENCE = re.compile(rb"&#(?:[xX]0*([dD][89a-fA-F][0-9a-fA-F]{2})|0*(5[5-7]\d{3}));")
_HIGH, _LOW = range(0xD800, 0xDC00), range(0xDC00, 0xE000)


def _joined_surrogate_references(data: bytes) -> bytes:
    """Each pair of surrogate references as one reference to its character; a lone one as U+FFFD."""
    matches = list(_SURROGATE_REFERENCE.finditer(data)) if b"&#" in data else []
    if not matches:
        return data
    parts: list[bytes] = []
    position = 0
    index = 0
    while index < len(matches):
        match = matches[index]
        value = _reference_value(match)
        if value not in _HIGH and value not in _LOW:
            index += 1
            continue  # a number like &#55000; outside the surrogate range: left as it is
        parts.append(data[position:match.start()])
        following = matches[index + 1] if index + 1 < len(matches) else None
        if value in _HIGH and following is not None and following.start() == match.end() \
                and _reference_value(following) in _LOW:
            character = 0x10000 + ((value - 0xD800) << 10) + (_reference_value(following) - 0xDC00)
            parts.append(b"&#x%X;" % character)
            position = following.end()
            index += 2
            continue
        parts.append(b"&#xFFFD;")
        position = match.end()
        index += 1
    parts.append(data[position:])
    return b"".join(parts)


def _reference_value(match: re.Match[bytes]) -> int:
    hexadecimal, decimal = match.groups()
    return int(hexadecimal, 16) if hexadecimal else int(decimal)


# An HTML named reference ("Caf&eacute;", "Zo&euml;", "&nbsp;") is no XML entity: outside CDATA
# fastfeedparser (lxml, recovering) dropped it and the rest of its text ("Jos&eacute; Jer&iacute;
# speaks" became the title "Jos"), with nothing to tell the result was damaged. Written as numeric
# references they are the characters HTML means, in any XML parser. Only on the fast path (UTF-8):
# feedparser reads them itself.
# (the five XML entities are skipped by the pattern itself: nearly every feed has "&amp;", and a
# substitution over each of them doubled the fast path's time)
_NAMED_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_DECLARED_ENTITY = re.compile(rb"<!ENTITY\s+%?\s*([A-Za-z_][\w.-]*)")


# A bare "&" ("?a=1&b=2" in a channel link) is not well-formed XML: lxml's recovery then read the
# escaped HTML of every description after it as tags and dropped them ("&lt;p&gt;Lead" became
# "pLead text bhere/b/p"), and nothing told the result was damaged. Outside CDATA (where "&" is
# literal) it is written "&amp;", what the publisher meant.
# (the commonest references first in the lookahead: a third less time over the captured feeds)
_BARE_AMPERSAND = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}"
                             rb"|[A-Za-z][A-Za-z0-9]{0,31});)")


def _bare_ampersands_escaped(data: bytes) -> bytes:
    if _BARE_AMPERSAND.search(data) is None:
        return data
    # CDATA sections found with `bytes.find`, one pass (a lazy regex rescanned to the end from
    # every unclosed "<![CDATA["); an unclosed one keeps the rest of the document as it is
    parts: list[bytes] = []
    position = 0
    while (start := data.find(b"<![CDATA[", position)) >= 0:
        end = data.find(b"]]>", start)
        parts.append(_BARE_AMPERSAND.sub(b"&amp;", data[position:start]))
        if end < 0:
            position = start
            break
        parts.append(data[start: end + 3])
        position = end + 3
    else:
        parts.append(_BARE_AMPERSAND.sub(b"&amp;", data[position:]))
        return b"".join(parts)
    parts.append(data[position:])
    return b"".join(parts)


def _named_references_as_numbers(data: bytes) -> bytes:
    """Each HTML named reference outside the five of XML (and any the document declares itself)
    as numeric references to its characters; unknown names are left as they are."""
    if _NAMED_REFERENCE.search(data) is None:
        return data
    keep = _XML_ENTITIES | set(_DECLARED_ENTITY.findall(data)) if b"<!ENTITY" in data else _XML_ENTITIES

    def number(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        characters = None if name in keep else html.entities.html5.get(name.decode("ascii") + ";")
        if characters is None:
            return match.group(0)
        return b"".join(b"&#x%X;" % ord(character) for character in characters)

    return _NAMED_REFERENCE.sub(number, data)


MAX_NESTING = 256
MAX_TAG_BYTES = 65_536
MAX_ATTRIBUTES = 256  # "=" signs in one tag (see _shape_problem)
# Not self-closed in HTML, so never "open" here: an HTML page's <br>s do not read as nesting.
_VOID = frozenset({b"br", b"img", b"meta", b"link", b"input", b"hr", b"area", b"base", b"col", b"embed",
                   b"source", b"track", b"wbr", b"param"})
# What can follow "<": CDATA, a comment, a closing tag, an element name, or <? / <! (no nesting).
# A bare "<" in text ("a < b") matches none, so it is no tag.
_TAG_START = re.compile(rb"<(?:(!\[CDATA\[)|(!--)|(/)|([A-Za-z_][\w:.-]*)|[?!])")


def _shape_problem(data: bytes) -> str | None:
    """Why a document is refused before either parser sees it, or None. Both parsers take
    superlinear time on some shapes no feed has (measured: one element with 400,000 attributes,
    252 s in fastfeedparser; 500,000 nested elements, 30 s in feedparser; a 5 MB page of nested
    divs, 48 s), and ingest parses on its event loop: one hostile feed stalled every other. One
    linear pass over the tags, CDATA and comments skipped (0.14 s over the 45 MB of the 200
    captured feeds, docs/benchmarks.md)."""
    depth = 0
    position = 0
    find = data.find
    search = _TAG_START.search
    while (match := search(data, position)) is not None:
        cdata, comment, close, name = match.groups()
        if cdata or comment:
            end = find(b"]]>" if cdata else b"-->", match.end())
            if end < 0:
                return None  # unterminated: the parsers stop there too
            position = end + 3
            continue
        end = find(b">", match.end())
        if end < 0:
            return None
        if end - match.start() > MAX_TAG_BYTES:
            return f"a tag of more than {MAX_TAG_BYTES} bytes"
        if name and data.count(b"=", match.end(), end) > MAX_ATTRIBUTES:
            # 6,000 attributes a tag, under the size cap, cost fastfeedparser ~1.3 s a MB (a
            # feed: 0.05 s); a real feed's root, with its namespaces, has a few dozen
            return f"a tag with more than {MAX_ATTRIBUTES} attributes"
        if close:
            depth = max(0, depth - 1)  # closes never bank depth for later opens
        elif name and data[end - 1] != ord("/") and name.lower() not in _VOID:
            depth += 1
            if depth > MAX_NESTING:
                return f"elements nested deeper than {MAX_NESTING}"
        position = end + 1
    return None


def _maybe_gunzip(body: bytes, warnings: list[str]) -> bytes:
    """Inflate a gzip body (possibly several members), refusing output past the cap."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    out = bytearray()
    decompressor = zlib.decompressobj(wbits=31)
    pending = body
    try:
        while pending:
            out += decompressor.decompress(pending, MAX_DECOMPRESSED_BYTES + 1 - len(out))
            if len(out) > MAX_DECOMPRESSED_BYTES:
                raise FeedParseError(f"gzip body inflates beyond {MAX_DECOMPRESSED_BYTES} bytes")
            if decompressor.unconsumed_tail:
                pending = decompressor.unconsumed_tail
            elif decompressor.eof and decompressor.unused_data.startswith(_GZIP_MAGIC):
                pending = decompressor.unused_data
                decompressor = zlib.decompressobj(wbits=31)
            else:
                pending = b""
    except zlib.error as exc:
        if not out:
            raise FeedParseError(f"corrupt gzip body: {exc}") from exc
        warnings.append(f"gzip body corrupt after {len(out)} bytes; parsed what was inflated")
        return bytes(out)
    if not decompressor.eof:
        warnings.append("gzip body truncated; parsed what was inflated")
    return bytes(out)


def _is_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _needs_feedparser(data: bytes, content_type: str | None) -> str | None:
    """Why this document should skip the fast path (its encoding), or None."""
    head = data[:4]
    if head.startswith(_UTF16_32_BOMS) or head.startswith((b"\x00<", b"<\x00")):
        return "UTF-16/32 document"
    declared = _XML_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf")[:512])
    if declared is not None and declared.group(1).decode("ascii").lower() not in _UTF8_NAMES:
        return f"declared encoding {declared.group(1).decode('ascii')}"
    charset = _CHARSET.search(content_type or "")
    if charset is not None and charset.group(1).lower() not in _UTF8_NAMES:
        return f"HTTP charset {charset.group(1)}"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 at byte {exc.start}"
    return None


def _damage(parsed: ParsedFeed, data: bytes) -> str | None:
    """Why a fast-path result should not be trusted, or None when it looks whole."""
    entries = parsed.entries
    if not entries:
        return "no entries"
    tags = len(_ITEM_TAG.findall(data))
    if len(entries) < tags:
        return f"{len(entries)} entries for {tags} item tags"
    if any("\ufffd" in (entry.title or "") for entry in entries):
        return "replacement characters in titles"
    bare = sum(1 for entry in entries if not entry.title and not entry.link)
    if bare * 10 > len(entries):  # a few bare items are the feed's own; many mean a misread
        return f"{bare} of {len(entries)} entries without title and link"
    return None


def _usable(entries: Sequence[RawEntry]) -> int:
    return sum(1 for entry in entries if entry.title or entry.link)


# --- fast path ---------------------------------------------------------------------------------


def _parse_fast(data: bytes, url: str, warnings: list[str]) -> ParsedFeed:
    # Always bytes: fastfeedparser fetches a `str` that starts with http:// itself.
    result = fastfeedparser.parse(data, include_tags=True, include_media=False, include_enclosures=False)
    feed: Mapping[str, Any] = result.get("feed") or {}
    entries: list[RawEntry] = []
    skipped: list[str] = []
    sources = _rss_item_sources(data)
    for raw in result.get("entries") or []:
        try:
            entries.append(_fast_entry(raw, url, sources))
        except Exception as exc:  # one odd entry must never fail the feed
            skipped.append(_short(exc))
    _note_skipped(skipped, warnings)
    return ParsedFeed(
        entries=entries,
        title=_text(feed.get("title")),
        updated=_date_from_string(feed.get("updated")),
        parser="fastfeedparser",
        warnings=warnings,
    )


def _fast_entry(raw: Mapping[str, Any], base_url: str,
                sources: Mapping[str, tuple[str, str | None]] | None = None) -> RawEntry:
    link = _text(raw.get("link")) or _alternate_link(raw.get("links"))
    summary = _summary(_text(raw.get("description")), raw.get("content"))
    guid = _text(raw.get("id"))
    named = sources or {}
    source_name, source_url = named.get(guid or "") or named.get(link or "") or (None, None)
    return RawEntry(
        title=_text(raw.get("title")),
        link=_absolute(link, base_url),
        guid=_text(raw.get("id")),
        summary=summary,
        published=_date_from_string(raw.get("published")),
        updated=_date_from_string(raw.get("updated")),
        author=_author(raw.get("author")),
        categories=_categories(raw.get("tags")),
        source_name=source_name,
        source_url=source_url,
    )


# An RSS 2.0 item's <source url="...">Publisher</source>: the publisher an aggregator (Google News,
# Bing News, a planet) took the item from. fastfeedparser does not report it, so it is read from the
# bytes, keyed by the item's guid and link (only when the document has a <source> at all). Read
# with `bytes.find`, one pass: a lazy `.*?</item>` regex rescanned to the end of the document from
# every unclosed start, and 1 MB of "<source url=''>" took 387 s.
_SOURCE_URL = re.compile(rb"""\burl\s*=\s*["']([^"']*)["']""")


def _rss_item_sources(data: bytes) -> dict[str, tuple[str, str | None]]:
    """guid and link of each RSS item that names a <source> -> (publisher name, its URL or None)."""
    if b"<source" not in data:
        return {}
    sources: dict[str, tuple[str, str | None]] = {}
    position = 0
    while (start := _tag_start(data, b"<item", position)) >= 0:
        end = data.find(b"</item>", start)
        if end < 0:
            break
        position = end + len(b"</item>")
        item = data[start:end]
        source = _element(item, b"source")
        name = _xml_text(source[1]) if source else None
        if source is None or not name:
            continue
        found_url = _SOURCE_URL.search(source[0])
        value = (name[:MAX_SOURCE_NAME_CHARS], _xml_text(found_url.group(1)) if found_url else None)
        for key in (_element(item, b"guid"), _element(item, b"link")):
            text = _xml_text(key[1]) if key else None
            if text:
                sources.setdefault(text, value)
    return sources


def _tag_start(data: bytes, opening: bytes, position: int) -> int:
    """Where the next `opening` tag starts (followed by a space, ">" or "/"), or -1."""
    while (start := data.find(opening, position)) >= 0:
        following = data[start + len(opening): start + len(opening) + 1]
        if following in (b" ", b"\t", b"\r", b"\n", b">", b"/"):
            return start
        position = start + 1
    return -1


def _element(block: bytes, name: bytes) -> tuple[bytes, bytes] | None:
    """(the attributes, the content) of the first `<name ...>content</name>` in `block`; None when
    it has none or it is not closed (each search runs once: linear in the block)."""
    start = _tag_start(block, b"<" + name, 0)
    if start < 0:
        return None
    tag_end = block.find(b">", start)
    close = block.find(b"</" + name + b">", tag_end) if tag_end >= 0 else -1
    if close < 0 or block[tag_end - 1: tag_end] == b"/":
        return None
    return block[start + len(name) + 1: tag_end], block[tag_end + 1: close]


def _xml_text(raw: bytes) -> str | None:
    text = raw.decode("utf-8", "replace").strip()
    if text.startswith("<![CDATA[") and text.endswith("]]>"):
        text = text[9:-3]
    return _text(html.unescape(text))


# --- feedparser path ---------------------------------------------------------------------------


def _parse_slow(data: bytes, *, content_type: str | None, url: str, warnings: list[str]) -> ParsedFeed:
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A BytesIO, never bare bytes: feedparser would treat bytes that look like a path as a file name.
    result = feedparser.parse(
        io.BytesIO(data), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    entries: list[RawEntry] = []
    skipped: list[str] = []
    rss = str(result.get("version") or "").startswith("rss")
    for raw in result.get("entries") or []:
        try:
            entries.append(_feedparser_entry(raw, url, rss=rss))
        except Exception as exc:  # one odd entry must never fail the feed
            skipped.append(_short(exc))
    _note_skipped(skipped, warnings)
    problem = result.get("bozo_exception") if result.get("bozo") else None
    xml_error = isinstance(problem, xml.sax.SAXException)
    # An empty feed is fine; an empty result of a broken or unrecognized document is not.
    if not entries and (xml_error or not result.get("version")):
        raise FeedParseError(_unusable_reason(data, problem))
    if isinstance(problem, BaseException) and not (
        isinstance(problem, feedparser.NonXMLContentType) and content_type is None
    ):  # without a Content-Type, feedparser's complaint about it says nothing
        prefix = f"XML not well-formed, recovered {len(entries)} entries" if xml_error else "feedparser"
        warnings.append(f"{prefix}: {_short(problem)}")
    feed: Mapping[str, Any] = result.get("feed") or {}
    return ParsedFeed(
        entries=entries,
        title=_text(feed.get("title")),
        updated=_date_from_struct(_own(feed, "updated_parsed")),
        parser="feedparser",
        warnings=warnings,
    )


def _feedparser_entry(raw: Mapping[str, Any], base_url: str, *, rss: bool = True) -> RawEntry:
    link = _text(raw.get("link")) or _alternate_link(raw.get("links"))
    summary = _summary(_text(raw.get("summary")), raw.get("content"))
    # RSS's <source> only, as the fast path reads it (an Atom entry's <source> is its feed's metadata)
    source = raw.get("source") if rss else None
    source = source if isinstance(source, Mapping) else {}
    source_name = _text(source.get("title"))
    return RawEntry(
        title=_text(raw.get("title")),
        link=_absolute(link, base_url),
        guid=_text(raw.get("id")),
        summary=summary,
        published=_date_from_struct(raw.get("published_parsed")),
        updated=_date_from_struct(_own(raw, "updated_parsed")),
        author=_author(raw.get("author")),
        categories=_categories(raw.get("tags")),
        source_name=source_name[:MAX_SOURCE_NAME_CHARS] if source_name else None,
        source_url=_text(source.get("href")),
    )


def _unusable_reason(data: bytes, problem: object) -> str:
    if _HTML_START.match(data[:4096]):
        return "not a feed: HTML page"
    opening = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if opening[:1] not in (b"<", b"") and not data.startswith(_UTF16_32_BOMS):
        # an image, a PDF, a plain-text error page: "XML not well-formed at line 2" said nothing
        return f"not a feed: the document starts with {opening[:16]!r}"
    if isinstance(problem, xml.sax.SAXParseException):
        # feedparser puts an XML declaration in front of a document without one: its lines count it
        line = (problem.getLineNumber() or 1) - (0 if opening.startswith(b"<?xml") else 1)
        return f"XML not well-formed at line {max(line, 1)} ({problem.getMessage()}) and no entries recovered"
    if isinstance(problem, BaseException) and not isinstance(problem, _BENIGN_BOZO):
        return f"no entries recovered: {_short(problem)}"
    return "not a feed: no RSS, RDF or Atom root element"


# --- field helpers -----------------------------------------------------------------------------


def _own(mapping: Mapping[str, Any], key: str) -> Any:
    """A key's own value: FeedParserDict answers a missing `updated_parsed` with the published
    time (a deprecated fallback, with a warning); the normalizer makes that choice itself."""
    return dict.get(mapping, key) if isinstance(mapping, dict) else mapping.get(key)


def _note_skipped(skipped: list[str], warnings: list[str]) -> None:
    if skipped:
        warnings.append(f"{len(skipped)} entries skipped (first error: {skipped[0]})")


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return text[:_MAX_REASON_CHARS]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        value = value.get("value") if isinstance(value, Mapping) else str(value)
        if not isinstance(value, str):
            return None
    value = value.strip()
    return value or None


MAX_ENTRY_CATEGORIES = 20
MAX_CATEGORY_CHARS = 200


def _categories(tags: Any) -> tuple[str, ...]:
    """The entry's category terms (RSS <category>, Atom category@term/label, JSON Feed tags), at
    most MAX_ENTRY_CATEGORIES of at most MAX_CATEGORY_CHARS each: a feed's tag cloud is not ours to
    store whole."""
    if not isinstance(tags, Sequence) or isinstance(tags, str):
        return ()
    terms: list[str] = []
    for tag in tags[:MAX_ENTRY_CATEGORIES]:
        value = tag.get("term") or tag.get("label") if isinstance(tag, Mapping) else tag
        text = _text(value)
        if text:
            terms.append(text[:MAX_CATEGORY_CHARS])
    return tuple(terms)


def _author(value: Any) -> str | None:
    # A string first: the first `isinstance(str, Mapping)` in a process that has loaded moto and
    # botocore walks every Mapping subclass (0.5 s, on the local stack's first step)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Mapping):
        return _text(value.get("name"))
    return _text(value)


def _alternate_link(links: Any) -> str | None:
    if not isinstance(links, Sequence) or isinstance(links, str):
        return None
    fallback: str | None = None
    for link in links:
        if not isinstance(link, Mapping):
            continue
        href = _text(link.get("href") or link.get("url"))
        if href is None:
            continue
        if link.get("rel", "alternate") == "alternate":
            return href
        fallback = fallback or href
    return fallback


def _summary(description: str | None, content: Any) -> str | None:
    """The description, unless it is no summary ("Continue reading…", `<p></p>`) and the entry
    has content (`content:encoded`, Atom `<content>`): then the content, which holds the article."""
    body = _first_content(content) if content else None
    # nothing else to prefer: no content, or the same text (fastfeedparser copies one to the other)
    if body is None or body == description:
        return description or body
    if description is not None and not is_boilerplate_only(description):
        return description
    return body


def _first_content(content: Any) -> str | None:
    if isinstance(content, Sequence) and not isinstance(content, str):
        for block in content:
            text = _text(block)
            if text:
                return text
    return None


def _absolute(link: str | None, base_url: str) -> str | None:
    if link is None:
        return None
    try:
        return urljoin(base_url, link)
    except ValueError:  # a malformed link is the normalizer's to reject, not the parser's
        return link


def _date_from_struct(value: Any) -> datetime | None:
    """feedparser's `*_parsed` fields: a `time.struct_time` in UTC."""
    if value is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in tuple(value)[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _date_from_string(value: Any) -> datetime | None:
    """fastfeedparser's dates: ISO 8601 for entries, the raw RFC 822 string for the feed."""
    text = _text(value)
    if text is None:
        return None
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if parsed is None:
        return None
    try:
        return as_utc(parsed)
    except (OverflowError, ValueError):
        return None
