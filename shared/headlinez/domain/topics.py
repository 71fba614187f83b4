"""Topics of a trend: the people, organizations, places and key terms its coverage is about.

No language model: names are found the way an editor skims headlines.

* **Candidate names** are runs of capitalized words and acronyms ("Jesse Jackson", "Strait of
  Hormuz", "NATO"), joined across the connectors "of", "de", "al", "bin", ... A capital is
  trusted only where it carries meaning: mid-sentence in a sentence-case headline. The first word
  of a headline, and every word of a Title Case Headline, counts only if it is a known name
  (gazetteer below) or the trend's coverage capitalizes it mid-sentence elsewhere.
* **Kinds**: places from a gazetteer (countries, regions, large cities, US states, and
  geographic words such as "Strait", "Gulf", "Province"); organizations from a list of acronyms
  and well-known names and from words such as "Party", "Ministry", "Council", "Bank"; people from
  titles ("President", "Pope", "Sen.") stripped off the name, from common first names, from a
  short list of people constantly in the news, and by default for a run of two or three
  capitalized words; an unknown single capitalized word is a key term.
* **Deduplication**: one key per topic after folding case, accents, dots and possessives
  ("U.S." = "US" = "United States"; "Trump's" = "Trump"); demonyms map to their country
  ("Iranian" -> Iran); a lone surname joins the full name it ends ("Jackson" -> "Jesse Jackson").
* **Casing**: the most frequent spelling that is not in capitals, with connectors lowercased
  ("Strait Of Hormuz" -> "Strait of Hormuz"); acronyms stay in capitals; a name only ever seen in
  capitals is title-cased unless it is a known acronym.
* **Key phrases** (kind "term"): two-word phrases of lowercase content words used by 2+ of the
  headlines ("nuclear talks", "civil rights"), none of whose words is part of a name, ranked by
  headlines then centroid weight. A lone common word ("guiding", "charge", "released") and a lone
  capitalized word no gazetteer knows ("Now", "Mercies") are never topics.

Topics are ranked by the number of headlines that mention them (names before terms).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from headlinez import data as lexicon
from headlinez.domain.marks import MARK_RANGES
from headlinez.domain.terms import stem
from headlinez.domain.text import LATIN_FOLD
from headlinez.models import Topic, TopicKind

MAX_TOPICS = 12
MAX_TERMS = 4
MIN_PHRASE_HEADLINES = 2  # a key phrase is used by at least two headlines of the trend

# Letters of any script (Łukasz, Владимир, 习近平 keep theirs), digits, and one-character marks.
# A word goes on through its letters' combining marks ("मोदी" is one word, not "म" and "द").
_WORD = re.compile(rf"[^\W_](?:[^\W_]|[{MARK_RANGES}])*(?:['’‘.\-&][^\W_](?:[^\W_]|[{MARK_RANGES}])*)*\.?"
                   r"|[^\s\w]|_")
_BREAK = frozenset(".!?:;\"“”|–—•-‘’'«»()[]{},/")
# Words that may join the words of a name; 'and'/'for'/'the'/'on' only inside organization names.
_CONNECTORS = lexicon.word_set("connectors")
_NAME_CONNECTORS = lexicon.word_set("name_connectors")
# A word of letters only, with the marks of its letters: "मोदी" (its vowel signs are marks, and
# str.isalpha() said no to every Hindi word that has one, so no Hindi key phrase was ever found)
_MARK = re.compile(f"[{MARK_RANGES}]")


def _alphabetic(word: str) -> bool:
    """Letters and their marks only: str.isalpha() (no digits, no "²" or "Ⅻ") that lets "मोदी" in."""
    return word.isalpha() or (bool(word) and all(ch.isalpha() or _MARK.match(ch) for ch in word))
_POSSESSIVE = re.compile(r"['’‘]s$", re.IGNORECASE)  # "Iran‘s": a left quote typed for an apostrophe
# A surname written with its article or particle in lower case: "al-Sharaa", "el-Sisi", "bin Salman"
# written "bin-Salman", "d'Estaing". Its capital is the one after the particle.
_PARTICLE_NAME = re.compile(r"(?:al|el|ad|ar|as|ash|at|az|an|ibn|bin|abu|bint|d|l)['’\-](?=[^\W\d_])")
# Two connectors that join a name as one particle: "Juan de la Cruz", "Ursula von der Leyen".
_PARTICLE_PAIRS = frozenset({"de la", "van der", "van den", "van de", "von der", "von den"})
# German and Dutch articles are a name's particle only in lower case ("von der Leyen"); written
# with a capital they start a name ("Germany's Der Spiegel" is no "Germany der Spiegel").
_LOWER_CASE_PARTICLES = frozenset({"der", "den"})


def _capital_article(word: str) -> bool:
    return word[:1].isupper() and word.lower() in _LOWER_CASE_PARTICLES


def _capitalized(word: str) -> bool:
    """Whether a word is written as a name is: a capital first ("Müller"), or after a lower-case
    particle ("al-Sharaa")."""
    if word[:1].isupper():
        return True
    particle = _PARTICLE_NAME.match(word)
    return particle is not None and word[particle.end()].isupper()

# A headline is in title case when every longer content word after the first is capitalized; one
# in lower case ("Photos of Lunar New Year celebrations for ...") makes it sentence case, whose
# capitals mid-headline mark names ("Lunar New Year"). (Until the eleventh session 60% of them
# sufficed: a headline with a lower-case word passed as title case, and its names went untrusted.)
_FUNCTION_WORDS = lexicon.word_set("clustering_stopwords")
_OPENING_FUNCTION_WORDS = frozenset({"who", "is", "in", "on", "at", "her", "his", "has", "have", "are", "was",
                                     "were", "for", "to", "from", "with", "by", "as", "its", "their", "why",
                                     "how", "what", "when", "where", "it", "will", "can"})

# --- gazetteers (lowercase keys): package data files, described in headlinez/data/SOURCES.md ------


def _words(names: Iterable[str]) -> frozenset[str]:
    """The single words of a list of names."""
    return frozenset(word for name in names for word in name.split())


_COUNTRIES = lexicon.entries("countries")  # one name per line
_MULTIWORD_COUNTRIES = tuple(name for name in _COUNTRIES if " " in name)
_REGIONS_AND_CITIES = lexicon.entries("regions_and_cities")  # regions, seas, cities, US states
_MULTIWORD_PLACES = lexicon.entries("multiword_places")
_PLACE_WORDS = lexicon.word_set("place_words")
_DEMONYMS = lexicon.string_map("demonyms")
_ALIASES = lexicon.string_map("name_aliases")
_ORGANIZATION_NAMES = lexicon.entries("organizations")
_ORG_WORDS = lexicon.word_set("organization_words")
_PERSON_TITLES = lexicon.word_set("person_titles")
_FIRST_NAMES = lexicon.word_set("first_names")
_KNOWN_PEOPLE = lexicon.string_map("known_people")
_TERM_ACRONYMS = lexicon.word_set("term_acronyms")
_KNOWN_ACRONYMS = lexicon.word_set("known_acronyms")
_EVENT_WORDS = lexicon.word_set("event_words")
_HEADLINE_VERBS = lexicon.word_set("headline_verbs")
_GENERIC = lexicon.word_set("generic_words")
# Geographic features that follow the name they belong to ("Colorado River", "Taiwan Strait",
# "Bali Island"): one place with that name, never a place of their own after it.
_GEOGRAPHIC_FEATURES = frozenset({"river", "lake", "sea", "strait", "mountains", "valley", "bay", "island",
                                  "islands", "canal", "desert", "ocean", "peninsula", "gulf", "coast"})
# Words that make a phrase a fragment of the sentence rather than a theme ("dies aged", "second round").
_PHRASE_STOP = lexicon.word_set("phrase_stopwords")


def fold_name(text: str) -> str:
    """Case and accents folded ('José' -> 'jose', 'Łukasz' -> 'lukasz'); 'Владимир' -> 'владимир'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LATIN_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _key(name: str) -> str:
    """Dedupe key: case, accents, dots, possessives and hyphens folded."""
    folded = fold_name(_POSSESSIVE.sub("", name.strip()))
    folded = folded.replace(".", "").replace("-", " ").replace("’", "").replace("'", "")
    return " ".join(folded.split())


