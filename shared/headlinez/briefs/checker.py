"""The deterministic fact-check: what a claim states must be stated by the evidence it cites.

For every claim (a sentence of a paragraph, or an answered quick answer; a quick answer's question
may name only what the evidence names, `question_problems`):

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

The checks are literal where literal is right (a quote, a number, a date, a name, an outlet)
and judge meaning where a paraphrase is expected (issue 14, `headlinez.briefs.semantic`): numbers
are compared in one written form and may be naturally rounded, a quote may differ from its source
by one token, a name may be written as its alias or acronym, and content words meet their lemmas
and synonyms. Every claim that passes is marked by how: `literal` (its words are the evidence's)
or `semantic` (it needed a lemma, a synonym, a rounding, an alias). A claim that passes every
check but still brings a few content words the evidence does not have is `undecided`: the Claude
verifier, when configured, sees only those; without it, `CheckConfig.undecided` decides.
A claim whose names the cited items state only apart (never together in one sentence, or never
with what the claim says of them) is `names_apart`: its words may all be there while the relation
it draws is not, so it is never `literal`, and it goes to the verifier like an undecided claim.
They never call anything: the offline engine and the benchmark use them as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from headlinez import data as lexicon
from headlinez.briefs.models import (
    MAX_CLAIMS_PER_PARAGRAPH,
    NOT_SPECIFIED_PREFIX,
    BriefDraft,
    Claim,
    EvidenceItem,
)
from headlinez.briefs.semantic import (
    HEDGES,
    acronyms,
    canonical_numbers,
    concept_set,
    concepts,
    name_aliases,
    near_verbatim,
    number_supported,
)
from headlinez.briefs.text import (
    MONTHS,
    NEGATIONS,
    SCALE_WORDS,
    STOPWORDS,
    WEEKDAYS,
    comparable,
    content_stems,
    date_contexts,
    date_words,
    fold,
    mentions,
    name_sequences,
    name_tokens,
    negations,
    normalize,
    number_contexts,
    numbers,
    outlet_aliases,
    overlap,
    own_punctuation,
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
    """Share of a claim's content words (literal, lemma or synonym) the evidence must have."""
    verifiable_overlap: float = 0.2
    """Below this share the removal is final: the verifier never sees the claim (a model verdict
    could otherwise keep a sentence with nothing in common with its evidence). On the labeled
    AllSides paraphrases no supported sentence is below it (benchmarks/paraphrase_bench.py)."""
    negation_alignment: float = 0.6
    remove_unmatched: int = 4
    """A claim with this many content words that the evidence has in no form is removed."""
    undecided: str = "keep"
    """Without a verifier, a claim with 1 .. remove_unmatched-1 such words is kept ('keep') or removed."""
    name_context_overlap: float = 0.3
    """Share of a claim's other content words the cited sentences naming a person or place must
    hold, else the claim goes to the verifier (`names_apart`). Chosen on the AllSides paraphrases
    and their in-story name swaps (benchmarks/paraphrase_bench.py): 2 of 86 supported sentences
    below it, 30 of the 85 swaps the rules kept before."""


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
    """(value, the word it counts or dates): what a changed number is compared with."""
    number_windows: frozenset[tuple[float, str]]
    """(value, a content word near it, by form and meaning): what a restated number may pair with."""
    date_contexts: frozenset[tuple[str, str]]
    scales: frozenset[str]
    dates: frozenset[str]
    outlets: frozenset[str]
    sentences: tuple[_Sentence, ...]
    concepts: frozenset[str]
    tokens: tuple[str, ...]
    """Lower-cased words of the comparable text, in order (for near-verbatim quotes)."""
    lower_words: frozenset[str]
    """Words the text writes in lower case (a capitalized sentence starter is one of them)."""
    capitalized: frozenset[str]
    """Folded words the text writes capitalized somewhere (a name, a title word, a sentence start)."""
    acronyms: frozenset[str]
    expected_numbers: frozenset[float] = frozenset()
    """Numbers this item states only in expectations ("analysts were expecting 8.5% growth")."""
    sentence_words: tuple[frozenset[str], ...] = ()
    """Folded words of each whole sentence (the title is one): which names it states together."""


