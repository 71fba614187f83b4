"""`headlinez backtest DATASET.jsonl`: replay a timestamped stream and score the predictions.

The stream (normalized ``articles.jsonl``, e.g. ``../shared/data/news_feed_snapshot_2026-02-18``)
is replayed in publish-time order in 15-minute steps, each step one scheduled run: the articles
published during the step go through ``cluster_articles`` and then ``services.trend_intel.enrich``
— the code the cluster Lambda runs — with ``now`` = the end of the step. At the first step of
every simulated hour each open, active trend's prediction is recorded (as the Lambda stores it),
and every prediction whose horizon (24 h) has passed is scored against what the stream did in the
meantime, with the pure ``prediction.score``. At the end the command prints the model's accuracy
beside the naive baselines (always "fades"; persistence), overall and for trends with several
newsrooms, with the confusion matrix and the balanced accuracy (mean recall per outcome).

Articles published before ``--start`` (default: 72 hours before the last article) arrive in the
first step, as they would in a first ingest; predictions are scored only when the stream covers
their due time, so the last day of the stream only serves as outcome.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from headlinez.domain.clustering import ClusterConfig, DocumentFrequencies, cluster_articles
from headlinez.domain.prediction import (
    HORIZON,
    SCORED_CODES,
    PredictionRecord,
    TrackRecord,
    hour_floor,
    score,
    track_record,
)
from headlinez.evaluation.clustering_eval import load_dataset
from headlinez.models import Article, TrendState
from headlinez.services.trend_intel import enrich

DEFAULT_STEP_MINUTES = 15
DEFAULT_SPAN = timedelta(hours=72)
MULTI_SOURCE = 3


@dataclass(slots=True)
class StreamReplay:
    """Everything a replay produced: final trend states, prediction records, timings."""

    trends: dict[str, TrendState] = field(default_factory=dict)
    records: list[PredictionRecord] = field(default_factory=list)
    assignments: dict[str, str] = field(default_factory=dict)
    steps: int = 0
    articles: int = 0
    cluster_seconds: float = 0.0
    enrich_seconds: float = 0.0
    start: datetime | None = None
    end: datetime | None = None

    def final_trend(self, trend_id: str) -> TrendState | None:
        """The trend, or the trend it was merged into (followed to the survivor)."""
        seen: set[str] = set()
        state = self.trends.get(trend_id)
        while state is not None and state.merged_into and state.merged_into not in seen:
            seen.add(state.trend_id)
            survivor = self.trends.get(state.merged_into)
            if survivor is None:
                break
            state = survivor
        return state


def _step_floor(moment: datetime, minutes: int) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % minutes, second=0, microsecond=0)


def replay_stream(
    articles: Sequence[Article],
    *,
    config: ClusterConfig | None = None,
    step_minutes: int = DEFAULT_STEP_MINUTES,
    start: datetime | None = None,
    end: datetime | None = None,
    on_step: Callable[[datetime, StreamReplay], None] | None = None,
) -> StreamReplay:
    """Replay `articles` through clustering + enrichment, recording and scoring predictions."""
    config = config or ClusterConfig()
    ordered = sorted(articles, key=lambda a: (a.published, a.article_id))
    out = StreamReplay(articles=len(ordered))
    if not ordered:
        return out
    last = ordered[-1].published
    step = timedelta(minutes=step_minutes)
    start = _step_floor(start or (last - DEFAULT_SPAN), step_minutes)
    end = end or (_step_floor(last, step_minutes) + step)
    out.start, out.end = start, end
    open_trends: dict[str, TrendState] = {}
    frequencies = DocumentFrequencies()
    pending: list[PredictionRecord] = []
    position = 0
    now = start
    last_hour: datetime | None = None
    while now <= end:
        batch_end = position
        while batch_end < len(ordered) and ordered[batch_end].published <= now:
            batch_end += 1
        batch = ordered[position:batch_end]
        position = batch_end
        started = time.perf_counter()
        result = cluster_articles(list(open_trends.values()), batch, frequencies, now=now, config=config)
        out.cluster_seconds += time.perf_counter() - started
        frequencies = result.frequencies
        hints: dict[str, list[str | None]] = {}
        for article in batch:
            trend_id = result.assignments.get(article.article_id)
            if trend_id is not None:
                hints.setdefault(trend_id, []).append(article.category_hint)
        out.assignments.update(result.assignments)
        changed = {t.trend_id: t for t in result.changed}
        current = {**open_trends, **changed}
        new_hour = last_hour is None or hour_floor(now) > last_hour
        last_hour = hour_floor(now)
        enrichment = enrich(
            current.values(),
            now=now,
            previous=open_trends,
            changed=changed.keys(),
            hints=hints,
            record_predictions=new_hour,
        )
        out.enrich_seconds += enrichment.seconds
        for state in enrichment.trends:
            out.trends[state.trend_id] = state
            if state.is_open:
                open_trends[state.trend_id] = state
            else:
                open_trends.pop(state.trend_id, None)
        pending.extend(enrichment.predictions)
        pending = _score_due(out, pending, now)
        out.steps += 1
        if on_step is not None:
            on_step(now, out)
        now += step
    out.records.extend(pending)  # never scored: the stream ended before their due time
    return out


def _score_due(out: StreamReplay, pending: list[PredictionRecord], now: datetime) -> list[PredictionRecord]:
    waiting: list[PredictionRecord] = []
    for record in pending:
        if record.due_at > now:
            waiting.append(record)
            continue
        trend = out.final_trend(record.trend_id)
        if trend is None:
            waiting.append(record)
            continue
        out.records.append(score(record, trend, now))
    return waiting


# --- report --------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{100 * value:5.1f}%"


def _balanced(
    records: Sequence[PredictionRecord], predicted: Callable[[PredictionRecord], str | None]
) -> float | None:
    recalls = []
    for code in SCORED_CODES:
        actual = [r for r in records if r.outcome == code]
        if actual:
            recalls.append(sum(1 for r in actual if predicted(r) == code) / len(actual))
    return sum(recalls) / len(recalls) if recalls else None


def _accuracy(
    records: Sequence[PredictionRecord], predicted: Callable[[PredictionRecord], str | None]
) -> float | None:
    if not records:
        return None
    return sum(1 for r in records if predicted(r) == r.outcome) / len(records)


def print_report(replay: StreamReplay, dataset: str, out: TextIO = sys.stdout) -> TrackRecord:
    scored = [r for r in replay.records if r.outcome is not None]
    unscored = len(replay.records) - len(scored)
    print(f"dataset: {dataset}", file=out)
    print(
        f"replay: {replay.start:%Y-%m-%d %H:%M}Z -> {replay.end:%Y-%m-%d %H:%M}Z, {replay.steps} steps of "
        f"{DEFAULT_STEP_MINUTES} min, {replay.articles} articles, {len(replay.trends)} trends; "
        f"clustering {replay.cluster_seconds:.1f} s, enrichment {replay.enrich_seconds:.1f} s",
        file=out,
    )
    print(
        f"predictions: {len(replay.records)} recorded (one per active open trend and hour), "
        f"{len(scored)} scored at +{HORIZON.total_seconds() / 3600:.0f} h, {unscored} not due before the "
        f"stream ends",
        file=out,
    )
    record = track_record(scored)
    if not scored:
        print("nothing to score: the stream is shorter than the horizon", file=out)
        return record
    subsets = [
        ("all scored predictions", scored),
        (f"trends with {MULTI_SOURCE}+ newsrooms", [r for r in scored if r.sources >= MULTI_SOURCE]),
    ]
    methods: list[tuple[str, Callable[[PredictionRecord], str | None]]] = [
        ("model", lambda r: r.code),
        ("always 'fades'", lambda r: "fades"),
        ("persistence", lambda r: r.persistence),
    ]
    for label, subset in subsets:
        outcomes = {code: sum(1 for r in subset if r.outcome == code) for code in SCORED_CODES}
        print(
            f"\n{label}: n={len(subset)}; outcomes " + ", ".join(f"{c} {n}" for c, n in outcomes.items()),
            file=out,
        )
        print(f"  {'method':<16} {'accuracy':>8} {'balanced':>9}", file=out)
        for name, predicted in methods:
            print(
                f"  {name:<16} {_pct(_accuracy(subset, predicted)):>8} "
                f"{_pct(_balanced(subset, predicted)):>9}",
                file=out,
            )
    print("\nmodel confusion (rows predicted, columns actual):", file=out)
    print("  " + " " * 10 + "".join(f"{c:>11}" for c in SCORED_CODES), file=out)
    for predicted_code in SCORED_CODES:
        cells = "".join(f"{record.confusion.get(f'{predicted_code}>{a}', 0):>11}" for a in SCORED_CODES)
        print(f"  {predicted_code:<10}{cells}", file=out)
    return record


def main(argv: list[str]) -> int:
    """Entry point of `headlinez backtest DATASET.jsonl`; returns the exit code."""
    parser = argparse.ArgumentParser(prog="headlinez backtest", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("dataset", type=Path, help="normalized articles.jsonl (or its folder)")
    parser.add_argument(
        "--start", type=_timestamp, help="first simulated step (default: last article - 72 h)"
    )
    parser.add_argument(
        "--end", type=_timestamp, help="last simulated step (default: after the last article)"
    )
    args = parser.parse_args(argv)
    if not args.dataset.exists():
        print(f"dataset not found: {args.dataset}", file=sys.stderr)
        return 2
    articles = [row.article for row in load_dataset(args.dataset)]
    replay = replay_stream(articles, start=args.start, end=args.end)
    print_report(replay, str(args.dataset))
    return 0


def _timestamp(value: str) -> datetime:
    from headlinez.cli import parse_timestamp

    return parse_timestamp(value)


__all__ = ["StreamReplay", "main", "print_report", "replay_stream"]
