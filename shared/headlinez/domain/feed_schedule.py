"""When to poll a feed next: polite minimum interval, Retry-After and exponential backoff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from headlinez.models import FeedState


@dataclass(frozen=True)
class PollPolicy:
    min_interval: timedelta = timedelta(minutes=10)
    error_base: timedelta = timedelta(minutes=15)
    max_backoff: timedelta = timedelta(hours=24)
    max_retry_after: timedelta = timedelta(hours=24)  # a hostile Retry-After must not park a feed forever


def is_due(state: FeedState | None, now: datetime) -> bool:
    return state is None or state.next_attempt_at is None or state.next_attempt_at <= now


def error_backoff(consecutive_errors: int, policy: PollPolicy) -> timedelta:
    """15 min, 30 min, 1 h, ... capped: the n-th consecutive error waits base * 2^(n-1)."""
    exponent = max(0, min(consecutive_errors - 1, 16))
    wait: timedelta = policy.error_base * (2**exponent)
    return min(wait, policy.max_backoff)


def after_success(state: FeedState, now: datetime, policy: PollPolicy) -> FeedState:
    return state.model_copy(update={
        "last_attempt_at": now, "last_success_at": now, "consecutive_errors": 0,
        "next_attempt_at": now + policy.min_interval,
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
