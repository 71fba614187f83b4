"""The public API and the pages: a Powertools resolver over the repository Protocols.

`build_resolver` wires routes, validation, errors and HTTP caching; it does no I/O itself and
takes its repositories, settings and clock as arguments, so tests run it on in-memory fakes.
The read use cases live in `headlinez.views.reads`, the pages in `headlinez.web`.

JSON routes (API Gateway HTTP API, payload format 2.0); the DynamoDB reads are the access
patterns of docs/architecture.md:

| route | answer | reads |
|---|---|---|
| `GET /trends?category&status&since&sort&limit&cursor` | `TrendPage` | 1 Query (gsi1 or gsi3) |
| `GET /trends/{trend_id}` | `TrendDetail`: intelligence, brief, newest 200 articles | Query + GetItem |
| `GET /trends/{trend_id}/articles?limit&cursor` | `ArticlePage`, newest first | 1 Query (+GetItem) |
| `GET /topics/{slug}` | `TopicPage`: open trends naming the topic | 1 Query (filtered) |
| `GET /search?q=` | `SearchPage`: open trends whose titles/topics hold every word | 1 Query (filtered) |
| `GET /categories` | `CategoryList` | none |
| `GET /feeds/health` | `FeedHealth`: each feed's last success/error, articles in 24 h | 1 + 25 Queries |
| `GET /trends.rss|.atom`, `/categories/{category}/trends.rss|.atom` | RSS 2.0 / Atom | 1 Query |
| `GET /health` | `Health`: liveness, no storage access | none |
| `GET /openapi.json`, `GET /docs` | OpenAPI 3.1; Swagger UI, assets inlined (no CDN) | none |

Pages (`headlinez.web.routes`): `/`, `/trend/{id}`, `/topic/{slug}`, `/how-it-works`,
`/feed-health`, `/assets/site.css`.

Every response carries `X-Request-Id` (API Gateway's request id, else a generated one). Every
200 to a GET carries a weak `ETag` and `Cache-Control`, and a matching `If-None-Match` gets a 304
with no body (`/health` excepted: `no-store`, no validator). The ETag hashes the body without its
top-level `generated_at`/`time` (the only parts that change when the data does not), so it is
weak: equal ETags mean equal data.

Errors are RFC 9457 problem details (`application/problem+json`; an HTML page on page routes),
mapped from exceptions in one place (`_problem_for`): 400 invalid cursor, 404 unknown route or
trend (a topic no open trend names is an empty list; its page is a 404), 422 invalid parameters (with
`errors[].loc`), 500 for anything else, without internals. 429 comes from API Gateway's
throttling (template.yaml), before the function runs.
"""

import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache, lru_cache
from http import HTTPStatus
from importlib import metadata
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from headlinez.api.security import add_security_headers, html_csp, secure_response
from headlinez.domain.newsrooms import TREND_DEFINITION
from headlinez.domain.search import NoSearchWordsError, TooManySearchWordsError
from headlinez.models import as_utc
from headlinez.ports import FeedHealthRepository, TrendQuery, TrendQueryRepository
from headlinez.settings import ApiSettings
from headlinez.views.cursor import InvalidCursorError
from headlinez.views.reads import ApiReads, TrendNotFoundError
from headlinez.views.schemas import (
    TOPIC_SLUG_PATTERN,
    TREND_ID_PATTERN,
    ArticlePage,
    Category,
    CategoryList,
    FeedHealth,
    Health,
    Include,
    LifecycleStatus,
    Problem,
    ProblemFieldError,
    SearchPage,
    TopicPage,
    TrackRecordView,
    TrendDetail,
    TrendPage,
    category_list,
)
from headlinez.web.routes import is_page_path, page_problem_response, register_pages

logger = logging.getLogger(__name__)  # formatted by the function's Powertools Logger

API_TITLE = "headlinez API"
PROBLEM_JSON = "application/problem+json"
MAX_PAGE_SIZE = 100
REQUEST_ID_HEADER = "X-Request-Id"
NO_STORE = "no-store"
NO_STORE_PATHS = frozenset({"/health"})
"""GET routes answered with `Cache-Control: no-store` (a cached liveness answer is a wrong one)."""

PROBLEM_INVALID_CURSOR = "urn:headlinez:problem:invalid-cursor"
PROBLEM_VALIDATION = "urn:headlinez:problem:validation-error"
PROBLEM_TREND_NOT_FOUND = "urn:headlinez:problem:trend-not-found"

