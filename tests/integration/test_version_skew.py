"""Items and messages written by the next version of the code, read by this one (moto).

A deploy runs two versions side by side, and a rollback has the older read what the newer wrote
(headlinez.adapters.entities.documents). Each test stores what a next version plausibly would (a
new field, a new status or topic kind, a new feed origin, a value this version cannot read at all)
and checks that this version still serves, lists and clusters it, and that its rewrites keep a
new top-level field (a nested model's new field is not kept: see the documents module). The
"a new field" cases of the first test are controls: those reads were lenient already.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from tests import brief_story as story
from tests.fakes import FakeLambdaContext, make_http_event
from tests.unit.test_brief_service import Clock

from headlinez.adapters.brief_store import DynamoBriefStore
from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.entities.articles import ArticleEntity
from headlinez.adapters.entities.briefs import BriefEntity
from headlinez.adapters.feed_registry import DynamoFeedRegistry
from headlinez.api.app import build_resolver
from headlinez.briefs.models import LoadInput
from headlinez.domain.prediction import PredictionRecord
from headlinez.models import Article, FeedConfig, FeedState, HourBucket, Topic, TrendMember, TrendState
from headlinez.services.briefs import BriefPolicy, BriefService
from headlinez.settings import ApiSettings

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
Doc = dict[str, Any]


def _trend(n: int) -> TrendState:
    return TrendState(trend_id=f"t{n:015x}", article_count=3, source_families=["a", "b"], outlets=["A", "B"],
                      first_seen=NOW - timedelta(hours=5), last_seen=NOW - timedelta(minutes=n),
                      headline=f"Story {n}", status="rising", category="world",
                      hourly=[HourBucket(hour=NOW - timedelta(hours=1), articles=3, sources=["a", "b"])],
                      topics=[Topic(name="Iran", kind="place", slug="iran")])


def _member(n: int) -> TrendMember:
    return TrendMember(article_id=f"a{n:031x}", title=f"Story {n}", url=f"https://e.example/{n}", outlet="A",
                       publisher_family="a", published=NOW - timedelta(hours=1))


def _seed_trends(table: str, count: int = 4) -> DynamoStore:
    store = DynamoStore.from_table_name(table)
    trends = [_trend(n) for n in range(count)]
    store.save_trends(trends, {t.trend_id: [_member(n)] for n, t in enumerate(trends)},
                      {t.trend_id: 10.0 - n for n, t in enumerate(trends)})
    return store


def _rewrite(table: str, key: dict[str, str], change: Callable[[Doc], None],
             attributes: tuple[str, ...] = ("doc",)) -> None:
    """Store the item as the next version would: its JSON documents changed by `change`."""
    dynamo = boto3.resource("dynamodb", region_name="us-east-1").Table(table)
    item = dynamo.get_item(Key=key)["Item"]
    for name in attributes:
        document = json.loads(item[name])
        change(document)
        item[name] = json.dumps(document)
    dynamo.put_item(Item=item)


def _stored_doc(table: str, key: dict[str, str]) -> Doc:
    item = boto3.resource("dynamodb", region_name="us-east-1").Table(table).get_item(Key=key)["Item"]
    return dict(json.loads(item["doc"]))


def _get(store: DynamoStore, path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    settings = ApiSettings.model_validate({"TABLE_NAME": "headlinez-test", "CURSOR_SECRET": "s" * 32})
    app = build_resolver(store, store, settings, lambda: NOW)
    return dict(app.resolve(make_http_event("GET", path, query, {"accept": "application/json"}),
                            FakeLambdaContext()))


NEXT_VERSION_TRENDS: dict[str, Callable[[Doc], None]] = {
    "a new status": lambda doc: doc.update(status="resurging"),
    "a new topic kind": lambda doc: doc["topics"][0].update(kind="event"),
    "a new field": lambda doc: doc.update(sentiment=0.3),
    "a new field of a related trend": lambda doc: doc.update(
        related=[{"trend_id": "t1", "headline": "h", "score": 1.0, "kind": "follow-up"}]),
}


@pytest.mark.parametrize("change", list(NEXT_VERSION_TRENDS))
def test_a_next_version_trend_is_listed_served_and_clustered(dynamodb_table: str, change: str) -> None:
    store = _seed_trends(dynamodb_table)
    skewed = _trend(2).trend_id
    _rewrite(dynamodb_table, {"pk": f"TREND#{skewed}", "sk": "META"}, NEXT_VERSION_TRENDS[change],
             ("doc", "list_doc"))

    for path, query in [("/trends", None), ("/trends", {"status": "rising"}), ("/topics/iran", None),
                        ("/", None), (f"/trends/{skewed}", None)]:
        assert _get(store, path, query)["statusCode"] == 200, (change, path, query)
    listed = json.loads(_get(store, "/trends")["body"])["items"]
    assert skewed in {item["id"] for item in listed}
    loaded = {trend.trend_id: trend for trend in store.load_open_trends()}
    assert set(loaded) == {_trend(n).trend_id for n in range(4)}
    if change == "a new status":  # this version's lifecycle derives its own
        assert loaded[skewed].status is None
    if change == "a new topic kind":
        assert loaded[skewed].topics[0].kind == "term"


def test_an_unreadable_trend_is_skipped_by_lists_and_clustering_not_fatal(
        dynamodb_table: str, caplog: pytest.LogCaptureFixture) -> None:
    store = _seed_trends(dynamodb_table)
    skewed = _trend(1).trend_id
    # A type this version cannot read at all (a counter that became an object)
    _rewrite(dynamodb_table, {"pk": f"TREND#{skewed}", "sk": "META"},
             lambda doc: doc.update(article_count={"total": 3}), ("doc", "list_doc"))

    with caplog.at_level(logging.WARNING, logger="headlinez.adapters.entities.documents"):
        loaded = {trend.trend_id for trend in store.load_open_trends()}
        response = _get(store, "/trends")
    assert loaded == {_trend(n).trend_id for n in (0, 2, 3)}
    assert response["statusCode"] == 200
    assert {item["id"] for item in json.loads(response["body"])["items"]} == loaded
    skipped = [record for record in caplog.records
               if record.getMessage() == "stored item unreadable: skipped"]
    assert skipped
    assert skipped[0].__dict__["pk"] == f"TREND#{skewed}"


def test_an_older_version_rewriting_whole_items_keeps_the_next_version_s_fields(dynamodb_table: str) -> None:
    store = _seed_trends(dynamodb_table, 2)
    # The trend: next clustering stored `sentiment`; this version loads and saves it
    key = {"pk": f"TREND#{_trend(0).trend_id}", "sk": "META"}
    _rewrite(dynamodb_table, key, lambda doc: doc.update(sentiment=0.3))
    loaded = {trend.trend_id: trend for trend in store.load_open_trends()}[_trend(0).trend_id]
    store.save_trends([loaded.model_copy(update={"version": 1, "headline": "Story 0, updated"})], {}, {},
                      expected_versions={loaded.trend_id: 0})
    assert _stored_doc(dynamodb_table, key)["sentiment"] == 0.3
    assert _stored_doc(dynamodb_table, key)["headline"] == "Story 0, updated"

    # The article: next ingest stored `image_url`; this version's clustering assigns it a trend
    article = Article(article_id="b" * 32, url="https://e.example/b", title="B", published=NOW,
                      ingested_at=NOW, feed_id="f", outlet="A", publisher_family="a", title_fingerprint="fp")
    store._db.batch_put([ArticleEntity.to_item(article, timedelta(days=14))])
    _rewrite(dynamodb_table, ArticleEntity.key(article.article_id),
             lambda doc: doc.update(image_url="https://e.example/b.jpg"))
    (pending,) = store.unclustered_articles_between(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    store.set_article_trends([pending.model_copy(update={"trend_id": _trend(0).trend_id})])
    stored = _stored_doc(dynamodb_table, ArticleEntity.key(article.article_id))
    assert stored["image_url"] == "https://e.example/b.jpg"
    assert stored["trend_id"] == _trend(0).trend_id

    # The feed state: next worker stored `robots_allowed`; this version's worker polls and puts it back
    store.put_states([FeedState(feed_id="f", url="https://e.example/rss")])
    _rewrite(dynamodb_table, {"pk": "FEED#f", "sk": "STATE"}, lambda doc: doc.update(robots_allowed=False))
    state = store.get_states(["f"])["f"]
    store.put_states([state.model_copy(update={"last_attempt_at": NOW})])
    stored = _stored_doc(dynamodb_table, {"pk": "FEED#f", "sk": "STATE"})
    assert stored["robots_allowed"] is False
    assert stored["last_attempt_at"].startswith("2026-11-26T12:00")


def test_a_feed_state_it_cannot_read_fails_the_poll_rather_than_coming_back_blank(
        dynamodb_table: str) -> None:
    # Ingest rewrites the states it reads: skipped, the state came back as a new feed's (ETag,
    # backoff and health history gone, the feed polled at once); the shard fails and retries
    from pydantic import ValidationError

    store = DynamoStore.from_table_name(dynamodb_table)
    store.put_states([FeedState(feed_id="f", url="https://e.example/rss", etag='"v1"'),
                      FeedState(feed_id="g", url="https://g.example/rss")])
    _rewrite(dynamodb_table, {"pk": "FEED#f", "sk": "STATE"},
             lambda doc: doc.update(consecutive_errors="many"))
    with pytest.raises(ValidationError):
        store.get_states(["f", "g"])
    assert [state.feed_id for state in store.list_states()] == ["g"]  # the feed-health list skips it
    assert _stored_doc(dynamodb_table, {"pk": "FEED#f", "sk": "STATE"})["etag"] == '"v1"'


def test_an_older_version_s_pause_keeps_a_newer_version_s_feed_record(dynamodb_table: str) -> None:
    registry = DynamoFeedRegistry.from_table_name(dynamodb_table)
    registry.put_feed(FeedConfig(id="beta", url="https://beta.example/rss", outlet="Beta",
                                 publisher_family="beta"), now=NOW)

    def next_version(doc: Doc) -> None:
        doc.update(source="api", paused_reason="spam")
        doc["config"].update(poll_minutes=3)

    _rewrite(dynamodb_table, {"pk": "FEED#beta", "sk": "CONFIG"}, next_version)
    assert registry.set_paused("beta", True, now=NOW + timedelta(minutes=5)).paused
    stored = _stored_doc(dynamodb_table, {"pk": "FEED#beta", "sk": "CONFIG"})
    assert stored["paused"] is True
    assert (stored["source"], stored["paused_reason"], stored["config"]["poll_minutes"]) == ("api", "spam", 3)


def test_a_next_version_feed_record_is_listed_with_its_known_fields(dynamodb_table: str) -> None:
    registry = DynamoFeedRegistry.from_table_name(dynamodb_table)
    for feed_id in ("alpha", "beta"):
        registry.put_feed(FeedConfig(id=feed_id, url=f"https://{feed_id}.example/rss", outlet=feed_id.title(),
                                     publisher_family=feed_id), now=NOW)

    def next_version(doc: Doc) -> None:
        doc.update(source="api", paused_reason="spam")
        doc["config"].update(poll_minutes=3)

    _rewrite(dynamodb_table, {"pk": "FEED#beta", "sk": "CONFIG"}, next_version)
    records = {record.config.id: record for record in registry.list_feeds()}
    assert set(records) == {"alpha", "beta"}
    # An origin this version does not know is not the seed file's: the seed leaves it alone
    assert records["beta"].source == "cli"


def test_a_pending_prediction_this_version_cannot_score_is_left_for_its_version(dynamodb_table: str) -> None:
    store = DynamoStore.from_table_name(dynamodb_table)
    records = [PredictionRecord(trend_id=_trend(n).trend_id, made_at=NOW - timedelta(hours=24), due_at=NOW,
                                code="fades", sentence="fades by tomorrow", status="rising", velocity=1.0,
                                sources=2) for n in range(3)]
    store.put_predictions(records)
    key = {"pk": f"PRED#{_trend(1).trend_id}", "sk": "2026-11-25T12:00:00Z"}
    _rewrite(dynamodb_table, key, lambda doc: doc.update(code="builds"))  # a code it cannot score
    key = {"pk": f"PRED#{_trend(2).trend_id}", "sk": "2026-11-25T12:00:00Z"}
    _rewrite(dynamodb_table, key, lambda doc: doc.update(status="resurging"))  # a status it reads as none

    due = {record.trend_id: record for record in store.due_predictions(NOW)}
    assert set(due) == {_trend(0).trend_id, _trend(2).trend_id}
    assert due[_trend(2).trend_id].status is None


def test_a_next_version_brief_is_served_and_never_replaced_by_this_version(dynamodb_table: str) -> None:
    story.seed(dynamodb_table)
    brief_store = DynamoBriefStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    brief_store._db.batch_put([BriefEntity.to_item(story.published_brief(1, now=NOW), timedelta(days=30))])
    key = {"pk": f"TREND#{story.TREND_ID}", "sk": "BRIEF"}
    service = BriefService(brief_store, Clock(), BriefPolicy())
    request = LoadInput(trend_id=story.TREND_ID, now=story.NOW)
    # A field this version does not know is ignored: the brief reads, and Load judges it as usual
    _rewrite(dynamodb_table, key, lambda doc: doc.update(language="en"))
    assert brief_store.get_brief(story.TREND_ID) is not None
    assert service.load(request).previous_version == 1

    # A claim checked by a method this version does not know: unreadable. This version's Load
    # leaves the newer brief as it is (it failed every hourly retry), and the API says so
    def next_method(doc: Doc) -> None:
        doc["paragraphs"][0]["claims"][0]["checked_by"] = "entailment"

    _rewrite(dynamodb_table, key, next_method)
    result = service.load(request)
    assert result.action == "skip"
    assert result.reason == "the stored brief is from another version of the code"
    detail = _get(DynamoStore.from_table_name(dynamodb_table), f"/trends/{story.TREND_ID}")
    body = json.loads(detail["body"])
    assert body["brief"] is None
    assert body["brief_status"] == "unavailable"
