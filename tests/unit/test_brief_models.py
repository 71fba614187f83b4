"""Brief models: drafts, the stored brief, the API shape, execution names, step I/O."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from tests import brief_story as story

from headlinez.briefs.extractive import extractive_draft
from headlinez.briefs.models import (
    BriefBasis,
    BriefDraft,
    Citation,
    PublishedBrief,
    QuickAnswer,
    RemovedClaim,
    TokenUsage,
    brief_to_api,
    execution_name,
)

NOW = datetime(2026, 2, 18, 6, 0, tzinfo=UTC)


def _brief(engine: str = "claude-sonnet-5-5", removed: int = 1) -> PublishedBrief:
    draft = story.parse(story.GOOD_DRAFT)
    evidence = story.evidence()
    return PublishedBrief(
        trend_id=story.TREND_ID, version=3, headline="US and Iran resume nuclear talks in Geneva",
        paragraphs=draft.paragraphs, quick_answers=draft.quick_answers,
        citations=[Citation(id=e.id, article_id=e.article_id, outlet=e.outlet, title=e.title, url=e.url,
                            published=e.published) for e in evidence[:3]],
        supported_percent=87.5, claims_checked=8, claims_supported=7,
        removed_claims=[RemovedClaim(text=story.WRONG_NUMBER["text"], location="what_happened",
                                     evidence_ids=[1], reasons=["number not in the cited evidence: 6"],
                                     stage="deterministic")][:removed],
        engine=engine, verifier="deterministic+claude-haiku-5-5",
        usage=TokenUsage(input_tokens=2100, output_tokens=470, cache_read_input_tokens=900),
        attempts=1, generated_at=NOW, updated_at=NOW, execution_id="arn:...:exec",
        basis=BriefBasis(trend_version=3),
    )


def test_brief_to_api_shape() -> None:
    api = brief_to_api(_brief())
    assert set(api) == {"version", "paragraphs", "quick_answers", "citations", "fact_check", "engine",
                        "usage", "generated_at", "updated_at"}
    first = api["paragraphs"][0]
    assert first["kind"] == "what_happened"
    assert first["text"].startswith("Negotiators from the United States")
    assert "\"significant progress\"" in first["text"]
    first_claim = story.GOOD_DRAFT["paragraphs"][0]["claims"][0]["text"]
    assert first["claims"][0] == {"text": first_claim, "citations": [1], "checked_by": "literal"}
    assert api["quick_answers"][2] == {"question": "When could a deal be signed?",
                                       "answer": "Coverage does not yet specify when a deal could be signed.",
                                       "citations": [], "specified": False}
    assert api["citations"][0] == {"id": 1, "article_id": "0" * 31 + "1", "outlet": "Reuters",
                                   "title": "US and Iran resume nuclear talks in Geneva",
                                   "url": "https://reuters.example/geneva-1",
                                   "published": "2026-02-18T00:00:00Z"}
    assert api["fact_check"] == {
        "supported_percent": 87.5, "claims_checked": 8, "claims_supported": 7,
        "checked_by": "deterministic+claude-haiku-5-5",
        "claims_by_method": {"literal": 5, "semantic": 0, "model": 0},
        "label": "fact-checked: 1 unsupported claim removed (88% supported)",
        "removed_claims": [{"text": "The talks in Geneva lasted six hours.", "location": "what_happened",
                            "reasons": ["number not in the cited evidence: 6"], "stage": "deterministic"}],
    }
    assert api["engine"] == {"kind": "claude", "model": "claude-sonnet-5-5",
                             "label": "Written by Claude (claude-sonnet-5-5) from the coverage"}
    assert api["usage"] == {"input_tokens": 3000, "output_tokens": 470}
    assert api["updated_at"] == "2026-02-18T06:00:00Z"
    json.dumps(api)  # JSON-ready


def test_an_extractive_brief_is_labelled_as_such() -> None:
    api = brief_to_api(_brief(engine="extractive", removed=0))
    assert api["engine"]["kind"] == "extractive"
    assert api["engine"]["model"] is None
    assert "no AI model" in api["engine"]["label"]
    assert api["fact_check"]["label"].startswith("fact-checked: every claim supported")


def test_the_stored_brief_round_trips() -> None:
    brief = _brief()
    assert PublishedBrief.model_validate_json(brief.model_dump_json()) == brief
    assert (brief.tokens_in, brief.tokens_out) == (3000, 470)


def test_drafts_are_validated() -> None:
    draft = story.parse(story.GOOD_DRAFT)
    assert [p.kind for p in draft.paragraphs] == ["what_happened", "coverage", "what_to_watch"]
    with pytest.raises(ValidationError, match="repeat"):
        BriefDraft.model_validate({"paragraphs": [story.GOOD_DRAFT["paragraphs"][0]] * 2})
    with pytest.raises(ValidationError):
        BriefDraft.model_validate({"paragraphs": []})
    with pytest.raises(ValidationError):
        BriefDraft.model_validate({**story.GOOD_DRAFT,
                                   "quick_answers": story.GOOD_DRAFT["quick_answers"] * 2})
    assert not QuickAnswer(question="q", answer="Coverage does not yet specify X.").specified
    assert QuickAnswer(question="q", answer="Coverage does not yet specify X.", evidence_ids=[1]).specified


def test_execution_names_are_idempotent_and_valid() -> None:
    name = execution_name(story.TREND_ID, 7)
    assert name == execution_name(story.TREND_ID, 7) != execution_name(story.TREND_ID, 8)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,80}", name)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,80}", execution_name("t/" + "x" * 200, 10**9))


def test_extractive_draft_shape() -> None:
    draft = extractive_draft(story.evidence())
    assert draft.paragraphs[0].kind == "what_happened"
    assert len(draft.paragraphs[0].claims) == 2
    coverage = next(p for p in draft.paragraphs if p.kind == "coverage")
    # one sentence naming which newsroom stresses which aspect, in its headline's words
    assert len(coverage.claims) == 1
    # (the most distinctive angle first: only Al Jazeera's headline has the Vienna round; each angle
    # quoted as its headline's whole clause, never a run cut out of one; BBC's "Iran and US hold
    # third round of talks in Geneva" restates Reuters' clause and is left out)
    assert coverage.claims[0].text == (
        "Al Jazeera focuses on \u201cIran-US talks end with plan for fourth round in Vienna\u201d, while "
        "Reuters highlights \u201cUS and Iran resume nuclear talks in Geneva\u201d.")
    # (Oman's minister's words hold what to watch, "Talks will resume next week, Oman said.": a quick
    # answer from them would tell it again, so Iran's minister is asked)
    assert [q.question for q in draft.quick_answers] == ["What did Abbas Araghchi say?", "What was decided?",
                                                         "What happens next?"]
    # every claim cites an item; nothing comes from the redacted injection
    assert all(c.evidence_ids for p in draft.paragraphs for c in p.claims)
    assert "resigned" not in draft.model_dump_json()
