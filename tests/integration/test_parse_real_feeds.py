"""parse_feed + normalize_entry over every real feed file of the shared data folder.

For each file: parse_feed either returns a ParsedFeed or raises FeedParseError with a reason,
never anything else; every entry then becomes an Article or raises EntryRejectedError. For the
files the folder's manifest marks as not well-formed XML, we must keep at least as many usable
entries as feedparser alone recovers (the fast path may not silently lose a broken feed's items).

The files are read in place from `$HEADLINEZ_DATA_DIR/feeds` (default `<repo>/../shared/data`);
nothing is copied into the repository. Without the folder the tests skip.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from headlinez.adapters.feed_parser import FeedParseError, ParsedFeed, parse_feed
from headlinez.domain.dedupe import dedupe_within_batch
from headlinez.domain.normalize import EntryRejectedError, normalize_entry
from headlinez.models import Article, FeedConfig

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("HEADLINEZ_DATA_DIR", REPO_ROOT.parent / "shared" / "data"))
FEEDS_DIR = DATA_DIR / "feeds"

pytestmark = pytest.mark.skipif(
    not FEEDS_DIR.is_dir(), reason=f"real feed files not found at {FEEDS_DIR} (set HEADLINEZ_DATA_DIR)"
)

NOW = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)
FEED = FeedConfig(id="corpus", url="https://feeds.test/feed.xml", outlet="Corpus", publisher_family="corpus")


def _file_folders() -> list[Path]:
    if not FEEDS_DIR.is_dir():
        return []
    folders = sorted(path for path in FEEDS_DIR.glob("*/files") if path.is_dir())
    for extra in ("benchmark_data", "integration"):
        path = FEEDS_DIR / "fastfeedparser" / extra / "files"
        if path.is_dir():
            folders.append(path)
    return folders


FOLDERS = _file_folders()
SYNTHETIC = {"feedparser_illformed"}  # feedparser's ill-formed test snippets, not captures


def _folder_id(folder: Path) -> str:
    return str(folder.relative_to(FEEDS_DIR).parent)


@dataclass
class FolderResult:
    files: int = 0
    parsed: int = 0
    refused: dict[str, str] = field(default_factory=dict)
    entries: int = 0
    articles: list[Article] = field(default_factory=list)
    rejected: int = 0
    fell_back: int = 0
    failures: list[str] = field(default_factory=list)
    by_file: dict[str, ParsedFeed] = field(default_factory=dict)


def _parse_folder(folder: Path) -> FolderResult:
    result = FolderResult()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        result.files += 1
        name = path.name
        try:
            parsed = parse_feed(path.read_bytes(), content_type=None, url=f"https://feeds.test/{name}")
        except FeedParseError as exc:
            if not exc.reason.strip():
                result.failures.append(f"{name}: FeedParseError without a reason")
            result.refused[name] = exc.reason
            continue
        except Exception as exc:
            result.failures.append(f"{name}: parse_feed raised {type(exc).__name__}: {exc}")
            continue
        result.parsed += 1
        result.by_file[name] = parsed
        result.entries += len(parsed.entries)
        result.fell_back += parsed.parser == "feedparser"
        for entry in parsed.entries:
            try:
                result.articles.append(normalize_entry(entry, FEED, now=NOW, feed_updated=parsed.updated))
            except EntryRejectedError as exc:
                if not exc.reason:
                    result.failures.append(f"{name}: EntryRejectedError without a reason")
                result.rejected += 1
            except Exception as exc:
                result.failures.append(f"{name}: normalize_entry raised {type(exc).__name__}: {exc}")
    return result


_cache: dict[Path, FolderResult] = {}


def folder_result(folder: Path) -> FolderResult:
    if folder not in _cache:
        _cache[folder] = _parse_folder(folder)
    return _cache[folder]


def _malformed_files(folder: Path) -> Iterator[str]:
    """Names of files the folder's manifest marks as not well-formed XML."""
    manifest_dir = folder.parent
    while manifest_dir != FEEDS_DIR and not (manifest_dir / "manifest.csv").is_file():
        manifest_dir = manifest_dir.parent
    manifest = manifest_dir / "manifest.csv"
    if not manifest.is_file():
        return
    prefix = str(folder.relative_to(manifest_dir))
    with manifest.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            relpath = row.get("relpath", "")
            if row.get("wellformed_xml") == "False" and relpath.startswith(prefix + "/"):
                yield relpath.rsplit("/", 1)[1]


