"""Claude engine and verifier: the Messages API with tool use (the only module that imports anthropic).

`anthropic` takes ~2.5 s to import, so it is imported when a client is built, and the brief
functions build one only when an API key is configured (headlinez.settings.BriefSettings). The
ingest, cluster and API functions never import this module (tests/unit/test_brief_imports.py).

Transport and retries: the SDK's own retries are off (`max_retries=0`: they honour retry-after
without a cap). A 429 or 529 whose retry-after is short (<= `inline_retry_after_max`) is waited
out once here; otherwise the error is raised under a stable name (LlmRateLimitedError,
LlmOverloadedError, LlmServerError, LlmTimeoutError, LlmConnectionError) and the state machine
retries it with backoff. 4xx errors (LlmRequestError) and unusable tool output (ModelOutputError)
are never retried.

Structured output is tool use with a strict JSON schema and `tool_choice: auto` (forcing a tool
is rejected by newer models such as Claude Sonnet 5.5); the response is validated with pydantic.
The static system prompt is cached (`cache_control`); usage, including cache reads and writes,
is returned for the budget and the metrics.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.parameters import BaseProvider
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from headlinez.adapters.secrets import secret_string
from headlinez.briefs.errors import (
    LlmConnectionError,
    LlmOverloadedError,
    LlmRateLimitedError,
    LlmRequestError,
    LlmServerError,
    LlmTimeoutError,
    ModelOutputError,
    TransientBriefError,
)
from headlinez.briefs.models import BriefDraft, EvidenceItem, RemovedClaim, TokenUsage, Verdict
from headlinez.briefs.prompts import (
    BRIEF_SYSTEM_PROMPT,
    BRIEF_TOOL,
    BRIEF_TOOL_SCHEMA,
    VERDICT_TOOL,
    VERDICT_TOOL_SCHEMA,
    VERIFIER_SYSTEM_PROMPT,
    brief_user_prompt,
    verifier_user_prompt,
)
from headlinez.domain.retry_after import delta_seconds, retry_after_seconds
from headlinez.ports import ClaimToVerify

if TYPE_CHECKING:
    import anthropic

    from headlinez.settings import BriefSettings

logger = logging.getLogger(__name__)

OVERLOADED_STATUS = 529
TOOL_USE_PREAMBLE_TOKENS = 1_000
"""The system prompt the API adds for tool use is a few hundred tokens (Anthropic's pricing page);
counted generously in a call's token ceiling."""


def parse_retry_after(headers: Any) -> float | None:
    """Seconds to wait from `retry-after-ms`, else `retry-after` (headlinez.domain.retry_after),
    else None."""
    if headers is None:
        return None
    milliseconds = delta_seconds(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    return retry_after_seconds(headers.get("retry-after"), now=datetime.now(UTC))


class ClaudeClient:
    """One Messages API call that must answer with one tool call."""

    def __init__(self, api_key: str | Callable[[], str], *, base_url: str | None = None,
                 timeout: float = 60.0, inline_retry_after_max: float = 5.0, max_output_tokens: int = 4096,
                 effort: str | None = "low", sleep: Callable[[float], None] = time.sleep) -> None:
        """`api_key`: the key, or a function that reads it (the secret, cached with a max age):
        read before every call, so a rotated key reaches a warm function within that age instead
        of failing every call with 401 until the environment is recycled."""
        import anthropic

        self._key_source = api_key if callable(api_key) else (lambda: api_key)
        self._api_key = self._key_source()
        self._client: anthropic.Anthropic = anthropic.Anthropic(
            api_key=self._api_key, base_url=base_url, max_retries=0, timeout=timeout)
        self._inline_retry_after_max = inline_retry_after_max
        self._max_output_tokens = max_output_tokens
        self._effort = effort
        self._sleep = sleep

    def call_tool(self, *, model: str, system: str, tool_name: str, tool_description: str,
                  schema: dict[str, Any], user: str) -> tuple[dict[str, Any], TokenUsage]:
        request: dict[str, Any] = {
            "model": model,
            "max_tokens": self._max_output_tokens,
            "system": [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
            "tools": [{"name": tool_name, "description": tool_description, "input_schema": schema,
                       "strict": True}],
            "tool_choice": {"type": "auto"},
            "messages": [{"role": "user", "content": user}],
        }
        if self._effort:
            request["output_config"] = {"effort": self._effort}
        self._refresh_key()
        for attempt in (1, 2):
            try:
                response = self._client.messages.create(**request)
            except Exception as exc:  # mapped to the flow's error names below
                error = _map_error(exc)
                if attempt == 1 and self._waits_inline(error):
                    wait = error.retry_after if isinstance(error, TransientBriefError) else None
                    logger.warning("model API asked to wait; retrying once", extra={
                        "error_type": type(error).__name__, "retry_after": wait, "model": model})
                    self._sleep(wait or 0.0)
                    continue
                raise error from exc
            usage = _usage(response)
            try:
                return _tool_input(response, tool_name), usage
            except ModelOutputError as exc:
                exc.billed_tokens = usage.total  # an unusable answer is billed all the same
                exc.billed_usage = usage
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _refresh_key(self) -> None:
        key = self._key_source()
        if key != self._api_key:
            logger.info("Anthropic API key changed: using the new one")
            self._api_key = key
            self._client = self._client.with_options(api_key=key)

    def token_ceiling(self, *, system: str, schema: dict[str, Any], user: str) -> int:
        """The most one `call_tool` can bill: every byte sent as a token (a byte-level tokenizer
        never makes more tokens than bytes), the API's own tool-use preamble, and `max_tokens` of
        answer. Twice or thrice a real call's count for English: reserved before the call and
        settled to the usage after it (services.briefs), so the cost is only that the day's last
        few calls' worth of budget stays unused."""
        sent = len(system.encode()) + len(json.dumps(schema).encode()) + len(user.encode())
        return sent + TOOL_USE_PREAMBLE_TOKENS + self._max_output_tokens

    def _waits_inline(self, error: Exception) -> bool:
        """A 429/529 with a short retry-after is waited out once; everything else is raised."""
        return (isinstance(error, (LlmRateLimitedError, LlmOverloadedError)) and error.retry_after is not None
                and error.retry_after <= self._inline_retry_after_max)


def _map_error(exc: Exception) -> TransientBriefError | LlmRequestError:
    import anthropic

    if isinstance(exc, anthropic.APITimeoutError):
        return LlmTimeoutError(f"model API timed out: {exc}")
    if isinstance(exc, anthropic.APIConnectionError):
        return LlmConnectionError(f"model API unreachable: {exc}")
    if isinstance(exc, (anthropic.APIResponseValidationError, json.JSONDecodeError)):
        return LlmServerError(f"model API answer unreadable: {exc}")  # a truncated or garbled body
    if isinstance(exc, anthropic.APIStatusError):
        return _status_error(exc)
    raise exc


def _status_error(exc: Any) -> TransientBriefError | LlmRequestError:
    retry_after = parse_retry_after(exc.response.headers)
    message = f"model API answered {exc.status_code}: {exc.message}"
    if exc.status_code == 429:
        return LlmRateLimitedError(message, retry_after=retry_after)
    if exc.status_code == OVERLOADED_STATUS:
        return LlmOverloadedError(message, retry_after=retry_after)
    if exc.status_code >= 500 or exc.status_code in (408, 409):  # 408/409: the SDK retries them too
        return LlmServerError(message, retry_after=retry_after)
    return LlmRequestError(message)


_FINISHED = frozenset({"tool_use", "end_turn", None})  # None: a proxy that does not say


def _tool_input(response: Any, tool_name: str) -> dict[str, Any]:
    stop_reason = getattr(response, "stop_reason", None)
    if stop_reason == "max_tokens":
        raise ModelOutputError("the model's answer was cut off at max_tokens")
    if stop_reason not in _FINISHED:  # a refusal, a context overflow, a paused turn: not an answer
        raise ModelOutputError(f"the model's answer did not finish (stop_reason: {stop_reason})")
    for block in getattr(response, "content", None) or []:
        if getattr(block, "type", None) == "tool_use" and getattr(block, "name", None) == tool_name:
            payload = block.input
            if isinstance(payload, str):  # defensive: some proxies send the arguments as a string
                try:
                    payload = json.loads(payload)
                except json.JSONDecodeError as exc:
                    raise ModelOutputError(f"{tool_name} input is not JSON: {exc}") from exc
            if not isinstance(payload, dict):
                raise ModelOutputError(f"{tool_name} input is {type(payload).__name__}, not an object")
            return payload
    kinds = [getattr(block, "type", "?") for block in getattr(response, "content", None) or []]
    raise ModelOutputError(f"no {tool_name} tool call in the answer (blocks: {kinds}, "
                           f"stop_reason: {getattr(response, 'stop_reason', None)})")


MAX_DRAFT_STATE_BYTES = 40_000
"""A draft travels in the Step Functions state twice (the draft, then its removed claims), with the
evidence, under a 256 KiB limit whose breach (States.DataLimitExceeded) no Catch takes. The
schema's caps allow ~33,000 characters, which a non-Latin or emoji draft makes 6-12 bytes each
once escaped; a real brief is 1-3 KB."""

MAX_REPORTED_TOKENS = 10_000_000
"""More than any context window: a larger (or negative, or non-numeric) count is a proxy's or an
SDK's garbage, read as 0 rather than let it stop every brief for the day or raise after the call."""


def _usage(response: Any) -> TokenUsage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return TokenUsage()
    return TokenUsage(
        input_tokens=_count(getattr(usage, "input_tokens", 0)),
        output_tokens=_count(getattr(usage, "output_tokens", 0)),
        cache_creation_input_tokens=_count(getattr(usage, "cache_creation_input_tokens", 0)),
        cache_read_input_tokens=_count(getattr(usage, "cache_read_input_tokens", 0)),
    )


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    count = int(value)
    return count if 0 <= count <= MAX_REPORTED_TOKENS else 0


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])


class ClaudeBriefGenerator:
    """BriefGenerator with Claude: the engine id is the model id."""

    uses_tokens = True

    def __init__(self, client: ClaudeClient, model: str) -> None:
        self._client = client
        self.engine = model

    def generate(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim],
                 headline: str = "") -> tuple[BriefDraft, TokenUsage]:
        # `headline` is not sent: the prompt (and its cache) stay as they are; the model writes
        # its own questions under the contract and never echoes a bare headline as an answer.
        payload, usage = self._client.call_tool(
            model=self.engine, system=BRIEF_SYSTEM_PROMPT, tool_name=BRIEF_TOOL,
            tool_description="Record the brief: paragraphs of cited claims and three quick answers.",
            schema=BRIEF_TOOL_SCHEMA, user=brief_user_prompt(evidence, feedback))
        try:
            draft = BriefDraft.model_validate(payload)
        except ValidationError as exc:
            error = ModelOutputError(f"{BRIEF_TOOL} output does not match the schema: {_problems(exc)}")
            error.billed_tokens, error.billed_usage = usage.total, usage
            raise error from exc
        size = len(draft.model_dump_json().encode("unicode_escape"))
        if size > MAX_DRAFT_STATE_BYTES:
            error = ModelOutputError(f"{BRIEF_TOOL} output of {size} bytes (escaped) is over "
                                     f"{MAX_DRAFT_STATE_BYTES}: it would not fit the flow's state")
            error.billed_tokens, error.billed_usage = usage.total, usage
            raise error
        return draft, usage

    def token_ceiling(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim]) -> int:
        return self._client.token_ceiling(system=BRIEF_SYSTEM_PROMPT, schema=BRIEF_TOOL_SCHEMA,
                                          user=brief_user_prompt(evidence, feedback))


