"""`headlinez eval clustering DATASET.jsonl`: measure streaming clustering against gold stories.

The harness replays a labeled dataset the way production sees it: articles in publish-time order,
in 15-minute micro-batches (one scheduled run each, ``now`` = end of the window), through the
same ``cluster_articles`` the Lambda calls, carrying open trends and the rolling IDF corpus from
run to run. It then prints B-cubed and pairwise precision/recall/F1, ARI, the cluster count
against the gold story count, the worst merges and splits with their titles, and the throughput
of the domain step. A batch reference (average-linkage agglomerative clustering of TF-IDF
vectors, cosine distance, scikit-learn) runs on the same articles so that the streaming result is
judged against what an offline method with the whole dataset in view achieves.

Datasets use the normalized schema of ``../shared/data/*/articles.jsonl``: ``id, title, summary,
url, publisher, published, story_id`` (null = not scored, still clustered). A folder path means
its ``articles.jsonl``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from headlinez.domain.clustering import ClusterConfig, DocumentFrequencies, cluster_articles
from headlinez.domain.sections import article_section, feed_title_section
from headlinez.domain.semantic import embedding_text
from headlinez.domain.text import title_fingerprint
from headlinez.evaluation.metrics import (
    ClusterError,
    PrecisionRecall,
    adjusted_rand_index,
    bcubed,
    pairwise,
    worst_merges,
    worst_splits,
)
from headlinez.models import Article, TrendState
from headlinez.ports import Embedder

DEFAULT_BATCH_MINUTES = 15
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Cosine distance at which the batch reference stops merging: one fixed value for every dataset,
# like the streaming configuration. The best cut of BATCH_GRID per dataset is reported too: an
# oracle, tuned on the gold labels, i.e. an optimistic bound for the batch method.
DEFAULT_BATCH_DISTANCE = 0.85
BATCH_GRID = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
_PARENTHETICAL = re.compile(r"\([^)]*\)")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class GoldArticle:
    article: Article
    story_id: str | None


@dataclass(slots=True)
class Replay:
    """Outcome of replaying a dataset through the streaming clusterer."""

    assignments: dict[str, str]
    trends: dict[str, TrendState]
    runs: int
    articles: int
    seconds: float
    peak_open_trends: int
    frequencies: DocumentFrequencies
    embedding_seconds: float = 0.0
    embedding_model: str | None = None

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds > 0 else float("inf")


@dataclass(slots=True)
class Scores:
    bcubed: PrecisionRecall
    pairwise: PrecisionRecall
    ari: float
    clusters: int
    gold_stories: int
    merges: list[ClusterError] = field(default_factory=list)
    splits: list[ClusterError] = field(default_factory=list)


@dataclass(slots=True)
class ClusteringReport:
    dataset: str
    articles: list[GoldArticle]
    replay: Replay
    streaming: Scores
    batch: Scores | None = None
    batch_seconds: float = 0.0
    batch_distance: float = DEFAULT_BATCH_DISTANCE
    batch_best: tuple[float, Scores] | None = None
    batch_skipped: str | None = None
    jitter_hours: float = 0.0
    distractors: int = 0
    distractors_in_gold_trends: int = 0


CACHE_DIR = Path(".headlinez") / "cache" / "embeddings"


def embed_articles(
    articles: Sequence[Article], embedder: Embedder, cache_dir: Path | None = CACHE_DIR
) -> tuple[dict[str, list[float]], float]:
    """Embeddings of `articles` (title + lead) and the seconds spent computing them.

    Cached on disk by a digest of the model id and every text, so a repeated evaluation of the
    same dataset costs nothing; a cache hit reports 0 s (the CLI says so).
    """
    texts = [embedding_text(a.title, a.summary) for a in articles]
    digest = hashlib.sha256("\x00".join([embedder.model_id, *texts]).encode()).hexdigest()[:24]
    path = cache_dir / f"{digest}.npy" if cache_dir is not None else None
    seconds = 0.0
    if path is not None and path.is_file():
        matrix = np.load(path)
    else:
        started = time.process_time()
        matrix = embedder.embed(texts)
        seconds = time.process_time() - started
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, matrix)
    return {a.article_id: row.tolist() for a, row in zip(articles, matrix, strict=True)}, seconds


def jitter(rows: Sequence[GoldArticle], hours: float, seed: int) -> list[GoldArticle]:
    """Move each article's publish (and ingest) time at random by up to ±`hours` (seeded)."""
    if hours <= 0:
        return list(rows)
    generator = random.Random(seed)
    moved = []
    for row in rows:
        delta = timedelta(seconds=generator.uniform(-hours, hours) * 3600)
        article = row.article.model_copy(update={"published": row.article.published + delta,
                                                 "ingested_at": row.article.ingested_at + delta})
        moved.append(GoldArticle(article=article, story_id=row.story_id))
    return moved


