"""API v2 over in-memory fakes: filters, sorts, paging, articles, topics, search, feeds, syndication."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from tests.fakes import (
    FakeLambdaContext,
    InMemoryFeedStateRepository,
    InMemoryTrendRepository,
    make_http_event,
)

from headlinez.api.app import build_resolver
from headlinez.domain.search import TooManySearchWordsError, search_text, search_tokens
from headlinez.domain.velocity import completed_hour_series, velocity_at
from headlinez.models import CATEGORIES, FeedState, HourBucket, TrendMember, TrendState
from headlinez.settings import ApiSettings
from headlinez.views.cursor import decode_cursor, encode_cursor
from headlinez.views.schemas import (
    Category,
    LifecycleStatus,
    recent_velocities,
    velocity_series,
)

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
SECRET = "unit-test-cursor-secret-0123"
STATUSES = ("emerging", "rising", "peaking", "fading", "cooled")


def _trend(
    n: int,
    *,
    category: str | None = None,
    status: str | None = None,
    topics: list[dict[str, str]] | None = None,
    headline: str | None = None,
    is_open: bool = True,
) -> TrendState:
    state = TrendState(
        trend_id=f"t{n:015x}",
        is_open=is_open,
        article_count=4 + n,
        source_families=["a", "b"],
        outlets=["Outlet A", "Outlet B"],
        first_seen=NOW - timedelta(hours=10 + n),
        last_seen=NOW - timedelta(minutes=(n * 37) % 300),
        headline=headline or f"Story number {n}",
        hourly=[HourBucket(hour=NOW - timedelta(hours=2), articles=2, sources=["a", "b"])],
    )
    # Trend-intelligence fields are set with model_copy: the API reads them with getattr.
    intel: dict[str, Any] = {"category": category, "status": status}
    if topics is not None:
        intel["topics"] = [_Topic(**t) for t in topics]
    return state.model_copy(update=intel)


@dataclass(frozen=True)
class _Topic:
    name: str
    slug: str
    kind: str = "term"


def _member(n: int, k: int) -> TrendMember:
    return TrendMember(
        article_id=f"a{n:03d}{k:04d}",
        title=f"Article {k}",
        url=f"https://news.example/{n}/{k}",
        outlet=f"Outlet {k % 3}",
        publisher_family=f"f{k % 3}",
        published=NOW - timedelta(minutes=k * 7),
    )


@dataclass
class Api:
    trends: InMemoryTrendRepository
    feeds: InMemoryFeedStateRepository
    app: Any
    clock: list[datetime]

    def get(
        self, path: str, query: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        return self.app.resolve(make_http_event("GET", path, query, headers), FakeLambdaContext())

    def json(self, path: str, query: dict[str, str] | None = None) -> Any:
        reply = self.get(path, query)
        assert reply["statusCode"] == 200, reply["body"]
        return json.loads(reply["body"])


def _api(trends: InMemoryTrendRepository, feeds: InMemoryFeedStateRepository | None = None) -> Api:
    settings = ApiSettings.model_validate(
        {"TABLE_NAME": "t-test", "CURSOR_SECRET": SECRET, "DEFAULT_PAGE_SIZE": 5}
    )
    clock = [NOW]
    feeds = feeds or InMemoryFeedStateRepository()
    return Api(trends, feeds, build_resolver(trends, feeds, settings, lambda: clock[0]), clock)


@pytest.fixture
def api() -> Api:
    repo = InMemoryTrendRepository()
    for n in range(40):
        category = CATEGORIES[n % 3]
        repo.add(
            _trend(
                n,
                category=category,
                status=STATUSES[n % 5],
                topics=[{"name": "Iran" if n % 4 == 0 else "Gaza", "slug": "iran" if n % 4 == 0 else "gaza"}],
                headline=f"Talks número {n} in Genève" if n % 6 == 0 else None,
            ),
            [_member(n, k) for k in range(3)],
            score=float(n),
        )
    repo.add(_trend(99, category="world", is_open=False), score=999.0)
    return _api(repo)


def _walk(api: Api, path: str, query: dict[str, str]) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(200):
        body = api.json(path, query | ({"cursor": cursor} if cursor else {}))
        seen.extend(item["id"] if "id" in item else item["article_id"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("paging does not end")


def _ranked(api: Api, predicate: Any) -> list[str]:
    trends = [t for t in api.trends.load_open_trends() if predicate(t)]
    return [t.trend_id for t in sorted(trends, key=lambda t: int(t.trend_id[1:], 16), reverse=True)]


# --- GET /trends filters and sorts ------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["1", "3", "7", "100"])
def test_category_reads_its_own_index_with_one_query_per_page(api: Api, limit: str) -> None:
    seen = _walk(api, "/trends", {"category": "politics", "limit": limit})

    assert seen == _ranked(api, lambda t: t.category == "politics")
    assert {op for op in api.trends.operations} == {("Query", "gsi3")}
    pages = len(api.trends.operations)
    assert pages == len(api.trends.list_calls), "one Query per page"


@pytest.mark.parametrize("limit", ["1", "2", "5", "100"])
@pytest.mark.parametrize(
    "query",
    [
        {"status": "rising"},
        {"since": "2026-02-18T01:00:00Z"},
        {"status": "cooled", "category": "world"},
        {"since": "2026-02-18T02:30:00", "category": "business"},  # no offset: read as UTC
    ],
)
def test_filtered_paging_visits_every_match_once_in_rank_order(
    api: Api, query: dict[str, str], limit: str
) -> None:
    seen = _walk(api, "/trends", query | {"limit": limit})

    since = (
        datetime.fromisoformat(query["since"].replace("Z", "+00:00")).replace(tzinfo=UTC)
        if "since" in query
        else None
    )
    expected = _ranked(
        api,
        lambda t: (
            (query.get("status") in (None, t.status))
            and (query.get("category") in (None, t.category))
            and (since is None or t.last_seen >= since)
        ),
    )
    assert expected, "the fixture has matches"
    assert seen == expected
    assert all(op[0] == "Query" for op in api.trends.operations)


def test_recent_sort_orders_by_last_activity(api: Api) -> None:
    items = [i for page in [api.json("/trends", {"sort": "recent", "limit": "100"})] for i in page["items"]]

    last_seen = [i["last_seen"] for i in items]
    assert last_seen == sorted(last_seen, reverse=True)
    assert len(items) == 40
    assert _walk(api, "/trends", {"sort": "recent", "limit": "6"}) == [i["id"] for i in items]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("category", "weather"),
        ("status", "boiling"),
        ("sort", "random"),
        ("since", "yesterday"),
        ("since", "2026-13-45"),
    ],
)
def test_unknown_filter_values_are_422(api: Api, name: str, value: str) -> None:
    reply = api.get("/trends", {name: value})

    assert reply["statusCode"] == 422
    assert json.loads(reply["body"])["errors"][0]["loc"] == ["query", name]


def test_cursor_of_another_list_is_400(api: Api) -> None:
    cursor = api.json("/trends", {"category": "world", "limit": "2"})["next_cursor"]

    for query in (
        {"category": "politics"},
        {},
        {"category": "world", "status": "rising"},
        {"sort": "recent"},
    ):
        reply = api.get("/trends", query | {"cursor": cursor})
        assert reply["statusCode"] == 400, query
        assert json.loads(reply["body"])["type"] == "urn:headlinez:problem:invalid-cursor"


def test_signed_cursor_with_a_foreign_start_key_is_400_not_500(api: Api) -> None:
    # Even a correctly signed cursor cannot smuggle a key of another index into the Query.
    scope = decode_cursor(api.json("/trends", {"limit": "2"})["next_cursor"], SECRET)["s"]
    forged = encode_cursor({"s": scope, "k": {"pk": "ART#1", "sk": "A"}}, SECRET)

    assert api.get("/trends", {"cursor": forged})["statusCode"] == 400


# --- Detail and articles ------------------------------------------------------------------------------


def test_detail_pages_long_coverage_into_the_articles_resource() -> None:
    repo = InMemoryTrendRepository()
    repo.add(_trend(1), [_member(1, k) for k in range(230)], score=1.0)
    api = _api(repo)

    detail = api.json(f"/trends/{_trend(1).trend_id}")
    rest = _walk(api, f"/trends/{_trend(1).trend_id}/articles", {"limit": "50"})

    assert len(detail["coverage"]) == 200
    assert detail["coverage_next_cursor"]
    older = api.json(f"/trends/{_trend(1).trend_id}/articles", {"cursor": detail["coverage_next_cursor"]})
    assert [c["article_id"] for c in detail["coverage"]] + [c["article_id"] for c in older["items"]] == rest[
        :250
    ]
    assert len(rest) == 230
    assert rest == [f"a001{k:04d}" for k in range(230)], "newest first"


def test_detail_is_at_most_two_reads(api: Api) -> None:
    api.json(f"/trends/{_trend(3).trend_id}")

    assert len(api.trends.operations) <= 2


def test_articles_of_unknown_trend_is_404_and_tampered_cursor_400(api: Api) -> None:
    assert api.get("/trends/tffffffffffffff0/articles")["statusCode"] == 404
    cursor = api.json(f"/trends/{_trend(3).trend_id}/articles", {"limit": "1"})["next_cursor"]
    assert api.get(f"/trends/{_trend(4).trend_id}/articles", {"cursor": cursor})["statusCode"] == 400
    assert (
        api.get(f"/trends/{_trend(3).trend_id}/articles", {"cursor": cursor[:-2] + "xx"})["statusCode"] == 400
    )


def test_detail_serves_intelligence_when_present(api: Api) -> None:
    body = api.json(f"/trends/{_trend(8).trend_id}")

    assert body["status"] == STATUSES[8 % 5]
    assert body["category"] == CATEGORIES[8 % 3]
    assert body["topics"] == [
        {
            "name": "Iran",
            "kind": "term",
            "slug": "iran",
            "links": {"self": "/topics/iran", "html": "/topic/iran"},
        }
    ]
    assert body["brief"] is None
    assert body["velocity_series"][-1]["velocity"] == body["velocity"]
    assert "article rate × newsroom diversity" in body["velocity_explanation"]


def test_a_stored_brief_that_cannot_be_read_is_null_and_the_page_says_so(api: Api) -> None:
    api.trends.put_brief(_trend(8).trend_id, {"pk": "TREND#x", "sk": "BRIEF", "doc": '{"not": "a brief"}'})

    body = api.json(f"/trends/{_trend(8).trend_id}")
    assert body["brief"] is None
    # and the JSON says so too: not "queued", which would promise a brief being written
    assert body["brief_status"] == "unavailable"
    page = api.get(f"/trend/{_trend(8).trend_id}")["body"]
    assert "A brief exists but cannot be shown right now." in page


# --- Topics, search, categories -------------------------------------------------------------------


def test_topic_lists_the_open_trends_naming_it(api: Api) -> None:
    seen = _walk(api, "/topics/iran", {"limit": "3"})

    assert seen == _ranked(api, lambda t: any(topic.slug == "iran" for topic in t.topics))
    assert api.json("/topics/iran", {"limit": "100"})["name"] == "Iran"
    assert api.json("/topics/nobody-at-all")["items"] == []
    assert api.get("/topics/Not A Slug")["statusCode"] == 422


def test_search_matches_word_starts_ignoring_case_and_accents(api: Api) -> None:
    expected = _ranked(api, lambda t: t.headline.startswith("Talks"))

    assert _walk(api, "/search", {"q": "TALKS geneve", "limit": "2"}) == expected
    assert _walk(api, "/search", {"q": "numero 1"}) == expected, "'1' is too short to be a search word"
    # a query without one searchable word matches nothing by construction: a 422 that says why,
    # not an empty list that reads as "no trend is about that"
    for unsearchable in ("!!", "a", "\U0001f600"):
        reply = api.get("/search", {"q": unsearchable})
        assert reply["statusCode"] == 422, unsearchable
        problem = json.loads(reply["body"])
        assert problem["errors"][0]["loc"] == ["query", "q"]
        assert "at least one word" in problem["errors"][0]["msg"]
    assert _walk(api, "/search", {"q": "alks"}) == [], "words must start with the term"


def test_search_with_more_words_than_it_can_match_is_a_422_not_a_silent_cut(api: Api) -> None:
    assert _walk(api, "/search", {"q": "talks geneva one two three four"}) == []
    reply = api.get("/search", {"q": "talks geneva one two three four zzzz"})

    assert reply["statusCode"] == 422
    error = json.loads(reply["body"])["errors"][0]
    assert error["loc"] == ["query", "q"]
    assert "at most 6 words" in error["msg"]
    assert "has 7" in error["msg"]
    with pytest.raises(TooManySearchWordsError):
        search_tokens("a1 b2 c3 d4 e5 f6 g7")
    assert search_tokens("iran iran IRAN Irán geneva") == ("iran", "geneva"), "repeats count once"


def test_search_tokens_and_text() -> None:
    assert search_tokens("  Jerí  jeri, X-ray!! a ") == ("jeri", "ray")
    assert (
        search_text(["Jesse Jackson dies", "Jesse Jackson dies"], ["Chicago"])
        == " jesse jackson dies chicago "
    )


def test_categories_are_the_model_categories(api: Api) -> None:
    body = api.json("/categories")

    assert [c["id"] for c in body["items"]] == list(CATEGORIES)
    assert set(Category.__args__) == set(CATEGORIES)  # type: ignore[attr-defined]
    assert set(LifecycleStatus.__args__) == set(STATUSES)  # type: ignore[attr-defined]
    assert body["items"][0]["links"]["rss"] == "/categories/world/trends.rss"


# --- Feeds health -------------------------------------------------------------------------------------


def test_feed_health_reports_freshness_errors_and_24h_counts() -> None:
    # Given feed states with the hourly counters ingest keeps (NOW is 04:00 UTC): BBC stored 12
    # articles 2 hours ago and 3 at 05:00 the day before (outside the last 24 hours); DW 5 a day ago
    feeds = InMemoryFeedStateRepository(
        [
            FeedState(
                feed_id="bbc",
                url="https://bbc.example/rss",
                outlet="BBC",
                last_attempt_at=NOW - timedelta(minutes=4),
                last_success_at=NOW - timedelta(minutes=4),
                articles_by_hour={"2026-02-18T02": 12, "2026-02-17T04": 3},
            ),
            FeedState(
                feed_id="dw",
                url="https://dw.example/rss",
                outlet="DW",
                last_attempt_at=NOW - timedelta(minutes=9),
                last_success_at=NOW - timedelta(days=1),
                last_error="HTTP 503",
                last_error_at=NOW - timedelta(minutes=9),
                consecutive_errors=3,
                articles_by_hour={"2026-02-17T03": 5},
            ),
            FeedState(feed_id="new", url="https://new.example/rss", outlet="New"),
        ]
    )
    api = _api(InMemoryTrendRepository(), feeds)

    body = api.json("/feeds/health")

    # Then one read of the feed states serves it (no article is read)
    assert feeds.operations == [("Query", "gsi1")]

    assert body["checked_at"] == "2026-02-18T03:56:00Z"
    by_id = {f["feed_id"]: f for f in body["feeds"]}
    assert (by_id["bbc"]["status"], by_id["bbc"]["articles_24h"]) == ("ok", 12)
    assert (by_id["dw"]["status"], by_id["dw"]["last_error"], by_id["dw"]["articles_24h"]) == (
        "failing",
        "HTTP 503",
        0,
    )
    assert by_id["new"]["status"] == "never_polled"
    page = api.get("/feed-health")["body"]
    assert "Feeds checked" in page
    assert "4 min ago" in page
    assert "HTTP 503" in page


# --- Syndication --------------------------------------------------------------------------------------


def _xml(reply: dict[str, Any]) -> ET.Element:
    assert reply["statusCode"] == 200, reply["body"]
    return ET.fromstring(reply["body"].encode())


def test_rss_and_atom_of_all_and_one_category() -> None:
    repo = InMemoryTrendRepository()
    repo.add(_trend(1, category="world", headline="<script>alert(1)</script> & \x07bell"), score=2.0)
    repo.add(_trend(2, category="business"), score=1.0)
    api = _api(repo)

    rss = _xml(api.get("/trends.rss"))
    titles = [t.text for t in rss.iter("title")]
    assert titles[0] == "headlinez: top trends"
    assert titles[1:] == ["<script>alert(1)</script> & bell", "Story number 2"]
    assert (
        rss.find("channel/item/link").text
        == f"https://api-test.execute-api.us-east-1.amazonaws.com/trend/{_trend(1).trend_id}"
    )  # type: ignore[union-attr]
    assert "<script>" not in api.get("/trends.rss")["body"], "escaped in the document"
    world = _xml(api.get("/categories/world/trends.rss"))
    assert [t.text for t in world.iter("title")][1:] == ["<script>alert(1)</script> & bell"]
    assert api.get("/trends.rss", {"category": "business"})["body"].count("<item>") == 1
    atom = _xml(api.get("/categories/business/trends.atom"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:title", namespaces=ns) for e in atom.findall("a:entry", ns)] == ["Story number 2"]
    assert atom.findtext("a:id", namespaces=ns) == "urn:headlinez:trends:business"
    assert api.get("/categories/weather/trends.atom")["statusCode"] == 422
    # one feed, two URLs: self names the canonical one, so a reader never subscribes to all trends
    base = "https://api-test.execute-api.us-east-1.amazonaws.com"
    for kind in ("rss", "atom"):
        for reply in (api.get(f"/trends.{kind}", {"category": "business"}),
                      api.get(f"/categories/business/trends.{kind}")):
            assert _self_link(reply) == f"{base}/categories/business/trends.{kind}"
        assert _self_link(api.get(f"/trends.{kind}")) == f"{base}/trends.{kind}"


def test_an_atom_entry_is_never_updated_before_it_was_published() -> None:
    # Given a trend detected at the end of its window, after its last article
    repo = InMemoryTrendRepository()
    trend = _trend(1)
    detected = trend.last_seen + timedelta(minutes=12)
    repo.add(trend.model_copy(update={"detected_at": detected}), score=1.0)
    atom = _xml(_api(repo).get("/trends.atom"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = atom.find("a:entry", ns)
    assert entry is not None
    published = entry.findtext("a:published", namespaces=ns)
    # Then its updated is its detection, not the earlier last article; the feed's too
    assert published == f"{detected:%Y-%m-%dT%H:%M:%SZ}"
    assert entry.findtext("a:updated", namespaces=ns) == published
    assert atom.findtext("a:updated", namespaces=ns) == published


def test_a_status_change_updates_the_entry_and_the_feed() -> None:
    # Given a trend whose status changed after its last article (its summary says the status)
    repo = InMemoryTrendRepository()
    trend = _trend(1)
    changed = trend.last_seen + timedelta(minutes=40)
    repo.add(trend.model_copy(update={"status": "fading", "status_since": changed}), score=1.0)
    atom = _xml(_api(repo).get("/trends.atom"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = atom.find("a:entry", ns)
    assert entry is not None
    # Then the entry and the feed are updated at the change, so a reader sees it as news
    assert entry.findtext("a:updated", namespaces=ns) == f"{changed:%Y-%m-%dT%H:%M:%SZ}"
    assert atom.findtext("a:updated", namespaces=ns) == f"{changed:%Y-%m-%dT%H:%M:%SZ}"


def test_page_freshness_reads_the_feed_states_at_most_once_a_minute() -> None:
    # Every page view read every feed state (~2 MB at 2,000 feeds) for "feeds checked 4 min ago"
    from headlinez.views.reads import ApiReads

    class CountingFeeds(InMemoryFeedStateRepository):
        reads = 0

        def list_states(self) -> list[FeedState]:
            CountingFeeds.reads += 1
            return super().list_states()

    feeds = CountingFeeds()
    url = "https://feeds.example.com/1.xml"
    feeds.put_states([FeedState(feed_id="f1", url=url, last_attempt_at=NOW - timedelta(minutes=4))])
    clock = [NOW]
    reads = ApiReads(InMemoryTrendRepository(), feeds, cursor_secret="x" * 20, clock=lambda: clock[0])
    assert reads.freshness() == NOW - timedelta(minutes=4)
    clock[0] = NOW + timedelta(seconds=59)
    feeds.put_states([FeedState(feed_id="f1", url=url, last_attempt_at=NOW)])
    assert reads.freshness() == NOW - timedelta(minutes=4)  # reused within the minute
    assert CountingFeeds.reads == 1
    clock[0] = NOW + timedelta(seconds=61)
    assert reads.freshness() == NOW
    clock[0] = NOW  # a clock that went back (a replay restarted) reads again
    assert reads.freshness() == NOW
    assert CountingFeeds.reads == 3


def test_feed_text_that_looks_like_markup_reaches_the_reader_as_text() -> None:
    feedparser = pytest.importorskip("feedparser")
    repo = InMemoryTrendRepository()
    repo.add(_trend(1).model_copy(update={"second_headline": "Israel says <no deal> & x<y"}), score=1.0)
    api = _api(repo)

    rss = feedparser.parse(api.get("/trends.rss")["body"])
    atom = feedparser.parse(api.get("/trends.atom")["body"])
    # RSS readers render <description> as HTML: the reader must see the words, not lose them as a tag
    assert "Israel says <no deal> & x<y" in html.unescape(rss.entries[0].summary)
    assert "Israel says <no deal> & x<y" in atom.entries[0].summary
    assert atom.feed.language == "en"


@pytest.mark.parametrize(("headers", "base"), [
    ({"host": "news.example.org"}, "https://news.example.org"),
    ({"host": "127.0.0.1:8000"}, "http://127.0.0.1:8000"),
    # a client's X-Forwarded-Proto is not trusted: API Gateway serves HTTPS only
    ({"host": "news.example.org", "x-forwarded-proto": "http"}, "https://news.example.org"),
    # hosts that are not a host: the request context's domain name instead
    ({"host": "evil.example/phish?x="}, "https://api-test.execute-api.us-east-1.amazonaws.com"),
    ({"host": "attacker.example@x"}, "https://api-test.execute-api.us-east-1.amazonaws.com"),
    ({"host": "evil.example\n"}, "https://api-test.execute-api.us-east-1.amazonaws.com"),
])
def test_feed_links_take_a_validated_host(headers: dict[str, str], base: str) -> None:
    repo = InMemoryTrendRepository()
    repo.add(_trend(1), score=1.0)
    rss = _xml(_api(repo).get("/trends.rss", headers=headers))
    assert rss.findtext("channel/item/link") == f"{base}/trend/{_trend(1).trend_id}"


def test_a_bad_domain_name_falls_back_to_localhost() -> None:
    repo = InMemoryTrendRepository()
    repo.add(_trend(1), score=1.0)
    api = _api(repo)
    event = make_http_event("GET", "/trends.rss", None, {"host": "bad host"})
    event["requestContext"]["domainName"] = "evil.example/x\n"
    rss = _xml(api.app.resolve(event, FakeLambdaContext()))
    assert rss.findtext("channel/item/link", "").startswith("http://localhost/trend/")


def _self_link(reply: Any) -> str | None:
    links = [e for e in _xml(reply).iter() if e.tag.endswith("link") and e.get("rel") == "self"]
    return links[0].get("href")


def test_feed_items_are_dated_when_they_became_trends_and_count_newsrooms() -> None:
    repo = InMemoryTrendRepository()
    detected = NOW - timedelta(hours=2)
    repo.add(_trend(1).model_copy(update={"detected_at": detected}), score=2.0)
    api = _api(repo)
    summary = api.json("/trends")["items"][0]

    item = _xml(api.get("/trends.rss")).find("channel/item")
    assert item is not None
    assert item.findtext("pubDate") == format_datetime(detected, usegmt=True)
    assert item.findtext("description", "").startswith(
        f"{summary['sources']} newsrooms · {summary['articles']} articles")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = _xml(api.get("/trends.atom")).find("a:entry", ns)
    assert entry is not None
    assert entry.findtext("a:published", namespaces=ns) == f"{detected:%Y-%m-%dT%H:%M:%SZ}"


def test_an_empty_feed_is_not_dated_1970() -> None:
    api = _api(InMemoryTrendRepository())

    rss = _xml(api.get("/categories/health/trends.rss"))
    assert rss.find("channel/lastBuildDate") is None, "no data, no build date"
    atom = _xml(api.get("/categories/health/trends.atom"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert atom.findtext("a:updated", namespaces=ns) == NOW.strftime("%Y-%m-%dT%H:00:00Z")


def test_feeds_are_stable_for_unchanged_data_and_answer_304(api: Api) -> None:
    first = api.get("/trends.rss")
    api.clock[0] = NOW + timedelta(minutes=5)
    again = api.get("/trends.rss", headers={"If-None-Match": first["headers"]["ETag"]})

    assert again["statusCode"] == 304
    assert again["body"] == ""


# --- OpenAPI, caching, CORS on the new routes --------------------------------------------------------


def test_openapi_documents_every_route_with_429(api: Api) -> None:
    spec = api.json("/openapi.json")

    assert {
        "/trends",
        "/trends/{trend_id}",
        "/trends/{trend_id}/articles",
        "/topics/{slug}",
        "/search",
        "/categories",
        "/feeds/health",
        "/predictions/track-record",
        "/trends.rss",
        "/trends.atom",
        "/categories/{category}/trends.rss",
        "/categories/{category}/trends.atom",
        "/",
        "/trend/{trend_id}",
        "/topic/{slug}",
        "/feed-health",
        "/how-it-works",
        "/health",
    } == set(spec["paths"])
    for path, item in spec["paths"].items():
        assert "429" in item["get"]["responses"], path
        # every cached route documents its 304; /health is never cached, so it has none
        assert ("304" in item["get"]["responses"]) == (path != "/health"), path
    health = spec["paths"]["/health"]["get"]["responses"]["200"]["headers"]
    assert "ETag" not in health
    assert "no-store" in health["Cache-Control"]["description"]
    # client generators: ids named after the handler, unique, and no schema nothing uses
    ids = [item["get"]["operationId"] for item in spec["paths"].values()]
    assert len(set(ids)) == len(ids)
    assert spec["paths"]["/trends/{trend_id}"]["get"]["operationId"] == "getTrend"
    assert spec["paths"]["/"]["get"]["operationId"] == "pageHome"
    assert all(re.fullmatch(r"[a-z][A-Za-z]*", operation_id) for operation_id in ids), ids
    assert not {"HTTPValidationError", "ValidationError"} & set(spec["components"]["schemas"])
    # responses: every field always sent is required, and new fields do not break strict clients
    summary = spec["components"]["schemas"]["TrendSummary"]
    assert set(summary["properties"]) == set(summary["required"])
    assert "additionalProperties" not in summary
    assert spec["components"]["schemas"]["Problem"]["required"] == ["title", "status"]
    params = {p["name"]: p for p in spec["paths"]["/trends"]["get"]["parameters"]}
    assert set(params) == {"category", "status", "since", "sort", "limit", "cursor", "include"}
    assert "text/html" in spec["paths"]["/"]["get"]["responses"]["200"]["content"]
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(spec)


@pytest.mark.parametrize(
    "path",
    [
        "/trends?category=world",
        "/categories",
        "/feeds/health",
        "/search?q=story",
        "/topics/iran",
        "/",
        "/how-it-works",
        "/trends.atom",
    ],
)
def test_every_get_has_etag_cache_control_request_id_and_304(api: Api, path: str) -> None:
    route, _, query = path.partition("?")
    params = dict(pair.split("=") for pair in query.split("&")) if query else None
    first = api.get(route, params, {"Origin": "https://elsewhere.example"})
    etag = first["headers"]["ETag"]

    second = api.get(route, params, {"If-None-Match": etag, "Origin": "https://elsewhere.example"})

    assert re.fullmatch(r'W/"[0-9a-f]{32}"', etag)
    assert first["headers"]["Cache-Control"] == "public, max-age=60"
    assert first["headers"]["X-Request-Id"] == "req-test-0001"
    assert first["headers"]["Access-Control-Allow-Origin"] == "*"
    assert second["statusCode"] == 304


# --- Pure helpers -----------------------------------------------------------------------------------


def test_recent_velocities_agree_with_velocity_at() -> None:
    state = TrendState(
        trend_id="t1",
        first_seen=NOW - timedelta(hours=30),
        last_seen=NOW,
        hourly=[
            HourBucket(hour=NOW - timedelta(hours=h), articles=h % 4 + 1, sources=[f"s{h % 3}", f"s{h % 5}"])
            for h in range(0, 30, 2)
        ],
    )
    now = NOW + timedelta(minutes=20)
    values = recent_velocities(state, now)

    # Each completed hour's value is the velocity at its end, the last one at the top of this hour
    expected = [velocity_at(state, NOW - timedelta(hours=23 - i)) for i in range(24)]
    assert values == pytest.approx(expected, abs=0.002)


@pytest.mark.parametrize("age_hours", [0, 5, 47, 48, 200])
def test_velocity_series_is_the_completed_hour_series(age_hours: int) -> None:
    first = NOW - timedelta(hours=age_hours, minutes=10)
    state = TrendState(
        trend_id="t1",
        first_seen=first,
        last_seen=NOW,
        hourly=[
            HourBucket(hour=first + timedelta(hours=h), articles=h % 5, sources=[f"s{h % 4}"])
            for h in range(0, age_hours + 1, 3)
        ],
    )

    # The chart: velocity at the end of each completed hour (the page's velocity is the last one)
    assert velocity_series(state, NOW) == completed_hour_series(state, NOW)[-48:]


