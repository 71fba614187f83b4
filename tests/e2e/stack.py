"""Run `headlinez up` as a subprocess and wait until its first cycle is done."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
_SERVING = re.compile(r"Serving (http://127\.0\.0\.1:\d+)/ ")


class RunningStack:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self.base_url = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if regex.search(line):
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        output = "\n".join(self.lines)
        raise AssertionError(f"no line matching {pattern!r} within {timeout}s; output:\n{output}")

    def get_json(self, path: str) -> Any:
        with urllib.request.urlopen(self.base_url + path, timeout=30) as response:
            return json.loads(response.read())

    def output(self) -> str:
        return "\n".join(self.lines)


def stop(process: subprocess.Popen[str], sig: int, grace: float = 60) -> None:
    """Ask the stack to stop (it finishes its cycle and saves), then kill it past `grace` seconds."""
    process.send_signal(sig)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def local_stack(*args: str, timeout: float = 240) -> Iterator[RunningStack]:
    """Start the stack on a free port; yield once the first ingest+cluster cycle finished."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "headlinez.cli", "up", "--port", "0", *args]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    stack = RunningStack(process)
    try:
        serving = stack.wait_for(r"Serving http://127\.0\.0\.1:\d+/ ", timeout=60)
        match = _SERVING.search(serving)
        assert match is not None
        stack.base_url = match.group(1)
        if "--cycles" not in args or args[args.index("--cycles") + 1] != "0":
            stack.wait_for(r"cycle \d+ complete", timeout=timeout)  # briefs published, state saved
        yield stack
    finally:
        if process.poll() is None:
            stop(process, signal.SIGTERM)
