"""parse_feed on small inline documents: formats, encodings, damage, fallbacks and refusals."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from headlinez.adapters import feed_parser
from headlinez.adapters.feed_parser import MAX_DECOMPRESSED_BYTES, FeedParseError, parse_feed

URL = "https://news.example.com/feeds/world.xml"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>Example World</title>
  <link>https://news.example.com/</link>
  <lastBuildDate>Wed, 18 Feb 2026 02:13:51 GMT</lastBuildDate>
  <item>
    <title>Storm &amp; floods hit coast</title>
    <link>https://news.example.com/world/storm?utm_source=rss</link>
    <guid isPermaLink="false">story-1</guid>
    <description><![CDATA[<p>Thousands <b>evacuated</b>.</p>]]></description>
    <pubDate>Tue, 17 Feb 2026 18:55:33 +0100</pubDate>
    <author>desk@example.com (World desk)</author>
    <category>Weather</category>
    <category>Uncategorized, News Desk</category>
  </item>
  <item>
    <title>Second story</title>
    <link>/world/second</link>
    <pubDate>not a date</pubDate>
  </item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom News</title>
  <updated>2026-02-18T03:00:00Z</updated>
  <id>urn:example:feed</id>
  <entry>
    <title type="html">Budget &lt;em&gt;passes&lt;/em&gt;</title>
    <link rel="alternate" href="https://atom.example.com/budget"/>
    <id>urn:example:1</id>
    <updated>2026-02-18T01:30:00+02:00</updated>
    <content type="html">&lt;p&gt;Vote was close.&lt;/p&gt;</content>
  </entry>
</feed>
"""

RDF = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example.com/">
    <title>RDF News</title><link>https://rdf.example.com/</link><description>d</description>
  </channel>
  <item rdf:about="https://rdf.example.com/a">
    <title>RDF item A</title><link>https://rdf.example.com/a</link><dc:date>2026-02-17T10:00:00Z</dc:date>
  </item>
  <item rdf:about="https://rdf.example.com/b">
    <title>RDF item B</title><link>https://rdf.example.com/b</link>
  </item>
