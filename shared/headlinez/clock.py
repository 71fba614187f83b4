"""The process's clock: UTC wall time, or the local stack's simulated clock.

Deployed, `CLOCK` is the wall clock. The local stack (`headlinez up`, replay) runs the handlers in
its own process on a simulated clock and points `CLOCK` at it with `set_clock`; the brief steps
date their work by it and the cluster handler bounds the run time of its events by it.
"""

from __future__ import annotations

from datetime import UTC, datetime

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