def spread(distractors: Sequence[GoldArticle], rows: Sequence[GoldArticle], seed: int) -> list[GoldArticle]:
    """Distractors re-timed uniformly at random (seeded) over the span of `rows`, so they compete
    with the gold stories in the same open window. They are not scored (distractors grouping
    among themselves is no error here); `evaluate` counts those that join a gold story's trend."""
    if not rows:
        return []
    start = min(row.article.published for row in rows)
    span = (max(row.article.published for row in rows) - start).total_seconds()
    generator = random.Random(seed + 1)
    moved = []
    for row in distractors:
        at = start + timedelta(seconds=generator.uniform(0, span))
        article = row.article.model_copy(update={"published": at, "ingested_at": at})
        moved.append(GoldArticle(article=article, story_id=None))
    return moved


def apply_labels(rows: Sequence[GoldArticle], labels_path: Path, ids: Sequence[str]) -> list[GoldArticle]:
    """Keep the rows labeled in `labels_path` (CSV `id,story`; `single` = a story of its own)."""
    with labels_path.open(encoding="utf-8", newline="") as handle:
        labels = {row["id"]: row["story"] for row in csv.DictReader(handle)}
    kept = []
    for row, row_id in zip(rows, ids, strict=True):
        story = labels.get(row_id)
        if story is not None:
            kept.append(GoldArticle(article=row.article,
                                    story_id=f"single:{row_id}" if story == "single" else story))
    return kept


def publisher_family(publisher: str) -> str:
    """Slug of a publisher name, without qualifiers in parentheses: 'Fox News (Online News)' and
    'Fox News (Opinion)' are one newsroom ('fox-news')."""
    base = _PARENTHETICAL.sub(" ", publisher).lower()
    slug = _NON_SLUG.sub("-", base).strip("-")[:64].strip("-")
    return slug or "unknown"


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"published {value!r} has no time zone")
    return parsed


def dataset_ids(path: Path) -> list[str]:
    """The dataset's own row ids, in file order (what label files refer to)."""
    if path.is_dir():
        path = path / "articles.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [str(json.loads(line)["id"]) for line in handle if line.strip()]


# A dataset's `category` field is read as the feed items' own tags (what ingest reads from a feed)
# only when its SOURCE.md documents it so, as the snapshot's does ("`category` (feed tags)").
# Anywhere else (UCI's b/t/e/m, AllSides' topics, a labeled copy of any set) it may be the answer
# the category benchmarks score against, and must never become a hint.
FEED_TAGS_DOCUMENTED = "`category` (feed tags)"


def category_is_feed_tags(folder: Path) -> bool:
    """Whether the dataset in `folder` documents its `category` field as feed tags."""
    source = folder / "SOURCE.md"
    try:
        return FEED_TAGS_DOCUMENTED in source.read_text(encoding="utf-8")
    except OSError:
        return False


class DatasetError(ValueError):
    """A dataset file that cannot be read as articles: the message names the file and line."""


