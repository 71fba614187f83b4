"""Brief flow, FactCheck: deterministic checks, then the Claude verifier; remove what fails."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.briefs import runtime
from headlinez.briefs.models import CheckInput
from headlinez.observability import llm_cost_usd, powertools
from headlinez.settings import BriefSettings, brief_settings

logger, metrics, tracer = powertools("brief-check")
settings: BriefSettings = brief_settings()


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = runtime.parse_step(CheckInput, event)
    logger.append_keys(execution_id=request.execution_id, trend_id=request.trend_id, attempt=request.attempt)
    result = runtime.service(settings).check(request, runtime.verifier(settings))
    metrics.add_metric(name="BriefClaimsRemoved", unit=MetricUnit.Count, value=len(result.removed_claims))
    # Every fact-check, drafts that go on to be regenerated included (BriefSupportedLowAlarm: median).
    metrics.add_metric(name="BriefCheckSupportedPercent", unit=MetricUnit.Percent,
                       value=result.supported_percent)
    used = runtime.usage_delta(request.usage, result.usage)
    if used.total:
        metrics.add_metric(name="LlmInputTokens", unit=MetricUnit.Count, value=used.all_input_tokens)
        metrics.add_metric(name="LlmOutputTokens", unit=MetricUnit.Count, value=used.output_tokens)
        metrics.add_metric(name="LlmCostUsd", unit=MetricUnit.NoUnit,
                           value=llm_cost_usd(settings.verifier_model, used))
    return result.model_dump(mode="json")
