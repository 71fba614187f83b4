"""Clustering run: assign newly ingested articles to trends and refresh the ranking.

Idempotent by construction: articles already carrying a trend id are skipped, trend ids are
derived from their first article, and every write is a whole-item put of a deterministic value.
Safe under concurrent runs: a trend is written only while its stored version is the one this run
loaded (with its new members, atomically); on a conflict the run reloads and is redone, a bounded
number of times. Only trends that changed are written (see `trends_to_write`).
Single writer per cycle: with a `Lease` (headlinez.adapters.lease), a run first takes the lease
(a conditional write with an expiry); an overlapping or duplicate run waits up to `lease_wait`
for it, then exits without writing (`ClusterReport.skipped`).
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel

from headlinez.briefs.materiality import brief_due, trigger_reason
from headlinez.briefs.models import BriefRequest
from headlinez.domain.clustering import SCHEDULE_STEP, ClusterConfig, DocumentFrequencies, cluster_in_windows
from headlinez.domain.newsrooms import detection_time, is_public
from headlinez.domain.prediction import PredictionRecord, score
from headlinez.domain.semantic import embedding_text
from headlinez.domain.velocity import hour_floor, rank_score
from headlinez.models import Article, TrendMember, TrendState
from headlinez.ports import (
    NO_TRACING,
    BriefLedger,
    BriefTrigger,
    ClusterStore,
    Embedder,
    Lease,
    PredictionRepository,
    Tracing,
    TrendVersionConflictError,
)
from headlinez.services.trend_intel import Enrichment, enrich

logger = logging.getLogger(__name__)

FREQUENCIES_DOC = "DF"
CHECKPOINT_DOC = "CHECKPOINT"
BACKLOG_DOC = "BACKLOG"
"""Ingest time of the oldest article a capped run left for the next ("" when none is left)."""
MAX_ARTICLES_PER_RUN = 3000
"""Articles one run clusters, oldest first (~66 ms each on Lambda, docs/benchmarks.md: ~200 s of
the 300 s timeout). After an outage the backlog outgrew one run, and a run that times out saves
nothing, so every later run timed out on a larger one; now each run takes the oldest part."""
MAX_RUN_ATTEMPTS = 4  # a run redone after a version conflict, at most this many times in all
CONFLICT_BACKOFF_SECONDS = 0.2  # jittered wait before a redo, times the attempt number
# A trend whose only change is its rank score is rewritten when the score moved by more than this
# fraction of the stored one (and at least RANK_SCORE_MIN_CHANGE): the list order stays right
# within that margin, and a run without news writes (almost) nothing.
RANK_SCORE_RELATIVE_CHANGE = 0.1
RANK_SCORE_MIN_CHANGE = 0.05
# The traced steps of a run, in order (headlinez.ports.Tracing); predictions and briefs only when
# the service has a prediction repository and a brief trigger.
CLUSTER_STEPS = ("cluster.load", "cluster.embed", "cluster.cluster", "cluster.enrich", "cluster.save",
                 "cluster.predictions", "cluster.briefs")


class ConcurrentClusteringError(RuntimeError):
    """Every attempt of a run lost a trend write to another run (`MAX_RUN_ATTEMPTS` in all)."""


class LeaseTooShortError(ValueError):
    """The lease would expire while this run may still write (its wait for the lease plus the
    invocation's time left exceed it): another run could take the lease, and the stale run's
    unfenced writes (documents, checkpoint, article items) land after its. A configuration error."""


def check_lease_covers_run(lease: timedelta, wait: timedelta, time_left: timedelta) -> None:
    """Raise LeaseTooShortError unless the lease outlasts the wait for it and the run after it."""
    if wait + time_left >= lease:
        raise LeaseTooShortError(
            f"CLUSTER_LEASE_SECONDS ({lease.total_seconds():g}) must exceed the lease wait "
            f"({wait.total_seconds():g} s) plus the invocation's time left "
            f"({time_left.total_seconds():g} s): raise it, or lower the function's timeout")


@dataclass(frozen=True)
class BriefTriggerPolicy:
    """Which changed trends start a brief execution (headlinez.briefs.materiality.trigger_reason)."""

    max_per_run: int = 50
    min_sources: int = 2
    min_new_articles: int = 2
    daily_token_budget: int | None = None
    """With a ledger: no start while the day's spent tokens have reached it (None: not checked)."""


class ClusterReport(BaseModel):
    now: datetime
    articles_considered: int = 0
    articles_clustered: int = 0
    articles_deferred: int = 0
    """Left for the next run by MAX_ARTICLES_PER_RUN (a backlog after an outage)."""
    trends_new: int = 0
    trends_updated: int = 0
    trends_closed: int = 0
    open_trends: int = 0
    multi_source_trends: int = 0
    briefs_due: int = 0
    """Public trends whose brief is missing or outdated (with a ledger), or that changed materially."""
    briefs_started: int = 0
    briefs_retried: int = 0
    briefs_already_started: int = 0
    briefs_deferred: int = 0
    """Due but over the per-run cap: started by a later run, highest ranked first."""
    briefs_waiting_budget: int = 0
    brief_start_errors: int = 0
    predictions_recorded: int = 0
    predictions_scored: int = 0
    trends_written: int = 0
    write_conflicts: int = 0
    embedding: str = ""
    embedding_seconds: float = 0.0
    seconds: float = 0.0
    skipped: str | None = None  # why the run did nothing (the lease was held by another run)


class ClusterService:
    def __init__(self, store: ClusterStore, config: ClusterConfig, lookback: timedelta, *,
                 briefs: BriefTrigger | None = None, brief_policy: BriefTriggerPolicy | None = None,
                 predictions: PredictionRepository | None = None, embedder: Embedder | None = None,
                 lease: Lease | None = None, lease_wait: timedelta = timedelta(seconds=10),
                 ledger: BriefLedger | None = None, tracing: Tracing = NO_TRACING,
                 max_articles: int = MAX_ARTICLES_PER_RUN) -> None:
        self._tracing = tracing  # one segment per step of a run (CLUSTER_STEPS)
        self._lease = lease
        self._lease_wait = lease_wait
        # Without an embedder (model not installed) clustering takes the lexical path and says so.
        self._embedder = embedder
        self._store = store
        # Where this hour's predictions are recorded and due ones scored; None: no predictions
        # (the composition root passes the store that keeps them, DynamoStore in the Lambda).
        self._predictions = predictions
        self._config = config
        self._lookback = lookback
        self._max_articles = max_articles
        self._briefs = briefs
        self._ledger = ledger  # with it, every public trend without a current brief is due
        self._brief_policy = brief_policy or BriefTriggerPolicy()

    def run(self, now: datetime) -> ClusterReport:
        """One clustering run, under the lease when there is one (see the module docstring)."""
        if self._lease is None:
            return self._run_attempts(now)
        owner = f"{now.isoformat()}#{uuid.uuid4().hex[:12]}"
        if not self._take_lease(owner):
            logger.warning("another clustering run holds the lease: exiting", extra={
                "run_time": now.isoformat(), "waited_seconds": self._lease_wait.total_seconds()})
            return ClusterReport(now=now, skipped="lease held by another clustering run")
        try:
            return self._run_attempts(now)
        finally:
            self._lease.release(owner)

    def _take_lease(self, owner: str) -> bool:
        assert self._lease is not None
        deadline = time.monotonic() + self._lease_wait.total_seconds()
        while not self._lease.acquire(owner):
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(0.5, max(0.01, deadline - time.monotonic())))
        return True

    def _run_attempts(self, now: datetime) -> ClusterReport:
        """A run redone from a fresh load when another run changed a trend meanwhile."""
        for attempt in range(1, MAX_RUN_ATTEMPTS + 1):
            try:
                return self._run_once(now, conflicts=attempt - 1)
            except TrendVersionConflictError as exc:
                logger.warning("trend changed by another clustering run; redoing the run", extra={
                    "trend_id": exc.trend_id, "expected_version": exc.expected_version,
                    "attempt": attempt, "max_attempts": MAX_RUN_ATTEMPTS})
                if attempt == MAX_RUN_ATTEMPTS:
                    raise ConcurrentClusteringError(f"gave up after {attempt} attempts: {exc}") from exc
                time.sleep(random.uniform(0, CONFLICT_BACKOFF_SECONDS * attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _run_once(self, now: datetime, *, conflicts: int = 0) -> ClusterReport:
        started = time.perf_counter()
        report = ClusterReport(now=now, write_conflicts=conflicts)
        step = self._tracing.segment
        with step("cluster.load"):
            checkpoint_doc, pending, frequencies, open_trends, backlog_doc = self._load(now, report)
        known_ids = {t.trend_id for t in open_trends}
        with step("cluster.embed"):
            embeddings = self._embed(pending, report)
        with step("cluster.cluster"):
            result = cluster_in_windows(open_trends, pending, frequencies, now=now, config=self._config,
                                        embeddings=embeddings)
            changed = {t.trend_id: t for t in result.changed}
            new_members = self._rehome_merged_members(open_trends, changed, result.new_members)
        with step("cluster.enrich"):
            # Every open trend is re-ranked each run: its score decays with time even without news.
            all_trends = {t.trend_id: t for t in open_trends} | changed
            # Status, prediction, category, topics and related trends of every open trend (pure).
            intel = self._enrich(open_trends, all_trends, changed=changed, pending=pending,
                                 assignments=result.assignments, checkpoint_doc=checkpoint_doc, now=now)
            all_trends = {t.trend_id: t for t in intel.trends}
            changed = {tid: all_trends[tid] for tid in changed}
            scores = {tid: rank_score(t, now) for tid, t in all_trends.items()}
            loaded = {t.trend_id: t for t in open_trends}
            to_write = trends_to_write(all_trends, loaded, changed.keys(), scores)
        with step("cluster.save"):  # the trends, this hour's predictions, the articles, the checkpoint
            self._store.save_trends(to_write, new_members, scores,
                                    expected_versions={tid: t.version for tid, t in loaded.items()},
                                    removed_members=result.removed_members)
            report.trends_written = len(to_write)
            if self._predictions is not None and intel.predictions:
                self._predictions.put_predictions(intel.predictions)
                report.predictions_recorded = len(intel.predictions)
            assigned = [a.model_copy(update={"trend_id": result.assignments[a.article_id]})
                        for a in pending if a.article_id in result.assignments]
            self._store.set_article_trends(assigned)
            self._store.put_cluster_doc(FREQUENCIES_DOC, result.frequencies.model_dump_json())
            self._store.put_cluster_doc(CHECKPOINT_DOC, now.isoformat())
            if backlog_doc is not None:
                self._store.put_cluster_doc(BACKLOG_DOC, backlog_doc)
        if self._predictions is not None:
            with step("cluster.predictions"):  # the predictions whose day has passed, scored
                report.predictions_scored = self._score_due_predictions(all_trends, now)
        if self._briefs is not None:
            with step("cluster.briefs"):
                self._start_briefs({t.trend_id: t for t in open_trends}, changed, result.new_members,
                                   scores, now=now, report=report, trends=all_trends)

        report.articles_clustered = len(assigned)
        report.trends_new = sum(1 for tid in changed if tid not in known_ids)
        report.trends_updated = len(changed) - report.trends_new
        report.trends_closed = len(result.closed)
        open_now = [t for t in all_trends.values() if t.is_open]
        report.open_trends = len(open_now)
        report.multi_source_trends = sum(1 for t in open_now if is_public(t))
        report.seconds = round(time.perf_counter() - started, 3)
        logger.info("clustering finished", extra=report.model_dump(mode="json"))
        return report

    def _load(self, now: datetime, report: ClusterReport
              ) -> tuple[str | None, list[Article], DocumentFrequencies, list[TrendState], str | None]:
        """The checkpoint, the articles to cluster (oldest first), the term frequencies, the open
        trends, and the backlog document to store after the run (None: nothing to write)."""
        checkpoint_doc = self._store.get_cluster_doc(CHECKPOINT_DOC)
        since = now - self._lookback
        if checkpoint_doc:
            # Re-read a little before the checkpoint: an article written during the previous
            # run may carry an ingest time just before it. Already-assigned ones are skipped.
            since = min(since, datetime.fromisoformat(checkpoint_doc) - timedelta(minutes=30))
        stored_backlog = self._store.get_cluster_doc(BACKLOG_DOC)
        if stored_backlog:  # a capped run's leftovers, however old
            since = min(since, datetime.fromisoformat(stored_backlog))
        pending = sorted(self._store.unclustered_articles_between(since, now),
                         key=lambda a: (a.published, a.article_id))
        report.articles_considered = len(pending)
        backlog_doc = "" if stored_backlog else None  # cleared once the backlog is gone
        if len(pending) > self._max_articles:
            left = pending[self._max_articles:]
            pending = pending[:self._max_articles]
            report.articles_deferred = len(left)
            backlog_doc = min(article.ingested_at for article in left).isoformat()
            logger.warning("clustering backlog: the newest articles wait for the next run", extra={
                "articles_clustered_now": len(pending), "articles_deferred": len(left),
                "backlog_from": backlog_doc})
        frequencies_doc = self._store.get_cluster_doc(FREQUENCIES_DOC)
        frequencies = (DocumentFrequencies.model_validate_json(frequencies_doc)
                       if frequencies_doc else DocumentFrequencies())
        return checkpoint_doc, pending, frequencies, self._store.load_open_trends(), backlog_doc

    def _embed(self, articles: Sequence[Article], report: ClusterReport) -> dict[str, list[float]] | None:
        """Sentence embeddings of the articles to cluster; None (lexical path) without a model or
        when the model fails, which is logged and reported, never fatal."""
        if self._embedder is None:
            report.embedding = "lexical-fallback: no embedding model"
            return None
        if not articles:
            report.embedding = self._embedder.model_id
            return {}
        started = time.perf_counter()
        try:
            matrix = self._embedder.embed([embedding_text(a.title, a.summary) for a in articles])
        except Exception:  # a model failure must not stop clustering: the lexical path still works
            logger.exception("embedding failed: clustering on the lexical path")
            report.embedding = "lexical-fallback: embedding failed"
            return None
        report.embedding = self._embedder.model_id
        report.embedding_seconds = round(time.perf_counter() - started, 3)
        return {a.article_id: [float(x) for x in row] for a, row in zip(articles, matrix, strict=True)}

    def _rehome_merged_members(self, open_trends: Sequence[TrendState], changed: Mapping[str, TrendState],
                               new_members: Mapping[str, Sequence[TrendMember]]
                               ) -> dict[str, list[TrendMember]]:
        """Copy the coverage of trends folded into another one this run to the survivor.

        The survivor's counters already include them; without this its coverage list (one Query
        on its partition) would miss the absorbed trend's articles. The copies are whole-item puts
        of deterministic keys, so a retried run rewrites the same items. A trend folded into one
        that is itself folded in the same run (B into C, C into A) goes to the last survivor, A:
        a copy to C alone would leave its articles out of A's list while A's counters count them.
        """
        members = {tid: list(items) for tid, items in new_members.items()}
        was_merged = {t.trend_id for t in open_trends if t.merged_into}
        for trend_id, trend in changed.items():
            survivor = trend.merged_into
            if survivor is None or trend_id in was_merged:
                continue
            hops = {trend_id}
            while (onward := _merged_into(changed, survivor)) is not None and survivor not in hops:
                hops.add(survivor)
                survivor = onward
            stored = self._store.get_trend(trend_id)
            absorbed = (stored[1] if stored else []) + list(new_members.get(trend_id, ()))
            target = members.setdefault(survivor, [])
            seen = {m.article_id for m in target}
            target.extend(m for m in absorbed if m.article_id not in seen)
        return members

    def _start_briefs(self, before: Mapping[str, TrendState], changed: Mapping[str, TrendState],
                      new_members: Mapping[str, Sequence[TrendMember]], scores: Mapping[str, float], *,
                      now: datetime, report: ClusterReport, trends: Mapping[str, TrendState] | None = None
                      ) -> None:
        """Start brief executions, highest ranked first, at most `max_per_run`.

        With a ledger (the published briefs): the backlog rule, every public open trend whose brief
        is missing or outdated (`brief_due`), whether or not it changed in this run; what is over
        the cap waits for the next run, and nothing starts while the day's token budget is spent.
        A trend still due after its first execution (failed, stopped by the budget, or running
        long) is asked again under an hourly retry name. Without a ledger: the trends that changed
        materially in this run (`trigger_reason`). Runs after the trends are stored, so a failed
        start never loses clustering work; execution names are deterministic, so a retried run
        starts nothing twice.
        """
        assert self._briefs is not None
        policy = self._brief_policy
        wanted: list[tuple[float, str, BriefRequest]] = []
        for trend_id, reason, version in self._due_briefs(before, changed, new_members, trends or changed):
            request = BriefRequest(trend_id=trend_id, trend_version=version, reason=reason, requested_at=now)
            wanted.append((scores.get(trend_id, 0.0), trend_id, request))
        wanted.sort(key=lambda entry: (-entry[0], entry[1]))
        report.briefs_due = len(wanted)
        if wanted and self._budget_spent(now):
            report.briefs_waiting_budget = len(wanted)
            logger.warning("daily token budget spent: briefs wait for tomorrow's budget", extra={
                "due": len(wanted), "budget": policy.daily_token_budget})
            return
        report.briefs_deferred = max(0, len(wanted) - policy.max_per_run)
        for _, _trend_id, request in wanted[:policy.max_per_run]:
            self._start_one(request, now, report)
        if wanted:
            logger.info("brief executions requested", extra={
                "due": report.briefs_due, "started": report.briefs_started,
                "already_started": report.briefs_already_started, "deferred": report.briefs_deferred,
                "errors": report.brief_start_errors})

    def _due_briefs(self, before: Mapping[str, TrendState], changed: Mapping[str, TrendState],
                    new_members: Mapping[str, Sequence[TrendMember]], trends: Mapping[str, TrendState]
                    ) -> list[tuple[str, str, int]]:
        """(trend id, reason, version) of the trends that need a brief now."""
        policy = self._brief_policy
        due: list[tuple[str, str, int]] = []
        if self._ledger is None:
            for trend_id, trend in changed.items():
                reason = trigger_reason(before.get(trend_id), trend, len(new_members.get(trend_id, ())),
                                        min_sources=policy.min_sources,
                                        min_new_articles=policy.min_new_articles)
                if reason:
                    due.append((trend_id, reason, trend.version))
            return due
        public = [t for t in trends.values() if t.is_open and t.source_count >= policy.min_sources]
        briefed = self._ledger.briefed([t.trend_id for t in public]) if public else {}
        for trend in public:
            reason = brief_due(trend, briefed.get(trend.trend_id), min_sources=policy.min_sources,
                               min_new_articles=policy.min_new_articles)
            if reason:
                due.append((trend.trend_id, reason, trend.version))
        return due

    def _budget_spent(self, now: datetime) -> bool:
        budget = self._brief_policy.daily_token_budget
        # Spent, or closed by a call it could not cover: executions started now would only stop
        # at Generate (docs/operations.md, TokenBudgetAlarm).
        return bool(self._ledger is not None and budget is not None
                    and self._ledger.budget_closed(now.date(), budget))

    def _start_one(self, request: BriefRequest, now: datetime, report: ClusterReport) -> None:
        assert self._briefs is not None
        try:
            if self._briefs.start(request):
                report.briefs_started += 1
            elif (self._ledger is not None and not self._briefs.running(request, now)
                  and self._briefs.start(request.model_copy(update={"retry": f"r{now:%Y%m%d%H}"}))):
                # Still due after this version's first execution: failed, stopped by the budget,
                # or judged not material by Load. Asked again, at most once an hour, and never
                # beside an execution of the same version still running.
                report.briefs_retried += 1
            else:
                report.briefs_already_started += 1
        except Exception:  # one failed start must not fail clustering; the next run retries
            report.brief_start_errors += 1
            logger.exception("could not start the brief flow", extra={"trend_id": request.trend_id})

    @staticmethod
    def _enrich(open_trends: Sequence[TrendState], all_trends: Mapping[str, TrendState], *,
                changed: Mapping[str, TrendState], pending: Sequence[Article], assignments: Mapping[str, str],
                checkpoint_doc: str | None, now: datetime) -> Enrichment:
        """services.trend_intel.enrich with this run's inputs; predictions are recorded by the first
        run of each hour (the checkpoint says when the previous run was)."""
        hints: dict[str, list[str | None]] = {}
        arrivals: dict[str, list[tuple[datetime, str]]] = {}
        for article in pending:
            trend_id = assignments.get(article.article_id)
            if trend_id is not None:
                hints.setdefault(trend_id, []).append(article.category_hint)
                arrivals.setdefault(trend_id, []).append((article.published, article.publisher_family))
        previous = {t.trend_id: t for t in open_trends}
        detected = {}
        for trend_id, trend in changed.items():
            before = previous.get(trend_id)
            if trend.detected_at is None and (before is None or before.detected_at is None):
                detected[trend_id] = detection_time(
                    before.source_families if before else (), arrivals.get(trend_id, ()),
                    trend.source_families, now=now, step=SCHEDULE_STEP,
                    known_since=before.first_seen if before else None)
        previous_run = datetime.fromisoformat(checkpoint_doc) if checkpoint_doc else None
        new_hour = previous_run is None or hour_floor(previous_run) < hour_floor(now)
        return enrich(all_trends.values(), now=now, previous=previous, changed=changed.keys(), hints=hints,
                      record_predictions=new_hour, detected=detected)

    def _score_due_predictions(self, trends: Mapping[str, TrendState], now: datetime) -> int:
        """Score the predictions whose day has passed against their trend's series (or the series of
        the trend it was merged into) and add them to the track record."""
        assert self._predictions is not None
        due = self._predictions.due_predictions(now)
        if not due:
            return 0
        known = dict(trends)
        wanted = {r.trend_id for r in due} - known.keys()
        for _ in range(3):  # the trend, then what it was merged into (a chain is rare and short)
            if not wanted:
                break
            found = self._predictions.get_trend_states(sorted(wanted))
            known.update(found)
            wanted = {t.merged_into for t in found.values() if t.merged_into and t.merged_into not in known}
        scored: list[PredictionRecord] = []
        orphans: list[PredictionRecord] = []
        for record in due:
            state = known.get(record.trend_id)
            hops = 0
            while state is not None and state.merged_into and state.merged_into in known and hops < 3:
                state = known[state.merged_into]
                hops += 1
            if state is not None:
                scored.append(score(record, state, now))
            else:
                orphans.append(record)
        counted = self._predictions.record_outcomes(scored)
        # A trend that expired (or was never stored) has no series to score against: left on the due
        # list, 500 such predictions would fill every read and stop scoring for their 90-day TTL.
        retired = self._predictions.retire_predictions(orphans) if orphans else 0
        logger.info("predictions scored", extra={"due": len(due), "scored": counted, "retired": retired})
        return counted


def trends_to_write(trends: Mapping[str, TrendState], loaded: Mapping[str, TrendState],
                    changed: Iterable[str], scores: Mapping[str, float]) -> list[TrendState]:
    """The trends a run must store, each with the rank score it is stored with.

    Those clustering changed (new members, merges, closures), those whose derived fields
    (status, prediction, category, topics, related) differ from the loaded state, and those whose
    rank score moved materially from the stored one. The others are left as stored.
    """
    changed_ids = set(changed)
    chosen: list[TrendState] = []
    for trend_id, trend in trends.items():
        before = loaded.get(trend_id)
        score = scores.get(trend_id, 0.0)
        if (trend_id in changed_ids or before is None or trend != before
                or _rank_moved(before.rank_score, score)):
            chosen.append(trend.model_copy(update={"rank_score": score}))
    return chosen


def _rank_moved(stored: float | None, score: float) -> bool:
    if stored is None:
        return True
    return abs(score - stored) > max(RANK_SCORE_MIN_CHANGE, RANK_SCORE_RELATIVE_CHANGE * abs(stored))


def _merged_into(trends: Mapping[str, TrendState], trend_id: str) -> str | None:
    trend = trends.get(trend_id)
    return trend.merged_into if trend is not None else None
