"""Prediction: what a trend will look like tomorrow, from a model fitted on replayed streams.

**What is predicted.** Let D(T) be the trend's *daily* velocity at the hour boundary T: the
velocity formula (article rate × newsroom diversity) over the 24 completed hours before T,
`velocity_at(trend, T - 1h, window_hours=24)`. A prediction is made at the top of an hour T for
the next day, and judged by R = D(T + 24 h) / D(T): how tomorrow's coverage compares with the
last day's.

| code | sentence | outcome when |
|---|---|---|
| `fades` | "fades by tomorrow" | R < FADE_RATIO (0.25): less than a quarter of today's coverage |
| `continues` | "still in the news tomorrow" | R ≥ FADE_RATIO |

(A third band, "still building" for R ≥ 1, was tried: in the training streams it is 6% of the
public trend-hours and the model could not tell it from `continues`; it is folded into `continues`.)

A trend with no article in the 24 completed hours before T (D(T) = 0) gets `quiet` ("stays
quiet tomorrow"): there is nothing to forecast a ratio of, and those are neither recorded nor
scored.

**The model** (`predict`) is a logistic regression (written as a softmax over the codes) on
`FEATURE_NAMES` (`features`: daily and 3-hour velocity, the change of the daily velocity over
the previous day, the smoothed
velocity's 3-hour slope, hours since the last article, age, newsrooms, newsrooms gained in the
last 6 hours, share of the last day's articles in its last 6 hours, articles so far; all read from
the hourly buckets *before* T, so a prediction uses only what was known at T). Its coefficients
are fitted offline by `benchmarks/fit_prediction_model.py` on replayed streams (the UCI prefix and
the 2026-02-18 snapshot's items published before 2026-02-16) and shipped as
`prediction_model.json` beside this module; applying it is pure Python (standardize, softmax).
The model is fitted on streams where 20% of trend-hours continue (`class_rates`): the snapshot's
older items are a sparse tail and UCI covers 36 hours, while a live day has far more stories that
last. So the stated probabilities divide that training base rate out (`stated_probabilities`:
P(c) / rate(c), renormalized: the probability if continuing and fading stories were equally
common, the standard prior-shift correction), and the predicted code is the one most likely under
them: the decision that maximizes balanced accuracy rather than plain accuracy. The confidence
the page states is that probability of the predicted code, so it is never below 50% ("fades by
tomorrow · 74% confidence", "still in the news tomorrow · 61% confidence"). `headlinez backtest`
prints the reliability table of the stated probabilities on the held-out part of the snapshot,
and the Brier score of the training-prior probabilities beside them.

**Calibration.** Those stated probabilities are not calibrated (docs/benchmarks.md). A model may
carry a `Calibration` (Platt scaling of its raw log-odds, `fit_calibration`) fitted by `headlinez
calibrate-prediction` on scored predictions it did not see when fitted, a deployment's own above
all; it then states those calibrated probabilities instead, and predicts the likelier code under
them. The shipped model carries none: no stream available here can support one.

**Baselines** printed beside it by the backtest: "always fades", and persistence — the outcome
band of the change over the previous day, D(T) / D(T − 24 h) (`continues` for a trend younger than
a day), carried forward.

Records (`PredictionRecord`) are stored once per public trend (2+ newsrooms) and hour and
scored when their due time has passed (`score`); `TrackRecord` sums them into the accuracy the
API serves.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from headlinez.domain.velocity import hour_floor, velocity_at, window_velocity
from headlinez.models import StoredTrendStatus, TrendState, TrendStatus, UtcDatetime

PredictionCode = Literal["fades", "continues", "builds", "quiet"]
ScoredCode = Literal["fades", "continues"]
SCORED_CODES: tuple[ScoredCode, ...] = ("fades", "continues")

HORIZON = timedelta(hours=24)
OUTCOME_WINDOW_HOURS = 24
ACTIVE_WINDOW_HOURS = 3
FADE_RATIO = 0.25
RECORD_MIN_SOURCES = 2
"""Predictions are recorded (and scored) for public trends only: 2+ independent newsrooms."""
MODEL_PATH = Path(__file__).with_name("prediction_model.json")

SENTENCES: dict[str, str] = {
    "fades": "fades by tomorrow",
    "continues": "still in the news tomorrow",
    "builds": "still building tomorrow",
    "quiet": "stays quiet tomorrow",
}

FEATURE_NAMES: tuple[str, ...] = (
    "log_daily_velocity",
    "log_recent_velocity",
    "daily_change",
    "velocity_slope",
    "log_hours_since_last",
    "log_age_hours",
    "log_newsrooms",
    "log_newsrooms_gained_6h",
    "recent_share",
    "log_articles",
)


class PredictionError(ValueError):
    """A prediction record cannot be scored as asked (not due yet, already scored, wrong trend)."""


class CalibrationError(ValueError):
    """Too few scored predictions (or of one outcome only) to fit a calibration from."""


# A calibration is fitted only from a stream that can support it: enough scored predictions, of
# both outcomes, over enough different trends (one long story's hours are not independent).
MIN_CALIBRATION_RECORDS = 200
MIN_CALIBRATION_PER_OUTCOME = 30
MIN_CALIBRATION_TRENDS = 20
_MAX_LOG_ODDS = 30.0


class Calibration(BaseModel):
    """P(continues) = sigmoid(slope × z + intercept), z the model's raw log-odds of continuing
    (training prior included): Platt scaling, fitted by `fit_calibration` on scored predictions the
    model did not see when it was fitted (`headlinez calibrate-prediction`)."""

    model_config = ConfigDict(frozen=True)

    slope: float
    intercept: float
    records: int = Field(ge=0, description="Scored predictions it was fitted on.")
    trends: int = Field(ge=0, description="Distinct trends among them.")
    fitted_on: str = Field(default="", description="Where the scored predictions came from.")


def raw_log_odds(probabilities: Mapping[ScoredCode, float]) -> float:
    """log(P(continues) / P(fades)) of the model's raw probabilities, bounded."""
    continues = max(probabilities.get("continues", 0.0), 1e-12)
    fades = max(probabilities.get("fades", 0.0), 1e-12)
    return max(-_MAX_LOG_ODDS, min(_MAX_LOG_ODDS, math.log(continues / fades)))


def sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def fit_calibration(log_odds: Sequence[float], continued: Sequence[bool], *, ridge: float = 1.0,
                    iterations: int = 100) -> tuple[float, float]:
    """(slope, intercept) maximizing the log-likelihood of `continued` under sigmoid(slope·z + b),
    with a weak pull (`ridge`) towards the identity (slope 1, intercept 0), so that a stream with
    little to say leaves the model's probabilities as they are. Newton's method on 2 parameters."""
    if len(log_odds) != len(continued):
        raise ValueError("log_odds and continued differ in length")
    slope, intercept = 1.0, 0.0
    for _ in range(iterations):
        # gradient and Hessian of the penalized negative log-likelihood
        g_slope = ridge * (slope - 1.0)
        g_intercept = ridge * intercept
        h_ss, h_si, h_ii = ridge, 0.0, ridge
        for z, outcome in zip(log_odds, continued, strict=True):
            p = sigmoid(slope * z + intercept)
            error = p - float(outcome)
            weight = p * (1.0 - p)
            g_slope += error * z
            g_intercept += error
            h_ss += weight * z * z
            h_si += weight * z
            h_ii += weight
        determinant = h_ss * h_ii - h_si * h_si
        if determinant <= 1e-12:
            break
        step_slope = (h_ii * g_slope - h_si * g_intercept) / determinant
        step_intercept = (h_ss * g_intercept - h_si * g_slope) / determinant
        slope -= step_slope
        intercept -= step_intercept
        if abs(step_slope) < 1e-9 and abs(step_intercept) < 1e-9:
            break
    return slope, intercept


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
    return "fades" if later / then < FADE_RATIO else "continues"


