"""Brief adapters: DynamoDB storage of briefs and the token budget, and the Step Functions trigger.

Items (`headlinez.adapters.entities.briefs`): the brief (BriefEntity) shares the trend's
partition, so the API's one Query of the trend returns it with the trend; the last failed attempt
(BriefFailureEntity) lives outside it; the daily token counter (TokenBudgetEntity) is an atomic ADD,
and a call reserves its token ceiling with a conditional ADD before it is made (`reserve_tokens`).
A brief is written only over no brief or an older version: an execution that read older evidence
never overwrites a brief written from newer evidence. Calls go through the table client
(`headlinez.adapters.table`), which raises throttling as `StorageThrottledError`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError
from pydantic import ValidationError

from headlinez.adapters.entities.articles import ArticleEntity
from headlinez.adapters.entities.briefs import (
    BriefEntity,
    BriefFailureEntity,
    ModelPauseEntity,
    TokenBudgetEntity,
)
from headlinez.adapters.entities.trends import MemberEntity, TrendEntity
from headlinez.adapters.table import RETRYING, ConditionFailedError, TableClient
from headlinez.briefs.materiality import BriefedTrend
from headlinez.briefs.models import BriefFailure, BriefRequest, PublishedBrief, execution_name
from headlinez.models import TrendMember, TrendState
from headlinez.ports import StoredBriefUnreadableError, TrendSnapshot


class DynamoBriefStore:
    """Implements headlinez.ports.BriefStore on the headlinez table."""

    def __init__(self, resource: Any, table_name: str, *, brief_ttl: timedelta = timedelta(days=60)) -> None:
        self._db = TableClient(resource, table_name)
        self._resource = resource  # the boto3 objects, for tests that look underneath
        self._brief_ttl = brief_ttl

    @classmethod
    def from_table_name(cls, table_name: str, **kwargs: Any) -> DynamoBriefStore:
        client = TableClient.from_table_name(table_name)
        return cls(client.resource, table_name, **kwargs)

    # --- trend and evidence ------------------------------------------------------------------------

    def load_trend(self, trend_id: str) -> TrendSnapshot | None:
        state: TrendState | None = None
        members: list[TrendMember] = []
        for item in self._db.query_all(KeyConditionExpression=Key("pk").eq(TrendEntity.partition(trend_id))):
            if TrendEntity.is_meta(item):
                state = TrendEntity.from_item(item)
            elif MemberEntity.is_member(item):
                members.append(MemberEntity.from_item(item))
        if state is None:
            return None
        snippets = self._snippets(m.article_id for m in members)
        return TrendSnapshot(trend=state, members=members, snippets=snippets)

    def _snippets(self, article_ids: Iterable[str]) -> dict[str, str]:
        keys = [ArticleEntity.key(article_id) for article_id in dict.fromkeys(article_ids)]
        items = self._db.batch_get(keys, attributes=ArticleEntity.ATTRIBUTES_FOR_SNIPPET)
        return {ArticleEntity.article_id_of(item): ArticleEntity.summary_of(item) for item in items}

    # --- briefs ------------------------------------------------------------------------------------

    def get_brief(self, trend_id: str) -> PublishedBrief | None:
        item = self._db.get(BriefEntity.key(trend_id), consistent=True)
        if not item:
            return None
        try:
            return BriefEntity.from_item(item)
        except ValidationError as exc:
            raise StoredBriefUnreadableError(f"brief of {trend_id}: {exc.error_count()} unreadable field(s), "
                                             f"first {exc.errors(include_url=False)[0]['loc']}") from exc

    def put_brief(self, brief: PublishedBrief) -> bool:
        try:
            self._db.put(BriefEntity.to_item(brief, self._brief_ttl),
                         **BriefEntity.newer_condition(brief.version))
        except ConditionFailedError:
            return False
        return True

    def record_failure(self, failure: BriefFailure) -> None:
        self._db.put(BriefFailureEntity.to_item(failure))

    def get_failure(self, trend_id: str) -> BriefFailure | None:
        item = self._db.get(BriefFailureEntity.key(trend_id), consistent=True)
        return BriefFailureEntity.from_item(item) if item else None

    def briefed(self, trend_ids: Sequence[str]) -> dict[str, BriefedTrend]:
        """What each trend's published brief was written from (BatchGetItem of the BRIEF items,
        100 keys per call, a few attributes each): clustering's backlog of briefs to write."""
        keys = [BriefEntity.key(trend_id) for trend_id in dict.fromkeys(trend_ids)]
        items = self._db.batch_get(keys, attributes=BriefEntity.BASIS_ATTRIBUTES)
        return {BriefEntity.trend_id_of(item): BriefEntity.briefed_from_item(item) for item in items}

    # --- daily token budget ------------------------------------------------------------------------

    def tokens_spent(self, day: date) -> int:
        item = self._db.get(TokenBudgetEntity.key(day), consistent=True)
        return int(item.get("tokens", 0)) if item else 0

    def add_tokens(self, day: date, tokens: int) -> int:
        attributes = self._db.update(
            TokenBudgetEntity.key(day), "ADD tokens :tokens SET #ttl = if_not_exists(#ttl, :ttl)",
            names={"#ttl": "ttl"}, values={":tokens": int(tokens), ":ttl": TokenBudgetEntity.expires(day)},
            returns="UPDATED_NEW")
        return int(attributes["tokens"])

    def reserve_tokens(self, day: date, tokens: int, budget: int) -> bool:
        """One conditional ADD: concurrent executions cannot reserve past the budget together."""
        if tokens > budget:  # no counter value could pass (and a missing one would)
            self._close_budget(day, budget)
            return False
        try:
            self._db.update(
                TokenBudgetEntity.key(day), "ADD tokens :tokens SET #ttl = if_not_exists(#ttl, :ttl)",
                condition="attribute_not_exists(tokens) OR tokens <= :limit",
                names={"#ttl": "ttl"},
                values={":tokens": int(tokens), ":limit": int(budget) - int(tokens),
                        ":ttl": TokenBudgetEntity.expires(day)})
        except ConditionFailedError:
            self._close_budget(day, budget)
            return False
        return True

    def _close_budget(self, day: date, budget: int) -> None:
        self._db.update(
            TokenBudgetEntity.key(day), "SET closed_at_budget = :budget, #ttl = if_not_exists(#ttl, :ttl)",
            names={"#ttl": "ttl"}, values={":budget": int(budget), ":ttl": TokenBudgetEntity.expires(day)})

    def budget_closed(self, day: date, budget: int) -> bool:
        item = self._db.get(TokenBudgetEntity.key(day), consistent=True) or {}
        closed_at = item.get("closed_at_budget")
        # closed at this budget or a larger one: raising the budget mid-day opens the day again
        return int(item.get("tokens", 0)) >= budget or (closed_at is not None and int(closed_at) >= budget)

    # --- the model API's retry-after, shared by every execution ---------------------------------

    def pause_model_calls(self, until: datetime) -> None:
        """Only ever moves the pause later (a shorter retry-after read after a longer one keeps it)."""
        seconds = int(until.timestamp()) + 1  # whole seconds, rounded up: never early
        with contextlib.suppress(ConditionFailedError):  # a later pause is already stored
            self._db.update(
                ModelPauseEntity.KEY, "SET paused_until = :until, #ttl = :ttl",
                condition="attribute_not_exists(paused_until) OR paused_until < :until",
                names={"#ttl": "ttl"},
                values={":until": seconds, ":ttl": seconds + int(ModelPauseEntity.TTL.total_seconds())})

    def model_paused_until(self) -> datetime | None:
        item = self._db.get(ModelPauseEntity.KEY, consistent=True)
        if not item or "paused_until" not in item:
            return None
        return datetime.fromtimestamp(int(item["paused_until"]), tz=UTC)


class StepFunctionsBriefTrigger:
    """Implements headlinez.ports.BriefTrigger: one execution per trend version."""

    def __init__(self, client: Any, state_machine_arn: str) -> None:
        self._client = client
        self._arn = state_machine_arn
        self._running: set[str] = set()
        self._running_at: datetime | None = None

    @classmethod
    def from_arn(cls, state_machine_arn: str) -> StepFunctionsBriefTrigger:
        client = boto3.client("stepfunctions", config=RETRYING)
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

    def running(self, request: BriefRequest, now: datetime) -> bool:
        """Whether an execution of this trend version (its first, or any hourly retry) is RUNNING.

        One ListExecutions (RUNNING only, paged) per clustering run, whose time `now` keys the
        cache: an execution can outlast several hours of retries (a long model pause, then
        regenerations), so looking up the last hour's retry name alone missed older ones."""
        if self._running_at != now:
            names: set[str] = set()
            for page in self._client.get_paginator("list_executions").paginate(
                    stateMachineArn=self._arn, statusFilter="RUNNING"):
                names.update(execution["name"] for execution in page.get("executions", []))
            self._running, self._running_at = names, now
        base = execution_name(request.trend_id, request.trend_version)
        return any(name == base or name.startswith(base + "-") for name in self._running)
