"""Pydantic models of briefs: evidence, drafts, fact-check results, the stored brief, step I/O.

`PublishedBrief` is what is stored (pk=`TREND#{trend_id}`, sk=`BRIEF`) and what the API renders
through `brief_to_api`. The `*Input` / `*Result` models are the Step Functions state: every brief
Lambda validates its input with one of them and returns another (see
`infra/statemachines/brief.asl.json`).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from headlinez.models import UtcDatetime

EXTRACTIVE_ENGINE = "extractive"
DETERMINISTIC_VERIFIER = "deterministic"
NOT_SPECIFIED_PREFIX = "Coverage does not yet specify"
MAX_CLAIMS_PER_PARAGRAPH = 8
ParagraphKind = Literal["what_happened", "coverage", "what_to_watch"]
PARAGRAPH_ORDER: tuple[ParagraphKind, ...] = ("what_happened", "coverage", "what_to_watch")

_EXECUTION_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def execution_name(trend_id: str, trend_version: int, retry: str = "") -> str:
    """Idempotent Step Functions execution name for one version of a trend (<= 80 chars).

    A retried clustering run asks for the same name, which Step Functions refuses to start twice.
    `retry` (e.g. the hour "r2026021805") names a later attempt for the same version: a trend whose
    brief is still missing or outdated after its first execution is asked again once per hour.
    """
    suffix = f"-v{trend_version}" + (f"-{_EXECUTION_NAME_UNSAFE.sub('-', retry)[:16]}" if retry else "")
    safe = _EXECUTION_NAME_UNSAFE.sub("-", trend_id)
    room = 80 - len("brief-") - len(suffix)
    if len(safe) > room:  # never for our ids ("t" + 16 hex); keep long ones distinct with a digest
        digest = hashlib.sha256(trend_id.encode()).hexdigest()[:12]
        safe = safe[: room - 13] + "-" + digest
    return f"brief-{safe}{suffix}"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- evidence ------------------------------------------------------------------------------------


class EvidenceItem(_Model):
    """One numbered article of a trend, as the generator and the checker see it."""

    id: int = Field(ge=1, description="1-based evidence id: what claims cite.")
    article_id: str
    outlet: str
    publisher_family: str
    title: str
    snippet: str = ""
    published: UtcDatetime
    url: str
    redacted: bool = Field(
        default=False, description="Instruction-like text was removed from the snippet (see evidence.py).",
    )

    @property
    def text(self) -> str:
        """What a claim citing this item may rest on: headline and snippet."""
        return f"{self.title}. {self.snippet}" if self.snippet else self.title


# --- drafts --------------------------------------------------------------------------------------


CheckMethod = Literal["literal", "semantic", "model"]
"""How a kept claim was found supported: its words are the evidence's ('literal'), it restates the
evidence in other words ('semantic': lemma, synonym, rounding, alias), or the Claude verifier
judged what the deterministic layer could not decide ('model')."""


class Claim(_Model):
    """One sentence of a brief and the evidence ids that state it."""

    text: str = Field(min_length=1, max_length=1200)
    evidence_ids: list[int] = Field(default_factory=list, max_length=20)
    checked_by: CheckMethod | None = Field(default=None, description="Set by the fact-check on kept claims.")

    @field_validator("text")
    @classmethod
    def _strip(cls, value: str) -> str:
        stripped = " ".join(value.split())
        if not stripped:
            raise ValueError("claim text is blank")
        return stripped


class Paragraph(_Model):
    kind: ParagraphKind
    claims: list[Claim] = Field(min_length=1, max_length=MAX_CLAIMS_PER_PARAGRAPH)

    @property
    def text(self) -> str:
        return " ".join(claim.text for claim in self.claims)


class QuickAnswer(_Model):
    question: str = Field(min_length=1, max_length=300)
    answer: str = Field(min_length=1, max_length=1200)
    evidence_ids: list[int] = Field(default_factory=list, max_length=20)

    @property
    def specified(self) -> bool:
        """False for the plain 'Coverage does not yet specify ...' answer (cites nothing)."""
        return not (self.answer.strip().lower().startswith(NOT_SPECIFIED_PREFIX.lower())
                    and not self.evidence_ids)


class BriefDraft(_Model):
    """A generated brief before fact-checking: 1-3 paragraphs of claims and up to 3 quick answers."""

    paragraphs: list[Paragraph] = Field(min_length=1, max_length=3)
    quick_answers: list[QuickAnswer] = Field(default_factory=list, max_length=3)

    @field_validator("paragraphs")
    @classmethod
    def _one_per_kind(cls, paragraphs: list[Paragraph]) -> list[Paragraph]:
        kinds = [p.kind for p in paragraphs]
        if len(set(kinds)) != len(kinds):
            raise ValueError(f"paragraph kinds repeat: {kinds}")
        return sorted(paragraphs, key=lambda p: PARAGRAPH_ORDER.index(p.kind))


class TokenUsage(_Model):
    """Model tokens, as the Messages API reports them (input excludes cache reads and writes)."""

    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    cache_creation_input_tokens: int = Field(default=0, ge=0)
    cache_read_input_tokens: int = Field(default=0, ge=0)

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_creation_input_tokens=self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            cache_read_input_tokens=self.cache_read_input_tokens + other.cache_read_input_tokens,
        )

    @property
    def all_input_tokens(self) -> int:
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens

    @property
    def total(self) -> int:
        """What the daily budget counts: every input token (cached or not) and every output token."""
        return self.all_input_tokens + self.output_tokens


# --- fact-check ----------------------------------------------------------------------------------


class RemovedClaim(_Model):
    """A claim the fact-check removed, and why (kept with the brief and fed back on regeneration)."""

    text: str
    location: str = Field(description="'what_happened', 'coverage', 'what_to_watch' or 'quick_answer:N'.")
    evidence_ids: list[int] = Field(default_factory=list)
    reasons: list[str] = Field(min_length=1)
    stage: Literal["deterministic", "verifier"]


class Verdict(_Model):
    """The verifier's judgement of one claim."""

    claim_id: int = Field(ge=1)
    supported: bool
    evidence_id: int | None = Field(default=None, description="The evidence item that states the claim.")
    reason: str = Field(default="", max_length=500)


