"""Articles and the dedupe guard's alias items."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from boto3.dynamodb.conditions import Attr

from headlinez.adapters.entities.documents import read_document
from headlinez.adapters.table import epoch, hour_bucket
from headlinez.domain.dedupe import DedupeKey, dedupe_keys, dedupe_record
from headlinez.models import Article, iso_utc

Item = dict[str, Any]
ItemKey = dict[str, str]


class ArticleEntity:
    """An article: its JSON `doc`, the ingest-hour index, and (as the url dedupe key) `rec`."""

    SK = "A"
    PREFIX = "ART#"
    ATTRIBUTES_FOR_SNIPPET = ("pk", "doc", "summary")  # older items hold flat attributes
    TREND_ATTRIBUTE = "trend_id"
    # Articles not yet in a trend; items written before TREND_ATTRIBUTE existed pass too, and the
    # reader checks their `doc`.
    UNCLUSTERED = Attr(TREND_ATTRIBUTE).not_exists()

    @classmethod
    def key(cls, article_id: str) -> ItemKey:
        return {"pk": f"{cls.PREFIX}{article_id}", "sk": cls.SK}

    @classmethod
    def article_id_of(cls, item: Mapping[str, Any]) -> str:
        return str(item["pk"]).removeprefix(cls.PREFIX)

    @classmethod
    def to_item(cls, article: Article, ttl: timedelta) -> Item:
        item: Item = {
            **cls.key(article.article_id),
            "gsi1pk": cls.ingest_partition(article.ingested_at),
            "gsi1sk": f"{iso_utc(article.ingested_at)}#{article.article_id}",
            "ttl": epoch(article.ingested_at + ttl),
            "doc": article.model_dump_json(exclude_none=True),
            # The article item doubles as the url dedupe key: its record is read by existing_keys.
            "rec": json.dumps(dedupe_record(article)),
        }
        if article.trend_id:
            # Also outside `doc`, so that clustering's read of the articles still to cluster can
            # leave the clustered ones on the server (a FilterExpression): see UNCLUSTERED.
            item[cls.TREND_ATTRIBUTE] = article.trend_id
        return item

    @staticmethod
    def from_item(item: Mapping[str, Any]) -> Article:
        return read_document(Article, item["doc"])

    @staticmethod
    def ingest_partition(hour: datetime) -> str:
        return f"INGEST#{hour_bucket(hour)}"

    @staticmethod
    def ingest_range(start: datetime, end: datetime) -> tuple[str, str]:
        """gsi1sk bounds of articles ingested in [start, end] (`~` sorts after `#{id}`)."""
        return iso_utc(start), iso_utc(end) + "~"

    @staticmethod
    def feed_id_of(item: Mapping[str, Any]) -> str:
        """An article item's feed id: its own attribute, else the one in its JSON `doc`."""
        if "feed_id" in item:
            return str(item["feed_id"])
        try:
            return str(json.loads(item.get("doc") or "{}").get("feed_id", ""))
        except (ValueError, AttributeError):
            return ""

    @staticmethod
    def summary_of(item: Mapping[str, Any]) -> str:
        if "doc" in item:
            try:
                return str(json.loads(item["doc"]).get("summary", ""))
            except (TypeError, ValueError):
                return ""
        return str(item.get("summary", ""))


class DedupeAliasEntity:
    """The items of the dedupe guard's keys: the url key is the article item itself (sk A), the
    title and guid keys are small alias items (sk K) holding the same record in `rec`."""

    SK = "K"
    _PREFIX = {"url": ArticleEntity.PREFIX, "title": "TITLE#", "guid": "GUID#"}

    @classmethod
    def key(cls, dedupe_key: DedupeKey) -> ItemKey:
        if dedupe_key.kind == "url":
            return ArticleEntity.key(dedupe_key.value)
        return {"pk": f"{cls._PREFIX[dedupe_key.kind]}{dedupe_key.scope}#{dedupe_key.value}", "sk": cls.SK}

    @staticmethod
    def record_of(item: Mapping[str, Any]) -> dict[str, Any]:
        return dict(json.loads(item["rec"]))

    @classmethod
    def alias_items(cls, article: Article, ttl: timedelta) -> list[Item]:
        """The title and guid alias items of a stored article (the url key is its own item)."""
        expires = epoch(article.ingested_at + ttl)
        record = json.dumps(dedupe_record(article))
        return [{**cls.key(key), "rec": record, "ttl": expires}
                for key in dedupe_keys(article) if key.kind != "url"]
