"""Brief flow, Generate: a draft from Claude (with an API key) or the offline extractive engine."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.briefs import runtime
from headlinez.briefs.models import GenerateInput
from headlinez.observability import llm_cost_usd, powertools
from headlinez.settings import BriefSettings, brief_settings

logger, metrics, tracer = powertools("brief-generate")
settings: BriefSettings = brief_settings()


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = runtime.parse_step(GenerateInput, event)
    logger.append_keys(execution_id=request.execution_id, trend_id=request.trend_id, attempt=request.attempt)
    generator = runtime.generator(settings)
    result = runtime.service(settings).generate(request, generator)
    if result.status == "budget_exhausted":
        metrics.add_metric(name="BriefBudgetExhausted", unit=MetricUnit.Count, value=1)
    else:
        metrics.add_metric(name="BriefDrafts", unit=MetricUnit.Count, value=1)
    if generator.uses_tokens and settings.daily_token_budget > 0:
        # The day's spend against BRIEF_DAILY_TOKEN_BUDGET (TokenBudgetAlarm at 80%): one GetItem.
        spent = settings.daily_token_budget - runtime.service(settings).budget_left()
        metrics.add_metric(name="TokenBudgetUsedPercent", unit=MetricUnit.Percent,
                           value=round(100 * spent / settings.daily_token_budget, 2))
    used = runtime.usage_delta(request.usage, result.usage)
    if generator.uses_tokens:
        metrics.add_metric(name="LlmInputTokens", unit=MetricUnit.Count, value=used.all_input_tokens)
        metrics.add_metric(name="LlmOutputTokens", unit=MetricUnit.Count, value=used.output_tokens)
        metrics.add_metric(name="LlmCacheReadTokens", unit=MetricUnit.Count,
                           value=used.cache_read_input_tokens)
        metrics.add_metric(name="LlmCostUsd", unit=MetricUnit.NoUnit,
                           value=llm_cost_usd(settings.model, used))
    if request.attempt > 1:
        metrics.add_metric(name="BriefRegenerations", unit=MetricUnit.Count, value=1)
    return result.model_dump(mode="json")
