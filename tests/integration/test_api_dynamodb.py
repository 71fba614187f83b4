"""The API's DynamoDB reads on a moto table built from template.yaml: keys, filters, paging, read counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from tests.fakes import FakeLambdaContext, make_http_event

from headlinez.adapters.dynamodb import RECENT_WINDOW, DynamoStore
from headlinez.api.app import build_resolver
from headlinez.domain.search import search_tokens
from headlinez.models import Article, FeedState, HourBucket, Topic, TrendMember, TrendState
from headlinez.ports import InvalidStartKeyError, TrendQuery
from headlinez.settings import ApiSettings

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
CATEGORY = ("world", "politics", "business")
STATUS = ("emerging", "rising", "peaking", "fading", "cooled")


def _trend(n: int) -> TrendState:
    return TrendState(
        trend_id=f"t{n:015x}",
        article_count=3,
        source_families=["a", "b"],
        outlets=["A", "B"],
        first_seen=NOW - timedelta(hours=20),
        last_seen=NOW - timedelta(minutes=(n * 53) % 600),
        headline=f"Geneva talks {n}" if n % 5 == 0 else f"Story {n}",
        hourly=[HourBucket(hour=NOW - timedelta(hours=1), articles=3, sources=["a", "b"])],
        category=CATEGORY[n % 3],
        status=STATUS[n % 5],  # type: ignore[arg-type]
        topics=[Topic(name="Iran", kind="place", slug="iran")] if n % 4 == 0 else [],
    )


def _member(n: int, k: int) -> TrendMember:
    return TrendMember(
        article_id=f"a{n:04d}{k:04d}",
        title=f"Article {k}",
        url=f"https://n.example/{k}",
        outlet="A",
        publisher_family="a",
        published=NOW - timedelta(minutes=k),
    )


class Calls:
    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.names.append(model.name)


@pytest.fixture
def store(dynamodb_table: str) -> tuple[DynamoStore, Calls]:
    resource = boto3.resource("dynamodb", region_name="us-east-1")
    store = DynamoStore(resource, dynamodb_table)
    trends = [_trend(n) for n in range(30)]
    members = {t.trend_id: [_member(n, k) for k in range(4 if n != 7 else 12)] for n, t in enumerate(trends)}
    store.save_trends(trends, members, {t.trend_id: float(n) for n, t in enumerate(trends)})
    closed = _trend(99).model_copy(update={"is_open": False})
    store.save_trends([closed], {}, {closed.trend_id: 500.0})
    calls = Calls()
    resource.meta.client.meta.events.register("before-call.dynamodb", calls)
    return store, calls


def _ids(states: list[TrendState]) -> list[str]:
    return [s.trend_id for s in states]


def _expected(predicate: Any) -> list[str]:
    return [f"t{n:015x}" for n in sorted(range(30), reverse=True) if predicate(_trend(n))]


def _walk(store: DynamoStore, query: TrendQuery, limit: int) -> list[str]:
    seen: list[str] = []
    key = None
    for _ in range(100):
        page, key = store.query_trends(query, limit, key)
        seen.extend(_ids(page))
        if key is None:
            return seen
    raise AssertionError("no end")


@pytest.mark.parametrize("limit", [1, 4, 100])
@pytest.mark.parametrize(
    "query",
    [
        TrendQuery(),
        TrendQuery(category="politics"),
        TrendQuery(status="rising"),
        TrendQuery(category="world", status="cooled"),
        TrendQuery(since=NOW - timedelta(hours=3)),
        TrendQuery(topic="iran"),
        TrendQuery(terms=search_tokens("geneva")),
    ],
)
def test_query_trends_pages_through_exactly_the_matches(
    store: tuple[DynamoStore, Calls], query: TrendQuery, limit: int
) -> None:
    dynamo, calls = store

    seen = _walk(dynamo, query, limit)

    expected = _expected(
        lambda t: (
            (query.category in (None, t.category))
            and (query.status in (None, t.status))
            and (query.since is None or t.last_seen >= query.since)
            and (query.topic is None or any(x.slug == query.topic for x in t.topics))
            and all(term in t.headline.lower() for term in query.terms)
        )
    )
    assert expected
    assert seen == expected
    assert set(calls.names) == {"Query"}, "never a Scan"


def test_category_uses_gsi3_and_unfiltered_pages_are_full(store: tuple[DynamoStore, Calls]) -> None:
    dynamo, calls = store

    page, key = dynamo.query_trends(TrendQuery(category="business"), 3, None)

    assert len(page) == 3
    assert key is not None
    assert set(key) == {"pk", "sk", "gsi3pk", "gsi3sk"}
    assert calls.names == ["Query"]


def test_recent_sort_reorders_the_top_window(store: tuple[DynamoStore, Calls]) -> None:
    dynamo, _ = store

    seen = _walk(dynamo, TrendQuery(sort="recent"), 7)

    states = [_trend(n) for n in range(30)]
    expected = sorted(states, key=lambda t: (t.last_seen, f"TREND#{t.trend_id}"), reverse=True)
    assert seen == [t.trend_id for t in expected][:RECENT_WINDOW]


def test_recent_sort_fills_its_window_across_query_pages(store: tuple[DynamoStore, Calls]) -> None:
    # DynamoDB ends a Query page at 1 MB of whole items (~24 large trends): one page cut the
    # window short and the list ended without a cursor
    dynamo, _ = store
    real_query = dynamo._db.query

    def small_pages(**kwargs: Any) -> Any:
        items, _ = real_query(**{**kwargs, "Limit": min(kwargs["Limit"], 4)})
        more = None
        if len(items) == 4:
            last = items[-1]
            more = {name: last[name] for name in ("pk", "sk", "gsi1pk", "gsi1sk")}
        return items, more

    dynamo._db.query = small_pages  # type: ignore[method-assign]
    seen = _walk(dynamo, TrendQuery(sort="recent"), 7)

    states = [_trend(n) for n in range(30)]
    expected = sorted(states, key=lambda t: (t.last_seen, f"TREND#{t.trend_id}"), reverse=True)
    assert seen == [t.trend_id for t in expected][:RECENT_WINDOW]


@pytest.mark.parametrize(
    "key",
    [
        {"pk": "TREND#x", "sk": "META", "gsi3pk": "CAT#world", "gsi3sk": "1"},  # another index
        {"pk": "ART#x", "sk": "META", "gsi1pk": "TRENDS", "gsi1sk": "1"},
        {"pk": "TREND#x", "sk": "META", "gsi1pk": "FEEDS", "gsi1sk": "1"},  # another partition
        {"pk": "TREND#x", "sk": "META", "gsi1pk": "TRENDS", "gsi1sk": 5},
        {"offset": 3},
    ],
)
def test_foreign_start_keys_are_refused_before_any_read(
    store: tuple[DynamoStore, Calls], key: dict[str, Any]
) -> None:
    dynamo, calls = store

    with pytest.raises(InvalidStartKeyError):
        dynamo.query_trends(TrendQuery(), 5, key)
    assert calls.names == []


def test_trend_record_is_one_query_when_small_two_reads_when_large(store: tuple[DynamoStore, Calls]) -> None:
    dynamo, calls = store
    brief_item = {"pk": f"TREND#{_trend(3).trend_id}", "sk": "BRIEF", "doc": "{}"}
    dynamo._table.put_item(Item=brief_item)
    dynamo._table.put_item(Item={**brief_item, "pk": f"TREND#{_trend(7).trend_id}"})
    calls.names.clear()

    small = dynamo.get_trend_record(_trend(3).trend_id, 10)
    assert calls.names == ["Query"]
    assert small is not None
    assert small.brief_item is not None
    assert small.more_members is None
    assert [m.article_id for m in small.members] == [f"a0003{k:04d}" for k in range(4)]

    calls.names.clear()
    large = dynamo.get_trend_record(_trend(7).trend_id, 5)
    assert calls.names == ["Query", "GetItem"]
    assert large is not None
    assert large.brief_item is not None
    assert len(large.members) == 5
    rest, key = dynamo.list_members(_trend(7).trend_id, 100, large.more_members) or ([], None)
    assert [m.article_id for m in large.members + rest] == [f"a0007{k:04d}" for k in range(12)]
    assert key is None

    calls.names.clear()
    assert dynamo.get_trend_record("tffffffffffffff0", 5) is None
    assert calls.names == ["Query"]


def test_list_members_pages_and_knows_unknown_trends(store: tuple[DynamoStore, Calls]) -> None:
    dynamo, _ = store
    seen: list[str] = []
    key = None
    while True:
        found = dynamo.list_members(_trend(7).trend_id, 5, key)
        assert found is not None
        page, key = found
        seen.extend(m.article_id for m in page)
        if key is None:
            break
    assert seen == [f"a0007{k:04d}" for k in range(12)]
    assert dynamo.list_members("tffffffffffffff0", 5, None) is None
    # A trend whose META expired (TTL) while its members, dated by their own articles, remain:
    # its page is a 404, and its coverage too (it was served for up to the article TTL more)
    dynamo._table.delete_item(
        Key={"pk": f"TREND#{_trend(7).trend_id}", "sk": "META"})
    assert dynamo.list_members(_trend(7).trend_id, 5, None) is None
    with pytest.raises(InvalidStartKeyError):
        dynamo.list_members(_trend(3).trend_id, 5, {"pk": f"TREND#{_trend(7).trend_id}", "sk": "M#x"})


def test_articles_per_feed_counts_the_last_24_hours(dynamodb_table: str) -> None:
    dynamo = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    articles = [
        Article(
            article_id=f"{i:032x}",
            url=f"https://n.example/{i}",
            title=f"T {i}",
            published=NOW,
            ingested_at=NOW - timedelta(hours=i * 7),
            feed_id="bbc" if i % 2 else "dw",
            outlet="X",
            publisher_family="x",
            title_fingerprint=f"{i:016x}",
        )
        for i in range(6)
    ]
    dynamo.save_new_articles(articles)

    assert dynamo.articles_per_feed(NOW - timedelta(hours=24), NOW) == {"dw": 2, "bbc": 2}


def test_feed_health_is_one_query_of_the_feed_states(store: tuple[DynamoStore, Calls]) -> None:
    # Given 300 feed states with ingest's hourly counters, and articles in the table as well
    dynamo, calls = store
    dynamo.put_states([
        FeedState(feed_id=f"feed-{i:03d}", url=f"https://f{i}.example/rss", outlet=f"Outlet {i:03d}",
                  last_attempt_at=NOW, articles_by_hour={"2026-02-18T03": i, "2026-02-17T01": 50})
        for i in range(300)
    ])
    dynamo.save_new_articles([Article(
        article_id=f"{i:032x}", url=f"https://n.example/{i}", title=f"T {i}", published=NOW,
        ingested_at=NOW - timedelta(hours=1), feed_id="feed-001", outlet="X", publisher_family="x",
        title_fingerprint=f"{i:016x}") for i in range(20)])
    app = build_resolver(dynamo, dynamo, ApiSettings.model_validate({"TABLE_NAME": "x-table"}), lambda: NOW)
    calls.names.clear()

    # When the health page is asked for
    response = app.resolve(make_http_event("GET", "/feeds/health"), FakeLambdaContext())

    # Then one Query of the feed states answers it (no article is read), with the counters' counts
    assert response["statusCode"] == 200
    assert calls.names == ["Query"]
    counts = {f["feed_id"]: f["articles_24h"] for f in json.loads(response["body"])["feeds"]}
    assert len(counts) == 300
    assert (counts["feed-000"], counts["feed-001"], counts["feed-299"]) == (0, 1, 299)


def test_the_api_over_dynamodb_reads_one_query_per_list_and_two_at_most_per_detail(
    store: tuple[DynamoStore, Calls],
) -> None:
    dynamo, calls = store
    dynamo.put_states([FeedState(feed_id="bbc", url="https://b.example/", outlet="BBC", last_attempt_at=NOW)])
    settings = ApiSettings.model_validate({"TABLE_NAME": "x-table", "CURSOR_SECRET": "s" * 20})
    app = build_resolver(dynamo, dynamo, settings, lambda: NOW)

    def get(path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
        calls.names.clear()
        return app.resolve(make_http_event("GET", path, query), FakeLambdaContext())

    first = get("/trends", {"category": "world", "limit": "2"})
    assert calls.names == ["Query"]
    cursor = json.loads(first["body"])["next_cursor"]
    assert get("/trends", {"category": "world", "limit": "2", "cursor": cursor})["statusCode"] == 200
    assert calls.names == ["Query"]
    tampered = get("/trends", {"category": "world", "cursor": cursor[:-3] + "abc"})
    assert tampered["statusCode"] == 400
    assert calls.names == []
    assert get("/trends", {"category": "politics", "cursor": cursor})["statusCode"] == 400
    assert calls.names == []
    assert get(f"/trends/{_trend(7).trend_id}")["statusCode"] == 200
    assert len(calls.names) <= 2
    assert get("/")["statusCode"] == 200
    assert calls.names == ["Query", "Query"], "the list and the feed states"
    assert get("/trends.rss")["statusCode"] == 200
    assert calls.names == ["Query"]
