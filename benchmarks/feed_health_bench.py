"""Feed health benchmark: `/feeds/health` at 2,000 feeds and 20,000 articles of the last 24 hours.

Builds the table through the real ingest service (in-memory fetcher and parser, no network):
24 hourly runs over 2,000 feeds store 20,000 articles with realistic documents (title, 600-900
characters of summary) and keep the feed-health counters on the feed states. Then prints:
  1. the read `/feeds/health` does now: the feed states, with the counters (access pattern 2);
  2. the read it did before (issue 13, item 6): the feed states plus every article of the last
     24 hours with its document (25 hourly Queries of gsi1, `articles_per_feed`);
  3. per read: wall time (median and max of several), DynamoDB calls, items and bytes read;
  4. a check: the counters equal a recount of the articles, feed by feed.

Usage: .venv/bin/python benchmarks/feed_health_bench.py [--feeds 2000] [--articles 20000] [--repeat 5]
       [--repeat-before 1]
DynamoDB is moto in-process; nothing leaves the process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the in-memory fetch outcome and parsed feed of tests.fakes

from tests.fakes import FetchOutcome, ParsedFeed  # noqa: E402

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
HOURS = 24
WORDS = ["minister", "talks", "market", "storm", "coast", "election", "court", "ruling", "vote", "budget",
         "energy", "prices", "strike", "police", "report", "health", "study", "climate", "summit", "border",
         "trade", "deal", "rescue", "flood", "fire"]
SECRET = "bench-" + "cursor-key"  # signs no cursor that leaves the process


class Probe:
    """Counts DynamoDB calls and the bytes of their responses (botocore events)."""

    def __init__(self) -> None:
        self.ops: Counter[str] = Counter()
        self.bytes = 0
        self.items = 0

    def reset(self) -> None:
        self.ops, self.bytes, self.items = Counter(), 0, 0

    def before(self, model: Any, **_: Any) -> None:
        self.ops[model.name] += 1

    def after(self, http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
        self.bytes += len(getattr(http_response, "content", b"") or b"")
        self.items += len(parsed.get("Items", []))


def _aws_env() -> None:
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"})


def _plan(feeds: int, articles: int, rng: random.Random) -> list[Counter[int]]:
    """Articles per feed index for each of the 24 hourly runs (busy feeds publish more)."""
    weights = [1.0 / (1 + i % 50) for i in range(feeds)]
    plan: list[Counter[int]] = [Counter() for _ in range(HOURS)]
    for n in range(articles):
        plan[n % HOURS][rng.choices(range(feeds), weights)[0]] += 1
    return plan


def build(store: Any, feeds_n: int, articles_n: int, seed: int) -> float:
    from headlinez.domain.feed_schedule import PollPolicy
    from headlinez.models import FeedConfig, RawEntry
    from headlinez.services.ingest import IngestService

    rng = random.Random(seed)
    feeds = [FeedConfig(id=f"feed-{i:04d}", url=f"https://feeds{i % 97}.example/{i}.xml",
                        outlet=f"Outlet {i:04d}", publisher_family=f"family-{i % 700}")
             for i in range(feeds_n)]
    plan = _plan(feeds_n, articles_n, rng)
    bodies: dict[bytes, ParsedFeed] = {}
    serial = iter(range(10**9))

    class Fetcher:
        run = 0

        async def __aenter__(self) -> Self:
            return self

        async def __aexit__(self, *exc_info: object) -> None:
            return None

        async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchOutcome:
            index = int(url.rsplit("/", 1)[1].removesuffix(".xml"))
            count = plan[self.run][index]
            if count == 0:
                return FetchOutcome(status=304, etag=etag)
            at = NOW - timedelta(hours=HOURS - 1 - self.run)
            entries = []
            for _ in range(count):
                n = next(serial)
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(100, 150)))
                entries.append(RawEntry(title=f"Story {n}: {' '.join(rng.sample(WORDS, 7))}",
                                        link=f"https://news{index % 97}.example/{n}", guid=f"g{n}",
                                        summary=f"<p>{words}</p>", published=at - timedelta(minutes=5)))
            body = f"{url}#{self.run}".encode()
            bodies[body] = ParsedFeed(entries)
            return FetchOutcome(body=body, etag=f'"{self.run}"')

    fetcher = Fetcher()
    service = IngestService(feeds=feeds, fetcher=fetcher, parse=lambda body, **_: bodies.pop(body),
                            states=store, articles=store, policy=PollPolicy(min_interval=timedelta(0)),
                            concurrency=64)
    started = time.perf_counter()
    stored = 0
    for run in range(HOURS):
        fetcher.run = run
        stored += service.run(NOW - timedelta(hours=HOURS - 1 - run)).new_articles
    print(f"  built: {feeds_n:,} feeds, {stored:,} articles over 24 hourly ingest runs "
          f"in {time.perf_counter() - started:.0f}s")
    return time.perf_counter() - started


def timed(label: str, probe: Probe, repeat: int, read: Any) -> Any:
    walls: list[float] = []
    result: Any = None
    for _ in range(repeat):
        probe.reset()
        started = time.perf_counter()
        result = read()
        walls.append(time.perf_counter() - started)
    calls = ", ".join(f"{n} {op}" for op, n in sorted(probe.ops.items()))
    print(f"  {label:<44} median {statistics.median(walls) * 1000:>9.1f} ms  max {max(walls) * 1000:>9.1f} ms"
          f"  | {calls}; {probe.items:,} items, {probe.bytes / 1e6:.2f} MB read  (n={repeat})")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5, help="how often the new read is timed")
    parser.add_argument("--repeat-before", type=int, default=1, help="how often the old read is timed")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)

    import boto3
    from moto import mock_aws

    from headlinez.adapters.dynamodb import DynamoStore
    from headlinez.domain.feed_activity import COUNTER_HOURS
    from headlinez.template import load_template, table_definition
    from headlinez.views.reads import ApiReads
    from headlinez.views.schemas import feed_health

    _aws_env()
    print(f"feed health benchmark: {args.feeds:,} feeds, {args.articles:,} articles in the last 24 hours "
          f"(moto in-process, Python {sys.version.split()[0]})")
    with mock_aws():
        resource = boto3.resource("dynamodb", region_name="us-east-1")
        definition = table_definition(load_template(REPO / "template.yaml"))
        resource.meta.client.create_table(TableName="bench", **definition)
        store = DynamoStore(resource, "bench")
        build(store, args.feeds, args.articles, args.seed)
        probe = Probe()
        resource.meta.client.meta.events.register("before-call.dynamodb", probe.before)
        resource.meta.client.meta.events.register("after-call.dynamodb", probe.after)
        reads = ApiReads(store, store, cursor_secret=SECRET, clock=lambda: NOW + timedelta(minutes=5))

        print("\n/feeds/health (ApiReads.feed_health; before: the same response, built the old way):")
        now_view = timed("now: feed states with counters (pattern 2)", probe, args.repeat, reads.feed_health)

        def before() -> Any:
            now = NOW + timedelta(minutes=5)
            counts = store.articles_per_feed(now - timedelta(hours=24), now)
            return feed_health(store.list_states(), counts, now)

        before_view = timed("before: feed states + 24 h of articles", probe, args.repeat_before, before)

        # The check: counters == a recount of the articles in the counters' window (whole hours)
        now = NOW + timedelta(minutes=5)
        hour = now.replace(minute=0, second=0, microsecond=0)
        recount = store.articles_per_feed(hour - timedelta(hours=COUNTER_HOURS - 1), now)
        counters = {f.feed_id: f.articles_24h for f in now_view.feeds}
        matching = sum(counters[fid] == recount.get(fid, 0) for fid in counters)
        print(f"\n  counters == recount of the articles: {matching:,}/{len(counters):,} feeds; "
              f"total {sum(counters.values()):,} vs {sum(recount.values()):,}")
        same = json.dumps(now_view.model_dump(mode="json")["feeds"]) == json.dumps(
            before_view.model_dump(mode="json")["feeds"])
        print(f"  response identical to the old read's: {same}")
        sizes = [len(state.model_dump_json()) for state in store.list_states()]
        print(f"  feed state document: median {statistics.median(sizes):.0f} B, max {max(sizes)} B "
              f"({args.feeds:,} feeds: {sum(sizes) / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