_PLACES = {_key(name) for name in _MULTIWORD_COUNTRIES + _MULTIWORD_PLACES}
_PLACES.update(w for w in _words(_COUNTRIES) if len(w) > 2 or w in {"us", "uk"})
_PLACES.update(w for w in _words(_REGIONS_AND_CITIES) if len(w) > 3)
_PLACES -= lexicon.word_set("place_fragments")
_PLACES.update({"mexico", "georgia", "santiago"})
_ORGANIZATIONS = set(_words(_ORGANIZATION_NAMES)) - lexicon.word_set("organization_fragments")
_ORGANIZATIONS.update(_key(name) for name in _ORGANIZATION_NAMES if " " in _key(name))


_US_KEYS = frozenset({"us", "usa", "america", "united states", "american", "americans", "washington"})
FOREIGN_PLACE_WORDS: frozenset[str] = frozenset(
    (
        {w for w in _words(_COUNTRIES) if len(w) > 3}
        | {k for k, v in _DEMONYMS.items() if v != "United States" and " " not in k}
        | {w for w in _words(_REGIONS_AND_CITIES) if len(w) > 4}
    )
    - _US_KEYS
    - lexicon.word_set("not_foreign_places")
)
"""Lowercase single words naming a place outside the United States (countries, demonyms, foreign
cities and regions): the category model's "world" cue."""


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: bool  # first word of a sentence / headline (its capital says nothing)
    broken: bool  # punctuation right before it (a name run cannot continue across it)


