"""The unit tier (`make unit`): no network, no moto, no subprocess (issue 11 §8).

A unit test that connects a socket (even to 127.0.0.1), starts moto or starts a process fails
here, naming what it did; such a test belongs in tests/integration. These guards fail the test
with `pytest.fail`, which no `except Exception` in the code under test can swallow.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any, NoReturn

import pytest

_WHERE = "unit tests run without it: move the test to tests/integration"


def _no_connect(self: socket.socket, address: Any) -> NoReturn:
    pytest.fail(f"a unit test connected a socket to {address!r} ({_WHERE})")


def _no_process(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> NoReturn:
    pytest.fail(f"a unit test started a process {args!r} ({_WHERE})")


def _no_spawn(*args: Any, **kwargs: Any) -> NoReturn:
    pytest.fail(f"a unit test started a process {args[:1]!r} ({_WHERE})")


def _no_moto(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    pytest.fail(f"a unit test started moto (mock_aws) ({_WHERE})")


@pytest.fixture(autouse=True)
def _unit_tier_guards(monkeypatch: pytest.MonkeyPatch) -> None:
    # No network: every connect fails (the root conftest's loopback allowance does not apply here).
    monkeypatch.setattr(socket.socket, "connect", _no_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _no_connect)
    # No subprocess: subprocess.run/call/check_output/Popen all start through _execute_child;
    # os.system and the os spawn/exec/fork calls do not.
    monkeypatch.setattr(subprocess.Popen, "_execute_child", _no_process)
    for name in ("system", "fork", "forkpty", "posix_spawn", "posix_spawnp", "execv", "execve",
                 "spawnv", "spawnve", "popen"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, _no_spawn)
    # No moto: mock_aws(), as a decorator or a context manager, starts through MockAWS.start.
    # Patched once moto is imported (a test module importing it at the top, as they do); importing
    # moto here only to patch it would cost every worker ~0.5 s, so a test that first imports moto
    # inside its own body is not caught (the `dynamodb_table` fixture below is).
    moto_models = sys.modules.get("moto.core.models")
    if moto_models is not None:
        monkeypatch.setattr(moto_models.MockAWS, "start", _no_moto)


@pytest.fixture(autouse=True)
def _no_moto_imported_inside_a_test() -> Iterator[None]:
    # A test that imports moto inside its body escapes the MockAWS.start patch above; nothing in
    # the code under test imports moto, so its arrival during a test names that test.
    before = "moto" in sys.modules
    yield
    if not before and "moto" in sys.modules:
        pytest.fail(f"a unit test imported moto ({_WHERE})")


@pytest.fixture
def dynamodb_table() -> str:
    """The moto table of tests/conftest.py is an integration fixture."""
    pytest.fail(f"a unit test asked for the moto table `dynamodb_table` ({_WHERE})")
