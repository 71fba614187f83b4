"""Text primitives of the fact-checker: sentences, numbers, dates, names, quotes, negation.

Pure functions over plain strings, tuned for news headlines and snippets (English). They are
deliberately literal: the deterministic checks compare what a claim says with what its cited
evidence says, token by token, so they must never "understand" more than the text states.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from headlinez import data as lexicon
from headlinez.domain.marks import MARK_RANGES
from headlinez.domain.terms import UNSPACED_RUN, character_pairs, stem
from headlinez.domain.text import mostly_letters_of

# Average characters per token of the current Claude tokenizers on English news text. Claude 4.7+
# models count ~30% more tokens than older ones (~4 chars/token), so 3.2 errs on the high side.
CHARS_PER_TOKEN = 3.2

_QUOTE_CHARS = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                              "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
                              "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|\u2026)\s*")
# A snippet cut right after a sentence ("... on Thursday.…", four dots after NFKC): the first dot
# ends the sentence. Read as an ellipsis, it left "on Thursday ... ." as a whole sentence.
_STOP_BEFORE_ELLIPSIS = re.compile(r"(?<=[^.\s])\.\s?\.\s?\.\s?\.")
_SPACES = re.compile(r"\s+")
# A sentence ends at . ! ? (also Arabic's ؟ and the Devanagari danda) before a space and a word that
# is not in lower case: "Łukasz", "Émilie", "Владимир" and a script without case start one as "Lukasz"
# does (an [A-Z] here glued "... in Lima. Łukasz Nowak watched ..." into one sentence). Chinese and
# Japanese end one at 。 (and ！ ？, "!" "?" after NFKC, when a CJK character precedes: "Yahoo!ニュース"
# is a name) with no space after it.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SENTENCE_END = re.compile(rf"(?<=[.!?\u061f\u0964])[\"')\]]*\s+(?=[\"'(\[]?[^\W_])"
                           rf"|(?<=\u3002)[\"')\]\u300d\u300f]*\s*(?=\S)"
                           rf"|(?<=[{_CJK}][!?])[\"')\]\u300d\u300f]*(?=[\u300c\u300e]?[{_CJK}])")
_OPENING = "\"'([\u300c\u300e"
_ABBREVIATIONS = lexicon.word_set("brief_abbreviations")
_CLOCK = frozenset({"a.m", "p.m"})
# What follows a clock time inside its sentence: a time zone, or the day ("at about 1:30 a.m.
# Thursday and found ...")
_AFTER_CLOCK = re.compile(r"(?:[ECMP][SD]?T|GMT|UTC|BST|CET|CEST|IST|JST|AEST|AEDT"
                          r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
                          r"|(?:local|Eastern|Pacific|Central|Mountain) time)\b")
# A letter of any script: names keep their letters (José Jerí, Łukasz, São Paulo, Владимир, 习近平);
# an ASCII class here once turned "José Jerí" into "Jos Jer".
LETTER = r"[^\W\d_]"
# A word goes on through the marks of its letters: a Devanagari or Tamil vowel sign is a mark, and
# without them "मोदी" was the words "म" and "द".
_LETTER_OR_MARK = rf"{LETTER}|[{MARK_RANGES}]"
_WORD = re.compile(
    rf"{LETTER}(?:{_LETTER_OR_MARK}|'|-(?={LETTER}))*(?:-\d+{LETTER}*)?(?:\.{LETTER}\.?)*|\d[\d,]*(?:\.\d+)?"
)
_NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:st|nd|rd|th)?(?![\w])|"
                     rf"(?:(?<={LETTER})|(?<=[\-$]))\d+(?:\.\d+)?")
_DOUBLE_QUOTED = re.compile(r'"([^"]{2,}?)"')
_SINGLE_QUOTED = re.compile(rf"(?<!{LETTER})'([^']{{3,}}?)'(?!{LETTER})")

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "dozen": 12, "half": 0.5,
}
SCALE_WORDS = frozenset({"thousand", "million", "billion", "trillion", "percent", "percentage"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_MONTH_ABBREVIATIONS = {"jan": "january", "feb": "february", "mar": "march", "apr": "april",
                        "jun": "june", "jul": "july", "aug": "august", "sep": "september",
                        "sept": "september", "oct": "october", "nov": "november", "dec": "december"}
RELATIVE_DAYS = frozenset({"yesterday", "today", "tomorrow", "tonight"})
NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "none", "nobody", "nothing", "without",
                       "cannot", "nowhere"})

STOPWORDS = lexicon.word_set("brief_stopwords")
# Words of the brief's own framing that are not facts ("Coverage names ...", "X leads with ...").
FRAMING_WORDS = lexicon.word_set("brief_framing_words")
# Capitalized words that start sentences without being names.
_SENTENCE_STARTERS = STOPWORDS | lexicon.word_set("brief_sentence_starters")
_INJECTION = re.compile(
    r"(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+)?(previous|prior|above|earlier|preceding|"
    r"your)\s+(instructions|prompts?|rules|directions)|"
    r"\b(system\s+prompt|you\s+are\s+now\s+|new\s+instructions\s*:|as\s+an\s+ai\s+(language\s+)?model)|"
    r"\b(assistant|claude|ai)\s*[,:]\s*(please\s+)?(write|say|state|output|include)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Typographic normalization: NFKC, straight quotes and dashes, one space, one ellipsis form."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_CHARS)
    text = _STOP_BEFORE_ELLIPSIS.sub(". \u2026", text)  # the ellipsis as one character: not re-read as dots
    text = _ELLIPSIS.sub(" ... ", text)
    return _SPACES.sub(" ", text).strip()


# NFKC writes Chinese and Japanese full-width punctuation as ASCII ("12月8日凌晨，嫦娥" ->
# "12月8日凌晨,嫦娥"): the checks read it so, a reader should not.
_FULL_WIDTH = str.maketrans({",": "\uff0c", ":": "\uff1a", ";": "\uff1b", "!": "\uff01", "?": "\uff1f",
                             "(": "\uff08", ")": "\uff09"})
_HAN_OR_KANA = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ASCII_BESIDE_HAN = re.compile(rf"(?<=[{_HAN_OR_KANA}])[,:;!?()]|[,:;!?()](?=[{_HAN_OR_KANA}])")


HAN_OR_KANA_LETTER = re.compile(f"[{_HAN_OR_KANA}]")


def own_punctuation(text: str) -> str:
    """In a sentence mostly of Chinese or Japanese characters, the punctuation beside them written
    full-width again, as the source wrote it (the text a reader sees; the checks normalize it
    back). Other text is unchanged: an English sentence quoting "嫦娥, means" keeps its comma."""
    if HAN_OR_KANA_LETTER.search(text) is None or not mostly_letters_of(text, HAN_OR_KANA_LETTER):
        return text
    return _ASCII_BESIDE_HAN.sub(lambda match: match.group().translate(_FULL_WIDTH), text)


def estimate_tokens(text: str) -> int:
    """A tokenizer-free token estimate (see CHARS_PER_TOKEN); never zero for non-empty text."""
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def split_sentences(text: str) -> list[str]:
    """Sentences of a snippet. Abbreviations such as 'Gov.' and 'U.S.' do not end one, nor does
    'p.m.' before its time zone or day ('after 10 p.m. ET, 11 days after ...', 'at 1:30 a.m.
    Thursday and found ...'), nor a '?' or '.' inside a quotation that closes later ('"Was Harris
    paid? Is she profiting?" - RNC Chair Ronna ...')."""
    text = normalize(text)
    if text.endswith(". ..."):  # cut right after a whole sentence ("on Thursday.…"): it is whole
        text = text[:-4]
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[match.end():match.end() + 2].lstrip(_OPENING)[:1].islower():
            continue  # "approx. two", "No. one": a lower-case word goes on with the sentence
        candidate = text[start:match.end()].strip()  # with its closing quote or bracket
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".!?\"')]").lower()
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        if last_word in _CLOCK and _AFTER_CLOCK.match(text, match.end()):
            continue
        if candidate.count('"') % 2 and '"' in text[match.end():]:
            continue  # inside a quotation: the sentence ends after it closes
        pieces.append(candidate)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return [p for p in pieces if p]


