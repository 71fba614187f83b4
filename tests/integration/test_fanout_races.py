"""Overlapping runs of the fan-out, each interleaving replayed deterministically on moto.

- Two deliveries of one dispatch slot (ReserveConcurrency=false lets them overlap): the second, run
  while the first is sending, found the plan unsent and sent every shard again.
- A feed removed or paused while its shard waited in SQS: the worker polled it and re-created its
  state item, so a removed feed was back on the feed-health list for good.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.feed_parser import parse_feed
from headlinez.adapters.feed_registry import DynamoFeedRegistry, SqsShardQueue
from headlinez.adapters.http_fetch import FetchOutcome
from headlinez.domain.feed_schedule import PollPolicy
from headlinez.models import FeedConfig, FeedShard
from headlinez.ports import CycleTotals
from headlinez.services.fanout import DISPATCH_TIMEOUT, DispatchService, FeedWorkerService
from headlinez.views.reads import ApiReads

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)


class FixedFeeds:
    """A fetcher serving fixed RSS bodies by URL (nothing leaves the process)."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies = bodies
        self.calls: list[str] = []

    async def __aenter__(self) -> FixedFeeds:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchOutcome:
        self.calls.append(url)
        return FetchOutcome(url=url, status=200, body=self.bodies[url], etag='"e1"',
                            content_type="application/rss+xml")


class WallClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def rss(*items: tuple[str, str]) -> bytes:
    body = "".join(f"<item><title>{title}</title><link>{link}</link>"
                   f"<pubDate>Wed, 18 Feb 2026 03:30:00 GMT</pubDate></item>" for title, link in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{body}</channel></rss>'.encode()


@pytest.fixture
def resource(dynamodb_table: str) -> Any:
    return boto3.resource("dynamodb", region_name="us-east-1")


@pytest.fixture
def registry(resource: Any, dynamodb_table: str) -> DynamoFeedRegistry:
    return DynamoFeedRegistry(resource.Table(dynamodb_table))


@pytest.fixture
def sqs(aws_env: None, dynamodb_table: str) -> tuple[Any, str]:
    client = boto3.client("sqs", region_name="us-east-1")
    return client, client.create_queue(QueueName="shards")["QueueUrl"]


def _drain(sqs: tuple[Any, str]) -> list[FeedShard]:
    client, url = sqs
    shards: list[FeedShard] = []
    while got := client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        shards += [FeedShard.model_validate_json(m["Body"]) for m in got]
        client.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
    return shards


# --- dispatch: a duplicate delivery during the first one's send ---------------------------------------


class Killed(BaseException):
    """Lambda ended the delivery (timeout, out of memory): no `except Exception` runs."""


class DyingQueue:
    """Sends nothing and kills the delivery while sending."""

    def send(self, shards: Sequence[FeedShard]) -> None:
        raise Killed("Task timed out after 120.00 seconds")


def test_a_duplicate_dispatch_during_the_first_ones_send_sends_nothing(
        resource: Any, dynamodb_table: str, registry: DynamoFeedRegistry, sqs: tuple[Any, str]) -> None:
    store = DynamoStore(resource, dynamodb_table)
    for h in range(3):  # three hosts of two feeds: three shards
        for n in range(2):
            registry.put_feed(FeedConfig(id=f"f{h}-{n}", url=f"https://host{h}.example/{n}.xml",  # type: ignore[arg-type]
                                         outlet=f"O{h}", publisher_family=f"o{h}"), now=NOW)
    clock = WallClock(NOW + timedelta(seconds=5))

    def dispatch(queue: Any) -> DispatchService:
        return DispatchService(registry=registry, states=store, queue=queue, cycles=registry,
                               shard_size=2, clock=clock)

    duplicate: list[Any] = []

    class SlowQueue(SqsShardQueue):
        """The first delivery's queue: the duplicate runs in full just before its SendMessageBatch."""

        def send(self, shards: Sequence[FeedShard]) -> None:
            clock.at += timedelta(seconds=1)
            duplicate.append(dispatch(SqsShardQueue(*sqs)).run(NOW))
            super().send(shards)

    # Given the first delivery of a slot, and a second delivery of it during the first one's send
    first = dispatch(SlowQueue(*sqs)).run(NOW)
    # Then the second sends nothing: the plan is being sent, not abandoned
    assert first.shards == 3
    assert (duplicate[0].duplicate_cycle, duplicate[0].resent) == (True, 0)
    sent = Counter(s.shard_id for s in _drain(sqs))
    assert sorted(sent.values()) == [1, 1, 1], sent

    # Given a slot whose first delivery died while sending (no failure path ran: a timeout)
    later = NOW + timedelta(minutes=15)
    clock.at = later
    with pytest.raises(Killed):
        dispatch(DyingQueue()).run(later)
    # When a retry comes before that delivery's timeout is over: it may still be sending
    clock.at = later + DISPATCH_TIMEOUT - timedelta(seconds=1)
    assert dispatch(SqsShardQueue(*sqs)).run(later).resent == 0
    assert _drain(sqs) == []
    # When two retries come after it: exactly one resends the plan
    clock.at = later + DISPATCH_TIMEOUT + timedelta(seconds=1)
    stalled: list[Any] = []

    class ClaimingQueue(SqsShardQueue):
        def send(self, shards: Sequence[FeedShard]) -> None:
            stalled.append(dispatch(SqsShardQueue(*sqs)).run(later))  # overlaps this resend
            super().send(shards)

    resender = dispatch(ClaimingQueue(*sqs)).run(later)
    assert (resender.resent, stalled[0].resent) == (3, 0)
    assert sorted(Counter(s.shard_id for s in _drain(sqs)).values()) == [1, 1, 1]


# --- worker: a feed removed or paused while its shard waits ----------------------------------------


def test_a_feed_removed_or_paused_while_its_shard_waits_is_not_polled(
        resource: Any, dynamodb_table: str, registry: DynamoFeedRegistry, sqs: tuple[Any, str]) -> None:
    store = DynamoStore(resource, dynamodb_table)
    feeds = [FeedConfig(id=name, url=f"https://spam.example/{name}.xml", outlet="S",  # type: ignore[arg-type]
                        publisher_family="s") for name in ("spammy", "paused", "kept")]
    for feed in feeds:
        registry.put_feed(feed, now=NOW)
    DispatchService(registry=registry, states=store, queue=SqsShardQueue(*sqs), cycles=registry).run(NOW)
    [shard] = _drain(sqs)
    assert {f.id for f in shard.feeds} == {"spammy", "paused", "kept"}
    # Given the operator removes one feed and pauses another while the shard waits in SQS
    registry.remove_feed("spammy")
    registry.set_paused("paused", True, now=NOW)
    completed: list[CycleTotals] = []

    class Completed:
        def cycle_completed(self, run_time: datetime, totals: CycleTotals) -> None:
            completed.append(totals)

    fetcher = FixedFeeds({str(f.url): rss((f"Story of {f.id} today", f"https://spam.example/{f.id}/1"))
                          for f in feeds})
    worker = FeedWorkerService(fetcher=fetcher, parse=parse_feed, states=store, articles=store,  # type: ignore[arg-type]
                               cycles=registry, registry=registry, completion=Completed(),
                               policy=PollPolicy())
    # When the worker polls the shard
    report = worker.process(shard)
    # Then only the feed still listed is polled; the removed one stays gone from /feeds
    assert fetcher.calls == ["https://spam.example/kept.xml"]
    assert report.new_articles == 1
    assert store.get_states(["spammy", "paused"]) == {}
    reads = ApiReads(store, store, cursor_secret="x" * 32, clock=lambda: NOW)
    assert [item.feed_id for item in reads.feed_health().feeds] == ["kept"]
    # and the shard is recorded done: its cycle completes, counting the feed it polled
    assert completed == [CycleTotals(new_articles=1, feeds_fetched=1, feeds_failed=0)]
