"""The one client of the headlinez table: every DynamoDB call of the storage adapters goes here.

It knows DynamoDB, not the entities: paging of Query, BatchGetItem/BatchWriteItem in the
service's chunk sizes with retries of unprocessed items, conditional Put/Update/Delete,
TransactWriteItems, the item size cap, epoch/TTL and time-key helpers, and the ONE mapping of
botocore `ClientError` codes to named errors:

- throughput and internal errors (`THROTTLING_CODES`, also as a transaction's cancellation
  reason) -> `StorageThrottledError` (transient: the brief state machine retries it by name);
- ConditionalCheckFailedException -> `ConditionFailedError` (the adapter decides what it means:
  already stored, not found, a version conflict ...);
- TransactionCanceledException -> `TransactionCanceledError`, with one reason code per action
  (the adapter maps ConditionalCheckFailed reasons to its own errors, e.g. a version conflict);
- anything else stays a `ClientError` (a bug or a configuration error: no name would help).

Keys and attribute layouts belong to the entity mappers (`headlinez.adapters.entities`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from headlinez.briefs.errors import StorageThrottledError

BATCH_GET_LIMIT = 100  # DynamoDB's limit per BatchGetItem request
TRANSACT_LIMIT = 100  # DynamoDB's limit of actions per TransactWriteItems request ...
TRANSACT_BYTES = 3_500_000  # ... and (with margin) of its 4 MB total size
MAX_ITEM_BYTES = 350_000  # stay well under the 400 KB item limit
MAX_UNPROCESSED_ROUNDS = 8

THROTTLING_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException",
                              "RequestLimitExceeded", "InternalServerError", "ServiceUnavailable"})
CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELED = "TransactionCanceledException"

Item = dict[str, Any]
ItemKey = dict[str, Any]

__all__ = [
    "ConditionFailedError", "ItemTooLargeError", "StorageError", "StorageThrottledError", "TableClient",
    "TransactionCanceledError", "check_size", "epoch", "hour_bucket",
]


class StorageError(RuntimeError):
    """DynamoDB refused or failed an operation in a way the caller cannot fix by retrying."""


class ItemTooLargeError(StorageError, ValueError):
    """An item would exceed DynamoDB's 400 KB limit (a ValueError too: the input is too big)."""


class ConditionFailedError(StorageError):
    """A conditional write was refused (ConditionalCheckFailedException)."""


class TransactionCanceledError(StorageError):
    """TransactWriteItems was cancelled; `reasons` holds one code per action (None: no reason)."""

    def __init__(self, message: str, reasons: Sequence[str | None]) -> None:
        super().__init__(message)
        self.reasons = list(reasons)


# --- time keys and TTL ---------------------------------------------------------------------------




# Every AWS client of the functions: botocore's "standard" retry mode (throttling and transient
# errors retried with backoff, 5 attempts), one setting for all of them
RETRYING = Config(retries={"mode": "standard", "max_attempts": 5})


