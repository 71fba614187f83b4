"""DynamoStore against moto, with the table built from template.yaml."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from headlinez.adapters.dynamodb import DynamoStore, ItemTooLargeError
from headlinez.domain.dedupe import DedupeKey, dedupe_keys, is_duplicate
from headlinez.models import Article, FeedState, HourBucket, TrendMember, TrendState

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)


def make_article(n: int, *, ingested: datetime = NOW, family: str = "bbc") -> Article:
    return Article(
        article_id=f"{n:032x}", url=f"https://example.com/{n}", title=f"Headline number {n}",
        summary="Summary.", published=ingested - timedelta(minutes=n % 50), ingested_at=ingested,
        feed_id=f"feed-{family}", outlet=family.upper(), publisher_family=family,
        title_fingerprint=f"fp{n}", guid=f"guid-{n}",
    )


def make_trend(n: int, *, open_: bool = True) -> TrendState:
    return TrendState(
        trend_id=f"t{n:015x}", is_open=open_, centroid={"iran": 1.5, "geneva": 0.7},
        article_count=n + 1, source_families=["bbc", "npr"][: 1 + n % 2], first_seen=NOW,
        last_seen=NOW, hourly=[HourBucket(hour=NOW, articles=n + 1, sources=["bbc"])],
        headline=f"Trend {n}",
    )


@pytest.fixture
def store(dynamodb_table: str) -> DynamoStore:
    return DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)


@pytest.fixture
def batch_sizes(store: DynamoStore) -> dict[str, list[int]]:
    """Record the size of every batch call, to check DynamoDB's real limits (moto is looser)."""
    sizes: dict[str, list[int]] = {"write": [], "get": []}

    def record_write(params: dict[str, Any], **_: Any) -> None:
        sizes["write"].extend(len(v) for v in params["RequestItems"].values())

    def record_get(params: dict[str, Any], **_: Any) -> None:
        sizes["get"].extend(len(v["Keys"]) for v in params["RequestItems"].values())

    client = store._resource.meta.client
    client.meta.events.register("provide-client-params.dynamodb.BatchWriteItem", record_write)
    client.meta.events.register("provide-client-params.dynamodb.BatchGetItem", record_get)
    return sizes


def test_saved_articles_are_found_as_duplicates_and_retries_add_nothing(store: DynamoStore) -> None:
    # Given 30 articles saved once
    articles = [make_article(n) for n in range(30)]
    store.save_new_articles(articles)
    table = store._table
    items_after_first = table.scan(Select="COUNT")["Count"]
    # Then every article is recognised as a duplicate by the dedupe guard
    found = store.existing_keys([k for a in articles for k in dedupe_keys(a)])
    assert all(is_duplicate(a, found) for a in articles)
    # When the same articles are saved again (an overlapping run), the conditional put refuses
    # every article: nothing is reported as new, and only the aliases (which go first, and are
    # the same records) are rewritten
    writes = store.write_count
    assert store.save_new_articles(articles) == []
    assert store.write_count == writes + 30 * 2
    assert table.scan(Select="COUNT")["Count"] == items_after_first == 30 * 3


def test_existing_keys_finds_articles_and_aliases_in_batches_of_100(
        store: DynamoStore, batch_sizes: dict[str, list[int]]) -> None:
    articles = [make_article(n) for n in range(130)]
    store.save_new_articles(articles)
    keys = [DedupeKey("url", "", a.article_id) for a in articles]
    keys += [DedupeKey("title", "bbc", f"fp{n}") for n in range(130)]
    keys += [DedupeKey("url", "", "f" * 32), DedupeKey("title", "bbc", "unknown")]
    found = store.existing_keys(keys)
    assert len(found) == 260
    assert found[DedupeKey("title", "bbc", "fp7")]["article_id"] == articles[7].article_id
    assert max(batch_sizes["get"]) <= 100
    assert batch_sizes["write"]
    assert max(batch_sizes["write"]) <= 25


def test_articles_ingested_between_spans_hour_buckets(store: DynamoStore) -> None:
    early = [make_article(n, ingested=NOW - timedelta(hours=2)) for n in range(3)]
    late = [make_article(100 + n, ingested=NOW) for n in range(4)]
    store.save_new_articles(early + late)
    assert len(store.articles_ingested_between(NOW - timedelta(hours=3), NOW)) == 7
    assert len(store.articles_ingested_between(NOW - timedelta(minutes=30), NOW)) == 4


def test_feed_states_round_trip(store: DynamoStore) -> None:
    state = FeedState(feed_id="bbc-world", url="https://feeds.bbci.co.uk/news/world/rss.xml",
                      etag='"abc"', last_error="HTTP 500", consecutive_errors=2, last_error_at=NOW)
    store.put_states([state])
    assert store.get_states(["bbc-world", "missing"]) == {"bbc-world": state}
    assert store.list_states() == [state]


