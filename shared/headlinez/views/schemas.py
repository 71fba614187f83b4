"""Response models of the public API and the pure functions that build them from domain state.

Everything here is pure: no I/O, no clock (the caller passes `now`), no AWS. The HTML pages
(`headlinez.web`) render these same models, so a page and its JSON never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from headlinez.domain.lifecycle import (
    COVERED_AGAIN_MEANING,
    FROM_PEAK_THRESHOLDS,
    covered_again_at,
    percent_of_peak,
)
from headlinez.domain.newsrooms import TREND_DEFINITION, candidate_label, group_by_newsroom, is_public
from headlinez.domain.velocity import (
    DIVERSITY_HALF_LIFE_HOURS,
    RATE_HALF_LIFE_HOURS,
    completed_hour_series,
    first_detected,
    growth_since_first_seen,
    hour_floor,
    velocity_at,
)
from headlinez.models import CATEGORIES, FeedState, TrendMember, TrendState

TREND_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{3,63}$"
"""Accepted trend ids: 4 to 64 characters, lowercase letters, digits, '_' and '-', starting with a
letter or digit (e.g. 't' + 15 hex digits). Anything else is answered 422 without a lookup."""

TOPIC_SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
MAX_OUTLETS = 10
VELOCITY_SERIES_HOURS = 48
SPARKLINE_HOURS = 24
LifecycleStatus = Literal["emerging", "rising", "peaking", "fading", "cooled"]
Include = Literal["candidates"]
"""`include=candidates`: list single-newsroom candidates too (`headlinez.domain.newsrooms`)."""
Category = Literal["world", "politics", "business", "technology", "science", "health", "sports",
                   "entertainment"]
CATEGORY_NAMES: dict[str, str] = {category: category.capitalize() for category in CATEGORIES}
VELOCITY_EXPLANATION = (
    "How fast coverage is spreading: article rate × newsroom diversity, both decayed with time "
    f"(articles per hour with a {RATE_HALF_LIFE_HOURS:g}-hour half-life × newsrooms, each weighted "
    f"by the age of its latest article with a {DIVERSITY_HALF_LIFE_HOURS:g}-hour half-life)."
)


# --- Models -------------------------------------------------------------------------------------


def _published_schema(schema: dict[str, Any]) -> None:
    """`extra="forbid"` guards how we build responses; published, it would tell strict clients to
    reject every field added later (`additionalProperties: false`)."""
    schema.pop("additionalProperties", None)


# Serialization mode: these models are responses, and a field with a default is always sent, so the
# document marks it required (in validation mode generated clients made it optional).
_RESPONSE_SCHEMA = ConfigDict(json_schema_mode_override="serialization",
                              json_schema_serialization_defaults_required=True,
                              json_schema_extra=_published_schema)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", **_RESPONSE_SCHEMA)


class HourPoint(_Model):
    """Coverage of a trend in one UTC hour."""

    hour: datetime = Field(description="Start of the UTC hour.")
    articles: int = Field(ge=0, description="Articles published in that hour.")
    sources: int = Field(ge=0, description="Distinct newsrooms that hour, wire copies not counted (an "
                         "article that only republishes another newsroom's wire story adds none).")


class VelocityPoint(_Model):
    hour: datetime = Field(description="Start of the UTC hour.")
    velocity: float = Field(ge=0, description="Velocity at the end of that hour.")


class TrendLinks(_Model):
    self_: str = Field(alias="self", description="Path of the trend's detail resource.")
    html: str = Field(description="Path of the trend's page.")
    articles: str = Field(description="Path of the trend's paged article list.")


class Prediction(_Model):
    text: str = Field(description='A sentence, e.g. "fades by tomorrow".')
    code: str | None = Field(default=None, description="Machine-readable form of the prediction.")
    confidence: float | None = Field(
        default=None, ge=0, le=1,
        description="The forecast model's probability that this prediction comes true (24 h later): "
        "calibrated on scored predictions when the deployed model carries a calibration "
        "(`headlinez calibrate-prediction`), else with the base rates of its training streams divided "
        "out (equal priors, not calibrated); "
        "null for 'stays quiet tomorrow' (no article in the last day: nothing to forecast).",
    )


class TrendSummary(_Model):
    """A trend as the ranked list shows it."""

    id: str = Field(description="Stable trend id.")
    headline: str = Field(description="The most representative title of the trend's coverage.")
    second_headline: str | None = Field(default=None, description="A second, distinct title.")
    status: LifecycleStatus | None = Field(
        description="Lifecycle status; null until clustering has assessed it."
    )
    status_since: datetime | None = Field(default=None, description="When the status was entered.")
    covered_again_at: datetime | None = Field(
        default=None,
        description="For a cooled trend, the publish time of its latest article when it came after "
        "the trend cooled (" + COVERED_AGAIN_MEANING + "); else null.",
    )
    open: bool = Field(description="True while coverage may still join the trend.")
    category: Category | None = Field(description="Category; null when not classified yet.")
    prediction: Prediction | None = Field(description="What the trend is expected to do; null when none, "
                                          "and for a candidate (the forecast is fitted and scored on "
                                          "stories of 2+ newsrooms only).")
    sources: int = Field(ge=0, description="Independent newsrooms (not feeds). An outlet that only "
                         "republishes another's wire copy is not counted, so a detail's `newsrooms`, "
                         "which groups every article, may list more.")
    candidate: bool = Field(
        default=False, description=f"{TREND_DEFINITION} True for a candidate: fewer newsrooms so far, "
        "listed only with `include=candidates`."
    )
    label: str | None = Field(
        default=None, description='"candidate (1 newsroom)" for a candidate, else null.'
    )
    articles: int = Field(ge=0, description="Articles in the trend.")
    outlets: list[str] = Field(description=f"Outlet names, at most {MAX_OUTLETS}.")
    first_seen: datetime
    last_seen: datetime
    first_detected: datetime | None = Field(
        description="When the trend became public (its second newsroom, as clustering saw it); "
        "first_seen for trends detected before this was recorded; null for a candidate, which has "
        "not become a trend."
    )
    velocity: float = Field(
        ge=0, description="Article rate x newsroom diversity, exponentially decayed (rate half-life "
        f"{RATE_HALF_LIFE_HOURS:g} h, newsrooms {DIVERSITY_HALF_LIFE_HOURS:g} h); see "
        "headlinez.domain.velocity."
    )
    new_this_hour: bool = Field(
        default=False,
        description="True for a story whose first article came this hour: velocity is read at the "
        "top of each hour, so its `velocity` of 0 means not measured yet, not stopped (the page says "
        '"new this hour").',
    )
    growth_percent: int | None = Field(
        description="Velocity now versus velocity at first detection, in percent (+700 = eight "
        "times, -80 = a fifth); null when the velocity at detection was 0, and for a candidate "
        "(never detected)."
    )
    percent_of_peak: int | None = Field(
        default=None,
        description="Velocity now as a percentage of the highest it reached since detection (100 = "
        "at its peak); null before its first completed hour. " + FROM_PEAK_THRESHOLDS + ".",
    )
    hourly: list[HourPoint] = Field(
        description="Hourly coverage, oldest first; hours without coverage omitted."
    )
    velocity_24h: list[float] = Field(
        description=f"Velocity at each of the last {SPARKLINE_HOURS} UTC hours, oldest first (the sparkline)."
    )
    links: TrendLinks

    @classmethod
    def from_state(cls, state: TrendState, now: datetime) -> TrendSummary:
        return cls.model_validate(_summary_fields(state, now))


class CoverageItem(_Model):
    """One article of a trend."""

    article_id: str
    title: str
    outlet: str
    publisher_family: str
    published: datetime
    url: str
    language: str = Field(default="en", description="The article's language (BCP 47), its feed's.")


class NewsroomCoverage(_Model):
    """One newsroom of a trend's coverage, then its articles (newest first)."""

    publisher_family: str = Field(description="The newsroom: feeds of one newsroom share it.")
    name: str = Field(description="Display name: the outlet name most of its articles carry.")
    outlets: list[str] = Field(description="Every outlet name of its articles.")
    articles: list[CoverageItem]


