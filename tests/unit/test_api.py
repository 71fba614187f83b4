"""The public API, resolved in-process on API Gateway HTTP API v2 events over in-memory fakes."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tests.fakes import (
    FakeLambdaContext,
    InMemoryFeedStateRepository,
    InMemoryTrendRepository,
    load_handler_module,
    make_http_event,
)

from headlinez.api.app import body_etag, build_resolver, etag_matches
from headlinez.domain.velocity import growth_since_first_seen, velocity_at
from headlinez.models import HourBucket, TrendMember, TrendState
from headlinez.ports import TrendRecord
from headlinez.settings import ApiSettings
from headlinez.views.cursor import decode_cursor, encode_cursor
from headlinez.views.schemas import TREND_ID_PATTERN

REPO_ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 26, 14, 25, tzinfo=UTC)
SECRET = "unit-test-cursor-secret-0123"
OPEN_TRENDS = 7
PROBLEM_JSON = "application/problem+json"


# --- Fixtures -------------------------------------------------------------------------------------


def _trend_id(n: int) -> str:
    return f"t{n:015x}"


def _trend(n: int, *, is_open: bool = True, outlets: int = 3) -> TrendState:
    first = NOW - timedelta(hours=6 + n)
    return TrendState(
        trend_id=_trend_id(n),
        is_open=is_open,
        article_count=10 + n,
        source_families=[f"family-{i}" for i in range(2 + n % 3)],
        outlets=[f"Outlet {i}" for i in range(outlets)],
        first_seen=first,
        last_seen=NOW - timedelta(minutes=30 + n),
        headline=f"Headline {n}",
        second_headline=f"Other angle {n}" if n % 2 else None,
        hourly=[
            HourBucket(hour=NOW.replace(minute=0), articles=50, sources=["a", "b", "c", "d"]),
            HourBucket(hour=datetime(2026, 11, 26, 13, tzinfo=UTC), articles=n + 1, sources=["a", "b", "a"]),
            HourBucket(hour=datetime(2026, 11, 26, 11, tzinfo=UTC), articles=2, sources=["a"]),
        ],
    )


def _member(n: int, k: int) -> TrendMember:
    return TrendMember(
        article_id=f"a{n:03d}{k:03d}",
        title=f"Article {k} of trend {n}",
        url=f"https://news.example/{n}/{k}",
        outlet=f"Outlet {k % 3}",
        publisher_family=f"family-{k % 3}",
        published=NOW - timedelta(hours=k, minutes=n),
    )


@dataclass
class Api:
    trends: InMemoryTrendRepository
    settings: ApiSettings
    clock: list[datetime]
    resolve: Callable[[dict[str, Any]], dict[str, Any]]

    def get(
        self,
        path: str,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        **event_options: Any,
    ) -> Reply:
        return Reply(self.resolve(make_http_event("GET", path, query, headers, **event_options)))

    def ranked_ids(self) -> list[str]:
        """The expected order: the fake ranks by score, and each test trend n has score n."""
        return [_trend_id(n) for n in sorted(range(OPEN_TRENDS), reverse=True)]


@dataclass
class Reply:
    raw: dict[str, Any]

    @property
    def status(self) -> int:
        return int(self.raw["statusCode"])

    @property
    def headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.raw.get("headers", {}).items()}

    @property
    def text(self) -> str:
        return str(self.raw.get("body") or "")

    def json(self) -> Any:
        return json.loads(self.text)


def _make_api(trends: InMemoryTrendRepository, **settings: Any) -> Api:
    values = {"TABLE_NAME": "headlinez-test", "CURSOR_SECRET": SECRET, "DEFAULT_PAGE_SIZE": 3} | settings
    api_settings = ApiSettings.model_validate(values)
    clock = [NOW]
    app = build_resolver(trends, InMemoryFeedStateRepository(), api_settings, lambda: clock[0])
    context = FakeLambdaContext()
    return Api(trends, api_settings, clock, lambda event: app.resolve(event, context))  # type: ignore[arg-type]


@pytest.fixture
def repo() -> InMemoryTrendRepository:
    trends = InMemoryTrendRepository()
    for n in range(OPEN_TRENDS):
        trends.add(_trend(n, outlets=12 if n == 0 else 3), [_member(n, k) for k in range(4)], score=float(n))
    trends.add(_trend(99, is_open=False), [_member(99, 0)], score=1000.0)
    return trends


@pytest.fixture
def api(repo: InMemoryTrendRepository) -> Api:
    return _make_api(repo)


def _assert_problem(reply: Reply, status: int, instance: str) -> dict[str, Any]:
    assert reply.status == status
    assert reply.headers["content-type"] == PROBLEM_JSON
    assert reply.headers["cache-control"] == "no-store"
    body = reply.json()
    assert body["status"] == status
    assert body["instance"] == instance
    assert {"type", "title", "status", "detail", "instance", "request_id"} <= body.keys()
    assert body["request_id"] == reply.headers["x-request-id"]
    return dict(body)


# --- GET /trends ----------------------------------------------------------------------------------


def test_first_page_is_ranked_and_shaped(api: Api) -> None:
    # When the first page is requested without parameters
    reply = api.get("/trends")

    # Then it holds default_page_size open trends in the store's rank order
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert set(body) == {"items", "next_cursor", "generated_at"}
    assert [item["id"] for item in body["items"]] == api.ranked_ids()[:3]
    assert body["generated_at"] == "2026-11-26T14:25:00Z"
    assert isinstance(body["next_cursor"], str)
    # And each item is a summary
    top = body["items"][0]
    trend = _trend(6)
    assert top == {
        "id": trend.trend_id,
        "headline": "Headline 6",
        "second_headline": None,
        "status": None,
        "status_since": None,
        "covered_again_at": None,
        "open": True,
        "category": None,
        "prediction": None,
        "sources": 2,
        "candidate": False,  # 2 newsrooms: a public trend
        "label": None,
        "articles": 16,
        "outlets": ["Outlet 0", "Outlet 1", "Outlet 2"],
        "first_seen": "2026-11-26T02:25:00Z",
        "last_seen": "2026-11-26T13:49:00Z",
        "first_detected": "2026-11-26T02:25:00Z",  # no detection recorded: the first article
        "velocity": velocity_at(trend, NOW.replace(minute=0)),  # at the top of the hour
        "hourly": [
            {"hour": "2026-11-26T11:00:00Z", "articles": 2, "sources": 1},
            {"hour": "2026-11-26T13:00:00Z", "articles": 7, "sources": 2},
            {"hour": "2026-11-26T14:00:00Z", "articles": 50, "sources": 4},
        ],
        "new_this_hour": False,
        "growth_percent": growth_since_first_seen(trend, NOW.replace(minute=0)),
        "percent_of_peak": top["percent_of_peak"],
        "velocity_24h": top["velocity_24h"],
        "links": {
            "self": f"/trends/{trend.trend_id}",
            "html": f"/trend/{trend.trend_id}",
            "articles": f"/trends/{trend.trend_id}/articles",
        },
    }
    assert len(top["velocity_24h"]) == 24
    assert top["velocity_24h"][-1] == top["velocity"]


def test_outlets_are_capped_at_ten(api: Api) -> None:
    items = api.get("/trends", {"limit": "100"}).json()["items"]

    by_id = {item["id"]: item for item in items}
    assert by_id[_trend_id(0)]["outlets"] == [f"Outlet {i}" for i in range(10)]


@pytest.mark.parametrize("limit", [1, 2, 3, 6, 7, 8, 100])
def test_paging_visits_every_trend_once_in_order(api: Api, limit: int) -> None:
    # Given the open trends of the store
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    # When following next_cursor until it is null
    while True:
        query = {"limit": str(limit)} | ({"cursor": cursor} if cursor else {})
        reply = api.get("/trends", query)
        assert reply.status == 200, reply.text
        body = reply.json()
        assert len(body["items"]) <= limit
        seen.extend(item["id"] for item in body["items"])
        cursor = body["next_cursor"]
        pages += 1
        assert pages <= OPEN_TRENDS + 2, "paging does not end"
        if cursor is None:
            break
    # Then every open trend came exactly once, in rank order (no duplicates, no omissions)
    assert seen == api.ranked_ids()
    assert _trend_id(99) not in seen, "closed trends are not listed"
    # And the store was asked for pages of `limit`, resuming from each LastEvaluatedKey
    assert all(call_limit == limit for call_limit, _ in api.trends.list_calls)


def test_cursor_carries_the_store_start_key(api: Api) -> None:
    body = api.get("/trends", {"limit": "2"}).json()

    start_key = decode_cursor(body["next_cursor"], SECRET)["k"]

    assert start_key["pk"] == f"TREND#{body['items'][-1]['id']}"
    api.get("/trends", {"limit": "2", "cursor": body["next_cursor"]})
    assert api.trends.list_calls[-1] == (2, start_key)


def test_empty_cursor_means_first_page(api: Api) -> None:
    assert api.get("/trends", {"cursor": ""}).json()["items"][0]["id"] == api.ranked_ids()[0]


def test_empty_store_gives_an_empty_page() -> None:
    body = _make_api(InMemoryTrendRepository()).get("/trends").json()

    assert body["items"] == []
    assert body["next_cursor"] is None


@pytest.mark.parametrize("limit", ["1", "100"])
def test_limit_bounds_are_accepted(api: Api, limit: str) -> None:
    reply = api.get("/trends", {"limit": limit})

    assert reply.status == 200
    assert len(reply.json()["items"]) == min(int(limit), OPEN_TRENDS)


@pytest.mark.parametrize(
    ("limit", "error_type"),
    [
        ("0", "greater_than_equal"),
        ("-1", "greater_than_equal"),
        ("101", "less_than_equal"),
        ("abc", "int_parsing"),
        ("2.5", "int_parsing"),
        ("", "int_parsing"),
    ],
)
def test_invalid_limit_is_422_with_its_location(api: Api, limit: str, error_type: str) -> None:
    reply = api.get("/trends", {"limit": limit})

    body = _assert_problem(reply, 422, "/trends")
    assert body["type"] == "urn:headlinez:problem:validation-error"
    assert body["errors"] == [
        {"loc": ["query", "limit"], "type": error_type, "msg": body["errors"][0]["msg"]}
    ]
    assert body["errors"][0]["msg"]
    assert api.trends.list_calls == [], "the store is not queried"


def test_tampered_cursor_is_400(api: Api) -> None:
    cursor = api.get("/trends", {"limit": "2"}).json()["next_cursor"]
    tampered = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")

    reply = api.get("/trends", {"cursor": tampered})

    body = _assert_problem(reply, 400, "/trends")
    assert body["type"] == "urn:headlinez:problem:invalid-cursor"
    assert "errors" not in body


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "v1.e30.AAAAAAAAAAAAAAAAAAAAAA",
        "v9.e30.x",
        "x" * 5000,
        encode_cursor({"pk": "TREND#x"}, "another-secret-of-another-stage"),
    ],
)
def test_foreign_or_garbage_cursor_is_400_never_500(api: Api, cursor: str) -> None:
    _assert_problem(api.get("/trends", {"cursor": cursor}), 400, "/trends")


# --- GET /trends/{trend_id} -----------------------------------------------------------------------


def test_detail_has_the_summary_and_coverage_newest_first(api: Api) -> None:
    reply = api.get(f"/trends/{_trend_id(3)}")

    assert reply.status == 200
    body = reply.json()
    summary = next(i for i in api.get("/trends", {"limit": "100"}).json()["items"] if i["id"] == _trend_id(3))
    detail_only = {"coverage", "coverage_next_cursor", "generated_at", "topics", "related", "merged_into",
                   "velocity_series", "velocity_explanation", "brief", "newsrooms", "brief_status"}
    assert {k: v for k, v in body.items() if k not in detail_only} == summary
    assert body["second_headline"] == "Other angle 3"
    assert body["generated_at"] == "2026-11-26T14:25:00Z"
    assert [c["article_id"] for c in body["coverage"]] == ["a003000", "a003001", "a003002", "a003003"]
    assert body["coverage"][0] == {
        "article_id": "a003000",
        "title": "Article 0 of trend 3",
        "outlet": "Outlet 0",
        "publisher_family": "family-0",
        "published": "2026-11-26T14:22:00Z",
        "url": "https://news.example/3/0",
        "language": "en",
    }


def test_closed_trend_detail_says_closed(api: Api) -> None:
    assert api.get(f"/trends/{_trend_id(99)}").json()["open"] is False


def test_unknown_trend_is_404_problem(api: Api) -> None:
    reply = api.get("/trends/tffffffffffffff0")

    body = _assert_problem(reply, 404, "/trends/tffffffffffffff0")
    assert body["type"] == "urn:headlinez:problem:trend-not-found"
    assert "tffffffffffffff0" in body["detail"]


@pytest.mark.parametrize(
    "trend_id", ["T0123456789ABCDE", "abc", "a" * 65, "bad!id", "-leading", "caf%C3%A9x"]
)
def test_malformed_trend_id_is_422(api: Api, trend_id: str) -> None:
    reply = api.get(f"/trends/{trend_id}")

    body = _assert_problem(reply, 422, f"/trends/{trend_id}")
    assert [e["loc"] for e in body["errors"]] == [["path", "trend_id"]]


def test_trend_id_pattern_accepts_the_ids_we_mint() -> None:
    assert re.fullmatch(TREND_ID_PATTERN, "t" + "0123456789abcde")
    assert re.fullmatch(TREND_ID_PATTERN, "01j9z8x7w6v5-cluster_2")


# --- Other routes and errors ----------------------------------------------------------------------


def test_health(api: Api) -> None:
    reply = api.get("/health")

    assert reply.status == 200
    body = reply.json()
    assert body["status"] == "ok"
    assert body["time"] == "2026-11-26T14:25:00Z"
    assert isinstance(body["version"], str)
    assert body["version"]
    assert reply.headers["cache-control"] == "no-store", "a cached liveness answer is a lie"
    assert api.trends.list_calls == []
    assert "etag" not in reply.headers, "no validator on an answer nobody may cache"
    again = api.get("/health", headers={"If-None-Match": "*"})
    assert again.status == 200, "a liveness probe always gets a fresh answer, never a 304"


@pytest.mark.parametrize("path", ["/nope", "/trends/", "/trends/t0123456789abcde/extra/more", "/index.html"])
def test_unknown_route_is_404_problem(api: Api, path: str) -> None:
    body = _assert_problem(api.get(path), 404, path)

    assert body["type"] == "about:blank"
    assert body["title"] == "Not Found"


def test_non_get_method_is_not_served(api: Api) -> None:
    reply = Reply(api.resolve(make_http_event("DELETE", "/trends")))

    _assert_problem(reply, 404, "/trends")


class _BrokenTrends(InMemoryTrendRepository):
    def query_trends(self, query: Any, limit: int, start_key: Any) -> Any:
        raise RuntimeError("ProvisionedThroughputExceeded on arn:aws:dynamodb:secret-table")


def test_unexpected_error_is_500_without_internals(caplog: pytest.LogCaptureFixture) -> None:
    api = _make_api(_BrokenTrends())

    reply = api.get("/trends")

    body = _assert_problem(reply, 500, "/trends")
    assert body["type"] == "about:blank"
    assert "secret" not in reply.text
    assert "RuntimeError" not in reply.text
    failure = next(r for r in caplog.records if r.getMessage() == "request failed")
    assert failure.exc_info is not None, "the traceback goes to the logs instead"
    assert failure.__dict__["error_type"] == "RuntimeError"


class _InvalidTrends(InMemoryTrendRepository):
    def get_trend_record(self, trend_id: str, member_limit: int) -> Any:
        state = _trend(1).model_copy(update={"article_count": -5})  # violates the response model
        return TrendRecord(state=state, members=[], more_members=None)


def test_invalid_response_is_500_not_422() -> None:
    reply = _make_api(_InvalidTrends()).get(f"/trends/{_trend_id(1)}")

    _assert_problem(reply, 500, f"/trends/{_trend_id(1)}")


# --- Request id, caching, CORS ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("/trends", None, 200),
        ("/trends", {"limit": "0"}, 422),
        ("/trends", {"cursor": "bad"}, 400),
        ("/trends/tffffffffffffff0", None, 404),
        ("/missing", None, 404),
        ("/health", None, 200),
        ("/openapi.json", None, 200),
    ],
)
def test_every_response_carries_the_request_id(api: Api, path: str, query: Any, status: int) -> None:
    reply = api.get(path, query, request_id="req-abc-123")

    assert reply.status == status
    assert reply.headers["x-request-id"] == "req-abc-123"


def test_request_id_is_generated_when_api_gateway_gives_none(api: Api) -> None:
    first = api.get("/trends/tffffffffffffff0", request_id=None)
    second = api.get("/trends/tffffffffffffff0", request_id=None)

    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
    assert first.json()["request_id"] == first.headers["x-request-id"]
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize("path", ["/trends", f"/trends/{_trend_id(2)}", "/openapi.json", "/docs"])
def test_cacheable_gets_have_etag_and_public_cache_control(api: Api, path: str) -> None:
    reply = api.get(path)

    assert reply.status == 200
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', reply.headers["etag"])
    assert reply.headers["cache-control"] == "public, max-age=60"


def test_cache_max_age_comes_from_settings(repo: InMemoryTrendRepository) -> None:
    assert _make_api(repo, CACHE_MAX_AGE=5).get("/trends").headers["cache-control"] == "public, max-age=5"


@pytest.mark.parametrize("path", ["/trends", f"/trends/{_trend_id(2)}", "/openapi.json"])
def test_if_none_match_gets_304_without_body(api: Api, path: str) -> None:
    # Given a first answer and its ETag
    first = api.get(path, headers={"Origin": "https://app.example"})
    etag = first.headers["etag"]
    # When the same resource is asked again with If-None-Match
    reply = api.get(
        path, headers={"If-None-Match": etag, "Origin": "https://app.example"}, request_id="r-304"
    )
    # Then the answer is 304 with no body, the same validators, the request id and CORS
    assert reply.status == 304
    assert reply.text == ""
    assert reply.headers["etag"] == etag
    assert reply.headers["cache-control"] == "public, max-age=60"
    assert reply.headers["x-request-id"] == "r-304"
    assert reply.headers["access-control-allow-origin"] == "*"
    assert "content-type" not in reply.headers


@pytest.mark.parametrize(
    "header",
    ["{etag}", "{strong}", 'W/"0000", {etag}', "*"],
)
def test_if_none_match_forms(api: Api, header: str) -> None:
    etag = api.get("/trends").headers["etag"]

    value = header.format(etag=etag, strong=etag.removeprefix("W/"))

    assert api.get("/trends", headers={"if-none-match": value}).status == 304


def test_stale_etag_gets_the_full_answer(api: Api) -> None:
    reply = api.get("/trends", headers={"If-None-Match": 'W/"0123456789abcdef0123456789abcdef"'})

    assert reply.status == 200
    assert reply.json()["items"]


def test_etag_ignores_generated_at_but_follows_the_data(api: Api, repo: InMemoryTrendRepository) -> None:
    # Given the ETag at 14:25
    etag = api.get("/trends").headers["etag"]
    # When only the clock moves within the hour, the ETag stays (weak: same data)
    api.clock[0] = NOW + timedelta(minutes=20)
    later = api.get("/trends")
    assert later.json()["generated_at"] == "2026-11-26T14:45:00Z"
    assert later.headers["etag"] == etag
    assert api.get("/trends", headers={"If-None-Match": etag}).status == 304
    # When the data changes, so does the ETag
    repo.add(_trend(50), score=500.0)
    changed = api.get("/trends", headers={"If-None-Match": etag})
    assert changed.status == 200
    assert changed.headers["etag"] != etag
    # When the velocity window moves past the coverage, velocity changes and so does the ETag
    api.clock[0] = NOW + timedelta(hours=3)
    assert api.get("/trends").headers["etag"] != changed.headers["etag"]


def test_errors_are_never_304(api: Api) -> None:
    reply = api.get("/trends/tffffffffffffff0", headers={"If-None-Match": "*"})

    assert reply.status == 404
    assert "etag" not in reply.headers


@pytest.mark.parametrize(("path", "status"), [("/trends", 200), ("/trends/abc", 422), ("/nope", 404)])
def test_cors_allows_any_origin_on_answers_and_errors(api: Api, path: str, status: int) -> None:
    reply = api.get(path, headers={"Origin": "https://app.example"})

    assert reply.status == status
    assert reply.headers["access-control-allow-origin"] == "*"
    exposed = reply.headers["access-control-expose-headers"]
    assert "ETag" in exposed
    assert "X-Request-Id" in exposed


def test_cors_preflight(api: Api) -> None:
    event = make_http_event(
        "OPTIONS",
        "/trends",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )

    reply = Reply(api.resolve(event))

    assert reply.status == 204
    assert "GET" in reply.headers["access-control-allow-methods"]
    assert reply.headers["access-control-allow-origin"] == "*"
    assert "x-request-id" in reply.headers


# --- OpenAPI and docs -----------------------------------------------------------------------------


def test_openapi_document(api: Api) -> None:
    reply = api.get("/openapi.json")

    assert reply.status == 200
    assert reply.headers["content-type"] == "application/json"
    spec = reply.json()
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"] == "headlinez API"
    assert {"/trends", "/trends/{trend_id}", "/health"} <= set(spec["paths"])
    list_op = spec["paths"]["/trends"]["get"]
    params = {p["name"]: p for p in list_op["parameters"]}
    assert params["limit"]["in"] == "query"
    assert params["limit"]["schema"]["minimum"] == 1
    assert params["limit"]["schema"]["maximum"] == 100
    assert params["limit"]["schema"]["default"] == 3
    assert params["cursor"]["required"] is False
    assert {"200", "304", "400", "422", "500"} <= set(list_op["responses"])
    for status in ("400", "422", "500"):
        assert list_op["responses"][status]["content"][PROBLEM_JSON]["schema"]["$ref"].endswith("/Problem")
    assert list_op["responses"]["304"]["content"] == {}
    assert list_op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/TrendPage")
    detail_op = spec["paths"]["/trends/{trend_id}"]["get"]
    (path_param,) = detail_op["parameters"]
    assert path_param["in"] == "path"
    assert path_param["schema"]["pattern"] == TREND_ID_PATTERN
    assert "404" in detail_op["responses"]
    schemas = spec["components"]["schemas"]
    assert {"TrendPage", "TrendSummary", "TrendDetail", "Problem", "Health"} <= set(schemas)
    assert "self" in schemas["TrendLinks"]["properties"]


def test_openapi_document_is_valid_if_a_validator_is_installed(api: Api) -> None:
    validator = pytest.importorskip("openapi_spec_validator")

    validator.validate(api.get("/openapi.json").json())


def test_swagger_ui_is_self_contained(api: Api) -> None:
    reply = api.get("/docs")

    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/html")
    html = reply.text
    assert "SwaggerUIBundle" in html
    assert "<style>" in html
    external = re.findall(
        r"""<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.I
    )
    assert external == [], "assets must be inline: no CDN"
    assert re.search(r"@import\s+url\(\s*[\"']?(?:https?:)?//", html) is None
    assert '"/trends/{trend_id}"' in html, "the spec is embedded"
    # readable: a language, dark text on the method badges, no motion when the reader asks
    assert '<html lang="en">' in html
    assert "opblock-summary-method{color:#000" in html
    assert "prefers-reduced-motion:reduce" in html
    # no `servers`, so no unlabeled server select: "/" is this origin, the default anyway
    embedded = re.sub(r"\s", "", html.rsplit("spec:", 1)[1])
    assert embedded.startswith('{"openapi"')
    assert '"servers":' not in embedded
    assert api.get("/openapi.json").json()["servers"] == [{"url": "/"}]
    spec = api.get("/docs", {"format": "json"})
    assert spec.status == 200
    assert spec.json()["paths"].keys() == api.get("/openapi.json").json()["paths"].keys()


