"""Dispatch Lambda (every 15 minutes): pick the feeds due and send shards of them to the workers."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.events import EventBridgePublisher
from headlinez.adapters.feed_registry import DynamoFeedRegistry, SqsShardQueue
from headlinez.events import ScheduledEvent
from headlinez.feeds import load_feed_list
from headlinez.observability import powertools
from headlinez.services.fanout import DispatchService, EventCompletion
from headlinez.settings import FanOutSettings, fanout_settings

logger, metrics, tracer = powertools("dispatch")
settings: FanOutSettings = fanout_settings()


@lru_cache(maxsize=1)
def _service() -> DispatchService:
    """All adapters of this function are wired here, once per cold start."""
    registry = DynamoFeedRegistry.from_table_name(settings.table_name)
    seed = load_feed_list(settings.feeds_file).feeds if settings.seed_feeds else []
    completion = (EventCompletion(EventBridgePublisher(settings.event_bus_name))
                  if settings.publish_events else None)
    return DispatchService(registry=registry, states=DynamoStore.from_table_name(settings.table_name),
                           queue=SqsShardQueue.from_url(settings.shard_queue_url), cycles=registry,
                           completion=completion, seed=seed, shard_size=settings.shard_size,
                           max_per_host=settings.max_per_host)


# The EventBridge event's id is the run's correlation id, in every log line of the run; clear_state:
# a warm container's last run's keys (event_id, run_time) must not label this run's first lines.
@logger.inject_lambda_context(log_event=False, correlation_id_path=correlation_paths.EVENT_BRIDGE,
                              clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = ScheduledEvent.model_validate(event)
    now = request.utc_time()
    logger.append_keys(run_time=now.isoformat(), event_id=request.id)
    report = _service().run(now)

    metrics.add_metric(name="FeedsDue", unit=MetricUnit.Count, value=report.feeds_due)
    metrics.add_metric(name="FeedsNotDue", unit=MetricUnit.Count, value=report.feeds_not_due)
    metrics.add_metric(name="FeedsPaused", unit=MetricUnit.Count, value=report.feeds_paused)
    metrics.add_metric(name="FeedShardsDispatched", unit=MetricUnit.Count, value=report.shards)
    if report.oldest_success_minutes is not None:  # over every feed: a worker sees one shard
        metrics.add_metric(name="OldestSuccessfulPollMinutes", unit=MetricUnit.Count,
                           value=report.oldest_success_minutes)
    return report.model_dump(mode="json")