_VOLATILE_KEYS = frozenset({"generated_at", "time"})
_REQUEST_ID_KEY = "headlinez_request_id"
SINCE_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$"
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?")  # whole string (fullmatch): no "\n" after



LimitParam = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size, 1 to 100.")]
CursorParam = Annotated[
    str | None,
    Query(description="`next_cursor` of the previous page; omit for the first page."),
]
TrendIdParam = Annotated[
    str, Path(pattern=TREND_ID_PATTERN, description="Trend id: 4-64 of a-z, 0-9, '_', '-'.")
]
TopicParam = Annotated[
    str, Path(pattern=TOPIC_SLUG_PATTERN, description="Topic slug, e.g. 'donald-trump'.")
]
CategoryPathParam = Annotated[Category, Path(description="One of the categories of GET /categories.")]
IncludeParam = Annotated[
    Include | None,
    Query(description="`candidates`: also list single-newsroom candidates (not yet trends), labelled "
          "`candidate: true`. Default: trends only (2+ independent newsrooms)."),
]


class SecureHttpResolver(APIGatewayHttpResolver):
    """The HTTP API resolver whose every answer carries the security headers (`api.security`).

    A middleware adds them to route answers before a 304 is derived (so a 304 keeps the 200's
    policy); `resolve` adds them to what no middleware sees: errors, 404s, CORS preflights.
    """

    def __init__(self, *, hsts_max_age: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._hsts_max_age = hsts_max_age

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        head = _method(event) == "HEAD"
        if head:
            # HEAD is GET without the body (RFC 9110 §9.3.2): link checkers, uptime monitors and
            # feed readers send it; Powertools matches methods exactly and answered it 404.
            event = _with_method(event, "GET")
        response = secure_response(super().resolve(event, context), hsts_max_age=self._hsts_max_age)
        if head:
            response = {**response, "body": "", "isBase64Encoded": False}
        return response


def _method(event: Mapping[str, Any]) -> str:
    http = (event.get("requestContext") or {}).get("http") or {}
    return str(http.get("method", "")).upper()


def _with_method(event: Mapping[str, Any], method: str) -> dict[str, Any]:
    request_context = dict(event.get("requestContext") or {})
    request_context["http"] = {**(request_context.get("http") or {}), "method": method}
    route_key = str(event.get("routeKey", ""))
    _, _, route = route_key.partition(" ")
    routed = f"{method} {route}" if route else route_key
    return {**event, "requestContext": request_context, "routeKey": routed}


def build_resolver(
    trends: TrendQueryRepository,
    feeds: FeedHealthRepository,
    settings: ApiSettings,
    clock: Callable[[], datetime],
    cursor_secret: Callable[[], str] | None = None,
) -> APIGatewayHttpResolver:
    """Return the resolver of the API and the pages; call its `resolve(event, context)` per request.

    `clock` returns the current aware UTC datetime (`generated_at`, velocity's "last full hour",
    "updated 4 min ago"). `cursor_secret` returns the cursor-signing key (deployed: the secret read
    with a max age); None means `settings.cursor_secret`.
    """
    app = SecureHttpResolver(
        hsts_max_age=settings.hsts_max_age,
        cors=CORSConfig(
            allow_origin="*",
            allow_headers=["If-None-Match"],
            expose_headers=["ETag", REQUEST_ID_HEADER],
            max_age=600,
        ),
        debug=False,  # never print events or return tracebacks, whatever POWERTOOLS_DEV says
        enable_validation=True,
    )
    version = _package_version()
    app.configure_openapi(
        title=API_TITLE,
        version=version,
        description=(
            f"Live news trends, ranked, with their hourly coverage, intelligence, brief and the articles "
            f"that make them up. {TREND_DEFINITION} A story one newsroom covers is a candidate: stored, "
            "listed only with `include=candidates`, and labelled so. "
            "Throttled at 20 requests/s (bursts of 50): past that, API Gateway answers 429."
        ),
    )
    app.use(middlewares=[_request_id_middleware, _conditional_get_middleware(settings.cache_max_age),
                         _security_headers_middleware(settings.hsts_max_age), _limit_in_digits_middleware])
    _register_error_handler(app)
    reads = ApiReads(trends, feeds, cursor_secret=cursor_secret or settings.cursor_secret, clock=clock)
    _register_trend_routes(app, reads, settings.default_page_size)
    _register_feed_routes(app, reads, settings.public_base_url)

    @app.get(
        "/health",
        summary="Liveness",
        responses=_health_responses(),
        tags=["service"],
    )
    def health() -> Response[str]:
        return json_response(Health(time=clock(), version=version))

    @cache
    def openapi_document() -> str:
        return _published_document(app.get_openapi_json_schema())

    @app.get("/openapi.json", include_in_schema=False, enable_validation=False)
    def openapi_json() -> Response[str]:
        return Response(status_code=HTTPStatus.OK, content_type="application/json", body=openapi_document())

    @app.get("/docs", include_in_schema=False, enable_validation=False)
    def swagger_ui() -> Response[str]:
        query = app.current_event.query_string_parameters or {}
        return swagger_response(openapi_document(), query.get("format"))

    register_pages(app, reads, page_size=settings.default_page_size, page_responses=_page_responses,
                   notice=settings.site_notice)
    return app


def swagger_response(spec: str, requested_format: str | None) -> Response[str]:
    """Swagger UI with its assets inline (no CDN), over the same document as `/openapi.json`.

    Powertools' `enable_swagger` does the same, but imports its OpenAPI models when the resolver is
    built: ~105 ms of every cold start (0.3x of boto3 + powertools + pydantic), for a page few
    requests ask for. Here they load on the first `/docs` request (docs/benchmarks.md).
    """
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import (  # lazy: see the docstring
        generate_oauth2_redirect_html,
    )

    if requested_format == "oauth2-redirect":
        return Response(status_code=HTTPStatus.OK, content_type="text/html",
                        body=generate_oauth2_redirect_html())
    if requested_format == "json":
        return Response(status_code=HTTPStatus.OK, content_type="application/json", body=spec)
    body, policy = _swagger_page(spec)
    return Response(status_code=HTTPStatus.OK, content_type="text/html", body=body,
                    headers={"Content-Security-Policy": policy})


@lru_cache(maxsize=2)
def _swagger_page(spec: str) -> tuple[str, str]:
    """The Swagger page (1.8 MB with its inline bundle) and its script-hashing policy, built once
    per process: building and hashing it took ~145 ms of every `/docs` request."""
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

    script, style = _swagger_assets()
    body = generate_swagger_html(_without_default_server(spec).replace("</", "<\\/"), script,
                                 style + _SWAGGER_A11Y_STYLE, "", None)
    # Powertools' page names no language (WCAG 3.1.1) and its title says nothing of the API
    body = body.replace("<html>", '<html lang="en">', 1).replace(
        "<title>Swagger UI</title>", "<title>headlinez API · Swagger UI</title>", 1)
    return body, html_csp(body)


def _published_document(spec: str) -> str:
    """Powertools' document, made fit for client generators: operation ids named after the
    handler (`getTrend`, not `get_trend_trends__trend_id__get`; pages as `page...`), and without
    Powertools' own validation-error schemas, which no response of ours uses (every 422 is a
    `Problem`)."""
    document = json.loads(spec)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            operation["operationId"] = _operation_id(operation, path, method)
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    used: set[str] = set()
    pending = [json.dumps(document.get("paths", {}))]
    while pending:
        for name in re.findall(r'"#/components/schemas/([^"]+)"', pending.pop()):
            if name not in used and name in schemas:
                used.add(name)
                pending.append(json.dumps(schemas[name]))
    if schemas:
        document["components"]["schemas"] = {name: schemas[name] for name in schemas if name in used}
    return json.dumps(document, separators=(",", ":"))


def _operation_id(operation: dict[str, Any], path: str, method: str) -> str:
    """The handler's name in camelCase from Powertools' `<handler><path as _>_<method>`."""
    generated = str(operation.get("operationId", ""))
    suffix = re.sub(r"\W", "_", path) + "_" + method
    handler = generated.removesuffix(suffix) if generated.endswith(suffix) else generated
    words = [word for word in handler.split("_") if word]
    if "pages" in operation.get("tags", []):
        words = ["page", *words]
    return words[0] + "".join(word.capitalize() for word in words[1:]) if words else generated


def _without_default_server(spec: str) -> str:
    """The document without `servers` when it only names this origin ("/", OpenAPI's own default):
    Swagger UI renders any `servers` as a select with no label (WCAG 1.3.1, 4.1.2), and a list of
    one offers no choice. `/openapi.json` keeps it."""
    document = json.loads(spec)
    if document.get("servers") != [{"url": "/"}]:
        return spec
    del document["servers"]
    return json.dumps(document, separators=(",", ":"))


# Swagger UI's method badges are white on light colours (GET 2.3:1): dark text reads at 8:1 or
# more on every one of them; and its panels animate whatever the reader's motion setting.
_SWAGGER_A11Y_STYLE = (
    ".swagger-ui .opblock .opblock-summary-method{color:#000;text-shadow:none}"
    "@media (prefers-reduced-motion:reduce)"
    "{.swagger-ui *{transition:none!important;animation:none!important}}"
)


@cache
def _swagger_assets() -> tuple[str, str]:
    """Swagger UI's bundle and stylesheet as Powertools ships them (read once per process)."""
    from aws_lambda_powertools.event_handler import openapi

    folder = FilePath(openapi.__file__).parent / "swagger_ui"
    return ((folder / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
            (folder / "swagger-ui.min.css").read_text(encoding="utf-8"))


def _register_trend_routes(app: APIGatewayHttpResolver, reads: ApiReads, default_limit: int) -> None:
    @app.get(
        "/trends",
        summary="Ranked trends, one page",
        description=f"{TREND_DEFINITION} Open trends, highest rank first (`sort=velocity`: the rank the "
        "last clustering run stored, velocity with each newsroom's share capped plus recency-decayed "
        "newsrooms, so the order does not follow each item's `velocity` exactly) or most recently "
        "updated first among the 100 top-ranked that match the filters (`sort=recent`: a trend outside "
        "those 100 is not listed). Pages follow the ranking as it stands at each request: a cursor kept "
        "across a clustering run (every 15 minutes) can repeat or skip a trend whose rank moved. "
        "`include=candidates` lists the "
        "single-newsroom candidates too (with a category, the category then filters the page). "
        "`category` reads the category's own index; `status` and `since` filter the page, so a page may "
        "hold fewer than `limit` items.",
        responses=_responses(TrendPage, "One page of trends.", HTTPStatus.BAD_REQUEST),
        tags=["trends"],
    )
    def list_trends(
        *,
        category: Annotated[Category | None, Query(description="Only trends of this category.")] = None,
        status: Annotated[LifecycleStatus | None, Query(description="Only trends with this status.")] = None,
        since: Annotated[
            str | None,
            Query(pattern=SINCE_PATTERN, description="Only trends with an article since this instant "
                  "(ISO 8601, e.g. 2026-02-18T04:00:00Z; UTC if no offset)."),
        ] = None,
        sort: Annotated[
            Literal["velocity", "recent"],
            Query(description="Order of the list: `velocity` (the stored rank) or `recent` (the 100 "
                  "top-ranked trends that match the filters, most recently updated first)."),
        ] = "velocity",
        limit: LimitParam = default_limit,
        cursor: CursorParam = None,
        include: IncludeParam = None,
    ) -> Response[str]:
        query = TrendQuery(category=category, status=status, since=_parse_since(since), sort=sort,
                           include_candidates=include == "candidates")
        return json_response(reads.trend_page(query, limit, cursor))

    @app.get(
        "/trends/<trend_id>",
        summary="One trend with its intelligence, brief and coverage",
        responses=_responses(TrendDetail, "The trend; coverage newest first.", HTTPStatus.NOT_FOUND),
        tags=["trends"],
    )
    def get_trend(trend_id: TrendIdParam) -> Response[str]:
        return json_response(reads.trend_detail(trend_id).detail)

    @app.get(
        "/trends/<trend_id>/articles",
        summary="The articles of a trend, newest first, paged",
        responses=_responses(
            ArticlePage, "One page of articles.", HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND
        ),
        tags=["trends"],
    )
    def list_articles(
        trend_id: TrendIdParam, limit: LimitParam = 50, cursor: CursorParam = None
    ) -> Response[str]:
        return json_response(reads.articles(trend_id, limit, cursor))

    @app.get(
        "/topics/<slug>",
        summary="Open trends naming a topic",
        responses=_responses(TopicPage, "One page of trends.", HTTPStatus.BAD_REQUEST),
        tags=["trends"],
    )
    def get_topic(
        slug: TopicParam, limit: LimitParam = default_limit, cursor: CursorParam = None,
        include: IncludeParam = None,
    ) -> Response[str]:
        page = reads.topic_page(slug, limit, cursor, include_candidates=include == "candidates")
        return json_response(page)

    @app.get(
        "/search",
        summary="Search open trends by title and topic words",
        description="Every word of `q` (1 to 6 words of 2+ letters or digits; case and accents ignored) "
        "must start a word of the trend's titles or topics. Chinese, Japanese or Thai text, written "
        "without spaces, is matched by its pairs of characters (a word per two). A `q` without such a "
        "word is a 422.",
        responses=_responses(SearchPage, "One page of matching trends.", HTTPStatus.BAD_REQUEST),
        tags=["trends"],
    )
    def search(
        q: Annotated[str, Query(min_length=1, max_length=200, description="Words to look for.")],
        limit: LimitParam = default_limit,
        cursor: CursorParam = None,
        include: IncludeParam = None,
    ) -> Response[str]:
        try:
            page = reads.search(q, limit, cursor, include_candidates=include == "candidates")
        except (TooManySearchWordsError, NoSearchWordsError) as exc:
            raise InvalidParameterError("q", str(exc)) from exc
        return json_response(page)

    @app.get(
        "/categories",
        summary="The categories",
        responses=_responses(CategoryList, "Every category with its links."),
        tags=["trends"],
    )
    def categories() -> Response[str]:
        return json_response(category_list())



def _register_feed_routes(app: APIGatewayHttpResolver, reads: ApiReads, public_base_url: str) -> None:
    @app.get(
        "/feeds/health",
        summary="Feed health: public freshness of every source",
        responses=_responses(FeedHealth, "Every feed's last success, last error and articles in 24 h."),
        tags=["feeds"],
    )
    def feeds_health() -> Response[str]:
        return json_response(reads.feed_health())

    @app.get(
        "/predictions/track-record",
        summary="How the trend predictions turned out",
        responses=_responses(TrackRecordView, "Scored predictions, accuracy, baselines, per prediction."),
        tags=["trends"],
    )
    def prediction_track_record() -> Response[str]:
        return json_response(reads.track_record())

    def syndication(kind: Literal["rss", "atom"], category: str | None) -> Response[str]:
        from headlinez.api.syndication import (  # lazy: XML only for feed readers, not every cold start
            ATOM_CONTENT_TYPE,
            FEED_SIZE,
            RSS_CONTENT_TYPE,
            atom_document,
            rss_document,
        )

        page = reads.trend_page(TrendQuery(category=category), FEED_SIZE, None)
        # `/trends.rss?category=x` and `/categories/x/trends.rss` are one feed: self names the second.
        path = f"/categories/{category}/trends.{kind}" if category else f"/trends.{kind}"
        base_url = _base_url(app, public_base_url)
        if kind == "rss":
            body = rss_document(page.items, base_url=base_url, self_path=path, category=category)
            return Response(status_code=HTTPStatus.OK, body=body, content_type=RSS_CONTENT_TYPE)
        body = atom_document(page.items, base_url=base_url, self_path=path, category=category,
                             generated_at=page.generated_at)
        return Response(status_code=HTTPStatus.OK, body=body, content_type=ATOM_CONTENT_TYPE)

    feed_category = Annotated[Category | None, Query(description="Only trends of this category.")]

    @app.get("/trends.rss", summary="RSS 2.0 feed of the top trends", tags=["syndication"],
             responses=_xml_responses("application/rss+xml"))
    def trends_rss(category: feed_category = None) -> Response[str]:
        return syndication("rss", category)

    @app.get("/trends.atom", summary="Atom feed of the top trends", tags=["syndication"],
             responses=_xml_responses("application/atom+xml"))
    def trends_atom(category: feed_category = None) -> Response[str]:
        return syndication("atom", category)

    @app.get("/categories/<category>/trends.rss", summary="RSS 2.0 feed of a category's top trends",
             tags=["syndication"], responses=_xml_responses("application/rss+xml"))
    def category_rss(category: CategoryPathParam) -> Response[str]:
        return syndication("rss", category)

    @app.get("/categories/<category>/trends.atom", summary="Atom feed of a category's top trends",
             tags=["syndication"], responses=_xml_responses("application/atom+xml"))
    def category_atom(category: CategoryPathParam) -> Response[str]:
        return syndication("atom", category)


class InvalidParameterError(ValueError):
    """A query parameter matched its pattern but is not a valid value (answered 422)."""

    def __init__(self, name: str, message: str, error_type: str = "value_error") -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.error_type = error_type


def _parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidParameterError("since", "not a valid ISO 8601 date or instant") from exc
    try:
        return as_utc(parsed)
    except OverflowError as exc:  # e.g. 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise InvalidParameterError("since", "out of range: must fall in years 1 to 9999 in UTC") from exc


def _base_url(app: APIGatewayHttpResolver, public_base_url: str = "") -> str:
    """The public origin for absolute links in feeds: PUBLIC_BASE_URL when set (behind a CDN the
    Host is API Gateway's own), else this request's (Host validated)."""
    if public_base_url:
        return public_base_url
    event = app.current_event
    host = event.headers.get("host") or ""
    if not _HOST.fullmatch(host):
        host = str((event.raw_event.get("requestContext") or {}).get("domainName") or "")
        if not _HOST.fullmatch(host):
            host = "localhost"
    # Not X-Forwarded-Proto (a client may send it): API Gateway serves HTTPS only, the local
    # stack HTTP on a loopback address.
    local = host.split(":", maxsplit=1)[0] in ("127.0.0.1", "localhost") or host.startswith("[::1]")
    return f"{'http' if local else 'https'}://{host}"


# --- Errors -------------------------------------------------------------------------------------


def _register_error_handler(app: APIGatewayHttpResolver) -> None:
    """One handler for every exception: Powertools looks handlers up along the exception's MRO."""

    def handle(exc: Exception) -> Response[str]:
        problem = _problem_for(exc)
        path = app.current_event.path
        extra = {"status": problem.status, "problem_type": problem.type, "path": path}
        if problem.status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            logger.error("request failed", exc_info=exc, extra={**extra, "error_type": type(exc).__name__})
        else:
            logger.info("request rejected", extra=extra)
        problem = problem.model_copy(update={"instance": path})
        if is_page_path(path):
            return page_problem_response(problem, current_request_id(app))
        if not isinstance(exc, NotFoundError):
            return problem_response(app, problem)
        # an unknown address: a page for a browser, problem JSON for an API client (Vary says so)
        answer = (page_problem_response(problem, current_request_id(app)) if _browser_asks(app)
                  else problem_response(app, problem))
        answer.headers["Vary"] = "Accept"
        return answer

    app.exception_handler(Exception)(handle)
    app.not_found(handle)


def _browser_asks(app: APIGatewayHttpResolver) -> bool:
    """A browser's request (it accepts HTML): an unknown address then gets a page with a way back,
    not problem JSON; API clients (no Accept, or JSON) keep the JSON."""
    accept = (app.current_event.headers or {}).get("accept", "")
    for media_range in accept.lower().split(","):
        kind, *params = (part.strip() for part in media_range.split(";"))
        if kind == "text/html":
            # "text/html;q=0" refuses HTML (RFC 9110 §12.4.2)
            return not any(re.fullmatch(r"q=0(\.0{0,3})?", param.replace(" ", "")) for param in params)
    return False


def _problem_for(exc: Exception) -> Problem:
    """The one place that maps exceptions to HTTP problems."""
    problem = _plain_problem(HTTPStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.")
    match exc:
        case RequestValidationError() if _is_response_error(exc):
            pass  # Powertools raises the request error class when a route's return value fails its model
        case RequestValidationError():
            problem = Problem(
                type=PROBLEM_VALIDATION,
                title="Invalid request parameters",
                status=HTTPStatus.UNPROCESSABLE_ENTITY,
                detail="One or more parameters are invalid; see errors.",
                errors=[
                    ProblemFieldError(loc=list(err["loc"]), type=err["type"], msg=err.get("msg", ""))
                    for err in exc.errors()
                ],
            )
        case InvalidParameterError():
            problem = Problem(
                type=PROBLEM_VALIDATION,
                title="Invalid request parameters",
                status=HTTPStatus.UNPROCESSABLE_ENTITY,
                detail="One or more parameters are invalid; see errors.",
                errors=[ProblemFieldError(loc=["query", exc.name], type=exc.error_type, msg=exc.message)],
            )
        case InvalidCursorError():
            problem = Problem(
                type=PROBLEM_INVALID_CURSOR,
                title="Invalid cursor",
                status=HTTPStatus.BAD_REQUEST,
                detail="The cursor is not one this API issued for this list; start again without a cursor.",
            )
        case TrendNotFoundError():
            problem = Problem(
                type=PROBLEM_TREND_NOT_FOUND,
                title="Trend not found",
                status=HTTPStatus.NOT_FOUND,
                detail=f"No trend has the id '{exc.trend_id}'.",
            )
        case NotFoundError():
            problem = _plain_problem(HTTPStatus.NOT_FOUND, "No such resource.")
        case ServiceError() if exc.status_code < HTTPStatus.INTERNAL_SERVER_ERROR:
            status = HTTPStatus(exc.status_code)
            problem = _plain_problem(status, exc.msg if isinstance(exc.msg, str) else status.phrase)
    return problem


def _is_response_error(exc: RequestValidationError) -> bool:
    return any(tuple(err.get("loc", ()))[:1] == ("response",) for err in exc.errors())


def _plain_problem(status: HTTPStatus, detail: str) -> Problem:
    return Problem(title=status.phrase, status=status, detail=detail)


def problem_response(app: APIGatewayHttpResolver, problem: Problem) -> Response[str]:
    """A problem-details response with the request id; never cached."""
    request_id = current_request_id(app)
    return Response(
        status_code=problem.status,
        content_type=PROBLEM_JSON,
        body=problem.model_copy(update={"request_id": request_id}).model_dump_json(exclude_none=True),
        headers={REQUEST_ID_HEADER: request_id, "Cache-Control": NO_STORE},
    )


_HEADERS: dict[str, Any] = {
    "ETag": {"description": "Weak validator of the body.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "Public caching time.", "schema": {"type": "string"}},
    REQUEST_ID_HEADER: {"description": "Request id (also in logs).", "schema": {"type": "string"}},
}
_THROTTLED: OpenAPIResponse = {
    "description": "Too Many Requests: API Gateway's throttling (20 requests/s, bursts of 50) refused the "
    "request before it reached the function. Retry after a short, growing delay.",
    "content": {"application/json": {"schema": {
        "type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]}}},
}


def _common(ok: OpenAPIResponse, errors: tuple[HTTPStatus, ...], error_type: str,
            error_content: Any) -> dict[int, OpenAPIResponse]:
    responses: dict[int, OpenAPIResponse] = {
        HTTPStatus.OK: ok,
        HTTPStatus.NOT_MODIFIED: {
            "description": "Not modified: the If-None-Match ETag still matches.",
            "content": {},  # no body (without this Powertools documents the 200 model)
        },
    }
    for status in (*errors, HTTPStatus.UNPROCESSABLE_ENTITY, HTTPStatus.INTERNAL_SERVER_ERROR):
        responses[status] = {"description": status.phrase, "content": {error_type: error_content}}
    responses[HTTPStatus.TOO_MANY_REQUESTS] = _THROTTLED
    return responses


def _responses(model: type[Any], description: str, *errors: HTTPStatus) -> dict[int, OpenAPIResponse]:
    """OpenAPI responses of a JSON GET route: 200 `model`, 304, errors, 422/500 problems, 429."""
    ok: OpenAPIResponse = {"description": description, "headers": _HEADERS,
                           "content": {"application/json": {"model": model}}}
    return _common(ok, errors, PROBLEM_JSON, {"model": Problem})


def _health_responses() -> dict[int, OpenAPIResponse]:
    """`/health` is never cached (NO_STORE_PATHS): no validator, so never a 304."""
    ok: OpenAPIResponse = {
        "description": "The function answers.",
        "headers": {"Cache-Control": {"description": "Always no-store.", "schema": {"type": "string"}},
                    REQUEST_ID_HEADER: _HEADERS[REQUEST_ID_HEADER]},
        "content": {"application/json": {"model": Health}},
    }
    responses = _common(ok, (), PROBLEM_JSON, {"model": Problem})
    del responses[HTTPStatus.NOT_MODIFIED]
    return responses


def _xml_responses(content_type: str) -> dict[int, OpenAPIResponse]:
    ok: OpenAPIResponse = {"description": "The feed document.", "headers": _HEADERS,
                           "content": {content_type: {"schema": {"type": "string"}}}}
    return _common(ok, (), PROBLEM_JSON, {"model": Problem})


def _page_responses(*errors: HTTPStatus) -> dict[int, OpenAPIResponse]:
    """An HTML page: 200 and its errors are text/html (errors are rendered as pages)."""
    html: Any = {"schema": {"type": "string"}}
    ok: OpenAPIResponse = {"description": "The page.", "headers": _HEADERS, "content": {"text/html": html}}
    return _common(ok, errors, "text/html", html)


# --- Middlewares --------------------------------------------------------------------------------


def current_request_id(app: APIGatewayHttpResolver) -> str:
    """API Gateway's request id for this request, else one generated once per request."""
    stored = app.context.get(_REQUEST_ID_KEY)
    if isinstance(stored, str):
        return stored
    request_context = app.current_event.raw_event.get("requestContext") or {}
    request_id = request_context.get("requestId") if isinstance(request_context, dict) else None
    if not isinstance(request_id, str) or not request_id:
        request_id = uuid.uuid4().hex
    app.context[_REQUEST_ID_KEY] = request_id  # cleared by Powertools after each resolve
    return request_id


_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def _limit_in_digits_middleware(app: APIGatewayHttpResolver, next_middleware: NextMiddleware
                                ) -> Response[Any]:
    """A page size is written in digits. The route's int parameter is validated by pydantic's lax
    mode, which also reads "1_0" as 10, "+5" and "1.0"; checked here on the raw text, before it
    (a validator on the parameter itself breaks Powertools' OpenAPI minimum and maximum)."""
    limit = (app.current_event.query_string_parameters or {}).get("limit")
    if limit is not None and _takes_limit(app.current_event.path) and not _WHOLE_NUMBER.fullmatch(limit):
        raise InvalidParameterError("limit", "Input should be a whole number written in digits",
                                    "int_parsing")
    return next_middleware(app)


_LIMITED_PATH = re.compile(r"/trends|/search|/topics/[^/]+|/trends/[^/]+/articles")


def _takes_limit(path: str) -> bool:
    """The routes with a `limit` parameter: elsewhere (feeds, /health, an unknown address) a stray
    `limit` is ignored like any unknown parameter, not a 422."""
    return _LIMITED_PATH.fullmatch(path) is not None


def _request_id_middleware(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
    request_id = current_request_id(app)
    response = next_middleware(app)
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


def _conditional_get_middleware(
    max_age: int,
) -> Callable[[APIGatewayHttpResolver, NextMiddleware], Response[Any]]:
    public = f"public, max-age={max_age}"

    def conditional_get(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
        response = next_middleware(app)
        if app.current_event.http_method.upper() != "GET" or response.status_code != HTTPStatus.OK:
            return response
        if app.current_event.path in NO_STORE_PATHS:
            # Not cached, so no validator either: a 304 would tell a monitor nothing new.
            response.headers["Cache-Control"] = NO_STORE
            response.headers.pop("ETag", None)
            return response
        etag = response.headers.get("ETag")
        if not isinstance(etag, str):
            etag = body_etag(response.body)
            response.headers["ETag"] = etag
        response.headers.setdefault("Cache-Control", public)  # a route may set its own (assets)
        if etag_matches(app.current_event.headers.get("if-none-match"), etag):
            kept = {
                name: value
                for name, value in response.headers.items()
                if name.lower() not in {"content-type", "content-length", "content-encoding"}
            }
            return Response(status_code=HTTPStatus.NOT_MODIFIED, body="", headers=kept)
        return response

    return conditional_get


def _security_headers_middleware(
    hsts_max_age: int,
) -> Callable[[APIGatewayHttpResolver, NextMiddleware], Response[Any]]:
    def security_headers(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
        response = next_middleware(app)
        add_security_headers(response.headers, response.body, hsts_max_age=hsts_max_age)
        return response

    return security_headers


def json_response(model: BaseModel) -> Response[str]:
    """A 200 JSON answer serialized by pydantic-core (the model was validated when it was built),
    with its weak ETag over the body without the top-level `generated_at`/`time`."""
    volatile = _VOLATILE_KEYS & type(model).model_fields.keys()
    body = model.model_dump_json(by_alias=True)
    stable = model.model_dump_json(by_alias=True, exclude=set(volatile)) if volatile else body
    return Response(status_code=HTTPStatus.OK, content_type="application/json", body=body,
                    headers={"ETag": _weak_etag(stable.encode("utf-8"))})


def _weak_etag(data: bytes) -> str:
    return f'W/"{hashlib.sha256(data).hexdigest()[:32]}"'


def body_etag(body: object) -> str:
    """Weak ETag of a response body; a JSON object's top-level generated_at/time are left out."""
    if isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode("utf-8")
    else:
        if isinstance(body, dict):
            body = {key: value for key, value in body.items() if key not in _VOLATILE_KEYS}
        data = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")
    return _weak_etag(data)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: weak comparison against a list of tags, or '*'."""
    if not if_none_match:
        return False
    wanted = _opaque(etag)
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or _opaque(tag) == wanted:
            return True
    return False


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


@cache
def _package_version() -> str:
    try:
        return metadata.version("headlinez")
    except metadata.PackageNotFoundError:
        return "0+unknown"