class BriefBasis(_Model):
    """What a brief was written from: decides whether a later change is material."""

    trend_version: int = Field(ge=0)
    article_ids: list[str] = Field(default_factory=list, description="The newest members' ids, at "
                                   "most MAX_BASIS_ARTICLE_IDS (headlinez.briefs.evidence).")
    article_count: int = Field(default=0, ge=0, description="Members the brief rested on (0 in "
                               "bases written before it was recorded: then len(article_ids)).")
    articles_before: UtcDatetime | None = Field(
        default=None, description="Set when article_ids was cut: every member published before "
        "it was in the basis. The ids of all members travelled in the flow's state and passed its "
        "256 KB limit near 6,500 members.")
    source_families: list[str] = Field(default_factory=list)
    fact_keys: list[str] = Field(default_factory=list,
                                 description="Numbers, names and quotes of the evidence.")


def basis_article_count(basis: BriefBasis) -> int:
    """Members a basis rested on (older bases recorded only the ids, all of them)."""
    return basis.article_count or len(basis.article_ids)


class Citation(_Model):
    id: int
    article_id: str
    outlet: str
    title: str
    url: str
    published: UtcDatetime


class PublishedBrief(_Model):
    """The stored brief of one trend (one item; a newer version replaces it, an older never does)."""

    trend_id: str
    version: int = Field(ge=0, description="The trend version the evidence was read at.")
    headline: str = ""
    paragraphs: list[Paragraph]
    quick_answers: list[QuickAnswer] = Field(default_factory=list)
    citations: list[Citation] = Field(description="Every evidence item the brief cites, by id.")
    supported_percent: float = Field(ge=0, le=100)
    claims_checked: int = Field(ge=0)
    claims_supported: int = Field(ge=0)
    removed_claims: list[RemovedClaim] = Field(default_factory=list)
    engine: str = Field(description="'extractive' or the Claude model id that wrote the brief.")
    verifier: str = Field(description="'deterministic' or 'deterministic+{Claude model id}'.")
    usage: TokenUsage = Field(default_factory=TokenUsage)
    attempts: int = Field(default=1, ge=1)
    generated_at: UtcDatetime
    updated_at: UtcDatetime
    execution_id: str = ""
    basis: BriefBasis

    @property
    def tokens_in(self) -> int:
        return self.usage.all_input_tokens

    @property
    def tokens_out(self) -> int:
        return self.usage.output_tokens

    @property
    def is_extractive(self) -> bool:
        return self.engine == EXTRACTIVE_ENGINE


class BriefFailure(_Model):
    """The last failed attempt of a trend's brief (stored apart; the last good brief stays)."""

    trend_id: str
    execution_id: str
    error: str
    cause: str = ""
    attempt: int = 1
    failed_at: UtcDatetime


# --- Step Functions state ------------------------------------------------------------------------


class BriefRequest(_Model):
    """The execution input that clustering sends (deterministic, so a retried start is idempotent)."""

    trend_id: str = Field(min_length=1, max_length=100)
    trend_version: int = Field(ge=0)
    reason: str = ""
    requested_at: UtcDatetime
    retry: str = Field(default="", max_length=16,
                       description="Empty for the first execution of a version; the hour slot of a retry.")


class StepInput(_Model):
    model_config = ConfigDict(extra="ignore")

    execution_id: str = ""
    trend_id: str = Field(min_length=1, max_length=100)
    now: UtcDatetime | None = Field(
        default=None,
        description="The run's time, the same for every step and retry: the state machine's Init "
        "copies the request's requested_at (the clustering run's event time; the local stack's "
        "simulated clock). None (an input from before the field) means the wall clock.")


class LoadInput(StepInput):
    requested_at: UtcDatetime | None = None


class LoadResult(_Model):
    action: Literal["generate", "skip"]
    reason: str
    trend_version: int = 0
    headline: str = ""
    evidence: list[EvidenceItem] = Field(default_factory=list)
    basis: BriefBasis | None = None
    previous_version: int | None = None
    max_attempts: int = Field(default=1, ge=1)


