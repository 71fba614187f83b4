"""Issue 13 item 8: SIGTERM during a cycle lets the cycle finish (or cancels it), then stops.

Before, `stop` tore the servers down under a running cycle: its feed fetches and brief
executions failed, and the process could exit before the cycle saved its state.
"""

from __future__ import annotations

import gzip
import io
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from tests.e2e.stack import REPO_ROOT, RunningStack
from tests.integration.test_state_dir import make_feeds

from headlinez.local.stack import LocalStack, StackOptions


class _Server:
    def __init__(self, name: str, events: list[str]) -> None:
        self.name, self.events = name, events

    def stop(self) -> None:
        self.events.append(f"{self.name} stopped")


def _stack_with_fake_servers(tmp_path: Path, events: list[str], grace: float) -> LocalStack:
    stack = LocalStack(StackOptions(state_dir=tmp_path, persist=False, cycles=1,
                                    shutdown_grace=timedelta(seconds=grace)), io.StringIO())
    stack._api = _Server("api", events)  # type: ignore[assignment]
    stack._lambda = _Server("lambda", events)  # type: ignore[assignment]
    stack._feed_server = _Server("feeds", events)  # type: ignore[assignment]
    return stack


def test_stop_waits_for_the_running_cycle_before_stopping_servers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    stack = _stack_with_fake_servers(tmp_path, events, grace=30)
    started = threading.Event()

    def slow_cycle() -> None:
        started.set()
        time.sleep(0.5)
        events.append("cycle ended")
        stack.cycles_done += 1

    monkeypatch.setattr(stack, "run_cycle", slow_cycle)
    scheduler = threading.Thread(target=stack.run_schedules, daemon=True)
    scheduler.start()
    assert started.wait(5)

    # When the stack is stopped (what SIGTERM leads to) in the middle of the cycle
    stack.request_stop()
    stack.stop()

    # Then the cycle ended first, and only then were the servers stopped
    assert events == ["cycle ended", "api stopped", "lambda stopped", "feeds stopped"]
    scheduler.join(5)
    assert not scheduler.is_alive()


def test_a_cycle_past_the_grace_period_has_its_briefs_cancelled_then_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    stack = _stack_with_fake_servers(tmp_path, events, grace=0.2)
    started, cancelled = threading.Event(), threading.Event()

    def cycle_waiting_for_briefs() -> None:
        started.set()
        cancelled.wait(10)  # like _report_briefs waiting for executions until they are aborted
        events.append("cycle ended")

    def cancel() -> None:
        events.append("briefs cancelled")
        cancelled.set()

    monkeypatch.setattr(stack, "run_cycle", cycle_waiting_for_briefs)
    monkeypatch.setattr(stack, "_cancel_briefs", cancel)
    threading.Thread(target=stack.run_schedules, daemon=True).start()
    assert started.wait(5)

    stack.request_stop()
    stack.stop()

    assert events[:2] == ["briefs cancelled", "cycle ended"]
    assert events[2:] == ["api stopped", "lambda stopped", "feeds stopped"]
    assert "cancelling its brief executions" in stack.out.getvalue()  # type: ignore[attr-defined]


def test_sigterm_during_a_cycle_finishes_it_then_exits_cleanly(tmp_path: Path) -> None:
    feeds, state = make_feeds(tmp_path / "feeds", feeds=4, items=10), tmp_path / "state"
    command = [sys.executable, "-m", "headlinez.cli", "up", "--port", "0", "--feeds-dir", str(feeds),
               "--all-files", "--now", "2026-02-18T04:00:00Z", "--state-dir", str(state)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    stack = RunningStack(process)
    try:
        # Given a stack whose first cycle has just started (the scheduler starts before "Serving")
        stack.wait_for(r"Serving http://127\.0\.0\.1:\d+/ ", timeout=60)
        assert "cycle 1 complete" not in stack.output()
        # When it gets SIGTERM
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    time.sleep(0.2)  # the reader thread drains stdout
    output = stack.output()

    # Then the cycle ran to its end, with no feed error, before the process exited cleanly
    assert returncode == 0, output
    assert "cycle 1 complete" in output, output
    assert "cycle failed" not in output
    assert " 0 errors;" in output, output
    # (the crafted stories are one trend of 4 newsrooms: its brief ran on the Lambda server)
    assert re.search(r"briefs: [1-9]\d* published, \d+ not needed, 0 failed", output), output
    with gzip.open(state / "table.jsonl.gz", "rt", encoding="utf-8") as handle:
        assert sum(1 for _ in handle) > 4 * 10, "the cycle's articles were saved"
