"""Cluster Lambda: after each ingest, assign new articles to trends and re-rank open trends."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from headlinez.adapters.brief_store import DynamoBriefStore, StepFunctionsBriefTrigger
from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.embedding import load_default_embedder, unavailable_reason
from headlinez.adapters.lease import DynamoLease
from headlinez.adapters.table import TableClient
from headlinez.adapters.tracing import PowertoolsTracing
from headlinez.clock import CLOCK
from headlinez.domain.category import MODEL_RESOURCE, embedding_model
from headlinez.domain.clustering import ClusterConfig
from headlinez.events import INGEST_COMPLETED, IngestCompletedDetail, ScheduledEvent
from headlinez.observability import powertools, trusted_run_time
from headlinez.services.cluster import (
    BriefTriggerPolicy,
    ClusterReport,
    ClusterService,
    check_lease_covers_run,
)
from headlinez.settings import ClusterSettings, cluster_settings

logger, metrics, tracer = powertools("cluster")
settings: ClusterSettings = cluster_settings()


@lru_cache(maxsize=1)
def _service() -> ClusterService:
    """All adapters of this function are wired here, once per cold start (one boto3 resource)."""
    table = TableClient.from_table_name(settings.table_name)
    store = DynamoStore(table.resource, settings.table_name,
                        article_ttl=timedelta(days=settings.article_ttl_days),
                        closed_trend_ttl=timedelta(days=settings.trend_ttl_days))
    config = ClusterConfig(quiet_period=timedelta(hours=settings.quiet_period_hours))
    briefs = (StepFunctionsBriefTrigger.from_arn(settings.brief_state_machine_arn)
              if settings.brief_state_machine_arn else None)
    brief_policy = BriefTriggerPolicy(max_per_run=settings.brief_max_starts_per_run,
                                      min_sources=settings.brief_min_sources,
                                      min_new_articles=settings.brief_min_new_articles,
                                      daily_token_budget=settings.brief_daily_token_budget)
    # The published briefs: every public trend without a current brief is started (the backlog).
    ledger = DynamoBriefStore(table.resource, settings.table_name) if briefs is not None else None
    paths = (settings.embedding_model, settings.embedding_tokenizer)
    embedder = (load_default_embedder(*paths, threads=settings.embedding_threads)
                if settings.embeddings else None)
    if embedder is None:
        reason = unavailable_reason(*paths) if settings.embeddings else "CLUSTER_EMBEDDINGS=off"
        logger.warning("clustering on the lexical path: no embedding model", extra={"reason": reason})
    if embedding_model() is None:  # a broken package: every trend would fall back to keyword rules
        logger.warning("categories from keyword rules only: the shipped category model did not load",
                       extra={"resource": MODEL_RESOURCE})
    # Single writer per cycle: an overlapping or duplicate run waits for the lease, then exits.
    lease = DynamoLease(table, "CLUSTER", ttl_seconds=settings.lease_seconds)
    return ClusterService(store, config, lookback=timedelta(hours=settings.lookback_hours),
                          predictions=store, briefs=briefs, brief_policy=brief_policy, embedder=embedder,
                          ledger=ledger, lease=lease,
                          lease_wait=timedelta(seconds=settings.lease_wait_seconds),
                          tracing=PowertoolsTracing(tracer))  # each step an X-Ray subsegment


# The EventBridge event's id is the run's correlation id, in every log line of the run; clear_state:
# a warm container's last run's keys (event_id, run_time) must not label this run's first lines.
@logger.inject_lambda_context(log_event=False, correlation_id_path=correlation_paths.EVENT_BRIDGE,
                              clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = ScheduledEvent.model_validate(event)
    # IngestCompleted carries the ingest run's clock; a bare schedule uses the event time. Either is
    # trusted only within one schedule interval of this process's clock (headlinez.clock).
    claimed = (IngestCompletedDetail.model_validate(request.detail).run_time
               if request.detail_type == INGEST_COMPLETED else request.utc_time())
    now = trusted_run_time(claimed, CLOCK.now(), logger, metrics, "ClusterEventTimeClamped")
    logger.append_keys(run_time=now.isoformat(), event_id=request.id)
    check_lease_covers_run(timedelta(seconds=settings.lease_seconds),
                           timedelta(seconds=settings.lease_wait_seconds),
                           timedelta(milliseconds=context.get_remaining_time_in_millis()))
    report = _service().run(now)
    if report.skipped:
        # Another run holds the lease: nothing was clustered here, and it must not count as a
        # completed run (ClusterRunsMissingAlarm) or as zero articles.
        metrics.add_metric(name="ClusterRunsSkipped", unit=MetricUnit.Count, value=1)
        return report.model_dump(mode="json")

    _emit_metrics(report)
    return report.model_dump(mode="json")


def _emit_metrics(report: ClusterReport) -> None:
    """The metrics of a completed run (the dashboard's clustering widgets and its alarms)."""
    metrics.add_metric(name="ArticlesClustered", unit=MetricUnit.Count, value=report.articles_clustered)
    metrics.add_metric(name="TrendsCreated", unit=MetricUnit.Count, value=report.trends_new)
    metrics.add_metric(name="TrendsUpdated", unit=MetricUnit.Count, value=report.trends_updated)
    metrics.add_metric(name="TrendsClosed", unit=MetricUnit.Count, value=report.trends_closed)
    metrics.add_metric(name="OpenTrends", unit=MetricUnit.Count, value=report.open_trends)
    # Open trends with 2+ newsrooms: the public list (headlinez.domain.newsrooms.is_public).
    metrics.add_metric(name="PublicTrends", unit=MetricUnit.Count, value=report.multi_source_trends)
    metrics.add_metric(name="ClusterRunSeconds", unit=MetricUnit.Seconds, value=report.seconds)
    # One per run that finished: ClusterRunsMissingAlarm fires when none did for 2 intervals.
    metrics.add_metric(name="ClusterRunsCompleted", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="TrendsWritten", unit=MetricUnit.Count, value=report.trends_written)
    metrics.add_metric(name="TrendWriteConflicts", unit=MetricUnit.Count, value=report.write_conflicts)
    metrics.add_metric(name="LexicalFallbackRuns", unit=MetricUnit.Count,
                       value=1 if report.embedding.startswith("lexical") else 0)
    if settings.brief_state_machine_arn:
        metrics.add_metric(name="BriefExecutionsStarted", unit=MetricUnit.Count,
                           value=report.briefs_started)
        metrics.add_metric(name="BriefExecutionsDeferred", unit=MetricUnit.Count,
                           value=report.briefs_deferred)
        # Due briefs not started because the day's token budget is spent (they wait for tomorrow)
        metrics.add_metric(name="BriefsWaitingBudget", unit=MetricUnit.Count,
                           value=report.briefs_waiting_budget)
