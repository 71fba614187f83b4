"""Replay mode's feed filter: each feed as it looked at the simulated time."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.conftest import DATA_DIR, SNAPSHOT_FEEDS, requires_data

from headlinez.adapters.feed_parser import parse_feed
from headlinez.local.replay import (
    FeedTimeFilter,
    ReplayError,
    parse_item_time,
    replay_steps,
    split_feed,
    visible_body,
)

T = datetime(2026, 2, 17, 12, 0, tzinfo=UTC)

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Feed</title>
<link>https://example.com/</link><description>d</description>
<item><title>Early</title><link>https://example.com/1</link>
  <pubDate>Tue, 17 Feb 2026 09:00:00 GMT</pubDate></item>
<item><title><![CDATA[Late <b>news</b>]]></title><link>https://example.com/2</link>
  <pubDate>Tue, 17 Feb 2026 15:00:00 +0000</pubDate></item>
<item><title>Undated</title><link>https://example.com/3</link></item>
<item><title>Only dc:date</title><link>https://example.com/4</link><dc:date>2026-02-17T11:59:00Z</dc:date></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title><id>urn:x</id><updated>2026-02-17T15:00:00Z</updated>
<entry><title>Old</title><id>urn:1</id><link href="https://example.com/a"/>
  <published>2026-02-17T10:00:00+01:00</published><updated>2026-02-17T16:00:00Z</updated></entry>
<entry><title>New</title><id>urn:2</id><link href="https://example.com/b"/><updated>2026-02-17T13:00:00Z</updated></entry>
</feed>"""

