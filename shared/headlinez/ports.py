"""Every port: the Protocols the services depend on, and the small types they need.

Adapters (headlinez.adapters) implement them; tests use the fakes of tests/fakes.py. This module
sits low (import-linter's `layers`): it names domain and model types, never a service or adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Literal, Protocol, Self, runtime_checkable

from headlinez.briefs.materiality import BriefedTrend
from headlinez.briefs.models import (
    BriefDraft,
    BriefFailure,
    BriefRequest,
    EvidenceItem,
    PublishedBrief,
    RemovedClaim,
    TokenUsage,
    Verdict,
)
from headlinez.domain.dedupe import DedupeKey
from headlinez.domain.prediction import PredictionRecord, TrackRecord
from headlinez.events import IngestCompletedDetail
from headlinez.models import (
    Article,
    FeedConfig,
    FeedRecord,
    FeedShard,
    FeedState,
    RawEntry,
    TrendMember,
    TrendState,
)

StartKey = dict[str, Any]


# --- Time: the clock (headlinez.clock) ------------------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime: ...


# --- Embeddings: sentence vectors for clustering (adapters.embedding) -----------------------------


class Embedder(Protocol):
    """Sentence embeddings (headlinez.adapters.embedding.OnnxSentenceEmbedder)."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> Any:
        """Unit vectors, one row per text (a float32 array of shape (n, dimensions))."""
        ...


# --- Storage: feed states, articles, trends (adapters.dynamodb) -----------------------------------


class FeedStateRepository(Protocol):
    def get_states(self, feed_ids: Sequence[str]) -> dict[str, FeedState]: ...

    def put_states(self, states: Sequence[FeedState]) -> None:
        """Store the states of one run together (one batched write)."""
        ...

    def list_states(self) -> list[FeedState]: ...


class ArticleRepository(Protocol):
    def existing_keys(self, keys: Sequence[DedupeKey]) -> dict[DedupeKey, Mapping[str, Any]]:
        """Return the stored records of those dedupe keys that exist (key -> attributes)."""
        ...

    def save_new_articles(self, articles: Sequence[Article]) -> list[Article]:
        """Store articles not stored yet (idempotent); return those actually written."""
        ...

    def restore_aliases(self, articles: Sequence[Article]) -> None:
        """Rewrite the dedupe aliases (title, GUID) of articles already stored (idempotent)."""
        ...

    def articles_ingested_between(self, start: datetime, end: datetime) -> list[Article]: ...


class TrendRepository(Protocol):
    def load_open_trends(self) -> list[TrendState]: ...

    def save_trends(
        self, trends: Sequence[TrendState], members: Mapping[str, Sequence[TrendMember]],
        scores: Mapping[str, float] | None = None, *, expected_versions: Mapping[str, int] | None = None,
        removed_members: Mapping[str, Sequence[TrendMember]] | None = None,
    ) -> None:
        """Store trends with their new members, and delete `removed_members` (members that left a
        trend split from it); with `expected_versions` (trend id -> the version the caller loaded),
        each trend is written only while its stored version is still that one (absent ids: only
        while no open trend of that id is stored), together with its member writes and deletes,
        else `TrendVersionConflictError`."""
        ...

    def list_trends(
        self, limit: int, start_key: StartKey | None
    ) -> tuple[list[TrendState], StartKey | None]: ...

    def get_trend(self, trend_id: str) -> tuple[TrendState, list[TrendMember]] | None: ...


class TrendVersionConflictError(RuntimeError):
    """Another clustering run changed a trend since this run loaded it: reload and redo the run."""

    def __init__(self, trend_id: str, expected_version: int | None) -> None:
        super().__init__(f"trend {trend_id} is no longer at version {expected_version} "
                         "(changed by another clustering run)")
        self.trend_id = trend_id
        self.expected_version = expected_version


# --- Storage, read side of the public API (views, api) --------------------------------------------

TrendSort = Literal["velocity", "recent"]


