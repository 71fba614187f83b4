"""BriefService step by step, on in-memory fakes: load, generate, check and decide, publish, failure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from tests import brief_story as story
from tests.fakes import InMemoryBriefStore

from headlinez.briefs.errors import (
    LlmOverloadedError,
    LlmPausedError,
    LlmRateLimitedError,
    LlmServerError,
    LlmTimeoutError,
    ModelOutputError,
)
from headlinez.briefs.extractive import ExtractiveGenerator
from headlinez.briefs.models import (
    BriefBasis,
    BriefDraft,
    CheckInput,
    EvidenceItem,
    FailureInput,
    GenerateInput,
    LoadInput,
    PublishInput,
    RemovedClaim,
    StepError,
    TokenUsage,
    Verdict,
)
from headlinez.ports import ClaimToVerify
from headlinez.services.briefs import BriefPolicy, BriefService

NOW = datetime(2026, 2, 18, 5, 0, tzinfo=UTC)


class Clock:
    def now(self) -> datetime:
        return NOW


def seeded_store(count: int = 3, version: int = 1) -> InMemoryBriefStore:
    """The shared BriefStore fake holding the story's trend: its first `count` articles, at `version`."""
    store = InMemoryBriefStore()
    items = story.articles(count)
    store.add_trend(story.trend(items, version=version), story.members(items), items)
    return store


class ScriptedGenerator:
    engine = "claude-test"
    uses_tokens = True

    def __init__(self, *drafts: dict[str, object]) -> None:
        self.drafts = list(drafts)
        self.feedback: list[list[RemovedClaim]] = []
        self.headlines: list[str] = []

    def generate(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim],
                 headline: str = "") -> tuple[BriefDraft, TokenUsage]:
        self.feedback.append(list(feedback))
        self.headlines.append(headline)
        return BriefDraft.model_validate(self.drafts.pop(0)), TokenUsage(input_tokens=1000, output_tokens=300)

    def token_ceiling(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim]) -> int:
        return 5000


class Verifier:
    name = "verifier-test"

    def __init__(self, verdict: object = None) -> None:
        self.verdict = verdict  # callable(number, text, ids) -> Verdict | None
        self.claims: list[ClaimToVerify] = []
        self.unanswered = "The talks will resume"

    def verify(self, evidence: Sequence[EvidenceItem], claims: Sequence[ClaimToVerify]
               ) -> tuple[list[Verdict], TokenUsage]:
        self.claims = list(claims)
        verdicts = []
        for number, text, ids in claims:
            if text.startswith(self.unanswered):
                continue  # the verifier returns no verdict for it
            made = self.verdict(number, text, ids) if callable(self.verdict) else None
            verdicts.append(made if made is not None else Verdict(claim_id=number, supported=True,
                                                                   evidence_id=next(iter(ids))))
        return verdicts, TokenUsage(input_tokens=500, output_tokens=50)

    def token_ceiling(self, evidence: Sequence[EvidenceItem], claims: Sequence[ClaimToVerify]) -> int:
        return 2000


@pytest.fixture
def store() -> InMemoryBriefStore:
    return seeded_store()


@pytest.fixture
def service(store: InMemoryBriefStore) -> BriefService:
    return BriefService(store, Clock(), BriefPolicy(max_attempts=3))


def _check_input(draft: dict[str, object], attempt: int = 1) -> CheckInput:
    return CheckInput(trend_id=story.TREND_ID, attempt=attempt, max_attempts=3, evidence=story.evidence(),
                      draft=BriefDraft.model_validate(draft), engine="claude-test")


# --- load -----------------------------------------------------------------------------------------


def test_load_numbers_the_evidence_and_carries_the_basis(service: BriefService) -> None:
    result = service.load(LoadInput(trend_id=story.TREND_ID))
    assert result.action == "generate"
    assert result.reason == "first brief"
    assert [e.outlet for e in result.evidence] == ["Reuters", "BBC News", "AP News"]
    assert result.basis is not None
    assert result.basis.trend_version == 1
    assert result.max_attempts == 3


