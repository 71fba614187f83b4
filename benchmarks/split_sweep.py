"""Sweep of the streaming split pass (issue 8): B-cubed / pairwise F1 per split setting.

    .venv/bin/python benchmarks/split_sweep.py [--factors 0 0.7 0.75 0.8] [--max-linkage 1.0 0.55]

Replays AllSides (jittered ±12 h, seed 1), the UCI prefix, the labeled dev stream (snapshot items
before 2026-02-16) and AllSides with its own times through the production clustering
(`clustering_eval.replay`, sentence embeddings cached on disk) once per (factor, ceiling) and
prints one line per dataset. No snapshot item of the held-out window is read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from headlinez.adapters.embedding import load_default_embedder
from headlinez.domain.clustering import ClusterConfig
from headlinez.evaluation import clustering_eval as ce

DATA = Path("../shared/data")
SETS = {
    "allsides jitter s1": (DATA / "allsides_dev", None, 12.0),
    "uci": (DATA / "uci_news_aggregator_prefix", None, 0.0),
    "dev stream": (DATA / "news_feed_snapshot_2026-02-18", Path("tests/data/dev_stream_labels.csv"), 0.0),
    "allsides": (DATA / "allsides_dev", None, 0.0),
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--factors", type=float, nargs="+", default=[0.0, 0.7, 0.75, 0.8])
    parser.add_argument("--max-linkage", type=float, nargs="+", default=[1.0, 0.55])
    args = parser.parse_args(argv)
    embedder = load_default_embedder()
    if embedder is None or not DATA.exists():
        print("needs the embedding model (make setup) and ../shared/data", file=sys.stderr)
        return 2
    settings = [(f, m) for f in args.factors for m in args.max_linkage if f > 0 or m == args.max_linkage[0]]
    for name, (path, labels, jitter_hours) in SETS.items():
        rows = ce.load_stream(path, labels, jitter_hours, seed=1)
        articles = [row.article for row in rows]
        embeddings, _ = ce.embed_articles(articles, embedder)
        gold = {row.article.article_id: row.story_id for row in rows if row.story_id is not None}
        cells = []
        for factor, ceiling in settings:
            config = ClusterConfig(split_factor=factor, split_max_linkage=ceiling)
            scores = ce.score(ce.replay(articles, config, embeddings=embeddings).assignments, gold)
            cells.append(f"{factor:g}/<{ceiling:g}: {scores.bcubed.f1:.3f}/{scores.pairwise.f1:.3f}")
        print(f"{name:<20} " + " | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
