"""A single-writer lease on the table: one conditional PutItem with an expiry.

Item pk=`{name}`, sk=`LEASE`: `owner` and `expires_at` (epoch seconds). `acquire` succeeds when no
lease is stored, the stored one has expired, or `owner` already holds it; `release` sets the expiry
to 0 only while `owner` still holds it (UpdateItem: the functions have no DeleteItem). The expiry is
longer than the holder's Lambda timeout, so a holder that died frees the lease by itself. Expiry
uses the wall clock (a lease is about real concurrency, not the event's clock).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError


class DynamoLease:
    """Implements headlinez.ports.Lease."""

    def __init__(self, table: Any, name: str, ttl_seconds: float, *,
                 clock: Callable[[], float] = time.time) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._table = table
        self._key = {"pk": name, "sk": "LEASE"}
        self._ttl = ttl_seconds
        self._clock = clock

    def acquire(self, owner: str) -> bool:
        now = self._clock()
        try:
            self._table.put_item(
                Item={**self._key, "owner": owner, "expires_at": int(now + self._ttl),
                      "acquired_at": int(now)},
                ConditionExpression="attribute_not_exists(pk) OR expires_at < :now OR #owner = :owner",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":now": int(now), ":owner": owner})
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def release(self, owner: str) -> None:
        try:
            self._table.update_item(
                Key=self._key, UpdateExpression="SET expires_at = :zero",
                ConditionExpression="#owner = :owner",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":zero": 0, ":owner": owner})
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise  # else: expired and taken over meanwhile: nothing of ours to release
