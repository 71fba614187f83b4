"""In-memory fakes of the repository Protocols, and API Gateway test doubles.

One fake per storage port (tests/integration/test_storage_contracts.py runs each against the
DynamoDB adapter too): InMemoryFeedStateRepository, InMemoryArticleRepository,
InMemoryTrendRepository (the API's reads too), InMemoryClusterStore (clustering's),
InMemoryPredictionRepository, InMemoryBriefStore (headlinez.briefs, and clustering's BriefLedger)
and InMemoryLease (clustering's single-writer lease); a test needing two ports on one store
subclasses two fakes. Each class docstring says what it mirrors. In particular, the fakes behave
like `headlinez.adapters.dynamodb.DynamoStore` where callers can tell:
- `list_trends` returns public open trends only (2+ newsrooms, gsi1), highest rank first (score,
  then last_seen, then id, all descending), and a DynamoDB-shaped `LastEvaluatedKey` whenever a
  page is full, even when nothing follows (so the page after it can be empty), exactly as a
  `Query` with `Limit` does;
- members are stored once per article id; `get_trend` returns them newest first;
- stored objects are deep copies: mutating what you passed in or got back changes nothing stored;
- the API reads (`query_trends`, `get_trend_record`, `list_members`, `list_states`) follow
  the adapter's key shapes, filters and paging rules, and count the DynamoDB operations they stand
  for in `operations` (e.g. `("Query", "gsi3")`), so tests can assert "one Query per list".
"""

from __future__ import annotations

import importlib.util
import sys
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from headlinez.briefs.materiality import BriefedTrend
from headlinez.briefs.models import BriefFailure, PublishedBrief
from headlinez.domain.dedupe import DedupeKey, dedupe_keys, dedupe_record
from headlinez.domain.newsrooms import is_public
from headlinez.domain.prediction import PredictionRecord, TrackRecord, counters
from headlinez.domain.search import search_text
from headlinez.models import Article, FeedState, TrendMember, TrendState
from headlinez.ports import (
    InvalidStartKeyError,
    StartKey,
    TrendQuery,
    TrendRecord,
    TrendSnapshot,
    TrendVersionConflictError,
)

RECENT_WINDOW = 100
FILTER_READ_FACTOR = 4
MAX_EVALUATED = 200

# --- Repositories ---------------------------------------------------------------------------------


def _iso(value: datetime) -> str:
    """The second-precision UTC text of the table's time keys (headlinez.adapters.table.iso)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_versions(stored: Mapping[str, TrendState], trends: Sequence[TrendState],
                    expected_versions: Mapping[str, int]) -> None:
    """DynamoStore's conditional trend writes (TrendEntity.write_condition): a trend the caller
    loaded (its id in `expected_versions`) only while the stored version is still that one (or
    nothing is stored), any other only while no open trend of that id is stored."""
    for trend in trends:
        current = stored.get(trend.trend_id)
        expected = expected_versions.get(trend.trend_id)
        if current is None:
            continue
        if current.version != expected if expected is not None else current.is_open:
            raise TrendVersionConflictError(trend.trend_id, expected)


def _ingested_between(articles: Iterable[Article], start: datetime, end: datetime) -> list[Article]:
    """DynamoStore's ingest window: times compared to the second (gsi1sk), oldest first, then by id."""
    low, high = _iso(start), _iso(end)
    return sorted((a for a in articles if low <= _iso(a.ingested_at) <= high),
                  key=lambda a: (_iso(a.ingested_at), a.article_id))


def _rank_key(score: float, last_seen: datetime, trend_id: str) -> str:
    bounded = max(0, min(int(score * 1000), 10**12 - 1))
    return f"{bounded:012d}#{last_seen.astimezone(UTC).isoformat()}#{trend_id}"