def test_load_skips_a_missing_or_merged_trend(store: InMemoryBriefStore, service: BriefService) -> None:
    trend = store.trends[story.TREND_ID]
    store.add_trend(trend.model_copy(update={"merged_into": "t9"}))
    assert service.load(LoadInput(trend_id=story.TREND_ID)).reason == "trend merged into t9"
    store.trends.clear()
    assert service.load(LoadInput(trend_id=story.TREND_ID)).action == "skip"


# --- generate -------------------------------------------------------------------------------------


def test_generate_counts_tokens_against_the_daily_budget(store: InMemoryBriefStore,
                                                         service: BriefService) -> None:
    request = GenerateInput(trend_id=story.TREND_ID, evidence=story.evidence(),
                            usage=TokenUsage(input_tokens=7), headline="The page's headline")
    generator = ScriptedGenerator(story.GOOD_DRAFT)
    result = service.generate(request, generator)
    assert result.status == "generated"
    assert generator.headlines == ["The page's headline"]  # what the page shows, for the engine
    assert result.usage == TokenUsage(input_tokens=1007, output_tokens=300)  # cumulative
    assert store.tokens == {NOW.date(): 1300}


def test_a_spent_budget_stops_generation(store: InMemoryBriefStore, service: BriefService) -> None:
    store.tokens[NOW.date()] = service.policy.daily_token_budget
    generator = ScriptedGenerator(story.GOOD_DRAFT)
    result = service.generate(GenerateInput(trend_id=story.TREND_ID, evidence=story.evidence()), generator)
    assert result.status == "budget_exhausted"
    assert result.draft is None
    assert generator.feedback == []  # the model was not called


class FailingGenerator(ScriptedGenerator):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def generate(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim],
                 headline: str = "") -> tuple[BriefDraft, TokenUsage]:
        raise self.error


def test_parallel_executions_cannot_spend_past_the_budget_together(store: InMemoryBriefStore) -> None:
    # Given 6,000 tokens left and calls whose ceiling is 5,000 (each bills 1,300)
    service = BriefService(store, Clock(), BriefPolicy(daily_token_budget=6000))
    request = GenerateInput(trend_id=story.TREND_ID, evidence=story.evidence())
    results: list[str] = []

    class OverlappingGenerator(ScriptedGenerator):
        def generate(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim],
                     headline: str = "") -> tuple[BriefDraft, TokenUsage]:
            # a second execution starts while this call is under way
            results.append(service.generate(request, ScriptedGenerator(story.GOOD_DRAFT)).status)
            return super().generate(evidence, feedback, headline)

    # When one execution's call is in flight as the other asks
    first = service.generate(request, OverlappingGenerator(story.GOOD_DRAFT))
    # Then the second is refused (a check of "any budget left" let both call: 7,300 > 6,000) ...
    assert (first.status, results) == ("generated", ["budget_exhausted"])
    # ... the first is settled to what it was billed, and the day is closed to clustering's starts
    assert store.tokens == {NOW.date(): 1300}
    assert store.budget_closed(NOW.date(), 6000)
    assert not store.budget_closed(NOW.date(), 7000), "a raised budget opens the day again"


@pytest.mark.parametrize(("error", "counted"), [
    (LlmServerError("500"), 0),          # never answered: the reservation is given back
    (LlmRateLimitedError("429"), 0),
    (LlmTimeoutError("timed out"), 5000),  # may have been processed and billed: the ceiling stays
])
def test_a_failed_call_settles_its_reservation(store: InMemoryBriefStore, service: BriefService,
                                               error: Exception, counted: int) -> None:
    with pytest.raises(type(error)):
        service.generate(GenerateInput(trend_id=story.TREND_ID, evidence=story.evidence()),
                         FailingGenerator(error))
    assert store.tokens == {NOW.date(): counted}


