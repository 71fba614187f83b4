"""Turn one parsed feed entry into an `Article`, or reject it with a reason.

Rules (and why):
- Link: the entry's link, else its guid when that is an http(s) URL (RSS `isPermaLink` guids).
  Relative links are resolved against the feed URL; a link longer than MAX_URL_CHARS (2,048) is
  junk or hostile (it would also swell every item that stores it), so it is not used. The
  canonical URL names the article (`article_id`); an entry without a usable link cannot be
  deduplicated or shown, so it is rejected.
- Title: HTML stripped, at most 300 characters. Without a title, the first sentence of the
  summary stands in (some feeds, e.g. micro-blogs, have none); without either, rejected.
- Summary: plain text, at most 1000 characters, without a trailing WordPress footer ("The post
  <title> appeared first on <Site>.", `boilerplate.without_wordpress_footer`): it repeats the
  headline, so it is no lead. It is removed before the summary is cut to length, so that a cut
  cannot leave half a footer. (A description that is only "Continue reading…" is replaced by the
  item's content in the parser, which still has both.)
- Aggregated items, in a feed configured `aggregator: true` (Google News, Bing News): an item that
  names its publisher (RSS `<source>`) and whose title ends with that name ("Quake hits Chile -
  Reuters") is that publisher's article: the suffix leaves the title, and the outlet and newsroom
  are the publisher's, not the aggregator's. Otherwise every publisher an aggregator relays
  counted as one newsroom (three newsrooms' story stayed a candidate), and an outlet's own article
  relayed by it counted twice (one newsroom's scoop became public). Only by the operator's word: a
  feed's own `<source>` elements must not decide how many newsrooms cover a story. The title must
  end with the name: a `<source>` naming something else (a forum's thread) changes nothing. A
  description that only repeats the headline and the publisher (Google News's) is no summary.
- Published time, first usable of: the entry's `published`, its `updated` (Atom's mandatory entry
  time: a real time of the entry, so not marked estimated), the feed's `updated`, the ingest time.
  The last two are estimates: `published_estimated=True`. Naive times are taken as UTC (what
  feed parsers produce when the feed gives no zone) and all times are converted to UTC. Times
  before 1995 (no web feeds then: placeholder dates such as 1970-01-01) count as missing. Times more
  than 10 minutes ahead of `now` (wrong zone, scheduled posts) are clamped to `now` and marked
  estimated, so that an article cannot sit on top of the trends for hours.
- An item without a time of its own whose link's path holds a full date (`/2024/01/14/` or
  `/2024-01-14/` as whole path segments; a year from 1995 to next year, a real calendar day) is
  dated no later than the end of that day, UTC (still estimated). Otherwise an old article in a
  feed polled for the first time (`/news/2024/01/14/...`) was dated by the poll and became a
  trend's newest article; dated by its URL, it is as old as it is, and ingest skips it like any
  entry older than MAX_ARTICLE_AGE_DAYS. The day is an upper bound only: a time of the item's own
  always wins, and an earlier feed `updated` stays. The end of the UTC day, because a URL's day is
  the newsroom's local one (a US evening article reads as the next UTC day). An 8-digit segment
  (`/20240114/`) is not read as a date: it is as often an article number (`/urdu/42547605`).
- Category hint: the section the publisher filed the item under (its own category terms or URL
  folders, `sections.article_section`), which says more about this article than its feed's
  `category_hint`; the feed's hint when the item names none; else the section the feed's own
  title names ("NYT > World News", `sections.feed_title_section`), for feeds nobody configured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

from headlinez.domain.boilerplate import without_wordpress_footer
from headlinez.domain.newsrooms import publisher_family_for, relayed_newsroom
from headlinez.domain.sections import article_section
from headlinez.domain.text import (
    clean_identifier,
    html_to_text,
    normalize_title,
    title_fingerprint,
    truncate_words,
)
from headlinez.domain.urls import InvalidUrlError, article_id_for, canonicalize_url
from headlinez.models import Article, FeedConfig, RawEntry, as_utc

__all__ = [
    "EARLIEST_PLAUSIBLE",
    "FUTURE_TOLERANCE",
    "MAX_SUMMARY_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_URL_CHARS",
    "EntryRejectedError",
    "entry_time",
    "newest_entries",
    "normalize_entry",
]

MAX_TITLE_CHARS = 300
MAX_SUMMARY_CHARS = 1000
MAX_GUID_CHARS = 1000
MAX_URL_CHARS = 2048  # the practical limit of links (sitemaps, browsers, CDNs): past it, junk
_FOOTER_ROOM_CHARS = MAX_TITLE_CHARS + 200
EARLIEST_PLAUSIBLE = datetime(1995, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(minutes=10)

# a space after . ! ?; none after the Chinese and Japanese stops 。！？ (their text has no spaces)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s|(?<=[\u3002\uff01\uff1f])\s?")


class EntryRejectedError(ValueError):
    """The entry cannot become an article; `reason` says why (for logs and feed health)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize_entry(
    entry: RawEntry, feed: FeedConfig, *, now: datetime, feed_updated: datetime | None,
    feed_section: str | None = None, newsrooms: Mapping[str, str] | None = None,
) -> Article:
    """Normalize `entry` of `feed` (see the module docstring); raise EntryRejectedError if unusable.
    `feed_section`: the section the feed's own title names (`sections.feed_title_section`, read
    once per feed by the caller). `newsrooms`: the configured newsroom of each outlet
    (`newsrooms.newsroom_directory` of the feed list), for the publishers an aggregator relays."""
    now_utc = as_utc(now)
    url = _canonical_link(entry, feed)
    # cut after the footer is gone: room for one (a headline and a site name) past the limit
    summary = truncate_words(without_wordpress_footer(
        html_to_text(entry.summary, MAX_SUMMARY_CHARS + _FOOTER_ROOM_CHARS)), MAX_SUMMARY_CHARS)
    title = html_to_text(entry.title, MAX_TITLE_CHARS) or _first_sentence(summary)
    if not title:
        raise EntryRejectedError("no title: neither a title nor a summary to take one from")
    outlet, family = feed.outlet, feed.publisher_family
    # only where the operator said the feed is an aggregator: a <source> is the feed's own word
    relayed = _relayed_from(title, entry.source_name) if feed.aggregator else None
    if relayed is not None:
        title, outlet = relayed
        # Google News's description is the headline again and the publisher: no lead to quote
        if normalize_title(summary) in {normalize_title(title), normalize_title(f"{title} {outlet}")}:
            summary = ""
        # the publisher's configured newsroom ("The Guardian" polled as "guardian" counts once);
        # the aggregator relaying its own newsroom's item keeps the configured family
        if publisher_family_for(outlet) != publisher_family_for(feed.outlet):
            family = relayed_newsroom(outlet, newsrooms or {})
    published, estimated = _published_time(entry, now=now_utc, feed_updated=feed_updated, url=url)
    guid = clean_identifier(entry.guid, MAX_GUID_CHARS) or None
    return Article(
        article_id=article_id_for(url),
        url=url,
        title=title,
        summary=summary,
        published=published,
        published_estimated=estimated,
        ingested_at=now_utc,
        feed_id=feed.id,
        outlet=outlet,
        publisher_family=family,
        language=feed.language,
        guid=guid,
        # The item's own section, else the feed's configured hint, else the section its title names
        category_hint=article_section(entry.categories, url) or feed.category_hint or feed_section,
        title_fingerprint=title_fingerprint(title),
    )


