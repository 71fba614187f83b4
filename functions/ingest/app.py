"""Ingest Lambda: poll due feeds every 15 minutes and store new articles."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.events import EventBridgePublisher
from headlinez.adapters.feed_parser import parse_feed
from headlinez.adapters.http_fetch import FeedFetcher, FetchSettings
from headlinez.domain.feed_schedule import PollPolicy
from headlinez.domain.ssrf import UrlPolicy
from headlinez.events import IngestCompletedDetail, ScheduledEvent
from headlinez.feeds import load_feed_list
from headlinez.observability import powertools
from headlinez.services.ingest import FeedResult, IngestService
from headlinez.settings import IngestSettings, ingest_settings

logger, metrics, tracer = powertools("ingest")
settings: IngestSettings = ingest_settings()


@lru_cache(maxsize=1)
def _service() -> IngestService:
    """All adapters of this function are wired here, once per cold start."""
    from datetime import timedelta

    feeds = load_feed_list(settings.feeds_file).feeds
    fetcher = FeedFetcher(
        FetchSettings(max_body_bytes=settings.max_body_bytes, concurrency=settings.fetch_concurrency),
        UrlPolicy(allow_loopback=settings.allow_loopback_feeds),
    )
    store = DynamoStore.from_table_name(settings.table_name,
                                        article_ttl=timedelta(days=settings.article_ttl_days))
    policy = PollPolicy(min_interval=timedelta(minutes=settings.min_poll_minutes),
                        max_backoff=timedelta(minutes=settings.max_backoff_minutes))
    return IngestService(feeds=feeds, fetcher=fetcher, parse=parse_feed, states=store, articles=store,
                         policy=policy, concurrency=settings.fetch_concurrency,
                         max_article_age=timedelta(days=settings.max_article_age_days),
                         max_entries_per_feed=settings.max_entries_per_feed,
                         time_margin=timedelta(seconds=settings.time_margin_seconds))


@lru_cache(maxsize=1)
def _publisher() -> EventBridgePublisher:
    return EventBridgePublisher(settings.event_bus_name)


def _emit_errors_by_kind(results: list[FeedResult]) -> None:
    """FeedErrorsByKind, one metric per error kind with a `kind` dimension (timeout, http_error, ...)."""
    kinds = Counter(result.error_kind or "unknown" for result in results if result.outcome == "error")
    for kind, count in sorted(kinds.items()):
        with single_metric(name="FeedErrorsByKind", unit=MetricUnit.Count, value=count,
                           namespace=metrics.namespace, default_dimensions={"service": "ingest"}) as metric:
            metric.add_dimension(name="kind", value=kind)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = ScheduledEvent.model_validate(event)
    now = request.utc_time()
    logger.append_keys(run_time=now.isoformat(), event_id=request.id)
    report = _service().run(now, remaining_ms=context.get_remaining_time_in_millis)

    metrics.add_metric(name="ArticlesIngested", unit=MetricUnit.Count, value=report.new_articles)
    metrics.add_metric(name="FeedsFetched", unit=MetricUnit.Count, value=report.fetched)
    metrics.add_metric(name="FeedsNotModified", unit=MetricUnit.Count, value=report.not_modified)
    metrics.add_metric(name="FeedErrors", unit=MetricUnit.Count, value=report.errors)
    metrics.add_metric(name="FeedsDeferred", unit=MetricUnit.Count, value=report.deferred)
    metrics.add_metric(name="DuplicatesSkipped", unit=MetricUnit.Count, value=report.duplicates)
    # Feeds that answered (200 or 304) or failed this run; FeedErrorPercent (failed /
    # polled) is what FeedErrorShareAlarm watches.
    polled = report.fetched + report.not_modified + report.errors
    metrics.add_metric(name="FeedsPolled", unit=MetricUnit.Count, value=polled)
    if polled:
        metrics.add_metric(name="FeedErrorPercent", unit=MetricUnit.Percent,
                           value=round(100 * report.errors / polled, 1))
    if report.oldest_success_minutes is not None:
        metrics.add_metric(name="OldestSuccessfulPollMinutes", unit=MetricUnit.Count,
                           value=report.oldest_success_minutes)
    _emit_errors_by_kind(report.results)
    if settings.publish_events:
        _publisher().ingest_completed(IngestCompletedDetail(
            run_time=now, new_articles=report.new_articles, feeds_fetched=report.fetched,
            feeds_failed=report.errors))
    return report.model_dump(mode="json")
