"""The single DynamoDB table behind every repository Protocol.

Key design (see docs/architecture.md for the access-pattern table):

| item | pk | sk | gsi1pk / gsi1sk | gsi2pk / gsi2sk |
|---|---|---|---|---|
| article | ART#{article_id} | A | INGEST#{yyyy-mm-ddThh} / {ingested_at}#{id} | |
| dedupe alias | TITLE#... or GUID#... | K | | |
| feed state | FEED#{feed_id} | STATE | FEEDS / {feed_id} | |
| trend | TREND#{trend_id} | META | TRENDS / {rank key} (open, public only) | OPEN / {rank key} (open only) |
| trend member | TREND#{trend_id} | M#{published}#{article_id} | | |
| trend brief (headlinez.briefs) | TREND#{trend_id} | BRIEF | | |
| clustering state | CLUSTER | DF, CHECKPOINT | | |
| prediction | PRED#{trend_id} | {made_at} | PREDDUE / {due_at}#{trend_id} (until scored) | |
| prediction track record | PREDTRACK | ALL | | |

Trend state and feed state are stored as one JSON attribute (`doc`) beside the few attributes
that keys and projections need: no float/Decimal conversions and one schema, the pydantic one.

The API's reads (patterns 7, 8, 10-13 of docs/architecture.md) add, on open trend items only:
`gsi3pk`/`gsi3sk` = `CAT#{category}` / {rank key} (sparse: public trends with a category), and the
filter attributes `last_seen`, `trend_status`, `trend_category`, `topic_slugs` (string set) and
`search_text`. Public = 2+ newsrooms (`headlinez.domain.newsrooms.is_public`): only public trends
are on gsi1 `TRENDS` and gsi3, so a public list pages by key and never loses items to a filter;
gsi2 `OPEN` holds every open trend by rank key (clustering's load, and `include=candidates`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import boto3
from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from botocore.config import Config
from botocore.exceptions import ClientError

from headlinez.domain.dedupe import dedupe_keys, dedupe_record
from headlinez.domain.newsrooms import is_public
from headlinez.domain.prediction import PredictionRecord, TrackRecord, counters
from headlinez.domain.search import search_text
from headlinez.models import Article, FeedState, TrendMember, TrendState
from headlinez.ports import (
    InvalidStartKeyError,
    StartKey,
    TrendQuery,
    TrendRecord,
    TrendVersionConflictError,
)

BATCH_GET_LIMIT = 100  # DynamoDB's limit per BatchGetItem request
BATCH_WRITE_LIMIT = 25  # DynamoDB's limit per BatchWriteItem request
TRANSACT_LIMIT = 100  # DynamoDB's limit of actions per TransactWriteItems request ...
TRANSACT_BYTES = 3_500_000  # ... and (with margin) of its 4 MB total size
MAX_ITEM_BYTES = 350_000  # stay well under the 400 KB item limit
_MAX_UNPROCESSED_ROUNDS = 8
RECENT_WINDOW = 100  # sort=recent reorders this many top-ranked trends of the scope by last activity
FILTER_READ_FACTOR = 4  # a filtered list page evaluates up to limit x this many items ...
MAX_EVALUATED = 200  # ... and never more than this (one Query, also capped at 1 MB by DynamoDB)
PREDICTIONS_DUE = "PREDDUE"  # sparse gsi1 partition of predictions waiting for their outcome
TRACK_RECORD_PK = "PREDTRACK"
PREDICTION_TTL = timedelta(days=90)  # after the due time


class StorageError(RuntimeError):
    """DynamoDB refused or failed an operation in a way the caller cannot fix by retrying."""


class ItemTooLargeError(StorageError):
    """An item would exceed DynamoDB's 400 KB limit."""


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hour_bucket(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H")


def _epoch(value: datetime) -> int:
    return int(value.timestamp())


def _key_for(dedupe_key: str) -> dict[str, str]:
    return {"pk": dedupe_key, "sk": "A" if dedupe_key.startswith("ART#") else "K"}


def rank_key(score: float, last_seen: datetime, trend_id: str) -> str:
    """Sort key of the ranked trend list: higher score first when queried descending."""
    bounded = max(0, min(int(score * 1000), 10**12 - 1))
    return f"{bounded:012d}#{_iso(last_seen)}#{trend_id}"


class DynamoStore:
    """Implements FeedStateRepository, ArticleRepository and TrendRepository on one table."""

    def __init__(self, resource: Any, table_name: str, *, article_ttl: timedelta = timedelta(days=14),
                 closed_trend_ttl: timedelta = timedelta(days=30)) -> None:
        self._resource = resource  # batch calls live on the service resource, not on the Table
        self._table = resource.Table(table_name)
        self._name = table_name
        self._article_ttl = article_ttl
        self._closed_trend_ttl = closed_trend_ttl
        self.write_count = 0  # items written by this instance: the benchmark reports it

    @classmethod
    def from_table_name(cls, table_name: str, **kwargs: Any) -> DynamoStore:
        resource = boto3.resource(
            "dynamodb", config=Config(retries={"mode": "standard", "max_attempts": 5})
        )
        return cls(resource, table_name, **kwargs)

    # --- generic helpers -----------------------------------------------------------------------

    def _batch_get(self, keys: Sequence[dict[str, str]], projection: Sequence[str] = ()
                   ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        unique = list({(k["pk"], k["sk"]): k for k in keys}.values())
        for start in range(0, len(unique), BATCH_GET_LIMIT):
            request: dict[str, Any] = {"Keys": unique[start:start + BATCH_GET_LIMIT], "ConsistentRead": True}
            if projection:
                names = {f"#p{i}": name for i, name in enumerate(projection)}
                request["ProjectionExpression"] = ", ".join(names)
                request["ExpressionAttributeNames"] = names
            pending: dict[str, Any] = {self._name: request}
            for attempt in range(_MAX_UNPROCESSED_ROUNDS):
                response = self._resource.batch_get_item(RequestItems=pending)
                found.extend(response.get("Responses", {}).get(self._name, []))
                pending = response.get("UnprocessedKeys") or {}
                if not pending:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise StorageError("BatchGetItem left keys unprocessed after retries")
        return found

    def _batch_put(self, items: Sequence[Mapping[str, Any]]) -> None:
        if not items:
            return
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as writer:
            for item in items:
                writer.put_item(Item=dict(item))
        self.write_count += len(items)

    def _query_all(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        while True:
            response = self._table.query(**kwargs)
            yield from response.get("Items", [])
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            kwargs["ExclusiveStartKey"] = last

    # --- feed state ----------------------------------------------------------------------------

    def get_states(self, feed_ids: Sequence[str]) -> dict[str, FeedState]:
        items = self._batch_get([{"pk": f"FEED#{fid}", "sk": "STATE"} for fid in feed_ids])
        states = [FeedState.model_validate_json(item["doc"]) for item in items]
        return {state.feed_id: state for state in states}

    def put_states(self, states: Sequence[FeedState]) -> None:
        self._batch_put([
            {"pk": f"FEED#{s.feed_id}", "sk": "STATE", "gsi1pk": "FEEDS", "gsi1sk": s.feed_id,
             "doc": s.model_dump_json()}
            for s in states
        ])

    def list_states(self) -> list[FeedState]:
        items = self._query_all(IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq("FEEDS"))
        return [FeedState.model_validate_json(item["doc"]) for item in items]

    # --- articles ------------------------------------------------------------------------------

    def existing_keys(self, keys: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        items = self._batch_get([_key_for(k) for k in keys], projection=("pk", "rec"))
        return {item["pk"]: json.loads(item["rec"]) for item in items}

    def _article_item(self, article: Article) -> dict[str, Any]:
        return {
            "pk": f"ART#{article.article_id}", "sk": "A",
            "gsi1pk": f"INGEST#{_hour_bucket(article.ingested_at)}",
            "gsi1sk": f"{_iso(article.ingested_at)}#{article.article_id}",
            "ttl": _epoch(article.ingested_at + self._article_ttl),
            "doc": article.model_dump_json(exclude_none=True),
            # The ART key doubles as the URL dedupe key: its record is read by existing_keys.
            "rec": json.dumps(dedupe_record(article)),
        }

    def save_new_articles(self, articles: Sequence[Article]) -> list[Article]:
        """Store new articles exactly once; return those this call actually wrote.

        The article item (its key is the canonical URL's digest) is a conditional put,
        `attribute_not_exists(pk)`: even two overlapping runs, or a retried one, can store an
        article only once, and the loser learns it was already there. Its dedupe aliases
        (title per newsroom, feed GUID) follow in BatchWriteItem calls of 25: they are
        deterministic records of an article that now exists, so rewriting one is harmless, and
        batching them keeps writes cheap (on moto 6,900 vs 1,200 items/s).
        """
        written: list[Article] = []
        client = self._table.meta.client
        for article in articles:
            try:
                self._table.put_item(Item=self._article_item(article),
                                     ConditionExpression="attribute_not_exists(pk)")
            except client.exceptions.ConditionalCheckFailedException:
                continue  # stored meanwhile by another run: not ours to count
            self.write_count += 1
            written.append(article)
        aliases: list[dict[str, Any]] = []
        for article in written:
            ttl = _epoch(article.ingested_at + self._article_ttl)
            record = json.dumps(dedupe_record(article))
            aliases.extend({"pk": key, "sk": "K", "rec": record, "ttl": ttl}
                           for key in dedupe_keys(article) if not key.startswith("ART#"))
        self._batch_put(aliases)
        return written

    def set_article_trends(self, articles: Sequence[Article]) -> None:
        """Rewrite articles with their trend id (whole-item puts: idempotent, batched)."""
        self._batch_put([self._article_item(a) for a in articles])

    def articles_ingested_between(self, start: datetime, end: datetime) -> list[Article]:
        articles: list[Article] = []
        hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        while hour <= end:
            condition = Key("gsi1pk").eq(f"INGEST#{_hour_bucket(hour)}") & Key("gsi1sk").between(
                _iso(start), _iso(end) + "~")
            for item in self._query_all(IndexName="gsi1", KeyConditionExpression=condition):
                articles.append(_article_from_item(item))
            hour += timedelta(hours=1)
        return articles

    # --- clustering state ----------------------------------------------------------------------

    def get_cluster_doc(self, name: str) -> str | None:
        item = self._table.get_item(Key={"pk": "CLUSTER", "sk": name}, ConsistentRead=True).get("Item")
        return cast(str, item["doc"]) if item else None

    def put_cluster_doc(self, name: str, doc: str) -> None:
        if len(doc.encode()) > MAX_ITEM_BYTES:
            raise ItemTooLargeError(f"cluster document {name} is {len(doc)} bytes")
        self._batch_put([{"pk": "CLUSTER", "sk": name, "doc": doc}])

    # --- trends --------------------------------------------------------------------------------

    def load_open_trends(self) -> list[TrendState]:
        items = self._query_all(IndexName="gsi2", KeyConditionExpression=Key("gsi2pk").eq("OPEN"))
        return [TrendState.model_validate_json(item["doc"]) for item in items]

    def _trend_item(self, trend: TrendState, score: float) -> dict[str, Any]:
        doc = trend.model_dump_json()
        if len(doc.encode()) > MAX_ITEM_BYTES:
            raise ItemTooLargeError(f"trend {trend.trend_id} serializes to {len(doc)} bytes")
        item: dict[str, Any] = {"pk": f"TREND#{trend.trend_id}", "sk": "META", "doc": doc,
                                "trend_id": trend.trend_id, "version": trend.version}
        if trend.is_open:
            rank = rank_key(score, trend.last_seen, trend.trend_id)
            item.update({"gsi2pk": "OPEN", "gsi2sk": rank})
            if is_public(trend):  # candidates (one newsroom) stay off the public list's partitions
                item.update({"gsi1pk": "TRENDS", "gsi1sk": rank})
            item.update(_api_read_attributes(trend, rank))
            # What a list shows, without clustering's working state (centroid, samples, id and
            # fingerprint caches: ~90% of `doc`). Lists read only this attribute, so a page of 100
            # stays far below DynamoDB's 1 MB per Query and costs a fraction of the parsing.
            item["list_doc"] = trend.model_dump_json(exclude=_CLUSTERING_STATE)
        else:
            item["ttl"] = _epoch(trend.last_seen + self._closed_trend_ttl)
        return item

    def _member_item(self, trend_id: str, member: TrendMember) -> dict[str, Any]:
        return {
            "pk": f"TREND#{trend_id}", "sk": f"M#{_iso(member.published)}#{member.article_id}",
            **member.model_dump(mode="json"),
            "ttl": _epoch(member.published + self._article_ttl + self._closed_trend_ttl),
        }

    def save_trends(self, trends: Sequence[TrendState],
                    members: Mapping[str, Sequence[TrendMember]],
                    scores: Mapping[str, float] | None = None, *,
                    expected_versions: Mapping[str, int] | None = None) -> None:
        """Store trends (META) and new member items.

        Without `expected_versions` (seeding, tools): whole-item puts, batched. With it (clustering),
        every META write is conditional: a trend the caller loaded (its id in `expected_versions`)
        only while the stored `version` is still the loaded one; any other only while no open trend
        of that id is stored. A META is written in one transaction with its members, so counters and
        coverage never part; a refused condition raises `TrendVersionConflictError` and leaves that
        transaction's trends and members unwritten (earlier transactions stay, consistent).
        """
        scores = scores or {}
        trend_items = [self._trend_item(t, scores.get(t.trend_id, 0.0)) for t in trends]
        member_items = {tid: list({(i["pk"], i["sk"]): i for i in (self._member_item(tid, m) for m in ms)}
                                  .values()) for tid, ms in members.items()}
        if expected_versions is None:
            self._batch_put(trend_items + [i for items in member_items.values() for i in items])
            return
        pending: list[tuple[dict[str, Any], str]] = []  # (transaction action, its trend id)
        size = 0
        for item in trend_items:
            trend_id = str(item["trend_id"])
            actions = [(self._conditional_put(item, expected_versions.get(trend_id)), trend_id)]
            own = member_items.pop(trend_id, [])
            if len(own) >= TRANSACT_LIMIT:
                # Rare (a backlog run): the members beyond one transaction go first, as idempotent
                # puts; a conflict may leave them stored, and the redone run puts them again.
                self._batch_put(own[:len(own) - TRANSACT_LIMIT + 1])
                own = own[len(own) - TRANSACT_LIMIT + 1:]
            actions.extend(({"Put": {"TableName": self._name, "Item": i}}, trend_id) for i in own)
            weight = sum(_approx_bytes(action) for action, _ in actions)
            if pending and (len(pending) + len(actions) > TRANSACT_LIMIT or size + weight > TRANSACT_BYTES):
                self._transact(pending, expected_versions)
                pending, size = [], 0
            pending.extend(actions)
            size += weight
        if pending:
            self._transact(pending, expected_versions)
        # Members of trends not written in this call (none from clustering) are idempotent puts.
        self._batch_put([i for items in member_items.values() for i in items])

    def _conditional_put(self, item: Mapping[str, Any], expected: int | None) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._name, "Item": dict(item)}
        if expected is None:
            # A new trend: refused when another run stored an open trend of that id meanwhile.
            put["ConditionExpression"] = "attribute_not_exists(gsi2pk)"
        else:
            # Items written before META carried `version` have none: accepted once, then guarded.
            put.update(ConditionExpression="#version = :expected OR attribute_not_exists(#version)",
                       ExpressionAttributeNames={"#version": "version"},
                       ExpressionAttributeValues={":expected": expected})
        return {"Put": put}

    def _transact(self, actions: Sequence[tuple[dict[str, Any], str]], expected: Mapping[str, int]) -> None:
        client = self._resource.meta.client  # serializes plain Python values, like Table does
        try:
            client.transact_write_items(TransactItems=[action for action, _ in actions])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            for (_, trend_id), code in zip(actions, reasons, strict=False):
                if code in ("ConditionalCheckFailed", "TransactionConflict"):
                    raise TrendVersionConflictError(trend_id, expected.get(trend_id)) from exc
            raise
        self.write_count += len(actions)

    def list_trends(self, limit: int, start_key: StartKey | None
                    ) -> tuple[list[TrendState], StartKey | None]:
        kwargs: dict[str, Any] = {"IndexName": "gsi1", "KeyConditionExpression": Key("gsi1pk").eq("TRENDS"),
                                  "ScanIndexForward": False, "Limit": limit}
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        response = self._table.query(**kwargs, **_list_projection("gsi1pk", "gsi1sk"))
        trends = [_listed(item) for item in response.get("Items", [])]
        return trends, response.get("LastEvaluatedKey")

    def get_trend(self, trend_id: str) -> tuple[TrendState, list[TrendMember]] | None:
        state: TrendState | None = None
        members: list[TrendMember] = []
        for item in self._query_all(KeyConditionExpression=Key("pk").eq(f"TREND#{trend_id}")):
            if item["sk"] == "META":
                state = TrendState.model_validate_json(item["doc"])
            elif item["sk"].startswith("M#"):
                members.append(TrendMember.model_validate(
                    {k: item[k] for k in TrendMember.model_fields if k in item}))
        if state is None:
            return None
        members.sort(key=lambda m: m.published, reverse=True)
        return state, members

    # --- API reads (access patterns 7, 8, 10-13) -----------------------------------------------

    def query_trends(self, query: TrendQuery, limit: int, start_key: StartKey | None
                     ) -> tuple[list[TrendState], StartKey | None]:
        """One Query on gsi1 (public trends), gsi3 (public, one category) or, with candidates, gsi2
        (every open trend), highest rank first, filters applied.

        A filtered page evaluates up to `limit x FILTER_READ_FACTOR` items and returns the first
        `limit` matches, with a start key after the last one returned. `sort="recent"` reorders the
        scope's `RECENT_WINDOW` top-ranked trends by last activity and pages by offset.
        """
        if query.include_candidates:  # every open trend by rank; a category is then a filter
            index, hash_name, range_name, partition = "gsi2", "gsi2pk", "gsi2sk", "OPEN"
        elif query.category:
            index, hash_name, range_name, partition = "gsi3", "gsi3pk", "gsi3sk", f"CAT#{query.category}"
        else:
            index, hash_name, range_name, partition = "gsi1", "gsi1pk", "gsi1sk", "TRENDS"
        kwargs: dict[str, Any] = {"IndexName": index, "KeyConditionExpression": Key(hash_name).eq(partition),
                                  "ScanIndexForward": False,
                                  **_list_projection(hash_name, range_name, "last_seen")}
        condition = _trend_filter(query)
        if condition is not None:
            kwargs["FilterExpression"] = condition
        if query.sort == "recent":
            return self._recent_page(kwargs, limit, start_key)
        key_names = ("pk", "sk", hash_name, range_name)
        if start_key is not None:
            expected = {hash_name: partition, "sk": "META"}
            kwargs["ExclusiveStartKey"] = _checked_key(start_key, key_names, expected)
        kwargs["Limit"] = min(limit * FILTER_READ_FACTOR, MAX_EVALUATED) if condition is not None else limit
        response = self._table.query(**kwargs)
        items = response.get("Items", [])
        next_key: StartKey | None = response.get("LastEvaluatedKey")
        if len(items) > limit:
            items = items[:limit]
            next_key = {name: items[-1][name] for name in key_names}
        return [_listed(item) for item in items], next_key

    def _recent_page(self, kwargs: dict[str, Any], limit: int, start_key: StartKey | None
                     ) -> tuple[list[TrendState], StartKey | None]:
        offset = 0
        if start_key is not None:
            value = start_key.get("offset")
            if set(start_key) != {"offset"} or type(value) is not int or not 0 < value < RECENT_WINDOW:
                raise InvalidStartKeyError("not a start key of a recent-first list")
            offset = value
        items = self._table.query(**kwargs, Limit=RECENT_WINDOW).get("Items", [])
        items.sort(key=lambda item: (str(item.get("last_seen", "")), str(item["pk"])), reverse=True)
        page = items[offset:offset + limit]
        next_key: StartKey | None = {"offset": offset + limit} if offset + limit < len(items) else None
        return [_listed(item) for item in page], next_key

    def get_trend_record(self, trend_id: str, member_limit: int) -> TrendRecord | None:
        """At most two reads: a Query of the partition downwards from META, then GetItem BRIEF.

        Sort keys order as BRIEF < M#{published}#{id} < META, so a descending Query with
        Limit = member_limit + 2 reads META, the newest members, and one more item: a member
        (so more follow) or BRIEF (so the brief came along and no second read is needed).
        """
        if member_limit < 1:
            raise ValueError("member_limit must be at least 1")
        partition = f"TREND#{trend_id}"
        response = self._table.query(KeyConditionExpression=Key("pk").eq(partition) & Key("sk").lte("META"),
                                     ScanIndexForward=False, Limit=member_limit + 2)
        items = response.get("Items", [])
        if not items or items[0]["sk"] != "META":
            return None
        state = TrendState.model_validate_json(items[0]["doc"])
        member_items = [item for item in items[1:] if str(item["sk"]).startswith("M#")]
        brief = next((item for item in items if item["sk"] == "BRIEF"), None)
        last_evaluated = response.get("LastEvaluatedKey")
        more: StartKey | None = None
        if len(member_items) > member_limit:
            member_items = member_items[:member_limit]
            more = {"pk": partition, "sk": member_items[-1]["sk"]}
        elif last_evaluated is not None and brief is None and str(last_evaluated["sk"]).startswith("M#"):
            more = {"pk": partition, "sk": last_evaluated["sk"]}  # stopped by the 1 MB page limit
        if brief is None and last_evaluated is not None:
            brief = self._table.get_item(Key={"pk": partition, "sk": "BRIEF"}).get("Item")
        return TrendRecord(state=state, members=[_member_from_item(item) for item in member_items],
                           more_members=more, brief_item=brief)

    def list_members(self, trend_id: str, limit: int, start_key: StartKey | None
                     ) -> tuple[list[TrendMember], StartKey | None] | None:
        """Members newest first (one Query); a first page that finds none checks META (GetItem)."""
        partition = f"TREND#{trend_id}"
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(partition) & Key("sk").begins_with("M#"),
            "ScanIndexForward": False, "Limit": limit + 1,
        }
        if start_key is not None:
            checked = _checked_key(start_key, ("pk", "sk"), {"pk": partition})
            if not str(checked["sk"]).startswith("M#"):
                raise InvalidStartKeyError("not a start key of this trend's members")
            kwargs["ExclusiveStartKey"] = checked
        response = self._table.query(**kwargs)
        items = response.get("Items", [])
        next_key: StartKey | None = response.get("LastEvaluatedKey")
        if len(items) > limit:
            items = items[:limit]
            next_key = {"pk": partition, "sk": items[-1]["sk"]}
        elif len(items) == limit:
            next_key = None  # the extra item was not there: this is the last page
        if not items and start_key is None:
            meta = self._table.get_item(Key={"pk": partition, "sk": "META"}, ProjectionExpression="pk")
            if "Item" not in meta:
                return None
        return [_member_from_item(item) for item in items], next_key

    def articles_per_feed(self, start: datetime, end: datetime) -> dict[str, int]:
        """Articles ingested in [start, end] per feed id: one Query of gsi1 per ingest hour.

        A recount that reads every article of the period: not for the API (feed health reads the
        counters on the feed states); benchmarks/feed_health_bench.py checks them against it."""
        counts: dict[str, int] = {}
        hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        while hour <= end:
            condition = Key("gsi1pk").eq(f"INGEST#{_hour_bucket(hour)}") & Key("gsi1sk").between(
                _iso(start), _iso(end) + "~")
            for item in self._query_all(IndexName="gsi1", KeyConditionExpression=condition,
                                        ProjectionExpression="#f, #d",
                                        ExpressionAttributeNames={"#f": "feed_id", "#d": "doc"}):
                feed_id = _feed_id_of(item)
                counts[feed_id] = counts.get(feed_id, 0) + 1
            hour += timedelta(hours=1)
        return counts


    # --- predictions (access patterns P1-P4 of docs/architecture.md) ----------------------------

    def put_predictions(self, records: Sequence[PredictionRecord]) -> None:
        """Store this hour's predictions: pk=PRED#{trend_id}, sk={made_at}. Pending ones sit on the
        sparse gsi1 partition PREDDUE (gsi1sk {due_at}#{trend_id}) until scored. One record per
        trend and hour: a retried run rewrites the same item (scoring happens a day later)."""
        self._batch_put([{
            "pk": f"PRED#{r.trend_id}", "sk": _iso(r.made_at), "doc": r.model_dump_json(),
            "gsi1pk": PREDICTIONS_DUE, "gsi1sk": f"{_iso(r.due_at)}#{r.trend_id}",
            "ttl": _epoch(r.due_at + PREDICTION_TTL),
        } for r in records])

    def due_predictions(self, until: datetime, limit: int = 500) -> list[PredictionRecord]:
        """Unscored predictions due at or before `until`, oldest first (one Query, at most `limit`)."""
        condition = Key("gsi1pk").eq(PREDICTIONS_DUE) & Key("gsi1sk").lte(f"{_iso(until)}#~")
        response = self._table.query(IndexName="gsi1", KeyConditionExpression=condition, Limit=limit)
        return [PredictionRecord.model_validate_json(item["doc"]) for item in response.get("Items", [])]

    def record_outcomes(self, records: Sequence[PredictionRecord]) -> int:
        """Store each scored prediction and add it to the track record in one transaction.

        The prediction item is updated only while it is still pending (it leaves PREDDUE in the
        same write), so a retried run that scores it again changes nothing and counts nothing.
        """
        # The resource's client serializes plain Python values itself (like Table does).
        client = self._resource.meta.client
        counted = 0
        for record in records:
            increments = counters(record)
            names = {f"#c{i}": name for i, name in enumerate(increments)}
            values = {f":c{i}": value for i, value in enumerate(increments.values())}
            track_update = "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(increments)))
            try:
                client.transact_write_items(TransactItems=[
                    {"Update": {
                        "TableName": self._name,
                        "Key": {"pk": f"PRED#{record.trend_id}", "sk": _iso(record.made_at)},
                        "UpdateExpression": "SET #doc = :doc REMOVE gsi1pk, gsi1sk",
                        "ConditionExpression": "attribute_exists(gsi1pk)",
                        "ExpressionAttributeNames": {"#doc": "doc"},
                        "ExpressionAttributeValues": {":doc": record.model_dump_json()},
                    }},
                    {"Update": {
                        "TableName": self._name, "Key": {"pk": TRACK_RECORD_PK, "sk": "ALL"},
                        "UpdateExpression": track_update, "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": values,
                    }},
                ])
            except ClientError as exc:
                reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
                if reasons[:1] == ["ConditionalCheckFailed"]:
                    continue  # already scored by an earlier run (or expired): nothing to count
                raise
            counted += 1
        self.write_count += 2 * counted
        return counted

    def get_trend_states(self, trend_ids: Sequence[str]) -> dict[str, TrendState]:
        """Trends (open or closed) by id: BatchGetItem of their META items."""
        keys = [{"pk": f"TREND#{tid}", "sk": "META"} for tid in trend_ids]
        items = self._batch_get(keys, projection=("doc",))
        states = [TrendState.model_validate_json(item["doc"]) for item in items]
        return {state.trend_id: state for state in states}

    def prediction_track_record(self) -> TrackRecord:
        """The summed counters of every scored prediction (one GetItem)."""
        item = self._table.get_item(Key={"pk": TRACK_RECORD_PK, "sk": "ALL"}).get("Item") or {}
        return TrackRecord.from_counters({k: int(v) for k, v in item.items() if k not in ("pk", "sk")})

    def predictions_for_trend(self, trend_id: str, limit: int = 48) -> list[PredictionRecord]:
        """A trend's predictions, newest first (one Query of its PRED partition)."""
        response = self._table.query(KeyConditionExpression=Key("pk").eq(f"PRED#{trend_id}"),
                                     ScanIndexForward=False, Limit=limit)
        return [PredictionRecord.model_validate_json(item["doc"]) for item in response.get("Items", [])]

def _approx_bytes(action: Mapping[str, Any]) -> int:
    """An upper estimate of a transaction action's size (attribute names and values as text)."""
    item = action["Put"]["Item"]
    return 100 + sum(len(str(name)) + len(str(value)) for name, value in item.items())


def _feed_id_of(item: Mapping[str, Any]) -> str:
    """An article item's feed id: its own attribute, else the one in its JSON `doc`."""
    if "feed_id" in item:
        return str(item["feed_id"])
    try:
        return str(json.loads(item.get("doc") or "{}").get("feed_id", ""))
    except (ValueError, AttributeError):
        return ""


def _api_read_attributes(trend: TrendState, rank: str) -> dict[str, Any]:
    """Key and filter attributes of an open trend for the API's reads.

    Read with getattr: the trend-intelligence fields (category, status, topics) are filled by
    clustering and may be absent from older documents.
    """
    item: dict[str, Any] = {"last_seen": _iso(trend.last_seen)}
    category = getattr(trend, "category", None)
    if category:
        item["trend_category"] = str(category)
        if is_public(trend):
            item.update({"gsi3pk": f"CAT#{category}", "gsi3sk": rank})
    status = getattr(trend, "status", None)
    if status:
        item["trend_status"] = str(status)
    topics = list(getattr(trend, "topics", None) or [])
    slugs = {str(getattr(topic, "slug", "") or "") for topic in topics} - {""}
    if slugs:
        item["topic_slugs"] = slugs
    titles = [trend.headline, trend.second_headline or "", *(m.title for m in trend.title_candidates)]
    text = search_text(titles, [str(getattr(topic, "name", "") or "") for topic in topics])
    if text:
        item["search_text"] = text
    return item


def _trend_filter(query: TrendQuery) -> ConditionBase | None:
    conditions: list[ConditionBase] = []
    if query.include_candidates and query.category:
        conditions.append(Attr("trend_category").eq(query.category))
    if query.status:
        conditions.append(Attr("trend_status").eq(query.status))
    if query.since is not None:
        conditions.append(Attr("last_seen").gte(_iso(query.since)))
    if query.topic:
        conditions.append(Attr("topic_slugs").contains(query.topic))
    conditions.extend(Attr("search_text").contains(" " + term) for term in query.terms)
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


def _checked_key(start_key: StartKey, names: Sequence[str], expected: Mapping[str, str]) -> StartKey:
    """A start key with exactly these string attributes and the expected values, else an error."""
    if set(start_key) != set(names) or not all(isinstance(start_key[n], str) for n in names):
        raise InvalidStartKeyError("start key does not belong to this query")
    if any(start_key[name] != value for name, value in expected.items()):
        raise InvalidStartKeyError("start key does not belong to this query")
    if not str(start_key["pk"]).startswith("TREND#"):
        raise InvalidStartKeyError("start key does not belong to this query")
    return dict(start_key)


def _member_from_item(item: Mapping[str, Any]) -> TrendMember:
    return TrendMember.model_validate({k: item[k] for k in TrendMember.model_fields if k in item})


def _article_from_item(item: Mapping[str, Any]) -> Article:
    return Article.model_validate_json(item["doc"])


_CLUSTERING_STATE = {"centroid", "title_candidates", "recent_member_ids", "title_fingerprints",
                     "embedding_sum", "wire_sketches"}


def _list_projection(*extra: str) -> dict[str, Any]:
    """Read a trend list's items without `doc`: keys, the list document, the sort attributes."""
    names = ["pk", "sk", "list_doc", *extra]
    aliases = {f"#l{i}": name for i, name in enumerate(dict.fromkeys(names))}
    return {"ProjectionExpression": ", ".join(aliases), "ExpressionAttributeNames": aliases}


def _listed(item: Mapping[str, Any]) -> TrendState:
    return TrendState.model_validate_json(item["list_doc"])
