"""Single-writer leases (headlinez.adapters.lease): one item per lease name."""

from __future__ import annotations

from typing import Any

Item = dict[str, Any]
ItemKey = dict[str, str]


class LeaseEntity:
    """A lease: pk=`{name}`, sk=`LEASE`; `owner`, `expires_at` and `acquired_at` (epoch seconds).

    `expires_at` is a plain number, not the table's `ttl`: a released or expired lease item stays
    and is taken over by the next `acquire`.
    """

    SK = "LEASE"

    @classmethod
    def key(cls, name: str) -> ItemKey:
        return {"pk": name, "sk": cls.SK}

    @classmethod
    def to_item(cls, name: str, owner: str, now: float, ttl_seconds: float) -> Item:
        return {**cls.key(name), "owner": owner, "expires_at": int(now + ttl_seconds),
                "acquired_at": int(now)}

    @staticmethod
    def take_condition(owner: str, now: float) -> dict[str, Any]:
        """Taken when no lease is stored, the stored one has expired, or `owner` already holds it."""
        return {"condition": "attribute_not_exists(pk) OR expires_at < :now OR #owner = :owner",
                "names": {"#owner": "owner"}, "values": {":now": int(now), ":owner": owner}}

    @staticmethod
    def release_update(owner: str) -> dict[str, Any]:
        """Expire the lease at once, only while `owner` still holds it (an UpdateItem: the functions
        have no DeleteItem)."""
        return {"expression": "SET expires_at = :zero", "condition": "#owner = :owner",
                "names": {"#owner": "owner"}, "values": {":zero": 0, ":owner": owner}}
