"""Brief flow, Publish: store the brief unless a newer version is already stored."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from headlinez.briefs import runtime
from headlinez.briefs.models import PublishInput, PublishResult
from headlinez.settings import BriefSettings, brief_settings

settings: BriefSettings = brief_settings()
step = runtime.BriefStep("brief-publish", settings)


@step.handler(PublishInput)
def handler(request: PublishInput) -> PublishResult:
    result = runtime.service(settings).publish(request)
    if result.outcome == "published":
        step.count("BriefsPublished")
        step.measure("BriefSupportedPercent", result.supported_percent, MetricUnit.Percent)
    else:
        step.count("BriefsSuperseded")
    return result
