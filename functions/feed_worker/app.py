"""Feed worker Lambda (SQS event source): poll the feeds of each shard; failed shards are retried.

Powertools batch processing reports the shards that failed (`batchItemFailures`): SQS redelivers
only those, and a redelivered shard polls only its feeds that are still due. Metrics share the
ingest function's service name ("ingest"): the worker is ingest, fanned out.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.adapters.events import EventBridgePublisher
from headlinez.adapters.feed_parser import parse_feed
from headlinez.adapters.feed_registry import DynamoFeedRegistry
from headlinez.adapters.tracing import PowertoolsTracing
from headlinez.clock import CLOCK
from headlinez.domain.feed_schedule import PollPolicy
from headlinez.models import FeedShard
from headlinez.observability import emit_ingest_metrics, powertools, trusted_run_time
from headlinez.services.fanout import EventCompletion, FeedWorkerService, ShardIncompleteError
from headlinez.settings import FanOutSettings, fanout_settings
from headlinez.wiring.ingest import article_store, feed_fetcher, ingest_limits

logger, metrics, tracer = powertools("ingest")
settings: FanOutSettings = fanout_settings()
processor = BatchProcessor(event_type=EventType.SQS)


@lru_cache(maxsize=1)
def _service() -> FeedWorkerService:
    """All adapters of this function are wired here, once per cold start."""
    store = article_store(settings)
    policy = PollPolicy(min_interval=timedelta(minutes=settings.min_poll_minutes),
                        max_backoff=timedelta(minutes=settings.max_backoff_minutes),
                        adaptive=settings.adaptive_polling,
                        max_interval=timedelta(minutes=settings.max_poll_minutes))
    completion = (EventCompletion(EventBridgePublisher(settings.event_bus_name))
                  if settings.publish_events else None)
    registry = DynamoFeedRegistry.from_table_name(settings.table_name)
    return FeedWorkerService(fetcher=feed_fetcher(settings), parse=parse_feed, states=store, articles=store,
                             cycles=registry, registry=registry, completion=completion,
                             **ingest_limits(settings, policy, PowertoolsTracing(tracer)))


def record_handler(record: SQSRecord, lambda_context: LambdaContext | None = None) -> dict[str, Any]:
    # A shard queued by the other version during a deploy: its unknown fields are ignored, not a
    # poison message (headlinez.adapters.entities.documents)
    shard = FeedShard.model_validate_json(record.body, extra="ignore")
    logger.append_keys(shard_id=shard.shard_id, run_time=shard.run_time.isoformat())
    remaining = lambda_context.get_remaining_time_in_millis if lambda_context is not None else None
    try:
        # The shard's run time names its cycle; what it polls is dated by the clock (a shard
        # redriven from the dead-letter queue days later)
        polled_at = trusted_run_time(shard.run_time, CLOCK.now(), logger, metrics, "IngestEventTimeClamped")
        report = _service().process(shard, remaining_ms=remaining, polled_at=polled_at)
    except ShardIncompleteError as exc:
        emit_ingest_metrics(metrics, exc.report)  # what it did poll counts; FeedsDeferred says the rest
        logger.warning("shard incomplete: retried", extra={"deferred": exc.report.deferred})
        raise
    except Exception:
        # The batch processor logs a failed record at DEBUG only: the runbooks search for this line
        logger.exception("shard failed")
        raise
    emit_ingest_metrics(metrics, report)
    return {"shard_id": shard.shard_id, "report": report.model_dump(mode="json", exclude={"results"})}


@logger.inject_lambda_context(log_event=False, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                     context=context)
