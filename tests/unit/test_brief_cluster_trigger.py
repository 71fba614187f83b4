"""Clustering starts the brief flow for trends that changed materially: idempotent names, a cap."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from tests.fakes import InMemoryClusterStore

from headlinez.briefs.models import BriefRequest, execution_name
from headlinez.domain.clustering import ClusterConfig
from headlinez.domain.text import title_fingerprint
from headlinez.models import Article
from headlinez.services.cluster import BriefTriggerPolicy, ClusterService

T0 = datetime(2026, 2, 17, 10, 0, tzinfo=UTC)


def article(title: str, outlet: str, minute: int) -> Article:
    published = T0 + timedelta(minutes=minute)
    digest = hashlib.sha256(f"{title}{outlet}".encode()).hexdigest()
    return Article(article_id=digest, url=f"https://{outlet}.example/{digest[:8]}", title=title, summary="",
                   published=published, ingested_at=published + timedelta(minutes=2), feed_id=outlet,
                   outlet=outlet.upper(), publisher_family=outlet, title_fingerprint=title_fingerprint(title))


TALKS = [
    article("US and Iran hold nuclear talks in Geneva", "bbc", 5),
    article("Iran and US negotiators meet in Geneva for nuclear talks", "npr", 12),
    article("Geneva nuclear talks: Iran says US more realistic", "dawn", 20),
]
OLYMPICS = [
    article("Team USA wins hockey gold at the Winter Olympics", "nbc", 15),
    article("Hockey gold for Team USA at the Winter Olympics in Milan", "abc", 25),
]
LONE = [article("Local bakery wins regional bread award", "gazette", 18)]


Store = InMemoryClusterStore


class Trigger:
    """Like Step Functions: a name that was started once is refused."""

    def __init__(self, fail_for: str = "") -> None:
        self.started: dict[str, BriefRequest] = {}
        self.refused: list[str] = []
        self.fail_for = fail_for

    def start(self, request: BriefRequest) -> bool:
        if self.fail_for and request.trend_id == self.fail_for:
            raise RuntimeError("throttled")
        name = execution_name(request.trend_id, request.trend_version)
        if name in self.started:
            self.refused.append(name)
            return False
        self.started[name] = request
        return True

    def running(self, request: BriefRequest, now: datetime) -> bool:
        return False


def _service(store: Store, trigger: Trigger, **policy: int) -> ClusterService:
    return ClusterService(store, ClusterConfig(), lookback=timedelta(hours=6), briefs=trigger,
                          brief_policy=BriefTriggerPolicy(**policy))


def test_new_multi_source_trends_start_one_execution_each() -> None:
    store, trigger = Store(TALKS + OLYMPICS + LONE), Trigger()
    now = T0 + timedelta(minutes=45)

    report = _service(store, trigger).run(now)

    # the two multi-outlet stories, not the single-source one
    assert report.briefs_started == 2
    by_trend = {r.trend_id: r for r in trigger.started.values()}
    sources = {tid: store.trends[tid].source_count for tid in by_trend}
    assert sorted(sources.values()) == [2, 3]
    request = next(r for r in by_trend.values() if sources[r.trend_id] == 3)
    assert request.reason == "3 independent sources"
    assert request.requested_at == now
    assert request.trend_version == store.trends[request.trend_id].version


def test_a_rerun_starts_nothing_and_a_retried_run_is_refused_by_name() -> None:
    store, trigger = Store(TALKS + OLYMPICS), Trigger()
    now = T0 + timedelta(minutes=45)
    _service(store, trigger).run(now)
    # a later run with nothing new: no trend changed, nothing is requested
    assert _service(store, trigger).run(now + timedelta(minutes=15)).briefs_started == 0
    # the same trend versions asked again (a retried run): Step Functions refuses the names
    for request in list(trigger.started.values()):
        assert trigger.start(request) is False
    assert len(trigger.refused) == 2


def test_a_new_source_starts_a_new_version() -> None:
    store, trigger = Store(TALKS), Trigger()
    _service(store, trigger).run(T0 + timedelta(minutes=45))
    first_version = max(r.trend_version for r in trigger.started.values())
    later = article("Iran, US nuclear talks in Geneva end", "cbs", 50)
    store.articles[later.article_id] = later

    report = _service(store, trigger).run(T0 + timedelta(minutes=60))

    assert report.briefs_started == 1
    latest = max(trigger.started.values(), key=lambda r: r.trend_version)
    assert latest.reason == "new source: cbs"
    assert latest.trend_version > first_version  # a new execution name: the flow runs again


def test_the_per_run_cap_keeps_the_highest_ranked() -> None:
    store, trigger = Store(TALKS + OLYMPICS), Trigger()
    report = _service(store, trigger, max_per_run=1).run(T0 + timedelta(minutes=45))
    assert (report.briefs_started, report.briefs_deferred) == (1, 1)
    (started,) = trigger.started.values()
    assert store.trends[started.trend_id].source_count == 3  # the talks outrank the hockey story


def test_a_failed_start_does_not_fail_clustering() -> None:
    store = Store(TALKS + OLYMPICS)
    first = Store(TALKS + OLYMPICS)
    _service(first, Trigger()).run(T0 + timedelta(minutes=45))
    talks_id = max(first.trends.values(), key=lambda t: t.source_count).trend_id
    trigger = Trigger(fail_for=talks_id)

    report = _service(store, trigger).run(T0 + timedelta(minutes=45))

    assert (report.briefs_started, report.brief_start_errors) == (1, 1)
    assert report.articles_clustered == 5  # the run's work is stored regardless
    assert store.docs["CHECKPOINT"]
