"""`headlinez feeds ...` against a moto table: the feed list is data, changed without a redeploy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from headlinez.adapters.feed_registry import DynamoFeedRegistry
from headlinez.cli import main
from headlinez.models import FeedConfig


def test_add_pause_resume_remove_list(dynamodb_table: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["feeds", "--table", dynamodb_table, "--region", "us-east-1"]
    # Given an added feed
    assert main([*base, "add", "npr-news", "https://feeds.npr.org/1001/rss.xml", "--outlet", "NPR",
                 "--family", "npr"]) == 0
    registry = DynamoFeedRegistry(boto3.resource("dynamodb", region_name="us-east-1").Table(dynamodb_table))
    assert [r.config.id for r in registry.list_feeds()] == ["npr-news"]
    # When it is paused, then resumed
    assert main([*base, "pause", "npr-news"]) == 0
    assert registry.list_feeds()[0].paused
    assert main([*base, "resume", "npr-news"]) == 0
    assert not registry.list_feeds()[0].paused
    assert main([*base, "list"]) == 0
    assert "npr-news" in capsys.readouterr().out
    # Then removed: gone, and a second remove says so
    assert main([*base, "remove", "npr-news"]) == 0
    assert registry.list_feeds() == []
    assert main([*base, "remove", "npr-news"]) == 1
    assert main([*base, "add", "Bad Id", "https://x.example/rss", "--outlet", "X", "--family", "x"]) == 2


def test_seed_once_per_content_keeps_operator_changes(dynamodb_table: str, tmp_path: Path) -> None:
    registry = DynamoFeedRegistry(boto3.resource("dynamodb", region_name="us-east-1").Table(dynamodb_table))
    now = datetime(2026, 2, 18, 4, tzinfo=UTC)
    feeds = [FeedConfig(id=f"f{i}", url=f"https://f{i}.example/rss", outlet=f"F{i}", publisher_family=f"f{i}")
             for i in range(3)]
    assert registry.seed(feeds, now=now) == 3
    assert registry.seed(feeds, now=now) == 0  # same content: nothing to do
    registry.set_paused("f0", True, now=now)
    registry.put_feed(feeds[1].model_copy(update={"outlet": "Operator's name"}), now=now)
    changed = [*feeds[:2], feeds[2].model_copy(update={"outlet": "F2 renamed"})]
    assert registry.seed(changed, now=now) == 1  # f2 (seeded) follows the file; f1 (CLI) stays
    stored = {r.config.id: r for r in registry.list_feeds()}
    assert stored["f0"].paused
    assert stored["f1"].config.outlet == "Operator's name"
    assert stored["f2"].config.outlet == "F2 renamed"
