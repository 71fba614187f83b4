"""Velocity and ranking: how fast coverage of a trend is spreading.

**Velocity** (what the page shows, what the status and the chart read) = article rate × newsroom
diversity, both *exponentially decayed*, so coverage fades out smoothly instead of dropping to
zero when a fixed window slides past it:

    rate      = ln 2 / H_r × Σ_articles 2^(−age / H_r)      (articles per hour; H_r = 3 h)
    diversity = Σ_newsrooms 2^(−age of its latest article / H_d)           (H_d = 6 h)
    velocity  = rate × diversity

`age` is the time since publication (articles of one UTC hour count at its middle, and never in
the future). For a steady stream of r articles an hour the decayed rate is r, so a story covered
steadily at 4 articles an hour by 8 newsrooms scores about 4 × 8 = 32 (the fixed 3-hour window
this replaced gave the same), and one outlet publishing the same 12 articles about 4 × 1.

Worked example (`tests/unit/test_velocity.py::test_worked_example_of_the_docs`): 12 articles from
8 newsrooms, 4 in each of the hours 20:00, 21:00, 22:00, then nothing (a night lull).

| at | rate (articles/h) | diversity | velocity |
|---|---|---|---|
| 23:00 (end of the burst) | 2.00 | 6.66 | 13.3 |
| 00:00 (1 h of lull) | 1.58 | 5.93 | 9.4 |
| 01:00 (2 h of lull) | 1.26 | 5.28 | 6.6 |
| 05:00 (6 h of lull) | 0.50 | 3.33 | 1.7 |

At 23:00: rate = ln2/3 × 4 × (2^(−2.5/3) + 2^(−1.5/3) + 2^(−0.5/3)) = 2.00; diversity =
3 × 2^(−2.5/6) + 3 × 2^(−1.5/6) + 2 × 2^(−0.5/6) = 6.66 (three newsrooms last wrote at 20:30,
three at 21:30, two at 22:30). A two-hour lull halves a story's velocity; it does not zero it
(the 3-hour window did, at 01:00). Constants: `RATE_HALF_LIFE_HOURS`, `DIVERSITY_HALF_LIFE_HOURS`.

Sources are publisher families (two feeds of one newsroom are one source), and a copy of a title
already seen from another newsroom (republished wire copy, same normalized-title fingerprint) is
not counted as a new source by clustering, so it adds to the rate but not to the diversity.
Hours are those of the articles' publish times.

`window_velocity` keeps the plain windowed formula (articles in the last N whole hours ÷ N ×
distinct newsrooms in them): the prediction's outcome is defined on a 24-hour window of it, and
the ranking's newsroom cap (`newsroom_capped_velocity`) on a 3-hour one.

Derived figures (the trend page's counters):

* **first detected** (`first_detected`) = the moment the trend became public (its second
  independent newsroom, as clustering saw it: `TrendState.detected_at`), else its first article.
* **"+N% since detected"** on the pages, the seed's "since first seen" (`growth_since_first_seen`)
  = round(100 × (V_now − V_d) / V_d), V_d the velocity at first detection, at most the highest
  hourly value since (the chart's and the peak's reading: at the instant of detection, just after
  an article, it can be higher; so a story never shows a larger fall since detection than from
  its peak). It falls as well as
  rises: −80% once coverage runs at a fifth of its pace when it was detected. A cooled story
  shows a fall, except one covered again below the pace that revives it (`lifecycle` rule 3)
  yet above its pace at detection; the page then marks it "covered again" beside the badge
  (`benchmarks/replay_measures.py`, "cooled with a rise", counts how often; docs/benchmarks.md
  has the figures).
* The lifecycle and the prediction read `completed_hour_series`: velocity at the end of each
  *completed* UTC hour. The current hour is partial, so it is left out of the status (the
  counter shown to readers, `velocity_at(now)`, includes it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from headlinez.models import TrendState

WINDOW_HOURS = 3
MAX_SERIES_HOURS = 168
RECENCY_HALF_LIFE_HOURS = 6.0
FAMILY_WINDOW_ARTICLE_CAP = 3
"""Ranking counts at most this many articles per newsroom in the velocity window (one an hour)."""
RATE_HALF_LIFE_HOURS = 3.0
DIVERSITY_HALF_LIFE_HOURS = 6.0
_RATE_SCALE = math.log(2) / RATE_HALF_LIFE_HOURS
_HISTORY_HOURS = 48  # older buckets weigh < 2^-16 in the smoothed sums


def hour_floor(value: datetime) -> datetime:
    """The start of the UTC hour holding `value` (an article may carry another offset, some of them
    not whole hours: +05:30). The one hour boundary of clustering, velocity, status and prediction."""
    return value.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def window_velocity(trend: TrendState, at: datetime, window_hours: int = WINDOW_HOURS) -> float:
    """Articles in the `window_hours` whole UTC hours up to `at` ÷ window_hours × their newsrooms."""
    return round(_velocity(trend, at, window_hours), 3)


def velocity_at(trend: TrendState, at: datetime) -> float:
    """The smoothed velocity at `at` (module docstring): decayed rate × decayed diversity."""
    t = at.timestamp() / 3600
    total = 0.0
    latest: dict[str, float] = {}
    for bucket in trend.hourly:
        start = bucket.hour.timestamp() / 3600
        if start >= t:  # not begun at `at`
            continue
        middle = start + 0.5
        total += bucket.articles * math.pow(0.5, max(0.0, t - middle) / RATE_HALF_LIFE_HOURS)
        for source in bucket.sources:
            if latest.get(source, -math.inf) < middle:
                latest[source] = middle
    diversity = sum(math.pow(0.5, max(0.0, t - m) / DIVERSITY_HALF_LIFE_HOURS) for m in latest.values())
    return round(total * _RATE_SCALE * diversity, 3)


def _velocity(trend: TrendState, at: datetime, window_hours: int) -> float:
    end = hour_floor(at)
    start = end - timedelta(hours=window_hours - 1)
    articles = 0
    sources: set[str] = set()
    for bucket in trend.hourly:
        hour = hour_floor(bucket.hour)
        if start <= hour <= end:
            articles += bucket.articles
            sources.update(bucket.sources)
    return articles / window_hours * len(sources)


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
    end = hour_floor(at)
    start = end - timedelta(hours=window_hours - 1)
    articles = 0
    sources: set[str] = set()
    for bucket in trend.hourly:
        if start <= hour_floor(bucket.hour) <= end:
            articles += bucket.articles
            sources.update(bucket.sources)
    counted = min(articles, FAMILY_WINDOW_ARTICLE_CAP * len(sources))
    return round(counted / window_hours * len(sources), 3)


def first_detected(trend: TrendState) -> datetime:
    """When the trend became public (2+ newsrooms, as clustering saw it); else its first article."""
    return trend.detected_at or trend.first_seen


def growth_since_first_seen(trend: TrendState, now: datetime,
                            series: Sequence[tuple[datetime, float]] | None = None) -> int | None:
    """ "+N% since first seen": velocity now against velocity at first detection (module
    docstring); None without a series or a velocity at detection. `series`: the trend's
    `completed_hour_series` at `now`, when the caller has it already."""
    if not trend.hourly:
        return None
    detected = first_detected(trend)
    if now <= detected:
        # The page reads velocity at the top of the hour, which can precede a detection within
        # that hour: a "now" measured before the reference is no growth at all (it read -100%).
        return None
    # Nothing counted yet at that instant (detected on the hour): the pace over its first hour
    first_hour = hour_floor(max(detected, min(bucket.hour for bucket in trend.hourly)))
    base = velocity_at(trend, detected) or velocity_at(trend, first_hour + timedelta(hours=1))
    # Read at the instant of detection, just after the article that made the trend public, V_d
    # can exceed every hourly value the chart and the lifecycle's peak read: the page said "-79%
    # since detected" beside "-75% from its peak". At most the highest hourly value since.
    if series is None:
        series = completed_hour_series(trend, now)
    since = [value for hour, value in series if hour >= hour_floor(detected)]
    if since:
        base = min(base, max(since))
    if base <= 0.0:
        return None
    return round(100 * (velocity_at(trend, now) - base) / base)


def last_completed_hour(now: datetime) -> datetime:
    """Start of the last UTC hour that has ended at `now` (10:05 -> 09:00)."""
    return hour_floor(now) - timedelta(hours=1)


def completed_hour_series(trend: TrendState, now: datetime,
                          hours: int | None = None) -> list[tuple[datetime, float]]:
    """(hour, velocity at the end of that hour) for each completed UTC hour from the first seen
    hour (or the last `hours` hours) up to the last completed hour before `now`; empty while the
    first hour is still running. Equal to `velocity_at(trend, hour + 1 h)`, computed in one pass:
    this runs for every open trend on every clustering run."""
    if not trend.hourly:
        return []
    counts: dict[int, tuple[int, frozenset[str]]] = {}
    for bucket in trend.hourly:
        hour = int(bucket.hour.timestamp()) // 3600
        found = counts.get(hour)
        counts[hour] = ((bucket.articles, frozenset(bucket.sources)) if found is None
                        else (found[0] + bucket.articles, found[1] | frozenset(bucket.sources)))
    end = int(last_completed_hour(now).timestamp()) // 3600
    # A week is all the chart and the lifecycle read (a trend can hold one article years older
    # than the rest); the sums start _HISTORY_HOURS earlier, where older news weighs nothing.
    first = int(hour_floor(trend.first_seen).timestamp()) // 3600
    start = max(first, min(counts), end - MAX_SERIES_HOURS + 1)
    if hours is not None:
        start = max(start, end - hours + 1)
    if start > end:
        return []
    series: list[tuple[datetime, float]] = []
    for hour, value in _smoothed(counts, max(min(counts), start - _HISTORY_HOURS), end):
        if hour >= start:
            series.append((datetime.fromtimestamp(hour * 3600, UTC), value))
    return series


def _smoothed(counts: dict[int, tuple[int, frozenset[str]]], first: int,
              last: int) -> list[tuple[int, float]]:
    """Velocity at the end of each hour first..last (integer hours), by recurrence."""
    rate_step = math.pow(0.5, 1 / RATE_HALF_LIFE_HOURS)
    rate_new = math.pow(0.5, 0.5 / RATE_HALF_LIFE_HOURS)
    diversity_step = math.pow(0.5, 1 / DIVERSITY_HALF_LIFE_HOURS)
    diversity_new = math.pow(0.5, 0.5 / DIVERSITY_HALF_LIFE_HOURS)
    total = diversity = 0.0
    latest: dict[str, int] = {}
    values: list[tuple[int, float]] = []
    for hour in range(first, last + 1):
        total *= rate_step
        diversity *= diversity_step
        found = counts.get(hour)
        if found is not None:
            total += found[0] * rate_new
            for source in found[1]:
                before = latest.get(source)
                if before is not None:  # its earlier contribution is replaced by this hour's
                    diversity -= math.pow(0.5, (hour - before + 0.5) / DIVERSITY_HALF_LIFE_HOURS)
                diversity += diversity_new
                latest[source] = hour
        value = total * _RATE_SCALE * max(0.0, diversity)
        values.append((hour, round(value, 3) if value >= 0.0005 else 0.0))
    return values