# --- Pure helpers ---------------------------------------------------------------------------------


def _bucket(hour: int, articles: int, sources: list[str]) -> HourBucket:
    return HourBucket(hour=datetime(2026, 11, 26, hour, tzinfo=UTC), articles=articles, sources=sources)


def test_etag_helpers() -> None:
    assert body_etag({"a": 1, "generated_at": "x"}) == body_etag({"generated_at": "y", "a": 1})
    assert body_etag({"a": 1}) != body_etag({"a": 2})
    assert body_etag("text") == body_etag(b"text")
    assert etag_matches('W/"1", "2"', '"2"')
    assert not etag_matches(None, 'W/"1"')
    assert not etag_matches('"1"', 'W/"2"')


# --- Lambda handler -------------------------------------------------------------------------------


@pytest.fixture
def handler_module(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """functions/api/app.py loaded under a private name, with its store replaced by fakes.

    Its Logger writes to `module.log_stream` (a StringIO) so tests can read the JSON lines.
    """
    monkeypatch.setenv("TABLE_NAME", "headlinez-test")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "HeadlinezTest")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    from headlinez.settings import api_settings

    api_settings.cache_clear()
    # importing the handler points the `headlinez` logger at the function's Logger: undo it after
    with package_logging_restored():
        module = load_handler_module("api")
        name = module.__name__
        trends = InMemoryTrendRepository()
        trends.add(_trend(1), [_member(1, 0)], score=1.0)
        resolver = build_resolver(trends, InMemoryFeedStateRepository(), module.settings, lambda: NOW)
        monkeypatch.setattr(module, "_resolver", lambda: resolver)
        module.log_stream = io.StringIO()  # type: ignore[attr-defined]
        for log_handler in module.logger.handlers:
            if isinstance(log_handler, logging.StreamHandler):
                monkeypatch.setattr(log_handler, "stream", module.log_stream)
        yield module
        sys.modules.pop(name, None)
        api_settings.cache_clear()


