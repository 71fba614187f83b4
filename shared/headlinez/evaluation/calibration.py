"""`headlinez calibrate-prediction`: fit the prediction's calibration from scored predictions.

The shipped model states equal-prior probabilities, which are **not calibrated** (docs/benchmarks.md:
the training streams disagree with each other and with the held-out days). What calibrates it is a
stream like the product's own: the scored predictions a deployment stores every hour, each with the
features it was made from. This command reads them, says how well the model's stated probabilities
and a Platt scaling of its raw log-odds (`domain.prediction.fit_calibration`) would have done on
them, both out of fold (trends kept whole in one fold: one story's hours are not independent), and
with `--out` writes the model with the calibration fitted on all of them:

    headlinez calibrate-prediction --table headlinez-prod [--since 2026-12-01] --out model.json
    headlinez calibrate-prediction --records scored.jsonl --out model.json
    headlinez calibrate-prediction --state-dir .headlinez          # what the local stack has scored
    headlinez calibrate-prediction --replay ../shared/data/uci_news_aggregator_prefix --out /tmp/m.json

`--table` reads the scored predictions of a DynamoDB table (a Scan: an operator's offline read,
access pattern P5 of docs/architecture.md); `--state-dir` those the local stack saved in its state
directory (`headlinez up --state-dir`; its moto table lives in its own process); `--records` a
JSON-lines file of `PredictionRecord`s; `--replay` replays a timestamped dataset
through the production clustering and enrichment first (as `headlinez backtest` does), `--until`
cutting it. It refuses, saying why, when the records cannot support a fit (MIN_CALIBRATION_*).
The written model goes where the functions load it (`domain/prediction_model.json`) by a commit
and a deploy: nothing changes in production until then.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from headlinez.clock import parse_timestamp
from headlinez.domain.prediction import (
    MIN_CALIBRATION_PER_OUTCOME,
    MIN_CALIBRATION_RECORDS,
    MIN_CALIBRATION_TRENDS,
    MODEL_PATH,
    Calibration,
    CalibrationError,
    PredictionModel,
    PredictionRecord,
    fit_calibration,
    load_model,
    raw_log_odds,
    sigmoid,
)
from headlinez.evaluation.backtest import reliability_of

FOLDS = 5


@dataclass(frozen=True, slots=True)
class Sample:
    trend_id: str
    log_odds: float
    continued: bool
    stated: float
    """P(continues) as the model states it today (equal priors, or its current calibration)."""


def samples_of(records: Iterable[PredictionRecord], model: PredictionModel) -> list[Sample]:
    """The scored records that carry the model's features, as (raw log-odds, outcome) samples."""
    samples: list[Sample] = []
    for record in records:
        if record.outcome is None or not set(model.feature_names) <= set(record.features):
            continue
        raw = model.probabilities(record.features)
        samples.append(Sample(trend_id=record.trend_id, log_odds=raw_log_odds(raw),
                              continued=record.outcome == "continues",
                              stated=model.stated_probabilities(raw)["continues"]))
    return samples


def check_enough(samples: Sequence[Sample], scored: int | None = None) -> None:
    """Raise CalibrationError, saying what is missing, unless the samples can support a fit.
    `scored`: how many scored records there were, when some lacked the model's features."""
    continued = sum(1 for s in samples if s.continued)
    trends = len({s.trend_id for s in samples})
    problems = []
    if len(samples) < MIN_CALIBRATION_RECORDS:
        without = (f" ({scored - len(samples)} more without the model's features)"
                   if scored is not None and scored > len(samples) else "")
        problems.append(f"{len(samples)} scored predictions{without} (need {MIN_CALIBRATION_RECORDS})")
    if min(continued, len(samples) - continued) < MIN_CALIBRATION_PER_OUTCOME:
        problems.append(f"{continued} continued and {len(samples) - continued} faded "
                        f"(need {MIN_CALIBRATION_PER_OUTCOME} of each)")
    if trends < MIN_CALIBRATION_TRENDS:
        problems.append(f"{trends} trends (need {MIN_CALIBRATION_TRENDS})")
    if problems:
        raise CalibrationError("too little to calibrate from: " + "; ".join(problems))


