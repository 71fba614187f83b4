"""The prediction model, its outcome bands, the naive baselines, records and the track record."""

from __future__ import annotations

import math
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
    assert outcome_code(4.0, 9.0) == "continues"
    assert outcome_code(0.0, 3.0) is None  # nothing to compare with: not scored


def test_a_trend_with_no_article_in_a_day_stays_quiet() -> None:
    forecast = predict(trend({26: (3, 3)}, age_hours=27), "cooled", NOW)
    assert (forecast.code, forecast.sentence, forecast.confidence) == ("quiet", "stays quiet tomorrow", None)


def test_a_lull_of_a_few_hours_is_still_forecast() -> None:
    # The Geneva case: a big story whose last article is 3-4 hours old is not "quiet"
    forecast = predict(trend({4: (6, 5), 5: (8, 6), 6: (5, 4)}, age_hours=8), "peaking", NOW)
    assert forecast.code in ("fades", "continues")
    assert forecast.confidence is not None
    assert 0 < forecast.confidence < 1


def test_features_read_only_the_hours_before_the_boundary() -> None:
    made_at = NOW.replace(minute=0)
    base = trend({1: (2, 2), 3: (1, 1)}, age_hours=4)
    with_current_hour = trend({0: (9, 9), 1: (2, 2), 3: (1, 1)}, age_hours=4)
    assert pred.features(base, made_at) == pred.features(with_current_hour, made_at)
    values = pred.features(base, made_at)
    assert set(values) == set(pred.FEATURE_NAMES)
    assert values["log_newsrooms"] == pytest.approx(math.log1p(3))
    assert values["log_hours_since_last"] == pytest.approx(math.log1p(0.5))


def _model(weights: dict[str, float], rates: tuple[float, float] = (0.8, 0.2)) -> pred.PredictionModel:
    names = pred.FEATURE_NAMES
    return pred.PredictionModel(
        classes=("fades", "continues"), feature_names=names, mean=tuple(0.0 for _ in names),
        scale=tuple(1.0 for _ in names),
        coef=(tuple(0.0 for _ in names), tuple(weights.get(n, 0.0) for n in names)),
        intercept=(0.0, 0.0), class_rates={"fades": rates[0], "continues": rates[1]})


def test_the_model_is_a_logistic_regression_decided_against_the_base_rates() -> None:
    model = _model({"recent_share": 2.0})
    p = model.probabilities({n: (0.5 if n == "recent_share" else 0.0) for n in pred.FEATURE_NAMES})
    assert p["continues"] == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert sum(p.values()) == pytest.approx(1.0)
    # P(continues) 0.3 is above its base rate 0.2 (P(fades) 0.7 < 0.8): "still in the news"
    assert model.decide({"fades": 0.7, "continues": 0.3}) == "continues"
    assert model.decide({"fades": 0.85, "continues": 0.15}) == "fades"


def test_stated_probabilities_divide_the_training_base_rates_out() -> None:
    model = _model({})
    # Base rates 0.8 / 0.2: P(continues) 0.3 is 1.5x its base rate, P(fades) 0.7 is 0.875x
    stated = model.stated_probabilities({"fades": 0.7, "continues": 0.3})
    assert stated["continues"] == pytest.approx(1.5 / (1.5 + 0.875))
    assert sum(stated.values()) == pytest.approx(1.0)
    # The most likely code under the stated probabilities is the base-rate decision
    for raw in ({"fades": 0.7, "continues": 0.3}, {"fades": 0.85, "continues": 0.15}):
        stated = model.stated_probabilities(raw)
        assert max(stated, key=lambda c: stated[c]) == model.decide(raw)
    # At the base rates there is no evidence either way
    assert model.stated_probabilities({"fades": 0.8, "continues": 0.2})["continues"] == pytest.approx(0.5)


@pytest.mark.parametrize("hours", [{1: (4, 4), 2: (3, 3)}, {1: (1, 1)}, {20: (9, 6), 23: (1, 1)}])
def test_the_stated_confidence_is_never_below_even_odds(hours: dict[int, tuple[int, int]]) -> None:
    # "still in the news tomorrow · 15% confidence" contradicted itself: the confidence is the
    # stated probability of the predicted code, the likelier one
    forecast = predict(trend(hours, sources=3, age_hours=30), "peaking", NOW)
    assert forecast.confidence is not None
    assert forecast.confidence >= 0.5
    assert forecast.confidence == pytest.approx(max(forecast.probabilities.values()), abs=1e-4)