def _tokens(title: str) -> list[_Token]:
    tokens: list[_Token] = []
    start = True
    broken = True
    for match in _WORD.finditer(title):
        word = match.group(0)
        if len(word) == 1 and not word.isalnum():
            if word in _BREAK:
                broken = True
                if word in ".!?:;|–—•\"“”‘’'«»":
                    start = True
            continue
        if word.endswith(".") and not re.fullmatch(r"(?:[A-Za-z]\.)+", word):
            word = word[:-1]
            tokens.append(_Token(word, start, broken))
            start = broken = True
            continue
        parts = _split_compound(word)
        for index, part in enumerate(parts):
            tokens.append(_Token(part, start and index == 0, broken or index > 0))
        start = broken = False
    return tokens


# Prefixes that make a place's name an adjective of a region or an era, not the place itself.
_PLACE_PREFIXES = frozenset({"trans", "mid", "pan", "sub", "post", "pre", "ex", "neo", "inter", "intra",
                             "cross", "non"})


def _split_compound(word: str) -> list[str]:
    """'US-Iran' -> ['US', 'Iran'], 'US-brokered' -> ['US', 'brokered']: a hyphenated word is split
    when one of its parts is a known name; 'Al-Qaeda', 'Anti-Muslim' and 'Trans-Atlantic' stay whole."""
    if "-" not in word:
        return [word]
    parts = [p for p in word.split("-") if p]
    if len(parts) < 2 or _key(word) in _ORGANIZATIONS or _key(word) in _PLACES:
        return [word]
    if parts[0].lower() in _PLACE_PREFIXES:
        return [word]  # "Trans-Atlantic", "Sub-Saharan", "Post-Soviet": an adjective of a region
    if _PARTICLE_NAME.match(word):
        return [word]  # "al-Assad", "el-Sisi": one surname
    # a given name is no reason to split: "Jean-Luc", "Anne-Marie" are one name ("Jean" | "Luc Picard")
    if any(p[:1].isupper() and _known(_key(p)) and not _only_a_given_name(_key(p)) for p in parts):
        return parts
    return [word]


def _only_a_given_name(key: str) -> bool:
    return key in _FIRST_NAMES and not (key in _PLACES or key in _ORGANIZATIONS or key in _DEMONYMS
                                        or key in _ALIASES or key in _KNOWN_PEOPLE)


def in_title_case(words: Sequence[str]) -> bool:
    """Whether a headline's words (in order) are in title case: every longer content word after
    the first capitalized (see `_FUNCTION_WORDS`). The offline brief asks it too, so that its
    coverage phrases and the topics read a headline's capitals alike."""
    # (a brand in camel case, "eBay", "iPhone", is written so in any case; function words count
    # only when a headline has too few other words to tell: "The CEO Who Believes AGI Is Already Here")
    long_words = [w for w in words[1:] if len(w) >= 4 and w[0].isalpha() and w[1:] == w[1:].lower()]
    content = [w for w in long_words if w.lower() not in _FUNCTION_WORDS]
    judged = content if len(content) >= 2 else long_words
    return len(judged) >= 2 and all(w[0].isupper() for w in judged)