@pytest.mark.parametrize("error", [None, LlmServerError("500")])
def test_a_failed_settle_write_neither_fails_the_paid_call_nor_hides_its_error(
        store: InMemoryBriefStore, service: BriefService, error: Exception | None,
        caplog: pytest.LogCaptureFixture) -> None:
    # Given a store whose settle write fails (throttled) after the reservation went through
    reserve = store.add_tokens

    def settle_refused(day: date, tokens: int) -> int:
        if tokens < 0:  # a settle gives tokens back; the fake's reservation adds them
            raise RuntimeError("ProvisionedThroughputExceededException")
        return reserve(day, tokens)

    store.add_tokens = settle_refused  # type: ignore[method-assign]
    request = GenerateInput(trend_id=story.TREND_ID, evidence=story.evidence())
    if error is None:
        # When the call succeeds: the step succeeds (a raised settle had the state machine retry
        # it and pay for the call twice), and the ceiling stays reserved
        generator = ScriptedGenerator(story.GOOD_DRAFT)
        assert service.generate(request, generator).status == "generated"
        assert not generator.drafts, "called once"
        assert store.tokens == {NOW.date(): 5000}
    else:
        # When the call fails: its own error reaches the state machine, not the storage error
        with pytest.raises(LlmServerError):
            service.generate(request, FailingGenerator(error))
    assert "token budget settle failed" in caplog.text


def test_an_unusable_answer_counts_what_it_was_billed(store: InMemoryBriefStore,
                                                      service: BriefService) -> None:
    error = ModelOutputError("no tool call")
    error.billed_tokens = 4321
    with pytest.raises(ModelOutputError):
        service.generate(GenerateInput(trend_id=story.TREND_ID, evidence=story.evidence()),
                         FailingGenerator(error))
    assert store.tokens == {NOW.date(): 4321}


def test_the_offline_engine_ignores_the_budget(store: InMemoryBriefStore, service: BriefService) -> None:
    store.tokens[NOW.date()] = 10**12
    result = service.generate(GenerateInput(trend_id=story.TREND_ID, evidence=story.evidence()),
                              ExtractiveGenerator())
    assert result.status == "generated"
    assert result.engine == "extractive"
    assert store.tokens[NOW.date()] == 10**12


# --- check and decide -----------------------------------------------------------------------------


def test_check_removes_inventions_and_publishes_when_enough_survives(service: BriefService) -> None:
    result = service.check(_check_input(story.draft_with(story.WRONG_NUMBER)), None)
    assert result.decision == "publish"
    assert (result.claims_checked, result.claims_supported) == (8, 7)  # the not-specified answer is no fact
    assert result.supported_percent == 87.5
    assert [r.text for r in result.removed_claims] == [story.WRONG_NUMBER["text"]]
    assert result.verifier == "deterministic"
    kept = [c.text for p in result.paragraphs for c in p.claims]
    assert story.WRONG_NUMBER["text"] not in kept
    assert len(kept) == 5


def test_too_little_support_regenerates_then_gives_up(service: BriefService) -> None:
    first = service.check(_check_input(story.mostly_invented(), attempt=1), None)
    assert first.decision == "regenerate"
    assert first.supported_percent == 20.0
    assert {r.location for r in first.removed_claims} == {"what_happened", "quick_answer:1"}
    # the failed quick answer now says plainly that coverage does not say
    assert first.quick_answers[0].answer == "Coverage does not yet specify this."
    last = service.check(_check_input(story.mostly_invented(), attempt=3), None)
    assert last.decision == "give_up"


def test_a_lost_lead_paragraph_is_never_published(service: BriefService) -> None:
    draft = story.draft_with(story.HALLUCINATED, drop_good=True)
    result = service.check(_check_input(draft), None)
    assert result.supported_percent > 80
    assert result.decision == "regenerate"


def test_a_budget_spent_since_generation_checks_without_the_verifier(store: InMemoryBriefStore,
                                                                     service: BriefService) -> None:
    # parallel executions spent the rest after this one's generation: its verifier call would
    # overshoot the budget too, so the checks decide alone
    paraphrase = {"text": "Oman mediated the talks, hoping for a swift accord.", "evidence_ids": [3]}
    store.tokens[NOW.date()] = service.policy.daily_token_budget
    verifier = Verifier()
    result = service.check(_check_input(story.draft_with(paraphrase)), verifier)
    assert verifier.claims == [], "the model was not called"
    assert store.tokens[NOW.date()] == service.policy.daily_token_budget
    assert result.verifier == "deterministic"


