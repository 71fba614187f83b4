"""Turn a headline and its snippet into weighted terms for story clustering.

Clustering compares short texts (a title and a one-paragraph snippet), so the words that decide
whether two articles tell the same story are few: names of people, places and organizations,
acronyms and figures. This module finds them cheaply, without a language model:

* a word capitalized in the middle of a sentence is an entity (``Geneva``, ``DeSantis``); at the
  start of a sentence it is one only if the text capitalizes it mid-sentence elsewhere; in a
  Title Case Headline capitals are style, so there only acronyms and numbers count (the title is
  analysed on its own, so that one title always yields the same terms);
* acronyms (``US``, ``NATO``, ``U.S.``, ``S&P``) and numbers of two digits or more are entities;
* two adjacent entity words also yield a phrase term (``jesse jackson``), which is far more
  specific than either word alone;
* other words are lowercased, stop words dropped, and a light suffix stemmer folds inflections
  (``talks``/``talked`` -> ``talk``, ``tapering``/``taper``) so that differently framed headlines
  about one event still share terms.

The output is raw term weights (title above snippet, entities boosted); inverse document frequency
is applied by the caller from its rolling corpus, because IDF must not come from one batch.
Everything here is a pure function of the text; the title-only variant is memoized because
clustering re-scores the same candidate headlines on every run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from headlinez import data as lexicon
from headlinez.domain.marks import WORD_CHARACTER

# Terms longer than this are truncated: this keeps the document-frequency table's JSON bounded
# (see DocumentFrequencies) while staying unique enough in practice.
MAX_TERM_CHARS = 20

# A word is letters, digits and combining marks ("मोदी" whole, not "म" and "द"); punctuation is
# matched one character at a time.
_SCAN = re.compile(rf"({WORD_CHARACTER}+(?:(?:['’.&\-]|(?<=\d),(?=\d)){WORD_CHARACTER}+)*)|([^\w\s])")
# Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao, Khmer,
# Myanmar): a run of them is one regex "word" of a whole clause, so it is cut into overlapping
# two-character terms, as search engines index such text without a dictionary.
UNSPACED_RUN = re.compile("([\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff"
                          "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]+)")
_BREAKS = frozenset('.!?:;"“”|–—•')
_SPLIT_INNER = re.compile(r"[.\-&]")
_VOWELS = frozenset("aeiouy")
# Title Case detection: share of long words that start with a capital, above which a headline's
# capitalization is style, not a signal.
_TITLE_CASE_SHARE = 0.6
_TITLE_CASE_MIN_LEN = 4

# Function words and news boilerplate (package data); everything else is left to IDF.
_STOPWORDS = lexicon.word_set("clustering_stopwords")


@dataclass(frozen=True, slots=True)
class TermWeighting:
    """How much each kind of occurrence weighs before IDF (all values are multipliers)."""

    title_weight: float = 2.0
    summary_weight: float = 1.0
    entity_boost: float = 1.6
    phrase_weight: float = 0.6
    max_summary_tokens: int = 60


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """Fold common English inflections of a lowercase word (a light Porter step 1).

    Deliberately crude: it must only map inflections of one word to one term, never produce
    readable output. Final ``e`` is dropped so that ``close``/``closes``/``closed``/``closing``
    meet at ``clos``.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")):
        return word[:-3] + "y" if len(word) > 4 else word[:-1]  # policies -> policy, dies -> die
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            root = word[: -len(suffix)]
            if len(root) >= 3 and not _VOWELS.isdisjoint(root):
                word = root
                if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                    word = word[:-1]
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def _clip(term: str) -> str:
    if len(term) <= MAX_TERM_CHARS and term.isascii():
        return term
    return term.encode()[:MAX_TERM_CHARS].decode(errors="ignore")


def _pieces(raw: str) -> list[str]:
    """Split one regex match into word pieces, keeping acronyms like U.S. and S&P whole."""
    word = raw
    if word.endswith(("'s", "’s", "'S", "’S")):
        word = word[:-2]
    word = word.replace("'", "").replace("’", "")
    if not word:
        return []
    if "." in word or "-" in word or "&" in word or "," in word:
        if word.replace(",", "").replace(".", "").isdigit():
            return [word.replace(",", "")]
        parts = _SPLIT_INNER.split(word)
        if "." in word and all(len(p) == 1 and p.isalpha() for p in parts):
            return ["".join(parts)]  # U.S. -> US
        if "&" in word and "-" not in word and word.replace("&", "").isupper():
            return [word]  # S&P, AT&T
        return [p for p in parts if p]
    return [word]


