"""The single DynamoDB table behind every repository Protocol.

Key design (see docs/architecture.md for the access-pattern table):

| item | pk | sk | gsi1pk / gsi1sk | gsi2pk / gsi2sk |
|---|---|---|---|---|
| article | ART#{article_id} | A | INGEST#{yyyy-mm-ddThh} / {ingested_at}#{id} | |
| dedupe alias | TITLE#... or GUID#... | K | | |
| feed state | FEED#{feed_id} | STATE | FEEDS / {feed_id} | |
| trend | TREND#{trend_id} | META | TRENDS / {rank key} (open only) | OPEN / {trend_id} (open only) |
| trend member | TREND#{trend_id} | M#{published}#{article_id} | | |
| clustering state | CLUSTER | DF, CHECKPOINT | | |

Trend state and feed state are stored as one JSON attribute (`doc`) beside the few attributes
that keys and projections need: no float/Decimal conversions and one schema, the pydantic one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import boto3
from boto3.dynamodb.conditions import Key
from botocore.config import Config
from botocore.exceptions import ClientError

from headlinez.domain.dedupe import dedupe_keys, dedupe_record
from headlinez.models import Article, FeedState, TrendMember, TrendState
from headlinez.ports import StartKey

BATCH_GET_LIMIT = 100  # DynamoDB's limit per BatchGetItem request
BATCH_WRITE_LIMIT = 25  # DynamoDB's limit per BatchWriteItem request
MAX_ITEM_BYTES = 350_000  # stay well under the 400 KB item limit
_MAX_UNPROCESSED_ROUNDS = 8
_DEDUPE_PROJECTION = ("pk", "article_id", "title_fingerprint", "published", "published_estimated")


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

    def put_state(self, state: FeedState) -> None:
        self.put_states([state])

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
        items = self._batch_get([_key_for(k) for k in keys], projection=_DEDUPE_PROJECTION)
        return {item["pk"]: item for item in items}

    def _article_item(self, article: Article) -> dict[str, Any]:
        doc = article.model_dump(mode="json", exclude_none=True)
        item: dict[str, Any] = {
            "pk": f"ART#{article.article_id}", "sk": "A",
            "gsi1pk": f"INGEST#{_hour_bucket(article.ingested_at)}",
            "gsi1sk": f"{_iso(article.ingested_at)}#{article.article_id}",
            "ttl": _epoch(article.ingested_at + self._article_ttl),
        }
        item.update({k: v for k, v in doc.items() if v != ""})
        return item

    def save_new_articles(self, articles: Sequence[Article]) -> list[Article]:
        """Conditional put per article (never overwrites), then its dedupe aliases in batches.

        A retried run finds the article items already there and writes nothing: the condition
        `attribute_not_exists(pk)` makes the write idempotent even if two runs overlap.
        """
        written: list[Article] = []
        for article in articles:
            try:
                self._table.put_item(Item=self._article_item(article),
                                     ConditionExpression="attribute_not_exists(pk)")
            except ClientError as exc:
                if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                    continue
                raise
            self.write_count += 1
            written.append(article)
        aliases = []
        for article in written:
            ttl = _epoch(article.ingested_at + self._article_ttl)
            record = dedupe_record(article)
            for key in dedupe_keys(article):
                if not key.startswith("ART#"):
                    aliases.append({"pk": key, "sk": "K", **record, "ttl": ttl})
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
                                "trend_id": trend.trend_id}
        if trend.is_open:
            item.update({"gsi1pk": "TRENDS", "gsi1sk": rank_key(score, trend.last_seen, trend.trend_id),
                         "gsi2pk": "OPEN", "gsi2sk": trend.trend_id})
        else:
            item["ttl"] = _epoch(trend.last_seen + self._closed_trend_ttl)
        return item

    def save_trends(self, trends: Sequence[TrendState],
                    members: Mapping[str, Sequence[TrendMember]],
                    scores: Mapping[str, float] | None = None) -> None:
        scores = scores or {}
        items = [self._trend_item(t, scores.get(t.trend_id, 0.0)) for t in trends]
        for trend_id, trend_members in members.items():
            for member in trend_members:
                items.append({
                    "pk": f"TREND#{trend_id}", "sk": f"M#{_iso(member.published)}#{member.article_id}",
                    **member.model_dump(mode="json"),
                    "ttl": _epoch(member.published + self._article_ttl + self._closed_trend_ttl),
                })
        self._batch_put(items)

    def list_trends(self, limit: int, start_key: StartKey | None
                    ) -> tuple[list[TrendState], StartKey | None]:
        kwargs: dict[str, Any] = {"IndexName": "gsi1", "KeyConditionExpression": Key("gsi1pk").eq("TRENDS"),
                                  "ScanIndexForward": False, "Limit": limit}
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        response = self._table.query(**kwargs)
        trends = [TrendState.model_validate_json(item["doc"]) for item in response.get("Items", [])]
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


def _article_from_item(item: Mapping[str, Any]) -> Article:
    fields = {k: item[k] for k in Article.model_fields if k in item}
    return Article.model_validate(fields)