def features(trend: TrendState, made_at: datetime) -> dict[str, float]:
    """The model's inputs at the hour boundary `made_at`, from the buckets before it only."""
    boundary = hour_floor(made_at)
    hours = 3600.0
    before = [b for b in trend.hourly if b.hour < boundary]
    daily = daily_velocity(trend, boundary)
    previous_daily = daily_velocity(trend, boundary - HORIZON)
    smoothed_now = velocity_at(trend, boundary)
    smoothed_before = velocity_at(trend, boundary - timedelta(hours=3))
    last_hour = max((b.hour for b in before), default=boundary - timedelta(hours=48))
    since_last = min(48.0, (boundary - last_hour).total_seconds() / hours - 0.5)
    age = max(0.0, (boundary - trend.first_seen).total_seconds() / hours)
    six_hours_ago = boundary - timedelta(hours=6)
    day_ago = boundary - HORIZON
    newsrooms_before = {s for b in before if b.hour < six_hours_ago for s in b.sources}
    newsrooms = {s for b in before for s in b.sources}
    last_day = sum(b.articles for b in before if b.hour >= day_ago)
    last_six = sum(b.articles for b in before if b.hour >= six_hours_ago)
    return {
        "log_daily_velocity": math.log1p(daily),
        "log_recent_velocity": math.log1p(recent_velocity(trend, boundary)),
        "daily_change": math.log((daily + 0.1) / (previous_daily + 0.1)),
        "velocity_slope": math.log((smoothed_now + 0.1) / (smoothed_before + 0.1)),
        "log_hours_since_last": math.log1p(max(0.0, since_last)),
        "log_age_hours": math.log1p(age),
        "log_newsrooms": math.log1p(len(newsrooms)),
        "log_newsrooms_gained_6h": math.log1p(len(newsrooms - newsrooms_before)),
        "recent_share": last_six / last_day if last_day else 0.0,
        "log_articles": math.log1p(sum(b.articles for b in before)),
    }


class PredictionModel(BaseModel):
    """Multinomial logistic regression: P(outcome) = softmax(intercept + coef · (x - mean) / scale)."""

    model_config = ConfigDict(frozen=True)

    classes: tuple[ScoredCode, ...]
    feature_names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...] = Field(description="One row per class, one column per feature.")
    intercept: tuple[float, ...]
    fitted_on: str = Field(default="", description="What the model was fitted on (provenance).")
    samples: int = 0
    class_rates: dict[str, float] = Field(default_factory=dict, description="Outcome shares in training.")
    held_out_from: UtcDatetime | None = Field(
        default=None, description="Snapshot items published from then on were not used to fit or tune.")
    calibration: Calibration | None = Field(
        default=None, description="Platt scaling fitted on scored predictions; none: equal priors.")

    def decide(self, probabilities: Mapping[ScoredCode, float]) -> ScoredCode:
        """The most likely code under `stated_probabilities` (without a calibration: the code whose
        probability is highest relative to its training base rate)."""
        stated = self.stated_probabilities(probabilities)
        return max(self.classes, key=lambda c: stated[c])

    def stated_probabilities(self, probabilities: Mapping[ScoredCode, float]) -> dict[ScoredCode, float]:
        """What the page states: the calibrated probabilities when the model carries a calibration,
        else the probabilities with the training base rates divided out (equal priors)."""
        if self.calibration is not None and set(self.classes) == set(SCORED_CODES):
            continues = sigmoid(self.calibration.slope * raw_log_odds(probabilities)
                                + self.calibration.intercept)
            return {"fades": 1.0 - continues, "continues": continues}
        weights = {c: probabilities[c] / max(self.class_rates.get(c, 1.0), 1e-9) for c in self.classes}
        total = sum(weights.values())
        return {c: w / total for c, w in weights.items()} if total > 0 else dict(probabilities)

    def probabilities(self, values: Mapping[str, float]) -> dict[ScoredCode, float]:
        x = [(values[name] - m) / s
             for name, m, s in zip(self.feature_names, self.mean, self.scale, strict=True)]
        logits = [b + sum(w * v for w, v in zip(row, x, strict=True))
                  for row, b in zip(self.coef, self.intercept, strict=True)]
        top = max(logits)
        weights = [math.exp(z - top) for z in logits]
        total = sum(weights)
        return {code: w / total for code, w in zip(self.classes, weights, strict=True)}


