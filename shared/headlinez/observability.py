"""Powertools Logger, Metrics and Tracer, configured the same way for every function."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import utils as logging_utils
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from headlinez.events import SCHEDULE_INTERVAL, bounded_run_time
from headlinez.settings import estimate_cost_usd


def powertools(service: str) -> tuple[Logger, Metrics, Tracer]:
    """One Logger/Metrics/Tracer triple per function; `headlinez.*` loggers log through it.

    The Tracer patches botocore only: patching everything would import httpx and requests
    into every function's cold start, including the API's.
    """
    logger = Logger(service=service)
    logging_utils.copy_config_to_registered_loggers(source_logger=logger, include={"headlinez"})
    return logger, Metrics(service=service), Tracer(service=service, patch_modules=("botocore",))


def trusted_run_time(claimed: datetime, clock_now: datetime, logger: Logger, metrics: Metrics,
                     metric: str) -> datetime:
    """The run time an event claims, clamped to within one schedule interval of the process's
    clock (`clock_now`; headlinez.events.bounded_run_time); a clamp is logged and counted as
    `metric`.

    Clustering: a run dated days ahead closed every open trend. Ingest: a shard or event
    redriven days later stamped its articles with an old ingest time, outside every clustering
    run's window, so they were stored (and deduplicated from then on) but never clustered."""
    now = bounded_run_time(claimed, clock_now)
    if now != claimed:
        logger.warning("event time out of bounds: clamped to the clock", extra={
            "event_time": claimed.isoformat(), "clock": clock_now.isoformat(),
            "tolerance_seconds": SCHEDULE_INTERVAL.total_seconds()})
        metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    return now


class _Usage(Protocol):
    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int
    cache_read_input_tokens: int


def llm_cost_usd(model: str, usage: _Usage) -> float:
    """The LlmCostUsd metric's value: `usage` priced at headlinez.settings.MODEL_PRICES (0 for an
    unknown model, which the logs name at the call)."""
    cost = estimate_cost_usd(model, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
                             cache_write_tokens=usage.cache_creation_input_tokens,
                             cache_read_tokens=usage.cache_read_input_tokens)
    return round(cost or 0.0, 6)


class _FeedOutcome(Protocol):
    @property
    def outcome(self) -> str: ...

    @property
    def error_kind(self) -> str | None: ...


class _IngestTotals(Protocol):
    """What headlinez.services.ingest.IngestReport carries (the single ingest run and each
    fan-out shard report the same figures)."""

    @property
    def new_articles(self) -> int: ...
    @property
    def fetched(self) -> int: ...
    @property
    def not_modified(self) -> int: ...
    @property
    def errors(self) -> int: ...
    @property
    def deferred(self) -> int: ...
    @property
    def duplicates(self) -> int: ...
    @property
    def oldest_success_minutes(self) -> float | None: ...
    @property
    def results(self) -> Sequence[_FeedOutcome]: ...


def emit_ingest_metrics(metrics: Metrics, report: _IngestTotals) -> None:
    """The ingest metrics the dashboard and alarms read, from the ingest function and from each
    fan-out worker shard alike (service "ingest")."""
    metrics.add_metric(name="ArticlesIngested", unit=MetricUnit.Count, value=report.new_articles)
    metrics.add_metric(name="FeedsFetched", unit=MetricUnit.Count, value=report.fetched)
    metrics.add_metric(name="FeedsNotModified", unit=MetricUnit.Count, value=report.not_modified)
    metrics.add_metric(name="FeedErrors", unit=MetricUnit.Count, value=report.errors)
    metrics.add_metric(name="FeedsDeferred", unit=MetricUnit.Count, value=report.deferred)
    metrics.add_metric(name="DuplicatesSkipped", unit=MetricUnit.Count, value=report.duplicates)
    # Feeds that answered (200 or 304) or failed; FeedErrorPercent (failed / polled) is what
    # FeedErrorShareAlarm watches.
    polled = report.fetched + report.not_modified + report.errors
    metrics.add_metric(name="FeedsPolled", unit=MetricUnit.Count, value=polled)
    if polled:
        metrics.add_metric(name="FeedErrorPercent", unit=MetricUnit.Percent,
                           value=round(100 * report.errors / polled, 1))
    if report.oldest_success_minutes is not None:
        metrics.add_metric(name="OldestSuccessfulPollMinutes", unit=MetricUnit.Count,
                           value=report.oldest_success_minutes)
    # FeedErrorsByKind: one metric per error kind with a `kind` dimension (timeout, http_error, ...).
    kinds = Counter(result.error_kind or "unknown" for result in report.results if result.outcome == "error")
    if _metrics_disabled():  # single_metric prints its EMF blob even then (the local stack's console)
        return
    for kind, count in sorted(kinds.items()):
        with single_metric(name="FeedErrorsByKind", unit=MetricUnit.Count, value=count,
                           namespace=metrics.namespace, default_dimensions={"service": "ingest"}) as metric:
            metric.add_dimension(name="kind", value=kind)


def _metrics_disabled() -> bool:
    # Powertools' own reading (POWERTOOLS_METRICS_DISABLED, and POWERTOOLS_DEV without it)
    return is_metrics_disabled()