def character_pairs(run: str) -> list[str]:
    """The overlapping pairs of characters of a run of unspaced script ("习近平访问" -> 习近, 近平, 平访,
    访问; a run of one character is itself): how clustering, search and the brief read such text."""
    return [run] if len(run) < 3 else [run[at : at + 2] for at in range(len(run) - 1)]


def _unspaced_pieces(word: str) -> list[str]:
    """Cut a run of unspaced script into overlapping pairs of characters ("习近平访问" -> 习近,
    近平, 平访, 访问); a lone character stays one (a one-letter word: `_word_info` leaves it out),
    and what is not of such a script ("G7" of "G7峰会") is split by `_pieces` as before."""
    pieces: list[str] = []
    for index, part in enumerate(UNSPACED_RUN.split(word)):
        if not part:
            continue
        if index % 2 == 0:
            pieces.extend(_pieces(part.strip("'’.&-,")) if part.strip("'’.&-,") else [])
        else:
            pieces.extend(character_pairs(part))
    return pieces


# Per-word facts that do not depend on position: (kind, term, lowercase form). Memoized in a
# bounded dict because the same few thousand words make up most news text.
_K_SKIP, _K_NUMBER, _K_ACRONYM, _K_WORD, _K_LOWER = range(5)
_WORD_INFO: dict[str, tuple[int, str, str, bool, bool]] = {}
_WORD_INFO_LIMIT = 20_000


def _word_info(word: str) -> tuple[int, str, str, bool, bool]:
    """(kind, term, lowercase, is_entity, is_capitalized_entity) of one word piece; for
    capitalized words the two flags depend on position and are decided by the caller."""
    first = word[0]
    lower = word.lower()
    if first.isdigit():
        info = (
            (_K_NUMBER, _clip(word), word, True, False)
            if len(word) >= 2
            else (_K_SKIP, "", word, False, False)
        )
    elif len(word) >= 2 and word.isupper():
        info = (_K_ACRONYM, _clip(lower), lower, True, True)
    elif lower in _STOPWORDS or len(lower) < 2:
        info = (_K_SKIP, "", lower, False, False)
    else:
        info = (_K_WORD if first.isupper() else _K_LOWER, _clip(stem(lower)), lower, False, False)
    if len(_WORD_INFO) >= _WORD_INFO_LIMIT:
        _WORD_INFO.clear()
    _WORD_INFO[word] = info
    return info


# One piece of text: (word, at_sentence_start, joined_to_previous_word).
_Piece = tuple[str, bool, bool]


def _scan(text: str, limit: int) -> list[_Piece]:
    """Split text into word pieces, noting sentence starts and punctuation between words.

    One regex pass; punctuation is matched too so that a break (``.``, ``:``, quotes, dashes)
    marks the next word as a sentence start and any punctuation stops a proper-noun phrase.
    """
    pieces: list[_Piece] = []
    start = True
    joined = False
    # Words are short; this bound keeps a pathological 10,000-word "summary" cheap.
    for word, mark in _SCAN.findall(text[: limit * 16]):
        if mark:
            if mark in _BREAKS:
                start = True
            joined = False
            continue
        if word.isascii() and word.isalnum():
            pieces.append((word, start, joined))
        elif UNSPACED_RUN.search(word):
            # a run of Chinese is one match but many pairs: only as many as the limit leaves
            for index, piece in enumerate(_unspaced_pieces(word)[: max(limit - len(pieces), 1)]):
                pieces.append((piece, start and index == 0, joined or index > 0))
        else:
            for index, piece in enumerate(_pieces(word)):
                pieces.append((piece, start and index == 0, joined or index > 0))
        start = False
        joined = True
        if len(pieces) >= limit:
            break
    return pieces


def _is_title_case(pieces: list[_Piece]) -> bool:
    long_words = [w for w, _, _ in pieces[1:] if len(w) >= _TITLE_CASE_MIN_LEN and not w[0].isdigit()]
    if len(long_words) < 2:
        return False
    capitals = sum(1 for w in long_words if w[0].isupper())
    return capitals >= _TITLE_CASE_SHARE * len(long_words)


def _entity_names(pieces: list[_Piece]) -> set[str]:
    """Lowercase words this text capitalizes mid-sentence: evidence that they are names."""
    return {w.lower() for w, start, _ in pieces if not start and w[0].isupper()}