def _fold(trend_id: str) -> int:
    return int(hashlib.sha256(trend_id.encode()).hexdigest()[:8], 16) % FOLDS


def out_of_fold(samples: Sequence[Sample]) -> list[float]:
    """P(continues) of each sample from a calibration fitted on the other folds' trends."""
    predicted = [0.0] * len(samples)
    for fold in range(FOLDS):
        fit_rows = [s for s in samples if _fold(s.trend_id) != fold]
        slope, intercept = fit_calibration([s.log_odds for s in fit_rows], [s.continued for s in fit_rows])
        for index, sample in enumerate(samples):
            if _fold(sample.trend_id) == fold:
                predicted[index] = sigmoid(slope * sample.log_odds + intercept)
    return predicted


def _brier(probabilities: Sequence[float], samples: Sequence[Sample]) -> float:
    """Two-outcome Brier score as `headlinez backtest` prints it (0 perfect, 2 certain and wrong)."""
    errors = [(p - float(s.continued)) ** 2 for p, s in zip(probabilities, samples, strict=True)]
    return 2 * sum(errors) / len(samples)


def calibrate(records: Iterable[PredictionRecord], model: PredictionModel, source: str,
              out: TextIO | None = None) -> Calibration:
    """Print how the stated and the calibrated probabilities do on the records (out of fold), and
    return the calibration fitted on all of them. CalibrationError when they cannot support one."""
    out = out or sys.stdout
    records = list(records)
    samples = samples_of(records, model)
    check_enough(samples, scored=sum(1 for r in records if r.outcome is not None))
    continued = sum(1 for s in samples if s.continued)
    trends = len({s.trend_id for s in samples})
    print(f"scored predictions: {len(samples)} over {trends} trends ({source}); continued "
          f"{continued} ({100 * continued / len(samples):.1f}%), faded {len(samples) - continued}", file=out)
    calibrated = out_of_fold(samples)
    stated = [s.stated for s in samples]
    print(f"Brier, {FOLDS}-fold by trend: as stated today {_brier(stated, samples):.3f}; calibrated "
          f"out of fold {_brier(calibrated, samples):.3f}; constant at the stream's rate "
          f"{_brier([continued / len(samples)] * len(samples), samples):.3f}", file=out)
    for label, probabilities in (("as stated today", stated), ("calibrated, out of fold", calibrated)):
        print(f"reliability of P(continues), {label}:", file=out)
        print(f"  {'P bin':<9} {'n':>5} {'stated':>7} {'happened':>9}", file=out)
        pairs = [(p, s.continued) for p, s in zip(probabilities, samples, strict=True)]
        for bin_label, count, mean, happened in reliability_of(pairs):
            print(f"  {bin_label:<9} {count:>5} {100 * mean:>6.1f}% {100 * happened:>8.1f}%", file=out)
    slope, intercept = fit_calibration([s.log_odds for s in samples], [s.continued for s in samples])
    print(f"fitted on all: P(continues) = sigmoid({slope:.3f} x log-odds {intercept:+.3f})", file=out)
    return Calibration(slope=round(slope, 6), intercept=round(intercept, 6), records=len(samples),
                       trends=trends, fitted_on=source)


def _records_file(path: Path) -> list[PredictionRecord]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    records.append(PredictionRecord.model_validate_json(line))
                except ValueError as exc:
                    raise CalibrationError(f"{path}:{number}: not a prediction record ({exc})") from exc
    return records


