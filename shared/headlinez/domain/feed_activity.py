"""Per-feed article counters, kept on the feed state by ingest, read by feed health.

`/feeds/health` shows each feed's articles of the last 24 hours. Counting them from the
articles read every article item of the day (25 hourly Queries with the full document: 75-91 s
on a table of 20,000 articles). Instead ingest adds the articles it stored in a run to an hourly
counter on the feed state it writes anyway, and the health read takes the counts from the feed
states: one Query, whatever the number of articles.

Counters are keyed by UTC hour ("2026-02-18T04") and cover the current hour and the 23 before
(`COUNTER_HOURS`): "the last 24 hours" at hour granularity, so a count can include up to an hour
more than a sliding window would. A state keeps at most `COUNTER_HOURS` entries: older hours are
dropped whenever ingest writes it, and ignored at read time (a feed not polled for a day reads 0).
Counts only articles actually written (`save_new_articles` returns them): a retried run adds
nothing for the articles an earlier one stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

__all__ = ["COUNTER_HOURS", "articles_in_window", "count_ingested", "hour_bucket", "oldest_success_minutes"]

COUNTER_HOURS = 24


def hour_bucket(at: datetime) -> str:
    """The counter key of `at`'s UTC hour (sorts chronologically as a string)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H")


def _window(now: datetime) -> tuple[str, str]:
    return hour_bucket(now - timedelta(hours=COUNTER_HOURS - 1)), hour_bucket(now)


def count_ingested(counts: Mapping[str, int], at: datetime, new_articles: int) -> dict[str, int]:
    """`counts` with `new_articles` added to `at`'s hour, hours outside the window dropped."""
    first, last = _window(at)
    kept = {hour: n for hour, n in counts.items() if first <= hour <= last}
    if new_articles > 0:
        kept[last] = kept.get(last, 0) + new_articles
    return kept


def articles_in_window(counts: Mapping[str, int], now: datetime) -> int:
    """Articles counted in the current UTC hour of `now` and the `COUNTER_HOURS` - 1 before."""
    first, last = _window(now)
    return sum(n for hour, n in counts.items() if first <= hour <= last)


def oldest_success_minutes(last_successes: Iterable[datetime | None], now: datetime) -> float | None:
    """Minutes since the least recently successful feed last succeeded (a feed that never did is
    left out; None when none ever did): `OldestSuccessfulPollMinutes`, from a run's own results
    (ingest, a fan-out shard) or from every feed's state (dispatch)."""
    ages = [(now - success).total_seconds() / 60 for success in last_successes if success is not None]
    return round(max(ages), 1) if ages else None
