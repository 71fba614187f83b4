"""Pydantic models of the events the functions receive and emit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from headlinez.models import as_utc

INGEST_EVENT_SOURCE = "headlinez.ingest"
INGEST_COMPLETED = "IngestCompleted"
SCHEDULE_INTERVAL = timedelta(minutes=15)  # the ingest schedule of template.yaml (rate 15 minutes)


def bounded_run_time(claimed: datetime, clock: datetime, tolerance: timedelta = SCHEDULE_INTERVAL
                     ) -> datetime:
    """The run time an event claims, kept within `tolerance` of the clock.

    A run dated days ahead would close every open trend as quiet, one dated far back would move
    the checkpoint back: an event's time is trusted only within one schedule interval.
    """
    claimed, clock = as_utc(claimed), as_utc(clock)
    return min(max(claimed, clock - tolerance), clock + tolerance)


class ScheduledEvent(BaseModel):
    """An EventBridge event (schedule or custom). Its `time` is the run's clock."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = "local"
    source: str = "aws.events"
    detail_type: str = Field(default="Scheduled Event", alias="detail-type")
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    detail: dict[str, Any] = Field(default_factory=dict)

    def utc_time(self) -> datetime:
        return as_utc(self.time)


class IngestCompletedDetail(BaseModel):
    run_time: datetime
    new_articles: int
    feeds_fetched: int
    feeds_failed: int

    @field_validator("run_time")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return as_utc(value)
