"""The ingest fan-out: a dispatcher picks the feeds due and hands shards to workers through SQS.

Dispatch (scheduled, every 15 minutes): seed the stored feed list from `infra/feeds.yaml` (once per
file content), read the feeds (Query gsi1 `FEEDLIST`) and their states (Query gsi1 `FEEDS`), keep
the active ones that are due (`domain.feed_schedule.select_due`: adaptive interval, backoff),
shard them by host (`domain.sharding`), record the cycle with its plan (a conditional put: a
duplicate delivery of the schedule sends nothing) and enqueue one SQS message per shard, then mark
the cycle sent. A delivery whose send failed part-way leaves the cycle unsent and frees its plan:
Lambda's retry (a duplicate) claims it and sends the planned shards again. A duplicate that
overlaps a send still running (ReserveConcurrency=false) sends nothing: the plan is claimed only
once its sender gave up, or began longer ago than the dispatch's timeout (`DISPATCH_TIMEOUT`, a
sender killed by the timeout frees nothing), and one conditional update lets one delivery claim it.

Worker (SQS event source, Powertools batch processing with partial batch failures): one shard = one
`IngestService` run over its feeds at the cycle's clock, at most `max_per_host` concurrent requests
per host. A feed removed or paused since the dispatch (`headlinez feeds remove|pause` while its
shard waited in SQS) is dropped first (one BatchGetItem of the feeds' config items): polled, it
would be stored and its state item re-created, back on the feed-health list for good. The service
re-reads the states and skips feeds no longer due, so a retried shard fetches only the feeds its
failed attempt did not finish, and no other shard is retried. A shard that stopped before its time
limit with feeds left raises `ShardIncompleteError` (retried); a finished shard is recorded on the
cycle item, and the worker that finishes the cycle's last shard publishes `IngestCompleted`
(clustering runs once per cycle; its lease absorbs duplicates) and marks the cycle announced; a
retried shard whose first attempt finished the cycle but died before that mark announces it (as
does a duplicate dispatch of a cycle that had nothing due). Its counters sum the finished shard
attempts: articles a failed attempt stored before it failed are stored and clustered, not counted.
A shard that ends in the dead-letter queue never finishes its cycle: that cycle's clustering then
happens with the next cycle's (it reads every article since its checkpoint), 15 minutes later; the
DLQ alarm says so.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from pydantic import BaseModel

from headlinez.clock import UtcClock
from headlinez.domain.feed_activity import oldest_success_minutes
from headlinez.domain.feed_schedule import PollPolicy, select_due
from headlinez.domain.newsrooms import newsroom_directory
from headlinez.domain.sharding import host_of, shard_by_host
from headlinez.events import IngestCompletedDetail
from headlinez.models import FeedConfig, FeedShard
from headlinez.ports import (
    NO_TRACING,
    ArticleRepository,
    Clock,
    CompletionPublisher,
    CycleTotals,
    CycleTracker,
    FeedFetcherPort,
    FeedRegistry,
    FeedStateRepository,
    FetchOutcomeLike,
    IngestEventPublisher,
    ParseFn,
    ShardQueue,
    Tracing,
)
from headlinez.services.ingest import (
    DEFAULT_MAX_ENTRIES_PER_FEED,
    DEFAULT_TIME_MARGIN,
    IngestReport,
    IngestService,
)

logger = logging.getLogger(__name__)


DISPATCH_TIMEOUT = timedelta(seconds=120)
"""FeedDispatchFunction's Timeout (template.yaml; tests/unit/test_template.py keeps them equal): a
send that began longer ago than this is over (failed, since the cycle is not marked sent)."""


class ShardIncompleteError(RuntimeError):
    """A shard stopped at its time limit with due feeds left: the message is retried. It carries
    the report of what the shard did poll, so its articles, errors and deferred feeds are
    counted (the retry polls only the feeds left)."""

    def __init__(self, message: str, report: IngestReport) -> None:
        super().__init__(message)
        self.report = report


class EventCompletion:
    """A finished cycle becomes the `IngestCompleted` event that triggers clustering."""

    def __init__(self, publisher: IngestEventPublisher) -> None:
        self._publisher = publisher

    def cycle_completed(self, run_time: datetime, totals: CycleTotals) -> None:
        self._publisher.ingest_completed(IngestCompletedDetail(
            run_time=run_time, new_articles=totals.new_articles, feeds_fetched=totals.feeds_fetched,
            feeds_failed=totals.feeds_failed))


class DispatchReport(BaseModel):
    run_time: datetime
    feeds_stored: int = 0
    feeds_paused: int = 0
    feeds_due: int = 0
    feeds_not_due: int = 0
    seeded: int = 0
    shards: int = 0
    largest_shard: int = 0
    duplicate_cycle: bool = False
    resent: int = 0
    """Shards sent again by a duplicate delivery whose first attempt failed part-way through sending."""
    seconds: float = 0.0
    oldest_success_minutes: float | None = None
    """Minutes since the active feed with the oldest successful poll last succeeded, over every
    feed (a worker sees only its own shard, and a failing feed in backoff is in none); None when
    none ever succeeded."""


class DispatchService:
    def __init__(self, *, registry: FeedRegistry, states: FeedStateRepository, queue: ShardQueue,
                 cycles: CycleTracker, completion: CompletionPublisher | None = None,
                 seed: Sequence[FeedConfig] = (), shard_size: int = 50, max_per_host: int = 2,
                 clock: Clock | None = None, send_timeout: timedelta = DISPATCH_TIMEOUT) -> None:
        self._registry = registry
        # The wall clock (not the scheduled `now`): whether another delivery's send can still be
        # running is a question of real time.
        self._clock = clock or UtcClock()
        self._send_timeout = send_timeout
        self._states = states
        self._queue = queue
        self._cycles = cycles
        self._completion = completion
        self._seed = list(seed)
        self._shard_size = shard_size
        self._max_per_host = max_per_host

    def run(self, now: datetime) -> DispatchReport:
        started = time.perf_counter()
        report = DispatchReport(run_time=now)
        if self._seed:
            report.seeded = self._registry.seed(self._seed, now=now)
        records = self._registry.list_feeds()
        active = [r.config for r in records if not r.paused]
        report.feeds_stored, report.feeds_paused = len(records), len(records) - len(active)
        states = {s.feed_id: s for s in self._states.list_states()}
        due, not_due = select_due(active, states, now)
        report.feeds_due, report.feeds_not_due = len(due), len(not_due)
        report.oldest_success_minutes = oldest_success_minutes(
            (state.last_success_at if (state := states.get(feed.id)) else None for feed in active), now)
        groups = shard_by_host(due, self._shard_size)
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        shards = [FeedShard(run_time=now, shard_id=f"{stamp}-{index:04d}", shards_in_cycle=len(groups),
                            max_per_host=self._max_per_host, feeds=group)
                  for index, group in enumerate(groups)]
        report.shards, report.largest_shard = len(shards), max((len(g) for g in groups), default=0)
        sending_at = self._clock.now()
        if not self._cycles.start_cycle(now, shards, sending_at=sending_at):
            report.duplicate_cycle = True
            plan = self._cycles.claim_unsent_plan(now, sending_at=sending_at,
                                                  abandoned_before=sending_at - self._send_timeout)
            if plan:  # the first delivery failed part-way through sending: send its shards again
                report.resent = self._resend(now, plan, {c.id: c for c in active}, sending_at)
            else:  # sent, or being sent by a delivery that may still be running
                logger.warning("cycle already dispatched: sending nothing",
                               extra={"run_time": now.isoformat()})
            # A first delivery that found nothing due and died before announcing it
            totals = self._cycles.unannounced_totals(now)
            if totals is not None:
                announce(self._cycles, self._completion, now, totals)
        elif shards:
            self._send(now, shards, sending_at)
        else:  # nothing due: clustering still runs (re-ranking)
            announce(self._cycles, self._completion, now, CycleTotals(0, 0, 0))
        report.seconds = round(time.perf_counter() - started, 3)
        logger.info("feeds dispatched", extra=report.model_dump(mode="json"))
        return report

    def _send(self, now: datetime, shards: Sequence[FeedShard], sending_at: datetime) -> None:
        """Send the cycle's shards and mark it sent; a failed send frees the plan for a retry."""
        try:
            if shards:
                self._queue.send(shards)
        except Exception:
            logger.warning("cycle's send failed: its plan is left for a retry",
                           extra={"run_time": now.isoformat(), "shards": len(shards)})
            self._cycles.send_failed(now, sending_at=sending_at)
            raise
        self._cycles.cycle_sent(now)

    def _resend(self, now: datetime, plan: Sequence[tuple[str, list[str]]],
                configs: dict[str, FeedConfig], sending_at: datetime) -> int:
        """The planned shards, rebuilt from their feed ids, sent again (all of them: which ones
        the failed send delivered is unknown, and a shard delivered twice is harmless: its
        worker polls only feeds still due, and a shard is recorded done once). A shard whose
        feeds were all removed or paused since is recorded done, so the cycle can complete."""
        shards = []
        for shard_id, feed_ids in plan:
            feeds = [configs[feed_id] for feed_id in feed_ids if feed_id in configs]
            if feeds:
                shards.append(FeedShard(run_time=now, shard_id=shard_id, shards_in_cycle=len(plan),
                                        max_per_host=self._max_per_host, feeds=feeds))
            else:
                self._cycles.shard_done(now, shard_id, new_articles=0, fetched=0, failed=0)
        logger.warning("cycle's send had failed part-way: its shards sent again", extra={
            "run_time": now.isoformat(), "shards": len(shards)})
        self._send(now, shards, sending_at)
        return len(shards)


