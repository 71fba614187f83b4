"""The brief state machine file: valid ASL (statelint), wired in template.yaml, errors named as raised."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from headlinez.briefs import errors
from headlinez.local.stepfunctions import (
    ASL_PATH,
    BRIEF_FUNCTIONS,
    DefinitionError,
    LambdaInvokeServer,
    lint,
    load_definition,
    local_substitutions,
    main,
    render_definition,
)
from headlinez.template import load_template, resource

REPO_ROOT = Path(__file__).resolve().parents[2]
TRANSIENT = {"LlmRateLimitedError", "LlmOverloadedError", "LlmServerError", "LlmTimeoutError",
             "LlmConnectionError"}
PAUSED = "LlmPausedError"
NEVER_RETRIED = {"BriefInputError", "ModelOutputError", "LlmRequestError"}


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    return load_definition()


def _tasks(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: state for name, state in definition["States"].items() if state["Type"] == "Task"}


def test_the_file_is_json_with_only_the_template_placeholders() -> None:
    text = ASL_PATH.read_text(encoding="utf-8")
    json.loads(text)  # valid JSON before substitution too (placeholders sit inside strings)
    placeholders = set(re.findall(r"\$\{(\w+)\}", text))
    template = load_template(REPO_ROOT / "template.yaml")
    machine = resource(template, "BriefStateMachine")["Properties"]
    assert machine["DefinitionUri"] == "infra/statemachines/brief.asl.json"
    assert set(machine["DefinitionSubstitutions"]) == placeholders == set(BRIEF_FUNCTIONS)
    for placeholder, folder in BRIEF_FUNCTIONS.items():
        logical = machine["DefinitionSubstitutions"][placeholder]["Fn::GetAtt"][0]
        assert resource(template, logical)["Properties"]["CodeUri"] == f"functions/{folder}/"
        assert {"LambdaInvokePolicy": {"FunctionName": {"Ref": logical}}} in machine["Policies"]
    assert machine["Type"] == "STANDARD"  # unique execution names make the cluster's starts idempotent


def test_the_machine_s_role_may_deliver_its_logs() -> None:
    # Step Functions checks log delivery on the role when it creates a machine with Logging, and
    # SAM adds no permission for it: without these the first deploy rolls back.
    machine = resource(load_template(REPO_ROOT / "template.yaml"), "BriefStateMachine")["Properties"]
    assert machine["Logging"]["Destinations"]
    granted = {action for policy in machine["Policies"] if "Statement" in policy
               for statement in policy["Statement"] for action in statement["Action"]}
    assert granted >= {"logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                       "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                       "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"}


def test_statelint_finds_no_problem(definition: dict[str, Any]) -> None:
    assert lint(definition) == []


def test_statelint_would_catch_a_broken_definition(definition: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(definition))
    broken["States"]["Publish"]["Next"] = "Nowhere"
    assert lint(broken)


def test_placeholders_must_all_be_substituted() -> None:
    with pytest.raises(DefinitionError, match="BriefLoadFunctionArn"):
        render_definition('{"Resource": "${BriefLoadFunctionArn}"}', {})
    rendered = render_definition('{"Resource": "${X}"}', {"X": "arn:aws:lambda:eu-west-1:1:function:x"})
    assert json.loads(rendered)["Resource"].endswith(":function:x")


def test_every_task_retries_transient_errors_by_name_and_catches_the_rest(definition: dict[str, Any]) -> None:
    for name, task in _tasks(definition).items():
        retriers = task["Retry"]
        assert all(r["ErrorEquals"] != ["States.ALL"] for r in retriers), name
        assert any("Lambda.TooManyRequestsException" in r["ErrorEquals"] for r in retriers), name
        if name == "RecordFailure":
            assert "Catch" not in task
            continue
        # validation errors first, never retried
        assert set(retriers[0]["ErrorEquals"]) == NEVER_RETRIED
        assert retriers[0]["MaxAttempts"] == 0
        catch_all = {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "RecordFailure"}
        assert task["Catch"] == [catch_all]
        assert task["TimeoutSeconds"] <= 180
    for name in ("Generate", "FactCheck"):
        llm = next(r for r in _tasks(definition)[name]["Retry"] if "LlmRateLimitedError" in r["ErrorEquals"])
        assert set(llm["ErrorEquals"]) >= TRANSIENT
        assert llm["BackoffRate"] > 1
        assert llm["JitterStrategy"] == "FULL"
        assert llm["MaxAttempts"] >= 2


LAMBDA_SERVICE_ERRORS = {"Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                         "Lambda.TooManyRequestsException", "Lambda.ClientExecutionTimeoutException"}


def test_every_task_retries_lambda_service_errors_with_backoff(definition: dict[str, Any]) -> None:
    # Issue 13, item 7: throttling and service errors of the Lambda invoke are retried, never
    # caught into RecordFailure at once (a retrier earlier in the list that matched them first and
    # did not retry would hide them: none names them).
    for name, task in _tasks(definition).items():
        matching = [r for r in task["Retry"] if LAMBDA_SERVICE_ERRORS & set(r["ErrorEquals"])]
        assert len(matching) == 1, name
        (retrier,) = matching
        assert set(retrier["ErrorEquals"]) == LAMBDA_SERVICE_ERRORS, name
        assert retrier["MaxAttempts"] >= 3, name
        assert retrier["BackoffRate"] > 1, name
        assert retrier["JitterStrategy"] == "FULL", name


def test_a_model_pause_is_retried_over_the_whole_pause(definition: dict[str, Any]) -> None:
    # During a pause (a long retry-after, up to MAX_MODEL_PAUSE_SECONDS) a step raises
    # LlmPausedError without calling. The rate-limit retrier's delays (20 s doubling, 3 attempts,
    # full jitter: ~70 s on average) ran out first, so every execution in flight failed uncalled.
    from headlinez.services.briefs import MAX_MODEL_PAUSE_SECONDS

    for name in ("Generate", "FactCheck"):
        retriers = _tasks(definition)[name]["Retry"]
        (paused,) = [r for r in retriers if PAUSED in r["ErrorEquals"]]
        assert paused["ErrorEquals"] == [PAUSED]
        # before the rate-limit retrier (Step Functions takes the first that names the error)
        rate_limited = next(i for i, r in enumerate(retriers) if "LlmRateLimitedError" in r["ErrorEquals"])
        assert retriers.index(paused) < rate_limited
        delays = [min(paused["IntervalSeconds"] * paused["BackoffRate"] ** k, paused["MaxDelaySeconds"])
                  for k in range(paused["MaxAttempts"])]
        # with full jitter each wait is uniform in [0, delay]: on average half of it
        assert sum(delays) / 2 >= 1.5 * MAX_MODEL_PAUSE_SECONDS, name
        assert paused["JitterStrategy"] == "FULL"


def test_error_names_are_the_exception_classes(definition: dict[str, Any]) -> None:
    named = {name for task in _tasks(definition).values() for r in task["Retry"] for name in r["ErrorEquals"]}
    ours = {n for n in named if not n.startswith(("States.", "Lambda.", "Sandbox."))}
    assert ours == TRANSIENT | NEVER_RETRIED | {"StorageThrottledError", PAUSED}
    for name in ours:
        assert issubclass(getattr(errors, name), errors.BriefError)
    for name in TRANSIENT | {"StorageThrottledError", PAUSED}:
        assert issubclass(getattr(errors, name), errors.TransientBriefError)


def test_a_step_that_outlives_its_function_timeout_is_retried_like_a_state_timeout(
        definition: dict[str, Any]) -> None:
    # A task's TimeoutSeconds is above its function's timeout, so a slow step ends as the
    # function's own timeout (Sandbox.Timedout; Lambda.Unknown on older runtimes), never as
    # States.Timeout: each retrier of States.Timeout names those too.
    for name, task in _tasks(definition).items():
        timeouts = [r for r in task["Retry"] if "States.Timeout" in r["ErrorEquals"]]
        assert timeouts, name
        for retrier in timeouts:
            assert {"Sandbox.Timedout", "Lambda.Unknown"} <= set(retrier["ErrorEquals"]), name


def test_each_task_outlives_its_function(definition: dict[str, Any]) -> None:
    template = load_template(REPO_ROOT / "template.yaml")
    by_folder = {props["CodeUri"]: props for r in template["Resources"].values()
                 if r["Type"] == "AWS::Serverless::Function" for props in [r["Properties"]]}
    for name, task in _tasks(definition).items():
        folder = task["Resource"].rsplit(":function:", 1)[1]  # the rendered ARN names the folder
        default = template["Globals"]["Function"]["Timeout"]
        function_timeout = by_folder[f"functions/{folder}/"].get("Timeout", default)
        assert task["TimeoutSeconds"] > function_timeout, name


def test_the_flow_shape(definition: dict[str, Any]) -> None:
    states = definition["States"]
    assert definition["StartAt"] == "Init"
    assert states["Init"]["Parameters"]["execution_id.$"] == "$$.Execution.Id"
    # the regeneration loop is bounded by the attempt counter, in the ASL itself
    decide = states["Decide"]["Choices"][1]["And"]
    assert {"Variable": "$.attempt", "NumericLessThanPath": "$.load.max_attempts"} in decide
    assert states["PrepareRegeneration"]["Parameters"]["attempt.$"] == "States.MathAdd($.attempt, 1)"
    assert states["PrepareRegeneration"]["Parameters"]["feedback.$"] == "$.check.removed_claims"
    assert states["PrepareRegeneration"]["Next"] == "Generate"
    # the engine knows the headline the page shows above the brief (no answer repeats it bare)
    assert states["Generate"]["Parameters"]["headline.$"] == "$.load.headline"
    ends = {name for name, s in states.items() if s["Type"] in {"Succeed", "Fail"}}
    assert ends == {"NothingToDo", "BudgetExhausted", "Published", "NotPublished", "Failed"}


def test_capped_retries_for_local_runs() -> None:
    capped = load_definition(max_retry_interval=1)
    for task in _tasks(capped).values():
        for retrier in task["Retry"]:
            assert retrier.get("IntervalSeconds", 1) <= 1
            assert retrier["BackoffRate"] == 1.0
    assert lint(capped) == []


def test_render_command_prints_the_definition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render"]) == 0
    rendered = json.loads(capsys.readouterr().out)
    assert rendered["States"]["LoadEvidence"]["Resource"] == local_substitutions()["BriefLoadFunctionArn"]
    assert main([]) == 2


@pytest.mark.parametrize(("path", "name"), [
    ("/2015-03-31/functions/brief_load/invocations", "brief_load"),
    ("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Abrief_check/invocations",
     "brief_check"),
    ("/2015-03-31/functions/brief_check%3A%24LATEST/invocations", "brief_check"),
    ("/other", ""),
])
def test_invoke_paths_name_the_function(path: str, name: str) -> None:
    assert LambdaInvokeServer.function_name(path) == name