class TopicLinks(_Model):
    self_: str = Field(alias="self", description="Path of the topic's trend list (with "
                       "`?include=candidates` on a candidate, so that the list holds it).")
    html: str = Field(description="Path of the topic's page (the same query on a candidate).")


class TopicRef(_Model):
    name: str
    kind: str = Field(description="person, organization, place or term.")
    slug: str
    links: TopicLinks


class RelatedRef(_Model):
    id: str
    headline: str
    score: float
    reason: str = Field(default="", description='Why it is related, in a few words ("shares: Iran, Geneva").')
    label: str | None = Field(
        default=None, description='"candidate (1 newsroom)" when the related story is a candidate, not yet a '
        "trend (as of the last clustering run); else null."
    )
    links: TrendLinks


class _BriefModel(BaseModel):
    """The brief as `headlinez.briefs.models.brief_to_api` shapes it (fields the API does not
    publish, such as token usage, are dropped)."""

    model_config = ConfigDict(frozen=True, extra="ignore", **_RESPONSE_SCHEMA)


class BriefClaim(_BriefModel):
    text: str
    citations: list[int] = Field(description="Ids of `citations` that state this claim.")
    checked_by: Literal["literal", "semantic", "model"] = Field(
        default="literal", description="How the fact-check found it supported: its words are the "
        "evidence's (literal), it restates the evidence in other words (semantic), or the verifier model "
        "judged it (model).",
    )


