"""`headlinez eval category DATASET.jsonl`: accuracy of the category model on gold labels.

Gold categories come from the dataset's `category` field, mapped to the taxonomy
(`models.CATEGORIES`):

* **UCI News Aggregator** (`b/t/e/m`, normalized to business / science_technology /
  entertainment / health): business -> business, entertainment -> entertainment, health -> health,
  science_technology -> technology. UCI's "t" is "science and technology", so the report also
  gives a lenient figure that accepts science for it.
* **AllSides** topics -> taxonomy by `ALLSIDES_TOPICS` below (decided from the topic names and a
  few headlines of each, before measuring). Topics with no home in the taxonomy (Holidays,
  Disaster) are not scored; the report says how many articles that leaves out.

Two figures per dataset, both from the production code:

* **article**: `category.classify_trend` on each article's own embedding, title and summary (what one headline
  says);
* **trend**: the dataset replayed through clustering and `services.trend_intel.enrich` (as the
  backtest does); each article is scored with the category of the trend it ended in — what the
  page shows. No feed hints exist in these datasets, so both figures are the text model alone.

Beside them: the majority-class baseline, per-category precision and recall, the confusion
matrix, and how many articles got no category (no cue at all: counted as wrong).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from headlinez.domain.category import classify_trend
from headlinez.evaluation.backtest import replay_stream
from headlinez.evaluation.clustering_eval import embed_articles, load_dataset
from headlinez.models import CATEGORIES, Article

UCI_CATEGORIES: dict[str, str] = {
    "business": "business", "b": "business", "entertainment": "entertainment", "e": "entertainment",
    "health": "health", "m": "health", "science_technology": "technology", "t": "technology",
}
UCI_LENIENT: dict[str, frozenset[str]] = {"technology": frozenset({"technology", "science"})}

ALLSIDES_TOPICS: dict[str, str | None] = {
    # health
    "Coronavirus": "health", "Safety and Sanity During COVID-19": "health",
    "COVID-19 Misinformation": "health", "Public Health": "health", "FDA": "health", "Healthcare": "health",
    # business
    "Economy and Jobs": "business", "Economic Policy": "business", "Banking and Finance": "business",
    "Treasury": "business", "Energy": "business", "Transportation": "business", "Media Industry": "business",
    "Food": "business",
    # technology / science
    "Technology": "technology", "Cybersecurity": "technology", "Science": "science",
    "Climate Change": "science", "Sustainability": "science",
    # world
    "World": "world", "Middle East": "world", "Foreign Policy": "world", "Israel": "world", "Russia": "world",
    "National Security": "world", "National Defense": "world", "US Military": "world",
    # sports, entertainment
    "Sports": "sports", "Culture": "entertainment",
    # politics (US domestic affairs, justice and crime included: the taxonomy has no crime section)
    "US House": "politics", "US Senate": "politics", "Elections": "politics",
    "Voting Rights and Voter Fraud": "politics", "Donald Trump": "politics", "Joe Biden": "politics",
    "Kamala Harris": "politics", "White House": "politics", "Republican Party": "politics",
    "Politics": "politics", "Supreme Court": "politics", "Immigration": "politics", "Free Speech": "politics",
    "Gun Control and Gun Rights": "politics", "LGBT Rights": "politics", "Race and Racism": "politics",
    "Criminal Justice": "politics", "Justice": "politics", "Justice Department": "politics",
    "FBI": "politics",
    "Abortion": "politics", "Campaign Rhetoric": "politics", "Domestic Policy": "politics",
    "Federal Budget": "politics", "Social Security": "politics", "Marijuana Legalization": "politics",
    "Education": "politics", "Family and Marriage": "politics", "Religion and Faith": "politics",
    "Bridging Divides": "politics", "Media Bias": "politics", "George Floyd Protests": "politics",
    "Housing and Homelessness": "politics", "Violence in America": "politics",
    "Defense Department": "politics",
    # no home in the taxonomy: not scored
    "Holidays": None, "Disaster": None,
}


def gold_category(raw: str | None) -> str | None:
    """The taxonomy category of a dataset's `category` value (None: not scored)."""
    if not raw:
        return None
    if raw in UCI_CATEGORIES:
        return UCI_CATEGORIES[raw]
    if raw in ALLSIDES_TOPICS:
        return ALLSIDES_TOPICS[raw]
    return raw.lower() if raw.lower() in CATEGORIES else None


