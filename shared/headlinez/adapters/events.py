"""EventBridge publisher: tells the clustering function that an ingest run finished."""

from __future__ import annotations

from typing import Any

import boto3

from headlinez.adapters.table import RETRYING
from headlinez.events import INGEST_COMPLETED, INGEST_EVENT_SOURCE, IngestCompletedDetail


class EventPublishError(RuntimeError):
    """EventBridge rejected the event."""


class EventBridgePublisher:
    def __init__(self, bus_name: str, client: Any | None = None) -> None:
        self._bus = bus_name
        self._client = client or boto3.client("events", config=RETRYING)

    def ingest_completed(self, detail: IngestCompletedDetail) -> None:
        response = self._client.put_events(Entries=[{
            "Source": INGEST_EVENT_SOURCE, "DetailType": INGEST_COMPLETED,
            "Detail": detail.model_dump_json(), "EventBusName": self._bus,
        }])
        if response.get("FailedEntryCount"):
            raise EventPublishError(f"EventBridge rejected IngestCompleted: {response['Entries']}")
