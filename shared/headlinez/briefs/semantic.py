"""What the literal checks cannot see: paraphrase (issue 14).

Pure functions, no model, no I/O. They let the fact-check accept a claim that restates its
evidence in other words, and nothing more:

- `canonical_numbers`: one written form for the numbers of a text ("2 200" -> "2,200",
  "one and a half million" -> "1.5 million", "22 1/2" -> "22.5", "15th" -> "15", "a fifth" -> "20%",
  "Q2" -> "second quarter"), applied to claim and evidence alike;
- `number_supported`: a claimed value is stated by the evidence, or is a natural rounding of a
  stated value ("about 11,000" for 11,300 is not; "roughly 33%" for 32% is; "675,000" for 671,000 is not);
- `lemma`, `concepts`: irregular forms and a small news-domain synonym table, so that "rose"
  meets "rising" and "prohibits" meets "bans";
- `near_verbatim`: a quote may differ from its source by one token (a spelling variant such as
  honor/honour, or one inserted or dropped word); anything more is not a quote of it;
- `name_aliases`, `acronyms`: "U.S." is "America", "Va." is "Virginia", "USPP" is "U.S. Park Police".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from headlinez import data as lexicon
from headlinez.domain.terms import stem

_IRREGULAR = lexicon.string_map("irregular_forms")
# Words of one meaning in news copy. Deliberately small: each group must be safe in both directions.
_SYNONYMS: tuple[tuple[str, ...], ...] = tuple(  # one group per line of the data file
    tuple(group.split()) for group in lexicon.entries("brief_synonyms")
)
# Hedges and connectives: they change no fact a checker can verify on its own.
HEDGES = lexicon.word_set("brief_hedges")
_STATES = lexicon.string_map("us_state_abbreviations")
_NAME_ALIASES: dict[str, tuple[str, ...]] = {
    "us": ("america", "american", "united", "us", "usa", "nation"),
    "usa": ("america", "american", "united", "us"),
    "america": ("us", "united", "american"),
    "american": ("us", "america", "united"),
    "uk": ("britain", "british", "united", "kingdom", "england"),
    "britain": ("uk", "british", "kingdom"),
    "covid": ("coronavirus", "covid-19", "virus", "pandemic"),
    "covid-19": ("coronavirus", "covid", "virus", "pandemic"),
    "coronavirus": ("covid", "covid-19"),
    "gop": ("republican",),
    "republican": ("gop",),
    "eu": ("european",),
    "dc": ("washington",),
    "fbi": ("bureau",),
}


def _fold(word: str) -> str:
    return stem(word.lower().replace(".", "").replace("'", ""))


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """A word's dictionary form, as far as a rule can tell: irregular forms, -ly adverbs, stems."""
    lower = word.lower().strip(".'")
    if lower.endswith("'s"):
        lower = lower[:-2]
    lower = _IRREGULAR.get(lower, lower)
    if len(lower) > 6 and lower.endswith("ly") and not lower.endswith(("ply", "ally")):
        lower = lower[:-2]
    return _fold(lower)


def _groups() -> dict[str, frozenset[int]]:
    index: dict[str, set[int]] = {}
    for number, group in enumerate(_SYNONYMS):
        for word in group:
            index.setdefault(lemma(word), set()).add(number)
    return {key: frozenset(value) for key, value in index.items()}


_GROUP_OF = _groups()


def concepts(word_stem: str) -> frozenset[str]:
    """The concepts a folded word stands for: its lemma and its synonym groups."""
    base = lemma(word_stem)
    groups = _GROUP_OF.get(base, frozenset()) | _GROUP_OF.get(word_stem, frozenset())
    return frozenset({base, word_stem, *(f"#{g}" for g in groups)})


def concept_set(stems: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for item in stems:
        found |= concepts(item)
    return frozenset(found)


# --- numbers -------------------------------------------------------------------------------------

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10}
_FRACTIONS = {"half": 50, "third": 33, "quarter": 25, "fourth": 25, "fifth": 20, "tenth": 10}
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})(?: (\d{3}))+(?![\d,.])")
_AND_A_HALF = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+) and a half\b",
                         re.IGNORECASE)
_MIXED_HALF = re.compile(r"\b(\d+) ?(?:1/2|\u00bd)")
_ORDINAL_SUFFIX = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_FRACTION = re.compile(
    r"\b(?:(a|one|two|three)[ -])?(half|third|quarter|fourth|fifth|tenth)s?\b(?! of the way)", re.IGNORECASE)
_QUARTER = re.compile(r"\bQ([1-4])\b")
_QUARTER_NAMES = {"1": "first", "2": "second", "3": "third", "4": "fourth"}


def _fraction(match: re.Match[str]) -> str:
    count, part = (match.group(1) or "").lower(), match.group(2).lower()
    if not count:
        return match.group(0)  # "the third", "quarter" alone: not a fraction
    multiple = 1 if count in {"a", "one"} else _UNITS.get(count, 1)
    percent = _FRACTIONS[part] * multiple
    if part == "third" and multiple == 2:
        percent = 67
    return f"{percent}%"


