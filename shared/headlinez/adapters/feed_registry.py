"""The feed list, the fan-out's cycles and the shard queue: DynamoDB and SQS adapters.

Items (`headlinez.adapters.entities.feeds`): a feed (FeedConfigEntity), the content of a seeded
feed file (FeedSeedEntity), an ingest cycle (CycleEntity). A feed's `doc` is its `FeedRecord`
(pydantic JSON); `paused` is also an attribute. A cycle item
holds the shard count, the set of finished shard ids and the summed counters; until every shard is
sent, the plan (each shard's feed ids) and `plan_at`, the wall-clock time its current send began
(0: that send failed); it expires after `CYCLE_TTL`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import boto3
from boto3.dynamodb.conditions import Key
from pydantic import ValidationError

from headlinez.adapters.entities.documents import read_document, read_each
from headlinez.adapters.entities.feeds import CycleEntity, FeedConfigEntity, FeedSeedEntity, FeedStateEntity
from headlinez.adapters.table import RETRYING, ConditionFailedError, TableClient
from headlinez.models import FeedConfig, FeedRecord, FeedShard, iso_utc
from headlinez.ports import CycleTotals, FeedNotFoundError

logger = logging.getLogger(__name__)
_WRITE_ATTEMPTS = 5  # a feed's read-then-write, redone when another writer came in between
ChangedT = TypeVar("ChangedT", FeedRecord, FeedRecord | None)
ResultT = TypeVar("ResultT")

CYCLE_TTL = timedelta(days=2)
SQS_BATCH_LIMIT = 10  # SendMessageBatch entries per call
SQS_BATCH_BYTES = 256 * 1024  # a SendMessageBatch's payload, all messages together
MAX_PLAN_BYTES = 300_000
"""A cycle item's plan (feed ids per shard) stays under DynamoDB's 400 KB item limit: ~15,000 feeds."""


class ShardQueueError(RuntimeError):
    """SQS refused to enqueue a shard."""


def seed_digest(feeds: Sequence[FeedConfig]) -> str:
    canonical = json.dumps([f.model_dump(mode="json") for f in feeds], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


class DynamoFeedRegistry:
    """FeedRegistry and CycleTracker on the single table."""

    def __init__(self, table: Any) -> None:
        self._db = TableClient.of_table(table)

    @classmethod
    def from_table_name(cls, table_name: str) -> DynamoFeedRegistry:
        resource = boto3.resource("dynamodb", config=RETRYING)
        return cls(resource.Table(table_name))

    # --- FeedRegistry --------------------------------------------------------------------------

    def list_feeds(self) -> list[FeedRecord]:
        items = self._db.query_all(IndexName="gsi1",
                                   KeyConditionExpression=Key("gsi1pk").eq(FeedConfigEntity.LIST_PARTITION))
        return read_each(items, FeedConfigEntity.from_item)

    def get_feeds(self, feed_ids: Sequence[str]) -> dict[str, FeedRecord]:
        """One consistent BatchGetItem per 100 feeds (a worker's check of its shard's feeds)."""
        items = self._db.batch_get([FeedConfigEntity.key(feed_id) for feed_id in feed_ids], consistent=True)
        return {record.config.id: record for record in read_each(items, FeedConfigEntity.from_item)}

    def _put_over(self, item: Mapping[str, Any], seen: Mapping[str, Any] | None) -> None:
        """Put `item` only over the item as it was read (`seen`; None: no item yet), so that an
        operator's pause, an edit and a deploy's seed never undo one another; ConditionFailedError
        when another write came between the read and this one."""
        if seen is None:
            self._db.put(item, condition="attribute_not_exists(pk)")
        else:
            self._db.put(item, condition="#doc = :seen", names={"#doc": "doc"}, values={":seen": seen["doc"]})

    def _rewrite(self, feed_id: str,
                 build: Callable[[Mapping[str, Any] | None], tuple[ResultT, Mapping[str, Any] | None]]
                 ) -> ResultT:
        """Read the feed's item, put `build(item)`'s item over what was read (nothing when it is
        None) and return its result; read again and redo when another write came in between."""
        for _ in range(_WRITE_ATTEMPTS):
            seen = self._db.get(FeedConfigEntity.key(feed_id), consistent=True)
            result, item = build(seen)
            if item is None:
                return result
            try:
                self._put_over(item, seen)
            except ConditionFailedError:
                continue
            return result
        raise ConditionFailedError(
            f"feed {feed_id}: changed by another writer {_WRITE_ATTEMPTS} times in a row")

    def _update(self, feed_id: str, change: Callable[[FeedRecord | None], ChangedT]) -> ChangedT:
        """Write `change(record)` over the record as read (nothing when it returns None)."""
        def build(seen: Mapping[str, Any] | None) -> tuple[ChangedT, Mapping[str, Any] | None]:
            record = change(FeedConfigEntity.from_item(seen) if seen else None)
            return record, None if record is None else FeedConfigEntity.to_item(record)

        return self._rewrite(feed_id, build)

    def put_feed(self, config: FeedConfig, *, now: datetime) -> FeedRecord:
        def edited(stored: FeedRecord | None) -> FeedRecord:
            return FeedRecord(config=config, paused=stored.paused if stored else False,
                              added_at=stored.added_at if stored else now, updated_at=now, source="cli")

        return self._update(config.id, edited)

    def set_paused(self, feed_id: str, paused: bool, *, now: datetime) -> FeedRecord:
        """Patch `paused` and `updated_at` into the stored document as it is: the fields and values
        a newer version wrote there survive an older version's pause (documents module)."""
        def patched(seen: Mapping[str, Any] | None) -> tuple[FeedRecord, Mapping[str, Any]]:
            if not seen:
                raise FeedNotFoundError(feed_id)
            document = {**json.loads(seen["doc"]), "paused": paused, "updated_at": iso_utc(now)}
            record = read_document(FeedRecord, json.dumps(document))
            stored = json.dumps(document, separators=(",", ":"))
            return record, {**FeedConfigEntity.to_item(record), "doc": stored}

        return self._rewrite(feed_id, patched)

    def remove_feed(self, feed_id: str) -> None:
        """Delete the feed's record and its state. A state without a record (a poll that was
        running when the feed was removed wrote it back) is removed too: it would stay on the
        feed-health list for good, with no TTL."""
        try:
            self._db.delete(FeedConfigEntity.key(feed_id), condition="attribute_exists(pk)")
        except ConditionFailedError as exc:
            if self._db.get(FeedStateEntity.key(feed_id), consistent=True) is None:
                raise FeedNotFoundError(feed_id) from exc
        self._db.delete(FeedStateEntity.key(feed_id))

    def seed(self, feeds: Sequence[FeedConfig], *, now: datetime) -> int:
        """Once per distinct content: add missing feeds, update seed-sourced feeds whose entry in the
        file changed (keeping their paused flag); feeds added or changed by the CLI are left alone.
        Each write is over the feed as read: a pause or an edit made meanwhile is read again and kept."""
        digest = seed_digest(feeds)
        if self._db.get(FeedSeedEntity.key(digest)):
            return 0
        listed = {str(item["gsi1sk"]): item for item in self._db.query_all(  # gsi1sk: the feed's id
            IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq(FeedConfigEntity.LIST_PARTITION))}
        changed = 0
        for config in feeds:
            def seeded(current: FeedRecord | None, config: FeedConfig = config) -> FeedRecord | None:
                if current is not None and (current.source != "seed" or current.config == config):
                    return None
                return FeedRecord(config=config, paused=current.paused if current else False,
                                  added_at=current.added_at if current else now, updated_at=now,
                                  source="seed")

            seen = listed.get(config.id)
            try:
                record = seeded(FeedConfigEntity.from_item(seen) if seen else None)
            except ValidationError:  # a newer version's record (documents module): left to it
                continue
            if record is None:
                continue
            try:
                self._put_over(FeedConfigEntity.to_item(record), seen)
            except ConditionFailedError:  # written since the listing (or the index lagged): redo
                try:
                    record = self._update(config.id, seeded)
                except ValidationError:  # rewritten meanwhile by a newer version: left to it
                    continue
            if record is not None:
                changed += 1
        self._db.put(FeedSeedEntity.to_item(digest, now, len(feeds)))
        return changed

    # --- CycleTracker --------------------------------------------------------------------------

    def start_cycle(self, run_time: datetime, shards: Sequence[FeedShard], *, sending_at: datetime) -> bool:
        """False when this cycle was already dispatched (a duplicate scheduler delivery). The
        item keeps the plan (each shard's feed ids) until every shard is sent (`cycle_sent`),
        with `plan_at`, the wall-clock time its send began (`claim_unsent_plan`)."""
        item = CycleEntity.to_item(run_time, len(shards), CYCLE_TTL)
        plan = json.dumps([[shard.shard_id, [feed.id for feed in shard.feeds]] for shard in shards],
                          separators=(",", ":"))
        if len(plan) <= MAX_PLAN_BYTES:  # else (tens of thousands of feeds) no resend: logged
            item["plan"] = plan
            item["plan_at"] = _stamp(sending_at)
        else:
            logger.warning("cycle plan too large to keep: a failed send is not resent",
                           extra={"plan_bytes": len(plan), "shards": len(shards)})
        try:
            self._db.put(item, condition="attribute_not_exists(pk)")
        except ConditionFailedError:
            return False
        return True

    def cycle_sent(self, run_time: datetime) -> None:
        with contextlib.suppress(ConditionFailedError):
            self._db.update(CycleEntity.key(run_time), "SET sent = :yes REMOVE #plan, plan_at",  # reserved
                            condition="attribute_exists(pk)", names={"#plan": "plan"}, values={":yes": True})

    def claim_unsent_plan(self, run_time: datetime, *, sending_at: datetime, abandoned_before: datetime
                          ) -> list[tuple[str, list[str]]] | None:
        """One conditional UpdateItem: of overlapping deliveries that find the plan unsent, at most
        one claims it, and only once its sender failed (`plan_at` 0) or began before
        `abandoned_before`. A plan without `plan_at` (written before it existed) is abandoned."""
        try:
            item = self._db.update(
                CycleEntity.key(run_time), "SET plan_at = :at",
                condition=("attribute_exists(#plan) AND attribute_not_exists(sent) "
                           "AND (attribute_not_exists(plan_at) OR plan_at < :abandoned)"),
                names={"#plan": "plan"},  # PLAN: reserved
                values={":at": _stamp(sending_at), ":abandoned": _stamp(abandoned_before)},
                returns="ALL_NEW")
        except ConditionFailedError:
            return None  # sent, no plan, unknown cycle, or another delivery is (or may be) sending it
        return [(str(shard_id), [str(f) for f in feeds]) for shard_id, feeds in json.loads(item["plan"])]

    def send_failed(self, run_time: datetime, *, sending_at: datetime) -> None:
        with contextlib.suppress(ConditionFailedError):  # claimed by another delivery since, or sent
            self._db.update(CycleEntity.key(run_time), "SET plan_at = :free",
                            condition=("attribute_exists(#plan) AND attribute_not_exists(sent) "
                                       "AND plan_at = :at"),
                            names={"#plan": "plan"}, values={":free": 0, ":at": _stamp(sending_at)})

    def shard_done(self, run_time: datetime, shard_id: str, *, new_articles: int, fetched: int,
                   failed: int) -> CycleTotals | None:
        try:
            item = self._db.update(
                CycleEntity.key(run_time), "ADD done :id, new_articles :n, fetched :f, failed :e",
                condition="attribute_exists(pk) AND NOT contains(done, :sid)",
                values={":id": {shard_id}, ":sid": shard_id, ":n": new_articles, ":f": fetched, ":e": failed},
                returns="ALL_NEW")
        except ConditionFailedError:
            # Recorded by an earlier attempt of this shard (or an unknown cycle): that attempt may
            # have finished the cycle and died before announcing it.
            return self.unannounced_totals(run_time)
        return _complete_totals(item)

    def unannounced_totals(self, run_time: datetime) -> CycleTotals | None:
        return _complete_totals(self._db.get(CycleEntity.key(run_time), consistent=True) or {})

    def cycle_announced(self, run_time: datetime) -> None:
        with contextlib.suppress(ConditionFailedError):  # an unknown (expired) cycle: nothing to mark
            self._db.update(CycleEntity.key(run_time), "SET announced = :yes",
                            condition="attribute_exists(pk)", values={":yes": True})


