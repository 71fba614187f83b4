"""Ingest: poll due feeds, parse, normalize, dedupe and store new articles.

Orchestration only: fetching, parsing and storage are injected (adapters behind Protocols),
so the same service runs in Lambda, in the local stack and in tests with fakes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from headlinez.domain.dedupe import dedupe_keys, dedupe_within_batch, is_duplicate
from headlinez.domain.feed_schedule import PollPolicy, after_error, after_success, is_due
from headlinez.domain.normalize import EntryRejectedError, entry_time, normalize_entry
from headlinez.models import Article, FeedConfig, FeedState, RawEntry
from headlinez.ports import ArticleRepository, FeedStateRepository

logger = logging.getLogger(__name__)

FeedOutcomeKind = Literal["new", "not_modified", "unchanged", "error", "skipped"]


class FetchOutcomeLike(Protocol):
    @property
    def status(self) -> int | None: ...
    @property
    def body(self) -> bytes | None: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def final_url(self) -> str | None: ...
    @property
    def retry_after_seconds(self) -> float | None: ...
    @property
    def content_type(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def error_kind(self) -> str | None: ...


class FeedFetcherPort(Protocol):
    async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchOutcomeLike: ...


class ParsedFeedLike(Protocol):
    @property
    def entries(self) -> Sequence[RawEntry]: ...
    @property
    def updated(self) -> datetime | None: ...
    @property
    def parser(self) -> str: ...


ParseFn = Callable[..., ParsedFeedLike]


class FeedResult(BaseModel):
    feed_id: str
    outlet: str
    outcome: FeedOutcomeKind
    status: int | None = None
    entries: int = 0
    new_articles: int = 0
    rejected_entries: int = 0
    stale_entries: int = 0
    parser: str | None = None
    error: str | None = None
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
    entries: int = 0
    rejected_entries: int = 0
    stale_entries: int = 0
    duplicates: int = 0
    new_articles: int = 0
    results: list[FeedResult] = Field(default_factory=list)


class IngestService:
    def __init__(self, *, feeds: Sequence[FeedConfig], fetcher: FeedFetcherPort, parse: ParseFn,
                 states: FeedStateRepository, articles: ArticleRepository,
                 policy: PollPolicy | None = None, concurrency: int = 16,
                 max_article_age: timedelta | None = timedelta(days=14),
                 on_feed_done: Callable[[FeedResult], None] | None = None) -> None:
        self._feeds = list(feeds)
        self._fetcher = fetcher
        self._parse = parse
        self._states = states
        self._articles = articles
        self._policy = policy or PollPolicy()
        self._concurrency = concurrency
        self._max_article_age = max_article_age
        self._on_feed_done = on_feed_done

    def run(self, now: datetime) -> IngestReport:
        return asyncio.run(self.run_async(now))

    async def run_async(self, now: datetime) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport(started_at=now, feeds_total=len(self._feeds))
        states = self._states.get_states([f.id for f in self._feeds])
        due = [f for f in self._feeds if is_due(states.get(f.id), now)]
        report.feeds_due = len(due)
        semaphore = asyncio.Semaphore(self._concurrency)

        async def poll(feed: FeedConfig) -> tuple[FeedConfig, FeedResult, FeedState, list[Article]]:
            state = states.get(feed.id) or FeedState(feed_id=feed.id, url=str(feed.url), outlet=feed.outlet)
            async with semaphore:
                t0 = time.perf_counter()
                outcome = await self._fetcher.fetch(str(feed.url), etag=state.etag,
                                                    last_modified=state.last_modified)
            result, new_state, articles = self._process(feed, state, outcome, now)
            result.seconds = round(time.perf_counter() - t0, 3)
            return feed, result, new_state, articles

        collected: list[Article] = []
        new_states: list[FeedState] = []
        per_feed: dict[str, FeedResult] = {}
        async with contextlib.AsyncExitStack() as session:
            if isinstance(self._fetcher, contextlib.AbstractAsyncContextManager):
                await session.enter_async_context(self._fetcher)  # one connection pool per run
            for next_done in asyncio.as_completed([poll(f) for f in due]):
                feed, result, new_state, articles = await next_done
                per_feed[feed.id] = result
                new_states.append(new_state)
                collected.extend(articles)

        stored = self._store(collected, report)
        for article in stored:
            per_feed[article.feed_id].new_articles += 1
        for feed_state in new_states:
            result = per_feed[feed_state.feed_id]
            feed_state.articles_last_poll = result.new_articles
        self._states.put_states(new_states)

        for feed in self._feeds:
            result = per_feed.get(feed.id) or FeedResult(
                feed_id=feed.id, outlet=feed.outlet, outcome="skipped")
            report.results.append(result)
            self._count(report, result)
            if self._on_feed_done:
                self._on_feed_done(result)
        report.seconds = round(time.perf_counter() - started, 3)
        logger.info("ingest finished", extra={
            "feeds_due": report.feeds_due, "fetched": report.fetched, "not_modified": report.not_modified,
            "unchanged": report.unchanged, "errors": report.errors, "new_articles": report.new_articles,
            "duplicates": report.duplicates, "seconds": report.seconds})
        return report

    @staticmethod
    def _count(report: IngestReport, result: FeedResult) -> None:
        report.entries += result.entries
        report.rejected_entries += result.rejected_entries
        report.stale_entries += result.stale_entries
        if result.outcome == "new":
            report.fetched += 1
        elif result.outcome == "not_modified":
            report.not_modified += 1
        elif result.outcome == "unchanged":
            report.fetched += 1
            report.unchanged += 1
        elif result.outcome == "error":
            report.errors += 1

    def _process(self, feed: FeedConfig, state: FeedState, outcome: FetchOutcomeLike, now: datetime
                 ) -> tuple[FeedResult, FeedState, list[Article]]:
        result = FeedResult(feed_id=feed.id, outlet=feed.outlet, outcome="error", status=outcome.status)
        state = state.model_copy(update={"url": str(feed.url), "outlet": feed.outlet,
                                         "last_status": outcome.status})
        if outcome.error is not None or outcome.status is None:
            reason = outcome.error or "no response"
            result.error = reason
            logger.warning("feed failed", extra={"feed_id": feed.id, "reason": reason,
                                                 "kind": outcome.error_kind, "status": outcome.status})
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
            logger.warning("feed unparseable", extra={"feed_id": feed.id, "reason": reason})
            return result, after_error(state, now, reason, self._policy), []
        articles: list[Article] = []
        oldest = now - self._max_article_age if self._max_article_age is not None else None
        for entry in parsed.entries:
            # The time normalize_entry would use; placeholders (1970-01-01) count as missing here
            # too, so they are dated by normalization, never mistaken for archive items.
            own_time = entry_time(entry)
            if oldest is not None and own_time is not None and own_time < oldest:
                result.stale_entries += 1  # decided before the costly normalization
                continue
            try:
                article = normalize_entry(entry, feed, now=now, feed_updated=parsed.updated)
            except EntryRejectedError:
                result.rejected_entries += 1
                continue
            # Archive items (podcast back catalogues, year-old posts) would expire at once and can
            # never join a live trend: skip them instead of storing and re-checking them.
            if oldest is not None and article.published < oldest:
                result.stale_entries += 1
                continue
            articles.append(article)
        result.outcome = "new"
        result.entries = len(parsed.entries)
        result.parser = parsed.parser
        return result, after_success(state.model_copy(update=validators), now, self._policy), articles

    def _store(self, collected: Sequence[Article], report: IngestReport) -> list[Article]:
        unique = dedupe_within_batch(collected)
        keys = [key for article in unique for key in dedupe_keys(article)]
        existing = self._articles.existing_keys(keys) if keys else {}
        fresh = [a for a in unique if not is_duplicate(a, existing)]
        written = self._articles.save_new_articles(fresh) if fresh else []
        report.duplicates = len(collected) - len(written)
        report.new_articles = len(written)
        return written
