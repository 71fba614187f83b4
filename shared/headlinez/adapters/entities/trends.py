"""Trends (META), their members, and clustering's documents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from headlinez.adapters.entities.documents import read_document
from headlinez.adapters.table import check_size, epoch
from headlinez.domain.newsrooms import is_public
from headlinez.domain.search import search_text
from headlinez.models import TrendMember, TrendState, iso_utc

Item = dict[str, Any]
ItemKey = dict[str, str]


def rank_key(score: float, last_seen: datetime, trend_id: str) -> str:
    """Sort key of the ranked trend lists: higher score first when queried descending."""
    bounded = max(0, min(int(score * 1000), 10**12 - 1))
    return f"{bounded:012d}#{iso_utc(last_seen)}#{trend_id}"


_CLUSTERING_STATE = {"centroid", "title_candidates", "recent_member_ids", "title_fingerprints",
                     "embedding_sum", "wire_sketches", "member_vectors"}
ITEM_BYTES = 380_000
"""`doc` and `list_doc` together, under DynamoDB's 400 KB item limit with room for the keys and
the API's filter attributes (search text at most 4,000 characters, 12 topics)."""
LIST_MIN_HOURS = 48
"""The fewest newest hours a list keeps when the item is large (the sparkline reads 24)."""


class TrendEntity:
    """A trend's META item: the whole state in `doc`; open trends add the list indexes, `list_doc`
    and the API's filter attributes; closed ones expire."""

    SK = "META"
    PREFIX = "TREND#"
    BRIEF_SK = "BRIEF"  # the trend's brief, in its partition (BriefEntity owns the item)
    PUBLIC = ("gsi1", "gsi1pk", "gsi1sk", "TRENDS")  # open trends of 2+ newsrooms
    OPEN = ("gsi2", "gsi2pk", "gsi2sk", "OPEN")  # every open trend (clustering's load, candidates)
    CATEGORY = ("gsi3", "gsi3pk", "gsi3sk")  # public trends of one category: `category_partition`
    LIST_ATTRIBUTES = ("pk", "sk", "list_doc")

    @classmethod
    def partition(cls, trend_id: str) -> str:
        return f"{cls.PREFIX}{trend_id}"

    @classmethod
    def key(cls, trend_id: str) -> ItemKey:
        return {"pk": cls.partition(trend_id), "sk": cls.SK}

    @classmethod
    def is_trend_key(cls, pk: object) -> bool:
        return str(pk).startswith(cls.PREFIX)

    @staticmethod
    def category_partition(category: str) -> str:
        return f"CAT#{category}"

    @classmethod
    def is_meta(cls, item: Mapping[str, Any]) -> bool:
        return bool(item["sk"] == cls.SK)

    @classmethod
    def brief_key(cls, trend_id: str) -> ItemKey:
        return {"pk": cls.partition(trend_id), "sk": cls.BRIEF_SK}

    @classmethod
    def is_brief(cls, item: Mapping[str, Any]) -> bool:
        return bool(item["sk"] == cls.BRIEF_SK)

    @classmethod
    def to_item(cls, trend: TrendState, score: float, closed_ttl: timedelta) -> Item:
        doc = check_size(trend.model_dump_json(), f"trend {trend.trend_id}")
        item: Item = {**cls.key(trend.trend_id), "doc": doc, "trend_id": trend.trend_id,
                      "version": trend.version}
        if trend.is_open:
            rank = rank_key(score, trend.last_seen, trend.trend_id)
            item.update({cls.OPEN[1]: cls.OPEN[3], cls.OPEN[2]: rank})
            if is_public(trend):  # candidates (one newsroom) stay off the public list's partitions
                item.update({cls.PUBLIC[1]: cls.PUBLIC[3], cls.PUBLIC[2]: rank})
            item.update(cls._api_read_attributes(trend, rank))
            # What a list shows, without clustering's working state (centroid, samples, id and
            # fingerprint caches: ~90% of `doc`). Lists read only this attribute, so a page of 100
            # stays far below DynamoDB's 1 MB per Query and costs a fraction of the parsing.
            item["list_doc"] = cls._list_doc(trend, room=ITEM_BYTES - len(doc.encode()))
        else:
            item["ttl"] = epoch(trend.last_seen + closed_ttl)
        return item

    @staticmethod
    def _list_doc(trend: TrendState, room: int) -> str:
        """What lists read, in the room `doc` leaves of the item. Both hold the hourly newsroom
        lists: a story with ~60 newsrooms an hour for days passed 400 KB with `doc` under its own
        check, and the write failed every clustering run. Then only the newest hours are listed
        (velocity decays within hours; the detail reads `doc`, whole)."""
        list_doc = trend.model_dump_json(exclude=_CLUSTERING_STATE)
        hours = sorted(trend.hourly, key=lambda bucket: bucket.hour)
        keep = len(hours)
        while len(list_doc.encode()) > room and keep > LIST_MIN_HOURS:
            keep = max(LIST_MIN_HOURS, keep // 2)
            list_doc = trend.model_copy(update={"hourly": hours[-keep:]}).model_dump_json(
                exclude=_CLUSTERING_STATE)
        return list_doc

    @staticmethod
    def from_item(item: Mapping[str, Any]) -> TrendState:
        return read_document(TrendState, item["doc"])

    @staticmethod
    def from_list_item(item: Mapping[str, Any]) -> TrendState:
        """A trend as lists read it (`list_doc`: no clustering state)."""
        return read_document(TrendState, item["list_doc"])

    @classmethod
    def write_condition(cls, expected: int | None) -> dict[str, Any]:
        """Condition of clustering's write of a trend it loaded at `expected` (None: a new trend)."""
        if expected is None:
            # A new trend: refused when another run stored an open trend of that id meanwhile.
            return {"condition": f"attribute_not_exists({cls.OPEN[1]})"}
        # Items written before META carried `version` have none: accepted once, then guarded.
        return {"condition": "#version = :expected OR attribute_not_exists(#version)",
                "names": {"#version": "version"}, "values": {":expected": expected}}

    @classmethod
    def _api_read_attributes(cls, trend: TrendState, rank: str) -> dict[str, Any]:
        """Key and filter attributes of an open trend for the API's reads.

        Read with getattr: the trend-intelligence fields (category, status, topics) are filled by
        clustering and may be absent from older documents.
        """
        item: dict[str, Any] = {"last_seen": iso_utc(trend.last_seen)}
        category = getattr(trend, "category", None)
        if category:
            item["trend_category"] = str(category)
            if is_public(trend):
                item.update({cls.CATEGORY[1]: cls.category_partition(str(category)), cls.CATEGORY[2]: rank})
        status = getattr(trend, "status", None)
        if status:
            item["trend_status"] = str(status)
        topics = list(getattr(trend, "topics", None) or [])
        slugs = {str(getattr(topic, "slug", "") or "") for topic in topics} - {""}
        if slugs:
            item["topic_slugs"] = slugs
        titles = [trend.headline, trend.second_headline or "", *(m.title for m in trend.title_candidates)]
        text = search_text(titles, [str(getattr(topic, "name", "") or "") for topic in topics])
        if text:
            item["search_text"] = text
        return item


class MemberEntity:
    """A trend member: its fields as attributes, in the trend's partition, newest last by sk."""

    PREFIX = "M#"

    @classmethod
    def sort_key(cls, member: TrendMember) -> str:
        return f"{cls.PREFIX}{iso_utc(member.published)}#{member.article_id}"

    @classmethod
    def is_member(cls, item: Mapping[str, Any]) -> bool:
        return cls.is_member_sort_key(item["sk"])

    @classmethod
    def is_member_sort_key(cls, sk: object) -> bool:
        return str(sk).startswith(cls.PREFIX)

    @classmethod
    def key(cls, trend_id: str, member: TrendMember) -> ItemKey:
        return {"pk": TrendEntity.partition(trend_id), "sk": cls.sort_key(member)}

    @classmethod
    def to_item(cls, trend_id: str, member: TrendMember, ttl: timedelta) -> Item:
        return {"pk": TrendEntity.partition(trend_id), "sk": cls.sort_key(member),
                **member.model_dump(mode="json"), "ttl": epoch(member.published + ttl)}

    @staticmethod
    def from_item(item: Mapping[str, Any]) -> TrendMember:
        return TrendMember.model_validate({k: item[k] for k in TrendMember.model_fields if k in item})


class ClusterDocEntity:
    """Clustering's own documents (document frequencies, checkpoint): one JSON string each."""

    @staticmethod
    def key(name: str) -> ItemKey:
        return {"pk": "CLUSTER", "sk": name}

    @classmethod
    def to_item(cls, name: str, doc: str) -> Item:
        return {**cls.key(name), "doc": check_size(doc, f"cluster document {name}")}
