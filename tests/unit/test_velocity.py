"""Smoothed velocity: decayed article rate × decayed newsroom diversity (headlinez.domain.velocity)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from headlinez.domain.lifecycle import percent_of_peak
from headlinez.domain.velocity import (
    completed_hour_series,
    first_detected,
    growth_since_first_seen,
    hour_floor,
    rank_score,
    velocity_at,
    window_velocity,
)
from headlinez.models import HourBucket, TrendState

NOW = datetime(2026, 2, 18, 4, 30, tzinfo=UTC)
H = timedelta(hours=1)
EVENING = datetime(2026, 2, 17, 20, 0, tzinfo=UTC)


def trend(buckets: list[tuple[int, int, list[str]]], last_seen: datetime = NOW) -> TrendState:
    hour0 = NOW.replace(minute=0)
    hourly = [HourBucket(hour=hour0 - back * H, articles=n, sources=s) for back, n, s in buckets]
    families = sorted({f for _, _, s in buckets for f in s})
    return TrendState(trend_id="t1", first_seen=hour0 - 5 * H, last_seen=last_seen,
                      hourly=hourly, source_families=families)


def evening_burst() -> TrendState:
    """The docs' worked example: 4 articles an hour at 20:00, 21:00, 22:00 from 8 newsrooms."""
    names = [f"n{i}" for i in range(8)]
    hourly = [HourBucket(hour=EVENING, articles=4, sources=names[:3]),
              HourBucket(hour=EVENING + H, articles=4, sources=names[3:6]),
              HourBucket(hour=EVENING + 2 * H, articles=4, sources=names[6:])]
    last = EVENING + 2 * H + 30 * timedelta(minutes=1)
    return TrendState(trend_id="t1", first_seen=EVENING, last_seen=last,
                      hourly=hourly, source_families=names, article_count=12)


def test_worked_example_of_the_docs() -> None:
    story = evening_burst()
    assert velocity_at(story, EVENING + 3 * H) == pytest.approx(13.3, abs=0.05)
    assert velocity_at(story, EVENING + 4 * H) == pytest.approx(9.4, abs=0.05)
    assert velocity_at(story, EVENING + 5 * H) == pytest.approx(6.6, abs=0.05)
    assert velocity_at(story, EVENING + 9 * H) == pytest.approx(1.7, abs=0.05)


def test_a_night_lull_of_two_hours_halves_a_story_but_does_not_zero_it() -> None:
    story = evening_burst()
    end_of_burst = velocity_at(story, EVENING + 3 * H)
    after_lull = velocity_at(story, EVENING + 5 * H)
    assert 0.4 * end_of_burst <= after_lull <= 0.6 * end_of_burst
    assert window_velocity(story, EVENING + 5 * H) == 0.0  # the fixed window it replaced did zero it


def test_velocity_is_rate_times_diversity() -> None:
    # A steady 4 articles an hour for a day from 8 newsrooms scores about 4 x 8
    names = [f"n{i}" for i in range(8)]
    hour0 = NOW.replace(minute=0)
    hourly = [HourBucket(hour=hour0 - back * H, articles=4, sources=names) for back in range(1, 25)]
    steady = TrendState(trend_id="t", first_seen=hour0 - 24 * H, last_seen=hour0, hourly=hourly,
                        source_families=names)
    assert velocity_at(steady, hour0) == pytest.approx(4 * 8, rel=0.1)
    # The same articles from one outlet score 8 times less
    single = steady.model_copy(update={"hourly": [b.model_copy(update={"sources": ["a"]}) for b in hourly]})
    assert velocity_at(steady, hour0) == pytest.approx(8 * velocity_at(single, hour0), rel=0.1)


def test_the_series_is_the_velocity_at_each_hour_end_and_ignores_the_running_hour() -> None:
    story = evening_burst()
    now = EVENING + 8 * H + 5 * timedelta(minutes=1)
    series = completed_hour_series(story, now)
    assert series[0][0] == EVENING
    assert series[-1][0] == EVENING + 7 * H
    for hour, value in series:
        assert value == pytest.approx(velocity_at(story, hour + H), abs=0.002)
    assert completed_hour_series(story, EVENING + 50 * timedelta(minutes=1)) == []