def load_dataset(path: Path) -> list[GoldArticle]:
    """Read a normalized articles.jsonl into Articles (ids unique even when URLs repeat). Each
    article's category hint is its publisher's section as ingest would read it
    (`sections.article_section` over the feed tags, where the dataset has them, and the URL; else
    the section its feed's title names, where the dataset gives `feed_title`)."""
    if path.is_dir():
        path = path / "articles.jsonl"
    if not path.is_file():
        raise DatasetError(f"{path}: no such file (a dataset is an articles.jsonl, or a folder holding one)")
    feed_tags = category_is_feed_tags(path.parent)
    rows: list[GoldArticle] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row: dict[str, Any] = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
                url = str(row.get("url") or row["id"])
                published = _parse_time(str(row["published"]))
            except KeyError as exc:
                raise DatasetError(f"{path}:{number}: no {exc.args[0]!r} field") from exc
            except ValueError as exc:
                raise DatasetError(f"{path}:{number}: not an article row ({exc})") from exc
            family = publisher_family(str(row.get("publisher") or "unknown"))
            title = str(row.get("title") or "")
            article = Article(
                # Production ids digest the canonical URL; datasets repeat URLs, so add the row id.
                article_id=hashlib.sha256(f"{url}#{row['id']}".encode()).hexdigest(),
                url=url,
                title=title,
                summary=str(row.get("summary") or ""),
                published=published,
                ingested_at=published,
                feed_id=family,
                outlet=str(row.get("publisher") or "unknown"),
                publisher_family=family,
                category_hint=(article_section([str(row.get("category") or "")] if feed_tags else [], url)
                               or feed_title_section(row.get("feed_title"))),
                title_fingerprint=title_fingerprint(title),
            )
            story = row.get("story_id")
            rows.append(GoldArticle(article=article, story_id=str(story) if story else None))
    if not rows:
        raise DatasetError(f"{path}: no articles")
    return rows


def replay(
    articles: Sequence[Article],
    config: ClusterConfig,
    *,
    batch_minutes: int = DEFAULT_BATCH_MINUTES,
    embeddings: dict[str, list[float]] | None = None,
) -> Replay:
    """Feed `articles` to cluster_articles in publish-time micro-batches, like scheduled runs."""
    ordered = sorted(articles, key=lambda a: (a.published, a.article_id))
    step = timedelta(minutes=batch_minutes)
    open_trends: dict[str, TrendState] = {}
    trends: dict[str, TrendState] = {}
    assignments: dict[str, str] = {}
    frequencies = DocumentFrequencies()
    runs = 0
    seconds = 0.0
    peak = 0
    position = 0
    while position < len(ordered):
        # Windows are aligned on multiples of the step since the epoch, like a cron schedule.
        first = ordered[position].published
        window_end = _EPOCH + step * ((first - _EPOCH) // step + 1)
        end = position
        while end < len(ordered) and ordered[end].published < window_end:
            end += 1
        batch = ordered[position:end]
        position = end
        trends_in = list(open_trends.values())
        started = time.process_time()  # CPU time: robust to other load on a shared machine
        result = cluster_articles(trends_in, batch, frequencies, now=window_end, config=config,
                                  embeddings=embeddings)
        seconds += time.process_time() - started
        runs += 1
        frequencies = result.frequencies
        assignments.update(result.assignments)
        for state in result.changed:
            trends[state.trend_id] = state
            if state.is_open:
                open_trends[state.trend_id] = state
            else:
                open_trends.pop(state.trend_id, None)
        peak = max(peak, len(open_trends))
    return Replay(
        assignments={article_id: _final_trend(trends, tid) for article_id, tid in assignments.items()},
        trends=trends,
        runs=runs,
        articles=len(ordered),
        seconds=seconds,
        peak_open_trends=peak,
        frequencies=frequencies,
    )


def _final_trend(trends: dict[str, TrendState], trend_id: str) -> str:
    """Follow merged_into links: members of an absorbed trend belong to its survivor."""
    seen = {trend_id}
    state = trends.get(trend_id)
    while state is not None and state.merged_into is not None and state.merged_into not in seen:
        trend_id = state.merged_into
        seen.add(trend_id)
        state = trends.get(trend_id)
    return trend_id


def score(predicted: dict[str, str], gold: dict[str, str], *, limit: int = 5) -> Scores:
    scored_clusters = {predicted[item] for item in gold if item in predicted}
    return Scores(
        bcubed=bcubed(predicted, gold),
        pairwise=pairwise(predicted, gold),
        ari=adjusted_rand_index(predicted, gold),
        clusters=len(scored_clusters),
        gold_stories=len(set(gold.values())),
        merges=worst_merges(predicted, gold, limit),
        splits=worst_splits(predicted, gold, limit),
    )


def batch_reference_sweep(
    articles: Sequence[Article], thresholds: Sequence[float]
) -> dict[float, dict[str, str]]:
    """Offline reference: TF-IDF (title + summary, sublinear tf, English stop words), cosine
    distance, average-linkage agglomerative clustering cut at each of `thresholds` (one distance
    matrix, one tree each)."""
    try:
        import numpy as np
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError as error:  # optional extra: pip install headlinez[bench]
        raise RuntimeError("the batch reference needs scikit-learn (extra 'bench')") from error
    texts = [f"{a.title}. {a.title}. {a.summary}" for a in articles]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(texts)
    similarity = (matrix @ matrix.T).toarray()
    distances = np.clip(1.0 - similarity, 0.0, 2.0)
    results: dict[float, dict[str, str]] = {}
    for threshold in thresholds:
        model = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
        )
        labels = model.fit_predict(distances)
        results[threshold] = {a.article_id: f"b{label}" for a, label in zip(articles, labels, strict=True)}
    return results