class BriefParagraph(_BriefModel):
    kind: str = Field(description="what_happened, coverage or what_to_watch.")
    text: str
    claims: list[BriefClaim]


class QuickAnswer(_BriefModel):
    question: str
    answer: str = Field(description="Answered from the coverage only, or says that coverage does not say.")
    citations: list[int] = Field(default_factory=list)
    specified: bool = Field(default=True, description="False when the coverage does not say.")


class BriefCitation(_BriefModel):
    id: int
    article_id: str
    outlet: str
    title: str
    url: str
    published: datetime


class RemovedClaim(_BriefModel):
    text: str
    location: str | None = None
    reasons: list[str] = Field(default_factory=list)
    stage: str | None = None


class FactCheck(_BriefModel):
    supported_percent: float = Field(ge=0, le=100, description="Share of the checked claims supported.")
    claims_checked: int = Field(ge=0, description="Claims checked: the paragraphs' claims and the answered "
                                "quick answers (each is a claim too).")
    claims_supported: int = Field(ge=0)
    checked_by: str
    claims_by_method: dict[str, int] = Field(
        default_factory=dict, description="Kept paragraph claims by `checked_by` (literal, semantic, model); "
        "quick answers are not counted here.",
    )
    label: str = Field(description='E.g. "fact-checked: 2 unsupported claims removed (91% supported)".')
    removed_claims: list[RemovedClaim] = Field(description="Unsupported claims that were removed.")


class BriefEngine(_BriefModel):
    kind: str
    model: str | None = None
    label: str


class BriefView(_BriefModel):
    """A fact-checked brief (written by headlinez.briefs): 2-3 paragraphs, quick answers, citations."""

    version: int = Field(ge=0, description="The trend version the brief was written from.")
    paragraphs: list[BriefParagraph]
    quick_answers: list[QuickAnswer] = Field(default_factory=list)
    citations: list[BriefCitation]
    fact_check: FactCheck
    engine: BriefEngine
    generated_at: datetime
    updated_at: datetime


