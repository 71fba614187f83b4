"""The checker benchmark (benchmarks/checker_bench.py) meets its targets on allsides_dev."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA_DIR, requires_data
from tests.fake_anthropic import FakeAnthropic

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH = REPO_ROOT / "benchmarks" / "checker_bench.py"
ALLSIDES = DATA_DIR / "allsides_dev"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "BRIEF_"))}
    return subprocess.run([sys.executable, str(BENCH), *args], cwd=REPO_ROOT, env={**environ, **env},
                          capture_output=True, text=True, timeout=300, check=False)


@requires_data
def test_the_deterministic_checker_meets_its_targets() -> None:
    result = _run("--data-dir", str(ALLSIDES))
    assert result.returncode == 0, result.stdout + result.stderr
    for kind in ("entity", "number", "date", "quote", "attribution"):
        assert f"{kind} perturbation" in result.stdout
    assert "MISSED" not in result.stdout
    assert "Estimated cost per brief (prices of 2026-" in result.stdout
    assert "typical trend (10 articles" in result.stdout


def test_it_skips_with_a_reason_when_the_data_is_absent(tmp_path: Path) -> None:
    result = _run("--data-dir", str(tmp_path / "absent"))
    assert result.returncode == 0
    assert result.stdout.startswith("skipped:")


@requires_data
def test_the_claude_verifier_runs_when_a_key_is_set() -> None:
    with FakeAnthropic() as fake:
        result = _run("--data-dir", str(ALLSIDES), "--stories", "6", "--verifier-sample", "2",
                      ANTHROPIC_API_KEY="sk-test", ANTHROPIC_BASE_URL=fake.base_url)
    assert "Claude verifier on a sample" in result.stdout, result.stdout + result.stderr
    assert len(fake.requests_for("record_verdicts")) >= 1