_CLAUSE_BREAK = re.compile(r"[;:]\s+|,?\s+(?:but|while|whereas|although|though)\s+", re.IGNORECASE)


def _units(sentence: str) -> list[str]:
    """A sentence and, if it has several, its clauses: a claim may restate only one clause."""
    clauses = [c for c in _CLAUSE_BREAK.split(sentence) if c and c.strip()]
    return [sentence, *clauses] if len(clauses) > 1 else [sentence]


_NAME_DIGITS = re.compile(r"\b([^\W\d_]{2,})-\d+\b")
_BARE_ONE = re.compile(r"\b[Oo]ne\b(?![ -](?:hundred|thousand|million|billion|trillion|percent|half|"
                       r"third|quarter|fifth|tenth)s?\b)")


def numeric_text(text: str) -> str:
    """The text the number checks read: one written form, digits of names (COVID-19) and the
    pronoun 'one' ("voting for one") left out."""
    return _BARE_ONE.sub("a", _NAME_DIGITS.sub(r"\1", canonical_numbers(normalize(text))))


def _window_contexts(text: str) -> set[tuple[float, str]]:
    """(value, word) for the content words up to three words before each number too
    ('death toll rises to 117' pairs 117 with death and toll), besides `number_contexts`."""
    pairs = set(number_contexts(text))
    tokens = words(text)
    for position, token in enumerate(tokens):
        if not token[0].isdigit():
            continue
        value = numbers(token)
        following = tokens[position + 1].lower() if position + 1 < len(tokens) else ""
        if following in MONTHS:
            pairs |= {(v, f"m:{following}") for v in value}  # "24 April 1915" states April 24
        for before in reversed(tokens[max(0, position - 4):position]):
            lower = before.lower()
            if before[0].isdigit() or lower in {"and", "or", "but"}:
                break  # "3 days and 5 unions": 5 does not count days
            if lower not in STOPWORDS:
                pairs |= {(v, fold(before)) for v in value}
                pairs |= {(v, lemma_of) for v in value for lemma_of in concepts(fold(before))}
    return pairs


def _index_item(item: EvidenceItem) -> _IndexedItem:
    text = item.text
    sentences = [item.title, *split_sentences(item.snippet)]
    numeric = numeric_text(text)
    content = frozenset(content_stems(text))
    return _IndexedItem(
        item=item,
        lowered=normalize(text).lower(),
        comparable_lower=comparable(text).lower(),
        stems=frozenset(word_stems(text)),
        content=content,
        numbers=frozenset(numbers(numeric)),
        number_contexts=frozenset(number_contexts(numeric)),
        number_windows=frozenset(_window_contexts(numeric)),
        date_contexts=frozenset(date_contexts(text)),
        scales=frozenset(scale_words(numeric)),
        dates=frozenset(date_words(text)),
        outlets=outlet_aliases(item.outlet),
        sentences=tuple(_sentence(unit) for s in sentences if s for unit in _units(s)),
        concepts=concept_set(content | frozenset(word_stems(text))),
        tokens=tuple(w.lower() for w in words(comparable(text))),
        lower_words=frozenset(w for w in words(text) if w.islower()),
        capitalized=frozenset(fold(w) for w in words(text) if w[0].isupper()),
        acronyms=frozenset(acronyms(name_sequences(text)) | acronyms(name_sequences(item.title))),
        expected_numbers=frozenset(_expected_only_numbers(sentences)),
        sentence_words=tuple(frozenset(word_stems(s)) for s in sentences if s),
    )


# Words that make a number an expectation, not an outcome ("analysts expected 8.5% growth"), and
# the claim's words that keep it one ("is expected to", "aims at", "would", "plans").
# ("an estimated 100", "the winning goal", "40 projects", "targeted 12 sites" state facts;
# "as expected" and "than expected" report an outcome.)
_EXPECTATION = re.compile(r"\b(?:expect(?:s|ed|ing|ation|ations)?|forecast\w*|projected|projections?|"
                          r"predict\w*|targets?|targeting|consensus|anticipat\w*)\b", re.IGNORECASE)