def is_truncated(sentence: str) -> bool:
    """A snippet sentence cut off by the feed ('... in...'): never a claim on its own."""
    return normalize(sentence).endswith("...")


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.lower().endswith("'s") else word.rstrip("'")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case-folded, possessive-free, stemmed form of one word: what two texts must share."""
    return stem(_strip_possessive(word).lower().replace(".", "").replace("'", ""))


def content_stems(text: str) -> set[str]:
    """Stems of the content words (not stop or framing words, not numbers)."""
    found: set[str] = set()
    for word in words(text):
        if UNSPACED_RUN.search(word):
            # Chinese, Japanese or Thai: a whole clause is one "word"; its character pairs are what
            # two tellings of one fact share (the parts in other scripts are words as below)
            for index, part in enumerate(UNSPACED_RUN.split(word)):
                if index % 2:
                    found.update(pair for pair in character_pairs(part) if len(pair) > 1)
                elif part:
                    found.update(content_stems(part))
            continue
        lower = _strip_possessive(word).lower()
        if word[0].isdigit() or lower in STOPWORDS or lower in FRAMING_WORDS or len(lower) < 3:
            continue
        found.add(fold(word))
    return found


def word_stems(text: str) -> set[str]:
    """Every word's folded form (for 'does this name occur in the evidence')."""
    result: set[str] = set()
    for word in words(text):
        result.add(fold(word))
        for part in word.split("-"):
            if part:
                result.add(fold(part))
    return result


