"""Search over open trends: one normalization for the stored text and for the query.

Pure and dependency-free: the DynamoDB adapter calls `search_text` when it writes a trend (the
`search_text` attribute), and the API calls `search_tokens` on `?q=`; a trend matches when every
token occurs in its text (`contains(search_text, :t)` for each token, in one Query's filter).
Matching is on case-folded, accent-stripped words, so "Jerí" finds "Jeri" and "iran" finds
"Iranian".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from headlinez.domain.terms import UNSPACED_RUN, character_pairs
from headlinez.domain.text import LATIN_FOLD

MAX_SEARCH_TEXT = 4000
"""Characters of search text stored per trend (headlines first): bounds the item size."""
MAX_TOKENS = 6
MIN_TOKEN_LENGTH = 2
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalize(text: str) -> str:
    """Case-folded, accents removed, punctuation as single spaces, padded with one space each side;
    a run of a script written without spaces as its overlapping character pairs ("嫦娥七号" is
    "嫦娥 娥七 七号"), so that a word inside it can be found."""
    words = _words(text, overlapping=True)
    return " " + " ".join(words) + " " if words else ""


def _words(text: str, *, overlapping: bool) -> list[str]:
    # the topics' folding of names (headlinez.domain.text.LATIN_FOLD)
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LATIN_FOLD))
    decomposed = decomposed.replace("\u200c", "").replace("\u200d", "")  # "می‌خواهد" = "میخواهد"
    # every mark, not only those with a combining class: a Devanagari vowel sign ("मोदी") is none,
    # and left in, it split the name into letters too short to search for
    stripped = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))
    words: list[str] = []
    for word in _NON_WORD.sub(" ", stripped).split():
        if UNSPACED_RUN.search(word) is None:
            words.append(word)
            continue
        for index, part in enumerate(UNSPACED_RUN.split(word)):
            if index % 2 == 0 or len(part) < 3:
                words.extend([part] if part else [])
            elif overlapping:  # the stored text: every pair
                words.extend(character_pairs(part))
            else:  # a query: pairs that cover it, each of which the stored text holds
                words.extend(part[at : at + 2] for at in range(0, len(part) - 1, 2))
                words.extend([part[-2:]] if len(part) % 2 else [])
    return words


class TooManySearchWordsError(ValueError):
    """More distinct search words than `MAX_TOKENS`. Every word must match, so dropping the
    extra ones would answer a different question than the one asked."""

    def __init__(self, count: int, *, unspaced: bool = False) -> None:
        # a query in Chinese, Japanese or Thai is one "word" to its writer: say how it was counted
        pairs = " (Chinese, Japanese or Thai text counts a word per two characters)" if unspaced else ""
        super().__init__(f"at most {MAX_TOKENS} words of {MIN_TOKEN_LENGTH}+ letters; "
                         f"this query has {count}{pairs}")
        self.count = count


class NoSearchWordsError(ValueError):
    """A query without one word of `MIN_TOKEN_LENGTH`+ letters or digits ("a", "!!", an emoji):
    it can match nothing, and an empty list would read as "no trend is about that"."""

    def __init__(self) -> None:
        super().__init__(f"needs at least one word of {MIN_TOKEN_LENGTH}+ letters or digits")


def search_tokens(query: str) -> tuple[str, ...]:
    """The distinct words of a query, each at least 2 characters; `TooManySearchWordsError`
    above `MAX_TOKENS` (each word is one `contains` in the Query's filter). Empty when the query has
    no such word: the caller decides (`NoSearchWordsError`)."""
    tokens: list[str] = []
    for word in _words(query, overlapping=False):
        if len(word) >= MIN_TOKEN_LENGTH and word not in tokens:
            tokens.append(word)
    if len(tokens) > MAX_TOKENS:
        raise TooManySearchWordsError(len(tokens), unspaced=UNSPACED_RUN.search(query) is not None)
    return tuple(tokens)


def _legacy_normalize(text: str) -> str:
    """`normalize` as the code before 2026-12-07 wrote it: no folding of "ł", "ø", "æ"..., only
    the marks with a combining class stripped, joiners kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = _NON_WORD.sub(" ", stripped).split()
    return " " + " ".join(words) + " " if words else ""


def legacy_search_tokens(query: str) -> tuple[str, ...]:
    """The query's words as the code before 2026-12-07 normalized them, when they differ from
    `search_tokens` (else empty): a trend whose search text that code wrote ("łukasz") is found by
    "Łukasz" until it is rewritten. Remove once every open trend has been rewritten (a closed trend
    is not searched; 30 days cover every trend's life)."""
    tokens: list[str] = []
    for word in _legacy_normalize(query).split():
        if len(word) >= MIN_TOKEN_LENGTH and word not in tokens:
            tokens.append(word)
    if not tokens or len(tokens) > MAX_TOKENS:
        return ()
    legacy = tuple(tokens)
    try:
        return () if legacy == search_tokens(query) else legacy
    except TooManySearchWordsError:
        return ()


def search_text(titles: Iterable[str], topics: Iterable[str] = ()) -> str:
    """The stored search text of a trend: its titles, then its topic names, normalized, bounded."""
    parts: list[str] = []
    size = 0
    for text in (*titles, *topics):
        normalized = normalize(text).strip()
        if not normalized or normalized in parts:
            continue
        if size + len(normalized) + 1 > MAX_SEARCH_TEXT:
            break
        parts.append(normalized)
        size += len(normalized) + 1
    return " " + " ".join(parts) + " " if parts else ""
