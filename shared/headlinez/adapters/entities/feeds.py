"""Feed states (ingest), feed configs, seeded feed files and ingest cycles (the fan-out)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from headlinez.adapters.entities.documents import read_document
from headlinez.adapters.table import epoch
from headlinez.models import FeedRecord, FeedState, iso_utc

Item = dict[str, Any]
ItemKey = dict[str, str]


class FeedStateEntity:
    LIST_PARTITION = "FEEDS"  # gsi1: every feed state

    @staticmethod
    def key(feed_id: str) -> ItemKey:
        return {"pk": f"FEED#{feed_id}", "sk": "STATE"}

    @classmethod
    def to_item(cls, state: FeedState) -> Item:
        return {**cls.key(state.feed_id), "gsi1pk": cls.LIST_PARTITION, "gsi1sk": state.feed_id,
                "doc": state.model_dump_json()}

    @staticmethod
    def from_item(item: Mapping[str, Any]) -> FeedState:
        return read_document(FeedState, item["doc"])


class FeedConfigEntity:
    LIST_PARTITION = "FEEDLIST"  # gsi1: every configured feed

    @staticmethod
    def key(feed_id: str) -> ItemKey:
        return {"pk": f"FEED#{feed_id}", "sk": "CONFIG"}

    @classmethod
    def to_item(cls, record: FeedRecord) -> Item:
        return {**cls.key(record.config.id), "gsi1pk": cls.LIST_PARTITION, "gsi1sk": record.config.id,
                "paused": record.paused, "doc": record.model_dump_json()}

    @staticmethod
    def from_item(item: Mapping[str, Any]) -> FeedRecord:
        return read_document(FeedRecord, item["doc"])


class FeedSeedEntity:
    @staticmethod
    def key(digest: str) -> ItemKey:
        return {"pk": "FEEDSEED", "sk": digest}

    @classmethod
    def to_item(cls, digest: str, at: datetime, feeds: int) -> Item:
        return {**cls.key(digest), "at": at.isoformat(), "feeds": feeds}


class CycleEntity:
    @staticmethod
    def key(run_time: datetime) -> ItemKey:
        return {"pk": f"CYCLE#{iso_utc(run_time)}", "sk": "META"}

    @classmethod
    def to_item(cls, run_time: datetime, shards: int, ttl: timedelta) -> Item:
        return {**cls.key(run_time), "shards": shards, "ttl": epoch(run_time + ttl)}
