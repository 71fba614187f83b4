"""The dedupe guard: which articles were already ingested, including the guid traps."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from headlinez.domain.dedupe import (
    TITLE_REPEAT_WINDOW,
    DedupeKey,
    dedupe_keys,
    dedupe_record,
    dedupe_within_batch,
    is_duplicate,
    stored_since_by,
)
from headlinez.domain.text import title_fingerprint
from headlinez.domain.urls import article_id_for, canonicalize_url
from headlinez.models import Article

T0 = datetime(2026, 2, 18, 9, 0, tzinfo=UTC)


def make(
    url: str = "https://e.com/a",
    title: str = "Storm hits coast",
    *,
    guid: str | None = None,
    feed_id: str = "e-world",
    family: str = "e",
    published: datetime = T0,
    estimated: bool = False,
) -> Article:
    canonical = canonicalize_url(url)
    return Article(
        article_id=article_id_for(canonical),
        url=canonical,
        title=title,
        published=published,
        published_estimated=estimated,
        ingested_at=T0 + timedelta(hours=1),
        feed_id=feed_id,
        outlet="E News",
        publisher_family=family,
        guid=guid,
        title_fingerprint=title_fingerprint(title),
    )


def stored(articles: Sequence[Article]) -> dict[DedupeKey, Mapping[str, Any]]:
    """What storage holds after saving `articles`: each key owned by its first article."""
    table: dict[DedupeKey, Mapping[str, Any]] = {}
    for article in articles:
        for key in dedupe_keys(article):
            table.setdefault(key, dedupe_record(article))
    return table


def found(article: Article, table: Mapping[DedupeKey, Mapping[str, Any]]
          ) -> dict[DedupeKey, Mapping[str, Any]]:
    """What the repository's `existing_keys(dedupe_keys(article))` returns."""
    return {key: table[key] for key in dedupe_keys(article) if key in table}


def test_keys_have_the_documented_shape() -> None:
    article = make(guid="item-42")
    digest = hashlib.sha1(b"item-42").hexdigest()[:24]
    assert dedupe_keys(article) == [
        DedupeKey("url", "", article.article_id),
        DedupeKey("title", "e", article.title_fingerprint),
        DedupeKey("guid", "e-world", digest),
    ]


def test_no_guid_key_without_guid() -> None:
    assert [key.kind for key in dedupe_keys(make())] == ["url", "title"]


def test_no_title_key_for_a_title_without_letters() -> None:
    assert [key.kind for key in dedupe_keys(make(title="!!! ???"))] == ["url"]


def test_record_holds_what_is_duplicate_reads() -> None:
    record = dedupe_record(make())
    assert set(record) >= {"article_id", "title_fingerprint", "published"}


def test_nothing_stored_means_new() -> None:
    assert not is_duplicate(make(guid="g"), {})


# --- rule 1: same canonical URL -----------------------------------------------------------------


def test_same_url_with_tracking_noise_is_duplicate() -> None:
    table = stored([make("https://e.com/a?utm_source=rss")])
    again = make("https://E.com/a#top", title="Storm hits coast, live")
    assert is_duplicate(again, found(again, table))


def test_edited_headline_same_url_same_guid_is_duplicate() -> None:
    # "GUID/URL changes when a headline is edited": here the URL did not change -> url key.
    table = stored([make(guid="g1", title="Storm nears coast")])
    edited = make(guid="g1", title="Storm hits coast, thousands evacuated")
    assert is_duplicate(edited, found(edited, table))


# --- rule 2: same headline from the same newsroom -----------------------------------------------


def test_same_headline_other_feed_of_same_outlet_is_duplicate() -> None:
    table = stored([make("https://e.com/world/a", feed_id="e-world")])
    other = make("https://e.com/top/a-story", feed_id="e-top")
    assert is_duplicate(other, found(other, table))


def test_same_headline_other_newsroom_is_not_duplicate() -> None:
    table = stored([make("https://e.com/a", family="e")])
    wire_copy = make("https://other.com/a", family="other")
    assert not is_duplicate(wire_copy, found(wire_copy, table))


def test_recurring_headline_days_apart_is_new() -> None:
    table = stored([make("https://e.com/briefing-1", title="Morning briefing")])
    next_week = make(
        "https://e.com/briefing-2",
        title="Morning briefing",
        published=T0 + TITLE_REPEAT_WINDOW + timedelta(hours=1),
    )
    assert not is_duplicate(next_week, found(next_week, table))


def test_title_match_without_stored_time_is_duplicate() -> None:
    first = make("https://e.com/a")
    table = {
        key: {"article_id": first.article_id, "title_fingerprint": first.title_fingerprint}
        for key in dedupe_keys(first)
    }
    other = make("https://e.com/b")
    assert is_duplicate(other, found(other, table))


# --- rule 3: guid ---------------------------------------------------------------------------------


def test_same_guid_same_title_new_url_is_duplicate() -> None:
    table = stored([make("https://e.com/a?id=1", guid="g1")])
    moved = make("https://e.com/a?id=1&page=story", guid="g1")
    # the TITLE key also matches; check the GUID rule on its own too
    assert is_duplicate(moved, found(moved, table))
    only_guid = {k: v for k, v in found(moved, table).items() if k.kind == "guid"}
    assert is_duplicate(moved, only_guid)


def test_reused_guid_on_different_items_is_not_duplicate() -> None:
    # The trap "the same GUID reused on different items": different URL, title and time.
    table = stored([make("https://e.com/a", "Storm hits coast", guid="post")])
    other = make("https://e.com/b", "Election results are in", guid="post", published=T0 + timedelta(hours=5))
    assert not is_duplicate(other, found(other, table))


