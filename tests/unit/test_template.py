"""template.yaml: the contracts the code relies on and the table the local stack builds.

The template is read as SAM sees it: Fn::ForEach expanded (headlinez.template.load_template) and the
Globals merged into each function (with_globals). The expander itself is tested in
tests/unit/test_template_language_extensions.py; the moto table and cfn-lint run in
tests/integration/test_template_tools.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from headlinez.events import INGEST_COMPLETED, INGEST_EVENT_SOURCE, ScheduledEvent
from headlinez.settings import ApiSettings, BriefSettings, ClusterSettings, IngestSettings
from headlinez.template import (
    TemplateError,
    load_template,
    read_template,
    resource,
    table_definition,
    time_to_live_attribute,
    with_globals,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = REPO_ROOT / "template.yaml"
FUNCTIONS = {"IngestFunction": "ingest", "ClusterFunction": "cluster", "ApiFunction": "api",
             # The brief flow's steps (infra/statemachines/brief.asl.json; tests/unit/test_brief_asl.py).
             "BriefLoadFunction": "brief_load", "BriefGenerateFunction": "brief_generate",
             "BriefCheckFunction": "brief_check", "BriefPublishFunction": "brief_publish",
             "BriefFailureFunction": "brief_failure",
             # The ingest fan-out (IngestMode=fanout): headlinez.services.fanout.
             "FeedDispatchFunction": "dispatch", "FeedWorkerFunction": "feed_worker"}
# Index name -> (partition key, sort key), as headlinez.adapters.dynamodb queries them.
EXPECTED_GSIS = {"gsi1": ("gsi1pk", "gsi1sk"), "gsi2": ("gsi2pk", "gsi2sk"), "gsi3": ("gsi3pk", "gsi3sk")}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    """What SAM's transform receives: loops expanded, Globals merged into the resources."""
    return with_globals(load_template(TEMPLATE))


@pytest.fixture(scope="module")
def written() -> dict[str, Any]:
    """The template as written: Fn::ForEach not expanded, Globals not merged."""
    return read_template(TEMPLATE)


def _resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res["Type"] == kind}


