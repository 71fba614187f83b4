"""benchmarks/paraphrase_bench.py as a command: it skips, cleanly, without its data.

Moved from tests/unit/test_brief_paraphrase.py (issue 11 §8: the unit tier runs no subprocess).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_benchmark_skips_without_data(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "paraphrase_bench.py"),
                             "--data-dir", str(tmp_path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "skipped" in result.stdout
