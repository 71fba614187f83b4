"""The dedupe guard: decide whether an article was already ingested.

Every stored article leaves up to three key records behind (`dedupe_keys`), each holding
`dedupe_record(article)`: at least `article_id` and `title_fingerprint`, plus `published`.

Keys (`DedupeKey`: kind, scope, value; how storage spells them is the article mapper's business,
`headlinez.adapters.entities.DedupeAliasEntity`):
- `url`, -, `{article_id}`: the canonical URL (the primary identity).
- `title`, `{publisher_family}`, `{title_fingerprint}`: the same newsroom with the same headline
  under another URL: two feeds of one outlet (World and Top Stories), or one feed that changed its
  URL scheme. Scoped to the publisher family, because two outlets running the same wire headline
  are two sources of one trend, not a duplicate.
- `guid`, `{feed_id}`, `{sha1(guid)[:24]}` (only with a guid): the feed's own id of the item,
  scoped to the feed because guids are only unique within one feed.

Rules, in order (`is_duplicate`):
1. `url` key exists: duplicate. This also covers an edited headline at an unchanged URL (same
   guid or not): the article is the same.
2. `title` key exists: duplicate, unless the stored record's `published` is more than
   `TITLE_REPEAT_WINDOW` away from this article's. Outlets reuse fixed headlines for recurring
   pieces ("Morning briefing", "Letters", "Live updates"); days apart those are new articles.
3. `guid` key exists: duplicate only if the URL or the title matches as well: the stored
   `article_id` (same URL) or the `title_fingerprint` (the URL changed, e.g. tracking or slug).
   Same guid with a different URL and a different title is the known CMS bug "one guid reused on
   different items": NOT a duplicate, even with the same `published` time (such CMSs stamp every
   item of a batch with one time), since dropping it would lose a real article. The price: a
   headline edited together with its URL slug is stored a second time; clustering puts both in
   the same trend, where one newsroom counts once, so that costs far less than a lost article.
Otherwise the article is new.

`dedupe_within_batch` applies the same rules inside one poll (first occurrence wins).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple

from headlinez.domain.text import normalize_title
from headlinez.models import Article, as_utc

__all__ = [
    "TITLE_REPEAT_WINDOW",
    "DedupeKey",
    "art_key",
    "dedupe_keys",
    "dedupe_record",
    "dedupe_within_batch",
    "guid_key",
    "is_duplicate",
    "stored_since_by",
    "title_key",
]

TITLE_REPEAT_WINDOW = timedelta(days=3)


class DedupeKey(NamedTuple):
    """One identity of an article: what it is (`kind`), where it is unique (`scope`), its value."""

    kind: Literal["url", "title", "guid"]
    scope: str
    value: str


def art_key(article: Article) -> DedupeKey:
    return url_key(article.article_id)


def url_key(article_id: str) -> DedupeKey:
    """The key of the article item itself (its id is the canonical URL's digest)."""
    return DedupeKey("url", "", article_id)


def title_key(article: Article) -> DedupeKey | None:
    """The same-headline key, or None for a title with no letters or digits (nothing to compare)."""
    if not normalize_title(article.title):
        return None
    return DedupeKey("title", article.publisher_family, article.title_fingerprint)


def guid_key(article: Article) -> DedupeKey | None:
    if not article.guid:
        return None
    digest = hashlib.sha1(article.guid.encode("utf-8"), usedforsecurity=False).hexdigest()[:24]
    return DedupeKey("guid", article.feed_id, digest)


def dedupe_keys(article: Article) -> list[DedupeKey]:
    """The keys to look up before storing `article` (and to store with it), the url key first."""
    keys = [art_key(article)]
    for key in (title_key(article), guid_key(article)):
        if key is not None:
            keys.append(key)
    return keys


def dedupe_record(article: Article) -> dict[str, Any]:
    """The attributes to store under each of the article's keys (read back by `is_duplicate`)."""
    return {
        "article_id": article.article_id,
        "title_fingerprint": article.title_fingerprint,
        "published": article.published.isoformat(),
        "published_estimated": article.published_estimated,
        # Who stored it and when: a retry of the same feed tells its own lost run's articles apart
        # (`stored_since_by`).
        "feed_id": article.feed_id,
        "ingested_at": article.ingested_at.isoformat(),
    }


def stored_since_by(record: Mapping[str, Any], feed_id: str, since: datetime | None) -> bool:
    """True when the record's article was stored by `feed_id` after `since` (the feed's last
    recorded poll; None: never polled). Such an article is a duplicate to this run, yet no
    recorded poll counted it: the run that stored it died before writing the feed's state, or
    overlapped this one. Records written before they carried the feed say False."""
    if record.get("feed_id") != feed_id:
        return False
    try:
        stored_at = datetime.fromisoformat(str(record["ingested_at"]))
    except (KeyError, ValueError):
        return False
    return since is None or stored_at > since


def is_duplicate(article: Article, existing: Mapping[DedupeKey, Mapping[str, Any]]) -> bool:
    """True when `article` was already ingested, given the found key records (rules above).

    `existing` maps the keys of `dedupe_keys(article)` that exist to their stored attributes;
    keys that are absent simply do not appear.
    """
    if art_key(article) in existing:
        return True
    tkey = title_key(article)
    if tkey is not None and tkey in existing and not _far_apart(article, existing[tkey]):
        return True
    gkey = guid_key(article)
    if gkey is not None and gkey in existing:
        return _same_item_as(article, existing[gkey])
    return False


def dedupe_within_batch(articles: Iterable[Article]) -> list[Article]:
    """Drop articles that duplicate an earlier one of the same batch; keep the order."""
    seen: dict[DedupeKey, Mapping[str, Any]] = {}
    kept: list[Article] = []
    for article in articles:
        keys = dedupe_keys(article)
        found = {key: seen[key] for key in keys if key in seen}
        if is_duplicate(article, found):
            continue
        kept.append(article)
        record = dedupe_record(article)
        for key in keys:
            seen.setdefault(key, record)  # the first owner of a key keeps it, as in storage
    return kept


def _stored_time(record: Mapping[str, Any]) -> datetime | None:
    value = record.get("published")
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return as_utc(parsed)


def _far_apart(article: Article, record: Mapping[str, Any]) -> bool:
    stored = _stored_time(record)
    if stored is None:
        return False  # no time stored: trust the headline match
    return abs(article.published - stored) > TITLE_REPEAT_WINDOW


def _same_item_as(article: Article, record: Mapping[str, Any]) -> bool:
    """A guid match counts only with a URL or title match (rule 3); a shared time never does."""
    return (record.get("article_id") == article.article_id
            or record.get("title_fingerprint") == article.title_fingerprint)