</rdf:RDF>
"""


def rss_items(titles: list[str], *, encoding: str = "UTF-8", declare: bool = True) -> str:
    decl = f'<?xml version="1.0" encoding="{encoding}"?>\n' if declare else ""
    items = "".join(
        f"<item><title>{t}</title><link>https://e.example/{i}</link></item>" for i, t in enumerate(titles)
    )
    return f'{decl}<rss version="2.0"><channel><title>Feed</title>{items}</channel></rss>'


def test_rss_on_the_fast_path() -> None:
    parsed = parse_feed(RSS, content_type="application/rss+xml; charset=utf-8", url=URL)
    assert parsed.parser == "fastfeedparser"
    assert parsed.title == "Example World"
    assert parsed.updated == datetime(2026, 2, 18, 2, 13, 51, tzinfo=UTC)
    first, second = parsed.entries
    assert first.title == "Storm & floods hit coast"
    assert first.link == "https://news.example.com/world/storm?utm_source=rss"  # canonicalized later
    assert first.guid == "story-1"
    assert first.summary is not None
    assert "<b>evacuated</b>" in first.summary
    assert first.published == datetime(2026, 2, 17, 17, 55, 33, tzinfo=UTC)
    # relative link resolved against the document URL; a bad date becomes None
    assert second.link == "https://news.example.com/world/second"
    assert second.published is None


def test_item_categories_on_both_paths() -> None:
    fast = parse_feed(RSS, content_type=None, url=URL)
    slow = feed_parser._parse_slow(RSS, content_type=None, url=URL, warnings=[])
    for parsed in (fast, slow):
        assert parsed.entries[0].categories == ("Weather", "Uncategorized, News Desk")
        assert parsed.entries[1].categories == ()


def test_atom_category_terms_and_a_bounded_tag_cloud() -> None:
    cloud = "".join(f'<category term="tag {i}"/>' for i in range(feed_parser.MAX_ENTRY_CATEGORIES + 5))
    long_term = "x" * (feed_parser.MAX_CATEGORY_CHARS + 50)
    body = ATOM.replace(b"<id>urn:example:1</id>",
                        f'<id>urn:example:1</id><category term="{long_term}"/>{cloud}'.encode())
    for parsed in (parse_feed(body, content_type=None, url=URL),
                   feed_parser._parse_slow(body, content_type=None, url=URL, warnings=[])):
        (entry,) = parsed.entries
        assert len(entry.categories) == feed_parser.MAX_ENTRY_CATEGORIES
        assert entry.categories[0] == "x" * feed_parser.MAX_CATEGORY_CHARS
        assert entry.categories[1] == "tag 0"


def test_same_fields_through_feedparser() -> None:
    fast = parse_feed(RSS, content_type=None, url=URL)
    slow = feed_parser._parse_slow(RSS, content_type=None, url=URL, warnings=[])
    assert slow.parser == "feedparser"
    assert [(e.title, e.link, e.published) for e in slow.entries] == [
        (e.title, e.link, e.published) for e in fast.entries
    ]
    assert slow.entries[0].guid == fast.entries[0].guid == "story-1"
    # (fastfeedparser fills a missing guid with the raw link; feedparser leaves it empty.)
    assert slow.updated == fast.updated
    assert slow.warnings == []  # no content type is not a problem worth a warning


WORDPRESS_STUBS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Example Blog</title>
  <item>
    <title>Stub</title><link>https://blog.example.com/stub</link>
    <description><![CDATA[<a href="https://blog.example.com/stub">Continue reading&#8230;</a>]]></description>
    <content:encoded><![CDATA[<p>The council voted to close the bridge.</p>]]></content:encoded>
  </item>
  <item>
    <title>Empty</title><link>https://blog.example.com/empty</link>
    <description><![CDATA[<p>&nbsp;</p>]]></description>
    <content:encoded><![CDATA[<p>Rain is expected all week.</p>]]></content:encoded>
  </item>
  <item>
    <title>Lead</title><link>https://blog.example.com/lead</link>
    <description><![CDATA[<p>A real lead [&#8230;]</p>]]></description>
    <content:encoded><![CDATA[<p>The whole article.</p>]]></content:encoded>
  </item>
  <item>
    <title>Stub alone</title><link>https://blog.example.com/alone</link>
    <description>Read more</description>
  </item>
</channel>
</rss>
"""


def test_a_stub_description_gives_way_to_the_content_on_both_paths() -> None:
    for parsed in (parse_feed(WORDPRESS_STUBS, content_type=None, url=URL),
                   feed_parser._parse_slow(WORDPRESS_STUBS, content_type=None, url=URL, warnings=[])):
        summaries = [entry.summary for entry in parsed.entries]
        assert summaries == [
            "<p>The council voted to close the bridge.</p>",  # "Continue reading…" is no summary
            "<p>Rain is expected all week.</p>",  # a description empty as text neither
            "<p>A real lead [&#8230;]</p>",  # a lead that ends with a marker stays
            "Read more",  # without content, the description is all there is
        ], parsed.parser


def test_atom_with_updated_only_and_content_only() -> None:
    parsed = parse_feed(ATOM, content_type="application/atom+xml", url=URL)
    (entry,) = parsed.entries
    assert entry.title is not None
    assert "passes" in entry.title
    assert entry.link == "https://atom.example.com/budget"
    assert entry.guid == "urn:example:1"
    assert entry.updated == datetime(2026, 2, 17, 23, 30, tzinfo=UTC)
    assert entry.published in (None, entry.updated)  # fastfeedparser copies updated over
    assert entry.summary is not None
    assert "Vote was close." in entry.summary
    assert parsed.updated == datetime(2026, 2, 18, 3, 0, tzinfo=UTC)


def test_rdf_feed_keeps_all_items() -> None:
    parsed = parse_feed(RDF, content_type="application/rdf+xml", url=URL)
    assert [e.title for e in parsed.entries] == ["RDF item A", "RDF item B"]
    assert (
        parsed.entries[0].published == datetime(2026, 2, 17, 10, 0, tzinfo=UTC) or parsed.entries[0].updated
    )


