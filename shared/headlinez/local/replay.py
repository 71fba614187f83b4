"""Replay mode of the local stack: feeds as they looked at successive simulated times.

`headlinez up --feeds-dir DIR --replay-from T1 --replay-to T2 [--replay-step-minutes 15]`

* `FeedTimeFilter` is the `transform` of the feed-folder server: each request gets the feed
  document with only the items published up to the simulated time. It works on the bytes
  (regular expressions over `<item>`/`<entry>` elements, namespace prefixes included), so the
  rest of the document — declaration, encoding, CDATA, namespaces, even a document that is not
  well-formed — is served exactly as captured. RSS 2.0 and RSS 1.0/RDF `<item>`, Atom `<entry>`
  and JSON Feed `items` are handled; UTF-16 documents are decoded and re-encoded. An item's time
  is its `pubDate`/`published`/`dc:date`/`issued` (else `updated`/`modified`, or JSON Feed's
  `date_published`/`date_modified`); an item without a readable time is always served (the
  ingest dates it at its first sight, as it would live). A document is parsed once; each
  request only joins the byte ranges that are visible.
* `ReplayClock` is the stack's clock, set step by step by `run_replay`.
* `run_replay` steps the clock from T1 to T2 (every 15 simulated minutes by default), and at each
  step runs the ingest and cluster handlers at once — as fast as they go, not in real time — and
  prints one progress line per step (and the leading trends every simulated hour). The API
  keeps serving at T2 afterwards.

The conditional GET of the feed server still works: the ETag is computed over the filtered
document, so a feed with no new item in a step answers 304, exactly as a live feed would.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

from dateutil import parser as date_parser

from headlinez.domain.text import truncate_words
from headlinez.models import TrendState, as_utc
from headlinez.ports import Clock

DEFAULT_STEP = timedelta(minutes=15)


class ReplayHost(Protocol):
    """What a replay drives: the local stack (``headlinez.local.stack.LocalStack``)."""

    clock: Clock

    def say(self, message: str) -> None: ...

    def invoke_ingest_and_cluster(self, now: datetime) -> tuple[dict[str, Any], dict[str, Any]]: ...

    def leading_trends(self, count: int) -> list[TrendState]: ...

_ITEM_STR = r"<(?P<tag>(?:[A-Za-z_][\w.\-]*:)?(?:item|entry))(?=[\s>/])[^>]*?(?:/>|>.*?</(?P=tag)\s*>)"
_ITEM_BYTES = re.compile(_ITEM_STR.encode(), re.DOTALL)
_ITEM_TEXT = re.compile(_ITEM_STR, re.DOTALL)
_DATE_STR = (r"<(?:[\w.\-]+:)?(?P<name>pubDate|published|issued|date|updated|modified)(?:\s[^>]*)?>\s*"
             r"(?:<!\[CDATA\[)?\s*(?P<value>[^<\]]+?)\s*(?:\]\]>)?\s*</")
_DATE_BYTES = re.compile(_DATE_STR.encode(), re.IGNORECASE)
_DATE_TEXT = re.compile(_DATE_STR, re.IGNORECASE)
_PREFERRED = ("pubdate", "published", "issued", "date")


class ReplayError(ValueError):
    """The replay was asked for an impossible range or step."""


def parse_item_time(value: str) -> datetime | None:
    """A feed date (RFC 822, ISO 8601 or anything dateutil reads) in UTC; None when unreadable."""
    value = value.strip()
    if not value:
        return None
    parsed: datetime | None = None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None:
        try:
            parsed = date_parser.parse(value)
        except (ValueError, OverflowError):
            return None
    return as_utc(parsed)


def _item_time(matches: list[tuple[str, str]]) -> datetime | None:
    """Publish time from an item's date elements: published-like names first, then updated."""
    ranked = sorted(matches, key=lambda m: 0 if m[0].lower() in _PREFERRED else 1)
    for _, value in ranked:
        parsed = parse_item_time(value)
        if parsed is not None:
            return parsed
    return None