def _is_title_case(tokens: Sequence[_Token]) -> bool:
    return in_title_case([t.text for t in tokens])


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _known(key: str) -> bool:
    return (
        key in _PLACES
        or key in _ORGANIZATIONS
        or key in _DEMONYMS
        or key in _ALIASES
        or key in _KNOWN_PEOPLE
        or key in _FIRST_NAMES
    )


@dataclass(slots=True)
class _Entry:
    key: str
    kind: TopicKind
    surfaces: Counter[str] = field(default_factory=Counter)
    titles: set[int] = field(default_factory=set)


def _evidence(titles: Sequence[list[_Token]], title_case: Sequence[bool]) -> set[str]:
    """Lowercase words capitalized mid-sentence in a sentence-case headline: evidence of names."""
    names: set[str] = set()
    for tokens, is_title in zip(titles, title_case, strict=True):
        if is_title:
            continue
        for token in tokens:
            if not token.start and _capitalized(token.text):
                names.add(_key(token.text))
    return names


def _name_runs(tokens: Sequence[_Token], trusted: bool, evidence: set[str]) -> list[list[str]]:
    """Runs of name words in one headline (connectors allowed inside a run)."""
    runs: list[list[str]] = []
    current: list[str] = []
    pending: list[str] = []  # connectors waiting for the next name word

    def flush() -> None:
        nonlocal current, pending
        if current:
            runs.append(current)
        current, pending = [], []

    for token in tokens:
        word = token.text
        lower = _key(word)
        if token.broken:
            flush()
        if current and lower in _CONNECTORS and not _is_acronym(word) and not _capital_article(word):
            pending.append(word)
            continue
        capital = _capitalized(word)
        is_name = False
        if capital and not word[:1].isdigit():
            if _is_acronym(word):
                is_name = lower not in _GENERIC or lower in _KNOWN_ACRONYMS
            elif lower in _GENERIC and lower not in evidence:
                is_name = False
            elif ((trusted and not token.start) or lower in evidence or _known(lower)
                  or _completes_name(current, lower)):  # "Lindsey Graham", "Colorado River"
                is_name = True
        if is_name:
            if pending:
                if (len(pending) == 1 and _key(pending[0]) in _NAME_CONNECTORS) or \
                        " ".join(_key(c) for c in pending) in _PARTICLE_PAIRS:
                    current.extend(pending)
                else:
                    flush()
            pending = []
            current.append(word)
        else:
            flush()
    flush()
    return runs


# Given names of the list that title-case headlines use more often as words: a bill, to mark,
# frank talks, rob a bank (`_completes_name` does not take the next word for their surname).
_WORDS_AS_FIRST_NAMES = frozenset({"bill", "chuck", "frank", "hunter", "jack", "mark", "max", "rob"})


def _completes_name(run: Sequence[str], key: str) -> bool:
    """Whether an untrusted capitalized word (a title-case headline's) completes the lone name
    word before it: a surname after a first name ("Lindsey Graham Says"), a geographic feature
    after a place ("Colorado River Deal"). One word only: the next ("Says", "Deal") is no name."""
    if len(run) != 1:
        return False
    previous = _key(run[0])
    if key in _GEOGRAPHIC_FEATURES:
        return previous in _PLACES or previous in _DEMONYMS
    # a first name that is also a place ("Jordan", "Georgia") or a common word ("Bill Banning Trans
    # Athletes", "Crowds Mark Anniversary") says nothing of the next word
    return (previous in _FIRST_NAMES and previous not in _WORDS_AS_FIRST_NAMES
            and not (previous in _PLACES or previous in _ORGANIZATIONS or previous in _DEMONYMS)
            and key not in _FUNCTION_WORDS and key not in _OPENING_FUNCTION_WORDS
            and key not in _HEADLINE_VERBS and not _title_word(key))


# An office about to be held or just left is still an office: "PM-elect", "President-designate".
_OFFICE_SUFFIXES = (" elect", " designate")


def _title_word(word: str) -> bool:
    key = _key(word)
    for suffix in _OFFICE_SUFFIXES:
        key = key.removesuffix(suffix)
    return key in _PERSON_TITLES


