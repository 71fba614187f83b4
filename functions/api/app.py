"""API Lambda: the public JSON API behind the HTTP API (payload format 2.0).

The routes live in `headlinez.api.app` (JSON) and `headlinez.web` (pages); this module only
wires the store, settings and clock once per cold start, and wraps each request in logging,
metrics and tracing.

"Now" is the request's time as API Gateway stamped it (`requestContext.timeEpoch`), falling back
to the system clock: one instant per request, and the local stack's simulated clock (`--now`),
which its bridge writes there, reaches the pages ("feeds checked 4 min ago") and velocity.

Import cost matters here (every cold start pays it): this module must not import anthropic,
feedparser or httpx, directly or through another module. That is why the Tracer patches
botocore only: X-Ray's default patch_all would import httpx (and requests) when installed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache, partial
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging import utils as logging_utils
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.api.app import build_resolver
from headlinez.settings import ApiSettings, api_settings

SERVICE = "api"

settings: ApiSettings = api_settings()  # a missing/invalid variable fails the cold start, naming it
logger = Logger(service=SERVICE)
logging_utils.copy_config_to_registered_loggers(source_logger=logger, include={"headlinez"})
metrics = Metrics(service=SERVICE)
tracer = Tracer(service=SERVICE, patch_modules=("botocore",))


_request_time: ContextVar[datetime | None] = ContextVar("request_time", default=None)


def _utc_now() -> datetime:
    """The current request's time (see the module docstring), else the system clock."""
    return _request_time.get() or datetime.now(UTC)


def _event_time(event: dict[str, Any]) -> datetime | None:
    epoch_ms = (event.get("requestContext") or {}).get("timeEpoch")
    if isinstance(epoch_ms, int | float) and not isinstance(epoch_ms, bool) and epoch_ms > 0:
        return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return None


@cache
def _resolver() -> APIGatewayHttpResolver:
    """The resolver over DynamoDB, built on the first request of this execution environment."""
    from headlinez.adapters.dynamodb import DynamoStore  # lazy: keeps this module importable alone

    store = DynamoStore.from_table_name(settings.table_name)
    cursor_secret: Callable[[], str] | None = None
    if settings.cursor_secret_arn:  # deployed: the generated secret, re-read after its max age
        from headlinez.adapters.secrets import cursor_secret as read_cursor_secret

        cursor_secret = partial(read_cursor_secret, settings)
    return build_resolver(trends=store, feeds=store, settings=settings, clock=_utc_now,
                          cursor_secret=cursor_secret)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)  # bodies (e.g. /docs) exceed X-Ray's limits
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    token = _request_time.set(_event_time(event))
    try:
        response = _resolver().resolve(event, context)
    finally:
        _request_time.reset(token)
    status = int(response["statusCode"])
    metrics.add_metric(name="ApiRequests", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="ApiServerErrors", unit=MetricUnit.Count, value=int(status >= 500))
    metrics.add_metric(name="ApiClientErrors", unit=MetricUnit.Count, value=int(400 <= status < 500))
    http = (event.get("requestContext") or {}).get("http") or {}
    logger.info(
        "request served", extra={"method": http.get("method"), "path": http.get("path"), "status": status}
    )
    return response
