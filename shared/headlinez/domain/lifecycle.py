"""Lifecycle status of a trend: Emerging, Rising, Peaking, Fading, Cooled — with hysteresis.

The status is read from the trend's smoothed velocity at *completed* UTC hours
(`velocity.completed_hour_series`: decayed article rate × decayed newsroom diversity), so it
changes at most once an hour and never because the current hour has only just started. It is
judged against the trend's *own* peak and age, not a global scale. Notation: V = velocity at the
last completed hour, V2 = two hours earlier, P = the peak of the series so far, age = hours since
the trend was first seen (since its detection after rule 0), quiet = hours since its latest article,
N = its newsrooms.

Rules, applied in order (thresholds are the constants below):

0. **Detection restarts a cooled candidate.** A story one newsroom covered, that went quiet and
   cooled, and that a second newsroom takes up later, becomes public as a new story: its status
   restarts (Emerging), and its peak and age count from its detection (`lifecycle_from`), not from
   the lone article that cooled days before. Without this a trend detected an hour ago showed
   "Cooled" (the candidate's status) until its velocity beat the old article's peak. It happens
   once per trend: a trend becomes public once.
1. No completed hour yet: **Emerging** (or the previous status, unchanged).
2. **Emerging** (from birth) while the trend has never reached ESTABLISHED_VELOCITY and is younger
   than EMERGING_MAX_HOURS: a story under 6 hours old is new, even when its lone article has been
   quiet for 3 hours (checked before rule 3, so such a story is not Cooled, then restarted by
   rule 0 when a second newsroom takes it up).
3. **Cooled** only after a quiet period long enough for the story's size:
   quiet ≥ quiet_needed(N) = min(COOL_BASE_HOURS + COOL_HOURS_PER_NEWSROOM × (N − 1),
   COOL_MAX_HOURS) — 3 h for one newsroom, 6 h for 3, 12 h for 7, 24 h from 15 — *and* V below
   COOLED_SHARE (25 %) of P. A night lull of an hour or two never cools a story with several
   newsrooms. A cooled trend stays cooled until it is covered again at V ≥ max(REVIVE_SHARE × P,
   ESTABLISHED_VELOCITY); until then the page marks any article after it cooled as "covered
   again" beside the badge (`covered_again_at`), rather than changing the status per article.
4. **Rising** is entered when V ≥ ESTABLISHED_VELOCITY, V is at its peak (≥ AT_PEAK_SHARE × P) and
   V ≥ RISE_ENTER_GROWTH × V2 (+30 % in two hours, or V2 = 0); it is kept while V is at its peak
   and V ≥ RISE_STAY_GROWTH × V2 (still growing).
5. Otherwise the trend is past its rise and is judged against its own peak: **Fading** when
   V < FADE_SHARE (55 %) × P; **Peaking** otherwise — but a fading (or reviving) trend returns to
   Peaking only at V ≥ PEAK_RETURN_SHARE (80 %) × P.

Hysteresis is in the paired thresholds (Rising entered at +30 %, kept at +0 %; Fading entered
below 55 % of the peak, left at 80 %; Cooled entered below 25 % after the quiet period, left at
40 %) and in a minimum dwell: a status, once entered, is kept for MIN_DWELL_HOURS (2 h) before any
rule may change it (Emerging excepted: every trend starts there, and a breaking story must show
Rising at once). The smoothed velocity itself moves slowly (half-lives of 3 and 6 hours), so an
hour without news is a dip, not a status change. Measured over a replay of the snapshot
(`benchmarks/lifecycle_bench.py`): status changes per trend per day, in docs/benchmarks.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from headlinez.domain.velocity import completed_hour_series, hour_floor
from headlinez.models import TrendState, TrendStatus

ESTABLISHED_VELOCITY = 2.0  # e.g. 1 article an hour from 2 newsrooms
EMERGING_MAX_HOURS = 6.0
AT_PEAK_SHARE = 0.95
RISE_ENTER_GROWTH = 1.3
RISE_STAY_GROWTH = 1.0
FADE_SHARE = 0.55
PEAK_RETURN_SHARE = 0.8
COOLED_SHARE = 0.25
REVIVE_SHARE = 0.4
COOL_BASE_HOURS = 3.0
COOL_HOURS_PER_NEWSROOM = 1.5
COOL_MAX_HOURS = 24.0
MIN_DWELL_HOURS = 2.0


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def _newsrooms_for_longest_quiet() -> int:
    """The fewest newsrooms whose story needs the longest quiet spell (COOL_MAX_HOURS) to cool."""
    return 1 + math.ceil((COOL_MAX_HOURS - COOL_BASE_HOURS) / COOL_HOURS_PER_NEWSROOM)


# What each status means, in the words of the pages (badge titles, How this works), written from
# the constants above so that the page cannot drift from the rules.
STATUS_MEANINGS: dict[str, str] = {
    "emerging": (f"new: not yet at a velocity of {ESTABLISHED_VELOCITY:g} and under "
                 f"{EMERGING_MAX_HOURS:g} hours old (counted from its detection when a second "
                 "newsroom took up a story that had gone quiet)"),
    "rising": (f"at its highest pace so far and up {_percent(RISE_ENTER_GROWTH - 1)} or more in "
               "two hours"),
    "peaking": f"past its rise, at {_percent(FADE_SHARE)} or more of its peak pace",
    "fading": (f"below {_percent(FADE_SHARE)} of its peak pace (Peaking again from "
               f"{_percent(PEAK_RETURN_SHARE)})"),
    "cooled": (f"below {_percent(COOLED_SHARE)} of its peak pace after a quiet spell that grows "
               f"with its newsrooms: no article for {COOL_BASE_HOURS:g} hours (one newsroom) to "
               f"{COOL_MAX_HOURS:g} hours ({_newsrooms_for_longest_quiet()} newsrooms or more); "
               "a story still Emerging is not cooled. It leaves Cooled only when its coverage is back to "
               f"{_percent(REVIVE_SHARE)} of its peak pace and a velocity of {ESTABLISHED_VELOCITY:g} "
               "or more; slower new coverage does not change it"),
}

# Distinct marks: Rising is a climbing arrow, Peaking a summit.
ARROWS: dict[str, str] = {"emerging": "◆", "rising": "↗", "peaking": "▲", "fading": "↘", "cooled": "■"}


@dataclass(frozen=True, slots=True)
class Signals:
    """What the status is computed from (all velocities at completed hours)."""

    velocity: float
    earlier_velocity: float  # two completed hours before `velocity`
    peak: float
    age_hours: float
    hours: int  # completed hours in the series
    quiet_hours: float = 0.0  # since the latest article
    newsrooms: int = 1

    @classmethod
    def from_series(cls, series: Sequence[tuple[datetime, float]], age_hours: float, *,
                    quiet_hours: float = 0.0, newsrooms: int = 1) -> Signals:
        values = [v for _, v in series]
        return cls(
            velocity=values[-1] if values else 0.0,
            earlier_velocity=values[-3] if len(values) >= 3 else 0.0,
            peak=max(values, default=0.0),
            age_hours=age_hours,
            hours=len(values),
            quiet_hours=quiet_hours,
            newsrooms=newsrooms,
        )


def quiet_needed_hours(newsrooms: int) -> float:
    """How long a story must go without an article before it may be Cooled (rule 3)."""
    return min(COOL_BASE_HOURS + COOL_HOURS_PER_NEWSROOM * max(0, newsrooms - 1), COOL_MAX_HOURS)


def _grown(signals: Signals, factor: float) -> bool:
    if signals.earlier_velocity <= 0.0:
        return signals.velocity > 0.0
    return signals.velocity >= factor * signals.earlier_velocity


def _cooled(previous: TrendStatus | None, signals: Signals) -> bool:
    """Rule 3: enter after the quiet period below COOLED_SHARE of the peak; leave at REVIVE_SHARE."""
    v, peak = signals.velocity, signals.peak
    if previous == "cooled":
        return v < max(REVIVE_SHARE * peak, ESTABLISHED_VELOCITY)
    return signals.quiet_hours >= quiet_needed_hours(signals.newsrooms) and v < COOLED_SHARE * peak


def _rising(previous: TrendStatus | None, signals: Signals) -> bool:
    """Rule 4: established, at its peak, and grown by RISE_ENTER_GROWTH in two hours (kept while
    still growing)."""
    v = signals.velocity
    if v < ESTABLISHED_VELOCITY or v < AT_PEAK_SHARE * signals.peak:
        return False
    return _grown(signals, RISE_STAY_GROWTH if previous == "rising" else RISE_ENTER_GROWTH)


def _emerging(previous: TrendStatus | None, signals: Signals) -> bool:
    """Rule 2: from birth, until the trend reaches ESTABLISHED_VELOCITY or EMERGING_MAX_HOURS."""
    return (previous in (None, "emerging") and signals.peak < ESTABLISHED_VELOCITY
            and signals.age_hours < EMERGING_MAX_HOURS)


def next_status(previous: TrendStatus | None, signals: Signals) -> TrendStatus:
    """The status after `previous` given the current signals (rules 1-5 of the module docstring)."""
    status: TrendStatus
    if signals.hours == 0 or signals.peak <= 0.0:
        status = previous or "emerging"
    elif _emerging(previous, signals):
        status = "emerging"
    elif _cooled(previous, signals):
        status = "cooled"
    elif _rising(previous, signals):
        status = "rising"
    else:
        share = signals.velocity / signals.peak
        threshold = PEAK_RETURN_SHARE if previous in ("fading", "cooled") else FADE_SHARE
        status = "peaking" if share >= threshold else "fading"
    return status


def restart_at_detection(trend: TrendState, detected_at: datetime) -> dict[str, object]:
    """Rule 0: the fields to update on a trend becoming public at `detected_at` (none unless its
    candidate had cooled)."""
    if trend.status != "cooled":
        return {}
    return {"status": None, "status_since": None, "lifecycle_from": detected_at}


def signals_for(
    trend: TrendState, now: datetime, series: Sequence[tuple[datetime, float]] | None = None
) -> Signals:
    if series is None:
        series = completed_hour_series(trend, now)
    start = trend.lifecycle_from or trend.first_seen
    if trend.lifecycle_from is not None:
        # (hour, velocity at the end of that hour): the hours from the detection's hour on
        first_hour = hour_floor(trend.lifecycle_from)
        series = [(hour, value) for hour, value in series if hour >= first_hour]
    age = max(0.0, (now - start).total_seconds() / 3600)
    quiet = max(0.0, (now - trend.last_seen).total_seconds() / 3600)
    return Signals.from_series(series, age, quiet_hours=quiet, newsrooms=max(1, trend.source_count))


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


def percent_of_peak(trend: TrendState, now: datetime,
                    series: Sequence[tuple[datetime, float]] | None = None) -> int | None:
    """Velocity at the last completed hour as a share of the lifecycle's peak, in percent (what
    rules 3-5 judge against: Fading is below 55 %); None before the first completed hour.

    Growth since detection alone misleads on a story past its peak ("Fading" beside "+395% since
    detected"): this says how far below its own high it has come."""
    signals = signals_for(trend, now, series)
    if signals.hours == 0 or signals.peak <= 0.0:
        return None
    return round(100 * signals.velocity / signals.peak)


def covered_again_at(trend: TrendState) -> datetime | None:
    """For a Cooled trend, the time of its latest article when it came after the trend cooled,
    else None.

    A cooled story leaves Cooled only at the revival pace (rule 3), which a trickle of new articles
    never reaches; a status change per stray article would break the hysteresis, so the page marks
    the new coverage beside the badge instead of contradicting it ("Cooled" next to an article an
    hour old)."""
    since = trend.status_since
    if trend.status != "cooled" or since is None or trend.last_seen <= since:
        return None
    return trend.last_seen


FROM_PEAK_THRESHOLDS = (
    f"A story turns Fading below {_percent(FADE_SHARE)} of it and stays Fading until it is back at "
    f"{_percent(PEAK_RETURN_SHARE)}; Cooled comes below {_percent(COOLED_SHARE)} after a quiet spell, "
    f"and lasts until it is back at {_percent(REVIVE_SHARE)} and a velocity of {ESTABLISHED_VELOCITY:g}"
)
FROM_PEAK_MEANING = f"Velocity now against the highest it reached. {FROM_PEAK_THRESHOLDS}"

COVERED_AGAIN_MEANING = (
    "new coverage since the story cooled, not yet at the pace that brings a cooled story back "
    f"({_percent(REVIVE_SHARE)} of its peak pace and a velocity of {ESTABLISHED_VELOCITY:g})"
)


def badge(status: TrendStatus) -> str:
    """The page's badge text, e.g. '▲ Peaking'."""
    return f"{ARROWS[status]} {status.capitalize()}"
