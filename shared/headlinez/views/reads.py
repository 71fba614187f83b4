"""The API's read use cases, shared by the JSON routes and the HTML pages.

Each method is a few repository reads (never a Scan; see docs/architecture.md) and a pure
mapping to the response models of `headlinez.views.schemas`. Cursors are signed and bound to the
query that issued them: a cursor of another list, category or trend is rejected (400), so a
start key can never reach DynamoDB for the wrong index.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from headlinez.domain.feed_activity import articles_in_window
from headlinez.domain.prediction import SENTENCES
from headlinez.domain.search import NoSearchWordsError, legacy_search_tokens, search_tokens
from headlinez.ports import (
    FeedHealthRepository,
    InvalidStartKeyError,
    StartKey,
    TrendQuery,
    TrendQueryRepository,
)
from headlinez.views.briefs import BriefUnavailableError, brief_view
from headlinez.views.cursor import InvalidCursorError, decode_cursor, encode_cursor
from headlinez.views.schemas import (
    ArticlePage,
    BriefView,
    FeedHealth,
    PredictionTally,
    SearchPage,
    TopicPage,
    TrackRecordView,
    TrendDetail,
    TrendPage,
    TrendSummary,
    coverage_items,
    feed_health,
)

DETAIL_COVERAGE = 200
"""Articles in a trend's detail (newest first); older ones are paged by the articles resource."""
BriefState = Literal["published", "none", "unavailable"]


class TrendNotFoundError(LookupError):
    """No trend has this id."""

    def __init__(self, trend_id: str) -> None:
        super().__init__(trend_id)
        self.trend_id = trend_id


@dataclass(frozen=True)
class DetailResult:
    detail: TrendDetail
    brief_state: BriefState


MERGE_HOPS = 5
FRESHNESS_REUSE = timedelta(seconds=60)


