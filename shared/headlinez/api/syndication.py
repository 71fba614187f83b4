"""RSS 2.0 and Atom 1.0 documents of a trend list (pure; ElementTree does the escaping).

Feed text may hold characters XML 1.0 forbids (control characters): they are removed, so the
documents always parse. Dates come from the data (newest `last_seen`), never from the clock, so
an unchanged list gives a byte-identical document and the ETag holds; an empty list has no data
to date it, so RSS leaves `lastBuildDate` out and Atom (whose `updated` is required) gives the
hour the list was read in.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from headlinez.views.schemas import CATEGORY_NAMES, TrendSummary

ATOM_NS = "http://www.w3.org/2005/Atom"
RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
FEED_SIZE = 30
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    return _XML_INVALID.sub("", str(text))


def feed_title(category: str | None) -> str:
    return f"headlinez: {CATEGORY_NAMES[category]} trends" if category else "headlinez: top trends"


def describe(item: TrendSummary) -> str:
    parts = [f"{item.sources} newsroom{'' if item.sources == 1 else 's'}",
             f"{item.articles} article{'' if item.articles == 1 else 's'}"]
    if item.status:
        parts.append(item.status.capitalize())
    if item.category:
        parts.append(CATEGORY_NAMES[item.category])
    text = " · ".join(parts) + "."
    if item.second_headline:
        text += f" Also: {item.second_headline}"
    return text


def _sub(parent: ET.Element, tag: str, text: object | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, tag, {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        child.text = clean(text)
    return child


def _updated(items: Sequence[TrendSummary]) -> datetime | None:
    return max((_entry_updated(item) for item in items), default=None)


def _entry_updated(item: TrendSummary) -> datetime:
    """Its newest article, its detection when that came later (detection is stamped at the end
    of its window: an entry is never updated before it was published), or its last status change,
    which changes its summary ("Peaking" to "Fading") without a new article."""
    return max(item.last_seen, _published(item), item.status_since or item.last_seen)


def _published(item: TrendSummary) -> datetime:
    """When it became a trend (feeds list trends only; a candidate would have no detection)."""
    return item.first_detected or item.first_seen


def _rfc822(value: datetime) -> str:
    return format_datetime(value.astimezone(UTC), usegmt=True)


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rss_document(
    items: Sequence[TrendSummary], *, base_url: str, self_path: str, category: str | None
) -> str:
    ET.register_namespace("atom", ATOM_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", feed_title(category))
    _sub(channel, "link", base_url + (f"/?category={category}" if category else "/"))
    _sub(
        channel,
        "description",
        "Stories covered by several independent newsrooms, ranked by how fast coverage is spreading.",
    )
    _sub(channel, "language", "en")
    _sub(channel, f"{{{ATOM_NS}}}link", href=base_url + self_path, rel="self", type="application/rss+xml")
    updated = _updated(items)
    if updated is not None:
        _sub(channel, "lastBuildDate", _rfc822(updated))
    _sub(channel, "ttl", "15")
    for item in items:
        entry = _sub(channel, "item")
        _sub(entry, "title", item.headline)
        _sub(entry, "link", base_url + item.links.html)
        _sub(entry, "guid", f"urn:headlinez:trend:{item.id}", isPermaLink="false")
        _sub(entry, "pubDate", _rfc822(_published(item)))  # when it became a trend
        if item.category:
            _sub(entry, "category", CATEGORY_NAMES[item.category])
        # RSS readers render <description> as HTML: escaped once here (and once more by the XML),
        # a headline's "<no deal>" reads as text instead of vanishing as an unknown tag
        _sub(entry, "description", html.escape(describe(item), quote=False))
    return ET.tostring(rss, encoding="unicode", xml_declaration=True)


def atom_document(
    items: Sequence[TrendSummary], *, base_url: str, self_path: str, category: str | None,
    generated_at: datetime,
) -> str:
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "en"})

    def sub(parent: ET.Element, tag: str, text: object | None = None, **attrs: str) -> ET.Element:
        return _sub(parent, f"{{{ATOM_NS}}}{tag}", text, **attrs)

    sub(feed, "title", feed_title(category))
    sub(feed, "id", f"urn:headlinez:trends:{category or 'all'}")
    updated = _updated(items) or generated_at.replace(minute=0, second=0, microsecond=0)
    sub(feed, "updated", _rfc3339(updated))
    sub(feed, "link", rel="self", href=base_url + self_path, type="application/atom+xml")
    sub(
        feed,
        "link",
        rel="alternate",
        href=base_url + (f"/?category={category}" if category else "/"),
        type="text/html",
    )
    author = sub(feed, "author")
    sub(author, "name", "headlinez")
    for item in items:
        entry = sub(feed, "entry")
        sub(entry, "title", item.headline)
        sub(entry, "id", f"urn:headlinez:trend:{item.id}")
        sub(entry, "updated", _rfc3339(_entry_updated(item)))
        sub(entry, "published", _rfc3339(_published(item)))
        sub(entry, "link", rel="alternate", href=base_url + item.links.html, type="text/html")
        if item.category:
            sub(entry, "category", term=item.category, label=CATEGORY_NAMES[item.category])
        sub(entry, "summary", describe(item))
    return ET.tostring(feed, encoding="unicode", xml_declaration=True)
