"""Clustering run: assign newly ingested articles to trends and refresh the ranking.

Idempotent by construction: articles already carrying a trend id are skipped, trend ids are
derived from their first article, and every write is a whole-item put of a deterministic value.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import BaseModel

from headlinez.domain.clustering import ClusterConfig, DocumentFrequencies, cluster_articles
from headlinez.domain.velocity import rank_score
from headlinez.models import Article, TrendMember, TrendState

logger = logging.getLogger(__name__)

FREQUENCIES_DOC = "DF"
CHECKPOINT_DOC = "CHECKPOINT"


class ClusterStore(Protocol):
    def articles_ingested_between(self, start: datetime, end: datetime) -> list[Article]: ...

    def set_article_trends(self, articles: Sequence[Article]) -> None: ...

    def load_open_trends(self) -> list[TrendState]: ...

    def save_trends(self, trends: Sequence[TrendState], members: Mapping[str, Sequence[TrendMember]],
                    scores: Mapping[str, float] | None = None) -> None: ...

    def get_cluster_doc(self, name: str) -> str | None: ...

    def put_cluster_doc(self, name: str, doc: str) -> None: ...


class ClusterReport(BaseModel):
    now: datetime
    articles_considered: int = 0
    articles_clustered: int = 0
    trends_new: int = 0
    trends_updated: int = 0
    trends_closed: int = 0
    open_trends: int = 0
    multi_source_trends: int = 0
    seconds: float = 0.0


class ClusterService:
    def __init__(self, store: ClusterStore, config: ClusterConfig, lookback: timedelta) -> None:
        self._store = store
        self._config = config
        self._lookback = lookback

    def run(self, now: datetime) -> ClusterReport:
        started = time.perf_counter()
        report = ClusterReport(now=now)
        checkpoint_doc = self._store.get_cluster_doc(CHECKPOINT_DOC)
        since = now - self._lookback
        if checkpoint_doc:
            # Re-read a little before the checkpoint: an article written during the previous
            # run may carry an ingest time just before it. Already-assigned ones are skipped.
            since = min(since, datetime.fromisoformat(checkpoint_doc) - timedelta(minutes=30))
        candidates = self._store.articles_ingested_between(since, now)
        pending = sorted((a for a in candidates if a.trend_id is None),
                         key=lambda a: (a.published, a.article_id))
        report.articles_considered = len(candidates)

        frequencies_doc = self._store.get_cluster_doc(FREQUENCIES_DOC)
        frequencies = (DocumentFrequencies.model_validate_json(frequencies_doc)
                       if frequencies_doc else DocumentFrequencies())
        open_trends = self._store.load_open_trends()
        known_ids = {t.trend_id for t in open_trends}
        result = cluster_articles(open_trends, pending, frequencies, now=now, config=self._config)

        changed = {t.trend_id: t for t in result.changed}
        # Every open trend is re-ranked each run: its score decays with time even without news.
        all_trends = {t.trend_id: t for t in open_trends} | changed
        scores = {tid: rank_score(t, now) for tid, t in all_trends.items()}
        self._store.save_trends(list(all_trends.values()), result.new_members, scores)
        assigned = [a.model_copy(update={"trend_id": result.assignments[a.article_id]})
                    for a in pending if a.article_id in result.assignments]
        self._store.set_article_trends(assigned)
        self._store.put_cluster_doc(FREQUENCIES_DOC, result.frequencies.model_dump_json())
        self._store.put_cluster_doc(CHECKPOINT_DOC, now.isoformat())

        report.articles_clustered = len(assigned)
        report.trends_new = sum(1 for tid in changed if tid not in known_ids)
        report.trends_updated = len(changed) - report.trends_new
        report.trends_closed = len(result.closed)
        open_now = [t for t in all_trends.values() if t.is_open]
        report.open_trends = len(open_now)
        report.multi_source_trends = sum(1 for t in open_now if t.source_count >= 2)
        report.seconds = round(time.perf_counter() - started, 3)
        logger.info("clustering finished", extra=report.model_dump(mode="json"))
        return report
