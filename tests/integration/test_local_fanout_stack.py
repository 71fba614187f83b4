"""`headlinez up --ingest fanout`: the local stack polls through the deployed fan-out in-process
(dispatch -> moto SQS shards -> feed-worker invocations), then clusters as usual."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SNAPSHOT_FEEDS, requires_data
from tests.e2e.stack import local_stack

pytestmark = requires_data

# BBC World, NYT World, CBS World, Dawn: all cover the US-Iran talks of 2026-02-17
FEEDS = ("1796df62c4a287cc", "78f77fae2e1ffc14", "0c1cef22da7ddc10", "ce5f942d1cd40fc0")
NOW = "2026-02-18T04:00:00Z"


def test_up_with_fanout_ingests_through_sqs_shards_and_serves_trends(tmp_path: Path) -> None:
    # Given four captured feeds in a folder (copied to a temporary folder, not into the repo)
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for name in FEEDS:
        shutil.copy(SNAPSHOT_FEEDS / name, feeds / name)
    args = ("--feeds-dir", str(feeds), "--now", NOW, "--cycles", "1", "--ingest", "fanout",
            "--no-persist", "--state-dir", str(tmp_path / "state"))

    # When one scheduled cycle runs through the fan-out
    with local_stack(*args) as stack:
        stack.wait_for(r"cycle 1 complete", timeout=240)
        output = stack.output()
        # Then the stack says it fans out, and the cycle's articles were stored and clustered
        assert "ingest: fan-out (dispatch -> moto SQS" in output, output
        done = next(line for line in output.splitlines() if "ingest done:" in line)
        new_articles = int(done.split(" new articles")[0].rsplit(" ", 1)[-1])
        assert new_articles > 0, done
        page = stack.get_json("/trends?limit=5")
        assert page["items"], output
        assert all(item["sources"] >= 2 for item in page["items"])