def _number_value(token: str) -> float | None:
    cleaned = token.lower().replace(",", "")
    cleaned = re.sub(r"(st|nd|rd|th)$", "", cleaned)
    try:
        return float(cleaned)
    except ValueError:
        return None


def written_numbers(text: str) -> set[float]:
    """The numbers a text writes in digits, as values (1,000 = 1000; 3rd = 3; the 19 of COVID-19)."""
    values: set[float] = set()
    for match in _NUMBER.finditer(normalize(text)):
        value = _number_value(match.group(0))
        if value is not None:
            values.add(value)
    return values


def numbers(text: str) -> set[float]:
    """Every number a text states, as values: digits (`written_numbers`) and number words."""
    text = normalize(text)
    values = written_numbers(text)
    for word in words(text):
        lower = word.lower().replace("-", " ")
        for part in lower.split():
            if part in NUMBER_WORDS:
                values.add(float(NUMBER_WORDS[part]))
    return values


def scale_words(text: str) -> set[str]:
    """'million', 'billion', 'percent' ... (a changed scale is a changed number)."""
    found = {w.lower() for w in words(text) if w.lower() in SCALE_WORDS}
    if "%" in text:
        found.add("percent")
    if "percentage" in found:
        found.add("percent")
    return {"percent" if w == "percentage" else w for w in found}


def date_words(text: str) -> set[str]:
    """Weekdays, months (full or abbreviated, capitalized) and relative days a text names."""
    found: set[str] = set()
    for word in words(text):
        lower = word.lower().rstrip(".")
        if lower in WEEKDAYS or lower in RELATIVE_DAYS:
            found.add(lower)
        elif word[0].isupper() and (lower in MONTHS or lower in _MONTH_ABBREVIATIONS):
            found.add(_MONTH_ABBREVIATIONS.get(lower, lower))
    return found


def date_contexts(text: str) -> set[tuple[str, str]]:
    """Weekdays and months with the nearest content word on each side.

    ('friday', 'order') for 'signed an executive order Friday': like `number_contexts`, it
    catches a day moved from one event of the evidence to another.
    """
    tokens = words(text)
    pairs: set[tuple[str, str]] = set()
    for position, token in enumerate(tokens):
        lower = token.lower().rstrip(".")
        day = lower if lower in WEEKDAYS else (
            _MONTH_ABBREVIATIONS.get(lower, lower) if token[0].isupper() and
            (lower in MONTHS or lower in _MONTH_ABBREVIATIONS) else None)
        if day is None:
            continue
        for step in (-1, 1):
            index = position + step
            while 0 <= index < len(tokens) and (tokens[index].lower() in STOPWORDS
                                                 or tokens[index][0].isdigit()):
                index += step
            if 0 <= index < len(tokens):
                pairs.add((day, fold(tokens[index])))
    return pairs


