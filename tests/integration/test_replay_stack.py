"""`headlinez up --replay-from ... --replay-to ...` end to end on a few captured news feeds."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from tests.conftest import SNAPSHOT_FEEDS, requires_data
from tests.e2e.stack import local_stack

from headlinez.domain.prediction import SENTENCES

pytestmark = requires_data

# BBC World, NYT World, CBS World, Dawn: all cover the US-Iran talks of 2026-02-17
FEEDS = ("1796df62c4a287cc", "78f77fae2e1ffc14", "0c1cef22da7ddc10", "ce5f942d1cd40fc0")
REPLAY_FROM = "2026-02-17T18:00:00Z"
REPLAY_TO = "2026-02-17T21:00:00Z"


def test_replay_steps_the_clock_and_serves_the_result(tmp_path: Path) -> None:
    # Given four captured feeds in a folder (copied to a temporary folder, not into the repo)
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for name in FEEDS:
        shutil.copy(SNAPSHOT_FEEDS / name, feeds / name)
    args = ("--feeds-dir", str(feeds), "--replay-from", REPLAY_FROM, "--replay-to", REPLAY_TO,
            "--replay-step-minutes", "60", "--cycles", "0", "--state-dir", str(tmp_path / "state"))

    # When the stack replays 18:00 -> 21:00 in hourly steps
    with local_stack(*args) as stack:
        stack.wait_for(r"replay: done", timeout=180)
        output = stack.output()
        # Then it printed one progress line per step and the leading trends
        assert "replay: 4 steps from 2026-02-17 18:00Z to 2026-02-17 21:00Z" in output, output
        for step in range(1, 5):
            assert f"step {step}/4:" in output, output
        assert "predicts:" in output
        # And the API serves trends whose coverage stops at the simulated end
        page = stack.get_json("/trends?limit=5")
        assert page["items"], output
        top = stack.get_json(f"/trends/{page['items'][0]['id']}")
        end = datetime.fromisoformat(REPLAY_TO.replace("Z", "+00:00"))
        published = [datetime.fromisoformat(item["published"].replace("Z", "+00:00"))
                     for item in top.get("coverage") or top.get("articles") or []]
        assert published
        assert max(published) <= end
        # With the trend intelligence filled in by the cluster handler
        text = json.dumps(top)
        assert any(sentence in text for sentence in SENTENCES.values()), text[:2000]
    # The replay kept its own state file
    assert (tmp_path / "state" / "replay-table.jsonl.gz").is_file()