class InMemoryTrendRepository:
    """TrendRepository in memory (see the module docstring for the behaviour it mirrors)."""

    def __init__(self) -> None:
        self._trends: dict[str, TrendState] = {}
        self._members: dict[str, dict[str, TrendMember]] = {}
        self._rank: dict[str, str] = {}
        self._briefs: dict[str, dict[str, Any]] = {}
        self.list_calls: list[tuple[int, StartKey | None]] = []
        self.operations: list[tuple[str, str]] = []

    # Protocol ----------------------------------------------------------------------------------

    def load_open_trends(self) -> list[TrendState]:
        return [t.model_copy(deep=True) for t in self._trends.values() if t.is_open]

    def prediction_track_record(self) -> TrackRecord:
        """Nothing scored: InMemoryPredictionRepository keeps the tallies."""
        return TrackRecord()

    def save_trends(
        self,
        trends: Sequence[TrendState],
        members: Mapping[str, Sequence[TrendMember]],
        scores: Mapping[str, float] | None = None,
        *,
        expected_versions: Mapping[str, int] | None = None,
        removed_members: Mapping[str, Sequence[TrendMember]] | None = None,
    ) -> None:
        """As DynamoStore: with `expected_versions`, every trend is written only while it passes
        `_version_conflict`, else TrendVersionConflictError and nothing of this call is written."""
        if expected_versions is not None:
            _check_versions(self._trends, trends, expected_versions)
        for trend_id, gone in (removed_members or {}).items():
            for member in gone:
                self._members.get(trend_id, {}).pop(member.article_id, None)
        scores = scores or {}
        for trend in trends:
            self._trends[trend.trend_id] = trend.model_copy(deep=True)
            self._rank[trend.trend_id] = _rank_key(
                scores.get(trend.trend_id, 0.0), trend.last_seen, trend.trend_id
            )
        for trend_id, trend_members in members.items():
            stored = self._members.setdefault(trend_id, {})
            for member in trend_members:
                stored[member.article_id] = member.model_copy(deep=True)

    def list_trends(self, limit: int, start_key: StartKey | None) -> tuple[list[TrendState], StartKey | None]:
        self.list_calls.append((limit, None if start_key is None else dict(start_key)))
        if limit < 1:
            raise ValueError("limit must be at least 1")
        ranked = sorted(  # gsi1 holds public open trends only (2+ newsrooms), as DynamoStore's
            (trend_id for trend_id, trend in self._trends.items() if trend.is_open and is_public(trend)),
            key=lambda trend_id: self._rank[trend_id],
            reverse=True,
        )
        if start_key is not None:
            after = str(start_key["gsi1sk"])
            ranked = [trend_id for trend_id in ranked if self._rank[trend_id] < after]
        page = ranked[:limit]
        next_key: StartKey | None = None
        if len(page) == limit:
            last = page[-1]
            next_key = {"pk": f"TREND#{last}", "sk": "META", "gsi1pk": "TRENDS", "gsi1sk": self._rank[last]}
        return [self._trends[trend_id].model_copy(deep=True) for trend_id in page], next_key

    def get_trend(self, trend_id: str) -> tuple[TrendState, list[TrendMember]] | None:
        trend = self._trends.get(trend_id)
        if trend is None:
            return None
        members = [m.model_copy(deep=True) for m in self._members.get(trend_id, {}).values()]
        members.sort(key=lambda m: m.published, reverse=True)
        return trend.model_copy(deep=True), members

    # API reads (as DynamoStore) ---------------------------------------------------------------

    def query_trends(
        self, query: TrendQuery, limit: int, start_key: StartKey | None
    ) -> tuple[list[TrendState], StartKey | None]:
        index, hash_name, range_name, partition = (
            ("gsi2", "gsi2pk", "gsi2sk", "OPEN") if query.include_candidates
            else ("gsi3", "gsi3pk", "gsi3sk", f"CAT#{query.category}") if query.category
            else ("gsi1", "gsi1pk", "gsi1sk", "TRENDS")
        )
        self.operations.append(("Query", index))
        self.list_calls.append((limit, None if start_key is None else dict(start_key)))
        # Public trends (2+ newsrooms) are on gsi1/gsi3 by key; gsi2 holds every open trend.
        scope = sorted(
            (tid for tid, t in self._trends.items()
             if t.is_open and (query.include_candidates or (
                 is_public(t) and (not query.category or getattr(t, "category", None) == query.category)))),
            key=lambda tid: self._rank[tid], reverse=True,
        )
        if query.sort == "recent":
            offset = 0
            if start_key is not None:
                value = start_key.get("offset")
                if set(start_key) != {"offset"} or type(value) is not int or not 0 < value < RECENT_WINDOW:
                    raise InvalidStartKeyError("not a start key of a recent-first list")
                offset = value
            window = [tid for tid in scope[:RECENT_WINDOW] if self._matches(self._trends[tid], query)]
            window.sort(key=lambda tid: (self._trends[tid].last_seen, f"TREND#{tid}"), reverse=True)
            page = window[offset:offset + limit]
            next_key: StartKey | None = {"offset": offset + limit} if offset + limit < len(window) else None
            return [self._trends[tid].model_copy(deep=True) for tid in page], next_key
        names = ("pk", "sk", hash_name, range_name)
        if start_key is not None:
            foreign = start_key.get(hash_name) != partition or start_key.get("sk") != "META"
            if set(start_key) != set(names) or foreign:
                raise InvalidStartKeyError("start key does not belong to this query")
            after = str(start_key[range_name])
            scope = [tid for tid in scope if self._rank[tid] < after]
        budget = min(limit * FILTER_READ_FACTOR, MAX_EVALUATED) if query.filtered else limit
        evaluated = scope[:budget]
        matches = [tid for tid in evaluated if self._matches(self._trends[tid], query)]
        next_key = None
        if len(evaluated) == budget and evaluated:
            next_key = self._key(evaluated[-1], names, partition)
        if len(matches) > limit:
            matches = matches[:limit]
            next_key = self._key(matches[-1], names, partition)
        return [self._trends[tid].model_copy(deep=True) for tid in matches], next_key

    def _key(self, trend_id: str, names: Sequence[str], partition: str) -> StartKey:
        return {names[0]: f"TREND#{trend_id}", names[1]: "META", names[2]: partition,
                names[3]: self._rank[trend_id]}

    @staticmethod
    def _matches(trend: TrendState, query: TrendQuery) -> bool:
        if not query.filtered:
            return True
        topics = list(getattr(trend, "topics", None) or [])
        if query.include_candidates and query.category and getattr(trend, "category", None) != query.category:
            return False
        if query.status and getattr(trend, "status", None) != query.status:
            return False
        if query.since is not None and trend.last_seen < query.since:
            return False
        if query.topic and query.topic not in {getattr(t, "slug", None) for t in topics}:
            return False
        titles = [trend.headline, trend.second_headline or "", *(m.title for m in trend.title_candidates)]
        text = search_text(titles, [str(getattr(t, "name", "")) for t in topics])
        return all(" " + term in text for term in query.terms) or bool(
            query.legacy_terms and all(" " + term in text for term in query.legacy_terms))

    def get_trend_record(self, trend_id: str, member_limit: int) -> TrendRecord | None:
        self.operations.append(("Query", "table"))
        trend = self._trends.get(trend_id)
        if trend is None:
            return None
        members = sorted(self._members.get(trend_id, {}).values(), key=lambda m: (m.published, m.article_id),
                         reverse=True)
        more: StartKey | None = None
        brief = self._briefs.get(trend_id)
        if len(members) > member_limit:
            more = {"pk": f"TREND#{trend_id}", "sk": _member_sk(members[member_limit - 1])}
            members = members[:member_limit]
            self.operations.append(("GetItem", "BRIEF"))
        return TrendRecord(state=trend.model_copy(deep=True),
                           members=[m.model_copy(deep=True) for m in members], more_members=more,
                           brief_item=dict(brief) if brief is not None else None)

    def list_members(
        self, trend_id: str, limit: int, start_key: StartKey | None
    ) -> tuple[list[TrendMember], StartKey | None] | None:
        self.operations.append(("Query", "table"))
        partition = f"TREND#{trend_id}"
        members = sorted(self._members.get(trend_id, {}).values(), key=lambda m: (m.published, m.article_id),
                         reverse=True)
        if start_key is not None:
            if (set(start_key) != {"pk", "sk"} or start_key["pk"] != partition
                    or not str(start_key["sk"]).startswith("M#")):
                raise InvalidStartKeyError("start key does not belong to this query")
            members = [m for m in members if _member_sk(m) < str(start_key["sk"])]
        page = members[:limit]
        next_key = {"pk": partition, "sk": _member_sk(page[-1])} if len(members) > limit else None
        if not page and start_key is None and trend_id not in self._trends:
            self.operations.append(("GetItem", "META"))
            return None
        return [m.model_copy(deep=True) for m in page], next_key

    # Test helpers -----------------------------------------------------------------------------

    def put_brief(self, trend_id: str, item: Mapping[str, Any]) -> None:
        """Store the raw BRIEF item of a trend (as headlinez.briefs would)."""
        self._briefs[trend_id] = dict(item)

    def add(self, trend: TrendState, members: Sequence[TrendMember] = (), score: float = 0.0) -> None:
        """Store one trend with its members and rank score."""
        self.save_trends([trend], {trend.trend_id: list(members)}, {trend.trend_id: score})

    def __len__(self) -> int:
        return len(self._trends)


