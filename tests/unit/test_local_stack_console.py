"""The local stack's console: lines said from several threads never interleave."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from headlinez.local.stack import LocalStack, StackOptions


class _CharByCharOut:
    """A console that writes a character at a time and yields between them, as a slow terminal
    would let another thread in: unguarded writers interleave on it."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        for char in text:
            self.text += char
            time.sleep(0)
        return len(text)

    def flush(self) -> None:
        return


def test_lines_said_from_several_threads_stay_whole(tmp_path: Path) -> None:
    out = _CharByCharOut()
    stack = LocalStack(StackOptions(state_dir=tmp_path), out)  # type: ignore[arg-type]
    lines = {name: f"[{name}] " + "x" * 40 for name in ("replay", "serving", "briefs", "stopping")}

    def say_often(line: str) -> None:
        for _ in range(20):
            stack.say(line)

    threads = [threading.Thread(target=say_often, args=(line,)) for line in lines.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    said = out.text.splitlines()
    assert len(said) == 80
    assert set(said) == set(lines.values())
