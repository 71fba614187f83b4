"""Brief flow, RecordFailure: note why an execution failed; the last good brief stays as it is."""

from __future__ import annotations

from headlinez.briefs.models import FailureInput, FailureResult
from headlinez.settings import BriefSettings, brief_settings
from headlinez.wiring import brief_steps

settings: BriefSettings = brief_settings()
step = brief_steps.BriefStep("brief-failure", settings)


@step.handler(FailureInput)
def handler(request: FailureInput) -> FailureResult:
    result = brief_steps.service(settings).record_failure(request)
    step.count("BriefFailures")
    return result