_OUTCOME_PHRASE = re.compile(r"\b(?:as|than)\s+(?:was\s+|had\s+been\s+)?(?:expected|forecast|predicted|"
                             r"anticipated|projected)\b", re.IGNORECASE)
# (The modals in lower case only: "In May, the economy grew 8.5%" states an outcome.)
_NOT_YET = re.compile(r"\b(?:expect\w*|forecast\w*|project\w*|predict\w*|goal|target\w*|aim\w*|"
                      r"hope\w*|plan\w*|propos\w*|seek\w*|want\w*|(?-i:would|could|may|might|will|"
                      r"shall)|to be|estimate\w*|anticipat\w*|consensus|likely|poised|set to|on track|"
                      r"outlook|guidance)\b", re.IGNORECASE)


_EXPECTATION_WINDOW = 6


def _expected_only_numbers(sentences: Sequence[str]) -> set[float]:
    """Numbers that follow an expectation word closely ("were expecting 8.5% growth", "a target
    of 40%") wherever the item states them; "rose 5%, beating expectations" is an outcome."""
    expected: set[float] = set()
    outcome: set[float] = set()
    for sentence in sentences:
        tokens = words(numeric_text(sentence)) if sentence else []
        for position, token in enumerate(tokens):
            if not token[0].isdigit():
                continue
            window = " ".join(tokens[max(0, position - _EXPECTATION_WINDOW):position])
            before = _OUTCOME_PHRASE.sub(" ", window)
            (expected if _EXPECTATION.search(before) else outcome).update(numbers(token))
    return expected - outcome


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
    method: str = "literal"
    """How a passing claim was found supported: 'literal', 'semantic' (or 'model', by the verifier)."""
    undecided: list[str] = field(default_factory=list)
    """Content words the evidence has in no form, when too few to remove the claim."""
    wording_only: bool = False
    """Removed only for its wording (too many words the evidence has in no form), with every
    number, name, quote, date and attribution found: paraphrase or invention, the rules cannot
    tell, so a verifier (when there is one) judges it instead of the removal standing."""
    paraphrase: list[str] = field(default_factory=list)
    """What the semantic layer had to accept (a lemma, a synonym, a rounding, an alias)."""
    names_apart: list[str] = field(default_factory=list)
    """Names the cited evidence states, but never together (no sentence holds them all) or never
    with what the claim says of them: the claim may join people or places the sources never
    connect ("X sanctioned Y" from "X met Z" and "Y was sanctioned"), though every word of it is
    in the evidence."""

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def needs_verifier(self) -> bool:
        """Kept, but not decided by the rules: what the verifier sees (services.briefs)."""
        return bool(self.undecided or self.names_apart)


def _quote_problems(claim: str, cited: Sequence[_IndexedItem], notes: list[str]) -> list[str]:
    problems = []
    for quote in quotes(claim):
        fragments = [comparable(f).lower() for f in quote_fragments(quote)]
        if any(all(fragment in item.comparable_lower for fragment in fragments) for item in cited):
            continue
        pieces = [tuple(w.lower() for w in words(f)) for f in fragments]
        if any(all(near_verbatim(piece, item.tokens) for piece in pieces) for item in cited):
            notes.append(f'quote near-verbatim: "{quote}"')
            continue
        problems.append(f'quote not found verbatim in the cited evidence: "{quote}"')
    return problems


_HEDGE_BEFORE = {"about": "about", "around": "about", "roughly": "about", "approximately": "about",
                 "some": "about", "estimated": "about", "nearly": "below", "almost": "below",
                 "under": "below", "less": "below", "over": "above", "more": "above", "least": "above"}


def _hedged_values(text: str) -> dict[float, str]:
    """Numbers written with a hedge, and its direction ('about', 'above': "more than 40")."""
    tokens = words(text)
    hedged: dict[float, str] = {}
    for position, token in enumerate(tokens):
        if not (position and token[0].isdigit()):
            continue
        for before in tokens[max(0, position - 2):position]:
            direction = _HEDGE_BEFORE.get(before.lower())
            if direction:
                hedged |= dict.fromkeys(numbers(token), direction)
    return hedged