def load_stream(path: Path, labels: Path | None = None, jitter_hours: float = 0.0,
                seed: int = 0) -> list[GoldArticle]:
    """A dataset as a replay reads it: restricted to the rows of `labels` (CSV `id,story`, which
    also gives their stories) when given, publish times jittered by up to `jitter_hours`."""
    rows = load_dataset(path)
    if labels is not None:
        rows = apply_labels(rows, labels, dataset_ids(path))
    return jitter(rows, jitter_hours, seed)


def evaluate(
    path: Path,
    config: ClusterConfig | None = None,
    *,
    batch_minutes: int = DEFAULT_BATCH_MINUTES,
    with_batch: bool = False,
    batch_distance: float = DEFAULT_BATCH_DISTANCE,
    top: int = 5,
    embedder: Embedder | None = None,
    jitter_hours: float = 0.0,
    seed: int = 0,
    distractors: Path | None = None,
    labels: Path | None = None,
) -> ClusteringReport:
    """Replay and score one dataset; the integration test and the CLI both call this.

    `labels` (CSV `id,story`) restricts the dataset to its labeled rows and gives their stories;
    `distractors` (another normalized JSONL) mixes unrelated items into the stream (not scored)
    and counts how many land in a trend holding gold-story articles.
    """
    rows = load_stream(path, labels, jitter_hours, seed)
    extra = spread(load_dataset(distractors), rows, seed) if distractors is not None else []
    rows = rows + extra
    articles = [row.article for row in rows]
    embeddings, embedding_seconds = embed_articles(articles, embedder) if embedder else (None, 0.0)
    run = replay(articles, config or ClusterConfig(), batch_minutes=batch_minutes, embeddings=embeddings)
    run.embedding_seconds = embedding_seconds
    run.embedding_model = embedder.model_id if embedder else None
    gold = {row.article.article_id: row.story_id for row in rows if row.story_id is not None}
    report = ClusteringReport(
        dataset=str(path),
        articles=rows,
        replay=run,
        streaming=score(run.assignments, gold, limit=top),
        batch_distance=batch_distance,
        jitter_hours=jitter_hours,
        distractors=len(extra),
    )
    if extra:
        gold_trends = {run.assignments[row.article.article_id] for row in rows
                       if row.story_id and not row.story_id.startswith("single:")
                       and row.article.article_id in run.assignments}
        report.distractors_in_gold_trends = sum(
            1 for row in extra if run.assignments.get(row.article.article_id) in gold_trends)
    if with_batch and gold:
        started = time.perf_counter()
        grid = sorted({*BATCH_GRID, batch_distance})
        try:
            labels_by_cut = batch_reference_sweep(articles, grid)
        except RuntimeError as error:
            report.batch_skipped = str(error)
            return report
        sweep = {threshold: score(labels, gold, limit=top) for threshold, labels in labels_by_cut.items()}
        report.batch_seconds = time.perf_counter() - started
        report.batch = sweep[batch_distance]
        best = max(sweep, key=lambda threshold: sweep[threshold].bcubed.f1)
        report.batch_best = (best, sweep[best])
    return report