@contextmanager
def package_logging_restored() -> Iterator[None]:
    """The `headlinez` logger's handlers, propagation and level as they were, on the way out."""
    package_logger = logging.getLogger("headlinez")
    saved = (list(package_logger.handlers), package_logger.propagate, package_logger.level)
    try:
        yield
    finally:
        package_logger.handlers, package_logger.propagate = saved[0], saved[1]
        package_logger.setLevel(saved[2])


def test_handler_serves_requests_with_logs_and_metrics(
    handler_module: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    response = handler_module.handler(
        make_http_event("GET", "/trends", request_id="req-h-1"), FakeLambdaContext()
    )

    assert response["statusCode"] == 200
    assert json.loads(response["body"])["items"][0]["id"] == _trend_id(1)
    logs = [json.loads(line) for line in handler_module.log_stream.getvalue().splitlines()]
    served = next(line for line in logs if line.get("message") == "request served")
    assert served["correlation_id"] == "req-h-1"
    assert served["status"] == 200
    assert served["path"] == "/trends"
    assert served["function_request_id"], "inject_lambda_context adds the Lambda context"
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    emf = next(line for line in printed if "_aws" in line)
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "HeadlinezTest"
    assert emf["ApiRequests"] in ([1.0], 1.0)
    assert emf["ApiServerErrors"] in ([0.0], 0.0)


def test_handler_logs_library_errors_structured(handler_module: ModuleType) -> None:
    response = handler_module.handler(
        make_http_event("GET", "/trends", {"cursor": "tampered"}, request_id="req-h-2"), FakeLambdaContext()
    )

    assert response["statusCode"] == 400
    logs = [json.loads(line) for line in handler_module.log_stream.getvalue().splitlines()]
    rejected = next(line for line in logs if line.get("message") == "request rejected")
    assert rejected["status"] == 400
    assert rejected["correlation_id"] == "req-h-2"
    assert rejected["problem_type"] == "urn:headlinez:problem:invalid-cursor"


def test_handler_clock_is_the_request_time(
    handler_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # API Gateway's timeEpoch (the local stack writes its simulated clock there) is "now".
    resolver = build_resolver(
        InMemoryTrendRepository(), InMemoryFeedStateRepository(), handler_module.settings,
        handler_module._utc_now,
    )
    monkeypatch.setattr(handler_module, "_resolver", lambda: resolver)
    event = make_http_event("GET", "/health")
    event["requestContext"]["timeEpoch"] = int(datetime(2026, 2, 18, 4, 0, tzinfo=UTC).timestamp() * 1000)

    body = json.loads(handler_module.handler(event, FakeLambdaContext())["body"])

    assert body["time"] == "2026-02-18T04:00:00Z"
    outside = handler_module._utc_now() - datetime.now(UTC)
    assert abs(outside) < timedelta(seconds=5), "outside a request: the system clock"


def test_handler_fixture_leaves_package_logging_as_it_found_it() -> None:
    # What importing a handler does to the package logger (Powertools takes it over) is undone
    package = logging.getLogger("headlinez")
    before = (list(package.handlers), package.propagate, package.level)
    with package_logging_restored():
        package.addHandler(logging.StreamHandler(io.StringIO()))
        package.propagate = False
        package.setLevel(logging.CRITICAL)
    assert (list(package.handlers), package.propagate, package.level) == before