def test_an_unusable_verifier_answer_checks_without_the_verifier(store: InMemoryBriefStore,
                                                                   service: BriefService) -> None:
    # The verifier's answer was cut off (billed): failing the step failed the whole execution
    # after the draft was paid for; the checks decide alone, as when the budget is spent
    class CutOff(Verifier):
        def verify(self, evidence: Sequence[EvidenceItem], claims: Sequence[ClaimToVerify]
                   ) -> tuple[list[Verdict], TokenUsage]:
            error = ModelOutputError("answer cut off at max_tokens")
            error.billed_tokens, error.billed_usage = 700, TokenUsage(input_tokens=600, output_tokens=100)
            raise error

    paraphrase = {"text": "Oman mediated the talks, hoping for a swift accord.", "evidence_ids": [3]}
    result = service.check(_check_input(story.draft_with(paraphrase)), CutOff())
    assert result.verifier == "deterministic"
    assert result.paragraphs
    assert store.tokens[NOW.date()] == 700, "the unusable answer is paid for, and counted"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (600, 100), "and in the cost metrics"


def test_the_verifier_call_reserves_its_ceiling_and_counts_its_usage(store: InMemoryBriefStore,
                                                                     service: BriefService) -> None:
    paraphrase = {"text": "Oman mediated the talks, hoping for a swift accord.", "evidence_ids": [3]}
    # Given less left than the verifier call's ceiling (2,000): the checks decide alone
    store.tokens[NOW.date()] = service.policy.daily_token_budget - 1999
    verifier = Verifier()
    assert service.check(_check_input(story.draft_with(paraphrase)), verifier).verifier == "deterministic"
    assert verifier.claims == []
    # Given enough: the call is made, and the counter holds its usage (550), not its ceiling
    store.tokens[NOW.date()] = 0
    checked = service.check(_check_input(story.draft_with(paraphrase)), verifier)
    assert checked.verifier == "deterministic+verifier-test"
    assert store.tokens[NOW.date()] == 550


def test_by_default_the_verifier_sees_only_undecided_claims(service: BriefService) -> None:
    # Given a draft whose claims restate their evidence word for word, and one paraphrase that
    # brings words the evidence does not have
    paraphrase = {"text": "Oman mediated the talks, hoping for a swift accord.", "evidence_ids": [3]}
    verifier = Verifier(lambda number, text, ids: Verdict(claim_id=number, supported=True))
    # When the draft is checked with a verifier
    result = service.check(_check_input(story.draft_with(paraphrase)), verifier)
    # Then only the paraphrase reaches the model, and the kept claims say how they were checked
    sent = [text for _, text, _ in verifier.claims]
    methods = {c.text: c.checked_by for p in result.paragraphs for c in p.claims}
    assert paraphrase["text"] in sent
    assert len(sent) < len(methods)
    assert methods[paraphrase["text"]] == "model"
    assert set(methods.values()) <= {"literal", "semantic", "model"}
    assert "literal" in methods.values()


def test_the_verifier_judges_only_what_passed_the_deterministic_checks(store: InMemoryBriefStore) -> None:
    service = BriefService(store, Clock(), BriefPolicy(max_attempts=3, verify="all"))
    def verdict(number: int, text: str, ids: Sequence[int]) -> Verdict | None:
        if text.startswith("Oman mediated"):
            return Verdict(claim_id=number, supported=False, reason="not who hosted")
        if text.startswith("The talks were held"):
            return Verdict(claim_id=number, supported=True, evidence_id=5)  # an item the claim does not cite
        return None

    verifier = Verifier(verdict)
    result = service.check(_check_input(story.draft_with(story.WRONG_NUMBER)), verifier)
    assert story.WRONG_NUMBER["text"] not in [text for _, text, _ in verifier.claims]
    unanswered = "Coverage does not yet specify when a deal could be signed."
    assert unanswered not in [t for _, t, _ in verifier.claims]
    reasons = {r.text: (r.stage, r.reasons) for r in result.removed_claims}
    assert reasons["Oman mediated the talks."] == ("verifier", ["verifier: not who hosted"])
    assert reasons["The talks were held in Geneva."][1] == [
        "verifier: supported only by uncited evidence [5]"]
    assert reasons["The talks will resume next week."][1] == ["verifier: no verdict returned for this claim"]
    assert reasons[story.WRONG_NUMBER["text"]][0] == "deterministic"
    assert result.verifier == "deterministic+verifier-test"
    assert result.usage == TokenUsage(input_tokens=500, output_tokens=50)


REWORDED = {"text": "Officials from Iran and America held a third round of indirect negotiations, and the "
                    "mood was cordial, with steady momentum praised by delegates.",
            "evidence_ids": [2]}


