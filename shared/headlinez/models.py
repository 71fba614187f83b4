"""Pydantic models shared by every stage: feeds, articles, feed state and trends.

These are the boundary types: parser output, what ingest stores, what clustering reads and
writes, and what the API serves. Domain code works on them; adapters map them to storage.
"""

from __future__ import annotations

import base64
import re
import struct
from datetime import UTC, datetime
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
)


def as_utc(value: datetime) -> datetime:
    """A datetime in UTC; a naive one (or one whose tzinfo has no offset) is read as UTC. Converting
    may raise OverflowError at the ends of the calendar (year 1 at +01:00): callers that read
    untrusted times catch it."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso_utc(value: datetime) -> str:
    """The second-precision UTC text of a time ("2026-02-18T03:12:00Z"): the table's time keys
    (it sorts as time) and the pages' machine-readable times."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")  # naive is UTC here too, not local time


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware (UTC)")
    return value


UtcDatetime = Annotated[datetime, AfterValidator(_require_utc)]

STORED_READ: dict[str, bool] = {"stored": True}
"""The validation context of a read of stored data (headlinez.adapters.entities.documents): only
there do values of a closed vocabulary that this version does not know read as the nearest it
knows; the code's own writes stay strict."""


def from_storage(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("stored"))

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


# --- Feeds -------------------------------------------------------------------------------------


