"""template.yaml through tools: the table moto builds from it, and cfn-lint.

Moved from tests/unit/test_template.py (issue 11 §8: the unit tier runs without moto or subprocess).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.unit.test_template import REPO_ROOT, TEMPLATE


def test_table_definition_creates_a_working_moto_table(dynamodb_table: str) -> None:
    import boto3
    from boto3.dynamodb.conditions import Key

    table = boto3.resource("dynamodb", region_name="us-east-1").Table(dynamodb_table)
    table.put_item(Item={"pk": "TREND#t1", "sk": "META", "gsi1pk": "TRENDS", "gsi1sk": "0001#t1",
                         "gsi2pk": "OPEN", "gsi2sk": "t1"})
    table.put_item(Item={"pk": "TREND#t2", "sk": "META", "gsi1pk": "TRENDS", "gsi1sk": "0002#t2"})

    ranked = table.query(IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq("TRENDS"))["Items"]
    open_ = table.query(IndexName="gsi2", KeyConditionExpression=Key("gsi2pk").eq("OPEN"))["Items"]

    assert [item["pk"] for item in ranked] == ["TREND#t1", "TREND#t2"]
    assert [item["pk"] for item in open_] == ["TREND#t1"]  # gsi2 is sparse


# --- cfn-lint ------------------------------------------------------------------------------------


def _cfn_lint() -> str | None:
    beside_python = Path(sys.executable).with_name("cfn-lint")
    return str(beside_python) if beside_python.is_file() else shutil.which("cfn-lint")


@pytest.mark.skipif(_cfn_lint() is None, reason="cfn-lint is not installed (pip install cfn-lint)")
def test_cfn_lint_reports_nothing() -> None:
    command = [str(_cfn_lint()), "--", str(TEMPLATE)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""