def _strip_titles(words: list[str]) -> tuple[list[str], bool]:
    """Drop leading honorifics/offices ('President', 'Prime Minister'); True if a person's name
    follows them. 'Prime Minister of Bangladesh' is an office: ('Bangladesh', False)."""
    whole = _key(" ".join(words))
    if whole in _ORGANIZATIONS or whole in _PLACES or whole in _ALIASES:
        return words, False
    found = False
    while len(words) > 1 and _title_word(words[0]):
        words = words[1:]
        found = True
    if found and words and _key(words[0]) in _CONNECTORS:
        while words and _key(words[0]) in _CONNECTORS:
            words = words[1:]
        found = False
    return words, found


def _rejoin_events(parts: list[list[str]]) -> list[list[str]]:
    """A place and the event named after it are one name: 'Munich' + 'Security Conference',
    'Berlin' + 'Film Festival' (split apart because the place is known). Only where capitals mark
    names (not in a title-case headline, whose every word is capitalized); the event part has two
    or more words, none of them a known name, and ends on an event word."""
    joined: list[list[str]] = []
    for part in parts:
        keys = [_key(w) for w in part]
        if (joined and len(joined[-1]) == 1 and _key(joined[-1][0]) in _PLACES and len(part) >= 2
                and keys[-1] in _EVENT_WORDS and not any(_known(k) for k in keys)):
            joined[-1] = [*joined[-1], *part]
        else:
            joined.append(part)
    return joined


def _split_known(words: list[str]) -> list[list[str]]:
    """Split a run that glues known names together ('Iran US' -> 'Iran', 'US')."""
    if len(words) < 2:
        return [words]
    keys = [_key(w) for w in words]
    whole = " ".join(keys)
    if whole in _PLACES or whole in _ORGANIZATIONS or whole in _KNOWN_PEOPLE or whole in _ALIASES:
        return [words]
    if keys[-1] in _KNOWN_PEOPLE and _key(_KNOWN_PEOPLE[keys[-1]]) == whole:
        return [words]  # "JD Vance": a known person written in full, initials and all
    if any(k in _NAME_CONNECTORS and not _capital_article(w) for k, w in zip(keys, words, strict=True)):
        return [words]
    parts: list[list[str]] = []
    index = 0
    while index < len(words):
        if parts and keys[index] in _GEOGRAPHIC_FEATURES and _feature_can_follow(parts[-1]):
            parts[-1].append(words[index])  # "Colorado River", "Bali Island": one place
            index += 1
            continue
        for size in (3, 2):
            chunk = " ".join(keys[index : index + size])
            if index + size <= len(words) and (
                chunk in _PLACES or chunk in _ORGANIZATIONS or chunk in _ALIASES
            ):
                parts.append(words[index : index + size])
                index += size
                break
        else:
            key = keys[index]
            if (
                key in _PLACES
                or key in _ORGANIZATIONS
                or key in _ALIASES
                or key in _DEMONYMS
                or _is_acronym(words[index])
                or key in _KNOWN_PEOPLE
            ):
                parts.append([words[index]])
            elif parts and not (
                _key(parts[-1][-1]) in _PLACES
                or _key(parts[-1][-1]) in _ORGANIZATIONS
                or _key(parts[-1][-1]) in _ALIASES
                or _is_acronym(parts[-1][-1])
                or _key(parts[-1][-1]) in _DEMONYMS
            ):
                parts[-1].append(words[index])
            else:
                parts.append([words[index]])
            index += 1
    return parts


def _feature_can_follow(part: Sequence[str]) -> bool:
    """Whether a geographic feature joins the name before it: a place, a demonym ("Indian Ocean") or
    a name no list knows ("Bali Island"); not an organization, an acronym or a person ("NATO Sea")."""
    key = _key(" ".join(part))
    if key in _PLACES or key in _DEMONYMS:
        return True
    return not (key in _ORGANIZATIONS or key in _ALIASES or key in _KNOWN_PEOPLE or key in _FIRST_NAMES
                or _is_acronym(part[-1]) or _key(part[-1]) in _GEOGRAPHIC_FEATURES)


def _known_name(surface: str, key: str) -> tuple[str, TopicKind] | None:
    """(canonical name, kind) from the gazetteers, or None."""
    found: tuple[str, TopicKind] | None = None
    if key in _ALIASES:
        name = _ALIASES[key]
        kind: TopicKind = "organization" if name in {"European Union", "United Nations"} else "place"
        found = (name, "person" if key.startswith("zelensk") else kind)
    elif key in _DEMONYMS:
        found = (_DEMONYMS[key], "place")
    elif key in _KNOWN_PEOPLE:
        found = (_KNOWN_PEOPLE[key], "person")
    elif key in _PLACES:
        found = (surface, "place")
    elif key in _ORGANIZATIONS:
        found = (surface, "organization")
    elif _is_acronym(surface) and " " not in surface:
        found = (surface, "term" if key in _TERM_ACRONYMS else "organization")
    return found


