"""Velocity and ranking: how fast coverage of a trend is spreading.

Velocity at an instant = article rate × source diversity, over a trailing window of
`WINDOW_HOURS` whole UTC hours (the current hour included):

    rate      = articles in the window / WINDOW_HOURS            (articles per hour)
    diversity = distinct publisher families in the window        (independent newsrooms)
    velocity  = rate × diversity

So 12 articles from 8 newsrooms in 3 hours scores 4 × 8 = 32, while one outlet publishing the
same 12 articles scores 4 × 1 = 4. The hourly series stored on the trend (articles and sources
per hour) is what this is computed from, so the chart and the number always agree.

Sources are publisher families (two feeds of one newsroom are one source), and a copy of a title
already seen from another newsroom (republished wire copy, same normalized-title fingerprint) is
not counted as a new source by clustering, so it adds to the rate but not to the diversity.
Hours are those of the articles' publish times.

Derived figures (the trend page's counters):

* **first detected** = the publish time of the trend's earliest article (`first_detected`).
* **"+N% since first seen"** (`growth_since_first_seen`) is how much the coverage grew since the
  trend's first hour: A_first = articles published in that first UTC hour, A = articles now,
  N = round(100 × (A − A_first) / A_first). One article in the first hour and 8 now is "+700%".
  It never falls: how fast coverage is moving *now* is velocity's job, and the status's.
* The lifecycle and the prediction read `completed_hour_series`: velocity at the end of each
  *completed* UTC hour. The current hour is partial (at 10:05 it holds five minutes of news), so
  including it would make every hour start look like a dip; the counter shown to readers
  (`velocity_at(now)`) does include it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from headlinez.models import TrendState

WINDOW_HOURS = 3
MAX_SERIES_HOURS = 168
RECENCY_HALF_LIFE_HOURS = 6.0
FAMILY_WINDOW_ARTICLE_CAP = 3
"""Ranking counts at most this many articles per newsroom in the velocity window (one an hour)."""


def _hour_floor(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def velocity_at(trend: TrendState, at: datetime, window_hours: int = WINDOW_HOURS) -> float:
    return round(_velocity(trend, at, window_hours), 3)


def _velocity(trend: TrendState, at: datetime, window_hours: int) -> float:
    end = _hour_floor(at)
    start = end - timedelta(hours=window_hours - 1)
    articles = 0
    sources: set[str] = set()
    for bucket in trend.hourly:
        hour = _hour_floor(bucket.hour)
        if start <= hour <= end:
            articles += bucket.articles
            sources.update(bucket.sources)
    return articles / window_hours * len(sources)


def hourly_velocity(trend: TrendState, at: datetime) -> list[tuple[datetime, float]]:
    """Velocity at the end of every hour from first seen to `at` (the chart's series)."""
    if not trend.hourly:
        return []
    hour = _hour_floor(trend.first_seen)
    end = _hour_floor(at)
    series: list[tuple[datetime, float]] = []
    while hour <= end and len(series) < 24 * 30:
        series.append((hour, velocity_at(trend, hour)))
        hour += timedelta(hours=1)
    return series


def rank_score(trend: TrendState, now: datetime) -> float:
    """List ranking: current velocity, plus independent sources decayed by time since last seen.

    The second term keeps a widely covered story on the list for a while after its burst,
    instead of letting a single busy outlet outrank it. The velocity term is
    `newsroom_capped_velocity`: one newsroom cannot buy the top by publishing more.
    """
    hours_quiet = max(0.0, (now - trend.last_seen).total_seconds() / 3600)
    recency = math.pow(0.5, hours_quiet / RECENCY_HALF_LIFE_HOURS)
    return round(newsroom_capped_velocity(trend, now) + trend.source_count * recency, 3)


def newsroom_capped_velocity(trend: TrendState, at: datetime, window_hours: int = WINDOW_HOURS) -> float:
    """Velocity with each newsroom's share capped: the ranking's velocity term.

    The window's articles count at most `FAMILY_WINDOW_ARTICLE_CAP` × (distinct newsrooms in the
    window): the term grows with breadth, not volume (at most cap / window × newsrooms²). One
    publisher posting 100 items in 3 hours scores 3 / 3 × 1 = 1 (uncapped: 33.3), so with the
    source term a single-source item ranks at most 2, below any 3-newsroom story seen in the last
    3 hours (its source term alone is ≥ 3 × 0.5^(3/6) ≈ 2.1).
    Ordinary coverage (up to 3 articles per newsroom in 3 hours) is unchanged; the displayed
    velocity (`velocity_at`) is not capped. The per-hour series stores articles and newsrooms,
    not articles per newsroom, hence a cap on the window's total.
    """
    end = _hour_floor(at)
    start = end - timedelta(hours=window_hours - 1)
    articles = 0
    sources: set[str] = set()
    for bucket in trend.hourly:
        if start <= _hour_floor(bucket.hour) <= end:
            articles += bucket.articles
            sources.update(bucket.sources)
    counted = min(articles, FAMILY_WINDOW_ARTICLE_CAP * len(sources))
    return round(counted / window_hours * len(sources), 3)


def first_detected(trend: TrendState) -> datetime:
    """When the trend was first seen: the publish time of its earliest article."""
    return trend.first_seen


def growth_since_first_seen(trend: TrendState, now: datetime) -> int | None:
    """ "+N% since first seen" (see the module docstring); None for a trend without a series.

    `now` is accepted for symmetry with the other counters; coverage growth does not need it.
    """
    if not trend.hourly:
        return None
    first = min(trend.hourly, key=lambda bucket: bucket.hour).articles
    if first <= 0:
        return None
    return round(100 * (trend.article_count - first) / first)


def last_completed_hour(now: datetime) -> datetime:
    """Start of the last UTC hour that has ended at `now` (10:05 -> 09:00)."""
    return _hour_floor(now) - timedelta(hours=1)


def completed_hour_series(trend: TrendState, now: datetime, hours: int | None = None,
                          window_hours: int = WINDOW_HOURS) -> list[tuple[datetime, float]]:
    """Velocity at each completed UTC hour from the first seen hour (or the last `hours` hours)
    up to the last completed hour before `now`; empty while the first hour is still running."""
    if not trend.hourly:
        return []
    # Integer hours and one dict of buckets: this runs for every open trend on every run.
    counts: dict[int, tuple[int, frozenset[str]]] = {}
    for bucket in trend.hourly:
        hour = int(bucket.hour.timestamp()) // 3600
        found = counts.get(hour)
        counts[hour] = ((bucket.articles, frozenset(bucket.sources)) if found is None
                        else (found[0] + bucket.articles, found[1] | frozenset(bucket.sources)))
    end = int(last_completed_hour(now).timestamp()) // 3600
    # Hours before the oldest stored bucket hold nothing, and a week is all the chart and the
    # lifecycle read (a trend can hold one article years older than the rest).
    first = int(_hour_floor(trend.first_seen).timestamp()) // 3600
    start = max(first, min(counts), end - MAX_SERIES_HOURS + 1)
    if hours is not None:
        start = max(start, end - hours + 1)
    if start > end:
        return []
    series: list[tuple[datetime, float]] = []
    origin = datetime.fromtimestamp(start * 3600, UTC)
    for offset, hour in enumerate(range(start, end + 1)):
        articles = 0
        window: set[str] = set()
        for back in range(window_hours):
            found = counts.get(hour - back)
            if found is not None:
                articles += found[0]
                window.update(found[1])
        value = round(articles / window_hours * len(window), 3) if articles else 0.0
        series.append((origin + timedelta(hours=offset), value))
    return series