@cache
def load_model(path: Path = MODEL_PATH) -> PredictionModel:
    """The shipped model (read once per process)."""
    return PredictionModel.model_validate(json.loads(path.read_text(encoding="utf-8")))


class Forecast(BaseModel):
    """A prediction with the figures it came from (for the page's "how this works")."""

    model_config = ConfigDict(frozen=True)

    code: PredictionCode
    sentence: str
    velocity: float = Field(description="D(T): daily velocity at the last hour boundary.")
    confidence: float | None = Field(
        default=None, description="The stated probability of `code` (see `stated_probabilities`).")
    probabilities: dict[str, float] = Field(default_factory=dict)
    features: dict[str, float] = Field(default_factory=dict)


def predict(
    trend: TrendState,
    status: TrendStatus | None,
    now: datetime,
    series: Sequence[tuple[datetime, float]] | None = None,
    model: PredictionModel | None = None,
) -> Forecast:
    """The model's forecast at the last hour boundary (see the module docstring). `status` and
    `series` are accepted for the caller's convenience; the features read the buckets."""
    del status, series
    boundary = hour_floor(now)
    daily = daily_velocity(trend, boundary)
    if daily <= 0.0 and any(b.hour >= boundary for b in trend.hourly):
        boundary += timedelta(hours=1)  # a story younger than its first completed hour: read it whole
        daily = daily_velocity(trend, boundary)
    if daily <= 0.0:  # no article in the 24 completed hours
        return Forecast(code="quiet", sentence=SENTENCES["quiet"], velocity=0.0)
    values = features(trend, boundary)
    model = model or load_model()
    probabilities = model.stated_probabilities(model.probabilities(values))
    code = max(model.classes, key=lambda c: probabilities[c])
    confidence = probabilities[code]
    return Forecast(
        code=code,
        sentence=SENTENCES[code],
        velocity=daily,
        confidence=round(confidence, 4),
        probabilities={c: round(p, 4) for c, p in probabilities.items()},
        features=values,
    )


def persistence(trend: TrendState, made_at: datetime) -> ScoredCode | None:
    """Naive baseline: the band of the change over the past day, carried forward."""
    today = daily_velocity(trend, made_at)
    yesterday = daily_velocity(trend, made_at - HORIZON)
    if today <= 0.0:
        return None
    if yesterday <= 0.0:
        return "continues"
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
    status: StoredTrendStatus = None
    velocity: float = Field(ge=0, description="D(made_at), daily velocity: the base of the outcome ratio.")
    sources: int = Field(ge=0)
    headline: str = ""
    persistence: ScoredCode | None = Field(default=None, description="The persistence baseline's code.")
    confidence: float | None = Field(
        default=None, description="The stated probability of `code` (training base rates divided out).")
    probabilities: dict[str, float] = Field(default_factory=dict, description="P(outcome) per code.")
    features: dict[str, float] = Field(default_factory=dict, description="The model's inputs at made_at.")
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
    if forecast.code == "quiet" or trend.source_count < RECORD_MIN_SOURCES:
        return None
    made_at = hour_floor(now)
    velocity = daily_velocity(trend, made_at)
    if velocity <= 0.0:
        return None
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
        confidence=forecast.confidence,
        probabilities=forecast.probabilities,
        features=forecast.features,
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


CONFIDENCE_STEP = 0.05
"""A stored confidence is refreshed once the model's moves this far from it (or the forecast
changes). The model's moves by a point or two nearly every run, and half of clustering's trend
writes on the allowed streams (UCI prefix, snapshot before 2026-02-16) were for that alone
(docs/benchmarks.md). The pages say so (How this works)."""


def shown_confidence(stored_code: str | None, stored: float | None, code: str | None,
                     confidence: float | None) -> float | None:
    """The confidence to store: the model's, in whole percent (as the page shows it), unless the
    forecast is unchanged and it is within CONFIDENCE_STEP of the stored one, which then stays
    (clustering writes only trends that changed, so a point's drift does not rewrite the item)."""
    if confidence is None:
        return None
    percent = round(confidence, 2)
    if stored is not None and stored_code == code and abs(percent - stored) < CONFIDENCE_STEP - 1e-9:
        return stored
    return percent