def _props(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    props: dict[str, Any] = resource(template, logical_id)["Properties"]
    return props


def _global(template: dict[str, Any], key: str) -> Any:
    return template.get("Globals", {}).get("Function", {}).get(key)


def _env(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    variables: dict[str, Any] = _props(template, logical_id)["Environment"]["Variables"]  # Globals merged
    return variables


# --- functions -----------------------------------------------------------------------------------


def test_the_three_functions_exist(template: dict[str, Any]) -> None:
    # LanguageExtensions first: it expands Fn::ForEach before SAM's transform reads the resources.
    assert template["Transform"] == ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"]
    assert set(_resources_of(template, "AWS::Serverless::Function")) == set(FUNCTIONS)


def test_what_every_function_shares_is_written_once_in_globals(written: dict[str, Any]) -> None:
    shared = {"Runtime", "Architectures", "Handler", "Layers", "Tracing", "MemorySize", "Timeout"}
    assert set(written["Globals"]["Function"]) >= shared
    assert written["Globals"]["Function"]["Layers"] == [{"Ref": "SharedLayer"}]
    for name in FUNCTIONS:
        props = written["Resources"][name]["Properties"]
        assert not {"Runtime", "Architectures", "Handler", "Tracing"} & set(props), name
        assert {"Ref": "SharedLayer"} not in props.get("Layers", []), f"{name}: SharedLayer is global"
        for key in ("MemorySize", "Timeout"):
            assert props.get(key) != written["Globals"]["Function"][key], f"{name}: {key} repeats the default"


def test_layers_merge_the_global_shared_layer_first(template: dict[str, Any]) -> None:
    # SAM appends a function's Layers to the Globals list: only clustering has the embedding model.
    for name in FUNCTIONS:
        extra = [{"Ref": "EmbeddingModelLayer"}] if name == "ClusterFunction" else []
        assert _props(template, name)["Layers"] == [{"Ref": "SharedLayer"}, *extra], name


def test_log_groups_and_errors_alarms_are_one_loop_over_every_function(written: dict[str, Any]) -> None:
    loops = {k: v for k, v in written["Resources"].items() if k.startswith("Fn::ForEach::")}
    assert list(loops) == ["Fn::ForEach::FunctionLogGroupAndErrorsAlarm"]
    identifier, collection, fragment = loops["Fn::ForEach::FunctionLogGroupAndErrorsAlarm"]
    assert {f"{item}Function" for item in collection} == set(FUNCTIONS)
    assert set(fragment) == {f"${{{identifier}}}LogGroup", f"${{{identifier}}}ErrorsAlarm"}
    # The suffix each log group is named with is the function's folder (and FunctionName's end).
    rows = written["Mappings"]["Functions"]
    assert set(rows) == set(collection)
    assert {f"{item}Function": rows[item]["Suffix"] for item in collection} == FUNCTIONS
    # Nothing else writes a function's log group or errors alarm by hand.
    lambda_errors = ("AWS/Lambda", "Errors")
    by_hand = [
        name for name, res in written["Resources"].items() if name not in loops and (
            (res["Properties"].get("Namespace"), res["Properties"].get("MetricName")) == lambda_errors
            or "/aws/lambda/" in json.dumps(res["Properties"].get("LogGroupName")))
    ]
    assert by_hand == []


@pytest.mark.parametrize(("logical_id", "folder"), FUNCTIONS.items())
def test_function_has_tracing_layer_code_and_handler(
    template: dict[str, Any], logical_id: str, folder: str
) -> None:
    props = _props(template, logical_id)  # Globals merged, as SAM does
    assert props["Tracing"] == "Active"
    assert {"Ref": "SharedLayer"} in props["Layers"]
    assert props["CodeUri"] == f"functions/{folder}/"
    assert props["Handler"] == "app.handler"
    assert (REPO_ROOT / "functions" / folder / "requirements.txt").is_file()
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]


@pytest.mark.parametrize(("logical_id", "folder"), FUNCTIONS.items())
def test_function_logs_to_its_own_log_group_with_retention(
    template: dict[str, Any], logical_id: str, folder: str
) -> None:
    props = _props(template, logical_id)
    group_ref = props["LoggingConfig"]["LogGroup"]["Ref"]
    group = resource(template, group_ref)
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    # The group carries Lambda's default name for this function, so nothing else creates it.
    assert props["FunctionName"] == {"Fn::Sub": f"${{AWS::StackName}}-{folder}"}
    assert group["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{AWS::StackName}}-{folder}"}


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_function_has_an_errors_alarm(template: dict[str, Any], logical_id: str) -> None:
    alarms = [
        alarm["Properties"]
        for alarm in _resources_of(template, "AWS::CloudWatch::Alarm").values()
        if {"Name": "FunctionName", "Value": {"Ref": logical_id}} in alarm["Properties"].get("Dimensions", [])
    ]
    assert len(alarms) == 1
    alarm = alarms[0]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/Lambda", "Errors", "Sum")
    assert alarm["Period"] == 300
    assert alarm["Threshold"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["AlarmActions"] == {
        "Fn::If": ["HasAlarmEmail", [{"Ref": "AlarmTopic"}], {"Ref": "AWS::NoValue"}]
    }


def test_alarm_topic_only_with_an_email(template: dict[str, Any]) -> None:
    topic = resource(template, "AlarmTopic")
    assert topic["Condition"] == "HasAlarmEmail"
    assert topic["Properties"]["Subscription"] == [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}]
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""


def test_policies_are_least_privilege_sam_templates(template: dict[str, Any]) -> None:
    table = {"TableName": {"Ref": "HeadlinezTable"}}
    policies = {name: _props(template, name)["Policies"] for name in FUNCTIONS}
    cursor_secret = {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "CursorSecret"}}}
    assert policies["ApiFunction"] == [{"DynamoDBReadPolicy": table}, cursor_secret]
    assert policies["BriefLoadFunction"] == [{"DynamoDBReadPolicy": table}]
    assert "dynamodb:*" not in TEMPLATE.read_text(encoding="utf-8")
    assert '"*"' not in json.dumps(policies)
    # No function has full table CRUD (issue 13, item 7): each gets the actions it uses
    assert "DynamoDBCrudPolicy" not in json.dumps(policies)


