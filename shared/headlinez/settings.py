"""Settings validated once per cold start, from environment variables.

Each function has its own model so that a missing or malformed variable fails at import time
with a message that names it, not on the first request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class SettingsError(RuntimeError):
    """An environment variable is missing or invalid."""


class _EnvSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    table_name: str = Field(min_length=3, max_length=255, alias="TABLE_NAME")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            key = field.alias or name.upper()
            if key in env and env[key] != "":
                values[key] = env[key]
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
            )
            raise SettingsError(f"invalid {cls.__name__} from environment: {problems}") from exc


class IngestSettings(_EnvSettings):
    feeds_file: Path = Field(default=Path("feeds.yaml"), alias="FEEDS_FILE")
    article_ttl_days: int = Field(default=14, ge=1, le=365, alias="ARTICLE_TTL_DAYS")
    fetch_concurrency: int = Field(default=16, ge=1, le=128, alias="FETCH_CONCURRENCY")
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, alias="MAX_FEED_BYTES")
    allow_loopback_feeds: bool = Field(
        default=False,
        alias="ALLOW_LOOPBACK_FEEDS",
        description="Local development only: lets the local stack fetch its own 127.0.0.1 feed server.",
    )
    min_poll_minutes: int = Field(default=10, ge=1, alias="MIN_POLL_MINUTES")
    max_backoff_minutes: int = Field(default=24 * 60, ge=15, alias="MAX_BACKOFF_MINUTES")
    event_bus_name: str = Field(default="default", alias="EVENT_BUS_NAME")
    publish_events: bool = Field(default=True, alias="PUBLISH_INGEST_EVENTS")


class ClusterSettings(_EnvSettings):
    quiet_period_hours: float = Field(default=36.0, gt=0, le=24 * 14, alias="TREND_QUIET_HOURS")
    lookback_hours: float = Field(
        default=6.0, gt=0, le=72, alias="CLUSTER_LOOKBACK_HOURS",
        description="How far back a run looks for articles not yet clustered (covers missed runs).",
    )
    trend_ttl_days: int = Field(default=30, ge=1, alias="TREND_TTL_DAYS")


class ApiSettings(_EnvSettings):
    cursor_secret: str = Field(
        default="headlinez-local-cursor-key", min_length=16, alias="CURSOR_SECRET",
        description="HMAC key that makes paging cursors tamper-evident.",
    )
    default_page_size: int = Field(default=20, ge=1, le=100, alias="DEFAULT_PAGE_SIZE")
    cache_max_age: int = Field(default=60, ge=0, le=3600, alias="CACHE_MAX_AGE")


@cache
def ingest_settings() -> IngestSettings:
    return IngestSettings.from_env()


@cache
def cluster_settings() -> ClusterSettings:
    return ClusterSettings.from_env()


@cache
def api_settings() -> ApiSettings:
    return ApiSettings.from_env()
