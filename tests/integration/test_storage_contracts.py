"""Contract tests of the storage ports: each runs against the in-memory fake AND the DynamoDB adapter
(DynamoStore, DynamoBriefStore, DynamoLease) on moto: feed states, articles, trends, the cluster store,
predictions, briefs, the brief ledger and the lease.

What a service can observe through a port must not depend on which of the two it was given; a fake
that drifts from DynamoDB makes unit tests pass for code that fails in production. (moto lives in
tests/integration: tests/unit blocks it.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import boto3
import pytest
from tests import brief_story as story
from tests.fakes import (
    FakeClock,
    InMemoryArticleRepository,
    InMemoryBriefStore,
    InMemoryClusterStore,
    InMemoryFeedStateRepository,
    InMemoryLease,
    InMemoryPredictionRepository,
    InMemoryTrendRepository,
)

from headlinez.adapters.brief_store import DynamoBriefStore
from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.entities.articles import ArticleEntity, DedupeAliasEntity
from headlinez.adapters.lease import DynamoLease
from headlinez.adapters.table import TableClient
from headlinez.briefs.materiality import BriefedTrend
from headlinez.briefs.models import BriefBasis, BriefFailure, PublishedBrief
from headlinez.domain.dedupe import DedupeKey, dedupe_keys, dedupe_record
from headlinez.domain.prediction import PredictionRecord, track_record
from headlinez.models import Article, FeedState, HourBucket, TrendMember, TrendState
from headlinez.ports import PredictionRepository, TrendVersionConflictError

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


@pytest.fixture(params=["trend-fake", "cluster-fake", "dynamodb"])
def versioned(request: pytest.FixtureRequest) -> Any:
    """Every save_trends with `expected_versions`: both fakes and DynamoStore."""
    fakes: dict[str, Callable[[], Any]] = {"trend-fake": InMemoryTrendRepository,
                                           "cluster-fake": InMemoryClusterStore}
    if request.param in fakes:
        return fakes[request.param]()
    return request.getfixturevalue("dynamo")


@pytest.fixture(params=["fake", "dynamodb"])
def articles(request: pytest.FixtureRequest) -> Any:
    return _factory(request, InMemoryArticleRepository)


@pytest.fixture(params=["fake", "dynamodb"])
def predictions(request: pytest.FixtureRequest) -> Any:
    return _factory(request, InMemoryPredictionRepository)


Seed = Callable[[TrendState, list[TrendMember], list[Article]], None]


@pytest.fixture(params=["fake", "dynamodb"])
def briefs(request: pytest.FixtureRequest) -> tuple[Any, Seed]:
    """(a BriefStore, how to store a trend, its members and articles as clustering and ingest do)."""
    if request.param == "fake":
        fake = InMemoryBriefStore()
        return fake, fake.add_trend
    table_name = request.getfixturevalue("dynamodb_table")
    resource = boto3.resource("dynamodb", region_name="us-east-1")
    writer = DynamoStore(resource, table_name)

    def seed(trend: TrendState, members: list[TrendMember], stored: list[Article]) -> None:
        writer.save_new_articles(stored)
        writer.save_trends([trend], {trend.trend_id: members})

    return DynamoBriefStore(resource, table_name), seed


@pytest.fixture(params=["fake", "dynamodb"])
def ledger(request: pytest.FixtureRequest) -> Any:
    """A BriefLedger that is also the BriefStore its briefs are written with (as DynamoBriefStore)."""
    if request.param == "fake":
        return InMemoryBriefStore()
    table_name = request.getfixturevalue("dynamodb_table")
    return DynamoBriefStore(boto3.resource("dynamodb", region_name="us-east-1"), table_name)


MakeLease = Callable[[float], Any]


@pytest.fixture(params=["fake", "dynamodb"])
def lease(request: pytest.FixtureRequest) -> tuple[MakeLease, FakeClock]:
    """(how to make the lease with a TTL in seconds, the clock it reads): time only moves when a
    test moves it."""
    clock = FakeClock(1_000_000.0)
    if request.param == "fake":
        return (lambda ttl: InMemoryLease(ttl, clock=clock)), clock
    table_name = request.getfixturevalue("dynamodb_table")  # (sets the test credentials first)
    client = TableClient(boto3.resource("dynamodb", region_name="us-east-1"), table_name)
    return (lambda ttl: DynamoLease(client, "CLUSTER", ttl, clock=clock)), clock


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


# --- ClusterStore (headlinez.ports; services.cluster) -----------------------------------------------


def test_conditional_saves_refuse_a_stale_version(versioned: Any) -> None:
    trend = _trend(1, version=1)
    versioned.save_trends([trend], {}, expected_versions={})
    # a second run that also thought the trend new is refused
    with pytest.raises(TrendVersionConflictError) as refused:
        versioned.save_trends([trend], {}, expected_versions={})
    assert (refused.value.trend_id, refused.value.expected_version) == (trend.trend_id, None)
    # the run that loaded version 1 may write version 2; one that loaded version 0 may not
    versioned.save_trends([trend.model_copy(update={"version": 2})], {},
                          expected_versions={trend.trend_id: 1})
    with pytest.raises(TrendVersionConflictError) as refused:
        versioned.save_trends([trend.model_copy(update={"version": 3})], {},
                              expected_versions={trend.trend_id: 1})
    assert refused.value.expected_version == 1
    found = versioned.get_trend(trend.trend_id)
    assert found is not None
    assert found[0].version == 2


def test_a_closed_trend_may_be_reopened_as_new_and_an_unstored_one_written_at_any_version(
        versioned: Any) -> None:
    closed = _trend(1, open_=False, version=4)
    versioned.save_trends([closed], {})
    # a run that did not load the closed trend (clustering loads open ones) writes it as new
    versioned.save_trends([closed.model_copy(update={"is_open": True, "version": 5})], {},
                          expected_versions={})
    # a trend the caller loaded but nobody stored (yet) is accepted
    versioned.save_trends([_trend(2, version=3)], {}, expected_versions={_trend(2).trend_id: 2})
    assert sorted((t.trend_id, t.version) for t in versioned.load_open_trends()) == [
        (_trend(1).trend_id, 5), (_trend(2).trend_id, 3)]


def test_a_refused_trend_leaves_its_members_unwritten(versioned: Any) -> None:
    trend = _trend(1, version=1)
    versioned.save_trends([trend], {trend.trend_id: [_member(1, 5)]}, expected_versions={})
    with pytest.raises(TrendVersionConflictError):
        versioned.save_trends([trend], {trend.trend_id: [_member(2, 1)]}, expected_versions={})
    found = versioned.get_trend(trend.trend_id)
    assert found is not None
    assert [m.article_id for m in found[1]] == [f"{1:032x}"]


def test_a_split_moves_members_with_the_trend_writes(versioned: Any) -> None:
    # Given a trend with three stored members
    old = _trend(1, version=1)
    versioned.save_trends([old], {old.trend_id: [_member(1, 30), _member(2, 20), _member(3, 10)]},
                          expected_versions={})
    # When a split moves members 2 and 3 to a new trend (one call: both trends, puts and deletes)
    moved = [_member(2, 20), _member(3, 10)]
    new = _trend(2, version=1)
    versioned.save_trends([old.model_copy(update={"version": 2}), new], {new.trend_id: moved},
                          expected_versions={old.trend_id: 1}, removed_members={old.trend_id: moved})
    # Then each trend lists its own members only
    found_old, found_new = versioned.get_trend(old.trend_id), versioned.get_trend(new.trend_id)
    assert found_old is not None
    assert found_new is not None
    assert [m.article_id for m in found_old[1]] == [f"{1:032x}"]
    assert [m.article_id for m in found_new[1]] == [f"{n:032x}" for n in (3, 2)]
    # And a refused (stale) write deletes nothing
    with pytest.raises(TrendVersionConflictError):
        versioned.save_trends([old.model_copy(update={"version": 3})], {},
                              expected_versions={old.trend_id: 1},
                              removed_members={old.trend_id: [_member(1, 30)]})
    found_old = versioned.get_trend(old.trend_id)
    assert found_old is not None
    assert [m.article_id for m in found_old[1]] == [f"{1:032x}"]


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
    assert [a.article_id for a in found] == [f"{n:032x}" for n in (2, 1, 0)]  # oldest first


def test_unclustered_articles_are_those_in_no_trend_yet(cluster_store: Any) -> None:
    # Given four articles of the window, two of which clustering has put in a trend
    articles = [_article(n, NOW - timedelta(minutes=10 * n)) for n in range(4)]
    if isinstance(cluster_store, InMemoryClusterStore):
        cluster_store.add(articles)
    else:
        cluster_store.save_new_articles(articles)
    cluster_store.set_article_trends([a.model_copy(update={"trend_id": "t1"}) for a in articles[1:3]])
    # Then the run's read returns the other two, oldest first
    found = cluster_store.unclustered_articles_between(NOW - timedelta(minutes=60), NOW)
    assert [a.article_id for a in found] == [f"{n:032x}" for n in (3, 0)]
    assert all(a.trend_id is None for a in found)


def test_an_article_item_written_before_the_trend_attribute_is_read_by_its_doc(dynamo: DynamoStore) -> None:
    # Given a clustered article stored as items were before they carried `trend_id` outside `doc`
    clustered = _article(1, NOW).model_copy(update={"trend_id": "t1"})
    item = ArticleEntity.to_item(clustered, timedelta(days=7))
    del item[ArticleEntity.TREND_ATTRIBUTE]
    dynamo._db.batch_put([item])
    dynamo.save_new_articles([_article(2, NOW)])
    # Then it passes the server-side filter but is still not returned as one to cluster
    found = dynamo.unclustered_articles_between(NOW - timedelta(minutes=5), NOW)
    assert [a.article_id for a in found] == [f"{2:032x}"]


def test_clustered_articles_stay_on_the_server(dynamo: DynamoStore) -> None:
    # Given an item whose top-level trend attribute is set but whose doc does not say so (only the
    # server-side filter can leave it out)
    item = ArticleEntity.to_item(_article(3, NOW), timedelta(days=7))
    item[ArticleEntity.TREND_ATTRIBUTE] = "t1"
    dynamo._db.batch_put([item])
    # Then the Query's FilterExpression drops it
    assert dynamo.unclustered_articles_between(NOW - timedelta(minutes=5), NOW) == []
    assert [a.article_id for a in dynamo.articles_ingested_between(NOW - timedelta(minutes=5), NOW)] == [
        f"{3:032x}"]


# --- ArticleRepository (ingest) ------------------------------------------------------------------------


def test_an_article_is_stored_once_and_only_the_first_save_returns_it(articles: Any) -> None:
    first = [_article(0, NOW), _article(1, NOW)]
    assert [a.article_id for a in articles.save_new_articles(first)] == [a.article_id for a in first]
    # a re-run (or an overlapping run) stores nothing twice and counts nothing twice
    again = articles.save_new_articles([_article(1, NOW), _article(2, NOW)])
    assert [a.article_id for a in again] == [_article(2, NOW).article_id]
    # one id twice in one call: written once
    assert len(articles.save_new_articles([_article(3, NOW), _article(3, NOW)])) == 1
    assert articles.save_new_articles([]) == []


def test_existing_keys_returns_the_records_of_the_stored_keys_only(articles: Any) -> None:
    stored = _article(1, NOW).model_copy(update={"guid": "urn:e:1"})
    articles.save_new_articles([stored])
    keys = dedupe_keys(stored)
    assert [k.kind for k in keys] == ["url", "title", "guid"]
    unknown = [DedupeKey("url", "", f"{9:032x}"), DedupeKey("title", "e", "fp9"),
               DedupeKey("guid", "e-world", "x")]
    found = articles.existing_keys([*keys, *unknown])
    assert found == {key: dedupe_record(stored) for key in keys}
    assert articles.existing_keys([]) == {}


def test_restoring_the_aliases_of_an_article_already_stored(articles: Any) -> None:
    # the repair of a run that died between an article and its aliases
    stored = _article(1, NOW).model_copy(update={"guid": "urn:e:1"})
    articles.save_new_articles([stored])
    url_key, *aliases = dedupe_keys(stored)
    if isinstance(articles, DynamoStore):
        articles._db.batch_delete([DedupeAliasEntity.key(key) for key in aliases])
    else:
        for key in aliases:
            del articles.keys[key]
    assert set(articles.existing_keys(dedupe_keys(stored))) == {url_key}

    assert articles.save_new_articles([stored]) == [], "stored already: nothing new, nothing counted"
    articles.restore_aliases([stored])
    assert set(articles.existing_keys(dedupe_keys(stored))) == {url_key, *aliases}


def test_a_title_key_holds_the_last_article_of_that_headline(articles: Any) -> None:
    # Given a recurring headline of one newsroom ("Morning briefing") under a new URL days later
    old = _article(1, NOW - timedelta(days=5)).model_copy(update={"published": NOW - timedelta(days=5)})
    new = _article(2, NOW).model_copy(update={"title_fingerprint": old.title_fingerprint})
    articles.save_new_articles([old])
    articles.save_new_articles([new])
    title = DedupeKey("title", "e", old.title_fingerprint)
    found = articles.existing_keys([title, DedupeKey("url", "", old.article_id)])
    # the title key now holds the newer article (the repeat window compares with it); the url key stays
    assert found[title]["article_id"] == new.article_id
    assert found[DedupeKey("url", "", old.article_id)]["article_id"] == old.article_id


def test_articles_ingested_between_to_the_second_oldest_first(articles: Any) -> None:
    start, end = NOW - timedelta(minutes=90), NOW
    stored = [_article(0, NOW - timedelta(minutes=91)),  # before the window
              _article(1, NOW - timedelta(minutes=20)),
              _article(2, start),  # on the lower bound
              _article(3, end + timedelta(milliseconds=500)),  # the same second as the upper bound
              _article(4, NOW - timedelta(minutes=75)),  # an earlier ingest hour
              _article(5, end + timedelta(seconds=1))]  # after the window
    articles.save_new_articles(stored)
    found = articles.articles_ingested_between(start, end)
    assert [a.article_id for a in found] == [f"{n:032x}" for n in (2, 4, 1, 3)]
    assert found[2] == stored[1]


# --- PredictionRepository -----------------------------------------------------------------------------

MADE = datetime(2026, 2, 16, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _prediction(trend_id: str, made_at: datetime = MADE, code: str = "fades",
                sentence: str = "fades by tomorrow") -> PredictionRecord:
    return PredictionRecord(trend_id=trend_id, made_at=made_at, due_at=made_at + 24 * HOUR, code=code,  # type: ignore[arg-type]
                            sentence=sentence, status="peaking", velocity=2.0, sources=3,
                            headline=f"Headline of {trend_id}", persistence="continues")


def _scored(record: PredictionRecord, outcome: str = "fades") -> PredictionRecord:
    return record.model_copy(update={"outcome": outcome, "velocity_later": 0.1,
                                     "scored_at": record.due_at})


def test_predictions_wait_until_due_oldest_first_then_count_once(predictions: Any) -> None:
    assert isinstance(predictions, PredictionRepository)
    # Given predictions made at 10:00 (t2, t1) and 11:00 (t1)
    predictions.put_predictions([_prediction("t2", code="continues"), _prediction("t1"),
                                 _prediction("t1", MADE + HOUR)])
    assert predictions.due_predictions(MADE + 23 * HOUR) == []
    # due: by due time, then trend id; at most `limit`
    due = predictions.due_predictions(MADE + 25 * HOUR)
    assert [(r.trend_id, r.made_at) for r in due] == [("t1", MADE), ("t2", MADE), ("t1", MADE + HOUR)]
    assert due[0] == _prediction("t1")
    assert [r.trend_id for r in predictions.due_predictions(MADE + 25 * HOUR, limit=1)] == ["t1"]
    # When the 10:00 ones are scored, twice (a retried run)
    scored = [_scored(r) for r in due[:2]]
    assert predictions.record_outcomes(scored) == 2
    assert predictions.record_outcomes(scored) == 0
    # Then they leave the due list, keep their outcome, and count once
    assert [(r.trend_id, r.made_at) for r in predictions.due_predictions(MADE + 30 * HOUR)] == [
        ("t1", MADE + HOUR)]
    assert predictions.predictions_for_trend("t1") == [_prediction("t1", MADE + HOUR), scored[0]]
    assert predictions.predictions_for_trend("t1", limit=1) == [_prediction("t1", MADE + HOUR)]
    assert predictions.prediction_track_record() == track_record(scored)


def test_a_prediction_of_the_same_hour_is_replaced_and_an_unknown_one_never_counts(
        predictions: Any) -> None:
    assert predictions.prediction_track_record() == track_record([])
    predictions.put_predictions([_prediction("t1")])
    predictions.put_predictions([_prediction("t1", sentence="a retried run's sentence")])
    assert [r.sentence for r in predictions.predictions_for_trend("t1")] == ["a retried run's sentence"]
    # an outcome for a prediction that was never stored (or expired) is not counted, nor stored
    assert predictions.record_outcomes([_scored(_prediction("t9"))]) == 0
    assert predictions.predictions_for_trend("t9") == []
    assert predictions.prediction_track_record() == track_record([])


def test_a_retired_prediction_leaves_the_due_list_uncounted_once(predictions: Any) -> None:
    # Given two due predictions, one already scored
    predictions.put_predictions([_prediction("t1"), _prediction("t2")])
    predictions.record_outcomes([_scored(_prediction("t2"))])
    # When both are retired (their trends are gone), twice (a retried run)
    both = [_prediction("t1"), _prediction("t2")]
    assert predictions.retire_predictions(both) == 1
    assert predictions.retire_predictions(both) == 0
    # Then none is due, the scored one keeps its outcome, and the track record counts only it
    assert predictions.due_predictions(MADE + 30 * HOUR) == []
    assert predictions.predictions_for_trend("t2") == [_scored(_prediction("t2"))]
    assert predictions.prediction_track_record() == track_record([_scored(_prediction("t2"))])
    assert list(predictions.scored_predictions()) == [_scored(_prediction("t2"))]  # nothing to learn from t1


def test_scored_predictions_are_read_back_for_calibration(predictions: Any) -> None:
    # Given predictions of three hours, the first two scored
    made = [_prediction("t1"), _prediction("t2", MADE + HOUR), _prediction("t1", MADE + 2 * HOUR)]
    predictions.put_predictions(made)
    scored = [_scored(made[0]), _scored(made[1], "continues")]
    predictions.record_outcomes(scored)
    # Then only the scored ones come back (pending ones have no outcome to learn from), with
    # their outcomes; `since` leaves out older ones
    assert sorted(predictions.scored_predictions(), key=lambda r: r.made_at) == scored
    assert list(predictions.scored_predictions(since=MADE + HOUR)) == [scored[1]]


def test_a_prediction_whose_trend_is_stored_is_never_retired(predictions: Any) -> None:
    # (scoring retires what it could not read: a trend this version cannot read is still there)
    stored = _trend(1)
    if isinstance(predictions, InMemoryPredictionRepository):
        predictions.trends[stored.trend_id] = stored
    else:
        predictions.save_trends([stored], {})
    record = _prediction(stored.trend_id)
    predictions.put_predictions([record])
    assert predictions.retire_predictions([record]) == 0
    assert predictions.due_predictions(MADE + 30 * HOUR) == [record]


def test_trend_states_are_read_open_or_closed(predictions: Any) -> None:
    stored = [_trend(1), _trend(2, open_=False)]
    if isinstance(predictions, InMemoryPredictionRepository):
        predictions.trends.update({t.trend_id: t for t in stored})
    else:
        predictions.save_trends(stored, {})
    found = predictions.get_trend_states([_trend(1).trend_id, _trend(2).trend_id, "t-unknown"])
    assert sorted(found) == [_trend(1).trend_id, _trend(2).trend_id]
    assert not found[_trend(2).trend_id].is_open
    assert found[_trend(1).trend_id].hourly == _trend(1).hourly
    assert predictions.get_trend_states([]) == {}


# --- BriefStore (headlinez.ports) --------------------------------------------------------------


_brief = partial(story.published_brief, now=NOW)


def test_load_trend_returns_members_oldest_first_with_the_snippets_of_stored_articles(
        briefs: tuple[Any, Seed]) -> None:
    store, seed = briefs
    assert store.load_trend(story.TREND_ID) is None
    items = story.articles(4)
    trend = story.trend(items, version=2)
    members = story.members(items)
    # members given newest first; the last member's article is not stored (expired, say)
    seed(trend, members[::-1], items[:3])
    snapshot = store.load_trend(story.TREND_ID)
    assert snapshot is not None
    assert snapshot.trend == trend
    assert snapshot.members == members
    assert snapshot.snippets == {a.article_id: a.summary for a in items[:3]}


def test_put_brief_writes_only_over_no_brief_or_an_older_version(briefs: tuple[Any, Seed]) -> None:
    store, _ = briefs
    assert store.get_brief(story.TREND_ID) is None
    assert store.put_brief(_brief(2))
    assert not store.put_brief(_brief(1, "An older text."))
    assert not store.put_brief(_brief(2, "Same version, other text."))
    assert store.get_brief(story.TREND_ID) == _brief(2)
    assert store.put_brief(_brief(3, "A newer text."))
    assert store.get_brief(story.TREND_ID) == _brief(3, "A newer text.")


def test_the_last_failure_of_a_trend_is_kept(briefs: tuple[Any, Seed]) -> None:
    store, _ = briefs
    assert store.get_failure(story.TREND_ID) is None
    first = BriefFailure(trend_id=story.TREND_ID, execution_id="e1", error="ModelOutputError",
                         cause="no JSON", attempt=1, failed_at=NOW)
    last = first.model_copy(update={"execution_id": "e2", "error": "InsufficientSupport", "attempt": 3})
    store.record_failure(first)
    store.record_failure(last)
    assert store.get_failure(story.TREND_ID) == last
    assert store.get_failure("t-other") is None


def test_the_token_budget_adds_up_per_day(briefs: tuple[Any, Seed]) -> None:
    store, _ = briefs
    day = NOW.date()
    assert store.tokens_spent(day) == 0
    assert store.add_tokens(day, 1200) == 1200
    assert store.add_tokens(day, 300) == 1500
    assert store.add_tokens(day + timedelta(days=1), 7) == 7
    assert (store.tokens_spent(day), store.tokens_spent(day + timedelta(days=1))) == (1500, 7)


def test_a_reservation_is_granted_only_within_the_budget(briefs: tuple[Any, Seed]) -> None:
    store, _ = briefs
    day = NOW.date()
    assert not store.budget_closed(day, 1000)
    assert store.reserve_tokens(day, 600, 1000)
    assert store.reserve_tokens(day, 400, 1000)  # exactly the budget
    assert store.tokens_spent(day) == 1000
    assert store.add_tokens(day, -700) == 300    # settled: the calls cost less than their ceilings
    # Given 700 left: a call that could cost 800 is refused, and counts nothing
    assert not store.reserve_tokens(day, 800, 1000)
    assert store.tokens_spent(day) == 300
    # the day is closed at that budget (clustering starts nothing more), not at a raised one
    assert store.budget_closed(day, 1000)
    assert not store.budget_closed(day, 5000)
    assert store.reserve_tokens(day, 800, 5000)
    # a ceiling larger than the whole budget is refused on a fresh day, writing no tokens
    other = day + timedelta(days=1)
    assert not store.reserve_tokens(other, 2000, 1000)
    assert store.tokens_spent(other) == 0
    assert store.budget_closed(other, 1000)


def test_a_model_pause_only_moves_later(briefs: tuple[Any, Seed]) -> None:
    store, _ = briefs
    assert store.model_paused_until() is None
    store.pause_model_calls(NOW + timedelta(seconds=90))
    assert store.model_paused_until() == NOW + timedelta(seconds=91)  # rounded up to a whole second
    store.pause_model_calls(NOW + timedelta(seconds=10))  # a shorter retry-after read later
    assert store.model_paused_until() == NOW + timedelta(seconds=91)
    store.pause_model_calls(NOW + timedelta(seconds=300.5))
    assert store.model_paused_until() == NOW + timedelta(seconds=301)


# --- BriefLedger (headlinez.ports; clustering's backlog) --------------------------------------------


def _written_from(trend_id: str, version: int, families: tuple[str, ...], articles: int) -> PublishedBrief:
    basis = BriefBasis(trend_version=version, article_ids=[f"{n:032x}" for n in range(articles)],
                       source_families=list(families))
    return _brief(version).model_copy(update={"trend_id": trend_id, "basis": basis})


def test_briefed_reads_what_each_published_brief_was_written_from(ledger: Any) -> None:
    assert ledger.briefed([]) == {}
    # Given a brief of t-a, an old brief of t-b stored before its basis was kept, a failed attempt
    # only for t-c, nothing for t-d
    ledger.put_brief(_written_from("t-a", 3, ("npr", "bbc"), 5))
    ledger.put_brief(_written_from("t-b", 2, (), 0))
    ledger.record_failure(BriefFailure(trend_id="t-c", execution_id="e1", error="ModelOutputError",
                                       cause="no JSON", attempt=3, failed_at=NOW))
    # When asked for them (a trend twice, and more ids than one BatchGetItem takes)
    asked = ["t-a", "t-b", "t-c", "t-d", "t-a", *(f"t-none-{n}" for n in range(120))]
    # Then a trend without a published brief is absent, failed attempts or not
    assert ledger.briefed(asked) == {"t-a": BriefedTrend(3, frozenset({"bbc", "npr"}), 5),
                                     "t-b": BriefedTrend(2, frozenset(), 0)}
    # A later failure keeps the brief; a newer brief replaces it, an older one does not
    ledger.record_failure(BriefFailure(trend_id="t-a", execution_id="e2", error="InsufficientSupport",
                                       cause="", attempt=3, failed_at=NOW))
    assert ledger.put_brief(_written_from("t-a", 4, ("ap", "bbc", "npr"), 7))
    assert not ledger.put_brief(_written_from("t-a", 1, ("ap",), 1))
    assert ledger.briefed(["t-a"]) == {"t-a": BriefedTrend(4, frozenset({"ap", "bbc", "npr"}), 7)}


def test_tokens_spent_counts_each_utc_day_apart(ledger: Any) -> None:
    late = datetime(2026, 2, 17, 23, 59, tzinfo=UTC)
    after_midnight = late + timedelta(minutes=2)
    assert ledger.tokens_spent(late.date()) == 0
    ledger.add_tokens(late.date(), 900)
    ledger.add_tokens(late.date(), 100)
    assert ledger.tokens_spent(late.date()) == 1000
    # the budget of the next UTC day starts from nothing
    assert ledger.tokens_spent(after_midnight.date()) == 0
    ledger.add_tokens(after_midnight.date(), 5)
    assert (ledger.tokens_spent(late.date()), ledger.tokens_spent(after_midnight.date())) == (1000, 5)


# --- Lease (headlinez.ports; clustering's single writer) ---------------------------------------------


def test_a_held_lease_is_refused_to_others_until_it_expires(lease: tuple[MakeLease, FakeClock]) -> None:
    make, clock = lease
    held = make(60)
    assert held.acquire("run-a")
    assert not held.acquire("run-b")
    # expiry is in whole seconds: still held during the expiry second itself
    clock.value += 60.99
    assert not held.acquire("run-b")
    clock.value += 0.01
    assert held.acquire("run-b")
    assert not held.acquire("run-a")  # the late holder lost it


def test_the_holder_takes_it_again_and_renews_the_expiry(lease: tuple[MakeLease, FakeClock]) -> None:
    make, clock = lease
    held = make(60)
    assert held.acquire("run-a")
    clock.value += 50
    assert held.acquire("run-a")  # re-entrant, now until +110
    clock.value += 11
    assert not held.acquire("run-b")
    clock.value += 50
    assert held.acquire("run-b")


def test_only_the_holder_releases(lease: tuple[MakeLease, FakeClock]) -> None:
    make, clock = lease
    held = make(60)
    held.release("run-a")  # nothing to release: no error
    assert held.acquire("run-a")
    held.release("run-b")  # not the holder: nothing happens
    assert not held.acquire("run-b")
    held.release("run-a")  # free at once
    assert held.acquire("run-b")
    # A's lease expired and B took it over: A's late release leaves B's lease alone
    clock.value += 61
    assert held.acquire("run-c")
    held.release("run-b")
    assert not held.acquire("run-b")
    # a holder may release after its lease expired (nobody took it): free as before
    clock.value += 61
    held.release("run-c")
    assert held.acquire("run-a")


def test_a_lease_expires_in_whole_seconds(lease: tuple[MakeLease, FakeClock]) -> None:
    make, clock = lease
    with pytest.raises(ValueError, match="ttl_seconds"):
        make(0)
    held = make(0.5)
    clock.value = 1_000_000.7
    assert held.acquire("run-a")  # until int(1_000_001.2) = 1_000_001, held through that second
    clock.value = 1_000_001.9
    assert not held.acquire("run-b")
    clock.value = 1_000_002.0
    assert held.acquire("run-b")


def _transaction_partitions(dynamo: DynamoStore, monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The partition keys of each TransactWriteItems call the store makes from now on."""
    calls: list[set[str]] = []
    real = dynamo._db.transact_write

    def spy(actions: list[dict[str, Any]]) -> None:
        keys = [a.get("Put", {}).get("Item") or a.get("Delete", {}).get("Key") for a in actions]
        calls.append({key["pk"] for key in keys})
        real(actions)

    monkeypatch.setattr(dynamo._db, "transact_write", spy)
    return calls


