"""Fit the trend prediction model offline and write `shared/headlinez/domain/prediction_model.json`.

    .venv/bin/python benchmarks/fit_prediction_model.py [--data-dir ../shared/data] [--lexical]

Training streams (real publish / crawl times), replayed through the production code
(`evaluation.backtest.replay_stream`: clustering with sentence embeddings, then
`services.trend_intel.enrich`, which records one prediction per active public trend and hour with
its features, scored 24 hours later):

* the UCI News Aggregator prefix (6,366 headlines, 2014-03-10..12, crawl times), all of it;
* the 2026-02-18 feed snapshot, **only the items published before 2026-02-16** (the stream is cut
  there, so no outcome reads a later item). Items published on or after 2026-02-16 are the
  held-out window that `headlinez backtest` scores; nothing here reads them.

Samples: every public trend (2+ newsrooms) active at an hour boundary (an article in the 24 hours
before it), labelled by `prediction.outcome_code` 24 hours later. The model is a logistic
regression (scikit-learn, L2) of "continues" against "fades" on the standardized features of
`headlinez.domain.prediction.FEATURE_NAMES`; its regularization C is chosen by 5-fold
cross-validated Brier score with folds grouped by trend (a trend's hourly samples are correlated).
numpy and scikit-learn are used here only: the package applies the coefficients in pure Python.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

from headlinez.domain.prediction import (
    FEATURE_NAMES,
    HORIZON,
    MODEL_PATH,
    RECORD_MIN_SOURCES,
    SCORED_CODES,
    ScoredCode,
    daily_velocity,
    features,
    outcome_code,
)
from headlinez.evaluation.backtest import StreamReplay, replay_stream, stream_embeddings
from headlinez.evaluation.clustering_eval import load_dataset
from headlinez.models import Article

HELD_OUT_FROM = datetime(2026, 2, 16, tzinfo=UTC)
SNAPSHOT_HISTORY = timedelta(days=14)
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass(slots=True)
class Sample:
    group: str
    made_at: datetime
    daily: float
    sources: int
    features: dict[str, float]
    outcome: ScoredCode | None = None


def _samples(articles: list[Article], start: datetime, until: datetime, lexical: bool,
             tag: str) -> list[Sample]:
    """Every open trend active at each hour boundary of the replay (candidates too: the model
    conditions on the newsroom count), with its outcome when `until` covers its due time."""
    samples: list[Sample] = []

    def on_step(now: datetime, replay: StreamReplay) -> None:
        if now.minute or now.second:
            return
        for trend in replay.trends.values():
            daily = daily_velocity(trend, now) if trend.is_open else 0.0
            if daily > 0.0 and now + HORIZON <= until:
                samples.append(Sample(f"{tag}:{trend.trend_id}", now, daily, trend.source_count,
                                      features(trend, now)))

    replay = replay_stream(articles, start=start, end=until, embeddings=stream_embeddings(articles, lexical),
                           on_step=on_step)
    for sample in samples:
        final = replay.final_trend(sample.group.split(":", 1)[1])
        if final is not None:
            sample.outcome = outcome_code(sample.daily, daily_velocity(final, sample.made_at + HORIZON))
    scored = [s for s in samples if s.outcome is not None]
    counts = Counter(s.outcome for s in scored)
    print(f"{tag}: {len(articles)} articles, {replay.steps} steps, {len(scored)} trend-hours with an outcome "
          f"({dict(counts)}; {sum(1 for s in scored if s.sources >= 2)} public); "
          f"clustering {replay.cluster_seconds:.1f} s", flush=True)
    return scored


STREAMS = ("uci", "snapshot")


def training_samples(data_dir: Path, lexical: bool, streams: Sequence[str] = STREAMS) -> list[Sample]:
    samples: list[Sample] = []
    if "uci" in streams:
        uci_file = data_dir / "uci_news_aggregator_prefix" / "articles.jsonl"
        uci = [row.article for row in load_dataset(uci_file)]
        first_uci = min(a.published for a in uci).replace(minute=0, second=0, microsecond=0)
        samples += _samples(uci, first_uci, max(a.published for a in uci), lexical, "uci")
    if "snapshot" in streams:
        snapshot_file = data_dir / "news_feed_snapshot_2026-02-18" / "articles.jsonl"
        before = [row.article for row in load_dataset(snapshot_file) if row.article.published < HELD_OUT_FROM]
        samples += _samples(before, HELD_OUT_FROM - SNAPSHOT_HISTORY, HELD_OUT_FROM, lexical,
                            "snapshot<2026-02-16")
    return samples


def print_single_feature_aucs(samples: Sequence[Sample]) -> None:
    """One feature alone, per stream and pooled: does it rank 'continues' the way a forecaster
    would read it (AUC > 0.5 for growth, < 0.5 for silence)? Streams that disagree cannot be
    pooled into one calibrated model."""
    for tag in [*sorted({s.group.split(":", 1)[0] for s in samples}), "pooled"]:
        chosen = [s for s in samples if tag == "pooled" or s.group.startswith(f"{tag}:")]
        y = np.array([SCORED_CODES.index(s.outcome) for s in chosen if s.outcome is not None])
        if len(set(y.tolist())) < 2:
            continue
        x = np.array([[s.features[name] for name in FEATURE_NAMES] for s in chosen])
        print(f"  single-feature AUC toward 'continues', {tag} ({len(y)} trend-hours, {int(y.sum())} "
              "continue): " + ", ".join(f"{name} {roc_auc_score(y, x[:, j]):.2f}"
                                        for j, name in enumerate(FEATURE_NAMES)))


def _choose_c(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    folds = GroupKFold(n_splits=5)
    best: tuple[float, float] | None = None
    for c in C_GRID:
        briers, balanced = [], []
        logits = np.zeros(len(y))
        centered = np.zeros(len(y))
        for train, test in folds.split(x, y, groups):
            model = LogisticRegression(C=c, max_iter=2000).fit(x[train], y[train])
            p = model.predict_proba(x[test])[:, 1]
            logits[test] = model.decision_function(x[test])
            # Each fold's model learns its own base rate, and a fold whose training part has fewer
            # 'continues' tests on more of them: pooled out-of-fold logits then rank by fold, not
            # by trend (an artifact that pushes the pooled AUC under 0.5 for a nearly
            # intercept-only model). Centred on the fold model's mean training logit, they rank
            # by the features alone.
            centered[test] = logits[test] - model.decision_function(x[train]).mean()
            briers.append(2 * float(np.mean((p - y[test]) ** 2)))  # two-class form of the multi-class Brier
            decided = p >= y[train].mean()
            balanced.append(float(np.mean([np.mean(decided[y[test] == k] == k) for k in (0, 1)])))
        mean = float(np.mean(briers))
        # Does the model rank at all out of fold (AUC), and would a calibration map stretch or
        # flip it (the slope of a Platt fit of the out-of-fold logits: 1 = calibrated, < 0 = wrong way)?
        platt = LogisticRegression(C=1e6, max_iter=2000).fit(logits[:, None], y)
        fair = LogisticRegression(C=1e6, max_iter=2000).fit(centered[:, None], y)
        print(f"  C={c:<5} cross-validated Brier {mean:.4f}, balanced accuracy {np.mean(balanced):.3f}, "
              f"out-of-fold AUC {roc_auc_score(y, logits):.3f}, Platt slope {platt.coef_[0][0]:+.2f}; "
              f"fold-centred: AUC {roc_auc_score(y, centered):.3f}, Platt slope {fair.coef_[0][0]:+.2f}")
        if best is None or mean < best[1]:
            best = (c, mean)
    assert best is not None
    return best[0]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("HEADLINEZ_DATA_DIR", "../shared/data")))
    parser.add_argument("--lexical", action="store_true", help="cluster without sentence embeddings")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--streams", nargs="+", choices=STREAMS, default=list(STREAMS),
                        help="training streams (default: both)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing: exit 1 when the fit differs from the model at --out (run it "
                             "after a change to clustering or its features: the shipped model must be "
                             "what this script writes)")
    args = parser.parse_args(argv)
    if not args.data_dir.is_dir():
        print(f"data folder not found: {args.data_dir}", file=sys.stderr)
        return 2
    samples = [s for s in training_samples(args.data_dir, args.lexical, args.streams)
               if s.sources >= RECORD_MIN_SOURCES]
    print_single_feature_aucs(samples)
    x_raw = np.array([[s.features[name] for name in FEATURE_NAMES] for s in samples])
    y = np.array([SCORED_CODES.index(s.outcome) for s in samples if s.outcome is not None])
    groups = np.array([s.group for s in samples])
    mean, scale = x_raw.mean(axis=0), x_raw.std(axis=0)
    scale[scale == 0] = 1.0
    x = (x_raw - mean) / scale
    c = _choose_c(x, y, groups)
    model = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    rates = {code: round(float(np.mean(y == i)), 4) for i, code in enumerate(SCORED_CODES)}
    document = {
        "classes": list(SCORED_CODES),
        "feature_names": list(FEATURE_NAMES),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        # sigmoid(b + w.x) as a softmax over (fades, continues): logits 0 and b + w.x
        "coef": [[0.0] * len(FEATURE_NAMES), [round(float(v), 6) for v in model.coef_[0]]],
        "intercept": [0.0, round(float(model.intercept_[0]), 6)],
        "fitted_on": f"logistic regression, C={c}, on public trend-hours of "
                     + " and ".join({"uci": "the UCI prefix",
                                     "snapshot": f"the 2026-02-18 snapshot's items published before "
                                                 f"{HELD_OUT_FROM:%Y-%m-%d}"}[name] for name in args.streams)
                     + f" ({'lexical' if args.lexical else 'embedding'} clustering)",
        "samples": len(y),
        "class_rates": rates,
        "held_out_from": HELD_OUT_FROM.isoformat().replace("+00:00", "Z"),
    }
    written = json.dumps(document, indent=1) + "\n"
    if args.check:
        shipped = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if shipped == written:
            print(f"{args.out} is what this script writes: {len(y)} samples, outcome shares {rates}, C={c}")
            return 0
        print(f"{args.out} differs from this fit ({len(y)} samples, outcome shares {rates}, C={c}): "
              "refit it (run without --check), then score it (headlinez backtest)", file=sys.stderr)
        return 1
    args.out.write_text(written, encoding="utf-8")
    print(f"wrote {args.out}: {len(y)} samples, outcome shares {rates}, C={c}")
    for name, weight in zip(FEATURE_NAMES, model.coef_[0], strict=True):
        print(f"  {name:<26}{weight:>9.3f}  (per standard deviation, toward 'continues')")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