def _unclosed_quote(text: str) -> str | None:
    """The passage of a quote cut by a sentence split: an opening mark whose quote runs past the
    end of the sentence ('... said "This is do or die.') or a closing mark whose quote began in
    the sentence before ('Bring your guns."'). Only when one double mark is left unpaired."""
    if text.count('"') != 1:
        return None
    before, _, after = text.partition('"')
    opening = (not before or not before[-1].isalnum()) and after[:1].isalnum()
    if opening:
        return after.strip() or None
    closing = before[-1:] in {".", "!", "?", ","} or before[-1:].isalnum()
    return before.strip() if closing and not after.strip(" )]") else None


def quotes(text: str) -> list[str]:
    """Quoted passages (double quotes of any style; single quotes around 3+ characters), also
    the piece of a quote that a sentence split cut off (`_unclosed_quote`)."""
    text = normalize(text)
    found = [m.group(1).strip() for m in _DOUBLE_QUOTED.finditer(text)]
    without_double = _DOUBLE_QUOTED.sub(" ", text)
    unclosed = _unclosed_quote(without_double)
    if unclosed:
        found.append(unclosed)
        without_double = without_double.replace(unclosed, " ")
    found += [m.group(1).strip() for m in _SINGLE_QUOTED.finditer(without_double) if " " in m.group(1)]
    return [q for q in found if q]


def quote_fragments(quote: str) -> list[str]:
    """The verbatim pieces of a quote: split at ellipses, trimmed of edge punctuation."""
    pieces = [p.strip(" ,;:.!?-'\"") for p in normalize(quote).split("...")]
    return [p for p in pieces if p]


def comparable(text: str) -> str:
    """Form in which quotes are compared: normalized, quote marks removed, single spaces."""
    return _SPACES.sub(" ", normalize(text).replace('"', " ").replace("'", "'")).strip()


def negations(text: str) -> int:
    """How many grammatical negations (not, n't, never, no ...) the text contains."""
    return sum(1 for word in words(text) if word.lower() in NEGATIONS or word.lower().endswith("n't"))


def _token_value(token: str) -> float | None:
    if token[0].isdigit():
        return _number_value(token)
    lower = token.lower()
    return float(NUMBER_WORDS[lower]) if lower in NUMBER_WORDS else None


def number_contexts(text: str) -> set[tuple[float, str]]:
    """Numbers with what they count or date: (8, 'month') for '8 months', (6, 'm:january') for 'Jan. 6'.

    Two texts that pair the same word with different numbers state different facts even when
    each number also occurs somewhere else in the evidence.
    """
    tokens = words(text)
    pairs: set[tuple[float, str]] = set()
    for position, token in enumerate(tokens):
        value = _token_value(token)
        if value is None:
            continue
        if position + 1 < len(tokens):
            following = tokens[position + 1].lower()
            if following[0].isalpha() and following not in STOPWORDS and following not in NUMBER_WORDS:
                pairs.add((value, fold(following)))
        if position > 0:
            previous = tokens[position - 1].lower().rstrip(".")
            month = _MONTH_ABBREVIATIONS.get(previous, previous)
            if month in MONTHS and tokens[position - 1][0].isupper():
                pairs.add((value, f"m:{month}"))
    return pairs


def name_tokens(sentence: str) -> list[str]:
    """Capitalized words that name someone or something (DeSantis, CDC, U.S., Geneva).

    A capitalized word that starts the sentence counts unless it is a common sentence starter;
    weekday and month names are left to `date_words`.
    """
    names: list[str] = []
    tokens = words(sentence)
    for position, token in enumerate(tokens):
        if not token[0].isupper():
            continue
        lower = _strip_possessive(token).lower().rstrip(".")
        if lower in WEEKDAYS or lower in MONTHS or lower in _MONTH_ABBREVIATIONS or lower in RELATIVE_DAYS:
            continue
        if lower in NUMBER_WORDS or lower in NEGATIONS:
            continue
        if position == 0 and (lower in _SENTENCE_STARTERS or lower in FRAMING_WORDS):
            continue
        if lower in STOPWORDS and not token.isupper():
            continue
        names.append(_strip_possessive(token))
    return names


