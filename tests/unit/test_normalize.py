"""From a parsed entry to an Article: links, titles, times, and the reasons for rejection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headlinez.domain.normalize import (
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    EntryRejectedError,
    entry_time,
    newest_entries,
    normalize_entry,
)
from headlinez.domain.text import ELLIPSIS, html_to_text, title_fingerprint
from headlinez.domain.urls import article_id_for
from headlinez.models import FeedConfig, RawEntry

NOW = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)
FEED = FeedConfig(
    id="bbc-world",
    url="https://feeds.bbci.co.uk/news/world/rss.xml",
    outlet="BBC News",
    publisher_family="bbc",
    language="en",
    region="uk",
    category_hint="world",
)


def entry(**fields: object) -> RawEntry:
    base: dict[str, object] = {
        "title": "Jesse Jackson dies aged 84",
        "link": "https://www.bbc.com/news/articles/cp81?at_medium=RSS&at_campaign=rss",
        "guid": "https://www.bbc.com/news/articles/cp81#0",
        "summary": "<p>Tributes poured in.</p>",
        "published": datetime(2026, 2, 17, 18, 55, tzinfo=UTC),
    }
    base.update(fields)
    return RawEntry.model_validate(base)


def test_full_entry_becomes_article() -> None:
    # Given a complete entry / When normalized
    article = normalize_entry(entry(), FEED, now=NOW, feed_updated=None)
    # Then every field is derived as documented
    assert article.url == "https://www.bbc.com/news/articles/cp81"
    assert article.article_id == article_id_for("https://www.bbc.com/news/articles/cp81")
    assert article.title == "Jesse Jackson dies aged 84"
    assert article.summary == "Tributes poured in."
    assert article.published == datetime(2026, 2, 17, 18, 55, tzinfo=UTC)
    assert article.published_estimated is False
    assert article.ingested_at == NOW
    assert (article.feed_id, article.outlet, article.publisher_family) == ("bbc-world", "BBC News", "bbc")
    assert article.language == "en"
    assert article.category_hint == "world"
    assert article.guid == "https://www.bbc.com/news/articles/cp81#0"
    assert article.title_fingerprint == title_fingerprint("Jesse Jackson dies aged 84")
    assert article.trend_id is None


def test_the_items_own_section_beats_the_feeds_hint() -> None:
    # Given a world feed whose item is filed under Sports (its <category>)
    sports = normalize_entry(entry(categories=("Sports",)), FEED, now=NOW, feed_updated=None)
    # or under a URL folder
    culture = normalize_entry(entry(link="https://www.bbc.com/culture/film/story-1"), FEED, now=NOW,
                              feed_updated=None)
    # Then the article's hint is the item's section; with none, the feed's
    assert sports.category_hint == "sports"
    assert culture.category_hint == "entertainment"
    tagged = normalize_entry(entry(categories=("Donald Trump",)), FEED, now=NOW, feed_updated=None)
    assert tagged.category_hint == "world"
    unhinted = FEED.model_copy(update={"category_hint": None})
    assert normalize_entry(entry(), unhinted, now=NOW, feed_updated=None).category_hint is None


def test_a_feed_s_title_names_its_section_for_a_feed_nobody_configured() -> None:
    unhinted = FEED.model_copy(update={"category_hint": None})
    # Given the section a feed's title names ("Tech – TIME") and no hint from an operator
    article = normalize_entry(entry(), unhinted, now=NOW, feed_updated=None, feed_section="technology")
    # Then its articles hint it; an item's own section and a configured hint come first
    assert article.category_hint == "technology"
    assert normalize_entry(entry(categories=("Sports",)), unhinted, now=NOW, feed_updated=None,
                           feed_section="technology").category_hint == "sports"
    assert normalize_entry(entry(), FEED, now=NOW, feed_updated=None,
                           feed_section="technology").category_hint == "world"


# --- links ---------------------------------------------------------------------------------------


def test_permalink_guid_stands_in_for_a_missing_link() -> None:
    article = normalize_entry(
        entry(link=None, guid="https://e.com/story?utm_source=x"), FEED, now=NOW, feed_updated=None
    )
    assert article.url == "https://e.com/story"


def test_opaque_guid_is_not_a_link() -> None:
    with pytest.raises(EntryRejectedError, match="no usable link"):
        normalize_entry(entry(link=None, guid="tag:bbc.co.uk,2026:123"), FEED, now=NOW, feed_updated=None)


def test_relative_link_is_resolved_against_the_feed_url() -> None:
    article = normalize_entry(entry(link="/news/story-2"), FEED, now=NOW, feed_updated=None)
    assert article.url == "https://feeds.bbci.co.uk/news/story-2"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "mailto:x@example.com", "ftp://e.com/x", "http://"])
def test_unusable_link_is_rejected_with_reason(link: str) -> None:
    with pytest.raises(EntryRejectedError) as caught:
        normalize_entry(entry(link=link, guid=None), FEED, now=NOW, feed_updated=None)
    assert caught.value.reason.startswith("no usable link")


def test_bad_link_falls_back_to_permalink_guid() -> None:
    article = normalize_entry(
        entry(link="javascript:void(0)", guid="https://e.com/a"), FEED, now=NOW, feed_updated=None
    )
    assert article.url == "https://e.com/a"


def test_an_overlong_link_is_never_an_article_s_url() -> None:
    # A hostile or broken feed's 1 MB link would swell every item that stores it.
    huge = "https://e.com/" + "a/" * 500_000
    with pytest.raises(EntryRejectedError, match=f"no usable link: link longer than {MAX_URL_CHARS}"):
        normalize_entry(entry(link=huge, guid="opaque-id"), FEED, now=NOW, feed_updated=None)
    # ... the permalink guid stands in, as for any unusable link
    fallback = normalize_entry(entry(link=huge, guid="https://e.com/a"), FEED, now=NOW, feed_updated=None)
    assert fallback.url == "https://e.com/a"
    # a long but plausible link is kept
    long_link = "https://e.com/" + "x" * (MAX_URL_CHARS - 100)
    assert normalize_entry(entry(link=long_link), FEED, now=NOW, feed_updated=None).url == long_link


def test_no_link_at_all_is_rejected() -> None:
    with pytest.raises(EntryRejectedError, match="no usable link"):
        normalize_entry(entry(link=None, guid=None), FEED, now=NOW, feed_updated=None)


# --- titles and summaries ------------------------------------------------------------------------


def test_title_html_is_stripped() -> None:
    article = normalize_entry(
        entry(title="<b>Breaking:</b> It&amp;#8217;s over"), FEED, now=NOW, feed_updated=None
    )
    assert article.title == "Breaking: It\u2019s over"


def test_missing_title_falls_back_to_first_sentence_of_summary() -> None:
    raw = entry(title=None, summary="<p>Markets fell sharply today. Analysts blame rates.</p>")
    article = normalize_entry(raw, FEED, now=NOW, feed_updated=None)
    assert article.title == "Markets fell sharply today."
    assert article.summary == "Markets fell sharply today. Analysts blame rates."


def test_whitespace_title_counts_as_missing() -> None:
    article = normalize_entry(
        entry(title="  <i> </i> ", summary="Only this."), FEED, now=NOW, feed_updated=None
    )
    assert article.title == "Only this."


def test_no_title_and_no_summary_is_rejected() -> None:
    with pytest.raises(EntryRejectedError, match="no title"):
        normalize_entry(entry(title=None, summary=None), FEED, now=NOW, feed_updated=None)


def test_title_and_summary_are_bounded() -> None:
    raw = entry(title="word " * 200, summary="<p>" + "longer text " * 300 + "</p>")
    article = normalize_entry(raw, FEED, now=NOW, feed_updated=None)
    assert len(article.title) <= MAX_TITLE_CHARS
    assert len(article.summary) <= MAX_SUMMARY_CHARS
    assert article.title.endswith("\u2026")


def test_blank_guid_becomes_none() -> None:
    assert normalize_entry(entry(guid="   "), FEED, now=NOW, feed_updated=None).guid is None


# --- published time ------------------------------------------------------------------------------


def published(**fields: object) -> tuple[datetime, bool]:
    feed_updated = fields.pop("feed_updated", None)
    assert feed_updated is None or isinstance(feed_updated, datetime)
    article = normalize_entry(entry(**fields), FEED, now=NOW, feed_updated=feed_updated)
    return article.published, article.published_estimated


def test_published_is_converted_to_utc() -> None:
    paris = timezone(timedelta(hours=1))
    assert published(published=datetime(2026, 2, 18, 10, 0, tzinfo=paris)) == (
        datetime(2026, 2, 18, 9, 0, tzinfo=UTC),
        False,
    )


def test_naive_time_is_taken_as_utc() -> None:
    assert published(published=datetime(2026, 2, 18, 10, 0)) == (
        datetime(2026, 2, 18, 10, 0, tzinfo=UTC),
        False,
    )


def test_updated_is_used_when_published_is_missing() -> None:
    updated = datetime(2026, 2, 18, 8, 0, tzinfo=UTC)
    assert published(published=None, updated=updated) == (updated, False)


def test_feed_updated_is_an_estimate() -> None:
    feed_updated = datetime(2026, 2, 18, 7, 0, tzinfo=UTC)
    assert published(published=None, updated=None, feed_updated=feed_updated) == (feed_updated, True)


def test_now_is_the_last_resort() -> None:
    assert published(published=None, updated=None) == (NOW, True)


def test_time_slightly_ahead_is_kept() -> None:
    ahead = NOW + timedelta(minutes=9)
    assert published(published=ahead) == (ahead, False)


def test_future_time_is_clamped_to_now() -> None:
    assert published(published=NOW + timedelta(minutes=11)) == (NOW, True)
    assert published(published=NOW + timedelta(days=400)) == (NOW, True)


@pytest.mark.parametrize(
    "ancient", [datetime(1970, 1, 1, tzinfo=UTC), datetime(1994, 12, 31, 23, 59, tzinfo=UTC)]
)
def test_times_before_1995_are_missing(ancient: datetime) -> None:
    updated = datetime(2026, 2, 18, 6, 0, tzinfo=UTC)
    assert published(published=ancient, updated=updated) == (updated, False)
    assert published(published=ancient, updated=None) == (NOW, True)


def test_ancient_feed_updated_is_ignored_too() -> None:
    assert published(published=None, updated=None, feed_updated=datetime(1980, 1, 1, tzinfo=UTC)) == (
        NOW,
        True,
    )


def test_now_may_be_given_in_another_zone() -> None:
    tokyo = timezone(timedelta(hours=9))
    article = normalize_entry(entry(published=None), FEED, now=NOW.astimezone(tokyo), feed_updated=None)
    assert article.ingested_at == NOW
    assert article.ingested_at.utcoffset() == timedelta(0)


@given(
    st.one_of(st.none(), st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))),
    st.one_of(st.none(), st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))),
    st.one_of(st.none(), st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))),
)
def test_published_is_always_plausible(
    pub: datetime | None, upd: datetime | None, feed_updated: datetime | None
) -> None:
    article = normalize_entry(entry(published=pub, updated=upd), FEED, now=NOW, feed_updated=feed_updated)
    assert article.published.utcoffset() == timedelta(0)
    assert datetime(1995, 1, 1, tzinfo=UTC) <= article.published <= NOW + timedelta(minutes=10)


# --- an undated item's URL day: an upper bound on its estimated time ------------------------------

END_OF_JAN_14 = datetime(2024, 1, 14, 23, 59, 59, 999999, tzinfo=UTC)


def undated(link: str, feed_updated: datetime | None = None) -> tuple[datetime, bool]:
    return published(published=None, updated=None, link=link, feed_updated=feed_updated)


@pytest.mark.parametrize("link", [
    "https://news.example.com/news/2024/01/14/storm-hits-coast/",
    "https://news.example.com/news/2024-01-14/storm-hits-coast",
    "https://news.example.com/archive/2024/01/14",
    "https://news.example.com/politica/eleicoes/2018/noticias/2024/01/14/storm.htm",  # the full date counts
])
def test_an_undated_item_is_no_newer_than_the_day_its_url_names(link: str) -> None:
    # Given an old article without a date, in a feed polled for the first time (NOW is 2026-02-18)
    # Then it is dated at the end of its URL's day, still an estimate, not at the poll
    assert undated(link) == (END_OF_JAN_14, True)
    assert undated(link, feed_updated=NOW - timedelta(hours=1)) == (END_OF_JAN_14, True)


def test_an_earlier_feed_update_is_kept_under_the_url_day() -> None:
    feed_updated = datetime(2024, 1, 14, 9, 0, tzinfo=UTC)
    assert undated("https://news.example.com/2024/01/14/a", feed_updated) == (feed_updated, True)


def test_a_url_day_of_today_leaves_the_poll_time() -> None:
    assert undated("https://news.example.com/2026/02/18/a") == (NOW, True)
    assert undated("https://news.example.com/2026/12/31/scheduled") == (NOW, True)


@pytest.mark.parametrize("link", [
    "https://news.example.com/news/20240114/storm",  # 8 digits: as often an article number
    "https://news.example.com/news/2024/1/14/storm",  # not year-month-day in full
    "https://news.example.com/news/2024/01-14/storm",  # mixed separators
    "https://news.example.com/news/2023/02/30/storm",  # no such day
    "https://news.example.com/news/1994/01/14/storm",  # before web feeds
    "https://news.example.com/news/2028/01/14/storm",  # later than next year
    "https://news.example.com/news/x2024/01/14/storm",  # not whole segments
    "https://news.example.com/news/2024/01/145/storm",
    "https://news.example.com/news/storm?date=2024/01/14/",  # the query is not the path
])
def test_only_a_full_valid_date_in_the_path_bounds_the_estimate(link: str) -> None:
    assert undated(link) == (NOW, True)


def test_a_url_day_never_overrides_the_item_s_own_time() -> None:
    link = "https://news.example.com/news/2024/01/14/storm/"
    own = datetime(2026, 2, 18, 8, 0, tzinfo=UTC)
    assert published(published=own, link=link) == (own, False)
    assert published(published=None, updated=own, link=link) == (own, False)
    # a future own time is clamped to now as before, not to the URL's day
    assert published(published=NOW + timedelta(days=2), link=link) == (NOW, True)


# --- the summary: without WordPress's footer -------------------------------------------------------


BOSTON_FOOTER = ("<p>The post <a href=\"https://www.boston.com/news/a\">Obama shuts down alien buzz</a>"
                 " appeared first on <a href=\"https://www.boston.com\">Boston.com</a>.</p>")


def test_a_wordpress_footer_leaves_the_summary() -> None:
    article = normalize_entry(entry(summary="<p>Obama said there is no evidence.</p>" + BOSTON_FOOTER),
                              FEED, now=NOW, feed_updated=None)
    assert article.summary == "Obama said there is no evidence."


def test_a_footer_past_the_length_limit_does_not_cost_the_lead_its_end() -> None:
    # Given a lead just under the limit, then the footer (together over the limit)
    lead = ("word " * ((MAX_SUMMARY_CHARS - 10) // 5)).strip() + "."
    description = f"<p>{lead}</p>{BOSTON_FOOTER}"
    article = normalize_entry(entry(summary=description), FEED, now=NOW, feed_updated=None)
    # Then the lead is whole: the footer was removed before the cut, so no ellipsis, no half footer
    assert article.summary == lead


def test_a_long_summary_is_cut_as_before() -> None:
    # a summary the cut reaches before its footer is cut exactly as it was without the footer rule
    description = "<p>" + "word " * 1000 + "</p>" + BOSTON_FOOTER
    article = normalize_entry(entry(summary=description), FEED, now=NOW, feed_updated=None)
    assert article.summary == html_to_text(description, MAX_SUMMARY_CHARS)
    assert article.summary.endswith(ELLIPSIS)


# --- filters before normalization: the entry's own time, the newest N ---------------------------


def test_entry_time_treats_placeholders_as_missing() -> None:
    updated = datetime(2026, 2, 18, 6, 0, tzinfo=UTC)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert entry_time(entry(published=epoch, updated=None)) is None
    assert entry_time(entry(published=epoch, updated=updated)) == updated
    assert entry_time(entry(published=datetime(2026, 2, 18, 7, 0), updated=None)) == datetime(
        2026, 2, 18, 7, 0, tzinfo=UTC)  # naive is UTC, as normalization takes it


def test_newest_entries_keeps_the_newest_dated_then_undated_in_feed_order() -> None:
    # Given a feed listing old and new items out of order, plus undated and placeholder-dated ones
    def at(hour: int) -> RawEntry:
        return entry(title=f"h{hour}", published=NOW - timedelta(hours=hour))

    undated = entry(title="undated", published=None)
    placeholder = entry(title="epoch", published=datetime(1970, 1, 1, tzinfo=UTC))
    items = [at(5), undated, at(1), at(9), placeholder, at(3)]
    # Then the newest dated entries win, the result keeps feed order, undated ones come last
    assert [e.title for e in newest_entries(items, 3)] == ["h5", "h1", "h3"]
    assert [e.title for e in newest_entries(items, 5)] == ["h5", "undated", "h1", "h9", "h3"]
    assert newest_entries(items, 6) == items
    assert newest_entries(items, 0) == []


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)), max_size=40),
       st.integers(min_value=0, max_value=45))
def test_newest_entries_is_a_bounded_ordered_subset(minutes: list[int | None], limit: int) -> None:
    items = [entry(title=f"t{i}", published=None if m is None else NOW - timedelta(minutes=m))
             for i, m in enumerate(minutes)]
    kept = newest_entries(items, limit)
    assert len(kept) == min(limit, len(items))
    positions = [items.index(e) for e in kept]
    assert positions == sorted(positions)
    dropped = [e for e in items if e not in kept]
    kept_dated = [e.published for e in kept if e.published is not None]
    # nothing dropped is newer than something kept, and an undated entry never beats a dated one
    for gone in dropped:
        if gone.published is not None:
            assert all(gone.published <= t for t in kept_dated)
            assert all(e.published is not None for e in kept)
