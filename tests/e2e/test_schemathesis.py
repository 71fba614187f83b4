"""Schemathesis against the local stack: no 5xx, and every response matches the OpenAPI document.

The stack serves the snapshot's 26 news feeds (`--now 2026-02-18T04:00:00Z`, one cycle). The run
is bounded (15 examples per operation, fixed seed; about 40 s) and writes a JUnit report to
test-artifacts/schemathesis/.

Checks: not_a_server_error, status_code_conformance, content_type_conformance,
response_headers_conformance, response_schema_conformance and negative_data_rejection (invalid
parameters must be refused). positive_data_acceptance is left out on purpose: a paging cursor is
an opaque signed token, so a schema-valid string is still rightly refused with 400.

The coverage phase also sends methods the document does not list. In AWS only GET routes exist
(API Gateway answers anything else itself, before the function); the local bridge refuses every
other method itself with a problem+json 405 and an `Allow` header. POST is probed here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SNAPSHOT_FEEDS, requires_data
from tests.e2e.stack import RunningStack, local_stack

pytestmark = [pytest.mark.e2e, requires_data]

REPO_ROOT = Path(__file__).resolve().parents[2]
REPORTS = REPO_ROOT / "test-artifacts" / "schemathesis"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    ]
)
CONFIG = """\
[phases.coverage]
unexpected-methods = ["post"]
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    state = tmp_path_factory.mktemp("schemathesis-stack")
    with local_stack(
        "--feeds-dir",
        str(SNAPSHOT_FEEDS),
        "--now",
        "2026-02-18T04:00:00Z",
        "--cycles",
        "1",
        "--no-persist",
        "--state-dir",
        str(state),
    ) as running:
        yield running


def test_every_operation_conforms_and_never_fails(stack: RunningStack, tmp_path: Path) -> None:
    pytest.importorskip("schemathesis")
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    REPORTS.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        f"{stack.base_url}/openapi.json",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        "15",
        "--seed",
        "20260218",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(REPORTS / "junit.xml"),
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, check=False
    )

    output = result.stdout + result.stderr
    (REPORTS / "output.txt").write_text(output)
    assert result.returncode == 0, output[-6000:]
    assert "Tested: 18" in output, output[-3000:]