def _canonical_link(entry: RawEntry, feed: FeedConfig) -> str:
    candidates = [entry.link, entry.guid]
    errors: list[str] = []
    for index, candidate in enumerate(candidates):
        value = (candidate or "").strip()
        if not value:
            continue
        is_guid = index == 1
        if is_guid and not value.lower().startswith(("http://", "https://")):
            continue  # an opaque guid is an id, not a link
        if len(value) > MAX_URL_CHARS:
            errors.append(f"link longer than {MAX_URL_CHARS} characters")
            continue
        try:
            url = canonicalize_url(urljoin(str(feed.url), value))
        except (InvalidUrlError, ValueError) as exc:
            errors.append(str(exc))
            continue
        if len(url) > MAX_URL_CHARS:
            errors.append(f"link longer than {MAX_URL_CHARS} characters")
            continue
        return url
    if errors:
        raise EntryRejectedError(f"no usable link: {errors[0]}")
    raise EntryRejectedError("no usable link: entry has no link and no URL guid")


MAX_SOURCE_NAME_CHARS = 200
# How aggregators join a headline and its publisher: "Headline - Reuters", "Headline | BBC"
_SOURCE_SEPARATORS = (" - ", " \u2013 ", " \u2014 ", " | ")


def _relayed_from(title: str, source_name: str | None) -> tuple[str, str] | None:
    """(the headline without its publisher suffix, the publisher) when `title` ends with the
    `source_name` the item names; None otherwise (see the module docstring)."""
    name = html_to_text(source_name, MAX_SOURCE_NAME_CHARS)
    if not name:
        return None
    for separator in _SOURCE_SEPARATORS:
        suffix = separator + name
        if len(title) > len(suffix) and title[-len(suffix):].casefold() == suffix.casefold():
            headline = title[: -len(suffix)].rstrip()
            return (headline, name) if headline else None
    return None


