"""The local stack's moto patches answer every GSI Query as moto does, through every write path.

`moto_speedups` keeps each table's items grouped by a GSI's hash values and brings the groups up
to date from a log of the keys each write touched; a write path that did not log its key would
answer from stale groups. Each write below is followed by the Query a stale index would get wrong.
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
    # an update that removes the index key, and one inside a transaction that moves an item
    client.update_item(TableName=TABLE, Key={"pk": {"S": "d"}, "sk": {"S": "x"}}, UpdateExpression="REMOVE g")
    client.transact_write_items(TransactItems=[{"Update": {
        "TableName": TABLE, "Key": {"pk": {"S": "e"}, "sk": {"S": "x"}}, "UpdateExpression": "SET g = :g",
        "ExpressionAttributeValues": {":g": {"S": "green"}}}}])
    assert _in(client, "red") == []
    assert _in(client, "green") == ["e"]
    # a conditional put that fails (no key logged: the next Query walks the table)
    with pytest.raises(client.exceptions.ConditionalCheckFailedException):
        client.put_item(TableName=TABLE, Item={"pk": {"S": "e"}, "sk": {"S": "x"}, "g": {"S": "red"},
                                               "gs": {"S": "7"}},
                        ConditionExpression="attribute_not_exists(pk)")
    assert _in(client, "green") == ["e"]
    assert _in(client, "red") == []


def test_groups_far_behind_the_write_log_are_rebuilt(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a short write log, and an index read once
    monkeypatch.setattr(moto_speedups, "_LOG_LIMIT", 10)
    _put(client, "a", "red")
    assert _in(client, "red") == ["a"]
    # When more writes than the log keeps happen before the next Query of that index
    for n in range(25):
        _put(client, f"n{n:02d}", "red" if n % 2 else "blue", str(n))
    client.delete_item(TableName=TABLE, Key={"pk": {"S": "a"}, "sk": {"S": "x"}})
    # Then the Query still sees every one of them
    assert sorted(_in(client, "red")) == [f"n{n:02d}" for n in range(1, 25, 2)]
    assert len(_in(client, "blue")) == 13


def test_lambda_tasks_share_one_client_per_region_and_service(aws_env: None) -> None:
    import threading

    from moto import mock_aws
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    moto_speedups.install_step_functions()
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

    moto_speedups.install_step_functions()
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


_CHOICE_MACHINE = {
    "StartAt": "Pick",
    "States": {
        "Pick": {"Type": "Choice", "Default": "Small",
                 "Choices": [{"Variable": "$.n", "NumericGreaterThan": 4, "Next": "Big"}]},
        "Big": {"Type": "Pass", "Parameters": {"n.$": "$.n", "size": "big"}, "End": True},
        "Small": {"Type": "Pass", "Parameters": {"n.$": "$.n", "size": "small"}, "End": True},
    },
}


def test_concurrent_executions_share_one_parsed_program_and_keep_their_own_data(aws_env: None) -> None:
    import json
    import threading
    import time

    import boto3
    from moto import mock_aws
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    moto_speedups.install_step_functions()
    parsed: list[Any] = []
    entrypoint = ExecutionWorker._get_evaluation_entrypoint
    parse = AmazonStateLanguageParser.parse
    parses: list[str] = []

    def counting_parse(definition: str) -> Any:
        parses.append(definition)
        time.sleep(0.05)  # a slow parse: the other first executions arrive meanwhile
        return parse(definition)

    def recording(self: Any) -> Any:
        parsed.append(entrypoint(self))
        return parsed[-1]

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), \
            pytest.MonkeyPatch.context() as patch:
        patch.setattr(ExecutionWorker, "_get_evaluation_entrypoint", recording)
        patch.setattr(AmazonStateLanguageParser, "parse", staticmethod(counting_parse))
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        arn = sfn.create_state_machine(name="choice", definition=json.dumps(_CHOICE_MACHINE),
                                       roleArn="arn:aws:iam::123456789012:role/sfn")["stateMachineArn"]
        created = len(parses)  # moto validates a definition by parsing it
        arns: list[str] = []

        def start(n: int) -> None:
            arns.append(sfn.start_execution(stateMachineArn=arn, name=f"run-{n}",
                                            input=json.dumps({"n": n}))["executionArn"])

        threads = [threading.Thread(target=start, args=(n,)) for n in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outputs = []
        for execution in arns:
            for _ in range(200):
                described = sfn.describe_execution(executionArn=execution)
                if described["status"] != "RUNNING":
                    break
                time.sleep(0.02)
            assert described["status"] == "SUCCEEDED", described
            outputs.append(json.loads(described["output"]))

    # each execution its own answer, all from one program
    assert sorted(o["n"] for o in outputs) == list(range(10))
    assert all(o["size"] == ("big" if o["n"] > 4 else "small") for o in outputs)
    assert len(parsed) == 10
    assert len({id(program) for program in parsed}) == 1
    # and the executions parsed the definition once, though the ten started together
    assert len(parses) - created == 1


def test_a_definition_with_a_map_state_is_parsed_for_each_execution() -> None:
    import json
    from types import SimpleNamespace

    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    moto_speedups.install_step_functions()
    mapped = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True,
        "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": True}}}}}}

    def worker(definition: dict[str, Any]) -> Any:
        details = SimpleNamespace(state_machine_details=SimpleNamespace(definition=json.dumps(definition)))
        return SimpleNamespace(_evaluation_details=details)

    entrypoint = ExecutionWorker._get_evaluation_entrypoint
    assert entrypoint(worker(mapped)) is not entrypoint(worker(mapped))
    assert entrypoint(worker(_CHOICE_MACHINE)) is entrypoint(worker(_CHOICE_MACHINE))
