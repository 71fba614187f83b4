"""SqsShardQueue's SendMessageBatch groups: ten messages and 256 KB at most per call."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from headlinez.adapters.feed_registry import SQS_BATCH_BYTES, SQS_BATCH_LIMIT, ShardQueueError, SqsShardQueue
from headlinez.models import FeedConfig, FeedShard

NOW = datetime(2026, 2, 18, 4, tzinfo=UTC)


class RecordingSqs:
    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []

    def send_message_batch(self, **call: Any) -> dict[str, Any]:  # boto3's QueueUrl=, Entries=
        entries: list[dict[str, Any]] = call["Entries"]
        self.batches.append(entries)
        return {"Successful": [{"Id": e["Id"]} for e in entries]}


def _shard(n: int, feeds: int) -> FeedShard:
    configs = [FeedConfig(id=f"f{n}-{k}", url=f"https://host{n}.example.com/feed/{k}.xml",  # type: ignore[arg-type]
                          outlet=f"Outlet {n}", publisher_family=f"family-{n}") for k in range(feeds)]
    return FeedShard(run_time=NOW, shard_id=f"s{n:04d}", shards_in_cycle=12, max_per_host=2, feeds=configs)


def test_large_shards_are_sent_in_batches_under_sqs_limits() -> None:
    # Ten shards of 500 feeds (FEEDS_PER_SHARD's maximum) were one call of ~900 KB
    sqs = RecordingSqs()
    queue = SqsShardQueue(sqs, "https://sqs.example/q")
    shards = [_shard(n, 500) for n in range(12)]

    queue.send(shards)

    assert queue.sent == 12
    assert [e["MessageBody"] for batch in sqs.batches for e in batch] == [s.model_dump_json() for s in shards]
    for batch in sqs.batches:
        assert len(batch) <= SQS_BATCH_LIMIT
        assert sum(len(e["MessageBody"].encode()) for e in batch) <= SQS_BATCH_BYTES
    assert len(sqs.batches) > 2  # not 10 + 2


def test_small_shards_still_go_ten_at_a_time() -> None:
    sqs = RecordingSqs()
    SqsShardQueue(sqs, "https://sqs.example/q").send([_shard(n, 3) for n in range(23)])
    assert [len(batch) for batch in sqs.batches] == [10, 10, 3]


def test_a_shard_over_the_limit_alone_is_refused_by_name() -> None:
    sqs = RecordingSqs()
    with pytest.raises(ShardQueueError, match="s0007"):
        SqsShardQueue(sqs, "https://sqs.example/q").send([_shard(7, 2000)])
    assert sqs.batches == []
