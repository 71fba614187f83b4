"""The wait a `Retry-After` header asks for: one reading for feed servers and the model API."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_SECONDS = re.compile(r"\d+(?:\.\d+)?")


def retry_after_seconds(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value: delta-seconds (RFC 9110 §10.2.3; a decimal is
    read too, as some APIs send one) or an HTTP-date, compared with `now`.

    Dates in the past give 0; anything unreadable (words, negative or non-finite numbers) gives
    None, so a hostile "inf" can never become an endless wait.
    """
    text = (value or "").strip()
    if not text:
        return None
    seconds = delta_seconds(text)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def delta_seconds(value: str | None) -> float | None:
    """A non-negative, finite number of seconds (or milliseconds, as the caller's header says),
    else None."""
    text = (value or "").strip()
    if not _SECONDS.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


__all__ = ["delta_seconds", "retry_after_seconds"]
