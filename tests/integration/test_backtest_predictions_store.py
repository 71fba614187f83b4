"""Prediction records and the track record in DynamoDB (moto, table from template.yaml)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.domain.prediction import PredictionRecord, track_record
from headlinez.models import HourBucket, TrendState
from headlinez.ports import PredictionRepository

MADE = datetime(2026, 2, 16, 10, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.fixture
def store(dynamodb_table: str) -> DynamoStore:
    return DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)


def record(trend_id: str, made_at: datetime = MADE, code: str = "fades") -> PredictionRecord:
    return PredictionRecord(trend_id=trend_id, made_at=made_at, due_at=made_at + 24 * H, code=code,  # type: ignore[arg-type]
                            sentence="fades by tomorrow", status="peaking", velocity=2.0, sources=3,
                            headline=f"Headline of {trend_id}", persistence="continues")


def test_the_store_is_a_prediction_repository(store: DynamoStore) -> None:
    assert isinstance(store, PredictionRepository)


def test_records_wait_until_due_then_are_scored_once(store: DynamoStore) -> None:
    # Given three predictions, two made at 10:00 and one at 11:00
    store.put_predictions([record("t1"), record("t2", code="continues"), record("t1", MADE + H)])
    # Nothing is due before a day has passed
    assert store.due_predictions(MADE + 23 * H) == []
    due = store.due_predictions(MADE + 24 * H)
    assert sorted(r.trend_id for r in due) == ["t1", "t2"]
    # When they are scored
    scored = [r.model_copy(update={"outcome": "fades", "velocity_later": 0.1, "scored_at": MADE + 24 * H})
              for r in due]
    assert store.record_outcomes(scored) == 2
    # Then they leave the due list, keep their outcome, and count once in the track record
    assert store.record_outcomes(scored) == 0  # a retried run counts nothing twice
    assert [r.trend_id for r in store.due_predictions(MADE + 30 * H)] == ["t1"]
    history = store.predictions_for_trend("t1")
    assert [r.made_at for r in history] == [MADE + H, MADE]  # newest first
    assert history[1].outcome == "fades"
    assert history[0].outcome is None
    track = store.prediction_track_record()
    assert track == track_record(scored)
    counts = (track.scored, track.correct, track.always_fades_correct, track.persistence_correct)
    assert counts == (2, 1, 2, 0)
    assert track.confusion == {"fades>fades": 1, "continues>fades": 1}


def test_a_rewritten_record_of_the_same_hour_stays_one_item(store: DynamoStore) -> None:
    store.put_predictions([record("t1")])
    store.put_predictions([record("t1", code="continues")])
    assert [r.code for r in store.predictions_for_trend("t1")] == ["continues"]


def test_trend_states_of_closed_trends_are_readable(store: DynamoStore) -> None:
    closed = TrendState(trend_id="t000000000000001", is_open=False, first_seen=MADE, last_seen=MADE,
                        hourly=[HourBucket(hour=MADE, articles=2, sources=["a"])], headline="Closed")
    store.save_trends([closed], {})
    found = store.get_trend_states(["t000000000000001", "t000000000000404"])
    assert list(found) == ["t000000000000001"]
    assert found["t000000000000001"].headline == "Closed"
    assert store.prediction_track_record().scored == 0


def test_scored_predictions_are_scanned_page_after_page(store: DynamoStore) -> None:
    # Given 7 scored predictions among pending ones and other items of the table
    made = [record(f"t{i}", MADE + i * H) for i in range(9)]
    store.put_predictions(made)
    scored = [r.model_copy(update={"outcome": "continues", "velocity_later": 1.0, "scored_at": r.due_at})
              for r in made[:7]]
    assert store.record_outcomes(scored) == 7
    # When the table is read in small Scan pages (DynamoDB pages at 1 MB; Limit forces it here)
    items = list(store._db.scan_all(Limit=2))
    # Then every item is read, and the calibration read keeps exactly the scored predictions
    assert len(items) >= 10  # 9 predictions and the track record
    assert sorted(r.trend_id for r in store.scored_predictions()) == [f"t{i}" for i in range(7)]


def test_calibrate_prediction_reads_the_table_and_says_what_is_missing(
        store: DynamoStore, dynamodb_table: str, capsys: pytest.CaptureFixture[str]) -> None:
    from headlinez.evaluation.calibration import main as calibrate_main

    made = [record(f"t{i}", MADE + i * H) for i in range(3)]
    store.put_predictions(made)
    store.record_outcomes([r.model_copy(update={"outcome": "fades", "velocity_later": 0.0,
                                                "scored_at": r.due_at}) for r in made])
    # Three scored predictions (without features, as older records were): nothing to fit on
    assert calibrate_main(["--table", dynamodb_table]) == 2
    assert ("too little to calibrate from: 0 scored predictions (3 more without the model's features)"
            in capsys.readouterr().err)
    # A table that does not exist is named, not a traceback
    assert calibrate_main(["--table", "no-such-table"]) == 2
    assert "cannot read table no-such-table" in capsys.readouterr().err
