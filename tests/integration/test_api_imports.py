"""The API function's cold start never loads the heavy or unrelated libraries.

Each check runs in a fresh interpreter, so nothing imported by other tests can hide a leak.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
HANDLER = REPO_ROOT / "functions" / "api" / "app.py"
# jinja2: the pages import it on their first render (headlinez.web.pages.templates), so a cold start
# that serves only JSON never pays for it, not even when the resolver (and the page routes) is built.
# aws_lambda_powertools...openapi.models: Powertools' OpenAPI models (~105 ms) load on the first
# /docs or /openapi.json request, not when the resolver is built (api.app.swagger_response).
FORBIDDEN = ("anthropic", "feedparser", "httpx", "jinja2",
             "aws_lambda_powertools.event_handler.openapi.models")

_PROBE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("api_handler", {handler!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
if {build_resolver!r}:
    module._resolver()
print(json.dumps(sorted(name for name in {forbidden!r} if name in sys.modules)))
"""

# Outside Lambda the Tracer disables itself; with LAMBDA_TASK_ROOT set it is enabled and patches
# libraries at import, which is where a default `patch_all` would pull httpx in.
LOCAL_ENV = {"POWERTOOLS_DEV": "true"}
LAMBDA_ENV = {
    "LAMBDA_TASK_ROOT": str(REPO_ROOT / "functions" / "api"),
    "AWS_LAMBDA_FUNCTION_NAME": "headlinez-api",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
}


def _loaded_forbidden_modules(extra_env: dict[str, str], *, build_resolver: bool) -> list[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "POWERTOOLS_", "LAMBDA_", "_X_AMZN"))
    }
    env |= {
        "TABLE_NAME": "headlinez-test",
        "POWERTOOLS_SERVICE_NAME": "headlinez",
        "POWERTOOLS_METRICS_NAMESPACE": "HeadlinezTest",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        **extra_env,
    }
    probe = _PROBE.format(handler=str(HANDLER), build_resolver=build_resolver, forbidden=FORBIDDEN)
    result = subprocess.run(
        [sys.executable, "-c", probe],
        check=False,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize("extra_env", [LOCAL_ENV, LAMBDA_ENV], ids=["local", "in-lambda"])
def test_importing_the_handler_loads_no_heavy_library(extra_env: dict[str, str]) -> None:
    assert _loaded_forbidden_modules(extra_env, build_resolver=False) == []


@pytest.mark.parametrize("extra_env", [LOCAL_ENV, LAMBDA_ENV], ids=["local", "in-lambda"])
def test_building_the_resolver_over_dynamodb_loads_no_heavy_library(extra_env: dict[str, str]) -> None:
    # _resolver() imports the DynamoDB adapter and creates its boto3 resource (no network call)
    assert _loaded_forbidden_modules(extra_env, build_resolver=True) == []
