"""Issue 13 item 5: the API never answers 500 to a client's input, and a 500 is counted.

Dates, limits and cursors at their extremes (and arbitrary text) are answered 200, 400 or 422,
always as problem+json when they are refused; a real server error raises the `ApiServerErrors`
metric the alarms of template.yaml watch.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.fakes import (
    FakeLambdaContext,
    InMemoryFeedStateRepository,
    InMemoryTrendRepository,
    make_http_event,
)
from tests.unit.test_api import (  # noqa: F401  (handler_module is a fixture)
    Api,
    Reply,
    _make_api,
    _member,
    _trend,
    _trend_id,
    handler_module,
)

from headlinez.api.app import build_resolver
from headlinez.views.cursor import encode_cursor

PROBLEM_JSON = "application/problem+json"
ANSWERS = {200, 400, 422}
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def api() -> Api:
    repo = InMemoryTrendRepository()
    for n in range(5):
        repo.add(_trend(n), [_member(n, k) for k in range(4)], score=float(n))
    return _make_api(repo)


def _refused_as_problem(reply: Reply) -> None:
    assert reply.status in ANSWERS, (reply.status, reply.text[:300])
    if reply.status != 200:
        assert reply.headers["content-type"] == PROBLEM_JSON
        assert reply.json()["status"] == reply.status


# --- since -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "since",
    [
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-01:00",  # after year 9999 in UTC
        "0001-01-01T00:59:59.999999+01:00",
        "9999-12-31T23:00:00-23:59",
    ],
)
def test_since_out_of_range_in_utc_is_422(api: Api, since: str) -> None:
    reply = api.get("/trends", {"since": since})

    assert reply.status == 422, reply.text
    assert reply.headers["content-type"] == PROBLEM_JSON
    assert reply.json()["errors"][0]["loc"] == ["query", "since"]


@pytest.mark.parametrize(
    "since", ["0001-01-01T00:00:00Z", "0001-01-01T01:00:00+01:00", "9999-12-31T23:59:59Z",
              "9999-12-31T22:59:59-01:00", "0001-01-01", "9999-12-31"],
)
def test_since_at_the_edges_of_the_range_is_accepted(api: Api, since: str) -> None:
    assert api.get("/trends", {"since": since}).status == 200


_YEARS = st.sampled_from([1, 2, 1969, 1970, 2026, 9998, 9999]) | st.integers(0, 9999)
_OFFSETS = st.sampled_from(["", "Z", "+00:00", "+01:00", "-01:00", "+23:59", "-23:59", "+24:00", "-99:99"])


@st.composite
def _instants(draw: st.DrawFn) -> str:
    year, month, day = draw(_YEARS), draw(st.integers(0, 13)), draw(st.integers(0, 32))
    hour, minute, second = draw(st.integers(0, 25)), draw(st.integers(0, 61)), draw(st.integers(0, 61))
    fraction = draw(st.sampled_from(["", ".0", ".999999", ".1234567"]))
    separator = draw(st.sampled_from(["T", " ", "t"]))
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if draw(st.booleans()):
        text += f"{separator}{hour:02d}:{minute:02d}:{second:02d}{fraction}{draw(_OFFSETS)}"
    return text


@PROPERTY
@given(since=_instants() | st.text(max_size=40))
@example(since="0001-01-01T00:00:00+01:00")
@example(since="9999-12-31T23:59:59-01:00")
def test_since_never_500(api: Api, since: str) -> None:
    reply = api.get("/trends", {"since": since})

    _refused_as_problem(reply)


# --- limits --------------------------------------------------------------------------------------


_LIMITS = (
    st.integers(min_value=-(2**70), max_value=2**70).map(str)
    | st.sampled_from(["0", "1", "100", "101", "-0", "+1", "1.0", "1e2", "0x10", "", " ", "NaN", "inf",
                       "9" * 5000, "１", "٣"])
    | st.text(max_size=12)
)


@PROPERTY
@given(limit=_LIMITS, path=st.sampled_from(["/trends", f"/trends/{_trend_id(1)}/articles", "/topics/x-y",
                                             "/search"]))
def test_limit_never_500(api: Api, limit: str, path: str) -> None:
    query = {"limit": limit} | ({"q": "headline"} if path == "/search" else {})

    reply = api.get(path, query)

    _refused_as_problem(reply)


@pytest.mark.parametrize("limit", ["1_0", "+5", " 1", "1.0", "٣", "１"])
def test_a_limit_not_written_in_digits_is_refused(api: Api, limit: str) -> None:
    # pydantic's lax int reads "1_0" as 10 and "1.0" as 1: a page size is digits or a 422
    reply = api.get("/trends", {"limit": limit})

    assert reply.status == 422
    assert reply.json()["errors"][0]["loc"] == ["query", "limit"]
    assert reply.json()["errors"][0]["type"] == "int_parsing"
    assert reply.headers["x-request-id"]
    assert api.get("/trends", {"limit": "10"}).status == 200
    for path in ("/search", "/topics/iran", "/trends/tabc1/articles"):
        assert api.get(path, {"limit": limit, "q": "iran"}).status == 422, path


def test_the_limit_check_knows_exactly_the_routes_that_take_a_limit(api: Api) -> None:
    # the middleware's list of paths is kept apart from the routes: it must not drift from them
    from headlinez.api.app import _takes_limit

    for path, item in api.get("/openapi.json").json()["paths"].items():
        takes = any(p["name"] == "limit" for p in item["get"].get("parameters", []))
        example = re.sub(r"\{[^}]+\}", "x1", path)
        assert _takes_limit(example) is takes, path


@pytest.mark.parametrize(("path", "status"), [("/trends.rss", 200), ("/health", 200), ("/nope", 404)])
def test_a_stray_limit_where_none_is_taken_is_ignored(api: Api, path: str, status: int) -> None:
    # feeds and /health take no limit: an unknown parameter is ignored, and an unknown address is a 404
    assert api.get(path, {"limit": "abc"}).status == status


# --- cursors --------------------------------------------------------------------------------------


def _cursor_of(api: Api, key: Any) -> str:
    return encode_cursor({"s": "0" * 16, "k": key}, api.settings.cursor_secret)


_CURSORS = (
    st.text(max_size=300)
    | st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", max_size=3000)
    | st.sampled_from(["v1..", "v1.e30.", "v1." + "A" * 2100 + ".x", "v2.e30.AAAA", "...", "v1"])
)


@PROPERTY
@given(cursor=_CURSORS, path=st.sampled_from(["/trends", f"/trends/{_trend_id(1)}/articles", "/topics/x-y",
                                               "/search", "/"]))
def test_cursor_never_500(api: Api, cursor: str, path: str) -> None:
    query = {"cursor": cursor} | ({"q": "headline"} if path == "/search" else {})

    reply = api.get(path, query)

    assert reply.status in ANSWERS, (reply.status, reply.text[:300])


@PROPERTY
@given(position=st.integers(min_value=0), replacement=st.characters(codec="ascii"))
def test_a_changed_character_of_a_real_cursor_is_400(api: Api, position: int, replacement: str) -> None:
    cursor = api.get("/trends", {"limit": "1"}).json()["next_cursor"]
    index = position % len(cursor)
    tampered = cursor[:index] + replacement + cursor[index + 1:]

    reply = api.get("/trends", {"limit": "1", "cursor": tampered})

    assert reply.status == (200 if tampered == cursor else 400), reply.text


@pytest.mark.parametrize("key", [{"pk": "x" * 1000}, {"pk": {"$n": "1e999999"}}, {"": ""}, {"pk": None}])
def test_a_signed_cursor_of_another_list_is_400(api: Api, key: Any) -> None:
    reply = api.get("/trends", {"cursor": _cursor_of(api, key)})

    assert reply.status == 400


# --- a server error is counted --------------------------------------------------------------------


class _BrokenTrends(InMemoryTrendRepository):
    def query_trends(self, query: Any, limit: int, start_key: Any) -> Any:
        raise RuntimeError("storage failed")


def test_a_500_raises_the_api_server_errors_metric(
    handler_module: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    # Given a store that fails (the resolver turns the exception into a 500 problem)
    resolver = build_resolver(_BrokenTrends(), InMemoryFeedStateRepository(), handler_module.settings,
                              lambda: datetime(2026, 2, 18, tzinfo=UTC))
    monkeypatch.setattr(handler_module, "_resolver", lambda: resolver)

    # When a request fails
    response = handler_module.handler(make_http_event("GET", "/trends"), FakeLambdaContext())

    # Then the answer is a 500 and the metric the alarm watches counts it
    assert response["statusCode"] == 500
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    emf = next(line for line in printed if "_aws" in line)
    assert emf["ApiServerErrors"] in ([1.0], 1.0)
    assert emf["service"] == "api", "the alarm's dimension"
