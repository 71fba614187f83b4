"""The Tracing port on Powertools' Tracer: each service step is an X-Ray subsegment `## <name>`.

The services mark their steps through `headlinez.ports.Tracing` and import no Powertools; the
handlers wire this adapter with the Tracer they already create (`headlinez.observability.powertools`),
so the steps nest under the handler's own `## handler` subsegment, as `Tracer.capture_method` would
put them. With the Tracer disabled (tests, the local stack) the provider hands out dummy segments.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aws_lambda_powertools import Tracer


class PowertoolsTracing:
    """Implements headlinez.ports.Tracing with `tracer.provider.in_subsegment` (the X-Ray recorder)."""

    def __init__(self, tracer: Tracer) -> None:
        self._tracer = tracer

    @contextmanager
    def segment(self, name: str) -> Iterator[None]:
        # The recorder closes the subsegment on exit and records an exception that crosses it.
        with self._tracer.provider.in_subsegment(name=f"## {name}"):
            yield
