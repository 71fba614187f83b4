"""IngestService with in-memory fakes: outcomes per feed, dedupe, backoff, idempotent re-runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Self

import pytest
from tests.fakes import FetchOutcome, InMemoryArticleRepository, InMemoryFeedStateRepository, ParsedFeed

from headlinez.domain.feed_schedule import PollPolicy
from headlinez.models import Article, FeedConfig, FeedState, RawEntry
from headlinez.services.ingest import STATE_WRITE_BATCH, IngestService
from headlinez.settings import IngestSettings

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)






class FakeFetcher:
    def __init__(self, outcomes: Mapping[str, FetchOutcome]) -> None:
        self.outcomes = dict(outcomes)
        self.calls: list[tuple[str, str | None]] = []
        self.sessions = 0  # runs that entered the fetcher (the port's async context manager)

    async def __aenter__(self) -> Self:
        self.sessions += 1
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchOutcome:
        self.calls.append((url, etag))
        outcome = self.outcomes[url]
        if etag is not None and outcome.etag == etag:
            return FetchOutcome(status=304, body=None, etag=etag)
        return outcome


class MemoryStore(InMemoryFeedStateRepository, InMemoryArticleRepository):
    """Feed states and articles in one store, as DynamoStore keeps them in one table."""

    def __init__(self) -> None:
        InMemoryFeedStateRepository.__init__(self)
        InMemoryArticleRepository.__init__(self)


def feed(n: int, family: str | None = None) -> FeedConfig:
    return FeedConfig(id=f"feed-{n}", url=f"https://feeds.example.com/{n}.xml",  # type: ignore[arg-type]
                      outlet=f"Outlet {n}", publisher_family=family or f"family-{n}")


def entry(slug: str, title: str, minutes_ago: int = 10) -> RawEntry:
    return RawEntry(title=title, link=f"https://news.example.com/{slug}?utm_source=rss",
                    guid=slug, summary=f"<p>{title} &amp; more</p>",
                    published=NOW - timedelta(minutes=minutes_ago))


def make_service(feeds: list[FeedConfig], outcomes: Mapping[str, FetchOutcome], parsed: Mapping[bytes, Any],
                 store: MemoryStore) -> tuple[IngestService, FakeFetcher]:
    fetcher = FakeFetcher(outcomes)

    def parse(body: bytes, *, content_type: str | None, url: str) -> Any:
        result = parsed[body]
        if isinstance(result, Exception):
            raise result
        return result

    service = IngestService(feeds=feeds, fetcher=fetcher, parse=parse, states=store, articles=store,
                            policy=PollPolicy(min_interval=timedelta(minutes=10)))
    return service, fetcher


def test_new_articles_are_stored_once_across_feeds_and_reruns() -> None:
    # Given two feeds of one newsroom carrying the same story, and a third newsroom
    feeds = [feed(1, "bbc"), feed(2, "bbc"), feed(3)]
    shared = entry("iran-talks", "Iran and US resume talks in Geneva")
    outcomes = {str(f.url): FetchOutcome(body=f"body-{i}".encode(), etag=f'"e{i}"')
                for i, f in enumerate(feeds)}
    parsed = {
        b"body-0": ParsedFeed([shared, entry("a", "Storm hits coast")]),
        b"body-1": ParsedFeed([shared]),
        b"body-2": ParsedFeed([entry("b", "Markets rally on rate hopes"), RawEntry(title="no link")]),
    }
    store = MemoryStore()
    service, fetcher = make_service(feeds, outcomes, parsed, store)

    # When ingest runs
    report = service.run(NOW)

    # Then each article is stored once, the linkless entry is rejected, per-feed results are kept
    assert report.new_articles == 3
    assert report.duplicates == 1
    assert report.rejected_entries == 1
    assert {r.outcome for r in report.results} == {"new"}
    assert all(a.url.startswith("https://news.example.com/") and "utm_" not in a.url
               for a in store.articles.values())

    # When it runs again 15 minutes later with nothing changed
    again = service.run(NOW + timedelta(minutes=15))
    # Then every feed answers 304 (the stored ETag was sent) and nothing new is stored
    assert again.not_modified == 3
    assert again.new_articles == 0
    assert all(etag is not None for _, etag in fetcher.calls[3:])
    # and each run entered the fetcher once (the port's session: one connection pool per run)
    assert fetcher.sessions == 2


def test_the_oldest_success_is_the_failing_feed_s_last_one() -> None:
    # OldestSuccessfulPollMinutes: 0 for a feed that answered now, else the time since its last
    # success; a feed that never succeeded is not counted
    feeds = [feed(1), feed(2), feed(3)]
    outcomes = {str(feeds[0].url): FetchOutcome(body=b"good"),
                str(feeds[1].url): FetchOutcome(status=500, body=None, error="HTTP 500"),
                str(feeds[2].url): FetchOutcome(status=500, body=None, error="HTTP 500")}
    store = MemoryStore()
    store.states["feed-2"] = FeedState(feed_id="feed-2", url=str(feeds[1].url),
                                       last_attempt_at=NOW - timedelta(minutes=90),
                                       last_success_at=NOW - timedelta(minutes=90))
    service, _ = make_service(feeds, outcomes, {b"good": ParsedFeed([entry("x", "A fine headline")])}, store)
    assert service.run(NOW).oldest_success_minutes == 90.0


def test_a_broken_feed_is_a_per_feed_error_with_backoff() -> None:
    feeds = [feed(1), feed(2), feed(3)]
    outcomes = {
        str(feeds[0].url): FetchOutcome(body=b"good"),
        str(feeds[1].url): FetchOutcome(body=b"broken"),
        str(feeds[2].url): FetchOutcome(status=429, body=None, error="HTTP 429 rate limited",
                                   error_kind="rate_limited", retry_after_seconds=3600),
    }
    parsed: dict[bytes, Any] = {b"good": ParsedFeed([entry("x", "A fine headline")]),
                                b"broken": ValueError("not a feed: HTML page")}
    store = MemoryStore()
    service, fetcher = make_service(feeds, outcomes, parsed, store)

    report = service.run(NOW)

    assert report.new_articles == 1
    assert report.errors == 2
    broken = store.states["feed-2"]
    assert broken.consecutive_errors == 1
    assert broken.last_error is not None
    assert "not a feed" in broken.last_error
    limited = store.states["feed-3"]
    assert limited.next_attempt_at == NOW + timedelta(hours=1)  # Retry-After beats the 15 min backoff

    # 20 minutes later only the healthy feed and the broken one (15 min backoff) are due
    fetcher.calls.clear()
    later = service.run(NOW + timedelta(minutes=20))
    assert {url for url, _ in fetcher.calls} == {str(feeds[0].url), str(feeds[1].url)}
    assert [r.outcome for r in later.results][2] == "skipped"


def test_every_failed_feed_logs_one_feed_failed_line_with_the_metric_s_kind(
        caplog: pytest.LogCaptureFixture) -> None:
    # The runbook searches "feed failed": an unparseable feed logged another message, and a feed
    # with no answer logged a null kind where the metric said no_response
    feeds = [feed(1), feed(2)]
    outcomes = {str(feeds[0].url): FetchOutcome(body=b"broken"),
                str(feeds[1].url): FetchOutcome(status=None, body=None)}
    service, _ = make_service(feeds, outcomes, {b"broken": ValueError("not a feed")}, MemoryStore())

    with caplog.at_level(logging.WARNING, logger="headlinez"):
        service.run(NOW)

    failed = {record.feed_id: record.error_kind for record in caplog.records  # type: ignore[attr-defined]
              if record.getMessage() == "feed failed"}
    assert failed == {"feed-1": "unparseable", "feed-2": "no_response"}


def test_a_fetcher_that_raises_on_one_feed_stops_only_that_feed() -> None:
    # The fetcher promises an outcome, never an exception; when it broke that promise (an
    # IDNA-invalid redirect host), the whole run stopped and no feed was stored
    feeds = [feed(1), feed(2)]
    outcomes = {str(feeds[0].url): FetchOutcome(body=b"good")}
    store = MemoryStore()
    service, fetcher = make_service(feeds, outcomes, {b"good": ParsedFeed([entry("x", "A fine headline")])},
                                    store)
    real = fetcher.fetch

    async def fetch(url: str, *, etag: str | None, last_modified: str | None) -> FetchOutcome:
        if url == str(feeds[1].url):
            raise UnicodeError("A-label must not end with a hyphen")
        return await real(url, etag=etag, last_modified=last_modified)

    fetcher.fetch = fetch  # type: ignore[method-assign]
    report = service.run(NOW)

    assert report.new_articles == 1
    assert report.errors == 1
    failed = store.states["feed-2"]
    assert failed.consecutive_errors == 1
    assert failed.last_error == "fetch failed: UnicodeError: A-label must not end with a hyphen"


def test_a_run_that_died_between_an_article_and_its_aliases_is_repaired_by_the_next() -> None:
    feeds = [feed(1)]
    outcomes = {str(feeds[0].url): FetchOutcome(body=b"good")}
    store = MemoryStore()
    service, _ = make_service(feeds, outcomes, {b"good": ParsedFeed([entry("x", "A fine headline")])}, store)
    assert service.run(NOW).new_articles == 1
    # Given the article item stored but its title and GUID aliases lost (the run died between
    # them), and no feed state saved (so the retry polls and parses the feed again)
    aliases = {key for key in store.keys if key.kind != "url"}
    assert aliases
    for key in aliases:
        del store.keys[key]
    store.states.clear()

    # When the retry runs
    report = service.run(NOW + timedelta(minutes=1))

    # Then it stores nothing new and the aliases are back
    assert report.new_articles == 0
    assert aliases <= set(store.keys)


def test_a_run_that_died_between_the_aliases_and_the_article_stores_it_once_on_retry() -> None:
    # Two feeds of one newsroom list the same story under two URLs
    world, top = feed(1, family="news"), feed(2, family="news")
    story = ParsedFeed([RawEntry(title="Storm hits the northern coast", link="https://news.example.com/world/storm",
                                 guid="w-storm", published=NOW - timedelta(minutes=5))])
    same = ParsedFeed([RawEntry(title="Storm hits the northern coast", link="https://news.example.com/top/storm",
                                guid="t-storm", published=NOW - timedelta(minutes=5))])
    store = MemoryStore()
    first, _ = make_service([world], {str(world.url): FetchOutcome(body=b"w")}, {b"w": story}, store)
    real_put = store.save_new_articles

    def die_after_the_aliases(articles: Any) -> list[Any]:
        store.restore_aliases(articles)  # what goes first
        raise TimeoutError("Task timed out")  # the run dies before the article item

    store.save_new_articles = die_after_the_aliases  # type: ignore[method-assign]
    with contextlib.suppress(TimeoutError):
        first.run(NOW)
    assert not store.articles
    assert store.keys, "an alias to nothing"
    store.save_new_articles = real_put  # type: ignore[method-assign]
    store.states.clear()
    # When the retry polls the newsroom's other feed first, then the first one
    retry, _ = make_service([top, world], {str(top.url): FetchOutcome(body=b"t"),
                                           str(world.url): FetchOutcome(body=b"w")},
                            {b"t": same, b"w": story}, store)
    retry._concurrency = 1  # one feed after the other, in list order
    report = retry.run(NOW + timedelta(minutes=1))
    # Then the story is stored exactly once: the alias to nothing neither hid it (lost) nor was
    # missing (stored twice, as when the article went first and its aliases were lost)
    assert report.new_articles == 1
    assert len(store.articles) == 1


def test_a_retry_counts_the_articles_its_lost_run_stored_and_a_next_run_does_not_count_them_again(
) -> None:
    world, top = feed(1, family="news"), feed(2, family="news")
    items = ParsedFeed([entry("a", "Storm hits the northern coast"), entry("b", "Dam breaks upstream")])
    store = MemoryStore()
    service, _ = make_service([world], {str(world.url): FetchOutcome(body=b"w")}, {b"w": items}, store)
    # Given an earlier clean run of the feed (its state written), then a run that stored two
    # articles and died before writing the feed's state
    store.put_states([FeedState(feed_id=world.id, url=str(world.url), outlet=world.outlet,
                                last_attempt_at=NOW - timedelta(hours=1))])
    real_put_states = store.put_states

    def die_at_the_state_write(states: Any) -> None:
        raise TimeoutError("Task timed out")

    store.put_states = die_at_the_state_write  # type: ignore[method-assign]
    with contextlib.suppress(TimeoutError):
        service.run(NOW)
    assert len(store.articles) == 2
    assert store.states[world.id].articles_by_hour == {}
    store.put_states = real_put_states  # type: ignore[method-assign]

    # When the retry runs: both are duplicates to it
    report = service.run(NOW + timedelta(minutes=2))
    assert report.new_articles == 0
    # Then the feed's counters hold them, as one clean run's would
    state = store.states[world.id]
    assert sum(state.articles_by_hour.values()) == 2
    assert state.articles_last_poll == 2

    # And a later run that sees them again counts nothing more
    service.run(NOW + timedelta(minutes=30))
    assert sum(store.states[world.id].articles_by_hour.values()) == 2
    assert store.states[world.id].articles_last_poll == 0

    # And the newsroom's other feed, listing the same story under another URL, never counts the
    # first feed's articles as its own
    other, _ = make_service([top], {str(top.url): FetchOutcome(body=b"t")},
                            {b"t": ParsedFeed([RawEntry(
                                title="Storm hits the northern coast", link="https://news.example.com/top/a",
                                guid="top-a", published=NOW - timedelta(minutes=10))])}, store)
    assert other.run(NOW + timedelta(minutes=31)).new_articles == 0
    assert sum(store.states[top.id].articles_by_hour.values()) == 0


def test_a_feed_whose_articles_cannot_be_stored_fails_alone_and_the_run_goes_on() -> None:
    # A lone surrogate in a JSON Feed id failed the whole run (every fetch in flight cancelled, no
    # feed's state written), and again at every retry
    feeds = [feed(1), feed(2)]
    outcomes = {str(f.url): FetchOutcome(body=f.id.encode(), etag=f'"{f.id}"') for f in feeds}
    parsed = {b"feed-1": ParsedFeed([entry("a", "Storm hits the northern coast")]),
              b"feed-2": ParsedFeed([entry("b", "Dam breaks upstream")])}
    store = MemoryStore()
    service, _ = make_service(feeds, outcomes, parsed, store)
    real_save = store.save_new_articles

    def poisoned(articles: Any) -> list[Any]:
        if articles and articles[0].feed_id == "feed-1":
            raise UnicodeEncodeError("utf-8", "x\ud800", 1, 2, "surrogates not allowed")
        return real_save(articles)

    store.save_new_articles = poisoned  # type: ignore[method-assign]
    report = service.run(NOW)

    # Then the other feed is stored, and the failed one is an error that keeps no new validator
    # (its next poll reads the whole document again) and backs off
    assert report.new_articles == 1
    assert report.errors == 1
    failed = store.states["feed-1"]
    assert failed.last_error is not None
    assert failed.last_error.startswith("store failed: UnicodeEncodeError")
    assert failed.etag is None
    assert failed.consecutive_errors == 1
    assert store.states["feed-2"].etag == '"feed-2"'


def test_an_undated_entry_is_not_news_again_when_its_dedupe_keys_expire() -> None:
    # an entry without a date is dated by the poll: once its keys expired (14 days) it came back
    # as a new article, every 14 days, for as long as the feed listed it
    feeds = [feed(1)]
    undated = RawEntry(title="How the electoral college works", link="https://news.example.com/explainer",
                       guid="explainer", summary="An evergreen explainer.")
    dated = entry("x", "A fine headline")
    outcomes = {str(feeds[0].url): FetchOutcome(body=b"v1")}
    store = MemoryStore()
    service, fetcher = make_service(feeds, outcomes, {b"v1": ParsedFeed([undated, dated]),
                                                      b"v2": ParsedFeed([undated])}, store)
    assert service.run(NOW).new_articles == 2
    # 15 days later the keys have expired (TTL), and the feed, changed, still lists the explainer
    store.articles.clear()
    store.keys.clear()
    fetcher.outcomes[str(feeds[0].url)] = FetchOutcome(body=b"v2")
    later = service.run(NOW + timedelta(days=15))
    assert later.new_articles == 0
    assert store.states["feed-1"].undated_ids, "still remembered while listed"


def test_an_unchanged_body_is_not_parsed_again() -> None:
    feeds = [feed(1)]
    outcomes = {str(feeds[0].url): FetchOutcome(body=b"same")}  # no validators: the server ignores them
    calls = {"parse": 0}
    store = MemoryStore()
    service, _ = make_service(feeds, outcomes, {b"same": ParsedFeed([entry("x", "Headline")])}, store)
    original = service._parse

    def counting(body: bytes, **kwargs: Any) -> Any:
        calls["parse"] += 1
        return original(body, **kwargs)

    service._parse = counting
    service.run(NOW)
    second = service.run(NOW + timedelta(minutes=15))
    assert calls["parse"] == 1
    assert second.unchanged == 1


def test_archive_entries_are_counted_and_skipped() -> None:
    feeds = [feed(1)]
    outcomes = {str(feeds[0].url): FetchOutcome(body=b"mixed")}
    parsed = {b"mixed": ParsedFeed([entry("new", "Fresh news", minutes_ago=30),
                                entry("old", "An old post", minutes_ago=60 * 24 * 30)])}
    store = MemoryStore()
    service, _ = make_service(feeds, outcomes, parsed, store)

    report = service.run(NOW)

    assert report.new_articles == 1
    assert report.stale_entries == 1
    assert [a.title for a in store.articles.values()] == ["Fresh news"]


def test_an_undated_entry_whose_url_names_an_old_day_is_an_archive_entry() -> None:
    # Given a feed polled for the first time that lists an old article without a date
    old = RawEntry(title="Storm hits coast", link="https://news.example.com/news/2024/01/14/storm-hits-coast/",
                   guid="old-storm", summary="Thousands evacuated.")
    recent = RawEntry(title="Council closes bridge", guid="bridge",
                      link=f"https://news.example.com/news/{NOW:%Y/%m/%d}/council-closes-bridge/")
    feeds = [feed(1)]
    store = MemoryStore()
    service, _ = make_service(feeds, {str(feeds[0].url): FetchOutcome(body=b"first")},
                              {b"first": ParsedFeed([old, recent], updated=NOW)}, store)

    report = service.run(NOW)

    # Then the old one is skipped like any entry older than the archive bound, not stored as news
    assert (report.new_articles, report.stale_entries) == (1, 1)
    assert [(a.title, a.published) for a in store.articles.values()] == [("Council closes bridge", NOW)]


# --- issue 13, item 3: real articles that ingest must not drop -----------------------------------


def test_placeholder_dates_are_missing_not_archive() -> None:
    # Given a feed whose every item is dated 1970-01-01 (a CMS placeholder)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    items = [RawEntry(title=f"Story {i} of the day", link=f"https://news.example.com/s{i}", guid=f"s{i}",
                      published=epoch) for i in range(3)]
    feeds = [feed(1)]
    store = MemoryStore()
    service, _ = make_service(feeds, {str(feeds[0].url): FetchOutcome(body=b"epoch")},
                              {b"epoch": ParsedFeed(items, updated=epoch)}, store)

    # When ingest runs
    report = service.run(NOW)

    # Then every item is stored, dated at the ingest time as an estimate, none counted as archive
    assert (report.new_articles, report.stale_entries) == (3, 0)
    assert {(a.published, a.published_estimated) for a in store.articles.values()} == {(NOW, True)}


def test_a_reused_guid_with_the_same_pubdate_is_a_new_article() -> None:
    # Given a feed that gives two different stories one guid and one pubDate, across two polls
    feeds = [feed(1)]
    first = RawEntry(title="Storm hits coast", link="https://news.example.com/storm", guid="item",
                     published=NOW - timedelta(hours=1))
    second = first.model_copy(update={"title": "Election results are in",
                                      "link": "https://news.example.com/election"})
    outcomes = {str(feeds[0].url): FetchOutcome(body=b"one")}
    store = MemoryStore()
    service, fetcher = make_service(feeds, outcomes, {b"one": ParsedFeed([first]),
                                                      b"two": ParsedFeed([first, second])}, store)
    service.run(NOW)
    fetcher.outcomes[str(feeds[0].url)] = FetchOutcome(body=b"two")

    # When the second story appears
    report = service.run(NOW + timedelta(minutes=15))

    # Then it is stored, and the first is still recognised as a duplicate by its URL
    assert (report.new_articles, report.duplicates) == (1, 1)
    assert sorted(a.title for a in store.articles.values()) == ["Election results are in", "Storm hits coast"]


# --- issue 13, item 2: bounded work per run ------------------------------------------------------


class SlowFetcher(FakeFetcher):
    """Every fetch takes `delay` seconds (or its own in `delays`); URLs in `hang` never answer."""

    def __init__(self, outcomes: Mapping[str, FetchOutcome], delay: float, hang: frozenset[str] = frozenset(),
                 delays: Mapping[str, float] | None = None) -> None:
        super().__init__(outcomes)
        self.delay = delay
        self.hang = hang
        self.delays = dict(delays or {})

    async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchOutcome:
        await asyncio.sleep(3600 if url in self.hang else self.delays.get(url, self.delay))
        return await super().fetch(url, etag=etag, last_modified=last_modified)


def budget(seconds: float, margin: float) -> Callable[[], int]:
    """A Lambda context's `get_remaining_time_in_millis` with `seconds` left before the margin."""
    end = time.monotonic() + seconds + margin
    return lambda: int((end - time.monotonic()) * 1000)


class RecordingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.state_batches: list[list[str]] = []
        self.fail_on_feed: str | None = None

    def put_states(self, states: Sequence[FeedState]) -> None:
        self.state_batches.append([s.feed_id for s in states])
        super().put_states(states)

    def save_new_articles(self, articles: Sequence[Article]) -> list[Article]:
        if any(a.feed_id == self.fail_on_feed for a in articles):
            raise RuntimeError("DynamoDB unavailable")
        return super().save_new_articles(articles)


def test_a_huge_feed_keeps_only_its_newest_entries() -> None:
    # Given one feed of 1,000 entries, one a minute, listed oldest first
    items = [entry(f"s{i}", f"Story number {i} of a long day", minutes_ago=1000 - i) for i in range(1000)]
    feeds = [feed(1)]
    store = MemoryStore()
    service = IngestService(feeds=feeds, fetcher=FakeFetcher({str(feeds[0].url): FetchOutcome(body=b"huge")}),
                            parse=lambda body, **_: ParsedFeed(items), states=store, articles=store,
                            max_entries_per_feed=200)

    # When ingest runs
    report = service.run(NOW)

    # Then only the 200 newest are stored, and the rest are counted as capped
    assert (report.entries, report.capped_entries, report.new_articles) == (1000, 800, 200)
    assert min(a.published for a in store.articles.values()) == NOW - timedelta(minutes=200)
    assert store.states["feed-1"].articles_last_poll == 200


