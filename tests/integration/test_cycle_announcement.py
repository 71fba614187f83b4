"""A fan-out cycle's end is announced exactly when every shard is done, even across a crash.

The worker that finishes a cycle's last shard records it, then publishes `IngestCompleted`. If
that publish fails (or the worker dies in between), SQS redelivers the shard: its record is
already there, so before this was fixed the retry returned nothing and the cycle was never
announced (clustering waited for the next cycle). The same for a dispatch that found nothing due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import boto3
import pytest

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.feed_parser import parse_feed
from headlinez.adapters.feed_registry import DynamoFeedRegistry
from headlinez.domain.feed_schedule import PollPolicy
from headlinez.models import FeedConfig, FeedShard
from headlinez.ports import CycleTotals
from headlinez.services.fanout import DispatchService, FeedWorkerService

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)


class FlakyCompletion:
    """Fails its first `failures` announcements (EventBridge down, or the worker dying)."""

    def __init__(self, failures: int = 1) -> None:
        self.failures = failures
        self.published: list[tuple[datetime, CycleTotals]] = []

    def cycle_completed(self, run_time: datetime, totals: CycleTotals) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("EventBridge PutEvents failed")
        self.published.append((run_time, totals))


class NoQueue:
    def send(self, shards: Sequence[FeedShard]) -> None:
        raise AssertionError("nothing is due: nothing is sent")


class DownHost:
    """Every fetch fails (the feed counts as failed; nothing leaves the process)."""

    async def __aenter__(self) -> DownHost:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> object:
        raise ConnectionError("host down")


@pytest.fixture
def registry(dynamodb_table: str) -> DynamoFeedRegistry:
    return DynamoFeedRegistry(boto3.resource("dynamodb", region_name="us-east-1").Table(dynamodb_table))


def test_the_tracker_announces_a_finished_cycle_until_it_is_marked(registry: DynamoFeedRegistry) -> None:
    assert registry.start_cycle(NOW, ["s1", "s2"])
    assert registry.shard_done(NOW, "s1", new_articles=3, fetched=2, failed=0) is None
    last = registry.shard_done(NOW, "s2", new_articles=1, fetched=2, failed=1)
    assert last == CycleTotals(new_articles=4, feeds_fetched=4, feeds_failed=1)
    # the shard's retry (its announcement failed): counted once, announced again
    assert registry.shard_done(NOW, "s2", new_articles=1, fetched=2, failed=1) == last
    assert registry.shard_done(NOW, "s1", new_articles=3, fetched=2, failed=0) == last
    registry.cycle_announced(NOW)
    assert registry.shard_done(NOW, "s2", new_articles=1, fetched=2, failed=1) is None
    assert registry.unannounced_totals(NOW) is None
    # an unknown (expired) cycle: nothing to announce, nothing to mark
    other = NOW.replace(hour=5)
    assert registry.shard_done(other, "s1", new_articles=1, fetched=1, failed=0) is None
    registry.cycle_announced(other)


def test_a_worker_retry_announces_the_cycle_its_first_attempt_finished(dynamodb_table: str,
                                                                      registry: DynamoFeedRegistry) -> None:
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    completion = FlakyCompletion(failures=1)
    worker = FeedWorkerService(fetcher=DownHost(), parse=parse_feed, states=store, articles=store,  # type: ignore[arg-type]
                               cycles=registry, completion=completion, policy=PollPolicy())
    feed = FeedConfig(id="e-world", url="http://127.0.0.1:9/rss", outlet="E", publisher_family="e")  # type: ignore[arg-type]
    shard = FeedShard(run_time=NOW, shard_id="c-0000", shards_in_cycle=1, max_per_host=2, feeds=[feed])
    assert registry.start_cycle(NOW, [shard.shard_id])
    with pytest.raises(RuntimeError, match="PutEvents"):
        worker.process(shard)
    # SQS redelivers the shard (its feed now backs off): the shard's record is there, counted
    # once, and the cycle is announced now, once
    worker.process(shard)
    worker.process(shard)
    assert completion.published == [(NOW, CycleTotals(new_articles=0, feeds_fetched=0, feeds_failed=1))]


def test_a_duplicate_dispatch_announces_a_cycle_that_had_nothing_due(dynamodb_table: str,
                                                                    registry: DynamoFeedRegistry) -> None:
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    completion = FlakyCompletion(failures=1)
    dispatch = DispatchService(registry=registry, states=store, queue=NoQueue(), cycles=registry,
                               completion=completion)
    with pytest.raises(RuntimeError, match="PutEvents"):
        dispatch.run(NOW)
    # Lambda's retry of the same scheduled event
    assert dispatch.run(NOW).duplicate_cycle
    assert dispatch.run(NOW).duplicate_cycle
    assert completion.published == [(NOW, CycleTotals(0, 0, 0))]
