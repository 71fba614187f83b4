"""The brief state machine (infra/statemachines/brief.asl.json) run by moto's interpreter.

Task states are routed to our real handlers (functions/brief_*/app.py) through a loopback Lambda
Invoke server; DynamoDB is moto; Claude is the fake Messages API on 127.0.0.1 (or the offline
engine). Retry intervals are capped at 1 s (moto waits real time).
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from tests import brief_story as story
from tests.fake_anthropic import FakeAnthropic, overloaded, text_only, tool_call
from tests.fakes import load_handler_module

from headlinez.adapters.brief_store import DynamoBriefStore
from headlinez.briefs.models import BriefRequest, PublishedBrief
from headlinez.local import moto_speedups
from headlinez.local.stepfunctions import (
    BRIEF_FUNCTIONS,
    LambdaInvokeServer,
    create_state_machine,
    history,
    load_definition,
    wait_for_execution,
)
from headlinez.settings import brief_settings
from headlinez.template import load_template, table_definition
from headlinez.wiring import brief_steps

REPO_ROOT = Path(__file__).resolve().parents[2]
TABLE = "headlinez-brief-test"


def _load_handlers() -> dict[str, Any]:
    """Fresh handler modules (their settings are read at import, from the test's environment)."""
    brief_settings.cache_clear()
    brief_steps.service.cache_clear()
    brief_steps.generator.cache_clear()
    brief_steps.verifier.cache_clear()
    handlers: dict[str, Any] = {}
    for folder in BRIEF_FUNCTIONS.values():
        module = load_handler_module(folder, "test")
        sys.modules.pop(module.__name__, None)
        handlers[folder] = module.handler
    return handlers


@dataclass
class Flow:
    sfn: Any
    arn: str
    store: DynamoBriefStore
    server: LambdaInvokeServer

    def run(self, version: int = 1, name: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        request = BriefRequest(trend_id=story.TREND_ID, trend_version=version, reason="test",
                               requested_at=story.NOW)
        started = self.sfn.start_execution(stateMachineArn=self.arn, name=name or uuid.uuid4().hex,
                                           input=request.model_dump_json())
        description = wait_for_execution(self.sfn, started["executionArn"], timeout=60)
        return description, list(history(self.sfn, started["executionArn"]))

    def brief(self) -> PublishedBrief | None:
        return self.store.get_brief(story.TREND_ID)


def states_entered(events: list[dict[str, Any]]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def lambda_errors(events: list[dict[str, Any]]) -> list[str]:
    return [e["lambdaFunctionFailedEventDetails"]["error"] for e in events
            if e["type"] == "LambdaFunctionFailed"]


def _env(monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "TABLE_NAME": TABLE,
        "POWERTOOLS_SERVICE_NAME": "headlinez", "POWERTOOLS_METRICS_NAMESPACE": "HeadlinezTest",
        "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING", **extra,
    }.items():
        monkeypatch.setenv(name, value)
    for name in list(os.environ):
        if (name == "AWS_PROFILE" or name.startswith(("ANTHROPIC_", "BRIEF_"))) and name not in extra:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make_flow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """make_flow(**env) -> Flow: moto with the table and the state machine, handlers on loopback."""
    stack: list[Any] = []

    def make(**env: str) -> Flow:
        _env(monkeypatch, **env)
        moto_speedups.install_step_functions()  # as the local stack runs it: one parsed program
        mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        mock.start()
        stack.append(mock.stop)
        boto3.client("dynamodb", region_name="us-east-1").create_table(
            TableName=TABLE, **table_definition(load_template(REPO_ROOT / "template.yaml")))
        server = LambdaInvokeServer(_load_handlers()).start()
        stack.append(server.stop)
        monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", server.endpoint)
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        arn = create_state_machine(sfn, load_definition(max_retry_interval=1))
        store = DynamoBriefStore(boto3.resource("dynamodb", region_name="us-east-1"), TABLE)
        return Flow(sfn, arn, store, server)

    yield make
    for stop in reversed(stack):
        stop()


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(brief=story.GOOD_DRAFT) as server:
        yield server


def _claude_env(fake: FakeAnthropic, **extra: str) -> dict[str, str]:
    return {"ANTHROPIC_API_KEY": "sk-test", "ANTHROPIC_BASE_URL": fake.base_url,
            "BRIEF_LLM_TIMEOUT_SECONDS": "5", **extra}


# --- happy paths ----------------------------------------------------------------------------------


def test_offline_engine_publishes_an_extractive_brief_then_skips_an_unchanged_trend(make_flow: Any) -> None:
    # Given a trend of three newsrooms and no API key
    flow = make_flow()
    story.seed(TABLE, story.SOURCES_V1, version=1)

    # When the flow runs for it
    description, events = flow.run(version=1)

    # Then it goes Load -> Generate -> FactCheck -> Publish and stores an extractive brief
    assert description["status"] == "SUCCEEDED", events[-3:]
    assert states_entered(events) == ["Init", "LoadEvidence", "NeedsBrief", "Generate", "WithinBudget",
                                      "FactCheck", "Decide", "Publish", "Published"]
    brief = flow.brief()
    assert brief is not None
    assert (brief.engine, brief.verifier, brief.version) == ("extractive", "deterministic", 1)
    assert brief.usage.total == 0
    assert brief.supported_percent == 100.0
    assert brief.execution_id.endswith(description["name"])
    assert {c.outlet for c in brief.citations} >= {"Reuters", "BBC News", "AP News"}
    # built from the articles' snippets (read from the article items), not only their titles
    assert any("on Tuesday" in claim.text for p in brief.paragraphs for claim in p.claims)

    # When it runs again for the same trend version: nothing material changed, nothing is written
    description, events = flow.run(version=1)
    assert description["status"] == "SUCCEEDED"
    assert states_entered(events)[-1] == "NothingToDo"
    assert json.loads(description["output"])["load"]["reason"].startswith("brief is up to date")
    assert flow.brief() == brief


def test_claude_engine_publishes_with_the_removed_claims_and_the_token_usage(
        make_flow: Any, fake: FakeAnthropic) -> None:
    # Given Claude (the fake) drafting one hallucinated claim among good ones
    fake.script("write_brief", tool_call("write_brief", story.draft_with(story.HALLUCINATED)))
    flow = make_flow(**_claude_env(fake))
    story.seed(TABLE, story.SOURCES_V1, version=1)

    description, events = flow.run(version=1)

    assert description["status"] == "SUCCEEDED"
    assert states_entered(events)[-1] == "Published", description.get("output")
    brief = flow.brief()
    assert brief is not None
    assert brief.engine == "claude-sonnet-5-5"
    assert brief.verifier == "deterministic+claude-haiku-5-5"
    assert [r.text for r in brief.removed_claims] == [story.HALLUCINATED["text"]]
    assert brief.usage.input_tokens == 1200 + 900
    assert brief.usage.output_tokens == 350 + 120
    # The daily budget counted both calls
    assert flow.store.tokens_spent(story.NOW.date()) == 1200 + 350 + 900 + 120
    # One generation call and one verification call, with the models from the settings
    assert [r["model"] for r in fake.requests] == ["claude-sonnet-5-5", "claude-haiku-5-5"]


# --- regenerate -----------------------------------------------------------------------------------


def test_too_little_supported_regenerates_with_the_removed_claims_as_feedback(
        make_flow: Any, fake: FakeAnthropic) -> None:
    # Given a first draft that is mostly invented, then a good one
    fake.script("write_brief", tool_call("write_brief", story.mostly_invented()),
                tool_call("write_brief", story.GOOD_DRAFT))
    flow = make_flow(**_claude_env(fake))
    story.seed(TABLE, story.SOURCES_V1, version=1)

    description, events = flow.run(version=1)

    # Then the flow loops once through PrepareRegeneration and publishes the second draft
    assert description["status"] == "SUCCEEDED"
    assert states_entered(events).count("Generate") == 2
    assert "PrepareRegeneration" in states_entered(events)
    brief = flow.brief()
    assert brief is not None
    assert brief.attempts == 2
    assert brief.supported_percent == 100.0
    # and the second request told the model what was removed and why
    second = fake.requests_for("write_brief")[1]["messages"][0]["content"]
    assert "<removed_claims>" in second
    assert story.HALLUCINATED["text"] in second
    assert "quote not found verbatim" in second


def test_regeneration_is_bounded_and_keeps_the_previous_brief(make_flow: Any, fake: FakeAnthropic) -> None:
    # Given a published brief, then a change, and drafts that are always mostly invented
    flow = make_flow(**_claude_env(fake, BRIEF_MAX_ATTEMPTS="2"))
    story.seed(TABLE, story.SOURCES_V1, version=1)
    assert flow.run(version=1)[0]["status"] == "SUCCEEDED"
    before = flow.brief()
    story.seed(TABLE, version=2)  # Al Jazeera joins: a new independent source
    fake.brief = story.mostly_invented()

    description, events = flow.run(version=2)

    # Then it stops after two attempts, records why, and the previous brief stays
    assert description["status"] == "SUCCEEDED"
    assert states_entered(events).count("Generate") == 2
    assert states_entered(events)[-3:] == ["RecordFailure", "KeepPreviousBrief", "NotPublished"]
    assert flow.brief() == before
    failure = flow.store.get_failure(story.TREND_ID)
    assert failure is not None
    assert failure.error == "InsufficientSupport"


# --- errors ---------------------------------------------------------------------------------------


def test_transient_errors_are_retried_by_name(make_flow: Any, fake: FakeAnthropic) -> None:
    # Given the model API overloaded once, with a retry-after longer than the client waits inline
    fake.script("write_brief", overloaded(retry_after=1.5))
    flow = make_flow(**_claude_env(fake, BRIEF_INLINE_RETRY_AFTER_MAX_SECONDS="0.5"))
    story.seed(TABLE, story.SOURCES_V1, version=1)

    description, events = flow.run(version=1)

    # Then the state machine retried Generate after LlmOverloadedError (the retry waited out the
    # rest of the retry-after, which the first attempt recorded for every execution) and published
    assert description["status"] == "SUCCEEDED"
    assert lambda_errors(events) == ["LlmOverloadedError"]
    assert states_entered(events).count("Generate") == 1  # a Retry stays in the state
    assert flow.brief() is not None


def test_a_validation_error_is_not_retried_and_the_old_brief_stays(make_flow: Any,
                                                                    fake: FakeAnthropic) -> None:
    # Given a published brief
    flow = make_flow(**_claude_env(fake))
    story.seed(TABLE, story.SOURCES_V1, version=1)
    assert flow.run(version=1)[0]["status"] == "SUCCEEDED"
    before = flow.brief()
    assert before is not None

    # When a material change comes and the model answers without its tool call (malformed)
    story.seed(TABLE, version=2)
    fake.script("write_brief", text_only())
    description, events = flow.run(version=2)

    # Then ModelOutputError fails Generate once (no retry), the failure is recorded, the run fails
    assert description["status"] == "FAILED"
    assert lambda_errors(events) == ["ModelOutputError"]
    assert states_entered(events)[-3:] == ["RecordFailure", "KeepPreviousBrief", "Failed"]
    failure = flow.store.get_failure(story.TREND_ID)
    assert failure is not None
    assert failure.error == "ModelOutputError"
    # and the last good brief is untouched
    assert flow.brief() == before


def test_spent_daily_budget_stops_generation_without_failing(make_flow: Any, fake: FakeAnthropic) -> None:
    flow = make_flow(**_claude_env(fake, BRIEF_DAILY_TOKEN_BUDGET="1000"))
    story.seed(TABLE, story.SOURCES_V1, version=1)
    flow.store.add_tokens(story.NOW.date(), 1000)

    description, events = flow.run(version=1)

    assert description["status"] == "SUCCEEDED"
    assert states_entered(events)[-1] == "BudgetExhausted"
    assert fake.requests == []
    assert flow.brief() is None


# --- clustering starts the flow -------------------------------------------------------------------


def test_clustering_starts_the_flow_once_per_trend_version(make_flow: Any) -> None:
    from datetime import timedelta

    from headlinez.adapters.brief_store import StepFunctionsBriefTrigger
    from headlinez.adapters.dynamodb import DynamoStore
    from headlinez.domain.clustering import ClusterConfig
    from headlinez.services.cluster import ClusterService

    # Given the story's articles ingested, not yet clustered
    flow = make_flow()
    resource = boto3.resource("dynamodb", region_name="us-east-1")
    store = DynamoStore(resource, TABLE)
    # (published within one 15-minute window: the run clusters them together, as one scheduled run)
    store.save_new_articles([a.model_copy(update={"trend_id": None,
                                                  "published": story.NOW - timedelta(minutes=10 - n)})
                             for n, a in enumerate(story.articles(3))])
    trigger = StepFunctionsBriefTrigger(flow.sfn, flow.arn)

    def cluster() -> Any:
        service = ClusterService(store, ClusterConfig(), lookback=timedelta(hours=6), briefs=trigger,
                                 predictions=store)
        return service.run(story.NOW)

    # When clustering runs, and runs again (a retry of the same run)
    report = cluster()
    assert report.briefs_started == 1
    (execution,) = flow.sfn.list_executions(stateMachineArn=flow.arn)["executions"]
    trend_id = execution["name"].removeprefix("brief-").rsplit("-v", 1)[0]
    description = wait_for_execution(flow.sfn, execution["executionArn"], timeout=60)
    assert cluster().briefs_started == 0

    # Then one execution ran, named after the trend version, and published its brief
    assert execution["name"] == f"brief-{trend_id}-v1"
    assert description["status"] == "SUCCEEDED"
    assert len(flow.sfn.list_executions(stateMachineArn=flow.arn)["executions"]) == 1
    brief = flow.store.get_brief(trend_id)
    assert brief is not None
    assert brief.engine == "extractive"
