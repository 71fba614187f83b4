"""The local stack end to end on the 26 news feeds of the 2026-02-18 snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SNAPSHOT_FEEDS, requires_data
from tests.e2e.stack import local_stack

pytestmark = [pytest.mark.e2e, requires_data]

NOW = "2026-02-18T04:00:00Z"


def _all_trends(stack: object, query: str = "") -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    path = f"/trends?limit=100{query}"
    while path:
        page = stack.get_json(path)  # type: ignore[attr-defined]
        items.extend(page["items"])
        path = f"/trends?limit=100{query}&cursor={page['next_cursor']}" if page.get("next_cursor") else ""
    return items


def _all_candidates(stack: object) -> list[dict[str, object]]:
    """Public trends and single-newsroom candidates (include=candidates)."""
    return _all_trends(stack, "&include=candidates")


def test_snapshot_yields_multi_outlet_trends_and_survives_a_restart(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    args = ("--feeds-dir", str(SNAPSHOT_FEEDS), "--now", NOW, "--cycles", "1", "--state-dir", str(state_dir))

    # Given the local stack after one cycle over the snapshot
    with local_stack(*args) as stack:
        assert "26 fetched" in stack.output(), stack.output()
        trends = _all_trends(stack)
        # Then /trends lists only real trends: every one has 2+ independent newsrooms (issue 8)
        assert len(trends) >= 10
        single = [(t["headline"], t["sources"]) for t in trends
                  if int(t["sources"]) < 2 or t["candidate"]]  # type: ignore[call-overload]
        assert not single, single
        # And the single-newsroom candidates are stored, listed only with include=candidates, labelled
        wide = stack.get_json("/trends?limit=100&include=candidates")["items"]
        candidates = [t for t in wide if t["candidate"]]
        assert candidates
        assert all(int(t["sources"]) < 2 and str(t["label"]).startswith("candidate (") for t in candidates)
        assert {t["id"] for t in wide} - {t["id"] for t in candidates} <= {t["id"] for t in trends}
        # And the US-Iran talks are one trend of 8+ outlets
        iran = [t for t in trends if "iran" in str(t["headline"]).lower()
                and ("talk" in str(t["headline"]).lower() or "nuclear" in str(t["headline"]).lower())]
        assert iran, [t["headline"] for t in trends[:30]]
        biggest = max(iran, key=lambda t: int(t["sources"]))  # type: ignore[call-overload]
        assert int(biggest["sources"]) >= 8  # type: ignore[call-overload]
        detail = stack.get_json(f"/trends/{biggest['id']}")
        outlets = {item["outlet"] for item in detail["coverage"]}
        assert len(outlets) >= 8
        # And its coverage is grouped by newsroom: each newsroom once, then its articles
        families = [group["publisher_family"] for group in detail["newsrooms"]]
        assert len(families) == len(set(families)) >= 8
        assert sum(len(group["articles"]) for group in detail["newsrooms"]) == len(detail["coverage"])
        # And the Spain investigation of X, Meta and TikTok is a trend of its own story only
        # (the first version mixed it into 10 AI articles, 2 of them about Spain)
        spain = [t for t in _all_candidates(stack) if "spain" in str(t["headline"]).lower()
                 and "investigat" in str(t["headline"]).lower()]
        assert spain, "no Spain investigation trend"
        for trend in spain:
            titles = [item["title"] for item in stack.get_json(f"/trends/{trend['id']}")["coverage"]]
            assert all("spain" in str(title).lower() for title in titles), titles
        ids_before = [t["id"] for t in trends]

    # When it restarts on the saved state without running a cycle
    assert (state_dir / "table.jsonl.gz").is_file()
    with local_stack(*args[:-4], "--cycles", "0", "--state-dir", str(state_dir)) as restarted:
        assert "restored" in restarted.output()
        # Then the same trends are served
        assert [t["id"] for t in _all_trends(restarted)] == ids_before


def test_second_cycle_writes_nothing_new(tmp_path: Path) -> None:
    args = ("--feeds-dir", str(SNAPSHOT_FEEDS), "--now", NOW, "--cycles", "2", "--interval-minutes", "0.05",
            "--no-persist", "--state-dir", str(tmp_path))
    with local_stack(*args) as stack:
        stack.wait_for(r"schedules: done", timeout=120)
        ingests = [line for line in stack.lines if "ingest done" in line]
        assert len(ingests) == 2
        # The second cycle is within the polite poll interval: no feed is due, nothing is written
        assert " 0 new articles" in ingests[1], ingests[1]