class ApiReads:
    def __init__(
        self,
        trends: TrendQueryRepository,
        feeds: FeedHealthRepository,
        *,
        cursor_secret: str | Callable[[], str],
        clock: Callable[[], datetime],
    ) -> None:
        self._trends = trends
        self._feeds = feeds
        # A callable is asked at each use (deployed: a Secrets Manager secret cached with a max age).
        self._cursor_secret = cursor_secret
        self._clock = clock
        self._freshness: tuple[datetime, datetime | None] | None = None

    def now(self) -> datetime:
        return self._clock()

    # --- trend lists ---------------------------------------------------------------------------

    def trend_page(self, query: TrendQuery, limit: int, cursor: str | None) -> TrendPage:
        states, next_cursor = self._query(query, limit, cursor)
        now = self._clock()
        return TrendPage(
            items=[TrendSummary.from_state(s, now) for s in states], next_cursor=next_cursor, generated_at=now
        )

    def topic_page(self, slug: str, limit: int, cursor: str | None, *,
                   include_candidates: bool = False) -> TopicPage:
        query = TrendQuery(topic=slug, include_candidates=include_candidates)
        states, next_cursor = self._query(query, limit, cursor)
        now = self._clock()
        name = next(
            (
                str(getattr(topic, "name", slug))
                for state in states
                for topic in (getattr(state, "topics", None) or [])
                if getattr(topic, "slug", None) == slug
            ),
            None,
        )
        return TopicPage(
            items=[TrendSummary.from_state(s, now) for s in states],
            next_cursor=next_cursor,
            generated_at=now,
            topic=slug,
            name=name,
        )

    def search(self, text: str, limit: int, cursor: str | None, *,
               include_candidates: bool = False) -> SearchPage:
        terms = search_tokens(text)
        if not terms:
            raise NoSearchWordsError
        now = self._clock()
        query = TrendQuery(terms=terms, legacy_terms=legacy_search_tokens(text),
                           include_candidates=include_candidates)
        states, next_cursor = self._query(query, limit, cursor)
        return SearchPage(
            items=[TrendSummary.from_state(s, now) for s in states],
            next_cursor=next_cursor,
            generated_at=now,
            query=text,
            terms=list(terms),
        )

    def _query(self, query: TrendQuery, limit: int, cursor: str | None) -> tuple[list[Any], str | None]:
        scope = _scope("trends", query)
        start_key = self._decode(cursor, scope)
        try:
            states, next_key = self._trends.query_trends(query, limit, start_key)
        except InvalidStartKeyError as exc:
            raise InvalidCursorError(str(exc)) from exc
        return states, self._encode(next_key, scope)

    # --- one trend -----------------------------------------------------------------------------

    def trend_detail(self, trend_id: str) -> DetailResult:
        record = self._trends.get_trend_record(trend_id, DETAIL_COVERAGE)
        if record is None:
            raise TrendNotFoundError(trend_id)
        brief: BriefView | None = None
        state: BriefState = "none"
        try:
            brief = brief_view(record.brief_item, trend_id=trend_id)
            state = "published" if brief is not None else "none"
        except BriefUnavailableError:
            state = "unavailable"
        next_cursor = self._encode(record.more_members, _scope("articles", trend_id))
        trend = record.state
        if trend.merged_into:
            target = self._merge_target(trend_id, trend.merged_into)
            trend = trend.model_copy(update={"merged_into": target})
        detail = TrendDetail.build(
            trend, record.members, self._clock(), brief=brief, coverage_next_cursor=next_cursor
        )
        if state == "unavailable":  # stored, not "queued": the JSON says what the page says
            detail = detail.model_copy(update={"brief_status": "unavailable"})
        return DetailResult(detail=detail, brief_state=state)

    def _merge_target(self, trend_id: str, merged_into: str) -> str:
        """Where a merged trend's story went: a trend merged into one that merged again pointed at
        a merged trend. Followed up to MERGE_HOPS reads (merged trends are old links, rarely read);
        a loop in the data (never written, but never trusted) gives the stored target back."""
        seen = {trend_id}
        target = merged_into
        for _ in range(MERGE_HOPS):
            seen.add(target)
            record = self._trends.get_trend_record(target, 1)
            onward = record.state.merged_into if record is not None else None
            if not onward:
                return target
            if onward in seen:
                return merged_into
            target = onward
        return target

    def articles(self, trend_id: str, limit: int, cursor: str | None) -> ArticlePage:
        scope = _scope("articles", trend_id)
        start_key = self._decode(cursor, scope)
        try:
            found = self._trends.list_members(trend_id, limit, start_key)
        except InvalidStartKeyError as exc:
            raise InvalidCursorError(str(exc)) from exc
        if found is None:
            raise TrendNotFoundError(trend_id)
        members, next_key = found
        return ArticlePage(
            trend_id=trend_id,
            items=coverage_items(members),
            next_cursor=self._encode(next_key, scope),
            generated_at=self._clock(),
        )

    # --- feeds ---------------------------------------------------------------------------------

    def feed_health(self) -> FeedHealth:
        """One Query (the feed states); the 24-hour counts are the counters ingest keeps on them."""
        now = self._clock()
        states = self._feeds.list_states()
        counts = {state.feed_id: articles_in_window(state.articles_by_hour, now) for state in states}
        return feed_health(states, counts, now)

    def track_record(self) -> TrackRecordView:
        """The predictions' track record (one GetItem)."""
        record = self._trends.prediction_track_record()
        tallies = [PredictionTally(code=code, text=SENTENCES[code], said=tally.predicted, right=tally.correct)
                   for code, tally in record.by_code().items() if tally.predicted]
        return TrackRecordView(scored=record.scored, accuracy=record.accuracy,
                               always_fades_accuracy=record.always_fades_accuracy,
                               persistence_accuracy=record.persistence_accuracy, by_prediction=tallies)

    def freshness(self) -> datetime | None:
        """When any feed was last polled: a read of every feed state (2 pages, ~2 MB at 2,000
        feeds), so kept for FRESHNESS_REUSE of the API's clock: every page view read them all,
        and the pages are cached for as long anyway (CACHE_MAX_AGE)."""
        now = self._clock()
        if self._freshness is not None and timedelta(0) <= now - self._freshness[0] < FRESHNESS_REUSE:
            return self._freshness[1]
        attempts = [s.last_attempt_at for s in self._feeds.list_states() if s.last_attempt_at is not None]
        latest = max(attempts, default=None)
        self._freshness = (now, latest)
        return latest

    # --- cursors -------------------------------------------------------------------------------

    def _secret(self) -> str:
        secret = self._cursor_secret
        return secret if isinstance(secret, str) else secret()

    def _encode(self, key: StartKey | None, scope: str) -> str | None:
        return encode_cursor({"s": scope, "k": key}, self._secret()) if key else None

    def _decode(self, cursor: str | None, scope: str) -> StartKey | None:
        if not cursor:
            return None
        payload = decode_cursor(cursor, self._secret())
        key = payload.get("k")
        if payload.get("s") != scope or set(payload) != {"s", "k"} or not isinstance(key, dict) or not key:
            raise InvalidCursorError("the cursor belongs to another list")
        return key


def _scope(kind: str, subject: object) -> str:
    """A short digest of what a cursor pages: the list kind and its query (or trend id)."""
    if isinstance(subject, TrendQuery):
        since = subject.since.astimezone(UTC).isoformat() if subject.since else None
        subject = [subject.category, subject.status, since, subject.topic, list(subject.terms), subject.sort,
                   *(["candidates"] if subject.include_candidates else [])]
    digest = hashlib.sha256(json.dumps([kind, subject], separators=(",", ":")).encode()).hexdigest()
    return digest[:16]