def _classify(words: list[str], titled: bool) -> tuple[str, TopicKind]:
    """(canonical name, kind) of one name run: gazetteers first, then the shape of the name."""
    surface = " ".join(words)
    known = _known_name(surface, _key(surface))
    if known is not None:
        return known
    last = _key(words[-1])
    first = _key(words[0])
    kind: TopicKind = "term"
    # a lone "Army", "Museum" or "Police" is what is left of a name split at a known word ("Russian
    # Army"), not an organization of its own
    multiword = len(words) > 1
    if not multiword and last in _ORG_WORDS:
        kind = "term"  # also after a title: "Justice | Department", "General | Motors"
    elif multiword and (last in _ORG_WORDS or (first in _ORG_WORDS and len(words) > 2)):
        kind = "organization"
    elif last in _PLACE_WORDS or (first in _PLACE_WORDS and multiword):
        kind = "place"
    elif last in _EVENT_WORDS or any(_key(w) in _EVENT_WORDS for w in words[1:]):
        kind = "term"
    elif titled or first in _FIRST_NAMES:
        kind = "person"
    elif multiword and any(_key(w) in _ORG_WORDS for w in words):
        kind = "organization"  # an institution's word inside: "Federal Reserve Bank of Boston"
    elif len(words) in (2, 3) and all(_capitalized(w) and not _is_acronym(w) for w in words):
        kind = "person"
    return surface, kind


def _cased(surfaces: Counter[str], kind: TopicKind) -> str:
    """The display form: commonest non-capitals spelling, connectors lowercased."""
    ranked = sorted(
        surfaces.items(), key=lambda item: (item[0].isupper() and len(item[0]) > 4, -item[1], item[0])
    )
    best = ranked[0][0]
    words = best.split()
    out: list[str] = []
    for index, word in enumerate(words):
        lower = _key(word)
        if index > 0 and lower in _CONNECTORS and not _capital_article(word):
            out.append(word.lower())
        elif (
            word.isupper()
            and len(word) > 1
            and lower not in _KNOWN_ACRONYMS
            and not (kind == "organization" and len(word) <= 5)
            and not (kind == "person" and len(word) <= 2 and len(words) > 1)  # initials: "JD Vance"
        ):
            out.append(_capitalized_parts(word))
        else:
            out.append(word)
    return " ".join(out)


def _capitalized_parts(word: str) -> str:
    """A word in capitals as a name is written: "JEAN-LUC" -> "Jean-Luc", "O'BRIEN" -> "O'Brien"
    (str.capitalize gave "Jean-luc" and "O'brien"); "DON'T" -> "Don't"."""
    parts = re.split(r"(-|(?<=^[^\W\d_])['’])", word)
    return "".join(part.capitalize() for part in parts)


def _slug(name: str) -> str:
    folded = fold_name(name)
    if not folded.isascii():  # a non-Latin name: its punycode, so 'Владимир Путин' keeps a slug of its own
        folded = "x-" + "-".join(w.encode("punycode").decode() for w in re.findall(r"[^\W_]+", folded))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:64] or "topic"


_CAPITALS_WORD = re.compile(r"[^\W\d_]{2,}")


def _out_of_capitals(title: str) -> str:
    """A headline written in capitals ("TRUMP WINS NEVADA AS HALEY QUITS RACE") in title case, its
    known acronyms kept ("US", "NATO"): every word of it read as an acronym gave the topics "WINS",
    "QUITS", "RACE". In title case its capitals mark no name; known names and the other headlines'
    evidence still do."""
    words = _CAPITALS_WORD.findall(title)
    if len(words) < 3 or sum(w.isupper() for w in words) < 0.8 * len(words):
        return title

    def cased(match: re.Match[str]) -> str:
        word = match.group(0)
        if not word.isupper() or word.lower() in _KNOWN_ACRONYMS or (len(word) <= 3 and _known(word.lower())):
            return word
        return word.capitalize()

    return _CAPITALS_WORD.sub(cased, title)