def test_a_split_pair_commits_in_one_transaction_however_many_trends_a_run_writes(
        dynamo: DynamoStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a trend with three stored members, and 120 other trends the same run rewrites
    old = _trend(1, version=1)
    dynamo.save_trends([old], {old.trend_id: [_member(1, 30), _member(2, 20), _member(3, 10)]},
                       expected_versions={})
    others = [_trend(1000 + n, version=0) for n in range(120)]
    calls = _transaction_partitions(dynamo, monkeypatch)
    # When a split moves members 2 and 3 to a new trend, written after the others
    moved = [_member(2, 20), _member(3, 10)]
    new = _trend(2, version=1)
    dynamo.save_trends([old.model_copy(update={"version": 2}), *others, new], {new.trend_id: moved},
                       expected_versions={old.trend_id: 1}, removed_members={old.trend_id: moved})
    # Then the old trend's deletes and the new trend's members are in one TransactWriteItems call:
    # written apart, a crash between the two left the moved articles in no trend
    assert len(calls) >= 2, "the run needed several transactions"
    (together,) = [c for c in calls if f"TREND#{old.trend_id}" in c]
    assert f"TREND#{new.trend_id}" in together
    found = dynamo.get_trend(new.trend_id)
    assert found is not None
    assert sorted(m.article_id for m in found[1]) == [f"{n:032x}" for n in (2, 3)]


def test_a_merged_trend_and_its_survivor_commit_in_one_transaction(
        dynamo: DynamoStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given two stored trends, and 120 other trends the same run rewrites between them
    survivor, absorbed = _trend(1, version=1), _trend(2, version=1)
    dynamo.save_trends([survivor, absorbed], {survivor.trend_id: [_member(1, 30)],
                                              absorbed.trend_id: [_member(4, 20), _member(5, 10)]},
                       expected_versions={})
    others = [_trend(1000 + n, version=0) for n in range(120)]
    calls = _transaction_partitions(dynamo, monkeypatch)
    # When the run folds the second into the first (its members copied over, itself closed)
    dynamo.save_trends(
        [survivor.model_copy(update={"version": 2}), *others,
         absorbed.model_copy(update={"version": 2, "is_open": False, "merged_into": survivor.trend_id})],
        {survivor.trend_id: [_member(4, 20), _member(5, 10)]},
        expected_versions={survivor.trend_id: 1, absorbed.trend_id: 1})
    # Then both META writes are in one TransactWriteItems call: written apart, a crash between them
    # left the articles in two open trends (absorbed twice later) or closed with no survivor
    assert len(calls) >= 2, "the run needed several transactions"
    (together,) = [c for c in calls if f"TREND#{survivor.trend_id}" in c]
    assert f"TREND#{absorbed.trend_id}" in together
