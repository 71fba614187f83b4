"""Lifecycle status of a trend: Emerging, Rising, Peaking, Fading, Cooled — with hysteresis.

The status is read from the trend's velocity series at *completed* UTC hours
(`velocity.completed_hour_series`: article rate × newsroom diversity over the trailing three
hours), so it changes at most once an hour and never because the current hour has only just
started. Notation: V = velocity at the last completed hour, V1 = the hour before, P = the peak
of the series so far, age = hours since the trend was first seen.

Rules, applied in order (thresholds are the constants below):

1. No completed hour yet (the trend was born in the current hour): **Emerging** (or the previous
   status, unchanged).
2. **Cooled** when V < COOLED_SHARE × P and V < COOLED_MAX_VELOCITY (always the case once
   nothing was published for three whole hours; a big story still drawing steady coverage is
   Fading, not Cooled). A cooled trend stays cooled until V ≥ max(REVIVE_SHARE × P,
   REVIVE_MIN_VELOCITY): one stray article does not revive a story.
3. **Rising** is entered when V ≥ ESTABLISHED_VELOCITY and V ≥ RISE_ENTER_GROWTH × V1 (or V1 = 0)
   — from Fading only once V is back at FADE_SHARE × P or more — and kept while
   V ≥ RISE_STAY_GROWTH × V1.
4. **Emerging** (from birth) lasts while the trend has never reached ESTABLISHED_VELOCITY and is
   younger than EMERGING_MAX_HOURS.
5. Otherwise the trend is past its rise and is judged against its own peak: **Fading** when
   V < FADE_SHARE × P; **Peaking** otherwise — but a fading trend (or one reviving from cooled)
   returns to Peaking only at V ≥ PEAK_RETURN_SHARE × P.

Hysteresis is in the paired thresholds — Rising is entered at +25 % an hour and left below +5 %;
Fading is entered below 60 % of the peak and left at 85 %; Cooled is entered below 10 % of the
peak and left at 40 % (and at least REVIVE_MIN_VELOCITY) — and in a minimum dwell: a status,
once entered, is kept for MIN_DWELL_HOURS (2 h) before any rule may change it (Emerging excepted:
it is where every trend starts, and a breaking story must show Rising at once). News coverage
counts a few articles per hour, so without the dwell a story would flicker Rising → Fading →
Rising hour after hour; with it the badge changes at most every two hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from headlinez.domain.velocity import completed_hour_series
from headlinez.models import TrendState, TrendStatus

ESTABLISHED_VELOCITY = 2.0  # e.g. 3 articles from 2 newsrooms in 3 h (1/h × 2)
EMERGING_MAX_HOURS = 6.0
RISE_ENTER_GROWTH = 1.25
RISE_STAY_GROWTH = 1.05
FADE_SHARE = 0.6
PEAK_RETURN_SHARE = 0.85
COOLED_SHARE = 0.1
REVIVE_SHARE = 0.4
REVIVE_MIN_VELOCITY = 1.0  # e.g. 2 articles from 2 newsrooms in 3 h
COOLED_MAX_VELOCITY = 1.0
MIN_DWELL_HOURS = 2.0

ARROWS: dict[str, str] = {"emerging": "◆", "rising": "▲", "peaking": "▲", "fading": "▼", "cooled": "■"}


@dataclass(frozen=True, slots=True)
class Signals:
    """What the status is computed from (all velocities at completed hours)."""

    velocity: float
    previous_velocity: float
    peak: float
    age_hours: float
    hours: int  # completed hours in the series

    @classmethod
    def from_series(cls, series: Sequence[tuple[datetime, float]], age_hours: float) -> Signals:
        values = [v for _, v in series]
        return cls(
            velocity=values[-1] if values else 0.0,
            previous_velocity=values[-2] if len(values) >= 2 else 0.0,
            peak=max(values, default=0.0),
            age_hours=age_hours,
            hours=len(values),
        )


def _growing(signals: Signals, factor: float) -> bool:
    if signals.previous_velocity <= 0.0:
        return signals.velocity > 0.0
    return signals.velocity >= factor * signals.previous_velocity


def _cooled(previous: TrendStatus | None, signals: Signals) -> bool:
    """Rule 2: enter below COOLED_SHARE of the peak; leave only at REVIVE_SHARE (and REVIVE_MIN)."""
    v, peak = signals.velocity, signals.peak
    if previous == "cooled":
        return v < max(REVIVE_SHARE * peak, REVIVE_MIN_VELOCITY)
    return v < COOLED_SHARE * peak and v < COOLED_MAX_VELOCITY


def _rising(previous: TrendStatus | None, signals: Signals) -> bool:
    """Rule 3: enter at RISE_ENTER_GROWTH an hour (from Fading: back at FADE_SHARE of the peak),
    stay while growing by RISE_STAY_GROWTH."""
    v = signals.velocity
    if v < ESTABLISHED_VELOCITY:
        return False
    if previous == "rising" and _growing(signals, RISE_STAY_GROWTH):
        return True
    return _growing(signals, RISE_ENTER_GROWTH) and (previous != "fading" or v >= FADE_SHARE * signals.peak)


def _emerging(previous: TrendStatus | None, signals: Signals) -> bool:
    """Rule 4: from birth, until the trend reaches ESTABLISHED_VELOCITY or EMERGING_MAX_HOURS."""
    return (previous in (None, "emerging") and signals.peak < ESTABLISHED_VELOCITY
            and signals.age_hours < EMERGING_MAX_HOURS)


def next_status(previous: TrendStatus | None, signals: Signals) -> TrendStatus:
    """The status after `previous` given the current signals (rules 1-5 of the module docstring)."""
    status: TrendStatus
    if signals.hours == 0 or signals.peak <= 0.0:
        status = previous or "emerging"
    elif _cooled(previous, signals):
        status = "cooled"
    elif _rising(previous, signals):
        status = "rising"
    elif _emerging(previous, signals):
        status = "emerging"
    else:
        share = signals.velocity / signals.peak
        threshold = PEAK_RETURN_SHARE if previous in ("fading", "cooled") else FADE_SHARE
        status = "peaking" if share >= threshold else "fading"
    return status


def signals_for(
    trend: TrendState, now: datetime, series: Sequence[tuple[datetime, float]] | None = None
) -> Signals:
    if series is None:
        series = completed_hour_series(trend, now)
    age = max(0.0, (now - trend.first_seen).total_seconds() / 3600)
    return Signals.from_series(series, age)


def lifecycle(
    trend: TrendState, now: datetime, series: Sequence[tuple[datetime, float]] | None = None
) -> tuple[TrendStatus, datetime]:
    """(status, status_since) of `trend` at `now`, continuing from its stored status; a status
    younger than MIN_DWELL_HOURS is kept as it is."""
    previous, since = trend.status, trend.status_since
    if (previous not in (None, "emerging") and since is not None
            and (now - since).total_seconds() < MIN_DWELL_HOURS * 3600):
        return previous, since
    status = next_status(previous, signals_for(trend, now, series))
    if status == previous and since is not None:
        return status, since
    return status, now


def badge(status: TrendStatus) -> str:
    """The page's badge text, e.g. '▲ Peaking'."""
    return f"{ARROWS[status]} {status.capitalize()}"
