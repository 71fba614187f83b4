"""Issue 13 item 1: two `headlinez up` on one state directory never corrupt its saved state.

* a second instance on a held state directory exits non-zero, naming the holder;
* saves go through a unique temp file (fsync, replace), so concurrent writers never share one and
  a failed write leaves the previous file whole;
* each instance generates its own feed list (its own feed server's URLs).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.stack import REPO_ROOT, local_stack

from headlinez.local import stack as stack_module
from headlinez.local.stack import LocalStack, StackOptions
from headlinez.local.statedir import LOCK_FILE, StateDirBusyError, StateDirLock, read_holder, write_gzip_lines

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Loopback {n}</title><link>http://127.0.0.1/</link>
<description>crafted</description>{items}</channel></rss>
"""
ITEM = ("<item><title>Story {k} of feed {n}</title><link>http://127.0.0.1/{n}/{k}</link>"
        "<guid>{n}-{k}</guid><pubDate>Wed, 18 Feb 2026 0{h}:{m:02d}:00 GMT</pubDate>"
        "<description>Body of story {k}.</description></item>")


def make_feeds(folder: Path, feeds: int = 2, items: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(feeds):
        body = "".join(ITEM.format(k=k, n=n, h=k % 4, m=k % 60) for k in range(items))
        (folder / f"feed{n}.xml").write_text(RSS.format(n=n, items=body), encoding="utf-8")
    return folder


# --- the lock -----------------------------------------------------------------------------------


def test_second_up_on_one_state_dir_exits_naming_the_holder(tmp_path: Path) -> None:
    feeds, state = make_feeds(tmp_path / "feeds"), tmp_path / "state"
    args = ("--feeds-dir", str(feeds), "--cycles", "0", "--state-dir", str(state),
            "--now", "2026-02-18T04:00:00Z")

    with local_stack(*args) as first:
        # When a second instance starts on the same state directory
        second = subprocess.run(
            [sys.executable, "-m", "headlinez.cli", "up", "--port", "0", *args],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False,
        )
        # Then it exits non-zero and says who holds the folder
        assert second.returncode == 2, second.stdout + second.stderr
        assert f"state directory {state} is in use by headlinez pid {first.process.pid} on " in second.stderr
        assert "started 20" in second.stderr
        assert "Serving" not in second.stdout, "it never served anything"
        # And the first keeps serving
        assert first.get_json("/health")["version"]

    # Once the first has stopped, the folder is free again (the kernel dropped the lock)
    StateDirLock(state).acquire().release()


def test_up_whose_state_dir_was_removed_exits_with_a_clear_error(tmp_path: Path) -> None:
    feeds, state = make_feeds(tmp_path / "feeds"), tmp_path / "state"
    args = ("--feeds-dir", str(feeds), "--cycles", "0", "--state-dir", str(state),
            "--now", "2026-02-18T04:00:00Z")
    with local_stack(*args) as running:
        # When the state directory is removed while the stack runs, then the stack is stopped
        shutil.rmtree(state)
        running.process.send_signal(signal.SIGTERM)
        code = running.process.wait(timeout=60)
        running.wait_for(r"^error: ", timeout=10)
    # Then it exits non-zero with one line saying what was not saved, and no traceback
    output = running.output()
    assert code == 2, output
    assert f"error: could not save the local state to {state / 'table.jsonl.gz'}" in output
    assert "Traceback" not in output


def test_the_lock_names_its_holder_and_is_released(tmp_path: Path) -> None:
    held = StateDirLock(tmp_path).acquire()
    try:
        with pytest.raises(StateDirBusyError) as refused:
            StateDirLock(tmp_path).acquire()  # another open file description: refused like another process
        assert refused.value.holder is not None
        assert refused.value.holder.pid == os.getpid()
        assert read_holder(tmp_path / LOCK_FILE) == refused.value.holder
    finally:
        held.release()
    StateDirLock(tmp_path).acquire().release()


def test_a_lock_held_by_a_killed_process_is_free(tmp_path: Path) -> None:
    code = ("import sys, time; from pathlib import Path; from headlinez.local.statedir import StateDirLock;"
            "StateDirLock(Path(sys.argv[1])).acquire(); print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StateDirBusyError, match=f"pid {holder.pid} "):
            StateDirLock(tmp_path).acquire()
    finally:
        holder.kill()  # like kill -9: no clean-up runs
        holder.wait()
    StateDirLock(tmp_path).acquire().release()


# --- atomic saves -----------------------------------------------------------------------------------


def _fake_items(count: int) -> list[dict[str, Any]]:
    return [{"pk": {"S": f"ART#{n:06d}"}, "sk": {"S": "A"}, "doc": {"S": "x" * 200}} for n in range(count)]


def test_concurrent_saves_never_share_a_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given two stacks on one state directory (as two processes were) whose tables hold 2,000 items
    monkeypatch.setattr(stack_module, "_scan", lambda client: iter(_fake_items(2000)))
    import boto3

    monkeypatch.setattr(boto3, "client", lambda *args, **kwargs: None)
    stacks = [LocalStack(StackOptions(state_dir=tmp_path), out=sys.stdout) for _ in range(2)]
    errors: list[BaseException] = []

    def save_repeatedly(stack: LocalStack) -> None:
        try:
            for _ in range(15):
                stack.save_state()
        except BaseException as exc:
            errors.append(exc)

    # When both save at once, again and again
    threads = [threading.Thread(target=save_repeatedly, args=(stack,)) for stack in stacks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then no save failed, the file is whole, and no temp file is left behind
    assert errors == []
    with gzip.open(tmp_path / "table.jsonl.gz", "rt", encoding="utf-8") as handle:
        assert sum(1 for _ in handle) == 2000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.jsonl.gz"]


def test_a_save_leaves_out_what_dynamodb_would_have_expired(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # moto applies no TTL: a stack left running kept every article and trend it ever saw, and
    # rewrote them all after every cycle
    stack = LocalStack(StackOptions(state_dir=tmp_path), out=sys.stdout)
    now = stack.clock.now().timestamp()
    items = [{**item, "ttl": {"N": str(int(now + offset))}}
             for item, offset in zip(_fake_items(3), (-3600, 3600, 86_400), strict=True)]
    items.append(_fake_items(4)[3])  # no ttl: kept
    monkeypatch.setattr(stack_module, "_scan", lambda client: iter(items))
    import boto3

    monkeypatch.setattr(boto3, "client", lambda *args, **kwargs: None)
    stack.save_state()
    with gzip.open(tmp_path / "table.jsonl.gz", "rt", encoding="utf-8") as handle:
        kept = [json.loads(line)["pk"]["S"] for line in handle]
    assert kept == ["ART#000001", "ART#000002", "ART#000003"]


def test_a_failed_save_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "table.jsonl.gz"
    write_gzip_lines(target, ["one\n", "two\n"])

    def failing() -> Any:
        yield "three\n"
        raise RuntimeError("scan failed")

    with pytest.raises(RuntimeError):
        write_gzip_lines(target, failing())

    with gzip.open(target, "rt", encoding="utf-8") as handle:
        assert handle.read() == "one\ntwo\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.jsonl.gz"]


def test_a_save_into_a_removed_state_dir_is_a_clear_error(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a stack whose state directory was removed while it ran
    monkeypatch.setattr(stack_module, "_scan", lambda client: iter(_fake_items(3)))
    import boto3

    monkeypatch.setattr(boto3, "client", lambda *args, **kwargs: None)
    state = tmp_path / "state"
    stack = LocalStack(StackOptions(state_dir=state), out=io.StringIO())
    # When it saves (as `stop` does)
    with pytest.raises(stack_module.LocalStackError) as caught:
        stack.save_state()
    # Then the error says where and what to check, not a traceback from the temp-file rename
    message = str(caught.value)
    assert f"could not save the local state to {state / 'table.jsonl.gz'}" in message
    assert "is the state directory still there and writable?" in message


@pytest.mark.parametrize("bad_line", ['{"pk": {"S": "x"}, "sk": {"S": bad}}\n', "[1, 2]\n", "\u0000\n"])
def test_an_unreadable_state_file_is_left_as_it_was(tmp_path: Path, bad_line: str) -> None:
    # Given a saved state of three items, then one line that is no item
    feeds, state = make_feeds(tmp_path / "feeds"), tmp_path / "state"
    state.mkdir()
    good = [json.dumps({"pk": {"S": f"FEED#f{n}"}, "sk": {"S": "STATE"}}) + "\n" for n in range(3)]
    write_gzip_lines(state / "table.jsonl.gz", [*good, bad_line])
    before = (state / "table.jsonl.gz").read_bytes()

    # When `headlinez up` starts on it (in its own process: the stack sets the process's
    # environment, clock and loggers for the handlers it runs)
    run = subprocess.run(
        [sys.executable, "-m", "headlinez.cli", "up", "--port", "0", "--feeds-dir", str(feeds),
         "--cycles", "0", "--state-dir", str(state), "--now", "2026-02-18T04:00:00Z"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )

    # Then it exits 2 naming the line, says the file is kept, and the file is the same bytes
    assert run.returncode == 2, run.stdout + run.stderr
    assert "line 4" in run.stderr
    assert "it is left as it is: move it away to start empty" in run.stderr
    assert (state / "table.jsonl.gz").read_bytes() == before


# --- generated files ------------------------------------------------------------------------------


def test_each_instance_generates_its_own_feed_list(tmp_path: Path) -> None:
    feeds, state = make_feeds(tmp_path / "feeds"), tmp_path / "state"
    state.mkdir()
    options = StackOptions(state_dir=state, feeds_dir=feeds, persist=False)
    stacks = [LocalStack(options, io.StringIO()) for _ in range(2)]
    try:
        files = [stack._prepare_feeds() for stack in stacks]

        assert files[0] != files[1]
        for stack, path in zip(stacks, files, strict=True):
            assert stack._feed_server is not None
            assert stack._feed_server.base_url in path.read_text(encoding="utf-8")
    finally:
        for stack in stacks:
            stack.stop()
    assert not any(state.glob("feeds-local*")), "removed on stop"


def test_no_persist_writes_nothing_into_the_state_dir(tmp_path: Path) -> None:
    # "start empty and save nothing": not the state folder, not even the generated feed list
    feeds, state = make_feeds(tmp_path / "feeds"), tmp_path / "state"
    with local_stack("--feeds-dir", str(feeds), "--cycles", "1", "--state-dir", str(state), "--no-persist",
                     "--now", "2026-02-18T04:00:00Z") as running:
        assert running.get_json("/health")["version"]
        assert not state.exists()
    assert not state.exists()