def _number_problems(factual: str, cited: Sequence[_IndexedItem], notes: list[str]) -> list[str]:
    problems = []
    text = numeric_text(factual)
    stated = set().union(*(item.numbers for item in cited))
    hedged = _hedged_values(text)
    claimed = numbers(text)
    for value in sorted(claimed - stated):
        if number_supported(value, stated, hedged.get(value, "")):
            notes.append(f"number {value:g} rounds a stated one")
            continue
        problems.append(f"number not in the cited evidence: {value:g}")
    contexts = set().union(*(item.number_contexts for item in cited))
    windows = set().union(*(item.number_windows for item in cited))
    known_words = set().union(*(item.concepts for item in cited))
    for value, counted in sorted(number_contexts(text) - contexts):
        word = counted if counted.startswith("m:") else counted.split("-")[0]  # "17-year-old"
        if value not in stated or (value, word) in contexts:
            continue  # already reported, or a rounding
        if any((value, c) in windows for c in concepts(word)):
            continue
        others = sorted({v for v, w in contexts if w == word and v != value})
        shown = word.removeprefix("m:")
        if others:
            problems.append(f"number changed: {value:g} with '{shown}', the cited evidence says "
                            + ", ".join(f"{v:g}" for v in others[:3]))
        elif (not word.startswith("m:") and not 1900 <= value <= 2100 and not concepts(word) & known_words
              and word not in SCALE_WORDS):
            problems.append(f"'{value:g} {shown}' is not in the cited evidence")
    problems += _moved_numbers(text, stated, windows, problems)
    if not _NOT_YET.search(factual):
        # A number every cited item gives only as an expectation, stated here as what happened
        outcomes = set().union(*(item.numbers - item.expected_numbers for item in cited))
        expected = set().union(*(item.expected_numbers for item in cited)) - outcomes
        for value in sorted(claimed & expected):
            if not _is_year(value):
                problems.append(f"number {value:g} is only an expectation in the cited evidence")
    for word in sorted(scale_words(text) - set().union(*(item.scales for item in cited))):
        problems.append(f"number scale not in the cited evidence: {word}")
    return problems


def _is_year(value: float) -> bool:
    return value.is_integer() and 1900 <= value < 2100


def _moved_numbers(text: str, stated: set[float], windows: set[tuple[float, str]],
                   reported: list[str]) -> list[str]:
    """A stated year put on another fact of the evidence: "by 2030" where the evidence says
    "$8.2 trillion by 2031" and mentions 2030 only for the deficit. The claim's words around the
    year (the three before it and the one after) never meet it in the evidence, and they do meet
    another year there. Years only: for counts and amounts the same rule also removed true
    paraphrase on the labeled set ("fell from 6.1% to 5.8%"), see docs/benchmarks.md."""
    near: dict[float, set[str]] = {}
    for value, word in _window_contexts(text):
        if value in stated and _is_year(value) and not word.startswith("m:"):
            near.setdefault(value, set()).add(word)
    problems = []
    for value, near_words in sorted(near.items()):
        if any(f"{value:g}" in problem for problem in reported):
            continue
        if any((value, word) in windows for word in near_words):
            continue  # the evidence states this number with one of these words
        others = sorted({other for other, word in windows
                         if word in near_words and other != value and _is_year(other)})
        if others:
            problems.append(f"year moved: {value:g} is stated for something else; with these words "
                            f"the cited evidence says " + ", ".join(f"{v:g}" for v in others[:3]))
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


_PARTY_TAG = re.compile(r"\(([RDI])(?:-[A-Za-z. ]+)?\)|\b[RD]-[A-Z][a-z]*\.?(?=[ )])")



# Capitalized first words that are plain English, not names (besides text.py's starters).
_STARTERS = lexicon.word_set("brief_plain_starters")
_STARTER_SUFFIXES = ("ly", "ing", "ed", "ial", "ive", "ous", "ful", "able")


