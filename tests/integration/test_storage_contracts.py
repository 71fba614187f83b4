"""Contract tests of the storage ports: each runs against the in-memory fake AND DynamoStore on moto.

What a service can observe through a port must not depend on which of the two it was given; a fake
that drifts from DynamoDB makes unit tests pass for code that fails in production. (moto lives in
tests/integration: tests/unit blocks it.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from tests.fakes import InMemoryClusterStore, InMemoryFeedStateRepository, InMemoryTrendRepository

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.models import Article, FeedState, HourBucket, TrendMember, TrendState
from headlinez.ports import TrendVersionConflictError

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)


def _trend(n: int, *, families: tuple[str, ...] = ("bbc", "npr"), open_: bool = True,
           version: int = 0) -> TrendState:
    return TrendState(
        trend_id=f"t{n:015x}", is_open=open_, centroid={"storm": 1.0}, article_count=n + 1,
        source_families=list(families), first_seen=NOW, last_seen=NOW - timedelta(minutes=n),
        hourly=[HourBucket(hour=NOW, articles=n + 1, sources=list(families))], headline=f"Trend {n}",
        version=version,
    )


def _member(n: int, minutes_ago: int) -> TrendMember:
    return TrendMember(article_id=f"{n:032x}", title=f"Headline {n}", url=f"https://e.com/{n}",  # type: ignore[arg-type]
                       outlet="E", publisher_family="e", published=NOW - timedelta(minutes=minutes_ago))


def _article(n: int, ingested: datetime) -> Article:
    return Article(article_id=f"{n:032x}", url=f"https://e.com/{n}", title=f"Headline {n}",  # type: ignore[arg-type]
                   published=ingested, ingested_at=ingested, feed_id="e-world", outlet="E",
                   publisher_family="e", title_fingerprint=f"fp{n}")


@pytest.fixture
def dynamo(dynamodb_table: str) -> DynamoStore:
    return DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)


def _factory(request: pytest.FixtureRequest, fake: Callable[[], Any]) -> Any:
    if request.param == "fake":
        return fake()
    return request.getfixturevalue("dynamo")


@pytest.fixture(params=["fake", "dynamodb"])
def feed_states(request: pytest.FixtureRequest) -> Any:
    return _factory(request, InMemoryFeedStateRepository)


@pytest.fixture(params=["fake", "dynamodb"])
def trends(request: pytest.FixtureRequest) -> Any:
    return _factory(request, InMemoryTrendRepository)


@pytest.fixture(params=["fake", "dynamodb"])
def cluster_store(request: pytest.FixtureRequest) -> Any:
    return _factory(request, InMemoryClusterStore)


# --- FeedStateRepository ---------------------------------------------------------------------------


def test_feed_states_round_trip_and_list_in_feed_id_order(feed_states: Any) -> None:
    states = [FeedState(feed_id=f, url=f"https://{f}.example/rss", etag='"e"', consecutive_errors=n)  # type: ignore[arg-type]
              for n, f in enumerate(["npr", "bbc", "ap"])]
    feed_states.put_states(states)
    assert feed_states.get_states(["bbc", "unknown"]) == {"bbc": states[1]}
    assert [s.feed_id for s in feed_states.list_states()] == ["ap", "bbc", "npr"]
    # a later put replaces the state
    feed_states.put_states([states[1].model_copy(update={"consecutive_errors": 5})])
    assert feed_states.get_states(["bbc"])["bbc"].consecutive_errors == 5


# --- TrendRepository ---------------------------------------------------------------------------------


def test_trend_round_trip_with_members_newest_first(trends: Any) -> None:
    trend = _trend(1)
    trends.save_trends([trend], {trend.trend_id: [_member(1, 30), _member(2, 5), _member(3, 60)]})
    found = trends.get_trend(trend.trend_id)
    assert found is not None
    state, members = found
    assert state.trend_id == trend.trend_id
    assert state.headline == trend.headline
    assert [m.article_id for m in members] == [f"{n:032x}" for n in (2, 1, 3)]
    assert trends.get_trend("t-unknown") is None


def test_members_are_stored_once_per_article(trends: Any) -> None:
    trend = _trend(1)
    trends.save_trends([trend], {trend.trend_id: [_member(1, 30)]})
    trends.save_trends([trend], {trend.trend_id: [_member(1, 30), _member(2, 10)]})
    found = trends.get_trend(trend.trend_id)
    assert found is not None
    assert len(found[1]) == 2


def test_load_open_trends_skips_closed_ones(trends: Any) -> None:
    trends.save_trends([_trend(1), _trend(2, open_=False), _trend(3, families=("bbc",))], {})
    assert sorted(t.trend_id for t in trends.load_open_trends()) == [_trend(1).trend_id, _trend(3).trend_id]


def test_list_trends_pages_public_open_trends_by_rank(trends: Any) -> None:
    stored = [_trend(n) for n in range(5)] + [_trend(9, families=("bbc",)), _trend(8, open_=False)]
    scores = {t.trend_id: float(10 - n) for n, t in enumerate(stored)}
    trends.save_trends(stored, {}, scores)
    first, key = trends.list_trends(3, None)
    assert [t.trend_id for t in first] == [_trend(n).trend_id for n in range(3)]
    assert key is not None
    second, key = trends.list_trends(3, key)
    # a candidate (one newsroom) and a closed trend are never on the public list
    assert [t.trend_id for t in second] == [_trend(n).trend_id for n in (3, 4)]
    assert key is None


# --- ClusterStore (services.cluster) ----------------------------------------------------------------


def test_conditional_saves_refuse_a_stale_version(cluster_store: Any) -> None:
    trend = _trend(1, version=1)
    cluster_store.save_trends([trend], {}, expected_versions={})
    # a second run that also thought the trend new is refused
    with pytest.raises(TrendVersionConflictError):
        cluster_store.save_trends([trend], {}, expected_versions={})
    # the run that loaded version 1 may write version 2; one that loaded version 0 may not
    cluster_store.save_trends([trend.model_copy(update={"version": 2})], {},
                              expected_versions={trend.trend_id: 1})
    with pytest.raises(TrendVersionConflictError):
        cluster_store.save_trends([trend.model_copy(update={"version": 3})], {},
                                  expected_versions={trend.trend_id: 1})
    found = cluster_store.get_trend(trend.trend_id)
    assert found is not None
    assert found[0].version == 2


def test_a_refused_trend_leaves_its_members_unwritten(cluster_store: Any) -> None:
    trend = _trend(1, version=1)
    cluster_store.save_trends([trend], {trend.trend_id: [_member(1, 5)]}, expected_versions={})
    with pytest.raises(TrendVersionConflictError):
        cluster_store.save_trends([trend], {trend.trend_id: [_member(2, 1)]}, expected_versions={})
    found = cluster_store.get_trend(trend.trend_id)
    assert found is not None
    assert [m.article_id for m in found[1]] == [f"{1:032x}"]


def test_cluster_store_members_newest_first(cluster_store: Any) -> None:
    trend = _trend(1)
    cluster_store.save_trends([trend], {trend.trend_id: [_member(1, 30), _member(2, 5)]})
    found = cluster_store.get_trend(trend.trend_id)
    assert found is not None
    assert [m.article_id for m in found[1]] == [f"{n:032x}" for n in (2, 1)]


def test_cluster_documents_and_ingest_window(cluster_store: Any) -> None:
    assert cluster_store.get_cluster_doc("DF") is None
    cluster_store.put_cluster_doc("DF", '{"n": 1}')
    cluster_store.put_cluster_doc("DF", '{"n": 2}')
    assert cluster_store.get_cluster_doc("DF") == '{"n": 2}'
    articles = [_article(n, NOW - timedelta(minutes=50 * n)) for n in range(4)]
    if isinstance(cluster_store, InMemoryClusterStore):
        cluster_store.add(articles)
    else:
        cluster_store.save_new_articles(articles)
    found = cluster_store.articles_ingested_between(NOW - timedelta(minutes=120), NOW)
    assert sorted(a.article_id for a in found) == [f"{n:032x}" for n in range(3)]
