"""moto's Query with the local stack's per-item speedups answers exactly as moto does.

`moto_speedups` sorts by precomputed key values, remembers item sizes within one Query, projects
top-level names without moto's JSON round trip and skips the deep copy those projections make
unnecessary. The patches cannot be undone in a process, so the same Queries run in two fresh
interpreters, one with `install()` and one without, and their answers are compared whole.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

CASES = textwrap.dedent('''
    import json, sys
    from decimal import Decimal
    if sys.argv[1] == "patched":
        from headlinez.local import moto_speedups
        moto_speedups.install()
    import boto3
    from boto3.dynamodb.conditions import Attr, Key
    from moto import mock_aws

    with mock_aws():
        resource = boto3.resource("dynamodb", region_name="us-east-1")
        table = resource.create_table(
            TableName="t", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in
                                  (("pk", "S"), ("sk", "S"), ("g", "S"), ("gs", "N"))],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{"IndexName": "gsi", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                   {"AttributeName": "gs", "KeyType": "RANGE"}]}])
        for n in range(40):
            item = {"pk": f"p{n % 3}", "sk": f"s{n:03d}", "g": "G" if n % 4 else "H",
                    "gs": Decimal(str((n * 37) % 23)) / Decimal("4"),
                    "doc": "x" * (n * 50), "tags": {f"t{n % 5}", "all"}, "nums": {Decimal(n), Decimal("1.5")},
                    "m": {"a": n, "b": ["l", {"deep": "y"}], "c": None, "d": True}, "l": [1, "two", [3]]}
            if n % 7 == 0:
                del item["doc"]
            if n % 9 == 0:
                item["bin"] = b"\\x00\\x01"
            table.put_item(Item=item)
        gsi = {"IndexName": "gsi"}
        queries = [
            {"KeyConditionExpression": Key("pk").eq("p1")},
            {"KeyConditionExpression": Key("pk").eq("p1"), "ScanIndexForward": False, "Limit": 5},
            {"IndexName": "gsi", "KeyConditionExpression": Key("g").eq("G")},
            {"IndexName": "gsi", "KeyConditionExpression": Key("g").eq("G") & Key("gs").between(1, 4),
             "ScanIndexForward": False},
            {**gsi, "KeyConditionExpression": Key("g").eq("G"),
             "ProjectionExpression": "#d, tags, nums, m, l, absent",
             "ExpressionAttributeNames": {"#d": "doc"}},
            {**gsi, "KeyConditionExpression": Key("g").eq("H"), "ProjectionExpression": "bin, sk"},
            {**gsi, "KeyConditionExpression": Key("g").eq("G"), "ProjectionExpression": "m.a, l[1]"},
            {**gsi, "KeyConditionExpression": Key("g").eq("G"), "ProjectionExpression": "sk",
             "FilterExpression": Attr("doc").not_exists()},
            {"KeyConditionExpression": Key("pk").eq("p2"), "ProjectionExpression": "sk, doc", "Limit": 4},
        ]
        answers = []
        for query in queries:
            pages, kwargs = [], dict(query)
            while True:
                reply = table.query(**kwargs)
                pages.append({"Items": reply["Items"], "Count": reply["Count"],
                              "ScannedCount": reply["ScannedCount"], "Last": reply.get("LastEvaluatedKey")})
                if "LastEvaluatedKey" not in reply or len(pages) > 20:
                    break
                kwargs["ExclusiveStartKey"] = reply["LastEvaluatedKey"]
            answers.append(pages)
        # the stored items are untouched by what a Query returned
        answers.append(table.scan()["Items"])
        print(json.dumps(answers, default=repr, sort_keys=True))
''')


def _answers(mode: str, aws_env: None) -> Any:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", CASES, mode], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_patched_queries_answer_as_moto_does(aws_env: None) -> None:
    patched, plain = _answers("patched", aws_env), _answers("plain", aws_env)
    assert len(plain) == 10
    for number, (mine, theirs) in enumerate(zip(patched, plain, strict=True)):
        assert mine == theirs, f"query {number} differs"
    # the cases do what they say: a paged Query, a projection, a nested path, binary values
    assert len(plain[1]) > 1
    assert all(page["Count"] <= 5 for page in plain[1])
    assert {"doc", "tags", "nums", "m", "l"} >= set(plain[4][0]["Items"][1])
    assert any("bin" in item for item in plain[5][0]["Items"])
