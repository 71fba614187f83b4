"""Brief adapters: DynamoDB storage of briefs and the token budget, and the Step Functions trigger.

Items (one table, see docs/architecture.md):

| item | pk | sk | notes |
|---|---|---|---|
| brief | TREND#{trend_id} | BRIEF | `doc` = PublishedBrief JSON; `version` = its trend version |
| last failed attempt | BRIEFLOG#{trend_id} | FAILURE | outside the trend partition: the API never reads it |
| daily token counter | BUDGET | {yyyy-mm-dd} | `tokens`, atomic ADD |

The brief shares the trend's partition, so the API's one Query on `TREND#{id}` returns it with
the trend. It is written with `attribute_not_exists(pk) OR version < :version`: an execution that
read older evidence never overwrites a brief written from newer evidence.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key
from botocore.config import Config
from botocore.exceptions import ClientError

from headlinez.briefs.errors import StorageThrottledError
from headlinez.briefs.materiality import BriefedTrend
from headlinez.briefs.models import BriefFailure, BriefRequest, PublishedBrief, execution_name
from headlinez.briefs.ports import TrendSnapshot
from headlinez.models import TrendMember, TrendState

BRIEF_SK = "BRIEF"
FAILURE_SK = "FAILURE"
BUDGET_PK = "BUDGET"
MAX_ITEM_BYTES = 350_000
BATCH_GET_LIMIT = 100
_THROTTLING = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException",
                         "RequestLimitExceeded", "InternalServerError", "ServiceUnavailable"})
_FAILURE_TTL = timedelta(days=30)
_BUDGET_TTL = timedelta(days=8)


def _epoch(value: datetime) -> int:
    return int(value.timestamp())


def _summary_of(article_item: Mapping[str, Any]) -> str:
    if "doc" in article_item:
        try:
            return str(json.loads(article_item["doc"]).get("summary", ""))
        except (TypeError, ValueError):
            return ""
    return str(article_item.get("summary", ""))


def brief_item(brief: PublishedBrief, ttl: timedelta) -> dict[str, Any]:
    """The DynamoDB item of a brief (doc + the attributes the condition and readers need)."""
    doc = brief.model_dump_json()
    if len(doc.encode()) > MAX_ITEM_BYTES:
        raise ValueError(f"brief of {brief.trend_id} serializes to {len(doc)} bytes")
    return {
        "pk": f"TREND#{brief.trend_id}", "sk": BRIEF_SK, "doc": doc, "version": brief.version,
        "updated_at": brief.updated_at.astimezone(UTC).isoformat(), "engine": brief.engine,
        "supported_percent": str(brief.supported_percent), "ttl": _epoch(brief.updated_at + ttl),
        # What clustering's backlog reads (BriefLedger): is this brief current for the trend?
        "basis_families": sorted(brief.basis.source_families) if brief.basis else [],
        "basis_articles": len(brief.basis.article_ids) if brief.basis else 0,
    }


def brief_from_item(item: Mapping[str, Any]) -> PublishedBrief:
    """The PublishedBrief of a stored item (for the API: `brief_to_api(brief_from_item(item))`)."""
    return PublishedBrief.model_validate_json(item["doc"])


class DynamoBriefStore:
    """Implements headlinez.briefs.ports.BriefStore on the headlinez table."""

    def __init__(self, resource: Any, table_name: str, *, brief_ttl: timedelta = timedelta(days=60)) -> None:
        self._resource = resource
        self._table = resource.Table(table_name)
        self._name = table_name
        self._brief_ttl = brief_ttl

    @classmethod
    def from_table_name(cls, table_name: str, **kwargs: Any) -> DynamoBriefStore:
        resource = boto3.resource("dynamodb", config=Config(retries={"mode": "standard", "max_attempts": 5}))
        return cls(resource, table_name, **kwargs)

    def _call(self, operation: Any, **kwargs: Any) -> Any:
        try:
            return operation(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in _THROTTLING:
                raise StorageThrottledError(f"DynamoDB {code}: {exc}") from exc
            raise

    def _query_partition(self, pk: str) -> Iterator[dict[str, Any]]:
        kwargs: dict[str, Any] = {"KeyConditionExpression": Key("pk").eq(pk)}
        while True:
            page = self._call(self._table.query, **kwargs)
            yield from page.get("Items", [])
            if not page.get("LastEvaluatedKey"):
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # --- trend and evidence ------------------------------------------------------------------------

    def load_trend(self, trend_id: str) -> TrendSnapshot | None:
        state: TrendState | None = None
        members: list[TrendMember] = []
        for item in self._query_partition(f"TREND#{trend_id}"):
            if item["sk"] == "META":
                state = TrendState.model_validate_json(item["doc"])
            elif str(item["sk"]).startswith("M#"):
                members.append(TrendMember.model_validate(
                    {k: item[k] for k in TrendMember.model_fields if k in item}))
        if state is None:
            return None
        snippets = self._snippets(m.article_id for m in members)
        return TrendSnapshot(trend=state, members=members, snippets=snippets)

    def _snippets(self, article_ids: Iterable[str]) -> dict[str, str]:
        keys = [{"pk": f"ART#{article_id}", "sk": "A"} for article_id in dict.fromkeys(article_ids)]
        snippets: dict[str, str] = {}
        for start in range(0, len(keys), BATCH_GET_LIMIT):
            pending: dict[str, Any] = {self._name: {
                "Keys": keys[start:start + BATCH_GET_LIMIT],
                # Articles are stored as one JSON `doc` (older items: flat attributes).
                "ProjectionExpression": "pk, #doc, summary",
                "ExpressionAttributeNames": {"#doc": "doc"},
            }}
            for attempt in range(8):
                response = self._call(self._resource.batch_get_item, RequestItems=pending)
                for item in response.get("Responses", {}).get(self._name, []):
                    snippets[str(item["pk"]).removeprefix("ART#")] = _summary_of(item)
                pending = response.get("UnprocessedKeys") or {}
                if not pending:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise StorageThrottledError("BatchGetItem left article keys unprocessed after retries")
        return snippets

    # --- briefs ------------------------------------------------------------------------------------

    def get_brief(self, trend_id: str) -> PublishedBrief | None:
        item = self._call(self._table.get_item, Key={"pk": f"TREND#{trend_id}", "sk": BRIEF_SK},
                          ConsistentRead=True).get("Item")
        return brief_from_item(item) if item else None

    def put_brief(self, brief: PublishedBrief) -> bool:
        try:
            self._call(self._table.put_item, Item=brief_item(brief, self._brief_ttl),
                       ConditionExpression="attribute_not_exists(pk) OR #version < :version",
                       ExpressionAttributeNames={"#version": "version"},
                       ExpressionAttributeValues={":version": brief.version})
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def record_failure(self, failure: BriefFailure) -> None:
        self._call(self._table.put_item, Item={
            "pk": f"BRIEFLOG#{failure.trend_id}", "sk": FAILURE_SK, "doc": failure.model_dump_json(),
            "ttl": _epoch(failure.failed_at + _FAILURE_TTL),
        })

    def get_failure(self, trend_id: str) -> BriefFailure | None:
        item = self._call(self._table.get_item, Key={"pk": f"BRIEFLOG#{trend_id}", "sk": FAILURE_SK},
                          ConsistentRead=True).get("Item")
        return BriefFailure.model_validate_json(item["doc"]) if item else None

    def briefed(self, trend_ids: Sequence[str]) -> dict[str, BriefedTrend]:
        """What each trend's published brief was written from (BatchGetItem of the BRIEF items,
        100 keys per call, a few attributes each): clustering's backlog of briefs to write."""
        keys = [{"pk": f"TREND#{trend_id}", "sk": BRIEF_SK} for trend_id in dict.fromkeys(trend_ids)]
        found: dict[str, BriefedTrend] = {}
        for start in range(0, len(keys), BATCH_GET_LIMIT):
            pending: dict[str, Any] = {self._name: {
                "Keys": keys[start:start + BATCH_GET_LIMIT],
                "ProjectionExpression": "pk, #version, basis_families, basis_articles",
                "ExpressionAttributeNames": {"#version": "version"},
            }}
            for attempt in range(8):
                response = self._call(self._resource.batch_get_item, RequestItems=pending)
                for item in response.get("Responses", {}).get(self._name, []):
                    found[str(item["pk"]).removeprefix("TREND#")] = BriefedTrend(
                        version=int(item.get("version", 0)),
                        source_families=frozenset(item.get("basis_families") or ()),
                        article_count=int(item.get("basis_articles", 0)))
                pending = response.get("UnprocessedKeys") or {}
                if not pending:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise StorageThrottledError("BatchGetItem left brief keys unprocessed after retries")
        return found

    # --- daily token budget ------------------------------------------------------------------------

    def tokens_spent(self, day: date) -> int:
        item = self._call(self._table.get_item, Key={"pk": BUDGET_PK, "sk": day.isoformat()},
                          ConsistentRead=True).get("Item")
        return int(item.get("tokens", 0)) if item else 0

    def add_tokens(self, day: date, tokens: int) -> int:
        expires = datetime(day.year, day.month, day.day, tzinfo=UTC) + _BUDGET_TTL
        response = self._call(
            self._table.update_item, Key={"pk": BUDGET_PK, "sk": day.isoformat()},
            UpdateExpression="ADD tokens :tokens SET #ttl = if_not_exists(#ttl, :ttl)",
            ExpressionAttributeNames={"#ttl": "ttl"},
            ExpressionAttributeValues={":tokens": int(tokens), ":ttl": _epoch(expires)},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["tokens"])


class StepFunctionsBriefTrigger:
    """Implements headlinez.services.cluster.BriefTrigger: one execution per trend version."""

    def __init__(self, client: Any, state_machine_arn: str) -> None:
        self._client = client
        self._arn = state_machine_arn

    @classmethod
    def from_arn(cls, state_machine_arn: str) -> StepFunctionsBriefTrigger:
        client = boto3.client("stepfunctions", config=Config(retries={"mode": "standard", "max_attempts": 5}))
        return cls(client, state_machine_arn)

    def start(self, request: BriefRequest) -> bool:
        """Start `brief-{trend}-v{version}`; False when Step Functions already has that name.

        (Step Functions answers a start with the name and input of a still-running execution with
        that execution, idempotently: it counts as started, and nothing runs twice.)
        """
        try:
            self._client.start_execution(stateMachineArn=self._arn,
                                         name=execution_name(request.trend_id, request.trend_version,
                                                             request.retry),
                                         input=request.model_dump_json())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ExecutionAlreadyExists":
                return False
            raise
        return True
