"""infra/feeds.yaml and the feed-list helpers of headlinez.feeds."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from headlinez.feeds import (
    FEEDS_FILE_ENV,
    FeedListError,
    default_feed_list_path,
    feed_list_from_directory,
    known_outlets_from_source_md,
    load_feed_list,
    publisher_family_for,
)
from headlinez.models import FeedConfig, FeedList

REPO_ROOT = Path(__file__).resolve().parents[2]
FEEDS_YAML = REPO_ROOT / "infra" / "feeds.yaml"
DATA_DIR = Path(os.environ.get("HEADLINEZ_DATA_DIR", REPO_ROOT.parent / "shared" / "data"))
FFP_DIR = DATA_DIR / "feeds" / "fastfeedparser"
CATEGORIES = {"world", "politics", "business", "technology", "science", "health", "sports", "entertainment"}


@pytest.fixture(scope="module")
def feed_list() -> FeedList:
    return load_feed_list(FEEDS_YAML)


# --- infra/feeds.yaml ----------------------------------------------------------------------------


def test_feed_list_is_large_and_ids_are_unique(feed_list: FeedList) -> None:
    ids = [feed.id for feed in feed_list.feeds]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)


def test_every_feed_url_is_https(feed_list: FeedList) -> None:
    insecure = [feed.id for feed in feed_list.feeds if feed.url.scheme != "https"]
    assert insecure == []


def test_feed_urls_are_unique(feed_list: FeedList) -> None:
    counts = Counter(str(feed.url) for feed in feed_list.feeds)
    assert [url for url, n in counts.items() if n > 1] == []


def test_newsrooms_with_several_feeds_share_a_family(feed_list: FeedList) -> None:
    families = Counter(feed.publisher_family for feed in feed_list.feeds)
    assert sum(1 for n in families.values() if n >= 2) >= 2
    by_id = {feed.id: feed for feed in feed_list.feeds}
    assert by_id["bbc-world"].publisher_family == by_id["bbc-technology"].publisher_family == "bbc"
    assert by_id["time-world"].publisher_family == by_id["time-tech"].publisher_family == "time"
    # Two different newsrooms that share a brand name stay two sources.
    assert by_id["abc-us-international"].publisher_family != by_id["abc-au-just-in"].publisher_family


def test_feeds_cover_many_regions_and_valid_categories(feed_list: FeedList) -> None:
    regions = {feed.region for feed in feed_list.feeds if feed.region}
    assert len(regions) >= 6
    assert {"us", "uk", "europe", "africa", "latin-america", "middle-east"} <= regions
    hints = {feed.category_hint for feed in feed_list.feeds if feed.category_hint}
    assert hints <= CATEGORIES
    assert {"world", "business", "technology", "science", "sports"} <= hints


def test_ingest_package_reads_the_same_file_through_a_symlink() -> None:
    link = REPO_ROOT / "functions" / "ingest" / "feeds.yaml"
    assert link.is_symlink(), "functions/ingest/feeds.yaml must be a symlink to infra/feeds.yaml"
    assert link.resolve() == FEEDS_YAML.resolve()


def test_a_build_copy_of_the_ingest_folder_holds_the_real_feed_list(tmp_path: Path) -> None:
    # sam build's Python workflow copies sources following symlinks (CopySourceAction with
    # maintain_symlinks=False): the artefact gets a real file, not a link out of the package.
    artefact = tmp_path / "IngestFunction"
    shutil.copytree(REPO_ROOT / "functions" / "ingest", artefact, symlinks=False)
    copied = artefact / "feeds.yaml"
    assert copied.is_file()
    assert not copied.is_symlink()
    assert len(load_feed_list(copied).feeds) >= 40


def test_default_path_is_the_repo_file_unless_overridden(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(FEEDS_FILE_ENV, raising=False)
    assert default_feed_list_path().resolve() == FEEDS_YAML.resolve()

    other = tmp_path / "mine.yaml"
    monkeypatch.setenv(FEEDS_FILE_ENV, str(other))
    assert default_feed_list_path() == other


# --- errors name the file, the entry and the field ----------------------------------------------

GOOD_ENTRY = "  - id: one\n    url: https://example.com/feed\n    outlet: One\n    publisher_family: one\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "feeds:\n  - id: one\n    outlet: One\n    publisher_family: one\n",
            ["feeds[0]", "(id 'one')", "url", "Field required"],
            id="missing-url",
        ),
        pytest.param(
            "feeds:\n" + GOOD_ENTRY + "  - id: Bad_Id\n    url: https://example.com/2\n"
            "    outlet: Two\n    publisher_family: two\n",
            ["feeds[1]", "id", "lowercase slug"],
            id="bad-slug",
        ),
        pytest.param(
            "feeds:\n" + GOOD_ENTRY.replace("https://example.com/feed", "not a url"),
            ["feeds[0]", "url"],
            id="bad-url",
        ),
        pytest.param(
            "feeds:\n" + GOOD_ENTRY + "    colour: blue\n",
            ["feeds[0]", "colour", "Extra inputs"],
            id="unknown-field",
        ),
        pytest.param("feeds:\n" + GOOD_ENTRY + GOOD_ENTRY, ["duplicate feed id 'one'"], id="duplicate-id"),
        pytest.param("feeds: []\n", ["feeds", "at least 1"], id="empty"),
        pytest.param("- just\n- a list\n", ["top-level 'feeds:'"], id="not-a-mapping"),
        pytest.param("feeds: [unclosed\n", ["not valid YAML"], id="bad-yaml"),
    ],
)
def test_bad_feed_files_raise_readable_errors(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(FeedListError) as caught:
        load_feed_list(path)

    message = str(caught.value)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message
    assert isinstance(caught.value, ValueError)


def test_missing_file_is_a_feed_list_error(tmp_path: Path) -> None:
    with pytest.raises(FeedListError, match=r"cannot read"):
        load_feed_list(tmp_path / "absent.yaml")


# --- SOURCE.md parsing ---------------------------------------------------------------------------

SOURCE_SAMPLE = """\
| commit | HEAD `763b6c98dd9be806bf03e76c48ad5605eccd2d68` (2026-03-02) |

