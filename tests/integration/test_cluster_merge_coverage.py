"""A trend folded into another one hands its coverage list over to the survivor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.domain.clustering import ClusterConfig, ClusterRunResult
from headlinez.models import HourBucket, TrendMember, TrendState
from headlinez.services import cluster as cluster_module
from headlinez.services.cluster import ClusterService

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)


def trend(trend_id: str, **update: Any) -> TrendState:
    base = TrendState(trend_id=trend_id, article_count=1, source_families=["bbc"], first_seen=NOW,
                      last_seen=NOW, hourly=[HourBucket(hour=NOW, articles=1, sources=["bbc"])],
                      headline=f"Headline {trend_id}")
    return base.model_copy(update=update)


def member(article_id: str, minutes: int) -> TrendMember:
    return TrendMember(article_id=article_id, title=f"Title {article_id}", url=f"https://e.com/{article_id}",
                       outlet="BBC", publisher_family="bbc", published=NOW - timedelta(minutes=minutes))


def test_merged_trend_members_are_copied_to_the_survivor(dynamodb_table: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    # Given two open trends, each with its own coverage
    store.save_trends([trend("tsurvivor000001"), trend("tabsorbed000002")],
                      {"tsurvivor000001": [member("a1", 30)], "tabsorbed000002": [member("b1", 20)]})

    # When clustering folds the second into the first, adding one new article to it in the same run
    def fake_cluster(open_trends: Any, articles: Any, frequencies: Any, *, now: datetime,
                     config: ClusterConfig, **_: Any) -> ClusterRunResult:
        return ClusterRunResult(
            changed=[trend("tsurvivor000001", article_count=3),
                     trend("tabsorbed000002", is_open=False, merged_into="tsurvivor000001")],
            new_members={"tabsorbed000002": [member("b2", 5)]}, assignments={},
            closed=["tabsorbed000002"], frequencies=frequencies)

    monkeypatch.setattr(cluster_module, "cluster_in_windows", fake_cluster)
    service = ClusterService(store, ClusterConfig(), lookback=timedelta(hours=6), predictions=store)
    service.run(NOW)
    service.run(NOW + timedelta(minutes=15))  # a retried/next run copies nothing twice

    # Then the survivor's coverage holds all three articles, once each
    detail = store.get_trend("tsurvivor000001")
    assert detail is not None
    assert sorted(m.article_id for m in detail[1]) == ["a1", "b1", "b2"]


def test_a_chain_of_merges_in_one_run_hands_every_article_to_the_last_survivor(
        dynamodb_table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    # Given three open trends: B will fold into C, and C into A, in one run
    store.save_trends([trend("tchainsurvivora"), trend("tchainmiddlec01"), trend("tchainfirstb001")],
                      {"tchainsurvivora": [member("a1", 40)], "tchainmiddlec01": [member("c1", 30)],
                       "tchainfirstb001": [member("b1", 20)]})

    def fake_cluster(open_trends: Any, articles: Any, frequencies: Any, *, now: datetime,
                     config: ClusterConfig, **_: Any) -> ClusterRunResult:
        return ClusterRunResult(
            changed=[trend("tchainsurvivora", article_count=4),
                     # listed before C, so a one-level copy would put B's article on C only
                     trend("tchainfirstb001", is_open=False, merged_into="tchainmiddlec01"),
                     trend("tchainmiddlec01", is_open=False, merged_into="tchainsurvivora")],
            new_members={"tchainmiddlec01": [member("c2", 5)]}, assignments={},
            closed=["tchainfirstb001", "tchainmiddlec01"], frequencies=frequencies)

    monkeypatch.setattr(cluster_module, "cluster_in_windows", fake_cluster)
    service = ClusterService(store, ClusterConfig(), lookback=timedelta(hours=6), predictions=store)
    service.run(NOW)

    # Then A lists all four articles its counters count
    detail = store.get_trend("tchainsurvivora")
    assert detail is not None
    assert sorted(m.article_id for m in detail[1]) == ["a1", "b1", "c1", "c2"]
