"""The local stack runs the brief flow: moto's interpreter, the offline engine, a line per brief."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from tests.conftest import SNAPSHOT_FEEDS, requires_data
from tests.e2e.stack import local_stack

from headlinez.adapters.entities.briefs import BriefEntity
from headlinez.briefs.models import brief_to_api

NOW = "2026-02-18T04:00:00Z"
# Eight newsrooms of the 2026-02-18 capture that share stories (US-Iran talks, Jesse Jackson, ...).
OUTLET_FILES = ("1796df62c4a287cc", "3f9eeff5039a008d", "7be307059415227d", "0c1cef22da7ddc10",
                "ce5f942d1cd40fc0", "f9c17f360c71def1", "78f77fae2e1ffc14", "4bf53cb602417030")


def _items(state_file: Path) -> list[dict[str, object]]:
    with gzip.open(state_file, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _plain(value: dict[str, dict[str, str]]) -> object:
    (kind, raw), = value.items()
    return int(raw) if kind == "N" else raw


@requires_data
@pytest.mark.e2e
def test_a_cycle_publishes_extractive_briefs_and_prints_them(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for name in OUTLET_FILES:  # a temporary copy outside the repository (the server serves one folder)
        shutil.copy(SNAPSHOT_FEEDS / name, feeds / name)
    state = tmp_path / "state"

    with local_stack("--feeds-dir", str(feeds), "--all-files", "--now", NOW, "--cycles", "1",
                     "--state-dir", str(state)) as stack:
        summary = stack.wait_for(r"briefs: \d+ published", timeout=120)
        output = stack.output()

    assert "briefs: Step Functions on moto (headlinez-brief), offline extractive engine" in output
    published = int(summary.split("briefs: ")[1].split()[0])
    assert published >= 1, output
    lines = [line for line in output.splitlines() if line.startswith("  brief t")]
    assert len(lines) == published
    assert all(" extractive, " in line and "% supported" in line for line in lines)

    # The briefs were stored in their trends' partitions, labelled extractive
    briefs = [item for item in _items(state / "table.jsonl.gz") if item["sk"] == {"S": "BRIEF"}]
    assert len(briefs) == published
    brief = BriefEntity.from_item({key: _plain(value) for key, value in briefs[0].items()})
    api = brief_to_api(brief)
    assert api["engine"]["kind"] == "extractive"
    assert api["fact_check"]["supported_percent"] >= 80
    assert api["paragraphs"][0]["claims"][0]["citations"]
    assert brief.generated_at.isoformat().startswith("2026-02-18")  # the stack's simulated clock