class InMemoryFeedStateRepository:
    """FeedStateRepository in memory; `operations` counts the DynamoDB reads `list_states` stands for.
    `states` (feed id -> state) is public for tests that look at or set what is stored."""

    def __init__(self, states: Sequence[FeedState] = ()) -> None:
        self.states: dict[str, FeedState] = {}
        self.operations: list[tuple[str, str]] = []
        if states:
            self.put_states(states)

    def get_states(self, feed_ids: Sequence[str]) -> dict[str, FeedState]:
        return {fid: self.states[fid].model_copy(deep=True) for fid in feed_ids if fid in self.states}

    def put_states(self, states: Sequence[FeedState]) -> None:
        self.states.update({s.feed_id: s.model_copy(deep=True) for s in states})

    def list_states(self) -> list[FeedState]:
        self.operations.append(("Query", "gsi1"))
        return [self.states[fid].model_copy(deep=True) for fid in sorted(self.states)]


class InMemoryArticleRepository:
    """ArticleRepository (the ingest side) in memory, as DynamoStore:
    - an article is stored once per article id (the conditional put of its url key); a later save
      of the same id writes nothing and is not returned;
    - every dedupe key of a written article holds its `dedupe_record`; the url key keeps the first
      article, the title and guid keys the last one written (alias items are plain overwrites);
    - `articles_ingested_between` compares ingest times at the second (the gsi1 sort key) and returns
      them oldest first (then by id), as the Query per ingest hour.
    `articles` and `keys` are public for tests that look at what was stored.
    """

    def __init__(self, articles: Sequence[Article] = ()) -> None:
        self.articles: dict[str, Article] = {}
        self.keys: dict[DedupeKey, dict[str, Any]] = {}
        if articles:
            self.save_new_articles(articles)

    def existing_keys(self, keys: Sequence[DedupeKey]) -> dict[DedupeKey, Mapping[str, Any]]:
        found = {key: dict(self.keys[key]) for key in keys if key in self.keys}
        # the url key is the article item itself, as in DynamoDB
        found.update({key: dedupe_record(self.articles[key.value]) for key in keys
                      if key.kind == "url" and key.value in self.articles})
        return found

    def save_new_articles(self, articles: Sequence[Article]) -> list[Article]:
        self.restore_aliases(articles)  # aliases first, as DynamoStore
        written: list[Article] = []
        for article in articles:
            if article.article_id in self.articles:
                continue  # stored already: not ours to count
            self.articles[article.article_id] = article.model_copy(deep=True)
            written.append(article)
        return written

    def restore_aliases(self, articles: Sequence[Article]) -> None:
        for article in articles:
            self.keys.update({key: dedupe_record(article) for key in dedupe_keys(article)
                              if key.kind != "url"})

    def articles_ingested_between(self, start: datetime, end: datetime) -> list[Article]:
        return [a.model_copy(deep=True) for a in _ingested_between(self.articles.values(), start, end)]


