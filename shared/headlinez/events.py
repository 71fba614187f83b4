"""Pydantic models of the events the functions receive and emit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

INGEST_EVENT_SOURCE = "headlinez.ingest"
INGEST_COMPLETED = "IngestCompleted"


class ScheduledEvent(BaseModel):
    """An EventBridge event (schedule or custom). Its `time` is the run's clock."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = "local"
    source: str = "aws.events"
    detail_type: str = Field(default="Scheduled Event", alias="detail-type")
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    detail: dict[str, Any] = Field(default_factory=dict)

    def utc_time(self) -> datetime:
        return self.time.astimezone(UTC) if self.time.tzinfo else self.time.replace(tzinfo=UTC)


class IngestCompletedDetail(BaseModel):
    run_time: datetime
    new_articles: int
    feeds_fetched: int
    feeds_failed: int