class GenerateInput(StepInput):
    attempt: int = Field(default=1, ge=1)
    headline: str = Field(default="", description="The trend's headline as its page shows it (Load's).")
    evidence: list[EvidenceItem] = Field(min_length=1)
    feedback: list[RemovedClaim] = Field(default_factory=list)
    usage: TokenUsage = Field(default_factory=TokenUsage)


class GenerateResult(_Model):
    status: Literal["generated", "budget_exhausted"]
    engine: str
    draft: BriefDraft | None = None
    usage: TokenUsage = Field(default_factory=TokenUsage, description="Cumulative over the execution.")


class CheckInput(StepInput):
    attempt: int = Field(default=1, ge=1)
    max_attempts: int = Field(default=1, ge=1)
    evidence: list[EvidenceItem] = Field(min_length=1)
    draft: BriefDraft
    engine: str
    usage: TokenUsage = Field(default_factory=TokenUsage)


class CheckResult(_Model):
    passed: bool
    decision: Literal["publish", "regenerate", "give_up"]
    supported_percent: float = Field(ge=0, le=100)
    claims_checked: int = Field(ge=0)
    claims_supported: int = Field(ge=0)
    paragraphs: list[Paragraph] = Field(default_factory=list)
    quick_answers: list[QuickAnswer] = Field(default_factory=list)
    removed_claims: list[RemovedClaim] = Field(default_factory=list)
    verifier: str
    usage: TokenUsage = Field(default_factory=TokenUsage, description="Cumulative over the execution.")


class PublishInput(StepInput):
    attempt: int = Field(default=1, ge=1)
    trend_version: int = Field(ge=0)
    headline: str = ""
    evidence: list[EvidenceItem]
    basis: BriefBasis
    engine: str
    check: CheckResult
    requested_at: UtcDatetime | None = None


class PublishResult(_Model):
    outcome: Literal["published", "superseded"]
    trend_id: str
    version: int
    supported_percent: float
    engine: str
    claims_removed: int = 0


class StepError(BaseModel):
    """What a Catch puts at its ResultPath: {"Error": name, "Cause": text}."""

    model_config = ConfigDict(extra="ignore")

    Error: str = "Unknown"  # the Step Functions field names
    Cause: str = ""


class FailureInput(StepInput):
    attempt: int = Field(default=1, ge=1)
    error: StepError = Field(default_factory=StepError)


class FailureResult(_Model):
    recorded: bool
    error: str


# --- API -----------------------------------------------------------------------------------------


def _fact_check_label(brief: PublishedBrief) -> str:
    removed = len(brief.removed_claims)
    percent = f"{brief.supported_percent:.0f}% supported"
    if removed == 0:
        return f"fact-checked: every claim supported by the cited coverage ({percent})"
    noun = "claim" if removed == 1 else "claims"
    return f"fact-checked: {removed} unsupported {noun} removed ({percent})"


def _engine_view(brief: PublishedBrief) -> dict[str, Any]:
    if brief.is_extractive:
        return {"kind": "extractive", "model": None,
                "label": "Extractive: sentences taken from the coverage, no AI model"}
    return {"kind": "claude", "model": brief.engine,
            "label": f"Written by Claude ({brief.engine}) from the coverage"}


def checked_by_counts(brief: PublishedBrief) -> dict[str, int]:
    """Kept paragraph claims by how they were checked (claims of older briefs count as literal)."""
    counts = dict.fromkeys(("literal", "semantic", "model"), 0)
    for paragraph in brief.paragraphs:
        for claim in paragraph.claims:
            counts[claim.checked_by or "literal"] += 1
    return counts


def brief_to_api(brief: PublishedBrief) -> dict[str, Any]:
    """The JSON shape of a brief in `GET /trends/{id}` (pure; JSON-ready values only)."""
    return {
        "version": brief.version,
        "paragraphs": [
            {"kind": p.kind, "text": p.text,
             "claims": [{"text": c.text, "citations": list(c.evidence_ids),
                         "checked_by": c.checked_by or "literal"} for c in p.claims]}
            for p in brief.paragraphs
        ],
        "quick_answers": [
            {"question": q.question, "answer": q.answer, "citations": list(q.evidence_ids),
             "specified": q.specified}
            for q in brief.quick_answers
        ],
        "citations": [c.model_dump(mode="json") for c in brief.citations],
        "fact_check": {
            "supported_percent": round(brief.supported_percent, 1),
            "claims_checked": brief.claims_checked,
            "claims_supported": brief.claims_supported,
            "checked_by": brief.verifier,
            "claims_by_method": checked_by_counts(brief),
            "label": _fact_check_label(brief),
            "removed_claims": [
                {"text": r.text, "location": r.location, "reasons": list(r.reasons), "stage": r.stage}
                for r in brief.removed_claims
            ],
        },
        "engine": _engine_view(brief),
        "usage": {"input_tokens": brief.tokens_in, "output_tokens": brief.tokens_out},
        "generated_at": brief.generated_at.isoformat().replace("+00:00", "Z"),
        "updated_at": brief.updated_at.isoformat().replace("+00:00", "Z"),
    }
