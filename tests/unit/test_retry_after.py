"""One reading of Retry-After for feed servers and the model API (headlinez.domain.retry_after)."""

from datetime import UTC, datetime

import pytest

from headlinez.domain.retry_after import delta_seconds, retry_after_seconds

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 7 ", 7.0), ("2.5", 2.5), ("0", 0.0),
    ("Wed, 18 Feb 2026 04:01:30 GMT", 90.0),   # a date ahead
    ("Wed, 18 Feb 2026 03:00:00 GMT", 0.0),    # a date past: no wait
    (None, None), ("", None), ("soon", None), ("-5", None), ("1e9999", None),
    ("inf", None), ("nan", None), ("Infinity", None),  # never an endless wait
])
def test_retry_after_reads_seconds_or_a_date_and_nothing_else(value: str | None,
                                                              seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


def test_delta_seconds_reads_numbers_only() -> None:
    assert delta_seconds("1500") == 1500.0
    assert delta_seconds("Wed, 18 Feb 2026 04:01:30 GMT") is None
    assert delta_seconds(None) is None