def test_json_feed() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON News",
            "items": [
                {
                    "id": "j1",
                    "url": "https://json.example.com/1",
                    "title": "JSON item",
                    "content_html": "<p>Body</p>",
                    "date_published": "2026-02-18T08:00:00Z",
                }
            ],
        }
    ).encode()
    parsed = parse_feed(body, content_type="application/feed+json", url=URL)
    (entry,) = parsed.entries
    assert (entry.title, entry.link, entry.guid) == ("JSON item", "https://json.example.com/1", "j1")
    assert entry.published == datetime(2026, 2, 18, 8, 0, tzinfo=UTC)


def test_broken_json_is_a_parse_error() -> None:
    with pytest.raises(FeedParseError, match="JSON Feed is not valid JSON"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": [', content_type=None, url=URL)


# --- encodings ---------------------------------------------------------------------------------


def test_declared_windows_1251_goes_to_feedparser_and_decodes() -> None:
    body = rss_items(["Новости дня", "Погода"], encoding="windows-1251").encode("windows-1251")
    parsed = parse_feed(body, content_type="text/xml", url=URL)
    assert parsed.parser == "feedparser"
    assert [e.title for e in parsed.entries] == ["Новости дня", "Погода"]
    assert any("windows-1251" in w for w in parsed.warnings)


def test_undeclared_latin1_goes_to_feedparser() -> None:
    body = rss_items(["Caf\u00e9 cr\u00e8me", "Na\u00efve"], declare=False).encode("latin-1")
    parsed = parse_feed(body, content_type=None, url=URL)
    assert parsed.parser == "feedparser"
    assert [e.title for e in parsed.entries] == ["Caf\u00e9 cr\u00e8me", "Na\u00efve"]
    assert all("\ufffd" not in (e.title or "") for e in parsed.entries)


def test_http_charset_other_than_utf8_goes_to_feedparser() -> None:
    body = rss_items(["Gr\u00fc\u00dfe"], declare=False).encode("iso-8859-1")
    parsed = parse_feed(body, content_type="text/xml; charset=ISO-8859-1", url=URL)
    assert parsed.parser == "feedparser"
    assert parsed.entries[0].title == "Gr\u00fc\u00dfe"


def test_utf16_with_bom() -> None:
    body = rss_items(["\u65e5\u672c\u8a9e\u306e\u898b\u51fa\u3057"], encoding="UTF-16").encode("utf-16")
    parsed = parse_feed(body, content_type=None, url=URL)
    assert parsed.parser == "feedparser"
    assert parsed.entries[0].title == "\u65e5\u672c\u8a9e\u306e\u898b\u51fa\u3057"


def test_utf8_bom_stays_on_the_fast_path() -> None:
    parsed = parse_feed(b"\xef\xbb\xbf" + rss_items(["A", "B"]).encode(), content_type=None, url=URL)
    assert parsed.parser == "fastfeedparser"
    assert len(parsed.entries) == 2


# --- damage and fallbacks ----------------------------------------------------------------------


def test_replacement_characters_trigger_the_fallback() -> None:
    body = rss_items(["Broken \ufffd title", "ok"]).encode()
    parsed = parse_feed(body, content_type=None, url=URL)
    assert parsed.parser == "feedparser"
    assert any("replacement characters" in w for w in parsed.warnings)


def test_entry_without_title_and_link_triggers_the_fallback() -> None:
    body = (
        b'<rss version="2.0"><channel><title>F</title>'
        b"<item><description>only text</description></item>"
        b"<item><title>T</title><link>https://e.example/t</link></item></channel></rss>"
    )
    parsed = parse_feed(body, content_type=None, url=URL)
    assert parsed.parser == "feedparser"
    assert len(parsed.entries) == 2


def test_malformed_document_keeps_its_good_entries() -> None:
    # An undefined entity in the second item; the other items must survive.
    body = rss_items(["First", "Second &nbsp; broken", "Third"]).encode()
    parsed = parse_feed(body, content_type=None, url=URL)
    titles = [e.title or "" for e in parsed.entries]
    assert "First" in titles
    assert "Third" in titles
    assert len(parsed.entries) >= 2


def test_truncated_document_keeps_complete_items() -> None:
    body = rss_items(["One", "Two", "Three"]).encode()
    cut = body[: body.index(b"<item><title>Three")] + b"<item><title>Thr"
    parsed = parse_feed(cut, content_type=None, url=URL)
    assert [e.title for e in parsed.entries][:2] == ["One", "Two"]


def test_fast_path_failure_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(feed_parser.fastfeedparser, "parse", explode)
    parsed = parse_feed(RSS, content_type=None, url=URL)
    assert parsed.parser == "feedparser"
    assert len(parsed.entries) == 2
    assert parsed.warnings[0] == "fastfeedparser failed: RuntimeError: boom"


def test_one_bad_entry_is_skipped_and_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    real = feed_parser._fast_entry

    def picky(raw: Any, base_url: str) -> Any:
        if raw.get("title") == "B":
            raise ValueError("cannot convert")
        return real(raw, base_url)

    real_slow = feed_parser._feedparser_entry

    def picky_slow(raw: Any, base_url: str, **options: Any) -> Any:
        if raw.get("title") == "B":
            raise ValueError("cannot convert")
        return real_slow(raw, base_url, **options)

    monkeypatch.setattr(feed_parser, "_fast_entry", picky)
    monkeypatch.setattr(feed_parser, "_feedparser_entry", picky_slow)
    parsed = parse_feed(rss_items(["A", "B", "C"]).encode(), content_type=None, url=URL)
    assert [e.title for e in parsed.entries] == ["A", "C"]
    assert "1 entries skipped (first error: ValueError: cannot convert)" in parsed.warnings


def test_valid_empty_feed_is_not_an_error() -> None:
    parsed = parse_feed(rss_items([]).encode(), content_type=None, url=URL)
    assert parsed.entries == []
    assert parsed.title == "Feed"


# --- gzip --------------------------------------------------------------------------------------


def test_gzip_body_is_inflated() -> None:
    parsed = parse_feed(gzip.compress(RSS), content_type=None, url=URL)
    assert len(parsed.entries) == 2


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b" " * (MAX_DECOMPRESSED_BYTES + 10))
    with pytest.raises(FeedParseError, match="inflates beyond"):
        parse_feed(bomb, content_type=None, url=URL)


