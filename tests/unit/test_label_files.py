"""The hand-labeled samples under tests/data are well formed (anchors and labels only, no text).

The figures in docs/benchmarks.md are computed from these files by
`benchmarks/snapshot_labels_bench.py score`; a malformed row would silently drop out of them.
"""

from __future__ import annotations

import csv
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from headlinez.models import CATEGORIES

DATA = Path(__file__).resolve().parents[1] / "data"
ANCHOR = re.compile(r"^[0-9a-f]{16}$")


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", ["snapshot_category_labels.csv", "snapshot_category_labels_fresh.csv",
                                  "snapshot_category_labels_fresh_second.csv"])
def test_category_labels_are_anchors_and_taxonomy_categories(name: str) -> None:
    rows = _rows(name)
    assert rows
    assert all(set(row) == {"anchor", "category"} for row in rows)
    assert all(ANCHOR.match(row["anchor"]) for row in rows)
    assert all(row["category"] in (*CATEGORIES, "none") for row in rows)
    assert len({row["anchor"] for row in rows}) == len(rows)


def test_the_fresh_category_sample_shares_no_trend_with_the_first() -> None:
    first = {row["anchor"] for row in _rows("snapshot_category_labels.csv")}
    fresh = {row["anchor"] for row in _rows("snapshot_category_labels_fresh.csv")}
    assert not first & fresh


def test_the_second_labeling_covers_the_fresh_sample_exactly() -> None:
    fresh = {row["anchor"] for row in _rows("snapshot_category_labels_fresh.csv")}
    second = {row["anchor"] for row in _rows("snapshot_category_labels_fresh_second.csv")}
    assert second == fresh


@pytest.mark.parametrize("name", ["snapshot_related_labels.csv", "snapshot_related_labels_check.csv",
                                  "snapshot_related_labels_fresh.csv", "snapshot_related_labels_tuning.csv",
                                  "snapshot_related_labels_fresh2.csv"])
def test_related_labels_are_anchor_pairs_and_verdicts(name: str) -> None:
    rows = _rows(name)
    assert rows
    assert all(ANCHOR.match(row["anchor"]) and ANCHOR.match(row["related_anchor"]) for row in rows)
    assert all(row["ok"] in {"0", "1", "same"} for row in rows)


def test_fresh_related_pairs_are_new_and_judged_at_a_sampled_time() -> None:
    sys.path.insert(0, str(DATA.parents[1] / "benchmarks"))
    import snapshot_labels_bench

    earlier = {(row["anchor"], row["related_anchor"]) for name in ("snapshot_related_labels.csv",
                                                                    "snapshot_related_labels_check.csv")
               for row in _rows(name)}
    fresh = _rows("snapshot_related_labels_fresh.csv")
    times = {at.strftime("%Y-%m-%dT%H:%MZ") for at in snapshot_labels_bench.FRESH_RELATED_AT}
    assert all(row["at"] in times for row in fresh)
    assert not earlier & {(row["anchor"], row["related_anchor"]) for row in fresh}
    assert all(datetime.fromisoformat(row["at"].replace("Z", "+00:00")) < datetime(2026, 2, 18, tzinfo=UTC)
               for row in fresh)


def _at(row: dict[str, str]) -> datetime:
    return datetime.fromisoformat(row["at"].replace("Z", "+00:00"))


def test_the_related_tuning_sample_is_before_the_held_out_days_and_the_second_fresh_one_after() -> None:
    held_out_from = datetime(2026, 2, 16, tzinfo=UTC)
    tuning = _rows("snapshot_related_labels_tuning.csv")
    fresh = _rows("snapshot_related_labels_fresh2.csv")
    assert all(_at(row) < held_out_from for row in tuning)
    assert all(_at(row) >= held_out_from for row in fresh)
    # Each pair once (in either direction), and none an earlier file labeled
    for rows in (tuning, fresh):
        pairs = [frozenset((row["anchor"], row["related_anchor"])) for row in rows]
        assert len(set(pairs)) == len(pairs)
    earlier = {frozenset((row["anchor"], row["related_anchor"]))
               for name in ("snapshot_related_labels.csv", "snapshot_related_labels_check.csv",
                            "snapshot_related_labels_fresh.csv") for row in _rows(name)}
    assert not earlier & {frozenset((row["anchor"], row["related_anchor"])) for row in fresh}


STORY = re.compile(r"^(?:single|\d{4}-\d{2}-\d{2}-[a-z0-9-]{1,40})$")
ITEM_ID = re.compile(r"^[0-9a-f]{16}-\d+$")


@pytest.mark.parametrize("name", ["heldout_stream_labels.csv", "heldout_stream_labels_second.csv"])
def test_the_held_out_stream_labels_are_ids_and_story_slugs_disjoint_from_the_dev_stream(name: str) -> None:
    # Measure-only labels of the snapshot's held-out window (docs/dev-stream.md), by two labelers:
    # ids and slugs, no text, the same items, and none of the dev stream's (before 2026-02-16)
    rows = _rows(name)
    assert {row["id"] for row in rows} == {row["id"] for row in _rows("heldout_stream_labels.csv")}
    assert len(rows) == 444
    assert all(set(row) == {"id", "story"} for row in rows)
    assert all(ITEM_ID.match(row["id"]) and STORY.match(row["story"]) for row in rows)
    assert len({row["id"] for row in rows}) == len(rows)
    stories = [row["story"] for row in rows if row["story"] != "single"]
    assert all(stories.count(story) >= 2 for story in set(stories))  # a slug names 2+ items
    dev = {row["id"] for row in _rows("dev_stream_labels.csv")}
    assert not dev & {row["id"] for row in rows}
