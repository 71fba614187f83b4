"""Ingest benchmark: all 200 snapshot feeds over loopback into moto, end to end.

Prints, in one run and side by side:
  1. first run: wall time, feeds/s, articles/s, DynamoDB items written per new article;
  2. second run with nothing changed (conditional GET → 304): wall time, writes per seen article;
  3. a naive baseline: sequential fetch + feedparser.parse, nothing stored; the ratio;
  4. the API function's cold import time (compared side by side in benchmarks/api_bench.py).

Usage: .venv/bin/python benchmarks/ingest_bench.py [--data-dir DIR]
All traffic stays on 127.0.0.1 (a local feed server); DynamoDB is moto in-process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("HEADLINEZ_DATA_DIR", REPO.parent / "shared" / "data"))
NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)


def _aws_env() -> None:
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"})


def run_pipeline(folder: Path, max_age: timedelta | None, label: str) -> tuple[float, float]:
    import boto3
    from moto import mock_aws

    from headlinez.adapters.dynamodb import DynamoStore
    from headlinez.adapters.feed_parser import parse_feed
    from headlinez.adapters.http_fetch import FeedFetcher, FetchSettings
    from headlinez.domain.feed_schedule import PollPolicy
    from headlinez.domain.ssrf import UrlPolicy
    from headlinez.feeds import feed_list_from_directory
    from headlinez.local.servers import FeedFolderServer
    from headlinez.services.ingest import IngestService
    from headlinez.template import load_template, table_definition

    server = FeedFolderServer(folder).start()
    feeds = feed_list_from_directory(folder, server.base_url).feeds
    _aws_env()
    with mock_aws():
        boto3.client("dynamodb", region_name="us-east-1").create_table(
            TableName="bench", **table_definition(load_template(REPO / "template.yaml")))
        store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), "bench")
        fetcher = FeedFetcher(FetchSettings(), UrlPolicy(allow_loopback=True))
        # min_interval 0: the second run polls every feed again, so it measures conditional GET.
        service = IngestService(feeds=feeds, fetcher=fetcher, parse=parse_feed, states=store,
                                articles=store, policy=PollPolicy(min_interval=timedelta(0)),
                                max_article_age=max_age)
        print(f"-- {label}")

        started = time.perf_counter()
        first = service.run(NOW)
        first_wall = time.perf_counter() - started
        first_writes = store.write_count
        print(f"first run : {len(feeds)} feeds in {first_wall:.2f}s = {len(feeds) / first_wall:.1f} feeds/s; "
              f"{first.entries} entries ({first.stale_entries} archive entries skipped), "
              f"{first.new_articles} new articles = "
              f"{first.new_articles / first_wall:.0f} articles/s; {first.errors} feed errors; "
              f"{first_writes} items written = {first_writes / max(first.new_articles, 1):.2f} "
              "writes per new article")

        started = time.perf_counter()
        second = service.run(NOW + timedelta(minutes=15))
        second_wall = time.perf_counter() - started
        second_writes = store.write_count - first_writes
        # Feed-state items are the only writes expected: one per polled feed.
        article_writes = second_writes - second.feeds_due
        print(f"second run: {second_wall:.2f}s; {second.not_modified} not modified (304), "
              f"{second.unchanged} unchanged bodies, {second.new_articles} new articles; "
              f"{second_writes} items written ({second.feeds_due} feed states, "
              f"{article_writes} article items = {article_writes / max(first.new_articles, 1):.3f} "
              "writes per already-seen article)")
    server.stop()
    return first_wall, second_wall


def run_naive(folder: Path) -> float:
    import feedparser

    from headlinez.local.servers import FeedFolderServer

    server = FeedFolderServer(folder).start()
    started = time.perf_counter()
    entries = 0
    for path in sorted(folder.iterdir()):
        with urllib.request.urlopen(server.base_url + path.name, timeout=30) as response:
            body = response.read()
        entries += len(feedparser.parse(body).entries)
    wall = time.perf_counter() - started
    server.stop()
    print(f"naive     : sequential fetch + feedparser.parse: {wall:.2f}s, {entries} entries (nothing stored)")
    return wall


def import_time(statement: str, runs: int = 5) -> float:
    env = dict(os.environ, TABLE_NAME="bench", AWS_DEFAULT_REGION="us-east-1",
               POWERTOOLS_TRACE_DISABLED="true", PYTHONPATH=str(REPO / "functions" / "api"))
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    samples = [float(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                    capture_output=True, text=True).stdout) for _ in range(runs)]
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    folder = args.data_dir / "feeds" / "fastfeedparser" / "benchmark_data" / "files"
    if not folder.is_dir():
        print(f"skipped: {folder} is absent (set HEADLINEZ_DATA_DIR)")
        return 0
    print(f"ingest benchmark on {folder} (200 real feeds served from 127.0.0.1, moto in-process)")
    runs = {
        "default policy (entries older than 14 days skipped as archive items)":
            run_pipeline(folder, timedelta(days=14), "default policy: MAX_ARTICLE_AGE_DAYS=14"),
        "every entry stored (no age limit)":
            run_pipeline(folder, None, "every entry stored: no age limit"),
    }
    if not args.skip_naive:
        naive = run_naive(folder)
        for label, (first_wall, second_wall) in runs.items():
            print(f"ratio     : {label}: naive / first run = {naive / first_wall:.1f}x (target >= 5x); "
                  f"second run {second_wall:.2f}s (target < 3 s)")
    api = import_time("import app")
    print(f"api import: {api * 1000:.0f} ms median of 5 fresh interpreters (functions/api/app.py; the "
          "side-by-side comparison with boto3 + powertools + pydantic is benchmarks/api_bench.py)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
