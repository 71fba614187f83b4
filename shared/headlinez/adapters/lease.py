"""A single-writer lease on the table: one conditional PutItem with an expiry.

The item (`headlinez.adapters.entities.leases.LeaseEntity`): pk=`{name}`, sk=`LEASE`, with `owner`
and `expires_at` (epoch seconds). `acquire` succeeds when no lease is stored, the stored one has
expired, or `owner` already holds it; `release` sets the expiry to 0 only while `owner` still holds
it (UpdateItem: the functions have no DeleteItem). The expiry is longer than the holder's Lambda
timeout, so a holder that died frees the lease by itself. Expiry uses the wall clock (a lease is
about real concurrency, not the event's clock). Calls go through the table client
(`headlinez.adapters.table`), which maps a refused condition to `ConditionFailedError`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from headlinez.adapters.entities.leases import LeaseEntity
from headlinez.adapters.table import ConditionFailedError, TableClient

logger = logging.getLogger(__name__)


class DynamoLease:
    """Implements headlinez.ports.Lease."""

    def __init__(self, client: TableClient, name: str, ttl_seconds: float, *,
                 clock: Callable[[], float] = time.time) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._db = client
        self._name = name
        self._ttl = ttl_seconds
        self._clock = clock

    def acquire(self, owner: str) -> bool:
        now = self._clock()
        try:
            self._db.put(LeaseEntity.to_item(self._name, owner, now, self._ttl),
                         **LeaseEntity.take_condition(owner, now))
        except ConditionFailedError:
            return False  # held by another owner and not expired
        return True

    def release(self, owner: str) -> None:
        update = LeaseEntity.release_update(owner)
        try:
            self._db.update(LeaseEntity.key(self._name), update["expression"], condition=update["condition"],
                            names=update["names"], values=update["values"])
        except ConditionFailedError:
            # Expired and taken over meanwhile: nothing of ours to release.
            logger.info("lease not released: held by another owner",
                        extra={"lease": self._name, "owner": owner})
