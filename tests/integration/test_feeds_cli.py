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


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/feed",
                                 "http://localhost/rss", "https://user:pw@news.example/rss",
                                 "http://[::1]/rss", "http://0x7f000001/rss"])
def test_a_feed_the_fetcher_would_refuse_is_never_stored(dynamodb_table: str, url: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    base = ["feeds", "--table", dynamodb_table, "--region", "us-east-1"]
    assert main([*base, "add", "bad-feed", url, "--outlet", "X", "--family", "x"]) == 2
    assert "is refused" in capsys.readouterr().err
    registry = DynamoFeedRegistry(boto3.resource("dynamodb", region_name="us-east-1").Table(dynamodb_table))
    assert registry.list_feeds() == []


def test_seed_refuses_a_file_naming_a_private_address(dynamodb_table: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    listed = tmp_path / "feeds.yaml"
    listed.write_text("feeds:\n"
                      "  - {id: ok, url: 'https://news.example/rss', outlet: A, publisher_family: a}\n"
                      "  - {id: meta, url: 'http://169.254.169.254/', outlet: B, publisher_family: b}\n",
                      encoding="utf-8")
    base = ["feeds", "--table", dynamodb_table, "--region", "us-east-1"]
    assert main([*base, "seed", "--file", str(listed)]) == 2
    assert "feed 'meta'" in capsys.readouterr().err
    registry = DynamoFeedRegistry(boto3.resource("dynamodb", region_name="us-east-1").Table(dynamodb_table))
    assert registry.list_feeds() == [], "nothing stored from a file with a refused feed"


def test_bad_input_and_an_unreachable_table_are_one_line_errors(dynamodb_table: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # an invalid id: one line naming the field, not pydantic's multi-line dump
    assert main(["feeds", "--table", dynamodb_table, "--region", "us-east-1", "add", "Bad Id",
                 "https://news.example/rss", "--outlet", "X", "--family", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: invalid feed: id: ")
    assert len(err.strip().splitlines()) == 1
    # a table that does not exist: a DynamoDB error in one line, exit 1
    assert main(["feeds", "--table", "no-such-table", "--region", "us-east-1", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: DynamoDB table 'no-such-table': ")
    assert "Traceback" not in err


def test_an_operator_s_pause_during_a_deploy_s_seed_is_kept(dynamodb_table: str) -> None:
    # The seed (a deploy changed the feed's entry in feeds.yaml) read the list, the operator
    # paused the feed (`headlinez feeds pause`), then the seed wrote the record with the paused
    # flag it had read: the pause was lost and the feed polled again
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(dynamodb_table)
    now = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
    old = FeedConfig(id="acme", url="https://acme.example/rss.xml", outlet="Acme", publisher_family="acme")
    DynamoFeedRegistry(table).seed([old], now=now)
    operator = DynamoFeedRegistry(table)

    class PausedDuringTheSeed(DynamoFeedRegistry):
        def __init__(self) -> None:
            super().__init__(table)
            listing = self._db.query_all

            def list_then_pause(**kwargs: object) -> list[object]:
                items = list(listing(**kwargs))  # read (a lazy Query), then the pause
                operator.set_paused("acme", True, now=now)
                return items

            self._db.query_all = list_then_pause  # type: ignore[method-assign]

    edited = old.model_copy(update={"outlet": "Acme News"})
    assert PausedDuringTheSeed().seed([edited], now=now) == 1
    stored = operator.get_feeds(["acme"]).get("acme")
    assert stored is not None
    assert stored.paused, "the operator's pause survives the seed"
    assert stored.config.outlet == "Acme News", "and the seed's edit is applied"


def test_removing_a_feed_again_clears_a_state_a_racing_poll_wrote_back(dynamodb_table: str) -> None:
    # A poll running when the feed was removed wrote its state back: no record, no TTL, on the
    # feed-health list for good, and `feeds remove` said "no such feed"
    from headlinez.adapters.dynamodb import DynamoStore
    from headlinez.models import FeedState

    base = ["feeds", "--table", dynamodb_table, "--region", "us-east-1"]
    assert main([*base, "add", "gone", "https://gone.example/rss", "--outlet", "Gone",
                 "--family", "gone"]) == 0
    assert main([*base, "remove", "gone"]) == 0
    store = DynamoStore(boto3.resource("dynamodb", region_name="us-east-1"), dynamodb_table)
    store.put_states([FeedState(feed_id="gone", url="https://gone.example/rss")])  # the racing poll
    assert [state.feed_id for state in store.list_states()] == ["gone"]

    assert main([*base, "remove", "gone"]) == 0
    assert store.list_states() == []
    assert main([*base, "remove", "gone"]) == 1  # nothing left: "no such feed"
