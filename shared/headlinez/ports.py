"""Small Protocols that the services depend on. Adapters implement them; tests use fakes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

from headlinez.domain.prediction import PredictionRecord, TrackRecord
from headlinez.models import Article, FeedState, TrendMember, TrendState

StartKey = dict[str, Any]


class Clock(Protocol):
    def now(self) -> datetime: ...


class Embedder(Protocol):
    """Sentence embeddings (headlinez.adapters.embedding.OnnxSentenceEmbedder)."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> Any:
        """Unit vectors, one row per text (a float32 array of shape (n, dimensions))."""
        ...


class FeedStateRepository(Protocol):
    def get_states(self, feed_ids: Sequence[str]) -> dict[str, FeedState]: ...

    def put_states(self, states: Sequence[FeedState]) -> None:
        """Store the states of one run together (one batched write)."""
        ...

    def list_states(self) -> list[FeedState]: ...


class ArticleRepository(Protocol):
    def existing_keys(self, keys: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        """Return the stored records of those dedupe keys that exist (key -> attributes)."""
        ...

    def save_new_articles(self, articles: Sequence[Article]) -> list[Article]:
        """Store articles not stored yet (idempotent); return those actually written."""
        ...

    def articles_ingested_between(self, start: datetime, end: datetime) -> list[Article]: ...


class TrendRepository(Protocol):
    def load_open_trends(self) -> list[TrendState]: ...

    def save_trends(
        self, trends: Sequence[TrendState], members: Mapping[str, Sequence[TrendMember]],
        scores: Mapping[str, float] | None = None, *, expected_versions: Mapping[str, int] | None = None,
    ) -> None:
        """Store trends with their new members; with `expected_versions` (trend id -> the version
        the caller loaded), each trend is written only while its stored version is still that one
        (absent ids: only while no open trend of that id is stored), together with its members,
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


# --- Read side of the public API (headlinez.api) ------------------------------------------------

TrendSort = Literal["velocity", "recent"]


class InvalidStartKeyError(ValueError):
    """A paging start key that the repository did not issue for this query (the API answers 400)."""


@dataclass(frozen=True)
class TrendQuery:
    """What the public trend list asks for: one scope (all or one category), optional filters.

    `terms` are search tokens already normalized by `headlinez.api.search.search_tokens`; a trend
    matches when every term occurs in its search text. `topic` is a topic slug.
    Only public trends (`headlinez.domain.newsrooms.is_public`: 2+ newsrooms) are listed, by key;
    `include_candidates` lists every open trend, single-newsroom candidates too.
    """

    category: str | None = None
    status: str | None = None
    since: datetime | None = None
    topic: str | None = None
    terms: tuple[str, ...] = ()
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
    """The stored brief item (pk=TREND#{id}, sk=BRIEF, written by headlinez.briefs), or None."""


class TrendQueryRepository(TrendRepository, Protocol):
    """The reads of the public API (access patterns 7, 8, 10-12 of docs/architecture.md)."""

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


class FeedHealthRepository(FeedStateRepository, Protocol):
    """Feed health reads only `list_states` (access pattern 2): the per-feed article counts are
    counters on the feed states (`FeedState.articles_by_hour`), kept by ingest."""


# --- Prediction records (headlinez.domain.prediction; written by the cluster service) ----------


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

    def get_trend_states(self, trend_ids: Sequence[str]) -> dict[str, TrendState]:
        """Trends by id, open or closed (scoring reads a trend's series after it closed)."""
        ...

    def prediction_track_record(self) -> TrackRecord:
        """All scored predictions so far, summed (one read)."""
        ...

    def predictions_for_trend(self, trend_id: str, limit: int = 48) -> list[PredictionRecord]:
        """A trend's predictions, newest first, with their outcomes once scored."""
        ...