class InMemoryPredictionRepository:
    """PredictionRepository in memory, as DynamoStore:
    - one record per trend and hour made (`made_at` to the second); a put replaces it and makes it
      pending again (it is back on the due partition);
    - `due_predictions`: pending ones due at or before `until` (to the second), by due time then
      trend id; `record_outcomes` scores only a stored, pending record (else it is not counted);
      `retire_predictions` takes pending ones whose trend is not stored off the due list, uncounted;
    - `get_trend_states` reads `trends` (the trend META items; a test stores them there, or a
      subclass shares them with a cluster store, as DynamoStore shares its table).
    """

    def __init__(self) -> None:
        self.predictions: dict[tuple[str, str], PredictionRecord] = {}
        self.pending: set[tuple[str, str]] = set()
        self.track: dict[str, int] = {}
        self.trends: dict[str, TrendState] = {}

    @staticmethod
    def _key(record: PredictionRecord) -> tuple[str, str]:
        return record.trend_id, _iso(record.made_at)

    def put_predictions(self, records: Sequence[PredictionRecord]) -> None:
        for record in records:
            self.predictions[self._key(record)] = record.model_copy(deep=True)
            self.pending.add(self._key(record))

    def due_predictions(self, until: datetime, limit: int = 500) -> list[PredictionRecord]:
        due = [self.predictions[key] for key in self.pending
               if _iso(self.predictions[key].due_at) <= _iso(until)]
        due.sort(key=lambda r: (_iso(r.due_at), r.trend_id))
        return [r.model_copy(deep=True) for r in due[:limit]]

    def record_outcomes(self, records: Sequence[PredictionRecord]) -> int:
        counted = 0
        for record in records:
            key = self._key(record)
            if key not in self.pending:
                continue  # already scored by an earlier run, or never stored: nothing to count
            self.pending.discard(key)
            self.predictions[key] = record.model_copy(deep=True)
            for name, value in counters(record).items():
                self.track[name] = self.track.get(name, 0) + value
            counted += 1
        return counted

    def retire_predictions(self, records: Sequence[PredictionRecord]) -> int:
        keys = {self._key(r) for r in records if r.trend_id not in self.trends} & self.pending
        self.pending -= keys
        return len(keys)

    def get_trend_states(self, trend_ids: Sequence[str]) -> dict[str, TrendState]:
        return {tid: self.trends[tid].model_copy(deep=True) for tid in trend_ids if tid in self.trends}

    def prediction_track_record(self) -> TrackRecord:
        return TrackRecord.from_counters(dict(self.track))

    def predictions_for_trend(self, trend_id: str, limit: int = 48) -> list[PredictionRecord]:
        mine = sorted((key for key in self.predictions if key[0] == trend_id), reverse=True)
        return [self.predictions[key].model_copy(deep=True) for key in mine[:limit]]

    def scored_predictions(self, since: datetime | None = None) -> Iterator[PredictionRecord]:
        for key, record in sorted(self.predictions.items()):
            if key not in self.pending and record.outcome is not None \
                    and (since is None or record.made_at >= since):
                yield record.model_copy(deep=True)


