"""Wiring of the brief Lambdas (functions/brief_*): settings -> adapters -> BriefService.

The one module of this package that imports adapters; domain modules never import it. The
Claude adapter (and with it `anthropic`, ~2.5 s to import) is imported only when an API key is
configured, so the offline engine's cold start stays light.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from headlinez.briefs.checker import CheckConfig
from headlinez.briefs.errors import BriefInputError
from headlinez.briefs.evidence import EvidenceLimits
from headlinez.briefs.extractive import ExtractiveGenerator
from headlinez.briefs.models import TokenUsage
from headlinez.briefs.ports import BriefGenerator, ClaimVerifier
from headlinez.briefs.service import BriefPolicy, BriefService
from headlinez.clock import CLOCK, UtcClock, set_clock
from headlinez.settings import BriefSettings

StepModel = TypeVar("StepModel", bound=BaseModel)
# CLOCK (headlinez.clock) dates every brief step; the local stack points it at its simulated
# clock with `set_clock` (re-exported here), which the cluster handler's event-time bound follows.
__all__ = ["CLOCK", "StepModel", "UtcClock", "generator", "parse_step", "policy", "service", "set_clock",
           "usage_delta", "verifier"]


def parse_step(model: type[StepModel], event: Any) -> StepModel:
    """Validate a state's input; a bad one is a BriefInputError (never retried by the flow)."""
    try:
        return model.model_validate(event)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
        raise BriefInputError(f"invalid {model.__name__}: {problems}") from exc


def policy(settings: BriefSettings) -> BriefPolicy:
    return BriefPolicy(
        evidence=EvidenceLimits(token_budget=settings.evidence_token_budget,
                                max_items=settings.max_evidence_items),
        min_new_facts=settings.min_new_facts, min_supported_percent=settings.min_supported_percent,
        max_attempts=settings.max_attempts, daily_token_budget=settings.daily_token_budget,
        check=CheckConfig(),
    )


@lru_cache(maxsize=4)
def service(settings: BriefSettings) -> BriefService:
    from headlinez.adapters.brief_store import DynamoBriefStore

    store = DynamoBriefStore.from_table_name(settings.table_name,
                                             brief_ttl=timedelta(days=settings.brief_ttl_days))
    return BriefService(store, CLOCK, policy(settings))


@lru_cache(maxsize=4)
def generator(settings: BriefSettings) -> BriefGenerator:
    if not settings.llm_configured:
        return ExtractiveGenerator()
    from headlinez.adapters.claude import ClaudeBriefGenerator, claude_client

    return ClaudeBriefGenerator(claude_client(settings), settings.model)


@lru_cache(maxsize=4)
def verifier(settings: BriefSettings) -> ClaimVerifier | None:
    if not settings.llm_configured:
        return None
    from headlinez.adapters.claude import ClaudeVerifier, claude_client

    return ClaudeVerifier(claude_client(settings), settings.verifier_model)


def usage_delta(before: TokenUsage, after: TokenUsage) -> TokenUsage:
    return TokenUsage.model_validate({
        name: max(0, getattr(after, name) - getattr(before, name)) for name in TokenUsage.model_fields
    })