class TrendDetail(TrendSummary):
    """A trend with its intelligence, brief and coverage (newest first)."""

    topics: list[TopicRef]
    related: list[RelatedRef]
    merged_into: str | None = Field(default=None, description="Id of the trend this one was folded into.")
    velocity_series: list[VelocityPoint] = Field(
        description=f"Hourly velocity, oldest first, at most the last {VELOCITY_SERIES_HOURS} hours."
    )
    velocity_explanation: str
    brief: BriefView | None = Field(description="The fact-checked brief; null when none is published yet.")
    brief_status: Literal["published", "queued", "unavailable", "none"] = Field(
        default="none",
        description="'published'; 'queued': a public trend whose brief is being written (every public "
        "trend gets one within an update cycle, or when the day's token budget allows); 'unavailable': "
        "a brief is stored but cannot be shown now (e.g. during a deploy; `brief` is null); 'none': a "
        "candidate (briefs start at 2 newsrooms) or a closed trend.",
    )
    coverage: list[CoverageItem] = Field(description="The newest articles; all of them when "
                                         "coverage_next_cursor is null.")
    coverage_next_cursor: str | None = Field(
        description="Pass as `cursor` to the articles resource for the older articles."
    )
    newsrooms: list[NewsroomCoverage] = Field(
        default_factory=list, description="The articles of `coverage` grouped by newsroom: each newsroom "
        "once, newest coverage first. Every article's newsroom is listed, wire copies included, so this "
        "may hold more newsrooms than `sources` counts."
    )
    generated_at: datetime

    @classmethod
    def build(cls, state: TrendState, members: Sequence[TrendMember], now: datetime, *,
              brief: BriefView | None = None, coverage_next_cursor: str | None = None) -> TrendDetail:
        return cls.model_validate({
            **_summary_fields(state, now),
            "topics": [_topic_ref(topic, candidate=not is_public(state))
                       for topic in _intel_list(state, "topics")],
            "related": [_related_ref(related) for related in _intel_list(state, "related")],
            "merged_into": getattr(state, "merged_into", None),
            "velocity_series": [VelocityPoint(hour=hour, velocity=value)
                                for hour, value in velocity_series(state, now)],
            "velocity_explanation": VELOCITY_EXPLANATION,
            "brief": brief,
            "brief_status": "published" if brief is not None else (
                "queued" if state.is_open and not state.merged_into and is_public(state) else "none"),
            "coverage": coverage_items(members),
            "coverage_next_cursor": coverage_next_cursor,
            "newsrooms": newsroom_coverage(members),
            "generated_at": now,
        })


class TrendPage(_Model):
    """One page of a trend list."""

    items: list[TrendSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page. "
        "A page may hold fewer items than `limit`, even none, when filters removed some."
    )
    generated_at: datetime


class TopicPage(TrendPage):
    """Open trends about one topic."""

    topic: str = Field(description="The topic's slug.")
    name: str | None = Field(description="The topic's name, from a trend of this page; null if none.")


class SearchPage(TrendPage):
    query: str
    terms: list[str] = Field(description="The words searched for (every one must match).")


class ArticlePage(_Model):
    trend_id: str
    items: list[CoverageItem]
    next_cursor: str | None
    generated_at: datetime


class CategoryLinks(_Model):
    trends: str
    html: str
    rss: str
    atom: str


class CategoryItem(_Model):
    id: Category
    name: str
    links: CategoryLinks


class CategoryList(_Model):
    items: list[CategoryItem]


FeedHealthStatus = Literal["ok", "failing", "never_polled"]


class FeedHealthItem(_Model):
    feed_id: str
    outlet: str
    status: FeedHealthStatus = Field(description="failing: the last attempt failed.")
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_errors: int = Field(ge=0)
    articles_24h: int = Field(ge=0, description="Articles ingested from this feed in the last 24 hours.")


class FeedHealth(_Model):
    checked_at: datetime | None = Field(description="The latest poll of any feed (data freshness).")
    feeds: list[FeedHealthItem]
    generated_at: datetime


class PredictionTally(_Model):
    code: str = Field(description="The prediction's code, e.g. 'fades'.")
    text: str = Field(description='Its sentence, e.g. "fades by tomorrow".')
    said: int = Field(ge=0, description="Scored predictions that said it (one per public trend and hour).")
    right: int = Field(ge=0, description="Of those, the ones that came true.")


class TrackRecordView(_Model):
    """How past predictions turned out (headlinez.domain.prediction.TrackRecord)."""

    scored: int = Field(ge=0, description="Predictions whose 24 hours have passed and were scored.")
    accuracy: float | None = Field(description="Share of scored predictions that came true.")
    always_fades_accuracy: float | None = Field(description='Baseline: always predicting "fades".')
    persistence_accuracy: float | None = Field(description="Baseline: the last 24 hours' change carried on.")
    by_prediction: list[PredictionTally] = Field(
        default_factory=list, description='"we said X for N trends; right in M", per prediction.')


