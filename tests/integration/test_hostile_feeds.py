"""Hostile feeds over loopback, through the real ingest pipeline into DynamoDB (moto).

A server on 127.0.0.1 serves crafted feeds (issue 13): one of 20,000 items, a CMS that reuses one
GUID and one pubDate on different stories, items all dated 1970-01-01, one item repeated a
thousand times, dates years in the future, and a feed that never finishes answering. Each goes
through the real fetcher (SSRF guard with loopback allowed), parser, normalization, dedupe and
`DynamoStore`, as the ingest Lambda runs them.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

import boto3
import pytest

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.feed_parser import parse_feed
from headlinez.adapters.http_fetch import FeedFetcher, FetchSettings
from headlinez.domain.feed_schedule import PollPolicy, select_due
from headlinez.domain.ssrf import UrlPolicy
from headlinez.local.servers import LoopbackServer
from headlinez.models import Article, FeedConfig
from headlinez.services.ingest import IngestReport, IngestService
from headlinez.views.reads import ApiReads

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
HUGE_ITEMS = 20_000
EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"


def _rss(items: list[str], build_date: str | None = None) -> bytes:
    channel = "<title>Hostile</title><link>https://hostile.example/</link>"
    if build_date:
        channel += f"<lastBuildDate>{build_date}</lastBuildDate>"
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{channel}'
            + "".join(items) + "</channel></rss>").encode()


def _item(link: str, title: str, guid: str, pub_date: str) -> str:
    return (f"<item><title>{title}</title><link>{link}</link><guid isPermaLink=\"false\">{guid}</guid>"
            f"<description>{title}.</description><pubDate>{pub_date}</pubDate></item>")


def _rfc822(value: datetime) -> str:
    return format_datetime(value, usegmt=True)


def _huge() -> bytes:
    # 20,000 distinct stories one minute apart, listed oldest first (the worst order for a cap)
    return _rss([_item(f"https://huge.example/story/{i}", f"Huge feed story number {i}", f"h{i}",
                       _rfc822(NOW - timedelta(minutes=HUGE_ITEMS - i))) for i in range(HUGE_ITEMS)])


def _guid_reuse(count: int) -> bytes:
    # One guid and one pubDate stamped on every item: a CMS bug seen in the wild
    stamp = _rfc822(NOW - timedelta(minutes=30))
    return _rss([_item(f"https://reuse.example/news/{i}", f"Different story {i} about topic {i}", "post",
                       stamp) for i in range(count)])


FEEDS: dict[str, bytes] = {
    "/huge.xml": _huge(),
    "/guid-reuse.xml": _guid_reuse(5),
    "/epoch.xml": _rss([_item(f"https://epoch.example/a/{i}", f"Placeholder dated story {i}", f"e{i}", EPOCH)
                        for i in range(4)], build_date=EPOCH),
    "/repeated.xml": _rss([_item("https://repeat.example/same", "The same story again", "same",
                                 _rfc822(NOW - timedelta(minutes=5)))] * 1000),
    "/future.xml": _rss([_item(f"https://future.example/{i}", f"Scheduled post {i}", f"f{i}",
                               "Sat, 01 Jan 2050 00:00:00 GMT") for i in range(3)]),
}


class HostileHandler(BaseHTTPRequestHandler):
    """Serves FEEDS with an ETag (and 304s); /drip.xml, until it is given a body, sends its headers
    and a first chunk, then nothing until released."""

    protocol_version = "HTTP/1.1"
    server: HostileServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        if self.path == "/drip.xml" and self.path not in self.server.feeds:
            self._drip()
            return
        body = self.server.feeds.get(self.path)
        if body is None:
            self._send(404, b"not found", "text/plain")
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self._send(200, body, "application/rss+xml", etag)

    def _send(self, status: int, body: bytes, content_type: str, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"<?xml version='1.0'?><rss version='2.0'><channel>")
        self.wfile.flush()
        self.server.release.wait(timeout=30)
        self.close_connection = True


class HostileServer(LoopbackServer):  # a client hanging up is not printed as a traceback
    daemon_threads = True
    paths: list[str]
    feeds: dict[str, bytes]
    release: threading.Event


@pytest.fixture
def server() -> Iterator[HostileServer]:
    httpd = HostileServer(("127.0.0.1", 0), HostileHandler)
    httpd.paths, httpd.feeds, httpd.release = [], dict(FEEDS), threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, name="hostile-feeds", daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def store(dynamodb_table: str) -> DynamoStore:
    return DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)


def feed_config(server: HostileServer, path: str) -> FeedConfig:
    slug = path.strip("/").replace(".xml", "")
    return FeedConfig(id=slug, url=f"http://127.0.0.1:{server.server_port}{path}",  # type: ignore[arg-type]
                      outlet=f"Hostile {slug}", publisher_family=slug)


def ingest(server: HostileServer, store: DynamoStore, paths: list[str], **options: Any) -> IngestService:
    fetcher = FeedFetcher(FetchSettings(connect_timeout=2, read_timeout=20, total_deadline=25),
                          UrlPolicy(allow_loopback=True))
    return IngestService(feeds=[feed_config(server, p) for p in paths], fetcher=fetcher, parse=parse_feed,
                         states=store, articles=store, policy=PollPolicy(min_interval=timedelta(0)),
                         **options)


def stored(store: DynamoStore, feed_id: str) -> list[Article]:
    return [a for a in store.articles_ingested_between(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
            if a.feed_id == feed_id]


def remaining(seconds: float) -> Callable[[], int]:
    end = time.monotonic() + seconds
    return lambda: int((end - time.monotonic()) * 1000)


def test_a_feed_of_20000_items_stores_only_its_newest_200(server: HostileServer, store: DynamoStore) -> None:
    report = ingest(server, store, ["/huge.xml"]).run(NOW)

    assert (report.entries, report.capped_entries, report.new_articles) == (HUGE_ITEMS, HUGE_ITEMS - 200, 200)
    articles = stored(store, "huge")
    assert len(articles) == 200
    assert min(a.published for a in articles) == NOW - timedelta(minutes=200)
    assert store.get_states(["huge"])["huge"].articles_last_poll == 200
    # and feed health counts them from the feed state's counters
    health = ApiReads(store, store, cursor_secret="s" * 20, clock=lambda: NOW).feed_health()
    assert [(f.feed_id, f.articles_24h) for f in health.feeds] == [("huge", 200)]


def test_a_reused_guid_and_pubdate_does_not_hide_real_stories(
        server: HostileServer, store: DynamoStore) -> None:
    service = ingest(server, store, ["/guid-reuse.xml"])
    first = service.run(NOW)
    assert (first.new_articles, first.duplicates) == (5, 0)

    # The CMS publishes a sixth story with the same guid and time; the five are re-listed
    server.feeds["/guid-reuse.xml"] = _guid_reuse(6)
    second = service.run(NOW + timedelta(minutes=15))
    assert (second.new_articles, second.duplicates) == (1, 5)
    assert sorted(a.title for a in stored(store, "guid-reuse"))[-1] == "Different story 5 about topic 5"


def test_placeholder_dates_are_stored_as_undated_news(server: HostileServer, store: DynamoStore) -> None:
    report = ingest(server, store, ["/epoch.xml"]).run(NOW)

    assert (report.new_articles, report.stale_entries) == (4, 0)
    assert {(a.published, a.published_estimated) for a in stored(store, "epoch")} == {(NOW, True)}


def test_repeated_items_and_future_dates(server: HostileServer, store: DynamoStore) -> None:
    report = ingest(server, store, ["/repeated.xml", "/future.xml"]).run(NOW)

    by_feed = {r.feed_id: r for r in report.results}
    # 1,000 copies of one item: capped to 200 entries, stored once, the rest counted as duplicates
    assert (by_feed["repeated"].new_articles, by_feed["repeated"].duplicates) == (1, 199)
    # dates in 2050: stored at the ingest time, marked as an estimate
    assert {(a.published, a.published_estimated) for a in stored(store, "future")} == {(NOW, True)}


def test_a_run_stops_before_the_lambda_timeout_and_keeps_what_it_finished(
        server: HostileServer, store: DynamoStore) -> None:
    # Given a feed that never finishes its answer among well-behaved ones, and 1.5 s left
    # before the safety margin of a Lambda context
    paths = ["/drip.xml", "/guid-reuse.xml", "/epoch.xml", "/future.xml"]
    service = ingest(server, store, paths, time_margin=timedelta(seconds=10))

    t0 = time.monotonic()
    report: IngestReport = service.run(NOW, remaining_ms=remaining(11.5))

    # Then the run ends on time, the stuck feed is deferred (no state written, still due),
    # and the others are stored with their validators
    assert time.monotonic() - t0 < 5
    outcomes = {r.feed_id: r.outcome for r in report.results}
    assert outcomes == {"drip": "deferred", "guid-reuse": "new", "epoch": "new", "future": "new"}
    assert report.deferred == 1
    states = store.get_states(["drip", "guid-reuse", "epoch", "future"])
    assert set(states) == {"guid-reuse", "epoch", "future"}
    assert all(state.etag for state in states.values())

    # When the next run has time and the feed answers: it is polled and the others answer 304
    server.release.set()
    server.feeds["/drip.xml"] = FEEDS["/epoch.xml"].replace(b"epoch.example", b"drip.example")
    server.paths.clear()
    # (the left-over feed is first in the due order; the fetches then run concurrently, so the
    # order in which requests reach the server is not the due order)
    due, _ = select_due([feed_config(server, p) for p in paths],
                        store.get_states(["drip", "guid-reuse", "epoch", "future"]),
                        NOW + timedelta(minutes=15))
    assert due[0].id == "drip"
    later = service.run(NOW + timedelta(minutes=15), remaining_ms=remaining(60))
    assert "/drip.xml" in server.paths
    assert (later.deferred, later.not_modified, later.new_articles) == (0, 3, 4)
