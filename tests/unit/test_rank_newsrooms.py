"""Ranking counts newsrooms, not output: one newsroom cannot buy the top of the list (issue 8, §4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from headlinez.domain.velocity import (
    FAMILY_WINDOW_ARTICLE_CAP,
    WINDOW_HOURS,
    newsroom_capped_velocity,
    rank_score,
    velocity_at,
    window_velocity,
)
from headlinez.models import HourBucket, TrendState

NOW = datetime(2026, 2, 18, 4, 30, tzinfo=UTC)
H = timedelta(hours=1)
HOUR0 = NOW.replace(minute=0)


def _trend(trend_id: str, buckets: list[tuple[int, int, list[str]]], families: list[str],
           last_seen: datetime = NOW) -> TrendState:
    hourly = [HourBucket(hour=HOUR0 - back * H, articles=n, sources=s) for back, n, s in buckets]
    return TrendState(trend_id=trend_id, first_seen=HOUR0 - 12 * H, last_seen=last_seen, hourly=hourly,
                      source_families=families, article_count=sum(n for _, n, _ in buckets))


def _flood() -> TrendState:
    """One publisher posting 100 items in the last 3 hours (34 + 33 + 33)."""
    buckets = [(0, 34, ["prolific"]), (1, 33, ["prolific"]), (2, 33, ["prolific"])]
    return _trend("flood", buckets, ["prolific"])


def _sixteen_newsrooms() -> TrendState:
    """A story 16 newsrooms covered over the last 12 hours; 3 articles from 2 of them lately."""
    families = [f"newsroom-{i}" for i in range(16)]
    buckets = [(3 + i // 2, 1, [family]) for i, family in enumerate(families[2:])]
    buckets += [(0, 2, families[:2]), (1, 1, families[:1])]
    return _trend("story16", buckets, families, last_seen=NOW - 20 * timedelta(minutes=1))


def test_a_single_publisher_flood_does_not_outrank_a_16_newsroom_story() -> None:
    # Given one publisher's 100 items in 3 hours and a story 16 newsrooms covered
    flood, story = _flood(), _sixteen_newsrooms()
    # (its displayed velocity stays what it measures: 100 / 3 x 1 newsroom)
    assert velocity_at(flood, NOW) > velocity_at(story, NOW)
    # Then the story ranks above the flood
    assert rank_score(story, NOW) > rank_score(flood, NOW)


def test_a_three_newsroom_story_ranks_above_any_single_source_item() -> None:
    # Given a quiet-ish 3-newsroom story: one article each, its newest nearly 3 hours old
    three = _trend("three", [(2, 3, ["a", "b", "c"])], ["a", "b", "c"], last_seen=HOUR0 - 2 * H)
    # Then it ranks above single-source items of any volume and freshness
    for articles in (1, 3, 10, 100, 1000):
        single = _trend("single", [(0, articles, ["solo"])], ["solo"])
        assert rank_score(three, NOW) > rank_score(single, NOW), articles


def test_the_cap_counts_each_newsroom_for_at_most_a_fixed_number_of_articles() -> None:
    # Given a window of 100 articles from 1 newsroom: it counts as the cap (one article an hour)
    assert newsroom_capped_velocity(_flood(), NOW) == FAMILY_WINDOW_ARTICLE_CAP / WINDOW_HOURS * 1
    # Given ordinary coverage (10 articles from 5 newsrooms): the cap changes nothing
    ordinary = _trend("ordinary", [(0, 6, ["a", "b", "c"]), (1, 4, ["d", "e"])], list("abcde"))
    assert newsroom_capped_velocity(ordinary, NOW) == window_velocity(ordinary, NOW)
    # Given 2 newsrooms, one flooding: the window counts at most cap x 2 articles
    pair = _trend("pair", [(0, 50, ["a", "b"])], ["a", "b"])
    assert newsroom_capped_velocity(pair, NOW) == 2 * FAMILY_WINDOW_ARTICLE_CAP / WINDOW_HOURS * 2