@dataclass(frozen=True, slots=True)
class _Parsed:
    """One feed document cut into pieces: fixed text and items with their publish times."""

    kind: str  # "bytes", "text" (UTF-16, re-encoded on output) or "json"
    pieces: tuple[tuple[bytes | str, datetime | None, bool], ...]  # (piece, time, is_item)
    encoding: str = ""
    json_doc: dict[str, Any] | None = None
    json_times: tuple[datetime | None, ...] = ()


def _split_bytes(body: bytes) -> _Parsed:
    pieces: list[tuple[bytes | str, datetime | None, bool]] = []
    position = 0
    for match in _ITEM_BYTES.finditer(body):
        pieces.append((body[position:match.start()], None, False))
        block = match.group(0)
        dates = [(m.group("name").decode("ascii", "replace"), m.group("value").decode("utf-8", "replace"))
                 for m in _DATE_BYTES.finditer(block)]
        pieces.append((block, _item_time(dates), True))
        position = match.end()
    pieces.append((body[position:], None, False))
    return _Parsed("bytes", tuple(pieces))


def _split_text(text: str, encoding: str) -> _Parsed:
    pieces: list[tuple[bytes | str, datetime | None, bool]] = []
    position = 0
    for match in _ITEM_TEXT.finditer(text):
        pieces.append((text[position:match.start()], None, False))
        block = match.group(0)
        dates = [(m.group("name"), m.group("value")) for m in _DATE_TEXT.finditer(block)]
        pieces.append((block, _item_time(dates), True))
        position = match.end()
    pieces.append((text[position:], None, False))
    return _Parsed("text", tuple(pieces), encoding=encoding)


def _split_json(body: bytes) -> _Parsed | None:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return None
    times = []
    for item in document["items"]:
        value = (item.get("date_published") or item.get("date_modified")) if isinstance(item, dict) else None
        times.append(parse_item_time(str(value)) if value else None)
    return _Parsed("json", (), json_doc=document, json_times=tuple(times))


def split_feed(body: bytes) -> _Parsed:
    """Cut a feed document into its items (with times) and the text around them."""
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _split_text(body.decode("utf-16"), "utf-16")
    if body.lstrip()[:1] == b"{":
        parsed = _split_json(body)
        if parsed is not None:
            return parsed
    return _split_bytes(body)


def visible_body(parsed: _Parsed, until: datetime) -> bytes:
    """The document with the items published after `until` left out."""
    if parsed.kind == "json":
        assert parsed.json_doc is not None
        document = dict(parsed.json_doc)
        items = zip(parsed.json_doc["items"], parsed.json_times, strict=True)
        document["items"] = [item for item, time in items if time is None or time <= until]
        return json.dumps(document, ensure_ascii=False).encode()
    kept = [piece for piece, time, is_item in parsed.pieces if not is_item or time is None or time <= until]
    if parsed.kind == "text":
        return "".join(str(piece) for piece in kept).encode(parsed.encoding)
    return b"".join(piece for piece in kept if isinstance(piece, bytes))


def newest_item_time(paths: Iterable[Path], not_after: datetime | None = None) -> datetime | None:
    """The newest item time of these feed files (their capture time, in effect); items dated
    after `not_after` (a feed's future-dated entries) are left out."""
    newest: datetime | None = None
    for path in paths:
        parsed = split_feed(path.read_bytes())
        times = (parsed.json_times if parsed.kind == "json"
                 else tuple(t for _, t, is_item in parsed.pieces if is_item))
        for moment in times:
            if moment is not None and (not_after is None or moment <= not_after) and (
                    newest is None or moment > newest):
                newest = moment
    return newest