class HostLimitedFetcher:
    """A fetcher wrapper: at most `max_per_host` fetches of one host at a time (one event loop)."""

    def __init__(self, inner: FeedFetcherPort, max_per_host: int) -> None:
        self._inner = inner
        self._max = max_per_host
        self._slots: dict[str, asyncio.Semaphore] = {}
        self.in_flight: dict[str, int] = {}
        self.peak_per_host = 0

    async def __aenter__(self) -> Self:
        self._slots = {}  # semaphores belong to the running event loop
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self._inner.__aexit__(exc_type, exc, traceback)

    async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchOutcomeLike:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        slot = self._slots.setdefault(host, asyncio.Semaphore(self._max))
        async with slot:
            self.in_flight[host] = self.in_flight.get(host, 0) + 1
            self.peak_per_host = max(self.peak_per_host, self.in_flight[host])
            try:
                return await self._inner.fetch(url, etag=etag, last_modified=last_modified)
            finally:
                self.in_flight[host] -= 1


class FeedWorkerService:
    """Polls one shard with the ingest service (see the module docstring)."""

    def __init__(self, *, fetcher: FeedFetcherPort, parse: ParseFn, states: FeedStateRepository,
                 articles: ArticleRepository, cycles: CycleTracker, completion: CompletionPublisher | None,
                 policy: PollPolicy, concurrency: int = 16,
                 max_article_age: timedelta | None = timedelta(days=14),
                 max_entries_per_feed: int = DEFAULT_MAX_ENTRIES_PER_FEED,
                 time_margin: timedelta = DEFAULT_TIME_MARGIN, tracing: Tracing = NO_TRACING,
                 registry: FeedRegistry | None = None) -> None:
        self._fetcher = fetcher
        self._registry = registry  # None: the shard's feeds are polled as dispatched (no feed list)
        self._parse = parse
        self._states = states
        self._articles = articles
        self._cycles = cycles
        self._completion = completion
        self._policy = policy
        self._concurrency = concurrency
        self._max_article_age = max_article_age
        self._max_entries = max_entries_per_feed
        self._time_margin = time_margin
        self._tracing = tracing
        self.peak_per_host = 0
        # Called with each finished shard's report (the local stack and the benchmark sum them).
        self.listeners: list[Callable[[FeedShard, IngestReport], None]] = []

    def _newsrooms(self, feeds: Sequence[FeedConfig]) -> dict[str, str] | None:
        """The whole feed list's newsroom directory, read only for a shard with an aggregator feed
        (its relayed publishers' own feeds are in other shards); None: the shard's own feeds."""
        if self._registry is None or not any(feed.aggregator for feed in feeds):
            return None
        return newsroom_directory(record.config for record in self._registry.list_feeds())

    def process(self, shard: FeedShard, *, remaining_ms: Callable[[], int] | None = None,
                polled_at: datetime | None = None) -> IngestReport:
        """Poll the shard's due feeds at `polled_at` (default: the shard's run time); the shard
        is recorded done under its cycle's run time either way."""
        feeds = self._still_listed(shard)
        hosts = {host_of(f) for f in feeds}
        fetcher = HostLimitedFetcher(self._fetcher, shard.max_per_host)
        service = IngestService(feeds=feeds, fetcher=fetcher, parse=self._parse, states=self._states,
                                articles=self._articles, policy=self._policy, concurrency=self._concurrency,
                                max_article_age=self._max_article_age, max_entries_per_feed=self._max_entries,
                                time_margin=self._time_margin, tracing=self._tracing,
                                newsrooms=self._newsrooms(feeds))
        report = service.run(polled_at or shard.run_time, remaining_ms=remaining_ms)
        self.peak_per_host = max(self.peak_per_host, fetcher.peak_per_host)
        logger.info("shard polled", extra={
            "shard_id": shard.shard_id, "feeds": len(feeds), "hosts": len(hosts),
            "due": report.feeds_due, "fetched": report.fetched, "not_modified": report.not_modified,
            "errors": report.errors, "deferred": report.deferred, "new_articles": report.new_articles,
            "peak_per_host": fetcher.peak_per_host, "seconds": report.seconds})
        for listener in self.listeners:
            listener(shard, report)
        if report.deferred:
            raise ShardIncompleteError(
                f"shard {shard.shard_id}: {report.deferred} feeds left at the time limit", report)
        totals = self._cycles.shard_done(shard.run_time, shard.shard_id, new_articles=report.new_articles,
                                         fetched=report.fetched, failed=report.errors)
        if totals is not None:
            logger.info("ingest cycle complete", extra={"run_time": shard.run_time.isoformat(),
                                                        "shards": shard.shards_in_cycle})
            announce(self._cycles, self._completion, shard.run_time, totals)
        return report

    def _still_listed(self, shard: FeedShard) -> list[FeedConfig]:
        """The shard's feeds that are still stored and not paused (all of them without a registry)."""
        if self._registry is None:
            return list(shard.feeds)
        records = self._registry.get_feeds([f.id for f in shard.feeds])
        removed = [f.id for f in shard.feeds if f.id not in records]
        paused = [f.id for f in shard.feeds if f.id in records and records[f.id].paused]
        if removed or paused:
            logger.warning("feeds removed or paused since dispatch: not polled", extra={
                "shard_id": shard.shard_id, "removed": removed, "paused": paused})
        return [f for f in shard.feeds if f.id in records and not records[f.id].paused]


def announce(cycles: CycleTracker, completion: CompletionPublisher | None, run_time: datetime,
             totals: CycleTotals) -> None:
    """Publish a finished cycle's end, then mark it announced. After the event: a crash before
    the mark lets a retry announce it again (a second IngestCompleted is harmless: clustering
    runs under its lease, idempotently)."""
    if completion is not None:
        completion.cycle_completed(run_time, totals)
    cycles.cycle_announced(run_time)
