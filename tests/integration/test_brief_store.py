"""DynamoBriefStore and StepFunctionsBriefTrigger against moto (table from template.yaml)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError
from moto import mock_aws
from tests import brief_story as story

from headlinez.adapters.brief_store import DynamoBriefStore, StepFunctionsBriefTrigger
from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.entities.briefs import BriefEntity
from headlinez.briefs.errors import StorageThrottledError
from headlinez.briefs.models import (
    BriefFailure,
    BriefRequest,
    brief_to_api,
)
from headlinez.local.stepfunctions import wait_for_execution

NOW = datetime(2026, 2, 18, 5, 0, tzinfo=UTC)


_brief = partial(story.published_brief, now=NOW)


@pytest.fixture
def store(dynamodb_table: str) -> DynamoBriefStore:
    return DynamoBriefStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)


def test_an_older_version_never_overwrites_a_newer_brief(store: DynamoBriefStore) -> None:
    assert store.get_brief(story.TREND_ID) is None
    assert store.put_brief(_brief(2, "Oman mediated the talks."))
    # an execution that read older evidence finishes later: refused
    assert not store.put_brief(_brief(1, "An older text."))
    # the same version again (a second execution on the same evidence): refused too
    assert not store.put_brief(_brief(2, "Same version, other text."))
    assert store.put_brief(_brief(3, "A newer text."))
    stored = store.get_brief(story.TREND_ID)
    assert stored is not None
    assert (stored.version, stored.paragraphs[0].claims[0].text) == (3, "A newer text.")


def test_the_brief_lives_in_the_trend_partition_beside_meta_and_members(
        store: DynamoBriefStore, dynamodb_table: str) -> None:
    story.seed(dynamodb_table, 3)
    store.put_brief(_brief(1))
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(dynamodb_table)
    items = table.query(KeyConditionExpression="pk = :pk",
                        ExpressionAttributeValues={":pk": f"TREND#{story.TREND_ID}"})["Items"]
    kinds = sorted(str(i["sk"]).split("#")[0] for i in items)
    assert kinds == ["BRIEF", "M", "M", "M", "META"]
    brief = next(i for i in items if i["sk"] == "BRIEF")
    assert int(brief["version"]) == 1
    assert brief["engine"] == "extractive"
    assert int(brief["ttl"]) == int((NOW + timedelta(days=60)).timestamp())
    # what the API does with the item of that Query
    assert brief_to_api(BriefEntity.from_item(brief))["engine"]["kind"] == "extractive"
    # the trend reads of the other stores still work with the brief in the partition
    found = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table).get_trend(
        story.TREND_ID)
    assert found is not None
    assert len(found[1]) == 3


def test_load_trend_reads_members_and_their_snippets(store: DynamoBriefStore, dynamodb_table: str) -> None:
    story.seed(dynamodb_table, 5, version=4)
    snapshot = store.load_trend(story.TREND_ID)
    assert snapshot is not None
    assert snapshot.trend.version == 4
    assert len(snapshot.members) == 5
    assert snapshot.snippets[snapshot.members[0].article_id]
    assert set(snapshot.snippets.values()) == {a.summary for a in story.articles(5)}
    assert store.load_trend("tmissing") is None


def test_snippets_are_read_in_batches_of_100(store: DynamoBriefStore, dynamodb_table: str) -> None:
    base = story.articles(1)[0]
    many = [base.model_copy(update={"article_id": f"{n:032x}", "url": f"https://x.example/{n}",
                                    "summary": f"Summary {n}."}) for n in range(1, 231)]
    writer = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    writer.save_new_articles(many)
    writer.save_trends([story.trend(many)], {story.TREND_ID: story.members(many)}, {story.TREND_ID: 1.0})
    sizes: list[int] = []
    client = store._resource.meta.client
    def record(params: dict[str, Any], **_: Any) -> None:
        sizes.extend(len(v["Keys"]) for v in params["RequestItems"].values())

    client.meta.events.register("provide-client-params.dynamodb.BatchGetItem", record)
    snapshot = store.load_trend(story.TREND_ID)
    assert snapshot is not None
    assert len(snapshot.snippets) == 230
    assert max(sizes) <= 100


def test_the_daily_token_counter_adds_atomically(store: DynamoBriefStore) -> None:
    day = NOW.date()
    assert store.tokens_spent(day) == 0
    assert store.add_tokens(day, 1200) == 1200
    assert store.add_tokens(day, 300) == 1500
    assert store.tokens_spent(day) == 1500
    assert store.tokens_spent(day + timedelta(days=1)) == 0


def test_a_failure_is_recorded_outside_the_trend_partition(store: DynamoBriefStore) -> None:
    store.put_brief(_brief(1))
    store.record_failure(BriefFailure(trend_id=story.TREND_ID, execution_id="e", error="ModelOutputError",
                                      cause="no tool call", failed_at=NOW))
    failure = store.get_failure(story.TREND_ID)
    assert failure is not None
    assert failure.error == "ModelOutputError"
    stored = store.get_brief(story.TREND_ID)
    assert stored is not None
    assert stored.version == 1


def test_throttling_is_a_named_transient_error(store: DynamoBriefStore) -> None:
    def throttle(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}},
                          "GetItem")

    store._db.table = type("T", (), {"get_item": staticmethod(throttle)})()
    with pytest.raises(StorageThrottledError):
        store.get_brief(story.TREND_ID)


@pytest.mark.parametrize("error", [
    EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
    ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
    ConnectionClosedError(endpoint_url="http://127.0.0.1:1"),
])
def test_no_answer_from_the_table_is_retried_by_name_like_a_throttle(store: DynamoBriefStore,
                                                                    error: Exception) -> None:
    # botocore's own names matched no retrier: a read timeout failed the brief execution at once
    def unreachable(**_: Any) -> None:
        raise error

    store._db.table = type("T", (), {"get_item": staticmethod(unreachable)})()
    with pytest.raises(StorageThrottledError, match=type(error).__name__):
        store.get_brief(story.TREND_ID)


def test_items_are_bounded() -> None:
    huge = _brief(1).model_copy(update={"headline": "x" * 400_000})
    with pytest.raises(ValueError, match="bytes"):
        BriefEntity.to_item(huge, timedelta(days=1))


def _trigger_on_moto() -> tuple[Any, str, StepFunctionsBriefTrigger, BriefRequest]:
    """A one-state machine in moto, its trigger, and a request for version 3 of the story."""
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    arn = sfn.create_state_machine(name="m", definition=json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}),
        roleArn="arn:aws:iam::123456789012:role/r")["stateMachineArn"]
    request = BriefRequest(trend_id=story.TREND_ID, trend_version=3, reason="new source: ap",
                           requested_at=NOW)
    return sfn, arn, StepFunctionsBriefTrigger(sfn, arn), request


def test_the_trigger_starts_one_execution_per_trend_version(aws_env: None) -> None:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn, arn, trigger, request = _trigger_on_moto()
        assert trigger.start(request) is True
        first = sfn.list_executions(stateMachineArn=arn)["executions"][0]["executionArn"]
        wait_for_execution(sfn, first, timeout=10)
        assert trigger.start(request) is False  # a retried clustering run: the name exists
        assert trigger.start(request.model_copy(update={"trend_version": 4})) is True
        executions = sfn.list_executions(stateMachineArn=arn)["executions"]
        names = sorted(e["name"] for e in executions)
        assert names == [f"brief-{story.TREND_ID}-v3", f"brief-{story.TREND_ID}-v4"]
        described = sfn.describe_execution(executionArn=first)
        assert BriefRequest.model_validate_json(described["input"]) == request
        # every execution has ended: none of the version is running
        assert trigger.running(request, NOW) is False


def test_the_trigger_sees_a_still_running_execution(aws_env: None) -> None:
    with mock_aws():  # moto without execution: an execution stays RUNNING
        _, _, trigger, request = _trigger_on_moto()
        assert trigger.running(request, NOW) is False  # nothing started yet
        # a retry of three hours ago, still running, counts as well as the first execution
        assert trigger.start(request.model_copy(update={"retry": f"r{NOW - timedelta(hours=3):%Y%m%d%H}"}))
        later = NOW + timedelta(minutes=15)  # the next clustering run lists again
        assert trigger.running(request, later) is True
        # another version, even one whose number starts with this one's (33), is not it
        assert trigger.running(request.model_copy(update={"trend_version": 33}), later) is False
        assert trigger.running(request.model_copy(update={"trend_version": 4}), later) is False
