"""The prediction model, its outcome bands, the naive baselines, records and the track record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from headlinez.domain import prediction as pred
from headlinez.domain.prediction import (
    PredictionError,
    PredictionRecord,
    TrackRecord,
    counters,
    daily_velocity,
    make_record,
    outcome_code,
    persistence,
    predict,
    score,
    track_record,
)
from headlinez.models import HourBucket, TrendState

NOW = datetime(2026, 2, 17, 12, 5, tzinfo=UTC)
H = timedelta(hours=1)


def trend(hours_back: dict[int, tuple[int, int]], *, sources: int | None = None, age_hours: float = 3.0,
          trend_id: str = "t1") -> TrendState:
    """Buckets `hours_back[k] = (articles, newsrooms)` k hours before the current hour."""
    current = NOW.replace(minute=0)
    hourly = [HourBucket(hour=current - k * H, articles=n, sources=[f"s{k}-{i}" for i in range(s)])
              for k, (n, s) in sorted(hours_back.items(), reverse=True) if n]
    families = [f for b in hourly for f in b.sources]
    if sources is not None:
        families = [f"f{i}" for i in range(sources)]
    last_seen = NOW - timedelta(minutes=30)
    return TrendState(trend_id=trend_id, first_seen=NOW - age_hours * H, last_seen=last_seen,
                      hourly=hourly, source_families=families, headline="A headline")


def test_outcome_bands() -> None:
    assert outcome_code(4.0, 0.9) == "fades"  # < 25 %
    assert outcome_code(4.0, 1.0) == "continues"  # 25 %
    assert outcome_code(4.0, 3.9) == "continues"
    assert outcome_code(4.0, 4.0) == "builds"
    assert outcome_code(0.0, 3.0) is None  # nothing to compare with: not scored


def test_a_quiet_trend_stays_quiet() -> None:
    # Last article 5 hours ago: nothing in the three completed hours
    forecast = predict(trend({5: (3, 3)}, age_hours=6), "cooled", NOW)
    assert (forecast.code, forecast.sentence) == ("quiet", "stays quiet tomorrow")


def test_a_young_narrow_story_fades_by_tomorrow() -> None:
    forecast = predict(trend({1: (2, 2), 2: (1, 1)}, sources=3, age_hours=3), "rising", NOW)
    assert forecast.code == "fades"
    assert forecast.sentence == "fades by tomorrow"
    assert forecast.half_life_hours == pytest.approx(8.0)  # 4 h x log2(1 + 3)


def test_breadth_lengthens_the_half_life() -> None:
    # 7 newsrooms: half-life 12 h, expected ratio 2 ** -2 = 0.25: "still in the news tomorrow"
    forecast = predict(trend({1: (4, 4), 2: (3, 3)}, sources=7, age_hours=3), "peaking", NOW)
    assert forecast.half_life_hours == pytest.approx(12.0)
    assert forecast.code == "continues"


def test_a_story_that_lasted_a_day_goes_on_lindy() -> None:
    old_story = trend({1: (1, 1), 20: (2, 2), 22: (3, 2)}, sources=3, age_hours=23)
    assert predict(old_story, "fading", NOW).code == "continues"
    assert predict(old_story, "rising", NOW).code == "builds"  # a second-day surge
    # The same shape from a single newsroom is not a Lindy story
    assert predict(trend({1: (1, 1), 20: (1, 1)}, sources=1, age_hours=23), "rising", NOW).code == "fades"


def test_the_measured_decay_is_used_when_slower_than_the_prior() -> None:
    # The smoothed velocity peaked hours ago and has decayed slowly since: its measured half-life
    # is longer than the 4 h prior of one newsroom
    shaped = trend({10: (6, 1), 1: (3, 1)}, sources=1, age_hours=11)
    forecast = predict(shaped, "fading", NOW)
    assert forecast.half_life_hours is not None
    assert forecast.half_life_hours > pred.PRIOR_HALF_LIFE_HOURS
    assert forecast.expected_ratio == pytest.approx(2 ** (-24 / forecast.half_life_hours), abs=0.001)


def test_persistence_baseline() -> None:
    made_at = NOW.replace(minute=0)
    young = trend({1: (2, 2)}, age_hours=2)
    assert persistence(young, made_at) == "builds"  # nothing yesterday: "it is growing"
    shrinking = trend({1: (1, 1), 25: (8, 6), 26: (8, 6)}, age_hours=30)
    assert persistence(shrinking, made_at) == "fades"
    assert persistence(trend({5: (1, 1)}), made_at - 30 * H) is None


def test_record_is_made_for_active_trends_only() -> None:
    active = trend({1: (2, 2)}, age_hours=2)
    forecast = predict(active, "emerging", NOW)
    record = make_record(active, forecast, "emerging", NOW)
    assert record is not None
    assert record.made_at == NOW.replace(minute=0)
    assert record.due_at == record.made_at + 24 * H
    assert record.velocity == daily_velocity(active, record.made_at) > 0
    assert record.persistence == "builds"
    quiet = trend({5: (1, 1)}, age_hours=6)
    assert make_record(quiet, predict(quiet, "cooled", NOW), "cooled", NOW) is None


def test_scoring_reads_the_series_up_to_the_due_time() -> None:
    made_at = NOW.replace(minute=0) - 24 * H
    record = PredictionRecord(trend_id="t1", made_at=made_at, due_at=made_at + 24 * H, code="fades",
                              sentence="fades by tomorrow", velocity=4.0, sources=4)
    # The day after: 4 articles from 3 newsrooms in 24 h = 0.5 (12.5 % of 4.0)
    later = trend({2: (2, 2), 5: (2, 1)}, age_hours=30)
    with pytest.raises(PredictionError):
        score(record, later, made_at + 23 * H)  # not due yet
    scored = score(record, later, NOW)
    assert (scored.outcome, scored.velocity_later, scored.correct) == ("fades", 0.5, True)
    # Articles after the due time change nothing
    busier = trend({0: (9, 9), 2: (2, 2), 5: (2, 1)}, age_hours=30)
    assert score(record, busier, NOW + 5 * H).outcome == "fades"
    with pytest.raises(PredictionError):
        score(scored, later, NOW)  # already scored


def _scored(code: str, outcome: str, persist: str | None = None) -> PredictionRecord:
    made = NOW - 30 * H
    return PredictionRecord(trend_id="t", made_at=made, due_at=made + 24 * H, code=code,  # type: ignore[arg-type]
                            sentence="s", velocity=1.0, sources=1, persistence=persist,  # type: ignore[arg-type]
                            outcome=outcome, velocity_later=0.0, scored_at=NOW)  # type: ignore[arg-type]


def test_track_record_sums_and_compares_with_the_baselines() -> None:
    records = [_scored("fades", "fades", "builds"), _scored("fades", "builds", "builds"),
               _scored("continues", "continues", "fades"), _scored("builds", "fades", None)]
    record = track_record(records)
    assert (record.scored, record.correct) == (4, 2)
    assert record.accuracy == 0.5
    assert record.always_fades_accuracy == 0.5
    assert record.persistence_accuracy == 0.25
    assert record.confusion == {"fades>fades": 1, "fades>builds": 1, "continues>continues": 1,
                                "builds>fades": 1}
    by_code = record.by_code()
    assert (by_code["fades"].predicted, by_code["fades"].correct, by_code["fades"].actual) == (2, 1, 2)
    # balanced accuracy: recall fades 1/2, continues 1/1, builds 0/1
    assert record.balanced_accuracy() == pytest.approx((0.5 + 1 + 0) / 3)


def test_stored_counters_round_trip() -> None:
    total: dict[str, int] = {}
    for record in [_scored("fades", "fades", "fades"), _scored("builds", "continues", "builds")]:
        for key, value in counters(record).items():
            total[key] = total.get(key, 0) + value
    assert TrackRecord.from_counters(total) == track_record(
        [_scored("fades", "fades", "fades"), _scored("builds", "continues", "builds")])
    with pytest.raises(PredictionError):
        counters(make_record(trend({1: (2, 2)}), predict(trend({1: (2, 2)}), None, NOW), None, NOW)  # type: ignore[arg-type]
                 )
    assert TrackRecord().accuracy is None
