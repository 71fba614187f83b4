"""Due-feed selection, adaptive polling and host sharding of the ingest fan-out (pure domain)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headlinez.domain.feed_schedule import (
    PollPolicy,
    after_error,
    after_success,
    declared_interval,
    observe,
    poll_interval,
    posting_interval,
    select_due,
)
from headlinez.domain.sharding import host_of, shard_by_host
from headlinez.models import FeedConfig, FeedState

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
ADAPTIVE = PollPolicy(adaptive=True)


def feed(feed_id: str, host: str = "example.com") -> FeedConfig:
    return FeedConfig(id=feed_id, url=f"https://{host}/{feed_id}.xml", outlet=feed_id,
                      publisher_family=feed_id)


def state(feed_id: str, **kwargs: object) -> FeedState:
    url = f"https://example.com/{feed_id}.xml"
    return FeedState.model_validate({"feed_id": feed_id, "url": url, **kwargs})


# --- due-feed selection ------------------------------------------------------------------------


def test_select_due_keeps_never_polled_and_past_due_feeds_longest_waiting_first() -> None:
    # Given a never-polled feed, two past due (one waiting longer), one not due and one backing off
    feeds = [feed("fresh"), feed("recent"), feed("old"), feed("later"), feed("failing")]
    states = {
        "recent": state("recent", last_attempt_at=NOW - timedelta(minutes=15), next_attempt_at=NOW),
        "old": state("old", last_attempt_at=NOW - timedelta(hours=3),
                     next_attempt_at=NOW - timedelta(hours=1)),
        "later": state("later", last_attempt_at=NOW - timedelta(minutes=15),
                       next_attempt_at=NOW + timedelta(minutes=45)),
        "failing": after_error(state("failing"), NOW - timedelta(minutes=5), "HTTP 503", ADAPTIVE),
    }
    # When the dispatcher selects at NOW
    due, not_due = select_due(feeds, states, NOW)
    # Then never polled first, then the longest waiting; the others are skipped as not due
    assert [f.id for f in due] == ["fresh", "old", "recent"]
    assert {f.id for f in not_due} == {"later", "failing"}


def test_a_feed_polled_this_cycle_is_not_due_again_in_the_same_cycle() -> None:
    # A retried shard re-checks due-ness with the cycle's clock: finished feeds are skipped.
    polled = after_success(state("a"), NOW, ADAPTIVE)
    due, not_due = select_due([feed("a")], {"a": polled}, NOW)
    assert due == []
    assert [f.id for f in not_due] == ["a"]


# --- adaptive polling --------------------------------------------------------------------------


def test_posting_interval_is_the_median_gap_of_the_newest_entries() -> None:
    times = [NOW - timedelta(minutes=m) for m in (0, 10, 20, 30, 40, 400)]  # one outlier gap
    assert posting_interval(times) == timedelta(minutes=10)
    assert posting_interval(times[:2]) is None  # too few entries to tell


def test_declared_interval_reads_ttl_update_period_and_cache_control() -> None:
    assert declared_interval(b"<rss><channel><ttl>60</ttl>") == timedelta(hours=1)
    body = (b'<rdf:RDF><channel><sy:updatePeriod>hourly</sy:updatePeriod>'
            b'<sy:updateFrequency>2</sy:updateFrequency>')
    assert declared_interval(body) == timedelta(minutes=30)
    assert declared_interval(b"<rss><ttl>5</ttl>", cache_max_age=900) == timedelta(minutes=15)  # the longest
    assert declared_interval(b"<feed/>") is None


@pytest.mark.parametrize(("observed_minutes", "declared_minutes", "expected_minutes"), [
    (None, None, 10),       # nothing known yet: the polite minimum
    (5, None, 10),          # a busy feed: every cycle, never below the minimum
    (60, None, 30),         # half the observed interval
    (60, 45, 45),           # the publisher asks for more
    (24 * 60, None, 120),   # a slow feed: still every max_interval
    (None, 24 * 60, 120),   # a huge declared ttl is capped too
])
def test_poll_interval(observed_minutes: int | None, declared_minutes: int | None,
                       expected_minutes: int) -> None:
    current = state("a", observed_interval_seconds=observed_minutes and observed_minutes * 60.0,
                    declared_interval_seconds=declared_minutes and declared_minutes * 60.0)
    assert poll_interval(current, ADAPTIVE) == timedelta(minutes=expected_minutes)
    assert after_success(current, NOW, ADAPTIVE).next_attempt_at == NOW + timedelta(minutes=expected_minutes)


def test_non_adaptive_policy_keeps_the_fixed_minimum() -> None:
    current = state("a", observed_interval_seconds=86_400.0)
    assert poll_interval(current, PollPolicy()) == PollPolicy().min_interval


def test_observe_smooths_the_update_interval() -> None:
    hourly = [NOW - timedelta(hours=h) for h in range(5)]
    first = observe(state("a"), entry_times=hourly, declared=None, policy=ADAPTIVE)
    assert first.observed_interval_seconds == 3600
    quarter = [NOW - timedelta(minutes=15 * q) for q in range(5)]
    second = observe(first, entry_times=quarter, declared=timedelta(minutes=5), policy=ADAPTIVE)
    assert second.observed_interval_seconds == pytest.approx(0.5 * 900 + 0.5 * 3600)
    assert second.declared_interval_seconds == 300
    # a poll that says nothing new about the interval keeps the estimate
    assert observe(second, entry_times=[], declared=None, policy=ADAPTIVE).observed_interval_seconds == 2250


# --- sharding ----------------------------------------------------------------------------------


def test_one_host_is_in_one_shard_and_shards_are_bounded() -> None:
    # Given 3 feeds on one host, 2 on another, and 5 single-feed hosts
    feeds = [feed(f"bbc-{i}", "feeds.bbci.co.uk") for i in range(3)]
    feeds += [feed(f"dw-{i}", "www.dw.com") for i in range(2)]
    feeds += [feed(f"solo-{i}", f"host{i}.example") for i in range(5)]
    # When sharded at 4 feeds per shard
    shards = shard_by_host(feeds, max_feeds=4)
    # Then every host is in exactly one shard, no shard is above the bound, and all feeds are there
    hosts = [{host_of(f) for f in shard} for shard in shards]
    for index, shard_hosts in enumerate(hosts):
        for other in hosts[index + 1:]:
            assert not shard_hosts & other
    assert all(len(shard) <= 4 for shard in shards)
    assert sorted(f.id for shard in shards for f in shard) == sorted(f.id for f in feeds)
    assert len(shards) == 3  # 3+1, 2+2, 1+1+1: first-fit decreasing


def test_a_host_bigger_than_a_shard_stays_whole() -> None:
    feeds = [feed(f"big-{i}", "big.example") for i in range(7)] + [feed("small", "small.example")]
    shards = shard_by_host(feeds, max_feeds=3)
    assert sorted(len(s) for s in shards) == [1, 7]
    assert host_of(feed("x", "WWW.Example.com")) == "example.com"


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 9)), max_size=120, unique_by=lambda t: t),
       st.integers(1, 12))
def test_sharding_properties(pairs: list[tuple[int, int]], max_feeds: int) -> None:
    feeds = [feed(f"f{i}-{h}", f"h{h}.example") for i, h in pairs]
    shards = shard_by_host(feeds, max_feeds)
    assert sorted(f.id for s in shards for f in s) == sorted(f.id for f in feeds)
    owner: dict[str, int] = {}
    for index, shard in enumerate(shards):
        assert shard
        hosts = {host_of(f) for f in shard}
        assert len(shard) <= max_feeds or len(hosts) == 1  # only a single big host may exceed
        for host in hosts:
            assert owner.setdefault(host, index) == index


def test_the_oldest_success_is_over_the_feeds_given_and_leaves_out_those_never_successful() -> None:
    # Dispatch gives every feed's last success: a feed failing in backoff is in no worker's shard
    # between its due times, so only dispatch sees how long it has been failing
    from headlinez.domain.feed_activity import oldest_success_minutes

    states = {"ok": state("ok", last_success_at=NOW - timedelta(minutes=15)),
              "failing": state("failing", last_success_at=NOW - timedelta(hours=6), consecutive_errors=9),
              "new": state("new")}  # never succeeded: left out
    assert oldest_success_minutes((s.last_success_at for s in states.values()), NOW) == 360.0
    assert oldest_success_minutes([None], NOW) is None
    assert oldest_success_minutes([], NOW) is None