def test_truncated_gzip_parses_what_inflated() -> None:
    body = gzip.compress(rss_items([f"Item {i}" for i in range(50)]).encode())
    parsed = parse_feed(body[: len(body) * 3 // 4], content_type=None, url=URL)
    assert parsed.entries
    assert any("gzip" in w for w in parsed.warnings)


def test_corrupt_gzip_is_a_parse_error() -> None:
    with pytest.raises(FeedParseError, match="corrupt gzip body"):
        parse_feed(b"\x1f\x8b\x08\x00garbage-garbage", content_type=None, url=URL)


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty document"),
        (b"   \n\t ", "empty document"),
        (
            b"<!DOCTYPE html><html><head><title>Hi</title></head><body><p>x</p></body></html>",
            "not a feed: HTML page",
        ),
        (b"<head><title>Moved</title></head><body>gone</body>", "not a feed: HTML page"),
        (b"<?xml version='1.0'?>\n<rss>\n<channel>\n<title>x</title>\n<item", "XML not well-formed at line"),
        (
            b"<?xml version='1.0'?><catalog><book>1</book></catalog>",
            "not a feed: no RSS, RDF or Atom root element",
        ),
        (b"just some text", "not a feed: the document starts with b'just some text'"),
    ],
)
def test_unusable_documents_raise_with_a_reason(body: bytes, reason: str) -> None:
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body, content_type=None, url=URL)
    assert reason in caught.value.reason


def test_a_body_that_looks_like_a_path_is_not_read_as_a_file() -> None:
    # feedparser opens bytes that name a file; parse_feed must never let it.
    with pytest.raises(FeedParseError):
        parse_feed(b"/etc/hostname", content_type=None, url=URL)


def test_a_body_that_looks_like_a_url_is_not_fetched() -> None:
    # fastfeedparser and feedparser both fetch a *string* URL; bytes must stay data.
    with pytest.raises(FeedParseError):
        parse_feed(b"https://example.com/feed.xml", content_type=None, url=URL)


def test_feed_parse_error_is_a_value_error_with_reason() -> None:
    error = FeedParseError("not a feed: HTML page")
    assert isinstance(error, ValueError)
    assert error.reason == str(error) == "not a feed: HTML page"