# --- printing ----------------------------------------------------------------------------------


def _clip(text: str, width: int = 96) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_scores(out: TextIO, label: str, scores: Scores) -> None:
    b, p = scores.bcubed, scores.pairwise
    print(
        f"{label:<10} B-cubed P={b.precision:.3f} R={b.recall:.3f} F1={b.f1:.3f} | "
        f"pairwise P={p.precision:.3f} R={p.recall:.3f} F1={p.f1:.3f} | ARI={scores.ari:.3f} | "
        f"clusters={scores.clusters} gold stories={scores.gold_stories}",
        file=out,
    )


def _print_errors(
    out: TextIO, title: str, errors: list[ClusterError], labels: tuple[str, str], titles: dict[str, str]
) -> None:
    """Print errors; `labels` names the error's cluster kind and its parts' kind."""
    print(f"\n{title}", file=out)
    if not errors:
        print("  (none)", file=out)
    for error in errors:
        print(f"  {labels[0]} {str(error.cluster)[:32]}: {error.wrong_pairs} wrong pairs", file=out)
        for part, items in list(error.parts.items())[:4]:
            sample = _clip(titles.get(str(items[0]), "?"), 80)
            print(f"    [{len(items):>3}] {labels[1]} {str(part)[:32]}: {sample}", file=out)
        if len(error.parts) > 4:
            print(f"    ... {len(error.parts) - 4} more parts", file=out)


def print_biggest_trends(out: TextIO, replay_result: Replay, count: int) -> None:
    """The largest trends with their headlines and independent sources (for unlabeled data)."""
    biggest = sorted(replay_result.trends.values(), key=lambda t: (-t.article_count, t.trend_id))[:count]
    print(f"\nBiggest {len(biggest)} trends (articles / source families / span):", file=out)
    for trend in biggest:
        span = trend.last_seen - trend.first_seen
        print(
            f"  {trend.article_count:>4} art {trend.source_count:>3} src "
            f"{span.total_seconds() / 3600:6.1f} h  "
            f"{_clip(trend.headline, 80)}",
            file=out,
        )
        if trend.second_headline:
            print(f"{'':>31}2nd: {_clip(trend.second_headline, 75)}", file=out)


def _ratio(streaming: Scores, batch: Scores) -> float:
    return streaming.bcubed.f1 / batch.bcubed.f1 if batch.bcubed.f1 else float("inf")