def test_the_default_cap_is_200_entries() -> None:
    assert IngestSettings(TABLE_NAME="headlinez").max_entries_per_feed == 200
    items = [entry(f"s{i}", f"Story number {i}", minutes_ago=i) for i in range(250)]
    feeds = [feed(1)]
    store = MemoryStore()
    service = IngestService(feeds=feeds, fetcher=FakeFetcher({str(feeds[0].url): FetchOutcome(body=b"x")}),
                            parse=lambda body, **_: ParsedFeed(items), states=store, articles=store)
    assert service.run(NOW).new_articles == 200


def test_a_run_stops_before_the_time_limit_and_leaves_the_rest_for_the_next() -> None:
    # Given 40 due feeds that take 50 ms each, two at a time (1 s of work), one of them hanging,
    # and a Lambda context with 0.3 s left before the safety margin
    feeds = [feed(n) for n in range(40)]
    outcomes = {str(f.url): FetchOutcome(body=f"body-{f.id}".encode(), etag=f'"{f.id}"') for f in feeds}
    parsed = {f"body-{f.id}".encode(): ParsedFeed([entry(f.id, f"Headline of {f.id}")]) for f in feeds}
    fetcher = SlowFetcher(outcomes, delay=0.05, hang=frozenset({str(feeds[1].url)}))
    store = RecordingStore()
    service = IngestService(feeds=feeds, fetcher=fetcher, parse=lambda body, **_: parsed[body], states=store,
                            articles=store, concurrency=2, time_margin=timedelta(seconds=2),
                            policy=PollPolicy(min_interval=timedelta(minutes=10)))

    # When the run starts
    t0 = time.monotonic()
    report = service.run(NOW, remaining_ms=budget(0.3, margin=2))

    # Then it stops on time (the hanging fetch is cancelled), the finished feeds are stored with
    # their state, and the others are reported as deferred, their state untouched
    assert time.monotonic() - t0 < 1.5
    done = {r.feed_id for r in report.results if r.outcome == "new"}
    deferred = {r.feed_id for r in report.results if r.outcome == "deferred"}
    assert 0 < len(done) < 40
    assert len(done) + len(deferred) == 40
    assert report.deferred == len(deferred)
    assert "feed-1" in deferred
    assert set(store.states) == done
    assert {a.feed_id for a in store.articles.values()} == done

    # When the next run has time: the feeds left over are polled first, nothing twice
    fetcher.calls.clear()
    fetcher.hang = frozenset()
    later = service.run(NOW + timedelta(minutes=5))
    first_urls = [url for url, _ in fetcher.calls[:len(deferred)]]
    assert {f"feed-{url.rsplit('/', 1)[1].removesuffix('.xml')}" for url in first_urls} == deferred
    assert later.deferred == 0
    assert later.new_articles == len(deferred)
    assert len(store.articles) == 40