class InvalidStartKeyError(ValueError):
    """A paging start key that the repository did not issue for this query (the API answers 400)."""


@dataclass(frozen=True)
class TrendQuery:
    """What the public trend list asks for: one scope (all or one category), optional filters.

    `terms` are search tokens already normalized by `headlinez.domain.search.search_tokens`; a trend
    matches when every term occurs in its search text, or every one of `legacy_terms` (the same
    words as the previous version normalized them, `legacy_search_tokens`: a search text it wrote
    matches them until the trend is rewritten). `topic` is a topic slug.
    Only public trends (`headlinez.domain.newsrooms.is_public`: 2+ newsrooms) are listed, by key;
    `include_candidates` lists every open trend, single-newsroom candidates too.
    """

    category: str | None = None
    status: str | None = None
    since: datetime | None = None
    topic: str | None = None
    terms: tuple[str, ...] = ()
    legacy_terms: tuple[str, ...] = ()
    sort: TrendSort = "velocity"
    include_candidates: bool = False

    @property
    def filtered(self) -> bool:
        """True when items of the scope are filtered out after they are read (not by the key).

        With candidates, a category is a filter: every open trend is read by rank (gsi2)."""
        by_category = self.include_candidates and self.category is not None
        return bool(self.status or self.since or self.topic or self.terms or by_category)


@dataclass(frozen=True)
class TrendRecord:
    """A trend as its detail page needs it: META, the newest members, and the brief if any."""

    state: TrendState
    members: list[TrendMember]
    """Newest first, at most the number asked for."""
    more_members: StartKey | None
    """Start key of the members after these (for `list_members`), or None when there are no more."""
    brief_item: Mapping[str, Any] | None = None
    """The stored brief item (in the trend's partition, written by headlinez.briefs), or None."""


class TrendQueryRepository(Protocol):
    """The reads of the public API (access patterns 7, 8, 10-12 of docs/architecture.md): reads
    only, so the API's code cannot reach a write through it."""

    def query_trends(
        self, query: TrendQuery, limit: int, start_key: StartKey | None
    ) -> tuple[list[TrendState], StartKey | None]:
        """One Query: open trends of the scope in the asked order, filtered; at most `limit`.

        Raises `InvalidStartKeyError` for a start key this query did not issue.
        """
        ...

    def get_trend_record(self, trend_id: str, member_limit: int) -> TrendRecord | None:
        """At most two reads: the trend with its newest members, then its brief."""
        ...

    def list_members(
        self, trend_id: str, limit: int, start_key: StartKey | None
    ) -> tuple[list[TrendMember], StartKey | None] | None:
        """Members newest first, paged; None when no trend has this id."""
        ...

    def prediction_track_record(self) -> TrackRecord:
        """The predictions' track record: one GetItem of the running tally clustering keeps."""
        ...


class FeedHealthRepository(Protocol):
    """Feed health reads only `list_states` (access pattern 2): the per-feed article counts are
    counters on the feed states (`FeedState.articles_by_hour`), kept by ingest."""

    def list_states(self) -> list[FeedState]: ...


# --- Storage, prediction records (domain.prediction; written by clustering) -----------------------


@runtime_checkable
class PredictionRepository(Protocol):
    """Where predictions wait for their outcome, and the track record the API serves."""

    def put_predictions(self, records: Sequence[PredictionRecord]) -> None:
        """Store this hour's predictions (idempotent per trend and hour)."""
        ...

    def due_predictions(self, until: datetime, limit: int = 500) -> list[PredictionRecord]:
        """Unscored predictions due at or before `until`, oldest first, at most `limit`."""
        ...

    def record_outcomes(self, records: Sequence[PredictionRecord]) -> int:
        """Store scored predictions and add them to the track record; returns how many counted
        (a prediction already scored by an earlier, retried run is not counted again)."""
        ...

    def retire_predictions(self, records: Sequence[PredictionRecord]) -> int:
        """Take predictions that can never be scored (their trend is not stored: it expired) off
        the due list, uncounted; returns how many. A prediction whose trend is stored stays."""
        ...

    def get_trend_states(self, trend_ids: Sequence[str]) -> dict[str, TrendState]:
        """Trends by id, open or closed (scoring reads a trend's series after it closed)."""
        ...

    def prediction_track_record(self) -> TrackRecord:
        """All scored predictions so far, summed (one read)."""
        ...

    def predictions_for_trend(self, trend_id: str, limit: int = 48) -> list[PredictionRecord]:
        """A trend's predictions, newest first, with their outcomes once scored."""
        ...

    def scored_predictions(self, since: datetime | None = None) -> Iterator[PredictionRecord]:
        """Every scored prediction made at or after `since` (an operator's offline read)."""
        ...


