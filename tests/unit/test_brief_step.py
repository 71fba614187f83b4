"""The one handler shape of the brief steps (briefs.brief_steps.BriefStep), run through a real handler.

functions/brief_failure/app.py and functions/brief_generate/app.py are imported fresh, with the
BriefService over an in-memory store whose clock is deliberately wrong: the step must date its work
by its input's `now`, and every log line of the invocation must carry the execution id.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from tests import brief_story as story
from tests.fakes import FakeLambdaContext, InMemoryBriefStore, load_handler_module

from headlinez.briefs.models import BriefDraft, TokenUsage
from headlinez.services.briefs import BriefService
from headlinez.settings import brief_settings
from headlinez.wiring import brief_steps

REPO_ROOT = Path(__file__).resolve().parents[2]
RUN_TIME = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
WRONG_CLOCK = datetime(2031, 1, 1, tzinfo=UTC)
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:headlinez-brief:brief-t1-v3"
StepHandler = Callable[[str], tuple[ModuleType, InMemoryBriefStore]]


class _Generator:
    engine = "claude-test"
    uses_tokens = True

    def generate(self, evidence: Any, feedback: Any, headline: str = "") -> tuple[BriefDraft, TokenUsage]:
        return BriefDraft.model_validate(story.GOOD_DRAFT), TokenUsage(input_tokens=100, output_tokens=20)

    def token_ceiling(self, evidence: Any, feedback: Any) -> int:
        return 500


@pytest.fixture
def step_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[StepHandler]:
    """step_handler("brief_failure") -> (the handler module, the in-memory store it writes to)."""
    for name, value in {"TABLE_NAME": "headlinez-test", "POWERTOOLS_METRICS_NAMESPACE": "HeadlinezTest",
                        "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "INFO",
                        "AWS_DEFAULT_REGION": "us-east-1", "BRIEF_ENGINE": "offline"}.items():
        monkeypatch.setenv(name, value)
    package_logger = logging.getLogger("headlinez")
    saved = (list(package_logger.handlers), package_logger.propagate, package_logger.level)
    names: list[str] = []

    def load(folder: str) -> tuple[ModuleType, InMemoryBriefStore]:
        brief_settings.cache_clear()
        module = load_handler_module(folder, "headlinez_step_test")
        names.append(module.__name__)
        # Powertools keeps one logging.Logger per service, its handler writing to the stdout of the
        # test that made it: point it at this test's (captured) stdout.
        for handler in logging.getLogger(folder.replace("_", "-")).handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.stream = sys.stdout
        store = InMemoryBriefStore()
        service = BriefService(store, SimpleNamespace(now=lambda: WRONG_CLOCK))  # type: ignore[arg-type]
        monkeypatch.setattr(brief_steps, "service", lambda settings: service)
        return module, store

    yield load
    for name in names:
        sys.modules.pop(name, None)
    brief_settings.cache_clear()
    package_logger.handlers, package_logger.propagate = saved[0], saved[1]
    package_logger.setLevel(saved[2])


def _log_lines(out: str) -> list[dict[str, Any]]:
    """The Logger's JSON lines of stdout (EMF metric documents left out)."""
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if "_aws" not in line]


def test_a_step_dates_its_work_by_the_now_of_its_input(
    step_handler: StepHandler, capsys: pytest.CaptureFixture[str],
) -> None:
    # Given the RecordFailure step and a service whose own clock is years off
    app, store = step_handler("brief_failure")

    # When the state machine invokes it with the run's time in the input
    result = app.handler({"execution_id": EXECUTION, "trend_id": "t1", "attempt": 2,
                          "now": "2026-02-18T04:00:00Z",
                          "error": {"Error": "InsufficientSupport", "Cause": "60% supported"}},
                         FakeLambdaContext())

    # Then the failure is dated by the input, and the result is the step's JSON
    assert result == {"recorded": True, "error": "InsufficientSupport"}
    assert [f.failed_at for f in store.failures] == [RUN_TIME]


def test_the_token_tally_goes_to_the_day_of_the_input(
    step_handler: StepHandler, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given the Generate step with a token-using engine
    app, store = step_handler("brief_generate")
    monkeypatch.setattr(brief_steps, "generator", lambda settings: _Generator())

    result = app.handler({"execution_id": EXECUTION, "trend_id": "t1", "now": "2026-02-18T23:59:00Z",
                          "evidence": [e.model_dump(mode="json") for e in story.evidence()]},
                         FakeLambdaContext())

    assert result["status"] == "generated"
    assert store.tokens == {date(2026, 2, 18): 120}


def test_an_input_without_now_falls_back_to_the_service_clock(
    step_handler: StepHandler, capsys: pytest.CaptureFixture[str],
) -> None:
    # An execution started before `now` was in the step input (in flight during a deploy)
    app, store = step_handler("brief_failure")
    app.handler({"execution_id": EXECUTION, "trend_id": "t1"}, FakeLambdaContext())
    assert [f.failed_at for f in store.failures] == [WRONG_CLOCK]


def test_every_log_line_of_a_step_carries_the_execution_id_as_correlation_id(
    step_handler: StepHandler, capsys: pytest.CaptureFixture[str],
) -> None:
    app, _ = step_handler("brief_failure")
    app.handler({"execution_id": EXECUTION, "trend_id": "t1", "now": "2026-02-18T04:00:00Z",
                 "error": {"Error": "BriefFailed"}}, FakeLambdaContext())

    lines = _log_lines(capsys.readouterr().out)
    # the service's own line (headlinez.services.briefs) logs through the function's Logger
    assert any(line["message"].startswith("brief not published") for line in lines)
    assert lines
    assert all(line.get("correlation_id") == EXECUTION for line in lines), lines
    assert all(line.get("trend_id") == "t1" for line in lines)


def test_a_bad_input_is_a_brief_input_error(
    step_handler: StepHandler, capsys: pytest.CaptureFixture[str],
) -> None:
    from headlinez.briefs.errors import BriefInputError

    app, _ = step_handler("brief_failure")
    with pytest.raises(BriefInputError, match="trend_id"):
        app.handler({"execution_id": EXECUTION, "now": "2026-02-18T04:00:00Z"}, FakeLambdaContext())


def test_a_payload_of_the_other_version_reads_with_its_known_fields() -> None:
    from headlinez.briefs.models import GenerateInput

    # An execution started before a deploy finishes on the new code (and a rollback's on the
    # old): a field one version added to an evidence item failed the step with BriefInputError,
    # after Generate's model tokens were spent
    evidence = [{**item.model_dump(mode="json"), "section": "world"} for item in story.evidence(2)]
    request = brief_steps.parse_step(GenerateInput, {
        "execution_id": EXECUTION, "trend_id": story.TREND_ID, "now": "2026-02-18T04:00:00Z",
        "evidence": evidence, "new_top_level_field": 1})
    assert [item.article_id for item in request.evidence] == [item.article_id for item in story.evidence(2)]
