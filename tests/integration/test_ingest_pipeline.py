"""The real ingest pipeline over loopback: fetcher + parser + normalization + dedupe + DynamoDB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from tests.conftest import DATA_DIR, requires_data

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.feed_parser import parse_feed
from headlinez.adapters.http_fetch import FeedFetcher, FetchSettings
from headlinez.domain.feed_schedule import PollPolicy
from headlinez.domain.ssrf import UrlPolicy
from headlinez.feeds import feed_list_from_directory
from headlinez.local.servers import FeedFolderServer
from headlinez.services.ingest import IngestService

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example World</title><link>https://news.example.com/</link>
<item><title>Iran and US resume talks in Geneva</title>
  <link>https://news.example.com/iran-talks?utm_source=rss&amp;utm_medium=feed</link>
  <guid isPermaLink="false">ex-1</guid>
  <description>&lt;p&gt;Negotiators met &amp;amp; talked.&lt;/p&gt;</description>
  <pubDate>Wed, 18 Feb 2026 01:00:00 GMT</pubDate></item>
<item><title>Storm closes coastal roads</title><link>https://news.example.com/storm</link>
  <guid>ex-2</guid><pubDate>Wed, 18 Feb 2026 02:00:00 GMT</pubDate></item>
<item><title>An entry without a link</title><guid>ex-3</guid></item>
{extra}
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Other Outlet</title><id>urn:other</id>
<updated>2026-02-18T03:00:00Z</updated>
<entry><title>Iran, US negotiators meet in Geneva</title><id>urn:other:1</id>
  <link href="https://other.example.org/world/iran-us-geneva"/><updated>2026-02-18T01:30:00Z</updated>
  <summary>Talks resumed.</summary></entry>
</feed>"""

BROKEN = "<html><body>Service unavailable</body></html>"


@pytest.fixture
def feed_folder(tmp_path: Path) -> Iterator[tuple[Path, FeedFolderServer]]:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "example-world.xml").write_text(RSS.format(extra=""))
    (folder / "other-outlet.xml").write_text(ATOM)
    (folder / "broken.xml").write_text(BROKEN)
    server = FeedFolderServer(folder).start()
    yield folder, server
    server.stop()


def make_service(folder: Path, server: FeedFolderServer, store: DynamoStore,
                 max_age: timedelta | None = timedelta(days=14)) -> IngestService:
    feeds = feed_list_from_directory(folder, server.base_url).feeds
    fetcher = FeedFetcher(FetchSettings(), UrlPolicy(allow_loopback=True))
    return IngestService(feeds=feeds, fetcher=fetcher, parse=parse_feed, states=store, articles=store,
                         policy=PollPolicy(min_interval=timedelta(0)), max_article_age=max_age)


def test_feed_files_ingest_once_and_broken_ones_are_per_feed_errors(
        dynamodb_table: str, feed_folder: tuple[Path, FeedFolderServer]) -> None:
    folder, server = feed_folder
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    service = make_service(folder, server, store)

    # When the three feeds are ingested
    first = service.run(NOW)

    # Then the good entries are stored with canonical URLs, the linkless one is rejected,
    # and the HTML page is a per-feed error with a reason, remembered in its feed state
    assert first.new_articles == 3
    assert first.rejected_entries == 1
    by_feed = {r.feed_id: r for r in first.results}
    assert by_feed["broken-xml"].outcome == "error"
    assert by_feed["broken-xml"].error
    states = store.get_states(["broken-xml", "example-world-xml"])
    assert states["broken-xml"].consecutive_errors == 1
    assert states["example-world-xml"].etag
    stored = store.articles_ingested_between(NOW - timedelta(minutes=1), NOW)
    assert {a.url for a in stored} >= {"https://news.example.com/iran-talks", "https://news.example.com/storm"}
    assert any(a.summary == "Negotiators met & talked." for a in stored)

    # When nothing changed: conditional GET answers 304 and nothing is written
    writes = store.write_count
    second = service.run(NOW + timedelta(minutes=15))
    assert second.not_modified == 2
    assert second.new_articles == 0
    assert store.write_count - writes == len(second.results)  # feed states only

    # When one feed gains an entry and re-lists an old one with tracking parameters changed
    extra = """<item><title>Markets rally on rate hopes</title><link>https://news.example.com/markets</link>
      <guid>ex-4</guid><pubDate>Wed, 18 Feb 2026 03:30:00 GMT</pubDate></item>
      <item><title>Iran and US resume talks in Geneva</title>
      <link>https://news.example.com/iran-talks?utm_campaign=other</link><guid>ex-1b</guid>
      <pubDate>Wed, 18 Feb 2026 01:00:00 GMT</pubDate></item>"""
    (folder / "example-world.xml").write_text(RSS.format(extra=extra))
    third = service.run(NOW + timedelta(minutes=30))
    # Then only the really new article is stored
    assert third.new_articles == 1


def _all_feed_folders() -> list[Path]:
    root = DATA_DIR / "feeds"
    folders = sorted(p for p in root.glob("*/files") if p.is_dir())
    fast = root / "fastfeedparser"
    folders += [fast / "benchmark_data" / "files", fast / "integration" / "files"]
    return [f for f in folders if f.is_dir()]


@requires_data
def test_every_real_feed_file_ingests_or_fails_with_a_reason(dynamodb_table: str) -> None:
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    total_new = 0
    for folder in _all_feed_folders():
        server = FeedFolderServer(folder).start()
        try:
            # Every entry is kept (no age limit): the point is that each one survives the pipeline
            report = make_service(folder, server, store, max_age=None).run(NOW)
        finally:
            server.stop()
        for result in report.results:
            assert result.outcome in {"new", "error"}, (folder.name, result)
            if result.outcome == "error":
                assert result.error, (folder.name, result.feed_id)
        total_new += report.new_articles
    assert total_new > 5000
