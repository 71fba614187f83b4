"""The steps of the brief flow, one method per Lambda, against the Protocols of `ports`.

load      -> is the change material? numbered evidence, capped by tokens
generate  -> a draft from the engine (Claude or extractive), within the daily token budget
             (each model call reserves its token ceiling first; see `_billed_call`)
check     -> deterministic checks, then the verifier (if any) on what survived; the decision
publish   -> the brief, written only over an older version
failure   -> record why an execution failed; the last good brief stays

The decision (`check`): publish when at least `min_supported_percent` of the factual claims
survive and the "what happened" paragraph keeps a claim; otherwise regenerate with the removed
claims as feedback while `attempt < max_attempts`; otherwise give up (the state machine records
the failure and keeps the previous brief).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from headlinez.briefs.checker import (
    QUESTION_PROBLEM,
    CheckConfig,
    ClaimCheck,
    EvidenceIndex,
    check_draft,
    split_claims,
)
from headlinez.briefs.errors import (
    BriefInputError,
    LlmOverloadedError,
    LlmPausedError,
    LlmRateLimitedError,
    LlmTimeoutError,
    ModelOutputError,
)
from headlinez.briefs.evidence import EvidenceLimits, basis_of, build_evidence, evidence_tokens
from headlinez.briefs.materiality import material_change
from headlinez.briefs.models import (
    DETERMINISTIC_VERIFIER,
    NOT_SPECIFIED_PREFIX,
    BriefDraft,
    BriefFailure,
    CheckInput,
    CheckMethod,
    CheckResult,
    Citation,
    EvidenceItem,
    FailureInput,
    FailureResult,
    GenerateInput,
    GenerateResult,
    LoadInput,
    LoadResult,
    Paragraph,
    PublishedBrief,
    PublishInput,
    PublishResult,
    QuickAnswer,
    RemovedClaim,
    StepInput,
    TokenUsage,
    Verdict,
)
from headlinez.ports import BriefGenerator, BriefStore, ClaimVerifier, Clock, StoredBriefUnreadableError

logger = logging.getLogger(__name__)

MAX_CAUSE_CHARS = 2000
MAX_MODEL_PAUSE_SECONDS = 600.0
"""The longest wait a retry-after imposes on every execution (a garbled header must not stop the
briefs for a day; the state machine's own retries space out anything longer)."""


@dataclass(frozen=True)
class BriefPolicy:
    evidence: EvidenceLimits = field(default_factory=EvidenceLimits)
    min_new_facts: int = 2
    min_supported_percent: float = 80.0
    max_attempts: int = 3
    daily_token_budget: int = 2_000_000
    check: CheckConfig = field(default_factory=CheckConfig)
    verify: str = "undecided"
    """Claims the verifier sees: 'undecided' (what the deterministic layer could not decide) or 'all'."""
    pause_wait_max_seconds: float = 30.0
    """The longest rest of a model API pause (its retry-after) a step waits out before calling;
    within the brief functions' 170 s timeout beside the call's own timeout (60 s by default)."""


@dataclass
class _Reservation:
    granted: bool
    billed: int = 0
    """What the call cost, set by the caller once it answers (0 until then)."""


@dataclass
class _Outcome:
    check: ClaimCheck
    stage: str = "deterministic"


class BriefService:
    def __init__(self, store: BriefStore, clock: Clock, policy: BriefPolicy | None = None, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._store = store
        self._clock = clock  # a step input's `now` comes first (StepInput.now); the clock times pauses
        self.policy = policy or BriefPolicy()
        self._sleep = sleep

    def now(self, request: StepInput | None = None) -> datetime:
        """The step's time: its input's `now` (the run's time), else the clock."""
        return request.now if request is not None and request.now is not None else self._clock.now()

    # --- load --------------------------------------------------------------------------------------

    def load(self, request: LoadInput) -> LoadResult:
        snapshot = self._store.load_trend(request.trend_id)
        if snapshot is None or not snapshot.members:
            return LoadResult(action="skip", reason="trend not found (expired or merged)")
        trend = snapshot.trend
        if trend.merged_into:
            return LoadResult(action="skip", reason=f"trend merged into {trend.merged_into}",
                              trend_version=trend.version)
        try:
            previous = self._store.get_brief(request.trend_id)
        except StoredBriefUnreadableError as exc:
            # A newer version's brief (a deploy under way, or rolled back): an older engine's
            # brief must not replace it, and failing would only repeat every hour
            logger.warning("stored brief unreadable: left as it is", extra={
                "trend_id": request.trend_id, "error": str(exc)})
            return LoadResult(action="skip", reason="the stored brief is from another version of the code",
                              trend_version=trend.version)
        decision = material_change(previous.basis if previous else None, trend, snapshot.members,
                                   snapshot.snippets, min_new_facts=self.policy.min_new_facts)
        base = {"trend_version": trend.version, "headline": trend.headline,
                "previous_version": previous.version if previous else None}
        if not decision.material:
            logger.info("brief not needed", extra={"trend_id": request.trend_id, "reason": decision.reason})
            return LoadResult(action="skip", reason=decision.reason, **base)
        evidence = build_evidence(snapshot.members, snapshot.snippets, self.policy.evidence)
        basis = basis_of(trend, snapshot.members, snapshot.snippets)
        logger.info("evidence loaded", extra={
            "trend_id": request.trend_id, "reason": decision.reason, "evidence_items": len(evidence),
            "members": len(snapshot.members), "evidence_tokens": evidence_tokens(evidence)})
        return LoadResult(action="generate", reason=decision.reason, evidence=evidence, basis=basis,
                          max_attempts=self.policy.max_attempts, **base)

    # --- generate ----------------------------------------------------------------------------------

    def budget_left(self, now: datetime | None = None) -> int:
        """Tokens left of the daily budget on the day of `now` (default: the clock's)."""
        day = (now or self._clock.now()).date()
        return self.policy.daily_token_budget - self._store.tokens_spent(day)

    @contextmanager
    def _billed_call(self, now: datetime, ceiling: int) -> Iterator[_Reservation]:
        """A model call under the daily budget: its ceiling is reserved first (refused: `granted`
        is False and the call must not be made), then settled to what the call was billed.

        The reservation is one conditional write, so executions running in parallel cannot spend
        past the budget together (a check of "any budget left" let each overshoot by one call).
        Billed: the usage the body reports, or a `ModelOutputError`'s `billed_tokens` (an unusable
        answer is paid for too). A call that failed before an answer gives its reservation back,
        except a timeout, which may have been processed and billed: it keeps the ceiling.

        A 429 or 529 whose retry-after the client did not wait out inline pauses every execution
        until then (`pause_model_calls`); a call asked for during the pause raises
        LlmPausedError at once, without calling, and the state machine retries the step over the
        whole pause.
        """
        wall = self._clock.now()
        paused_until = self._store.model_paused_until()
        if paused_until is not None and paused_until > wall:
            # An execution was told to wait: calling before then would only be refused again (and
            # may lengthen the wait). A short rest is waited out here; a long one is left to the
            # state machine's retries, which land at random times within their backoff.
            wait = (paused_until - wall).total_seconds()
            if wait > self.policy.pause_wait_max_seconds:
                logger.warning("model API asked every caller to wait: not called", extra={
                    "paused_until": paused_until.isoformat(), "retry_after": round(wait, 1)})
                raise LlmPausedError(f"the model API asked to wait until {paused_until:%H:%M:%S} UTC",
                                     retry_after=wait)
            logger.info("waiting out the model API's retry-after", extra={"retry_after": round(wait, 1)})
            self._sleep(wait)
        day = now.date()
        reservation = _Reservation(granted=self._store.reserve_tokens(day, ceiling,
                                                                      self.policy.daily_token_budget))
        if not reservation.granted:
            yield reservation
            return
        try:
            yield reservation
        except ModelOutputError as exc:
            reservation.billed = exc.billed_tokens
            if exc.billed_tokens:
                logger.warning("unusable model answer counted against the budget", extra={
                    "billed_tokens": exc.billed_tokens, "error": str(exc)[:300]})
            raise
        except LlmTimeoutError:
            reservation.billed = ceiling
            raise
        except (LlmRateLimitedError, LlmOverloadedError) as exc:
            if exc.retry_after:  # longer than the client waits inline: every execution waits
                pause = min(exc.retry_after, MAX_MODEL_PAUSE_SECONDS)
                self._store.pause_model_calls(wall + timedelta(seconds=pause))
            raise
        finally:
            if reservation.billed != ceiling:
                self._settle(day, reservation.billed - ceiling)

    def _settle(self, day: date, correction: int) -> None:
        """Correct a reservation to what the call was billed. A failed write is logged, not
        raised: the call is over (and paid for, or failed with its own error), and failing the
        step now would have the state machine call the model again. The reservation then stands
        at the call's ceiling, which overstates the day's spending, never understates it."""
        try:
            self._store.add_tokens(day, correction)
        except Exception:  # any storage error: see above
            logger.exception("token budget settle failed: the reservation stands at the ceiling", extra={
                "day": day.isoformat(), "correction": correction})

    def generate(self, request: GenerateInput, generator: BriefGenerator) -> GenerateResult:
        now = self.now(request)
        if not generator.uses_tokens:
            draft, usage = generator.generate(request.evidence, request.feedback, request.headline)
            return self._drafted(request, generator, draft, usage)
        ceiling = generator.token_ceiling(request.evidence, request.feedback)
        with self._billed_call(now, ceiling) as call:
            if not call.granted:
                logger.warning("daily token budget spent: no new brief generated", extra={
                    "trend_id": request.trend_id, "budget": self.policy.daily_token_budget,
                    "budget_left": self.budget_left(now), "call_ceiling": ceiling,
                    "engine": generator.engine})
                return GenerateResult(status="budget_exhausted", engine=generator.engine, usage=request.usage)
            draft, usage = generator.generate(request.evidence, request.feedback, request.headline)
            call.billed = usage.total
        return self._drafted(request, generator, draft, usage)

    @staticmethod
    def _drafted(request: GenerateInput, generator: BriefGenerator, draft: BriefDraft,
                 usage: TokenUsage) -> GenerateResult:
        logger.info("brief drafted", extra={
            "trend_id": request.trend_id, "attempt": request.attempt, "engine": generator.engine,
            "claims": sum(len(p.claims) for p in draft.paragraphs), "input_tokens": usage.all_input_tokens,
            "output_tokens": usage.output_tokens, "cache_read_tokens": usage.cache_read_input_tokens})
        return GenerateResult(status="generated", engine=generator.engine, draft=draft,
                              usage=request.usage + usage)

    # --- check -------------------------------------------------------------------------------------

    def check(self, request: CheckInput, verifier: ClaimVerifier | None) -> CheckResult:
        index = EvidenceIndex(request.evidence)
        draft = split_claims(request.draft)
        outcomes = [_Outcome(c) for c in check_draft(draft, index, self.policy.check)]
        usage = request.usage
        verifier_name = DETERMINISTIC_VERIFIER
        # The verifier sees only what the deterministic layer could not decide (issue 14): claims
        # kept with words the evidence lacks, and claims removed for their wording alone (a
        # paraphrase the word rules cannot tell from an invention); never a claim with a wrong
        # number, name, quote, date or attribution.
        to_verify = [o for o in outcomes if o.check.factual and (
            (o.check.passed and (o.check.needs_verifier or self.policy.verify == "all"))
            or (verifier is not None and o.check.wording_only))]
        if verifier is not None and to_verify:
            claims = [(n, o.check.text, o.check.evidence_ids) for n, o in enumerate(to_verify, 1)]
            ceiling = verifier.token_ceiling(request.evidence, claims)
            try:
                with self._billed_call(self.now(request), ceiling) as call:
                    if call.granted:
                        verdicts, verifier_usage = verifier.verify(request.evidence, claims)
                        call.billed = verifier_usage.total
                        usage = usage + verifier_usage
                        _apply_verdicts(to_verify, verdicts)
                        verifier_name = f"{DETERMINISTIC_VERIFIER}+{verifier.name}"
                    else:
                        # Spent since the draft (parallel executions): the checks decide alone, as
                        # without a verifier, rather than overshoot the budget.
                        logger.warning("daily token budget spent: checked without the verifier", extra={
                            "trend_id": request.trend_id, "budget": self.policy.daily_token_budget,
                            "call_ceiling": ceiling})
            except ModelOutputError as exc:
                # An unusable verifier answer (cut off, no tool call; billed all the same) failed
                # the whole execution after the draft was paid for: the checks decide alone, as
                # when the budget is spent. Its tokens still count in the step's usage (cost).
                if exc.billed_usage is not None:
                    usage = usage + exc.billed_usage
                logger.warning("verifier answer unusable: checked without the verifier", extra={
                    "trend_id": request.trend_id, "error": str(exc)[:300],
                    "billed_tokens": exc.billed_tokens})
        result = self._assemble(draft, request, outcomes, verifier_name, usage)
        logger.info("brief checked", extra={
            "trend_id": request.trend_id, "attempt": request.attempt, "verifier": verifier_name,
            "supported_percent": result.supported_percent, "claims_checked": result.claims_checked,
            "claims_removed": len(result.removed_claims), "decision": result.decision,
            "removed": [{"text": r.text[:200], "reasons": r.reasons} for r in result.removed_claims]})
        return result

    def _assemble(self, draft: BriefDraft, request: CheckInput, outcomes: Sequence[_Outcome],
                  verifier_name: str, usage: TokenUsage) -> CheckResult:
        removed = [RemovedClaim(text=o.check.text, location=o.check.location,
                                evidence_ids=o.check.evidence_ids, reasons=o.check.problems,
                                stage="verifier" if o.stage == "verifier" else "deterministic")
                   for o in outcomes if not o.check.passed]
        by_position = iter(outcomes)
        paragraphs: list[Paragraph] = []
        for paragraph in draft.paragraphs:
            kept = []
            for claim in paragraph.claims:
                outcome = next(by_position)
                if outcome.check.passed:
                    kept.append(claim.model_copy(update={"checked_by": _method(outcome)}))
            if kept:
                paragraphs.append(Paragraph(kind=paragraph.kind, claims=kept))
        answers: list[QuickAnswer] = []
        factual = [o for o in outcomes if o.check.factual]
        for answer in draft.quick_answers:
            outcome = next(by_position)
            if outcome.check.passed:
                answers.append(answer)
            elif any(p.startswith(QUESTION_PROBLEM) for p in outcome.check.problems):
                continue  # the question itself states what the evidence does not: dropped
            else:
                answers.append(QuickAnswer(question=answer.question, answer=f"{NOT_SPECIFIED_PREFIX} this."))
        supported = sum(1 for o in factual if o.check.passed)
        percent = round(100.0 * supported / len(factual), 1) if factual else 0.0
        lead_kept = any(p.kind == "what_happened" for p in paragraphs)
        passed = lead_kept and percent >= self.policy.min_supported_percent
        if passed:
            decision = "publish"
        elif request.attempt < min(request.max_attempts, self.policy.max_attempts):
            decision = "regenerate"
        else:
            decision = "give_up"
        return CheckResult(passed=passed, decision=decision, supported_percent=percent,
                           claims_checked=len(factual), claims_supported=supported, paragraphs=paragraphs,
                           quick_answers=answers, removed_claims=removed, verifier=verifier_name, usage=usage)

    # --- publish -----------------------------------------------------------------------------------

    def publish(self, request: PublishInput) -> PublishResult:
        check = request.check
        if not check.paragraphs:
            raise BriefInputError("nothing to publish: no paragraph survived the fact-check")
        now = self.now(request)
        brief = PublishedBrief(
            trend_id=request.trend_id, version=request.trend_version, headline=request.headline,
            paragraphs=check.paragraphs, quick_answers=check.quick_answers,
            citations=_citations(request.evidence, check.paragraphs, check.quick_answers),
            supported_percent=check.supported_percent, claims_checked=check.claims_checked,
            claims_supported=check.claims_supported, removed_claims=check.removed_claims,
            engine=request.engine, verifier=check.verifier, usage=check.usage, attempts=request.attempt,
            generated_at=request.requested_at or now, updated_at=now, execution_id=request.execution_id,
            basis=request.basis,
        )
        stored = self._store.put_brief(brief)
        if not stored and request.execution_id:
            # A retried Publish (its function timed out after the write) finds its own brief: it
            # was published, not superseded.
            with contextlib.suppress(StoredBriefUnreadableError):  # then not ours: superseded
                current = self._store.get_brief(request.trend_id)
                stored = (current is not None and current.version == brief.version
                          and current.execution_id == request.execution_id)
        outcome = "published" if stored else "superseded"
        fields = {
            "trend_id": request.trend_id, "version": brief.version, "engine": brief.engine,
            "supported_percent": brief.supported_percent, "claims_removed": len(brief.removed_claims),
            "input_tokens": brief.tokens_in, "output_tokens": brief.tokens_out}
        if stored:
            logger.info("brief published", extra=fields)
        else:
            logger.warning("brief superseded", extra=fields)
        return PublishResult(outcome=outcome, trend_id=request.trend_id, version=brief.version,
                             supported_percent=brief.supported_percent, engine=brief.engine,
                             claims_removed=len(brief.removed_claims))

    # --- failure -----------------------------------------------------------------------------------

    def record_failure(self, request: FailureInput) -> FailureResult:
        failure = BriefFailure(trend_id=request.trend_id, execution_id=request.execution_id,
                               error=request.error.Error, cause=request.error.Cause[:MAX_CAUSE_CHARS],
                               attempt=request.attempt, failed_at=self.now(request))
        self._store.record_failure(failure)
        logger.error("brief not published; the previous brief stays", extra={
            "trend_id": request.trend_id, "error": failure.error, "cause": failure.cause[:500],
            "attempt": failure.attempt})
        return FailureResult(recorded=True, error=failure.error)


def _method(outcome: _Outcome) -> CheckMethod:
    if outcome.stage == "verifier":
        return "model"
    return "semantic" if outcome.check.method == "semantic" else "literal"


def _apply_verdicts(outcomes: Sequence[_Outcome], verdicts: Sequence[Verdict]) -> None:
    # Two verdicts on one claim: a "not supported" one stands (the last one used to win)
    by_claim: dict[int, Verdict] = {}
    for given in verdicts:
        held = by_claim.get(given.claim_id)
        if held is None or (held.supported and not given.supported):
            by_claim[given.claim_id] = given
    for number, outcome in enumerate(outcomes, start=1):
        verdict = by_claim.get(number)
        if verdict is None:
            problem = "verifier: no verdict returned for this claim"
        elif not verdict.supported:
            problem = f"verifier: {verdict.reason or 'not supported by the cited evidence'}"
        elif verdict.evidence_id is not None and verdict.evidence_id not in outcome.check.evidence_ids:
            problem = f"verifier: supported only by uncited evidence [{verdict.evidence_id}]"
        else:
            outcome.stage = "verifier"  # kept, judged by the model
            if outcome.check.wording_only:  # the model found the paraphrase the word rules could not
                outcome.check.paraphrase += [f"wording judged by the model: {problem}"
                                             for problem in outcome.check.problems]
                outcome.check.problems.clear()
            continue
        outcome.check.problems.append(problem)
        outcome.stage = "verifier"


def _citations(evidence: Sequence[EvidenceItem], paragraphs: Sequence[Paragraph],
               answers: Sequence[QuickAnswer]) -> list[Citation]:
    cited = {i for p in paragraphs for c in p.claims for i in c.evidence_ids}
    cited |= {i for a in answers for i in a.evidence_ids}
    return [Citation(id=item.id, article_id=item.article_id, outlet=item.outlet, title=item.title,
                     url=item.url, published=item.published)
            for item in evidence if item.id in cited]
