"""Cost of one scheduled clustering run on the semantic path: embed a 15-minute batch, then cluster.

Run: `.venv/bin/python benchmarks/clustering_batch.py [--batch 60] [--open-trends 1000] [--repeat 5]`

What it does:
* Real articles only (the snapshot, UCI prefix and AllSides pools of benchmarks/clustering_scale.py,
  from ../shared/data or $HEADLINEZ_DATA_DIR; nothing is copied into the repo).
* Builds at least `--open-trends` open trends by clustering earlier pool articles (packed into the
  24 hours before the run, embeddings included), then times one run of `--batch` new articles:
  the model embedding their title + lead (one onnxruntime thread) and `cluster_articles` against
  the open trends. CPU time (process_time), one core, median and max of `--repeat` runs.
* Also prints the model's cold start (session + tokenizer load) and the on-disk size of the model
  files and of the onnxruntime + tokenizers packages.
Target: embedding + clustering of 60 articles with 1,000 open trends under 2 s on one core.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from clustering_scale import START, data_dir, load_pool  # type: ignore[import-not-found]

from headlinez.adapters.embedding import OnnxSentenceEmbedder, default_model_path, default_tokenizer_path
from headlinez.domain.clustering import (
    ClusterConfig,
    DocumentFrequencies,
    cluster_articles,
    cluster_in_windows,
)
from headlinez.domain.semantic import embedding_text
from headlinez.domain.text import title_fingerprint
from headlinez.evaluation.clustering_eval import embed_articles, publisher_family
from headlinez.models import Article


def folder_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def make_articles(items: list[Any], start_index: int, span: timedelta, start: Any = START) -> list[Article]:
    step = span / max(len(items), 1)
    articles = []
    for offset, item in enumerate(items):
        published = start + offset * step
        family = publisher_family(item.publisher)
        articles.append(Article(
            article_id=hashlib.sha256(f"batch-bench-{start_index + offset}".encode()).hexdigest(),
            url=f"{item.url}#{start_index + offset}",
            title=item.title, summary=item.summary, published=published, ingested_at=published,
            feed_id=family, outlet=item.publisher, publisher_family=family,
            title_fingerprint=title_fingerprint(item.title)))
    return articles


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--batch", type=int, default=60)
    parser.add_argument("--open-trends", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    root = data_dir()
    if not (root / "uci_news_aggregator_prefix" / "articles.jsonl").exists():
        print(f"skipped: real data not found under {root} (set HEADLINEZ_DATA_DIR)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    embedder = OnnxSentenceEmbedder.from_defaults()
    cold_start = time.perf_counter() - started
    pool = load_pool(root)
    config = ClusterConfig()
    # History: pool items packed into the 24 h before the run, clustered window by window.
    history_count = min(len(pool) - args.batch * args.repeat, args.open_trends * 5)
    history = make_articles(pool[:history_count], 0, timedelta(hours=24))
    vectors, _ = embed_articles(history, embedder)
    now = START + timedelta(hours=24)
    built = cluster_in_windows([], history, DocumentFrequencies(), now=now, config=config, embeddings=vectors)
    open_trends = [t for t in built.changed if t.is_open]
    print(f"model: {embedder.model_id}; cold start (session + tokenizer) {cold_start * 1000:.0f} ms; "
          f"model.onnx {(default_model_path() or Path()).stat().st_size / 2**20:.1f} MiB, tokenizer.json "
          f"{default_tokenizer_path().stat().st_size / 2**20:.1f} MiB")
    import onnxruntime
    import tokenizers
    print(f"packages on disk: onnxruntime {folder_size(Path(onnxruntime.__file__).parent) / 2**20:.0f} MiB, "
          f"tokenizers {folder_size(Path(tokenizers.__file__).parent) / 2**20:.0f} MiB")
    print(f"history: {history_count:,} real articles in 24 h -> {len(open_trends):,} open trends; "
          f"load average {os.getloadavg()[0]:.2f}")
    embed_times, cluster_times = [], []
    for run in range(args.repeat):
        first = history_count + run * args.batch
        batch = make_articles(pool[first:first + args.batch], first, timedelta(minutes=15), start=now)
        texts = [embedding_text(a.title, a.summary) for a in batch]
        started = time.process_time()
        matrix = embedder.embed(texts)
        embed_times.append(time.process_time() - started)
        embeddings = {a.article_id: row for a, row in zip(batch, matrix, strict=True)}
        started = time.process_time()
        cluster_articles(open_trends, batch, built.frequencies, now=now + timedelta(minutes=15),
                         config=config, embeddings=embeddings)
        cluster_times.append(time.process_time() - started)
    totals = [e + c for e, c in zip(embed_times, cluster_times, strict=True)]
    print(f"{args.batch} articles vs {len(open_trends):,} open trends, {args.repeat} runs (CPU s, one core): "
          f"embedding median {statistics.median(embed_times):.2f} (max {max(embed_times):.2f}), "
          f"clustering median {statistics.median(cluster_times):.3f} (max {max(cluster_times):.3f}), "
          f"total median {statistics.median(totals):.2f} (max {max(totals):.2f}); target < 2 s: "
          f"{'met' if max(totals) < 2.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
