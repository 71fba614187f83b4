"""Evidence for a brief: a trend's articles as numbered items, capped by a token budget.

Selection favours independent sources: the newest article of each newsroom (publisher family)
first, then further articles newest first, until the token budget or the item cap is reached.
Snippets are plain text already (ingest strips HTML); sentences that read as instructions to a
model ("ignore previous instructions ...") are removed here, before any model sees them, and the
item is marked `redacted`. Evidence text is data: this is the first of three guards (the prompt
says so, and the checker only accepts claims that the remaining text states).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from headlinez.briefs.models import BriefBasis, EvidenceItem
from headlinez.briefs.text import estimate_tokens, fact_keys, injection_spans, normalize
from headlinez.models import TrendMember, TrendState

logger = logging.getLogger(__name__)

MAX_SNIPPET_CHARS = 700
MAX_FACT_KEYS = 1000
MAX_BASIS_ARTICLE_IDS = 1500
"""~35 bytes each in the brief flow's state (256 KB), so ~52 KB at most; older members are
covered by the basis's `articles_before`."""
REDACTION = "[instruction-like text removed]"


@dataclass(frozen=True)
class EvidenceLimits:
    token_budget: int = 3000
    max_items: int = 12


# A wire story's opening byline and dateline: "By Olivia Le Poidevin GENEVA, Feb 17 (Reuters) - ",
# "By Laila Bassam and Tala Ramadan DUBAI, Feb 17 (Reuters) - ", "BERLIN, Feb 17 (Reuters) - ".
# Who filed it from where is not the story: read as text, the reporter's name became a subject
# of the quick answers ("What happens next for Olivia Le Poidevin GENEVA?").
_WIRE_LEAD = re.compile(r"^(?:By\s+[^()\n]{3,120}?\s+)?[A-Z][A-Z/ .'-]{2,60},\s+"
                        r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+\([A-Za-z .-]{2,30}\)\s*[-–—]+\s*")


def without_wire_lead(snippet: str) -> str:
    """The snippet without a wire story's opening byline and dateline (`_WIRE_LEAD`)."""
    return _WIRE_LEAD.sub("", snippet, count=1)


def sanitize_snippet(snippet: str) -> tuple[str, bool]:
    """Drop instruction-like sentences; return the text and whether anything was removed."""
    text = normalize(snippet)
    spans = injection_spans(text)
    for span in spans:
        text = text.replace(span, REDACTION)
    if len(text) > MAX_SNIPPET_CHARS:
        cut = text[:MAX_SNIPPET_CHARS].rsplit(" ", 1)[0]
        text = cut + " ..."
    return text, bool(spans)


def _item_tokens(member: TrendMember, snippet: str) -> int:
    return estimate_tokens(f"{member.outlet} {member.title} {snippet} {member.url}") + 20


def select_members(members: Sequence[TrendMember], snippets: Mapping[str, str],
                   limits: EvidenceLimits) -> list[TrendMember]:
    """Newest article per newsroom first, then the rest newest first; within budget and cap."""
    newest_first = sorted(members, key=lambda m: (m.published, m.article_id), reverse=True)
    first_of_family: list[TrendMember] = []
    rest: list[TrendMember] = []
    seen: set[str] = set()
    for member in newest_first:
        if member.publisher_family in seen:
            rest.append(member)
        else:
            seen.add(member.publisher_family)
            first_of_family.append(member)
    chosen: list[TrendMember] = []
    spent = 0
    for member in first_of_family + rest:
        cost = _item_tokens(member, snippets.get(member.article_id, "")[:MAX_SNIPPET_CHARS])
        if len(chosen) >= limits.max_items or (chosen and spent + cost > limits.token_budget):
            continue
        chosen.append(member)
        spent += cost
    return chosen


def build_evidence(members: Sequence[TrendMember], snippets: Mapping[str, str],
                   limits: EvidenceLimits) -> list[EvidenceItem]:
    """Numbered evidence items (1-based, oldest first so that ids read as a timeline)."""
    chosen = sorted(select_members(members, snippets, limits), key=lambda m: (m.published, m.article_id))
    items: list[EvidenceItem] = []
    for number, member in enumerate(chosen, start=1):
        snippet, redacted = sanitize_snippet(without_wire_lead(snippets.get(member.article_id, "")))
        title, title_redacted = sanitize_snippet(member.title)
        if redacted or title_redacted:
            logger.warning("instruction-like text removed from evidence",
                           extra={"article_id": member.article_id, "outlet": member.outlet})
        items.append(EvidenceItem(
            id=number, article_id=member.article_id, outlet=member.outlet,
            publisher_family=member.publisher_family, title=title, snippet=snippet,
            published=member.published, url=member.url, redacted=redacted or title_redacted,
        ))
    return items


def evidence_tokens(items: Sequence[EvidenceItem]) -> int:
    return sum(estimate_tokens(f"{i.outlet} {i.title} {i.snippet} {i.url}") + 20 for i in items)


def basis_of(trend: TrendState, members: Sequence[TrendMember], snippets: Mapping[str, str]) -> BriefBasis:
    """What a brief written now rests on: every member (not only the selected evidence)."""
    keys: set[str] = set()
    for member in members:
        keys |= fact_keys(f"{member.title}. {snippets.get(member.article_id, '')}")
    newest = sorted(members, key=lambda m: m.published, reverse=True)
    kept, articles_before = newest, None
    if len(newest) > MAX_BASIS_ARTICLE_IDS:
        articles_before = newest[MAX_BASIS_ARTICLE_IDS - 1].published
        # members at the cut's own instant stay listed: "before" is strict
        kept = [m for m in newest if m.published >= articles_before]
    return BriefBasis(
        trend_version=trend.version,
        article_ids=sorted(m.article_id for m in kept),
        article_count=len(members),
        articles_before=articles_before,
        source_families=sorted({m.publisher_family for m in members}),
        # numbers and quotes before names: sorted alone, the cap kept names ("e:") and dropped
        # every number, so any later article with two numbers read as material
        fact_keys=sorted(keys, key=lambda key: (key.startswith("e:"), key))[:MAX_FACT_KEYS],
    )
