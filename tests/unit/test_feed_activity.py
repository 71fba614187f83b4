"""Feed health's per-feed counters: articles stored per UTC hour, the last 24 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from headlinez.domain.feed_activity import COUNTER_HOURS, articles_in_window, count_ingested, hour_bucket

NOW = datetime(2026, 2, 18, 4, 30, tzinfo=UTC)


def test_counts_add_up_per_hour_and_old_hours_are_dropped() -> None:
    counts = count_ingested({}, NOW, 3)
    counts = count_ingested(counts, NOW + timedelta(minutes=15), 2)
    assert counts == {"2026-02-18T04": 5}
    later = count_ingested(counts, NOW + timedelta(hours=COUNTER_HOURS - 1), 1)
    assert later == {"2026-02-18T04": 5, "2026-02-19T03": 1}
    assert count_ingested(later, NOW + timedelta(hours=COUNTER_HOURS), 0) == {"2026-02-19T03": 1}


def test_the_window_is_the_current_hour_and_the_23_before() -> None:
    counts = {"2026-02-17T04": 7, "2026-02-17T05": 1, "2026-02-18T04": 2, "2026-02-18T05": 100}
    assert articles_in_window(counts, NOW) == 3  # 05:00 yesterday .. 04:59 today; not the future hour
    assert articles_in_window(counts, NOW + timedelta(days=2)) == 0  # a feed not polled since


def test_hour_bucket_is_utc() -> None:
    tokyo = NOW.astimezone(timezone(timedelta(hours=9)))
    assert hour_bucket(tokyo) == "2026-02-18T04"


_run = st.tuples(st.integers(min_value=0, max_value=24 * 60 * 3), st.integers(min_value=0, max_value=50))


@given(st.lists(_run, max_size=60))
def test_counters_equal_a_recount_of_the_window(runs: list[tuple[int, int]]) -> None:
    # Runs at increasing times, each storing n articles: the counters give what a recount of the
    # articles stored in the window's hours gives, and never hold more than 24 hours
    times = sorted((NOW + timedelta(minutes=m), n) for m, n in runs)
    counts: dict[str, int] = {}
    for at, n in times:
        counts = count_ingested(counts, at, n)
        assert len(counts) <= COUNTER_HOURS
    if times:
        end = times[-1][0]
        start_hour = end.replace(minute=0, second=0, microsecond=0) - timedelta(hours=COUNTER_HOURS - 1)
        assert articles_in_window(counts, end) == sum(n for at, n in times if at >= start_hour)
