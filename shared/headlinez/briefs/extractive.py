"""The offline engine: an extractive brief built only from evidence sentences.

Used when no Anthropic API key is configured (and always by the local stack unless asked
otherwise). It never writes a fact of its own: paragraph claims are evidence sentences copied
verbatim and cited; the coverage paragraph quotes each outlet's headline verbatim; the quick
answers list names and outlets that the cited items state, or say plainly that coverage does not
specify. The same deterministic checks run on it as on Claude's drafts, and the stored brief and
the API label it `extractive`.

Sentence choice: a sentence scores by how many other articles share its content words
(centrality, which favours the common core of the story over one outlet's aside), with a bonus
for leading sentences (news puts the event first) and a length preference of 10-35 words.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass

from headlinez.briefs.evidence import REDACTION
from headlinez.briefs.models import (
    EXTRACTIVE_ENGINE,
    BriefDraft,
    Claim,
    EvidenceItem,
    Paragraph,
    QuickAnswer,
    RemovedClaim,
    TokenUsage,
)
from headlinez.briefs.text import (
    content_stems,
    is_truncated,
    name_sequences,
    normalize,
    outlet_aliases,
    overlap,
    split_sentences,
    words,
)


def _split(text: str) -> list[str]:
    return text.split()


_FORWARD_CUES = frozenset(
    _split("will expected expects plans plan planned next upcoming scheduled deadline vote votes could "
    "awaiting awaits pending later soon until tomorrow hearing decision ruling talks")
)
_MAX_NAMES = 4
_TITLES = frozenset(_split("gov sen rep mr mrs ms dr president sec secretary gen chair chairman justice "
                           "judge rev prof minister leader speaker mayor"))
_MAX_OUTLETS = 3


@dataclass(frozen=True)
class _Candidate:
    item: EvidenceItem
    text: str
    position: int
    stems: frozenset[str]
    score: float


def _display_outlet(outlet: str) -> str:
    aliases = sorted(outlet_aliases(outlet), key=len, reverse=True)
    base = normalize(outlet).split(" (")[0].strip()
    return base if base else (aliases[0] if aliases else outlet)


def _usable(sentence: str) -> bool:
    count = len(words(sentence))
    return (6 <= count <= 45 and not is_truncated(sentence) and REDACTION not in sentence
            and sentence.count('"') % 2 == 0)


def _candidates(evidence: Sequence[EvidenceItem]) -> list[_Candidate]:
    sentences: list[tuple[EvidenceItem, str, int]] = []
    for item in evidence:
        for position, sentence in enumerate(split_sentences(item.snippet)):
            if _usable(sentence):
                sentences.append((item, sentence, position))
    frequency: Counter[str] = Counter()
    for item in evidence:
        frequency.update(content_stems(item.text))
    scored: list[_Candidate] = []
    for item, sentence, position in sentences:
        stems = frozenset(content_stems(sentence))
        if not stems:
            continue
        shared = sum(frequency[s] - 1 for s in stems)
        length = len(words(sentence))
        length_factor = 1.0 if 10 <= length <= 35 else 0.7
        score = (shared / math.sqrt(len(stems)) + 1.0) * length_factor * (1.3 if position == 0 else 1.0)
        scored.append(_Candidate(item, sentence, position, stems, score))
    scored.sort(key=lambda c: (-c.score, c.item.id, c.position))
    return scored


def _distinct(chosen: Sequence[_Candidate], candidate: _Candidate) -> bool:
    return all(overlap(candidate.stems, set(c.stems)) < 0.6 and c.text != candidate.text for c in chosen)


def _what_happened(candidates: Sequence[_Candidate], evidence: Sequence[EvidenceItem]) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    for candidate in candidates:
        if len(chosen) == 2:
            break
        other_family = all(c.item.publisher_family != candidate.item.publisher_family for c in chosen)
        if _distinct(chosen, candidate) and (other_family or len(evidence) == 1):
            chosen.append(candidate)
    return chosen


def _coverage_claims(evidence: Sequence[EvidenceItem]) -> list[Claim]:
    claims: list[Claim] = []
    seen: set[str] = set()
    for item in evidence:
        title = normalize(item.title).rstrip(".")
        if (item.publisher_family in seen or '"' in title or REDACTION in title or len(words(title)) < 3):
            continue
        seen.add(item.publisher_family)
        claims.append(Claim(text=f"{_display_outlet(item.outlet)} leads with \u201c{title}\u201d.",
                            evidence_ids=[item.id]))
        if len(claims) == _MAX_OUTLETS:
            break
    return claims


def _forward(candidates: Sequence[_Candidate], used: set[str]) -> list[_Candidate]:
    return [c for c in candidates if c.text not in used
            and any(w.lower() in _FORWARD_CUES for w in words(c.text))]


def _clean_name(name: str) -> str:
    """'Florida Gov Ron DeSantis' -> 'Ron DeSantis'; 'Minister for Planning Ahsan Iqbal' -> 'Ahsan Iqbal'."""
    parts = name.split()
    for position, part in reversed(list(enumerate(parts))):
        if part.lower().rstrip(".") in _TITLES:
            parts = parts[position + 1:] if position + 1 < len(parts) else parts[:position]
            break
    while parts and not parts[0][0].isupper():
        parts.pop(0)
    return " ".join(parts)


def _as_sentence(text: str) -> str:
    """Feeds sometimes drop the final stop of a snippet sentence; a brief's sentence has one."""
    return text if text.endswith((".", "!", "?", '"', "'", "\u201d")) else text + "."


