"""Clustering does not depend on the process's string hashing (two interpreters, two seeds).

Moved from tests/unit/test_clustering.py (issue 11 §8: the unit tier runs no subprocess).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

_DETERMINISM_SCRIPT = """
import hashlib, json
from datetime import UTC, datetime, timedelta, timezone
from headlinez.domain.clustering import ClusterConfig, DocumentFrequencies, cluster_articles
from headlinez.domain.text import title_fingerprint
from headlinez.models import Article
titles = [
    "Volcano erupts in Iceland, flights grounded", "Iceland volcano eruption grounds flights",
    "Central bank raises interest rates", "Bank raises rates again as inflation bites",
    "Flights resume after Iceland eruption", "Rates decision splits central bank board",
    "Ash cloud from Iceland volcano spreads", "Inflation slows after central bank move",
]
t0 = datetime(2026, 2, 17, 10, tzinfo=UTC)
trends, frequencies, out = [], DocumentFrequencies(), []
for step in range(4):
    batch = [
        Article(article_id=hashlib.sha256(f"{step}-{i}".encode()).hexdigest(), url=f"https://x/{step}/{i}",
                title=title, published=t0 + timedelta(minutes=15 * step + i),
                ingested_at=t0 + timedelta(minutes=15 * step + i), feed_id=f"f{i}", outlet=f"F{i}",
                publisher_family=f"f{i}", title_fingerprint=title_fingerprint(title))
        for i, title in enumerate(titles)
    ]
    result = cluster_articles(trends, batch, frequencies, now=t0 + timedelta(minutes=15 * step + 15),
                              config=ClusterConfig())
    trends = [t for t in result.changed if t.is_open] + [
        t for t in trends if t.trend_id not in {c.trend_id for c in result.changed}]
    frequencies = result.frequencies
    out.append(result.model_dump(mode="json"))
print(json.dumps(out, sort_keys=True))
"""


def test_results_do_not_depend_on_the_process_hash_seed() -> None:
    # Given two processes with different string hashing (like two Lambda containers)
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        completed = subprocess.run(
            [sys.executable, "-c", _DETERMINISM_SCRIPT], capture_output=True, text=True, env=env, check=True
        )
        outputs.append(json.loads(completed.stdout))
    # Then they cluster identically, float for float
    assert outputs[0] == outputs[1]
