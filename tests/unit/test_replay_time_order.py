"""`benchmarks/replay_time.py` runs the versions in both orders, so that a machine whose speed
drifts during a batch favours neither (twenty-third session: with A B A B, the second version
always ran later and slower)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from tests.fakes import load_benchmark_module


def _module() -> ModuleType:
    return load_benchmark_module("replay_time")


def test_every_other_round_runs_the_versions_in_the_opposite_order() -> None:
    order = _module().run_order([("old", Path("a")), ("new", Path("b"))], 4)
    assert [(number, name) for number, (name, _) in order] == [
        (1, "old"), (1, "new"), (2, "new"), (2, "old"), (3, "old"), (3, "new"), (4, "new"), (4, "old")]


def test_one_version_runs_once_a_round() -> None:
    order = _module().run_order([("this checkout", Path("."))], 3)
    assert [number for number, _ in order] == [1, 2, 3]
