"""anthropic (~2.5 s to import) is loaded only on the brief generate/verify path, and only with a key.

One fresh interpreter imports every handler in turn and reports, after each, whether anthropic is
loaded: nothing imported by other tests can hide a leak, and the handler that leaks is named.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ("api", "ingest", "cluster", "brief_load", "brief_publish", "brief_failure", "brief_generate",
            "brief_check")

_PROBE = """
import importlib.util, json, sys
from pathlib import Path
report = {}
for name in %(handlers)r:
    path = Path(%(root)r) / "functions" / name / "app.py"
    spec = importlib.util.spec_from_file_location("probe_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if name in ("brief_generate", "brief_check"):
        from headlinez.wiring import brief_steps
        brief_steps.generator(module.settings)
        brief_steps.verifier(module.settings)
    report[name] = "anthropic" in sys.modules
print(json.dumps(report))
"""


def _probe(**extra: str) -> dict[str, bool]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("AWS_", "POWERTOOLS_", "LAMBDA_", "ANTHROPIC_", "BRIEF_"))}
    env |= {"TABLE_NAME": "headlinez-test", "POWERTOOLS_SERVICE_NAME": "headlinez",
            "POWERTOOLS_METRICS_NAMESPACE": "HeadlinezTest", "POWERTOOLS_DEV": "true",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true", **extra}
    code = _PROBE % {"handlers": HANDLERS, "root": str(REPO_ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, bool] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_no_function_imports_anthropic_without_a_key() -> None:
    assert _probe() == dict.fromkeys(HANDLERS, False)


def test_only_the_generate_path_imports_it_with_a_key() -> None:
    report = _probe(ANTHROPIC_API_KEY="sk-test")
    # api, ingest, cluster and the storage steps never load it; building Claude's client does
    assert report == {**dict.fromkeys(HANDLERS, False), "brief_generate": True, "brief_check": True}
