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


def _shard(shard_id: str, *feed_ids: str, of: int = 2) -> FeedShard:
    feeds = [FeedConfig(id=f, url=f"http://127.0.0.1:9/{f}.xml", outlet=f.upper(), publisher_family=f)  # type: ignore[arg-type]
             for f in feed_ids or ("e-world",)]
    return FeedShard(run_time=NOW, shard_id=shard_id, shards_in_cycle=of, max_per_host=2, feeds=feeds)


def test_the_tracker_announces_a_finished_cycle_until_it_is_marked(registry: DynamoFeedRegistry) -> None:
    assert registry.start_cycle(NOW, [_shard("s1"), _shard("s2")], sending_at=NOW)
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
    assert registry.start_cycle(NOW, [shard], sending_at=NOW)
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


class BrokenQueue:
    """Sends its first `accept` shards, then fails (SQS refusing a batch after the SDK's retries)."""

    def __init__(self, accept: int) -> None:
        self.accept = accept
        self.sent: list[FeedShard] = []

    def send(self, shards: Sequence[FeedShard]) -> None:
        for shard in shards:
            if self.accept <= 0:
                raise RuntimeError("SQS refused shards")
            self.accept -= 1
            self.sent.append(shard)


def test_a_dispatch_that_failed_part_way_through_sending_is_resent_by_its_retry(
        dynamodb_table: str, registry: DynamoFeedRegistry) -> None:
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    for n in range(1, 5):  # four hosts: four shards of one feed each
        registry.put_feed(FeedConfig(id=f"f{n}", url=f"http://127.0.0.{n}/rss.xml", outlet=f"O{n}",  # type: ignore[arg-type]
                                 publisher_family=f"o{n}"), now=NOW)
    queue = BrokenQueue(accept=2)
    dispatch = DispatchService(registry=registry, states=store, queue=queue, cycles=registry, shard_size=1)
    with pytest.raises(RuntimeError, match="SQS refused"):
        dispatch.run(NOW)
    assert len(queue.sent) == 2
    # Lambda's retry of the same event: a duplicate, which finds the cycle unsent and sends its plan
    queue.accept = 10
    report = dispatch.run(NOW)
    assert (report.duplicate_cycle, report.resent) == (True, 4)
    assert {f.id for s in queue.sent[2:] for f in s.feeds} == {"f1", "f2", "f3", "f4"}
    assert {s.shard_id for s in queue.sent[2:]} >= {s.shard_id for s in queue.sent[:2]}, "same shard ids"
    # a third delivery sends nothing: the cycle is marked sent
    assert dispatch.run(NOW).resent == 0
    assert len(queue.sent) == 6
