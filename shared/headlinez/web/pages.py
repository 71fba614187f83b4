"""Server-rendered pages: pure functions from the API's response models to HTML documents.

No JavaScript, no external resource (one same-origin stylesheet), semantic landmarks, every
piece of feed text escaped by `headlinez.web.html`. A section whose data does not exist yet says
so plainly; nothing is made up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from headlinez.api.reads import BriefState
from headlinez.api.schemas import (
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
from headlinez.domain.lifecycle import ARROWS as STATUS_ARROWS
from headlinez.domain.newsrooms import TREND_DEFINITION
from headlinez.domain.velocity import (
    DIVERSITY_HALF_LIFE_HOURS,
    FAMILY_WINDOW_ARTICLE_CAP,
    RATE_HALF_LIFE_HOURS,
    WINDOW_HOURS,
)
from headlinez.web.assets import CSS_PATH
from headlinez.web.html import Markup, el, external_link, href, time_el
from headlinez.web.svg import sparkline, velocity_chart

SITE = "headlinez"
STATUSES = ("emerging", "rising", "peaking", "fading", "cooled")
ARROWS = STATUS_ARROWS  # distinct marks for Rising (↗) and Peaking (▲)
STATUS_HELP = {
    "emerging": "new, not yet established",
    "rising": "coverage accelerating hour on hour",
    "peaking": "at or near its highest pace",
    "fading": "below 60% of its peak pace",
    "cooled": "below 10% of its peak pace",
}
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


# --- Layout -------------------------------------------------------------------------------------


def document(
    title: str,
    body: Iterable[object],
    *,
    freshness: Markup | None = None,
    alternate: tuple[str, str] | None = None,
) -> str:
    """A whole page: head, skip link, site header and navigation, main, footer."""
    head = [
        el("meta", {"charset": "utf-8"}),
        el("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        el("title", {}, f"{title} · {SITE}" if title != SITE else SITE),
        el("link", {"rel": "stylesheet", "href": CSS_PATH}),
        el("link", {"rel": "icon", "href": "data:,"}),  # no favicon request
    ]
    if alternate is not None:
        head.append(
            el(
                "link",
                {
                    "rel": "alternate",
                    "type": "application/rss+xml",
                    "href": alternate[0],
                    "title": alternate[1],
                },
            )
        )
    nav = el(
        "nav",
        {"aria-label": "Site"},
        el(
            "ul",
            {},
            [
                el("li", {}, el("a", {"href": "/"}, "Trends")),
                el("li", {}, el("a", {"href": "/how-it-works"}, "How this works")),
                el("li", {}, el("a", {"href": "/feed-health"}, "Feed health")),
                el("li", {}, el("a", {"href": "/docs"}, "API")),
            ],
        ),
    )
    page = el(
        "html",
        {"lang": "en"},
        el("head", {}, head),
        el(
            "body",
            {},
            el("a", {"class": "skip", "href": "#main"}, "Skip to content"),
            el("header", {"class": "site"}, el("a", {"class": "brand", "href": "/"}, SITE), nav),
            el("main", {"id": "main"}, body),
            el(
                "footer",
                {"class": "site"},
                el(
                    "p",
                    {"class": "note"},
                    freshness,
                    f" {TREND_DEFINITION} Every number on these pages is computed from the feeds, "
                    "nothing is written by hand.",
                ),
            ),
        ),
    )
    return "<!doctype html>\n" + page


def freshness_line(
    checked_at: datetime | None, now: datetime, *, element_id: str | None = "freshness"
) -> Markup:
    attrs = {"class": "freshness", "id": element_id}
    if checked_at is None:
        return el("span", attrs, "Feeds not checked yet.")
    return el("span", attrs, "Feeds checked ", time_el(checked_at, now), ".")


# --- Pieces -------------------------------------------------------------------------------------


def status_badge(status: str | None) -> Markup | None:
    if status is None:
        return None
    return el(
        "span",
        {"class": f"badge status-{status}", "title": STATUS_HELP.get(status, "")},
        f"{ARROWS.get(status, '')} {status.capitalize()}",
    )


def badges(item: TrendSummary) -> Markup:
    parts = [status_badge(item.status)]
    if item.candidate:
        parts.insert(0, el("span", {"class": "badge candidate", "title": TREND_DEFINITION},
                           item.label or "candidate"))
    if item.category:
        parts.append(
            el(
                "a",
                {"class": "badge category", "href": href("/", category=item.category)},
                CATEGORY_NAMES[item.category],
            )
        )
    if item.prediction is not None:
        parts.append(el("span", {"class": "badge prediction"}, prediction_text(item.prediction)))
    if not item.open:
        parts.append(el("span", {"class": "badge"}, "closed"))
    return el("p", {"class": "badges"}, [part for part in parts if part is not None])


def prediction_text(prediction: Prediction) -> str:
    """ "predicts: fades by tomorrow · 78% confidence" (no confidence: nothing was forecast).

    The model states "still in the news" as soon as its probability beats the usual rate for a
    story (most fade), so that probability can be well under 50%: then it is a chance, not a
    confidence ("· 30% chance, above the usual")."""
    if prediction.confidence is None:
        return f"predicts: {prediction.text}"
    percent = f"{prediction.confidence * 100:.0f}%"
    if prediction.confidence < 0.5:
        return f"predicts: {prediction.text} \u00b7 {percent} chance, above the usual"
    return f"predicts: {prediction.text} \u00b7 {percent} confidence"


def _velocity_text(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def counters(item: TrendSummary, now: datetime) -> Markup:
    entries = [
        ("Sources", str(item.sources), "sources"),
        ("Articles", str(item.articles), "articles"),
        ("Velocity", _velocity_text(item.velocity), "velocity"),
    ]
    if item.growth_percent is not None:
        entries.append(("Growth", f"{item.growth_percent:+d}% since first seen", "growth"))
    rows = [
        el("div", {"data-counter": key}, el("dt", {}, label), el("dd", {}, value))
        for label, value, key in entries
    ]
    rows.append(
        el(
            "div",
            {"data-counter": "first-seen"},
            el("dt", {}, "First detected"),
            el("dd", {}, time_el(item.first_seen, now)),
        )
    )
    return el("dl", {"class": "counters"}, rows)


def trend_card(item: TrendSummary, now: datetime) -> Markup:
    peak = max(item.velocity_24h, default=0.0)
    label = (
        f"Velocity over the last {len(item.velocity_24h)} hours: now {_velocity_text(item.velocity)}, "
        f"peak {_velocity_text(peak)}"
    )
    outlets = ", ".join(item.outlets[:4]) + ("…" if len(item.outlets) > 4 else "")
    return el(
        "article",
        {"class": "card", "id": f"trend-{item.id}"},
        el("h2", {}, el("a", {"href": item.links.html}, item.headline)),
        badges(item),
        el("div", {"class": "row"}, counters(item, now), sparkline(item.velocity_24h, label=label)),
        el(
            "p",
            {"class": "meta"},
            "Updated ",
            time_el(item.last_seen, now),
            f" · {outlets}" if outlets else None,
        ),
    )


def _chips(label: str, options: Sequence[tuple[str, str]], current: str) -> Markup:
    items = [
        el("li", {}, el("a", {"href": link, "aria-current": "page" if link == current else None}, text))
        for text, link in options
    ]
    return el("nav", {"aria-label": label}, el("h2", {}, label), el("ul", {"class": "chips"}, items))


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
) -> str:
    current = href("/", category=category, status=status, include=include)
    category_options = [("All", href("/", status=status, include=include))] + [
        (c.name, href("/", category=c.id, status=status, include=include)) for c in categories.items
    ]
    status_options = [("Any status", href("/", category=category, include=include))] + [
        (f"{ARROWS[s]} {s.capitalize()}", href("/", category=category, status=s, include=include))
        for s in STATUSES
    ]
    title = f"{CATEGORY_NAMES[category]} trends" if category else "Trends"
    if status:
        title += f" · {status.capitalize()}"
    body: list[object] = [
        el("h1", {}, title),
        el(
            "p",
            {},
            freshness_line(checked_at, now),
            " Ranked by velocity: how fast coverage is spreading across independent newsrooms.",
        ),
        _definition("/", include, category=category, status=status),
        el(
            "div",
            {"class": "filters"},
            _chips("Category", category_options, current),
            _chips("Status", status_options, current),
        ),
    ]
    if page.items:
        body.append(
            el(
                "ol",
                {"class": "trends", "start": None},
                [el("li", {}, trend_card(item, now)) for item in page.items],
            )
        )
    elif cursor:
        body.append(
            el("p", {}, "No more trends on this page. ", el("a", {"href": current}, "Back to the top"))
        )
    else:
        body.append(
            el(
                "p",
                {"id": "empty"},
                "No trends match these filters right now."
                if category or status
                else "No trends yet: the first feed poll has not finished.",
            )
        )
    if page.next_cursor:
        body.append(
            el(
                "p",
                {"class": "pager"},
                el(
                    "a",
                    {
                        "href": href("/", category=category, status=status, include=include,
                                     cursor=page.next_cursor),
                        "rel": "next",
                    },
                    "More trends →",
                ),
            )
        )
    feed_path = f"/categories/{category}/trends.rss" if category else "/trends.rss"
    body.append(
        el(
            "p",
            {"class": "note"},
            "Follow these trends: ",
            el("a", {"href": feed_path}, "RSS"),
            " · ",
            el("a", {"href": feed_path.removesuffix(".rss") + ".atom"}, "Atom"),
            " · ",
            el("a", {"href": href("/trends", category=category, status=status)}, "JSON"),
        )
    )
    return document(
        title,
        body,
        freshness=freshness_line(checked_at, now, element_id=None),
        alternate=(feed_path, f"{SITE}: {title}"),
    )


def _definition(path: str, include: str | None, **query: str | None) -> Markup:
    """What a trend is, and the switch between trends only and trends with candidates."""
    if include == "candidates":
        switch = [" Single-newsroom candidates are shown too, labelled. ",
                  el("a", {"href": href(path, **query), "id": "candidates-toggle"}, "Show trends only")]
    else:
        switch = [" Stories one newsroom covers are candidates: ",
                  el("a", {"href": href(path, **query, include="candidates"), "id": "candidates-toggle"},
                     "show candidates too")]
    return el("p", {"class": "note", "id": "trend-definition"}, TREND_DEFINITION, switch)


def _section(section_id: str, heading: object, *content: object) -> Markup:
    return el(
        "section",
        {"id": section_id, "aria-labelledby": f"{section_id}-heading"},
        el("h2", {"id": f"{section_id}-heading"}, heading),
        content,
    )


def _cites(ids: Sequence[int], known: set[int]) -> list[Markup]:
    return [
        el("sup", {}, el("a", {"href": f"#cite-{i}", "aria-label": f"source {i}"}, f"[{i}]"))
        for i in ids
        if i in known
    ]


def _checked_by_text(counts: dict[str, int]) -> str:
    """' · kept claims: 5 word for word, 2 by meaning, 1 by the verifier model' (the API's counts)."""
    names = (("literal", "word for word"), ("semantic", "by meaning"), ("model", "by the verifier model"))
    parts = [f"{counts[key]} {label}" for key, label in names if counts.get(key)]
    return f" · kept claims: {', '.join(parts)}" if parts else ""


def _brief_section(detail: TrendDetail, brief_state: BriefState, now: datetime) -> Markup:
    brief = detail.brief
    if brief is None:
        if brief_state == "unavailable":
            text = "A brief exists but cannot be shown right now."
        elif detail.brief_status == "queued":
            text = "Brief queued: every trend gets a fact-checked brief within an update cycle."
        else:
            text = "No brief yet: briefs are written once two newsrooms cover the story."
        return _section("brief", "Brief", el("p", {"class": "empty"}, text))
    known = {citation.id for citation in brief.citations}
    paragraphs = [
        el(
            "p",
            {"data-kind": paragraph.kind},
            [[el("span", {"class": "claim", "data-checked": claim.checked_by}, claim.text),
              _cites(claim.citations, known), " "] for claim in paragraph.claims],
        )
        for paragraph in brief.paragraphs
    ]
    check = el(
        "p",
        {"class": "meta", "id": "brief-check"},
        brief.fact_check.label,
        " · updated ",
        time_el(brief.updated_at, now),
        " · ",
        brief.engine.label,
        _checked_by_text(brief.fact_check.claims_by_method),
    )
    removed = brief.fact_check.removed_claims
    removed_el = (
        el(
            "details",
            {"id": "removed-claims"},
            el("summary", {}, f"Removed claims ({len(removed)})"),
            el(
                "ul",
                {},
                [
                    el("li", {}, claim.text, f" — {'; '.join(claim.reasons)}" if claim.reasons else None)
                    for claim in removed
                ],
            ),
        )
        if removed
        else None
    )
    sources = el(
        "details",
        {"id": "brief-sources"},
        el("summary", {}, f"Sources cited ({len(brief.citations)})"),
        el(
            "ol",
            {},
            [
                el(
                    "li",
                    {"id": f"cite-{c.id}", "value": c.id},
                    el("span", {"class": "outlet"}, c.outlet),
                    " · ",
                    external_link(c.url, c.title),
                )
                for c in brief.citations
            ],
        ),
    )
    return _section("brief", "Brief", paragraphs, check, removed_el, sources)


def _answers_section(detail: TrendDetail) -> Markup:
    answers = detail.brief.quick_answers if detail.brief is not None else []
    if not answers:
        return _section(
            "answers",
            "Quick answers",
            el("p", {"class": "empty"}, "No quick answers yet: they come with the brief."),
        )
    known = {c.id for c in detail.brief.citations} if detail.brief is not None else set()
    rows = [[el("dt", {}, a.question), el("dd", {}, a.answer, _cites(a.citations, known))] for a in answers]
    return _section("answers", "Quick answers", el("dl", {}, rows))


def _coverage_section(detail: TrendDetail, now: datetime) -> Markup:
    """The coverage grouped by newsroom: each newsroom once, then its articles, newest first."""
    items = [
        el(
            "li",
            {"class": "newsroom", "data-newsroom": group.publisher_family},
            el(
                "h3",
                {},
                el("span", {"class": "outlet"}, group.name),
                f" ({len(group.articles)} article{'' if len(group.articles) == 1 else 's'})",
            ),
            el(
                "ul",
                {"class": "articles"},
                [
                    el(
                        "li",
                        {"data-article": item.article_id},
                        time_el(item.published, now),
                        f" · {item.outlet}" if item.outlet != group.name else None,
                        " · ",
                        external_link(item.url, item.title),
                    )
                    for item in group.articles
                ],
            ),
        )
        for group in detail.newsrooms
    ]
    content: list[object] = [
        el("ol", {"class": "coverage"}, items)
        if items
        else el("p", {"class": "empty"}, "No article is stored for this trend any more.")
    ]
    if detail.coverage_next_cursor:
        content.append(
            el(
                "p",
                {"class": "note"},
                f"Showing the newest {len(detail.coverage)} of {detail.articles} articles. ",
                el(
                    "a",
                    {"href": href(detail.links.articles, cursor=detail.coverage_next_cursor)},
                    "Older articles (JSON)",
                ),
            )
        )
    return _section(
        "coverage",
        [
            "Coverage (",
            el("span", {"id": "coverage-count"}, detail.articles),
            f") by {len(detail.newsrooms)} newsroom{'' if len(detail.newsrooms) == 1 else 's'}",
        ],
        content,
    )


def _topics_section(detail: TrendDetail) -> Markup:
    if not detail.topics:
        return _section("topics", "Topics", el("p", {"class": "empty"}, "No topics identified yet."))
    return _section(
        "topics",
        "Topics",
        el(
            "ul",
            {"class": "chips"},
            [
                el("li", {}, el("a", {"href": topic.links.html, "title": topic.kind}, topic.name))
                for topic in detail.topics
            ],
        ),
    )


def _related_section(detail: TrendDetail) -> Markup:
    if not detail.related:
        return _section("related", "Related trends", el("p", {"class": "empty"}, "No related trends yet."))
    return _section(
        "related",
        "Related trends",
        el(
            "ul",
            {},
            [
                el("li", {}, [el("a", {"href": related.links.html}, related.headline),
                              el("span", {"class": "why"}, f" ({related.reason})") if related.reason else ""])
                for related in detail.related
            ],
        ),
    )


def _velocity_section(detail: TrendDetail) -> Markup:
    series = [(point.hour, point.velocity) for point in detail.velocity_series]
    if not series:
        return _section("velocity", "Velocity", el("p", {"class": "empty"}, "No hourly coverage recorded."))
    chart = velocity_chart(series, title=f"Hourly velocity of this trend over the last {len(series)} hours")
    table = el(
        "details",
        {},
        el("summary", {}, "Chart data"),
        el(
            "div",
            {"class": "table-wrap"},
            el(
                "table",
                {},
                el(
                    "thead",
                    {},
                    el(
                        "tr",
                        {},
                        el("th", {"scope": "col"}, "Hour (UTC)"),
                        el("th", {"scope": "col"}, "Velocity"),
                    ),
                ),
                el(
                    "tbody",
                    {},
                    [
                        el(
                            "tr",
                            {},
                            el("td", {}, f"{hour:%Y-%m-%d %H:00}"),
                            el("td", {}, _velocity_text(value)),
                        )
                        for hour, value in series
                    ],
                ),
            ),
        ),
    )
    return _section(
        "velocity",
        "Velocity",
        chart,
        el(
            "p",
            {"id": "velocity-explanation"},
            VELOCITY_EXPLANATION,
            " ",
            el("a", {"href": "/how-it-works#velocity"}, "How this works"),
        ),
        table,
    )


def trend_page(
    detail: TrendDetail, *, brief_state: BriefState, checked_at: datetime | None, now: datetime
) -> str:
    header: list[object] = [badges(detail), el("h1", {"id": "headline"}, detail.headline)]
    if detail.second_headline:
        header.append(el("p", {"class": "second", "id": "second-headline"}, detail.second_headline))
    header.append(counters(detail, now))
    if detail.candidate:
        header.append(
            el(
                "p",
                {"class": "note", "id": "candidate-note"},
                f"Not a trend yet: {TREND_DEFINITION} This {detail.label or 'candidate'} "
                "is listed only with candidates.",
            )
        )
    if detail.merged_into:
        header.append(
            el(
                "p",
                {"class": "note"},
                "This story was merged into ",
                el("a", {"href": f"/trend/{detail.merged_into}"}, "another trend"),
                ".",
            )
        )
    body = [
        el(
            "article",
            {"id": "trend", "data-trend-id": detail.id},
            el("header", {}, header),
            _velocity_section(detail),
            _brief_section(detail, brief_state, now),
            _answers_section(detail),
            _coverage_section(detail, now),
            _topics_section(detail),
            _related_section(detail),
        ),
        el("p", {"class": "note"}, el("a", {"href": detail.links.self_}, "This trend as JSON")),
    ]
    return document(detail.headline, body, freshness=freshness_line(checked_at, now))


def topic_page(page: TopicPage, *, now: datetime, cursor: str | None, include: str | None = None) -> str:
    title = page.name or page.topic
    body: list[object] = [
        el("h1", {}, "Topic: ", title),
        el("p", {"class": "meta"}, "Open trends whose coverage names this topic."),
        _definition(f"/topic/{page.topic}", include),
    ]
    if page.items:
        body.append(
            el("ol", {"class": "trends"}, [el("li", {}, trend_card(item, now)) for item in page.items])
        )
    else:
        body.append(
            el(
                "p",
                {"id": "empty"},
                "No open trend on this page names this topic."
                if cursor
                else "No open trend names this topic right now.",
            )
        )
    if page.next_cursor:
        body.append(
            el(
                "p",
                {"class": "pager"},
                el(
                    "a",
                    {"href": href(f"/topic/{page.topic}", include=include, cursor=page.next_cursor),
                     "rel": "next"},
                    "More trends →",
                ),
            )
        )
    return document(f"Topic: {title}", body)


def feed_health_page(health: FeedHealth, *, now: datetime) -> str:
    failing = sum(1 for feed in health.feeds if feed.status == "failing")
    rows = [
        el(
            "tr",
            {"class": f"feed-{feed.status}"},
            el("th", {"scope": "row"}, feed.outlet),
            el(
                "td",
                {"class": "failing" if feed.status == "failing" else "ok"},
                {
                    "ok": "OK",
                    "failing": f"Failing ({feed.consecutive_errors}×)",
                    "never_polled": "Not polled yet",
                }[feed.status],
            ),
            el("td", {}, time_el(feed.last_success_at, now)),
            el(
                "td",
                {},
                [feed.last_error, " (", time_el(feed.last_error_at, now), ")"] if feed.last_error else "—",
            ),
            el("td", {}, feed.articles_24h),
        )
        for feed in health.feeds
    ]
    body: list[object] = [
        el("h1", {}, "Feed health"),
        el(
            "p",
            {},
            freshness_line(health.checked_at, now),
            f" {len(health.feeds)} feeds, {failing} failing. Each feed is polled at most every 15 minutes, "
            "politely: conditional requests, backoff after errors.",
        ),
    ]
    if rows:
        body.append(
            el(
                "div",
                {"class": "table-wrap"},
                el(
                    "table",
                    {},
                    el("caption", {}, "Every feed we read"),
                    el(
                        "thead",
                        {},
                        el(
                            "tr",
                            {},
                            [
                                el("th", {"scope": "col"}, name)
                                for name in (
                                    "Outlet",
                                    "Status",
                                    "Last success",
                                    "Last error",
                                    "Articles (24 h)",
                                )
                            ],
                        ),
                    ),
                    el("tbody", {}, rows),
                ),
            )
        )
    else:
        body.append(el("p", {"id": "empty"}, "No feed has been polled yet."))
    body.append(el("p", {"class": "note"}, el("a", {"href": "/feeds/health"}, "This page as JSON")))
    return document("Feed health", body, freshness=freshness_line(health.checked_at, now, element_id=None))


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def track_record_text(track: TrackRecordView | None) -> str:
    if track is None or track.scored == 0:
        return (
            "Track record: no prediction has been scored yet. Predictions are scored once their 24 hours "
            "have passed; the accuracy appears here from then on."
        )
    said = "; ".join(f"we said \u201c{t.text}\u201d {t.said} times, right in {t.right}"
                     for t in track.by_prediction)
    return (
        f"Track record: {track.scored} predictions scored, {_percent(track.accuracy)} came true "
        f"(baselines: always \u201cfades\u201d {_percent(track.always_fades_accuracy)}, "
        f"\u201cthe last 24 hours carry on\u201d {_percent(track.persistence_accuracy)})"
        + (f": {said}." if said else ".")
    )


def how_page(track: TrackRecordView | None = None) -> str:
    status_items = [
        el("li", {}, el("strong", {}, f"{ARROWS[s]} {s.capitalize()}"), f": {STATUS_HELP[s]}.")
        for s in STATUSES
    ]
    body = [
        el("h1", {}, "How this works"),
        el(
            "p",
            {},
            "headlinez reads public news feeds every 15 minutes, groups articles about the same "
            "story into trends, and ranks the trends that several independent newsrooms cover.",
        ),
        el(
            "p",
            {"id": "trend-definition"},
            f"{TREND_DEFINITION} A story only one newsroom covers is kept as a candidate: it becomes a "
            "trend when a second newsroom covers it, and until then it is listed only when you ask for "
            "candidates (",
            el("a", {"href": "/?include=candidates"}, "trends and candidates"),
            "), labelled \u201ccandidate (1 newsroom)\u201d.",
        ),
        _section(
            "velocity",
            "Velocity",
            el("p", {}, VELOCITY_EXPLANATION),
            el(
                "p",
                {},
                "Velocity = article rate × newsroom diversity. The rate counts each article with a "
                f"weight that halves every {RATE_HALF_LIFE_HOURS:g} hours after publication (a steady "
                "4 articles an hour scores 4); each newsroom counts with a weight that halves every "
                f"{DIVERSITY_HALF_LIFE_HOURS:g} hours after its latest article. So coverage fades "
                "out smoothly: twelve articles from eight newsrooms over three evening hours score "
                "13.3 at the end of the burst, 9.4 after an hour without news and 6.6 after two "
                "— a night lull halves a story, it does not zero it.",
            ),
            el(
                "p",
                {},
                "We count newsrooms, not feeds: two feeds of one outlet, or the same wire copy "
                "republished, count once.",
            ),
            el(
                "p",
                {"id": "ranking"},
                "The list is ranked by velocity plus the number of newsrooms (fading with the hours "
                "since the last article). For the ranking each newsroom counts at most "
                f"{FAMILY_WINDOW_ARTICLE_CAP} articles in the {WINDOW_HOURS} hours, so one newsroom "
                "publishing a hundred items "
                "cannot outrank a story many newsrooms cover.",
            ),
        ),
        _section(
            "status",
            "Status",
            el(
                "p",
                {},
                "Each trend's status is read from its hourly velocity, "
                "compared with its own peak, and changes at most once an hour:",
            ),
            el("ul", {}, status_items),
        ),
        _section(
            "prediction",
            "Prediction and its track record",
            el(
                "p",
                {},
                "A prediction says what a trend's velocity will be 24 hours later compared with "
                "now: fades (a quarter or less), still in the news, or still building. It is read from the "
                "trend's own series: how fast it decays after its peak, and how many newsrooms cover it.",
            ),
            el(
                "p",
                {"id": "track-record"},
                track_record_text(track),
            ),
        ),
        _section(
            "contract",
            "The no-invention contract and the fact-check",
            el(
                "p",
                {},
                "A brief is written only from the headlines and snippets of the trend's articles. "
                "Every claim must cite the articles that support it; quotes are checked word for word. "
                "Claims that no article supports are removed, and the removed ones are listed under the "
                "brief, with the share of claims that were supported.",
            ),
            el(
                "p",
                {},
                "Quick answers follow the same rule: when the coverage does not say, the answer "
                "says so (\u201cCoverage does not yet specify \u2026\u201d).",
            ),
        ),
        _section(
            "freshness",
            "Freshness",
            el(
                "p",
                {},
                "Every page says when the feeds were last checked; the ",
                el("a", {"href": "/feed-health"}, "feed health"),
                " page lists each feed's last success, last error and articles in the last 24 hours.",
            ),
        ),
    ]
    return document("How this works", body)


def error_page(status: int, title: str, detail: str | None) -> str:
    return document(
        title,
        [
            el("h1", {}, title),
            el("p", {}, detail or ""),
            el("p", {}, el("a", {"href": "/"}, "Back to the trends")),
        ],
    )
