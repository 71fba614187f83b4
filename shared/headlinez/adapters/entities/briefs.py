"""Published briefs, failed attempts and the daily token budget (headlinez.briefs)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from headlinez.adapters.entities.documents import read_document
from headlinez.adapters.entities.trends import TrendEntity
from headlinez.adapters.table import check_size, epoch
from headlinez.briefs.materiality import BriefedTrend
from headlinez.briefs.models import BriefFailure, PublishedBrief, basis_article_count

Item = dict[str, Any]
ItemKey = dict[str, str]


class BriefEntity:
    """A trend's published brief, in the trend's partition (the API's detail Query returns it)."""

    SK = TrendEntity.BRIEF_SK
    BASIS_ATTRIBUTES = ("pk", "version", "basis_families", "basis_articles")

    @staticmethod
    def key(trend_id: str) -> ItemKey:
        return TrendEntity.brief_key(trend_id)

    @classmethod
    def to_item(cls, brief: PublishedBrief, ttl: timedelta) -> Item:
        doc = check_size(brief.model_dump_json(), f"brief of {brief.trend_id}")
        return {
            **cls.key(brief.trend_id), "doc": doc, "version": brief.version,
            "updated_at": brief.updated_at.astimezone(UTC).isoformat(), "engine": brief.engine,
            "supported_percent": str(brief.supported_percent), "ttl": epoch(brief.updated_at + ttl),
            # What clustering's backlog reads (BriefLedger): is this brief current for the trend?
            "basis_families": sorted(brief.basis.source_families) if brief.basis else [],
            "basis_articles": basis_article_count(brief.basis) if brief.basis else 0,
        }

    @staticmethod
    def from_item(item: Mapping[str, Any]) -> PublishedBrief:
        return read_document(PublishedBrief, item["doc"])

    @staticmethod
    def newer_condition(version: int) -> dict[str, Any]:
        """Written only over no brief or an older one: older evidence never overwrites newer."""
        return {"condition": "attribute_not_exists(pk) OR #version < :version",
                "names": {"#version": "version"}, "values": {":version": version}}

    @staticmethod
    def trend_id_of(item: Mapping[str, Any]) -> str:
        return str(item["pk"]).removeprefix(TrendEntity.PREFIX)

    @staticmethod
    def briefed_from_item(item: Mapping[str, Any]) -> BriefedTrend:
        return BriefedTrend(version=int(item.get("version", 0)),
                            source_families=frozenset(item.get("basis_families") or ()),
                            article_count=int(item.get("basis_articles", 0)))


class BriefFailureEntity:
    """The last failed brief attempt of a trend, outside its partition: the API never reads it."""

    TTL = timedelta(days=30)

    @staticmethod
    def key(trend_id: str) -> ItemKey:
        return {"pk": f"BRIEFLOG#{trend_id}", "sk": "FAILURE"}

    @classmethod
    def to_item(cls, failure: BriefFailure) -> Item:
        return {**cls.key(failure.trend_id), "doc": failure.model_dump_json(),
                "ttl": epoch(failure.failed_at + cls.TTL)}

    @staticmethod
    def from_item(item: Mapping[str, Any]) -> BriefFailure:
        return read_document(BriefFailure, item["doc"])


class TokenBudgetEntity:
    """The day's LLM token counter (`tokens`, atomic ADD)."""

    TTL = timedelta(days=8)

    @staticmethod
    def key(day: date) -> ItemKey:
        return {"pk": "BUDGET", "sk": day.isoformat()}

    @classmethod
    def expires(cls, day: date) -> int:
        return epoch(datetime(day.year, day.month, day.day, tzinfo=UTC) + cls.TTL)


class ModelPauseEntity:
    """Until when the model API asked every caller to wait (`paused_until`, epoch seconds): one
    item beside the day counters (pk BUDGET, so the brief functions' IAM statement covers it)."""

    KEY: ItemKey = {"pk": "BUDGET", "sk": "MODEL_PAUSE"}
    TTL = timedelta(days=1)
