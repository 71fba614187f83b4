"""Lifecycle status with hysteresis, on constructed hourly series (and the series it reads)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from headlinez.domain import lifecycle as lc
from headlinez.domain.lifecycle import Signals, badge, lifecycle, next_status
from headlinez.domain.velocity import (
    completed_hour_series,
    first_detected,
    growth_since_first_seen,
    velocity_at,
)
from headlinez.models import HourBucket, TrendState, TrendStatus

T0 = datetime(2026, 2, 16, 0, 0, tzinfo=UTC)
H = timedelta(hours=1)


def trend_from(counts: list[tuple[int, int]], *, start: datetime = T0) -> TrendState:
    """Hour i gets counts[i] = (articles, newsrooms); newsrooms are distinct per hour and trend."""
    hourly = []
    families: list[str] = []
    for index, (articles, sources) in enumerate(counts):
        if articles:
            names = [f"n{index}-{k}" for k in range(sources)]
            families += names
            hourly.append(HourBucket(hour=start + index * H, articles=articles, sources=names))
    last = max((b.hour for b in hourly), default=start) + timedelta(minutes=30)
    return TrendState(trend_id="t1", first_seen=start + timedelta(minutes=5), last_seen=last,
                      hourly=hourly, source_families=families)


def walk(counts: list[tuple[int, int]], hours: int, *, runs_per_hour: int = 1) -> list[TrendStatus]:
    """Run the lifecycle like the scheduler: the series grows hour by hour, status carried over.

    The trend at the run of hour h holds the buckets of hours 0..h (the current hour included,
    which the lifecycle must ignore)."""
    statuses: list[TrendStatus] = []
    status: TrendStatus | None = None
    since: datetime | None = None
    for hour in range(hours):
        for run in range(runs_per_hour):
            now = T0 + hour * H + timedelta(minutes=5 + run * 15)
            update = {"status": status, "status_since": since}
            state = trend_from(counts[: hour + 1]).model_copy(update=update)
            status, since = lifecycle(state, now)
        assert status is not None
        statuses.append(status)
    return statuses


def collapse(statuses: list[TrendStatus]) -> list[TrendStatus]:
    out: list[TrendStatus] = []
    for status in statuses:
        if not out or out[-1] != status:
            out.append(status)
    return out


# --- the series -------------------------------------------------------------------------------


def test_completed_hour_series_ignores_the_running_hour() -> None:
    # Given 3 articles from 3 newsrooms at 00:xx and 6 from 2 at 01:xx
    trend = trend_from([(3, 3), (6, 2)])
    # When it is 01:05: only hour 00 is complete
    series = completed_hour_series(trend, T0 + H + timedelta(minutes=5))
    assert series == [(T0, 3 / 3 * 3)]
    # At 02:00 hour 01 is complete too: (3 + 6) / 3 h x 5 newsrooms
    assert completed_hour_series(trend, T0 + 2 * H)[-1] == (T0 + H, 15.0)
    # Before the first hour ends there is no series
    assert completed_hour_series(trend, T0 + timedelta(minutes=50)) == []


def test_completed_hour_series_matches_velocity_at() -> None:
    trend = trend_from([(1, 1), (0, 0), (4, 3), (2, 2), (0, 0), (0, 0), (5, 1)])
    now = T0 + 7 * H + timedelta(minutes=1)
    for hour, value in completed_hour_series(trend, now):
        assert value == velocity_at(trend, hour)
    # A longer window gives the daily figure used by the prediction
    daily = completed_hour_series(trend, now, window_hours=24)[-1][1]
    # 12 articles from 7 newsrooms in the day
    assert daily == velocity_at(trend, now - H, window_hours=24) == 12 / 24 * 7


def test_growth_since_first_seen_and_first_detected() -> None:
    # First hour: 1 article from 1 newsroom (V = 1/3); later 12 articles from 6 newsrooms in 3 h
    trend = trend_from([(1, 1), (4, 2), (4, 2), (4, 2)])
    now = T0 + 3 * H + timedelta(minutes=20)
    assert first_detected(trend) == T0 + timedelta(minutes=5)
    assert velocity_at(trend, now) == 24.0  # 12 / 3 x 6
    # Coverage grew from 1 article in the first hour to 13: +1200%, and it never falls
    assert growth_since_first_seen(trend, now) == round(100 * (trend.article_count - 1) / 1)
    assert growth_since_first_seen(trend, T0 + 7 * H) == growth_since_first_seen(trend, now)
    # No series, no growth
    assert growth_since_first_seen(trend.model_copy(update={"hourly": []}), now) is None


# --- next_status thresholds -------------------------------------------------------------------


def signals(v: float, v1: float, peak: float, age: float = 10.0) -> Signals:
    return Signals(velocity=v, previous_velocity=v1, peak=peak, age_hours=age, hours=5)


def test_new_trend_without_a_completed_hour_is_emerging() -> None:
    assert next_status(None, Signals(0.0, 0.0, 0.0, 0.2, 0)) == "emerging"
    assert next_status("rising", Signals(0.0, 0.0, 0.0, 0.2, 0)) == "rising"  # nothing new: unchanged


def test_rising_needs_establishment_and_growth() -> None:
    assert next_status("emerging", signals(2.0, 1.0, 2.0, age=2)) == "rising"
    assert next_status("emerging", signals(1.9, 1.0, 1.9, age=2)) == "emerging"  # below established
    assert next_status("peaking", signals(5.0, 4.0, 5.0)) == "rising"  # +25 %
    assert next_status("peaking", signals(4.9, 4.0, 5.0)) == "peaking"  # +22 % is not enough to enter
    assert next_status("rising", signals(4.2, 4.0, 4.2)) == "rising"  # +5 % keeps it
    assert next_status("rising", signals(4.1, 4.0, 4.1)) == "peaking"  # +2.5 % does not


def test_fading_band_has_hysteresis() -> None:
    assert next_status("peaking", signals(6.1, 6.1, 10.0)) == "peaking"  # 61 % of the peak
    assert next_status("peaking", signals(5.9, 5.9, 10.0)) == "fading"  # 59 %
    assert next_status("fading", signals(8.4, 8.4, 10.0)) == "fading"  # back to 84 %: still fading
    assert next_status("fading", signals(8.5, 8.5, 10.0)) == "peaking"  # 85 %
    # A fading trend with a burst below 60 % of its peak is not "rising"
    assert next_status("fading", signals(5.0, 3.0, 10.0)) == "fading"
    assert next_status("fading", signals(6.5, 4.0, 10.0)) == "rising"


def test_cooled_band_has_hysteresis() -> None:
    assert next_status("fading", signals(0.9, 1.0, 10.0)) == "cooled"  # < 10 % and < 1.0
    assert next_status("fading", signals(1.5, 1.5, 30.0)) == "fading"  # < 10 % but still real coverage
    assert next_status("cooled", signals(0.33, 0.0, 10.0)) == "cooled"  # one stray article
    assert next_status("cooled", signals(3.9, 0.0, 10.0)) == "cooled"  # < 40 % of the peak
    assert next_status("cooled", signals(4.0, 0.0, 10.0)) == "rising"  # revived and growing
    assert next_status("cooled", signals(4.0, 4.0, 10.0)) == "fading"  # revived, flat, below 85 %


def test_small_young_trend_stays_emerging_until_its_age_limit() -> None:
    assert next_status("emerging", signals(1.0, 1.0, 1.0, age=3)) == "emerging"
    assert next_status("emerging", signals(1.0, 1.0, 1.0, age=lc.EMERGING_MAX_HOURS)) == "peaking"


# --- whole series -----------------------------------------------------------------------------


def test_a_story_rises_peaks_fades_and_cools_in_order() -> None:
    # Articles (newsrooms) per hour: a burst over 6 hours, then a tail, then silence
    counts = [(1, 1), (2, 2), (4, 3), (8, 6), (10, 8), (9, 7), (8, 6), (5, 4), (3, 2), (2, 2),
              (1, 1), (1, 1), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)]
    statuses = walk(counts, len(counts))
    assert collapse(statuses) == ["emerging", "rising", "peaking", "fading", "cooled"]
    # Rising while the velocity climbs, Cooled only once nothing has been published for 3 hours
    assert statuses.index("rising") <= 4
    assert statuses.index("cooled") >= 13


def test_a_single_article_is_emerging_then_cooled_never_rising() -> None:
    statuses = walk([(1, 1)] + [(0, 0)] * 8, 9)
    assert collapse(statuses) == ["emerging", "cooled"]


def test_a_series_hovering_around_the_fade_threshold_does_not_flicker() -> None:
    # Peak at 24, then alternating 14 and 13 (58-54 % / 62-58 %): one change, to fading, then it stays
    counts = [(2, 2), (4, 4), (6, 6), (4, 4), (2, 3), (4, 3), (2, 3), (4, 3), (2, 3), (4, 3), (2, 3), (4, 3)]
    statuses = walk(counts, len(counts))
    changes = sum(1 for a, b in itertools.pairwise(statuses) if a != b)
    assert changes <= 3, statuses
    assert statuses[-1] == "fading"


def test_a_status_is_kept_for_the_minimum_dwell() -> None:
    # Given a trend that just turned rising at 10:05
    trend = trend_from([(2, 2), (4, 3), (1, 1), (1, 1)]).model_copy(
        update={"status": "rising", "status_since": T0 + 3 * H + timedelta(minutes=5)})
    # When its velocity collapses an hour later, the badge holds until two hours have passed
    entered = T0 + 3 * H + timedelta(minutes=5)
    assert lifecycle(trend, T0 + 4 * H + timedelta(minutes=5)) == ("rising", entered)
    status, since = lifecycle(trend, T0 + 5 * H + timedelta(minutes=10))
    assert status != "rising"
    assert since == T0 + 5 * H + timedelta(minutes=10)


def test_runs_within_one_hour_agree_and_keep_status_since() -> None:
    counts = [(1, 1), (3, 2), (6, 4), (6, 4), (2, 2), (1, 1), (0, 0), (0, 0), (0, 0), (0, 0)]
    assert walk(counts, len(counts), runs_per_hour=4) == walk(counts, len(counts), runs_per_hour=1)
    # An unchanged status keeps the time it was entered
    trend = trend_from(counts[:4]).model_copy(update={"status": "peaking", "status_since": T0})
    status, since = lifecycle(trend, T0 + 4 * H + timedelta(minutes=5))
    if status == "peaking":
        assert since == T0


def test_a_story_that_returns_after_cooling_rises_again() -> None:
    counts = [(4, 4), (6, 5), (2, 2)] + [(0, 0)] * 5 + [(3, 3), (6, 5), (8, 6)]
    statuses = walk(counts, len(counts))
    assert "cooled" in statuses[:9]
    assert statuses[-1] == "rising"


@pytest.mark.parametrize(("status", "text"), [("rising", "▲ Rising"), ("fading", "▼ Fading"),
                                              ("cooled", "■ Cooled")])
def test_badge(status: TrendStatus, text: str) -> None:
    assert badge(status) == text