def test_a_claim_removed_for_its_wording_alone_goes_to_the_verifier(service: BriefService) -> None:
    # Given a paraphrase whose words the evidence has in no form (no number, name or quote wrong)
    # and a claim with a detail the evidence does not state
    draft = story.draft_with(REWORDED, story.HALLUCINATED, story.WRONG_NUMBER)
    # Without a verifier, the word rules remove the paraphrase
    offline = service.check(_check_input(draft), None)
    removed = {r.text: r for r in offline.removed_claims}
    assert removed[REWORDED["text"]].stage == "deterministic"
    assert "in no form" in removed[REWORDED["text"]].reasons[0]  # names and numbers all found
    # With one, the model judges it: kept when it finds it supported, marked as checked by the model
    verifier = Verifier(lambda number, text, ids: Verdict(claim_id=number, supported=True))
    result = service.check(_check_input(draft), verifier)
    sent = [text for _, text, _ in verifier.claims]
    assert REWORDED["text"] in sent
    assert story.WRONG_NUMBER["text"] not in sent  # a wrong number is decided, never re-judged
    assert story.HALLUCINATED["text"] not in sent
    methods = {c.text: c.checked_by for p in result.paragraphs for c in p.claims}
    assert methods[REWORDED["text"]] == "model"
    assert {r.text for r in result.removed_claims} == {story.WRONG_NUMBER["text"], story.HALLUCINATED["text"]}
    # and removed, with the model's reason, when it does not
    rejecting = Verifier(lambda number, text, ids: Verdict(claim_id=number, supported=False,
                                                           reason="not said"))
    rejected = {r.text: r for r in service.check(_check_input(draft), rejecting).removed_claims}
    assert rejected[REWORDED["text"]].stage == "verifier"
    assert rejected[REWORDED["text"]].reasons[-1] == "verifier: not said"


# --- publish and failure --------------------------------------------------------------------------


def _publish_input(service: BriefService, version: int) -> PublishInput:
    check = service.check(_check_input(story.GOOD_DRAFT), None)
    return PublishInput(trend_id=story.TREND_ID, execution_id="exec-1", trend_version=version,
                        headline="Talks", evidence=story.evidence(), basis=BriefBasis(trend_version=version),
                        engine="claude-test", check=check, requested_at=NOW)


def test_publish_writes_a_newer_version_only(store: InMemoryBriefStore, service: BriefService) -> None:
    result = service.publish(_publish_input(service, 2))
    assert result.outcome == "published"
    brief = store.get_brief(story.TREND_ID)
    assert brief is not None
    assert brief.version == 2
    assert [c.id for c in brief.citations] == [1, 2, 3]
    assert brief.engine == "claude-test"
    assert brief.execution_id == "exec-1"
    # an older execution finishing later does not overwrite it
    assert service.publish(_publish_input(service, 1)).outcome == "superseded"
    assert store.get_brief(story.TREND_ID) == brief


def test_a_retried_publish_finds_its_own_brief_published(store: InMemoryBriefStore,
                                                         service: BriefService) -> None:
    # the function timed out after its write and the state machine ran Publish again
    assert service.publish(_publish_input(service, 2)).outcome == "published"
    assert service.publish(_publish_input(service, 2)).outcome == "published"
    # another execution of the same version is superseded
    other = _publish_input(service, 2).model_copy(update={"execution_id": "exec-2"})
    assert service.publish(other).outcome == "superseded"
    assert store.get_brief(story.TREND_ID).execution_id == "exec-1"  # type: ignore[union-attr]


def test_failure_is_recorded_and_the_brief_stays(store: InMemoryBriefStore, service: BriefService) -> None:
    service.publish(_publish_input(service, 1))
    before = store.get_brief(story.TREND_ID)
    assert before is not None
    result = service.record_failure(FailureInput(
        trend_id=story.TREND_ID, execution_id="exec-2", attempt=2,
        error=StepError(Error="ModelOutputError", Cause='{"errorMessage": "no write_brief tool call"}')))
    assert result.error == "ModelOutputError"
    assert store.failures[0].error == "ModelOutputError"
    assert store.failures[0].failed_at == NOW
    assert store.get_failure(story.TREND_ID) == store.failures[0]
    assert store.get_brief(story.TREND_ID) == before


