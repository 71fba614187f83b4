"""Clustering quality on real, third-party data, with the one default configuration.

The production path: sentence embeddings (all-MiniLM-L6-v2, installed by `make setup`) combined
with the lexical signals. Issue 8's targets are AllSides with times jittered ±12 h: B-cubed F1
>= 0.88 and pairwise F1 >= 0.75 (we measure 0.896 / 0.756); UCI prefix >= 0.80 is not met (0.736,
docs/benchmarks.md), so its floor here guards against regressions only. On the unlabeled
2026-02-18 feed snapshot: no giant trend, the US-Iran nuclear talks in Geneva as one trend
covered by at least 8 independent newsrooms, kept apart from the Russia-Ukraine talks held in
Geneva the same days, and the Spain investigation of X, Meta and TikTok free of other stories.

The data is read in place from $HEADLINEZ_DATA_DIR (default <repo>/../shared/data) and never
copied; without it the tests skip. The batch reference (scikit-learn) is not run here.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from headlinez.adapters.embedding import load_default_embedder, unavailable_reason
from headlinez.evaluation.clustering_eval import ClusteringReport, evaluate
from headlinez.ports import Embedder

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("HEADLINEZ_DATA_DIR", REPO_ROOT.parent / "shared" / "data"))


def _dataset(name: str) -> Path:
    path = DATA_DIR / name / "articles.jsonl"
    if not path.is_file():
        pytest.skip(f"real data {path} is absent (set HEADLINEZ_DATA_DIR to the shared data folder)")
    return path


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    model = load_default_embedder()
    if model is None:
        pytest.fail(f"the embedding model is not installed ({unavailable_reason()}): run make setup")
    return model


def test_allsides_with_jittered_times(embedder: Embedder) -> None:
    report = evaluate(_dataset("allsides_dev"), embedder=embedder, jitter_hours=12, seed=1)
    bcubed, pairs = report.streaming.bcubed, report.streaming.pairwise
    assert bcubed.f1 >= 0.88, f"B-cubed P={bcubed.precision:.3f} R={bcubed.recall:.3f} F1={bcubed.f1:.3f}"
    assert pairs.f1 >= 0.75, f"pairwise P={pairs.precision:.3f} R={pairs.recall:.3f} F1={pairs.f1:.3f}"


def test_allsides_semantic_beats_lexical_alone(embedder: Embedder) -> None:
    semantic = evaluate(_dataset("allsides_dev"), embedder=embedder, jitter_hours=12, seed=2)
    lexical = evaluate(_dataset("allsides_dev"), jitter_hours=12, seed=2)
    assert semantic.streaming.bcubed.f1 > lexical.streaming.bcubed.f1


def test_uci_news_aggregator_bcubed_f1(embedder: Embedder) -> None:
    report = evaluate(_dataset("uci_news_aggregator_prefix"), embedder=embedder)
    scores = report.streaming.bcubed
    # Regression floor; the 0.80 target is not met (docs/benchmarks.md).
    assert scores.f1 >= 0.70, f"B-cubed P={scores.precision:.3f} R={scores.recall:.3f} F1={scores.f1:.3f}"


@pytest.fixture(scope="module")
def snapshot(embedder: Embedder) -> ClusteringReport:
    return evaluate(_dataset("news_feed_snapshot_2026-02-18"), embedder=embedder)


def _members(report: ClusteringReport) -> dict[str, list[int]]:
    """trend id -> indexes of its articles in report.articles."""
    index = {row.article.article_id: i for i, row in enumerate(report.articles)}
    groups: dict[str, list[int]] = defaultdict(list)
    for article_id, trend_id in report.replay.assignments.items():
        groups[trend_id].append(index[article_id])
    return groups


def _recent(report: ClusteringReport, position: int) -> bool:
    return report.articles[position].article.published.isoformat() >= "2026-02-16"


def _text(report: ClusteringReport, position: int) -> str:
    article = report.articles[position].article
    return f"{article.title} {article.summary}".lower()


def test_snapshot_has_no_giant_trend(snapshot: ClusteringReport) -> None:
    sizes = sorted((len(items) for items in _members(snapshot).values()), reverse=True)
    # 1,195 items from 25 outlets: a trend of more than 4% of them would be a catch-all
    assert sizes[0] <= 0.04 * len(snapshot.articles), sizes[:10]


def test_snapshot_us_iran_talks_are_one_multi_source_trend(snapshot: ClusteringReport) -> None:
    members = _members(snapshot)
    # The story, by keywords: Iran in the title, talks/nuclear/Geneva in title or snippet
    story = {
        i
        for i in range(len(snapshot.articles))
        if _recent(snapshot, i)
        and "iran" in snapshot.articles[i].article.title.lower()
        and any(word in _text(snapshot, i) for word in ("talks", "nuclear", "geneva", "negotiat"))
    }
    assert len(story) >= 15
    trend_of = {i: tid for tid, items in members.items() for i in items}
    (main_id, in_main), *_ = Counter(trend_of[i] for i in story).most_common(1)
    main = members[main_id]
    families = {snapshot.articles[i].article.publisher_family for i in main}
    # One trend holds most of the story, from at least 8 newsrooms...
    assert in_main >= 0.7 * len(story), f"{in_main} of {len(story)} story articles in the main trend"
    assert len(families) >= 8, sorted(families)
    # ...and it is about Iran, not a mix (every member mentions Iran or its capital)
    about_iran = sum(1 for i in main if "iran" in _text(snapshot, i) or "tehran" in _text(snapshot, i))
    assert about_iran >= 0.9 * len(main)
    # The Russia-Ukraine talks in Geneva, the same days, are a different trend
    ukraine = [
        i for i in range(len(snapshot.articles)) if _recent(snapshot, i) and "ukrain" in _text(snapshot, i)
    ]
    ((ukraine_id, _),) = Counter(trend_of[i] for i in ukraine).most_common(1)
    assert ukraine_id != main_id


def test_snapshot_spain_investigation_holds_no_other_story(snapshot: ClusteringReport) -> None:
    members = _members(snapshot)
    spain = [i for i in range(len(snapshot.articles)) if _recent(snapshot, i)
             and "spain" in snapshot.articles[i].article.title.lower()
             and any(word in _text(snapshot, i) for word in ("tiktok", "meta", "social media", "big tech"))]
    assert len(spain) >= 2
    trend_of = {i: tid for tid, items in members.items() for i in items}
    ((trend_id, count),) = Counter(trend_of[i] for i in spain).most_common(1)
    assert count == len(spain), "the Spain investigation is one trend"
    for i in members[trend_id]:
        text = _text(snapshot, i)
        assert "spain" in text or "spanish" in text, snapshot.articles[i].article.title