# --- shapes no feed has: refused before either parser (each took 30-250 s there) -----------------

_HEAD = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>c</title>'


@pytest.mark.parametrize(("body", "reason"), [
    (_HEAD + b"<item><title>" + b"<a>" * 300 + b"</title></item></channel></rss>",
     "refused before parsing: elements nested deeper than 256"),
    (_HEAD + b"<item " + b" ".join(b'a%d="x"' % i for i in range(12_000)) + b"><title>x</title></item>",
     "refused before parsing: a tag of more than 65536 bytes"),
    (b"<html>" + b"<div>" * 1_000, "not a feed: HTML page"),
])
def test_a_pathological_shape_is_refused_before_parsing(body: bytes, reason: str) -> None:
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body, content_type="application/rss+xml", url="https://x.example.com/f")
    assert caught.value.reason == reason


def test_what_feeds_do_hold_is_no_nesting() -> None:
    # HTML in CDATA or comments, void tags, self-closed tags and a bare "<" in text are not nesting
    html = b"<p>one<br>two<br>" * 200 + b"<img src='x'>" * 100
    items = b"".join(b"<item><title>Story %d, a &lt; b</title><link>https://n.example.com/%d</link>"
                     b"<description><![CDATA[%s]]></description><!-- <div><div> -->"
                     b"<media:thumbnail url='x'/></item>" % (i, i, html) for i in range(5))
    parsed = parse_feed(_HEAD + items + b"</channel></rss>", content_type=None, url="https://x.example.com/f")
    assert len(parsed.entries) == 5
    assert feed_parser._shape_problem(b"<a>" * 256) is None
    assert feed_parser._shape_problem(b"<a>" * 257) is not None
    assert feed_parser._shape_problem(b"</x>" * 1000 + b"<a>" * 257) is not None, "closes cannot bank depth"


# --- found by fuzzing (twenty-seventh session) ----------------------------------------------------

def test_a_lone_surrogate_in_a_json_feed_id_parses_and_normalizes() -> None:
    body = (b'{"version":"https://jsonfeed.org/version/1.1","title":"T","items":['
            b'{"id":"1","url":"https://news.example.com/story-1","title":"Good story"},'
            b'{"id":"x\\ud800","url":"https://news.example.com/story-2","title":"Lone surrogate in id"}]}')
    parsed = parse_feed(body, content_type="application/feed+json",
                        url="https://news.example.com/feed.json")
    assert [e.title for e in parsed.entries] == ["Good story", "Lone surrogate in id"]


def test_an_emoji_written_as_two_surrogate_references_keeps_every_entry() -> None:
    # "&#55356;&#57225;" is one emoji as broken encoders write it; both parsers failed on the
    # document (a lone surrogate cannot be encoded) and every entry was lost
    items = "".join(f"<item><title>Good story {n}</title><link>https://news.example.com/{n}</link></item>"
                    for n in range(3))
    body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>{items}'
            '<item><title>Party &#55356;&#57225; and a lone &#55356; half</title>'
            '<link>https://news.example.com/p</link></item></channel></rss>').encode()
    parsed = parse_feed(body, content_type="application/rss+xml", url="https://news.example.com/feed")
    assert len(parsed.entries) == 4
    assert parsed.entries[-1].title == "Party \U0001F389 and a lone \ufffd half"


def test_a_feedparser_crash_keeps_what_fastfeedparser_read() -> None:
    # a stray georss close tag: feedparser raised KeyError 'where' and the whole feed was lost
    body = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
            + b"".join(b"<item><title>Good story %d</title><link>https://news.example.com/story-%d</link></item>"
                       % (n, n) for n in range(3))
            + b"<item><title>x</title><link>https://news.example.com/x</link></gml:pos></item>"
            b"<item><title>only in feedparser?</title></channel></rss>")
    parsed = parse_feed(body, content_type="application/rss+xml", url="https://news.example.com/feed")
    assert [e.title for e in parsed.entries][:3] == ["Good story 0", "Good story 1", "Good story 2"]


