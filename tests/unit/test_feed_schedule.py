from datetime import UTC, datetime, timedelta

from headlinez.domain.feed_schedule import PollPolicy, after_error, after_success, error_backoff, is_due
from headlinez.models import FeedState

NOW = datetime(2026, 2, 18, 4, 0, tzinfo=UTC)
POLICY = PollPolicy()


def state() -> FeedState:
    return FeedState(feed_id="bbc-world", url="https://example.com/rss")


def test_backoff_doubles_and_is_capped() -> None:
    assert [error_backoff(n, POLICY) for n in (1, 2, 3)] == [
        timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1)]
    assert error_backoff(40, POLICY) == POLICY.max_backoff


def test_error_then_success_resets_the_count() -> None:
    failed = after_error(after_error(state(), NOW, "HTTP 500", POLICY), NOW, "HTTP 500", POLICY)
    assert failed.consecutive_errors == 2
    assert failed.total_errors == 2
    assert failed.last_error == "HTTP 500"
    assert failed.next_attempt_at == NOW + timedelta(minutes=30)
    assert not is_due(failed, NOW + timedelta(minutes=29))
    assert is_due(failed, NOW + timedelta(minutes=30))
    recovered = after_success(failed, NOW, POLICY)
    assert recovered.consecutive_errors == 0
    assert recovered.total_errors == 2  # history stays visible
    assert recovered.next_attempt_at == NOW + POLICY.min_interval


def test_retry_after_is_honoured_but_bounded() -> None:
    limited = after_error(state(), NOW, "HTTP 429", POLICY, retry_after_seconds=7200)
    assert limited.next_attempt_at == NOW + timedelta(hours=2)
    hostile = after_error(state(), NOW, "HTTP 429", POLICY, retry_after_seconds=10**9)
    assert hostile.next_attempt_at == NOW + POLICY.max_retry_after


def test_a_feed_never_polled_is_due() -> None:
    assert is_due(None, NOW)
    assert is_due(state(), NOW)