def hour_bucket(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H")


def epoch(value: datetime) -> int:
    """Epoch seconds: the table's `ttl` attribute (DynamoDB TTL reads numbers only)."""
    return int(value.timestamp())


def check_size(doc: str, what: str) -> str:
    """`doc` unchanged, or ItemTooLargeError when it alone would come near the 400 KB item limit."""
    size = len(doc.encode())
    if size > MAX_ITEM_BYTES:
        raise ItemTooLargeError(f"{what} serializes to {size} bytes")
    return doc


def projection(names: Sequence[str]) -> dict[str, Any]:
    """ProjectionExpression of these attributes, every name aliased (some are reserved words)."""
    aliases = {f"#p{i}": name for i, name in enumerate(dict.fromkeys(names))}
    return {"ProjectionExpression": ", ".join(aliases), "ExpressionAttributeNames": aliases}


def _translate(exc: ClientError) -> Exception | None:
    """The named error of a ClientError, or None (a bug or a configuration error: re-raise it)."""
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    if code in THROTTLING_CODES:
        return StorageThrottledError(f"DynamoDB {code}: {exc}")
    if code == CONDITION_FAILED:
        return ConditionFailedError(f"DynamoDB {code}: {error.get('Message', '')}")
    if code == TRANSACTION_CANCELED:
        reasons: list[str | None] = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        return TransactionCanceledError(f"transaction cancelled: {reasons}", reasons)
    return None


class TableClient:
    """One table: the boto3 Table for item calls, its service resource for batches and transactions.

    `write_count` counts items this client wrote (batched, put, updated, or in a transaction that
    went through): the benchmarks report it.
    """

    def __init__(self, resource: Any, table_name: str, *, table: Any = None) -> None:
        self.resource = resource  # batch calls live on the service resource, not on the Table
        self.table = table if table is not None else resource.Table(table_name)
        self.name = table_name
        self.write_count = 0

    @classmethod
    def from_table_name(cls, table_name: str) -> TableClient:
        resource = boto3.resource("dynamodb", config=RETRYING)
        return cls(resource, table_name)

    @classmethod
    def of_table(cls, table: Any) -> TableClient:
        """A client of a boto3 Table alone: item calls, Query and BatchGetItem (batch writes and
        transactions need the resource)."""
        return cls(None, str(table.name), table=table)

    def _call(self, operation: Any, **kwargs: Any) -> Any:
        try:
            return operation(**kwargs)
        except ClientError as exc:
            named = _translate(exc)
            if named is None:
                raise
            raise named from exc
        except (BotoConnectionError, HTTPClientError) as exc:
            # No answer after botocore's own retries (endpoint unreachable, read timeout, closed
            # connection): transient like a throttle, and retried by that name (the brief flow's
            # retriers, the fan-out's redelivery), where its own class name matched nothing.
            raise StorageThrottledError(f"DynamoDB did not answer: {type(exc).__name__}: {exc}") from exc

    # --- reads -----------------------------------------------------------------------------------

    def get(self, key: Mapping[str, Any], *, consistent: bool = False, attributes: Sequence[str] = ()
            ) -> Item | None:
        kwargs: dict[str, Any] = {"Key": dict(key)}
        if consistent:
            kwargs["ConsistentRead"] = True
        if attributes:
            kwargs.update(projection(attributes))
        item: Item | None = self._call(self.table.get_item, **kwargs).get("Item")
        return item

    def query(self, **kwargs: Any) -> tuple[list[Item], ItemKey | None]:
        """One Query page: its items and LastEvaluatedKey (None on the last page)."""
        response = self._call(self.table.query, **kwargs)
        return list(response.get("Items", [])), response.get("LastEvaluatedKey") or None

    def query_all(self, **kwargs: Any) -> Iterator[Item]:
        """Every item of a Query, page after page."""
        while True:
            items, last = self.query(**kwargs)
            yield from items
            if last is None:
                return
            kwargs["ExclusiveStartKey"] = last

    def scan_all(self, **kwargs: Any) -> Iterator[Item]:
        """Every item of a Scan, page after page (operators' offline reads only: a Scan reads the
        whole table)."""
        while True:
            response = self._call(self.table.scan, **kwargs)
            yield from response.get("Items", [])
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            kwargs["ExclusiveStartKey"] = last

    def batch_get(self, keys: Sequence[Mapping[str, Any]], *, attributes: Sequence[str] = (),
                  consistent: bool = False) -> list[Item]:
        """The items of these keys that exist (any order), 100 keys per call, duplicates read once.

        Keys DynamoDB leaves unprocessed (throughput) are asked again with backoff; still left
        after `MAX_UNPROCESSED_ROUNDS`: StorageThrottledError.
        """
        found: list[Item] = []
        unique = list({(k["pk"], k["sk"]): dict(k) for k in keys}.values())
        for start in range(0, len(unique), BATCH_GET_LIMIT):
            request: dict[str, Any] = {"Keys": unique[start:start + BATCH_GET_LIMIT]}
            if consistent:
                request["ConsistentRead"] = True
            if attributes:
                request.update(projection(attributes))
            pending: dict[str, Any] = {self.name: request}
            for attempt in range(MAX_UNPROCESSED_ROUNDS):
                response = self._call(self._batch_get_item, RequestItems=pending)
                found.extend(response.get("Responses", {}).get(self.name, []))
                pending = response.get("UnprocessedKeys") or {}
                if not pending:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise StorageThrottledError("BatchGetItem left keys unprocessed after retries")
        return found

    @property
    def _batch_get_item(self) -> Any:
        # A Table's client is its resource's: it takes and returns plain Python values too
        return (self.resource.batch_get_item if self.resource is not None
                else self.table.meta.client.batch_get_item)

    # --- writes ----------------------------------------------------------------------------------

    def batch_put(self, items: Sequence[Mapping[str, Any]]) -> None:
        """Whole-item puts, 25 per BatchWriteItem (boto3 retries unprocessed items; the last item
        of a key wins within one call)."""
        self._batch_write([("put", item) for item in items])

    def batch_delete(self, keys: Sequence[Mapping[str, Any]]) -> None:
        """Deletes, 25 per BatchWriteItem (boto3 retries unprocessed items)."""
        self._batch_write([("delete", key) for key in keys])

    def _batch_write(self, requests: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        if not requests:
            return
        try:
            with self.table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as writer:
                for kind, value in requests:
                    if kind == "put":
                        writer.put_item(Item=dict(value))
                    else:
                        writer.delete_item(Key=dict(value))
        except ClientError as exc:
            named = _translate(exc)
            if named is None:
                raise
            raise named from exc
        self.write_count += len(requests)

    def put(self, item: Mapping[str, Any], *, condition: str | None = None,
            names: Mapping[str, str] | None = None, values: Mapping[str, Any] | None = None) -> None:
        """PutItem; with `condition`, ConditionFailedError when DynamoDB refuses it."""
        kwargs: dict[str, Any] = {"Item": dict(item)}
        kwargs.update(_expression(condition, names, values))
        self._call(self.table.put_item, **kwargs)
        self.write_count += 1

    def update(self, key: Mapping[str, Any], expression: str, *, condition: str | None = None,
               names: Mapping[str, str] | None = None, values: Mapping[str, Any] | None = None,
               returns: str | None = None) -> Item:
        """UpdateItem; the returned attributes (`returns`, e.g. "ALL_NEW"), else {}."""
        kwargs: dict[str, Any] = {"Key": dict(key), "UpdateExpression": expression}
        kwargs.update(_expression(condition, names, values))
        if returns:
            kwargs["ReturnValues"] = returns
        response = self._call(self.table.update_item, **kwargs)
        self.write_count += 1
        return dict(response.get("Attributes") or {})

    def delete(self, key: Mapping[str, Any], *, condition: str | None = None) -> None:
        kwargs: dict[str, Any] = {"Key": dict(key)}
        if condition:
            kwargs["ConditionExpression"] = condition
        self._call(self.table.delete_item, **kwargs)

    def put_action(self, item: Mapping[str, Any], *, condition: str | None = None,
                   names: Mapping[str, str] | None = None, values: Mapping[str, Any] | None = None
                   ) -> dict[str, Any]:
        """A Put action of `transact_write`."""
        return {"Put": {"TableName": self.name, "Item": dict(item), **_expression(condition, names, values)}}

    def delete_action(self, key: Mapping[str, Any]) -> dict[str, Any]:
        """A Delete action of `transact_write` (deleting an absent item is no error)."""
        return {"Delete": {"TableName": self.name, "Key": dict(key)}}

    def condition_check_action(self, key: Mapping[str, Any], condition: str) -> dict[str, Any]:
        """A ConditionCheck action of `transact_write`: the transaction fails unless it holds."""
        return {"ConditionCheck": {"TableName": self.name, "Key": dict(key),
                                   "ConditionExpression": condition}}

    def update_action(self, key: Mapping[str, Any], expression: str, *, condition: str | None = None,
                      names: Mapping[str, str] | None = None, values: Mapping[str, Any] | None = None
                      ) -> dict[str, Any]:
        """An Update action of `transact_write`."""
        return {"Update": {"TableName": self.name, "Key": dict(key), "UpdateExpression": expression,
                           **_expression(condition, names, values)}}

    def transact_write(self, actions: Sequence[Mapping[str, Any]]) -> None:
        """TransactWriteItems (all or nothing); TransactionCanceledError with a reason per action."""
        # The resource's client serializes plain Python values itself, as Table does.
        self._call(self.resource.meta.client.transact_write_items, TransactItems=list(actions))
        self.write_count += len(actions)


def _expression(condition: str | None, names: Mapping[str, str] | None,
                values: Mapping[str, Any] | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if condition:
        kwargs["ConditionExpression"] = condition
    if names:
        kwargs["ExpressionAttributeNames"] = dict(names)
    if values:
        kwargs["ExpressionAttributeValues"] = dict(values)
    return kwargs


def approx_bytes(action: Mapping[str, Any]) -> int:
    """An upper estimate of a Put or Delete action's size (attribute names and values as text)."""
    item = action["Put"]["Item"] if "Put" in action else action["Delete"]["Key"]
    return 100 + sum(len(str(name)) + len(str(value)) for name, value in item.items())
