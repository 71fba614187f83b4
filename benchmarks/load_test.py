"""Load test of the local stack's public API: N concurrent clients for T seconds on 127.0.0.1.

Starts `headlinez up` (offline: the feed snapshot, one ingest + clustering cycle, no state saved)
in a subprocess, waits for its first cycle, then runs `--clients` threads, each with its own
keep-alive connection, requesting a mix of the public read paths in a loop for `--seconds`:
the ranked list (JSON, a category, a second page size), the home page, a trend's JSON and page,
feed health, search and the RSS feed. Every third request of a path repeats with the ETag it got
(`If-None-Match`, as a browser or CloudFront revalidates): those are 304s. Prints requests/s,
p50/p90/p99/max latency overall and per path, and the error count (anything but 200/304, or a
failed connection).

    .venv/bin/python benchmarks/load_test.py [--clients 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = REPO.parent / "shared" / "data" / "feeds" / "fastfeedparser" / "benchmark_data" / "files"
SERVING = re.compile(r"Serving http://127\.0\.0\.1:(\d+)/trends")


def start_stack(state_dir: Path) -> tuple[subprocess.Popen[str], int, list[str]]:
    command = [sys.executable, "-m", "headlinez.cli", "up", "--port", "0", "--feeds-dir", str(SNAPSHOT),
               "--now", "2026-02-18T04:00:00Z", "--cycles", "1", "--no-persist",
               "--state-dir", str(state_dir)]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []
    port = 0
    assert process.stdout is not None
    deadline = time.monotonic() + 600
    for line in process.stdout:
        lines.append(line.rstrip())
        if match := SERVING.search(line):
            port = int(match.group(1))
        if "cycle 1 complete" in line or time.monotonic() > deadline:
            break
    threading.Thread(target=_drain, args=(process,), daemon=True).start()
    if not port:
        raise RuntimeError("the stack did not start:\n" + "\n".join(lines))
    return process, port, lines


def _drain(process: subprocess.Popen[str]) -> None:
    """Keep reading the stack's output so it never blocks on a full pipe."""
    assert process.stdout is not None
    for _line in process.stdout:
        pass


def paths_for(port: int) -> list[str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/trends?limit=5")
    trends = json.loads(connection.getresponse().read())
    items = trends.get("items") or []
    trend_id = items[0]["id"] if items else None
    connection.close()
    paths = ["/trends", "/trends?limit=50", "/trends?category=world", "/", "/feeds/health",
             "/search?q=iran", "/trends.rss"]
    if trend_id:
        paths += [f"/trends/{trend_id}", f"/trend/{trend_id}"]
    return paths


def client(port: int, paths: list[str], stop: float, offset: int,
           results: list[tuple[str, float, int]]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    etags: dict[str, str] = {}
    n = offset
    while time.monotonic() < stop:
        path = paths[n % len(paths)]
        headers = {"If-None-Match": etags[path]} if path in etags and n % 3 == 0 else {}
        n += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("ETag"):
                etags[path] = response.getheader("ETag") or ""
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        results.append((path, time.perf_counter() - started, status))
    connection.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as state_dir:
        process, port, _ = start_stack(Path(state_dir))
        try:
            paths = paths_for(port)
            results: list[tuple[str, float, int]] = []
            stop = time.monotonic() + args.seconds
            threads = [threading.Thread(target=client, args=(port, paths, stop, i, results))
                       for i in range(args.clients)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.monotonic() - started
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=120)
    latencies = [r[1] * 1000 for r in results]
    errors = [r for r in results if r[2] not in (200, 304)]
    not_modified = sum(1 for r in results if r[2] == 304)
    print(f"load test: {args.clients} clients x {args.seconds:.0f}s against the local stack "
          f"(offline snapshot, one cycle) on 127.0.0.1")
    print(f"{len(results)} requests in {wall:.1f}s = {len(results) / wall:.0f} req/s; "
          f"{not_modified} answered 304 "
          f"(If-None-Match); errors: {len(errors)}")
    print(f"latency ms: p50 {statistics.median(latencies):.0f}, p90 {percentile(latencies, 0.9):.0f}, "
          f"p99 {percentile(latencies, 0.99):.0f}, max {max(latencies):.0f}")
    by_path: dict[str, list[float]] = defaultdict(list)
    for path, seconds, _ in results:
        by_path[re.sub(r"/[0-9a-f]{12,}", "/{id}", path)].append(seconds * 1000)
    for path, values in sorted(by_path.items()):
        print(f"  {path:<28} {len(values):>6} requests  p50 {statistics.median(values):>5.0f}  "
              f"p99 {percentile(values, 0.99):>5.0f} ms")
    if errors:
        print("first errors:", errors[:5])
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