def test_a_claim_of_two_sentences_is_checked_as_two(service: BriefService) -> None:
    two = {"text": "Oman mediated the talks. The talks lasted six hours.", "evidence_ids": [1, 3]}
    result = service.check(_check_input(story.draft_with(two)), None)
    assert [r.text for r in result.removed_claims] == ["The talks lasted six hours."]
    kept = [c.text for c in result.paragraphs[0].claims]
    assert "Oman mediated the talks." in kept
    assert result.claims_checked == 9


def test_a_claim_judged_twice_stands_unsupported_if_either_verdict_says_so() -> None:
    # a verifier answering "unsupported" then "supported" for one claim: the last one used to win
    from headlinez.briefs.checker import ClaimCheck
    from headlinez.services.briefs import _apply_verdicts, _Outcome

    for order in ((False, True), (True, False)):
        outcome = _Outcome(ClaimCheck(location="what_happened", text="A claim.", evidence_ids=[1]))
        verdicts = [Verdict(claim_id=1, supported=supported, reason="" if supported else "invented")
                    for supported in order]
        _apply_verdicts([outcome], verdicts)
        assert outcome.check.problems == ["verifier: invented"], order


def test_a_relation_assembled_from_two_items_goes_to_the_verifier(service: BriefService) -> None:
    from tests.unit.test_brief_checker import _relation_index

    evidence = [item.item for item in _relation_index().items.values()]
    draft = BriefDraft.model_validate({"paragraphs": [{"kind": "what_happened", "claims": [
        {"text": "Vladimir Putin met Viktor Orban in Moscow.", "evidence_ids": [1]},
        {"text": "Vladimir Putin sanctioned Volodymyr Zelensky.", "evidence_ids": [1, 2]}]}],
        "quick_answers": []})
    verifier = Verifier(lambda number, text, ids: Verdict(claim_id=number, supported=False,
                                                          reason="no item says Putin sanctioned him"))
    result = service.check(CheckInput(trend_id=story.TREND_ID, evidence=evidence, draft=draft,
                                      engine="claude-test"), verifier)
    assert [text for _, text, _ in verifier.claims] == ["Vladimir Putin sanctioned Volodymyr Zelensky."]
    assert [(r.text, r.stage) for r in result.removed_claims] == [
        ("Vladimir Putin sanctioned Volodymyr Zelensky.", "verifier")]


class MovableClock:
    def __init__(self, value: datetime) -> None:
        self.value = value

    def now(self) -> datetime:
        return self.value


def test_a_long_retry_after_pauses_every_execution_until_then(store: InMemoryBriefStore) -> None:
    from datetime import timedelta

    clock = MovableClock(NOW)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.value += timedelta(seconds=seconds)

    service = BriefService(store, clock, BriefPolicy(pause_wait_max_seconds=30), sleep=sleep)
    request = GenerateInput(trend_id=story.TREND_ID, evidence=story.evidence(), now=NOW)
    # Given a 429 asking to wait 90 s (longer than the client waits inline)
    with pytest.raises(LlmRateLimitedError):
        service.generate(request, FailingGenerator(LlmRateLimitedError("429", retry_after=90)))
    assert store.model_paused_until() == NOW + timedelta(seconds=91)  # whole seconds, never early
    # When another execution asks 30 s later, the API is not called, and nothing is reserved
    clock.value = NOW + timedelta(seconds=30)
    waiting = ScriptedGenerator(story.GOOD_DRAFT)
    with pytest.raises(LlmPausedError) as raised:  # its own retrier spans the whole pause
        service.generate(request, waiting)
    assert waiting.feedback == []
    assert raised.value.retry_after == 61
    assert store.tokens == {NOW.date(): 0}
    # Then with at most 30 s of the pause left, the step waits it out and calls
    clock.value = NOW + timedelta(seconds=71)
    assert service.generate(request, waiting).status == "generated"
    assert slept == [20.0]
    # A garbled retry-after pauses at most MAX_MODEL_PAUSE_SECONDS
    with pytest.raises(LlmOverloadedError):
        service.generate(request, FailingGenerator(LlmOverloadedError("529", retry_after=10**9)))
    assert store.model_paused_until() == clock.value + timedelta(seconds=601)