class _VerdictIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    claim_id: int
    verdict: str = Field(pattern="^(supported|unsupported)$")
    evidence_id: int | None = None
    reason: str = ""


class _VerdictsIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    verdicts: list[_VerdictIn]


class ClaudeVerifier:
    """ClaimVerifier with Claude: one call judges every claim that passed the deterministic checks."""

    def __init__(self, client: ClaudeClient, model: str) -> None:
        self._client = client
        self.name = model

    def verify(self, evidence: Sequence[EvidenceItem], claims: Sequence[ClaimToVerify]
               ) -> tuple[list[Verdict], TokenUsage]:
        payload, usage = self._client.call_tool(
            model=self.name, system=VERIFIER_SYSTEM_PROMPT, tool_name=VERDICT_TOOL,
            tool_description="Record one verdict per claim.", schema=VERDICT_TOOL_SCHEMA,
            user=verifier_user_prompt(evidence, claims))
        try:
            parsed = _VerdictsIn.model_validate(payload)
        except ValidationError as exc:
            error = ModelOutputError(f"{VERDICT_TOOL} output does not match the schema: {_problems(exc)}")
            error.billed_tokens, error.billed_usage = usage.total, usage
            raise error from exc
        return [Verdict(claim_id=v.claim_id, supported=v.verdict == "supported", evidence_id=v.evidence_id,
                        reason=v.reason[:500]) for v in parsed.verdicts if v.claim_id >= 1], usage

    def token_ceiling(self, evidence: Sequence[EvidenceItem], claims: Sequence[ClaimToVerify]) -> int:
        return self._client.token_ceiling(system=VERIFIER_SYSTEM_PROMPT, schema=VERDICT_TOOL_SCHEMA,
                                          user=verifier_user_prompt(evidence, claims))


