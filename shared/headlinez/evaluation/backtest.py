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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from headlinez.clock import parse_timestamp
from headlinez.domain.clustering import ClusterConfig, DocumentFrequencies, cluster_articles
from headlinez.domain.prediction import (
    HORIZON,
    SCORED_CODES,
    SENTENCES,
    PredictionModel,
    PredictionRecord,
    TrackRecord,
    load_model,
    score,
    track_record,
)
from headlinez.domain.velocity import hour_floor
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
    embeddings: Mapping[str, Sequence[float]] | None = None,
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
        result = cluster_articles(list(open_trends.values()), batch, frequencies, now=now, config=config,
                                  embeddings=embeddings)
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

Predictor = Callable[[PredictionRecord], Mapping[str, float]]
"""A method's probabilities per outcome for a record (a deterministic method puts 1 on its code)."""
Decider = Callable[[PredictionRecord], str | None]
Method = tuple[str, Decider, Predictor]


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{100 * value:5.1f}%"


def _one_hot(code: str | None) -> dict[str, float]:
    return {c: float(c == code) for c in SCORED_CODES}


def balanced_accuracy(records: Sequence[PredictionRecord], decide: Decider) -> float | None:
    recalls = []
    for code in SCORED_CODES:
        actual = [r for r in records if r.outcome == code]
        if actual:
            recalls.append(sum(1 for r in actual if decide(r) == code) / len(actual))
    return sum(recalls) / len(recalls) if recalls else None


def _accuracy(records: Sequence[PredictionRecord], decide: Decider) -> float | None:
    if not records:
        return None
    return sum(1 for r in records if decide(r) == r.outcome) / len(records)


def brier(records: Sequence[PredictionRecord], predictor: Predictor) -> float | None:
    """Multi-class Brier score: mean over records of Σ_outcomes (p − [outcome])²; 0 is perfect,
    2 is a certain wrong answer (what a deterministic baseline scores on each miss)."""
    if not records:
        return None
    total = 0.0
    for record in records:
        probabilities = predictor(record)
        total += sum((probabilities.get(c, 0.0) - float(record.outcome == c)) ** 2 for c in SCORED_CODES)
    return total / len(records)


def methods(class_rates: Mapping[str, float] | None = None) -> list[Method]:
    """The model and its baselines; `class_rates` (the training outcome shares) adds climatology
    (for the Brier score; it decides like always-fades)."""
    listed: list[Method] = [
        ("model", lambda r: r.code, lambda r: r.probabilities or _one_hot(r.code)),
        ("always 'fades'", lambda r: "fades", lambda r: _one_hot("fades")),
        ("persistence", lambda r: r.persistence, lambda r: _one_hot(r.persistence)),
    ]
    if class_rates:
        rates = dict(class_rates)
        top = max(rates, key=lambda c: rates[c])
        listed.insert(1, ("model, train prior", lambda r: r.code,
                          lambda r: _with_prior(r.probabilities, rates) or _one_hot(r.code)))
        listed.append(("base rates", lambda r: top, lambda r: rates))
        # the constant forecast under the same equal priors as the model's stated probabilities
        listed.append(("equal odds", lambda r: top, lambda r: dict.fromkeys(SCORED_CODES, 0.5)))
    return listed


def _with_prior(stated: Mapping[str, float], rates: Mapping[str, float]) -> dict[str, float]:
    """The model's stated (equal-prior) probabilities put back under the training base rates."""
    weights = {c: stated.get(c, 0.0) * rates.get(c, 1.0) for c in SCORED_CODES}
    total = sum(weights.values())
    return {c: w / total for c, w in weights.items()} if total > 0 else {}


def reliability(records: Sequence[PredictionRecord], code: str = "continues",
                bins: int = 10) -> list[tuple[str, int, float, float]]:
    """(bin of the stated P(code), n, mean stated P, share where `code` happened): a reliability
    table; calibrated probabilities have the last two columns close."""
    pairs = [(r.probabilities[code], r.outcome == code) for r in records if code in r.probabilities]
    return reliability_of(pairs, bins)


