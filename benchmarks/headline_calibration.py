"""How much lower two headlines of one story score than their title+lead texts (issue 8).

The clustering thresholds were set on texts with a lead (title + first 300 characters). A
headline-only item (a feed without descriptions; the UCI News Aggregator set) gives the embedding
model and the TF-IDF vector less text, so two items of the same story score lower. This measures
the ratio on allsides_dev, which has leads, by scoring every same-story pair three ways (title+lead
on both sides, headline on one side, headlines on both) with the clustering's combined score
(embedding cosine and lexical cosine, weighted as in ClusterConfig). The medians' ratios are
ClusterConfig.headline_only_factor and mixed_text_factor.

    .venv/bin/python benchmarks/headline_calibration.py [../shared/data/allsides_dev]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from headlinez.adapters.embedding import load_default_embedder
from headlinez.domain.clustering import ClusterConfig
from headlinez.domain.semantic import embedding_text
from headlinez.domain.terms import article_terms
from headlinez.evaluation.clustering_eval import load_dataset
from headlinez.models import Article

Pair = tuple[int, int]


def lexical_vectors(
    articles: list[Article], with_lead: bool, config: ClusterConfig
) -> list[dict[str, float]]:
    """Unit TF-IDF vectors as the clustering builds them (top terms, IDF over this set)."""
    weighting = config.weighting()
    raw = [article_terms(a.title, a.summary if with_lead else "", weighting) for a in articles]
    document_frequency: dict[str, int] = defaultdict(int)
    for terms in raw:
        for term in terms:
            document_frequency[term] += 1
    vectors = []
    for terms in raw:
        weighted = {t: w * math.log(1 + len(raw) / document_frequency[t]) for t, w in terms.items()}
        top = dict(sorted(weighted.items(), key=lambda item: -item[1])[: config.max_article_terms])
        norm = math.hypot(*top.values()) or 1.0
        vectors.append({t: w / norm for t, w in top.items()})
    return vectors


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", default="../shared/data/allsides_dev", type=Path)
    args = parser.parse_args(argv)
    if not args.dataset.exists():
        print(f"no dataset at {args.dataset}", file=sys.stderr)
        return 2
    config = ClusterConfig()
    rows = load_dataset(args.dataset)
    articles = [row.article for row in rows]
    embedder = load_default_embedder()
    if embedder is None:
        print("the embedding model is not installed (make setup)", file=sys.stderr)
        return 2
    with_lead = embedder.embed([embedding_text(a.title, a.summary) for a in articles])
    headline = embedder.embed([embedding_text(a.title, "") for a in articles])
    lexical_lead = lexical_vectors(articles, True, config)
    lexical_headline = lexical_vectors(articles, False, config)
    stories: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        if row.story_id is not None:
            stories[row.story_id].append(index)
    same = [(i, j) for ids in stories.values() for k, i in enumerate(ids) for j in ids[k + 1 :]]
    rng = random.Random(20261205)
    other: list[Pair] = []
    while len(other) < 5000:
        i, j = rng.randrange(len(rows)), rng.randrange(len(rows))
        if rows[i].story_id != rows[j].story_id:
            other.append((i, j))
    share = config.lexical_share

    def combined(pairs: list[Pair], left: tuple[object, list[dict[str, float]]],
                 right: tuple[object, list[dict[str, float]]]) -> np.ndarray:
        left_e, left_l = left
        right_e, right_l = right
        scores = []
        for i, j in pairs:
            semantic = float(left_e[i] @ right_e[j])  # type: ignore[index]
            lexical = sum(w * right_l[j].get(t, 0.0) for t, w in left_l[i].items())
            scores.append((1 - share) * semantic + share * lexical)
        return np.array(scores)

    kinds = {
        "title+lead / title+lead": ((with_lead, lexical_lead), (with_lead, lexical_lead)),
        "headline / title+lead": ((headline, lexical_headline), (with_lead, lexical_lead)),
        "headline / headline": ((headline, lexical_headline), (headline, lexical_headline)),
    }
    print(f"{args.dataset}: {len(rows)} articles, {len(same)} same-story pairs, "
          f"{len(other)} random other-story pairs")
    print(f"{'texts':26} {'same median':>11} {'same p25':>9} {'other p99':>10} {'ratio of medians':>17}")
    base = None
    for label, (left, right) in kinds.items():
        same_scores = combined(same, left, right)
        other_scores = combined(other, left, right)
        median = float(np.median(same_scores))
        base = base or median
        print(f"{label:26} {median:11.3f} {np.percentile(same_scores, 25):9.3f} "
              f"{np.percentile(other_scores, 99):10.3f} {median / base:17.2f}")
    print(f"configured: mixed_text_factor {config.mixed_text_factor}, "
          f"headline_only_factor {config.headline_only_factor}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