class InMemoryBriefStore:
    """BriefStore and BriefLedger (headlinez.ports) in memory, as DynamoBriefStore:
    - `load_trend`: the trend, its members oldest first (the partition's sort keys), and the summary
      of each member whose article is stored (`add_trend` stores them, as clustering and ingest do);
    - `put_brief` writes only over no brief or an older version;
    - `record_failure` keeps every failure in `failures` (`get_failure`: a trend's last one);
    - `briefed`: for each asked trend with a published brief, the brief's version, its basis'
      newsrooms and number of articles (a trend with no brief, or only failed attempts, is absent);
    - `tokens_spent` / `add_tokens`: one counter per `day` as given (the caller's UTC date);
      `add_tokens` returns the day's new total;
    - `reserve_tokens` adds only within the budget, else closes the day at that budget
      (`budget_closed`: spent, or closed at this budget or a larger one).
    """

    def __init__(self) -> None:
        self.trends: dict[str, TrendState] = {}
        self.members: dict[str, dict[str, TrendMember]] = {}
        self.summaries: dict[str, str] = {}
        self.briefs: dict[str, PublishedBrief] = {}
        self.failures: list[BriefFailure] = []
        self.tokens: dict[date, int] = {}
        self.closed_at: dict[date, int] = {}
        self.paused_until: datetime | None = None

    def add_trend(self, trend: TrendState, members: Sequence[TrendMember] = (),
                  articles: Sequence[Article] = ()) -> None:
        """Test helper: store a trend (replacing it), its members and their articles."""
        self.trends[trend.trend_id] = trend.model_copy(deep=True)
        self.members.setdefault(trend.trend_id, {}).update({m.article_id: m.model_copy(deep=True)
                                                            for m in members})
        self.summaries.update({a.article_id: a.summary for a in articles})

    def load_trend(self, trend_id: str) -> TrendSnapshot | None:
        trend = self.trends.get(trend_id)
        if trend is None:
            return None
        members = sorted(self.members.get(trend_id, {}).values(), key=_member_sk)
        snippets = {m.article_id: self.summaries[m.article_id] for m in members
                    if m.article_id in self.summaries}
        return TrendSnapshot(trend=trend.model_copy(deep=True),
                             members=[m.model_copy(deep=True) for m in members], snippets=snippets)

    def get_brief(self, trend_id: str) -> PublishedBrief | None:
        brief = self.briefs.get(trend_id)
        return brief.model_copy(deep=True) if brief is not None else None

    def put_brief(self, brief: PublishedBrief) -> bool:
        stored = self.briefs.get(brief.trend_id)
        if stored is not None and stored.version >= brief.version:
            return False
        self.briefs[brief.trend_id] = brief.model_copy(deep=True)
        return True

    def record_failure(self, failure: BriefFailure) -> None:
        self.failures.append(failure.model_copy(deep=True))

    def get_failure(self, trend_id: str) -> BriefFailure | None:
        mine = [f for f in self.failures if f.trend_id == trend_id]
        return mine[-1].model_copy(deep=True) if mine else None

    def briefed(self, trend_ids: Sequence[str]) -> dict[str, BriefedTrend]:
        """Each trend once; one without a stored brief is absent (as the BatchGetItem of the BRIEF items)."""
        return {tid: BriefedTrend(version=brief.version,
                                  source_families=frozenset(brief.basis.source_families),
                                  article_count=len(brief.basis.article_ids))
                for tid in dict.fromkeys(trend_ids) if (brief := self.briefs.get(tid)) is not None}

    def tokens_spent(self, day: date) -> int:
        return self.tokens.get(day, 0)

    def add_tokens(self, day: date, tokens: int) -> int:
        self.tokens[day] = self.tokens.get(day, 0) + int(tokens)
        return self.tokens[day]

    def reserve_tokens(self, day: date, tokens: int, budget: int) -> bool:
        if self.tokens.get(day, 0) + tokens > budget:
            self.closed_at[day] = budget
            return False
        self.add_tokens(day, tokens)
        return True

    def budget_closed(self, day: date, budget: int) -> bool:
        return self.tokens.get(day, 0) >= budget or self.closed_at.get(day, -1) >= budget

    def pause_model_calls(self, until: datetime) -> None:
        seconds = datetime.fromtimestamp(int(until.timestamp()) + 1, tz=UTC)  # whole seconds, as DynamoDB
        if self.paused_until is None or seconds > self.paused_until:
            self.paused_until = seconds

    def model_paused_until(self) -> datetime | None:
        return self.paused_until


