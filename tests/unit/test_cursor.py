"""Paging cursors: exact round trips, and any change to a token is rejected."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import string
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headlinez.views.cursor import MAX_CURSOR_LENGTH, InvalidCursorError, decode_cursor, encode_cursor

SECRET = "test-cursor-secret-0123456789"
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_."

DYNAMO_KEY = {
    "pk": "TREND#t0123456789abcde",
    "sk": "META",
    "gsi1pk": "TRENDS",
    "gsi1sk": "000000012500#2026-11-26T13:40:00+00:00#t0123456789abcde",
}

key_values = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=False, allow_infinity=False, places=None),
    st.booleans(),
    st.none(),
)
start_keys = st.dictionaries(
    st.text(min_size=1, max_size=15),
    st.one_of(key_values, st.dictionaries(st.sampled_from(["S", "N"]), st.text(max_size=20), max_size=1)),
    min_size=1,
    max_size=5,
)


def _sign_raw(payload_json: str, secret: str = SECRET, version: str = "v1") -> str:
    """Build a token by hand, the way the module documents the format."""
    payload = base64.urlsafe_b64encode(payload_json.encode()).rstrip(b"=").decode()
    digest = hmac.new(secret.encode(), f"{version}.{payload}".encode(), hashlib.sha256).digest()[:16]
    signature = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return f"{version}.{payload}.{signature}"


# --- Round trips ----------------------------------------------------------------------------------


def test_round_trip_of_a_dynamodb_last_evaluated_key() -> None:
    token = encode_cursor(DYNAMO_KEY, SECRET)

    assert decode_cursor(token, SECRET) == DYNAMO_KEY
    assert token.startswith("v1.")
    assert set(token) <= set(TOKEN_ALPHABET), "URL-safe without escaping"
    assert "TREND" not in token, "opaque: no key material in clear"


def test_decimals_come_back_as_the_same_decimal() -> None:
    key = {"pk": "X", "n": Decimal("12.5000"), "big": Decimal("1E+30"), "i": Decimal("7")}

    decoded = decode_cursor(encode_cursor(key, SECRET), SECRET)

    assert decoded == key
    assert all(type(decoded[name]) is Decimal for name in ("n", "big", "i"))
    assert str(decoded["n"]) == "12.5000"


def test_encoding_is_deterministic_whatever_the_key_order() -> None:
    reordered = dict(reversed(list(DYNAMO_KEY.items())))

    assert encode_cursor(DYNAMO_KEY, SECRET) == encode_cursor(reordered, SECRET)


@given(start_keys)
def test_round_trip_property(key: dict[str, Any]) -> None:
    decoded = decode_cursor(encode_cursor(key, SECRET), SECRET)

    assert decoded == key
    for name, value in key.items():
        assert type(decoded[name]) is type(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), float("nan")])
def test_non_finite_numbers_are_refused_when_encoding(value: Any) -> None:
    with pytest.raises(ValueError, match=r"."):
        encode_cursor({"pk": value}, SECRET)


def test_values_json_cannot_hold_are_refused_when_encoding() -> None:
    with pytest.raises(TypeError):
        encode_cursor({"pk": b"bytes"}, SECRET)


def test_an_oversized_key_is_refused_when_encoding() -> None:
    with pytest.raises(ValueError, match="too large"):
        encode_cursor({"pk": "x" * MAX_CURSOR_LENGTH}, SECRET)


# --- Rejections -----------------------------------------------------------------------------------


def test_changing_any_character_to_any_other_is_rejected() -> None:
    # Given a valid token
    token = encode_cursor(DYNAMO_KEY, SECRET)
    # When each position is replaced by every other character of the token alphabet
    accepted = []
    for position, original in enumerate(token):
        for replacement in TOKEN_ALPHABET:
            if replacement == original:
                continue
            tampered = token[:position] + replacement + token[position + 1 :]
            try:
                decode_cursor(tampered, SECRET)
            except InvalidCursorError:
                continue
            accepted.append((position, replacement))
    # Then none is accepted (no dead base64 bits, no alternative spelling)
    assert accepted == []


@given(start_keys, st.data())
def test_tampering_property(key: dict[str, Any], data: st.DataObject) -> None:
    token = encode_cursor(key, SECRET)
    position = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    replacement = data.draw(st.characters(codec="utf-8").filter(lambda c: c != token[position]))

    with pytest.raises(InvalidCursorError):
        decode_cursor(token[:position] + replacement + token[position + 1 :], SECRET)


def test_truncating_or_extending_is_rejected() -> None:
    token = encode_cursor(DYNAMO_KEY, SECRET)

    for cut in range(len(token)):
        with pytest.raises(InvalidCursorError):
            decode_cursor(token[:cut], SECRET)
    for suffix in ("=", "==", "A", ".", " ", "\n"):
        with pytest.raises(InvalidCursorError):
            decode_cursor(token + suffix, SECRET)


def test_another_secret_is_rejected() -> None:
    token = encode_cursor(DYNAMO_KEY, SECRET)

    with pytest.raises(InvalidCursorError, match="signature"):
        decode_cursor(token, SECRET + "-rotated")


def test_another_version_is_rejected_even_when_correctly_signed() -> None:
    token = _sign_raw(json.dumps(DYNAMO_KEY), version="v2")

    with pytest.raises(InvalidCursorError, match="version"):
        decode_cursor(token, SECRET)


def test_the_hand_built_format_is_accepted() -> None:
    # The format documented in the module is the real one.
    assert decode_cursor(_sign_raw(json.dumps(DYNAMO_KEY)), SECRET) == DYNAMO_KEY


@pytest.mark.parametrize(
    "payload",
    ['["pk", "sk"]', '"TREND#1"', "42", "null", '{"pk": NaN}', "{not json", '{"pk": {"$n": "abc"}}',
     '{"pk": {"$n": "NaN"}}', '{"pk": {"$n": "Infinity"}}'],
)
def test_signed_payloads_that_are_not_a_key_are_rejected(payload: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(_sign_raw(payload), SECRET)


def test_signed_payload_that_is_not_utf8_is_rejected() -> None:
    payload = base64.urlsafe_b64encode(b"\xff\xfe{}").rstrip(b"=").decode()
    digest = hmac.new(SECRET.encode(), f"v1.{payload}".encode(), hashlib.sha256).digest()[:16]
    token = f"v1.{payload}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"

    with pytest.raises(InvalidCursorError):
        decode_cursor(token, SECRET)


@pytest.mark.parametrize(
    "token",
    ["", "v1", "v1..", "v1.e30.", "...", "v1.e30.AAAA.AAAA", "é" * 10, "v1." + "A" * MAX_CURSOR_LENGTH],
)
def test_garbage_is_rejected(token: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(token, SECRET)


def test_a_non_string_is_rejected() -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(None, SECRET)  # type: ignore[arg-type]
