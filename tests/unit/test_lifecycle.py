"""Lifecycle status with hysteresis, on constructed hourly series (and the series it reads)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from headlinez.domain import lifecycle as lc
from headlinez.domain.lifecycle import Signals, badge, lifecycle, next_status
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


# --- next_status thresholds -------------------------------------------------------------------


def signals(v: float, v2: float, peak: float, age: float = 10.0, *, quiet: float = 0.0,
            newsrooms: int = 3) -> Signals:
    return Signals(velocity=v, earlier_velocity=v2, peak=peak, age_hours=age, hours=5,
                   quiet_hours=quiet, newsrooms=newsrooms)


def test_new_trend_without_a_completed_hour_is_emerging() -> None:
    assert next_status(None, Signals(0.0, 0.0, 0.0, 0.2, 0)) == "emerging"
    assert next_status("rising", Signals(0.0, 0.0, 0.0, 0.2, 0)) == "rising"  # nothing new: unchanged


def test_rising_needs_establishment_a_peak_and_growth() -> None:
    assert next_status("emerging", signals(2.0, 1.0, 2.0, age=2)) == "rising"
    assert next_status("emerging", signals(1.9, 1.0, 1.9, age=2)) == "emerging"  # below established
    assert next_status("peaking", signals(6.5, 5.0, 6.5)) == "rising"  # +30 % in two hours, at its peak
    assert next_status("peaking", signals(6.4, 5.0, 6.4)) == "peaking"  # +28 % is not enough to enter
    assert next_status("peaking", signals(6.5, 5.0, 10.0)) == "peaking"  # growing, but far below its peak
    assert next_status("rising", signals(5.0, 5.0, 5.0)) == "rising"  # flat at the peak keeps it
    assert next_status("rising", signals(4.9, 5.0, 5.0)) == "peaking"  # the first dip ends it


def test_fading_band_has_hysteresis() -> None:
    assert next_status("peaking", signals(5.6, 5.6, 10.0)) == "peaking"  # 56 % of the peak
    assert next_status("peaking", signals(5.4, 5.4, 10.0)) == "fading"  # 54 %
    assert next_status("fading", signals(7.9, 7.9, 10.0)) == "fading"  # back to 79 %: still fading
    assert next_status("fading", signals(8.0, 8.0, 10.0)) == "peaking"  # 80 %
    assert next_status("fading", signals(9.6, 5.0, 10.0)) == "rising"  # a second surge to its peak


def test_cooled_needs_a_quiet_period_long_enough_for_the_story() -> None:
    assert lc.quiet_needed_hours(1) == 3.0
    assert lc.quiet_needed_hours(3) == 6.0
    assert lc.quiet_needed_hours(7) == 12.0
    assert lc.quiet_needed_hours(40) == lc.COOL_MAX_HOURS
    # A 7-newsroom story quiet for 2 hours (a night lull) is fading, not cooled, even far below its peak
    assert next_status("fading", signals(1.0, 3.0, 20.0, quiet=2.0, newsrooms=7)) == "fading"
    assert next_status("fading", signals(1.0, 3.0, 20.0, quiet=11.9, newsrooms=7)) == "fading"
    assert next_status("fading", signals(1.0, 3.0, 20.0, quiet=12.0, newsrooms=7)) == "cooled"
    # ... and only once its velocity is below a quarter of its peak
    assert next_status("fading", signals(5.5, 6.0, 20.0, quiet=12.0, newsrooms=7)) == "fading"


def test_cooled_band_has_hysteresis() -> None:
    assert next_status("cooled", signals(0.33, 0.0, 10.0)) == "cooled"  # one stray article
    assert next_status("cooled", signals(3.9, 0.0, 10.0)) == "cooled"  # < 40 % of the peak
    assert next_status("cooled", signals(1.9, 0.0, 4.0)) == "cooled"  # < ESTABLISHED_VELOCITY
    assert next_status("cooled", signals(4.0, 0.0, 10.0)) == "fading"  # revived, below 80 %: fading
    assert next_status("cooled", signals(10.0, 2.0, 10.0)) == "rising"  # revived at its peak, growing


def test_small_young_trend_stays_emerging_until_its_age_limit() -> None:
    assert next_status("emerging", signals(1.0, 1.0, 1.0, age=3)) == "emerging"
    assert next_status("emerging", signals(1.0, 1.0, 1.0, age=lc.EMERGING_MAX_HOURS)) == "peaking"


def test_a_young_story_is_new_before_it_is_cooled() -> None:
    # Given a lone article quiet for 4 hours (past one newsroom's 3-hour quiet period), far below its peak
    young = signals(0.1, 0.3, 1.0, age=4, quiet=4.0, newsrooms=1)
    # Then a story under EMERGING_MAX_HOURS old is still Emerging, not Cooled
    assert next_status("emerging", young) == "emerging"
    # ... and it cools once it is older than that, still quiet
    older = signals(0.1, 0.3, 1.0, age=lc.EMERGING_MAX_HOURS + 1, quiet=7.0, newsrooms=1)
    assert next_status("emerging", older) == "cooled"
    # An established story (peak at or above ESTABLISHED_VELOCITY) cools on the quiet-period rule alone
    assert next_status("fading", signals(0.4, 1.0, 4.0, age=4, quiet=4.0, newsrooms=1)) == "cooled"


# --- whole series -----------------------------------------------------------------------------


def test_a_story_rises_peaks_fades_and_cools_in_order() -> None:
    # Articles (newsrooms) per hour: a burst over 6 hours, then a tail, then silence
    counts = [(1, 1), (2, 2), (4, 3), (8, 6), (10, 8), (9, 7), (8, 6), (5, 4), (3, 2), (2, 2),
              (1, 1), (1, 1)] + [(0, 0)] * 30
    statuses = walk(counts, len(counts))
    assert collapse(statuses) == ["emerging", "rising", "peaking", "fading", "cooled"]
    # Rising while the velocity climbs; Cooled only after the quiet period of a 42-newsroom story
    assert statuses.index("rising") <= 4
    assert statuses.index("cooled") >= 12 + lc.COOL_MAX_HOURS - 1


def test_a_single_article_is_emerging_then_cooled_never_rising() -> None:
    statuses = walk([(1, 1)] + [(0, 0)] * 8, 9)
    assert collapse(statuses) == ["emerging", "cooled"]
    assert statuses.index("cooled") >= lc.quiet_needed_hours(1)


def test_a_night_lull_does_not_cool_or_flicker_a_major_story() -> None:
    # Twelve hours of steady coverage by many newsrooms, two silent hours, then coverage resumes
    counts = [(2, 2), (4, 3), (6, 4), (6, 4), (6, 4), (6, 4), (6, 4), (6, 4), (0, 0), (0, 0),
              (5, 4), (6, 4), (6, 4)]
    statuses = walk(counts, len(counts))
    assert "cooled" not in statuses
    changes = sum(1 for a, b in itertools.pairwise(statuses) if a != b)
    assert changes <= 3, statuses


def test_a_series_hovering_around_the_fade_threshold_does_not_flicker() -> None:
    # One newsroom set; peak, then coverage alternating between 2 and 4 articles an hour
    counts = [(2, 2), (4, 4), (6, 6), (4, 4), (2, 3), (4, 3), (2, 3), (4, 3), (2, 3), (4, 3), (2, 3), (4, 3)]
    hourly = [(n, 6) for n, _ in counts]
    for series in (counts, hourly):
        statuses = walk(series, len(series))
        changes = sum(1 for a, b in itertools.pairwise(statuses) if a != b)
        assert changes <= 3, statuses


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
    # An unchanged status keeps the time it was entered (the run computes "rising" again)
    trend = trend_from(counts[:4]).model_copy(update={"status": "rising", "status_since": T0})
    assert lifecycle(trend, T0 + 4 * H + timedelta(minutes=5)) == ("rising", T0)


def test_a_story_that_returns_after_cooling_rises_again() -> None:
    counts = [(4, 4), (6, 5), (2, 2)] + [(0, 0)] * 24 + [(3, 3), (6, 5), (8, 6), (10, 8), (12, 9)]
    statuses = walk(counts, len(counts))
    assert "cooled" in statuses[:27]
    assert statuses[-1] == "rising"


@pytest.mark.parametrize(("status", "text"), [("rising", "↗ Rising"), ("peaking", "▲ Peaking"),
                                              ("fading", "↘ Fading"), ("cooled", "■ Cooled")])
def test_badge(status: TrendStatus, text: str) -> None:
    assert badge(status) == text


def test_detection_restarts_only_a_cooled_candidate() -> None:
    candidate = trend_from([(3, 1)]).model_copy(update={"status": "cooled", "status_since": T0 + 4 * H})
    assert lc.restart_at_detection(candidate, T0 + 30 * H) == {
        "status": None, "status_since": None, "lifecycle_from": T0 + 30 * H}
    emerging = candidate.model_copy(update={"status": "emerging"})
    assert lc.restart_at_detection(emerging, T0 + 30 * H) == {}


def test_the_lifecycle_counts_peak_and_age_from_its_restart() -> None:
    # An old burst (hour 0) and, after a day of silence, new coverage from hour 30 on
    counts = [(6, 1)] + [(0, 0)] * 29 + [(1, 1), (1, 1)]
    trend = trend_from(counts).model_copy(update={"lifecycle_from": T0 + 30 * H + timedelta(minutes=10)})
    now = T0 + 32 * H + timedelta(minutes=5)
    whole = lc.signals_for(trend.model_copy(update={"lifecycle_from": None}), now)
    restarted = lc.signals_for(trend, now)
    assert whole.peak > restarted.peak > 0.0
    assert restarted.hours == 2
    assert restarted.age_hours == pytest.approx(1.92, abs=0.01)
    assert next_status(None, restarted) == "emerging"


def test_the_pages_words_for_each_status_follow_the_rules() -> None:
    # "fading: below 55% of its peak pace (Peaking again from 80%)": a past-its-rise trend just
    # under the share fades, just over it peaks; a fading one needs the return share
    peak = 10.0
    below = Signals(velocity=peak * lc.FADE_SHARE - 0.01, earlier_velocity=peak, peak=peak,
                    age_hours=20, hours=20)
    above = Signals(velocity=peak * lc.FADE_SHARE + 0.01, earlier_velocity=peak, peak=peak,
                    age_hours=20, hours=20)
    assert f"below {lc.FADE_SHARE * 100:g}%" in lc.STATUS_MEANINGS["fading"]
    assert next_status("peaking", below) == "fading"
    assert next_status("peaking", above) == "peaking"
    assert next_status("fading", above) == "fading"
    assert f"from {lc.PEAK_RETURN_SHARE * 100:g}%" in lc.STATUS_MEANINGS["fading"]
    # "cooled: ... no article for 3 hours (one newsroom) to 24 hours (15 newsrooms or more)"
    assert lc.quiet_needed_hours(1) == lc.COOL_BASE_HOURS
    assert lc.quiet_needed_hours(15) == lc.COOL_MAX_HOURS > lc.quiet_needed_hours(14)
    assert "(15 newsrooms or more)" in lc.STATUS_MEANINGS["cooled"]
    assert "a story still Emerging is not cooled" in lc.STATUS_MEANINGS["cooled"]  # rule 2 before rule 3
    # and the way out, floor included: a reader saw a small story stay Cooled at 60% of its peak
    assert (f"back to {lc.REVIVE_SHARE * 100:g}% of its peak pace and a velocity of "
            f"{lc.ESTABLISHED_VELOCITY:g} or more") in lc.STATUS_MEANINGS["cooled"]
    assert f"up {(lc.RISE_ENTER_GROWTH - 1) * 100:g}%" in lc.STATUS_MEANINGS["rising"]
    # rule 0: a restarted story's age counts from its detection (its first article may be a day old)
    assert "counted from its detection" in lc.STATUS_MEANINGS["emerging"]


# --- "covered again": new coverage beside a Cooled badge ------------------------------------------


def test_an_article_after_a_trend_cooled_is_marked_covered_again() -> None:
    cooled_at = T0 + 10 * H
    base = trend_from([(2, 2), (1, 1)]).model_copy(update={"status": "cooled", "status_since": cooled_at})

    fresh = base.model_copy(update={"last_seen": cooled_at + 2 * H})
    assert lc.covered_again_at(fresh) == cooled_at + 2 * H
    # the article it cooled after is not new coverage, nor is any before it
    assert lc.covered_again_at(base.model_copy(update={"last_seen": cooled_at - 4 * H})) is None
    assert lc.covered_again_at(base.model_copy(update={"last_seen": cooled_at})) is None


def test_only_a_cooled_trend_is_covered_again() -> None:
    later = T0 + 12 * H
    for status in ("emerging", "rising", "peaking", "fading"):
        state = trend_from([(2, 2)]).model_copy(
            update={"status": status, "status_since": T0 + H, "last_seen": later})
        assert lc.covered_again_at(state) is None, status
    no_since = trend_from([(2, 2)]).model_copy(update={"status": "cooled", "last_seen": later})
    assert lc.covered_again_at(no_since) is None


def test_covered_again_says_what_revives_a_cooled_story() -> None:
    assert "40% of its peak pace" in lc.COVERED_AGAIN_MEANING
    assert f"velocity of {lc.ESTABLISHED_VELOCITY:g}" in lc.COVERED_AGAIN_MEANING


def test_percent_of_peak_says_how_far_a_story_has_come_down() -> None:
    counts = [(1, 1), (2, 2), (4, 3), (8, 6), (10, 8), (9, 7), (8, 6), (5, 4), (3, 2), (2, 2)]
    trend = trend_from(counts)
    # before its first completed hour: nothing to compare
    assert lc.percent_of_peak(trend, T0 + timedelta(minutes=30)) is None
    # climbing: each completed hour is the peak so far
    assert lc.percent_of_peak(trend, T0 + 4 * H + timedelta(minutes=5)) == 100
    # past the burst: below its peak, as Fading reads it, while still far above its first hours
    later = T0 + 12 * H + timedelta(minutes=5)
    signals = lc.signals_for(trend, later)
    share = lc.percent_of_peak(trend, later)
    assert share is not None
    assert share == round(100 * signals.velocity / signals.peak)
    assert 0 < share < 55