# --- Feeds and ingest: the feed list, fetching, parsing (services.ingest) -------------------------


class FeedNotFoundError(LookupError):
    """No stored feed has this id (`headlinez feeds pause|resume|remove`)."""


class FeedRegistry(Protocol):
    """The feed list as data in the table (headlinez.adapters.entities.FeedConfigEntity)."""

    def list_feeds(self) -> list[FeedRecord]: ...

    def get_feeds(self, feed_ids: Sequence[str]) -> dict[str, FeedRecord]:
        """The stored records of those feeds (a removed feed is absent), read consistently."""
        ...

    def put_feed(self, config: FeedConfig, *, now: datetime) -> FeedRecord:
        """Add or replace a feed (an existing feed keeps its paused flag and added_at)."""
        ...

    def set_paused(self, feed_id: str, paused: bool, *, now: datetime) -> FeedRecord:
        """Raises FeedNotFoundError."""
        ...

    def remove_feed(self, feed_id: str) -> None:
        """Remove a feed and its state. Raises FeedNotFoundError."""
        ...

    def seed(self, feeds: Sequence[FeedConfig], *, now: datetime) -> int:
        """Store the feeds of a seed file once per distinct file content (idempotent): feeds not
        stored yet are added; returns how many were added (0 when this content was seeded)."""
        ...