def test_the_shipped_model_forecasts_with_its_confidence() -> None:
    model = pred.load_model()
    assert model.classes == pred.SCORED_CODES
    assert model.feature_names == pred.FEATURE_NAMES
    assert model.held_out_from is not None
    assert model.samples > 0
    forecast = predict(trend({1: (4, 4), 2: (3, 3)}, sources=7, age_hours=3), "rising", NOW)
    assert forecast.code in pred.SCORED_CODES
    assert forecast.confidence == pytest.approx(forecast.probabilities[forecast.code], abs=1e-4)
    assert forecast.sentence == pred.SENTENCES[forecast.code]


def test_persistence_baseline() -> None:
    made_at = NOW.replace(minute=0)
    young = trend({1: (2, 2)}, age_hours=2)
    assert persistence(young, made_at) == "continues"  # nothing yesterday: "it is growing"
    shrinking = trend({1: (1, 1), 25: (8, 6), 26: (8, 6)}, age_hours=30)
    assert persistence(shrinking, made_at) == "fades"
    assert persistence(trend({5: (1, 1)}), made_at - 30 * H) is None


def test_record_is_made_for_active_public_trends_only() -> None:
    active = trend({1: (2, 2)}, age_hours=2)
    forecast = predict(active, "emerging", NOW)
    record = make_record(active, forecast, "emerging", NOW)
    assert record is not None
    assert record.made_at == NOW.replace(minute=0)
    assert record.due_at == record.made_at + 24 * H
    assert record.velocity == daily_velocity(active, record.made_at) > 0
    assert record.persistence == "continues"
    assert record.confidence == forecast.confidence
    assert record.features == forecast.features
    quiet = trend({26: (1, 1)}, age_hours=27)
    assert make_record(quiet, predict(quiet, "cooled", NOW), "cooled", NOW) is None
    candidate = trend({1: (2, 1)}, age_hours=2)
    assert make_record(candidate, predict(candidate, "emerging", NOW), "emerging", NOW) is None


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
    records = [_scored("fades", "fades", "continues"), _scored("fades", "continues", "continues"),
               _scored("continues", "continues", "fades"), _scored("continues", "fades", None)]
    record = track_record(records)
    assert (record.scored, record.correct) == (4, 2)
    assert record.accuracy == 0.5
    assert record.always_fades_accuracy == 0.5
    assert record.persistence_accuracy == 0.25
    assert record.confusion == {"fades>fades": 1, "fades>continues": 1, "continues>continues": 1,
                                "continues>fades": 1}
    by_code = record.by_code()
    assert (by_code["fades"].predicted, by_code["fades"].correct, by_code["fades"].actual) == (2, 1, 2)
    # balanced accuracy: recall fades 1/2, continues 1/2
    assert record.balanced_accuracy() == pytest.approx(0.5)


def test_stored_counters_round_trip() -> None:
    total: dict[str, int] = {}
    for record in [_scored("fades", "fades", "fades"), _scored("continues", "fades", "continues")]:
        for key, value in counters(record).items():
            total[key] = total.get(key, 0) + value
    assert TrackRecord.from_counters(total) == track_record(
        [_scored("fades", "fades", "fades"), _scored("continues", "fades", "continues")])
    with pytest.raises(PredictionError):
        counters(make_record(trend({1: (2, 2)}), predict(trend({1: (2, 2)}), None, NOW), None, NOW)  # type: ignore[arg-type]
                 )
    assert TrackRecord().accuracy is None


def test_a_backtest_with_outcomes_only_before_the_held_out_bound_says_so() -> None:
    import io

    from headlinez.evaluation.backtest import StreamReplay, print_report

    # The UCI prefix (2014) against the shipped model's held-out bound (2026-02-16): 606 scored
    # predictions were reported as "the stream is shorter than the horizon"
    made = datetime(2014, 3, 11, tzinfo=UTC)
    record = PredictionRecord(trend_id="t1", made_at=made, due_at=made + timedelta(hours=24), code="fades",
                              sentence="fades by tomorrow", velocity=1.0, sources=2, outcome="fades")
    replay = StreamReplay(records=[record], start=made, end=made + timedelta(days=2))
    out = io.StringIO()
    print_report(replay, "uci", out, score_from=datetime(2026, 2, 16, tzinfo=UTC))
    assert ("nothing to score: 1 predictions have an outcome, all made before 2026-02-16 00:00Z, the "
            "held-out bound; pass --score-from") in out.getvalue()
    assert "shorter than the horizon" not in out.getvalue()
