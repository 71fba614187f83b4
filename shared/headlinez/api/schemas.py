"""Response models of the public API and the pure functions that build them from domain state.

Everything here is pure: no I/O, no clock (the caller passes `now`), no AWS.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from headlinez.domain.velocity import velocity_at
from headlinez.models import TrendMember, TrendState

TREND_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{3,63}$"
"""Accepted trend ids: 4 to 64 characters, lowercase letters, digits, '_' and '-', starting with a
letter or digit (e.g. 't' + 15 hex digits). Anything else is answered 422 without a lookup."""

MAX_OUTLETS = 10


# --- Pure helpers -------------------------------------------------------------------------------


# --- Models -------------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HourPoint(_Model):
    """Coverage of a trend in one UTC hour."""

    hour: datetime = Field(description="Start of the UTC hour.")
    articles: int = Field(ge=0, description="Articles published in that hour.")
    sources: int = Field(ge=0, description="Distinct publishers (newsrooms) in that hour.")


class TrendLinks(_Model):
    self_: str = Field(alias="self", description="Path of the trend's detail resource.")


class TrendSummary(_Model):
    """A trend as the ranked list shows it."""

    id: str = Field(description="Stable trend id.")
    headline: str = Field(description="The most representative title of the trend's coverage.")
    second_headline: str | None = Field(default=None, description="A second, distinct title.")
    status: Literal["open", "closed"] = Field(
        description="'open' while coverage may still join the trend; 'closed' after a quiet period."
    )
    sources: int = Field(ge=0, description="Independent publishers (newsrooms, not feeds).")
    articles: int = Field(ge=0, description="Articles in the trend.")
    outlets: list[str] = Field(description=f"Outlet names, at most {MAX_OUTLETS}.")
    first_seen: datetime
    last_seen: datetime
    velocity: float = Field(
        ge=0, description="Article rate x source diversity over the trailing 3 UTC hours "
        "(articles per hour x distinct newsrooms); see headlinez.domain.velocity."
    )
    hourly: list[HourPoint] = Field(
        description="Hourly coverage, oldest first; hours without coverage omitted."
    )
    links: TrendLinks

    @classmethod
    def from_state(cls, state: TrendState, now: datetime) -> TrendSummary:
        return cls.model_validate(_summary_fields(state, now))


class CoverageItem(_Model):
    """One article of a trend."""

    article_id: str
    title: str
    outlet: str
    publisher_family: str
    published: datetime
    url: str


class TrendDetail(TrendSummary):
    """A trend with its coverage, newest first."""

    coverage: list[CoverageItem]
    generated_at: datetime

    @classmethod
    def from_state_and_members(
        cls, state: TrendState, members: Sequence[TrendMember], now: datetime
    ) -> TrendDetail:
        ordered = sorted(members, key=lambda m: m.article_id)
        ordered.sort(key=lambda m: m.published, reverse=True)
        coverage = [
            CoverageItem(
                article_id=m.article_id,
                title=m.title,
                outlet=m.outlet,
                publisher_family=m.publisher_family,
                published=m.published,
                url=m.url,
            )
            for m in ordered
        ]
        return cls.model_validate({**_summary_fields(state, now), "coverage": coverage, "generated_at": now})


class TrendPage(_Model):
    """One page of the ranked trend list."""

    items: list[TrendSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page. "
        "A page may be empty when the previous one ended exactly at the end of the list."
    )
    generated_at: datetime


class Health(_Model):
    status: Literal["ok"] = "ok"
    time: datetime
    version: str


class ProblemFieldError(_Model):
    loc: list[str | int] = Field(description="Where the invalid value is, e.g. ['query', 'limit'].")
    type: str = Field(description="Machine-readable error type, e.g. 'int_parsing'.")
    msg: str = Field(description="Human-readable message.")


class Problem(_Model):
    """RFC 9457 problem details (`application/problem+json`)."""

    type: str = Field(default="about:blank", description="URI reference identifying the problem type.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(default=None, description="The request path.")
    request_id: str | None = Field(default=None, description="Also sent as the X-Request-Id header.")
    errors: list[ProblemFieldError] | None = Field(
        default=None, description="Validation errors with their locations (422 only)."
    )


def _summary_fields(state: TrendState, now: datetime) -> dict[str, object]:
    hourly = sorted(state.hourly, key=lambda b: b.hour)
    return {
        "id": state.trend_id,
        "headline": state.headline,
        "second_headline": state.second_headline,
        "status": "open" if state.is_open else "closed",
        "sources": state.source_count,
        "articles": state.article_count,
        "outlets": list(state.outlets[:MAX_OUTLETS]),
        "first_seen": state.first_seen,
        "last_seen": state.last_seen,
        "velocity": velocity_at(state, now),
        "hourly": [HourPoint(hour=b.hour, articles=b.articles, sources=len(set(b.sources))) for b in hourly],
        "links": TrendLinks.model_validate({"self": f"/trends/{state.trend_id}"}),
    }
