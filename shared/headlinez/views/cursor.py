"""Opaque, tamper-evident paging cursors.

A cursor carries the repository's `StartKey` (DynamoDB's `LastEvaluatedKey`) to the client and
back. It is `v1.<payload>.<signature>`:

- `payload`: unpadded urlsafe base64 of the key as compact JSON (sorted keys). `Decimal` values
  (what boto3 returns for DynamoDB numbers) are written as `{"$n": "<str(decimal)>"}` and read back
  as the same `Decimal`, so numbers survive exactly, with their type.
- `signature`: unpadded urlsafe base64 of HMAC-SHA256(secret, "v1." + payload), truncated to
  128 bits. It covers the version and the encoded payload character for character, so changing
  any character of a token makes it invalid.

`decode_cursor` raises `InvalidCursorError` (and nothing else) for anything it did not make with
the same secret; the API answers 400 to it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

CURSOR_VERSION = "v1"
MAX_CURSOR_LENGTH = 2048
_SIGNATURE_BYTES = 16
_DECIMAL_TAG = "$n"


class InvalidCursorError(ValueError):
    """A paging cursor is malformed, tampered with, from another version, or signed with another key."""


def encode_cursor(start_key: Mapping[str, Any], secret: str) -> str:
    """Return the opaque token of `start_key` (JSON-serializable values, `Decimal` allowed).

    Raises `ValueError` for a non-finite number and `TypeError` for a value JSON cannot hold:
    both are programming errors, not client errors.
    """
    payload_json = json.dumps(
        dict(start_key),
        separators=(",", ":"),
        sort_keys=True,
        ensure_ascii=False,
        allow_nan=False,
        default=_encode_value,
    )
    payload = _b64encode(payload_json.encode("utf-8"))
    token = f"{CURSOR_VERSION}.{payload}.{_sign(payload, secret)}"
    if len(token) > MAX_CURSOR_LENGTH:
        raise ValueError(f"start key too large for a cursor ({len(token)} > {MAX_CURSOR_LENGTH} characters)")
    return token


def decode_cursor(token: str, secret: str) -> dict[str, Any]:
    """Return the start key that `encode_cursor` put in `token`, or raise `InvalidCursorError`."""
    if not isinstance(token, str) or not token.isascii() or len(token) > MAX_CURSOR_LENGTH:
        raise InvalidCursorError("malformed cursor")
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidCursorError("malformed cursor")
    version, payload, signature = parts
    if version != CURSOR_VERSION:
        raise InvalidCursorError("unsupported cursor version")
    if not hmac.compare_digest(_sign(payload, secret), signature):
        raise InvalidCursorError("cursor signature mismatch")
    try:
        raw = _b64decode(payload)
        value = json.loads(raw.decode("utf-8"), object_hook=_decode_object, parse_constant=_reject_constant)
    except (binascii.Error, UnicodeDecodeError, ValueError, InvalidOperation) as exc:
        raise InvalidCursorError("malformed cursor payload") from exc
    if not isinstance(value, dict):
        raise InvalidCursorError("cursor payload is not an object")
    return value


def _sign(payload: str, secret: str) -> str:
    if not secret:
        raise ValueError("cursor secret must not be empty")
    digest = hmac.new(
        secret.encode("utf-8"), f"{CURSOR_VERSION}.{payload}".encode("ascii"), hashlib.sha256
    ).digest()
    return _b64encode(digest[:_SIGNATURE_BYTES])


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    if _b64encode(data) != text:  # only the canonical spelling is accepted
        raise binascii.Error("non-canonical base64")
    return data


def _encode_value(value: object) -> object:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot put a non-finite number in a cursor: {value}")
        return {_DECIMAL_TAG: str(value)}
    raise TypeError(f"cannot put a {type(value).__name__} in a cursor")


def _decode_object(obj: dict[str, Any]) -> object:
    if len(obj) == 1 and _DECIMAL_TAG in obj:
        text = obj[_DECIMAL_TAG]
        if not isinstance(text, str):
            raise ValueError("bad number in cursor")
        number = Decimal(text)
        if not number.is_finite():
            raise ValueError("non-finite number in cursor")
        return number
    return obj


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed in a cursor")
