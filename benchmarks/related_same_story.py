"""How often a related-trends list shows two trends of one gold story (issue 10: "never the same
story twice"), on a dataset with gold stories.

    .venv/bin/python benchmarks/related_same_story.py ../shared/data/uci_news_aggregator_prefix

The dataset is replayed through the production code (`evaluation.backtest.replay_stream`:
clustering on the sentence embeddings, then `trend_intel.enrich`, 15-minute steps); each final
trend is labeled by the majority gold story of its articles, and each related pair shown is
counted as the same gold story or not, with the cosine of the two trends' mean embeddings (the
quantity a same-story threshold would use).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

from headlinez.domain.related import _profile, _semantic
from headlinez.evaluation.backtest import replay_stream
from headlinez.evaluation.category_eval import dataset_embeddings
from headlinez.evaluation.clustering_eval import load_dataset

THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("dataset", type=Path)
    args = parser.parse_args(argv)
    if not args.dataset.is_dir():
        print(f"dataset folder not found: {args.dataset}", file=sys.stderr)
        return 2
    rows = load_dataset(args.dataset)
    articles = [row.article for row in rows]
    gold = {row.article.article_id: row.story_id for row in rows}
    replay = replay_stream(articles, start=min(a.published for a in articles),
                           end=max(a.published for a in articles), step_minutes=15,
                           embeddings=dataset_embeddings(articles, lexical=False))
    stories: dict[str, Counter[str]] = defaultdict(Counter)
    for article_id, trend_id in replay.assignments.items():
        final = replay.final_trend(trend_id)
        story = gold.get(article_id)
        if final is not None and story:
            stories[final.trend_id][story] += 1
    major = {tid: counts.most_common(1)[0][0] for tid, counts in stories.items()}
    pairs = []
    for tid, trend in replay.trends.items():
        for related in trend.related:
            same = tid in major and major[tid] == major.get(related.trend_id)
            cosine = _semantic(_profile(trend), _profile(replay.trends[related.trend_id]))
            pairs.append((same, cosine, related.reason.split(":")[0]))
    same_count = sum(same for same, _, _ in pairs)
    print(f"{args.dataset.name}: {len(pairs)} related pairs shown, {same_count} join two trends of one "
          f"gold story ({100 * same_count / max(len(pairs), 1):.0f}%)")
    for threshold in THRESHOLDS:
        above = [same for same, cosine, _ in pairs if cosine is not None and cosine >= threshold]
        print(f"  mean-embedding cosine >= {threshold}: same story {sum(above)}, "
              f"different {len(above) - sum(above)}")
    print("  same story, by reason: " + ", ".join(
        f"{k} {n}" for k, n in Counter(reason for same, _, reason in pairs if same).most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