def _names_answer(evidence: Sequence[EvidenceItem]) -> QuickAnswer:
    question = "Who is involved?"
    outlets = {a for item in evidence for a in outlet_aliases(item.outlet)}
    counts: Counter[str] = Counter()
    cited: dict[str, list[int]] = {}
    for item in evidence:
        # Snippets only: Title Case headlines capitalize every word, so their "names" are noise.
        names = {_clean_name(n) for n in name_sequences(item.snippet or item.title)}
        for name in {n for n in names if len(n) > 2 and len(n.split()) <= 4 and n.lower() not in outlets}:
            counts[name] += 1
            cited.setdefault(name, []).append(item.id)
    ranked = sorted(counts, key=lambda n: (-counts[n], -len(n.split()), n))
    top: list[str] = []
    for name in ranked:
        if (" " in name or counts[name] > 1) and not any(name in chosen or chosen in name for chosen in top):
            top.append(name)
        if len(top) == _MAX_NAMES:
            break
    if not top:
        return QuickAnswer(question=question, answer="Coverage does not yet specify who is involved.")
    ids = sorted({i for name in top for i in cited[name][:2]})
    listed = top[0] if len(top) == 1 else ", ".join(top[:-1]) + " and " + top[-1]
    return QuickAnswer(question=question, answer=f"Coverage names {listed}.", evidence_ids=ids)


def _outlets_answer(evidence: Sequence[EvidenceItem]) -> QuickAnswer:
    first: dict[str, EvidenceItem] = {}
    for item in evidence:
        first.setdefault(item.publisher_family, item)
    names = [_display_outlet(item.outlet) for item in first.values()][:5]
    ids = [item.id for item in first.values()][:5]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return QuickAnswer(question="Which outlets are covering it?",
                       answer=f"{listed} {'covers' if len(names) == 1 else 'cover'} it.", evidence_ids=ids)


def extractive_draft(evidence: Sequence[EvidenceItem], exclude: Set[str] = frozenset()) -> BriefDraft:
    """A brief of evidence sentences (see the module docstring). Needs at least one item.

    `exclude`: sentences not to use again (claims the fact-check removed from an earlier draft).
    """
    if not evidence:
        raise ValueError("an extractive brief needs evidence")
    candidates = [c for c in _candidates(evidence) if c.text not in exclude]
    lead = _what_happened(candidates, evidence)
    if lead:
        first = Paragraph(kind="what_happened",
                          claims=[Claim(text=_as_sentence(c.text), evidence_ids=[c.item.id]) for c in lead])
    else:  # titles only: the most recent headline stands for what happened
        newest = max(evidence, key=lambda i: (i.published, i.id))
        lead_claim = Claim(text=normalize(newest.title).rstrip(".") + ".", evidence_ids=[newest.id])
        first = Paragraph(kind="what_happened", claims=[lead_claim])
    paragraphs = [first]
    coverage = _coverage_claims(evidence)
    if coverage:
        paragraphs.append(Paragraph(kind="coverage", claims=coverage))
    used = {c.text for c in lead}
    ahead = _forward(candidates, used)
    next_answer: QuickAnswer
    if len(ahead) >= 2:
        paragraphs.append(Paragraph(kind="what_to_watch",
                                    claims=[Claim(text=_as_sentence(ahead[0].text),
                                                  evidence_ids=[ahead[0].item.id])]))
        next_answer = QuickAnswer(question="What happens next?", answer=_as_sentence(ahead[1].text),
                                  evidence_ids=[ahead[1].item.id])
    elif ahead:
        next_answer = QuickAnswer(question="What happens next?", answer=_as_sentence(ahead[0].text),
                                  evidence_ids=[ahead[0].item.id])
    else:
        next_answer = QuickAnswer(question="What happens next?",
                                  answer="Coverage does not yet specify what happens next.")
    return BriefDraft(paragraphs=paragraphs,
                      quick_answers=[_names_answer(evidence), _outlets_answer(evidence), next_answer])


class ExtractiveGenerator:
    """The offline BriefGenerator: no model, no tokens."""

    engine = EXTRACTIVE_ENGINE
    uses_tokens = False

    def generate(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim]
                 ) -> tuple[BriefDraft, TokenUsage]:
        return extractive_draft(evidence, exclude={r.text for r in feedback}), TokenUsage()
