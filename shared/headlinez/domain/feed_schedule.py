"""When to poll a feed next: adaptive interval, polite minimum, Retry-After and exponential backoff.

Adaptive polling: after a successful poll the next one waits `interval_share` (half) of the feed's
observed update interval (the smoothed median gap between its newest entries), at least what the
publisher declares (Cache-Control max-age, RSS `<ttl>`, `sy:updatePeriod`/`sy:updateFrequency`),
clamped to [`min_interval`, `max_interval`]; with `adaptive=False` every success waits
`min_interval`. A feed posting every 5 minutes is polled every cycle;
one posting twice a day every `max_interval`. Errors back off exponentially (Retry-After honoured).
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from headlinez.models import FeedConfig, FeedState


@dataclass(frozen=True)
class PollPolicy:
    min_interval: timedelta = timedelta(minutes=10)
    error_base: timedelta = timedelta(minutes=15)
    max_backoff: timedelta = timedelta(hours=24)
    max_retry_after: timedelta = timedelta(hours=24)  # a hostile Retry-After must not park a feed forever
    adaptive: bool = False  # False: every success waits min_interval (the single-process ingest)
    max_interval: timedelta = timedelta(hours=2)  # a slow feed is still polled this often
    interval_share: float = 0.5  # poll at half the observed update interval
    smoothing: float = 0.5  # weight of the newest observation of the update interval


OBSERVED_ENTRIES = 20  # the newest entries whose gaps estimate a feed's update interval
_SY_PERIODS = {"hourly": 3600, "daily": 86_400, "weekly": 604_800, "monthly": 2_592_000,
               "yearly": 31_536_000}
_TTL = re.compile(rb"<ttl>\s*(\d{1,6})\s*</ttl>", re.IGNORECASE)
_SY_PERIOD = re.compile(rb"<sy:updatePeriod>\s*([a-z]+)\s*</sy:updatePeriod>", re.IGNORECASE)
_SY_FREQUENCY = re.compile(rb"<sy:updateFrequency>\s*(\d{1,4})\s*</sy:updateFrequency>", re.IGNORECASE)
_HEAD_BYTES = 65_536  # channel-level elements come before the items


def is_due(state: FeedState | None, now: datetime) -> bool:
    return state is None or state.next_attempt_at is None or state.next_attempt_at <= now


def error_backoff(consecutive_errors: int, policy: PollPolicy) -> timedelta:
    """15 min, 30 min, 1 h, ... capped: the n-th consecutive error waits base * 2^(n-1)."""
    exponent = max(0, min(consecutive_errors - 1, 16))
    wait: timedelta = policy.error_base * (2**exponent)
    return min(wait, policy.max_backoff)


def select_due(feeds: Iterable[FeedConfig], states: dict[str, FeedState], now: datetime
               ) -> tuple[list[FeedConfig], list[FeedConfig]]:
    """(due, not due) at `now`; the due ones ordered never polled first, then longest waiting."""
    due: list[FeedConfig] = []
    not_due: list[FeedConfig] = []
    for feed in feeds:
        (due if is_due(states.get(feed.id), now) else not_due).append(feed)
    due.sort(key=lambda f: (_waiting_since(states.get(f.id)), f.id))
    return due, not_due


def _waiting_since(state: FeedState | None) -> float:
    if state is None or state.last_attempt_at is None:
        return float("-inf")
    return state.last_attempt_at.timestamp()


def posting_interval(times: Iterable[datetime]) -> timedelta | None:
    """Median gap between the newest `OBSERVED_ENTRIES` distinct entry times (None under 3)."""
    newest = sorted(set(times), reverse=True)[:OBSERVED_ENTRIES]
    if len(newest) < 3:
        return None
    gaps = [(a - b).total_seconds() for a, b in itertools.pairwise(newest)]
    return timedelta(seconds=statistics.median(gaps))


def declared_interval(body: bytes, cache_max_age: float | None = None) -> timedelta | None:
    """The longest interval the publisher declares: Cache-Control max-age, RSS `<ttl>` (minutes),
    `sy:updatePeriod` / `sy:updateFrequency` (times per period). None when nothing is declared."""
    head = body[:_HEAD_BYTES]
    seconds: list[float] = [cache_max_age] if cache_max_age else []
    if ttl := _TTL.search(head):
        seconds.append(int(ttl.group(1)) * 60.0)
    if period := _SY_PERIOD.search(head):
        length = _SY_PERIODS.get(period.group(1).decode("ascii").lower())
        frequency = _SY_FREQUENCY.search(head)
        times = max(1, int(frequency.group(1))) if frequency else 1
        if length is not None:
            seconds.append(length / times)
    positive = [s for s in seconds if s > 0]
    return timedelta(seconds=max(positive)) if positive else None


def observe(state: FeedState, *, entry_times: Sequence[datetime], declared: timedelta | None,
            policy: PollPolicy) -> FeedState:
    """The state with this poll's observation of the update interval folded in (smoothed)."""
    update: dict[str, float | None] = {"declared_interval_seconds":
                                       declared.total_seconds() if declared is not None else None}
    observed = posting_interval(entry_times)
    if observed is not None:
        previous = state.observed_interval_seconds
        value = observed.total_seconds()
        if previous is not None:
            value = policy.smoothing * value + (1 - policy.smoothing) * previous
        update["observed_interval_seconds"] = round(value, 1)
    return state.model_copy(update=update)


def poll_interval(state: FeedState, policy: PollPolicy) -> timedelta:
    """How long after a successful poll the next one is due (see the module docstring)."""
    wait = policy.min_interval
    if not policy.adaptive:
        return wait
    if state.observed_interval_seconds is not None:
        wait = max(wait, timedelta(seconds=state.observed_interval_seconds * policy.interval_share))
    if state.declared_interval_seconds is not None:
        wait = max(wait, timedelta(seconds=state.declared_interval_seconds))
    return max(policy.min_interval, min(wait, policy.max_interval))


def after_success(state: FeedState, now: datetime, policy: PollPolicy) -> FeedState:
    return state.model_copy(update={
        "last_attempt_at": now, "last_success_at": now, "consecutive_errors": 0,
        "next_attempt_at": now + poll_interval(state, policy),
    })


def after_error(state: FeedState, now: datetime, reason: str, policy: PollPolicy,
                retry_after_seconds: float | None = None) -> FeedState:
    errors = state.consecutive_errors + 1
    wait = error_backoff(errors, policy)
    if retry_after_seconds is not None:
        wait = max(wait, min(timedelta(seconds=retry_after_seconds), policy.max_retry_after))
    return state.model_copy(update={
        "last_attempt_at": now, "last_error": reason, "last_error_at": now,
        "consecutive_errors": errors, "total_errors": state.total_errors + 1,
        "next_attempt_at": now + wait,
    })
