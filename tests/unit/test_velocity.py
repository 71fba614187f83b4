from datetime import UTC, datetime, timedelta

from headlinez.domain.velocity import hourly_velocity, rank_score, velocity_at
from headlinez.models import HourBucket, TrendState

NOW = datetime(2026, 2, 18, 4, 30, tzinfo=UTC)
H = timedelta(hours=1)


def trend(buckets: list[tuple[int, int, list[str]]], last_seen: datetime = NOW) -> TrendState:
    hour0 = NOW.replace(minute=0)
    hourly = [HourBucket(hour=hour0 - back * H, articles=n, sources=s) for back, n, s in buckets]
    families = sorted({f for _, _, s in buckets for f in s})
    return TrendState(trend_id="t1", first_seen=hour0 - 5 * H, last_seen=last_seen,
                      hourly=hourly, source_families=families)


def test_velocity_is_rate_times_diversity() -> None:
    # 12 articles over the 3-hour window from 8 newsrooms: 4 per hour x 8 = 32
    many = trend([(0, 6, ["a", "b", "c", "d"]), (1, 4, ["e", "f"]), (2, 2, ["g", "h"])])
    assert velocity_at(many, NOW) == 32.0
    # the same 12 articles from one newsroom: 4 x 1
    single = trend([(0, 6, ["a"]), (1, 4, ["a"]), (2, 2, ["a"])])
    assert velocity_at(single, NOW) == 4.0


def test_buckets_outside_the_window_do_not_count() -> None:
    old = trend([(3, 10, ["a", "b"]), (4, 10, ["c"])])
    assert velocity_at(old, NOW) == 0.0
    series = hourly_velocity(old, NOW)
    assert len(series) == 6
    assert series[1][1] > 0  # velocity was positive when the articles came


def test_rank_prefers_fresh_multi_source_trends() -> None:
    fresh = trend([(0, 3, ["a", "b", "c"])])
    stale = trend([(10, 3, ["a", "b", "c"])], last_seen=NOW - 12 * H)
    assert rank_score(fresh, NOW) > rank_score(stale, NOW) > 0


def test_growth_since_first_seen_counts_coverage_growth() -> None:
    from headlinez.domain.velocity import growth_since_first_seen

    # 2 articles in the first hour, 16 now: +700%
    grown = trend([(5, 2, ["a"]), (0, 14, ["b", "c"])]).model_copy(update={"article_count": 16})
    assert growth_since_first_seen(grown, NOW) == 700
    assert growth_since_first_seen(grown.model_copy(update={"hourly": []}), NOW) is None