def test_reused_guid_with_the_same_pubdate_is_not_duplicate() -> None:
    # Issue 13, item 3: a CMS that reuses one guid and stamps one pubDate on different items.
    # Given a stored item, and another of the same feed with its guid and exact (real) time
    table = stored([make("https://e.com/storm-hits-coast", "Storm hits coast", guid="p-77")])
    other = make("https://e.com/election-results", "Election results are in", guid="p-77")
    assert (other.published, other.published_estimated) == (T0, False)
    # Then neither URL nor title matches: it is a new article, in storage and within one batch
    assert not is_duplicate(other, found(other, table))
    first = make("https://e.com/storm-hits-coast", "Storm hits coast", guid="p-77")
    assert dedupe_within_batch([first, other]) == [first, other]


def test_edited_headline_with_slug_change_same_guid_is_stored_again() -> None:
    # The price of the rule above: an edit of headline and slug together is a second article
    # (clustering puts both in one trend, where one newsroom counts once).
    table = stored([make("https://e.com/storm-nears-coast", "Storm nears coast", guid="p-78")])
    edited = make("https://e.com/storm-hits-coast", "Storm hits coast", guid="p-78")
    assert not is_duplicate(edited, found(edited, table))


def test_same_guid_same_estimated_time_is_not_enough() -> None:
    table = stored([make("https://e.com/a", "Storm nears coast", guid="p", estimated=True)])
    other = make("https://e.com/b", "Something else", guid="p", estimated=True)
    assert not is_duplicate(other, found(other, table))


def test_guid_is_scoped_to_the_feed() -> None:
    # one newsroom, two feeds, the same guid and headline a repeat window apart: only the title
    # key is shared (a guid scoped by newsroom instead of feed would match too, and dedupe it)
    table = stored([make("https://e.com/a", "Storm hits coast", guid="1", feed_id="e-world")])
    other = make("https://e.com/b", "Storm hits coast", guid="1", feed_id="e-top",
                 published=T0 + TITLE_REPEAT_WINDOW + timedelta(hours=1))
    assert [key.kind for key in found(other, table)] == ["title"]
    assert not is_duplicate(other, found(other, table))


def test_superset_of_found_keys_is_fine() -> None:
    # the ingest service passes the records of the whole batch's keys
    table = stored([make("https://e.com/x", "Unrelated", guid="zz")])
    assert not is_duplicate(make("https://e.com/a", guid="g"), table)


# --- within one batch -----------------------------------------------------------------------------


def test_dedupe_within_batch_first_wins() -> None:
    a = make("https://e.com/a", "Storm hits coast", feed_id="e-world")
    a_tracking = make("https://e.com/a?utm_medium=rss", "Storm hits coast (update)", feed_id="e-top")
    a_other_feed = make("https://e.com/top/a", "Storm hits coast", feed_id="e-top")
    b = make("https://e.com/b", "Election results", guid="x")
    c_reused_guid = make("https://e.com/c", "Sports roundup", guid="x", published=T0 + timedelta(hours=2))
    result = dedupe_within_batch([a, a_tracking, a_other_feed, b, c_reused_guid])
    assert result == [a, b, c_reused_guid]


_article = st.builds(
    make,
    url=st.sampled_from([f"https://e.com/{p}" for p in "abcd"]),
    title=st.sampled_from(["One", "Two", "Three"]),
    guid=st.sampled_from([None, "g1", "g2"]),
    feed_id=st.sampled_from(["e-world", "e-top"]),
    published=st.sampled_from([T0, T0 + timedelta(hours=3), T0 + timedelta(days=5)]),
)


@given(st.lists(_article, max_size=12))
def test_batch_dedupe_is_idempotent_and_order_preserving(articles: list[Article]) -> None:
    once = dedupe_within_batch(articles)
    assert dedupe_within_batch(once) == once
    assert dedupe_within_batch(articles + articles) == once
    positions = [articles.index(article) for article in once]
    assert positions == sorted(positions)
    assert len({article.article_id for article in once}) == len(once)


@given(st.lists(_article, max_size=12))
def test_batch_rules_match_storage_rules(articles: list[Article]) -> None:
    # Storing one article at a time, each checked against the stored keys, keeps the same ones.
    table: dict[DedupeKey, Mapping[str, Any]] = {}
    kept_one_by_one: list[Article] = []
    for article in articles:
        if not is_duplicate(article, found(article, table)):
            kept_one_by_one.append(article)
            for key in dedupe_keys(article):
                table.setdefault(key, dedupe_record(article))
    assert dedupe_within_batch(articles) == kept_one_by_one


def test_stored_since_by_needs_the_same_feed_a_later_time_and_a_record_that_says_so() -> None:
    since = datetime(2026, 2, 18, 3, 0, tzinfo=UTC)
    record = {"article_id": "a", "feed_id": "feed-1", "ingested_at": "2026-02-18T03:15:00+00:00"}
    assert stored_since_by(record, "feed-1", since)
    assert stored_since_by(record, "feed-1", None)  # never polled: nothing counted it
    assert not stored_since_by(record, "feed-2", since)  # another feed counted it
    assert not stored_since_by(record, "feed-1", datetime(2026, 2, 18, 3, 15, tzinfo=UTC))  # that poll
    assert not stored_since_by({"article_id": "a", "title_fingerprint": "x"}, "feed-1", since)  # older record
    assert not stored_since_by({**record, "ingested_at": "yesterday"}, "feed-1", since)
