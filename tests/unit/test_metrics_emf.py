"""Every metric of the dashboard and the alarms is emitted by a handler (issue 12 §1).

Each handler runs once with its service (and, for the API, its store) replaced by a fake, as the
other handler tests do; its stdout is the Embedded Metric Format JSON that CloudWatch turns into
metrics. The tests check each handler's metric names, the `service` dimension and the namespace;
`test_every_custom_metric_of_the_template_is_emitted` then checks that each Headlinez metric the
dashboard or an alarm of template.yaml reads is one a handler emits, with the same dimensions.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from tests.fakes import FakeLambdaContext, load_handler_module, make_http_event

from headlinez.briefs.models import (
    CheckResult,
    FailureResult,
    GenerateResult,
    LoadResult,
    PublishResult,
    RemovedClaim,
    TokenUsage,
)
from headlinez.services.cluster import ClusterReport
from headlinez.services.ingest import FeedResult, IngestReport
from headlinez.template import load_template

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = REPO_ROOT / "template.yaml"
NAMESPACE = "Headlinez"  # template.yaml Globals: POWERTOOLS_METRICS_NAMESPACE
NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)

# What each handler emits (service dimension -> metric names), checked against its EMF output below.
EMITTED: dict[str, set[str]] = {
    "ingest": {"ArticlesIngested", "FeedsFetched", "FeedsNotModified", "FeedErrors", "FeedsDeferred",
               "DuplicatesSkipped", "FeedsPolled", "FeedErrorPercent", "OldestSuccessfulPollMinutes"},
    "cluster": {"ArticlesClustered", "TrendsCreated", "TrendsUpdated", "TrendsClosed", "OpenTrends",
                "PublicTrends", "ClusterRunSeconds", "ClusterRunsCompleted", "TrendsWritten",
                "TrendWriteConflicts", "LexicalFallbackRuns", "BriefExecutionsStarted",
                "BriefExecutionsDeferred", "BriefsWaitingBudget"},
    "api": {"ApiRequests", "ApiServerErrors", "ApiClientErrors"},
    "brief-load": {"BriefEvidenceItems"},
    "brief-generate": {"BriefDrafts", "BriefBudgetExhausted", "TokenBudgetUsedPercent", "LlmInputTokens",
                       "LlmOutputTokens", "LlmCacheReadTokens", "LlmCostUsd", "BriefRegenerations"},
    "brief-check": {"BriefClaimsRemoved", "BriefCheckSupportedPercent", "LlmInputTokens", "LlmOutputTokens",
                    "LlmCacheReadTokens", "LlmCostUsd"},
    "brief-publish": {"BriefsPublished", "BriefSupportedPercent"},
    "brief-failure": {"BriefFailures"},
    "dispatch": {"FeedsDue", "FeedsNotDue", "FeedsPaused", "FeedShardsDispatched",
                 "OldestSuccessfulPollMinutes"},
}
# Metrics of one branch only (a skipped run, a clamped event time, a superseded brief), each emitted
# with the `service` dimension in the test of that branch below.
BRANCH_EMITTED: dict[str, set[str]] = {
    "ingest": {"IngestEventTimeClamped"},
    "cluster": {"ClusterRunsSkipped", "ClusterEventTimeClamped"},
    "brief-load": {"BriefsSkipped"},
    "brief-publish": {"BriefsSuperseded"},
}
# Metrics emitted with more dimensions than `service` (single_metric), with their extra dimensions.
EXTRA_DIMENSIONS = {("ingest", "FeedErrorsByKind"): {"kind"}}


def _emf(out: str) -> list[dict[str, Any]]:
    """The EMF documents of captured stdout."""
    docs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [doc for doc in docs if "_aws" in doc]


def _value(value: Any) -> Any:
    """An EMF value: a number, or a list of the values added in one invocation (here one)."""
    if isinstance(value, list):
        assert len(value) == 1
        return value[0]
    return value


def _metrics_by_dimensions(docs: list[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    """{dimension names: {metric name: value}} over the EMF documents, namespace checked."""
    found: dict[tuple[str, ...], dict[str, Any]] = {}
    for doc in docs:
        for directive in doc["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == NAMESPACE
            for dimension_set in directive["Dimensions"]:
                names = found.setdefault(tuple(sorted(dimension_set)), {})
                for metric in directive["Metrics"]:
                    names[metric["Name"]] = doc[metric["Name"]]
    return found


def _assert_emits(docs: list[dict[str, Any]], service: str, absent: frozenset[str] = frozenset()
                  ) -> dict[str, Any]:
    """The metrics of one invocation: EMITTED[service] but those of another branch (`absent`)."""
    by_dimensions = _metrics_by_dimensions(docs)
    assert all(doc["service"] == service for doc in docs)
    emitted = by_dimensions[("service",)]
    assert set(emitted) == EMITTED[service] - absent
    return emitted


@pytest.fixture
def load_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], ModuleType]]:
    """load_handler("ingest") -> functions/ingest/app.py imported under a private name."""
    monkeypatch.setenv("TABLE_NAME", "headlinez-test")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE)
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("BRIEF_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:brief")
    monkeypatch.setenv("CLUSTER_EMBEDDINGS", "false")
    monkeypatch.setenv("PUBLISH_INGEST_EVENTS", "false")
    from headlinez import settings

    caches = [settings.ingest_settings, settings.cluster_settings, settings.api_settings,
              settings.brief_settings]
    package_logger = logging.getLogger("headlinez")
    saved = (list(package_logger.handlers), package_logger.propagate, package_logger.level)
    names: list[str] = []

    def load(folder: str) -> ModuleType:
        for cache in caches:
            cache.cache_clear()
        module = load_handler_module(folder, "headlinez_emf_test")
        names.append(module.__name__)
        return module

    yield load
    for name in names:
        sys.modules.pop(name, None)
    for cache in caches:
        cache.cache_clear()
    package_logger.handlers, package_logger.propagate = saved[0], saved[1]
    package_logger.setLevel(saved[2])


# --- ingest and cluster ----------------------------------------------------------------------------


def test_ingest_emits_its_metrics_and_errors_by_kind(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a run with new, 304 and failed feeds (two timeouts, one unparseable)
    app = load_handler("ingest")
    results = [FeedResult(feed_id="a", outlet="A", outcome="new", new_articles=3),
               FeedResult(feed_id="b", outlet="B", outcome="not_modified"),
               FeedResult(feed_id="c", outlet="C", outcome="error", error_kind="timeout"),
               FeedResult(feed_id="d", outlet="D", outcome="error", error_kind="timeout"),
               FeedResult(feed_id="e", outlet="E", outcome="error", error_kind="unparseable")]
    report = IngestReport(started_at=NOW, fetched=1, not_modified=1, errors=3, new_articles=3,
                          oldest_success_minutes=42.5, results=results)
    monkeypatch.setattr(app, "_service", lambda: SimpleNamespace(run=lambda now, remaining_ms: report))

    # When the handler runs
    app.handler({"id": "s1", "source": "aws.scheduler", "detail-type": "Scheduled Event",
                 "time": datetime.now(UTC).isoformat(), "detail": {}}, FakeLambdaContext())

    # Then its EMF output has every metric with service=ingest, and errors by kind per kind
    docs = _emf(capsys.readouterr().out)
    emitted = _assert_emits(docs, "ingest")
    assert _value(emitted["FeedsPolled"]) == 5
    assert _value(emitted["FeedErrors"]) == 3
    assert _value(emitted["FeedErrorPercent"]) == 60.0
    assert _value(emitted["OldestSuccessfulPollMinutes"]) == 42.5
    by_kind = {doc["kind"]: doc["FeedErrorsByKind"] for doc in docs if "FeedErrorsByKind" in doc}
    assert {kind: _value(v) for kind, v in by_kind.items()} == {
        "timeout": 2, "unparseable": 1}
    assert set(_metrics_by_dimensions(docs)[("kind", "service")]) == {"FeedErrorsByKind"}


def test_fanout_worker_emits_the_ingest_metrics(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a feed shard whose poll had one new, one 304 and two failed feeds
    app = load_handler("feed_worker")
    results = [FeedResult(feed_id="a", outlet="A", outcome="new", new_articles=2),
               FeedResult(feed_id="b", outlet="B", outcome="not_modified"),
               FeedResult(feed_id="c", outlet="C", outcome="error", error_kind="timeout"),
               FeedResult(feed_id="d", outlet="D", outcome="error", error_kind="http_error")]
    report = IngestReport(started_at=NOW, fetched=1, not_modified=1, errors=2, new_articles=2,
                          oldest_success_minutes=12.0, results=results)
    service = SimpleNamespace(process=lambda shard, remaining_ms, polled_at: report)
    monkeypatch.setattr(app, "_service", lambda: service)
    event = _shard_event("s-1")

    # When the worker handles the SQS batch
    response = app.handler(event, FakeLambdaContext())

    # Then the shard succeeded and the dashboard's ingest metrics come from the worker too
    assert response == {"batchItemFailures": []}
    docs = _emf(capsys.readouterr().out)
    emitted = _assert_emits(docs, "ingest")
    assert _value(emitted["FeedsPolled"]) == 4
    assert _value(emitted["FeedErrorPercent"]) == 50.0
    by_kind = {doc["kind"]: _value(doc["FeedErrorsByKind"]) for doc in docs if "FeedErrorsByKind" in doc}
    assert by_kind == {"timeout": 1, "http_error": 1}


def _shard_event(shard_id: str, run_time: datetime | None = None) -> dict[str, Any]:
    """An SQS batch of one feed shard, as the queue delivers it to the worker."""
    shard = {"run_time": (run_time or datetime.now(UTC)).isoformat(), "shard_id": shard_id,
             "shards_in_cycle": 1, "max_per_host": 2,
             "feeds": [{"id": "a", "url": "https://a.example/feed", "outlet": "A", "publisher_family": "a"}]}
    record = {"messageId": f"m-{shard_id}", "receiptHandle": "r", "body": json.dumps(shard), "attributes": {},
              "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "awsRegion": "us-east-1",
              "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:shards"}
    return {"Records": [record]}


def test_ingest_dates_a_days_old_event_or_shard_by_the_clock_and_counts_it(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # An event or a shard redriven from the dead-letter queue days later stamped its articles
    # with that old time: outside every clustering run's window, they were never clustered
    report = IngestReport(started_at=NOW)
    runs: list[datetime] = []
    ingest = load_handler("ingest")
    monkeypatch.setattr(ingest, "_service", lambda: SimpleNamespace(
        run=lambda now, remaining_ms: runs.append(now) or report))
    ingest.handler({"id": "s1", "source": "aws.scheduler", "detail-type": "Scheduled Event",
                    "time": NOW.isoformat(), "detail": {}}, FakeLambdaContext())
    worker = load_handler("feed_worker")
    shards: list[tuple[str, datetime]] = []
    monkeypatch.setattr(worker, "_service", lambda: SimpleNamespace(
        process=lambda shard, remaining_ms, polled_at: shards.append((shard.run_time, polled_at))
        or report))
    response = worker.handler(_shard_event("s-old", run_time=NOW), FakeLambdaContext())
    assert response == {"batchItemFailures": []}

    wall = datetime.now(UTC)
    assert abs(runs[0] - wall) <= timedelta(minutes=16)
    (cycle, polled_at), = shards
    assert cycle == NOW, "the shard is still recorded under its cycle"
    assert abs(polled_at - wall) <= timedelta(minutes=16)
    clamped = [doc for doc in _emf(capsys.readouterr().out) if "IngestEventTimeClamped" in doc]
    assert len(clamped) == 2
    assert {doc["service"] for doc in clamped} == {"ingest"}  # the worker's too: one dashboard line


def test_a_shard_queued_by_the_next_version_is_polled_not_poisoned(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # During a deploy the other version's dispatch queues shards with fields this worker does not
    # know: refused, each was redelivered until the dead-letter queue and its cycle never completed
    worker = load_handler("feed_worker")
    polled: list[str] = []
    monkeypatch.setattr(worker, "_service", lambda: SimpleNamespace(
        process=lambda shard, remaining_ms, polled_at: polled.append(shard.feeds[0].id)
        or IngestReport(started_at=NOW)))
    event = _shard_event("s-next")
    body = json.loads(event["Records"][0]["body"])
    body["cycle_deadline"] = NOW.isoformat()
    body["feeds"][0]["poll_minutes"] = 3
    event["Records"][0]["body"] = json.dumps(body)

    assert worker.handler(event, FakeLambdaContext()) == {"batchItemFailures": []}
    assert polled == ["a"]


def test_a_warm_container_s_next_run_logs_without_the_last_run_s_keys(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The clamp's warning is logged before this run appends its keys: it carried the previous
    # run's event_id and run_time, which the runbook sends operators to
    report = IngestReport(started_at=NOW)
    ingest = load_handler("ingest")
    monkeypatch.setattr(ingest, "_service", lambda: SimpleNamespace(run=lambda now, remaining_ms: report))
    keys_when_clamping: list[dict[str, Any]] = []
    clamp = ingest.trusted_run_time

    def watched(*args: Any) -> datetime:
        keys_when_clamping.append(dict(ingest.logger.get_current_keys()))
        return clamp(*args)

    monkeypatch.setattr(ingest, "trusted_run_time", watched)
    for event_id in ("first-run", "second-run"):
        ingest.handler({"id": event_id, "source": "aws.scheduler", "detail-type": "Scheduled Event",
                        "time": NOW.isoformat(), "detail": {}}, FakeLambdaContext())

    assert keys_when_clamping[1].get("event_id") != "first-run"
    assert "run_time" not in keys_when_clamping[1]


def test_a_shard_out_of_time_still_counts_what_it_polled_and_says_it_failed(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from headlinez.services.fanout import ShardIncompleteError

    app = load_handler("feed_worker")
    report = IngestReport(started_at=NOW, fetched=3, errors=1, deferred=5, new_articles=7)

    def out_of_time(shard: Any, remaining_ms: Any, polled_at: Any) -> IngestReport:
        raise ShardIncompleteError("shard s-2: 5 feeds left at the time limit", report)

    monkeypatch.setattr(app, "_service", lambda: SimpleNamespace(process=out_of_time))
    with pytest.raises(Exception, match="All records failed"):  # one record, failed: the batch is retried
        app.handler(_shard_event("s-2"), FakeLambdaContext())

    out = capsys.readouterr().out
    emitted = _metrics_by_dimensions(_emf(out))[("service",)]
    assert _value(emitted["FeedsDeferred"]) == 5, "the dashboard's deferred feeds come from here"
    assert _value(emitted["ArticlesIngested"]) == 7


def test_cluster_emits_its_metrics(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = load_handler("cluster")
    report = ClusterReport(now=NOW, articles_clustered=40, trends_new=3, open_trends=120,
                           multi_source_trends=30, briefs_started=2, seconds=4.2)
    monkeypatch.setattr(app, "_service", lambda: SimpleNamespace(run=lambda now: report))

    app.handler({"id": "s1", "source": "aws.scheduler", "detail-type": "Scheduled Event",
                 "time": datetime.now(UTC).isoformat(), "detail": {}}, FakeLambdaContext())

    emitted = _assert_emits(_emf(capsys.readouterr().out), "cluster")
    assert _value(emitted["PublicTrends"]) == 30
    assert _value(emitted["ClusterRunsCompleted"]) == 1
    assert _value(emitted["ClusterRunSeconds"]) == 4.2
    assert _value(emitted["BriefsWaitingBudget"]) == 0


def test_a_lease_shorter_than_the_run_refuses_to_run(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A lease that could expire while the run still writes let another run take it, and the
    # stale run's unfenced writes land after the new one's: a configuration error, said plainly
    from headlinez.services.cluster import LeaseTooShortError

    monkeypatch.setenv("CLUSTER_LEASE_SECONDS", "60")
    app = load_handler("cluster")
    runs: list[datetime] = []
    monkeypatch.setattr(app, "_service", lambda: SimpleNamespace(
        run=lambda now: runs.append(now) or ClusterReport(now=now)))
    event = {"id": "s1", "source": "aws.scheduler", "detail-type": "Scheduled Event",
             "time": datetime.now(UTC).isoformat(), "detail": {}}

    class FiveMinutesLeft(FakeLambdaContext):
        @staticmethod
        def get_remaining_time_in_millis() -> int:
            return 300_000

    with pytest.raises(LeaseTooShortError, match=r"CLUSTER_LEASE_SECONDS \(60\) must exceed"):
        app.handler(event, FiveMinutesLeft())
    assert runs == []
    app.handler(event, FakeLambdaContext())  # 30 s left: the lease outlasts it
    assert len(runs) == 1


def test_the_default_lease_outlasts_the_cluster_function_s_timeout() -> None:
    from headlinez.services.cluster import check_lease_covers_run
    from headlinez.settings import ClusterSettings

    timeout = load_template(TEMPLATE)["Resources"]["ClusterFunction"]["Properties"]["Timeout"]
    defaults = ClusterSettings.model_validate({"TABLE_NAME": "headlinez-test"})
    check_lease_covers_run(timedelta(seconds=defaults.lease_seconds),
                           timedelta(seconds=defaults.lease_wait_seconds), timedelta(seconds=timeout))


def test_dispatch_emits_what_the_fan_out_row_reads(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from headlinez.services.fanout import DispatchReport

    monkeypatch.setenv("FEED_SHARD_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/1/q")
    app = load_handler("dispatch")
    report = DispatchReport(run_time=NOW, feeds_due=120, feeds_not_due=1800, feeds_paused=3, shards=4,
                            oldest_success_minutes=340.0)
    monkeypatch.setattr(app, "_service", lambda: SimpleNamespace(run=lambda now: report))

    app.handler({"id": "s3", "source": "aws.scheduler", "detail-type": "Scheduled Event",
                 "time": datetime.now(UTC).isoformat(), "detail": {}}, FakeLambdaContext())

    emitted = _assert_emits(_emf(capsys.readouterr().out), "dispatch")
    assert (_value(emitted["FeedsDue"]), _value(emitted["FeedShardsDispatched"])) == (120, 4)
    assert _value(emitted["OldestSuccessfulPollMinutes"]) == 340.0  # over every feed, not a shard


def test_a_skipped_cluster_run_is_not_a_completed_one(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # another run held the lease: ClusterRunsMissingAlarm must not count this one as done
    app = load_handler("cluster")
    report = ClusterReport(now=NOW, skipped="lease held by another run")
    monkeypatch.setattr(app, "_service", lambda: SimpleNamespace(run=lambda now: report))

    app.handler({"id": "s2", "source": "aws.scheduler", "detail-type": "Scheduled Event",
                 "time": datetime.now(UTC).isoformat(), "detail": {}}, FakeLambdaContext())

    emitted = _metrics_by_dimensions(_emf(capsys.readouterr().out))[("service",)]
    assert set(emitted) == {"ClusterRunsSkipped"}


def test_a_cluster_run_with_a_stale_event_time_counts_the_clamp(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # an event redriven days later: the run clusters at the clock's time and says so
    app = load_handler("cluster")
    runs: list[datetime] = []
    report = ClusterReport(now=NOW, skipped="lease held by another run")
    monkeypatch.setattr(app, "_service", lambda: SimpleNamespace(run=lambda now: runs.append(now) or report))

    app.handler({"id": "s2", "source": "aws.scheduler", "detail-type": "Scheduled Event",
                 "time": NOW.isoformat(), "detail": {}}, FakeLambdaContext())

    assert abs(runs[0] - datetime.now(UTC)) <= timedelta(minutes=16)
    docs = _emf(capsys.readouterr().out)
    assert {doc["service"] for doc in docs} == {"cluster"}
    emitted = _metrics_by_dimensions(docs)[("service",)]
    assert set(emitted) == {"ClusterRunsSkipped", "ClusterEventTimeClamped"}


# --- API ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "client", "server"), [(200, 0, 0), (404, 1, 0), (500, 0, 1)])
def test_api_emits_requests_and_errors_by_class(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], status: int, client: int, server: int,
) -> None:
    app = load_handler("api")
    answer = {"statusCode": status, "body": "", "headers": {}}
    resolver = SimpleNamespace(resolve=lambda event, context: answer)
    monkeypatch.setattr(app, "_resolver", lambda: resolver)

    app.handler(make_http_event("GET", "/trends"), FakeLambdaContext())

    emitted = _assert_emits(_emf(capsys.readouterr().out), "api")
    assert _value(emitted["ApiClientErrors"]) == client
    assert _value(emitted["ApiServerErrors"]) == server


# --- the brief flow's steps -------------------------------------------------------------------------


@dataclass
class _FakeBriefService:
    """The BriefService calls the step handlers make, returning canned results."""

    usage: TokenUsage = field(default_factory=lambda: TokenUsage(
        input_tokens=3000, output_tokens=600, cache_creation_input_tokens=0, cache_read_input_tokens=1200))
    spent: int = 1_700_000
    exhausted: bool = False

    def load(self, request: Any) -> LoadResult:
        return LoadResult(action="generate", reason="new newsroom")

    def generate(self, request: Any, generator: Any) -> GenerateResult:
        if self.exhausted:
            return GenerateResult(status="budget_exhausted", engine="claude")
        return GenerateResult(status="generated", engine="claude", usage=self.usage)

    def budget_left(self, now: datetime | None = None) -> int:
        return 2_000_000 - self.spent

    def check(self, request: Any, verifier: Any) -> CheckResult:
        removed = RemovedClaim(text="x", location="what_happened", reasons=["number not in evidence"],
                               stage="deterministic")
        return CheckResult(passed=True, decision="publish", supported_percent=75.0, claims_checked=4,
                           claims_supported=3, removed_claims=[removed], verifier="claude-haiku-5-5",
                           usage=self.usage + TokenUsage(input_tokens=1000, output_tokens=100))

    def publish(self, request: Any) -> PublishResult:
        return PublishResult(outcome="published", trend_id="t1", version=3, supported_percent=91.0,
                             engine="claude")

    def record_failure(self, request: Any) -> FailureResult:
        return FailureResult(recorded=True, error="InsufficientSupport")


def _run_brief_step(app: ModuleType, monkeypatch: pytest.MonkeyPatch, usage_before: TokenUsage,
                    fake: _FakeBriefService | None = None) -> None:
    fake = fake or _FakeBriefService()
    request = SimpleNamespace(execution_id="exec-1", trend_id="t1", attempt=2, usage=usage_before, now=NOW)
    monkeypatch.setattr(app.brief_steps, "parse_step", lambda model, event: request)
    monkeypatch.setattr(app.brief_steps, "service", lambda settings: fake)
    monkeypatch.setattr(app.brief_steps, "generator", lambda settings: SimpleNamespace(uses_tokens=True))
    monkeypatch.setattr(app.brief_steps, "verifier", lambda settings: None)
    app.handler({}, FakeLambdaContext())


@pytest.mark.parametrize("folder", ["brief_load", "brief_generate", "brief_check", "brief_publish",
                                    "brief_failure"])
def test_brief_steps_emit_their_metrics(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], folder: str,
) -> None:
    app = load_handler(folder)
    before = TokenUsage() if folder == "brief_generate" else _FakeBriefService().usage

    _run_brief_step(app, monkeypatch, before)

    service = folder.replace("_", "-")
    absent = frozenset({"BriefBudgetExhausted"} if folder == "brief_generate" else set())
    emitted = _assert_emits(_emf(capsys.readouterr().out), service, absent)
    if folder == "brief_generate":
        assert _value(emitted["TokenBudgetUsedPercent"]) == 85.0
        # claude-sonnet-5-5 at $2 in / $10 out / $0.10 cache read per million tokens
        assert _value(emitted["LlmCostUsd"]) == pytest.approx(3000 * 2e-6 + 600 * 10e-6 + 1200 * 0.1e-6)
    if folder == "brief_check":
        # only the verifier's own tokens (the delta over the step), at claude-haiku-5-5's prices
        assert _value(emitted["LlmInputTokens"]) == 1000
        assert _value(emitted["LlmCostUsd"]) == pytest.approx(1000 * 0.1e-6 + 100 * 0.5e-6)


class _SkippingSupersededBriefService(_FakeBriefService):
    """Load finds nothing new; Publish finds a newer brief already stored."""

    def load(self, request: Any) -> LoadResult:
        return LoadResult(action="skip", reason="nothing new since the brief")

    def publish(self, request: Any) -> PublishResult:
        return PublishResult(outcome="superseded", trend_id="t1", version=3, supported_percent=91.0,
                             engine="claude")


@pytest.mark.parametrize(("folder", "metric"), [("brief_load", "BriefsSkipped"),
                                                ("brief_publish", "BriefsSuperseded")])
def test_brief_steps_count_their_other_branch(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], folder: str, metric: str,
) -> None:
    app = load_handler(folder)
    _run_brief_step(app, monkeypatch, _FakeBriefService().usage, _SkippingSupersededBriefService())

    docs = _emf(capsys.readouterr().out)
    service = folder.replace("_", "-")
    assert {doc["service"] for doc in docs} == {service}
    emitted = _metrics_by_dimensions(docs)[("service",)]
    assert set(emitted) == {metric}
    assert _value(emitted[metric]) == 1


def test_brief_generate_counts_a_spent_budget(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a day whose token budget is spent
    app = load_handler("brief_generate")

    _run_brief_step(app, monkeypatch, TokenUsage(), _FakeBriefService(spent=2_100_000, exhausted=True))

    # Then no draft, the budget counted, and the budget used above 100%
    emitted = _assert_emits(_emf(capsys.readouterr().out), "brief-generate", frozenset({"BriefDrafts"}))
    assert _value(emitted["BriefBudgetExhausted"]) == 1
    assert _value(emitted["TokenBudgetUsedPercent"]) == 105.0
    assert _value(emitted["LlmCostUsd"]) == 0


def test_a_failed_budget_read_after_the_paid_call_does_not_fail_the_step(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:
    # The read runs after the model answered: raising then would have the state machine retry the
    # step and call the model again, for a metric
    from headlinez.briefs.errors import StorageThrottledError

    class ThrottledRead(_FakeBriefService):
        def budget_left(self, now: datetime | None = None) -> int:
            raise StorageThrottledError("throttled")

    app = load_handler("brief_generate")

    _run_brief_step(app, monkeypatch, TokenUsage(), ThrottledRead())

    output = capsys.readouterr().out
    emitted = _assert_emits(_emf(output), "brief-generate",
                            frozenset({"BriefBudgetExhausted", "TokenBudgetUsedPercent"}))
    assert _value(emitted["BriefDrafts"]) == 1
    assert "token budget read failed" in caplog.text


# --- the template reads only what the handlers emit ----------------------------------------------


def _dashboard(template: dict[str, Any]) -> dict[str, Any]:
    dashboards = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Dashboard"]
    assert len(dashboards) == 1
    body = dashboards[0]["Properties"]["DashboardBody"]["Fn::Sub"]
    parsed: dict[str, Any] = json.loads(re.sub(r"\$\{([^}]+)\}", r"SUB(\1)", body))
    return parsed


def _dimension_names(pairs: list[Any]) -> frozenset[str]:
    return frozenset(str(name) for name in pairs[0::2])


def _template_custom_metrics(template: dict[str, Any]) -> set[tuple[str, str, frozenset[str]]]:
    """(service, metric, dimension names) of every Headlinez metric the dashboard or an alarm reads."""
    found: set[tuple[str, str, frozenset[str]]] = set()

    def add(namespace: str, name: str, dimensions: dict[str, str]) -> None:
        if namespace == NAMESPACE:
            found.add((dimensions["service"], name, frozenset(dimensions)))

    for widget in _dashboard(template)["widgets"]:
        for metric in widget.get("properties", {}).get("metrics", []):
            if isinstance(metric[0], dict):  # an expression: SEARCH reads metrics by name
                expression = metric[0]["expression"]
                for match in re.finditer(r"\{(\w+),([\w,]+)\} MetricName=\"(\w+)\" service=\"([\w-]+)\"",
                                         expression):
                    namespace, dims, name, service = match.groups()
                    add(namespace, name, dict.fromkeys(dims.split(","), "") | {"service": service})
                continue
            pairs = [m for m in metric[2:] if not isinstance(m, dict)]
            add(metric[0], metric[1], dict(zip(pairs[0::2], pairs[1::2], strict=True)))
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::CloudWatch::Alarm":
            continue
        props = resource["Properties"]
        stats = [q["MetricStat"]["Metric"] for q in props.get("Metrics", []) if "MetricStat" in q]
        if "MetricName" in props:
            stats.append(props)
        for stat in stats:
            add(stat["Namespace"], stat["MetricName"],
                {d["Name"]: d["Value"] for d in stat.get("Dimensions", [])})
    return found


def test_every_custom_metric_of_the_template_is_emitted() -> None:
    template = load_template(TEMPLATE)
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == NAMESPACE
    read = _template_custom_metrics(template)

    assert len(read) >= 30, "the dashboard reads the ingest, cluster, brief and API metrics"
    for service, name, dimensions in read:
        extra = EXTRA_DIMENSIONS.get((service, name), set())
        emitted = EMITTED.get(service, set()) | BRANCH_EMITTED.get(service, set())
        assert name in emitted or extra, f"{name} (service={service}) is not emitted"
        assert dimensions == frozenset({"service", *extra}), f"{name}: dimensions {sorted(dimensions)}"


def test_every_metric_a_handler_emits_is_read_by_the_template() -> None:
    # each custom metric is billed: one emitted for no widget and no alarm is paid for nothing
    read = {(service, name) for service, name, _ in _template_custom_metrics(load_template(TEMPLATE))}
    emitted = {(service, name) for table in (EMITTED, BRANCH_EMITTED) for service, names in table.items()
               for name in names}
    assert emitted - read == set()


def test_the_dashboard_covers_ingest_clustering_briefs_api_and_dynamodb() -> None:
    template = load_template(TEMPLATE)
    body = json.dumps(_dashboard(template))
    for metric in ["FeedsPolled", "FeedsNotModified", "FeedErrorsByKind", "ArticlesIngested",
                   "OldestSuccessfulPollMinutes", "ClusterRunSeconds", "OpenTrends", "PublicTrends",
                   "ArticlesClustered", "BriefExecutionsStarted", "BriefsPublished", "BriefFailures",
                   "BriefSupportedPercent", "BriefClaimsRemoved", "LlmInputTokens", "LlmCostUsd",
                   '"Count"', '"Latency"', '"4xx"', '"5xx"', "Throttles", "ConsumedReadCapacityUnits",
                   "ConsumedWriteCapacityUnits", "ReadThrottleEvents", "WriteThrottleEvents"]:
        assert metric in body, metric
    alarms = {name for name, r in template["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    shown = set(re.findall(r"SUB\((\w+)\.Arn\)", body))
    assert shown == alarms, "the alarm widget lists every alarm"


def test_every_alarm_has_an_entry_in_operations_md() -> None:
    template = load_template(TEMPLATE)
    operations = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::CloudWatch::Alarm" and name not in {
                "IngestErrorsAlarm", "ClusterErrorsAlarm", "ApiErrorsAlarm", "BriefLoadErrorsAlarm",
                "BriefGenerateErrorsAlarm", "BriefCheckErrorsAlarm", "BriefPublishErrorsAlarm",
                "BriefFailureErrorsAlarm"}:
            assert f"### `{name}`" in operations, name
    assert "function errors alarms" in operations.lower()


def test_errors_by_kind_follow_powertools_own_reading_of_disabled_metrics(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    # POWERTOOLS_DEV without POWERTOOLS_METRICS_DISABLED disables metrics for Powertools; our own
    # reading of the variable said no, and the per-kind EMF blobs still printed
    from aws_lambda_powertools import Metrics

    from headlinez.observability import emit_ingest_metrics

    monkeypatch.setenv("POWERTOOLS_DEV", "true")
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    report = IngestReport(started_at=NOW, errors=1, results=[
        FeedResult(feed_id="c", outlet="C", outcome="error", error_kind="timeout")])
    metrics = Metrics(namespace=NAMESPACE, service="ingest")
    emit_ingest_metrics(metrics, report)
    metrics.clear_metrics()
    assert "FeedErrorsByKind" not in capsys.readouterr().out
