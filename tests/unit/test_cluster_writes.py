"""Clustering writes only what changed, and redoes a run that lost a trend write (issue 13, 2 and 4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

import pytest
from tests.fakes import InMemoryClusterStore
from tests.unit.test_brief_cluster_trigger import T0, article

from headlinez.domain.clustering import ClusterConfig
from headlinez.models import Article, TrendMember, TrendState
from headlinez.services import cluster as cluster_module
from headlinez.services.cluster import ClusterService, ConcurrentClusteringError, trends_to_write

NEWS = [
    article("US and Iran hold nuclear talks in Geneva", "bbc", 5),
    article("Iran and US negotiators meet in Geneva for nuclear talks", "npr", 12),
    article("Team USA wins hockey gold at the Winter Olympics", "nbc", 15),
    article("Hockey gold for Team USA at the Winter Olympics in Milan", "abc", 25),
    article("Local bakery wins regional bread award", "gazette", 18),
]
MORE_TALKS = article("Geneva nuclear talks: Iran says US more realistic", "dawn", 20)


def _service(store: InMemoryClusterStore) -> ClusterService:
    return ClusterService(store, ClusterConfig(), lookback=timedelta(hours=6))


def test_a_run_without_news_writes_no_trend() -> None:
    # Given a clustered store
    store = InMemoryClusterStore(NEWS)
    first = _service(store).run(T0 + timedelta(minutes=45))
    assert first.trends_written == len(store.trends) >= 3
    # When the next run finds no new article and no status changes
    second = _service(store).run(T0 + timedelta(minutes=47))
    # Then it writes no trend (it used to rewrite every open one)
    assert second.articles_clustered == 0
    assert second.trends_written == 0
    assert store.writes[-1] == []


def trend(trend_id: str, **update: object) -> TrendState:
    base = TrendState(trend_id=trend_id, article_count=2, source_families=["bbc", "npr"], first_seen=T0,
                      last_seen=T0, status="rising", rank_score=10.0, version=3)
    return base.model_copy(update=update)


def test_only_trends_that_changed_are_chosen() -> None:
    loaded = {tid: trend(tid) for tid in ("same", "drift", "moved", "status", "clustered")}
    now = {**loaded, "status": trend("status", status="peaking"),
           "clustered": trend("clustered", article_count=3, version=4), "new": trend("new", rank_score=None)}
    scores = {"same": 10.0, "drift": 10.8, "moved": 12.0, "status": 10.0, "clustered": 10.0, "new": 1.0}

    chosen = trends_to_write(now, loaded, ["clustered", "new"], scores)

    # a new member, a new trend, a derived field, a rank score moved by more than 10%
    assert sorted(t.trend_id for t in chosen) == ["clustered", "moved", "new", "status"]
    # each stored with the score its list position gets
    assert {t.trend_id: t.rank_score for t in chosen} == {"clustered": 10.0, "moved": 12.0, "new": 1.0,
                                                          "status": 10.0}


def test_a_trend_never_ranked_is_written_once() -> None:
    loaded = {"legacy": trend("legacy", rank_score=None)}
    (chosen,) = trends_to_write(loaded, loaded, [], {"legacy": 4.0})
    assert chosen.rank_score == 4.0
    assert trends_to_write({"legacy": chosen}, {"legacy": chosen}, [], {"legacy": 4.1}) == []


class RacingStore(InMemoryClusterStore):
    """Another run writes a newer version of every loaded trend right after this run loads them."""

    def __init__(self, articles: Sequence[Article], races: int) -> None:
        super().__init__(articles)
        self.races = races
        self.loads = 0

    def load_open_trends(self) -> list[TrendState]:
        trends = super().load_open_trends()
        self.loads += 1
        if self.races > 0:
            self.races -= 1
            for t in trends:
                self.trends[t.trend_id] = t.model_copy(update={"version": t.version + 1})
        return trends

    def save_trends(self, trends: Sequence[TrendState], members: Mapping[str, Sequence[TrendMember]],
                    scores: Mapping[str, float] | None = None, *,
                    expected_versions: Mapping[str, int] | None = None,
                    removed_members: Mapping[str, Sequence[TrendMember]] | None = None) -> None:
        assert expected_versions is not None  # clustering always writes conditionally
        super().save_trends(trends, members, scores, expected_versions=expected_versions,
                              removed_members=removed_members)


def test_a_run_that_loses_a_write_reloads_and_is_redone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "CONFLICT_BACKOFF_SECONDS", 0.0)
    store = RacingStore(NEWS[:2], races=0)
    _service(store).run(T0 + timedelta(minutes=30))
    # Given another run that changes the trends once while this run adds to them
    store.add([*NEWS[2:], MORE_TALKS])
    store.races = 1
    report = _service(store).run(T0 + timedelta(minutes=45))
    # Then the run was redone from a fresh load, and its result is stored
    assert report.write_conflicts == 1
    assert store.loads == 3
    assert report.articles_clustered == 4
    for trend_id, state in store.trends.items():
        assert state.article_count == len(store.members[trend_id])


def test_a_run_gives_up_after_bounded_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "CONFLICT_BACKOFF_SECONDS", 0.0)
    store = RacingStore(NEWS[:2], races=0)
    _service(store).run(T0 + timedelta(minutes=30))
    store.add([*NEWS[2:], MORE_TALKS])
    store.races = 100
    with pytest.raises(ConcurrentClusteringError):
        _service(store).run(T0 + timedelta(minutes=45))
    assert store.loads == 1 + cluster_module.MAX_RUN_ATTEMPTS


def test_a_backlog_run_dates_first_detection_when_the_second_newsroom_arrived() -> None:
    # Given the Geneva talks covered by BBC at 10:05 and NPR at 10:12, first read at 14:00
    store = InMemoryClusterStore(NEWS)
    _service(store).run(T0 + timedelta(hours=4))
    talks = next(t for t in store.trends.values() if "Geneva" in t.headline)
    # Then "first detected" is the 10:15 run that would have seen both, not 14:00
    assert talks.source_count == 2
    assert talks.detected_at == T0 + timedelta(minutes=15)
