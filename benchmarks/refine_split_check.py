"""Would a refinement pass that splits drifted trends help? (issue 8 §2; end-of-stream check)

The streaming split that shipped (`headlinez.domain.split`, the `split` step of clustering) came
out of the `--relative` rule measured here; this script still applies it once, at the end of the
stream, to every final trend (production clustering with the split pass on, so it measures what
is left to split).

Replays each evaluation set through the production clustering (sentence embeddings), then, for
every final trend of 4-80 members, builds the average-linkage tree of its members' embeddings and
splits off the smaller child of the root when both children have 2+ members and their average
similarity is below a cut (scaled for headline-only trends like the join threshold), or, with
`--relative`, below a share of the less cohesive child's own mean pairwise similarity, both
children from 2+ newsrooms (a tight group that is far from the rest: a distinct event). This is the
most a split pass could do at the end of the stream; a streaming one would do it earlier, on
fewer members. Prints the scores with and without the split and lists the splits of the
unlabeled snapshot (to read, not to tune: its items from 2026-02-16 on are the held-out window).

    .venv/bin/python benchmarks/refine_split_check.py [--cuts 0.35 0.4 0.45]
    .venv/bin/python benchmarks/refine_split_check.py --relative [--cuts 0.7 0.75 0.8 0.85]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from headlinez.adapters.embedding import load_default_embedder
from headlinez.domain.clustering import ClusterConfig
from headlinez.evaluation import clustering_eval as ce

DATA = Path("../shared/data")
SETS = {
    "allsides_dev, jitter ±12 h seed 1": (DATA / "allsides_dev", None, 12.0),
    "uci_news_aggregator_prefix": (DATA / "uci_news_aggregator_prefix", None, 0.0),
    "dev stream (labeled, before 2026-02-16)": (
        DATA / "news_feed_snapshot_2026-02-18", Path("tests/data/dev_stream_labels.csv"), 0.0),
    "snapshot (unlabeled: splits listed)": (DATA / "news_feed_snapshot_2026-02-18", None, 0.0),
}


def root_split(similarity: np.ndarray) -> tuple[list[int], list[int], float]:
    """The two children of the average-linkage tree's root and their average similarity."""
    clusters = [[i] for i in range(len(similarity))]
    while len(clusters) > 2:
        best = (-2.0, 0, 1)
        for a in range(len(clusters)):
            for b in range(a + 1, len(clusters)):
                value = float(similarity[np.ix_(clusters[a], clusters[b])].mean())
                if value > best[0]:
                    best = (value, a, b)
        _, a, b = best
        clusters[a] = clusters[a] + clusters[b]
        del clusters[b]
    first, second = clusters
    return first, second, float(similarity[np.ix_(first, second)].mean())


def cohesion(similarity: np.ndarray, group: list[int]) -> float:
    """Mean pairwise similarity inside `group` (1.0 for a single member)."""
    if len(group) < 2:
        return 1.0
    block = similarity[np.ix_(group, group)]
    return float((block.sum() - np.trace(block)) / (len(group) * (len(group) - 1)))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuts", type=float, nargs="+", default=None)
    parser.add_argument("--relative", action="store_true",
                        help="cut = share of the less cohesive child's own mean similarity")
    args = parser.parse_args(argv)
    args.cuts = args.cuts or ([0.7, 0.75, 0.8, 0.85] if args.relative else [0.35, 0.4, 0.45])
    if not DATA.exists():
        print(f"no {DATA}: run from the repository with ../shared beside it", file=sys.stderr)
        return 2
    config = ClusterConfig()
    embedder = load_default_embedder()
    if embedder is None:
        print("the embedding model is not installed (make setup)", file=sys.stderr)
        return 2
    for name, (path, labels, jitter_hours) in SETS.items():
        rows = ce.load_stream(path, labels, jitter_hours, seed=1)
        articles = [row.article for row in rows]
        by_id = {a.article_id: a for a in articles}
        embeddings, _ = ce.embed_articles(articles, embedder)
        run = ce.replay(articles, config, embeddings=embeddings)
        gold = {row.article.article_id: row.story_id for row in rows if row.story_id is not None}
        members: dict[str, list[str]] = defaultdict(list)
        for article_id, trend_id in run.assignments.items():
            members[trend_id].append(article_id)
        if gold:
            base = ce.score(run.assignments, gold)
            print(f"{name}: no split  B-cubed {base.bcubed.f1:.3f}  pairwise {base.pairwise.f1:.3f}")
        for cut in args.cuts:
            predicted = dict(run.assignments)
            splits = []
            for trend_id, ids in members.items():
                if not 4 <= len(ids) <= 80:
                    continue
                matrix = np.array([embeddings[i] for i in ids])
                similarity = matrix @ matrix.T
                first, second, linkage = root_split(similarity)
                if args.relative:
                    newsrooms = min(len({by_id[ids[i]].publisher_family for i in group})
                                    for group in (first, second))
                    split = newsrooms >= 2 and linkage < cut * min(cohesion(similarity, first),
                                                                   cohesion(similarity, second))
                else:
                    headline_only = 2 * sum(len(by_id[i].summary.split()) < config.headline_only_words
                                            for i in ids) > len(ids)
                    scaled = cut * (config.headline_only_factor if headline_only else 1.0)
                    split = min(len(first), len(second)) >= 2 and linkage < scaled
                if split:
                    smaller = first if len(first) < len(second) else second
                    for index in smaller:
                        predicted[ids[index]] = trend_id + ":split"
                    splits.append((linkage, [by_id[ids[i]].title for i in smaller]))
            if gold:
                scores = ce.score(predicted, gold)
                print(f"  split below {cut:.2f}: {len(splits):3d} splits  B-cubed {scores.bcubed.f1:.3f}  "
                      f"pairwise {scores.pairwise.f1:.3f}")
            else:
                print(f"{name}: split below {cut:.2f}: {len(splits)} splits")
                for linkage, titles in splits:
                    print(f"    {linkage:.3f}  " + " | ".join(title[:60] for title in titles[:3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
