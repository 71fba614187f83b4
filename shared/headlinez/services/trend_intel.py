"""Trend intelligence after a clustering run: status, prediction, category, topics, related trends.

`enrich` is pure (no I/O, no clock): the cluster service calls it after every run with the open
trends, the backtest and the category evaluation call it the same way on replayed streams, so the
numbers they print are those of the production code.

What is recomputed when:

* lifecycle status and prediction: every trend, every run (they move with the clock); the
  prediction's confidence is kept as stored while the forecast is the same and the new value is
  within `prediction.CONFIDENCE_STEP` of it (`prediction.shown_confidence`);
* topics and category: trends clustering changed in this run, or that have none yet (they
  depend on the headlines, which only change with new articles);
* related trends: every open trend, every run (a new story elsewhere can become related);
* a prediction record: every open, active trend, once an hour (`record_predictions`), to be
  scored a day later.

Clustering rebuilds a changed trend from its working copy and does not carry these fields, so
they are taken from the trend's previous state (`previous`) before being updated: the lifecycle's
hysteresis and the category's prior need them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from headlinez.domain.category import classify_trend, mean_embedding
from headlinez.domain.lifecycle import lifecycle, restart_at_detection
from headlinez.domain.newsrooms import is_public
from headlinez.domain.prediction import PredictionRecord, make_record, predict, shown_confidence
from headlinez.domain.related import related_trends
from headlinez.domain.topics import extract_topics
from headlinez.domain.velocity import completed_hour_series
from headlinez.models import TrendState

logger = logging.getLogger(__name__)

_CARRIED = ("status", "status_since", "detected_at", "lifecycle_from", "category", "topics", "related",
            "prediction", "prediction_code", "prediction_confidence")


@dataclass(slots=True)
class Enrichment:
    trends: list[TrendState]
    predictions: list[PredictionRecord] = field(default_factory=list)
    seconds: float = 0.0


def _carry(trend: TrendState, previous: TrendState | None) -> TrendState:
    if previous is None:
        return trend
    update = {name: getattr(previous, name) for name in _CARRIED
              if getattr(trend, name) in (None, []) and getattr(previous, name) not in (None, [])}
    return trend.model_copy(update=update) if update else trend


def _content(trend: TrendState, previous: TrendState | None,
             hints: Sequence[str | None]) -> dict[str, object]:
    titles = [m.title for m in trend.title_candidates] or [trend.headline]
    return {
        "topics": extract_topics(titles, trend.centroid),
        "category": classify_trend(titles, hints=hints,
                                   previous=previous.category if previous else trend.category,
                                   embedding=mean_embedding(trend.embedding_sum, trend.embedding_weight)),
    }


def enrich(
    trends: Iterable[TrendState],
    *,
    now: datetime,
    previous: Mapping[str, TrendState] | None = None,
    changed: Iterable[str] = (),
    hints: Mapping[str, Sequence[str | None]] | None = None,
    record_predictions: bool = False,
    detected: Mapping[str, datetime] | None = None,
) -> Enrichment:
    """Fill the intelligence fields of `trends` (the open ones, plus any just closed)."""
    started = time.perf_counter()
    previous = previous or {}
    hints = hints or {}
    changed_ids = set(changed)
    updated: dict[str, TrendState] = {}
    records: list[PredictionRecord] = []
    for trend in trends:
        before = previous.get(trend.trend_id)
        state = _carry(trend, before)
        update: dict[str, object] = {}
        if trend.trend_id in changed_ids or state.status is None:  # new headlines, or never enriched
            update.update(_content(state, before, hints.get(trend.trend_id, ())))
        if state.detected_at is None and is_public(state):
            # "first detected": when the scheduled runs saw it public (a backlog run dates it from
            # the stream, services.cluster), else this run
            detected_at = (detected or {}).get(trend.trend_id, now)
            update["detected_at"] = detected_at
            state = state.model_copy(update=restart_at_detection(state, detected_at))
        series = completed_hour_series(state, now)
        if state.is_open:
            status, since = lifecycle(state, now, series)
        else:
            status = "cooled"
            since = state.status_since if state.status == "cooled" and state.status_since else now
        forecast = predict(state, status, now, series)
        confidence = shown_confidence(state.prediction_code, state.prediction_confidence,
                                      forecast.code, forecast.confidence)
        update.update({"status": status, "status_since": since, "prediction": forecast.sentence,
                       "prediction_code": forecast.code, "prediction_confidence": confidence})
        if not state.is_open:
            update["related"] = []
        state = state.model_copy(update=update)
        updated[state.trend_id] = state
        if record_predictions and state.is_open:
            record = make_record(state, forecast, status, now)
            if record is not None:
                records.append(record)
    open_trends = [t for t in updated.values() if t.is_open]
    for trend_id, related in related_trends(open_trends).items():
        updated[trend_id] = updated[trend_id].model_copy(update={"related": related})
    seconds = time.perf_counter() - started
    logger.info("trends enriched", extra={"trends": len(updated), "open": len(open_trends),
                                          "predictions": len(records), "seconds": round(seconds, 3)})
    return Enrichment(trends=list(updated.values()), predictions=records, seconds=seconds)


__all__ = ["Enrichment", "enrich"]