@dataclass(slots=True)
class CategoryScores:
    n: int
    correct: int
    lenient_correct: int
    missing: int
    confusion: Counter[tuple[str, str]]  # (gold, predicted)

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def lenient_accuracy(self) -> float:
        return self.lenient_correct / self.n if self.n else 0.0

    def per_class(self) -> dict[str, tuple[int, float | None, float | None]]:
        """category -> (gold count, precision, recall)."""
        result: dict[str, tuple[int, float | None, float | None]] = {}
        for category in CATEGORIES:
            gold = sum(c for (g, _), c in self.confusion.items() if g == category)
            predicted = sum(c for (_, p), c in self.confusion.items() if p == category)
            hit = self.confusion.get((category, category), 0)
            if gold or predicted:
                precision = hit / predicted if predicted else None
                result[category] = (gold, precision, hit / gold if gold else None)
        return result


def score_categories(gold: Mapping[str, str], predicted: Mapping[str, str | None],
                     lenient: Mapping[str, frozenset[str]] | None = None) -> CategoryScores:
    lenient = lenient or {}
    confusion: Counter[tuple[str, str]] = Counter()
    correct = lenient_correct = missing = 0
    for item, category in gold.items():
        guess = predicted.get(item)
        confusion[(category, guess or "none")] += 1
        if guess is None:
            missing += 1
        correct += guess == category
        lenient_correct += guess in lenient.get(category, frozenset({category}))
    return CategoryScores(len(gold), correct, lenient_correct, missing, confusion)


@dataclass(slots=True)
class CategoryReport:
    dataset: str
    rows: int
    unscored: int
    article: CategoryScores
    trend: CategoryScores | None
    majority: tuple[str, float]
    lenient: bool
    embeddings: bool = False


def dataset_embeddings(rows_articles: Sequence[Article], lexical: bool) -> dict[str, list[float]] | None:
    """Sentence embeddings of the articles (cached on disk), None on the lexical path or without
    the model (then the figures are those of the lexical fallback, and the report says so)."""
    if lexical:
        return None
    from headlinez.adapters.embedding import load_default_embedder

    embedder = load_default_embedder()
    return embed_articles(rows_articles, embedder)[0] if embedder is not None else None


def evaluate(path: Path, *, trends: bool = True, lexical: bool = False) -> CategoryReport:
    """Score article-level and trend-level categories on one dataset (the CLI and tests call it)."""
    rows = load_dataset(path)
    raw = _raw_categories(path)
    gold: dict[str, str] = {}
    unscored = 0
    for row, category in zip(rows, raw, strict=True):
        mapped = gold_category(category)
        if mapped is None:
            unscored += 1
        else:
            gold[row.article.article_id] = mapped
    articles = {row.article.article_id: row.article for row in rows}
    lenient = any(value in ("science_technology", "t") for value in raw)
    lenient_map = UCI_LENIENT if lenient else None
    embeddings = dataset_embeddings([articles[aid] for aid in gold], lexical)
    by_article = {aid: classify_trend([articles[aid].title], [articles[aid].summary],
                                      embedding=embeddings.get(aid) if embeddings else None)
                  for aid in gold}
    article_scores = score_categories(gold, by_article, lenient_map)
    trend_scores = None
    if trends:
        ordered = sorted(articles.values(), key=lambda a: a.published)
        span = ordered[-1].published - ordered[0].published
        # Stories of datasets without real publish times arrive at once: one step a day is enough.
        step = 15 if span <= timedelta(days=3) else 24 * 60
        replay = replay_stream(ordered, start=ordered[0].published, step_minutes=step,
                               embeddings=dataset_embeddings(ordered, lexical))
        by_trend: dict[str, str | None] = {}
        for aid in gold:
            trend_id = replay.assignments.get(aid)
            state = replay.final_trend(trend_id) if trend_id else None
            by_trend[aid] = state.category if state is not None else None
        trend_scores = score_categories(gold, by_trend, lenient_map)
    counts = Counter(gold.values())
    top, top_count = counts.most_common(1)[0] if counts else ("-", 0)
    return CategoryReport(dataset=str(path), rows=len(rows), unscored=unscored, article=article_scores,
                          trend=trend_scores, majority=(top, top_count / len(gold) if gold else 0.0),
                          lenient=lenient, embeddings=embeddings is not None)


