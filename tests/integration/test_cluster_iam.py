"""Every DynamoDB action the cluster function makes is one its IAM policy in template.yaml allows.

moto does not enforce IAM, so a missing permission passes every other test and fails the first
production run that needs it: a split deletes the members that left a trend inside the trend's
transaction, and IAM checks each action of a transaction (DeleteItem), not "TransactWriteItems".
This test records the low-level calls of the cluster function's adapters on moto (a clustering
run with a brief ledger, the lease and predictions, then a split) and checks them against the
function's statements, partition-key conditions included.
"""

from __future__ import annotations

import fnmatch
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.conftest import REPO_ROOT

from headlinez.adapters.brief_store import DynamoBriefStore
from headlinez.adapters.dynamodb import DynamoStore
from headlinez.adapters.lease import DynamoLease
from headlinez.adapters.table import TableClient
from headlinez.domain.clustering import ClusterConfig
from headlinez.domain.text import title_fingerprint
from headlinez.models import Article, HourBucket, TrendMember, TrendState
from headlinez.services.cluster import ClusterService
from headlinez.template import load_template

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
# A transaction's actions, as IAM names them
TRANSACT_ACTIONS = {"Put": "PutItem", "Delete": "DeleteItem", "Update": "UpdateItem",
                    "ConditionCheck": "ConditionCheckItem"}


def _article(n: int, family: str, title: str) -> Article:
    published = NOW - timedelta(minutes=50 - n)
    return Article(article_id=f"{n:032x}", url=f"https://{family}.example/{n}", title=title,  # type: ignore[arg-type]
                   summary=f"{title}. More on the story from {family}.", published=published,
                   ingested_at=published, feed_id=f"{family}-world", outlet=family.upper(),
                   publisher_family=family, title_fingerprint=title_fingerprint(title))


def _recorder(resource: Any) -> list[tuple[str, str]]:
    """(IAM action, partition key) of each call the resource's client makes."""
    calls: list[tuple[str, str]] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        request = json.loads(params["body"] or b"{}")  # the serialized call, DynamoDB JSON
        if model.name == "TransactWriteItems":
            for entry in request["TransactItems"]:
                ((kind, body),) = entry.items()
                calls.append((TRANSACT_ACTIONS[kind], body["Key"]["pk"]["S"] if "Key" in body
                              else body["Item"]["pk"]["S"]))
        elif model.name == "TransactGetItems":
            calls.extend(("GetItem", e["Get"]["Key"]["pk"]["S"]) for e in request["TransactItems"])
        else:
            calls.append((model.name, ""))

    resource.meta.client.meta.events.register("before-call.dynamodb", record)
    return calls


def _allowed(action: str, partition: str, statements: list[dict[str, Any]]) -> bool:
    for statement in statements:
        if f"dynamodb:{action}" not in statement["Action"]:
            continue
        condition = statement.get("Condition")
        if condition is None:
            return True
        (operator, keys), = condition.items()
        patterns = keys["dynamodb:LeadingKeys"]
        if operator == "ForAllValues:StringLike" and any(fnmatch.fnmatchcase(partition, p) for p in patterns):
            return True
        if operator == "ForAllValues:StringEquals" and partition in patterns:
            return True
    return False


def test_the_cluster_policy_allows_every_action_the_cluster_makes(dynamodb_table: str) -> None:
    table = TableClient.from_table_name(dynamodb_table)
    calls = _recorder(table.resource)
    store = DynamoStore(table.resource, dynamodb_table)
    # Given stored articles of one story from three newsrooms and another from one
    store.save_new_articles([
        _article(1, "bbc", "Storm Lena floods coastal towns in Portugal"),
        _article(2, "reuters", "Storm Lena floods Portuguese coastal towns, thousands evacuated"),
        _article(3, "npr", "Portugal evacuates thousands as Storm Lena floods coast"),
        _article(4, "bbc", "Central bank holds interest rates steady"),
    ])
    calls.clear()  # ingest's writes are the ingest function's
    # When the cluster function runs with its ledger, lease and predictions (as functions/cluster wires it)
    service = ClusterService(store, ClusterConfig(), lookback=timedelta(hours=6), predictions=store,
                             ledger=DynamoBriefStore(table.resource, dynamodb_table),
                             lease=DynamoLease(table, "CLUSTER", ttl_seconds=60))
    service.run(NOW)
    service.run(NOW + timedelta(hours=25))  # scores the predictions due
    # ... and a split moves members out of a trend (the store call clustering makes for it)
    member = TrendMember(article_id="f" * 32, title="Moved", url="https://e.com/m",  # type: ignore[arg-type]
                         outlet="E", publisher_family="e", published=NOW)
    old = TrendState(trend_id="tsplitold000001", centroid={"storm": 1.0}, article_count=1,
                     source_families=["e"], first_seen=NOW, last_seen=NOW, headline="Old",
                     hourly=[HourBucket(hour=NOW, articles=1, sources=["e"])], version=1)
    store.save_trends([old], {old.trend_id: [member]}, expected_versions={})
    new = old.model_copy(update={"trend_id": "tsplitnew000002"})
    store.save_trends([old.model_copy(update={"version": 2}), new], {new.trend_id: [member]},
                      expected_versions={old.trend_id: 1}, removed_members={old.trend_id: [member]})

    # Then every action is allowed by the ClusterFunction's statements
    template = load_template(REPO_ROOT / "template.yaml")
    policies = template["Resources"]["ClusterFunction"]["Properties"]["Policies"]
    statements = [s for p in policies if isinstance(p, dict) and "Statement" in p for s in p["Statement"]
                  if any(str(a).startswith("dynamodb:") for a in s["Action"])]
    actions = {action for action, _ in calls}
    assert {"Query", "PutItem", "DeleteItem"} <= actions, actions  # the run and the split happened
    refused = sorted({(a, pk) for a, pk in calls if not _allowed(a, pk, statements)})
    assert refused == []


def test_the_check_refuses_what_the_policy_does_not_grant() -> None:
    statements = [{"Action": ["dynamodb:Query"]},
                  {"Action": ["dynamodb:DeleteItem"],
                   "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["TREND#*"]}}}]
    assert _allowed("DeleteItem", "TREND#t1", statements)
    assert not _allowed("DeleteItem", "FEED#f1", statements)
    assert not _allowed("PutItem", "TREND#t1", statements)
    with pytest.raises(KeyError):
        TRANSACT_ACTIONS["Scan"]  # a transaction has no other action kind to map