def _add_field(
    weights: dict[str, float],
    pieces: list[_Piece],
    names: AbstractSet[str],
    *,
    trust_case: bool,
    base: float,
    weighting: TermWeighting,
    binary: bool,
) -> None:
    """Accumulate one field's terms into `weights` (title: binary, snippet: sublinear tf)."""
    boost = weighting.entity_boost
    phrase_weight = boost * weighting.phrase_weight
    counts: dict[str, float] = {}
    previous = ""  # term of the previous word if it was a capitalized entity, else ""
    cache = _WORD_INFO
    for word, start, joined in pieces:
        info = cache.get(word)
        if info is None:
            info = _word_info(word)
        kind, term, lower, entity, capital = info
        if kind == _K_SKIP:
            previous = ""
            continue
        if kind == _K_WORD:  # capitalized: a name if capitalized mid-sentence (or known as one)
            entity = capital = lower in names or (trust_case and not start)
        weight = boost if entity else 1.0
        if binary:
            if counts.get(term, 0.0) < weight:
                counts[term] = weight
        else:
            counts[term] = counts.get(term, 0.0) + weight
        if previous and capital and joined:
            phrase = _clip(f"{previous} {term}")
            if counts.get(phrase, 0.0) < phrase_weight:
                counts[phrase] = phrase_weight
        previous = term if capital else ""
    for term, count in counts.items():
        # Sublinear term frequency: a name repeated in a snippet matters, but not linearly.
        value = boost * (1.0 + math.log(count / boost)) if not binary and count > boost else count
        weights[term] = weights.get(term, 0.0) + base * value


@lru_cache(maxsize=4096)
def _title_analysis(title: str, weighting: TermWeighting) -> tuple[dict[str, float], float, frozenset[str]]:
    """Title terms, their norm and the names the title capitalizes mid-sentence.

    A pure function of the title (no snippet context), so the same title always yields the
    same vector: clustering computes it once per article and reuses it, memoized, to re-score
    headline candidates on later runs.
    """
    pieces = _scan(title, 64)
    title_case = _is_title_case(pieces)
    names = frozenset() if title_case else frozenset(_entity_names(pieces))
    weights: dict[str, float] = {}
    _add_field(
        weights,
        pieces,
        names,
        trust_case=not title_case,
        base=weighting.title_weight,
        weighting=weighting,
        binary=True,
    )
    return weights, math.hypot(*weights.values()) if weights else 0.0, names


def article_terms(title: str, summary: str, weighting: TermWeighting) -> dict[str, float]:
    """Raw (pre-IDF) term weights of one article: title terms count once each, snippet terms
    sublinearly; entities are multiplied by `entity_boost`, phrases are extra entity terms.

    Capitalization is read where it carries information: a Title Case Headline's capitals are
    style, so its words count as entities only through acronyms and numbers; the snippet's
    mid-sentence capitals (and those of a sentence-case title) mark names throughout the snippet.
    """
    title_weights, _, title_names = _title_analysis(title, weighting)
    weights = dict(title_weights)
    if summary:
        pieces = _scan(summary, weighting.max_summary_tokens)
        _add_field(
            weights,
            pieces,
            _entity_names(pieces) | title_names,
            trust_case=True,
            base=weighting.summary_weight,
            weighting=weighting,
            binary=False,
        )
    return weights


def title_vector(title: str, weighting: TermWeighting) -> tuple[dict[str, float], float]:
    """Raw term weights of a title alone and their Euclidean norm (memoized; do not mutate)."""
    weights, norm, _ = _title_analysis(title, weighting)
    return weights, norm


@lru_cache(maxsize=8192)
def title_word_set(title: str) -> frozenset[str]:
    """Content words of a title (stemmed, stop words removed) for overlap checks."""
    words: set[str] = set()
    for word, _, _ in _scan(title, 64):
        kind, term, _, _, _ = _WORD_INFO.get(word) or _word_info(word)
        if kind != _K_SKIP:
            words.add(term)
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class TitleWord:
    """A word of a title as written, with its term (stemmed; "" for a stop word or a lone digit)."""

    text: str
    term: str
    number: bool  # digits ("2026", "G7" is a word)
    starts: bool  # first word of the title or after a break (":", a quote, a dash)
    joined: bool  # follows the previous word with no punctuation between


def title_words(title: str) -> tuple[list[TitleWord], bool]:
    """The words of a title in order, and whether the title is written in Title Case (its
    capitals are style, not names)."""
    pieces = _scan(title, 64)
    words = []
    for word, start, joined in pieces:
        kind, term, _, _, _ = _WORD_INFO.get(word) or _word_info(word)
        words.append(TitleWord(word, "" if kind == _K_SKIP else term, kind == _K_NUMBER, start, joined))
    return words, _is_title_case(pieces)


def title_overlap(first: str, second: str) -> float:
    """Jaccard overlap of two titles' content words (1.0 = same words)."""
    a = title_word_set(first)
    b = title_word_set(second)
    if not a or not b:
        return 1.0 if a == b else 0.0
    return len(a & b) / len(a | b)