def reliability_of(pairs: Sequence[tuple[float, bool]],
                   bins: int = 10) -> list[tuple[str, int, float, float]]:
    """The reliability table of (stated probability, whether it happened) pairs."""
    rows: list[tuple[str, int, float, float]] = []
    for index in range(bins):
        lo, hi = index / bins, (index + 1) / bins
        last = index == bins - 1
        chosen = [(p, happened) for p, happened in pairs if lo <= p < hi or (last and p >= hi)]
        if chosen:
            stated = sum(p for p, _ in chosen) / len(chosen)
            share = sum(1 for _, happened in chosen if happened) / len(chosen)
            rows.append((f"{100 * lo:.0f}-{100 * hi:.0f}%", len(chosen), stated, share))
    return rows


def _print_subset(label: str, subset: Sequence[PredictionRecord], listed: Sequence[Method],
                  out: TextIO) -> None:
    outcomes = {code: sum(1 for r in subset if r.outcome == code) for code in SCORED_CODES}
    print(f"\n{label}: n={len(subset)}; outcomes " + ", ".join(f"{c} {n}" for c, n in outcomes.items()),
          file=out)
    print(f"  {'method':<18} {'accuracy':>8} {'balanced':>9} {'Brier':>6}", file=out)
    for name, decide, predictor in listed:
        score_ = brier(subset, predictor)
        balanced = balanced_accuracy(subset, decide)
        print(f"  {name:<18} {_pct(_accuracy(subset, decide)):>8} {_pct(balanced):>9} "
              f"{'  n/a' if score_ is None else f'{score_:.3f}':>6}", file=out)


def print_report(replay: StreamReplay, dataset: str, out: TextIO = sys.stdout, *,
                 score_from: datetime | None = None,
                 class_rates: Mapping[str, float] | None = None) -> TrackRecord:
    scored = [r for r in replay.records if r.outcome is not None
              and (score_from is None or r.made_at >= score_from)]
    unscored = sum(1 for r in replay.records if r.outcome is None)
    print(f"dataset: {dataset}", file=out)
    print(
        f"replay: {replay.start:%Y-%m-%d %H:%M}Z -> {replay.end:%Y-%m-%d %H:%M}Z, {replay.steps} steps of "
        f"{DEFAULT_STEP_MINUTES} min, {replay.articles} articles, {len(replay.trends)} trends; "
        f"clustering {replay.cluster_seconds:.1f} s, enrichment {replay.enrich_seconds:.1f} s",
        file=out,
    )
    window = f" made from {score_from:%Y-%m-%d %H:%M}Z on (held out)" if score_from else ""
    print(
        f"predictions: {len(replay.records)} recorded (one per active public trend and hour), "
        f"{len(scored)} scored at +{HORIZON.total_seconds() / 3600:.0f} h{window}, {unscored} not due "
        f"before the stream ends",
        file=out,
    )
    record = track_record(scored)
    if not scored:
        with_outcome = sum(1 for r in replay.records if r.outcome is not None)
        if with_outcome and score_from is not None:
            # e.g. the UCI prefix (2014) against the model's held-out bound (2026-02-16)
            print(f"nothing to score: {with_outcome} predictions have an outcome, all made before "
                  f"{score_from:%Y-%m-%d %H:%M}Z, the held-out bound; pass --score-from to score them "
                  "(in-sample when the model was fitted on this stream)", file=out)
        else:
            print("nothing to score: the stream is shorter than the horizon", file=out)
        return record
    listed = methods(class_rates)
    _print_subset("all scored predictions", scored, listed, out)
    _print_subset(f"trends with {MULTI_SOURCE}+ newsrooms", [r for r in scored if r.sources >= MULTI_SOURCE],
                  listed, out)
    print("\nmodel confusion (rows predicted, columns actual):", file=out)
    print("  " + " " * 10 + "".join(f"{c:>11}" for c in SCORED_CODES), file=out)
    for predicted_code in SCORED_CODES:
        cells = "".join(f"{record.confusion.get(f'{predicted_code}>{a}', 0):>11}" for a in SCORED_CODES)
        print(f"  {predicted_code:<10}{cells}", file=out)
    print("\nreliability of P(continues) (stated probability vs how often the trend was still in the "
          "news 24 h later):", file=out)
    print(f"  {'P bin':<9} {'n':>5} {'stated':>7} {'happened':>9}", file=out)
    for label, count, stated, happened in reliability(scored):
        print(f"  {label:<9} {count:>5} {_pct(stated):>7} {_pct(happened):>9}", file=out)
    return record


