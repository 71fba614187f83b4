"""The Tracing port: the cluster and ingest services mark their steps; the Powertools adapter turns
each into an X-Ray subsegment `## <name>` (checked here with a stub provider, no X-Ray daemon)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, Self, cast

import pytest
from tests.fakes import (
    FetchOutcome,
    InMemoryArticleRepository,
    InMemoryClusterStore,
    InMemoryFeedStateRepository,
    InMemoryPredictionRepository,
)
from tests.unit.test_brief_cluster_trigger import T0, TALKS

from headlinez.adapters.tracing import PowertoolsTracing
from headlinez.briefs.models import BriefRequest
from headlinez.domain.clustering import ClusterConfig
from headlinez.models import Article, FeedConfig
from headlinez.ports import NO_TRACING
from headlinez.services.cluster import CLUSTER_STEPS, ClusterService
from headlinez.services.ingest import INGEST_STEPS, IngestService


class RecordingTracing:
    """The Tracing port as a list: ("start" | "end", step name), in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    @contextmanager
    def _segment(self, name: str) -> Iterator[None]:
        self.events.append(("start", name))
        try:
            yield
        finally:
            self.events.append(("end", name))

    def segment(self, name: str) -> AbstractContextManager[None]:
        return self._segment(name)

    @property
    def steps(self) -> list[str]:
        return [name for kind, name in self.events if kind == "start"]

    def sequential(self) -> bool:
        """Every step ends before the next starts (none nested, none left open)."""
        return self.events == [(kind, name) for name in self.steps for kind in ("start", "end")]




class ClusterMemory(InMemoryClusterStore, InMemoryPredictionRepository):
    def __init__(self, articles: list[Article]) -> None:
        InMemoryPredictionRepository.__init__(self)
        InMemoryClusterStore.__init__(self, articles)


class Trigger:
    def __init__(self) -> None:
        self.started: list[BriefRequest] = []

    def start(self, request: BriefRequest) -> bool:
        self.started.append(request)
        return True

    def running(self, request: BriefRequest, now: datetime) -> bool:
        return False


def test_a_cluster_run_traces_its_steps_in_order() -> None:
    # Given a cluster service with predictions and a brief trigger, and a recording tracer
    store, trigger, tracing = ClusterMemory(TALKS), Trigger(), RecordingTracing()
    service = ClusterService(store, ClusterConfig(), lookback=timedelta(hours=6), predictions=store,
                             briefs=trigger, tracing=tracing)

    # When one run clusters the story
    report = service.run(T0 + timedelta(minutes=45))

    # Then every step was one segment, in order, none nested
    assert report.trends_new == 1
    assert trigger.started  # the briefs step really ran
    assert tracing.steps == ["cluster.load", "cluster.embed", "cluster.cluster", "cluster.enrich",
                             "cluster.save", "cluster.predictions", "cluster.briefs"]
    assert tuple(tracing.steps) == CLUSTER_STEPS
    assert tracing.sequential()


def test_a_cluster_run_without_predictions_or_briefs_traces_no_segment_for_them() -> None:
    tracing = RecordingTracing()
    ClusterService(InMemoryClusterStore(TALKS), ClusterConfig(), lookback=timedelta(hours=6),
                   tracing=tracing).run(T0 + timedelta(minutes=45))
    assert tracing.steps == ["cluster.load", "cluster.embed", "cluster.cluster", "cluster.enrich",
                             "cluster.save"]


class NotModifiedFetcher:
    def __init__(self, tracing: RecordingTracing) -> None:
        self._tracing = tracing

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchOutcome:
        self._tracing.events.append(("fetch", url))  # inside the poll step
        return FetchOutcome(status=304, content_type=None)


class IngestMemory(InMemoryFeedStateRepository, InMemoryArticleRepository):
    def __init__(self) -> None:
        InMemoryFeedStateRepository.__init__(self)
        InMemoryArticleRepository.__init__(self)


def test_an_ingest_run_traces_its_steps_in_order() -> None:
    # Given one due feed and a recording tracer
    feeds = [FeedConfig(id="feed-1", url="https://feeds.example.com/1.xml",  # type: ignore[arg-type]
                        outlet="Outlet 1", publisher_family="family-1")]
    store, tracing = IngestMemory(), RecordingTracing()
    service = IngestService(feeds=feeds, fetcher=NotModifiedFetcher(tracing), parse=lambda body, **_: None,
                            states=store, articles=store, tracing=tracing)

    # When ingest runs
    report = service.run(T0)

    # Then load, poll (the fetch inside it) and save are one segment each, in order
    assert report.not_modified == 1
    assert tracing.events == [
        ("start", "ingest.load_states"), ("end", "ingest.load_states"),
        ("start", "ingest.poll_feeds"), ("fetch", "https://feeds.example.com/1.xml"),
        ("end", "ingest.poll_feeds"),
        ("start", "ingest.save_states"), ("end", "ingest.save_states"),
    ]
    assert tuple(tracing.steps) == INGEST_STEPS
    assert len(store.states) == 1  # the state was written in the save step


def test_the_default_tracing_does_nothing() -> None:
    with NO_TRACING.segment("anything"):
        steps = ["ran"]
    assert steps == ["ran"]
    # and swallows nothing: a step's error reaches the service
    with pytest.raises(ValueError, match="boom"), NO_TRACING.segment("failing"):
        raise ValueError("boom")


class StubProvider:
    """`Tracer.provider` as the adapter uses it: `in_subsegment(name=...)`, a context manager."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    @contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[object]:
        self.events.append(("open", str(name)))
        try:
            yield object()
        except Exception as exc:
            self.events.append(("error", type(exc).__name__))
            raise
        finally:
            self.events.append(("close", str(name)))


def _tracing(provider: StubProvider) -> PowertoolsTracing:
    return PowertoolsTracing(cast(Any, SimpleNamespace(provider=provider)))


def test_the_powertools_adapter_opens_one_subsegment_per_step() -> None:
    provider = StubProvider()
    tracing = _tracing(provider)

    with tracing.segment("cluster.load"):
        provider.events.append(("work", "load"))
    with tracing.segment("cluster.embed"):
        pass

    assert provider.events == [("open", "## cluster.load"), ("work", "load"), ("close", "## cluster.load"),
                               ("open", "## cluster.embed"), ("close", "## cluster.embed")]


def test_the_powertools_adapter_lets_a_failing_step_raise_through_its_subsegment() -> None:
    provider = StubProvider()

    with pytest.raises(ValueError, match="boom"), _tracing(provider).segment("cluster.save"):
        raise ValueError("boom")

    # the recorder saw the exception (X-Ray records it on the subsegment) and closed the subsegment
    assert provider.events == [("open", "## cluster.save"), ("error", "ValueError"),
                               ("close", "## cluster.save")]
