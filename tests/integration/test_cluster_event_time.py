"""The cluster handler trusts an event's time only within one schedule interval of its clock
(issue 13, item 4): an IngestCompleted dated three days ahead used to close every open trend."""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from tests.fakes import FakeLambdaContext, load_handler_module

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.clock import UtcClock, set_clock
from headlinez.domain.text import title_fingerprint
from headlinez.events import SCHEDULE_INTERVAL, bounded_run_time
from headlinez.models import Article

REPO_ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment


def article(title: str, outlet: str, minutes_ago: int) -> Article:
    published = NOW - timedelta(minutes=minutes_ago)
    digest = hashlib.sha256(f"{title}{outlet}".encode()).hexdigest()
    return Article(article_id=digest, url=f"https://{outlet}.example/{digest[:8]}", title=title, summary="",
                   published=published, ingested_at=published + timedelta(minutes=1), feed_id=outlet,
                   outlet=outlet.upper(), publisher_family=outlet, title_fingerprint=title_fingerprint(title))


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(NOW)
    set_clock(fixed)
    yield fixed
    set_clock(UtcClock())


@pytest.fixture
def cluster_app(dynamodb_table: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("TABLE_NAME", dynamodb_table)
    monkeypatch.setenv("CLUSTER_EMBEDDINGS", "false")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "HeadlinezTest")
    module = load_handler_module("cluster", "headlinez_function_test")
    sys.modules.pop(module.__name__, None)
    return module


def ingest_completed(run_time: datetime) -> dict[str, Any]:
    return {"id": "e1", "source": "headlinez.ingest", "detail-type": "IngestCompleted",
            "time": run_time.isoformat(), "detail": {"run_time": run_time.isoformat(), "new_articles": 0,
                                                     "feeds_fetched": 1, "feeds_failed": 0}}


def test_run_time_is_bounded_by_the_clock() -> None:
    assert bounded_run_time(NOW + timedelta(minutes=5), NOW) == NOW + timedelta(minutes=5)
    assert bounded_run_time(NOW + timedelta(days=3), NOW) == NOW + SCHEDULE_INTERVAL
    assert bounded_run_time(NOW - timedelta(days=3), NOW) == NOW - SCHEDULE_INTERVAL
    assert bounded_run_time(datetime(2026, 2, 18, 4, 10), NOW) == NOW + timedelta(minutes=10)  # naive: UTC


def test_an_event_dated_days_ahead_closes_no_trend(
    cluster_app: ModuleType, dynamodb_table: str, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    store.save_new_articles([article("US and Iran hold nuclear talks in Geneva", "bbc", 40),
                             article("Iran and US negotiators meet in Geneva for nuclear talks", "npr", 30),
                             article("Local bakery wins regional bread award", "gazette", 20)])
    first = cluster_app.handler(ingest_completed(NOW), FakeLambdaContext())
    assert first["open_trends"] >= 2

    # When an IngestCompleted claims a run three days ahead of the clock
    clock.moment = NOW + timedelta(minutes=5)
    with caplog.at_level(logging.WARNING):
        report = cluster_app.handler(ingest_completed(NOW + timedelta(days=3)), FakeLambdaContext())

    # Then the run is dated one interval ahead of the clock at most, and closes nothing
    assert datetime.fromisoformat(report["now"]) == clock.moment + SCHEDULE_INTERVAL
    assert report["trends_closed"] == 0
    assert report["open_trends"] == first["open_trends"]
    assert "event time out of bounds" in caplog.text


def test_a_stale_schedule_event_does_not_move_the_run_back(cluster_app: ModuleType,
                                                           clock: FixedClock) -> None:
    event = {"id": "s1", "source": "aws.scheduler", "detail-type": "Scheduled Event",
             "time": (NOW - timedelta(days=2)).isoformat(), "detail": {}}
    report = cluster_app.handler(event, FakeLambdaContext())
    assert datetime.fromisoformat(report["now"]) == NOW - SCHEDULE_INTERVAL


def test_a_category_model_that_does_not_load_is_logged_at_cold_start(
        cluster_app: ModuleType, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # a corrupt package file silently turned every category into keyword rules
    monkeypatch.setattr(cluster_app, "embedding_model", lambda: None)
    with caplog.at_level(logging.WARNING):
        cluster_app._service()
    assert "the shipped category model did not load" in caplog.text


def test_the_event_type_not_the_detail_s_presence_says_how_to_read_it(cluster_app: ModuleType,
                                                                       clock: FixedClock) -> None:
    # a schedule whose input carries a detail of its own was read as an IngestCompleted, and failed
    event = {"id": "s2", "source": "aws.scheduler", "detail-type": "Scheduled Event",
             "time": NOW.isoformat(), "detail": {"note": "manual run"}}
    report = cluster_app.handler(event, FakeLambdaContext())
    assert datetime.fromisoformat(report["now"]) == NOW


def test_clustering_keeps_the_articles_ttl_ingest_gave_them(
        dynamodb_table: str, monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> None:
    # The cluster function rewrites each article it assigns: it did so with the default 14 days
    # whatever ArticleTtlDays said, so every clustered article expired at 14 days
    from headlinez import settings

    monkeypatch.setenv("TABLE_NAME", dynamodb_table)
    monkeypatch.setenv("CLUSTER_EMBEDDINGS", "false")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "HeadlinezTest")
    monkeypatch.setenv("ARTICLE_TTL_DAYS", "90")
    settings.cluster_settings.cache_clear()
    app = load_handler_module("cluster", "headlinez_function_test")
    sys.modules.pop(app.__name__, None)
    try:
        resource = boto3.resource("dynamodb", region_name="us-east-1")
        stored = [article("US and Iran hold nuclear talks in Geneva", "bbc", 40),
                  article("Iran and US negotiators meet in Geneva for nuclear talks", "npr", 30)]
        DynamoStore(resource, dynamodb_table, article_ttl=timedelta(days=90)).save_new_articles(stored)
        assert app.handler(ingest_completed(NOW), FakeLambdaContext())["articles_clustered"] == 2
        for item in stored:
            key = {"pk": f"ART#{item.article_id}", "sk": "A"}
            saved = resource.Table(dynamodb_table).get_item(Key=key)["Item"]
            assert saved.get("trend_id"), "clustered"
            assert int(saved["ttl"]) == int((item.ingested_at + timedelta(days=90)).timestamp())
    finally:
        settings.cluster_settings.cache_clear()
