"""Category accuracy on gold labels: UCI News Aggregator (b/t/e/m) and AllSides topics.

The floors sit a few points under the figures in docs/benchmarks.md: they catch a regression of
the model, the lexicon or the enrichment path, not noise. With the embedding model the figures
are in-sample (the model is fitted on these two sets; docs/benchmarks.md gives the story-grouped
cross-validated ones); without it, the lexical fallback's floors apply.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import DATA_DIR, requires_data

from headlinez.evaluation.category_eval import evaluate, print_report
from headlinez.models import CATEGORIES

LABELS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "snapshot_article_categories.csv"

pytestmark = requires_data


def test_uci_categories() -> None:
    # Given 6,366 UCI headlines (titles only) with the aggregator's b/t/e/m categories
    report = evaluate(DATA_DIR / "uci_news_aggregator_prefix")
    # Then one headline alone is categorized better than the majority class ...
    assert report.article.n == 6366
    assert report.article.accuracy >= 0.47
    assert report.article.accuracy > report.majority[1] + 0.1
    # ... and a trend (headlines pooled by clustering) much better
    assert report.trend is not None
    assert report.trend.accuracy >= (0.85 if report.embeddings else 0.70)
    assert report.trend.missing < 0.05 * report.trend.n


def test_allsides_topics() -> None:
    report = evaluate(DATA_DIR / "allsides_dev")
    assert report.unscored == 29  # Holidays and Disaster have no home in the taxonomy
    assert report.article.accuracy >= 0.66
    assert report.article.accuracy > report.majority[1] + 0.15
    assert report.trend is not None
    assert report.trend.accuracy >= (0.85 if report.embeddings else 0.64)
    out = io.StringIO()
    print_report(report, out)
    assert "majority baseline (always 'politics')" in out.getvalue()
    assert "confusion:" in out.getvalue()


def test_snapshot_fitting_labels_stay_out_of_the_held_out_window() -> None:
    # The category model is fitted on labeled snapshot items: every labeled row must be an item
    # published before 2026-02-16, with a category of the taxonomy (or 'none': left out)
    with LABELS.open(encoding="utf-8") as handle:
        labels = {row["id"]: row["category"] for row in csv.DictReader(handle)}
    with (DATA_DIR / "news_feed_snapshot_2026-02-18" / "articles.jsonl").open(encoding="utf-8") as handle:
        published = {row["id"]: row["published"] for row in map(json.loads, handle)}
    held_out_from = datetime(2026, 2, 16, tzinfo=UTC)
    assert len(labels) >= 700
    assert set(labels.values()) <= {*CATEGORIES, "none"}
    for row_id in labels:
        assert datetime.fromisoformat(published[row_id].replace("Z", "+00:00")) < held_out_from, row_id