def _raw_categories(path: Path) -> list[str | None]:
    if path.is_dir():
        path = path / "articles.jsonl"
    values: list[str | None] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                category = json.loads(line).get("category")
                values.append(str(category) if category else None)
    return values


def _print_scores(out: TextIO, label: str, scores: CategoryScores, lenient: bool) -> None:
    extra = (f", lenient (science accepted for UCI 't') {100 * scores.lenient_accuracy:.1f}%"
             if lenient else "")
    print(f"{label:<8} accuracy {100 * scores.accuracy:.1f}% ({scores.correct}/{scores.n}){extra}; "
          f"no category {scores.missing}", file=out)


def _print_confusion(out: TextIO, scores: CategoryScores) -> None:
    predicted = [c for c in (*CATEGORIES, "none") if any(p == c for (_, p) in scores.confusion)]
    gold = [c for c in CATEGORIES if any(g == c for (g, _) in scores.confusion)]
    print("  gold \\ predicted " + "".join(f"{c[:6]:>8}" for c in predicted), file=out)
    for g in gold:
        print(f"  {g:<17}" + "".join(f"{scores.confusion.get((g, p), 0):>8}" for p in predicted), file=out)


def print_report(report: CategoryReport, out: TextIO = sys.stdout) -> None:
    print(f"dataset: {report.dataset}", file=out)
    print(f"articles: {report.rows}; scored {report.article.n}; not scored (no taxonomy category) "
          f"{report.unscored}", file=out)
    print("model: " + ("embedding model (shared/headlinez/data/category_model.json) + lexicons"
                       if report.embeddings else "lexical fallback (no embeddings)"), file=out)
    print(f"majority baseline (always '{report.majority[0]}'): {100 * report.majority[1]:.1f}%", file=out)
    _print_scores(out, "article", report.article, report.lenient)
    if report.trend is not None:
        _print_scores(out, "trend", report.trend, report.lenient)
    shown = report.trend or report.article
    print("\nper category (" + ("trend" if report.trend else "article") + "): gold n, precision, recall",
          file=out)
    for category, (n, precision, recall) in shown.per_class().items():
        p = "  n/a" if precision is None else f"{100 * precision:4.0f}%"
        r = "  n/a" if recall is None else f"{100 * recall:4.0f}%"
        print(f"  {category:<14} {n:>5}  {p}  {r}", file=out)
    print("\nconfusion:", file=out)
    _print_confusion(out, shown)


def main(argv: Sequence[str]) -> int:
    """Entry point of `headlinez eval category DATASET.jsonl`; returns the exit code."""
    parser = argparse.ArgumentParser(prog="headlinez eval category",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("dataset", type=Path, help="normalized articles.jsonl (or folder) with categories")
    parser.add_argument("--articles-only", action="store_true", help="skip the trend-level replay")
    parser.add_argument("--lexical", action="store_true", help="no embeddings: the lexical fallback")
    args = parser.parse_args(list(argv))
    if not args.dataset.exists():
        print(f"dataset not found: {args.dataset}", file=sys.stderr)
        return 2
    print_report(evaluate(args.dataset, trends=not args.articles_only, lexical=args.lexical))
    return 0


__all__ = ["ALLSIDES_TOPICS", "UCI_CATEGORIES", "evaluate", "gold_category", "main", "score_categories"]
