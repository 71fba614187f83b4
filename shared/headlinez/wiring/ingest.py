"""What the two polling functions (ingest, and the fan-out's feed worker) wire alike.

Both poll feeds through the same fetcher, store into the same table and run the same
`IngestService` loop with the same limits; only the feed list and the poll policy differ (the
worker polls adaptively). Each function still wires its own service in its `app.py`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypedDict

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.http_fetch import FeedFetcher, FetchSettings
from headlinez.domain.feed_schedule import PollPolicy
from headlinez.domain.ssrf import UrlPolicy
from headlinez.ports import Tracing
from headlinez.settings import IngestSettings


class IngestLimits(TypedDict):
    """The `IngestService` keyword arguments both functions set from their settings."""

    policy: PollPolicy
    concurrency: int
    max_article_age: timedelta
    max_entries_per_feed: int
    time_margin: timedelta
    tracing: Tracing


def feed_fetcher(settings: IngestSettings) -> FeedFetcher:
    return FeedFetcher(
        FetchSettings(max_body_bytes=settings.max_body_bytes, concurrency=settings.fetch_concurrency),
        UrlPolicy(allow_loopback=settings.allow_loopback_feeds),
    )


def article_store(settings: IngestSettings) -> DynamoStore:
    return DynamoStore.from_table_name(settings.table_name,
                                       article_ttl=timedelta(days=settings.article_ttl_days))


def ingest_limits(settings: IngestSettings, policy: PollPolicy, tracing: Tracing) -> IngestLimits:
    return IngestLimits(policy=policy, concurrency=settings.fetch_concurrency,
                        max_article_age=timedelta(days=settings.max_article_age_days),
                        max_entries_per_feed=settings.max_entries_per_feed,
                        time_margin=timedelta(seconds=settings.time_margin_seconds),
                        tracing=tracing)  # each step an X-Ray subsegment