def _gather(titles: Sequence[str]) -> dict[str, _Entry]:
    tokenized = [_tokens(_out_of_capitals(t)) for t in titles]
    title_case = [_is_title_case(t) for t in tokenized]
    evidence = _evidence(tokenized, title_case)
    entries: dict[str, _Entry] = {}
    for index, (tokens, is_title) in enumerate(zip(tokenized, title_case, strict=True)):
        for run in _name_runs(tokens, not is_title, evidence):
            cleaned = [_POSSESSIVE.sub("", w) for w in run]
            # titles go before the split, which would cut an acronym title off its name and lose
            # the sign of a person ("CEO Son" -> "CEO" | "Son"), and again after a known name
            stripped, titled = _strip_titles(cleaned)
            parts = _split_known(stripped)
            if not is_title:
                parts = _rejoin_events(parts)
            for position, raw_part in enumerate(parts):
                part = list(raw_part)
                part_titled = titled and position == 0
                if position:  # "Bangladesh | PM-elect Tarique Rahman": a title after a known name
                    part, part_titled = _strip_titles(part)
                while part and _key(part[-1]) in _CONNECTORS:
                    part.pop()
                # a title-case capital on a function word opens no name ("Who", "Is Already Here",
                # "In January"; "WHO" in capitals is the organization)
                while part and part[0].lower() in _OPENING_FUNCTION_WORDS and not part[0].isupper():
                    part.pop(0)
                while part and part[-1].lower() in _OPENING_FUNCTION_WORDS and not part[-1].isupper():
                    part.pop()  # ... nor closes on one ("Kaling At")
                if not part or all(
                    (_key(w) in _GENERIC or _key(w) in _PERSON_TITLES) and not _known(_key(w)) for w in part
                ):
                    continue
                name, kind = _classify(part, part_titled)
                key = _key(name)
                if len(key) < 2:
                    continue
                entry = entries.get(key)
                if entry is None:
                    entry = entries[key] = _Entry(key=key, kind=kind)
                elif entry.kind == "term" and kind != "term":
                    entry.kind = kind
                entry.surfaces[name] += 1
                entry.titles.add(index)
    return entries


def _fold_variants(entries: dict[str, _Entry]) -> None:
    """'Olympic' joins 'Olympics' (same stem); a lone unknown word that is part of a longer name
    ('Winter' of 'Winter Games') joins it."""
    by_stem: dict[str, _Entry] = {}
    for entry in sorted(entries.values(), key=lambda e: (e.kind == "term", -len(e.titles), e.key)):
        if " " in entry.key:
            continue
        root = stem(entry.key)
        owner = by_stem.get(root)
        if owner is None:
            by_stem[root] = entry
            continue
        owner.titles |= entry.titles
        owner.surfaces.update({k: 0 for k in entry.surfaces})
        del entries[entry.key]
    multi = [e for e in entries.values() if " " in e.key]
    for entry in list(entries.values()):
        if entry.kind != "term" or " " in entry.key:
            continue
        owners = [m for m in multi if entry.key in m.key.split()]
        if owners:
            best = max(owners, key=lambda m: (len(m.titles), m.key))
            best.titles |= entry.titles
            del entries[entry.key]


def _fold_surnames(entries: dict[str, _Entry]) -> None:
    """A lone name that ends a longer person's name ('Jackson') joins that person."""
    people = [e for e in entries.values() if e.kind == "person" and " " in e.key]
    for entry in list(entries.values()):
        if " " in entry.key or entry.key in _PLACES or entry.key in _ORGANIZATIONS:
            continue
        owners = [
            p
            for p in people
            if p.key.split()[-1] == entry.key or (p.key.split()[0] == entry.key and entry.kind == "person")
        ]
        if len(owners) == 1:
            owner = owners[0]
            owner.titles |= entry.titles
            del entries[entry.key]


def _content_tokens(title: str) -> list[str | None]:
    """Lowercase content words of a headline in order; None marks a break (a name, a stop word,
    punctuation) that a key phrase cannot span."""
    tokens = _tokens(title)
    is_title = _is_title_case(tokens)
    out: list[str | None] = []
    for token in tokens:
        lower = token.text.lower()
        capital_mid_sentence = _capitalized(token.text) and not is_title and not token.start
        if (capital_mid_sentence or not _alphabetic(lower) or len(lower) < 3 or lower in _GENERIC
                or lower in _HEADLINE_VERBS or lower in _PERSON_TITLES or lower in _PHRASE_STOP
                or _key(lower) in _DEMONYMS
                or _key(lower) in _PLACES):
            out.append(None)
        else:
            out.append(lower)
    return out


