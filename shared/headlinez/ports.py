"""Small Protocols that the services depend on. Adapters implement them; tests use fakes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from headlinez.models import Article, FeedState, TrendMember, TrendState

StartKey = dict[str, Any]


class Clock(Protocol):
    def now(self) -> datetime: ...


class FeedStateRepository(Protocol):
    def get_states(self, feed_ids: Sequence[str]) -> dict[str, FeedState]: ...

    def put_state(self, state: FeedState) -> None: ...

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
        self, trends: Sequence[TrendState], members: Mapping[str, Sequence[TrendMember]]
    ) -> None: ...

    def list_trends(
        self, limit: int, start_key: StartKey | None
    ) -> tuple[list[TrendState], StartKey | None]: ...

    def get_trend(self, trend_id: str) -> tuple[TrendState, list[TrendMember]] | None: ...
