"""The deterministic fact-check: what a claim states must be stated by the evidence it cites.

For every claim (a sentence of a paragraph, or an answered quick answer):

- it cites at least one evidence id, and every id exists;
- every quoted passage appears verbatim in one cited item (ellipses may join verbatim pieces);
- every number (digits or number words, with its scale: million, percent) appears in the cited items;
- every weekday, month and relative day (yesterday, today) appears in the cited items;
- every name (a capitalized word that is not a sentence starter) appears in the cited items;
- every outlet it names is the outlet of a cited item (or is named by one): no wrong attribution;
- its polarity matches the cited sentence it restates (a dropped or added "not" is caught);
- enough of its content words appear in the cited items (default 40%): a claim about something
  else entirely is caught even when it contains no name or number.

A "Coverage does not yet specify ..." quick answer cites nothing; it passes when it states no
number or quote and names only what the evidence names.

These checks are literal by design: they cannot judge paraphrase, so the Claude verifier runs
after them (when configured). They never call anything: the offline engine and the benchmark use
them as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from headlinez.briefs.models import BriefDraft, Claim, EvidenceItem
from headlinez.briefs.text import (
    MONTHS,
    NEGATIONS,
    SCALE_WORDS,
    WEEKDAYS,
    comparable,
    content_stems,
    date_contexts,
    date_words,
    fold,
    mentions,
    name_tokens,
    negations,
    normalize,
    number_contexts,
    numbers,
    outlet_aliases,
    overlap,
    quote_fragments,
    quotes,
    scale_words,
    split_sentences,
    without_phrases,
    word_stems,
    words,
)


@dataclass(frozen=True)
class CheckConfig:
    min_overlap: float = 0.4
    negation_alignment: float = 0.6


@dataclass(frozen=True)
class _Sentence:
    stems: frozenset[str]
    tokens: tuple[str, ...]
    """Folded words, in order."""
    negation_positions: tuple[int, ...]

    def negations_around(self, stems: set[str]) -> int:
        """Negations within the stretch of the sentence that a claim with these stems restates.

        The stretch runs from the first to the last first-occurrence of the claim's words, plus
        four words before ("No one has been pulled ...", "did not sign"): a claim restating the
        first half of a sentence is not compared with a negation in its second half.
        """
        first_seen: dict[str, int] = {}
        for position, token in enumerate(self.tokens):
            if token in stems and token not in first_seen:
                first_seen[token] = position
        if not first_seen:
            return len(self.negation_positions)
        start, end = min(first_seen.values()) - 4, max(first_seen.values())
        return sum(1 for i in self.negation_positions if start <= i <= end)


def _sentence(unit: str) -> _Sentence:
    tokens = words(unit)
    negation_positions = tuple(i for i, token in enumerate(tokens)
                               if token.lower() in NEGATIONS or token.lower().endswith("n't"))
    return _Sentence(frozenset(content_stems(unit)), tuple(fold(t) for t in tokens), negation_positions)


@dataclass(frozen=True)
class _IndexedItem:
    item: EvidenceItem
    lowered: str
    comparable_lower: str
    stems: frozenset[str]
    content: frozenset[str]
    numbers: frozenset[float]
    number_contexts: frozenset[tuple[float, str]]
    date_contexts: frozenset[tuple[str, str]]
    scales: frozenset[str]
    dates: frozenset[str]
    outlets: frozenset[str]
    sentences: tuple[_Sentence, ...]


_CLAUSE_BREAK = re.compile(r"[;:]\s+|,?\s+(?:but|while|whereas|although|though)\s+", re.IGNORECASE)


def _units(sentence: str) -> list[str]:
    """A sentence and, if it has several, its clauses: a claim may restate only one clause."""
    clauses = [c for c in _CLAUSE_BREAK.split(sentence) if c and c.strip()]
    return [sentence, *clauses] if len(clauses) > 1 else [sentence]


def _index_item(item: EvidenceItem) -> _IndexedItem:
    text = item.text
    sentences = [item.title, *split_sentences(item.snippet)]
    return _IndexedItem(
        item=item,
        lowered=normalize(text).lower(),
        comparable_lower=comparable(text).lower(),
        stems=frozenset(word_stems(text)),
        content=frozenset(content_stems(text)),
        numbers=frozenset(numbers(text)),
        number_contexts=frozenset(number_contexts(text)),
        date_contexts=frozenset(date_contexts(text)),
        scales=frozenset(scale_words(text)),
        dates=frozenset(date_words(text)),
        outlets=outlet_aliases(item.outlet),
        sentences=tuple(_sentence(unit) for s in sentences if s for unit in _units(s)),
    )


class EvidenceIndex:
    """The evidence of one brief, pre-analysed once for all its claims."""

    def __init__(self, evidence: Sequence[EvidenceItem], extra_outlets: Iterable[str] = ()) -> None:
        self.items = {item.id: _index_item(item) for item in evidence}
        aliases: set[str] = set()
        for outlet in [*(item.outlet for item in evidence), *extra_outlets]:
            aliases |= outlet_aliases(outlet)
        # Longest first, so that "new york times" is matched before "times".
        self.outlet_aliases = sorted(aliases, key=len, reverse=True)

    def outlets_named(self, text: str) -> set[str]:
        named: set[str] = set()
        remaining = normalize(text).lower()
        for alias in self.outlet_aliases:
            if alias in remaining and mentions(remaining, alias):
                named.add(alias)
                remaining = remaining.replace(alias, " ")
        return named


@dataclass
class ClaimCheck:
    location: str
    text: str
    evidence_ids: list[int]
    problems: list[str] = field(default_factory=list)
    factual: bool = True
    """False for a 'Coverage does not yet specify ...' answer: it asserts no fact."""

    @property
    def passed(self) -> bool:
        return not self.problems


def _quote_problems(claim: str, cited: Sequence[_IndexedItem]) -> list[str]:
    problems = []
    for quote in quotes(claim):
        fragments = [comparable(f).lower() for f in quote_fragments(quote)]
        if not any(all(fragment in item.comparable_lower for fragment in fragments) for item in cited):
            problems.append(f'quote not found verbatim in the cited evidence: "{quote}"')
    return problems


def _number_problems(factual: str, cited: Sequence[_IndexedItem]) -> list[str]:
    problems = []
    stated = set().union(*(item.numbers for item in cited))
    for value in sorted(numbers(factual) - stated):
        problems.append(f"number not in the cited evidence: {value:g}")
    contexts = set().union(*(item.number_contexts for item in cited))
    known_words = set().union(*(item.stems for item in cited))
    for value, word in sorted(number_contexts(factual) - contexts):
        if value not in stated:
            continue  # already reported
        others = sorted({v for v, w in contexts if w == word and v != value})
        shown = word.removeprefix("m:")
        if others:
            problems.append(f"number changed: {value:g} with '{shown}', the cited evidence says "
                            + ", ".join(f"{v:g}" for v in others[:3]))
        elif not word.startswith("m:") and word not in known_words and word not in SCALE_WORDS:
            problems.append(f"'{value:g} {shown}' is not in the cited evidence")
    for word in sorted(scale_words(factual) - set().union(*(item.scales for item in cited))):
        problems.append(f"number scale not in the cited evidence: {word}")
    return problems


def _date_problems(factual: str, cited: Sequence[_IndexedItem]) -> list[str]:
    problems = [f"date not in the cited evidence: {word}"
                for word in sorted(date_words(factual) - set().union(*(item.dates for item in cited)))]
    contexts = set().union(*(item.date_contexts for item in cited))
    for day, word in sorted(date_contexts(factual) - contexts):
        same_kind = WEEKDAYS if day in WEEKDAYS else MONTHS
        others = sorted({d for d, w in contexts if w == word and d != day and d in same_kind})
        if others and not any(problem.endswith(f": {day}") for problem in problems):
            problems.append(f"date changed: {day} with '{word}', the cited evidence says {', '.join(others)}")
    return problems


def _name_problems(factual: str, cited: Sequence[_IndexedItem]) -> list[str]:
    quoted = " ".join(quotes(factual))
    quoted_stems = word_stems(quoted) if quoted else set()
    known = set().union(*(item.stems for item in cited))
    missing: list[str] = []
    for token in name_tokens(factual):
        folded = fold(token)
        if folded in known or folded in quoted_stems:
            continue
        parts = [fold(p) for p in token.split("-") if p]
        if parts and all(p in known for p in parts):
            continue
        if token not in missing:
            missing.append(token)
    return [f"name not in the cited evidence: {token}" for token in missing]


def _attribution_problems(named: set[str], cited: Sequence[_IndexedItem]) -> list[str]:
    problems = []
    for alias in sorted(named):
        if any(alias in item.outlets or mentions(item.lowered, alias) for item in cited):
            continue
        problems.append(f"attributed to {alias.title()}, which is not among the cited sources")
    return problems


def _negation_problem(stems: set[str], claim_negations: int, cited: Sequence[_IndexedItem],
                      config: CheckConfig) -> str | None:
    if len(stems) < 3:
        return None
    best: _Sentence | None = None
    best_jaccard = 0.0
    for item in cited:
        for sentence in item.sentences:
            union = len(stems | sentence.stems)
            jaccard = len(stems & sentence.stems) / union if union else 0.0
            if jaccard > best_jaccard:
                best, best_jaccard = sentence, jaccard
    # Aligned both ways: the claim restates this sentence or clause, not a few of its names.
    if best is None:
        return None
    if min(overlap(stems, set(best.stems)), overlap(best.stems, stems)) < config.negation_alignment:
        return None
    if claim_negations != best.negations_around(stems):
        return "negation differs from the cited evidence it restates"
    return None


def check_claim(text: str, evidence_ids: Sequence[int], index: EvidenceIndex, location: str = "",
                config: CheckConfig | None = None) -> ClaimCheck:
    config = config or CheckConfig()
    result = ClaimCheck(location=location, text=text, evidence_ids=list(evidence_ids))
    unknown = [i for i in evidence_ids if i not in index.items]
    if unknown:
        result.problems.append(f"cites evidence that does not exist: {unknown}")
    cited = [index.items[i] for i in dict.fromkeys(evidence_ids) if i in index.items]
    if not cited:
        if not unknown:
            result.problems.append("cites no evidence")
        return result
    result.problems += _quote_problems(text, cited)
    named_outlets = index.outlets_named(text)
    result.problems += _attribution_problems(named_outlets, cited)
    # Outlet names are checked as attributions, not as facts ("Defense One" states no number,
    # "Washington Post" names no place).
    factual = without_phrases(text, named_outlets | {a for item in cited for a in item.outlets})
    result.problems += _number_problems(factual, cited)
    result.problems += _date_problems(factual, cited)
    result.problems += _name_problems(factual, cited)
    stems = content_stems(factual)
    negation = _negation_problem(stems, negations(factual), cited, config)
    if negation:
        result.problems.append(negation)
    support = overlap(stems, set().union(*(item.content for item in cited)))
    if support < config.min_overlap:
        result.problems.append(f"only {support:.0%} of its words appear in the cited evidence")
    return result


def check_not_specified(text: str, index: EvidenceIndex, location: str) -> ClaimCheck:
    """A 'Coverage does not yet specify ...' answer: no numbers or quotes, names from the evidence."""
    result = ClaimCheck(location=location, text=text, evidence_ids=[], factual=False)
    if quotes(text):
        result.problems.append("an unanswered question must not quote anything")
    if numbers(text):
        result.problems.append("an unanswered question must not state numbers")
    known = set().union(*(item.stems for item in index.items.values())) if index.items else set()
    for token in name_tokens(text):
        if fold(token) not in known:
            result.problems.append(f"name not in the evidence: {token}")
    return result


def split_claims(draft: BriefDraft) -> BriefDraft:
    """One claim per sentence: a claim holding two sentences becomes two claims, same citations.

    The checks and the supported percentage then count sentences, whatever the generator did.
    """
    paragraphs = []
    for paragraph in draft.paragraphs:
        claims = [Claim(text=sentence, evidence_ids=claim.evidence_ids)
                  for claim in paragraph.claims for sentence in (split_sentences(claim.text) or [claim.text])]
        paragraphs.append(paragraph.model_copy(update={"claims": claims}))
    return draft.model_copy(update={"paragraphs": paragraphs})


def check_draft(draft: BriefDraft, index: EvidenceIndex,
                config: CheckConfig | None = None) -> list[ClaimCheck]:
    """Every claim of a draft, in order: paragraph claims, then quick answers."""
    checks: list[ClaimCheck] = []
    for paragraph in draft.paragraphs:
        for claim in paragraph.claims:
            checks.append(check_claim(claim.text, claim.evidence_ids, index, paragraph.kind, config))
    for number, answer in enumerate(draft.quick_answers, start=1):
        location = f"quick_answer:{number}"
        if answer.specified:
            checks.append(check_claim(answer.answer, answer.evidence_ids, index, location, config))
        else:
            checks.append(check_not_specified(answer.answer, index, location))
    return checks
