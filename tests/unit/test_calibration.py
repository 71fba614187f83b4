"""Calibration of the prediction: the Platt fit, the model that carries it, the command's guards."""

from __future__ import annotations

import io
import json
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from headlinez.domain.prediction import (
    MIN_CALIBRATION_TRENDS,
    Calibration,
    CalibrationError,
    PredictionModel,
    PredictionRecord,
    fit_calibration,
    load_model,
    raw_log_odds,
    sigmoid,
)
from headlinez.evaluation import calibration
from headlinez.evaluation.backtest import remade

MADE = datetime(2026, 3, 1, tzinfo=UTC)


def _synthetic(n: int, slope: float, intercept: float, seed: int = 7) -> tuple[list[float], list[bool]]:
    rng = random.Random(seed)
    log_odds = [rng.gauss(0.0, 2.0) for _ in range(n)]
    return log_odds, [rng.random() < sigmoid(slope * z + intercept) for z in log_odds]


def test_the_fit_recovers_a_known_miscalibration() -> None:
    # An over-confident model: its log-odds are twice what the outcomes bear out, shifted
    log_odds, continued = _synthetic(20_000, slope=0.5, intercept=-1.0)
    slope, intercept = fit_calibration(log_odds, continued)
    assert slope == pytest.approx(0.5, abs=0.05)
    assert intercept == pytest.approx(-1.0, abs=0.06)


def test_with_nothing_to_learn_from_the_fit_stays_the_identity() -> None:
    assert fit_calibration([], []) == (1.0, 0.0)
    # a calibrated model's own outcomes: the fit keeps it as it is
    log_odds, continued = _synthetic(20_000, slope=1.0, intercept=0.0, seed=3)
    slope, intercept = fit_calibration(log_odds, continued)
    assert (slope, intercept) == (pytest.approx(1.0, abs=0.05), pytest.approx(0.0, abs=0.05))
    with pytest.raises(ValueError, match="differ in length"):
        fit_calibration([0.1], [])


def test_a_calibrated_model_states_its_calibrated_probabilities() -> None:
    shipped = load_model()
    calibrated = shipped.model_copy(update={"calibration": Calibration(slope=0.5, intercept=-1.0, records=300,
                                                                       trends=40, fitted_on="test")})
    raw = {"fades": 0.8, "continues": 0.2}
    stated = calibrated.stated_probabilities(raw)
    assert stated["continues"] == pytest.approx(sigmoid(0.5 * math.log(0.2 / 0.8) - 1.0))
    assert stated["fades"] == pytest.approx(1.0 - stated["continues"])
    assert calibrated.decide(raw) == "fades"
    # without a calibration: the training base rates divided out, as before
    assert shipped.calibration is None
    rates = shipped.class_rates
    expected = 0.2 / rates["continues"] / (0.2 / rates["continues"] + 0.8 / rates["fades"])
    assert shipped.stated_probabilities(raw)["continues"] == pytest.approx(expected)
    # the calibration travels with the model's JSON
    again = PredictionModel.model_validate_json(calibrated.model_dump_json())
    assert again.calibration == calibrated.calibration
    assert -30.0 <= raw_log_odds({"fades": 1.0, "continues": 0.0}) < -20.0  # bounded, never -inf


def _records(trends: int, per_trend: int, seed: int = 11) -> list[PredictionRecord]:
    """Scored records whose outcomes follow the shipped model's log-odds at slope 0.5."""
    model = load_model()
    rng = random.Random(seed)
    records = []
    for t in range(trends):
        for h in range(per_trend):
            features = {name: rng.gauss(mean, scale) for name, mean, scale
                        in zip(model.feature_names, model.mean, model.scale, strict=True)}
            z = raw_log_odds(model.probabilities(features))
            outcome = "continues" if rng.random() < sigmoid(0.5 * z + 0.4) else "fades"
            made = MADE + timedelta(hours=h)
            records.append(PredictionRecord(
                trend_id=f"t{t:03d}", made_at=made, due_at=made + timedelta(hours=24), code="fades",
                sentence="fades by tomorrow", velocity=1.0, sources=2, features=features,
                outcome=outcome))  # type: ignore[arg-type]
    return records


