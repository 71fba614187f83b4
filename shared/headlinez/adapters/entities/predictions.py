"""Predictions waiting for (then holding) their outcome, and the track record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from headlinez.adapters.entities.documents import read_document
from headlinez.adapters.table import epoch
from headlinez.domain.prediction import PredictionRecord
from headlinez.models import iso_utc

Item = dict[str, Any]
ItemKey = dict[str, str]


class PredictionEntity:
    """One trend's prediction of one hour; on the sparse gsi1 partition PREDDUE until scored."""

    PREFIX = "PRED#"
    DUE_PARTITION = "PREDDUE"
    TTL = timedelta(days=90)  # after the due time

    @staticmethod
    def partition(trend_id: str) -> str:
        return f"{PredictionEntity.PREFIX}{trend_id}"

    @classmethod
    def key(cls, record: PredictionRecord) -> ItemKey:
        return {"pk": cls.partition(record.trend_id), "sk": iso_utc(record.made_at)}

    @classmethod
    def to_item(cls, record: PredictionRecord) -> Item:
        return {**cls.key(record), "doc": record.model_dump_json(),
                "gsi1pk": cls.DUE_PARTITION, "gsi1sk": f"{iso_utc(record.due_at)}#{record.trend_id}",
                "ttl": epoch(record.due_at + cls.TTL)}

    @staticmethod
    def due_until(until: datetime) -> str:
        """The highest gsi1sk of predictions due at or before `until`."""
        return f"{iso_utc(until)}#~"

    @staticmethod
    def from_item(item: Mapping[str, Any]) -> PredictionRecord:
        return read_document(PredictionRecord, item["doc"])

    @classmethod
    def scored_update(cls, record: PredictionRecord) -> dict[str, Any]:
        """The update that stores the outcome and takes the item off PREDDUE, only while pending."""
        return {"expression": "SET #doc = :doc REMOVE gsi1pk, gsi1sk",
                "condition": "attribute_exists(gsi1pk)", "names": {"#doc": "doc"},
                "values": {":doc": record.model_dump_json()}}

    RETIRE_UPDATE: dict[str, str] = {"expression": "REMOVE gsi1pk, gsi1sk",
                                     "condition": "attribute_exists(gsi1pk)"}


class TrackRecordEntity:
    """The summed counters of every scored prediction: one item, numeric attributes, ADD-ed to."""

    KEY: ItemKey = {"pk": "PREDTRACK", "sk": "ALL"}

    @classmethod
    def counters_of(cls, item: Mapping[str, Any]) -> dict[str, int]:
        return {k: int(v) for k, v in item.items() if k not in cls.KEY}

    @staticmethod
    def add(increments: Mapping[str, int]) -> dict[str, Any]:
        names = {f"#c{i}": name for i, name in enumerate(increments)}
        values = {f":c{i}": value for i, value in enumerate(increments.values())}
        return {"expression": "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(increments))),
                "names": names, "values": values}
