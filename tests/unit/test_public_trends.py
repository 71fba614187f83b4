"""Only real trends are public (issue 8, §4), and coverage is grouped by newsroom (§3).

A trend is public when 2+ independent newsrooms cover it; single-newsroom candidates stay stored,
are left out of every list, page and feed by key (so pages stay full), and are shown, labelled,
only with `include=candidates`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes import (
    FakeLambdaContext,
    InMemoryFeedStateRepository,
    InMemoryTrendRepository,
    make_http_event,
)

from headlinez.api.app import build_resolver
from headlinez.domain.newsrooms import (
    PUBLIC_MIN_NEWSROOMS,
    TREND_DEFINITION,
    candidate_label,
    group_by_newsroom,
    is_public,
)
from headlinez.models import HourBucket, Topic, TrendMember, TrendState
from headlinez.ports import TrendQuery
from headlinez.settings import ApiSettings
from headlinez.views.schemas import TrendDetail

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
SETTINGS = ApiSettings.model_validate({"TABLE_NAME": "x-table", "CURSOR_SECRET": "s" * 20})
COUNT = 24


def _newsrooms(n: int) -> int:
    """Every third trend is a single-newsroom candidate; the others have 2 or 3 newsrooms."""
    return 1 if n % 3 == 0 else 2 + n % 2


def _trend(n: int, *, families: int | None = None) -> TrendState:
    count = _newsrooms(n) if families is None else families
    names = [f"f{i}" for i in range(count)]
    return TrendState(
        trend_id=f"t{n:015x}",
        article_count=count,
        source_families=names,
        outlets=[f"Outlet {i}" for i in range(count)],
        first_seen=NOW - timedelta(hours=5),
        last_seen=NOW - timedelta(minutes=n),
        headline=f"Geneva story {n}",
        hourly=[HourBucket(hour=NOW - timedelta(hours=1), articles=count, sources=names)],
        category="world" if n % 2 == 0 else "science",
        topics=[Topic(name="Geneva", kind="place", slug="geneva")],
    )


def _public_ranked(predicate: Any = lambda n: True) -> list[str]:
    return [f"t{n:015x}" for n in sorted(range(COUNT), reverse=True) if _newsrooms(n) >= 2 and predicate(n)]


def _all_ranked(predicate: Any = lambda n: True) -> list[str]:
    return [f"t{n:015x}" for n in sorted(range(COUNT), reverse=True) if predicate(n)]


def _pages(store: Any, query: TrendQuery, limit: int) -> list[list[str]]:
    pages, key = [], None
    for _ in range(50):
        states, key = store.query_trends(query, limit, key)
        pages.append([s.trend_id for s in states])
        if key is None:
            return pages
    raise AssertionError("no end")


# --- the rule ---------------------------------------------------------------------------------


def test_a_trend_is_public_from_two_newsrooms() -> None:
    assert PUBLIC_MIN_NEWSROOMS == 2
    assert not is_public(_trend(0, families=1))
    assert not is_public(_trend(0, families=0))
    assert is_public(_trend(0, families=2))
    assert candidate_label(1) == "candidate (1 newsroom)"
    assert "at least 2 independent newsrooms" in TREND_DEFINITION


# --- the API and the pages --------------------------------------------------------------------


def _fake_api() -> Any:
    repo = InMemoryTrendRepository()
    for n in range(COUNT):
        trend = _trend(n)
        members = [TrendMember(article_id=f"a{n:03d}{i}", title=f"Report {i}", url=f"https://n.example/{n}/{i}",
                               outlet=f"Outlet {i}", publisher_family=f"f{i}",
                               published=NOW - timedelta(minutes=10 * i)) for i in range(_newsrooms(n))]
        repo.add(trend, members, score=float(n))
    app = build_resolver(repo, InMemoryFeedStateRepository(), SETTINGS, lambda: NOW)

    def get(path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
        return app.resolve(make_http_event("GET", path, query), FakeLambdaContext())

    return get


def test_json_lists_and_feeds_show_trends_only_by_default() -> None:
    get = _fake_api()
    for path, query in (("/trends", {"limit": "100"}), ("/search", {"q": "geneva", "limit": "100"}),
                        ("/topics/geneva", {"limit": "100"})):
        items = json.loads(get(path, query)["body"])["items"]
        assert [i["id"] for i in items] == _public_ranked(), path
        assert all(i["sources"] >= 2 and not i["candidate"] and i["label"] is None for i in items)
        wide = json.loads(get(path, {**query, "include": "candidates"})["body"])["items"]
        assert [i["id"] for i in wide] == _all_ranked(), path
        labelled = [i for i in wide if i["candidate"]]
        assert labelled
        assert all(i["label"] == "candidate (1 newsroom)" for i in labelled)
    rss = get("/trends.rss")["body"]
    assert "Geneva story 21<" not in rss
    assert "Geneva story 1<" in rss
    assert "Geneva story 21<" not in get("/categories/world/trends.atom")["body"]


def test_include_takes_only_candidates_and_cursors_stay_with_their_view() -> None:
    get = _fake_api()
    assert get("/trends", {"include": "everything"})["statusCode"] == 422
    cursor = json.loads(get("/trends", {"include": "candidates", "limit": "2"})["body"])["next_cursor"]
    assert get("/trends", {"cursor": cursor, "limit": "2"})["statusCode"] == 400
    nxt = json.loads(get("/trends", {"include": "candidates", "limit": "2", "cursor": cursor})["body"])
    assert [i["id"] for i in nxt["items"]] == _all_ranked()[2:4]


def test_the_api_says_what_a_trend_is() -> None:
    spec = json.loads(_fake_api()("/openapi.json")["body"])
    assert TREND_DEFINITION in spec["info"]["description"]
    assert TREND_DEFINITION in spec["paths"]["/trends"]["get"]["description"]
    names = {p["name"] for p in spec["paths"]["/topics/{slug}"]["get"]["parameters"]}
    assert "include" in names


def test_pages_show_trends_only_and_label_candidates_when_asked() -> None:
    get = _fake_api()
    home = get("/")["body"]
    assert TREND_DEFINITION in home
    assert "Geneva story 21<" not in home
    assert "candidate (1 newsroom)" not in home
    assert 'href="/?include=candidates"' in home
    wide = get("/", {"include": "candidates"})["body"]
    assert "Geneva story 21<" in wide
    assert "candidate (1 newsroom)" in wide
    assert 'href="/"' in wide  # back to trends only
    world = get("/", {"category": "world", "include": "candidates"})["body"]
    assert 'href="/?category=world&amp;include=candidates"' in world
    topic = get("/topic/geneva")["body"]
    assert TREND_DEFINITION in topic
    assert "Geneva story 21<" not in topic
    assert "candidate (1 newsroom)" in get("/topic/geneva", {"include": "candidates"})["body"]
    candidate_page = get(f"/trend/t{0:015x}")["body"]  # still reachable by its id, and labelled
    assert "candidate (1 newsroom)" in candidate_page
    assert "Not a trend yet" in candidate_page
    assert TREND_DEFINITION in get("/how-it-works")["body"]


# --- coverage grouped by newsroom ---------------------------------------------------------------


def _member(article: str, family: str, outlet: str, minutes_ago: int) -> TrendMember:
    return TrendMember(article_id=article, title=f"Title {article}", url=f"https://n.example/{article}",
                       outlet=outlet, publisher_family=family, published=NOW - timedelta(minutes=minutes_ago))


MEMBERS = [
    _member("a1", "ndtv", "NDTV", 50),
    _member("a2", "dawn", "Dawn", 5),
    _member("a3", "ndtv", "NDTV", 10),
    _member("a4", "bbc", "BBC News", 30),
    _member("a5", "ndtv", "NDTV World", 40),
    _member("a6", "bbc", "BBC News", 20),
]


def test_coverage_groups_each_newsroom_once_then_its_articles() -> None:
    groups = group_by_newsroom(MEMBERS)
    # Newsrooms by their newest article; each once; the name most of its articles carry
    named = [(g.publisher_family, g.name) for g in groups]
    assert named == [("dawn", "Dawn"), ("ndtv", "NDTV"), ("bbc", "BBC News")]
    assert [[m.article_id for m in g.members] for g in groups] == [["a2"], ["a3", "a5", "a1"], ["a6", "a4"]]
    assert groups[1].outlets == ("NDTV", "NDTV World")
    assert group_by_newsroom([]) == []


def test_trend_detail_json_and_page_group_coverage_by_newsroom() -> None:
    state = _trend(1, families=3).model_copy(update={"article_count": len(MEMBERS)})
    detail = TrendDetail.build(state, MEMBERS, NOW)
    assert [n.name for n in detail.newsrooms] == ["Dawn", "NDTV", "BBC News"]
    assert [len(n.articles) for n in detail.newsrooms] == [1, 3, 2]
    assert len(detail.coverage) == len(MEMBERS)  # the flat list stays, newest first

    repo = InMemoryTrendRepository()
    repo.add(state, MEMBERS, score=1.0)
    app = build_resolver(repo, InMemoryFeedStateRepository(), SETTINGS, lambda: NOW)
    body = app.resolve(make_http_event("GET", f"/trend/{state.trend_id}"), FakeLambdaContext())["body"]
    assert body.count('data-newsroom="ndtv"') == 1
    assert body.count("data-article=") == len(MEMBERS)
    ndtv = body.split('data-newsroom="ndtv"')[1].split('data-newsroom="bbc"')[0]
    assert [f"Title {a}" in ndtv for a in ("a3", "a5", "a1", "a2")] == [True, True, True, False]
    # an article under another masthead of the newsroom says so (isolated, as an Arabic one needs)
    assert " · <bdi>NDTV World</bdi>" in ndtv
    assert "by 3 newsrooms" in body


def test_a_backlog_run_dates_first_detection_from_the_stream() -> None:
    from datetime import UTC, datetime, timedelta

    from headlinez.domain.newsrooms import detection_time

    now = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
    step = timedelta(minutes=15)
    second = datetime(2026, 2, 17, 10, 37, tzinfo=UTC)
    # The second newsroom published at 10:37: the 10:45 run would have made it public
    arrivals = [(second - timedelta(hours=1), "a"), (second, "b"), (second + timedelta(hours=2), "c")]
    assert detection_time([], arrivals, ["a", "b", "c"], now=now, step=step) == datetime(
        2026, 2, 17, 10, 45, tzinfo=UTC)
    # A newsroom the trend had before this run counts; a wire copy (not counted) does not
    assert detection_time(["a"], [(second, "b")], ["a", "b"], now=now, step=step) == datetime(
        2026, 2, 17, 10, 45, tzinfo=UTC)
    assert detection_time([], [(second, "a"), (second, "wire")], ["a"], now=now, step=step) == now
    # Never after the run itself
    assert detection_time([], [(now, "a"), (now, "b")], ["a", "b"], now=now, step=step) == now
    # Never before the trend's own first article: a candidate since 11:40 joined by a slow feed's
    # article of the day before became public at 11:40, not then (it read "first detected 20h ago")
    candidate_since = datetime(2026, 2, 18, 11, 40, tzinfo=UTC)
    late = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)
    slow = candidate_since - timedelta(hours=20)
    assert detection_time(["a"], [(slow, "b")], ["a", "b"], now=late, step=step,
                          known_since=candidate_since) == datetime(2026, 2, 18, 11, 45, tzinfo=UTC)
    # ... which changes nothing when the arriving article is the later one
    assert detection_time(["a"], [(second, "b")], ["a", "b"], now=now, step=step,
                          known_since=second - timedelta(hours=3)) == datetime(2026, 2, 17, 10, 45,
                                                                               tzinfo=UTC)
