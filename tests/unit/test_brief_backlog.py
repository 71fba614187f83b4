"""A brief for every public trend (issue 10 §1): the backlog read from the published briefs,
highest ranked first within the per-run cap, retried while still due, held while the budget is spent."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.fakes import InMemoryBriefStore, InMemoryClusterStore
from tests.unit.test_brief_cluster_trigger import LONE, OLYMPICS, T0, TALKS, article

from headlinez.briefs.evidence import basis_of
from headlinez.briefs.materiality import BriefedTrend, brief_due
from headlinez.briefs.models import BriefRequest, PublishedBrief, execution_name
from headlinez.domain.clustering import ClusterConfig
from headlinez.models import TrendState
from headlinez.services.cluster import BriefTriggerPolicy, ClusterService


def publish(ledger: InMemoryBriefStore, store: InMemoryClusterStore, trend_id: str) -> None:
    """The brief a flow would publish of the trend as stored now (its basis: every member)."""
    trend = store.trends[trend_id]
    basis = basis_of(trend, list(store.members.get(trend_id, {}).values()), {})
    ledger.put_brief(PublishedBrief(trend_id=trend_id, version=trend.version, paragraphs=[], citations=[],
                                    supported_percent=100, claims_checked=0, claims_supported=0,
                                    engine="extractive", verifier="deterministic", generated_at=T0,
                                    updated_at=T0, basis=basis))


class Trigger:
    """Like Step Functions: a name started once is refused (the retry suffix makes a new name)."""

    def __init__(self) -> None:
        self.started: dict[str, BriefRequest] = {}
        self.still_running: set[str] = set()

    def start(self, request: BriefRequest) -> bool:
        name = execution_name(request.trend_id, request.trend_version, request.retry)
        if name in self.started:
            return False
        self.started[name] = request
        return True

    def running(self, request: BriefRequest, now: datetime) -> bool:
        return request.trend_id in self.still_running


def _service(store: InMemoryClusterStore, trigger: Trigger, ledger: InMemoryBriefStore,
             **policy: int) -> ClusterService:
    return ClusterService(store, ClusterConfig(), lookback=timedelta(hours=6), briefs=trigger,
                          brief_policy=BriefTriggerPolicy(**policy), ledger=ledger)


def _trend(**fields: object) -> TrendState:
    base: dict[str, object] = {"trend_id": "t1", "first_seen": T0, "last_seen": T0, "version": 5,
                               "article_count": 6, "source_families": ["ap", "bbc", "npr"]}
    return TrendState.model_validate(base | fields)


# --- the rule -----------------------------------------------------------------------------------


def test_a_public_trend_without_a_brief_is_due() -> None:
    assert brief_due(_trend(), None, min_sources=2, min_new_articles=2) == "no brief yet"


def test_candidates_and_closed_trends_are_never_due() -> None:
    assert brief_due(_trend(source_families=["ap"]), None, min_sources=2, min_new_articles=2) is None
    assert brief_due(_trend(is_open=False), None, min_sources=2, min_new_articles=2) is None


def test_a_brief_of_the_current_version_is_current() -> None:
    briefed = BriefedTrend(5, frozenset({"ap", "bbc", "npr"}), 6)
    assert brief_due(_trend(), briefed, min_sources=2, min_new_articles=2) is None


def test_a_new_newsroom_or_two_new_articles_make_the_brief_outdated() -> None:
    briefed = BriefedTrend(3, frozenset({"ap", "bbc"}), 6)
    reason = brief_due(_trend(), briefed, min_sources=2, min_new_articles=2)
    assert reason == "new source since the brief: npr"
    briefed = BriefedTrend(3, frozenset({"ap", "bbc", "npr"}), 4)
    assert brief_due(_trend(), briefed, min_sources=2, min_new_articles=2) == "2 new articles since the brief"
    # one more article from a known newsroom: not yet
    briefed = BriefedTrend(3, frozenset({"ap", "bbc", "npr"}), 5)
    assert brief_due(_trend(), briefed, min_sources=2, min_new_articles=2) is None


def test_articles_moved_to_a_split_trend_make_the_brief_outdated() -> None:
    # The brief was written from 8 articles; clustering's split pass took 2 to another trend
    briefed = BriefedTrend(3, frozenset({"ap", "bbc", "npr"}), 8)
    split = _trend(split_partners=["t2"])
    assert brief_due(split, briefed, min_sources=2, min_new_articles=2) == \
        "2 articles moved to a trend split from this one"
    # fewer articles without a split cannot happen; nothing is due for it
    assert brief_due(_trend(), briefed, min_sources=2, min_new_articles=2) is None


# --- clustering's backlog -----------------------------------------------------------------------


def test_a_trend_that_gets_no_new_article_is_still_picked_up() -> None:
    # Given a first run whose cap leaves one public trend without a brief
    store, trigger, ledger = InMemoryClusterStore(TALKS + OLYMPICS + LONE), Trigger(), InMemoryBriefStore()
    first = _service(store, trigger, ledger, max_per_run=1).run(T0 + timedelta(minutes=45))
    assert (first.briefs_due, first.briefs_started, first.briefs_deferred) == (2, 1, 1)
    started_first = {r.trend_id for r in trigger.started.values()}
    for trend_id in started_first:
        publish(ledger, store, trend_id)
    # When the next run brings no article at all
    second = _service(store, trigger, ledger, max_per_run=1).run(T0 + timedelta(minutes=60))
    # Then the waiting trend starts: the backlog does not depend on change
    public = {t.trend_id for t in store.trends.values() if t.source_count >= 2}
    assert second.articles_clustered == 0
    assert second.briefs_started == 1
    assert {r.trend_id for r in trigger.started.values()} == public


def test_the_backlog_starts_highest_ranked_first() -> None:
    store, trigger, ledger = InMemoryClusterStore(TALKS + OLYMPICS + LONE), Trigger(), InMemoryBriefStore()
    _service(store, trigger, ledger, max_per_run=1).run(T0 + timedelta(minutes=45))
    (request,) = trigger.started.values()
    # the three-newsroom story outranks the two-newsroom one
    assert store.trends[request.trend_id].source_count == 3


def test_nothing_starts_while_the_daily_budget_is_spent() -> None:
    store, trigger, ledger = InMemoryClusterStore(TALKS + OLYMPICS), Trigger(), InMemoryBriefStore()
    ledger.add_tokens(T0.date(), 1000)
    report = _service(store, trigger, ledger, daily_token_budget=1000).run(T0 + timedelta(minutes=45))
    assert trigger.started == {}
    assert (report.briefs_due, report.briefs_waiting_budget, report.briefs_started) == (2, 2, 0)
    # the next (UTC) day's budget: they start
    next_day = T0.replace(hour=0, minute=5) + timedelta(days=1)
    report = _service(store, trigger, ledger, daily_token_budget=1000).run(next_day)
    assert report.briefs_started == 2


def test_a_failed_execution_is_retried_under_an_hourly_name() -> None:
    # Given an execution that ended without a brief (nothing published to the ledger)
    store, trigger, ledger = InMemoryClusterStore(TALKS), Trigger(), InMemoryBriefStore()
    _service(store, trigger, ledger).run(T0 + timedelta(minutes=45))
    assert len(trigger.started) == 1
    # When the next run (another hour) finds the trend still due
    report = _service(store, trigger, ledger).run(T0 + timedelta(minutes=75))
    # Then it is asked again under the retry name of that hour, once
    assert report.briefs_retried == 1
    retry = [r for r in trigger.started.values() if r.retry]
    assert [r.retry for r in retry] == ["r2026021711"]
    again = _service(store, trigger, ledger).run(T0 + timedelta(minutes=80))
    assert (again.briefs_retried, again.briefs_already_started) == (0, 1)


def test_no_hourly_retry_runs_beside_an_execution_still_running() -> None:
    # Given a first execution that is slow (a degraded model API), not failed
    store, trigger, ledger = InMemoryClusterStore(TALKS), Trigger(), InMemoryBriefStore()
    _service(store, trigger, ledger).run(T0 + timedelta(minutes=45))
    (first,) = trigger.started.values()
    trigger.still_running.add(first.trend_id)
    # When the next hour's run finds the trend still due
    report = _service(store, trigger, ledger).run(T0 + timedelta(minutes=75))
    # Then no twin is started (each would call the model again); once it ends, the retry starts
    assert (report.briefs_retried, report.briefs_already_started) == (0, 1)
    assert len(trigger.started) == 1
    trigger.still_running.clear()
    assert _service(store, trigger, ledger).run(T0 + timedelta(minutes=80)).briefs_retried == 1


def test_a_brief_is_requested_again_when_the_trend_grows_past_it() -> None:
    store, trigger, ledger = InMemoryClusterStore(TALKS), Trigger(), InMemoryBriefStore()
    _service(store, trigger, ledger).run(T0 + timedelta(minutes=45))
    (trend_id,) = {r.trend_id for r in trigger.started.values()}
    publish(ledger, store, trend_id)
    store.add([article("Iran nuclear talks in Geneva end without a deal", "ap", 50),
               article("Geneva nuclear talks between US and Iran end", "reuters", 52)])
    report = _service(store, trigger, ledger).run(T0 + timedelta(minutes=60))
    assert report.briefs_started == 1
    newest = max(trigger.started.values(), key=lambda r: r.trend_version)
    assert newest.reason.startswith("new source since the brief")


def test_execution_names_of_retries_differ_and_stay_valid() -> None:
    assert execution_name("t1", 3, "r2026021805") == "brief-t1-v3-r2026021805" != execution_name("t1", 3)


def test_a_backlog_is_clustered_oldest_first_across_runs_even_past_the_lookback() -> None:
    # After an outage the backlog outgrew one run (which, timing out, saved nothing): each run now
    # takes the oldest MAX_ARTICLES_PER_RUN, and the rest stay reachable whatever their age
    from headlinez.services.cluster import BACKLOG_DOC

    store = InMemoryClusterStore(TALKS + OLYMPICS + LONE)
    service = ClusterService(store, ClusterConfig(), lookback=timedelta(hours=12), max_articles=3)
    # the first run after a 10-hour outage
    first = service.run(T0 + timedelta(hours=10))
    assert (first.articles_considered, first.articles_deferred) == (6, 3)
    assert store.docs[BACKLOG_DOC]  # where the next run resumes
    # the next run: its lookback (12 h) and checkpoint alone no longer reach the leftovers' ingest
    second = service.run(T0 + timedelta(hours=12, minutes=30))
    assert (second.articles_considered, second.articles_deferred) == (3, 0)
    assert {a.article_id for a in store.articles.values() if a.trend_id is None} <= {LONE[0].article_id}
    assert store.docs[BACKLOG_DOC] == ""  # cleared once the backlog is gone