class FetchOutcomeLike(Protocol):
    """What one fetch answered (headlinez.adapters.http_fetch.FetchOutcome)."""

    @property
    def status(self) -> int | None: ...
    @property
    def body(self) -> bytes | None: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def final_url(self) -> str | None: ...
    @property
    def retry_after_seconds(self) -> float | None: ...
    @property
    def content_type(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def error_kind(self) -> str | None: ...
    @property
    def cache_max_age(self) -> float | None:
        """Cache-Control max-age in seconds, if the feed declared one (adaptive polling)."""
        ...


class FeedFetcherPort(Protocol):
    """Fetches feeds (headlinez.adapters.http_fetch.FeedFetcher). An async context manager: a run
    enters it once and fetches inside (one connection pool per run)."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None: ...

    async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchOutcomeLike: ...


class ParsedFeedLike(Protocol):
    """One parsed feed (headlinez.adapters.feed_parser.ParsedFeed)."""

    @property
    def entries(self) -> Sequence[RawEntry]: ...
    @property
    def updated(self) -> datetime | None: ...
    @property
    def parser(self) -> str: ...
    @property
    def title(self) -> str | None: ...


ParseFn = Callable[..., ParsedFeedLike]
"""`parse(body, *, content_type, url)` (headlinez.adapters.feed_parser.parse_feed)."""


# --- Fan-out: shards, cycles, the completion event (services.fanout) ------------------------------


class ShardQueue(Protocol):
    def send(self, shards: Sequence[FeedShard]) -> None:
        """Enqueue every shard (SendMessageBatch, 10 per call); raises when one is refused."""
        ...


@dataclass(frozen=True)
class CycleTotals:
    """What the workers of one cycle reported, summed when its last shard finished."""

    new_articles: int
    feeds_fetched: int
    feeds_failed: int


class CycleTracker(Protocol):
    def start_cycle(self, run_time: datetime, shards: Sequence[FeedShard], *, sending_at: datetime) -> bool:
        """Record a cycle's shards (and their feed ids) before they are sent, stamped with the
        wall-clock time `sending_at` the send begins; False when this cycle was already dispatched
        (a duplicate delivery of the schedule)."""
        ...

    def cycle_sent(self, run_time: datetime) -> None:
        """Every shard of the cycle was sent: its plan is no longer needed."""
        ...

    def claim_unsent_plan(self, run_time: datetime, *, sending_at: datetime, abandoned_before: datetime
                          ) -> list[tuple[str, list[str]]] | None:
        """(shard id, feed ids) of a cycle whose sending did not finish and was abandoned: its
        sender gave up (`send_failed`) or began before `abandoned_before` (it cannot still be
        running). The plan is claimed for this caller: stamped `sending_at`, so no other delivery
        takes it until that send is abandoned in turn. None when the cycle was sent, has no plan,
        or another delivery may still be sending it."""
        ...

    def send_failed(self, run_time: datetime, *, sending_at: datetime) -> None:
        """The send this caller began at `sending_at` failed: its plan is free for a retry at once
        (no-op when the plan was claimed by another delivery since, or sent)."""
        ...

    def shard_done(self, run_time: datetime, shard_id: str, *, new_articles: int, fetched: int,
                   failed: int) -> CycleTotals | None:
        """Record one finished shard (idempotent per shard id); the cycle's totals when every shard
        is done and its end not announced yet (`cycle_announced`), else None: the call that
        finished the last shard, or a retry of a shard whose first attempt did and then died."""
        ...

    def unannounced_totals(self, run_time: datetime) -> CycleTotals | None:
        """The totals of a cycle whose every shard is done but whose end was never announced."""
        ...

    def cycle_announced(self, run_time: datetime) -> None:
        """Its `IngestCompleted` was published: no retry publishes it again."""
        ...


class CompletionPublisher(Protocol):
    def cycle_completed(self, run_time: datetime, totals: CycleTotals) -> None: ...


class IngestEventPublisher(Protocol):
    def ingest_completed(self, detail: IngestCompletedDetail) -> None: ...


# --- Clustering: its store, the single-writer lease, starting briefs (services.cluster) -----------


class ClusterStore(Protocol):
    def unclustered_articles_between(self, start: datetime, end: datetime) -> list[Article]:
        """Articles ingested in [start, end] (to the second) and in no trend yet, oldest first."""
        ...

    def set_article_trends(self, articles: Sequence[Article]) -> None: ...

    def load_open_trends(self) -> list[TrendState]: ...

    def save_trends(self, trends: Sequence[TrendState], members: Mapping[str, Sequence[TrendMember]],
                    scores: Mapping[str, float] | None = None, *,
                    expected_versions: Mapping[str, int] | None = None,
                    removed_members: Mapping[str, Sequence[TrendMember]] | None = None) -> None:
        """Raises TrendVersionConflictError when a trend is no longer at its expected version."""
        ...

    def get_cluster_doc(self, name: str) -> str | None: ...

    def get_trend(self, trend_id: str) -> tuple[TrendState, list[TrendMember]] | None: ...

    def put_cluster_doc(self, name: str, doc: str) -> None: ...


class BriefTrigger(Protocol):
    """Starts the brief flow for a trend (headlinez.adapters.brief_store.StepFunctionsBriefTrigger)."""

    def start(self, request: BriefRequest) -> bool:
        """True when an execution started; False when one of that (idempotent) name exists."""
        ...

    def running(self, request: BriefRequest, now: datetime) -> bool:
        """True while an execution of this trend version (its first or a retry) still runs: an
        hourly retry then waits instead of running beside it."""
        ...


class BriefLedger(Protocol):
    """The published briefs as clustering's backlog reads them (headlinez.adapters.brief_store)."""

    def briefed(self, trend_ids: Sequence[str]) -> Mapping[str, BriefedTrend]: ...

    def budget_closed(self, day: date, budget: int) -> bool:
        """True when `day`'s tokens reach `budget`, or a call was refused for lack of them."""
        ...


class Lease(Protocol):
    """A single-writer lease (conditional write with an expiry): headlinez.adapters.lease."""

    def acquire(self, owner: str) -> bool:
        """True when `owner` now holds the lease (free, expired, or already its own)."""
        ...

    def release(self, owner: str) -> None:
        """Give the lease up if `owner` still holds it."""
        ...


# --- Briefs: the flow's store, generator and verifier (services.briefs) ---------------------------


class StoredBriefUnreadableError(RuntimeError):
    """A trend's stored brief cannot be read by this version of the code: a newer version wrote it
    (during a deploy, or before a rollback). It is left as it is, never replaced by an older one."""


@dataclass(frozen=True)
class TrendSnapshot:
    """A trend as the Load step reads it: META, every member, and member snippets by article id."""

    trend: TrendState
    members: list[TrendMember]
    snippets: Mapping[str, str] = field(default_factory=dict)


class BriefStore(Protocol):
    def load_trend(self, trend_id: str) -> TrendSnapshot | None: ...

    def get_brief(self, trend_id: str) -> PublishedBrief | None:
        """The trend's stored brief; raises StoredBriefUnreadableError when this version cannot read it."""
        ...

    def put_brief(self, brief: PublishedBrief) -> bool:
        """Store the brief unless one of the same or a newer version exists; False when superseded."""
        ...

    def record_failure(self, failure: BriefFailure) -> None: ...

    def tokens_spent(self, day: date) -> int: ...

    def add_tokens(self, day: date, tokens: int) -> int:
        """Atomically add to the day's counter (negative: give a reservation back); the new total."""
        ...

    def reserve_tokens(self, day: date, tokens: int, budget: int) -> bool:
        """Atomically add `tokens` to the day's counter only if the total stays within `budget`.
        Refused: False, and the day is closed at that budget (`budget_closed`)."""
        ...

    def pause_model_calls(self, until: datetime) -> None:
        """Every execution waits until `until` (the model API's retry-after); never moved earlier."""
        ...

    def model_paused_until(self) -> datetime | None: ...


class BriefGenerator(Protocol):
    engine: str
    uses_tokens: bool

    def generate(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim],
                 headline: str = "") -> tuple[BriefDraft, TokenUsage]:
        """A draft from `evidence`; `feedback`: claims the fact-check removed from an earlier
        draft; `headline`: what the trend's page already shows above the brief."""
        ...

    def token_ceiling(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim]) -> int:
        """The most tokens `generate` can bill for this request (0 when it uses none)."""
        ...


ClaimToVerify = tuple[int, str, Sequence[int]]
"""(claim number from 1, claim text, cited evidence ids)."""


class ClaimVerifier(Protocol):
    name: str

    def verify(self, evidence: Sequence[EvidenceItem], claims: Sequence[ClaimToVerify]
               ) -> tuple[list[Verdict], TokenUsage]: ...

    def token_ceiling(self, evidence: Sequence[EvidenceItem], claims: Sequence[ClaimToVerify]) -> int:
        """The most tokens `verify` can bill for these claims."""
        ...


# --- Tracing: the named steps of a service run (adapters.tracing) ---------------------------------


class Tracing(Protocol):
    """Marks the steps of a service run: an X-Ray subsegment each in Lambda
    (headlinez.adapters.tracing.PowertoolsTracing), nothing elsewhere (`NO_TRACING`)."""

    def segment(self, name: str) -> AbstractContextManager[None]:
        """A context manager around one step, e.g. `with tracing.segment("cluster.embed"): ...`."""
        ...


class _NoTracing:
    def segment(self, name: str) -> AbstractContextManager[None]:
        return nullcontext()


NO_TRACING: Tracing = _NoTracing()
"""The default of every service: steps are not traced (tests, the local stack, the CLI)."""