def test_rank_prefers_fresh_multi_source_trends() -> None:
    fresh = trend([(0, 3, ["a", "b", "c"])])
    stale = trend([(10, 3, ["a", "b", "c"])], last_seen=NOW - 12 * H)
    assert rank_score(fresh, NOW) > rank_score(stale, NOW) > 0


def test_growth_since_first_seen_compares_velocity_with_first_detection() -> None:
    story = evening_burst().model_copy(update={"detected_at": EVENING + H})
    assert first_detected(story) == EVENING + H
    at_detection = velocity_at(story, EVENING + H)
    peak = velocity_at(story, EVENING + 3 * H)
    expected = round(100 * (peak - at_detection) / at_detection)
    assert growth_since_first_seen(story, EVENING + 3 * H) == expected
    assert growth_since_first_seen(story, EVENING + 3 * H) > 0
    # It falls once coverage runs below its pace at detection; a cooled story shows a fall
    assert growth_since_first_seen(story, EVENING + 20 * H) < -80
    # Without a recorded detection, the first article is the reference
    assert first_detected(story.model_copy(update={"detected_at": None})) == EVENING
    assert growth_since_first_seen(story.model_copy(update={"hourly": []}), NOW) is None


def test_no_growth_is_shown_before_the_first_hour_after_detection() -> None:
    # Given a story detected at 10:15 from six articles of three newsrooms that hour
    hour = datetime(2026, 2, 18, 10, 0, tzinfo=UTC)
    minute = timedelta(minutes=1)
    story = TrendState(trend_id="t1", first_seen=hour + 5 * minute, last_seen=hour + 15 * minute,
                       detected_at=hour + 15 * minute, article_count=6, source_families=["a", "b", "c"],
                       hourly=[HourBucket(hour=hour, articles=6, sources=["a", "b", "c"])])
    # Then the page's reading at the top of that hour (10:00, before the detection) shows no
    # growth, not -100%; from 11:00 on it compares with the pace at detection
    assert growth_since_first_seen(story, hour) is None
    assert growth_since_first_seen(story, hour + timedelta(minutes=15)) is None
    assert growth_since_first_seen(story, hour + H) is not None


def test_a_story_never_shows_a_larger_fall_since_detection_than_from_its_peak() -> None:
    # Given a story made public at 18:30 by an article of 18:28, its first newsroom's at 16:04
    # (the reader's case: at that instant the smoothed velocity, 0.675, was above every hourly
    # value the chart and the peak read, 0.568 at most, and the page said "-79% since detected"
    # beside "-75% from its peak")
    day = datetime(2026, 2, 15, tzinfo=UTC)
    story = TrendState(trend_id="t2", first_seen=day + 16 * H + 4 * timedelta(minutes=1),
                       last_seen=day + 18 * H + 28 * timedelta(minutes=1),
                       detected_at=day + 18 * H + 30 * timedelta(minutes=1), article_count=2,
                       source_families=["a", "b"], status="fading", status_since=day + 23 * H,
                       hourly=[HourBucket(hour=day + 16 * H, articles=1, sources=["a"]),
                               HourBucket(hour=day + 18 * H, articles=1, sources=["b"])])
    hourly_values = [value for _, value in completed_hour_series(story, day + 24 * H)]
    assert velocity_at(story, story.detected_at) > max(hourly_values)
    for hours_after in range(1, 12):
        now = day + 18 * H + hours_after * H
        growth = growth_since_first_seen(story, now)
        from_peak = percent_of_peak(story, now)
        assert growth is not None
        assert from_peak is not None
        # Then "since detected" is never below "from its peak" - 100 (V_d is at most the peak)
        assert growth >= from_peak - 100, (now, growth, from_peak)


def test_the_hour_boundary_is_the_utc_hour_whatever_the_offset() -> None:
    # 10:45 at +05:30 is 05:15 UTC: its hour starts at 05:00 UTC, not at 10:00 local (04:30 UTC),
    # which a floor in the local offset gave the prediction's hour
    india = timezone(timedelta(hours=5, minutes=30))
    assert hour_floor(datetime(2026, 2, 17, 10, 45, tzinfo=india)) == datetime(2026, 2, 17, 5, 0, tzinfo=UTC)
