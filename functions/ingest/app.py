"""Ingest Lambda: poll due feeds every 15 minutes and store new articles."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.adapters.events import EventBridgePublisher
from headlinez.adapters.feed_parser import parse_feed
from headlinez.adapters.tracing import PowertoolsTracing
from headlinez.clock import CLOCK
from headlinez.domain.feed_schedule import PollPolicy
from headlinez.events import IngestCompletedDetail, ScheduledEvent
from headlinez.feeds import load_feed_list
from headlinez.observability import emit_ingest_metrics, powertools, trusted_run_time
from headlinez.services.ingest import IngestService
from headlinez.settings import IngestSettings, ingest_settings
from headlinez.wiring.ingest import article_store, feed_fetcher, ingest_limits

logger, metrics, tracer = powertools("ingest")
settings: IngestSettings = ingest_settings()


@lru_cache(maxsize=1)
def _service() -> IngestService:
    """All adapters of this function are wired here, once per cold start."""
    store = article_store(settings)
    policy = PollPolicy(min_interval=timedelta(minutes=settings.min_poll_minutes),
                        max_backoff=timedelta(minutes=settings.max_backoff_minutes))
    return IngestService(feeds=load_feed_list(settings.feeds_file).feeds, fetcher=feed_fetcher(settings),
                         parse=parse_feed, states=store, articles=store,
                         **ingest_limits(settings, policy, PowertoolsTracing(tracer)))


@lru_cache(maxsize=1)
def _publisher() -> EventBridgePublisher:
    return EventBridgePublisher(settings.event_bus_name)


# The EventBridge event's id is the run's correlation id, in every log line of the run; clear_state:
# a warm container's last run's keys (event_id, run_time) must not label this run's first lines.
@logger.inject_lambda_context(log_event=False, correlation_id_path=correlation_paths.EVENT_BRIDGE,
                              clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = ScheduledEvent.model_validate(event)
    now = trusted_run_time(request.utc_time(), CLOCK.now(), logger, metrics, "IngestEventTimeClamped")
    logger.append_keys(run_time=now.isoformat(), event_id=request.id)
    report = _service().run(now, remaining_ms=context.get_remaining_time_in_millis)

    emit_ingest_metrics(metrics, report)
    if settings.publish_events:
        _publisher().ingest_completed(IngestCompletedDetail(
            run_time=now, new_articles=report.new_articles, feeds_fetched=report.fetched,
            feeds_failed=report.errors))
    return report.model_dump(mode="json")