@lru_cache(maxsize=65536)
def canonical_numbers(text: str) -> str:
    """One written form for the numbers of a text (see the module docstring)."""
    text = _SPACED_THOUSANDS.sub(lambda m: m.group(0).replace(" ", ","), text)
    text = _AND_A_HALF.sub(lambda m: f"{_UNITS.get(m.group(1).lower(), m.group(1))}.5", text)
    text = _MIXED_HALF.sub(lambda m: f"{m.group(1)}.5", text)
    text = _ORDINAL_SUFFIX.sub(r"\1", text)
    text = _QUARTER.sub(lambda m: f"{_QUARTER_NAMES[m.group(1)]} quarter", text)
    return _FRACTION.sub(_fraction, text)


def _significant_digits(value: float) -> int:
    digits = f"{abs(value):.6g}".replace(".", "").lstrip("0").rstrip("0")
    return max(1, len(digits))


def _round_half_up(value: float, places: int) -> float:
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def _both_years(first: float, second: float) -> bool:
    return all(number.is_integer() and 1900 <= number < 2100 for number in (first, second))


def number_supported(value: float, stated: Iterable[float], hedge: str = "") -> bool:
    """Is `value` stated, or a natural rounding of a stated value?

    Natural rounding: the claim's number has two significant digits and the stated
    value rounds to it at that precision (11,300 -> 11,000; 671,000 -> 670,000, never 675,000);
    with a hedge a round number within 5% of a stated one also counts, in the hedge's
    direction: "about"/"roughly" either way (32% -> "roughly one-third"), "more than"/"over"/
    "at least" only below the stated value, "nearly"/"almost"/"under" only above it.
    A year is never rounded: 2030 does not restate 2031 (both whole numbers in 1900-2099).
    """
    for other in stated:
        if value == other:
            return True
        if other == 0 or _significant_digits(value) != 2:
            continue  # a one-digit rounding (8.5 -> 9, 48 -> 50) is too coarse to be a restatement
        digits = _significant_digits(value)
        magnitude = len(str(int(abs(other)))) if abs(other) >= 1 else 1
        if _round_half_up(other, digits - magnitude) == value and not _both_years(value, other):
            return True
        direction_ok = (hedge == "about" or (hedge == "above" and other >= value)
                        or (hedge == "below" and other <= value))
        if hedge and direction_ok and abs(value - other) / abs(other) < 0.05:
            return True
    return False


# --- quotes --------------------------------------------------------------------------------------


def _close(a: str, b: str) -> bool:
    if a == b or _fold(a) == _fold(b):
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    return _edit_distance(a, b) <= 1


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


_FUNCTION_WORDS = lexicon.word_set("brief_function_words")

def near_verbatim(quote: Sequence[str], evidence: Sequence[str]) -> bool:
    """Does the token sequence `quote` occur in `evidence` with at most one token edit?

    Tokens are compared case-folded; a token may differ by one character (honor/honour) without
    counting as an edit. One inserted or dropped function word ("that are not" for "that not") is
    allowed when the quote has at least 6 tokens; a changed content word never is.
    """
    size = len(quote)
    if size == 0:
        return True
    allowed = 1 if size >= 6 else 0
    for start in range(len(evidence)):
        if not (_close(quote[0], evidence[start]) or (allowed and size > 1 and start + 1 < len(evidence)
                                                       and _close(quote[1], evidence[start]))):
            continue
        window = evidence[start:start + size + allowed]
        if _aligned(quote, window, allowed):
            return True
    return False


def _aligned(quote: Sequence[str], window: Sequence[str], allowed: int) -> bool:
    """Edit distance (insert, delete, substitute) between the quote and a prefix of the window."""
    never = allowed + 1

    def gap(token: str) -> int:
        return 1 if token.lower() in _FUNCTION_WORDS else never

    previous = [0]
    for other in window:
        previous.append(previous[-1] + gap(other))
    for token in quote:
        current = [previous[0] + gap(token)]
        for j, other in enumerate(window, 1):
            current.append(min(previous[j] + gap(token), current[j - 1] + gap(other),
                               previous[j - 1] + (0 if _close(token, other) else never)))
        previous = current
    return min(previous) <= allowed


# --- names ---------------------------------------------------------------------------------------


def name_aliases(folded: str) -> tuple[str, ...]:
    """Other folded words that name the same thing (U.S. -> america ...; Va -> virginia)."""
    state = _STATES.get(folded)
    return (*_NAME_ALIASES.get(folded, ()), *((state,) if state else ()))


def acronyms(runs: Iterable[str]) -> set[str]:
    """Initials of capitalized runs ('U.S. Park Police' -> 'uspp', 'Affordable Care Act' -> 'aca')."""
    found: set[str] = set()
    for run in runs:
        letters = []
        for word in run.split():
            if word.lower() in {"of", "for", "and", "the", "de", "al"}:
                continue
            if "." in word and word.replace(".", "").isalpha() and word.replace(".", "").isupper():
                letters.append(word.replace(".", "").lower())
            elif word[:1].isalpha():
                letters.append(word[0].lower())
        if len(letters) >= 2:
            found.add("".join(letters))
    return found