def test_too_little_to_calibrate_from_is_refused_saying_what_is_missing() -> None:
    model = load_model()
    few = _records(trends=MIN_CALIBRATION_TRENDS - 1, per_trend=20)
    with pytest.raises(CalibrationError, match=r"19 trends \(need 20\)"):
        calibration.calibrate(few, model, "test", out=io.StringIO())
    unscored = [r.model_copy(update={"outcome": None}) for r in _records(trends=40, per_trend=10)]
    with pytest.raises(CalibrationError, match=r"0 scored predictions"):
        calibration.calibrate(unscored, model, "test", out=io.StringIO())


def test_out_of_fold_keeps_each_trend_whole() -> None:
    samples = calibration.samples_of(_records(trends=30, per_trend=10), load_model())
    # A sample's prediction depends only on its fold: identical log-odds in one trend, one value
    same = [calibration.Sample(s.trend_id, 0.5, s.continued, s.stated) for s in samples]
    predicted = calibration.out_of_fold(same)
    by_trend: dict[str, set[float]] = {}
    for sample, p in zip(same, predicted, strict=True):
        by_trend.setdefault(sample.trend_id, set()).add(round(p, 12))
    assert all(len(values) == 1 for values in by_trend.values())


def test_the_command_reports_and_writes_a_loadable_model(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    records_file = tmp_path / "scored.jsonl"
    records_file.write_text("".join(r.model_dump_json() + "\n" for r in _records(trends=40, per_trend=10)),
                            encoding="utf-8")
    out = tmp_path / "model.json"
    assert calibration.main(["--records", str(records_file), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "scored predictions: 400 over 40 trends" in printed
    assert "calibrated out of fold" in printed
    written = PredictionModel.model_validate(json.loads(out.read_text(encoding="utf-8")))
    assert written.calibration is not None
    assert written.calibration.slope == pytest.approx(0.5, abs=0.25)
    assert (written.calibration.records, written.calibration.trends) == (400, 40)
    assert written.coef == load_model().coef  # the model itself is unchanged
    # a backtest re-makes each prediction with it from the recorded features
    again = remade(_records(trends=1, per_trend=1)[0], written)
    assert again.probabilities["continues"] == pytest.approx(
        written.stated_probabilities(written.probabilities(again.features))["continues"], abs=1e-4)


def test_the_command_names_a_bad_records_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"trend_id": "t1"}\n', encoding="utf-8")
    assert calibration.main(["--records", str(bad)]) == 2
    assert f"{bad}:1: not a prediction record" in capsys.readouterr().err


def test_the_headlinez_command_delegates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from headlinez.cli import main

    records_file = tmp_path / "scored.jsonl"
    records_file.write_text("".join(r.model_dump_json() + "\n" for r in _records(trends=5, per_trend=2)),
                            encoding="utf-8")
    assert main(["calibrate-prediction", "--records", str(records_file)]) == 2
    assert "too little to calibrate from: 10 scored predictions (need 200)" in capsys.readouterr().err


def test_the_local_stack_s_saved_table_is_a_source(tmp_path: Path) -> None:
    import gzip

    from headlinez.local.stack import REPLAY_STATE_FILE

    records = _records(trends=2, per_trend=2)
    items = [{"pk": {"S": f"PRED#{r.trend_id}"}, "sk": {"S": r.made_at.isoformat()},
              "doc": {"S": r.model_dump_json()}} for r in records]
    items[0]["gsi1pk"] = {"S": "PREDDUE"}  # still waiting for its outcome: not read
    items.append({"pk": {"S": "ART#1"}, "sk": {"S": "A"}, "doc": {"S": "{}"}})  # not a prediction
    with gzip.open(tmp_path / REPLAY_STATE_FILE, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(item) + "\n" for item in items)
    found = calibration._state_dir(tmp_path)
    def keys(listed: list[PredictionRecord]) -> list[tuple[str, datetime]]:
        return sorted((r.trend_id, r.made_at) for r in listed)

    assert keys(found) == keys(records[1:])
    with pytest.raises(CalibrationError, match="no saved table"):
        calibration._state_dir(tmp_path / "empty")
