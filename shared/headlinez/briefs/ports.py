"""Protocols of the brief flow. Adapters: headlinez.adapters.brief_store and .claude; fakes in tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from headlinez.briefs.models import (
    BriefDraft,
    BriefFailure,
    EvidenceItem,
    PublishedBrief,
    RemovedClaim,
    TokenUsage,
    Verdict,
)
from headlinez.models import TrendMember, TrendState


@dataclass(frozen=True)
class TrendSnapshot:
    """A trend as the Load step reads it: META, every member, and member snippets by article id."""

    trend: TrendState
    members: list[TrendMember]
    snippets: Mapping[str, str] = field(default_factory=dict)


class BriefStore(Protocol):
    def load_trend(self, trend_id: str) -> TrendSnapshot | None: ...

    def get_brief(self, trend_id: str) -> PublishedBrief | None: ...

    def put_brief(self, brief: PublishedBrief) -> bool:
        """Store the brief unless one of the same or a newer version exists; False when superseded."""
        ...

    def record_failure(self, failure: BriefFailure) -> None: ...

    def tokens_spent(self, day: date) -> int: ...

    def add_tokens(self, day: date, tokens: int) -> int:
        """Atomically add to the day's counter; return the new total."""
        ...


class BriefGenerator(Protocol):
    engine: str
    uses_tokens: bool

    def generate(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim]
                 ) -> tuple[BriefDraft, TokenUsage]: ...


ClaimToVerify = tuple[int, str, Sequence[int]]
"""(claim number from 1, claim text, cited evidence ids)."""


class ClaimVerifier(Protocol):
    name: str

    def verify(self, evidence: Sequence[EvidenceItem], claims: Sequence[ClaimToVerify]
               ) -> tuple[list[Verdict], TokenUsage]: ...

