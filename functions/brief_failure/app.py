"""Brief flow, RecordFailure: note why an execution failed; the last good brief stays as it is."""

from __future__ import annotations

from headlinez.briefs import runtime
from headlinez.briefs.models import FailureInput, FailureResult
from headlinez.settings import BriefSettings, brief_settings

settings: BriefSettings = brief_settings()
step = runtime.BriefStep("brief-failure", settings)


@step.handler(FailureInput)
def handler(request: FailureInput) -> FailureResult:
    result = runtime.service(settings).record_failure(request)
    step.count("BriefFailures")
    return result
