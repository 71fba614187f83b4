"""The process's clock: UTC wall time, or the local stack's simulated clock.

Deployed, `CLOCK` is the wall clock. The local stack (`headlinez up`, replay) runs the handlers in
its own process on a simulated clock and points `CLOCK` at it with `set_clock`; the brief steps
date their work by it and the cluster handler bounds the run time of its events by it.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from headlinez.models import as_utc
from headlinez.ports import Clock


class UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SwitchableClock:
    """Delegates to `target`, the wall clock unless the local stack set its simulated clock."""

    def __init__(self) -> None:
        self.target: Clock = UtcClock()

    def now(self) -> datetime:
        return self.target.now()


CLOCK = SwitchableClock()


def set_clock(clock: Clock) -> None:
    CLOCK.target = clock


def parse_timestamp(value: str) -> datetime:
    """An ISO 8601 time as UTC (naive means UTC): the `--now`/`--start`/... argument type of the
    command line and the evaluations, here so both import it from below."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        parsed = as_utc(parsed)
    except (ValueError, OverflowError) as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 timestamp: {value!r}") from exc
    # Clocks run forward from it and articles date back from it: a year at either end of the
    # calendar overflows one or the other (9999-12-31, 0001-01-01).
    if not 1971 <= parsed.year <= 9000:
        raise argparse.ArgumentTypeError(f"out of range: {value!r} (years 1971 to 9000)")
    return parsed
