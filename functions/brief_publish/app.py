"""Brief flow, Publish: store the brief unless a newer version is already stored."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.briefs import runtime
from headlinez.briefs.models import PublishInput
from headlinez.observability import powertools
from headlinez.settings import BriefSettings, brief_settings

logger, metrics, tracer = powertools("brief-publish")
settings: BriefSettings = brief_settings()


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = runtime.parse_step(PublishInput, event)
    logger.append_keys(execution_id=request.execution_id, trend_id=request.trend_id)
    result = runtime.service(settings).publish(request)
    if result.outcome == "published":
        metrics.add_metric(name="BriefsPublished", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="BriefSupportedPercent", unit=MetricUnit.Percent,
                           value=result.supported_percent)
    else:
        metrics.add_metric(name="BriefsSuperseded", unit=MetricUnit.Count, value=1)
    return result.model_dump(mode="json")