def test_feed_states_are_written_in_batches_as_feeds_finish() -> None:
    # Given 60 feeds, and storage that fails while storing the articles of the last one to finish
    feeds = [feed(n) for n in range(60)]
    outcomes = {str(f.url): FetchOutcome(body=f"body-{f.id}".encode(), etag=f'"{f.id}"') for f in feeds}
    parsed = {f"body-{f.id}".encode(): ParsedFeed([entry(f.id, f"Headline of {f.id}")]) for f in feeds}
    store = RecordingStore()
    fetcher = SlowFetcher(outcomes, delay=0.0, delays={str(feeds[59].url): 0.2})
    service = IngestService(feeds=feeds, fetcher=fetcher, parse=lambda body, **_: parsed[body],
                            states=store, articles=store)
    store.fail_on_feed = "feed-59"

    # When the run fails on that feed (a storage error fails the run: the next one retries it)
    with pytest.raises(RuntimeError, match="DynamoDB unavailable"):
        service.run(NOW)

    # Then the states of the 59 feeds finished before it are stored (validators and all), in
    # batches of at most 25, and only the failed feed will be fetched again without its ETag
    assert all(len(batch) <= STATE_WRITE_BATCH for batch in store.state_batches)
    assert [len(batch) for batch in store.state_batches] == [25, 25, 9]
    assert set(store.states) == {f.id for f in feeds} - {"feed-59"}
    assert all(state.etag for state in store.states.values())


