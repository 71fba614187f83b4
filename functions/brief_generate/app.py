"""Brief flow, Generate: a draft from Claude (with an API key) or the offline extractive engine."""

from __future__ import annotations

from headlinez.briefs.models import GenerateInput, GenerateResult
from headlinez.settings import BriefSettings, brief_settings
from headlinez.wiring import brief_steps

settings: BriefSettings = brief_settings()
step = brief_steps.BriefStep("brief-generate", settings)


@step.handler(GenerateInput)
def handler(request: GenerateInput) -> GenerateResult:
    generator = brief_steps.generator(settings)
    service = brief_steps.service(settings)
    result = service.generate(request, generator)
    step.count("BriefBudgetExhausted" if result.status == "budget_exhausted" else "BriefDrafts")
    if generator.uses_tokens and settings.daily_token_budget > 0:
        step.measure_budget_used(service, request.now)
    used = brief_steps.usage_delta(request.usage, result.usage)
    if generator.uses_tokens:
        step.count_llm_usage(settings.model, used)
    if request.attempt > 1:
        step.count("BriefRegenerations")
    return result