def _first_sentence(summary: str) -> str:
    if not summary:
        return ""
    sentence = _SENTENCE_END.split(summary, maxsplit=1)[0].strip()
    return truncate_words(sentence, MAX_TITLE_CHARS)


def _plausible(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    try:
        utc = as_utc(value)
    except (OverflowError, ValueError):  # e.g. year 1 with a positive offset
        return None
    return utc if utc >= EARLIEST_PLAUSIBLE else None


def entry_time(entry: RawEntry) -> datetime | None:
    """The entry's own time as `normalize_entry` takes it (published, else updated), in UTC; None
    when it has none or only placeholders (before 1995). Cheap: for filters before normalization."""
    return _plausible(entry.published) or _plausible(entry.updated)


def newest_entries(entries: Sequence[RawEntry], limit: int) -> list[RawEntry]:
    """At most `limit` entries: the newest by `entry_time`, then undated ones in feed order.

    The result keeps feed order. Undated entries rank after dated ones: a feed that dates some
    items and not others lists its undated ones as extras (and normalization would date them at
    the ingest time, so they must not push out dated news).
    """
    if len(entries) <= limit:
        return list(entries)
    times = [entry_time(entry) for entry in entries]
    ranked = sorted(range(len(entries)), key=lambda i: (times[i] is None, -_timestamp(times[i]), i))
    keep = sorted(ranked[:max(limit, 0)])
    return [entries[i] for i in keep]


def _timestamp(value: datetime | None) -> float:
    return value.timestamp() if value is not None else 0.0


def _published_time(
    entry: RawEntry, *, now: datetime, feed_updated: datetime | None, url: str
) -> tuple[datetime, bool]:
    """Pick the publication time and whether it is an estimate (rules in the module docstring)."""
    for own in (entry.published, entry.updated):
        utc = _plausible(own)
        if utc is not None:
            return (now, True) if utc > now + FUTURE_TOLERANCE else (utc, False)
    estimate = _plausible(feed_updated) or now
    if estimate > now + FUTURE_TOLERANCE:
        estimate = now
    day_end = _url_day_end(url, now)
    return (min(estimate, day_end) if day_end is not None else estimate), True


# A date as whole path segments: /2024/01/14/ or /2024-01-14/ (a segment, or the path's end)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)([/-])(\d\d)\2(\d\d)(?=/|$)")


def _url_day_end(url: str, now: datetime) -> datetime | None:
    """The end (UTC) of the day the link's path names, if it names a real one from 1995 to next year."""
    match = _URL_DATE.search(urlsplit(url).path)
    if match is None:
        return None
    year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
    if not EARLIEST_PLAUSIBLE.year <= year <= now.year + 1:
        return None
    try:
        start = datetime(year, month, day, tzinfo=UTC)
    except ValueError:  # /2023/02/30/: no such day, so no date
        return None
    return start + timedelta(days=1) - timedelta(microseconds=1)