def remade(record: PredictionRecord, model: PredictionModel) -> PredictionRecord:
    """The record as `model` would have made it from the same features (outcome kept)."""
    if not set(model.feature_names) <= set(record.features):
        return record
    raw = model.probabilities(record.features)
    stated = model.stated_probabilities(raw)
    code = model.decide(raw)
    return record.model_copy(update={
        "code": code, "sentence": SENTENCES[code], "confidence": round(stated[code], 4),
        "probabilities": {c: round(p, 4) for c, p in stated.items()}})


def stream_embeddings(articles: Sequence[Article], lexical: bool) -> dict[str, list[float]] | None:
    """Sentence embeddings as the cluster function computes them (cached on disk), or None for
    the lexical path (`lexical`, or no model installed: said on stderr)."""
    if lexical:
        return None
    from headlinez.adapters.embedding import load_default_embedder, unavailable_reason
    from headlinez.evaluation.clustering_eval import embed_articles

    embedder = load_default_embedder()
    if embedder is None:
        print(f"embedding model unavailable ({unavailable_reason()}): lexical path only", file=sys.stderr)
        return None
    embeddings, _ = embed_articles(articles, embedder)
    return embeddings


def main(argv: list[str]) -> int:
    """Entry point of `headlinez backtest DATASET.jsonl`; returns the exit code."""
    parser = argparse.ArgumentParser(prog="headlinez backtest", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("dataset", type=Path, help="normalized articles.jsonl (or its folder)")
    parser.add_argument(
        "--start", type=parse_timestamp, help="first simulated step (default: last article - 72 h)"
    )
    parser.add_argument(
        "--end", type=parse_timestamp, help="last simulated step (default: after the last article)"
    )
    parser.add_argument("--score-from", type=parse_timestamp,
                        help="score only predictions made from this time on (the held-out part); "
                             "default: the model's own held-out bound when it names one, else all")
    parser.add_argument("--lexical", action="store_true", help="cluster without sentence embeddings")
    parser.add_argument("--model", type=Path,
                        help="score this model instead of the shipped one (e.g. one written by "
                             "`headlinez calibrate-prediction --out`): each prediction is re-made from "
                             "the features it recorded")
    args = parser.parse_args(argv)
    if not args.dataset.exists():
        print(f"dataset not found: {args.dataset}", file=sys.stderr)
        return 2
    if args.start is not None and args.end is not None and args.end <= args.start:
        print(f"error: --end ({args.end:%Y-%m-%dT%H:%MZ}) must be after "
              f"--start ({args.start:%Y-%m-%dT%H:%MZ})", file=sys.stderr)
        return 2
    model = load_model(args.model) if args.model else load_model()
    score_from = args.score_from or model.held_out_from
    articles = [row.article for row in load_dataset(args.dataset)]
    replay = replay_stream(articles, start=args.start, end=args.end,
                           embeddings=stream_embeddings(articles, args.lexical))
    if args.model:
        replay.records = [remade(record, model) for record in replay.records]
    calibrated = f"; calibrated on {model.calibration.fitted_on}" if model.calibration else ""
    print(f"model: {model.fitted_on} ({model.samples} samples){calibrated}")
    print_report(replay, str(args.dataset), score_from=score_from, class_rates=model.class_rates)
    return 0


__all__ = ["StreamReplay", "balanced_accuracy", "brier", "main", "methods", "print_report", "reliability",
           "reliability_of", "remade", "replay_stream", "stream_embeddings"]
