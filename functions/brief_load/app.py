"""Brief flow, Load: decide whether the trend changed materially; if so, number its evidence."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.briefs import runtime
from headlinez.briefs.models import LoadInput
from headlinez.observability import powertools
from headlinez.settings import BriefSettings, brief_settings

logger, metrics, tracer = powertools("brief-load")
settings: BriefSettings = brief_settings()


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = runtime.parse_step(LoadInput, event)
    logger.append_keys(execution_id=request.execution_id, trend_id=request.trend_id)
    result = runtime.service(settings).load(request)
    if result.action == "skip":
        metrics.add_metric(name="BriefsSkipped", unit=MetricUnit.Count, value=1)
    else:
        metrics.add_metric(name="BriefEvidenceItems", unit=MetricUnit.Count, value=len(result.evidence))
    return result.model_dump(mode="json")