_baseline: dict[Path, int] = {}


def usable_feedparser_entries(path: Path) -> int:
    """Entries with a title or a link that feedparser alone recovers from the file."""
    if path not in _baseline:
        result = feedparser.parse(
            io.BytesIO(path.read_bytes()), sanitize_html=False, resolve_relative_uris=False
        )
        _baseline[path] = sum(1 for entry in result.entries if entry.get("title") or entry.get("link"))
    return _baseline[path]


def usable_entries(parsed: ParsedFeed | None) -> int:
    return sum(1 for entry in parsed.entries if entry.title or entry.link) if parsed else 0


@pytest.mark.parametrize("folder", FOLDERS, ids=[_folder_id(f) for f in FOLDERS])
def test_every_file_parses_or_is_refused_with_a_reason(folder: Path) -> None:
    result = folder_result(folder)
    assert result.files > 0
    assert result.failures == []
    assert result.parsed + len(result.refused) == result.files
    assert all(reason.strip() for reason in result.refused.values())
    if _folder_id(folder) in SYNTHETIC:
        return  # tiny made-up documents, mostly without links: nothing to measure
    # Real captures: most files parse, and most entries become articles.
    assert result.parsed >= result.files * 0.6, result.refused
    assert len(result.articles) >= result.entries * 0.8


@pytest.mark.parametrize("folder", FOLDERS, ids=[_folder_id(f) for f in FOLDERS])
def test_broken_feeds_keep_their_good_entries(folder: Path) -> None:
    result = folder_result(folder)
    checked = 0
    losses = []
    for name in _malformed_files(folder):
        path = folder / name
        if not path.is_file():
            continue
        checked += 1
        kept, baseline = usable_entries(result.by_file.get(name)), usable_feedparser_entries(path)
        if kept < baseline:
            losses.append(f"{name}: {kept} usable entries, feedparser alone {baseline}")
    assert losses == []
    assert checked > 0, "the manifest lists no malformed file here: is the manifest matched?"


@pytest.mark.parametrize("folder", FOLDERS, ids=[_folder_id(f) for f in FOLDERS])
def test_no_file_yields_fewer_entries_than_feedparser_alone(folder: Path) -> None:
    # Stronger than the manifest's list: well-formed files can trip the fast path too (RDF feeds,
    # items nested inside other items); the fallback must catch those.
    result = folder_result(folder)
    losses = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        kept, baseline = usable_entries(result.by_file.get(path.name)), usable_feedparser_entries(path)
        if kept < baseline:
            losses.append(f"{path.name}: {kept} usable entries, feedparser alone {baseline}")
    assert losses == []


def test_benchmark_capture_is_parsed_nearly_whole() -> None:
    folder = FEEDS_DIR / "fastfeedparser" / "benchmark_data" / "files"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    result = folder_result(folder)
    # (parse speed is measured by benchmarks/parser_bench.py, not here: this result is cached)
    # 200 real feeds, ~6,600 entries (manifest), a few non-UTF-8 or broken ones
    assert result.files == 200
    assert result.parsed >= 195, result.refused
    assert result.entries >= 6_500
    assert result.fell_back <= 20
    # every accepted article has a canonical URL and a title; ids are unique after dedupe
    unique = dedupe_within_batch(result.articles)
    assert len({a.article_id for a in unique}) == len(unique)
    assert all(a.title and a.url.startswith(("http://", "https://")) for a in result.articles)


def test_non_utf8_feeds_are_decoded_without_replacement_characters() -> None:
    folder = FEEDS_DIR / "miniflux" / "files"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    result = folder_result(folder)
    for name in ("encoding_ISO-8859-1.xml", "encoding_WINDOWS-1251.xml"):
        parsed = result.by_file[name]
        assert parsed.entries
        assert not any("\ufffd" in (e.title or "") for e in parsed.entries), name
    cyrillic = result.by_file["encoding_WINDOWS-1251.xml"].entries[0].title or ""
    assert any("\u0400" <= char <= "\u04ff" for char in cyrillic)
