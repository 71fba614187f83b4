"""Server-rendered pages: pure functions from the API's response models to HTML documents.

No JavaScript, no external resource (one same-origin stylesheet), semantic landmarks. The markup
lives in Jinja2 templates (`templates/*.html`, autoescaped: every piece of feed text is escaped,
feed URLs become links only through the `safe_url` filter); this module shapes the view (links,
titles, formatted numbers, sentences) and picks the template. A section whose data does not exist
yet says so plainly; nothing is made up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from headlinez.domain.lifecycle import ARROWS as STATUS_ARROWS
from headlinez.domain.lifecycle import COVERED_AGAIN_MEANING, FROM_PEAK_MEANING, STATUS_MEANINGS
from headlinez.domain.newsrooms import STORY_WINDOWS, TREND_DEFINITION
from headlinez.domain.prediction import CONFIDENCE_STEP
from headlinez.domain.prediction import load_model as load_prediction_model
from headlinez.domain.velocity import (
    DIVERSITY_HALF_LIFE_HOURS,
    FAMILY_WINDOW_ARTICLE_CAP,
    RATE_HALF_LIFE_HOURS,
    WINDOW_HOURS,
)
from headlinez.models import iso_utc
from headlinez.views.reads import BriefState
from headlinez.views.schemas import (
    CATEGORY_NAMES,
    VELOCITY_EXPLANATION,
    CategoryList,
    FeedHealth,
    Prediction,
    TopicPage,
    TrackRecordView,
    TrendDetail,
    TrendPage,
    TrendSummary,
)
from headlinez.web.assets import CSS_PATH
from headlinez.web.html import Markup, ago, el, href, join, safe_url
from headlinez.web.svg import sparkline, velocity_chart, velocity_text

if TYPE_CHECKING:
    from jinja2 import Environment

SITE = "headlinez"
STATUSES = ("emerging", "rising", "peaking", "fading", "cooled")
ARROWS = STATUS_ARROWS  # distinct marks for Rising (↗) and Peaking (▲)
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
HTML_CONTENT_TYPE = "text/html; charset=utf-8"


# --- Templates ----------------------------------------------------------------------------------


@cache
def templates() -> Environment:
    """The pages' Jinja2 environment, built on the first page of an execution environment.

    Imported here, not at the top: the resolver imports this module on its first request, and a
    cold start that serves only JSON does not pay for Jinja2 (docs/decisions.md, D-templates)."""
    from headlinez.web.templating import build_environment

    return build_environment(
        filters={
            "safe_url": safe_url,
            "iso": iso_utc,
            "ago": ago,
            "utc_minute": _utc_minute,
            "velocity": velocity_text,
            "prediction_text": prediction_text,
            "checked_by": _checked_by_text,
            "card_sparkline": _card_sparkline,
            "direction": text_direction,
            "quotations_isolated": quotations_isolated,
        },
        globals_={
            "site": SITE,
            "css_path": CSS_PATH,
            "trend_definition": TREND_DEFINITION,
            "velocity_explanation": VELOCITY_EXPLANATION,
            "arrows": ARROWS,
            "status_help": STATUS_MEANINGS,  # the rules' own words, never restated here
            "covered_again_help": COVERED_AGAIN_MEANING,
            "from_peak_help": FROM_PEAK_MEANING,
            "statuses": STATUSES,
            "category_names": CATEGORY_NAMES,
            "href": href,
        },
    )


def _render(template: str, **context: Any) -> str:
    return templates().get_template(template).render(context)


# --- View shaping (filters) ---------------------------------------------------------------------


def _utc_minute(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# A quotation in a claim: straight or curly double quotes around at least two characters
_QUOTATION = re.compile(r'(["\u201c])([^"\u201c\u201d]{2,}?)(["\u201d])')


def quotations_isolated(text: str) -> Markup:
    """The claim's text, escaped, with each quotation whose direction differs from the claim's in
    a `<bdi>`: "Al Jazeera leads with "دشن ولي العهد ..."" laid the quote marks and the words after
    the quotation out by the bidi algorithm, so the closing mark landed inside the Arabic words."""
    outer = text_direction(text)
    parts: list[object] = []
    position = 0
    for match in _QUOTATION.finditer(text):
        quoted = match.group(2)
        if text_direction(quoted) in ("auto", outer):
            continue
        parts += [text[position: match.start(2)], el("bdi", None, quoted)]
        position = match.end(2)
    parts.append(text[position:])
    return join(parts)


def text_direction(texts: str | Iterable[str]) -> str:
    """"rtl" or "ltr" from the first strong letter of the text (of the first text that has one),
    as `dir="auto"` decides, or "auto" when there is none.

    For a block that holds feed text in inline isolates (a brief paragraph of claims, a quick
    answer and its citations): `dir="auto"` on the block looks past children that carry a `dir` of
    their own, so it found no letter and laid an Arabic paragraph out left to right, each wrapped
    line starting at the left and the next claim's first words placed before the end of the one
    before it on the shared line (read right to left: the second sentence, then the first one's
    end)."""
    for text in [texts] if isinstance(texts, str) else texts:
        for char in text:
            kind = unicodedata.bidirectional(char)
            if kind in ("R", "AL"):
                return "rtl"
            if kind == "L":
                return "ltr"
    return "auto"


def prediction_text(prediction: Prediction) -> str:
    """ "predicts: fades by tomorrow · 78% confidence" (no confidence: nothing was forecast).

    The stated probability of the predicted code is 50% or more (domain.prediction divides the
    training base rates out); a record stored before that change may hold a raw probability under
    50%: then it is a chance, not a confidence ("· 30% chance, above the usual")."""
    if prediction.confidence is None:
        return f"predicts: {prediction.text}"
    percent = f"{prediction.confidence * 100:.0f}%"
    if prediction.confidence < 0.5:
        return f"predicts: {prediction.text} \u00b7 {percent} chance, above the usual"
    return f"predicts: {prediction.text} \u00b7 {percent} confidence"


def _card_sparkline(item: TrendSummary) -> Markup:
    peak = max(item.velocity_24h, default=0.0)
    label = (
        f"Velocity over the last {len(item.velocity_24h)} hours: now {velocity_text(item.velocity)}, "
        f"peak {velocity_text(peak)}"
    )
    return sparkline(item.velocity_24h, label=label)


def _checked_by_text(counts: dict[str, int]) -> str:
    """' · paragraph claims kept: 5 word for word, 2 by meaning, 1 by the verifier model' (the API's
    counts; the checked claims also count the answered quick answers)."""
    names = (("literal", "word for word"), ("semantic", "by meaning"), ("model", "by the verifier model"))
    parts = [f"{counts[key]} {label}" for key, label in names if counts.get(key)]
    return f" · paragraph claims kept: {', '.join(parts)}" if parts else ""


def _candidates_toggle(path: str, include: str | None, **query: str | None) -> str:
    """The link that switches between trends only and trends with candidates."""
    if include == "candidates":
        return href(path, **query)
    return href(path, **query, include="candidates")


def _no_brief_text(detail: TrendDetail, brief_state: BriefState) -> str:
    if brief_state == "unavailable":
        return "A brief exists but cannot be shown right now."
    if detail.brief_status == "queued":
        return "Brief queued: every trend gets a fact-checked brief within an update cycle."
    return "No brief yet: briefs are written once two newsrooms cover the story."


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def track_record_text(track: TrackRecordView | None) -> str:
    if track is None or track.scored == 0:
        return (
            "Track record: no prediction has been scored yet. Predictions are scored once their 24 hours "
            "have passed; the accuracy appears here from then on."
        )
    said = "; ".join(f"we said \u201c{t.text}\u201d {t.said} time{'' if t.said == 1 else 's'}, "
                     f"right in {t.right}" for t in track.by_prediction)
    return (
        # one prediction per public trend and hour: say so, or a reader takes them for N stories
        f"Track record: {track.scored} hourly predictions scored (one per trend and hour), "
        f"{_percent(track.accuracy)} came true "
        f"(baselines: always \u201cfades\u201d {_percent(track.always_fades_accuracy)}, "
        f"\u201cthe last 24 hours carry on\u201d {_percent(track.persistence_accuracy)})"
        + (f": {said}." if said else ".")
    )


# --- Pages --------------------------------------------------------------------------------------


def home_page(
    page: TrendPage,
    *,
    categories: CategoryList,
    category: str | None,
    status: str | None,
    checked_at: datetime | None,
    now: datetime,
    cursor: str | None,
    include: str | None = None,
    notice: str = "",
) -> str:
    current = href("/", category=category, status=status, include=include)
    # (mark, text, link): the mark is a status's symbol, hidden from screen readers ("north east
    # arrow Rising")
    category_options = [("", "All", href("/", status=status, include=include))] + [
        ("", c.name, href("/", category=c.id, status=status, include=include)) for c in categories.items
    ]
    status_options = [("", "Any status", href("/", category=category, include=include))] + [
        (ARROWS[s], s.capitalize(), href("/", category=category, status=s, include=include))
        for s in STATUSES
    ]
    title = f"{CATEGORY_NAMES[category]} trends" if category else "Trends"
    if status:
        title += f" · {status.capitalize()}"
    if cursor:
        title += " · more"  # a page after the first: its own title in the history and the tabs
    feed_path = f"/categories/{category}/trends.rss" if category else "/trends.rss"
    next_href = (
        href("/", category=category, status=status, include=include, cursor=page.next_cursor)
        if page.next_cursor
        else None
    )
    return _render(
        "home.html",
        notice=notice,
        title=title,
        page=page,
        category=category,
        status=status,
        cursor=cursor,
        include=include,
        checked_at=checked_at,
        now=now,
        current=current,
        category_options=category_options,
        status_options=status_options,
        toggle_href=_candidates_toggle("/", include, category=category, status=status),
        next_href=next_href,
        feed_path=feed_path,
        atom_path=feed_path.removesuffix(".rss") + ".atom",
        json_path=href("/trends", category=category, status=status),
    )


def trend_page(
    detail: TrendDetail, *, brief_state: BriefState, checked_at: datetime | None, now: datetime,
    notice: str = "",
) -> str:
    series = [(point.hour, point.velocity) for point in detail.velocity_series]
    chart = (
        velocity_chart(series, title=f"Hourly velocity of this trend over the last {len(series)} hours")
        if series
        else None
    )
    brief = detail.brief
    return _render(
        "trend.html",
        notice=notice,
        title=detail.headline,
        detail=detail,
        brief=brief,
        known={citation.id for citation in brief.citations} if brief is not None else set(),
        no_brief_text=_no_brief_text(detail, brief_state),
        chart=chart,
        checked_at=checked_at,
        now=now,
    )


def topic_page(page: TopicPage, *, now: datetime, cursor: str | None, include: str | None = None,
               notice: str = "") -> str:
    name = page.name or page.topic
    path = f"/topic/{page.topic}"
    return _render(
        "topic.html",
        notice=notice,
        title=f"Topic: {name}" + (" · more" if cursor else ""),
        name=name,
        page=page,
        cursor=cursor,
        include=include,
        now=now,
        toggle_href=_candidates_toggle(path, include),
        next_href=href(path, include=include, cursor=page.next_cursor) if page.next_cursor else None,
    )


def feed_health_page(health: FeedHealth, *, now: datetime, notice: str = "") -> str:
    return _render(
        "feed_health.html",
        notice=notice,
        title="Feed health",
        health=health,
        failing=sum(1 for feed in health.feeds if feed.status == "failing"),
        now=now,
    )


def how_page(track: TrackRecordView | None = None, *, notice: str = "") -> str:
    return _render(
        "how.html",
        notice=notice,
        title="How this works",
        track_record=track_record_text(track),
        calibration=load_prediction_model().calibration,
        confidence_step=round(CONFIDENCE_STEP * 100),
        rate_half_life=f"{RATE_HALF_LIFE_HOURS:g}",
        diversity_half_life=f"{DIVERSITY_HALF_LIFE_HOURS:g}",
        family_cap=FAMILY_WINDOW_ARTICLE_CAP,
        window_hours=WINDOW_HOURS,
        story_windows=STORY_WINDOWS,
    )


def error_page(title: str, detail: str | None, errors: Sequence[tuple[str, str]] = ()) -> str:
    """An error page; `errors` are (parameter, what is wrong with it), listed by name: a page
    reader has no JSON `errors` array to look at."""
    return _render("error.html", title=title, detail=detail, errors=list(errors), notice="")
