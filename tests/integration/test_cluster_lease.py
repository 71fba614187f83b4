"""Clustering is a single writer per cycle: the lease (conditional write + expiry) on moto.

Unit-level: the lease item's rules (free, held, expired, own, release). Then two clustering runs
started at once in threads: exactly one runs (loads and writes), the other waits for the lease
and then either exits (short wait) or runs after the first finished and writes nothing new.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from tests.fakes import FakeClock
from tests.integration.test_cluster_concurrency import article

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.lease import DynamoLease
from headlinez.adapters.table import TableClient
from headlinez.domain.clustering import ClusterConfig
from headlinez.services.cluster import ClusterReport, ClusterService

NOW = datetime(2026, 2, 17, 11, 0, tzinfo=UTC)


def _client(name: str) -> TableClient:
    return TableClient(boto3.resource("dynamodb", region_name="us-east-1"), name)


def test_lease_rules(dynamodb_table: str) -> None:
    clock = FakeClock(1_000_000.0)
    lease = DynamoLease(_client(dynamodb_table), "CLUSTER", ttl_seconds=60, clock=clock)
    # Given a free lease, run A takes it; run B cannot while it is held
    assert lease.acquire("run-a")
    assert not lease.acquire("run-b")
    # (the stored item keeps its layout: the lease mapper owns it, the data does not change)
    stored = _client(dynamodb_table).get({"pk": "CLUSTER", "sk": "LEASE"})
    assert stored == {"pk": "CLUSTER", "sk": "LEASE", "owner": "run-a", "expires_at": 1_000_060,
                      "acquired_at": 1_000_000}
    assert lease.acquire("run-a")  # re-entrant for its holder
    # When it expires (A died), B takes it over; A's late release does not free B's lease
    clock.value += 61
    assert lease.acquire("run-b")
    lease.release("run-a")
    assert not lease.acquire("run-c")
    # When B releases, the lease is free at once
    lease.release("run-b")
    assert lease.acquire("run-c")


class SlowStore(DynamoStore):
    """Counts loads and holds the first run inside its run until the test lets it go on."""

    def __init__(self, *args: Any, inside: threading.Event, proceed: threading.Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inside, self.proceed = inside, proceed
        self.loads = 0
        self._lock = threading.Lock()

    def load_open_trends(self) -> list[Any]:
        with self._lock:
            self.loads += 1
        self.inside.set()
        assert self.proceed.wait(timeout=30)
        return super().load_open_trends()


def _two_runs(table_name: str, wait: timedelta) -> tuple[list[ClusterReport], SlowStore]:
    resource = boto3.resource("dynamodb", region_name="us-east-1")
    inside, proceed = threading.Event(), threading.Event()
    store = SlowStore(resource, table_name, inside=inside, proceed=proceed)
    store.save_new_articles([article(i, minute=5 * i) for i in range(6)])
    reports: list[ClusterReport] = []

    def run() -> None:
        lease = DynamoLease(TableClient(resource, table_name), "CLUSTER", ttl_seconds=60)
        service = ClusterService(store, ClusterConfig(), lookback=timedelta(hours=6), lease=lease,
                                 lease_wait=wait, predictions=store)
        reports.append(service.run(NOW))

    first = threading.Thread(target=run)
    first.start()
    assert inside.wait(timeout=30)  # the first run holds the lease and is inside its run
    second = threading.Thread(target=run)
    second.start()
    # A short wait ends while A still holds the lease; a long one outlasts A
    second.join(timeout=10 if wait < timedelta(seconds=1) else 0.5)
    proceed.set()
    first.join(timeout=60)
    second.join(timeout=60)
    return reports, store


def test_an_overlapping_run_exits_when_the_lease_stays_held(dynamodb_table: str) -> None:
    # Given run A inside its run, when run B starts with a short wait
    reports, store = _two_runs(dynamodb_table, wait=timedelta(milliseconds=200))
    # Then B exits without loading anything, and A clusters the articles
    skipped = [r for r in reports if r.skipped]
    ran = [r for r in reports if not r.skipped]
    assert len(skipped) == 1
    assert len(ran) == 1
    assert ran[0].articles_clustered == 6
    assert store.loads == 1


def test_a_duplicate_run_waits_for_the_lease_then_finds_nothing_to_do(dynamodb_table: str) -> None:
    # Given run A inside its run, when a duplicate B waits long enough for A to finish
    reports, store = _two_runs(dynamodb_table, wait=timedelta(seconds=20))
    # Then both complete one after the other: B only after A released, and B clusters nothing again
    assert [r.skipped for r in reports] == [None, None]
    assert sorted(r.articles_clustered for r in reports) == [0, 6]
    assert store.loads == 2
    trends = [t for t in store.load_open_trends() if t.article_count]
    assert sum(t.article_count for t in trends) == 6  # no article counted twice