def print_report(
    report: ClusteringReport, out: TextIO = sys.stdout, *, top: int = 5, trends: int = 0
) -> None:
    run = report.replay
    scored = sum(1 for row in report.articles if row.story_id is not None)
    print(f"dataset: {report.dataset}", file=out)
    print(
        f"articles: {len(report.articles)} (scored with a gold story: {scored}); "
        f"runs: {run.runs} micro-batches; trends created: {len(run.trends)}; "
        f"peak open trends: {run.peak_open_trends}",
        file=out,
    )
    print(
        f"domain step: {run.seconds:.2f} s, {run.articles_per_second:,.0f} articles/s "
        f"(CPU time in cluster_articles only, one core)",
        file=out,
    )
    if run.embedding_model:
        cached = " (cached: computed by an earlier run)" if run.embedding_seconds == 0 else ""
        per_article = 1000 * run.embedding_seconds / max(run.articles, 1)
        print(f"embeddings: {run.embedding_model}, {run.embedding_seconds:.2f} s CPU, "
              f"{per_article:.1f} ms/article{cached}", file=out)
    else:
        print("embeddings: none (lexical path only)", file=out)
    if report.jitter_hours:
        print(f"timestamps jittered by up to ±{report.jitter_hours:g} h (seeded)", file=out)
    if report.distractors:
        print(f"distractors: {report.distractors} mixed in; {report.distractors_in_gold_trends} landed in "
              f"a trend holding gold-story articles", file=out)
    titles = {row.article.article_id: row.article.title for row in report.articles}
    if scored:
        _print_scores(out, "streaming", report.streaming)
        if report.batch is not None:
            _print_scores(out, "batch", report.batch)
            print(
                f"batch reference: average-linkage agglomerative clustering of TF-IDF vectors, cosine "
                f"distance cut at {report.batch_distance} "
                f"({report.batch_seconds:.1f} s for {len(BATCH_GRID)} cuts); "
                f"streaming/batch B-cubed F1 = {_ratio(report.streaming, report.batch):.3f}",
                file=out,
            )
        if report.batch_skipped:
            print(f"batch reference skipped: {report.batch_skipped}", file=out)
        if report.batch_best is not None:
            threshold, best = report.batch_best
            _print_scores(out, "batch@best", best)
            print(
                f"best batch cut on this dataset's gold labels (oracle): {threshold}; "
                f"streaming/oracle-batch B-cubed F1 = {_ratio(report.streaming, best):.3f}",
                file=out,
            )
        _print_errors(
            out,
            f"{top} worst merges (one trend, several gold stories)",
            report.streaming.merges,
            ("trend", "story"),
            titles,
        )
        _print_errors(
            out,
            f"{top} worst splits (one gold story, several trends)",
            report.streaming.splits,
            ("story", "trend"),
            titles,
        )
    if trends:
        print_biggest_trends(out, run, trends)


def main(argv: list[str]) -> int:
    """Entry point of `headlinez eval clustering DATASET.jsonl`; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="headlinez eval clustering", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("dataset", type=Path, help="normalized articles.jsonl (or its folder)")
    parser.add_argument("--batch-minutes", type=int, default=DEFAULT_BATCH_MINUTES)
    parser.add_argument("--no-batch", action="store_true", help="skip the scikit-learn batch reference")
    parser.add_argument("--batch-distance", type=float, default=DEFAULT_BATCH_DISTANCE)
    parser.add_argument("--top", type=int, default=5, help="worst merges/splits to show")
    parser.add_argument("--trends", type=int, default=10, help="biggest trends to print")
    parser.add_argument(
        "--threshold", type=float, default=None, help="override similarity_threshold (experiments)"
    )
    parser.add_argument("--jitter", type=float, default=0.0, metavar="HOURS",
                        help="move each article's time at random by up to ±HOURS (seeded)")
    parser.add_argument("--seed", type=int, default=0, help="seed of --jitter")
    parser.add_argument("--distractors", type=Path, default=None, metavar="FILE",
                        help="normalized JSONL of unrelated items mixed into the stream")
    parser.add_argument("--labels", type=Path, default=None, metavar="CSV",
                        help="CSV id,story: score only these rows, with these stories")
    parser.add_argument("--lexical", action="store_true",
                        help="no sentence embeddings (the fallback path when the model is missing)")
    args = parser.parse_args(argv)
    for given in (args.dataset, args.distractors, args.labels):
        if given is not None and not given.exists():
            print(f"file not found: {given}", file=sys.stderr)
            return 2
    config = ClusterConfig() if args.threshold is None else ClusterConfig(similarity_threshold=args.threshold)
    embedder: Embedder | None = None
    if not args.lexical:
        from headlinez.adapters.embedding import load_default_embedder, unavailable_reason

        embedder = load_default_embedder()
        if embedder is None:
            print(f"embedding model unavailable ({unavailable_reason()}): lexical path only",
                  file=sys.stderr)
    report = evaluate(
        args.dataset,
        config,
        batch_minutes=args.batch_minutes,
        with_batch=not args.no_batch,
        batch_distance=args.batch_distance,
        top=args.top,
        embedder=embedder,
        jitter_hours=args.jitter,
        seed=args.seed,
        distractors=args.distractors,
        labels=args.labels,
    )
    print_report(report, top=args.top, trends=args.trends)
    return 0