def _plain_starter(token: str, position: int, cited: Sequence[_IndexedItem]) -> bool:
    """A capitalized first word that is plain English ('Known as ...', 'Potential threats ...')."""
    if position != 0:
        return False
    lower = token.lower()
    plain = "-" not in token and (lower in HEDGES or lower in _STARTERS
                                  or lower.endswith(_STARTER_SUFFIXES))
    return plain or any(lower in item.lower_words for item in cited)


def _name_known(token: str, position: int, known: set[str], cited: Sequence[_IndexedItem],
                notes: list[str]) -> bool:
    folded = fold(token)
    parts = [p for p in token.split("-") if p]
    checked = [p for p in parts if p[0].isupper() and len(p) > 1 and not p[0].isdigit()]
    if (folded in known or len(token.replace(".", "")) == 1  # an initial, a party letter
            or (len(parts) > 1 and all(fold(p) in known or _alias_known(fold(p), known) for p in checked))
            or _plain_starter(token, position, cited)):
        return True  # "Republican-controlled": the name part is known; the rest is a plain word
    if _alias_known(folded, known):
        notes.append(f"name {token} by its alias")
        return True
    if any(folded.replace("-", "") in item.acronyms for item in cited):
        notes.append(f"name {token} as an acronym")
        return True
    return False


_TITLE_WORDS = lexicon.word_set("brief_person_titles") | lexicon.word_set("person_titles")


def _other_given_name(given: str, surname: str, cited: Sequence[_IndexedItem]) -> bool:
    """The evidence writes another given name before this surname ("Ron DeSantis" against the
    claim's "Poston DeSantis"): the claim's given name is not the person's."""
    pattern = re.compile(rf"\b([A-Z][^\W\d_]+)\.? {re.escape(surname)}\b")
    for item in cited:
        for match in pattern.finditer(normalize(item.item.text)):
            other = match.group(1)
            if other != given and other.lower() not in _TITLE_WORDS and other.lower() not in STOPWORDS:
                return True
    return False


def _common_word_only(token: str, cited: Sequence[_IndexedItem]) -> bool:
    """A capitalized word of the claim that the evidence writes only in lower case."""
    if token.isupper() or "-" in token or "." in token:
        return False
    folded = fold(token)
    return (not any(folded in item.capitalized for item in cited)
            and any(token.lower() in item.lower_words for item in cited))


def _alias_known(folded: str, known: set[str]) -> bool:
    return any(alias in known for alias in name_aliases(folded))


def _quoted_stems(text: str) -> set[str]:
    """The words inside the text's quotes (a quote is checked verbatim, not as names)."""
    quoted = " ".join(quotes(text))
    return word_stems(quoted) if quoted else set()


def _name_problems(factual: str, cited: Sequence[_IndexedItem], notes: list[str]) -> list[str]:
    text = _PARTY_TAG.sub(" ", normalize(factual))
    quoted_stems = _quoted_stems(text)
    known = set().union(*(item.stems for item in cited))
    missing: list[str] = []
    tokens = name_tokens(text)
    sentence_words = words(text)
    first = sentence_words[0] if sentence_words else ""
    for number, token in enumerate(tokens):
        if fold(token) in quoted_stems:
            continue
        position = 0 if token == first and number == 0 else 1
        following = tokens[number + 1] if number + 1 < len(tokens) else ""
        if _name_known(token, position, known, cited, notes):
            if position and following and f"{token} {following}" in text and _common_word_only(token, cited):
                # "the Federal Stability Oversight Council" where the evidence names the Financial
                # one and says "federal" only as a word: a name's first words are not plain words
                # (its last one may be: "Republican Party", "G-7 Summit")
                missing.append(token)
            continue
        if (following and fold(following) in known and f"{token} {following}" in text
                and not _common_word_only(following, cited)
                and not _other_given_name(token, following, cited)):
            notes.append(f"given name {token} of a named person")
            continue  # "Joe Biden" where the evidence says "President Biden"
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