def resolve_api_key(settings: BriefSettings, secrets_client: Any = None) -> str:
    """ANTHROPIC_API_KEY, else the Secrets Manager secret (a plain string or {"api_key": ...}), read
    through Powertools Parameters (cached with a max age, headlinez.adapters.secrets).
    `secrets_client` (tests): a Powertools provider, or a Secrets Manager client to read through."""
    if settings.anthropic_api_key is not None and settings.anthropic_api_key.get_secret_value():
        return settings.anthropic_api_key.get_secret_value()
    if not settings.anthropic_api_key_secret_arn:
        raise LlmRequestError("no Anthropic API key configured")
    provider = secrets_client
    if secrets_client is not None and not isinstance(secrets_client, BaseProvider):
        from aws_lambda_powertools.utilities.parameters import SecretsProvider

        provider = SecretsProvider(boto3_client=secrets_client)
    secret = secret_string(settings.anthropic_api_key_secret_arn, provider=provider)
    try:
        parsed = json.loads(secret)
    except json.JSONDecodeError:
        return secret.strip()
    if isinstance(parsed, dict):
        for key in ("api_key", "ANTHROPIC_API_KEY", "key"):
            if isinstance(parsed.get(key), str):
                return str(parsed[key])
    raise LlmRequestError("the Anthropic key secret holds JSON without an api_key field")


def claude_client(settings: BriefSettings, api_key: str | None = None) -> ClaudeClient:
    return ClaudeClient(
        api_key or partial(resolve_api_key, settings), base_url=settings.anthropic_base_url,
        timeout=settings.llm_timeout_seconds, inline_retry_after_max=settings.inline_retry_after_max_seconds,
        max_output_tokens=settings.max_output_tokens,
        effort=None if settings.effort == "model-default" else settings.effort,
    )
