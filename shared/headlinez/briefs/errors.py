"""Errors raised by the brief functions. Their class names are the Step Functions error names.

A Lambda that raises reports `errorType` = the exception's class name, and the state machine
(`infra/statemachines/brief.asl.json`) retries or catches by that name. So these names are a
contract with the ASL file: rename both together (tests/unit/test_brief_asl.py checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a leaf module at run time: models import nothing from here, but keep it so
    from headlinez.briefs.models import TokenUsage


class BriefError(RuntimeError):
    """Base of the brief errors."""


# --- transient: retried by the state machine with backoff -----------------------------------------


class TransientBriefError(BriefError):
    """A failure that may succeed when retried later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LlmRateLimitedError(TransientBriefError):
    """The model API answered 429 (rate limited)."""


class LlmPausedError(LlmRateLimitedError):
    """Not called: the model API asked every caller to wait (a long retry-after, up to
    `services.briefs.MAX_MODEL_PAUSE_SECONDS`) longer than a step waits inline. Its own retrier
    spaces the attempts over that whole pause; the rate-limit retrier's ~2 minutes ran out first
    and failed the execution without a call."""


class LlmOverloadedError(TransientBriefError):
    """The model API answered 529 (overloaded)."""


class LlmServerError(TransientBriefError):
    """The model API answered another 5xx."""


class LlmTimeoutError(TransientBriefError):
    """The model API did not answer within the configured timeout."""


class LlmConnectionError(TransientBriefError):
    """The model API could not be reached."""


class StorageThrottledError(TransientBriefError):
    """DynamoDB throttled or failed internally after the SDK's own retries."""


# --- permanent: never retried; the flow records the failure and keeps the last good brief -------


class BriefInputError(BriefError):
    """A step received input that does not validate (a bug in the flow, never fixed by retrying)."""


class ModelOutputError(BriefError):
    """The model's tool output is missing, truncated or does not match the schema. The call was
    answered, so it was billed: `billed_tokens` carries what it cost, for the daily budget, and
    `billed_usage` its split (a TokenUsage), for the cost metrics."""

    billed_tokens: int = 0
    billed_usage: TokenUsage | None = None


class LlmRequestError(BriefError):
    """The model API rejected the request (400, 401, 403, 404 ...): configuration or a bug."""
