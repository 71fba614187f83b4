"""Trend enrichment after a clustering run, alone and through the cluster service."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.fakes import InMemoryClusterStore, InMemoryPredictionRepository

from headlinez.domain.clustering import ClusterConfig
from headlinez.domain.prediction import CONFIDENCE_STEP, Forecast, PredictionRecord, predict, shown_confidence
from headlinez.domain.text import title_fingerprint
from headlinez.models import Article, HourBucket, TrendState
from headlinez.services import trend_intel
from headlinez.services.cluster import ClusterService
from headlinez.services.trend_intel import enrich

T0 = datetime(2026, 2, 17, 10, 0, tzinfo=UTC)
H = timedelta(hours=1)


def article(title: str, outlet: str, minute: int, *, hint: str | None = None, day: int = 0) -> Article:
    published = T0 + timedelta(days=day, minutes=minute)
    digest = hashlib.sha256(f"{title}{outlet}".encode()).hexdigest()
    return Article(article_id=digest, url=f"https://{outlet}.example/{digest[:8]}", title=title, summary="",
                   published=published, ingested_at=published + timedelta(minutes=2), feed_id=outlet,
                   outlet=outlet.upper(), publisher_family=outlet, category_hint=hint,
                   title_fingerprint=title_fingerprint(title))


TALKS = [
    article("US and Iran hold nuclear talks in Geneva", "bbc", 5, hint="world"),
    article("Iran and US negotiators meet in Geneva for nuclear talks", "npr", 12, hint="world"),
    article("Geneva nuclear talks: Iran says US more realistic", "dawn", 20),
    article("Nuclear talks between Iran and the US resume in Geneva", "cbs", 31, hint="world"),
]
OLYMPICS = [
    article("Team USA wins hockey gold at the Winter Olympics", "nbc", 15, hint="sports"),
    article("Hockey gold for Team USA at the Winter Olympics in Milan", "abc", 25, hint="sports"),
]


class MemoryStore(InMemoryClusterStore, InMemoryPredictionRepository):
    """ClusterStore + PredictionRepository in memory, on one set of trends (as DynamoStore's table)."""

    def __init__(self, articles: Sequence[Article]) -> None:
        InMemoryPredictionRepository.__init__(self)
        InMemoryClusterStore.__init__(self, articles)


def service(store: MemoryStore) -> ClusterService:
    return ClusterService(store, ClusterConfig(), lookback=timedelta(hours=6), predictions=store)


def test_the_cluster_service_fills_every_field_of_the_trend_page() -> None:
    # Given two stories ingested before 10:45
    store = MemoryStore(TALKS + OLYMPICS)
    report = service(store).run(T0 + timedelta(minutes=45))
    assert report.trends_new == 2
    talks = next(t for t in store.trends.values() if "Iran" in t.headline)
    olympics = next(t for t in store.trends.values() if "hockey" in t.headline.lower())
    # Then each trend has a status, a prediction, a category, topics, and no related (unrelated)
    assert talks.status == "emerging"
    assert talks.prediction is not None
    assert talks.prediction_code in {"fades", "continues"}
    assert talks.prediction_confidence is not None
    assert (talks.category, olympics.category) == ("world", "sports")
    assert {"Iran", "United States", "Geneva"} <= {t.name for t in talks.topics}
    assert talks.related == []
    assert olympics.related == []
    # No completed hour yet: nothing recorded
    assert report.predictions_recorded == 0


def test_predictions_are_recorded_once_an_hour_and_scored_a_day_later() -> None:
    store = MemoryStore(TALKS + OLYMPICS)
    run = service(store)
    run.run(T0 + timedelta(minutes=45))
    # The first run of 11:00 records one prediction per active trend, later runs of the hour none
    assert run.run(T0 + H + timedelta(minutes=5)).predictions_recorded == 2
    assert run.run(T0 + H + timedelta(minutes=20)).predictions_recorded == 0
    assert len(store.predictions) == 2
    # A day later (no more coverage) both predictions are due and scored once
    report = run.run(T0 + 25 * H + timedelta(minutes=5))
    assert report.predictions_scored == 2
    assert run.run(T0 + 25 * H + timedelta(minutes=20)).predictions_scored == 0
    record = store.prediction_track_record()
    assert record.scored == 2
    assert record.confusion.keys() <= {f"{p}>fades" for p in ("fades", "continues", "builds")}
    talks_id = next(t.trend_id for t in store.trends.values() if "Iran" in t.headline)
    history = store.predictions_for_trend(talks_id)
    assert history[0].outcome == "fades"
    assert history[0].velocity_later == 0.0


def test_predictions_of_a_trend_that_is_gone_do_not_stall_scoring() -> None:
    # Given a full read of due predictions whose trend expired (no META left to score against)
    store = MemoryStore(TALKS)
    run = service(store)
    run.run(T0 + timedelta(minutes=45))
    run.run(T0 + H + timedelta(minutes=5))  # one prediction of the talks, due a day later
    gone = PredictionRecord(trend_id="expired", made_at=T0 - H, due_at=T0 + 23 * H, code="fades",
                            sentence="fades by tomorrow", status="fading", velocity=1.0, sources=2,
                            headline="An expired trend")
    store.put_predictions([gone.model_copy(update={"made_at": T0 - H - n * timedelta(seconds=1)})
                           for n in range(3)])
    store.due_predictions = functools.partial(MemoryStore.due_predictions, store, limit=3)  # type: ignore[method-assign]
    # When scoring runs a day later: the first read holds only the orphans, which leave the due list
    assert run.run(T0 + 25 * H + timedelta(minutes=5)).predictions_scored == 0
    # Then the next run reaches the talks' prediction
    assert run.run(T0 + 25 * H + timedelta(minutes=20)).predictions_scored == 1
    assert store.prediction_track_record().scored == 1


def test_status_carries_over_runs_and_follows_the_series() -> None:
    store = MemoryStore(TALKS)
    run = service(store)
    run.run(T0 + timedelta(minutes=45))
    # More coverage in the next two hours: the trend rises
    store.add([article(f"Iran nuclear talks in Geneva, update {n}", f"outlet{n}", 60 + 8 * n)
               for n in range(6)])
    run.run(T0 + H + timedelta(minutes=55))
    run.run(T0 + 2 * H + timedelta(minutes=5))
    talks = next(iter(store.trends.values()))
    assert talks.status == "rising"
    since = talks.status_since
    run.run(T0 + 2 * H + timedelta(minutes=20))
    assert next(iter(store.trends.values())).status_since == since
    # Hours of silence: it cools
    for hour in range(3, 16):  # cooled after the quiet period of a 3-newsroom story (6 h)
        run.run(T0 + hour * H + timedelta(minutes=5))
    assert next(iter(store.trends.values())).status == "cooled"


def _state(trend_id: str, headline: str, **update: object) -> TrendState:
    base = TrendState(trend_id=trend_id, first_seen=T0, last_seen=T0 + 20 * timedelta(minutes=1),
                      headline=headline, centroid={"iran": 2.0, "talk": 1.0},
                      hourly=[HourBucket(hour=T0, articles=3, sources=["a", "b", "c"])],
                      source_families=["a", "b", "c"])
    return base.model_copy(update=update)


def test_enrich_carries_fields_that_clustering_rebuilt_without_them() -> None:
    before = _state("t1", "Iran talks", status="rising", status_since=T0 + timedelta(minutes=30),
                    category="world")
    rebuilt = _state("t1", "Iran talks")  # what cluster_articles returns: no intelligence fields
    result = enrich([rebuilt], now=T0 + timedelta(minutes=50), previous={"t1": before}, changed=["t1"])
    (state,) = result.trends
    assert state.status == "rising"  # kept (no completed hour yet, and within the dwell)
    assert state.status_since == T0 + timedelta(minutes=30)
    assert state.category == "world"


def test_unchanged_trends_keep_their_topics_and_closed_ones_cool() -> None:
    kept = _state("t1", "Iran talks", status="peaking", status_since=T0, category="world",
                  topics=[], related=[])
    closed = _state("t2", "Old story", is_open=False, status="fading", status_since=T0)
    result = enrich([kept, closed], now=T0 + 3 * H, previous={}, changed=[])
    states = {t.trend_id: t for t in result.trends}
    assert states["t1"].category == "world"
    assert states["t1"].topics == []
    assert states["t2"].status == "cooled"
    assert states["t2"].related == []
    assert result.predictions == []  # not asked to record


def _cooled_candidate(**update: object) -> TrendState:
    """One newsroom's burst of three articles two days ago, cooled since; `update` adds to it."""
    old = T0 - timedelta(days=2)
    base = TrendState(trend_id="t3", first_seen=old, last_seen=old + timedelta(minutes=40),
                      headline="Iran talks", centroid={"iran": 2.0},
                      hourly=[HourBucket(hour=old, articles=3, sources=["a"])], source_families=["a"],
                      status="cooled", status_since=old + 4 * H)
    return base.model_copy(update=update)


def test_a_cooled_candidate_that_becomes_public_restarts_as_emerging() -> None:
    # A second newsroom takes the story up now: the page must not say "Cooled" for a trend
    # detected this hour (the old burst's peak would keep it cooled until its velocity beat it).
    now = T0 + timedelta(minutes=50)
    before = _cooled_candidate()
    public = _cooled_candidate(last_seen=T0 + timedelta(minutes=10), source_families=["a", "b"],
                               hourly=[*before.hourly, HourBucket(hour=T0, articles=1, sources=["b"])])
    (state,) = enrich([public], now=now, previous={"t3": before}, changed=["t3"]).trends
    assert state.detected_at == now
    assert state.lifecycle_from == now
    assert state.status == "emerging"
    assert state.status_since == now
    # Later runs keep counting the peak and age from the detection, not from the old burst
    later = state.model_copy(update={"hourly": [*state.hourly, HourBucket(hour=T0 + H, articles=1,
                                                                           sources=["c"])],
                                     "last_seen": T0 + H + timedelta(minutes=5),
                                     "source_families": ["a", "b", "c"]})
    (again,) = enrich([later], now=T0 + 2 * H + timedelta(minutes=5), previous={"t3": state},
                      changed=["t3"]).trends
    assert again.lifecycle_from == now
    assert again.status == "emerging"


def test_a_trend_detected_before_it_cooled_keeps_its_lifecycle() -> None:
    fresh = _state("t4", "Iran talks")  # three newsrooms in its first hour, never enriched
    (state,) = enrich([fresh], now=T0 + timedelta(minutes=50), previous={}, changed=["t4"]).trends
    assert state.detected_at is not None
    assert state.lifecycle_from is None
    # An already public trend that cooled and gets an article stays cooled (no restart)
    cooled = state.model_copy(update={"status": "cooled", "status_since": T0 + 8 * H,
                                      "last_seen": T0 + 20 * H})
    (again,) = enrich([cooled], now=T0 + 20 * H + timedelta(minutes=10), previous={"t4": cooled},
                      changed=["t4"]).trends
    assert again.status == "cooled"
    assert again.lifecycle_from is None


def test_a_stored_confidence_moves_only_by_a_visible_step_or_with_the_forecast() -> None:
    # A drift of a point or two keeps the stored value (no rewrite of the trend item)...
    assert shown_confidence("fades", 0.71, "fades", 0.7349) == 0.71
    assert shown_confidence("fades", 0.71, "fades", 0.6651) == 0.71
    # ...a step of CONFIDENCE_STEP or more, a new forecast, or nothing stored takes the model's
    assert CONFIDENCE_STEP == 0.05
    assert shown_confidence("fades", 0.71, "fades", 0.76) == 0.76
    assert shown_confidence("fades", 0.71, "fades", 0.66) == 0.66
    assert shown_confidence("fades", 0.71, "continues", 0.72) == 0.72
    assert shown_confidence(None, None, "fades", 0.7149) == 0.71
    assert shown_confidence("fades", 0.71, None, None) is None


def test_enrichment_keeps_the_stored_confidence_through_a_small_drift(
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore(TALKS + OLYMPICS)
    service(store).run(T0 + timedelta(minutes=45))
    talks_id = next(t.trend_id for t in store.trends.values() if "Iran" in t.headline)
    stored = store.trends[talks_id]
    assert stored.prediction_confidence is not None
    # When the model's confidence drifts by one point with the same forecast
    real = predict

    def drifted(trend: TrendState, *args: Any, **kwargs: Any) -> Forecast:
        forecast = real(trend, *args, **kwargs)
        assert stored.prediction_confidence is not None
        return forecast.model_copy(update={"code": stored.prediction_code,
                                           "confidence": stored.prediction_confidence + 0.01})

    monkeypatch.setattr(trend_intel, "predict", drifted)
    result = enrich([stored], now=T0 + timedelta(minutes=50), previous={talks_id: stored})
    # Then the enriched trend keeps the stored value (the item is not rewritten for it)
    assert result.trends[0].prediction_confidence == stored.prediction_confidence
    # and a drift of a whole step is stored
    monkeypatch.setattr(trend_intel, "predict", lambda trend, *a, **k: real(trend, *a, **k).model_copy(
        update={"code": stored.prediction_code, "confidence": stored.prediction_confidence + 0.05}))
    moved = enrich([stored], now=T0 + timedelta(minutes=50), previous={talks_id: stored})
    assert moved.trends[0].prediction_confidence == round(stored.prediction_confidence + 0.05, 2)
