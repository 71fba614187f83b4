"""Ingest: poll due feeds, parse, normalize, dedupe and store new articles.

Orchestration only: fetching, parsing and storage are injected (adapters behind Protocols),
so the same service runs in Lambda, in the local stack and in tests with fakes.

Bounded work per run (a hostile or broken feed must not take the run down with it):
- at most `max_entries_per_feed` entries of one poll are kept, the newest (`newest_entries`);
- each feed is stored as soon as its fetch completes: its new articles, then its state
  (validators, backoff, counters) in batches of `STATE_WRITE_BATCH` or every
  `STATE_WRITE_SECONDS`, so a run that dies keeps what it finished;
- with a time source (the Lambda context's `get_remaining_time_in_millis`), the run stops
  `time_margin` before the end: no fetch starts after that, fetches in flight are cancelled, the
  states are written, and the feeds left over (`deferred`) stay due for the next run, which
  polls the feeds that waited longest first.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from headlinez.domain.dedupe import (
    DedupeKey,
    art_key,
    dedupe_keys,
    dedupe_within_batch,
    is_duplicate,
    stored_since_by,
    url_key,
)
from headlinez.domain.feed_activity import count_ingested, oldest_success_minutes
from headlinez.domain.feed_schedule import (
    PollPolicy,
    after_error,
    after_success,
    declared_interval,
    observe,
    select_due,
)
from headlinez.domain.newsrooms import newsroom_directory
from headlinez.domain.normalize import EntryRejectedError, entry_time, newest_entries, normalize_entry
from headlinez.domain.sections import feed_title_section
from headlinez.models import Article, FeedConfig, FeedState, RawEntry
from headlinez.ports import (
    NO_TRACING,
    ArticleRepository,
    FeedFetcherPort,
    FeedStateRepository,
    FetchOutcomeLike,
    ParseFn,
    Tracing,
)

logger = logging.getLogger(__name__)

FeedOutcomeKind = Literal["new", "not_modified", "unchanged", "error", "skipped", "deferred"]
"""`skipped`: not due this run; `deferred`: due, but left for the next run by the time limit."""

DEFAULT_MAX_ENTRIES_PER_FEED = 200
DEFAULT_TIME_MARGIN = timedelta(seconds=20)
STATE_WRITE_BATCH = 25  # one BatchWriteItem
STATE_WRITE_SECONDS = 5.0  # ... or sooner when states wait this long
# The traced steps of a run, in order (headlinez.ports.Tracing). Articles are stored while the feeds
# are polled, as each feed completes; save_states writes the feed states still waiting at the end.
INGEST_STEPS = ("ingest.load_states", "ingest.poll_feeds", "ingest.save_states")


class FeedResult(BaseModel):
    feed_id: str
    outlet: str
    outcome: FeedOutcomeKind
    status: int | None = None
    entries: int = 0
    new_articles: int = 0
    rejected_entries: int = 0
    stale_entries: int = 0
    capped_entries: int = 0
    duplicates: int = 0
    parser: str | None = None
    error: str | None = None
    # the fetcher's ErrorKind, "no_response", "unparseable" or "store" (metrics)
    error_kind: str | None = None
    seconds: float = 0.0


class IngestReport(BaseModel):
    started_at: datetime
    seconds: float = 0.0
    feeds_total: int = 0
    feeds_due: int = 0
    fetched: int = 0
    not_modified: int = 0
    unchanged: int = 0
    errors: int = 0
    deferred: int = 0
    entries: int = 0
    rejected_entries: int = 0
    stale_entries: int = 0
    capped_entries: int = 0
    duplicates: int = 0
    new_articles: int = 0
    oldest_success_minutes: float | None = Field(
        default=None, description="Minutes since the feed with the oldest successful poll (a 200 or a "
        "304) last succeeded, this run included; feeds that never succeeded are left out.")
    results: list[FeedResult] = Field(default_factory=list)


Polled = tuple[FeedConfig, FeedResult, FeedState, list[Article]]
# What a feed's own data can raise on the way to storage (UnicodeError is a ValueError); storage
# clients raise their own errors, which are not these
_DATA_FAULTS = (ValueError, TypeError, KeyError, IndexError, AttributeError)


class _Deadline:
    """When the run must stop: `margin` before the Lambda context's remaining time runs out."""

    def __init__(self, remaining_ms: Callable[[], int] | None, margin: timedelta) -> None:
        self._remaining_ms = remaining_ms
        self._margin = margin.total_seconds()

    def seconds_left(self) -> float | None:
        """Seconds until the stop (negative once passed); None without a time source."""
        if self._remaining_ms is None:
            return None
        return self._remaining_ms() / 1000 - self._margin

    def passed(self) -> bool:
        left = self.seconds_left()
        return left is not None and left <= 0


