"""The local stack's state directory: one owner at a time, and files replaced atomically.

* `StateDirLock` is an exclusive, non-blocking `flock` on `<state dir>/.lock`. The holder writes
  who it is (pid, host, start time) into the file, so a second `headlinez up` on the same folder
  can say who holds it and exit. The kernel drops the lock when its process ends, even on
  `kill -9`, so a stale lock file never blocks anyone (the file itself stays: deleting it would
  let two processes lock two different files).
* `write_gzip_lines` writes a unique temp file in the target's folder, fsyncs it, `os.replace`s
  the target and fsyncs the folder: a reader sees the old file or the new one, never half a file,
  and two writers never share a temp file.

POSIX only (`fcntl`), like the rest of the local stack.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import json
import os
import socket
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

LOCK_FILE = ".lock"


class StateDirBusyError(RuntimeError):
    """Another process holds the state directory."""

    def __init__(self, folder: Path, holder: LockHolder | None) -> None:
        who = holder.describe() if holder else "a process that has not yet said who it is"
        super().__init__(f"state directory {folder} is in use by {who}; stop it, or pass another "
                         "--state-dir (or --no-persist)")
        self.folder = folder
        self.holder = holder


@dataclass(frozen=True, slots=True)
class LockHolder:
    pid: int
    host: str
    started_at: str

    def describe(self) -> str:
        return f"headlinez pid {self.pid} on {self.host}, started {self.started_at}"


class StateDirLock:
    """An exclusive lock on one state directory, held until `release` (or the process ends)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> StateDirLock:
        """Take the lock or raise `StateDirBusyError` naming the holder; never waits."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StateDirBusyError(self.folder, read_holder(self.path)) from None
        except BaseException:
            os.close(fd)
            raise
        holder = {"pid": os.getpid(), "host": socket.gethostname(),
                  "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(holder) + "\n").encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # nobody holds it now (the lock, not the file, is what counts)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def read_holder(path: Path) -> LockHolder | None:
    """Who wrote the lock file (None when it is empty, being written, or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
        return LockHolder(pid=int(data["pid"]), host=str(data["host"]), started_at=str(data["started_at"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def write_gzip_lines(target: Path, lines: Iterable[str]) -> None:
    """Replace `target` with a gzip file of `lines`, atomically and durably (see the module doc)."""
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            with gzip.GzipFile(filename=target.name, mode="wb", fileobj=raw) as handle:
                for line in lines:
                    handle.write(line.encode("utf-8"))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_directory(target.parent)


def _fsync_directory(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