def _state_dir(folder: Path) -> list[PredictionRecord]:
    """The scored predictions of the local stack's saved table(s) (DynamoDB JSON, gzip lines)."""
    from headlinez.local.stack import REPLAY_STATE_FILE, STATE_FILE

    paths = [folder / name for name in (STATE_FILE, REPLAY_STATE_FILE) if (folder / name).is_file()]
    if not paths:
        raise CalibrationError(f"{folder}: no saved table ({STATE_FILE} or {REPLAY_STATE_FILE})")
    found: dict[tuple[str, str], PredictionRecord] = {}
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                item = json.loads(line)
                pk = item.get("pk", {}).get("S", "")
                if not pk.startswith("PRED#") or "gsi1pk" in item:
                    continue  # not a prediction, or one still waiting for its outcome
                record = PredictionRecord.model_validate_json(item["doc"]["S"])
                if record.outcome is not None:
                    found[pk, item["sk"]["S"]] = record
    return list(found.values())


def _replayed(dataset: Path, until: datetime | None, lexical: bool) -> list[PredictionRecord]:
    from headlinez.evaluation.backtest import replay_stream, stream_embeddings
    from headlinez.evaluation.clustering_eval import load_dataset

    articles = [row.article for row in load_dataset(dataset)
                if until is None or row.article.published < until]
    if not articles:
        raise CalibrationError(f"{dataset}: no article before {until}")
    first = min(a.published for a in articles)
    return replay_stream(articles, start=first, embeddings=stream_embeddings(articles, lexical)).records


def _table(name: str, since: datetime | None) -> list[PredictionRecord]:
    from botocore.exceptions import BotoCoreError, ClientError

    from headlinez.adapters.dynamodb import DynamoStore
    from headlinez.adapters.table import StorageError

    try:
        return list(DynamoStore.from_table_name(name).scored_predictions(since=since))
    except (BotoCoreError, ClientError, StorageError) as exc:
        raise CalibrationError(f"cannot read table {name}: {exc}") from exc


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="headlinez calibrate-prediction",
                                     description=(__doc__ or "").split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--table", help="DynamoDB table of a deployment (or the local stack's)")
    source.add_argument("--records", type=Path, help="JSON lines of scored PredictionRecords")
    source.add_argument("--state-dir", type=Path, help="the local stack's state directory")
    source.add_argument("--replay", type=Path, help="a timestamped dataset to replay first")
    parser.add_argument("--since", type=parse_timestamp, help="with --table: predictions made from then on")
    parser.add_argument("--until", type=parse_timestamp, help="with --replay: articles published before")
    parser.add_argument("--lexical", action="store_true", help="with --replay: cluster without embeddings")
    parser.add_argument("--model", type=Path, default=MODEL_PATH, help="the model to calibrate")
    parser.add_argument("--out", type=Path, help="write the model with the fitted calibration here")
    args = parser.parse_args(argv)
    model = load_model(args.model)
    try:
        if args.table:
            records, label = _table(args.table, args.since), f"table {args.table}"
        elif args.records:
            records, label = _records_file(args.records), str(args.records)
        elif args.state_dir:
            records, label = _state_dir(args.state_dir), f"local stack state {args.state_dir}"
        else:
            records = _replayed(args.replay, args.until, args.lexical)
            cut = f" before {args.until:%Y-%m-%dT%H:%MZ}" if args.until else ""
            label = f"replay of {args.replay}{cut}"
        calibration = calibrate(records, model, label)
    except (CalibrationError, OSError) as exc:
        print(f"calibrate-prediction: {exc}", file=sys.stderr)
        return 2
    if args.out:
        calibrated = model.model_copy(update={"calibration": calibration})
        args.out.write_text(calibrated.model_dump_json(indent=1, exclude_none=True) + "\n", encoding="utf-8")
        print(f"wrote {args.out}: the model with this calibration (the functions load "
              f"{MODEL_PATH.name}; commit and deploy to use it)")
    return 0


__all__ = ["Sample", "calibrate", "check_enough", "main", "out_of_fold", "samples_of"]