def _coverage(stems: set[str], cited: Sequence[_IndexedItem]) -> tuple[float, list[str], list[str]]:
    """Share of content words the evidence has (literally, or as a lemma or synonym), the words
    matched only by meaning, and the words it has in no form (hedges are not counted)."""
    counted = {s for s in stems if s not in HEDGES}
    literal = set().union(*(item.content for item in cited)) | set().union(*(item.stems for item in cited))
    meaning = set().union(*(item.concepts for item in cited))
    by_meaning = sorted(s for s in counted if s not in literal and concepts(s) & meaning)
    unmatched = sorted(s for s in counted if s not in literal and not concepts(s) & meaning)
    share = 1.0 - len(unmatched) / len(counted) if counted else 1.0
    return share, by_meaning, unmatched


def _names_apart(factual: str, cited: Sequence[_IndexedItem], config: CheckConfig) -> list[str]:
    """The claim's names (runs such as "Joe Biden", each met by any of its words) that the cited
    evidence states, but not with each other (no cited sentence holds them all) or not with what
    the claim says of them (the cited sentences naming one hold under `name_context_overlap` of
    the claim's other content words). Names written only as an alias or acronym, or inside a
    quote, are left out: the name and quote checks cover them."""
    text = normalize(factual)
    quoted_stems = _quoted_stems(text)
    known = set().union(*(item.stems for item in cited))
    names: dict[str, frozenset[str]] = {}
    for name in name_sequences(text):
        parts = frozenset(fold(w) for w in name.split()
                          if w[0].isupper() and w.lower().rstrip(".") not in _TITLE_WORDS)
        parts = frozenset(p for p in parts if p in known and p not in quoted_stems)
        if parts and not any(parts & other for other in names.values()):
            names[name] = parts
    if not names:
        return []
    sentences = [sentence for item in cited for sentence in item.sentence_words]
    together = len(names) < 2 or any(all(parts & sentence for parts in names.values())
                                     for sentence in sentences)
    said = content_stems(text) - set().union(*names.values())
    out_of_context = []
    for name, parts in names.items():
        context = set().union(*(sentence for sentence in sentences if parts & sentence))
        if said and len(said & context) / len(said) < config.name_context_overlap:
            out_of_context.append(name)
    return list(names) if not together else out_of_context


def _without_case(word: str) -> bool:
    """Whether a word is written in a script without capital letters (a letter with no other case)."""
    return any(ch.isalpha() and ch.lower() == ch.upper() for ch in word)


def _judge_meaning(result: ClaimCheck, stems: set[str], cited: Sequence[_IndexedItem],
                   config: CheckConfig, notes: list[str]) -> None:
    support, by_meaning, unmatched = _coverage(stems, cited)
    if support < config.min_overlap:
        result.problems.append(f"only {support:.0%} of its words appear in the cited evidence")
        result.wording_only = support >= config.verifiable_overlap
        return
    if len(unmatched) >= config.remove_unmatched:
        result.problems.append(f"{len(unmatched)} of its words are in no form in the cited evidence: "
                               + ", ".join(unmatched[:6]))
        result.wording_only = True
        return
    if by_meaning:
        notes.append("same meaning: " + ", ".join(by_meaning[:6]))
    uncased = [word for word in unmatched if _without_case(word)]
    if uncased:
        # Names are found by their capitals; Devanagari, Arabic, Hebrew, Chinese or Thai have none,
        # so a word of theirs that the evidence lacks may be a swapped name or place ("राहुल गांधी"
        # for "नरेंद्र मोदी"): removed unless the verifier, which reads the script, says it is stated.
        result.problems.append("not in the cited evidence, in a script without capitals (it may be a "
                               "name): " + ", ".join(uncased[:6]))
        result.wording_only = True
        return
    if unmatched:
        result.undecided = unmatched
        if config.undecided == "remove":
            result.problems.append("not stated by the cited evidence: " + ", ".join(unmatched))
            result.wording_only = True


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
    notes: list[str] = []
    result.problems += _quote_problems(text, cited, notes)
    named_outlets = index.outlets_named(text)
    result.problems += _attribution_problems(named_outlets, cited)
    # Outlet names are checked as attributions, not as facts ("Defense One" states no number,
    # "Washington Post" names no place).
    factual = without_phrases(text, named_outlets | {a for item in cited for a in item.outlets})
    result.problems += _number_problems(factual, cited, notes)
    result.problems += _date_problems(factual, cited)
    result.problems += _name_problems(factual, cited, notes)
    stems = content_stems(factual)
    negation = _negation_problem(stems, negations(factual), cited, config)
    if negation:
        result.problems.append(negation)
    if not result.problems:
        _judge_meaning(result, stems, cited, config, notes)
    if not result.problems:
        result.names_apart = _names_apart(factual, cited, config)
        if result.names_apart and config.undecided == "remove":
            result.problems.append("the cited evidence never connects these as the claim does: "
                                   + ", ".join(result.names_apart))
            result.wording_only = True
    result.paraphrase = notes
    result.method = "semantic" if notes or result.needs_verifier else "literal"
    return result


