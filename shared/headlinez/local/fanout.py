"""The ingest fan-out in-process: the dispatch handler, moto SQS, and worker handlers as consumers.

`LocalFanOut.run_cycle(now)` invokes `functions/dispatch` with a scheduled event, then plays
Lambda's SQS event source: it receives up to `batch_size` shard messages (1, as deployed), invokes
`functions/feed_worker` with an SQS event (one invocation at a time: the handler's batch processor
and metrics are module state, as in one Lambda execution environment), delete the messages that
succeeded and make the ones in `batchItemFailures` visible again at once (SQS would wait for the
visibility timeout), until the queue is empty. A message received `max_receives` times is left aside
as dead-lettered (the queue's redrive policy deployed). The worker reports of every shard attempt
are collected.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

from headlinez.local.servers import LocalContext
from headlinez.models import FeedShard
from headlinez.services.ingest import IngestReport

logger = logging.getLogger(__name__)

QUEUE_NAME = "headlinez-feed-shards"


@dataclass
class ShardAttempt:
    shard_id: str
    report: IngestReport
    worker: str


@dataclass
class FanOutCycle:
    dispatch: dict[str, Any]
    attempts: list[ShardAttempt] = field(default_factory=list)
    invocations: int = 0
    failed_records: int = 0
    dead_lettered: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        """The cycle as one ingest report (the keys the local stack prints)."""
        keys = ("fetched", "not_modified", "unchanged", "errors", "new_articles", "duplicates",
                "stale_entries", "entries", "feeds_due")
        totals: dict[str, Any] = {key: sum(getattr(a.report, key) for a in self.attempts) for key in keys}
        totals["feeds_due"] = self.dispatch.get("feeds_due", 0)
        totals.update(seconds=round(self.seconds, 3), results=[], shards=self.dispatch.get("shards", 0),
                      feeds_not_due=self.dispatch.get("feeds_not_due", 0), failed_records=self.failed_records)
        return totals


def create_queue(sqs: Any) -> str:
    url: str = sqs.create_queue(QueueName=QUEUE_NAME, Attributes={"VisibilityTimeout": "960"})["QueueUrl"]
    return url


class LocalFanOut:
    def __init__(self, dispatch: ModuleType, worker: ModuleType, sqs: Any, queue_url: str, *,
                 batch_size: int = 1, max_receives: int = 3,
                 on_invoke: Callable[[Callable[[], Any]], Any] | None = None) -> None:
        self._dispatch = dispatch
        self._worker = worker
        self._sqs = sqs
        self._url = queue_url
        self._batch = batch_size
        self._max_receives = max_receives
        # Wraps each worker invocation (the benchmark measures memory around it).
        self._on_invoke = on_invoke or (lambda call: call())
        self._lock = threading.Lock()

    def run_cycle(self, now: datetime) -> FanOutCycle:
        started = time.perf_counter()
        event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                 "source": "aws.scheduler", "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "detail": {}}
        cycle = FanOutCycle(dispatch=self._dispatch.handler(event, LocalContext("headlinez-dispatch")))
        service = self._worker._service()

        def collect(shard: FeedShard, report: IngestReport) -> None:
            with self._lock:
                cycle.attempts.append(ShardAttempt(shard.shard_id, report, f"invocation-{cycle.invocations}"))

        service.listeners.append(collect)
        try:
            self._consume(cycle)
        finally:
            service.listeners.remove(collect)
        cycle.seconds = time.perf_counter() - started
        return cycle

    def _consume(self, cycle: FanOutCycle) -> None:
        while True:
            messages = self._sqs.receive_message(
                QueueUrl=self._url, MaxNumberOfMessages=self._batch, WaitTimeSeconds=0,
                AttributeNames=["ApproximateReceiveCount"]).get("Messages", [])
            if not messages:
                return
            live = []
            for message in messages:
                if int(message["Attributes"]["ApproximateReceiveCount"]) > self._max_receives:
                    with self._lock:
                        cycle.dead_lettered.append(message["MessageId"])
                    self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"])
                else:
                    live.append(message)
            if live:
                self._invoke(live, cycle)

    def _invoke(self, messages: list[dict[str, Any]], cycle: FanOutCycle) -> None:
        event = {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": {"ApproximateReceiveCount": m["Attributes"]["ApproximateReceiveCount"]},
            "messageAttributes": {}, "md5OfBody": m.get("MD5OfBody", ""), "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:us-east-1:000000000000:{QUEUE_NAME}", "awsRegion": "us-east-1",
        } for m in messages]}
        context = LocalContext("headlinez-feed_worker")
        try:
            response = self._on_invoke(lambda: self._worker.handler(event, context))
            failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        except Exception:
            # A Lambda error, as deployed when every record of a batch failed (Powertools'
            # BatchProcessor raises then; with BatchSize 1, any failed shard): SQS returns the
            # whole batch after the visibility timeout. It stopped the local cycle instead.
            logger.warning("feed worker invocation failed: its batch is redelivered", exc_info=True,
                           extra={"records": len(messages)})
            failed = {m["MessageId"] for m in messages}
        with self._lock:
            cycle.invocations += 1
            cycle.failed_records += len(failed)
        for message in messages:
            if message["MessageId"] in failed:  # redelivered: SQS would after the visibility timeout
                self._sqs.change_message_visibility(
                    QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
            else:
                self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"])
