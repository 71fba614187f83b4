"""Issue 9 §1 timings of the local stack's replay, side by side: this checkout against a git revision.

    .venv/bin/python benchmarks/replay_time.py [--against REV] [--rounds 2] [--two-days]
        [--page-at 20] [--feeds-dir ../shared/data/feeds/fastfeedparser/benchmark_data/files]

Each run is `headlinez up` in a new process with a new state folder (so a cold embedding cache, as
on a new machine), on the snapshot's feed folder served on 127.0.0.1, stopped with SIGINT once it
prints "replay: done". Default: the offline default's replay (the last 36 hours up to the
snapshot's newest item, hourly steps, what `headlinez up` runs offline); `--two-days`: the whole
two days in 15-minute steps (the issue's "under 2 minutes, under 1 GB"). With `--against REV` the
revision is checked out in a temporary git worktree and its `shared/` and `functions/` run with
this checkout's virtualenv; the versions alternate, `--rounds` times each, in the opposite order
every other round (A B, B A, ...: a machine that slows down or speeds up during the runs then
favours neither; with A B A B the second version always ran later), so use an even `--rounds`.

Printed per run: seconds from the command to "Serving" and to the first step, the replay time
the API shows `--page-at` seconds after the command with its statuses (the first page a newcomer
opens), seconds to "replay: done", and the process's peak RSS (VmHWM). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the e2e helper that stops a `headlinez up` process

from tests.e2e.stack import stop  # noqa: E402

DEFAULT_FEEDS = REPO.parent / "shared" / "data" / "feeds" / "fastfeedparser" / "benchmark_data" / "files"
OFFLINE_DEFAULT = ("2026-02-16T15:12:00Z", "2026-02-18T03:12:00Z", 60)  # cli._replay_snapshot's window
TWO_DAYS = ("2026-02-16T03:15:00Z", "2026-02-18T03:15:00Z", 15)
SERVING = re.compile(r"Serving (http://127\.0\.0\.1:\d+)/trends")
STEP = re.compile(r"\[replay (\S+ \S+)Z\] step (\d+)/(\d+)")


@dataclass
class Run:
    version: str
    serving: float | None = None
    first_step: float | None = None
    done: float | None = None
    peak_rss_mb: float | None = None
    page_time: str = "-"
    page: dict[str, int] = field(default_factory=dict)
    error: str = ""


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _page(base_url: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{base_url}/trends?limit=30", timeout=10) as response:
        items = json.load(response)["items"]
    counts = collections.Counter(item["status"] for item in items)
    counts["moving"] = sum(1 for item in items if item["velocity"] > 0)
    counts["trends"] = len(items)
    return dict(counts)


def run_order(versions: list[tuple[str, Path]], rounds: int) -> list[tuple[int, tuple[str, Path]]]:
    """(round, version) in the order they run: every other round reversed (A B, B A, A B, ...)."""
    order: list[tuple[int, tuple[str, Path]]] = []
    for number in range(1, rounds + 1):
        this_round = versions if number % 2 else list(reversed(versions))
        order.extend((number, version) for version in this_round)
    return order


def run_once(version: str, code: Path, feeds: Path, window: tuple[str, str, int], page_at: float,
             timeout: float) -> Run:
    run = Run(version)
    state = Path(tempfile.mkdtemp(prefix="replay-time-"))
    env = dict(os.environ, PYTHONPATH=str(code / "shared"), PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "headlinez.cli", "up", "--port", "0", "--state-dir", str(state),
               "--feeds-dir", str(feeds), "--replay-from", window[0], "--replay-to", window[1],
               "--replay-step-minutes", str(window[2])]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=code, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    last_step = ["-"]
    base_url: list[str] = []
    done = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            now = time.monotonic() - started
            if (serving := SERVING.search(line)) and run.serving is None:
                run.serving, base_url[:] = now, [serving.group(1)]
            if step := STEP.search(line):
                last_step[0] = step.group(1)
                if run.first_step is None:
                    run.first_step = now
            if "replay: done" in line:
                run.done = now
                done.set()
            if "replay failed" in line or line.startswith("error:"):
                run.error = line.strip()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        time.sleep(max(0.0, page_at - (time.monotonic() - started)))
        if base_url:
            run.page_time = last_step[0]
            try:
                run.page = _page(base_url[0])
            except OSError as exc:
                run.error = f"page at {page_at:.0f} s: {exc}"
        if not done.wait(timeout):
            run.error = run.error or f"no 'replay: done' within {timeout:.0f} s"
        run.peak_rss_mb = _peak_rss_mb(process.pid)
    finally:
        stop(process, signal.SIGINT)  # Ctrl+C, as a newcomer stops it
        reader.join(timeout=5)
        shutil.rmtree(state, ignore_errors=True)
    return run


def _worktree(revision: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="replay-time-rev-"))
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(folder), revision],  # noqa: S607
                   check=True)
    return folder


def _fmt(value: float | None, unit: str = " s") -> str:
    return "-" if value is None else f"{value:.1f}{unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", metavar="REV", help="also time this git revision, alternating")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--two-days", action="store_true", help="the whole two days, 15-minute steps")
    parser.add_argument("--page-at", type=float, default=20.0, help="seconds after the command")
    parser.add_argument("--feeds-dir", type=Path, default=DEFAULT_FEEDS)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    if not args.feeds_dir.is_dir():
        print(f"error: no feed folder at {args.feeds_dir} (the kit's ../shared/data)", file=sys.stderr)
        return 2
    window = TWO_DAYS if args.two_days else OFFLINE_DEFAULT
    versions = [("this checkout", REPO)]
    worktree = None
    if args.against:
        worktree = _worktree(args.against)
        versions.insert(0, (args.against, worktree))
    print(f"replay {window[0]} -> {window[1]}, a step every {window[2]} min; {args.rounds} round(s); "
          f"page read {args.page_at:.0f} s after the command", flush=True)
    runs: list[Run] = []
    try:
        for round_number, (name, code) in run_order(versions, args.rounds):
            run = run_once(name, code, args.feeds_dir, window, args.page_at, args.timeout)
            runs.append(run)
            statuses = ", ".join(f"{k} {v}" for k, v in sorted(run.page.items()))
            print(f"  round {round_number} {name:>14}: serving {_fmt(run.serving)}, first step "
                  f"{_fmt(run.first_step)}, done {_fmt(run.done)}, "
                  f"peak RSS {_fmt(run.peak_rss_mb, ' MB')}; "
                  f"at {args.page_at:.0f} s the page shows {run.page_time}Z: {statuses or '-'}"
                  + (f"  [{run.error}]" if run.error else ""), flush=True)
    finally:
        if worktree is not None:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(worktree)],  # noqa: S607
                           check=False)
    print("median seconds to 'replay: done':")
    for name, _ in versions:
        times = [r.done for r in runs if r.version == name and r.done is not None]
        print(f"  {name:>14}: {statistics.median(times):.1f} s over {len(times)} run(s)" if times
              else f"  {name:>14}: no run finished")
    return 1 if any(r.error for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
