"""Prediction: what a trend will look like tomorrow, from a simple model of its hourly series.

**What is predicted.** Let D(T) be the trend's *daily* velocity at the hour boundary T: the
velocity formula (article rate × newsroom diversity) over the 24 completed hours before T,
`velocity_at(trend, T - 1h, window_hours=24)`. A prediction is made at the top of an hour T for
the next day, and judged by R = D(T + 24 h) / D(T): how tomorrow's coverage compares with the
last day's.

| code | sentence | outcome when |
|---|---|---|
| `fades` | "fades by tomorrow" | R < FADE_RATIO (0.25): at most a quarter of today's coverage |
| `continues` | "still in the news tomorrow" | FADE_RATIO ≤ R < BUILD_RATIO |
| `builds` | "still building tomorrow" | R ≥ BUILD_RATIO (1.0): at least as much as today |

A trend with no article in the last three completed hours gets `quiet` ("stays quiet
tomorrow"); those predictions are neither recorded nor scored (the question is what an *active*
story will do).

**The model** (`predict`) reads the trend as a decaying process, no fitted weights:

* its coverage half-life is PRIOR_HALF_LIFE_HOURS × log2(1 + newsrooms): a story covered by more
  independent newsrooms lasts longer (1 newsroom: 4 h, 3: 8 h, 7: 12 h, 15: 16 h);
* once it has passed its peak the half-life measured on its own 3-hour velocity series is used
  instead when that is longer (hours since the peak ÷ log2(peak / now));
* Lindy effect: a story that has already lasted LINDY_HOURS with LINDY_MIN_SOURCES newsrooms or
  more is expected to last at least as long again (half-life ≥ its age);
* expected R = 2 ** (−24 h / half-life) gives the code, except that a Rising story that has
  already lasted LINDY_HOURS is predicted to be `builds` (a second-day surge).

**Baselines** printed beside it by the backtest: "always fades", and persistence — the outcome
band of the change over the previous day, D(T) / D(T − 24 h) (`builds` for a trend younger than
a day), carried forward.

Records (`PredictionRecord`) are stored once per trend and hour and scored when their due time
has passed (`score`); `TrackRecord` sums them into the accuracy the API serves.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from headlinez.domain.velocity import completed_hour_series, window_velocity
from headlinez.models import TrendState, TrendStatus, UtcDatetime

PredictionCode = Literal["fades", "continues", "builds", "quiet"]
ScoredCode = Literal["fades", "continues", "builds"]
SCORED_CODES: tuple[ScoredCode, ...] = ("fades", "continues", "builds")

HORIZON = timedelta(hours=24)
OUTCOME_WINDOW_HOURS = 24
ACTIVE_WINDOW_HOURS = 3
FADE_RATIO = 0.25
BUILD_RATIO = 1.0
PRIOR_HALF_LIFE_HOURS = 4.0
LINDY_HOURS = 20.0
LINDY_MIN_SOURCES = 2

SENTENCES: dict[str, str] = {
    "fades": "fades by tomorrow",
    "continues": "still in the news tomorrow",
    "builds": "still building tomorrow",
    "quiet": "stays quiet tomorrow",
}


class PredictionError(ValueError):
    """A prediction record cannot be scored as asked (not due yet, already scored, wrong trend)."""


def hour_floor(value: datetime) -> datetime:
    return value.replace(minute=0, second=0, microsecond=0)


def daily_velocity(trend: TrendState, boundary: datetime) -> float:
    """D(T): velocity over the 24 completed hours before the hour boundary `boundary`."""
    return window_velocity(trend, hour_floor(boundary) - timedelta(hours=1),
                           window_hours=OUTCOME_WINDOW_HOURS)


def recent_velocity(trend: TrendState, boundary: datetime) -> float:
    """Velocity over the 3 completed hours before `boundary` (is the story active now?)."""
    return window_velocity(trend, hour_floor(boundary) - timedelta(hours=1), window_hours=ACTIVE_WINDOW_HOURS)


def outcome_code(then: float, later: float) -> ScoredCode | None:
    """The outcome band of V going from `then` to `later`; None when `then` is 0 (not scored)."""
    if then <= 0.0:
        return None
    ratio = later / then
    if ratio < FADE_RATIO:
        return "fades"
    if ratio < BUILD_RATIO:
        return "continues"
    return "builds"


class Forecast(BaseModel):
    """A prediction with the figures it came from (for the page's "how this works")."""

    model_config = ConfigDict(frozen=True)

    code: PredictionCode
    sentence: str
    velocity: float = Field(description="V at the last completed hour.")
    half_life_hours: float | None = None
    expected_ratio: float | None = None


def _code_for_ratio(ratio: float) -> ScoredCode:
    if ratio < FADE_RATIO:
        return "fades"
    return "continues" if ratio < BUILD_RATIO else "builds"


def predict(
    trend: TrendState,
    status: TrendStatus | None,
    now: datetime,
    series: Sequence[tuple[datetime, float]] | None = None,
) -> Forecast:
    """The model (see the module docstring). `series` is `completed_hour_series(trend, now)`
    when the caller has it already."""
    if series is None:
        series = completed_hour_series(trend, now)
    velocity = series[-1][1] if series else 0.0
    if series and recent_velocity(trend, now) <= 0.0:  # no article in the last 3 completed hours
        return Forecast(code="quiet", sentence=SENTENCES["quiet"], velocity=velocity)
    half_life = PRIOR_HALF_LIFE_HOURS * math.log2(1 + max(1, trend.source_count))
    if series:
        peak_hour, peak = max(series, key=lambda item: (item[1], item[0]))
        hours_since_peak = (series[-1][0] - peak_hour).total_seconds() / 3600
        if peak > velocity and hours_since_peak > 0:
            half_life = max(half_life, hours_since_peak / math.log2(peak / velocity))
    age = max(0.0, (now - trend.first_seen).total_seconds() / 3600)
    lindy = age >= LINDY_HOURS and trend.source_count >= LINDY_MIN_SOURCES
    if lindy:
        half_life = max(half_life, age)
    ratio = 2.0 ** (-HORIZON.total_seconds() / 3600 / half_life)
    code: ScoredCode = _code_for_ratio(ratio)
    if lindy and status == "rising":
        code = "builds"
    return Forecast(
        code=code,
        sentence=SENTENCES[code],
        velocity=velocity,
        half_life_hours=round(half_life, 2),
        expected_ratio=round(ratio, 3),
    )


def persistence(trend: TrendState, made_at: datetime) -> ScoredCode | None:
    """Naive baseline: the band of the change over the past day, carried forward."""
    today = daily_velocity(trend, made_at)
    yesterday = daily_velocity(trend, made_at - HORIZON)
    if today <= 0.0:
        return None
    if yesterday <= 0.0:
        return "builds"
    return outcome_code(yesterday, today)


# --- records and scoring ---------------------------------------------------------------------


class PredictionRecord(BaseModel):
    """One stored prediction (DynamoDB pk=PRED#{trend_id}, sk={made_at}) and, later, its outcome."""

    model_config = ConfigDict(frozen=True)

    trend_id: str
    made_at: UtcDatetime = Field(description="Hour boundary the prediction was made at.")
    due_at: UtcDatetime = Field(description="made_at + horizon: when the outcome is known.")
    code: ScoredCode
    sentence: str
    status: TrendStatus | None = None
    velocity: float = Field(ge=0, description="D(made_at), daily velocity: the base of the outcome ratio.")
    sources: int = Field(ge=0)
    headline: str = ""
    persistence: ScoredCode | None = Field(default=None, description="The persistence baseline's code.")
    outcome: ScoredCode | None = None
    velocity_later: float | None = None
    scored_at: UtcDatetime | None = None

    @property
    def correct(self) -> bool | None:
        return None if self.outcome is None else self.outcome == self.code


def make_record(
    trend: TrendState, forecast: Forecast, status: TrendStatus | None, now: datetime
) -> PredictionRecord | None:
    """The record of this hour's prediction for `trend`, or None when there is nothing to score."""
    if forecast.code == "quiet":
        return None
    made_at = hour_floor(now)
    if recent_velocity(trend, made_at) <= 0.0:
        return None
    velocity = daily_velocity(trend, made_at)
    return PredictionRecord(
        trend_id=trend.trend_id,
        made_at=made_at,
        due_at=made_at + HORIZON,
        code=forecast.code,
        sentence=forecast.sentence,
        status=status,
        velocity=velocity,
        sources=trend.source_count,
        headline=trend.headline[:300],
        persistence=persistence(trend, made_at),
    )


def score(record: PredictionRecord, trend: TrendState, now: datetime) -> PredictionRecord:
    """Fill the outcome of a due record from the trend's series (pure).

    `trend` is the trend as it is now (or the trend it was merged into): only its buckets up to
    the due hour are read, so scoring later gives the same answer.
    """
    if record.outcome is not None:
        raise PredictionError(f"prediction {record.trend_id}@{record.made_at} is already scored")
    if now < record.due_at:
        raise PredictionError(f"prediction {record.trend_id}@{record.made_at} is due at {record.due_at}")
    later = daily_velocity(trend, record.due_at)
    outcome = outcome_code(record.velocity, later)
    if outcome is None:  # not possible for a stored record (velocity > 0), kept for safety
        raise PredictionError(f"prediction {record.trend_id}@{record.made_at} has no base velocity")
    return record.model_copy(update={"outcome": outcome, "velocity_later": later, "scored_at": now})


def counters(record: PredictionRecord) -> dict[str, int]:
    """Counter increments for one scored record (the stored track record is their sum)."""
    if record.outcome is None:
        raise PredictionError("only scored records count")
    return {
        "scored": 1,
        "correct": int(record.code == record.outcome),
        "always_fades_correct": int(record.outcome == "fades"),
        "persistence_correct": int(record.persistence == record.outcome),
        f"m_{record.code}_{record.outcome}": 1,
    }


class CodeRecord(BaseModel):
    predicted: int = 0
    correct: int = 0
    actual: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.actual if self.actual else None


class TrackRecord(BaseModel):
    """How past predictions turned out (all scored records so far)."""

    scored: int = 0
    correct: int = 0
    always_fades_correct: int = 0
    persistence_correct: int = 0
    confusion: dict[str, int] = Field(default_factory=dict, description="'predicted>actual' -> count")

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.scored if self.scored else None

    @property
    def always_fades_accuracy(self) -> float | None:
        return self.always_fades_correct / self.scored if self.scored else None

    @property
    def persistence_accuracy(self) -> float | None:
        return self.persistence_correct / self.scored if self.scored else None

    def by_code(self) -> dict[str, CodeRecord]:
        result: dict[str, CodeRecord] = {code: CodeRecord() for code in SCORED_CODES}
        for key, count in self.confusion.items():
            predicted, _, actual = key.partition(">")
            if predicted in result:
                result[predicted].predicted += count
                if predicted == actual:
                    result[predicted].correct += count
            if actual in result:
                result[actual].actual += count
        return result

    def balanced_accuracy(self) -> float | None:
        """Mean recall over the outcomes that occurred (always-fades scores 1/k on it)."""
        recalls = [r.recall for r in self.by_code().values() if r.recall is not None]
        return sum(recalls) / len(recalls) if recalls else None

    @classmethod
    def from_counters(cls, values: Mapping[str, int | float]) -> TrackRecord:
        """From stored counters (`counters` summed), e.g. the DynamoDB track-record item."""
        confusion: dict[str, int] = {}
        for key, value in values.items():
            if key.startswith("m_"):
                predicted, _, actual = key[2:].partition("_")
                confusion[f"{predicted}>{actual}"] = int(value)
        return cls(
            scored=int(values.get("scored", 0)),
            correct=int(values.get("correct", 0)),
            always_fades_correct=int(values.get("always_fades_correct", 0)),
            persistence_correct=int(values.get("persistence_correct", 0)),
            confusion=confusion,
        )


def track_record(records: Iterable[PredictionRecord]) -> TrackRecord:
    """Sum scored records (unscored ones are ignored)."""
    total: Counter[str] = Counter()
    for record in records:
        if record.outcome is not None:
            total.update(counters(record))
    return TrackRecord.from_counters(total)