def phrase_pairs(title: str) -> list[tuple[tuple[str, str], str]]:
    """The two-word key-phrase candidates of a headline, in order, as (stems, words as written in
    lower case): consecutive content words, no name, place, headline verb or generic word
    (what `_key_phrases` ranks into a trend's key terms)."""
    words = _content_tokens(title)
    return [((stem(first), stem(second)), f"{first} {second}")
            for first, second in itertools.pairwise(words)
            if first is not None and second is not None and first != second]


def _key_phrases(
    centroid: Mapping[str, float], titles: Sequence[str], taken: Iterable[str], limit: int
) -> list[tuple[str, int]]:
    """Two-word key phrases ("nuclear talks", "civil rights") used by at least
    MIN_PHRASE_HEADLINES headlines, none of whose words is already part of a name; ranked by
    headlines, then by the centroid weight of their stems. A lone common word is never a topic."""
    taken_stems = {stem(w) for key in taken for w in key.split()}
    surfaces: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    headlines: dict[tuple[str, str], set[int]] = defaultdict(set)
    for index, title in enumerate(titles):
        for key, surface in phrase_pairs(title):
            if key[0] in taken_stems or key[1] in taken_stems:
                continue
            surfaces[key][surface] += 1
            headlines[key].add(index)
    ranked = sorted(
        (k for k in headlines if len(headlines[k]) >= MIN_PHRASE_HEADLINES),
        key=lambda k: (-len(headlines[k]), -(centroid.get(k[0], 0.0) + centroid.get(k[1], 0.0)), k),
    )
    phrases: list[tuple[str, int]] = []
    used: set[str] = set()
    for key in ranked:
        if len(phrases) >= limit or used & set(key):
            continue
        used.update(key)
        phrases.append((surfaces[key].most_common(1)[0][0], len(headlines[key])))
    return phrases


def extract_topics(
    titles: Sequence[str], centroid: Mapping[str, float] | None = None, *, limit: int = MAX_TOPICS
) -> list[Topic]:
    """Topics of a trend from its headlines (and its centroid, for key terms)."""
    # composed (NFC): a decomposed "Zoë Müller" (stored before ingest composed it) read "Zoe Mu"
    unique = list(dict.fromkeys(unicodedata.normalize("NFC", t).strip() for t in titles if t and t.strip()))
    if not unique:
        return []
    entries = _gather(unique)
    _fold_surnames(entries)
    _fold_variants(entries)
    minimum = 2 if len(unique) >= 4 else 1
    ranked = sorted(entries.values(), key=lambda e: (-len(e.titles), e.kind == "term", e.key))
    names = [e for e in ranked if len(e.titles) >= minimum and e.kind != "term"]
    # A capitalized run no gazetteer knows is a topic only as a multi-word name ("Board of Peace",
    # "Apocalypse Now"); a lone one ("Now", "Mercies", "Guiding") is a capital, not a topic.
    # ("Trans-Atlantic" is one word: its key's space is the hyphen's.)
    names += [e for e in ranked if len(e.titles) >= minimum and e.kind == "term"
              and any(" " in surface for surface in e.surfaces)]
    topics: list[Topic] = []
    seen_slugs: set[str] = set()
    for entry in names:
        if len(topics) >= limit - min(MAX_TERMS, 2):
            break
        name = _cased(entry.surfaces, entry.kind)
        slug = _slug(name)
        if slug in seen_slugs:
            continue
        seen_slugs.add(slug)
        topics.append(Topic(name=name, kind=entry.kind, slug=slug))
    taken = [t.name.lower() for t in topics]
    taken += [e.key for e in entries.values() if e.kind != "term" or " " in e.key]
    for word, _count in _key_phrases(centroid or {}, unique, taken, MAX_TERMS):
        if len(topics) >= limit:
            break
        slug = _slug(word)
        if slug not in seen_slugs:
            seen_slugs.add(slug)
            topics.append(Topic(name=word, kind="term", slug=slug))
    return topics


__all__ = ["FOREIGN_PLACE_WORDS", "MAX_TOPICS", "extract_topics", "in_title_case"]
