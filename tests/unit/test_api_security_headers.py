"""Issue 13 item 8: every answer of the API carries nosniff and a CSP (HSTS when deployed)."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest
from tests.fakes import InMemoryTrendRepository, make_http_event
from tests.unit.test_api import Api, Reply, _make_api, _member, _trend, _trend_id

from headlinez.api.security import API_CSP, html_csp, secure_response
from headlinez.web.pages import CONTENT_SECURITY_POLICY as PAGE_CSP


class _BrokenTrends(InMemoryTrendRepository):
    def query_trends(self, query: Any, limit: int, start_key: Any) -> Any:
        raise RuntimeError("storage failed")


@pytest.fixture(scope="module")
def api() -> Api:
    repo = InMemoryTrendRepository()
    for n in range(3):
        repo.add(_trend(n), [_member(n, k) for k in range(3)], score=float(n))
    return _make_api(repo)


# (method, path, query, expected status, expected CSP: "api", "page" or "html")
ANSWERS = [
    ("GET", "/trends", None, 200, "api"),
    ("GET", f"/trends/{_trend_id(1)}", None, 200, "api"),
    ("GET", "/trends", {"limit": "0"}, 422, "api"),
    ("GET", "/trends", {"cursor": "bad"}, 400, "api"),
    ("GET", "/trends/tffffffffffffff0", None, 404, "api"),
    ("GET", "/no/such/route", None, 404, "api"),
    ("DELETE", "/trends", None, 404, "api"),
    ("GET", "/health", None, 200, "api"),
    ("GET", "/openapi.json", None, 200, "api"),
    ("GET", "/docs", {"format": "json"}, 200, "api"),
    ("GET", "/trends.rss", None, 200, "api"),
    ("GET", "/categories/world/trends.atom", None, 200, "api"),
    ("GET", "/docs", None, 200, "html"),
    ("GET", "/", None, 200, "page"),
    ("GET", f"/trend/{_trend_id(1)}", None, 200, "page"),
    ("GET", "/trend/tffffffffffffff0", None, 404, "page"),
    ("GET", "/assets/site.css", None, 200, "api"),
]


def _assert_secure(reply: Reply, csp: str) -> None:
    assert reply.headers["x-content-type-options"] == "nosniff"
    policy = reply.headers["content-security-policy"]
    if csp == "api":
        assert policy == API_CSP
    elif csp == "page":
        assert policy == PAGE_CSP
    else:
        assert policy == html_csp(reply.text)
    assert "strict-transport-security" not in reply.headers, "no HSTS unless configured (local: plain HTTP)"


@pytest.mark.parametrize(("method", "path", "query", "status", "csp"), ANSWERS)
def test_every_answer_has_nosniff_and_a_csp(
    api: Api, method: str, path: str, query: Any, status: int, csp: str
) -> None:
    reply = Reply(api.resolve(make_http_event(method, path, query)))

    assert reply.status == status
    _assert_secure(reply, csp)


@pytest.mark.parametrize("path", ["/trends", "/docs", "/"])
def test_a_304_keeps_the_policy_of_its_200(api: Api, path: str) -> None:
    first = api.get(path)

    again = api.get(path, headers={"if-none-match": first.headers["etag"]})

    assert again.status == 304
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    assert again.headers["x-content-type-options"] == "nosniff"


def test_server_errors_and_preflights_are_covered_too(api: Api) -> None:
    broken = _make_api(_BrokenTrends()).get("/trends")
    asks = {"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
    preflight = Reply(api.resolve(make_http_event("OPTIONS", "/trends", headers=asks)))

    assert broken.status == 500
    _assert_secure(broken, "api")
    assert preflight.status == 204
    _assert_secure(preflight, "api")


def test_the_docs_page_and_its_policy_are_built_once(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1.8 MB, hashed for its policy: it was built and scanned two more times on every request
    from headlinez.api import app as api_app
    from headlinez.api import security

    scans: list[int] = []
    real = security.html_csp

    def counting(html: str) -> str:
        scans.append(len(html))
        return real(html)

    monkeypatch.setattr(security, "html_csp", counting)
    monkeypatch.setattr(api_app, "html_csp", counting)
    api_app._swagger_page.cache_clear()
    first, second = api.get("/docs"), api.get("/docs")
    assert first.text == second.text
    assert first.headers["content-security-policy"] == second.headers["content-security-policy"]
    assert [n for n in scans if n > 100_000] == [len(first.text)], "one scan of the page per process"


def test_docs_policy_allows_exactly_its_inline_scripts(api: Api) -> None:
    reply = api.get("/docs")

    policy = reply.headers["content-security-policy"]
    scripts = re.findall(r"<script>(.*?)</script>", reply.text, re.DOTALL)
    assert scripts, "Swagger UI is inline"
    allowed = re.search(r"script-src ([^;]+);", policy)
    assert allowed is not None
    expected = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                for s in scripts}
    assert set(allowed.group(1).split()) == expected
    assert "'unsafe-inline'" not in allowed.group(1)
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy, "Swagger UI fetches ?format=json"
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize(
    ("path", "status"), [("/trends", 200), ("/missing", 404), ("/", 200), ("/docs", 200)]
)
def test_hsts_when_configured(path: str, status: int) -> None:
    api = _make_api(InMemoryTrendRepository(), HSTS_MAX_AGE=31_536_000)

    reply = api.get(path)

    assert reply.status == status
    assert reply.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_secure_response_keeps_a_routes_own_policy_whatever_its_case() -> None:
    response = {"statusCode": 200, "headers": {"content-security-policy": "default-src 'self'",
                                               "Content-Type": "text/html"}, "body": "<p>x</p>"}

    secured = secure_response(response, hsts_max_age=0)

    assert secured["headers"]["content-security-policy"] == "default-src 'self'"
    assert "Content-Security-Policy" not in secured["headers"]
    assert secured["headers"]["X-Content-Type-Options"] == "nosniff"
    bare = secure_response({"statusCode": 204}, hsts_max_age=0)
    assert bare["headers"]["Content-Security-Policy"] == API_CSP


def test_swagger_oauth2_redirect_page_is_served(api: Api) -> None:
    reply = api.get("/docs", {"format": "oauth2-redirect"})
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert "<script" in reply.text