class FeedTimeFilter:
    """`FeedFolderServer(transform=...)`: serve each feed as it looked at the simulated time."""

    def __init__(self, until: datetime) -> None:
        self._until = until
        self._lock = threading.Lock()
        self._parsed: dict[tuple[str, str], _Parsed] = {}

    @property
    def until(self) -> datetime:
        return self._until

    def set_time(self, until: datetime) -> None:
        self._until = until

    def __call__(self, name: str, body: bytes) -> bytes:
        digest = hashlib.sha1(body, usedforsecurity=False).hexdigest()
        with self._lock:
            parsed = self._parsed.get((name, digest))
            if parsed is None:
                parsed = split_feed(body)
                self._parsed[(name, digest)] = parsed
        return visible_body(parsed, self._until)


class ReplayClock:
    """The simulated clock of a replay: it moves only when the replay steps it."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment


def replay_steps(start: datetime, end: datetime, step: timedelta = DEFAULT_STEP) -> list[datetime]:
    """Simulated times from `start` to `end` inclusive (the last step is `end` itself)."""
    if end < start:
        raise ReplayError(f"--replay-to {end:%Y-%m-%dT%H:%MZ} is before "
                          f"--replay-from {start:%Y-%m-%dT%H:%MZ}")
    if step <= timedelta(0):
        raise ReplayError("--replay-step-minutes must be positive")
    steps: list[datetime] = []
    moment = start
    while moment < end:
        steps.append(moment)
        moment += step
    steps.append(end)
    return steps


def _leaders(stack: ReplayHost, count: int = 3) -> list[str]:
    """The top of the ranked list, as the trend page would badge it."""
    from headlinez.domain.lifecycle import badge
    from headlinez.domain.velocity import growth_since_first_seen, velocity_at

    trends = stack.leading_trends(count)
    now = stack.clock.now()
    lines = []
    for trend in trends:
        growth = growth_since_first_seen(trend, now)
        status = badge(trend.status) if trend.status else "-"
        lines.append(f"    {status:<11} {trend.source_count:>2} src  v={velocity_at(trend, now):6.2f}"
                     f" ({'' if growth is None else f'{growth:+d}%'}) {trend.category or '-':<13}"
                     f" predicts: {trend.prediction or '-':<27} {truncate_words(trend.headline, 60)}")
    return lines


def run_replay(stack: ReplayHost, steps: list[datetime], time_filter: FeedTimeFilter,
               clock: ReplayClock, *, should_stop: Callable[[], bool] = lambda: False,
               out: TextIO | None = None) -> int:
    """Step the simulated clock through `steps`, running ingest + cluster at each; return steps run."""
    say = stack.say if out is None else (lambda message: print(message, file=out, flush=True))
    say(f"  replay: {len(steps)} steps from {steps[0]:%Y-%m-%d %H:%M}Z to {steps[-1]:%Y-%m-%d %H:%M}Z")
    last_hour: datetime | None = None
    done = 0
    for index, moment in enumerate(steps, start=1):
        if should_stop():
            break
        clock.set(moment)
        time_filter.set_time(moment)
        ingest, cluster = stack.invoke_ingest_and_cluster(moment)
        done += 1
        say(f"[replay {moment:%Y-%m-%d %H:%M}Z] step {index}/{len(steps)}: "
            f"+{ingest.get('new_articles', 0)} articles ({ingest.get('fetched', 0)} feeds changed, "
            f"{ingest.get('not_modified', 0)} not modified); "
            f"{cluster.get('trends_new', 0)} new trends, {cluster.get('open_trends', 0)} open "
            f"({cluster.get('multi_source_trends', 0)} with 2+ sources); predictions "
            f"{cluster.get('predictions_recorded', 0)} recorded, "
            f"{cluster.get('predictions_scored', 0)} scored")
        hour = moment.replace(minute=0, second=0, microsecond=0)
        if last_hour is None or hour > last_hour or index == len(steps):
            last_hour = hour
            for line in _leaders(stack):
                say(line)
    return done


__all__ = ["FeedTimeFilter", "ReplayClock", "ReplayError", "ReplayHost", "newest_item_time",
           "parse_item_time", "replay_steps", "run_replay", "split_feed", "visible_body"]