class _StateWriter:
    """Feed states written as feeds finish, batched (one BatchWriteItem per batch)."""

    def __init__(self, repository: FeedStateRepository) -> None:
        self._repository = repository
        self._pending: list[FeedState] = []
        self._since = time.monotonic()
        self.written = 0

    def add(self, state: FeedState) -> None:
        if not self._pending:
            self._since = time.monotonic()
        self._pending.append(state)
        if len(self._pending) >= STATE_WRITE_BATCH or time.monotonic() - self._since >= STATE_WRITE_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._repository.put_states(self._pending)
            self.written += len(self._pending)
            self._pending = []


class IngestService:
    def __init__(self, *, feeds: Sequence[FeedConfig], fetcher: FeedFetcherPort, parse: ParseFn,
                 states: FeedStateRepository, articles: ArticleRepository,
                 policy: PollPolicy | None = None, concurrency: int = 16,
                 max_article_age: timedelta | None = timedelta(days=14),
                 max_entries_per_feed: int = DEFAULT_MAX_ENTRIES_PER_FEED,
                 time_margin: timedelta = DEFAULT_TIME_MARGIN,
                 on_feed_done: Callable[[FeedResult], None] | None = None,
                 tracing: Tracing = NO_TRACING, newsrooms: Mapping[str, str] | None = None) -> None:
        if max_entries_per_feed < 1:
            raise ValueError("max_entries_per_feed must be at least 1")
        self._feeds = list(feeds)
        self._fetcher = fetcher
        self._parse = parse
        self._states = states
        self._articles = articles
        self._policy = policy or PollPolicy()
        self._concurrency = concurrency
        self._max_article_age = max_article_age
        self._max_entries = max_entries_per_feed
        self._time_margin = time_margin
        self._on_feed_done = on_feed_done
        self._tracing = tracing
        # the configured newsroom of each outlet, for the publishers an aggregator feed relays
        # (default: this run's own feeds, the whole list when one function polls them all; none
        # without an aggregator feed, the only reader)
        self._newsrooms = (dict(newsrooms) if newsrooms is not None
                           else newsroom_directory(self._feeds) if any(f.aggregator for f in self._feeds)
                           else {})

    def run(self, now: datetime, *, remaining_ms: Callable[[], int] | None = None) -> IngestReport:
        """One run at `now`; `remaining_ms` (the Lambda context's `get_remaining_time_in_millis`)
        bounds it: the run stops `time_margin` before that reaches 0."""
        return asyncio.run(self.run_async(now, remaining_ms=remaining_ms))

    async def run_async(self, now: datetime, *, remaining_ms: Callable[[], int] | None = None
                        ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport(started_at=now, feeds_total=len(self._feeds))
        step = self._tracing.segment
        with step("ingest.load_states"):
            states = self._states.get_states([f.id for f in self._feeds])
        due, _ = select_due(self._feeds, states, now)  # never polled, then the longest waiting first
        report.feeds_due = len(due)
        deadline = _Deadline(remaining_ms, self._time_margin)
        writer = _StateWriter(self._states)
        per_feed: dict[str, FeedResult] = {}
        try:
            with step("ingest.poll_feeds"):
                async with self._fetcher:  # one connection pool per run
                    await self._poll_all(due, states=states, now=now, deadline=deadline, writer=writer,
                                         per_feed=per_feed)
        finally:
            with step("ingest.save_states"):
                writer.flush()  # even when a write failed: the feeds finished so far keep their state
        self._finish(report, per_feed, {f.id for f in due}, started)
        report.oldest_success_minutes = oldest_success_minutes(_last_successes(report.results, states, now),
                                                               now)
        return report

    async def _poll_all(self, due: Sequence[FeedConfig], *, states: dict[str, FeedState], now: datetime,
                        deadline: _Deadline, writer: _StateWriter, per_feed: dict[str, FeedResult]) -> None:
        """Fetch the due feeds concurrently and store each as it completes, until the deadline."""
        semaphore = asyncio.Semaphore(self._concurrency)

        async def poll(feed: FeedConfig) -> Polled | None:
            state = states.get(feed.id) or FeedState(feed_id=feed.id, url=str(feed.url), outlet=feed.outlet)
            async with semaphore:
                if deadline.passed():
                    return None  # deferred: no fetch starts this close to the end
                t0 = time.perf_counter()
                try:
                    outcome: FetchOutcomeLike = await self._fetcher.fetch(
                        str(feed.url), etag=state.etag, last_modified=state.last_modified)
                except Exception as exc:  # a fetcher bug on one feed's answer must not stop every feed
                    logger.exception("feed fetch raised", extra={"feed_id": feed.id})
                    outcome = _FailedFetch(error=f"fetch failed: {type(exc).__name__}: {exc}")
            result, new_state, articles = self._process(feed, state, outcome, now)
            result.seconds = round(time.perf_counter() - t0, 3)
            return feed, result, new_state, articles

        pending: set[asyncio.Task[Polled | None]] = {asyncio.ensure_future(poll(f)) for f in due}
        try:
            while pending and not deadline.passed():
                done, pending = await asyncio.wait(pending, timeout=deadline.seconds_left(),
                                                   return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    polled = task.result()
                    if polled is not None and not deadline.passed():
                        self._store_guarded(polled, now, writer, per_feed, states.get(polled[0].id))
        finally:
            for task in pending:
                task.cancel()  # fetches in flight at the stop: their feeds are deferred
            await asyncio.gather(*pending, return_exceptions=True)

    def _store_guarded(self, polled: Polled, now: datetime, writer: _StateWriter,
                       per_feed: dict[str, FeedResult], previous: FeedState | None) -> None:
        """`_store_feed`, where a fault in one feed's own data fails this feed only: raised, it
        stopped the run, cancelled every fetch in flight, wrote no feed's state, and so failed
        again at every retry (a lone surrogate in a GUID did). The feed keeps its old validators
        (the next poll reads the whole document again, so nothing it held is skipped) and backs
        off like any failed poll. A storage error still fails the run: the queue or the next run
        retries it, and a throttled table is no fault of the feed."""
        feed, result, _, _ = polled
        try:
            self._store_feed(polled, now, writer, per_feed, previous)
        except _DATA_FAULTS as exc:  # see above
            logger.exception("feed store failed", extra={"feed_id": feed.id})
            reason = f"store failed: {type(exc).__name__}: {str(exc)[:200]}"
            before = previous or FeedState(feed_id=feed.id, url=str(feed.url), outlet=feed.outlet)
            writer.add(after_error(before, now, reason, self._policy))
            per_feed[feed.id] = result.model_copy(update={
                "outcome": "error", "error": reason, "error_kind": "store", "new_articles": 0})

    def _store_feed(self, polled: Polled, now: datetime, writer: _StateWriter,
                    per_feed: dict[str, FeedResult], previous: FeedState | None) -> None:
        """Store one finished feed: its new articles, then its state with the feed-health counters
        (queued for the next batch). The counters also take the articles this feed stored after
        its `previous` recorded poll that no poll counted (a run that died before its state write,
        or one that overlapped this one), so a retry's counts are what one clean run's would be."""
        feed, result, state, articles = polled
        uncounted = 0
        if articles:
            since = previous.last_attempt_at if previous is not None else None
            written, uncounted = self._store(articles, feed.id, since)
            result.new_articles = len(written)
            result.duplicates = len(articles) - len(written)
        counted = result.new_articles + uncounted
        writer.add(state.model_copy(update={
            "articles_last_poll": counted,
            "articles_by_hour": count_ingested(state.articles_by_hour, now, counted)}))
        per_feed[feed.id] = result

    def _finish(self, report: IngestReport, per_feed: dict[str, FeedResult], due: set[str],
                started: float) -> None:
        for feed in self._feeds:
            result = per_feed.get(feed.id) or FeedResult(
                feed_id=feed.id, outlet=feed.outlet, outcome="deferred" if feed.id in due else "skipped")
            report.results.append(result)
            self._count(report, result)
            if self._on_feed_done:
                self._on_feed_done(result)
        report.seconds = round(time.perf_counter() - started, 3)
        if report.deferred:
            logger.warning("ingest stopped before the time limit", extra={
                "feeds_deferred": report.deferred, "feeds_due": report.feeds_due,
                "margin_seconds": self._time_margin.total_seconds(), "seconds": report.seconds})
        logger.info("ingest finished", extra={
            "feeds_due": report.feeds_due, "fetched": report.fetched, "not_modified": report.not_modified,
            "unchanged": report.unchanged, "errors": report.errors, "deferred": report.deferred,
            "new_articles": report.new_articles, "duplicates": report.duplicates,
            "capped_entries": report.capped_entries, "seconds": report.seconds})

    @staticmethod
    def _count(report: IngestReport, result: FeedResult) -> None:
        report.entries += result.entries
        report.rejected_entries += result.rejected_entries
        report.stale_entries += result.stale_entries
        report.capped_entries += result.capped_entries
        report.duplicates += result.duplicates
        report.new_articles += result.new_articles
        if result.outcome == "new":
            report.fetched += 1
        elif result.outcome == "not_modified":
            report.not_modified += 1
        elif result.outcome == "unchanged":
            report.fetched += 1
            report.unchanged += 1
        elif result.outcome == "error":
            report.errors += 1
        elif result.outcome == "deferred":
            report.deferred += 1

    def _process(self, feed: FeedConfig, state: FeedState, outcome: FetchOutcomeLike, now: datetime
                 ) -> tuple[FeedResult, FeedState, list[Article]]:
        result = FeedResult(feed_id=feed.id, outlet=feed.outlet, outcome="error", status=outcome.status)
        state = state.model_copy(update={"url": str(feed.url), "outlet": feed.outlet,
                                         "last_status": outcome.status})
        if outcome.error is not None or outcome.status is None:
            reason = outcome.error or "no response"
            result.error = reason
            result.error_kind = outcome.error_kind or "no_response"
            # one "feed failed" line per failed feed, with the kind the metric counts; the
            # fetcher's own "feed fetch failed" line has the same keys, with feed_url for feed_id
            logger.warning("feed failed", extra={"feed_id": feed.id, "error": reason,
                                                 "error_kind": result.error_kind,
                                                 "http_status": outcome.status})
            return result, after_error(state, now, reason, self._policy, outcome.retry_after_seconds), []
        if outcome.status == 304:
            result.outcome = "not_modified"
            state = state.model_copy(update={"not_modified_count": state.not_modified_count + 1})
            return result, after_success(state, now, self._policy), []
        body = outcome.body or b""
        digest = hashlib.sha256(body).hexdigest()
        validators = {"etag": outcome.etag, "last_modified": outcome.last_modified, "body_sha256": digest}
        if digest == state.body_sha256:
            result.outcome = "unchanged"
            return result, after_success(state.model_copy(update=validators), now, self._policy), []
        try:
            # Relative links resolve against where the feed really came from (after redirects).
            parsed = self._parse(body, content_type=outcome.content_type,
                                 url=outcome.final_url or str(feed.url))
        except Exception as exc:  # a broken feed is a per-feed error, never a crashed run
            reason = f"{type(exc).__name__}: {exc}"
            result.error = reason
            result.error_kind = "unparseable"
            logger.warning("feed failed", extra={"feed_id": feed.id, "error": reason,
                                                 "error_kind": result.error_kind,
                                                 "http_status": outcome.status})
            return result, after_error(state, now, reason, self._policy), []
        entries = newest_entries(parsed.entries, self._max_entries)
        result.capped_entries = len(parsed.entries) - len(entries)
        if result.capped_entries:
            logger.info("feed capped", extra={"feed_id": feed.id, "entries": len(parsed.entries),
                                               "kept": len(entries)})
        articles = self._articles_of(entries, feed, parsed.updated, now, result,
                                     feed_section=feed_title_section(parsed.title))
        articles, state = _undated_once(articles, state)
        result.outcome = "new"
        result.entries = len(parsed.entries)
        result.parser = parsed.parser
        if self._policy.adaptive:  # the fan-out's adaptive polling: the feed's update interval
            state = observe(state, entry_times=[t for e in parsed.entries if (t := entry_time(e))],
                            declared=declared_interval(body, outcome.cache_max_age),
                            policy=self._policy)
        return result, after_success(state.model_copy(update=validators), now, self._policy), articles

    def _articles_of(self, entries: Sequence[RawEntry], feed: FeedConfig, feed_updated: datetime | None,
                     now: datetime, result: FeedResult, *, feed_section: str | None = None) -> list[Article]:
        articles: list[Article] = []
        oldest = now - self._max_article_age if self._max_article_age is not None else None
        for entry in entries:
            # The time normalize_entry would use; placeholders (1970-01-01) count as missing here
            # too, so they are dated by normalization, never mistaken for archive items.
            own_time = entry_time(entry)
            if oldest is not None and own_time is not None and own_time < oldest:
                result.stale_entries += 1  # decided before the costly normalization
                continue
            try:
                article = normalize_entry(entry, feed, now=now, feed_updated=feed_updated,
                                          feed_section=feed_section, newsrooms=self._newsrooms)
            except EntryRejectedError:
                result.rejected_entries += 1
                continue
            # Archive items (podcast back catalogues, year-old posts) would expire at once and can
            # never join a live trend: skip them instead of storing and re-checking them.
            if oldest is not None and article.published < oldest:
                result.stale_entries += 1
                continue
            articles.append(article)
        return articles

    def _store(self, articles: Sequence[Article], feed_id: str, since: datetime | None
               ) -> tuple[list[Article], int]:
        """Store one feed's articles that are new (within the feed, then against storage); return
        those written and how many others this feed stored after `since` (see `_store_feed`).

        An article already stored whose other dedupe keys are missing (a run died between the
        article and its aliases) gets its aliases back, uncounted, so the newsroom's other feeds
        find it again by title or GUID."""
        unique = dedupe_within_batch(articles)
        keys = [key for article in unique for key in dedupe_keys(article)]
        existing = self._trusted(keys, self._articles.existing_keys(keys)) if keys else {}
        fresh = [a for a in unique if not is_duplicate(a, existing)]
        unaliased = [a for a in unique if art_key(a) in existing
                     and any(key not in existing for key in dedupe_keys(a))]
        if unaliased:
            self._articles.restore_aliases(unaliased)
        uncounted = sum(1 for a in unique if (record := existing.get(art_key(a))) is not None
                        and stored_since_by(record, feed_id, since))
        written = self._articles.save_new_articles(fresh) if fresh else []
        return written, uncounted

    def _trusted(self, keys: Sequence[DedupeKey], existing: Mapping[DedupeKey, Mapping[str, Any]]
                 ) -> dict[DedupeKey, Mapping[str, Any]]:
        """The found keys without aliases whose article is not stored. Aliases are written before
        their article (`save_new_articles`), so a run that died in between left an alias to
        nothing: trusted, it would hide that article from every retry. One extra BatchGetItem,
        only for aliases of articles not looked up already (a headline another URL has)."""
        asked = {key.value for key in keys if key.kind == "url"}
        stored = {key.value for key in existing if key.kind == "url"}
        targets = {str(record.get("article_id")) for key, record in existing.items() if key.kind != "url"}
        unknown = targets - asked
        if unknown:
            stored |= {key.value for key in self._articles.existing_keys(
                [url_key(article_id) for article_id in sorted(unknown)])}
        orphans = targets - stored
        if orphans:
            logger.info("dedupe aliases without their article ignored", extra={"articles": sorted(orphans)})
        return {key: record for key, record in existing.items()
                if key.kind == "url" or str(record.get("article_id")) not in orphans}


_SUCCESSFUL_OUTCOMES = frozenset({"new", "not_modified", "unchanged"})


def _last_successes(results: Sequence[FeedResult], states: dict[str, FeedState],
                    now: datetime) -> list[datetime | None]:
    """When each polled feed last succeeded, this run included (`now` for a success now)."""
    return [now if result.outcome in _SUCCESSFUL_OUTCOMES
            else (state.last_success_at if (state := states.get(result.feed_id)) is not None else None)
            for result in results]


UNDATED_ID_CHARS = 16


def _undated_once(articles: list[Article], state: FeedState) -> tuple[list[Article], FeedState]:
    """Drop the undated entries the feed already listed at its last parsed poll, and remember the
    ones it lists now. An entry without a date is dated by the poll, so once its dedupe keys
    expired (ARTICLE_TTL_DAYS) it came back as news every 14 days for as long as the feed kept
    it (an evergreen explainer, a standing page)."""
    seen = set(state.undated_ids)
    listed = [a.article_id[:UNDATED_ID_CHARS] for a in articles if a.published_estimated]
    kept = [a for a in articles if not (a.published_estimated and a.article_id[:UNDATED_ID_CHARS] in seen)]
    if listed or state.undated_ids:
        state = state.model_copy(update={"undated_ids": list(dict.fromkeys(listed))[:500]})
    return kept, state


@dataclass(frozen=True)
class _FailedFetch:
    """The outcome of a fetch that raised instead of answering: a per-feed error, with backoff."""

    error: str
    error_kind: str = "network"
    status: int | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    retry_after_seconds: float | None = None
    content_type: str | None = None
    cache_max_age: float | None = None
