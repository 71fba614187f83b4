"""The page routes, registered on the API's resolver: same reads, same models, HTML out.

| page | reads |
|---|---|
| `/` (`category`, `status`, `cursor`) | trend list Query + feed states Query (once a minute at most) |
| `/trend/{id}` | the detail reads (Query + GetItem at most) + the feed states Query (as `/`) |
| `/topic/{slug}` | the topic Query |
| `/feed-health` | as GET /feeds/health |
| `/how-it-works` | the predictions' track record (GetItem) |
| `/assets/site.css` | none (cached for a day) |

Every page carries a strict Content-Security-Policy (no script at all, styles from this origin
only), `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and `X-Frame-Options`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from headlinez.ports import TrendQuery
from headlinez.views.reads import ApiReads
from headlinez.views.schemas import (
    TOPIC_SLUG_PATTERN,
    TREND_ID_PATTERN,
    Category,
    Include,
    LifecycleStatus,
    Problem,
    category_list,
)
from headlinez.web import pages
from headlinez.web.assets import CSS, CSS_PATH

PAGE_PREFIXES = ("/trend/", "/topic/")
PAGE_PATHS = frozenset({"/", "/how-it-works", "/feed-health"})
PageResponses = Callable[..., dict[int, OpenAPIResponse]]

CursorParam = Annotated[str | None, Query(description="Next-page cursor of the page.")]
IncludeParam = Annotated[
    Include | None,
    Query(description="`candidates`: also list single-newsroom candidates, labelled. Default: trends only "
          "(2+ independent newsrooms)."),
]


def is_page_path(path: str) -> bool:
    """A path a browser asks for (its errors are HTML pages), with or without a trailing slash."""
    return path in PAGE_PATHS or path.rstrip("/") in PAGE_PATHS or path.startswith(PAGE_PREFIXES)


def _html(body: str, status: int = HTTPStatus.OK, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type=pages.HTML_CONTENT_TYPE,
        body=body,
        headers={**pages.PAGE_HEADERS, **(headers or {})},
    )


def page_problem_response(problem: Problem, request_id: str) -> Response[str]:
    """An error on a page route, as a page (never cached)."""
    return _html(
        pages.error_page(problem.title, problem.detail,
                         [(str(error.loc[-1]), error.msg) for error in problem.errors or []]),
        problem.status,
        {"Cache-Control": "no-store", "X-Request-Id": request_id},
    )


def register_pages(
    app: APIGatewayHttpResolver, reads: ApiReads, *, page_size: int, page_responses: PageResponses,
    notice: str = "",
) -> None:
    """The pages' routes; `notice` (the SITE_NOTICE setting) is shown under every page's header,
    with `{now}` replaced by the page's time."""
    tags = ["pages"]

    def site_notice() -> str:
        return notice.replace("{now}", f"{reads.now().astimezone(UTC):%Y-%m-%d %H:%M} UTC") if notice else ""

    @app.get("/", summary="Home: ranked trends", tags=tags, responses=page_responses(HTTPStatus.BAD_REQUEST))
    def home(
        category: Annotated[Category | None, Query(description="Only trends of this category.")] = None,
        status: Annotated[LifecycleStatus | None, Query(description="Only trends with this status.")] = None,
        cursor: CursorParam = None,
        include: IncludeParam = None,
    ) -> Response[str]:
        query = TrendQuery(category=category, status=status, include_candidates=include == "candidates")
        page = reads.trend_page(query, page_size, cursor)
        return _html(
            pages.home_page(
                page,
                categories=category_list(),
                category=category,
                status=status,
                checked_at=reads.freshness(),
                now=reads.now(),
                cursor=cursor,
                include=include,
                notice=site_notice(),
            )
        )

    @app.get(
        "/trend/<trend_id>",
        summary="A trend's page",
        tags=tags,
        responses=page_responses(HTTPStatus.NOT_FOUND),
    )
    def trend(
        trend_id: Annotated[str, Path(pattern=TREND_ID_PATTERN, description="Trend id.")],
    ) -> Response[str]:
        result = reads.trend_detail(trend_id)
        return _html(
            pages.trend_page(
                result.detail, brief_state=result.brief_state, checked_at=reads.freshness(), now=reads.now(),
                notice=site_notice(),
            )
        )

    @app.get(
        "/topic/<slug>", summary="A topic's page (a 404 when no open trend names it)", tags=tags,
        responses=page_responses(HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND),
    )
    def topic(
        slug: Annotated[str, Path(pattern=TOPIC_SLUG_PATTERN, description="Topic slug.")],
        cursor: CursorParam = None,
        include: IncludeParam = None,
    ) -> Response[str]:
        page = reads.topic_page(slug, page_size, cursor, include_candidates=include == "candidates")
        body = pages.topic_page(page, now=reads.now(), cursor=cursor, include=include, notice=site_notice())
        if page.items or cursor or page.next_cursor:
            # an empty first page with a cursor: a Query page (1 MB) held no match, later ones may
            return _html(body)
        # A topic no open trend names: the same page, as a 404 so that a crawler or a link checker
        # does not keep it as a page of its own (the JSON route keeps its documented empty list).
        return _html(body, HTTPStatus.NOT_FOUND, {"Cache-Control": "no-store"})

    @app.get("/feed-health", summary="Feed health page", tags=tags, responses=page_responses())
    def feed_health() -> Response[str]:
        return _html(pages.feed_health_page(reads.feed_health(), now=reads.now(), notice=site_notice()))

    @app.get("/how-it-works", summary="How this works", tags=tags, responses=page_responses())
    def how() -> Response[str]:
        return _html(pages.how_page(reads.track_record(), notice=site_notice()))

    @app.get(CSS_PATH, include_in_schema=False, enable_validation=False)
    def stylesheet() -> Response[Any]:
        return Response(
            status_code=HTTPStatus.OK,
            content_type="text/css; charset=utf-8",
            body=CSS,
            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )
