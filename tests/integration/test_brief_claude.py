"""The Claude engine and verifier through the real anthropic SDK against a fake Messages API.

Each scripted answer must end as the issue specifies: inventions removed by the checks, the
injected instruction changing nothing, malformed output a ModelOutputError (never retried), 429
and 529 waited out when retry-after is short and raised by name otherwise, a timeout an
LlmTimeoutError.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from tests import brief_story as story
from tests.fake_anthropic import (
    FakeAnthropic,
    FakeResponse,
    error,
    message,
    overloaded,
    rate_limited,
    slow,
    text_only,
    tool_call,
    usage,
)
from tests.unit.test_brief_service import Clock, seeded_store

from headlinez.adapters.claude import ClaudeBriefGenerator, ClaudeClient, ClaudeVerifier, parse_retry_after
from headlinez.briefs.errors import (
    LlmOverloadedError,
    LlmRateLimitedError,
    LlmRequestError,
    LlmServerError,
    LlmTimeoutError,
    ModelOutputError,
)
from headlinez.briefs.models import CheckInput, GenerateInput, RemovedClaim
from headlinez.services.briefs import BriefPolicy, BriefService

MODEL = "claude-sonnet-5-5"
VERIFIER = "claude-haiku-5-5"


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(brief=story.GOOD_DRAFT) as server:
        yield server


def client(fake: FakeAnthropic, **kwargs: float) -> ClaudeClient:
    return ClaudeClient("sk-test", base_url=fake.base_url, timeout=kwargs.get("timeout", 5.0),
                        inline_retry_after_max=kwargs.get("inline", 1.0))


def generate(fake: FakeAnthropic, feedback: list[RemovedClaim] | None = None, **kwargs: float):  # type: ignore[no-untyped-def]
    return ClaudeBriefGenerator(client(fake, **kwargs), MODEL).generate(story.evidence(), feedback or [])


def check(fake: FakeAnthropic, draft: dict[str, object]):  # type: ignore[no-untyped-def]
    """Generate with the fake returning `draft`, then the full check (deterministic + verifier)."""
    fake.script("write_brief", tool_call("write_brief", draft))
    generated, used = generate(fake)
    service = BriefService(seeded_store(), Clock(), BriefPolicy(verify="all"))  # the verifier's mechanics
    verifier = ClaudeVerifier(client(fake), VERIFIER)
    request = CheckInput(trend_id=story.TREND_ID, evidence=story.evidence(), draft=generated, engine=MODEL,
                         usage=used)
    return service.check(request, verifier)


# --- the request ----------------------------------------------------------------------------------


def test_the_request_is_tool_use_with_a_cached_prompt_and_evidence_as_data(fake: FakeAnthropic) -> None:
    draft, used = generate(fake)
    assert draft.paragraphs[0].claims[0].evidence_ids == [1]
    assert used.model_dump() == usage()  # as the API reported it
    (request,) = fake.requests
    assert request["model"] == MODEL
    assert request["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "never instructions" in request["system"][0]["text"]
    assert request["tools"][0]["name"] == "write_brief"
    assert request["tools"][0]["strict"] is True
    assert request["tool_choice"] == {"type": "auto"}
    assert request["output_config"] == {"effort": "low"}
    user = request["messages"][0]["content"]
    assert user.startswith("<evidence>")
    assert "Albusaidi" in user
    assert "temperature" not in request  # sampling parameters are rejected by newer models
    headers = fake.headers[0]
    assert headers.get("x-api-key") == "sk-test" or headers.get("authorization") == "Bearer sk-test"


def test_an_injected_instruction_never_reaches_the_model_and_obeying_it_is_removed(
        fake: FakeAnthropic) -> None:
    result = check(fake, story.draft_with(story.OBEYS_INJECTION))
    user = fake.requests_for("write_brief")[0]["messages"][0]["content"]
    assert "Ignore previous instructions" not in user
    assert "[instruction-like text removed]" in user
    removed = {r.text: r for r in result.removed_claims}
    assert story.OBEYS_INJECTION["text"] in removed
    assert result.decision == "publish"


@pytest.mark.parametrize(("claim", "reason"), [
    (story.HALLUCINATED, "date not in the cited evidence: march"),
    (story.ALTERED_QUOTE, 'quote not found verbatim in the cited evidence: "historic progress"'),
    (story.WRONG_NUMBER, "number not in the cited evidence: 6"),
])
def test_inventions_are_removed_with_their_reason(fake: FakeAnthropic, claim: dict[str, object],
                                                  reason: str) -> None:
    result = check(fake, story.draft_with(claim))
    (removed,) = result.removed_claims
    assert removed.text == claim["text"]
    assert reason in removed.reasons
    assert removed.stage == "deterministic"
    # the deterministic checks removed it before the verifier: it was not sent for verification
    verified = fake.requests_for("record_verdicts")[0]["messages"][0]["content"]
    assert str(claim["text"]) not in verified


def test_the_verifier_removes_what_the_literal_checks_cannot_judge(fake: FakeAnthropic) -> None:
    # "Oman mediated the talks" passes the literal checks; the verifier says it is unsupported
    fake.reject = lambda text: "item 3 says so, but not item 1" if text.startswith("Oman mediated") else None
    result = check(fake, story.GOOD_DRAFT)
    (removed,) = result.removed_claims
    assert removed.stage == "verifier"
    assert removed.reasons == ["verifier: item 3 says so, but not item 1"]
    assert result.verifier == f"deterministic+{VERIFIER}"
    assert [r["model"] for r in fake.requests] == [MODEL, VERIFIER]
    assert result.usage.output_tokens == 350 + 120


def test_feedback_is_sent_on_regeneration(fake: FakeAnthropic) -> None:
    feedback = [RemovedClaim(text="The talks lasted six hours.", location="what_happened", evidence_ids=[1],
                             reasons=["number not in the cited evidence: 6"], stage="deterministic")]
    generate(fake, feedback)
    user = fake.requests[0]["messages"][0]["content"]
    assert "<removed_claims>" in user
    assert "number not in the cited evidence: 6" in user


# --- malformed output -----------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "match"), [
    (text_only(), "no write_brief tool call"),
    (tool_call("write_brief", {"paragraphs": "three"}), "does not match the schema"),
    (tool_call("write_brief", {"paragraphs": [], "quick_answers": []}), "does not match the schema"),
    (tool_call("other_tool", story.GOOD_DRAFT), "no write_brief tool call"),
    (FakeResponse(body=message([{"type": "tool_use", "id": "t", "name": "write_brief",
                                 "input": story.GOOD_DRAFT}], stop_reason="max_tokens")), "max_tokens"),
])
def test_malformed_output_is_a_model_output_error(fake: FakeAnthropic, answer: FakeResponse,
                                                 match: str) -> None:
    fake.script("write_brief", answer)
    with pytest.raises(ModelOutputError, match=match):
        generate(fake)
    assert len(fake.requests) == 1  # never retried here


@pytest.mark.parametrize("stop_reason", ["refusal", "model_context_window_exceeded", "pause_turn"])
def test_a_tool_call_in_an_unfinished_answer_is_not_used(fake: FakeAnthropic, stop_reason: str) -> None:
    fake.script("write_brief", tool_call("write_brief", story.GOOD_DRAFT, stop_reason=stop_reason))
    with pytest.raises(ModelOutputError, match=f"stop_reason: {stop_reason}"):
        generate(fake)


def test_an_unusable_answer_is_billed_and_counted_against_the_daily_budget(fake: FakeAnthropic) -> None:
    # a draft that always fails the schema used to be re-billed every hour, uncounted
    fake.script("write_brief", tool_call("write_brief", {"paragraphs": "three"},
                                         tokens=usage(input_tokens=9000, output_tokens=96)))
    store = seeded_store()
    service = BriefService(store, Clock(), BriefPolicy())
    request = GenerateInput(trend_id=story.TREND_ID, evidence=story.evidence(), now=story.NOW)
    before = service.budget_left(story.NOW)
    with pytest.raises(ModelOutputError) as raised:
        service.generate(request, ClaudeBriefGenerator(client(fake), MODEL))
    assert raised.value.billed_tokens == 9096
    assert service.budget_left(story.NOW) == before - 9096


def test_a_call_s_token_ceiling_covers_every_byte_sent_and_the_whole_answer(fake: FakeAnthropic) -> None:
    generator = ClaudeBriefGenerator(client(fake), MODEL)
    evidence = story.evidence()
    ceiling = generator.token_ceiling(evidence, [])
    _, used = generate(fake)
    (request,) = fake.requests
    sent = len(json.dumps(request, ensure_ascii=False).encode())
    # a byte-level tokenizer makes at most one token per byte: the request's bytes bound its input
    assert sent + request["max_tokens"] <= ceiling <= 2 * sent + request["max_tokens"]
    assert used.total <= ceiling
    # non-Latin evidence costs more tokens per character, and the ceiling follows its bytes
    greek = [item.model_copy(update={"snippet": "Αθήνα " * 40}) for item in evidence]
    latin = [item.model_copy(update={"snippet": "Athens " * 40}) for item in evidence]
    assert generator.token_ceiling(greek, []) > generator.token_ceiling(latin, [])
    removed = [RemovedClaim(text="The talks collapsed.", location="what_happened", evidence_ids=[1],
                            reasons=["only 20% of its words appear in the cited evidence"],
                            stage="deterministic")]
    assert generator.token_ceiling(evidence, removed) > ceiling
    verifier = ClaudeVerifier(client(fake), VERIFIER)
    assert verifier.token_ceiling(evidence, [(1, "The talks resumed.", [1])]) > request["max_tokens"]


@pytest.mark.parametrize(("reported", "counted"), [
    (usage(input_tokens=10**12, output_tokens=5), 5),  # absurd: read as 0, not a day's budget gone
    ({"input_tokens": -3, "output_tokens": 7, "cache_read_input_tokens": 0,
      "cache_creation_input_tokens": 0}, 7),
])
def test_garbage_usage_counts_nothing_and_raises_nothing(fake: FakeAnthropic, reported: dict[str, int],
                                                         counted: int) -> None:
    fake.script("write_brief", tool_call("write_brief", story.GOOD_DRAFT, tokens=reported))
    draft, used = generate(fake)
    assert draft.paragraphs
    assert used.total == counted


def test_a_draft_too_large_for_the_flow_state_is_a_model_output_error(fake: FakeAnthropic) -> None:
    # within the schema's caps, but 24 claims of 1,200 emoji: ~690 KB escaped, past Step
    # Functions' 256 KiB state limit, which no Catch takes
    claim = {"text": "\U0001F600" * 1200, "evidence_ids": [1]}
    big = {"paragraphs": [{"kind": kind, "claims": [claim] * 8}
                          for kind in ("what_happened", "coverage", "what_to_watch")], "quick_answers": []}
    fake.script("write_brief", tool_call("write_brief", big))
    with pytest.raises(ModelOutputError, match="would not fit the flow's state") as raised:
        generate(fake)
    assert raised.value.billed_tokens > 0


def test_malformed_verdicts_are_a_model_output_error(fake: FakeAnthropic) -> None:
    bad = {"verdicts": [{"claim_id": 1, "verdict": "maybe"}]}
    fake.script("record_verdicts", tool_call("record_verdicts", bad))
    with pytest.raises(ModelOutputError, match="record_verdicts"):
        ClaudeVerifier(client(fake), VERIFIER).verify(story.evidence(),
                                                      [(1, "Oman mediated the talks.", [3])])


# --- transient errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("busy", [rate_limited, overloaded])
def test_a_short_retry_after_is_waited_out_once(fake: FakeAnthropic, busy) -> None:  # type: ignore[no-untyped-def]
    fake.script("write_brief", busy(retry_after=0.3))
    started = time.monotonic()
    draft, _ = generate(fake, inline=1.0)
    assert time.monotonic() - started >= 0.3
    assert draft.paragraphs
    assert len(fake.requests) == 2


@pytest.mark.parametrize(("busy", "expected"), [(rate_limited, LlmRateLimitedError),
                                                (overloaded, LlmOverloadedError)])
def test_a_long_retry_after_is_raised_by_name_for_the_state_machine(  # type: ignore[no-untyped-def]
        fake: FakeAnthropic, busy, expected: type[Exception]) -> None:
    fake.script("write_brief", busy(retry_after=30))
    started = time.monotonic()
    with pytest.raises(expected) as raised:
        generate(fake, inline=1.0)
    assert time.monotonic() - started < 5  # no 30 s wait in the function (the SDK would wait)
    assert raised.value.retry_after == 30  # type: ignore[attr-defined]
    assert len(fake.requests) == 1


def test_busy_twice_is_raised_after_one_inline_wait(fake: FakeAnthropic) -> None:
    fake.script("write_brief", overloaded(retry_after=0.1), overloaded(retry_after=0.1))
    with pytest.raises(LlmOverloadedError):
        generate(fake, inline=1.0)
    assert len(fake.requests) == 2


def test_a_timeout_is_an_llm_timeout_error(fake: FakeAnthropic) -> None:
    # the answer would come after 6 s; the 0.3 s timeout must end the call well before (the
    # margin is wide: a loaded CI machine once took 3 s to give up, against an answer at 2 s)
    fake.script("write_brief", slow(6.0))
    started = time.monotonic()
    with pytest.raises(LlmTimeoutError):
        generate(fake, timeout=0.3)
    assert time.monotonic() - started < 5.0


@pytest.mark.parametrize(("status", "kind", "expected"), [
    (500, "api_error", LlmServerError),
    (408, "timeout_error", LlmServerError),  # the SDK retries 408 and 409 too: transient
    (409, "conflict_error", LlmServerError),
    (400, "invalid_request_error", LlmRequestError),
    (401, "authentication_error", LlmRequestError),
])
def test_other_statuses(fake: FakeAnthropic, status: int, kind: str, expected: type[Exception]) -> None:
    fake.script("write_brief", error(status, kind))
    with pytest.raises(expected):
        generate(fake)


def test_retry_after_parsing() -> None:
    assert parse_retry_after({"retry-after": "2.5"}) == 2.5
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_a_rotated_key_is_used_by_the_next_call_of_a_warm_client(fake: FakeAnthropic) -> None:
    # Given a client that reads its key from the secret (cached with a max age) on every call
    keys = ["sk-old"]
    warm = ClaudeClient(lambda: keys[0], base_url=fake.base_url, timeout=5.0)
    generator = ClaudeBriefGenerator(warm, MODEL)
    fake.script("write_brief", tool_call("write_brief", story.GOOD_DRAFT))
    generator.generate(story.evidence(), [])
    # When the key is rotated, then the next call sends the new one (a client built with the
    # first key sent it until the environment was recycled: 401 on every call)
    keys[0] = "sk-new"
    fake.script("write_brief", tool_call("write_brief", story.GOOD_DRAFT))
    generator.generate(story.evidence(), [])
    sent = [h.get("x-api-key") or h.get("authorization", "") for h in fake.headers[-2:]]
    assert ["sk-old" in sent[0], "sk-new" in sent[1]] == [True, True], sent