def test_trends_ranked_paged_and_detailed(store: DynamoStore) -> None:
    trends = [make_trend(n) for n in range(7)] + [make_trend(99, open_=False)]
    member = TrendMember(article_id="a" * 32, title="Talks in Geneva", url="https://example.com/a",
                         outlet="BBC", publisher_family="bbc", published=NOW)
    scores = {t.trend_id: float(t.article_count) for t in trends}
    store.save_trends(trends, {trends[0].trend_id: [member]}, scores)

    seen: list[str] = []
    start = None
    while True:
        page, start = store.list_trends(3, start)
        seen.extend(t.trend_id for t in page)
        if start is None:
            break
    # Ranked by score (article_count here), closed trends and single-newsroom candidates (even n)
    # excluded, no duplicates over pages; candidates stay stored and open
    assert seen == [make_trend(n).trend_id for n in reversed(range(7)) if n % 2 == 1]
    assert {t.trend_id for t in store.load_open_trends()} == {t.trend_id for t in trends[:7]}

    detail = store.get_trend(trends[0].trend_id)
    assert detail is not None
    state, members = detail
    assert state == trends[0]
    assert members == [member]
    assert store.get_trend("t" + "0" * 14 + "9") is None


def test_oversize_trend_is_refused(store: DynamoStore) -> None:
    trend = make_trend(1).model_copy(update={"centroid": {f"term{n}": 1.0 for n in range(40_000)}})
    with pytest.raises(ItemTooLargeError):
        store.save_trends([trend], {})


def test_lists_read_the_slim_list_document(store: DynamoStore) -> None:
    # Given an open trend carrying clustering's working state
    trend = make_trend(3).model_copy(update={
        "centroid": {f"term{n}": 1.0 for n in range(60)},
        "recent_member_ids": [f"{n:024x}" for n in range(400)],
        "title_fingerprints": {f"{n:020x}": "bbc" for n in range(200)},
    })
    store.save_trends([trend], {}, {trend.trend_id: 1.0})
    item = store._table.get_item(Key={"pk": f"TREND#{trend.trend_id}", "sk": "META"})["Item"]
    # Then the list document is a small fraction of the full one
    assert len(item["list_doc"]) * 5 < len(item["doc"])
    # And a list returns the trend without that state but with everything a list shows
    (listed,), _ = store.list_trends(10, None)
    assert listed.centroid == {}
    assert listed.recent_member_ids == []
    assert listed.model_dump(exclude={"centroid", "title_candidates", "recent_member_ids",
                                      "title_fingerprints"}) == trend.model_dump(
        exclude={"centroid", "title_candidates", "recent_member_ids", "title_fingerprints"})


def test_a_story_with_many_newsrooms_an_hour_fits_its_item(store: DynamoStore) -> None:
    # Given a story of 168 hours with 90 distinct newsrooms each hour: the hourly lists are stored
    # in `doc` and again in `list_doc`, and the item passed 400 KB while `doc` passed its check
    hours = [HourBucket(hour=NOW - timedelta(hours=h), articles=120,
                        sources=[f"newsroom-{h}-{n:03d}" for n in range(90)]) for h in range(168)]
    trend = make_trend(3).model_copy(update={"hourly": hours})
    store.save_trends([trend], {}, {trend.trend_id: 1.0})  # moto refuses items over 400 KB too
    item = store._table.get_item(Key={"pk": f"TREND#{trend.trend_id}", "sk": "META"})["Item"]
    assert sum(len(str(value).encode()) for value in item.values()) < 400_000
    # Then the detail keeps every hour and the list the newest ones (at least two days)
    detail = store.get_trend(trend.trend_id)
    assert detail is not None
    assert len(detail[0].hourly) == 168
    (listed,), _ = store.list_trends(10, None)
    assert 48 <= len(listed.hourly) < 168
    assert max(b.hour for b in listed.hourly) == NOW


def test_a_crash_while_saving_leaves_aliases_never_an_article_without_them(
        store: DynamoStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # An article without its aliases was stored again by the newsroom's other feeds; an alias
    # without its article is ignored by ingest (IngestService._trusted) and rewritten on retry
    article = make_article(1)

    def crash(*args: object, **kwargs: object) -> None:
        raise TimeoutError("Task timed out")

    monkeypatch.setattr(store._db, "put", crash)
    with pytest.raises(TimeoutError):
        store.save_new_articles([article])
    found = store.existing_keys(dedupe_keys(article))
    assert set(found) == {k for k in dedupe_keys(article) if k.kind != "url"}
    monkeypatch.undo()
    assert store.save_new_articles([article]) == [article]