# What may follow "Coverage does not yet specify": one short phrase naming what is unknown ("what
# happens next for the Supreme Court"). A clause after it ("..., but the president has resigned")
# would be a claim that no check and no citation covers.
NOT_SPECIFIED_MAX_WORDS = 12
_MORE_THAN_A_PHRASE = re.compile(r"[,;:!]|\s[-–—]\s|\b(?:but|however|although|though|yet|while|"
                                 r"whereas|because)\b", re.IGNORECASE)


def check_not_specified(text: str, index: EvidenceIndex, location: str) -> ClaimCheck:
    """A 'Coverage does not yet specify ...' answer: that and one short phrase, no numbers or
    quotes, names from the evidence."""
    result = ClaimCheck(location=location, text=text, evidence_ids=[], factual=False)
    rest = text.strip()[len(NOT_SPECIFIED_PREFIX):].strip().rstrip(".?")
    if (len(rest.split()) > NOT_SPECIFIED_MAX_WORDS or _MORE_THAN_A_PHRASE.search(rest)
            or len(split_sentences(text)) > 1):  # "U.S." is no sentence end: the splitter knows
        result.problems.append("an unanswered question says only what is not known yet, in one phrase")
    if quotes(text):
        result.problems.append("an unanswered question must not quote anything")
    if numbers(text):
        result.problems.append("an unanswered question must not state numbers")
    known = set().union(*(item.stems for item in index.items.values())) if index.items else set()
    for token in name_tokens(text):
        if fold(token) not in known:
            result.problems.append(f"name not in the evidence: {token}")
    return result


QUESTION_PROBLEM = "question: "


def question_problems(question: str, index: EvidenceIndex) -> list[str]:
    """A quick answer's question states no fact of its own: every name and number it holds is in
    the evidence (a question that invents a person is dropped with its answer)."""
    items = list(index.items.values())
    known = set().union(*(item.stems for item in items)) if items else set()
    stated = set().union(*(item.numbers for item in items)) if items else set()
    problems = [f"{QUESTION_PROBLEM}name not in the evidence: {token}"
                for token in name_tokens(question) if fold(token) not in known]
    problems += [f"{QUESTION_PROBLEM}number not in the evidence: {value:g}"
                 for value in numbers(question) if value not in stated]
    return problems


def split_claims(draft: BriefDraft) -> BriefDraft:
    """One claim per sentence: a claim holding two sentences becomes two claims, same citations.

    The checks and the supported percentage then count sentences, whatever the generator did. A
    paragraph whose sentences would be more claims than a paragraph holds keeps its claims whole
    (split, nine claims failed the published brief's own schema after the checks).
    """
    paragraphs = []
    for paragraph in draft.paragraphs:
        claims = [Claim(text=own_punctuation(sentence), evidence_ids=claim.evidence_ids)
                  for claim in paragraph.claims for sentence in (split_sentences(claim.text) or [claim.text])]
        whole = len(claims) > MAX_CLAIMS_PER_PARAGRAPH
        paragraphs.append(paragraph.model_copy(update={"claims": paragraph.claims if whole else claims}))
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
            check = check_claim(answer.answer, answer.evidence_ids, index, location, config)
        else:
            check = check_not_specified(answer.answer, index, location)
        check.problems += question_problems(answer.question, index)
        checks.append(check)
    return checks
