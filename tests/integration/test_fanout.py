"""The ingest fan-out on moto: dispatch -> SQS -> worker handlers, with a failing shard.

Three hosts (127.0.0.1-3, one loopback server each) of 2 feeds; shards of 2 feeds, so one host per
shard. The first attempt of host 3's shard fails on a throttled DynamoDB write: the worker reports
it in `batchItemFailures`, SQS redelivers only that message, and the retry fetches only the feed
that did not finish. The cycle completes once (one IngestCompleted). A second cycle 15 minutes
later skips the feeds whose observed update interval is long (adaptive polling).
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.events import EventBridgePublisher
from headlinez.adapters.feed_registry import DynamoFeedRegistry
from headlinez.clock import UtcClock, set_clock
from headlinez.events import IngestCompletedDetail
from headlinez.local.fanout import LocalFanOut, create_queue
from headlinez.local.servers import LoopbackServer
from headlinez.local.stack import _load_function
from headlinez.models import Article
from headlinez.settings import fanout_settings

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")


def rss(feed: str, gap: timedelta) -> bytes:
    items = "".join(
        f"<item><title>{feed} story {n} about topic {n}</title><link>https://{feed}.example/{n}</link>"
        f"<guid>{feed}-{n}</guid><pubDate>{format_datetime(NOW - gap * n)}</pubDate></item>"
        for n in range(4))
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{feed}</title>'
    return f"{head}{items}</channel></rss>".encode()


class FeedServer:
    """One loopback address, two feeds; counts requests per path (ETag and 304 like a real server)."""

    def __init__(self, host: str, hits: Counter[str], gap: timedelta) -> None:
        self.host = host
        bodies = {f"/{host.rsplit('.', 1)[1]}-{n}.xml": rss(f"h{host[-1]}f{n}", gap) for n in range(2)}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits[f"{host}{self.path}"] += 1
                body = bodies.get(self.path)
                if body is None:
                    self.send_response(HTTPStatus.NOT_FOUND)
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(HTTPStatus.NOT_MODIFIED)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        self.httpd = LoopbackServer((host, 0), Handler)
        self.paths = list(bodies)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def urls(self) -> list[str]:
        return [f"http://{self.host}:{self.httpd.server_address[1]}{p}" for p in self.paths]


class _Fixed:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def servers() -> Iterator[tuple[list[FeedServer], Counter[str]]]:
    hits: Counter[str] = Counter()
    # host 3 publishes every 2 hours: adaptive polling waits the 2-hour cap after a poll
    started = [FeedServer(host, hits, timedelta(hours=4) if host.endswith(".3") else timedelta(minutes=10))
               for host in HOSTS]
    yield started, hits
    for server in started:
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.mark.parametrize("batch_size", [3, 1])  # 1: as deployed (BatchSize 1), a failed shard
# fails its invocation (Powertools raises when every record failed); it stopped the local cycle
def test_a_failed_shard_is_retried_alone_and_the_cycle_completes_once(
        dynamodb_table: str, servers: tuple[list[FeedServer], Counter[str]], tmp_path: Any,
        monkeypatch: pytest.MonkeyPatch, batch_size: int) -> None:
    started, hits = servers
    feeds_file = tmp_path / "feeds.yaml"
    feeds_file.write_text("feeds:\n" + "".join(
        f"  - {{id: f{i}, url: '{url}', outlet: Outlet {i}, publisher_family: family-{i}}}\n"
        for i, url in enumerate(u for s in started for u in s.urls())))
    sqs = boto3.client("sqs", region_name="us-east-1")
    queue_url = create_queue(sqs)
    for name, value in {"TABLE_NAME": dynamodb_table, "FEEDS_FILE": str(feeds_file),
                        "FEEDS_PER_SHARD": "2",
                        "FEED_SHARD_QUEUE_URL": queue_url, "ALLOW_LOOPBACK_FEEDS": "true",
                        "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_TRACE_DISABLED": "true",
                        "MAX_ARTICLE_AGE_DAYS": "14"}.items():
        monkeypatch.setenv(name, value)
    fanout_settings.cache_clear()
    completed: list[IngestCompletedDetail] = []
    monkeypatch.setattr(EventBridgePublisher, "ingest_completed",
                        lambda self, detail: completed.append(detail))
    # Given one throttled article write, on the first attempt of a feed of host 3
    real_save = DynamoStore.save_new_articles
    throttled: list[str] = []

    def flaky_save(self: DynamoStore, articles: list[Article]) -> list[Article]:
        if not throttled and articles and articles[0].feed_id == "f4":
            throttled.append(articles[0].feed_id)
            error = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}}
            raise ClientError(error, "PutItem")  # type: ignore[arg-type]
        return real_save(self, articles)

    monkeypatch.setattr(DynamoStore, "save_new_articles", flaky_save)
    dispatch, worker = _load_function("dispatch"), _load_function("feed_worker")
    # Powertools keeps metrics in shared state, which a disabled flush does not clear: reset them
    # after this test, or other handlers' EMF tests would see these.
    fanout = LocalFanOut(dispatch, worker, sqs, queue_url, batch_size=batch_size)
    # The worker dates its polls by the clock when a shard's time is more than one interval off:
    # a clock between the two cycles (NOW, NOW + 15 min) trusts both
    set_clock(_Fixed(NOW + timedelta(minutes=7, seconds=30)))
    try:
        _two_cycles(fanout, hits, dynamodb_table, completed, throttled, batch_size)
    finally:
        set_clock(UtcClock())
        for module in (dispatch, worker):
            module.metrics.clear_metrics()


def _two_cycles(fanout: LocalFanOut, hits: Counter[str], dynamodb_table: str,
                completed: list[IngestCompletedDetail], throttled: list[str], batch_size: int) -> None:
    # When one cycle runs
    cycle = fanout.run_cycle(NOW)

    # Then 3 shards were dispatched (one per host), one record failed once and was redelivered alone
    assert cycle.dispatch["feeds_due"] == 6
    assert cycle.dispatch["shards"] == 3
    assert cycle.failed_records == 1
    assert throttled == ["f4"]
    assert cycle.dead_lettered == []
    # one batch of 3 records (or 3 of 1), then the redelivered one alone
    assert cycle.invocations == (2 if batch_size == 3 else 4)
    assert sorted(a.shard_id[-4:] for a in cycle.attempts) == ["0000", "0001", "0002"]  # finished ones
    # ... hosts 1 and 2 were fetched once per feed; host 3's retry re-fetched only unfinished feeds
    assert all(count == 1 for key, count in hits.items() if not key.startswith("127.0.0.3"))
    host3 = {key: count for key, count in hits.items() if key.startswith("127.0.0.3")}
    assert host3["127.0.0.3/3-0.xml"] == 2  # f4: its write failed, so it was polled again
    assert sum(host3.values()) <= 4
    retry = cycle.attempts[-1].report
    assert retry.feeds_due <= 2
    assert retry.feeds_total == 2
    # ... every article is stored once and the cycle completed exactly once
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    stored = store.articles_ingested_between(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    assert len(stored) == 6 * 4
    assert len(completed) == 1
    # (counted by finished attempts: a feed stored by the failed attempt is stored, not counted)
    assert 4 * 4 <= completed[0].new_articles <= 6 * 4
    assert completed[0].run_time == NOW

    # When the next cycle runs 15 minutes later
    hits.clear()
    second = fanout.run_cycle(NOW + timedelta(minutes=15))
    # Then host 3's feeds (a post every 4 hours: next poll after the 2-hour cap) are skipped as not due,
    # the others answer 304, and the cycle completes again
    assert second.dispatch["feeds_not_due"] == 2
    assert second.dispatch["feeds_due"] == 4
    assert not any(key.startswith("127.0.0.3") for key in hits)
    assert second.summary()["not_modified"] == 4
    assert len(completed) == 2
    registry = DynamoFeedRegistry(boto3.resource("dynamodb", region_name="us-east-1").Table(dynamodb_table))
    assert len(registry.list_feeds()) == 6