class Health(_Model):
    status: Literal["ok"] = "ok"
    time: datetime
    version: str


class ProblemFieldError(_Model):
    loc: list[str | int] = Field(description="Where the invalid value is, e.g. ['query', 'limit'].")
    type: str = Field(description="Machine-readable error type, e.g. 'int_parsing'.")
    msg: str = Field(description="Human-readable message.")


class Problem(_Model):
    """RFC 9457 problem details (`application/problem+json`)."""

    # sent without its null members (`_problem_response`): those stay optional in the document
    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    type: str = Field(default="about:blank", description="URI reference identifying the problem type.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(default=None, description="The request path.")
    request_id: str | None = Field(default=None, description="Also sent as the X-Request-Id header.")
    errors: list[ProblemFieldError] | None = Field(
        default=None, description="Validation errors with their locations (422 only)."
    )


# --- Pure builders ------------------------------------------------------------------------------


def trend_links(trend_id: str) -> TrendLinks:
    return TrendLinks.model_validate({"self": f"/trends/{trend_id}", "html": f"/trend/{trend_id}",
                                      "articles": f"/trends/{trend_id}/articles"})


def category_list() -> CategoryList:
    return CategoryList(items=[
        CategoryItem.model_validate({"id": category, "name": CATEGORY_NAMES[category], "links": {
            "trends": f"/trends?category={category}", "html": f"/?category={category}",
            "rss": f"/categories/{category}/trends.rss", "atom": f"/categories/{category}/trends.atom",
        }})
        for category in CATEGORIES
    ])


def coverage_items(members: Iterable[TrendMember]) -> list[CoverageItem]:
    """Newest first; ties broken by article id so the order is stable."""
    ordered = sorted(members, key=lambda m: m.article_id)
    ordered.sort(key=lambda m: m.published, reverse=True)
    return [CoverageItem(article_id=m.article_id, title=m.title, outlet=m.outlet,
                         publisher_family=m.publisher_family, published=m.published, url=m.url,
                         language=m.language)
            for m in ordered]


def newsroom_coverage(members: Iterable[TrendMember]) -> list[NewsroomCoverage]:
    """The coverage grouped by newsroom (`headlinez.domain.newsrooms.group_by_newsroom`)."""
    return [NewsroomCoverage(publisher_family=group.publisher_family, name=group.name,
                             outlets=list(group.outlets), articles=coverage_items(group.members))
            for group in group_by_newsroom(members)]


def feed_health(states: Iterable[FeedState], articles_24h: Mapping[str, int], now: datetime) -> FeedHealth:
    items = []
    for state in sorted(states, key=lambda s: (s.outlet or s.feed_id).casefold()):
        if state.last_attempt_at is None:
            status: FeedHealthStatus = "never_polled"
        elif state.consecutive_errors > 0:
            status = "failing"
        else:
            status = "ok"
        items.append(FeedHealthItem(
            feed_id=state.feed_id, outlet=state.outlet or state.feed_id, status=status,
            last_attempt_at=state.last_attempt_at, last_success_at=state.last_success_at,
            last_error=state.last_error, last_error_at=state.last_error_at,
            consecutive_errors=max(state.consecutive_errors, 0),
            articles_24h=articles_24h.get(state.feed_id, 0),
        ))
    attempts = [item.last_attempt_at for item in items if item.last_attempt_at is not None]
    return FeedHealth(checked_at=max(attempts, default=None), feeds=items, generated_at=now)


def velocity_series(state: TrendState, now: datetime,
                    hours: int = VELOCITY_SERIES_HOURS) -> list[tuple[datetime, float]]:
    """(hour, velocity at the start of the next hour) for the last `hours` UTC hours up to the
    current one, from the hour the trend was first seen at the earliest, oldest first: the chart's
    series (its last point, the current hour's, is the velocity at the top of this hour, which
    the page shows as "velocity")."""
    end = hour_floor(now)
    born = hour_floor(state.first_seen)
    if not state.hourly or born > end:
        return []
    return completed_hour_series(state, now, hours)


def recent_velocities(state: TrendState, now: datetime, hours: int = SPARKLINE_HOURS) -> list[float]:
    """The chart's values for each of the last `hours` UTC hours up to `now`, oldest first (0 for
    hours before the trend was first seen): the list page's sparkline."""
    values = [value for _, value in velocity_series(state, now, hours)]
    return [0.0] * (hours - len(values)) + values


def _intel_list(state: TrendState, name: str) -> list[Any]:
    """Trend-intelligence fields are read with getattr: older documents may not have them."""
    return list(getattr(state, name, None) or [])


def _field(value: Any, name: str, default: Any = None) -> Any:
    if isinstance(value, Mapping):
        return value.get(name, default)
    return getattr(value, name, default)


def _topic_ref(topic: Any, *, candidate: bool = False) -> TopicRef:
    """A topic of a trend; a candidate's links include candidates, or its own topic's list would
    leave it out."""
    slug = str(_field(topic, "slug", ""))
    query = "?include=candidates" if candidate else ""
    return TopicRef.model_validate({
        "name": str(_field(topic, "name", slug)), "kind": str(_field(topic, "kind", "term")), "slug": slug,
        "links": {"self": f"/topics/{slug}{query}", "html": f"/topic/{slug}{query}"},
    })


def _related_ref(related: Any) -> RelatedRef:
    trend_id = str(_field(related, "trend_id", ""))
    newsrooms = _field(related, "candidate_newsrooms", None)
    label = None if newsrooms is None else candidate_label(int(newsrooms))
    return RelatedRef(id=trend_id, headline=str(_field(related, "headline", "")),
                      score=float(_field(related, "score", 0.0)),
                      reason=str(_field(related, "reason", "") or ""), label=label,
                      links=trend_links(trend_id))


def _prediction(state: TrendState) -> Prediction | None:
    text = getattr(state, "prediction", None)
    if not text:
        return None
    return Prediction(text=str(text), code=getattr(state, "prediction_code", None),
                      confidence=getattr(state, "prediction_confidence", None))


def _category(state: TrendState) -> str | None:
    category = getattr(state, "category", None)
    return category if category in CATEGORIES else None


def _summary_fields(state: TrendState, now: datetime) -> dict[str, object]:
    hourly = sorted(state.hourly, key=lambda b: b.hour)
    public = is_public(state)  # a candidate was never detected: no detection time, no growth since
    series = completed_hour_series(state, now)
    return {
        "id": state.trend_id,
        "headline": state.headline,
        "second_headline": state.second_headline,
        "status": getattr(state, "status", None),
        "status_since": getattr(state, "status_since", None),
        "covered_again_at": covered_again_at(state),
        "open": state.is_open,
        "category": _category(state),
        # A candidate's would come from a model fitted and scored on stories of 2+ newsrooms
        # only: "65% confidence" on one article, never checked (a reader's review, allowed days)
        "prediction": _prediction(state) if public else None,
        "sources": state.source_count,
        "candidate": not public,
        "label": None if public else candidate_label(state.source_count),
        "articles": state.article_count,
        "outlets": list(state.outlets[:MAX_OUTLETS]),
        "first_seen": state.first_seen,
        "last_seen": state.last_seen,
        "first_detected": first_detected(state) if public else None,
        # At the top of the hour, as the status reads it: stable (and cacheable) within the hour.
        "velocity": (velocity := velocity_at(state, hour_floor(now))),
        "new_this_hour": velocity == 0 and state.first_seen >= hour_floor(now),
        # One series for both (the same completed hours: the top of this hour ends none of them)
        "growth_percent": growth_since_first_seen(state, hour_floor(now), series) if public else None,
        "percent_of_peak": percent_of_peak(state, now, series),
        "hourly": [HourPoint(hour=b.hour, articles=b.articles, sources=len(set(b.sources))) for b in hourly],
        "velocity_24h": recent_velocities(state, now),
        "links": trend_links(state.trend_id),
    }