**3 of them are news outlets** (captured at once — see `../snapshot/` for items):
NDTV `08f1ee71883dbcde`, Deutsche Welle (RDF) `14dda539770f94e3`, Rest of World `14333881097406c7`,
TIME Tech `5da3b20f957be51d`, El País English `660a52f7dc6a1948`, ABC News (AU) `5357198db71ce075`,
TIME World `9f9555d69283aeda`, ABC News (US) International `f9c17f360c71def1`.
The rest are blogs.
"""


def test_source_md_items_become_outlets_and_families(tmp_path: Path) -> None:
    source = tmp_path / "SOURCE.md"
    source.write_text(SOURCE_SAMPLE, encoding="utf-8")

    outlets = known_outlets_from_source_md(source)

    assert len(outlets) == 8  # the 40-hex commit id is not an item
    assert outlets["08f1ee71883dbcde"] == ("NDTV", "ndtv")
    assert outlets["14dda539770f94e3"] == ("Deutsche Welle", "deutsche-welle")
    assert outlets["660a52f7dc6a1948"] == ("El País English", "el-pais")
    assert outlets["14333881097406c7"][1] == "rest-of-world"
    assert outlets["5da3b20f957be51d"][1] == outlets["9f9555d69283aeda"][1] == "time"
    assert outlets["5357198db71ce075"] == ("ABC News (AU)", "abc-au")
    assert outlets["f9c17f360c71def1"] == ("ABC News (US) International", "abc-us")


def test_source_md_without_items_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "SOURCE.md"
    source.write_text("# nothing here\n", encoding="utf-8")
    with pytest.raises(FeedListError, match="no 'Outlet"):
        known_outlets_from_source_md(source)


@pytest.mark.parametrize(
    ("outlet", "family"),
    [
        ("BBC News World", "bbc"),
        ("The Economist Asia", "the-economist"),
        ("Boston.com World", "boston-com"),
        ("Christian Science Monitor", "christian-science-monitor"),
        ("News", "news"),
    ],
)
def test_publisher_family_drops_section_words(outlet: str, family: str) -> None:
    assert publisher_family_for(outlet) == family


# --- a folder of captured feeds ------------------------------------------------------------------


def test_feed_list_from_directory(tmp_path: Path) -> None:
    (tmp_path / "World News.xml").write_text("<rss/>")
    (tmp_path / "0a1b2c3d4e5f6a7b").write_text("<rss/>")
    (tmp_path / ".DS_Store").write_text("")
    (tmp_path / "sub").mkdir()

    plain = feed_list_from_directory(tmp_path, "http://127.0.0.1:8123/")

    by_id = {feed.id: feed for feed in plain.feeds}
    assert set(by_id) == {"world-news-xml", "0a1b2c3d4e5f6a7b"}
    assert str(by_id["world-news-xml"].url) == "http://127.0.0.1:8123/World%20News.xml"
    assert by_id["world-news-xml"].outlet == "World News.xml"
    assert by_id["world-news-xml"].publisher_family == "world-news-xml"

    named = feed_list_from_directory(
        tmp_path, "http://127.0.0.1:8123", outlets={"0a1b2c3d4e5f6a7b": ("TIME World", "time")}
    )
    assert {f.id: (f.outlet, f.publisher_family) for f in named.feeds}["0a1b2c3d4e5f6a7b"] == (
        "TIME World",
        "time",
    )

    known = feed_list_from_directory(
        tmp_path, "http://127.0.0.1:8123", outlets={"0a1b2c3d4e5f6a7b": ("TIME World", "time")},
        only_known=True,
    )
    assert [f.id for f in known.feeds] == ["0a1b2c3d4e5f6a7b"]


def test_feed_list_from_directory_errors(tmp_path: Path) -> None:
    with pytest.raises(FeedListError, match="not a directory"):
        feed_list_from_directory(tmp_path / "absent", "http://127.0.0.1:1")
    with pytest.raises(FeedListError, match="no feed files"):
        feed_list_from_directory(tmp_path, "http://127.0.0.1:1")
    with pytest.raises(FeedListError, match="needs an outlets mapping"):
        feed_list_from_directory(tmp_path, "http://127.0.0.1:1", only_known=True)
    # files that SOURCE.md does not name: say so and how to take them anyway
    (tmp_path / "x.xml").write_text("<rss/>")
    with pytest.raises(FeedListError, match=r"none of its 1 files is among the 1 outlets .*--all-files"):
        feed_list_from_directory(tmp_path, "http://127.0.0.1:1", outlets={"y.xml": ("Y", "y")},
                                 only_known=True)


@pytest.mark.skipif(
    not (FFP_DIR / "SOURCE.md").is_file(),
    reason=f"real data {FFP_DIR}/SOURCE.md is absent (set HEADLINEZ_DATA_DIR)",
)
def test_real_snapshot_source_md_names_26_outlets() -> None:
    outlets = known_outlets_from_source_md(FFP_DIR / "SOURCE.md")
    assert len(outlets) == 26
    names = {name: family for name, family in outlets.values()}
    assert names["TIME World"] == names["TIME Tech"] == "time"
    assert names["ABC News (AU)"] == "abc-au"
    assert names["ABC News (US) International"] == "abc-us"

    files = FFP_DIR / "benchmark_data" / "files"
    feeds = feed_list_from_directory(files, "http://127.0.0.1:9", outlets=outlets, only_known=True)
    assert len(feeds.feeds) == 26
    assert len({feed.publisher_family for feed in feeds.feeds}) == 25


def test_an_outlet_named_without_latin_letters_is_a_newsroom_of_its_own() -> None:
    xinhua, dainik = publisher_family_for("新华社"), publisher_family_for("दैनिक भास्कर")
    assert xinhua.startswith("outlet-")
    assert dainik.startswith("outlet-")
    assert xinhua != dainik
    assert publisher_family_for(" 新华社 ") == xinhua
    # a Latin section word beside a name in another script: not the newsroom's whole name
    assert publisher_family_for("新华社 English") == publisher_family_for("新华社 World") == xinhua
    assert publisher_family_for("人民日报 English") != xinhua
    assert publisher_family_for("الجزيرة 24") != publisher_family_for("العربية 24")
    assert publisher_family_for("Łódź Daily") == "lodz-daily"  # folded, as search folds it
    FeedConfig(id="xinhua", url="https://xinhua.example/rss", outlet="新华社", publisher_family=xinhua)


def test_a_folder_feed_takes_the_language_its_channel_declares(tmp_path: Path) -> None:
    (tmp_path / "hindi.xml").write_text('<rss version="2.0"><channel><title>भारत</title>'
                                        "<language>hi</language></channel></rss>", encoding="utf-8")
    (tmp_path / "atom.xml").write_text('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh_cn">'
                                       "<title>新闻</title></feed>", encoding="utf-8")
    (tmp_path / "plain.xml").write_text("<rss><channel><title>News</title></channel></rss>", encoding="utf-8")
    feeds = {feed.id: feed.language for feed in feed_list_from_directory(tmp_path, "http://127.0.0.1:1").feeds}
    assert feeds == {"hindi-xml": "hi", "atom-xml": "zh-CN", "plain-xml": "en"}