TABLE_ARN = {"Fn::GetAtt": ["HeadlinezTable", "Arn"]}
TABLE_AND_INDEXES = [TABLE_ARN, {"Fn::Sub": "${HeadlinezTable.Arn}/index/*"}]
# Function -> its DynamoDB statements: (actions, the resource(s), the dynamodb:LeadingKeys condition or None).
TREND_PARTITIONS = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["TREND#*"]}}
TABLE_ACCESS: dict[str, list[tuple[set[str], Any, dict[str, Any] | None]]] = {
    "IngestFunction": [({"GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "BatchWriteItem"},
                        TABLE_AND_INDEXES, None)],
    # A split deletes the members that left a trend inside its transaction (each action of a
    # transaction needs its own permission): DeleteItem, in trend partitions only.
    "ClusterFunction": [({"GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "BatchWriteItem",
                          "ConditionCheckItem"}, TABLE_AND_INDEXES, None),
                        ({"DeleteItem"}, TABLE_ARN, TREND_PARTITIONS)],
    # Generate and FactCheck touch only the daily token counter (pk BUDGET).
    "BriefGenerateFunction": [({"GetItem", "UpdateItem"}, TABLE_ARN,
                               {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["BUDGET"]}})],
    "BriefCheckFunction": [({"GetItem", "UpdateItem"}, TABLE_ARN,
                            {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["BUDGET"]}})],
    # a refused put reads the stored brief (its own, after a retry, or a newer one)
    "BriefPublishFunction": [({"PutItem", "GetItem"}, TABLE_ARN, TREND_PARTITIONS)],
    "BriefFailureFunction": [({"PutItem"}, TABLE_ARN,
                              {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["BRIEFLOG#*"]}})],
}


def _dynamodb_statements(template: dict[str, Any], logical_id: str) -> list[dict[str, Any]]:
    statements = [s for policy in _props(template, logical_id)["Policies"] if "Statement" in policy
                  for s in policy["Statement"]]
    return [s for s in statements if any(str(a).startswith("dynamodb:") for a in s["Action"])]


@pytest.mark.parametrize("logical_id", TABLE_ACCESS)
def test_table_access_is_scoped_per_function(template: dict[str, Any], logical_id: str) -> None:
    statements = _dynamodb_statements(template, logical_id)
    assert len(statements) == len(TABLE_ACCESS[logical_id])
    for statement, (actions, resource_, condition) in zip(statements, TABLE_ACCESS[logical_id], strict=True):
        assert statement["Effect"] == "Allow"
        assert {a.removeprefix("dynamodb:") for a in statement["Action"]} == actions
        assert statement["Resource"] == resource_
        assert statement.get("Condition") == condition
        assert not actions & {"Scan", "DeleteTable", "UpdateTable"}
        assert "DeleteItem" not in actions or condition is not None, "deletes only in scoped partitions"