# --- issue 13, item 6: feed health's counters, kept by ingest -------------------------------------


def test_ingest_keeps_the_feed_health_counters() -> None:
    # Given a feed with two new stories, then one more and a re-listed one 15 minutes later,
    # and a run retried at the same time (nothing new)
    feeds = [feed(1)]
    outcomes = {str(feeds[0].url): FetchOutcome(body=b"one")}
    parsed = {b"one": ParsedFeed([entry("a", "Storm hits coast"), entry("b", "Markets rally")]),
              b"two": ParsedFeed([entry("a", "Storm hits coast"), entry("c", "Election results are in")])}
    store = MemoryStore()
    service, fetcher = make_service(feeds, outcomes, parsed, store)
    service.run(NOW)
    fetcher.outcomes[str(feeds[0].url)] = FetchOutcome(body=b"two")
    service.run(NOW + timedelta(minutes=15))
    retry = {"body_sha256": None, "next_attempt_at": None}  # as if the state write had been lost
    store.states["feed-1"] = store.states["feed-1"].model_copy(update=retry)
    service.run(NOW + timedelta(minutes=15))
    # When the next hour's run stores nothing (304)
    fetcher.outcomes[str(feeds[0].url)] = FetchOutcome(status=304, body=None)
    service.run(NOW + timedelta(hours=1))

    # Then the state counts the articles actually stored, per UTC hour
    assert store.states["feed-1"].articles_by_hour == {"2026-02-18T04": 3}
    # and a day later the old hour is gone
    service.run(NOW + timedelta(hours=24))
    assert store.states["feed-1"].articles_by_hour == {}


def test_a_feed_s_own_title_gives_its_articles_a_section() -> None:
    # Given an unconfigured feed whose title names its section, and one whose title names none
    feeds = [feed(1), feed(2)]
    outcomes = {str(f.url): FetchOutcome(body=f"body-{i}".encode()) for i, f in enumerate(feeds)}
    parsed = {b"body-0": ParsedFeed([entry("a", "New chip unveiled")], title="Tech – TIME"),
              b"body-1": ParsedFeed([entry("b", "Storm hits coast")], title="Outlet 2")}
    store = MemoryStore()
    service, _ = make_service(feeds, outcomes, parsed, store)
    service.run(NOW)
    hints = {a.title: a.category_hint for a in store.articles.values()}
    assert hints == {"New chip unveiled": "technology", "Storm hits coast": None}