def _stamp(at: datetime) -> Decimal:
    """A cycle's `plan_at`: epoch seconds to the millisecond (DynamoDB numbers are Decimals)."""
    return Decimal(str(round(at.timestamp(), 3)))


def _complete_totals(item: Mapping[str, Any]) -> CycleTotals | None:
    """The totals of a stored cycle whose every shard is done and whose end was not announced."""
    if not item or item.get("announced") or len(item.get("done", ())) < int(item.get("shards", 0)):
        return None
    return CycleTotals(new_articles=int(item.get("new_articles", 0)),
                       feeds_fetched=int(item.get("fetched", 0)), feeds_failed=int(item.get("failed", 0)))


def _batches(shards: Sequence[FeedShard]) -> Iterator[tuple[list[FeedShard], list[str]]]:
    """SendMessageBatch groups: at most SQS_BATCH_LIMIT messages and SQS_BATCH_BYTES in all (ten
    shards of 500 feeds, FEEDS_PER_SHARD's maximum, are ~900 KB). A shard alone over the limit
    (one host with ~1,400 feeds) is an error that names it."""
    batch: list[FeedShard] = []
    bodies: list[str] = []
    size = 0
    for shard in shards:
        body = shard.model_dump_json()
        body_size = len(body.encode())
        if body_size > SQS_BATCH_BYTES:
            raise ShardQueueError(f"shard {shard.shard_id} is {body_size} bytes, over SQS's "
                                  f"{SQS_BATCH_BYTES}: lower FEEDS_PER_SHARD or split the host's feeds")
        if batch and (len(batch) == SQS_BATCH_LIMIT or size + body_size > SQS_BATCH_BYTES):
            yield batch, bodies
            batch, bodies, size = [], [], 0
        batch.append(shard)
        bodies.append(body)
        size += body_size
    if batch:
        yield batch, bodies


class SqsShardQueue:
    """ShardQueue on SQS: one message per shard, SendMessageBatch of 10."""

    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._url = queue_url
        self.sent = 0

    @classmethod
    def from_url(cls, queue_url: str) -> SqsShardQueue:
        client = boto3.client("sqs", config=RETRYING)
        return cls(client, queue_url)

    def send(self, shards: Sequence[FeedShard]) -> None:
        for batch, bodies in _batches(shards):
            entries = [{"Id": str(index), "MessageBody": body} for index, body in enumerate(bodies)]
            response = self._client.send_message_batch(QueueUrl=self._url, Entries=entries)
            if response.get("Failed"):
                failed = [batch[int(f["Id"])].shard_id for f in response["Failed"]]
                raise ShardQueueError(f"SQS refused shards {failed}: {response['Failed'][0].get('Message')}")
            self.sent += len(batch)