class FakeClock:
    """A clock a test sets (`value`, epoch seconds): the `clock` of DynamoLease and InMemoryLease."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value


class InMemoryLease:
    """Lease (headlinez.ports) in memory, as DynamoLease (one lease: share the object to share it):
    - `acquire` takes it when none is held, the held one has expired, or `owner` already holds it
      (then its expiry is renewed); times are whole epoch seconds as on the item: the lease taken at
      `now` expires at `int(now + ttl_seconds)` and is free once `int(clock())` is past that;
    - `release` frees it at once (expiry 0) only while `owner` still holds it, else does nothing.
    `owner` and `expires_at` are public for tests that look at the lease.
    """

    def __init__(self, ttl_seconds: float, *, clock: Callable[[], float] = time.time) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._ttl = ttl_seconds
        self._clock = clock
        self.owner: str | None = None
        self.expires_at = 0

    def acquire(self, owner: str) -> bool:
        now = self._clock()
        if self.owner is not None and self.owner != owner and not self.expires_at < int(now):
            return False  # held by another owner and not expired
        self.owner, self.expires_at = owner, int(now + self._ttl)
        return True

    def release(self, owner: str) -> None:
        if self.owner == owner:
            self.expires_at = 0


def _member_sk(member: TrendMember) -> str:
    return f"M#{_iso(member.published)}#{member.article_id}"


# --- API Gateway HTTP API (payload 2.0) -----------------------------------------------------------


def make_http_event(
    method: str,
    path: str,
    query: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    request_id: str | None = "req-test-0001",
    stage: str = "$default",
) -> dict[str, Any]:
    """An API Gateway HTTP API v2 event as the `$default` route integration sends it.

    Header names are lowercased, as API Gateway does. `request_id=None` leaves
    `requestContext.requestId` out (to test the generated fallback).
    """
    query = dict(query or {})
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "api-test",
        "domainName": "api-test.execute-api.us-east-1.amazonaws.com",
        "domainPrefix": "api-test",
        "http": {
            "method": method.upper(),
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": "192.0.2.1",
            "userAgent": "pytest",
        },
        "routeKey": "$default",
        "stage": stage,
        "time": "26/Nov/2026:12:00:00 +0000",
        "timeEpoch": 1795694400000,
    }
    if request_id is not None:
        request_context["requestId"] = request_id
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": urllib.parse.urlencode(query),
        "headers": {
            "host": request_context["domainName"],
            **{k.lower(): v for k, v in (headers or {}).items()},
        },
        "requestContext": request_context,
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    return event


@dataclass
class FakeLambdaContext:
    """Enough of `LambdaContext` for Powertools (Logger's inject_lambda_context included)."""

    function_name: str = "headlinez-api"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:headlinez-api"
    aws_request_id: str = ""
    log_group_name: str = "/aws/lambda/headlinez-api"
    log_stream_name: str = "2026/11/26/[$LATEST]test"

    def __post_init__(self) -> None:
        if not self.aws_request_id:
            self.aws_request_id = str(uuid.uuid4())

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


class InMemoryClusterStore:
    """The ClusterStore port (headlinez.ports) in memory (articles, trends, members, docs)."""

    def __init__(self, articles: Sequence[Article] = ()) -> None:
        self.articles = {a.article_id: a for a in articles}
        self.trends: dict[str, TrendState] = {}
        self.members: dict[str, dict[str, TrendMember]] = {}
        self.docs: dict[str, str] = {}
        self.writes: list[list[str]] = []  # the trend ids of each save_trends call

    def add(self, articles: Sequence[Article]) -> None:
        self.articles.update({a.article_id: a for a in articles})

    def articles_ingested_between(self, start: datetime, end: datetime) -> list[Article]:
        return _ingested_between(self.articles.values(), start, end)  # as InMemoryArticleRepository

    def unclustered_articles_between(self, start: datetime, end: datetime) -> list[Article]:
        return [a for a in self.articles_ingested_between(start, end) if a.trend_id is None]

    def set_article_trends(self, articles: Sequence[Article]) -> None:
        self.articles.update({a.article_id: a for a in articles})

    def load_open_trends(self) -> list[TrendState]:
        return [t for t in self.trends.values() if t.is_open]

    def save_trends(self, trends: Sequence[TrendState], members: Mapping[str, Sequence[TrendMember]],
                    scores: Mapping[str, float] | None = None, *,
                    expected_versions: Mapping[str, int] | None = None,
                    removed_members: Mapping[str, Sequence[TrendMember]] | None = None) -> None:
        """As DynamoStore: with `expected_versions`, a trend the caller loaded is written only while
        it is still at that version, any other only while no open trend of that id is stored."""
        if expected_versions is not None:
            _check_versions(self.trends, trends, expected_versions)
        for trend_id, gone in (removed_members or {}).items():
            for member in gone:
                self.members.get(trend_id, {}).pop(member.article_id, None)
        self.writes.append([t.trend_id for t in trends])
        self.trends.update({t.trend_id: t for t in trends})
        for trend_id, items in members.items():
            self.members.setdefault(trend_id, {}).update({m.article_id: m for m in items})

    def get_trend(self, trend_id: str) -> tuple[TrendState, list[TrendMember]] | None:
        if trend_id not in self.trends:
            return None
        members = sorted(self.members.get(trend_id, {}).values(), key=lambda m: m.published, reverse=True)
        return self.trends[trend_id], members  # newest first, as DynamoStore

    def get_cluster_doc(self, name: str) -> str | None:
        return self.docs.get(name)

    def put_cluster_doc(self, name: str, doc: str) -> None:
        self.docs[name] = doc


FUNCTIONS_DIR = Path(__file__).resolve().parents[1] / "functions"


def load_handler_module(folder: str, prefix: str = "headlinez_test") -> ModuleType:
    """functions/<folder>/app.py imported afresh under a unique private name (registered in
    sys.modules, as dataclasses and pydantic need): its settings are read from the test's
    environment at import, as a Lambda cold start reads them. Pop `module.__name__` after."""
    return _import_file(f"{prefix}_{folder}_{uuid.uuid4().hex}", FUNCTIONS_DIR / folder / "app.py")


def _import_file(name: str, path: Path) -> ModuleType:
    """The Python file at `path` imported as module `name`, registered in sys.modules."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


BENCHMARKS_DIR = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark_module(name: str) -> ModuleType:
    """benchmarks/<name>.py imported as a module (registered in sys.modules, as dataclasses need),
    once per process: for tests of a benchmark's own logic."""
    module_name = f"headlinez_benchmark_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    return _import_file(module_name, BENCHMARKS_DIR / f"{name}.py")


@dataclass
class FetchOutcome:
    """What an in-memory feed fetcher returns: the fields `IngestService` reads (FetchOutcomeLike)."""

    status: int | None = 200
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    retry_after_seconds: float | None = None
    content_type: str | None = "application/rss+xml"
    error: str | None = None
    error_kind: str | None = None
    cache_max_age: float | None = None


@dataclass
class ParsedFeed:
    """What an in-memory parser returns (ParsedFeedLike)."""

    entries: list[Any]
    updated: datetime | None = None
    parser: str = "fake"
    warnings: list[str] = field(default_factory=list)
    title: str | None = None
