"""Velocity and ranking: how fast coverage of a trend is spreading.

Velocity at an instant = article rate × source diversity, over a trailing window of
`WINDOW_HOURS` whole UTC hours (the current hour included):

    rate      = articles in the window / WINDOW_HOURS            (articles per hour)
    diversity = distinct publisher families in the window        (independent newsrooms)
    velocity  = rate × diversity

So 12 articles from 8 newsrooms in 3 hours scores 4 × 8 = 32, while one outlet publishing the
same 12 articles scores 4 × 1 = 4. The hourly series stored on the trend (articles and sources
per hour) is what this is computed from, so the chart and the number always agree.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from headlinez.models import TrendState

WINDOW_HOURS = 3
RECENCY_HALF_LIFE_HOURS = 6.0


def _hour_floor(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def velocity_at(trend: TrendState, at: datetime, window_hours: int = WINDOW_HOURS) -> float:
    end = _hour_floor(at)
    start = end - timedelta(hours=window_hours - 1)
    articles = 0
    sources: set[str] = set()
    for bucket in trend.hourly:
        hour = _hour_floor(bucket.hour)
        if start <= hour <= end:
            articles += bucket.articles
            sources.update(bucket.sources)
    return round(articles / window_hours * len(sources), 3)


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
    instead of letting a single busy outlet outrank it.
    """
    hours_quiet = max(0.0, (now - trend.last_seen).total_seconds() / 3600)
    recency = math.pow(0.5, hours_quiet / RECENCY_HALF_LIFE_HOURS)
    return round(velocity_at(trend, now) + trend.source_count * recency, 3)