_RUN_BREAK = re.compile(r"[,;:()\[\]\u2013\u2014|!?]")


def name_sequences(sentence: str) -> list[str]:
    """Runs of adjacent name tokens, e.g. 'Ron DeSantis', 'Centers for Disease Control'.

    A possessive or punctuation ends a run ("France's Lyon", "In Budapest, Marco Rubio" are two
    names each); connectors (of, for, and ...) are kept only between capitalized words.
    """
    name_set = set(name_tokens(sentence))
    runs: list[str] = []
    current: list[str] = []

    def close() -> None:
        while current and not current[-1][0].isupper():
            current.pop()
        if current:
            runs.append(" ".join(current))
        current.clear()

    text = normalize(sentence)
    previous_end = 0
    for match in _WORD.finditer(text):
        token = match.group(0)
        if _RUN_BREAK.search(text[previous_end:match.start()]):
            close()  # "In Budapest, Marco Rubio": a comma ends a name
        previous_end = match.end()
        bare = _strip_possessive(token)
        if bare in name_set and token[0].isupper():
            current.append(bare)
            if bare != token:
                close()
            continue
        if current and token.lower() in {"of", "for", "and", "the", "de", "al"}:
            current.append(token)
            continue
        close()
    close()
    return runs


def fact_keys(text: str) -> set[str]:
    """Facts a text states, as comparable keys: numbers, names and quotes (for materiality)."""
    keys = {f"n:{value:g}" for value in numbers(text)}
    keys |= {f"e:{fold(token)}" for token in name_tokens(text) if len(token) > 1}
    keys |= {f"q:{comparable(q).lower()[:80]}" for q in quotes(text) if len(q.split()) >= 3}
    return keys


def injection_spans(text: str) -> list[str]:
    """Sentences of an article that read as instructions to a model ('ignore previous ...')."""
    return [s for s in split_sentences(text) if _INJECTION.search(s)]


@lru_cache(maxsize=4096)
def outlet_aliases(outlet: str) -> frozenset[str]:
    """Ways a claim may name an outlet.

    'Fox News (Online News)' -> {'fox news'}; 'ABC News (US) International' -> {'abc news
    international', 'abc news'}; 'The New York Times' -> {'the new york times',
    'new york times'}; 'The Hill' -> {'the hill'} only ('Capitol Hill' does not name it).
    """
    base = re.sub(r"\s*\([^)]*\)\s*", " ", normalize(outlet)).strip()
    # 'ABC News (US) International' is shown (and written by the brief) as 'ABC News'.
    head = normalize(outlet).split(" (")[0].strip()
    aliases = {base.lower(), head.lower()}
    if base.lower().startswith("the ") and len(base.split()) > 2:
        aliases.add(base[4:].lower())
    for suffix in (" (online)", " online", " news online"):
        if base.lower().endswith(suffix):
            aliases.add(base[: -len(suffix)].lower())
    return frozenset(a for a in aliases if a)


@lru_cache(maxsize=8192)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![^\W_])" + re.escape(phrase.lower()) + r"(?![^\W_])")


def mentions(text: str, phrase: str) -> bool:
    """Whole-word, case-insensitive occurrence of `phrase` in `text`."""
    lowered = normalize(text).lower()
    return phrase.lower() in lowered and _phrase_pattern(phrase).search(lowered) is not None


def without_phrases(text: str, phrases: Iterable[str]) -> str:
    """`text` (normalized) with every whole-word occurrence of the phrases blanked out."""
    result = normalize(text)
    for phrase in sorted(phrases, key=len, reverse=True):
        if phrase.lower() in result.lower():
            result = re.sub(r"(?<![^\W_])" + re.escape(phrase) + r"(?![^\W_])", " ", result,
                            flags=re.IGNORECASE)
    return result


def overlap(claim_stems: Iterable[str], evidence_stems: set[str]) -> float:
    claim_set = set(claim_stems)
    if not claim_set:
        return 1.0
    return len(claim_set & evidence_stems) / len(claim_set)