@pytest.mark.parametrize(("body", "reason"), [
    (b"<!doctype html><html><body>" + b"<div>x</div>" * 1000 + b"</body></html>", "not a feed: HTML page"),
    (b"<rss><channel><item " + b" ".join(b'a%d="1"' % n for n in range(300)) + b"/></channel></rss>",
     "refused before parsing: a tag with more than 256 attributes"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a feed: the document starts with"),
    (b"Service temporarily unavailable", "not a feed: the document starts with b'Service"),
    (b'{"version": "https://jsonfeed.org/version/1", "items": [}', "JSON Feed is not valid JSON at line 1"),
    (b'{"version": "https://jsonfeed.org/version/1", "items": {}}', 'JSON Feed\'s "items" is not a list'),
    # feedparser puts a declaration in front of a document without one: its error is on line 2
    # (a bare "&" is no longer one: it is written "&amp;" before parsing)
    (b'<rss version="2.0">\n<channel><title>a < b</title>\n</channel></rss>', "not well-formed at line 2 "),
])
def test_unusable_documents_are_refused_with_a_reason_an_operator_can_act_on(body: bytes,
                                                                             reason: str) -> None:
    with pytest.raises(FeedParseError) as refused:
        parse_feed(body, content_type=None, url="https://news.example.com/feed")
    assert reason in str(refused.value)


def test_a_bare_ampersand_does_not_cost_the_descriptions_their_markup() -> None:
    # "?a=1&b=2" in the channel link is not well-formed: lxml's recovery then read every escaped
    # description after it as tags and dropped them ("pLead text bhere/b/p"); CDATA stays literal
    feed = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
            b"<link>https://x.example/?a=1&b=2</link>"
            b"<item><title><![CDATA[AT&T & Verizon]]></title>"
            b"<link><![CDATA[https://x.example/1?a=1&b=2]]></link>"
            b"<description>&lt;p&gt;Lead text &lt;b&gt;here&lt;/b&gt; &amp; more&lt;/p&gt;"
            b"</description></item>"
            b"<item><title>Replay & measure</title><link>https://x.example/2?x=1&y=2</link></item>"
            b"</channel></rss>")
    parsed = parse_feed(feed, content_type=None, url="https://x.example/rss")
    assert parsed.parser == "fastfeedparser"
    first, second = parsed.entries
    assert first.summary == "<p>Lead text <b>here</b> & more</p>"
    assert (first.title, first.link) == ("AT&T & Verizon", "https://x.example/1?a=1&b=2")
    assert (second.title, second.link) == ("Replay & measure", "https://x.example/2?x=1&y=2")


@pytest.mark.parametrize("unit", [b'<source url="">', b"<item a='1'/>", b"<![CDATA[", b"<item><source>"])
def test_unclosed_tags_repeated_cost_one_pass_not_one_per_tag(unit: bytes) -> None:
    # a lazy ".*?</item>" or ".*?]]>" rescanned to the end from each unclosed start: 1 MB of
    # '<source url="">' took 387 s to parse; one pass takes milliseconds (the bound is 100x slack)
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>a & b</title>'
            b"<item><title>T</title><link>https://x.example/1</link><description>"
            + unit * (400_000 // len(unit)) + b"</description></item></channel></rss>")
    started = time.perf_counter()
    feed_parser._rss_item_sources(body)
    feed_parser._bare_ampersands_escaped(body)
    assert time.perf_counter() - started < 2.0


def test_both_parsers_read_an_rss_source_with_or_without_its_url_and_no_atom_one() -> None:
    rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
           b"<item><title>Quake - Reuters</title><link>https://agg.example/1</link>"
           b"<source>Reuters</source></item></channel></rss>")
    atom = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            b"<entry><title>Quake - Reuters</title><link href=\"https://agg.example/2\"/><id>urn:2</id>"
            b"<updated>2026-03-10T08:00:00Z</updated><source><title>Reuters</title></source></entry></feed>")
    for body, expected in ((rss, "Reuters"), (atom, None)):
        fast = parse_feed(body, content_type=None, url="https://agg.example/feed")
        slow = feed_parser._parse_slow(body, content_type=None, url="https://agg.example/feed", warnings=[])
        assert fast.parser == "fastfeedparser"
        assert [e.source_name for e in fast.entries] == [e.source_name for e in slow.entries] == [expected]
