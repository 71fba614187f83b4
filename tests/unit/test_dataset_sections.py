"""load_dataset reads an article's section hint as ingest would, and never from a gold label."""

from __future__ import annotations

import json
from pathlib import Path

from headlinez.evaluation.clustering_eval import load_dataset


def _write(folder: Path, rows: list[dict[str, object]]) -> Path:
    folder.mkdir(parents=True)
    lines = [json.dumps({"id": str(i), "title": f"Story {i}", "summary": "", "publisher": "Outlet",
                         "published": "2026-02-17T10:00:00Z", "story_id": None, **row})
             for i, row in enumerate(rows)]
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_feed_tags_of_a_feed_snapshot_are_its_sections(tmp_path: Path) -> None:
    folder = _write(tmp_path / "capture", [
        {"url": "https://e.example/a", "category": "Sports"},
        {"url": "https://e.example/culture/b", "category": None},
        {"url": "https://e.example/c", "category": "Uncategorized, News Desk"},
    ])
    (folder / "SOURCE.md").write_text("Fields: `category` (feed tags), `feed_file`.\n", encoding="utf-8")
    assert [row.article.category_hint for row in load_dataset(folder)] == ["sports", "entertainment", None]


def test_a_labeled_copy_named_like_the_snapshot_does_not_leak_its_labels(tmp_path: Path) -> None:
    # Only the documented contract counts, never the folder's name: a held-out labeled set in the
    # snapshot's schema carries its gold category in the same field.
    folder = _write(tmp_path / "news_feed_snapshot_2026-02-18_labeled", [
        {"url": "https://e.example/a", "category": "sports"},
    ])
    (folder / "SOURCE.md").write_text("Fields: `category` (gold label).\n", encoding="utf-8")
    assert [row.article.category_hint for row in load_dataset(folder)] == [None]


def test_a_gold_category_is_never_a_hint(tmp_path: Path) -> None:
    # UCI's and AllSides' `category` is the answer the category benchmarks score against.
    folder = _write(tmp_path / "uci_news_aggregator_prefix", [
        {"url": "https://e.example/a", "category": "business"},
        {"url": "https://e.example/business/b", "category": "business"},  # the URL is fair game
    ])
    assert [row.article.category_hint for row in load_dataset(folder)] == [None, "business"]


def test_a_feed_title_names_the_section_of_items_that_name_none(tmp_path: Path) -> None:
    folder = _write(tmp_path / "capture", [
        {"url": "https://e.example/a", "category": None, "feed_title": "NYT > World News"},
        {"url": "https://e.example/b", "category": "Sports", "feed_title": "NYT > World News"},
        {"url": "https://e.example/c", "category": None, "feed_title": "BBC News"},
    ])
    (folder / "SOURCE.md").write_text("Fields: `category` (feed tags), `feed_title`.\n", encoding="utf-8")
    assert [row.article.category_hint for row in load_dataset(folder)] == ["world", "sports", None]