class _RecordingTable:
    """Stands in for the boto3 Table: records (action, partition key) of each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def Table(self, name: str) -> _RecordingTable:  # boto3's name
        return self

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("GetItem", kwargs["Key"]["pk"]))
        return {}

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("UpdateItem", kwargs["Key"]["pk"]))
        return {"Attributes": {"tokens": 1}}

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("PutItem", kwargs["Item"]["pk"]))
        return {}


def test_the_leading_key_conditions_allow_what_the_brief_steps_write() -> None:
    from datetime import UTC, date, datetime

    from headlinez.adapters.brief_store import DynamoBriefStore
    from headlinez.briefs.models import BriefFailure

    table = _RecordingTable()
    store = DynamoBriefStore(table, "t")
    store.tokens_spent(date(2026, 2, 18))  # Generate and FactCheck
    store.add_tokens(date(2026, 2, 18), 10)
    store.reserve_tokens(date(2026, 2, 18), 10, 5)  # refused: the day is closed
    store.budget_closed(date(2026, 2, 18), 5)
    store.model_paused_until()  # every model call
    store.pause_model_calls(datetime(2026, 2, 18, tzinfo=UTC))  # after a long retry-after
    assert table.calls == [("GetItem", "BUDGET"), ("UpdateItem", "BUDGET"), ("UpdateItem", "BUDGET"),
                           ("GetItem", "BUDGET"), ("GetItem", "BUDGET"), ("UpdateItem", "BUDGET")]
    table.calls.clear()
    store.record_failure(BriefFailure(trend_id="t1", execution_id="x", error="E",  # RecordFailure
                                      failed_at=datetime(2026, 2, 18, tzinfo=UTC)))
    assert table.calls == [("PutItem", "BRIEFLOG#t1")]


class _RefusingTable(_RecordingTable):
    """A table whose conditional puts are refused, as when a newer brief is stored."""

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        super().put_item(**kwargs)
        raise ClientError({"Error": {"Code": "ConditionalCheckFailedException", "Message": "no"}}, "PutItem")


def test_a_refused_publish_only_does_what_its_role_allows() -> None:
    # The superseded path (and a Publish retried after its write) reads the stored brief: with a
    # role of PutItem alone, every such execution failed with AccessDenied (moto enforces no IAM)
    from datetime import UTC, datetime

    from tests import brief_story as story

    from headlinez.adapters.brief_store import DynamoBriefStore
    from headlinez.briefs.models import BriefBasis, BriefDraft, CheckInput, PublishInput
    from headlinez.services.briefs import BriefPolicy, BriefService

    class FixedClock:
        def now(self) -> datetime:
            return datetime(2026, 2, 18, 4, tzinfo=UTC)

    table = _RefusingTable()
    now = FixedClock().now()
    service = BriefService(DynamoBriefStore(table, "t"), FixedClock(), BriefPolicy(max_attempts=3))
    draft = BriefDraft.model_validate(story.GOOD_DRAFT)
    check = service.check(CheckInput(trend_id=story.TREND_ID, attempt=1, max_attempts=3,
                                     evidence=story.evidence(), draft=draft, engine="claude-test"), None)
    table.calls.clear()
    result = service.publish(PublishInput(
        trend_id=story.TREND_ID, execution_id="exec-1", trend_version=2, headline="Talks",
        evidence=story.evidence(), basis=BriefBasis(trend_version=2), engine="claude-test", check=check,
        requested_at=now))

    assert result.outcome == "superseded"
    (allowed, _, condition), = TABLE_ACCESS["BriefPublishFunction"]
    assert {action for action, _ in table.calls} == {"PutItem", "GetItem"} <= allowed
    assert all(key.startswith("TREND#") for _, key in table.calls)
    assert condition == TREND_PARTITIONS


@pytest.mark.parametrize(("logical_id", "queue", "retries"), [("IngestFunction", "IngestFailureQueue", 0),
                                                              ("ClusterFunction", "ClusterFailureQueue", 1)])
def test_failed_async_runs_land_in_a_queue_with_an_alarm(
    template: dict[str, Any], logical_id: str, queue: str, retries: int
) -> None:
    invoke = _props(template, logical_id)["EventInvokeConfig"]
    assert invoke["MaximumRetryAttempts"] == retries
    assert invoke["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS", "Destination": {"Fn::GetAtt": [queue, "Arn"]}}
    props = _props(template, queue)
    assert resource(template, queue)["Type"] == "AWS::SQS::Queue"
    assert props["SqsManagedSseEnabled"] is True
    assert props["MessageRetentionPeriod"] == 14 * 24 * 3600
    alarms = [a["Properties"] for a in _resources_of(template, "AWS::CloudWatch::Alarm").values()
              if {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}
              in a["Properties"].get("Dimensions", [])]
    assert len(alarms) == 1
    alarm = alarms[0]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")
    assert alarm["AlarmActions"] == {
        "Fn::If": ["HasAlarmEmail", [{"Ref": "AlarmTopic"}], {"Ref": "AWS::NoValue"}]
    }
    # Every alarm has an entry in the operations guide
    guide = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    name = next(n for n, a in _resources_of(template, "AWS::CloudWatch::Alarm").items()
                if a["Properties"] is alarm)
    assert f"`{name}`" in guide


def test_layer_matches_the_functions_runtime(template: dict[str, Any]) -> None:
    layer = resource(template, "SharedLayer")
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Properties"]["ContentUri"] == "infra/shared-layer/"
    runtime = _global(template, "Runtime")
    assert layer["Properties"]["CompatibleRuntimes"] == [runtime]
    assert layer["Properties"]["CompatibleArchitectures"] == _global(template, "Architectures") == ["arm64"]
    # Built by a Makefile (issue 11 §6): the functions' Python and architecture, and no dev-only code
    assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}
    makefile = (REPO_ROOT / "infra" / "shared-layer" / "Makefile").read_text(encoding="utf-8")
    assert "build-SharedLayer:" in makefile
    assert f"PYTHON_VERSION ?= {runtime.removeprefix('python')}\n" in makefile
    assert "PLATFORM ?= manylinux2014_aarch64\n" in makefile
    assert "DEV_ONLY := local evaluation cli.py feeds_cli.py template.py\n" in makefile
    assert '-r "$(SHARED_DIR)/requirements.txt"' in makefile
    requirements = (REPO_ROOT / "shared" / "requirements.txt").read_text(encoding="utf-8")
    for package in ("feedparser", "fastfeedparser", "aws-lambda-powertools[tracer]", "pydantic", "pyyaml"):
        assert f"\n{package}" in requirements
    assert "python-dateutil>=2.8,<3" in requirements  # botocore needs dateutil < 3


# --- wiring: schedule, events, API ---------------------------------------------------------------


# One each, unless ReserveConcurrency=false (an account whose limit is still 10 cannot reserve it)
RESERVED_ONE = {"Fn::If": ["ReservesConcurrency", 1, {"Ref": "AWS::NoValue"}]}


def test_clustering_may_ask_whether_a_brief_execution_still_runs(template: dict[str, Any]) -> None:
    statements = [statement for policy in _props(template, "ClusterFunction")["Policies"]
                  for statement in policy.get("Statement", [])]
    (listing,) = [s for s in statements if s.get("Sid") == "BriefExecutionsList"]
    assert listing["Action"] == ["states:ListExecutions"]
    assert listing["Resource"] == {"Ref": "BriefStateMachine"}  # the state machine's ARN


def test_the_public_base_url_is_checked_alike_at_deploy_and_at_cold_start(template: dict[str, Any]) -> None:
    from headlinez.settings import ApiSettings

    field = ApiSettings.model_fields["public_base_url"]
    (pattern,) = [m.pattern for m in field.metadata if hasattr(m, "pattern")]
    assert template["Parameters"]["PublicBaseUrl"]["AllowedPattern"] == pattern
    assert _env(template, "ApiFunction")["PUBLIC_BASE_URL"] == {"Ref": "PublicBaseUrl"}


def test_reserving_concurrency_is_a_parameter_for_accounts_that_cannot(template: dict[str, Any]) -> None:
    assert template["Parameters"]["ReserveConcurrency"]["Default"] == "true"
    condition = template["Conditions"]["ReservesConcurrency"]
    assert condition == {"Fn::Equals": [{"Ref": "ReserveConcurrency"}, "true"]}
    # without the reservation, overlapping cluster runs are kept apart by the lease
    assert "DynamoLease(" in (REPO_ROOT / "functions" / "cluster" / "app.py").read_text(encoding="utf-8")


def test_ingest_runs_alone_every_15_minutes_with_the_handlers_event(template: dict[str, Any]) -> None:
    props = _props(template, "IngestFunction")
    assert props["ReservedConcurrentExecutions"] == RESERVED_ONE
    assert props["Timeout"] == 600
    (event,) = props["Events"].values()
    assert event["Type"] == "ScheduleV2"
    assert event["Properties"]["ScheduleExpression"] == "rate(15 minutes)"
    assert event["Properties"]["OmitName"] is True
    # The schedule's Input, with Scheduler's placeholders filled in, is a valid handler event.
    payload = (
        event["Properties"]["Input"]
        .replace("<aws.scheduler.execution-id>", "d32c5kddcf5bb8c3")
        .replace("<aws.scheduler.scheduled-time>", "2026-02-18T03:15:00Z")
    )
    parsed = ScheduledEvent.model_validate(json.loads(payload))
    assert parsed.utc_time().isoformat() == "2026-02-18T03:15:00+00:00"


def test_ingest_reads_the_packaged_feed_list(template: dict[str, Any]) -> None:
    env = _env(template, "IngestFunction")
    packaged = REPO_ROOT / _props(template, "IngestFunction")["CodeUri"] / env["FEEDS_FILE"]
    assert packaged.resolve() == (REPO_ROOT / "infra" / "feeds.yaml").resolve()


def test_cluster_runs_after_each_ingest(template: dict[str, Any]) -> None:
    props = _props(template, "ClusterFunction")
    assert props["ReservedConcurrentExecutions"] == RESERVED_ONE
    (event,) = props["Events"].values()
    assert event["Type"] == "EventBridgeRule"
    assert "EventBusName" not in event["Properties"]  # the default bus
    assert event["Properties"]["Pattern"] == {
        "source": [INGEST_EVENT_SOURCE],
        "detail-type": [INGEST_COMPLETED],
    }
    ingest_env = _env(template, "IngestFunction")
    assert ingest_env["EVENT_BUS_NAME"] == "default"
    assert {"EventBridgePutEventsPolicy": {"EventBusName": "default"}} in _props(
        template, "IngestFunction"
    )["Policies"]


def test_api_routes_and_throttling(template: dict[str, Any]) -> None:
    events = _props(template, "ApiFunction")["Events"].values()
    routes = {(e["Properties"]["Method"], e["Properties"]["Path"]) for e in events if e["Type"] == "HttpApi"}
    # GET and HEAD (the function answers HEAD as GET without the body); API Gateway answered HEAD 404
    assert routes == {("GET", "/"), ("GET", "/{proxy+}"), ("HEAD", "/"), ("HEAD", "/{proxy+}")}
    assert all(e["Properties"]["ApiId"] == {"Ref": "HeadlinezHttpApi"} for e in events)
    api = _props(template, "HeadlinezHttpApi")
    assert api["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 20}
    assert api["CorsConfiguration"]["AllowMethods"] == ["GET", "HEAD"]
    assert set(template["Outputs"]) >= {"ApiUrl", "TableName"}
    # Paging cursors are signed with a generated secret, not ApiSettings' local default; the function
    # reads it at run time (Powertools Parameters), so the key is not in its configuration.
    env = _env(template, "ApiFunction")
    assert env["CURSOR_SECRET_ARN"] == {"Ref": "CursorSecret"}
    assert "CURSOR_SECRET" not in env
    assert {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "CursorSecret"}}} in _props(
        template, "ApiFunction")["Policies"]
    assert "GenerateSecretString" in _props(template, "CursorSecret")


@pytest.mark.parametrize(
    ("logical_id", "settings"),
    [("IngestFunction", IngestSettings), ("ClusterFunction", ClusterSettings), ("ApiFunction", ApiSettings),
     *((name, BriefSettings) for name in FUNCTIONS if name.startswith("Brief"))],
)
def test_environment_variables_are_read_by_the_settings(
    template: dict[str, Any], logical_id: str, settings: type[Any]
) -> None:
    known = {field.alias or name.upper() for name, field in settings.model_fields.items()}
    powertools = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL"}
    assert set(_env(template, logical_id)) - powertools <= known


# --- the table -----------------------------------------------------------------------------------


def test_table_keys_and_indexes_match_the_code(template: dict[str, Any]) -> None:
    table = resource(template, "HeadlinezTable")
    assert table["Type"] == "AWS::DynamoDB::Table"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert time_to_live_attribute(template) == "ttl"
    # Retain covers the stack's deletion only; a delete-table from the console is refused too
    assert props["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"

    definition = table_definition(template)
    assert definition["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    indexes = {
        index["IndexName"]: tuple(key["AttributeName"] for key in index["KeySchema"])
        for index in definition["GlobalSecondaryIndexes"]
    }
    assert indexes == EXPECTED_GSIS
    assert all(i["Projection"] == {"ProjectionType": "ALL"} for i in definition["GlobalSecondaryIndexes"])
    types = {a["AttributeName"]: a["AttributeType"] for a in definition["AttributeDefinitions"]}
    keys = ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk")
    assert types == dict.fromkeys(keys, "S")


# --- the loader ----------------------------------------------------------------------------------


def test_loader_expands_short_form_tags(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "Conditions:\n  C: !Not [!Equals [!Ref P, '']]\n"
        "Resources:\n  R:\n    Type: X\n    Properties:\n"
        "      A: !GetAtt Thing.Arn\n      B: !Sub '${AWS::StackName}-x'\n"
        "      C: !If [C, !Ref P, !Ref AWS::NoValue]\n      D: !GetAtt [Thing, Arn]\n"
        "      E: !Select [0, !GetAZs '']\n      F: !Condition C\n",
        encoding="utf-8",
    )
    template = load_template(path)
    props = template["Resources"]["R"]["Properties"]
    assert template["Conditions"]["C"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "P"}, ""]}]}
    assert props["A"] == props["D"] == {"Fn::GetAtt": ["Thing", "Arn"]}
    assert props["B"] == {"Fn::Sub": "${AWS::StackName}-x"}
    assert props["C"] == {"Fn::If": ["C", {"Ref": "P"}, {"Ref": "AWS::NoValue"}]}
    assert props["E"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert props["F"] == {"Condition": "C"}


def test_table_definition_rejects_what_moto_cannot_create(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n"
        "      AttributeDefinitions: [{AttributeName: !Ref KeyName, AttributeType: S}]\n"
        "      KeySchema: [{AttributeName: pk, KeyType: HASH}]\n"
        "  Q:\n    Type: AWS::Serverless::SimpleTable\n",
        encoding="utf-8",
    )
    template = load_template(path)
    with pytest.raises(TemplateError, match="Ref"):
        table_definition(template, "T")
    with pytest.raises(TemplateError, match="expected AWS::DynamoDB::Table"):
        table_definition(template, "Q")
    with pytest.raises(TemplateError, match="not found"):
        table_definition(template, "Missing")


def test_load_template_rejects_non_templates(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("- a\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="no Resources"):
        load_template(path)


def test_the_feed_error_share_is_failed_over_polled_across_every_shard(template: dict[str, Any]) -> None:
    # In fan-out mode every worker shard emits its own figures: the alarm sums them over the window
    # (the Minimum of per-shard percentages let one healthy shard hide a failing half).
    alarm = _props(template, "FeedErrorShareAlarm")
    assert "MetricName" not in alarm
    queries = {m["Id"]: m for m in alarm["Metrics"]}
    for query_id, metric in (("failed", "FeedErrors"), ("polled", "FeedsPolled")):
        stat = queries[query_id]["MetricStat"]
        assert stat["Metric"] == {"Namespace": "Headlinez", "MetricName": metric,
                                  "Dimensions": [{"Name": "service", "Value": "ingest"}]}
        assert (stat["Stat"], stat["Period"]) == ("Sum", 900)
        assert queries[query_id]["ReturnData"] is False
    assert queries["share"]["Expression"] == "IF(polled > 0, 100 * failed / polled, 0)"
    assert (alarm["Threshold"], alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (25, 2, 2)


def test_every_function_logs_json_into_its_own_group(template: dict[str, Any]) -> None:
    # The runtime's own lines (uncaught exceptions, timeouts) are JSON with "level" too: the
    # runbooks' `"level":"ERROR"` search finds them beside Powertools' lines.
    functions = _resources_of(template, "AWS::Serverless::Function")
    assert functions
    for logical_id, function in functions.items():
        config = function["Properties"]["LoggingConfig"]
        assert config["LogFormat"] == "JSON", logical_id
        assert set(config["LogGroup"]) == {"Ref"}, logical_id


def _summed_metrics(alarm: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """An alarm on metric math: the metrics it reads, and the one expression it alarms on."""
    queries = alarm["Metrics"]
    (expression,) = [q for q in queries if q.get("ReturnData")]
    metrics = [q["MetricStat"]["Metric"] for q in queries if "MetricStat" in q]
    for query in queries:
        if "MetricStat" in query:
            assert f"FILL({query['Id']}, 0)" in expression["Expression"], "a quiet metric hides none"
    assert len(queries) <= 10, "CloudWatch takes at most 10 metrics in an alarm"
    return metrics, expression["Expression"]


def test_unplanned_lambda_throttles_alarm(template: dict[str, Any]) -> None:
    alarm = _props(template, "LambdaThrottlesAlarm")
    metrics, _ = _summed_metrics(alarm)
    assert {m["MetricName"] for m in metrics} == {"Throttles"}
    watched = {m["Dimensions"][0]["Value"]["Ref"] for m in metrics}
    # every function except the single writers, whose overlapping events wait in Lambda's queue by design
    single = {name for name in FUNCTIONS
              if _props(template, name).get("ReservedConcurrentExecutions") == RESERVED_ONE}
    assert single == {"IngestFunction", "ClusterFunction", "FeedDispatchFunction"}
    assert watched == set(FUNCTIONS) - single
    assert (alarm["Threshold"], alarm["EvaluationPeriods"]) == (1, 1)
    # the dashboard's throttles widget shows what the alarm sums (the runbook sends you there)
    body = _props(template, "OperationsDashboard")["DashboardBody"]["Fn::Sub"]
    for name in watched:
        assert f'["AWS/Lambda", "Throttles", "FunctionName", "${{{name}}}"' in body, name


def test_table_throttles_alarm_covers_the_table_and_every_index(template: dict[str, Any]) -> None:
    alarm = _props(template, "TableThrottlesAlarm")
    metrics, _ = _summed_metrics(alarm)
    indexes = {i["IndexName"] for i in _props(template, "HeadlinezTable")["GlobalSecondaryIndexes"]}
    seen = {(m["MetricName"], next((d["Value"] for d in m["Dimensions"]
                                    if d["Name"] == "GlobalSecondaryIndexName"), None)) for m in metrics}
    assert seen == {(name, index) for name in ("ReadThrottleEvents", "WriteThrottleEvents")
                    for index in (None, *indexes)}
    assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (2, 2)


def test_a_feed_worker_takes_one_shard_per_invocation(template: dict[str, Any]) -> None:
    # Shards of one batch ran one after another against the invocation's one deadline: a slow first
    # shard left the others deferred, each deferral a receive towards the dead-letter queue.
    worker = _props(template, "FeedWorkerFunction")
    (source,) = worker["Events"].values()
    assert source["Type"] == "SQS"
    assert source["Properties"]["BatchSize"] == 1
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    queue = _props(template, "FeedShardQueue")
    assert queue["VisibilityTimeout"] >= worker["Timeout"], "a shard must not reappear while it runs"
    from headlinez.local.fanout import LocalFanOut

    assert LocalFanOut.__init__.__kwdefaults__["batch_size"] == 1, "the local stack plays the same"


def test_the_cdn_adds_the_api_s_cors_headers_to_every_answer(template: dict[str, Any]) -> None:
    # API Gateway answers with CORS headers only when the request has an Origin, and the CDN's
    # cache key has no headers: without this policy the first request of a minute decided for all.
    cache_policy = _props(template, "ApiCachePolicy")["CachePolicyConfig"]
    cache_key = cache_policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert cache_key["HeadersConfig"] == {"HeaderBehavior": "none"}
    behavior = _props(template, "ApiDistribution")["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": "ApiCorsHeadersPolicy"}
    cors = _props(template, "ApiCorsHeadersPolicy")["ResponseHeadersPolicyConfig"]["CorsConfig"]
    api = _props(template, "HeadlinezHttpApi")["CorsConfiguration"]
    assert cors["AccessControlAllowOrigins"]["Items"] == api["AllowOrigins"]
    assert set(api["AllowMethods"]) <= set(cors["AccessControlAllowMethods"]["Items"])
    assert cors["AccessControlAllowHeaders"]["Items"] == api["AllowHeaders"]
    assert cors["AccessControlExposeHeaders"]["Items"] == api["ExposeHeaders"]
    assert cors["OriginOverride"] is True


def test_a_dispatch_plan_is_resent_only_after_its_sender_timed_out(template: dict[str, Any]) -> None:
    # A duplicate dispatch resends an unsent plan only once its first send is older than the
    # dispatch function's timeout: shorter, it would resend while that send is still running
    from headlinez.services.fanout import DISPATCH_TIMEOUT

    timeout = _props(template, "FeedDispatchFunction").get("Timeout", _global(template, "Timeout"))
    assert DISPATCH_TIMEOUT.total_seconds() == timeout


def test_every_function_that_writes_articles_gets_their_ttl(template: dict[str, Any]) -> None:
    # The cluster function rewrites each article it assigns; without ArticleTtlDays it wrote the
    # default 14 days over ingest's TTL
    for logical_id in ("IngestFunction", "FeedWorkerFunction", "ClusterFunction"):
        variables = resource(template, logical_id)["Properties"]["Environment"]["Variables"]
        assert variables["ARTICLE_TTL_DAYS"] == {"Ref": "ArticleTtlDays"}, logical_id
