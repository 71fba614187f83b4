"""The local stack's moto patches answer every GSI Query as moto does, through every write path.

`moto_speedups` keeps each table's items grouped by a GSI's hash values until the next write; a
write path that did not mark the table stale would answer from stale groups. Each write below is
followed by the Query a stale index would get wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from headlinez.local import moto_speedups

TABLE = "speedups-test"


@pytest.fixture
def client(aws_env: None) -> Iterator[Any]:
    import boto3
    from moto import mock_aws

    moto_speedups.install()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"}
                                  for name in ("pk", "sk", "g", "gs")],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{
                "IndexName": "gsi", "Projection": {"ProjectionType": "ALL"},
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                              {"AttributeName": "gs", "KeyType": "RANGE"}],
            }])
        yield dynamodb


def _put(client: Any, pk: str, group: str, order: str = "1") -> None:
    client.put_item(TableName=TABLE, Item={"pk": {"S": pk}, "sk": {"S": "x"}, "g": {"S": group},
                                           "gs": {"S": order}})


def _in(client: Any, group: str) -> list[str]:
    reply = client.query(TableName=TABLE, IndexName="gsi", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": group}})
    return [item["pk"]["S"] for item in reply["Items"]]


def test_every_write_path_is_seen_by_the_next_gsi_query(client: Any) -> None:
    _put(client, "a", "red", "1")
    _put(client, "b", "red", "2")
    _put(client, "c", "blue")
    assert _in(client, "red") == ["a", "b"]
    assert _in(client, "red") == ["a", "b"]  # from the groups, unchanged
    # UpdateItem changes the item in place
    client.update_item(TableName=TABLE, Key={"pk": {"S": "b"}, "sk": {"S": "x"}},
                       UpdateExpression="SET g = :g", ExpressionAttributeValues={":g": {"S": "blue"}})
    assert _in(client, "red") == ["a"]
    assert sorted(_in(client, "blue")) == ["b", "c"]
    # PutItem over an item, DeleteItem
    _put(client, "c", "red", "3")
    client.delete_item(TableName=TABLE, Key={"pk": {"S": "a"}, "sk": {"S": "x"}})
    assert _in(client, "red") == ["c"]
    # BatchWriteItem
    client.batch_write_item(RequestItems={TABLE: [
        {"PutRequest": {"Item": {"pk": {"S": "d"}, "sk": {"S": "x"}, "g": {"S": "red"}, "gs": {"S": "4"}}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "c"}, "sk": {"S": "x"}}}},
    ]})
    assert _in(client, "red") == ["d"]
    # a transaction that writes, and one that fails its condition and is rolled back
    client.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": {
        "pk": {"S": "e"}, "sk": {"S": "x"}, "g": {"S": "red"}, "gs": {"S": "5"}}}}])
    assert _in(client, "red") == ["d", "e"]
    with pytest.raises(client.exceptions.TransactionCanceledException):
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "f"}, "sk": {"S": "x"}, "g": {"S": "red"},
                                                  "gs": {"S": "6"}}}},
            {"ConditionCheck": {"TableName": TABLE, "Key": {"pk": {"S": "zz"}, "sk": {"S": "x"}},
                                "ConditionExpression": "attribute_exists(pk)"}},
        ])
    assert _in(client, "red") == ["d", "e"]
    assert _in(client, "green") == []


def test_lambda_tasks_share_one_client_per_region_and_service(aws_env: None) -> None:
    import threading

    from moto import mock_aws
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    moto_speedups.install()
    with mock_aws():
        made: list[Any] = []

        def make() -> None:
            made.append(lambda_eval_utils.boto_client_for(  # type: ignore[attr-defined]
                region="us-east-1", service="lambda"))

        # first asked for by several executions' threads at once
        threads = [threading.Thread(target=make) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        other_region = lambda_eval_utils.boto_client_for(  # type: ignore[attr-defined]
            region="eu-west-1", service="lambda")

    assert len({id(client) for client in made}) == 1
    assert made[0].meta.service_model.service_name == "lambda"
    assert made[0].meta.region_name == "us-east-1"
    assert other_region is not made[0]
    assert other_region.meta.region_name == "eu-west-1"


def test_a_lambda_endpoint_set_later_gets_its_own_client(aws_env: None,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    moto_speedups.install()
    make = lambda_eval_utils.boto_client_for  # type: ignore[attr-defined]
    with mock_aws():
        monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:1")
        first = make(region="us-east-1", service="lambda")
        # a second local stack (or test) points Lambda at its own invoke server
        monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:2")
        second = make(region="us-east-1", service="lambda")

    assert first is not second
    assert first.meta.endpoint_url == "http://127.0.0.1:1"
    assert second.meta.endpoint_url == "http://127.0.0.1:2"
