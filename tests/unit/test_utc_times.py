"""One reading of times for every layer: naive is UTC, aware is converted, keys are second-precision Z."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from headlinez.models import as_utc, iso_utc


def test_a_naive_time_is_utc_and_an_aware_one_is_converted() -> None:
    assert as_utc(datetime(2026, 2, 18, 3, 12)) == datetime(2026, 2, 18, 3, 12, tzinfo=UTC)
    lima = datetime(2026, 2, 17, 22, 12, tzinfo=timezone(timedelta(hours=-5)))
    converted = as_utc(lima)
    assert converted.tzinfo is UTC
    assert converted.hour == 3


def test_the_ends_of_the_calendar_overflow_for_the_caller_to_catch() -> None:
    with pytest.raises(OverflowError):
        as_utc(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))))


def test_the_key_text_is_utc_to_the_second() -> None:
    assert iso_utc(datetime(2026, 2, 18, 4, 12, 9, 999_999, tzinfo=timezone(timedelta(hours=1)))) == \
        "2026-02-18T03:12:09Z"


def test_a_naive_time_is_utc_in_the_key_text_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert iso_utc(datetime(2026, 2, 18, 3, 12)) == "2026-02-18T03:12:00Z"
    finally:
        monkeypatch.undo()
        time.tzset()
