"""Brief flow, Publish: store the brief unless a newer version is already stored."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from headlinez.briefs.models import PublishInput, PublishResult
from headlinez.settings import BriefSettings, brief_settings
from headlinez.wiring import brief_steps

settings: BriefSettings = brief_settings()
step = brief_steps.BriefStep("brief-publish", settings)


@step.handler(PublishInput)
def handler(request: PublishInput) -> PublishResult:
    result = brief_steps.service(settings).publish(request)
    if result.outcome == "published":
        step.count("BriefsPublished")
        step.measure("BriefSupportedPercent", result.supported_percent, MetricUnit.Percent)
    else:
        step.count("BriefsSuperseded")
    return result
