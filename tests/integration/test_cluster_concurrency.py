"""Two clustering runs at once on one moto table: no update is lost (issue 13, item 4).

Before trend writes were conditional, the run that wrote last replaced a trend's counters with
its own (META said 31 articles while 34 member items were stored). Now every trend write is
conditional on the version the run loaded, and a run that loses reloads and is redone.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key

from headlinez.adapters.dynamodb import DynamoStore
from headlinez.domain.clustering import ClusterConfig
from headlinez.domain.text import title_fingerprint
from headlinez.models import Article, TrendMember, TrendState
from headlinez.ports import TrendVersionConflictError
from headlinez.services import cluster as cluster_module
from headlinez.services.cluster import ClusterService

T0 = datetime(2026, 2, 17, 10, 0, tzinfo=UTC)
STORY = ["US and Iran hold nuclear talks in Geneva",
         "Iran and US negotiators meet in Geneva for nuclear talks",
         "Geneva nuclear talks: Iran says US more realistic",
         "Iran US nuclear talks in Geneva end without deal",
         "Nuclear talks in Geneva: Iran and US to meet again",
         "Iran and the US resume nuclear talks in Geneva",
         "Geneva hosts new round of Iran US nuclear talks",
         "US Iran nuclear talks in Geneva make progress"]
OUTLETS = ["bbc", "npr", "dawn", "cnn", "dw", "ndtv", "abc", "nbc"]


def article(index: int, minute: int) -> Article:
    title, outlet = STORY[index], OUTLETS[index]
    published = T0 + timedelta(minutes=minute)
    digest = hashlib.sha256(f"{title}{outlet}".encode()).hexdigest()
    return Article(article_id=digest, url=f"https://{outlet}.example/{digest[:8]}", title=title, summary="",
                   published=published, ingested_at=published + timedelta(minutes=1), feed_id=outlet,
                   outlet=outlet.upper(), publisher_family=outlet, title_fingerprint=title_fingerprint(title))


class InterleavedStore(DynamoStore):
    """A DynamoStore whose first load waits for the other run's, and whose first trend write can be
    held back until the other run has written: the interleaving that lost updates."""

    def __init__(self, *args: Any, loaded: threading.Barrier, wait_for: threading.Event | None,
                 saved: threading.Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded, self._wait_for, self._saved = loaded, wait_for, saved
        self.loads = 0

    def load_open_trends(self) -> list[TrendState]:
        trends = super().load_open_trends()
        self.loads += 1
        if self.loads == 1:
            self._loaded.wait(timeout=30)
        return trends

    def save_trends(self, trends: Sequence[TrendState], members: Mapping[str, Sequence[TrendMember]],
                    scores: Mapping[str, float] | None = None, *,
                    expected_versions: Mapping[str, int] | None = None,
                    removed_members: Mapping[str, Sequence[TrendMember]] | None = None) -> None:
        if self._wait_for is not None and not self._saved.is_set():
            assert self._wait_for.wait(timeout=30)
        try:
            super().save_trends(trends, members, scores, expected_versions=expected_versions,
                              removed_members=removed_members)
        finally:
            self._saved.set()


def _stored(table: Any) -> dict[str, tuple[TrendState, list[dict[str, Any]]]]:
    trends: dict[str, tuple[TrendState, list[dict[str, Any]]]] = {}
    for item in table.scan()["Items"]:
        if item["pk"].startswith("TREND#") and item["sk"] == "META":
            condition = Key("pk").eq(item["pk"]) & Key("sk").begins_with("M#")
            members = table.query(KeyConditionExpression=condition)["Items"]
            trends[item["trend_id"]] = (TrendState.model_validate_json(item["doc"]), members)
    return trends


def test_two_concurrent_runs_lose_no_update(dynamodb_table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "CONFLICT_BACKOFF_SECONDS", 0.0)
    resource = boto3.resource("dynamodb", region_name="us-east-1")
    seed = DynamoStore(resource, dynamodb_table)
    config, lookback = ClusterConfig(), timedelta(hours=6)
    # Given a trend of three newsrooms, clustered
    seed.save_new_articles([article(i, 5 + i) for i in range(3)])
    ClusterService(seed, config, lookback=lookback, predictions=seed).run(T0 + timedelta(minutes=15))
    (story_id, (before, _)), = _stored(seed._table).items()
    assert before.article_count == 3
    # And two more reports ingested before run A's clock, three more before run B's
    seed.save_new_articles([article(i, 16 + i) for i in (3, 4)])
    seed.save_new_articles([article(i, 31 + i) for i in (5, 6, 7)])

    # When both runs load the same state, and B writes before A does
    loaded = threading.Barrier(2)
    a_saved, b_saved = threading.Event(), threading.Event()
    run_a = InterleavedStore(resource, dynamodb_table, loaded=loaded, wait_for=b_saved, saved=a_saved)
    run_b = InterleavedStore(resource, dynamodb_table, loaded=loaded, wait_for=None, saved=b_saved)
    reports: dict[str, Any] = {}
    errors: list[BaseException] = []

    def run(name: str, store: DynamoStore, now: datetime) -> None:
        try:
            reports[name] = ClusterService(store, config, lookback=lookback, predictions=store).run(now)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=("a", run_a, T0 + timedelta(minutes=30))),
               threading.Thread(target=run, args=("b", run_b, T0 + timedelta(minutes=45)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors

    # Then A lost the race, reloaded and redid its run
    assert reports["a"].write_conflicts == 1
    assert run_a.loads == 2
    # And every trend's counters are its stored members: nothing lost, nothing counted twice
    stored = _stored(seed._table)
    for trend_id, (state, members) in stored.items():
        assert state.article_count == len(members), trend_id
        assert set(state.source_families) == {m["publisher_family"] for m in members}, trend_id
    all_members = [m["article_id"] for _, members in stored.values() for m in members]
    assert len(all_members) == len(set(all_members)) == len(STORY)
    assert stored[story_id][0].article_count == len(STORY)


def test_a_stale_trend_write_is_refused_with_its_members(dynamodb_table: str) -> None:
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    now = T0 + timedelta(minutes=15)
    trend = TrendState(trend_id="t" + "1" * 15, article_count=1, source_families=["bbc"], first_seen=now,
                       last_seen=now, version=1)
    member = TrendMember(article_id="a" * 32, title="Talks", url="https://bbc.example/a", outlet="BBC",
                         publisher_family="bbc", published=now)
    # Given a new trend written by one run (a second run creating the same trend is refused)
    store.save_trends([trend], {trend.trend_id: [member]}, {trend.trend_id: 1.0}, expected_versions={})
    with pytest.raises(TrendVersionConflictError):
        store.save_trends([trend], {}, {trend.trend_id: 1.0}, expected_versions={})
    # And a next version of it written by another run
    newer = trend.model_copy(update={"version": 2, "article_count": 2})
    store.save_trends([newer], {}, expected_versions={trend.trend_id: 1})

    # When a run that still holds version 1 writes it with a new member
    late = TrendMember(article_id="b" * 32, title="Talks", url="https://npr.example/b", outlet="NPR",
                       publisher_family="npr", published=now)
    stale = trend.model_copy(update={"version": 2, "article_count": 2, "source_families": ["bbc", "npr"]})
    with pytest.raises(TrendVersionConflictError) as raised:
        store.save_trends([stale], {trend.trend_id: [late]}, expected_versions={trend.trend_id: 1})

    # Then neither the trend nor its member was written
    assert raised.value.trend_id == trend.trend_id
    detail = store.get_trend(trend.trend_id)
    assert detail is not None
    assert detail[0] == newer
    assert [m.article_id for m in detail[1]] == [member.article_id]
