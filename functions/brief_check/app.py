"""Brief flow, FactCheck: deterministic checks, then the Claude verifier; remove what fails."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from headlinez.briefs.models import CheckInput, CheckResult
from headlinez.settings import BriefSettings, brief_settings
from headlinez.wiring import brief_steps

settings: BriefSettings = brief_settings()
step = brief_steps.BriefStep("brief-check", settings)


@step.handler(CheckInput)
def handler(request: CheckInput) -> CheckResult:
    result = brief_steps.service(settings).check(request, brief_steps.verifier(settings))
    step.count("BriefClaimsRemoved", len(result.removed_claims))
    # Every fact-check, drafts that go on to be regenerated included (BriefSupportedLowAlarm: median).
    step.measure("BriefCheckSupportedPercent", result.supported_percent, MetricUnit.Percent)
    used = brief_steps.usage_delta(request.usage, result.usage)
    if used.total:
        step.count_llm_usage(settings.verifier_model, used)
    return result