class FeedConfig(BaseModel):
    """One feed of `infra/feeds.yaml`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Stable feed id (slug); also the DynamoDB key of its state.")
    url: HttpUrl
    outlet: str = Field(min_length=1, description="Human name of the outlet, e.g. 'BBC News'.")
    publisher_family: str = Field(
        description="Newsroom id: two feeds of one outlet share it and count as one source."
    )
    language: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    region: str | None = None
    category_hint: str | None = None
    aggregator: bool = Field(
        default=False,
        description="The feed relays other newsrooms' articles (Google News, Bing News): an item naming "
        "its publisher in <source> and ending its title with it counts as that publisher's. Off by "
        "default: a feed's content must not choose how many newsrooms cover a story.",
    )

    @field_validator("id", "publisher_family")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"must be a lowercase slug (a-z, 0-9, '-'), got {value!r}")
        return value


class FeedList(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    feeds: list[FeedConfig] = Field(min_length=1)

    @field_validator("feeds")
    @classmethod
    def _unique_ids(cls, feeds: list[FeedConfig]) -> list[FeedConfig]:
        seen: set[str] = set()
        for feed in feeds:
            if feed.id in seen:
                raise ValueError(f"duplicate feed id {feed.id!r}")
            seen.add(feed.id)
        return feeds


class FeedState(BaseModel):
    """What ingest remembers about a feed between polls (conditional GET, backoff, health)."""

    # Rewritten whole from what was read: a field a newer version stored survives an older
    # version's write (headlinez.adapters.entities.documents)
    model_config = ConfigDict(extra="allow")

    feed_id: str
    url: str
    outlet: str = ""
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    last_attempt_at: UtcDatetime | None = None
    last_success_at: UtcDatetime | None = None
    last_error: str | None = None
    last_error_at: UtcDatetime | None = None
    consecutive_errors: int = 0
    total_errors: int = 0
    next_attempt_at: UtcDatetime | None = None
    last_status: int | None = None
    articles_last_poll: int = 0
    not_modified_count: int = 0
    articles_by_hour: dict[str, int] = Field(
        default_factory=dict,
        description="Articles stored per UTC hour ('2026-02-18T04'), the last 24 hours: feed health's "
        "counters (headlinez.domain.feed_activity), maintained by ingest.",
    )
    observed_interval_seconds: float | None = Field(
        default=None,
        description="The feed's observed update interval (smoothed median gap between its newest "
        "entries): adaptive polling waits a share of it (headlinez.domain.feed_schedule).",
    )
    declared_interval_seconds: float | None = Field(
        default=None,
        description="The longest interval the publisher asks for: Cache-Control max-age, RSS <ttl>, "
        "sy:updatePeriod/updateFrequency (capped by the poll policy).",
    )
    undated_ids: list[str] = Field(
        default_factory=list, max_length=500,
        description="Id prefixes of the entries without a date the feed listed at its last parsed "
        "poll: such an entry is never stored again while the feed keeps listing it (its dedupe keys "
        "expire after ARTICLE_TTL_DAYS, and undated it cannot be told from a new item).",
    )


def _seed_or_cli(value: object, info: ValidationInfo) -> object:
    # Read from storage, an origin a newer version records (e.g. an API) is not the seed file's
    # (documents module); a writer's stays an error
    return value if value in ("seed", "cli") or not from_storage(info) else "cli"


class FeedRecord(BaseModel):
    """A feed as stored in the table (the feed list is data: `headlinez feeds add|pause|...`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    config: FeedConfig
    paused: bool = False
    added_at: UtcDatetime
    updated_at: UtcDatetime
    source: Annotated[Literal["seed", "cli"], BeforeValidator(_seed_or_cli)] = Field(
        default="cli", description="'seed': from infra/feeds.yaml; 'cli': added by an operator (and any "
        "other origin a newer version records: the seed manages only its own feeds).")


class FeedShard(BaseModel):
    """One SQS message of the ingest fan-out: the feeds of whole hosts that one worker polls."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_time: UtcDatetime = Field(description="The cycle's clock: due-ness and ingest times use it.")
    shard_id: str = Field(min_length=1, max_length=80)
    shards_in_cycle: int = Field(ge=1)
    max_per_host: int = Field(ge=1, le=16, description="Concurrent requests per host in this shard.")
    feeds: list[FeedConfig] = Field(min_length=1)


# --- Articles ----------------------------------------------------------------------------------


class RawEntry(BaseModel):
    """One feed entry as the parser saw it, before normalization (strings may hold HTML)."""

    model_config = ConfigDict(frozen=True)

    title: str | None = None
    link: str | None = None
    guid: str | None = None
    summary: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    categories: tuple[str, ...] = Field(
        default=(), description="The item's own <category>/tag terms, as the feed gives them."
    )
    source_name: str | None = Field(
        default=None, description="The publisher an aggregator's RSS item names (<source>): the "
        "newsroom that wrote it, when that is not the feed's own."
    )
    source_url: str | None = Field(default=None, description="That publisher's address (<source url>).")


class Article(BaseModel):
    """A normalized article: the unit ingest stores and clustering consumes."""

    # Rewritten whole by clustering: keeps a newer version's fields (adapters.entities.documents)
    model_config = ConfigDict(frozen=True, extra="allow")

    article_id: str = Field(description="Hex digest of the canonical URL: the dedupe key.")
    url: str = Field(description="Canonical URL (tracking parameters removed, host normalized).")
    title: str
    summary: str = ""
    published: UtcDatetime
    published_estimated: bool = Field(
        default=False, description="True when the feed gave no usable time and a fallback was used."
    )
    ingested_at: UtcDatetime
    feed_id: str
    outlet: str
    publisher_family: str
    language: str = "en"
    guid: str | None = None
    category_hint: str | None = Field(
        default=None,
        description="The section the publisher filed it under: its feed item's own category or URL "
        "folder when one names a taxonomy category (`domain.sections.article_section`), else the "
        "feed's category_hint.",
    )
    title_fingerprint: str = Field(description="Normalized-title digest used by the dedupe guard.")
    trend_id: str | None = None


# --- Trends ------------------------------------------------------------------------------------


def pack_floats(values: list[float]) -> str:
    """Little-endian float32, base64: how a trend stores its embedding sum (a 384-d sum is 2 KB of
    text instead of ~5 KB of JSON numbers, and loading it is one buffer read, not 384 parses)."""
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode("ascii")


class HourBucket(BaseModel):
    """Coverage of one trend during one UTC hour."""

    hour: UtcDatetime
    articles: int = 0
    sources: list[str] = Field(default_factory=list, description="Publisher families seen this hour.")


class TrendMember(BaseModel):
    """One article of a trend, as the coverage list shows it."""

    article_id: str
    title: str
    url: str
    outlet: str
    publisher_family: str
    published: UtcDatetime
    language: str = Field(default="en", description="Its feed's language (BCP 47): the page marks "
                          "other languages so that a screen reader reads them in their own voice.")


class MemberVector(TrendMember):
    """A recent member with its sentence embedding, kept for the refinement split (domain.split)."""

    lead: bool = Field(default=True, description="False when the article had no lead (headline only).")
    vector: str = Field(description="Base64 of the unit embedding quantized to int8 (x 127).")


TrendStatus = Literal["emerging", "rising", "peaking", "fading", "cooled"]
TopicKind = Literal["person", "organization", "place", "term"]


def _known_status(value: object, info: ValidationInfo) -> object:
    # Read from storage, a status a newer version introduced reads as none: this version's
    # lifecycle derives its own (headlinez.adapters.entities.documents). A writer's stays an error.
    if value is None or value in get_args(TrendStatus) or not from_storage(info):
        return value
    return None


def _known_kind(value: object, info: ValidationInfo) -> object:
    if value in get_args(TopicKind) or not from_storage(info):
        return value
    return "term"  # a newer version's kind, read from storage: a plain term


StoredTrendStatus = Annotated[TrendStatus | None, BeforeValidator(_known_status)]
CATEGORIES = ("world", "politics", "business", "technology", "science", "health", "sports",
              "entertainment")


class Topic(BaseModel):
    """A person, organization, place or key term of a trend, properly cased."""

    name: str
    kind: Annotated[TopicKind, BeforeValidator(_known_kind)]
    slug: str


class RelatedTrend(BaseModel):
    trend_id: str
    headline: str
    score: float
    reason: str = Field(default="", description='Why, in a few words: "shares: Iran, Geneva", '
                        '"also about nuclear talks".')
    candidate_newsrooms: int | None = Field(
        default=None, ge=0, description="Its newsrooms when it is a candidate, not yet a trend; None for a "
        "trend. Only that, not every count: a count that changed would rewrite every trend listing it.")


class TrendState(BaseModel):
    """A trend as clustering keeps it: identity, centroid, counters and the hourly series."""

    # Rewritten whole by clustering: keeps a newer version's fields (adapters.entities.documents)
    model_config = ConfigDict(extra="allow")

    trend_id: str
    is_open: bool = True
    centroid: dict[str, float] = Field(default_factory=dict, description="Top weighted terms.")
    article_count: int = 0
    source_families: list[str] = Field(default_factory=list)
    outlets: list[str] = Field(default_factory=list)
    first_seen: UtcDatetime
    last_seen: UtcDatetime
    hourly: list[HourBucket] = Field(default_factory=list)
    headline: str = ""
    headline_article_id: str | None = None
    second_headline: str | None = None
    second_headline_article_id: str | None = None
    title_candidates: list[TrendMember] = Field(
        default_factory=list, description="A bounded sample of members used to pick headlines."
    )
    updated_at: UtcDatetime | None = None
    version: int = 0
    recent_member_ids: list[str] = Field(
        default_factory=list,
        description="Bounded list of the latest members' article ids (prefixes): makes a retried "
        "clustering run idempotent even before articles are marked with their trend_id.",
    )
    title_fingerprints: dict[str, str] = Field(
        default_factory=dict,
        description="Bounded map of title fingerprint (prefix) -> publisher family that first used "
        "it: the same wire copy republished by another newsroom counts as one source.",
    )
    embedding_sum: str | None = Field(
        default=None,
        description="Sum of the members' unit sentence embeddings (None: lexical only), packed as "
        "little-endian float32 in base64 (a stored list of floats is packed on read). Divided by "
        "embedding_weight (the member count) it gives average-linkage similarity with one dot product.",
    )

    @field_validator("embedding_sum", mode="before")
    @classmethod
    def _pack_listed_sum(cls, value: object) -> object:
        """Trends stored before the packed form held a JSON list: read it as the same vector."""
        if isinstance(value, list):
            return pack_floats([float(v) for v in value])
        return value
    embedding_weight: float = 0.0
    headline_only_members: int = Field(
        default=0, ge=0, description="Members without a lead (their texts score lower: see clustering)."
    )
    wire_sketches: list[str] = Field(
        default_factory=list,
        description="Bounded list of 'family|minhash sketch' of recent members' title+lead: a near "
        "copy of another newsroom's text (wire copy) adds no independent newsroom.",
    )
    # Trend intelligence (lifecycle, prediction, category, topics, related): filled by clustering.
    status: StoredTrendStatus = None
    status_since: UtcDatetime | None = None
    detected_at: UtcDatetime | None = Field(
        default=None,
        description="When the trend became public: the first clustering run that saw it with 2+ "
        "newsrooms ('first detected').",
    )
    lifecycle_from: UtcDatetime | None = Field(
        default=None,
        description="Where the lifecycle's peak and age start when not at first_seen: the detection of "
        "a trend that had cooled as a one-newsroom candidate (domain.lifecycle, rule 0).",
    )
    prediction: str | None = Field(default=None, description='A sentence, e.g. "fades by tomorrow".')
    prediction_code: str | None = None
    prediction_confidence: float | None = Field(
        default=None, ge=0, le=1, description="The prediction model's probability of prediction_code.")
    category: str | None = Field(default=None, description="One of CATEGORIES.")
    topics: list[Topic] = Field(default_factory=list)
    related: list[RelatedTrend] = Field(default_factory=list)
    merged_into: str | None = Field(
        default=None,
        description="Set when clustering folded this (now closed) trend into an older one; its "
        "stored members belong to that trend.",
    )
    member_vectors: list[MemberVector] = Field(
        default_factory=list,
        description="The latest members with their embeddings (bounded): what the refinement split "
        "reads to find a distinct event inside the trend.",
    )
    split_partners: list[str] = Field(
        default_factory=list,
        description="Trends split from this one or this one from (bounded): never merged back.",
    )
    rank_score: float | None = Field(
        default=None,
        description="The rank score the trend's list position was last stored with (clustering "
        "rewrites a trend whose score moved materially from it).",
    )

    @property
    def source_count(self) -> int:
        return len(self.source_families)