RDF = b"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.com/"><title>RDF</title><link>https://example.com/</link>
<description>d</description><items><rdf:Seq><rdf:li rdf:resource="https://example.com/x"/>
<rdf:li rdf:resource="https://example.com/y"/></rdf:Seq></items></channel>
<item rdf:about="https://example.com/x"><title>X</title><link>https://example.com/x</link>
<dc:date>2026-02-17T08:00:00Z</dc:date></item>
<item rdf:about="https://example.com/y"><title>Y</title><link>https://example.com/y</link>
<dc:date>2026-02-18T08:00:00Z</dc:date></item>
</rdf:RDF>"""


def titles(body: bytes) -> list[str]:
    return [e.title or "" for e in parse_feed(body, content_type="application/xml", url="https://example.com/").entries]


def test_rss_items_after_the_simulated_time_are_hidden() -> None:
    served = FeedTimeFilter(T)("rss.xml", RSS)
    assert titles(served) == ["Early", "Undated", "Only dc:date"]
    # The rest of the document is byte for byte the capture
    assert served.startswith(RSS[:RSS.index(b"<item>")])
    assert served.endswith(b"</channel></rss>")
    # Later, everything is visible: the very same bytes
    assert FeedTimeFilter(T + timedelta(hours=4))("rss.xml", RSS) == RSS


def test_atom_prefers_published_over_updated() -> None:
    # "Old" was published 09:00Z (10:00+01:00) and updated 16:00Z: visible at 12:00
    assert titles(FeedTimeFilter(T)("atom.xml", ATOM)) == ["Old"]
    assert titles(FeedTimeFilter(T + timedelta(hours=1))("atom.xml", ATOM)) == ["Old", "New"]


def test_rdf_items_are_filtered_but_the_channel_items_list_is_kept() -> None:
    served = FeedTimeFilter(T)("rdf.xml", RDF)
    assert titles(served) == ["X"]
    assert b"<items><rdf:Seq>" in served


def test_json_feed_and_utf16() -> None:
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
        {"id": "1", "title": "one", "url": "https://example.com/1", "date_published": "2026-02-17T11:00:00Z"},
        {"id": "2", "title": "two", "url": "https://example.com/2",
         "date_published": "2026-02-17T13:00:00Z"}]}
    served = json.loads(FeedTimeFilter(T)("feed.json", json.dumps(feed).encode()))
    assert [item["title"] for item in served["items"]] == ["one"]
    utf16 = RSS.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert split_feed(utf16).kind == "text"
    assert titles(visible_body(split_feed(utf16), T)) == ["Early", "Undated", "Only dc:date"]


def test_dates_and_steps() -> None:
    assert parse_item_time("Tue, 17 Feb 2026 09:00:00 GMT") == datetime(2026, 2, 17, 9, tzinfo=UTC)
    assert parse_item_time("2026-02-17T10:00:00+01:00") == datetime(2026, 2, 17, 9, tzinfo=UTC)
    assert parse_item_time("2026-02-17 09:00") == datetime(2026, 2, 17, 9, tzinfo=UTC)  # naive = UTC
    assert parse_item_time("not a date") is None
    steps = replay_steps(T, T + timedelta(minutes=40))
    assert steps == [T, T + timedelta(minutes=15), T + timedelta(minutes=30), T + timedelta(minutes=40)]
    with pytest.raises(ReplayError):
        replay_steps(T, T - timedelta(minutes=1))


@requires_data
def test_the_26_news_feeds_serve_exactly_the_items_published_so_far() -> None:
    # Given the normalized items of the snapshot (publish times read independently, by feedparser)
    expected: dict[str, list[datetime]] = defaultdict(list)
    with (DATA_DIR / "news_feed_snapshot_2026-02-18" / "articles.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            expected[row["feed_file"].rsplit("/", 1)[-1]].append(
                datetime.fromisoformat(row["published"].replace("Z", "+00:00")))
    time_filter = FeedTimeFilter(T)
    for name, times in sorted(expected.items()):
        body = (SNAPSHOT_FEEDS / name).read_bytes()
        # When the feed is served at 2026-02-17 12:00
        served = time_filter(name, body)
        # Then it holds exactly the items published by then
        count = len(parse_feed(served, content_type=None, url="https://example.com/").entries)
        assert count == sum(1 for t in times if t <= T), name


def test_replay_flags_are_checked_before_anything_starts(capsys: pytest.CaptureFixture[str]) -> None:
    from headlinez.cli import main

    assert main(["up", "--replay-from", "2026-02-17T00:00:00Z", "--feeds-dir", "."]) == 2
    assert "go together" in capsys.readouterr().err
    assert main(["up", "--replay-from", "2026-02-17T00:00:00Z", "--replay-to", "2026-02-17T01:00:00Z"]) == 2
    assert "needs --feeds-dir" in capsys.readouterr().err
    assert main(["up", "--feeds-dir", ".", "--replay-from", "2026-02-17T02:00:00Z",
                 "--replay-to", "2026-02-17T01:00:00Z"]) == 2
    assert "must not be before" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["--interval-minutes", "0"], "argument --interval-minutes: must be a number above 0"),
    (["--interval-minutes", "nan"], "argument --interval-minutes: must be a number above 0"),
    (["--port", "99999"], "argument --port: not a TCP port"),
    (["--port", "-1"], "argument --port: not a TCP port"),
    (["--now", "9999-12-31T23:59:59Z"], "argument --now: out of range"),
    (["--now", "0001-01-01T00:00:00Z"], "argument --now: out of range"),
    (["--cycles", "-3"], "argument --cycles: must not be negative"),
    (["--shutdown-grace-seconds", "inf"], "argument --shutdown-grace-seconds: must be a number above 0"),
])
def test_up_refuses_numbers_it_cannot_run_with(capsys: pytest.CaptureFixture[str], args: list[str],
                                                message: str) -> None:
    # an interval of 0 spun through cycles; a port out of range failed after the stack had started
    from headlinez.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["up", "--no-persist", *args])
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_up_with_a_bad_feed_list_says_so_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    from headlinez.cli import main

    duplicate = tmp_path / "dup.yaml"
    duplicate.write_text("feeds:\n"
                         "  - {id: a, url: 'https://a.example/rss', outlet: A, publisher_family: a}\n"
                         "  - {id: a, url: 'https://b.example/rss', outlet: B, publisher_family: b}\n",
                         encoding="utf-8")
    for feeds_file in (duplicate, tmp_path / "missing.yaml", tmp_path):
        code = main(["up", "--no-persist", "--state-dir", str(tmp_path / "state"), "--port", "0", "--live",
                     "--feeds-file", str(feeds_file)])
        err = capsys.readouterr().err
        assert code == 2, err
        assert err.startswith("error: "), err
        assert "Traceback" not in err


def test_two_feed_sources_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from headlinez.cli import main

    sources = ["--feeds-dir", str(tmp_path), "--feeds-file", str(tmp_path / "f.yaml")]
    assert main(["up", "--no-persist", *sources]) == 2
    assert "pass one" in capsys.readouterr().err
