"""Items an aggregator relays (Google News topic RSS): each is its publisher's article.

An aggregator's feed is configured as one outlet, yet its items are Reuters', AP's, the BBC's:
each title ends " - Reuters" and the item names its publisher in an RSS <source>. Read as the
aggregator's own, three newsrooms' story stayed a one-newsroom candidate, and the BBC's scoop
relayed by it counted as a second newsroom and became public, its headline ending " - BBC".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.unit.test_clustering import run

from headlinez.adapters import feed_parser
from headlinez.adapters.feed_parser import parse_feed
from headlinez.domain.newsrooms import is_public, newsroom_directory
from headlinez.domain.normalize import normalize_entry
from headlinez.models import Article, FeedConfig, FeedRecord, RawEntry
from headlinez.services.fanout import FeedWorkerService

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
AGGREGATOR = FeedConfig(id="google-news-top", url="https://news.google.com/rss?hl=en-US",
                        outlet="Google News", publisher_family="google-news", aggregator=True)
BBC = FeedConfig(id="bbc-world", url="https://feeds.bbci.co.uk/news/world/rss.xml", outlet="BBC News",
                 publisher_family="bbc")


def relayed_item(title: str, publisher: str, code: str, minutes: int) -> str:
    link = f"https://news.google.com/rss/articles/{code}?oc=5"
    return (f"<item><title>{title} - {publisher}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{code}</guid>'
            f"<pubDate>Tue, 10 Mar 2026 08:{minutes:02d}:00 GMT</pubDate>"
            f'<description>&lt;a href="{link}" target="_blank"&gt;{title}&lt;/a&gt;&amp;nbsp;&amp;nbsp;'
            f'&lt;font color="#6f6f6f"&gt;{publisher}&lt;/font&gt;</description>'
            f'<source url="https://www.{publisher.split(maxsplit=1)[0].lower()}.com">{publisher}</source></item>')


VOLCANO = [
    ("Volcano erupts on Iceland's Reykjanes peninsula, Grindavik evacuated", "Reuters", "CBMiA1", 15),
    ("Iceland volcano erupts again near Grindavik, lava threatens Blue Lagoon", "AP News", "CBMiA2", 40),
    ("Iceland volcanic eruption forces evacuation of Grindavik and Blue Lagoon", "Al Jazeera English",
     "CBMiA3", 50),
]
SCOOP = "Former minister faces inquiry over undeclared gifts from property developer"
GOOGLE_NEWS = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
               "<title>Top stories - Google News</title><link>https://news.google.com/</link>"
               + "".join(relayed_item(*item) for item in VOLCANO)
               + relayed_item(SCOOP, "BBC", "CBMiB1", 30)
               + "<item><title>An item of the aggregator's own</title><link>https://news.google.com/x</link>"
               "<description>&lt;p&gt;&lt;source src=\"a.mp4\"&gt;&lt;/p&gt;</description></item>"
               "</channel></rss>").encode()


def relayed_articles() -> list[Article]:
    parsed = parse_feed(GOOGLE_NEWS, content_type=None, url=str(AGGREGATOR.url))
    return [normalize_entry(entry, AGGREGATOR, now=NOW, feed_updated=None) for entry in parsed.entries]


def test_both_parsers_read_the_publisher_an_item_names() -> None:
    fast = parse_feed(GOOGLE_NEWS, content_type=None, url=str(AGGREGATOR.url))
    slow = feed_parser._parse_slow(GOOGLE_NEWS, content_type=None, url=str(AGGREGATOR.url), warnings=[])
    assert fast.parser == "fastfeedparser"
    for parsed in (fast, slow):
        named = [(entry.source_name, entry.source_url) for entry in parsed.entries]
        assert named == [("Reuters", "https://www.reuters.com"), ("AP News", "https://www.ap.com"),
                         ("Al Jazeera English", "https://www.al.com"), ("BBC", "https://www.bbc.com"),
                         (None, None)]


def test_a_relayed_item_is_its_publisher_s_article_under_its_own_headline() -> None:
    reuters, ap, al_jazeera, bbc, own = relayed_articles()
    assert (reuters.title, reuters.outlet, reuters.publisher_family) == (VOLCANO[0][0], "Reuters", "reuters")
    assert (ap.outlet, ap.publisher_family) == ("AP News", "ap")
    assert (al_jazeera.outlet, al_jazeera.publisher_family) == ("Al Jazeera English", "al-jazeera")
    assert (bbc.title, bbc.publisher_family) == (SCOOP, "bbc")
    # the description only repeats the headline and the publisher: it is no lead
    assert reuters.summary == ""
    assert (own.outlet, own.publisher_family) == ("Google News", "google-news")


def test_a_source_the_title_does_not_end_with_changes_nothing() -> None:
    # a forum's feed names each post's thread in <source>: the post is the forum's own
    post = RawEntry(title="Re: build fails on ARM", link="https://discourse.example/t/1/5",
                    summary="Try the nightly.", published=NOW - timedelta(hours=1),
                    source_name="What's coming in version 9", source_url="https://discourse.example/t/1.rss")
    article = normalize_entry(post, AGGREGATOR, now=NOW, feed_updated=None)
    assert (article.title, article.outlet, article.publisher_family) == (
        "Re: build fails on ARM", "Google News", "google-news")


def test_an_aggregator_relaying_its_own_newsroom_keeps_the_configured_family() -> None:
    item = RawEntry(title="Storm hits coast - BBC News", link="https://www.bbc.com/news/a1",
                    published=NOW, source_name="BBC News")
    bbc_relay = BBC.model_copy(update={"id": "bbc-picks", "aggregator": True})
    article = normalize_entry(item, bbc_relay, now=NOW, feed_updated=None)
    assert (article.title, article.publisher_family) == ("Storm hits coast", "bbc")


def test_a_feed_not_configured_as_an_aggregator_chooses_no_newsroom() -> None:
    # a feed's own <source> elements must not make one story look covered by three newsrooms
    plain = AGGREGATOR.model_copy(update={"aggregator": False})
    parsed = parse_feed(GOOGLE_NEWS, content_type=None, url=str(AGGREGATOR.url))
    articles = [normalize_entry(entry, plain, now=NOW, feed_updated=None) for entry in parsed.entries]
    assert {article.publisher_family for article in articles} == {"google-news"}
    assert articles[0].title.endswith(" - Reuters")
    (trend,) = run(articles[:3], now=NOW).changed
    assert not is_public(trend)


def test_three_newsrooms_relayed_by_one_aggregator_make_a_public_trend() -> None:
    volcano = relayed_articles()[:3]
    (trend,) = run(volcano, now=NOW).changed
    assert trend.source_count == 3
    assert is_public(trend)


def test_an_outlet_s_own_article_relayed_by_an_aggregator_is_still_one_newsroom() -> None:
    relayed_scoop = relayed_articles()[3]
    own = normalize_entry(RawEntry(title=SCOOP, link="https://www.bbc.com/news/articles/c2gifts",
                                   summary="A former housing minister is facing a standards inquiry.",
                                   published=datetime(2026, 3, 10, 8, 30, tzinfo=UTC)),
                          BBC, now=NOW, feed_updated=None)
    (trend,) = run([own, relayed_scoop], now=NOW).changed
    assert trend.source_count == 1
    assert not is_public(trend)
    assert trend.headline == SCOOP


GUARDIAN = FeedConfig(id="guardian-world", url="https://www.theguardian.com/world/rss", outlet="The Guardian",
                      publisher_family="guardian")


def test_a_relayed_publisher_polled_on_its_own_counts_once_under_its_configured_id() -> None:
    # "The Guardian" slugs to "the-guardian"; the operator calls the newsroom "guardian"
    relayed = RawEntry(title="Minister quits over leaked memo - The Guardian", link="https://news.google.com/a/9",
                       published=datetime(2026, 3, 10, 9, 0, tzinfo=UTC), source_name="The Guardian")
    directory = newsroom_directory([AGGREGATOR, GUARDIAN])
    article = normalize_entry(relayed, AGGREGATOR, now=NOW, feed_updated=None, newsrooms=directory)
    assert article.publisher_family == "guardian"
    own = normalize_entry(RawEntry(title="Minister resigns after memo on asylum plans leaks",
                                   link="https://www.theguardian.com/politics/2026/mar/10/minister",
                                   summary="The minister resigned after a leaked memo.",
                                   published=datetime(2026, 3, 10, 8, 40, tzinfo=UTC)),
                          GUARDIAN, now=NOW, feed_updated=None)
    (trend,) = run([own, article], now=NOW).changed
    assert trend.source_count == 1
    # without the feed list, the name's own slug: a newsroom not polled directly
    assert normalize_entry(relayed, AGGREGATOR, now=NOW, feed_updated=None).publisher_family == "the-guardian"


def test_the_worker_reads_the_feed_list_only_for_a_shard_with_an_aggregator() -> None:
    class Registry:
        calls = 0

        def list_feeds(self) -> list[FeedRecord]:
            Registry.calls += 1
            feeds = (AGGREGATOR, GUARDIAN, BBC)
            return [FeedRecord(config=feed, added_at=NOW, updated_at=NOW) for feed in feeds]

    worker = FeedWorkerService.__new__(FeedWorkerService)
    worker._registry = Registry()  # type: ignore[assignment]
    assert worker._newsrooms([GUARDIAN, BBC]) is None
    assert Registry.calls == 0
    assert worker._newsrooms([AGGREGATOR]) == {"google": "google-news", "the-guardian": "guardian",
                                                "bbc": "bbc"}
    assert Registry.calls == 1
