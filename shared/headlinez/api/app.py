"""The public JSON API: a Powertools resolver over the repository Protocols.

`build_resolver` wires routes, validation, errors and HTTP caching; it does no I/O itself and
takes its repositories, settings and clock as arguments, so tests run it on in-memory fakes.

Routes (API Gateway HTTP API, payload format 2.0):

| route | answer |
|---|---|
| `GET /trends?limit=1..100&cursor=` | `TrendPage`: trends as the repository ranks them, cursor paging |
| `GET /trends/{trend_id}` | `TrendDetail`: summary + coverage newest first; 404 if unknown |
| `GET /health` | `Health`: liveness, no storage access |
| `GET /openapi.json` | the OpenAPI 3.1 document |
| `GET /docs` | Swagger UI, its JS/CSS inlined (no CDN); `?format=json` also gives the document |

Every response carries `X-Request-Id` (API Gateway's request id, else a generated one). Every
200 to a GET carries a weak `ETag` and `Cache-Control`, and a matching `If-None-Match` gets a 304
with no body. The ETag hashes the body without its top-level `generated_at`/`time` (the only
parts that change when the data does not), so it is weak: equal ETags mean equal data.

Errors are RFC 9457 problem details (`application/problem+json`), mapped from exceptions in one
place (`_problem_for`): 400 invalid cursor, 404 unknown route or trend, 422 invalid parameters
(with `errors[].loc`), 500 for anything else, without internals.
"""

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import cache
from http import HTTPStatus
from importlib import metadata
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from headlinez.api.cursor import InvalidCursorError, decode_cursor, encode_cursor
from headlinez.api.schemas import (
    TREND_ID_PATTERN,
    Health,
    Problem,
    ProblemFieldError,
    TrendDetail,
    TrendPage,
    TrendSummary,
)
from headlinez.ports import FeedStateRepository, TrendRepository
from headlinez.settings import ApiSettings

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


class TrendNotFoundError(LookupError):
    """No trend has this id."""

    def __init__(self, trend_id: str) -> None:
        super().__init__(trend_id)
        self.trend_id = trend_id


def build_resolver(
    trends: TrendRepository,
    feeds: FeedStateRepository,
    settings: ApiSettings,
    clock: Callable[[], datetime],
) -> APIGatewayHttpResolver:
    """Return the API resolver; call its `resolve(event, context)` per request.

    `feeds` is accepted for the feed-status route to come; v1 serves no route from it.
    `clock` returns the current aware UTC datetime (`generated_at`, velocity's "last full hour").
    """
    del feeds  # v1 serves no feed route; the parameter keeps the factory's signature stable
    app = APIGatewayHttpResolver(
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
            "Live news trends: stories covered by several independent outlets, ranked, "
            "with their hourly coverage and the articles that make them up."
        ),
    )
    app.use(middlewares=[_request_id_middleware, _conditional_get_middleware(settings.cache_max_age)])
    _register_error_handler(app)
    secret = settings.cursor_secret

    @app.get(
        "/trends",
        summary="Ranked trends, one page",
        description="Trends as ranked by the store (velocity/recency), with cursor paging.",
        responses=_responses(TrendPage, "One page of trends.", HTTPStatus.BAD_REQUEST),
    )
    def list_trends(
        limit: Annotated[
            int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size, 1 to 100.")
        ] = settings.default_page_size,
        cursor: Annotated[
            str | None, Query(description="`next_cursor` of the previous page; omit for the first page.")
        ] = None,
    ) -> TrendPage:
        start_key = decode_cursor(cursor, secret) if cursor else None
        page, next_key = trends.list_trends(limit, start_key)
        now = clock()
        return TrendPage(
            items=[TrendSummary.from_state(state, now) for state in page],
            next_cursor=encode_cursor(next_key, secret) if next_key else None,
            generated_at=now,
        )

    @app.get(
        "/trends/<trend_id>",
        summary="One trend with its coverage",
        responses=_responses(TrendDetail, "The trend and its articles, newest first.", HTTPStatus.NOT_FOUND),
    )
    def get_trend(
        trend_id: Annotated[
            str, Path(pattern=TREND_ID_PATTERN, description="Trend id: 4-64 of a-z, 0-9, '_', '-'.")
        ],
    ) -> TrendDetail:
        found = trends.get_trend(trend_id)
        if found is None:
            raise TrendNotFoundError(trend_id)
        state, members = found
        return TrendDetail.from_state_and_members(state, members, clock())

    @app.get(
        "/health",
        summary="Liveness",
        responses=_responses(Health, "The function answers."),
    )
    def health() -> Health:
        return Health(time=clock(), version=version)

    @cache
    def openapi_document() -> str:
        return app.get_openapi_json_schema()

    @app.get("/openapi.json", include_in_schema=False, enable_validation=False)
    def openapi_json() -> Response[str]:
        return Response(status_code=HTTPStatus.OK, content_type="application/json", body=openapi_document())

    app.enable_swagger(path="/docs", title=API_TITLE, version=version)
    return app


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
        return problem_response(app, problem.model_copy(update={"instance": path}))

    app.exception_handler(Exception)(handle)
    app.not_found(handle)


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
        case InvalidCursorError():
            problem = Problem(
                type=PROBLEM_INVALID_CURSOR,
                title="Invalid cursor",
                status=HTTPStatus.BAD_REQUEST,
                detail="The cursor is not one this API issued; start again without a cursor.",
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


def _responses(model: type[Any], description: str, *errors: HTTPStatus) -> dict[int, OpenAPIResponse]:
    """OpenAPI responses of a GET route: 200 `model`, 304, the given errors, 422 and 500 problems."""
    headers: dict[str, Any] = {
        "ETag": {"description": "Weak validator of the body.", "schema": {"type": "string"}},
        "Cache-Control": {"description": "Public caching time.", "schema": {"type": "string"}},
        REQUEST_ID_HEADER: {"description": "Request id (also in logs).", "schema": {"type": "string"}},
    }
    responses: dict[int, OpenAPIResponse] = {
        HTTPStatus.OK: {
            "description": description,
            "headers": headers,
            "content": {"application/json": {"model": model}},
        },
        HTTPStatus.NOT_MODIFIED: {
            "description": "Not modified: the If-None-Match ETag still matches.",
            "content": {},  # no body (without this Powertools documents the 200 model)
        },
    }
    for status in (*errors, HTTPStatus.UNPROCESSABLE_ENTITY, HTTPStatus.INTERNAL_SERVER_ERROR):
        responses[status] = {"description": status.phrase, "content": {PROBLEM_JSON: {"model": Problem}}}
    return responses


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
        etag = body_etag(response.body)
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = NO_STORE if app.current_event.path in NO_STORE_PATHS else public
        if etag_matches(app.current_event.headers.get("if-none-match"), etag):
            kept = {
                name: value
                for name, value in response.headers.items()
                if name.lower() not in {"content-type", "content-length", "content-encoding"}
            }
            return Response(status_code=HTTPStatus.NOT_MODIFIED, body="", headers=kept)
        return response

    return conditional_get


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
    return f'W/"{hashlib.sha256(data).hexdigest()[:32]}"'


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
