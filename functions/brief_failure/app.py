"""Brief flow, RecordFailure: note why an execution failed; the last good brief stays as it is."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.briefs import runtime
from headlinez.briefs.models import FailureInput
from headlinez.observability import powertools
from headlinez.settings import BriefSettings, brief_settings

logger, metrics, tracer = powertools("brief-failure")
settings: BriefSettings = brief_settings()


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = runtime.parse_step(FailureInput, event)
    logger.append_keys(execution_id=request.execution_id, trend_id=request.trend_id)
    result = runtime.service(settings).record_failure(request)
    metrics.add_metric(name="BriefFailures", unit=MetricUnit.Count, value=1)
    return result.model_dump(mode="json")
