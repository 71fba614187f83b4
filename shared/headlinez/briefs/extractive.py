"""The offline engine: an extractive brief built only from evidence sentences.

Used when no Anthropic API key is configured (and always by the local stack unless asked
otherwise). It never writes a fact of its own, and the same deterministic checks run on it as on
Claude's drafts (the stored brief and the API label it `extractive`):

- **What happened**: the most-corroborated evidence sentences, from different newsrooms, each
  copied verbatim or as a checked compression of itself (a dateline or a parenthesis dropped, kept
  only when the checker still finds it stated by the item), citing its item and every other item
  that states it on its own.
- **How coverage differs**: one sentence naming which newsrooms stress which aspect, each aspect
  a whole clause of their headlines, quoted verbatim ("Reuters and AP News focus on “…”; BBC News
  leads with “…”"), the most distinctive angles first (words no other newsroom's headline has);
  none when fewer than two newsrooms have a clause of 3-10 words to quote.
- **What to watch**: a forward-looking evidence sentence (will, expected, scheduled, next week ...)
  that is not a podcast, newsletter or live-page blurb; or nothing.
- **Quick answers**: questions the evidence answers, chosen for the story: what a named person
  (or, failing one, a role: "police") said, the key number (a count of people, an amount, the age
  of the dead), what was decided, what happens next; each answered by a cited evidence sentence
  (a headline only says who said what: a figure, a decision or an outlook needs a sentence).
  When fewer than three kinds can be answered: a second speaker or figure, then what the newest
  report says (the newest article's opening sentence, when it adds to the brief; never a
  headline, a later sentence, nor a column's); only then do the rest say plainly that coverage
  does not yet specify what happens next or who said what, about the story's actor (`_an_actor`)
  or event, and only where the coverage says nothing of the kind (no outlook, no reported speech;
  `_LOOKS_AHEAD` reads outlooks more loosely than an answer needs). A page may show fewer
  than three.

Sentence choice: a sentence scores by how many other newsrooms state its content (corroboration)
and how many other articles share its content words (centrality, which favours the common core of
the story over one outlet's aside), with a bonus for leading sentences (news puts the event first)
and a length preference of 10-35 words.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from headlinez import data as lexicon
from headlinez.briefs.checker import EvidenceIndex, check_claim
from headlinez.briefs.errors import BriefInputError
from headlinez.briefs.evidence import REDACTION
from headlinez.briefs.models import (
    EXTRACTIVE_ENGINE,
    NOT_SPECIFIED_PREFIX,
    BriefDraft,
    Claim,
    EvidenceItem,
    Paragraph,
    QuickAnswer,
    RemovedClaim,
    TokenUsage,
)
from headlinez.briefs.semantic import concept_set, concepts
from headlinez.briefs.text import (
    HAN_OR_KANA_LETTER,
    MONTHS,
    SCALE_WORDS,
    STOPWORDS,
    content_stems,
    is_truncated,
    name_sequences,
    normalize,
    outlet_aliases,
    overlap,
    own_punctuation,
    quotes,
    split_sentences,
    words,
    written_numbers,
)
from headlinez.domain.headlines import is_roundup
from headlinez.domain.terms import UNSPACED_RUN
from headlinez.domain.text import mostly_letters_of, normalize_title
from headlinez.domain.topics import in_title_case

_FORWARD_CUES = lexicon.word_set("brief_forward_cues")
# Reader-facing blurbs of podcasts, newsletters and live pages: never a fact of the story.
_PROMO = re.compile(
    r"\b(podcasts?|newsletters?|subscribe|sign up|listen|episode|tune in|click|live updates|live blog|"
    r"follow (?:our|along|live)|download|in this video|watch (?:live|the video|now)|our (?:team|show|"
    r"reporters|correspondents?|coverage)|you|your|we'll|we will|today's show|read more|key developments|"
    r"what we know|here's what|here are (?:the |\w+ )?(?:takeaways|things|key|ways|reasons)|"
    r"latest updates|live:|appeared first on)", re.IGNORECASE)
_SPEECH = re.compile(
    r"\b(said|says|say|told|stated|warned|added|argued|insisted|claimed|announced|denies|denied|vowed|"
    r"acknowledged|tweeted|wrote|testified|adds|tells|warns|argues|insists|writes|announces|acknowledges|"
    r"vows|testifies|reported|(?:alleged|alleges|allege)(?= that\b))\b")
# Verbs that report words only when the words are there: "Biden called the bill an 'assault on
# democracy'", "senators accused the FBI of being 'politically constrained'", "In a statement, Bush
# lauded Rumsfeld" (not "Trump called a meeting", "the so-called deal", "urged restraint").
_QUOTING = re.compile(
    r"(?<!so-)\b(called|calls|accused|accuses|condemned|condemns|lauded|lauds|praised|praises|slammed|slams|"
    r"blasted|blasts|criticized|criticised|criticizes|criticises|urged|urges|demanded|demands|hailed|"
    r"hails|dubbed|branded|described|describes|rejected|rejects|dismissed|dismisses|defended|defends)\b")
_WORDS_FRAME = re.compile(r"\b[Ii]n (?:a|an|his|her|their|its|the) (?:\w+ ){0,2}"
                          r"(?:statement|letter|post|tweet|"
                          r"interview|speech|video|op-ed|news conference|press conference)\b")
# Speakers named by their role, not by a name ("..., police say"; "Officials said ..."), with the
# party or body that qualifies them ("Republican leaders say", "White House officials said").
_ROLE_WORDS = frozenset({
    "police", "officials", "authorities", "prosecutors", "investigators", "rescuers", "witnesses", "doctors",
    "researchers", "scientists", "analysts", "experts", "lawmakers", "senators", "leaders", "justices",
    "aides", "sources", "network", "company", "ministry", "military", "army", "government", "agency", "court",
    "embassy", "campaign", "official", "spokesman", "spokeswoman", "spokesperson", "president", "governor",
    "senator", "mayor", "minister", "department", "statement", "report",
    # bodies that speak for others: "a rights group said", "the watchdog reported"
    "group", "groups", "watchdog", "monitor", "charity", "union", "regulator", "regulators", "diplomats",
    "activists", "residents", "lawyers", "medics", "organizers", "organisers"})
# A body's kind may be one lower-case word: "a rights group", "the advocacy group", "a labor union".
_MODIFIED_ROLES = ("group", "groups", "watchdog", "monitor", "charity", "union")
_ROLE_SPEAKER = re.compile(
    r"\b((?:the )?(?-i:(?:Republican|Democratic|GOP|Senate|House|White House|U\.S\.|US) )?"
    rf"(?:(?-i:[a-z]{{3,}} )(?={'|'.join(_MODIFIED_ROLES)}\b))?"
    rf"(?:{'|'.join(sorted(_ROLE_WORDS))}))\b$", re.IGNORECASE)
# Someone who speaks for a named person: "Alexey Navalny's mom says", "Trump's lawyer said",
# "Netanyahu's office said" (the clause before the verb ends on it).
_RELATIVE_SPEAKER = re.compile(
    r"\b((?:[A-Z][\w-]+ ){0,2}[A-Z][\w-]+)['’]s ((?i:mother|mom|father|dad|wife|husband|widow|widower|"
    r"son|daughter|brother|sister|family|parents|lawyer|lawyers|attorney|attorneys|spokesperson|"
    r"spokesman|spokeswoman|office|campaign))$")
# "According to the Emergency Lawyers, several drones hit ...": whose account the sentence gives
_ACCORDING_TO = re.compile(r"\b[Aa]ccording to ((?:the )?[^,;:()]{3,60}?)\s*(?=[,;:()]|\.?\s*$)")
_DECISION = re.compile(
    r"\b(agreed|approved|voted|ruled|signed|passed|rejected|decided|ordered|banned|sentenced|convicted|"
    r"charged|indicted|ousted|elected|appointed|confirmed|blocked|upheld|dismissed|suspended|imposed|"
    r"vetoed|cancell?ed|postponed|recalled|fined|overturned|struck down|repealed|revoked|rescinded|"
    r"lifted(?= (?:the |a |its |their )?(?:\w+ ){0,2}"
    r"(?:bans?|sanctions?|restrictions?|curfews?|embargo(?:es)?|tariffs?|lockdowns?|measures|suspensions?|"
    r"moratori(?:um|a)|mandates?)\b)"
    # a rule changed: "updated its mask guidance", "eased mask-wearing guidance", "reversed the policy"
    # (not the adjective: "announces updated guidelines", "the revised rules")
    r"|(?<!announces )(?<!announced )(?<!unveiled )(?<!unveils )(?<!issued )(?<!issues )(?<!the )(?<!its )"
    r"(?<!their )(?<!an )(?<!a )(?<!new )(?<!to )(?<!of )(?<!with )(?<!by )(?<!under )"
    r"(?:updated|eased|relaxed|loosened|tightened|reversed|revised|extended)(?= (?:the |a |an |its |their |"
    r"earlier |previous )?(?:[\w-]+ ){0,2}(?:guidance|guidelines|rules?|polic(?:y|ies)|recommendations?|"
    r"restrictions?|mandates?|requirements?|bans?|sanctions?|curfews?|limits?)\b))\b")
# "KHARTOUM (Reuters) - ", "WASHINGTON: ", "Nairobi -- ": where the wire filed it, not the fact.
_DATELINE = re.compile(r"^(?:[A-Z][A-Z .,'/-]{2,40}(?:\([^)]{1,40}\))?\s*(?:-|—|:)"
                       r"|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}\s*(?:--|—))\s+")
_PARENTHESIS = re.compile(r"\s*\([^()]{1,60}\)")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_TITLES = lexicon.word_set("brief_person_titles")
_LEAD_SENTENCES = 3
_LEAD_MIN_WORDS = 8
_MAX_COVERAGE_GROUPS = 3
_MAX_CITED = 4
_CORROBORATION_OVERLAP = 0.6


@dataclass(frozen=True)
class _Candidate:
    item: EvidenceItem
    text: str
    position: int
    """Sentence position in the snippet; -1 for the headline."""
    stems: frozenset[str]
    score: float
    families: int
    """Newsrooms whose evidence shares most of its content words (its own included)."""
    full_names: Mapping[str, str] = field(default_factory=dict, compare=False)
    """Surname (lower case) -> the one full name the evidence writes it in ("fine" -> "Randy Fine")."""


def _display_outlet(outlet: str) -> str:
    aliases = sorted(outlet_aliases(outlet), key=len, reverse=True)
    base = normalize(outlet).split(" (")[0].strip()
    return base if base else (aliases[0] if aliases else outlet)


def _unquoted(sentence: str) -> str:
    """The sentence without its quotations (normalized: every quotation mark is a straight one)."""
    return re.sub(r'"[^"]*"', " ", normalize(sentence))


def is_promo(sentence: str) -> bool:
    """A podcast, newsletter, live-page or reader-addressed blurb (quoted words do not count)."""
    return _PROMO.search(_unquoted(sentence)) is not None


# A brief speaks in the third person: a columnist's "As I explained last night" or "we need to" is
# the writer's voice, not a fact of the story (quoted words do not count).
_FIRST_PERSON = re.compile(r"(?<![\w'’])(?:I|I'm|I've|I'd|I'll|me|[Mm]y|[Mm]yself|[Ww]e|[Oo]ur|"
                           r"[Oo]urselves|us)(?![\w'’])")


def _first_person(sentence: str) -> bool:
    return _FIRST_PERSON.search(_unquoted(sentence)) is not None


# Labels some newsrooms open a snippet sentence with: a publication stamp ("PUBLISHED FEBRUARY 23,
# 2021:", "UPDATED:"), a writer's lead-in ("Here is a look at how he is remembered:"), a section
# label of the "smart brevity" style ("Why it matters:") or an aggregator's source tag ("[Capital
# FM]"). They are page furniture, not part of the fact; the sentence is used without them.
_LABEL = re.compile(
    r"^(?:\[[^\]]{1,40}\]"  # a source tag: "[Capital FM] Nairobi -- ..."
    r"|(?:PUBLISHED|UPDATED|UPDATE|BREAKING|EXCLUSIVE|DEVELOPING)\b[A-Z0-9 ,.]{0,30}:"
    r"|(?:Here is|Here's|Here are)\b[^:\"]{0,80}:"
    r"|(?:Why it matters|The big picture|Driving the news|Between the lines|The bottom line|Bottom line|"
    r"State of play|Zoom in|Zoom out|The backstory|Catch up quick|Go deeper|Flashback|Context|Details|"
    r"By the numbers|What they're saying|What's next|Yes, but|The other side|Reality check):)\s+(?=\S)")


# A list's heading in capitals before the item that repeats it: "AUSTRALIA Australia, which plans ..."
_CAPITALS_HEADING = re.compile(r"^([A-Z][A-Z'-]{2,}(?: [A-Z][A-Z'-]+)*) (?=(?i:\1)\b)")


# The item's own headline as a label before the sentence: "Tarique Rahman's oath ceremony in
# Bangladesh: BNP has bagged 209 out of 297 seats" (titled "Tarique Rahman's Oath-Taking Ceremony
# Highlights: ..."). Only a few words the title holds, and never a transcript's speaker tag
# ("TUCKER CARLSON: It's not just ..."): what follows is someone's words.
_HEADING = re.compile(r"^(?P<label>[A-Z][^:.!?;\"“”()]{2,80}):\s+(?=[A-Z])")
_MAX_HEADING_WORDS = 8
_HEADING_IN_TITLE = 0.75


def _without_heading(sentence: str, title: str) -> str:
    match = _HEADING.match(sentence)
    if (match is None or match.group("label").isupper()
            or len(match.group("label").split()) > _MAX_HEADING_WORDS):
        return sentence
    label = content_stems(match.group("label"))
    if not label or overlap(label, set(content_stems(title))) < _HEADING_IN_TITLE:
        return sentence
    return sentence[match.end():]


def _without_label(sentence: str, title: str) -> str:
    stripped = _CAPITALS_HEADING.sub("", _LABEL.sub("", sentence, count=1), count=1)
    stripped = _without_heading(stripped, title)
    return stripped[:1].upper() + stripped[1:] if stripped != sentence else sentence


# A sentence that opens on a pronoun leans on the sentence before it ("He is scheduled to meet
# Prime Minister Narendra Modi", "Their respective semifinal wins ...", "These were documents ..."):
# a brief's claim and an answer stand alone, where the reader cannot tell who is meant. "It" and
# "This" are left out: they are often no reference at all ("It's been two weeks", "This year's
# budget"). A quotation is left alone: its speaker is named in the attribution.
_REFERRING_OPENERS = frozenset({"he", "she", "they", "him", "her", "them", "his", "their", "its", "these",
                                "those"})


# "It" that acts stands for a thing named before ("It has begun studying ..."); "It is unclear",
# "It took 93 years", "It has been a year since" name nothing.
_IT_ACTS = re.compile(r"It (?:(?:has|had) (?!been\b)\w+|said|says|added"
                      r"|(?!(?:seem|appear|remain)ed\b)\w+ed)\b")


# "This" or "That" followed by its verb stands for what came before ("This fell to ...", "That
# means ..."; not "This year's budget", "That decision"); so does "It was the first ..." (the
# event the sentence before told).
_THIS_VERBS = frozenset({"was", "means", "meant", "marks", "marked", "comes", "came", "follows",
                         "followed"})
_IT_WAS_THE = re.compile(r"It (?:is|was) the (?:first|second|third|latest|largest|biggest|highest|lowest)\b")


def _this_acts(first: Sequence[str]) -> bool:
    if len(first) < 2 or first[0] not in {"This", "That"}:
        return False
    verb = first[1]
    return verb in _THIS_VERBS or verb in _IRREGULAR_PAST or (
        verb.islower() and len(verb) > 4 and verb.endswith("ed") and not verb.endswith("eed"))


# ... as does one that names what came before by its kind: "The development comes as ...", "The
# move follows ..." (what moved, the sentence does not say).
_REFERRING_NOUNS = frozenset({"development", "move", "announcement", "news", "comments", "remarks", "step"})


def _opens_on_a_reference(sentence: str) -> bool:
    text = normalize(sentence).lstrip()
    first = words(text)[:2]
    if not first or text.startswith(('"', "'")):
        return False
    if first[0] == "The" and len(first) == 2 and first[1] in _REFERRING_NOUNS:
        return True
    if first[0] == "It" and _IT_ACTS.match(text):
        return True  # "It has ordered Facebook to ...", "It passed the Senate 92-6 in April"
    if _this_acts(first) or _IT_WAS_THE.match(text):
        return True  # "This fell to 534,000", "That means more than 5 million ...", "It was the first"
    return re.split(r"['’]", first[0].lower())[0] in _REFERRING_OPENERS  # "He's" too


def _bare_quotation(sentence: str) -> bool:
    """A sentence that is all quotation ('"Democracy and the republic will win."'): whose words
    they are, the sentence does not say."""
    text = normalize(sentence).strip()
    return text.startswith('"') and text.endswith('"') and text.count('"') == 2


# The words that make a sentence of a run of words: an auxiliary, a past form ("-ed", or without
# it: "flew", "cost"), a present in -s after the first word.
_VERB_WORDS = frozenset({"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will",
                          "would", "can", "could", "may", "might", "must", "should", "do", "does", "did",
                          "am", "'s", "'re", "'ve", "'ll", "'d"})
_SAME_FORM_PASTS = lexicon.word_set("brief_irregular_pasts")
_IRREGULAR_FORMS = lexicon.string_map("irregular_forms")


_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")


def _verb_form(word: str) -> bool:
    """An auxiliary, a past form or an irregular verb form."""
    lowered = word.lower().replace("’", "'")
    ending = lowered[lowered.find("'"):] if "'" in lowered else ""
    return (lowered in _VERB_WORDS or ending in _VERB_WORDS - {"'s"} or lowered.endswith(("ed", "n't"))
            or lowered in _IRREGULAR_FORMS or lowered in _SAME_FORM_PASTS)


def _third_person_s(word: str) -> bool:
    """A lower-case -s word, a verb's third person or a plural noun ("says", "markets")."""
    lowered = word.lower()
    return word[:1].islower() and lowered.endswith("s") and not lowered.endswith("ss")


def _has_a_verb(sentence: str) -> bool:
    """Whether the sentence has a word that makes it one: "FP's all-star panel at the Munich
    Security Conference." and "Republican Sen. Josh Hawley the only senator to vote against it."
    have none (a caption, a cut line), and lead or answer nothing. A sentence in another script is
    not judged: it has one."""
    if not _judged_in_english(sentence):
        return True
    return any(_verb_form(word) or (n > 0 and _third_person_s(word))
               for n, word in enumerate(_LATIN_WORD.findall(sentence)))


_TEASER_OPENING = re.compile(r"(?:What|How|Why)\b(?![:,]|['’]s more\b)")
_IN_A_VERB_GROUP = frozenset({"not", "never", "also", "just", "still", "yet"})


def _verb_groups(sentence: str, *, third_person_s: bool = True) -> int:
    """How many runs of verb-like words the sentence has ("has ducked", "was not explained": one);
    an -s word counts (`third_person_s`) unless a preposition or a determiner comes before it ("to
    news outlets", "the markets": a plural)."""
    groups, inside = 0, False
    found = _LATIN_WORD.findall(sentence)
    for n, word in enumerate(found):
        before = found[n - 1].lower() if n else None
        if _verb_form(word) or (third_person_s and before is not None and _third_person_s(word)
                                and before not in _NOT_A_PREDICATE and before not in _DETERMINERS):
            groups += not inside
            inside = True
        elif not (inside and (word.lower() in _IN_A_VERB_GROUP or word.lower().endswith("ly"))):
            inside = False
    return groups


def _teaser(sentence: str) -> bool:
    """Whether the sentence is a dek's teaser, an embedded question standing alone ("What Jeff
    Bezos's actions signal to news outlets around the world.", "Why the PLA has ducked a brawl
    with America"): it promises an answer and states none. A subject clause with a verb of its own
    after it is a statement ("What happened next was captured on video", "How the virus reached
    the farm remains unclear"), and so is anything attributed ("..., officials said")."""
    if not _TEASER_OPENING.match(sentence) or _speech_verb(sentence)[0] is not None:
        return False
    # A plural noun passes for a third-person verb ("news outlets"): with no other kind of verb,
    # two such runs are still no second clause.
    groups = _verb_groups(sentence)
    return groups <= 1 or (groups == 2 and _verb_groups(sentence, third_person_s=False) == 0)


def _word_count(text: str) -> int:
    """Words of a text; a run of a script written without spaces (Chinese, Japanese, Thai), which
    `words` reads as one word, counts one per two characters: a 16-character Chinese sentence is 8
    words, not 1 (none was ever long enough to be used)."""
    count = 0
    for word in words(text):
        run = sum(len(part) for part in UNSPACED_RUN.findall(word))
        count += 1 + (run - 1) // 2 if run else 1
    return count


# Latin letters: what the English verb lists can judge
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _judged_in_english(sentence: str) -> bool:
    """Whether most of the sentence's letters are Latin: the verb tests read English words only,
    and found no verb in any Hindi, Chinese, Arabic or Russian sentence, so every brief in those
    scripts was one headline."""
    return mostly_letters_of(sentence, _LATIN_LETTER)


def _usable(sentence: str) -> bool:
    count = _word_count(sentence)
    return (6 <= count <= 45 and not is_truncated(sentence) and REDACTION not in sentence
            and sentence.count('"') % 2 == 0 and not sentence.rstrip().endswith("?") and not _teaser(sentence)
            and not is_promo(sentence) and not _first_person(sentence) and not _opens_on_a_reference(sentence)
            and not _bare_quotation(sentence))


def _candidates(evidence: Sequence[EvidenceItem], full_names: Mapping[str, str], *,
                headlines: bool = False) -> list[_Candidate]:
    sentences: list[tuple[EvidenceItem, str, int]] = []
    for item in evidence:
        if headlines and _usable(item.title):
            sentences.append((item, normalize(item.title), -1))
        for position, written in enumerate(split_sentences(item.snippet)):
            sentence = _without_label(written, item.title)
            # (a headline may be a noun phrase; an article's sentence that is one is a caption)
            if _usable(sentence) and _has_a_verb(sentence):
                sentences.append((item, sentence, position))
    frequency: Counter[str] = Counter()
    item_stems = {item.id: content_stems(item.text) for item in evidence}
    for stems_of_item in item_stems.values():
        frequency.update(stems_of_item)
    scored: list[_Candidate] = []
    for item, sentence, position in sentences:
        stems = frozenset(content_stems(sentence))
        if not stems:
            continue
        families = len({other.publisher_family for other in evidence
                        if overlap(stems, item_stems[other.id]) >= _CORROBORATION_OVERLAP})
        shared = sum(frequency[s] - 1 for s in stems)
        length = _word_count(sentence)
        length_factor = 1.0 if 10 <= length <= 35 else 0.7
        position_factor = 1.3 if position == 0 else (0.8 if position < 0 else 1.0)
        score = (shared / math.sqrt(len(stems)) + 1.0) * length_factor * position_factor * math.sqrt(families)
        scored.append(_Candidate(item, sentence, position, stems, score, max(families, 1), full_names))
    scored.sort(key=lambda c: (-c.score, c.item.id, c.position))
    return scored


_NOT_PERSON_WORDS = (frozenset(w for name in lexicon.entries("countries") for w in name.split())
                     | lexicon.word_set("place_words") | lexicon.word_set("organization_words")
                     | frozenset({"u.s", "us", "u.k", "uk", "eu", "un"}))


_FIRST_NAMES = lexicon.word_set("first_names")


def _person_like(name: str) -> bool:
    """2-4 capitalized words opening on a known first name, none a country, place or organization
    word: "Randy Fine", not "U.S. Iran", "Presses Hamas" or "Jesse Jackson and Janet Jackson".
    (A name the list does not know is simply not expanded: the surname alone stays.)"""
    parts = name.split()
    return (2 <= len(parts) <= 4 and all(part[:1].isupper() for part in parts)
            and normalize_title(parts[0]) in _FIRST_NAMES
            and not any(part.lower().strip(".'’") in _NOT_PERSON_WORDS for part in parts))


@dataclass(frozen=True, slots=True)
class _Named:
    """The names (titles stripped) one sentence of an item writes; its headline when `headline`."""

    item: EvidenceItem
    headline: bool
    names: tuple[str, ...]


def _named(evidence: Sequence[EvidenceItem]) -> list[_Named]:
    """Every sentence's names, read once per draft (full names and the subject use them)."""
    return [_Named(item, position == 0, tuple(_clean_name(run) for run in name_sequences(sentence)))
            for item in evidence
            for position, sentence in enumerate([item.title, *split_sentences(item.snippet)])]


_NICKNAMES = lexicon.string_map("nicknames")


def _given(name: str) -> str:
    """The formal given name of a full name: "Chuck Schumer" and "Charles E Schumer" -> "charles"."""
    first = normalize_title(name.split(maxsplit=1)[0])
    return _NICKNAMES.get(first, first)


def _full_names(named: Sequence[_Named], *, unlisted: bool = False) -> dict[str, str]:
    """Each surname the evidence writes for one person only ("Randy Fine"), so that a later "Fine
    said" names its speaker in full. Two given names are two people ("Joe Biden", "Hunter Biden":
    the surname alone stays), unless one is the other's familiar form ("Chuck Schumer", "Charles E
    Schumer"): then the form the evidence writes most often (the first written, on a tie)."""
    found: dict[str, Counter[str]] = {}
    guessed: dict[str, Counter[str]] = {}
    for sentence in named:
        for name in sentence.names:
            if _person_like(name):
                found.setdefault(name.split()[-1].lower(), Counter())[name] += 1
            elif unlisted and not sentence.headline and _unlisted_person(name):
                guessed.setdefault(name.split()[-1].lower(), Counter())[name] += 1
    # With `unlisted` (for naming a speaker, whose surname sits right by a speech verb), a given
    # name the list does not know ("Tucker Carlson", "Rochelle Walensky") counts too, when a
    # snippet's sentence writes it (a headline capitalizes every word: "US Presses Hamas"), for a
    # surname no listed name has: "Liz Cheney" is not undone by "Republican Cheney". Subjects keep
    # the list: they are read from headlines too ("Making Juneteenth").
    for surname, names in guessed.items():
        found.setdefault(surname, names)
    return {surname: names.most_common(1)[0][0] for surname, names in found.items()
            if len({_given(name) for name in names}) == 1}


def _unlisted_person(name: str) -> bool:
    """2-3 capitalized words that may be a person whose given name the list does not know: no
    country, place, organization, title, party or people word ("Tucker Carlson", "Ronna Romney
    McDaniel"; not "Republican Cheney", "Israeli Netanyahu", "Supreme Court")."""
    parts = name.split()
    return (2 <= len(parts) <= 3
            and all(re.fullmatch(r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*|Mc[A-Z][a-z]+", part) for part in parts)
            and not any(part.lower() in _NOT_PERSON_WORDS or part.lower() in _TITLES
                        or part.lower() in STOPWORDS or part.lower() in MONTHS for part in parts)
            and parts[0].lower() not in _DESCRIPTORS and not _demonym(parts[0])
            and parts[0].lower() not in _FAITHS
            and not _a_trade_word(parts[0]))


_OPINION_PATH = re.compile(r"/(?:opinions?|commentary|op-?eds?|editorials?|commentisfree|columnists?)"
                           r"(?:/|-|$)", re.IGNORECASE)


def _opinion(item: EvidenceItem) -> bool:
    """An item its publisher files as opinion: its URL's section ("/opinion/", "/commentisfree/")
    or its outlet's label ("New York Times (Opinion)")."""
    return _OPINION_PATH.search(item.url or "") is not None or "(opinion)" in item.outlet.lower()


def _distinct(chosen: Sequence[_Candidate], candidate: _Candidate) -> bool:
    """Whether a sentence adds to those chosen: most of its words are not theirs, nor are most of
    one chosen sentence's words its own (a second newsroom's fuller telling of the same fact), nor
    does it give one of their figures in words a quarter of which are theirs ("rose 5.4% over the
    past year" and "Prices rose 5.4 percent ... compared with one year ago")."""
    figures = _figures(candidate.text)
    return all(overlap(candidate.stems, set(c.stems)) < 0.5 and overlap(c.stems, set(candidate.stems)) < 0.5
               and c.text != candidate.text
               and not (figures & _figures(c.text) and max(overlap(candidate.stems, set(c.stems)),
                                                          overlap(c.stems, set(candidate.stems))) >= 0.25)
               for c in chosen)


def _figures(text: str) -> set[float]:
    """The numbers a sentence writes in digits (`text.written_numbers`: "5.4", "559,000", a span
    such as "100 days", a name's such as "COVID-19": two sentences on the disease sharing a quarter
    of their words were judged one fact told twice, 3 pages of 4; number words were judged worse),
    without its dates: no year and no day of the month, which say when, not what."""
    dates = {float(value) for match in _MONTH_DAY.finditer(text) for value in match.groups()
             if value and value.isdigit()}
    return {value for value in written_numbers(text)
            if value not in dates and not (value.is_integer() and 1900 <= value <= 2099)}


# Stops of other scripts (after NFKC): the ideographic full stop and corner brackets, the danda,
# the Arabic question mark
_OTHER_STOPS = ("\u3002", "\u300d", "\u300f", "\u0964", "\u0965", "\u061f")


def _full_stop(text: str) -> str:
    """The stop a sentence ending on `text`'s last letter takes: "。" after Chinese or Japanese,
    the danda after Devanagari, else "."."""
    last = text.rstrip()[-1:]
    if last and HAN_OR_KANA_LETTER.match(last):
        return "\u3002"
    if "\u0900" <= last <= "\u097f":
        return "\u0964"
    return "."


def _as_sentence(text: str) -> str:
    """Feeds sometimes drop the final stop of a snippet sentence; a brief's sentence has one."""
    stops = (".", "!", "?", '"', "'", "\u201d", *_OTHER_STOPS)
    return text if text.endswith(stops) else text + _full_stop(text)


class _Writer:
    """Turns chosen evidence sentences into checked, cited claims."""

    def __init__(self, evidence: Sequence[EvidenceItem]) -> None:
        self._evidence = evidence
        self._index = EvidenceIndex(evidence)

    def passes(self, text: str, ids: Sequence[int]) -> bool:
        return not check_claim(text, ids, self._index).problems

    def compress(self, candidate: _Candidate) -> str:
        """The sentence without a dateline or short parentheses, when the checker still finds it
        stated by its item; otherwise the sentence as written."""
        text = _as_sentence(candidate.text)
        shorter = _PARENTHESIS.sub("", _DATELINE.sub("", text)).strip()
        if shorter != text and len(words(shorter)) >= 6 and shorter[:1].isupper() \
                and self.passes(shorter, [candidate.item.id]):
            return shorter
        return text

    def citations(self, text: str, candidate: _Candidate) -> list[int]:
        """The item the sentence comes from, plus up to 3 others that state it on their own."""
        ids = [candidate.item.id]
        for item in self._evidence:
            if len(ids) == _MAX_CITED:
                break
            if item.id != candidate.item.id and overlap(candidate.stems, content_stems(item.text)) \
                    >= _CORROBORATION_OVERLAP and self.passes(text, [item.id]):
                ids.append(item.id)
        return ids

    def claim(self, candidate: _Candidate) -> Claim:
        text = self.compress(candidate)
        return Claim(text=text, evidence_ids=self.citations(text, candidate))


# A writer's judgement or guess is no fact of what happened: "these are likely doomed from the
# start", "the nation's response must not flag" (a speaker's quoted words are theirs: left alone).
_JUDGEMENT = re.compile(r"\b(?:likely|probably|ought|doomed|arguably|surely|of course|clearly|obviously|"
                        r"(?:is|was|are|were) (?:right|wrong) to"
                        r"|(?:that|this|it)['’]?s? (?:is )?a (?:good|bad) thing"
                        # a writer's verdict or musing: "No one really knows what ...", "a last
                        # hurrah of sorts", "couldn't have been more clear", "is a tough case"
                        r"|no one (?:really )?knows|of sorts|could(?:n['’]t| not) have been more"
                        r"|(?:is|was) a (?:tough|difficult|hard|complicated|curious|strange) "
                        r"(?:case|one|question|call))\b",
                        re.IGNORECASE)
# A sentence opening on one of these answers one the reader has not seen.
_CONTINUING = frozenset({"but", "and", "yet", "however", "meanwhile", "still", "also"})
# ... and so does a connective of a few words ("In addition, those who are fully vaccinated ...")
_CONNECTIVE_OPENING = re.compile(
    r"^(?:in addition|additionally|moreover|furthermore|similarly|likewise|instead|as a result|"
    r"at the same time|on the other hand|in contrast|by contrast|even so|nonetheless|nevertheless|"
    r"in turn|to that end),"  # (with its comma: "Instead of one choice, ..." is whole)
    # "It is also a sharp rise since ...": "it", and "also", point at the sentence before
    r"|^(?:it|this|that) (?:is|was|has|had)? ?also\b", re.IGNORECASE)


def _a_judgement(candidate: _Candidate) -> bool:
    return _JUDGEMENT.search(_unquoted(candidate.text)) is not None


def _what_happened(candidates: Sequence[_Candidate], evidence: Sequence[EvidenceItem]) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    single_newsroom = len({item.publisher_family for item in evidence}) == 1
    # ... nor does a sentence that opens on "But" or "And" lead (it answers the one before it), a
    # quotation (someone's words, not the event) or a sentence of a few words ("Fox News was
    # granted exclusive access.": a side detail)
    factual = [c for c in candidates if not _a_judgement(c)
               and not any(w.lower() in _CONTINUING for w in words(c.text)[:1])
               and not _CONNECTIVE_OPENING.match(c.text) and _POINTS_BACK.search(c.text) is None
               and not c.text.startswith(('"', "“")) and _word_count(c.text) >= _LEAD_MIN_WORDS]
    for candidate in factual or candidates:
        if len(chosen) == _LEAD_SENTENCES:
            break
        other_family = all(c.item.publisher_family != candidate.item.publisher_family for c in chosen)
        if _distinct(chosen, candidate) and (other_family or single_newsroom):
            chosen.append(candidate)
    # A third sentence only when it is corroborated: the lead stays short otherwise.
    return [c for n, c in enumerate(chosen) if n < 2 or c.families >= 2]


# --- how coverage differs -----------------------------------------------------------------------


_HEADLINE_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*(?:(?<=\.[^\W_])\.)?")  # U.S. keeps its dots


_SECOND_SENTENCE = re.compile(r"(?<=[a-z]{3})\.\s+(?=[A-Z])")  # a headline's second sentence starts
# not "473,000", nor a decimal comma ("магнитудой 6,8": the clause was "8 произошло у ...")
_CLAUSE_BREAK = re.compile(r"(?<!\d),|,(?!\d)|[:;!?()\u2013\u2014]|\s-\s")
_MAX_CLAUSE_WORDS = 10
_CLAUSE_OPENING = frozenset({"but", "as", "while", "amid", "after"})
_HANGING_OPENING = frozenset({"despite", "although", "though", "if", "when", "because", "since", "before",
                              "until", "unless", "whether", "including", "according", "who", "which",
                              "whose", "and", "or"})  # "and TikTok Over ...": the end of a list
# A clause that only attributes the headline ("..., new CDC data shows", "..., officials say")
_ATTRIBUTION_CLOSE = frozenset({"says", "say", "said", "shows", "show", "showed", "finds", "find", "found",
                                "reports", "reported", "suggests", "warns", "claims", "reveals", "confirms"})


# A later clause opening on its verb has its subject in the clause before ("Thomas Barrack, Trump
# Fund-Raiser, Is Indicted on Lobbying Charge"; "CDC, in reversal, recommends ...")
_PREDICATE_OPENING = _ATTRIBUTION_CLOSE | frozenset({
    "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "tells", "told",
    "urges", "recommends",
    # a headline's second verb ("Judge Rules DACA Unlawful, Orders DHS to Cease ..."; judged a
    # fragment: the quote has no subject): the headline verbs' third-person forms (the list topics
    # keeps out of key phrases), and a few it does not hold
    "orders", "signs", "wins", "backs", "blasts", "pushes", "adds",
    # ... or of a plural subject's ("Top scientists slam WHO, insist COVID lab leak theory is ...")
    "insist", "slam", "urge", "warn", "vow", "say", "call"}) | frozenset(
    verb for verb in lexicon.word_set("headline_verbs") if verb.endswith("s") and verb != "details")


# A clause after listed names opening on one of these is no predicate of theirs ("Pelosi, in a
# statement, says ...", "Biden, unlike predecessors, ...")
_NOT_A_PREDICATE = frozenset({"in", "on", "at", "for", "with", "from", "by", "of", "to", "into", "during",
                              "unlike", "like", "the", "a", "an", "her", "his", "their", "its"})


def _closing_attribution(title: str) -> str:
    """The headline's last clause when it only attributes the rest ("..., sources say", "..., new
    CDC data shows"), else ""."""
    breaks = list(_CLAUSE_BREAK.finditer(title))
    if not breaks:
        return ""
    last = re.sub(r"\.(['’\"”]?)$", r"\1", title[breaks[-1].end():].strip())
    words = _HEADLINE_WORD.findall(last)
    return last if words and words[-1].lower() in _ATTRIBUTION_CLOSE else ""


def _clause(title: str, aspect: Set[str]) -> str | None:
    """The whole clause of the headline (between its commas, colons, dashes) that holds the most of
    its aspect words, when it is 3-10 words: "Biden Defends Afghan Pullout" of "Biden Defends
    Afghan Pullout, Sets Aug. 31 End Date". A clause is what a reader can take in as said; a run
    cut out of one ("Defends Afghan Pullout, Sets") reads as a fragment (judged blind, 55 of 60
    coverage sentences built from such runs were bad)."""
    best: tuple[int, str] | None = None  # (aspect words held, clause); the first wins a tie
    start = 0
    names_from: int | None = 0  # where the headline's list of names opening it starts, if it has one
    after_short_item = False  # the clause before ended at a comma and was one or two words
    titled = in_title_case(_HEADLINE_WORD.findall(title))
    attribution = _closing_attribution(title)
    for piece in [*_CLAUSE_BREAK.finditer(title), None]:
        later = start > 0
        in_a_list, after_short_item = after_short_item, False
        end = piece.start() if piece is not None else len(title)
        clause = re.sub(r"\.(['’\"”]?)$", r"\1", title[start:end].strip())
        listed = _HEADLINE_WORD.findall(clause)
        if names_from is not None and 1 <= len(listed) <= 3 and piece is not None and piece.group() == "," \
                and all(w[:1].isupper() and w.lower() not in STOPWORDS for w in listed):
            start = piece.end()  # "Manchin, Murkowski call on Congress ...": the names are its subject
            continue
        joined = False
        if names_from is not None and later and len(listed) >= 3 and (piece is None or piece.group() != ",") \
                and listed[0].lower() not in _HANGING_OPENING | _CLAUSE_OPENING | _NOT_A_PREDICATE:
            # (a clause closed by a comma is an apposition: "Jesse Jackson, veteran activist, dies")
            clause = re.sub(r"\.(['’\"”]?)$", r"\1", title[names_from:end].strip())
            joined = True
        names_from = None
        # (a short opening phrase of place or time is no list item: "In Africa, Jesse Jackson Was
        # Esteemed ...")
        setting = not later and bool(listed) and listed[0].lower() in _NOT_A_PREDICATE | _CLAUSE_OPENING
        after_short_item = piece is not None and piece.group() == "," and len(listed) <= 2 and not setting
        quoted_after = (piece is not None and piece.group() == ":"
                        and title[piece.end():].lstrip()[:1] in "'‘\"“")
        start = piece.end() if piece is not None else len(title)
        if piece is not None and piece.group() == "?":
            clause += "?"  # "a showdown between Europe and Trump?": without its mark, it reads as a claim
        if in_a_list and not joined:
            continue  # "Trump sues Twitter, Facebook, Google and CEOs Dorsey, ...": an item of a list
        if quoted_after and re.fullmatch(r"[^,]+ to [^,]+", clause):
            continue  # "Kamala Harris to Potential Migrants: 'Do Not Come'": who spoke to whom
        if len(_HEADLINE_WORD.findall(_SECOND_SENTENCE.split(clause)[-1])) < 3:
            continue  # "No, you're not crazy. Yes, the CDC's ...": "you're not crazy. Yes" ends on a scrap
        if not _quotes_balanced(clause) or clause[:1] in "'‘\"“":
            # "Taliban takeover isn't 'inevitable" lost its closing mark at the break; a clause
            # that is a quotation ("'This is disgusting'") is someone's words, not an angle
            continue
        found = _HEADLINE_WORD.findall(clause)
        if found and found[0].lower() in _CLAUSE_OPENING:
            clause = clause[len(found[0]):].strip()
            found = found[1:]
        named_only = bool(found) and all(w[:1].isupper() for w in found) and not titled
        if named_only or (found and (found[0].lower() in _HANGING_OPENING
                                     or found[-1].lower() in _ATTRIBUTION_CLOSE
                                     or (later and not joined and found[0].lower() in _PREDICATE_OPENING))):
            # "Despite popular misconception" hangs on the rest of the headline; "new CDC data
            # shows" only says where it came from; in a sentence-case headline, a clause of
            # capitals alone is a name out of a list ("Washington Post, New York Times and ...")
            continue
        held = sum(1 for word in found if content_stems(word) & aspect)
        if held and 3 <= len(found) <= _MAX_CLAUSE_WORDS and (best is None or held > best[0]):
            best = (held, clause)
    if best is None:
        return None
    # A headline that attributes its claim keeps the attribution: quoted without it, "sources say"
    # or "officials say" would become the newsroom's own assertion
    return f"{best[1]}, {attribution}" if attribution else best[1]


_OPENING_QUOTE = re.compile(r"(?:^|(?<=[\s(\[]))['‘\"“](?=\S)")
_CLOSING_QUOTE = re.compile(r"['’\"”](?=$|[\s.,;:!?)\]])")


def _quotes_balanced(text: str) -> bool:
    return len(_OPENING_QUOTE.findall(text)) == len(_CLOSING_QUOTE.findall(text))


def _headlines_by_family(evidence: Sequence[EvidenceItem]) -> dict[str, EvidenceItem]:
    first: dict[str, EvidenceItem] = {}
    for item in evidence:
        title = normalize(item.title)
        if REDACTION in title or '"' in title or len(words(title)) < 3 or is_roundup(title):
            continue
        first.setdefault(item.publisher_family, item)
    return first


def _aspect_groups(heads: dict[str, EvidenceItem]) -> list[tuple[list[EvidenceItem], str]]:
    """Newsrooms grouped by the aspect their headline stresses: the verbatim run of its words that
    the other newsrooms' headlines do not share (newsrooms with the same run form one group)."""
    stems = {family: content_stems(item.title) for family, item in heads.items()}
    counts: Counter[str] = Counter(s for found in stems.values() for s in found)
    common = {s for s, n in counts.items() if n > len(heads) / 2} if len(heads) > 2 else set()
    groups: dict[str, tuple[list[EvidenceItem], str]] = {}
    for family, item in heads.items():
        phrase = _clause(normalize(item.title).rstrip("."), stems[family] - common or stems[family])
        if phrase:
            groups.setdefault(phrase.lower(), ([], phrase))[0].append(item)

    def distinct(group: tuple[list[EvidenceItem], str]) -> int:
        """Words of the phrase that only this group's headlines have: what sets its angle apart
        ("helped empower US Arabs" does; "leader Jesse Jackson dies" restates the story)."""
        members, phrase = group
        return sum(1 for stem in content_stems(phrase) - common if counts[stem] <= len(members))

    ranked = sorted(groups.values(), key=lambda g: (-distinct(g), -len(g[0])))
    return ranked[:_MAX_COVERAGE_GROUPS]


def _without_restatements(groups: Sequence[tuple[list[EvidenceItem], str]]
                          ) -> list[tuple[list[EvidenceItem], str]]:
    """The groups less any whose clause mostly says what a better-ranked one's says: it stresses no
    aspect of its own ("Greene apologizes for comparing mask rules to Holocaust" beside "Greene
    Apologizes for Holocaust Comparison")."""
    kept: list[tuple[list[EvidenceItem], str]] = []
    for group in groups:
        if not any(_restates(group[1], [other[1]]) for other in kept):
            kept.append(group)
    return kept


_RESTATED = 0.5


# a word a headline puts in quotation marks: its framing ("Remove 'Authoritarian' Pelosi"; not a
# quoted name, "Twitter suspends Trump 'From the Desk' account")
_SCARE_QUOTED = re.compile(r"(?:^|(?<=[\s(]))['‘\"“]([^'’\"”]{3,40})['’\"”](?=$|[\s.,;:!?)])")


def _restates(phrase: str, others: Sequence[str]) -> bool:
    """Whether most of the phrase's words are in the other phrases, as words of one meaning
    ("removes" is "sweeps out", `semantic.concepts`), and it quotes no word of its own (a framing:
    "'real' infrastructure")."""
    own = set(content_stems(phrase))
    theirs = concept_set(set().union(*(content_stems(other) for other in others)))
    if any(" " not in quoted and not all(concepts(stem) & theirs for stem in content_stems(quoted))
           for quoted in _SCARE_QUOTED.findall(normalize(phrase))):
        return False
    return sum(1 for stem in own if concepts(stem) & theirs) / max(len(own), 1) >= _RESTATED


def _restated(phrases: Sequence[str]) -> bool:
    """Whether every quoted aspect mostly says what the others say ("Strike on market in Sudan
    kills at least 28 people" and "Drone attack on Sudan market kills 28"): no difference in the
    coverage to tell. Chosen on AllSides' judged sentences (at half of each clause's words, the 2
    sentences it drops were both judged the same story restated, and no good one is dropped)."""
    return len(phrases) >= 2 and all(_restates(phrase, [*phrases[:n], *phrases[n + 1:]])
                                     for n, phrase in enumerate(phrases))


def _names(items: Sequence[EvidenceItem]) -> str:
    names = list(dict.fromkeys(_display_outlet(i.outlet) for i in items))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _coverage_claims(evidence: Sequence[EvidenceItem], writer: _Writer) -> list[Claim]:
    """One sentence: which newsrooms stress which aspect, in their headlines' words."""
    heads = _headlines_by_family(evidence)
    if len(heads) < 2:
        return []
    groups = _aspect_groups(heads)
    if _restated([phrase for _, phrase in groups]):
        return []
    groups = _without_restatements(groups)
    parts: list[str] = []
    ids: list[int] = []
    for number, (members, phrase) in enumerate(groups):
        plural = len(members) > 1
        verb = ("focus on" if plural else "focuses on", "highlight" if plural else "highlights",
                "lead with" if plural else "leads with")[min(number, 2)]
        parts.append(f"{_names(members)} {verb} \u201c{phrase}\u201d")
        ids.extend(m.id for m in members)
    if len(parts) < 2:
        return []
    text = "; ".join(parts[:-1]) + ", while " + parts[-1] + "."
    # One sentence for the checker too (a "?" inside a phrase would split it) and supported as written.
    one = len(split_sentences(text)) == 1
    return [Claim(text=text, evidence_ids=ids)] if one and writer.passes(text, ids) else []


# --- what to watch and quick answers --------------------------------------------------------------


# A cue that looks back is none: "grew less than expected", "as analysts had expected".
_PAST_EXPECTATION = frozenset({"than", "as", "had", "been", "the", "widely", "generally"})
# Forecasters' "expected" is a figure the data has already beaten or missed ("economists expected",
# "Payrolls were expected to increase by 671,000"); a cue in an idiom or a past tense is no outlook
# ("moments later", "too soon", "the next level", "the city's next mayor", "was awaiting extradition").
_FORECASTERS = frozenset({"economists", "analysts", "forecasters", "markets", "investors", "traders"})
_LATER_IN_THE_PAST = frozenset({"moments", "minutes", "hours", "days", "weeks", "months", "years", "decades",
                                "shortly", "much"})
_NEXT_NOT_AHEAD = frozenset({"level", "generation", "mayor", "president", "prime", "leader", "chief", "ceo",
                             "speaker", "governor", "chancellor", "pope", "king", "queen", "door", "to"})
# A participle cue inside a relative clause describes someone, not what comes next: "The officers
# who are scheduled to testify endured the worst", "Daemen, who was initially scheduled to fly"
# ("who stand to lose them soon" still looks ahead). Its "will" looks ahead when the sentence dates
# what comes: "the summit, which will take place in Geneva on June 16" (not "the drug, which will go
# by the brand name Aduhelm, is an infusion").
_RELATIVE = frozenset({"who", "whom", "which", "whose"})
_FIGURE_AHEAD = re.compile(r"\bexpected to (?:rise|fall|increase|decrease|grow|drop|decline|climb|add|show)\b"
                           r"[^.;]*\d")
_DATED_AHEAD = re.compile(
    r"\b(?:next|coming|upcoming|tomorrow|later this|(?:on )?(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b)",
    re.IGNORECASE)


# A question someone asked looks at nothing ahead ("asked what makes him confident that Putin will
# change"), nor does a past that did not happen ("could have portended", "would have been")
_ASKED = re.compile(r"\b(?:asked|asks|asking|wondered|wonders|whether)\b")
_WHAT_MIGHT_HAVE_BEEN = re.compile(r"\b(?:could|would|might|should)(?:n['’]t| not)? have \w+")
_BEFORE_A_NOUN = frozenset({"of", "for", "with", "amid", "despite", "before", "after"})
_PLAN_AUXILIARIES = frozenset({"is", "are", "was", "were", "be", "been", "being", "has", "have", "had"})
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "any", "no",
                          "such", "new", "whose"})


def _forward(candidate: _Candidate) -> bool:
    lowered = [w.lower() for w in words(candidate.text)]
    for position, cue in enumerate(lowered):
        if cue not in _FORWARD_CUES:
            continue
        before = lowered[max(0, position - 4):position]
        after = lowered[position + 1] if position + 1 < len(lowered) else ""
        if cue.startswith("expect") and any(w in _PAST_EXPECTATION for w in before[-2:]):
            continue
        was_expected = before[-1:] in (["were"], ["was"]) and _FIGURE_AHEAD.search(candidate.text) is not None
        if cue == "expected" and (any(w in _FORECASTERS for w in before) or was_expected):
            continue  # a forecast the figures have met or missed ("Analysts surveyed by Refinitiv expected")
        if _looks_at_nothing(cue, lowered[:position], candidate.text, after):
            continue
        if ((cue == "later" and before[-1:] and before[-1] in _LATER_IN_THE_PAST)
                or (cue == "soon" and before[-1:] == ["too"])
                or (cue == "next" and after in _NEXT_NOT_AHEAD)
                or (cue in {"awaiting", "pending"} and any(w in {"was", "were"} for w in before[-2:]))
                or (cue in {"soon", "later"} and _told_in_the_past(after))):
            continue  # "... soon turned violent", "later died": a narrative of the past
        if cue.endswith("ed") and ("had" in before[-2:] or after == "by"):
            # "the shows Ms. Swift had planned for Austria", "the unrest was planned by enemies of
            # democracy": a plan of the past
            continue
        after_will = _after_nth_will(candidate.text, lowered[:position].count("will"))
        dated_will = cue == "will" and (_AHEAD_WORD.search(candidate.text) is not None
                                        or _DATED_AHEAD.search(after_will) is not None)
        participle = cue.endswith("ed") or cue == "will"
        # "that will" with nothing between is a relative clause on a noun ("a decision that will
        # leave the law intact"), not a complement ("announced that it will build")
        relative = any(w in _RELATIVE for w in before) or (cue == "will" and before[-1:] == ["that"]) \
            or (cue.endswith("ed") and before[-2:-1] == ["that"] and before[-1:] in (["was"], ["were"]))
        if participle and relative and not dated_will:
            continue
        return True
    # "are set to see their payments fall": set to, as "poised to", says what comes; so do "EU
    # leaders are due to discuss" (not "delayed due to the weather") and "Democrats plan to push"
    # (not "the plan to" of a noun)
    for prior, (first, second), following in zip(["", *lowered], itertools.pairwise(lowered),
                                              [*lowered[2:], ""], strict=False):
        if second != "to":
            continue
        if (first == "set" or (first == "track" and prior == "on")  # "is on track to end on Aug. 31"
                or (first == "due" and prior in {"is", "are"} and following not in _DETERMINERS)):
            return True
        # "states plan to end", "lawmakers aim to fly": a plural subject; not "the administration's
        # plan to"
        plural_subject = prior in {"they", "we"} or (
            len(prior) > 3 and prior.endswith("s") and not prior.endswith(("'s", "’s", "ss")))
        if first in {"plan", "aim"} and plural_subject:
            return True
    return False


_AHEAD_WORD = re.compile(r"\b(?:next|coming|upcoming|tomorrow|later this)\b", re.IGNORECASE)


def _after_nth_will(text: str, nth: int) -> str:
    """The text after its `nth` (from 0) "will": the day a relative "will" dates is after it ("which
    will take place in Geneva on June 16"); a day before it dates the past act ("dismissed the
    challenge on Thursday in a decision that will leave the law intact"). Words that only look
    ahead ("in the coming weeks") date what comes wherever they stand (`_AHEAD_WORD`)."""
    found = list(re.finditer(r"\bwill\b", text, re.IGNORECASE))
    return text[found[nth].end():] if nth < len(found) else text


def _looks_at_nothing(cue: str, before: Sequence[str], text: str, after: str) -> bool:
    """A cue after a past that did not happen ("fears of a result that could have portended a
    brutal midterm next year"), a participle used as an adjective, dating nothing after it ("the
    administration's planned campaign", "surrendered on Thursday ahead of expected charges"; "the
    planned vote on Thursday" still looks ahead), the past of "plan" ("and planned to leak"), or
    someone's plans that the sentence does not tell ("told colleagues about her plans during a
    meeting ... on Tuesday"; "her plans to ..." and "plans for ..." do)."""
    if _WHAT_MIGHT_HAVE_BEEN.search(" ".join(before)):
        return True
    if cue == "plans" and before[-1:] and before[-1] in _DETERMINERS and after not in {"to", "for"}:
        return True
    if cue == "will" and _ASKED.search(" ".join(before[-12:])):
        return True  # "a reporter who asked what makes him confident that Putin will change"
    # "ahead of expected charges", "the planned vote": a participle before its noun names something
    # the sentence's own (past) act is dated against; it looks ahead only when a day ahead follows
    # it ("the planned vote on Thursday"), not by a day the act was done on ("Pelosi on Monday
    # introduced ...")
    adjective = bool(before) and (before[-1].endswith(("'s", "’s")) or before[-1] in _DETERMINERS
                                  or before[-1] in _BEFORE_A_NOUN)
    # "host said Monday that ... and planned to leak": the past of "plan", not a plan told ahead
    planned_then = cue == "planned" and after == "to" \
        and not (before[-1:] and before[-1] in _PLAN_AUXILIARIES)
    later = re.split(rf"\b{re.escape(cue)}\b", text.lower(), maxsplit=1)[-1]
    return ((cue.endswith("ed") and adjective) or planned_then) and _DATED_AHEAD.search(later) is None


def _told_in_the_past(word: str) -> bool:
    return (word.endswith("ed") and len(word) > 4) or word in _IRREGULAR_PAST


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_DAY = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (\d{1,2})"
                        r"(?:st|nd|rd|th)?\b(?:,? ((?:19|20)\d\d))?"
                        r"|\b(\d{1,2}) (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
                        r"\b(?: ((?:19|20)\d\d))?", re.IGNORECASE)
_DAY_WORD = re.compile(r"\b(last |next )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|"
                       r"today|tonight)\b", re.IGNORECASE)
# A day has ended everywhere people read the news 36 hours after it began in UTC (UTC-12).
_DAY_OVER = timedelta(hours=36)
_DAY_UNDER_WAY = timedelta(hours=12)  # noon UTC: the day is under way from Hawaii to New Zealand


def _named_days(text: str, published: datetime) -> list[date]:
    """The calendar days a sentence names, read from its article's publish date: "on Wednesday"
    is the next Wednesday, the same day or the day before (see below), "February 17" is that day
    of the publish year (the next year's, for a January date in December copy). "last Monday"
    names no day ahead: skipped."""
    day = published.astimezone(UTC).date()
    named: list[date] = []
    for m in _MONTH_DAY.finditer(text):
        month_name, number, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (
            m.group(5), m.group(4), m.group(6))
        month = [name[:3] for name in MONTHS].index(month_name[:3].lower()) + 1
        try:
            when = date(int(year) if year else day.year, month, int(number))
        except ValueError:
            continue
        if not year and when < day - timedelta(days=180):
            when = when.replace(year=when.year + 1)
        named.append(when)
    for m in _DAY_WORD.finditer(text):
        qualifier, word = (m.group(1) or "").strip().lower(), m.group(2).lower()
        if qualifier == "last":
            continue
        if word in {"today", "tonight"}:
            named.append(day)
        elif word == "tomorrow":
            named.append(day + timedelta(days=1))
        else:
            # From the UTC day before to five days ahead: somewhere it is still the day before
            # (on UTC Thursday 01:00, American copy's "the vote on Wednesday" is the writer's
            # today, not six days ahead; a week ahead is written "next Wednesday")
            ahead = (_WEEKDAYS.index(word) - day.weekday() + 1) % 7 - 1
            named.append(day + timedelta(days=ahead + (7 if qualifier == "next" else 0)))
    return named


def _outdated(candidate: _Candidate, as_of: datetime) -> bool:
    """An outlook whose days have all passed by the newest article ("the oath-taking ceremony,
    which is scheduled to be held on February 17", read on the 19th): no longer what comes next."""
    if not _forward(candidate):
        return False
    # only days still ahead when it was written: "the Jan. 6 insurrection" is history, not the outlook's day
    written = candidate.item.published.astimezone(UTC).date() - timedelta(days=1)
    days = [day for day in _named_days(candidate.text, candidate.item.published) if day >= written]
    if not days:
        return False
    last = max(days)
    began = datetime(last.year, last.month, last.day, tzinfo=UTC)
    # ... or whose day has come while the coverage went on: written before it, and an article from
    # the afternoon of that day (UTC) is in the evidence (the ceremony "scheduled to be held on
    # February 17", with an article of February 17, 19:25 UTC, reporting it)
    day_came = candidate.item.published.astimezone(UTC).date() < last and as_of >= began + _DAY_UNDER_WAY
    return as_of >= began + _DAY_OVER or day_came


_GENERAL_TITLES = frozenset({"attorney", "surgeon", "inspector", "solicitor", "secretary", "postmaster"})


def _office_holder(parts: Sequence[str]) -> str | None:
    """The person an office's name ends on: a listed given name's 2-4 words, else two words that
    may be a person ("Minister for Planning Ahsan Iqbal" -> "Ahsan Iqbal")."""
    for size in (4, 3, 2):
        if len(parts) > size and _person_like(" ".join(parts[-size:])):
            return " ".join(parts[-size:])
    last_two = " ".join(parts[-2:])
    return last_two if len(parts) > 2 and _unlisted_person(last_two) else None


def _clean_name(name: str) -> str:
    """'Florida Gov Ron DeSantis' -> 'Ron DeSantis'; 'Minister for Planning Ahsan Iqbal' -> 'Ahsan Iqbal'."""
    parts = name.split()
    for position, part in reversed(list(enumerate(parts))):
        following = parts[position + 1].lower() if position + 1 < len(parts) else ""
        if following in _INSTITUTION_WORDS:
            continue  # "Justice Department", "Defense Ministry": a body, not a title before a name
        previous = parts[position - 1].lower() if position else ""
        general = part.lower() == "general" and previous in _GENERAL_TITLES  # "Attorney General Lynn Fitch"
        if part.lower().rstrip(".") in _TITLES or general:
            if following in {"of", "for", "on"}:
                # an office ("Secretary of State Antony Blinken", "Inspector General for the
                # Department of the Interior"): the person it names, if any, closes the run
                return _office_holder(parts) or name
            if position + 1 < len(parts):
                parts = parts[position + 1:]
            elif not general:  # "Attorney General" alone is the office, not "Attorney"
                parts = parts[:position]
            break
    while parts and not parts[0][0].isupper():
        parts.pop(0)
    while parts and parts[-1].lower() in {"of", "for", "and", "the", "de", "al"}:
        parts.pop()
    return " ".join(parts)


# A party member named by party alone ("The California Democrat told reporters") is a role whose
# name the sentence does not give.
_DESCRIPTORS = frozenset({"democrat", "republican", "independent", "conservative", "liberal", "progressive",
                          "moderate", "lawmaker", "senator", "congressman", "congresswoman"})


def _speech_verb(text: str) -> tuple[re.Match[str] | None, bool]:
    """The verb that reports speech, and whether it is a trailing ", saying" (whose speaker is
    the sentence's subject: "A Beijing official hit back at the bill, saying it ...")."""
    # not "added a warning" (an act), a passive ("when Scott was announced for the role, he said")
    # nor an adjective ("The reported attack killed five, police said")
    verb = next((m for m in _SPEECH.finditer(text)
                 if not (m.group(1) in {"added", "adds"} and _AN_ACT.match(text, m.end()))
                 and not (m.group(1) == "reported" and _word_before(text, m.start()) in _DETERMINERS)
                 and not _PASSIVE_BEFORE.search(text, 0, m.start())), None) or _quoting_verb(text)
    if verb is not None:
        return verb, False
    saying = _SAYING.search(text)
    return saying, saying is not None


def _word_before(text: str, end: int) -> str:
    before = text[:end].split()
    return before[-1].lower() if before else ""


def _speaker_clauses(unquoted: str, verb: re.Match[str], saying: bool,
                     full_names: Mapping[str, str]) -> tuple[str, str, str]:
    """Where the speaker can be named: the clause before the verb, a name before an aside, the
    clause after the verb."""
    if saying:
        return _sentence_subject(unquoted[:verb.start()], full_names), "", ""
    # The name right before the verb ("Badr Albusaidi said") or right after it ("said Badr
    # Albusaidi"), within one clause: "Zelenskiy, Axios said" names Axios, not "Zelenskiy Axios".
    clauses = re.split(r"[,;:()]", unquoted[:verb.start()])
    # "President Joe Biden on Wednesday announced": a time between the name and its verb
    clauses[-1] = _TIME_BEFORE_VERB.sub("", clauses[-1])
    # ... or a manner: "Ocasio-Cortez swiftly branded Harris's comments 'disappointing'"
    manner = _MANNER_BEFORE_VERB.search(clauses[-1])
    if manner and manner.group(1) not in _LY_NOUNS:
        clauses[-1] = clauses[-1][:manner.start()]
    before = clauses[-1].strip()
    # "Lynn Fitch, a Republican, said", "Noem, who is seen as ..., said": the name before an aside
    # that closes right before the verb (in "Grimm, who sued after he was told", the verb is the aside's)
    aside = clauses[-2].strip() if len(clauses) >= 3 and not before else ""
    apposed = clauses[-3].strip() if _APPOSITIVE.match(aside) and len(aside.split()) <= 12 else ""
    if apposed.lower().startswith("and "):
        apposed = ""  # "Manchin, a Democrat, and Murkowski, a Republican, wrote": two speakers
    # (the stops of "U.S." or "U.N." do not end the clause: "..., said U.S. Capitol Police Chief
    # Michael Sullivan." names Sullivan)
    after = re.split(r"[,;:().]", _INITIALISM.sub(r"\1\2", unquoted[verb.end():]))[0].strip()
    if verb.group(1) == "told":
        after = ""  # "Blackburn told Fox News": who is told is not who speaks
    if before == "who" and len(clauses) >= 2 and not apposed:
        # "... senator John Cornyn, who wrote a statement on Twitter": the name the clause qualifies
        before = clauses[-2].strip()
    elif before == "and" and len(clauses) == 2:
        # "Biles pulled out of the competition on Tuesday, and told reporters that ...": the
        # subject of the first verb speaks
        before, apposed = _sentence_subject(clauses[0], full_names), ""
    return " ".join(before.split()), " ".join(apposed.split()), " ".join(after.split())


def _named_speaker(clauses: Sequence[tuple[str, bool]], text: str, candidate: _Candidate) -> str | None:
    """The name that closes a clause before the verb, or is the whole clause after it."""
    outlets = outlet_aliases(candidate.item.outlet)
    for clause, at_end in clauses:
        runs = name_sequences(clause)
        if not runs and at_end and clause.istitle() and clause.lower() in candidate.full_names:
            # "... ," Fine said': a surname alone, which is also a common word, is no name to
            # the name reader; the evidence writes it in full elsewhere ("Randy Fine").
            return candidate.full_names[clause.lower()]
        if not runs:
            continue
        run = runs[-1] if at_end else runs[0]
        # After the verb, the name must close the clause ("..., said Badr Albusaidi."): in
        # "host says CBS pulled the interview" CBS is what was said about, not who said it.
        # (compared without stops: the name reader drops them, "Gov. Kristi Noem" -> "Gov Kristi Noem")
        bare_clause, bare_run = clause.replace(".", "").strip(), run.replace(".", "")
        # (after the verb, capitalized words the name reader leaves out may open the clause: "said
        # US Capitol Police Chief Michael Sullivan")
        opening = bare_clause[:len(bare_clause) - len(bare_run)].split()
        if at_end:
            adjacent = bare_clause.endswith(bare_run)
        else:
            adjacent = bare_clause == bare_run or (bare_clause.endswith(" " + bare_run)
                                                   and all(w[:1].isupper() for w in opening))
        # "The No. 3 Republican in the U.S. House said": a name after a preposition is not the speaker
        ahead = [w.lower() for w in opening] if at_end else []
        while ahead and ahead[-1] in {"the", "a", "an"}:
            ahead.pop()
        related = ahead[:-1] if ahead[-1:] == ["former"] else ahead
        if adjacent and len(related) >= 2 and related[-1] in {"of", "to", "for"} \
                and related[-2] in _RELATIONS:
            # "Allies of former President Donald Trump said": his allies speak, not he
            name = _speaker_name(_with_initials(_clean_name(run), text))
            return f"{_in_full(name, candidate)}'s {related[-2]}" if len(name) >= 3 else None
        adjacent = adjacent and not (ahead and ahead[-1] in _PLACE_PREPOSITIONS)
        # "legislation that Democrats said is crucial": words set inside the sentence's account
        adjacent = adjacent and not (ahead and ahead[-1] in {"that", "which"})
        # "The former acting director for the Centers for Disease Control ... said": a former
        # official does not speak for the body
        adjacent = adjacent and not (ahead[-1:] in (["of"], ["for"])
                                     and any(w == "former" or w.startswith("ex-") for w in ahead))
        cleaned = _speaker_name(_with_initials(_clean_name(run), text))
        ordinal = _ORDINAL_BEFORE.search(bare_clause[:len(bare_clause) - len(cleaned)]) if at_end else None
        if ordinal is not None and " " not in cleaned:
            cleaned = f"{ordinal.group(1)} {cleaned}"  # "the 4th Circuit said": not "Circuit"
        known = cleaned.lower() in outlets or cleaned.lower() in MONTHS
        descriptor = cleaned.split()[-1].lower() in _DESCRIPTORS if cleaned else False
        if adjacent and len(cleaned) >= 3 and not known and not descriptor:
            return _in_full(cleaned, candidate)
    return None


# Who speaks about a person in their own name: "allies of", "aides to", "lawyers for" (a
# spokesperson for the Pentagon speaks for it: the Pentagon said)
_RELATIONS = frozenset({"allies", "aides", "supporters", "critics", "friends", "opponents", "lawyers",
                        "attorneys", "advisers", "advisors", "associates", "relatives", "family"})


_ORDINAL_BEFORE = re.compile(r"\b(\d+(?:st|nd|rd|th))\s+$")


def _role_name(role: re.Match[str]) -> str:
    """A speaker named by role as a question names it: "police", "the network", "Republican
    leaders", "Group of Seven leaders", "the official"."""
    found = role.group(1)
    # "What did police say?", "What did the network say?"; a qualifier keeps its capital
    # ("What did Republican leaders say?")
    first = found.split()[0].lower()
    if first == "the" or first in _ROLE_WORDS:
        found = found[0].lower() + found[1:]
    # ... and a body named right before it: "Group of Seven leaders", "Israeli officials"
    named_body = _QUALIFIER.search(role.string[:role.start(1)]) if first != "the" else None
    body = named_body.group(1).split() if named_body else []
    while body and body[0].lower() in STOPWORDS:
        body.pop(0)  # "Many officials": no body
    if body:
        found = f"{' '.join(body)} {found}"
    # a single one named by role takes "the": "a senior administration official acknowledged"
    plural = found.endswith("s") or found.endswith("police")
    return found if plural or found.startswith("the ") else f"the {found}"


def _speaker(candidate: _Candidate) -> str | None:
    """Who the sentence quotes or reports speaking: the name nearest its speech verb."""
    text = normalize(candidate.text)
    # quoted words name no speaker; nor does a short parenthesis: "Group of Seven (G-7) leaders"
    unquoted = _SHORT_PARENTHESIS.sub(_blanked, re.sub(r'"[^"]*"', _blanked, text))
    verb, saying = _speech_verb(text)
    if verb is None:
        return _according_to(unquoted, text, candidate)
    if _subordinate_speech(unquoted[:verb.start()]):
        return None
    before, apposed, after = _speaker_clauses(unquoted, verb, saying, candidate.full_names)
    named = _named_speaker(((before, True), (apposed, True), (after, False)), text, candidate)
    if named is not None:
        return named
    if before.lower() in {"he", "she"}:
        # "When Scott was announced for the role, he said ...": the one person the sentence names
        return _the_one_person(unquoted[:verb.start()], candidate)
    relative = _RELATIVE_SPEAKER.search(before)
    if relative is not None:
        # "Alexey Navalny's mom says", "Netanyahu's office said": the relation speaks
        name = _speaker_name(_with_initials(_clean_name(relative.group(1)), text))
        if len(name) >= 3 and name.lower() not in outlet_aliases(candidate.item.outlet):
            return f"{_in_full(name, candidate)}'s {relative.group(2).lower()}"
    return _role_speaker(before, after, unquoted[:verb.start()], candidate)


def _role_speaker(before: str, after: str, before_verb: str, candidate: _Candidate) -> str | None:
    """A speaker named by role, before the verb ("officials said") or right after it ("..., said
    police")."""
    role = _ROLE_SPEAKER.search(before)
    if role is not None and re.search(r"\b(?:that|which)\s+$", before[:role.start()]):
        # "demonstrations that rights groups said left thousands dead": words set inside another
        # account (the sentence's), not the sentence's own speaker
        role = None
    after_role = _ROLE_SPEAKER.search(after)
    if role is None and after_role is not None and after_role.start() == 0:  # "..., said police"
        role = after_role
    if role is None or _bare_body(role):
        return None
    return (_whose_spokesperson(role, before_verb, candidate) or _titled_one(role, candidate)
            or _role_name(role))


_TITLE_ROLES = {"the president": "President", "the prime minister": "Prime Minister",
                "the governor": "Governor", "the mayor": "Mayor"}


def _titled_one(role: re.Match[str], candidate: _Candidate) -> str | None:
    """"..., the president said" in an article that titles one person so ("President Joe Biden"):
    that person, asked about by name (and so not twice: "What did Joe Biden say?" and "What did
    the president say?" are one question)."""
    title = _TITLE_ROLES.get(role.group(1).lower())
    if title is None:
        return None
    item = candidate.item
    titles = rf"(?:{title}|Gov\.)" if title == "Governor" else title
    text = normalize(f"{item.title}. {item.snippet}")
    names = [_clean_name(found) for found in
             re.findall(rf"\b{titles}\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){{0,2}})", text)]
    if len({name.split()[-1] for name in names}) != 1:
        return None  # no one so titled, or two: "the president" stays a role
    fullest = max(names, key=len)
    if " " in fullest:
        return fullest
    return candidate.full_names.get(fullest.lower(), f"{title} {fullest}")


_SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "aide", "lawyer", "attorney"})


def _whose_spokesperson(role: re.Match[str], before_verb: str, candidate: _Candidate) -> str | None:
    """"Nancy Pelosi will announce ..., her spokesman said": the one person the sentence names
    before it, whose spokesman speaks ("What did Nancy Pelosi's spokesman say?")."""
    if role.group(1).lower() not in _SPOKESPEOPLE or not re.search(r"\b(?:his|her)\s+$",
                                                                  role.string[:role.start(1)]):
        return None
    person = _the_one_person(before_verb, candidate)
    return f"{person}'s {role.group(1).lower()}" if person is not None else None


# ("as" is left out: as often a preposition, "meant to serve as a place to speak freely")
_SUBORDINATORS = re.compile(r"\b(?:after|while|when|before|since|because|in what)\s", re.IGNORECASE)
_MAIN_CLAUSE_WORDS = 5


def _subordinate_speech(before_verb: str) -> bool:
    """Whether the speech verb sits in a clause hung on another ("The White House has come under
    pressure ... after China told the WHO ...", "... exercises in what Russian authorities say is
    ..."): the sentence states something else, and is no answer to what the speaker said. A
    clause that opens the sentence and ends at a comma before the verb ("When Scott was announced,
    he said") is no such clause; one that holds the verb is ("When Bill and Melinda Gates announced
    they were divorcing, social media was quick to ...")."""
    found = list(_SUBORDINATORS.finditer(before_verb))
    if not found:
        return False
    last = found[-1]
    main_clause = before_verb[:last.start()].split()
    opening = not main_clause and last.start() == len(before_verb) - len(before_verb.lstrip())
    return "," not in before_verb[last.end():] and (len(main_clause) >= _MAIN_CLAUSE_WORDS or opening)


def _according_to(unquoted: str, text: str, candidate: _Candidate) -> str | None:
    """The source of an account: "According to the Emergency Lawyers, ..." or "..., according to
    police" (a name or a role; not "according to data" or "according to the plan")."""
    found = _ACCORDING_TO.search(unquoted)
    if found is None:
        return None
    source = found.group(1).strip()
    bare = source[4:] if source.lower().startswith("the ") else source
    named = _named_speaker(((bare, False),), text, candidate)
    if named is not None:
        return named
    role = _ROLE_SPEAKER.search(source)
    return _role_name(role) if role is not None and role.start() == 0 and not _bare_body(role) else None


def _bare_body(role: re.Match[str]) -> bool:
    """"the group", "the union": a body the sentence does not say the kind of asks a vague question."""
    return role.group(1).lower().removeprefix("the ") in _MODIFIED_ROLES


def _blanked(match: re.Match[str]) -> str:
    """Spaces as long as the match: what is blanked out keeps the other words' offsets."""
    return " " * len(match.group(0))


def _quoting_verb(text: str) -> re.Match[str] | None:
    """A verb such as "called" or "accused" that reports words: a quotation follows it in the
    sentence, or the sentence says where the words were ("in a statement", "in a letter")."""
    framed = _WORDS_FRAME.search(text) is not None
    for verb in _QUOTING.finditer(text):
        if _PASSIVE_BEFORE.search(text, 0, verb.start()) or _PASSIVE_AFTER.match(text, verb.end()):
            continue  # "was called 'a hero'", "FBI accused of running": the one named is not the speaker
        if framed or quotes(text[verb.end():]) or re.match(_SAID_THINGS, text[verb.end():]):
            return verb
    return None


_INITIALISM = re.compile(r"\b([A-Z])\.([A-Z])\.")  # "U.S." -> "US", "U.N." -> "UN"
_MANNER_BEFORE_VERB = re.compile(r"\s+([a-z]{3,}ly)\s*$")
_LY_NOUNS = frozenset({"family", "assembly", "ally", "rally", "supply", "monopoly", "anomaly", "homily",
                       "reply", "bully", "belly", "lily", "jelly", "folly"})
_SHORT_PARENTHESIS = re.compile(r"\([^()]{1,30}\)")
_SAYING = re.compile(r", (saying|adding)\b(?! to\b)")  # not "..., adding to a growing clash"
_SUBJECT_JOINERS = frozenset({"of", "the", "a", "an"})


def _sentence_subject(head: str, full_names: Mapping[str, str]) -> str:
    """The words a sentence opens on that can name its subject ("A Beijing official", "Chinese
    Foreign Ministry spokesman Wang Wenbin"); empty when two are joined ("Manchin and Murkowski")."""
    tokens = head.split()
    taken: list[str] = []
    for token in tokens:
        bare = token.strip(",.").lower()
        if not (token[:1].isupper() or bare in _SUBJECT_JOINERS or bare in _ROLE_WORDS):
            break
        taken.append(token)
    following = tokens[len(taken)] if len(taken) < len(tokens) else ""
    subject = " ".join(taken)
    if following.lower() in {"and", "or"} or not taken:
        return ""
    # only a role or a person: a capital that opens a sentence names no one ("Cyberattackers
    # linked to ...", "Last week's decline")
    runs = name_sequences(subject)
    person = bool(runs) and subject.endswith(runs[-1]) and (
        _person_like(_clean_name(runs[-1])) or runs[-1].lower() in full_names)
    return subject if person or taken[-1].lower() in _ROLE_WORDS else ""


_QUALIFIER = re.compile(r"((?:[A-Z][\w.&'-]*(?: of(?: the)?)? )*[A-Z][\w.&'-]*)\s+$")
_PASSIVE_AFTER = re.compile(r" (?:of|by|as)\b")
# "added a warning to the fact sheet": an act, not words said ("he added" is).
_AN_ACT = re.compile(r" (?:a|an|the|its|their|his|her|new|to)\b")  # also "adds to the picture"
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|be|is|are)\s+(?:\w+ly\s+)?$")
# (not "from", "of", "for" or "by": "a statement from Team Trump said", "a spokesman for the
# ministry said" report the body's words)
_PLACE_PREPOSITIONS = frozenset({"in", "at", "on", "to", "with", "into", "against", "about", "near",
                                 "inside"})
# An aside: "a Republican", "who is seen as ...", "41", "George Floyd's sister".
_APPOSITIVE = re.compile(r"(?i:a|an|the|who|who's|whose|\d+)\b"
                         r"|(?:[A-Z][\w.-]*\s){0,3}[A-Z][\w.-]*['’]s\s+[a-z]"
                         r"|[DRI]-[A-Z]")  # a party and state: "Rep. Cori Bush (D-Mo.) testified"
_TIME_BEFORE_VERB = re.compile(r"\s+(?:on\s+)?(?:(?:last|this)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|"
                               r"Friday|Saturday|Sunday|week|weekend|night|morning|evening|afternoon|today|"
                               r"yesterday)"
                               r"(?:\s+(?:night|morning|evening|afternoon))?\s*$")
_COMPANY_SUFFIXES = frozenset({"inc", "corp", "ltd", "llc", "plc", "co"})  # the name reader drops their stops
# What a company is, written before its name at a sentence's start ("Retailer Walmart said")
_TRADE_WORDS = frozenset({"retailer", "insurer", "airline", "carrier", "lender", "startup", "conglomerate",
                          "broadcaster", "publisher", "miner", "refiner", "developer", "manufacturer"})


def _a_trade_word(word: str) -> bool:
    """What a company is, not its name: "Drugmaker", "Automaker", "Retailer"."""
    return word.lower().endswith("maker") or word.lower() in _TRADE_WORDS


def _speaker_name(name: str) -> str:
    """A speaker as a question names them: "Pfizer" for "Pfizer Inc.", "Greg Abbott" for "Greg
    Abbott of Texas" (a person's place is no part of the name)."""
    parts = name.split()
    if len(parts) > 1 and parts[-1].lower() in _COMPANY_SUFFIXES:
        parts = parts[:-1]
    if len(parts) > 1 and _a_trade_word(parts[0]):
        parts = parts[1:]  # "Drugmaker Pfizer" is Pfizer, described
    name = " ".join(parts)
    person, _, _place = name.partition(" of ")
    return person if _place and _person_like(person) else name


def _the_one_person(text: str, candidate: _Candidate) -> str | None:
    """The person a pronoun speaker stands for: the only person named before it in the sentence."""
    people = {_in_full(name, candidate) for name in (_clean_name(run) for run in name_sequences(text))
              if _person_like(name) or name.lower() in candidate.full_names}
    return people.pop() if len(people) == 1 else None


def _in_full(name: str, candidate: _Candidate) -> str:
    """A one-word speaker as the evidence writes it in full: a surname ("Fine" -> "Randy Fine"), a
    bare court or ministry as its article names it ("the Court" -> "the Supreme Court")."""
    if " " in name:
        return name
    if name.lower() in _EXPANDABLE_BODIES:
        return _body_in_full(name, candidate.item)
    if name.lower() in candidate.full_names:
        return candidate.full_names[name.lower()]
    # no given name anywhere: the title the article gives ("What did President Biden say?")
    titled = _TITLED.findall(normalize(f"{candidate.item.title}. {candidate.item.snippet}"))
    forms = {f"{title} {surname}" for title, surname in titled if surname == name}
    return forms.pop() if len(forms) == 1 else name


# Titles a person is addressed by (a subset of `brief_person_titles`: not roles such as "Host" or
# "Journalist", which name no one on their own).
_TITLED = re.compile(r"\b(President|Vice President|Prime Minister|Speaker|Secretary|Sen\.|Senator|Rep\.|"
                     r"Gov\.|Governor|Mayor|Justice|Judge|Dr\.)\s+([A-Z][\w'’-]+)\b")
# ("House" is not one: "the House" and "the White House" are two)
_EXPANDABLE_BODIES = frozenset({"court", "ministry", "department", "agency", "commission", "council",
                                "committee"})


def _body_in_full(body: str, item: EvidenceItem) -> str:
    """A bare institution as its article names it in full, when it names one such ("the Court" ->
    "the Supreme Court"); two different ones leave it bare."""
    fuller = {run for sentence in [item.title, *split_sentences(item.snippet)]
              for run in name_sequences(sentence)
              if run.lower().endswith(f" {body.lower()}") and len(run.split()) <= 4}
    return fuller.pop() if len(fuller) == 1 else body


def _with_initials(name: str, sentence: str) -> str:
    """The name with the stops of its initials the sentence writes ("J. Thomas Manger"; the name
    reader keeps letters only)."""
    parts = name.split()
    for position, part in enumerate(parts):
        initial = len(part) == 1 and part.isupper()
        if (initial or part in {"Jr", "Sr"}) and re.search(rf"\b{part}\.(?:\s|$)", sentence):
            parts[position] = part + "."
    return " ".join(parts)


# Institutions named with "the" ("What did the White House say?"), by their last word.
_THE_NAMES = frozenset({"house", "department", "ministry", "office", "commission", "court", "council",
                        "agency", "administration", "pentagon", "kremlin", "vatican", "senate", "government",
                        "army", "navy", "police", "committee", "bank", "fund", "reserve", "union",
                        "parliament", "assembly", "board", "guard", "service", "presidency", "force",
                        "act", "capitol", "oscars", "olympics", "games",
                        # events named by their kind ("the Munich Security Conference")
                        "conference", "summit", "forum", "festival", "championship", "championships",
                        "cup", "awards", "convention", "talks"})


# Whole names read with their article: countries ("the U.S.", "the Philippines") and bodies named
# by an acronym ("the FBI", "the Fed").
_THE_WHOLE_NAMES = frozenset({"us", "u.s", "u.s.", "usa", "uk", "u.k", "u.k.", "eu", "un", "uae",
                              "netherlands", "philippines", "fbi", "cia", "cdc", "fda", "fed", "rnc",
                              "dnc", "gop", "irs", "nsa", "doj", "ftc", "sec", "epa", "dhs", "nih",
                              "imf", "who", "icc", "icj", "iaea"})


# ... or by their first word when a name follows ("the Department of Defense", "the U.S. Centers
# for Disease Control and Prevention", "the Bureau of Economic Analysis").
_INSTITUTION_WORDS = _THE_NAMES | frozenset({"bureau", "centers", "centres", "institute", "authority",
                                             "organization", "organisation", "secretariat", "directorate"})
# "Department of Justice", "U.S. Department of State", "New York City Board of Elections"
_OF_NAME = re.compile(r"^(?:(?:U\.S\.?|US|UK|U\.K\.?|UN|EU|[A-Z][a-z]+)\s+){0,3}?(\w+)\s+(?:of|for|on)\s")


# Words that close a name's phrase: the function words, and a few verbs and prepositions.
_PHRASE_END = tuple(sorted(lexicon.word_set("brief_function_words")
                           | {"said", "says", "from", "after", "over"}))


def _written_with_article(name: str, texts: Sequence[str]) -> bool:
    """Whether the evidence writes the name with "the" ("sued the NCAA and 11 conferences", "the
    Taliban has advanced") more often than without. Only where the name ends its phrase (before
    punctuation or a function word) is a vote: "the Trump administration" says nothing of Trump."""
    # ... or before its speech verb: "The New York Times reported"
    pattern = re.compile(rf"(?<![\w'’])((?i:the)\s+)?{re.escape(name)}"
                         rf"(?=\s*(?:[.,;:!?)\"”]|$)|\s+(?:{'|'.join(_PHRASE_END)})\b|\s+{_SPEECH.pattern})")
    with_the = without = 0
    for text in texts:
        for match in pattern.finditer(normalize(text)):
            if match.group(1):
                with_the += 1
            else:
                without += 1
    return with_the > without


def _with_article(name: str, texts: Sequence[str] = ()) -> str:
    """The name as a question names it: "the White House", "the FBI", and whatever the evidence
    itself writes with "the" ("the Taliban", "the NCAA")."""
    last = name.rsplit(maxsplit=1)[-1].lower()
    of_name = _OF_NAME.match(name)
    needs = (last in _THE_NAMES or name.lower() in _THE_WHOLE_NAMES
             or (of_name is not None and of_name.group(1).lower() in _INSTITUTION_WORDS)
             or _written_with_article(name, texts))
    return f"the {name}" if needs and not name.lower().startswith("the ") else name


def _said_question(candidate: _Candidate) -> str | None:
    if not quotes(candidate.text) and candidate.position < 0:
        return None
    speaker = _speaker(candidate)
    if not speaker:
        return None
    if "'s " in speaker:  # "Benjamin Netanyahu's office": a possessive takes no article
        return f"What did {speaker} say?"
    return f"What did {_with_article(speaker, (candidate.item.title, candidate.item.snippet))} say?"


# Durations and ages ("after 4 months in office", "almost 4 years of war") and pronoun-like
# nouns ("10 others") make questions no reader asks ("How many months?").
_VAGUE_COUNTS = frozenset({"seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades",
                           "centuries", "others", "times", "ones", "things", "ways"})


# Measures are figures no one asks "How many ...?" of ("about 30 inches of snowfall").
_UNITS = frozenset({"inches", "feet", "miles", "kilometres", "kilometers", "metres", "meters", "yards",
                    "centimetres", "centimeters", "millimetres", "millimeters", "pounds", "kilograms",
                    "tons", "tonnes", "degrees", "acres", "hectares", "gallons", "litres", "liters"})
# "10 missing skiers": how many skiers are missing.
_STATES = frozenset({"missing", "injured", "wounded", "dead", "displaced", "detained", "stranded",
                     "trapped", "hospitalized", "hospitalised", "unaccounted"})
_DEATH_AGE = re.compile(r"\b(?:dies|died|dead)\b[^.;]{0,30}?\b(?:aged|age|at)\s+(\d{2,3})\b", re.IGNORECASE)
_DEATH_VERB = re.compile(r"\b(?:dies|died|has died|is dead|(?:is |was )?found dead|(?:is |was )?assassinated|"
                         r"(?:is |was )?shot dead|(?:is|was) killed)\b")


def _who_died(text: str) -> str | None:
    """The person a sentence reports dead: the first full name before 'dies'/'died', outside
    quoted titles ("Robert Duvall, star of 'The Godfather' and 'Apocalypse Now', dies at 95")."""
    verb = _DEATH_VERB.search(text)
    if verb is None:
        return None
    before = re.sub(r"(['\"])[^'\"]*\1", " ", text[:verb.start()])
    names = [_clean_name(run) for run in name_sequences(before)]
    full = [name for name in names if len(name.split()) >= 2]
    return full[0] if full else None


# "Quentin Deranque, 23, was beaten to death": a victim's age in apposition before what befell them
_VICTIM_AGE = re.compile(r"((?:[A-Z][\w'’.-]+\s){1,3}[A-Z][\w'’-]+), \d{1,3}, (?:who )?"
                         r"(?:was |were |had been |has been )?(?:\w+ly )?"
                         r"(?:killed|murdered|slain|shot|stabbed|beaten|found dead|died)\b")


def _age_question(candidate: _Candidate) -> str | None:
    """'How old was Jesse Jackson?' for '... Jesse Jackson dies at age 84'; 'How old was Quentin
    Deranque?' for 'Quentin Deranque, 23, was beaten to death'."""
    text = normalize(candidate.text)
    victim = _VICTIM_AGE.search(text)
    if victim is not None:
        names = [_clean_name(run) for run in name_sequences(victim.group(1))]
        full = [name for name in names if len(name.split()) >= 2]
        if full:
            return f"How old was {_speaker_name(_with_initials(full[-1], text))}?"
    if not _DEATH_AGE.search(text):
        return None
    name = _who_died(text)
    # as a speaker is named: "John W. Warner", not "John W Warner of Virginia"
    return f"How old was {_speaker_name(_with_initials(name, text))}?" if name else None


def _deceased(evidence: Sequence[EvidenceItem]) -> set[str]:
    """People whose death 2+ newsrooms' headlines report (an obituary's subject)."""
    families: dict[str, set[str]] = {}
    for item in evidence:
        name = _who_died(normalize(item.title))
        if name:
            families.setdefault(name, set()).add(item.publisher_family)
    return {name for name, seen in families.items() if len(seen) >= 2}


# "the murder of George Floyd", "Floyd's death": a victim named as the cause of the story is not
# whom "What happens next for ...?" asks about (an obituary's subject is `_deceased`'s).
_VICTIM_BEFORE = re.compile(r"\b(?:death|murder|killing|assassination|funeral|memorial|slaying) (?:of|for) "
                            r"((?:[A-Z][\w'’.-]*\s?){1,4})")
_VICTIM_AFTER = re.compile(r"((?:[A-Z][\w'’.-]*\s){0,3}[A-Z][\w.-]*)['’]s (?:[\w-]+ ){0,2}(?:death|murder|"
                           r"killing|assassination|funeral|slaying)\b")


# "the frog poison that killed Alexei Navalny", "Navalny died of natural causes in prison"
_KILLED_NAME = re.compile(r"\b(?:killed|murdered|assassinated|poisoned) "
                          r"((?:[A-Z][\w'’.-]*\s?){1,4})")
_NAME_DIED = re.compile(r"((?:[A-Z][\w'’.-]*\s){0,3}[A-Z][\w.-]*) "
                        r"(?:died|was (?:killed|murdered|assassinated|poisoned))\b")


def _victims(evidence: Sequence[EvidenceItem], full_names: Mapping[str, str]) -> set[str]:
    found: set[str] = set()
    for item in evidence:
        text = normalize(item.text)
        for match in [*_VICTIM_BEFORE.finditer(text), *_VICTIM_AFTER.finditer(text),
                      *_KILLED_NAME.finditer(text), *_NAME_DIED.finditer(text)]:
            for run in name_sequences(match.group(1)):
                name = _clean_name(run)
                found.add(full_names.get(name.lower(), name) if " " not in name else name)
    return found


def _demonym(word: str) -> bool:
    lowered = word.lower()
    return lowered in _DEMONYMS or (lowered.endswith("s") and lowered[:-1] in _DEMONYMS)


# "people" is left out: "How many people?" asks nothing a reader can tell from the sentence's
# other counts ("deaths", "bodies"), which are asked instead.
_IRREGULAR_PLURALS = frozenset({"children", "men", "women"})
_NOT_MODIFIERS = frozenset({"amid", "despite", "during", "since", "until", "while"})


def _plural_noun(word: str) -> bool:
    word = word.lower() if _demonym(word) or word[:1].isupper() else word
    if word in _IRREGULAR_PLURALS:
        return True
    # "-us" and "-ss" end singulars ("virus", "800-plus", "business", "access"), not plurals.
    return (word.isalpha() and word not in STOPWORDS and word.endswith("s") and len(word) > 3
            and not word.endswith(("us", "ss")) and word not in _VAGUE_COUNTS and word not in _UNITS)


def _written_at(token: str, text: str) -> re.Match[str] | None:
    """Where a figure stands on its own in the sentence, if it does: not glued into a name ("G7
    leaders", "COVID-19 cases", "F-35 jets"), not an adjective ("a 10-year ban") and not closing a
    clause ("since 1866, commemorates")."""
    return re.search(rf"(?<![^\W\d_]|-){re.escape(token)}(?![\w,-])", text)


def _counted(figure: Sequence[str], following: Sequence[str], text: str) -> str | None:
    """What a figure counts, from the words after it: a plural noun ("300 workers"), or one or two
    words and a plural noun ("20,000 coronavirus infections", "200 Afghan interpreters"), written
    right after the figure with no punctuation between ("28 people, rights group says" counts
    people, not "people rights"). A capitalized word keeps its capitals ("35 Republicans"): the
    sentence is an article's, not a title-case headline (a headline answers no figure question)."""
    phrase: list[str] = []
    # up to two words before the noun: "1 billion COVID vaccine doses"
    for n, word in enumerate(following[:3]):
        if _plural_noun(word):
            written = r"\s+".join(re.escape(w) for w in [*figure, *phrase, word])
            if re.search(rf"(?<![\w.]){written}(?!\w)", text) is None:
                return None  # punctuation between: the words belong to another clause
            # "34 women and children" counts both: "How many women?" asks for a figure it does not give
            pair = following[n + 1:n + 3]
            if len(pair) == 2 and pair[0] == "and" and _plural_noun(pair[1]) \
                    and re.search(rf"{written}\s+and\s+{re.escape(pair[1])}(?!\w)", text):
                return " ".join([*phrase, word, "and", pair[1]])
            return " ".join([*phrase, word, *_of_what(following[n + 1:n + 4], written, text)])
        lowered = word.lower()
        if (not word.isalpha() or lowered in STOPWORDS or lowered in _STATES or lowered in _NOT_MODIFIERS
                or lowered.endswith("ing") or lowered in _VAGUE_COUNTS):
            return None  # the figure counts no noun ("20 days of talks", "11 people amid ...")
        phrase.append(word)
    return None


def _of_what(following: Sequence[str], written: str, text: str) -> list[str]:
    """What a counted measure is of, written right after it: "100 different types of ransomware"
    asks "How many different types of ransomware?" (one or two plain words; "of the ..." is
    another phrase)."""
    if not following or following[0] != "of":
        return []
    kind: list[str] = []
    for word in following[1:3]:
        if not (word.isalpha() and word.islower() and word not in STOPWORDS):
            break
        kind.append(word)
    while kind and not re.search(written + r"\s+of\s+" + r"\s+".join(map(re.escape, kind)) + r"(?!\w)", text):
        kind.pop()
    return ["of", *kind] if kind else []


def _number_question(candidate: _Candidate) -> str | None:
    """'How many workers?' for '300 workers'; 'How much is at stake?' for '$5 billion'; 'How many
    vaccine doses?' for '1 billion vaccine doses'; 'How many skiers are missing?' for '10 missing
    skiers'; 'How old was X?' for 'X dies at 84'."""
    age = _age_question(candidate)
    if age:
        return age
    tokens = [t.rstrip(",") for t in words(candidate.text)]
    text = normalize(candidate.text)
    forecast = _FORECAST.search(text) is not None
    for position in range(len(tokens)):
        if _a_figure(tokens, position, text):
            question = _figure_question(tokens, position, text)
            if question and not (forecast and question.startswith("How many")):
                return question
    return None if forecast else _outcome_count_question(text)


# What an action did to a number of people, the count after the verb or before its participle:
# "France arrests nine in activist's death", "police detained 12 on Sunday", "three were injured".
_ACTED_ON = {form: participle for present, participle in (
    ("arrests", "arrested"), ("detains", "detained"), ("rescues", "rescued"), ("evacuates", "evacuated"),
    ("injures", "injured"), ("wounds", "wounded"), ("kills", "killed"), ("charges", "charged"),
    ("deports", "deported"), ("sentences", "sentenced")) for form in (present, participle)}
# Number words a count is written with ("one" is left out: "arrests one of the suspects"); a
# figure is read whole ("3.34 million" is no count of 3).
_NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                 "ninety|hundred")
_COUNT = rf"(?:\d[\d,]*(?:\.\d+)?(?![.,]?\d)|{_NUMBER_WORDS})"
_ACTED = "|".join(_ACTED_ON)
_COUNT_BOUND = r"(?:(?:at least|more than|nearly|about|around|some|up to)\s+)?"  # "killed at least 28"
# the verb, a bound, the count, then (maybe "people" or "suspects") the clause's end or a preposition
_COUNT_AFTER_VERB = re.compile(
    rf"\b({_ACTED})\s+{_COUNT_BOUND}{_COUNT}"
    r"(?:\s+(?:people|persons|suspects))?(?=\s*(?:[,;:.]|$)|\s+(?:in|over|after|at|on|for|during|"
    r"near|across|amid|as|following)\b)", re.IGNORECASE)
_COUNT_BEFORE_PARTICIPLE = re.compile(
    rf"(?:^|[,;:]\s*|\b(?:and|with)\s+){_COUNT_BOUND}{_COUNT}(?:\s+(?:people|persons|suspects))?\s+"
    rf"(?:were\s+|have been\s+|had been\s+)?({_ACTED})\b",
    re.IGNORECASE)
# Any count beside such a verb, however loosely: two of them in a sentence make neither the count.
_ANY_ACTED_COUNT = re.compile(rf"\b(?:{_ACTED})\s+(?:\w+\s+){{0,2}}?{_COUNT}\b"
                              rf"|\b{_COUNT}\s+(?:\w+\s+){{0,2}}?(?:{_ACTED})\b", re.IGNORECASE)


def _outcome_count_question(text: str) -> str | None:
    """'How many were arrested?' for 'France arrests nine in right-wing activist's death' or
    'three were injured': a count no noun names, with what was done to them (numbers in words
    too; a figure with its noun is `_figure_question`'s)."""
    if len(_ANY_ACTED_COUNT.findall(text)) > 1:
        return None  # "killed 2 and injured 5": two tolls, neither is the count
    for pattern in (_COUNT_AFTER_VERB, _COUNT_BEFORE_PARTICIPLE):
        match = pattern.search(text)
        if match is not None:
            return f"How many were {_ACTED_ON[match.group(1).lower()]}?"
    return None


# "Economists had forecast 350,000 new claims": what was expected is not how many there were.
_FORECAST = re.compile(r"\b(?:forecast|expect|anticipat|predict|projected|estimat)\w*", re.IGNORECASE)


def _a_figure(tokens: Sequence[str], position: int, text: str) -> bool:
    """Whether the token is a figure worth a question: not a year, an age in apposition ("Elana
    Meyers Taylor, 41, wins gold"), a day of a date, or a number glued into a word."""
    token = tokens[position]
    if not token[0].isdigit() or _YEAR.match(token):
        return False
    if len(token) <= 3 and re.search(rf"[A-Z][\w'’.-]*, {re.escape(token)},", text):
        return False
    before = tokens[position - 1].lower() if position else ""
    if before in MONTHS or before[:3] in {m[:3] for m in MONTHS}:
        return False
    written = _written_at(token, text)
    # "rose to 412,000 from 375,000", "a random national sample of 907 adults": a figure something is
    # compared with, or how a poll was made, is not the story's
    return written is not None and not _BESIDE_THE_STORY.search(text[:written.start()])


# A figure something is compared with is not the story's: "rose to 412,000 from 375,000", "up from
# 300", "higher than the week before, which saw 375,000 filings" ("support from 35 Republicans" is
# the story's).
# ("more than 80 officers" is a bound, not a comparison)
_COMPARED_WITH = re.compile(
    r"(?:\b(?:up|down)\s+from|\d[\d,.]*%?(?:\s+(?:million|billion|trillion|percent))?,?\s+from"
    r"|(?<!more )(?<!less )(?<!fewer )(?<!greater )\bthan|\bcompared (?:with|to)|\bversus|\bvs\.?)\s+"
    r"(?:(?:about|around|nearly|roughly|some|just|a|an|revised)\s+){0,2}[$£€]?$", re.IGNORECASE)
_EARLIER_PERIOD_SAW = re.compile(
    r"\b(?:before|earlier|previous|prior|ago)\b[^.;]{0,25},\s*(?:which|when it)\s+"
    r"(?:saw|had|recorded|logged|reported)\s+(?:(?:about|around|nearly|some|just)\s+)?[$£€]?$", re.IGNORECASE)
# "a random national sample of 907 adults", "a survey of 1,500 voters": how a poll was made
_SAMPLED = re.compile(r"\b(?:sample|survey|poll|panel)\s+of\s+"
                      r"(?:(?:about|around|nearly|some|more than|over)\s+)?$", re.IGNORECASE)
# What, written right before a figure, makes it no figure of the story's
_BESIDE_THE_STORY = re.compile("|".join(f"(?:{p.pattern})" for p in (_COMPARED_WITH, _EARLIER_PERIOD_SAW,
                                                                       _SAMPLED)), re.IGNORECASE)


def _state_question(figure: str, state: str, following: str, text: str) -> str:
    """'How many skiers are missing?' for '10 missing skiers'; 'How many were injured?' for '10
    injured, officials said' (no noun: the state is the question)."""
    written = re.search(rf"(?<![\w.]){re.escape(figure)}\s+{re.escape(state)}\s+{re.escape(following)}\b",
                        text, re.IGNORECASE) if following else None
    if written and _plural_noun(following):
        return f"How many {following} are {state}?"
    return _STATE_QUESTIONS.get(state, f"How many were {state}?")


def _figure_question(tokens: Sequence[str], position: int, text: str) -> str | None:
    token = tokens[position]
    after = tokens[position + 1].lower() if position + 1 < len(tokens) else ""
    following = tokens[position + 2].lower() if position + 2 < len(tokens) else ""
    money = any(f"{sign}{token}" in text for sign in "$£€")
    if after == "percent":
        return _share_question(token, text)
    if after in SCALE_WORDS and not money:
        # "1 billion vaccine doses": a count, not a sum; "2 million people": no question
        counted = _counted(tokens[position:position + 2], tokens[position + 2:], text)
    elif after in SCALE_WORDS or money:
        return _money_question(token, after, text)
    elif after in _STATES:
        return _state_question(token, after, following, text)
    else:
        counted = _counted(tokens[position:position + 1], tokens[position + 1:], text)
    if counted is None and _a_death_toll(tokens, position, text):
        return "How many were killed?"
    if not counted:
        return None
    return _count_question(tokens[position:position + (2 if after in SCALE_WORDS else 1)], counted, text)


def _count_question(figure: Sequence[str], counted: str, text: str) -> str:
    """'How many Y?' said with what befell those counted or what they did, when the sentence says
    it: "6 backcountry skiers found alive" -> "How many backcountry skiers were found alive?",
    "agents made 178,000 arrests" -> "How many arrests were made?", "373,000 Americans filed for
    jobless benefits" -> "How many Americans filed for jobless benefits?"."""
    outcome = re.search(rf"\b{re.escape(figure[-1])}\s+{re.escape(counted)}\s+(?:were\s+|have been\s+)?"
                        rf"({_OUTCOMES})\b", text, re.IGNORECASE)
    if outcome:
        return f"How many {counted} were {outcome.group(1).lower()}?"
    did = _what_they_did(figure, counted, text)
    if did:
        return f"How many {counted} {did}?"
    done = _what_was_done(figure, counted, text)
    if done:
        return f"How many {counted} were {done}?"
    written = r"\s+".join(re.escape(w) for w in [*figure, *counted.split()])
    if re.search(rf"\b[Tt]here (?:were|have been|had been|are)\s+{_COUNT_BOUNDS}{written}(?!\w)", text):
        return f"How many {counted} were there?"  # "there were more than 400 shootings"
    return f"How many {counted}?"


# Past tenses without "-ed" that a counted subject is commonly followed by ("39,000 voters cast
# their ballots", "200 Afghans flew into Dulles").
_IRREGULAR_PAST = frozenset({
    "began", "bought", "brought", "came", "cast", "chose", "fell", "fled", "flew", "fought", "gave", "got",
    "grew", "had", "held", "hit", "kept", "led", "left", "lost", "made", "met", "paid", "ran", "rose",
    "sat", "saw", "sent", "shut", "sold", "spent", "stood", "struck", "swore", "took", "told", "went",
    "won", "wrote"})
_AUXILIARIES = ("have|has|had|were|was|are|is|will|would|could|can|may|might|must|should|did")
# Where what the counted did stops: a clause or list goes on, or a circumstance of time or place
# begins ("filed for jobless benefits | in the week ended July 3").
_CLAUSE_STOPS = frozenset({
    "and", "or", "but", "while", "as", "after", "before", "since", "because", "when", "which", "who",
    "that", "in", "on", "at", "during", "across", "over", "from", "through", "outside", "near", "amid",
    "according", "last", "this", "next", "to", "than", "with", "by", "under", "until", "per", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday", "today"})
# A count of speakers asks nothing ("How many scientists stated?"): what they said is the news.
_SPEECH_PAST = frozenset({"said", "stated", "told", "announced", "wrote", "argued", "claimed", "reported",
                          "noted", "added", "warned", "urged", "asked"})
_LOOSE_ENDS = frozenset({"a", "an", "the", "their", "his", "her", "its", "of", "for", "about", "up", "out"})
_MAX_DEED_WORDS = 6


def _their_verb(figure: Sequence[str], counted: str, text: str) -> tuple[list[str], str, str] | None:
    """The verb right after the counted noun, as (auxiliaries, verb, the rest of its clause), when
    those counted are its subject and it is a past or an auxiliary's verb; else None."""
    written = r"\s+".join(re.escape(w) for w in [*figure, *counted.split()])
    match = re.search(rf"(?<![\w.]){written}\s+((?:(?:{_AUXILIARIES})\s+)?(?:\w+ly\s+)?(?:been\s+)?)"
                      r"([a-z]+)\b([^,;:.?!\"“”()]*)", text)
    if match is None:
        return None
    auxiliary, verb = match.group(1).split(), match.group(2)
    if not (verb.endswith("ed") or verb in _IRREGULAR_PAST or (auxiliary and auxiliary[0] != "had")):
        return None  # no verb of theirs: "200 Afghan interpreters and their families"
    if verb in STOPWORDS or verb in _STATES or verb in _CLAUSE_STOPS or verb in _SPEECH_PAST:
        return None
    if text[match.end():match.end() + 1] == "." and text[match.end() + 1:].strip():
        return None  # an abbreviation cut it short ("would oppose Sen. Manchin's compromise")
    return auxiliary, verb, match.group(3)


def _what_they_did(figure: Sequence[str], counted: str, text: str) -> str | None:
    """What those counted did or had done to them, when they are the sentence's subject: "filed
    for first-time jobless benefits" in "373,000 Americans filed for first-time jobless benefits in
    the week ended July 3", so that the question says what the figure counts ("How many Americans
    filed for first-time jobless benefits?", not "How many Americans?"). None when no verb follows
    the counted noun or what follows runs on past a few words (a long clause makes no question)."""
    found = _their_verb(figure, counted, text)
    if found is None:
        return None
    auxiliary, verb, rest = found
    deed: list[str] = [*auxiliary, verb]
    for word in rest.split():
        if any(ch.isdigit() for ch in word) or (word.endswith("ing") and len(word) > 5):
            # a figure or a clause inside it ("destined for the world's 100 poorest countries",
            # "let their orders requiring people to ...")
            return None
        if word.lower() in _CLAUSE_STOPS:
            break
        deed.append(word)
    while deed and deed[-1].lower() in _LOOSE_ENDS:
        deed.pop()
    # A bare participle with no auxiliary modifies the noun, it is no deed of theirs ("60 votes
    # needed to succeed", "justices nominated by Republican presidents").
    if not len(auxiliary) + (0 if auxiliary else 1) < len(deed) <= len(auxiliary) + _MAX_DEED_WORDS:
        return None
    return " ".join(deed)


# Past tenses whose participle differs, for "How many Y were <participle>?" of "X <past> N Y".
_PARTICIPLES = {"took": "taken", "gave": "given", "wrote": "written", "chose": "chosen", "stole": "stolen",
                "drew": "drawn", "threw": "thrown", "shot": "shot", "froze": "frozen", "tore": "torn"}
# A past tense whose count is a level reached, not things done ("the U.S. passed 600,000 deaths",
# "reached 1 million cases"), or that does nothing to what it counts ("had 13 members").
_NOT_DONE = frozenset({"reached", "surpassed", "topped", "exceeded", "passed", "hit", "crossed", "had",
                       "got", "saw", "led", "came", "went", "rose", "fell", "grew", "ran", "needed",
                       "included", "involved", "totaled", "totalled", "numbered", "affected", "expected",
                       "estimated", "forecast", "projected", "predicted", "wanted", "called", "named",
                       "represented", "remained", "seemed", "ended", "started", "began", "used",
                       "showed", "revealed", "indicated", "suggested", "meant", "told", "said", "asked"})
_COUNT_BOUNDS = (r"(?:(?:at least|more than|nearly|almost|about|around|roughly|some|over|another|just|only|"
                 r"an estimated|a record|a total of|a further|an additional)\s+)?")


def _what_was_done(figure: Sequence[str], counted: str, text: str) -> str | None:
    """The participle of a past tense whose object is the count: "made" for "agents made more than
    178,000 arrests", "added" for "the economy added 850,000 jobs"."""
    return _done_to(r"\s+".join(re.escape(w) for w in [*figure, *counted.split()]), text)


_NOT_YET = frozenset({"to", "will", "would", "could", "may", "might", "must", "should"})
_NOT_A_VERB_AFTER = frozenset({"a", "an", "the", "its", "their", "his", "her", "our", "this", "that"})


def _done_to(written: str, text: str) -> str | None:
    """The participle of the past tense right before `written` (a figure, maybe with its noun),
    bounds allowed between ("committed almost $139 million" -> "committed"). None when it is not
    done yet ("set to remove", "will invest"), an adjective ("an assessed $15 million"), or a verb
    that does nothing to what it counts (`_NOT_DONE`)."""
    match = re.search(rf"\b([a-z]+)\s+{_COUNT_BOUNDS}{written}(?![\w-])", text)
    if match is None:
        return None
    verb = match.group(1)
    before = text[:match.start()].split()[-1:]
    not_yet = bool(before) and before[0].lower() in _NOT_YET | _NOT_A_VERB_AFTER
    if verb in _NOT_DONE or verb in _CLAUSE_STOPS or not_yet:
        return None
    if verb in _PARTICIPLES:
        return _PARTICIPLES[verb]
    return verb if verb.endswith("ed") or verb in _IRREGULAR_PAST else None


# A change told in percent, and the verb a reader asks it with: "prices rose 0.9 percent" -> "How
# much did prices rise?"
_MOVES = {"rose": "rise", "fell": "fall", "grew": "grow", "jumped": "jump", "surged": "surge",
          "climbed": "climb", "dropped": "drop", "declined": "decline", "increased": "increase",
          "decreased": "decrease", "soared": "soar", "slipped": "slip", "plunged": "plunge",
          "tumbled": "tumble", "gained": "gain", "slumped": "slump", "sank": "sink", "shrank": "shrink",
          "shot up": "rise", "risen": "rise", "fallen": "fall", "grown": "grow", "sunk": "sink",
          "shrunk": "shrink"}
# Where the subject of that verb begins: after a clause's opening word or punctuation
_CLAUSE_OPENERS = "that|and|but|as|while|when|after|since|because|where|with"
_SUBJECT_WORD = rf"(?!(?:{_CLAUSE_OPENERS})\b)[\w'’-]+"
_SUBJECT_START = re.compile(rf"(?:^|[,;:(]\s*|\b(?:{_CLAUSE_OPENERS})\s+)"
                            rf"(?P<subject>(?:{_SUBJECT_WORD}\s+){{0,3}}?{_SUBJECT_WORD})\s+"
                            r"(?:(?:has|have|had)\s+)?(?P<verb>"
                            + "|".join(_MOVES) + r")\s+(?:by\s+)?" + _COUNT_BOUNDS + r"$")
_MOVED = re.compile(r"How much did .+ (?:" + "|".join(_MOVES.values()) + r")\?$")
_SUBJECT_WORDS_NOT = frozenset({"it", "this", "that", "which", "who", "they", "he", "she", "there"})


def _share_question(token: str, text: str) -> str:
    """'What was the margin?' for 'beat Wright 53 percent to 47 percent'; 'How much did prices
    rise?' for 'prices rose 0.9 percent'; else 'What share is affected?'."""
    figure = re.escape(token)
    if re.search(rf"(?<![\w.]){figure}\s+percent\s+to\s+\d[\d.]*\s+percent", text):
        return "What was the margin?"
    at = re.search(rf"(?<![\w.]){figure}\s+percent", text)
    if at is not None:
        moved = _SUBJECT_START.search(text[:at.start()])
        if moved is not None:
            subject = moved.group("subject")
            first = subject.split()[0]
            if first.lower() not in _SUBJECT_WORDS_NOT and not any(ch.isdigit() for ch in subject):
                # capitalized only as the sentence's first word: "The", or a plural common noun
                # ("Prices rose 5.4 percent": "How much did prices rise?")
                if first in {"The", "A", "An"} or (moved.start("subject") == 0 and _plural_noun(first)
                                                   and not _demonym(first)
                                                   and first.lower() not in _ORGANIZATION_KEYS):
                    subject = subject[:1].lower() + subject[1:]
                return f"How much did {subject} {_MOVES[moved.group('verb')]}?"
    # "31.7 percent of the vote": a share of what the sentence names; "the 0.9 percent CPI
    # increase": the size of a change
    of = re.search(rf"(?<![\w.]){figure}\s+percent\s+of\s+(?P<the>the\s+)?(?P<what>[a-z][\w-]*)\b"
                   r"(?!\s+(?:counted|reported|reporting|tallied|in)\b)", text)
    if of is not None and of.group("what") not in STOPWORDS and of.group("what") not in _VERB_WORDS:
        return f"What share of {'the ' if of.group('the') else ''}{of.group('what')}?"
    change = re.search(rf"(?<![\w.]){figure}\s+percent\s+(?:(?P<what>[A-Za-z][\w-]*)\s+)?"
                       r"(?P<noun>increase|rise|drop|decline|gain|jump|fall|cut|hike)\b", text)
    if change is not None:
        what = f"{change.group('what')} " if change.group("what") else ""
        return f"How big was the {what}{change.group('noun')}?"
    return "What share is affected?"


# What a sum is the size of: "a $9 billion oil pipeline" -> "How much is the oil pipeline worth?";
# what is itself a sum: "a $250 million down payment" -> "How much is the down payment?".
_VALUED = ("deal|package|bill|plan|budget|proposal|investment|pipeline|project|contract|fund|program|"
           "programme|loan|bailout|offer|bid|stimulus|agreement|framework|blueprint|acquisition|merger|takeover|"
           "purchase|sale|grant|pledge|donation|foundation|company|business|empire|estate")
_SUMS = frozenset({"fine", "payment", "ransom", "penalty", "settlement", "award", "bail", "fee", "salary",
                   "bonus", "price", "payout", "refund", "tax", "tariff"})
_SUM_MODIFIER = r"(?!(?:to|of|for|with|in|and|or|that|which|by|on|at)\b)[A-Za-z][\w-]*\s+"
_SUM_NOUN = re.compile(rf"(?:\b(?:[Aa]|[Aa]n|[Tt]he)|[\w-]+['’]s)\s+{_COUNT_BOUNDS}"
                       r"(?P<sum>[$£€]\S+(?:\s+(?:million|billion|trillion))?)\s+"
                       rf"(?P<words>(?:{_SUM_MODIFIER}){{0,3}})(?P<noun>{_VALUED}|{'|'.join(sorted(_SUMS))})\b")


def _money_question(token: str, after: str, text: str) -> str:
    """'How much was committed?' for 'the governor committed almost $139 million'; 'How much is the
    oil pipeline worth?' for 'a $9 billion oil pipeline'; 'How much per gallon?' for '$3.04 per
    gallon'; else 'How much is at stake?'."""
    scale = rf"\s+{re.escape(after)}" if after in SCALE_WORDS else ""
    written = rf"[$£€]{re.escape(token)}{scale}"
    unit = re.search(written + r"\s+(?:per|a|an)\s+(gallon|barrel|share|hour|ounce|pound|ton|tonne|litre|"
                     r"liter|month|week|year|day|person|household|vote|dose)\b", text)
    if unit is not None:
        return f"How much per {unit.group(1)}?"  # "$3.04 per gallon": a price, not a sum at stake
    for match in _SUM_NOUN.finditer(text):
        if re.fullmatch(written, match.group("sum")):
            thing = " ".join([*match.group("words").split(), match.group("noun")])
            worth = "" if match.group("noun") in _SUMS else " worth"
            return f"How much is the {thing}{worth}?"
    done = _done_to(written, text)
    return f"How much was {done}?" if done else "How much is at stake?"


_OUTCOMES = ("found alive|found dead|rescued|killed|injured|wounded|arrested|evacuated|detained|"
             "hospitali[sz]ed|released|freed|deported|displaced|sentenced|charged")
_STATE_QUESTIONS = {"dead": "How many died?", "missing": "How many are missing?",
                    "unaccounted": "How many are unaccounted for?"}
_KILLS = frozenset({"kills", "killed", "kill", "killing"})


# "killing at least 28 people": a bound between the verb and the figure
_BOUNDS = frozenset({"at", "least", "more", "than", "nearly", "almost", "about", "around", "over", "some",
                     "up", "to", "as", "many"})


def _a_death_toll(tokens: Sequence[str], position: int, text: str) -> bool:
    """"Drone attack kills 28", "killing at least 28 people", "28 killed", "28 people dead": a
    death toll, which counts no noun the question could name ("people" asks nothing on its own)."""
    at = position - 1
    while at >= 0 and tokens[at].lower() in _BOUNDS and position - at <= 3:
        at -= 1  # "at least", "more than", "up to", "nearly"
    before = tokens[at].lower() if at >= 0 else ""
    after = [t.lower() for t in tokens[position + 1:position + 3]]
    if after[:1] == ["people"]:
        after = after[1:]
    first = after[0] if after else ""  # "" at the end of the sentence
    # the toll closes its clause: "killed 28 people, a rights group said" (tokens lose the comma)
    closes = re.search(rf"(?<![\w.]){re.escape(tokens[position])}(?:\s+people)?\s*[,;:]", text) is not None
    # "kills 28" closing its clause, or "28 killed" / "28 dead"
    return ((before in _KILLS and (not first.isalpha() or first in {"in", "at", "on"} or closes))
            or first in {"killed", "dead", "died"})


# What a speaker can reject or dismiss in words: "rejected the notion that ...", "dismissed the claims".
_SAID_THINGS = (r" (?:the |a |an |any |his |her |their )?(?:\w+ )?(?:notion|idea|claims?|suggestions?|"
                r"assertions?|accusations?|allegations?|characterization|criticism|reports?|premise|"
                r"comparisons?)\b")
# "passed away" and "passed by" are no decision; "charged with" a crime is. Nor is what is yet to
# be or only might be decided ("the case to be decided next term", "would be quickly rejected",
# "should be passed"), or a count of the dead ("another 43 people were confirmed dead").
_NOT_DECISION = re.compile(
    r"\bpassed (?:away|on|by|through)\b|\b(?:to|would|could|should|might|may|will|must)"
    r"(?: \w+ly)? be(?: \w+ly)? \w+ed\b|\bconfirmed (?:dead|killed|cases?|deaths?|infections?)\b"
    # rejecting what someone said is words, not a decision: "rejected the notion that ..."
    r"|\b(?:rejected|dismissed)(?=" + _SAID_THINGS + ")"
    # governing is no ruling: "his Likud Party, which has ruled Israel ... for the last 44 years"
    r"|\b(?:has|have|had)\s+ruled\b(?=[^.;]*\b(?:for|since)\b)"
    # ... and rejecting doing something is a stance: "flatly rejected meeting U.S. President Joe Biden"
    # (not "rejected funding for the wall": the Senate's vote)
    r"|\brejected (?=(?:meeting|talking|negotiating|attending|joining|resigning|stepping|apologi[sz]ing|"
    r"returning|conceding|engaging)\b)"
    # what did not happen: "wouldn't have approved a cease-fire if ..."; a report verified is no
    # decision: "police confirmed a report that ...", "confirmed that he had died"
    r"|\b(?:would|could|should|might|may|must)(?:n['’]t| not)? have \w+ed\b"
    r"|\bconfirmed (?:(?:a|the|an earlier|earlier|local|media|news) )?"
    r"(?:reports?|that|his|her|the death|the news)\b"
    # "a source with knowledge of the plans confirmed to Fox News" (not "was confirmed to the Court")
    r"|(?<!was )(?<!were )(?<!been )(?<!be )\bconfirmed to (?:the )?[A-Z]")


# A decision in a clause of time is background: "the first since a 2024 uprising ousted Hasina".
_BACKGROUND = re.compile(r"\b(?:since|after|before|when|until|following)\b[^,;]*$"
                         # "took offense with the fact that the bill was signed": a given, not news
                         r"|\bthe fact that\b[^,;]*$", re.IGNORECASE)


def _decided_question(candidate: _Candidate) -> str | None:
    # What a speaker's quoted words call passed or banned is their words, not a decision reported.
    text = _NOT_DECISION.sub(" ", _unquoted(candidate.text))
    if _ARRESTED_ON_CHARGES.search(text) or _FILED_CHARGES.search(text):
        # "was arrested on charges that he voted ...": no vote decided; "prosecutors filed
        # terrorism-related charges against ...": the charges are the news
        return "What are the charges?"
    if _long_gone(_OPENING_YEAR.match(text), candidate.item.published.year):
        return None  # "In 2016, the review board ruled that ...": the story's background
    # (not an adjective, "a twice-convicted felon", nor what describes a person: "a felon who
    # allegedly voted while on probation")
    found = [m for m in _DECISION.finditer(text) if not _BACKGROUND.search(text[:m.start()])
             and not (_PLUPERFECT.search(text[:m.start()]) and not _REPORTED.search(text[:m.start()]))
             and not _long_gone(_YEAR_AFTER.search(text[m.end():]), candidate.item.published.year)
             and not _months_gone(_MONTH_AFTER.search(text[m.end():]), candidate.item.published.month)
             and not _ALLEGED.search(text[:m.start()])
             and not _DESCRIBED_BY.match(text, m.start())
             and not _HYPOTHETICAL.search(text[:m.start()])
             and text[m.start() - 1:m.start()] != "-"
             and "who" not in text[:m.start()].lower().split()[-3:]
             and not _RELATIVE_PASSIVE.search(text[:m.start()])]
    if found and all(m.group(1) in _CHARGING for m in found):
        # an arrest or an indictment is no decision to a reader: what the charges are is the question
        return "What are the charges?" if _CHARGES.search(text) else None
    return "What was decided?" if found else None


# "The FDA had previously approved both vaccines": what came before the story
_PLUPERFECT = re.compile(r"\bhad (?:(?:already|previously|earlier|also|just|been|once) )*$", re.IGNORECASE)
# What someone alleges was decided is their claim: "critics have alleged that the former president
# ordered the clearing of the area" (not "the alleged gunman was charged")
_ALLEGED = re.compile(r"\b(?:alleg(?:e|es|ed)|claim(?:s|ed)?|contend(?:s|ed)?|insist(?:s|ed)?) that\b[^.;]*$",
                      re.IGNORECASE)
# ... but "reported that Pelosi had decided to create the committee" is the news, told in the past
# (or "... said both sides had agreed on a set of guiding principles")
_REPORTED = re.compile(r"\b(?:that|said|says|told|reported|announced|added)\s+(?:that\s+)?"
                       r"(?:[\w.'’-]+\s+){1,4}had\s+(?:\w+\s+)?$", re.IGNORECASE)
# "Dealers would also have their licenses revoked if they refuse ...": what might be, not what was
_HYPOTHETICAL = re.compile(r"\b(?:would|could|might)\b[^,;]*$", re.IGNORECASE)
# A year long gone dates a decision as background: at the sentence's start ("In 2016, ...")
_OPENING_YEAR = re.compile(r"^(?:In|By|Since) ((?:19|20)\d\d)\b")
# "the election review ordered by the Arizona Senate": a participle describing a thing (with no
# auxiliary before it: "the law was passed by Congress" is a decision)
_DESCRIBED_BY = re.compile(r"(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bbe )(?<!\bis )(?<!\bare )(?<!\bbeing )"
                           r"\w+ed by\b")
# ... or the words after the decision, in its own clause: "was elected to the Senate in 1978"
_YEAR_AFTER = re.compile(r"^[^,;.]{0,40}?\bin ((?:19|20)\d\d)\b")


# ... or a month ("was banned from both sites in January", in a May article)
_MONTH_AFTER = re.compile(r"^[^,;.]{0,40}?\bin (" + "|".join(m.title() for m in MONTHS) + r")\b")


def _months_gone(month: re.Match[str] | None, published_month: int) -> bool:
    """Whether a month a decision is dated in is two or more months before the article's: the
    story's background ("in January" in May), not its news ("in March" in April may be weeks ago)."""
    return month is not None and (published_month - MONTHS.index(month.group(1).lower()) - 1) % 12 >= 2


def _long_gone(year: re.Match[str] | None, published_year: int) -> bool:
    """Whether a year a decision is dated in is before last year: a life's story, not the news."""
    return year is not None and int(year.group(1)) < published_year - 1


# "the nuclear agreement that was signed during the Obama administration": what describes a thing
# ("the American Rescue Plan, which was the $1.9 trillion behemoth passed in March")
_RELATIVE_PASSIVE = re.compile(r"\b(?:that|which)\s+(?:was|were|had been|has been|have been)\s+"
                               r"(?:(?:the|a|an)\s+(?:[^\s,;]+\s+){0,4})?$"
                               # "The For the People Act, which passed in the House in March, is ..."
                               r"|, which\s+(?:\w+ly\s+)?$"
                               # "the AI social network where humans are banned"
                               r"|\bwhere\s+(?:\w+\s+){0,2}(?:is|are|was|were)\s+$", re.IGNORECASE)
_CHARGING = frozenset({"charged", "indicted"})
# Charges brought, with their kind: "filed terrorism-related charges", "files terror charges"
# (not "filed charges" alone: the answer would not say what they are).
_FILED_CHARGES = re.compile(r"\b(?:filed|files|brought|brings|laid|lays|pressed|presses)\s+"
                            r"(?!(?:the|a|an|new|no|any|more|its|their|his|her)\b)[\w-]+(?:\s+[\w-]+)?\s+charges\b")
_ARRESTED_ON_CHARGES = re.compile(r"\b(?:arrested|detained|held)\b[^.;]{0,30}?\bon (?:\w+ ){0,2}charges\b")
# "was arrested and charged Tuesday with ...", "indicted him on ..." (not "a teen who charged two
# women with a knife", "racially charged rhetoric")
_CHARGES = re.compile(r"\b(?:was|were|been|is|are|being)\s+(?:\w+\s+and\s+)?charged\b"
                      r"[^.;]{0,40}?\b(?:with|on|for)\b|\bindicted\b[^.;]{0,40}?\b(?:with|on|for)\b")


def _next_question(candidate: _Candidate) -> str | None:
    """A forward-looking statement of a cited article (never a blurb: `_usable` drops those), or
    one that dates what comes (`_dates_what_comes`; asked here only: such a sentence still leads
    the brief as what happened)."""
    # a speaker's quoted words are theirs: '"We will not take lessons from anyone," he tweeted' says
    # nothing of what comes
    ahead = _forward(replace(candidate, text=_unquoted(candidate.text))) or _dates_what_comes(candidate.text)
    return "What happens next?" if ahead and candidate.position >= 0 else None


_MONTH_NAMES = "|".join(month.capitalize() for month in MONTHS)
# "ahead of elections in April", "only weeks before the April 12 general election", "ahead of next
# week's summit": the event, a few words after "ahead of" / "weeks before", then maybe its month
_BEFORE_EVENT = re.compile(
    r"\b(?:[Aa]head of|(?:weeks|days|months) (?:before|ahead of))\s+((?:[\w'’-]+\s+){0,4}?"
    r"(?:elections?|polls|vote|referendum|summit|trial|hearing|talks)\b"
    rf"(?:\s+(?:in|on|next)\s+(?:{_MONTH_NAMES}|week|month)\b)?)")
_AHEAD_WORDS = re.compile(rf"\b(?:upcoming|next|coming|{_MONTH_NAMES})\b")


def _dates_what_comes(text: str) -> bool:
    """An event still to come that the sentence dates: "ahead of elections in April", "weeks
    before the April 12 general election", "ahead of next week's summit". A year dates it in the
    past as often as not ("ahead of the 2020 election"), so a month, "next" or "upcoming" must."""
    event = _BEFORE_EVENT.search(text)
    if event is None or _AHEAD_WORDS.search(event.group(1)) is None \
            or re.search(r"\b(?:19|20)\d\d\b", event.group(1)) is not None:
        return False
    # what the sentence tells before the event must still be under way ("Orban faces a challenge
    # ahead of elections in April"), not done ("Congress voted to impeach Jeri ... months before
    # national elections in April": a past vote, judged no answer to what happens next)
    return not any(_told_in_the_past(word) for word in words(text[:event.start()])[1:])


_QUESTION_KINDS: tuple[tuple[str, Callable[[_Candidate], str | None]], ...] = (
    ("said", _said_question),
    ("decided", _decided_question),
    ("number", _number_question),
    ("next", _next_question),
)
# The kinds left unanswered out loud (`_left_unanswered`): what the question asks
_UNANSWERED = {"said": "who said what", "next": "what happens next"}


def _subjects(evidence: Sequence[EvidenceItem], named: Sequence[_Named],
              full_names: Mapping[str, str]) -> list[str]:
    """The names 2+ newsrooms' headlines and snippets share, best subject first, for the questions
    the evidence cannot answer yet ("What happens next for Iran?")."""
    families: dict[str, set[str]] = {}
    in_headlines: dict[str, set[str]] = {}
    outlets = {a for item in evidence for a in outlet_aliases(item.outlet)}
    # A capitalized word the evidence also writes in lower case is a common word in a title-case
    # headline ("Inflation", "Remote"), not a name.
    plain = {w for item in evidence for w in words(item.text) if w[:1].islower()}
    # So is a run of title-case headline words that opens on one ("Jobless Claims Drop to ...")
    # and that no sentence of the articles writes as a name.
    in_prose = {written for sentence in named if not sentence.headline for written in sentence.names}
    for sentence in named:
        for written in sentence.names:
            if (" " not in written and written.lower() in plain) or _COMPOUND_ADJECTIVE.search(written):
                continue
            if (sentence.headline and " " in written and written not in in_prose
                    and written.split()[0].lower() in plain and in_title_case(words(sentence.item.title))):
                continue
            # "Fine" and "Randy Fine" are one person, and so are "Tom Barrack" and "Thomas Barrack":
            # counted, and asked about, in full
            name = _as_written_most(written, full_names)
            if len(name) >= 3 and name.lower() not in outlets and name.lower() not in MONTHS:
                families.setdefault(name, set()).add(sentence.item.publisher_family)
                # "Trump associate Thomas Barrack ...": the headline is about the associate
                if sentence.headline and not _as_modifier(written, sentence.item.title):
                    in_headlines.setdefault(name, set()).add(sentence.item.publisher_family)
    # A group of people by nation, faith or creed ("Palestinians", "Muslims", "Islamist") is not
    # whom "What happens next for ...?" asks about; nor is a lone adjective.
    shared = [n for n in families
              if len(families[n]) >= 2 and not _group_word(n) and not _occasion_or_crowd(n)]
    # A person, an organization or a country before a city or region: "What happens next for
    # Marco Rubio?", not "... for Budapest?" (the venue is where the story happens, not its actor).
    # A bare institution ("Congress", "Parliament") names no one on its own: "What happens next
    # for Congress?" on a story about Peru's Congress reads as the US one. Among the rest, what the
    # headlines name: a story is about its headlines' actor ("Guantanamo Bay"), not about a name its
    # snippets mention in passing ("Donald Trump", in the background of a Biden-era transfer).
    # Between names as widely written, a place people go to (a university, an airport) after the
    # rest: the Texas man arrested after voting, not "Texas Southern University" where he voted.
    return sorted(shared, key=lambda n: (_is_venue(n), n.lower() in _BARE_BODIES,
                                         -len(in_headlines.get(n, ())), -len(families[n]),
                                         n.split()[-1].lower() in _PREMISES, -len(n.split()), n))


_PREMISES = frozenset({"university", "college", "school", "hospital", "stadium", "airport", "arena", "mall",
                       "center", "centre", "church", "cathedral", "mosque", "synagogue", "station", "prison",
                       "hotel", "museum", "park", "square", "bridge", "base"})


def _as_written_most(written: str, full_names: Mapping[str, str]) -> str:
    """The name as the evidence writes that person most: a surname alone in full ("Fine" -> "Randy
    Fine"), and a familiar or fuller form of one person's name as the usual one ("Tom Barrack" ->
    "Thomas Barrack" when the evidence writes that more)."""
    if " " not in written:
        return full_names.get(written.lower(), written)
    usual = full_names.get(written.rsplit(maxsplit=1)[-1].lower())
    if usual is not None and _person_like(written) and _given(written) == _given(usual):
        return usual
    return written


# A person named as another's relation ("Trump associate Thomas Barrack", "Putin critic ..."):
# the headline is about the other one.
_RELATION_WORDS = ("ally", "allies", "adviser", "advisers", "advisor", "advisors", "aide", "aides",
                   "associate", "associates", "confidant", "donor", "donors", "appointee", "nominee",
                   "loyalist", "loyalists", "critic", "critics", "fundraiser", "fund-raiser", "backer",
                   "backers", "supporter", "supporters", "pick", "administration")
_RELATION = "|".join(_RELATION_WORDS)


def _as_modifier(name: str, headline: str) -> bool:
    """True when the headline names `name` only as someone's relation to another person."""
    pattern = rf"\b{re.escape(name)}(?:['’]s)?(?:\s+|,\s*)(?:{_RELATION})\b"
    return re.search(pattern, headline, re.IGNORECASE) is not None


_DEMONYM_COUNTRY = lexicon.string_map("demonyms")  # "iranian" -> "Iran"
_DEMONYMS = frozenset(_DEMONYM_COUNTRY)
# "Republican-led", "Kremlin-backed": an adjective made of a name, not a name.
_COMPOUND_ADJECTIVE = re.compile(r"-(?:led|backed|based|controlled|owned|run|linked|born|style|era|like|"
                                 r"affiliated|aligned|allied|funded|made|held|dominated)\b", re.IGNORECASE)
_FAITHS = frozenset({"muslim", "muslims", "christian", "christians", "jew", "jews", "jewish", "hindu",
                     "hindus", "sikh", "sikhs", "buddhist", "buddhists", "catholic", "catholics",
                     "protestant", "protestants", "evangelical", "evangelicals", "sunni", "sunnis",
                     "shia", "shiite", "shiites", "islamic"})


_OCCASION_ENDS = frozenset({"day", "eve", "week"})
_CROWD_STARTS = frozenset({"thousands", "hundreds", "millions", "dozens", "scores", "tens"})


def _occasion_or_crowd(name: str) -> bool:
    """A day or week ("Memorial Day", and "Day" of "Mother's Day") or a crowd ("Thousands of
    Cubans"): no one "What happens next for ...?" can ask about."""
    parts = name.lower().split()
    return parts[-1] in _OCCASION_ENDS or parts[0] in _CROWD_STARTS


def _group_word(name: str) -> bool:
    """One word naming a people, a faith or a creed ("Palestinians", "Muslims", "Islamist"), or a
    party's adjective ("Democratic" of "the 2020 Democratic primary")."""
    word = name.lower()
    if " " in word:
        return False
    return (_demonym(word) or word in _FAITHS or word.endswith(("ist", "ists"))
            or word.endswith("ism") or word in {"democratic", "republican"})


_BARE_BODIES = frozenset({"congress", "parliament", "senate", "house", "government", "cabinet", "court",
                          "police", "army", "military", "legislature", "assembly", "council", "ministry",
                          "presidency", "opposition"})


_COUNTRIES = lexicon.word_set("countries")
_VENUE_NAMES = (*lexicon.entries("regions_and_cities"), *lexicon.entries("us_places"))
_VENUE_WORDS = frozenset(w for name in _VENUE_NAMES for w in name.split()) - _COUNTRIES


def _is_venue(name: str) -> bool:
    return all(word.lower().strip(".'’") in _VENUE_WORDS for word in name.split())


def _a_place(name: str) -> bool:
    """A country, region, city or US state ("France", "the U.S.", "Budapest", "California"):
    where a story happens, not who acts in it."""
    bare = name.removeprefix("the ")
    return bare.replace(".", "").lower() in _COUNTRIES or _is_venue(bare)


# The event a story is, by the words its coverage uses for it (first listed wins a tie): "What
# happens next in the case?" asks about the story where "What happens next for France?" (the
# place it happened) asks about no one. Words of violence alone name no case ("strikes on drug
# boats, killing 11"): the case needs its charges, arrests or suspects.
_EVENTS: tuple[tuple[str, frozenset[str]], ...] = (
    ("the investigation", frozenset({"investigation", "investigations", "investigating", "investigate",
                                     "investigates", "investigators", "probe", "probes", "inquiry"})),
    ("the trial", frozenset({"trial"})),
    ("the case", frozenset({"case", "charges", "charged", "arrest", "arrests", "arrested", "suspect",
                            "suspects", "indicted", "indictment", "lawsuit"})),
    ("the talks", frozenset({"talks", "negotiations", "negotiators"})),
    ("the election", frozenset({"election", "elections", "runoff", "referendum"})),
    ("the search", frozenset({"search", "rescuers", "rescue"})),
)
_EVENT_OF = {word: event for event, cues in _EVENTS for word in cues}
_EVENT_ORDER = {event: n for n, (event, _) in enumerate(_EVENTS)}


def _newsrooms_by_word(evidence: Sequence[EvidenceItem]) -> dict[str, set[str]]:
    """Each lower-case word of the headlines and snippets -> the newsrooms (families) using it."""
    found: dict[str, set[str]] = {}
    for item in evidence:
        for word in words(f"{item.title} {item.snippet}"):
            found.setdefault(word.lower(), set()).add(item.publisher_family)
    return found


def _story_event(newsrooms: Mapping[str, set[str]]) -> str | None:
    """The event 2+ newsrooms name ("the case", "the talks"), or None (`newsrooms`:
    `_newsrooms_by_word`)."""
    families: dict[str, set[str]] = {}
    for word, event in _EVENT_OF.items():
        families.setdefault(event, set()).update(newsrooms.get(word, ()))
    named = [event for event, found in families.items() if len(found) >= 2]
    return min(named, key=lambda e: (-len(families[e]), _EVENT_ORDER[e])) if named else None


def _asked_about(subject: str | None, event: str | None) -> str | None:
    """Whom or what the questions the evidence cannot answer ask about: the story's event rather
    than a place or a thing (or no one)."""
    if event is not None and (subject is None or _a_place(subject) or not _an_actor(subject)):
        return event
    return subject


_KNOWN_PEOPLE = lexicon.string_map("known_people")
_PEOPLE_NAMES = frozenset(_KNOWN_PEOPLE) | frozenset(name.lower() for name in _KNOWN_PEOPLE.values())
_ORGANIZATION_KEYS = lexicon.word_set("organizations")
_ORGANIZATION_WORDS = lexicon.word_set("organization_words")
_PARTY_MEMBERS = re.compile(r"(?:[A-Z][a-z]+ )?(?:Democrats|Republicans|Conservatives|Liberals)")
_HOME_COUNTRY = frozenset({"us", "usa", "united states", "america"})
_THING_ENDS = frozenset({"act", "amendment", "ban", "bill", "law", "treaty", "war", "index", "year", "day",
                         "week", "festival", "holiday", "games", "olympics", "paralympics", "championship",
                         "championships", "tournament", "capitol"})
# Where a body is only the source of a figure: "according to the Labor Department", "data released
# by the Bureau of Labor Statistics", "the CDC's data", "the Labor Department reported Friday".
_SOURCE_BEFORE = re.compile(
    r"(?:according to|data (?:released |compiled |published )?(?:from|by)|(?:released|compiled|published|"
    r"reported)(?: \w+)? by|figures (?:from|by)|(?:survey|analysis|report|estimates?|statistics|numbers|"
    r"poll) (?:from|by|of))\s+(?:the\s+)?(?:U\.S\.\s+)?$", re.IGNORECASE)
_SOURCE_AFTER = re.compile(
    r"^(?:['’]s?\s+(?:\w+\s+)?(?:data|figures|report|survey|statistics|numbers|estimates?|analysis|tally)\b"
    r"|\s+(?:\w+ly\s+)?(?:reported|reports|estimated|estimates|released|releases|published|data|figures|"
    r"tallied|counted|(?:began|started) (?:tracking|keeping|collecting))\b)")
# ... or says a figure: "Job openings rose to 9.21 million, the Labor Department said Wednesday"
_SAYS_AFTER = re.compile(r"^\s+(?:said|says)\b")


def _only_a_source(name: str, texts: Sequence[str]) -> bool:
    """Whether the evidence names `name` only as the source of a figure (never as one who acts):
    not whom "What happens next for ...?" asks about ("... for the Labor Department?" of a jobs
    report)."""
    bare = name.removeprefix("the ")
    if _person_like(bare) or bare.lower() in _PEOPLE_NAMES:
        return False  # a person who is quoted acts in the story
    found = False
    for text in texts:
        for match in re.finditer(rf"(?<![\w-]){re.escape(bare)}(?![\w-])", text):
            found = True
            before, after = text[:match.start()], text[match.end():]
            sentence = re.split(r"(?<=[.!?])\s+", before)[-1] + bare + re.split(r"(?<=[.!?])\s", after)[0]
            # "..., the Labor Department said on Thursday." closing an account, or saying a figure
            says = _SAYS_AFTER.match(after) is not None and (
                re.search(r"\d", sentence) is not None
                or re.match(r"^\s+(?:said|says)(?:\s+(?:on\s+)?\w+)?\.", after) is not None)
            if not (_SOURCE_BEFORE.search(before) or _SOURCE_AFTER.match(after) or says):
                return False
    return found


def _an_actor(name: str) -> bool:
    """Someone or something that can act or speak: a person, a party's members ("Senate
    Republicans"), an organization ("the CDC", "the Space Force"), a country other than the feeds'
    home (its government), or a name of several words that is none of what follows. Not a law, a
    war, an index or an occasion ("the Second Amendment", "the Cold War", "Lunar New Year"), not a
    city or a US state, not "the U.S." (in the news of every story: too broad), and not one word
    the lists do not know ("Delta", "Juneteenth", "CRT": a variant, a holiday, a theory)."""
    bare = name.removeprefix("the ")
    key = bare.replace(".", "").lower()
    if key in _COUNTRIES:
        return key not in _HOME_COUNTRY
    if _is_venue(bare):
        return False
    if _person_like(bare) or key in _PEOPLE_NAMES or _PARTY_MEMBERS.fullmatch(bare):
        return True
    if key in _ORGANIZATION_KEYS or key.split()[-1] in _ORGANIZATION_WORDS:
        return True
    parts = key.split()
    return len(parts) > 1 and parts[-1] not in _THING_ENDS


def _unanswered(kind: str, subject: str | None, asked: str, deceased: Set[str] = frozenset(),
                event: str | None = None) -> QuickAnswer:
    """"Coverage does not yet specify ..." for `kind`, asked about `asked` (`_asked_about`:
    `subject`, or the story's `event` in its place)."""
    if kind == "next" and subject in deceased:
        # "What happens next for Jesse Jackson?" reads wrong on an obituary: what readers ask
        # next is the funeral, which the coverage may not have announced yet.
        return QuickAnswer(question="What are the funeral or memorial plans?",
                           answer=f"{NOT_SPECIFIED_PREFIX} funeral or memorial plans.")
    phrase = _UNANSWERED[kind]
    if asked == event:
        about = " in" if kind == "next" else " about"  # "What happens next in the case?"
    else:
        about = " for" if kind == "next" else " about"
    return QuickAnswer(question=f"{phrase[:1].upper()}{phrase[1:]}{about} {asked}?",
                       answer=f"{NOT_SPECIFIED_PREFIX} {phrase}{about} {asked}".rstrip(".") + ".")


# An answer that opens on a subordinate clause reads as a fragment ("While PM Shehbaz said ...").
_SUBORDINATE_OPENERS = frozenset({"while", "although", "though", "whereas", "as", "because", "but", "and",
                                  "meanwhile", "however"})


def _answers_well(candidate: _Candidate) -> bool:
    """Not a fragment of the sentence before (no subordinate opening, no "The report comes ..."
    follow-on, no "that figure" pointing back) and no writer's judgement ("Biden is right to ...",
    "advocates will likely claim ...")."""
    text = normalize(candidate.text)
    first = words(text)[:1]
    return (not first or first[0].lower() not in _SUBORDINATE_OPENERS) and _FOLLOWS_ON.match(text) is None \
        and _CONNECTIVE_OPENING.match(text) is None \
        and _POINTS_BACK.search(text) is None and not _a_judgement(candidate)


# "By the start of this week, that figure had risen to $2.96": which figure, the sentence before said
_POINTS_BACK = re.compile(r"\b(?:that|this|those|these) (?:figures?|numbers?|totals?|tally|estimates?|"
                          r"phenomenon|trend)\b"
                          # "Republicans have not been part of these negotiations." (not "those who
                          # ...", "those Armenians who perished", "these days")
                          r"|\b(?:these|those) (?:(?!(?:on|in|at|of|to|by|for|with|from|the|a|an|who)\b)"
                          r"(?!\w+ing\b)\w+ ){0,2}(?!days\b|years\b)\w+s\b"
                          r"(?! (?:who|whom|whose|of|in|on|at|with|from|for|aged|over|under)\b)"
                          # "A date for when borders will reopen, however, has not yet been set"
                          r"|, (?:however|though|too|meanwhile|instead),", re.IGNORECASE)


def _said_order(candidate: _Candidate) -> tuple[bool, bool]:
    """Named speakers first ("What did Xavier Becerra say?" before "What did the official say?"),
    then quoted words before reported ones."""
    speaker = _speaker(candidate)
    return speaker is not None and speaker[:1].islower(), not quotes(candidate.text)


def _latest(candidates: Sequence[_Candidate], writer: _Writer, taken: Set[str],
            shown: str = "") -> QuickAnswer | None:
    """'What does the newest report say?': the opening sentence of the newest article whose
    headline says something the brief and the other answers do not (a live story's newest
    development, or the newest angle on it; cited). Never the headline itself: terse, often in
    title case, a label or a teaser, and often the page's own (judged blind, headlines as answers
    were bad for three judges of four); never a later sentence, which is background, colour or a
    quote more often than news (judged blind: 19 of 61 good, openings 29 of 42). `shown`: the
    headline the trend's page shows above the brief; a sentence that restates it says nothing new
    (the reader has just read it)."""
    said = [content_stems(text) for text in taken]
    restated = [*said, *([content_stems(shown)] if shown else [])]
    # A headline that restates what the brief or an answer already says adds nothing: "Peru's
    # Congress ousts interim President José Jerí" after "Peru's Congress has voted to remove ...".
    headlines = [c for c in candidates if c.position < 0 and c.text not in taken and not is_roundup(c.text)
                 and all(overlap(c.stems, stems) < _CORROBORATION_OVERLAP for stems in said)]
    if not headlines:
        return None
    newest = max(headlines, key=lambda c: (c.item.published, c.item.id))
    # Its article's opening answers, when it says something new and is no quotation.
    # An article that opens on a writer's judgement ("The Olympic Games in Tokyo are doomed.") is
    # a column: what it says is no report.
    if any(_a_judgement(c) for c in candidates if c.item.id == newest.item.id and c.position == 0):
        return None
    opening = sorted((c for c in candidates if c.item.id == newest.item.id and c.position >= 0
                      and c.text not in taken and _answers_well(c) and not _a_judgement(c)
                      and c.position == 0 and not c.text.startswith(('"', '“'))
                      and all(overlap(c.stems, stems) < _CORROBORATION_OVERLAP for stems in restated)),
                     key=lambda c: c.position)
    for chosen in opening:
        claim = writer.claim(chosen)
        if writer.passes(claim.text, claim.evidence_ids):
            return QuickAnswer(question="What does the newest report say?", answer=claim.text,
                               evidence_ids=claim.evidence_ids)
    return None


_FOLLOWS_ON = re.compile(r"^(?:The|This|That) \w+ (?:comes|came|follows|followed|marks|marked)\b")


_METONYMS = lexicon.string_map("capital_metonyms")
_SAID = re.compile(r"^What did (.+) say\?$")


# A person introduced with whom they speak for: "White House press secretary Jen Psaki", "Iran's
# Foreign Minister Abbas Araghchi", "WHO Director-General Tedros". Only offices that speak for a
# body (not a senator's seat: two senators of one country are two sides); a former holder speaks
# for no one.
_SPEAKS_FOR = re.compile(
    r"(?P<former>[Ff]ormer\s+)?(?P<body>(?:[A-Z][\w.&-]*\s){0,2}[A-Z][\w.&-]*?)(?:'s)?\s+"
    r"(?:(?:[Dd]eputy|[Cc]hief|[Tt]op|[Ss]enior|[Ff]oreign|[Pp]ress|[Pp]rime)\s+)*"
    r"(?:[Ss]ecretary|[Ss]pokes(?:man|woman|person)|[Dd]irector-[Gg]eneral|[Pp]resident|[Mm]inister|"
    r"[Aa]mbassador|[Cc]hancellor|[Dd]iplomat)\s+(?P<name>[A-Z][\w'.-]+(?:\s[A-Z][\w'.-]+){0,3})")
# what a speaker's name says beside whom it names: "U.S. senators" are senators, "White House
# officials" and "Donald Trump's spokesman" speak for the White House and Donald Trump
_COUNTRY_QUALIFIER = re.compile(r"^(?:u\.s\.?|us|american|federal) (?=\S)")
_COUNTRY_VOICE = re.compile(r"([\w.]+(?: [\w.]+)??)(?:'s)? (?:fm|pm|foreign minister|foreign ministry|"
                            r"prime minister|president|minister|ministry|government|officials?|"
                            r"spokes(?:man|woman|person)|army|military|leaders?)")
_SPEAKING_GROUP = re.compile(r"(?<=\S)(?:'s)? (?:officials?|spokes(?:man|woman|person)|leaders|leadership|"
                             r"office|allies)$")


def _side(speaker: str) -> str:
    """Whom a speaker's name speaks for, as a key: "the Department of Labor" and "the Labor
    Department" are one body, "Susan A. Magill" and "Susan A Magill" one person, a capital its
    country."""
    key = _METONYMS.get(speaker, speaker)
    key = key.removeprefix("the ")
    # a country's voice is the country: "Iran FM", "Israel's army", "Iranian officials", "U.S.
    # officials" (not "Americans": a people is not its government)
    voice = _COUNTRY_VOICE.fullmatch(key)
    if voice:
        place = voice.group(1)
        key = (place if place in _COUNTRIES else _METONYMS.get(place)
               or _DEMONYM_COUNTRY.get(place, "").lower() or key)
    key = re.sub(r"(?<=\b\w)\.(?= )", "", key)  # "Susan A. Magill" is "Susan A Magill"
    key = _SPEAKING_GROUP.sub("", _COUNTRY_QUALIFIER.sub("", key))
    department = re.fullmatch(r"department of (\w+)", key)
    if department:
        key = f"{department.group(1)} department"
    return _METONYMS.get(key) or _METONYMS.get("the " + key) or key


def _speaks_for(texts: Sequence[str]) -> dict[str, str]:
    """Person (lowercased, by full name, given name and surname) -> the side key (`_side`) of the body or
    country their office speaks for, from how the evidence introduces them; a surname two people
    share speaks for neither."""
    found: dict[str, set[str]] = {}
    for text in texts:
        for match in _SPEAKS_FOR.finditer(normalize(text).replace("’", "'")):
            body = match.group("body")
            if match.group("former") or body.split()[0].lower() in _TITLES | {"vice", "prime"}:
                continue
            country = _DEMONYM_COUNTRY.get(body.split()[0].lower())  # "Iranian President ..."
            side = _side((country or body).lower())
            name = match.group("name").lower()
            # by the given name too: "Tedros", as the WHO's Director-General is called
            for key in (name, name.split()[0], name.split()[-1]):
                found.setdefault(key, set()).add(side)
    return {name: next(iter(sides)) for name, sides in found.items() if len(sides) == 1}


def _asks_about(question: str, sides: Mapping[str, str] | None = None) -> str:
    """What a question asks, for telling two apart: "What did Tehran say?" asks what "What did
    Iran say?" asks (a capital speaks for its country), and so does "What did Abbas Araghchi
    say?" where the coverage calls him Iran's foreign minister (`sides`: `_speaks_for`)."""
    said = _SAID.match(question)
    if said is None:
        return _counts(question) or question
    speaker = _side(said.group(1).lower())
    parts = speaker.split()
    # a title kept before the name ("Director-General Tedros Adhanom Ghebreyesus") names the same
    # person; a lone surname after another word does not ("Hunter Biden" is not "Biden")
    known = next((suffix for suffix in (" ".join(parts[i:]) for i in range(max(len(parts) - 1, 1)))
                  if suffix in (sides or {})), None)
    return "said:" + (sides[known] if sides and known else speaker)


def _already_asked(asks: str, asked: Set[str]) -> bool:
    """Whether a question asking `asks` (`_asks_about`) is one already asked: the same key, the
    same speaker by a shorter form of the name ("What did Levine Cava say?" after "What did
    Daniella Levine Cava say?"; a lone surname may be a relative's: "Biden", "Hunter Biden"), or
    by its acronym."""
    if asks in asked:
        return True
    if not asks.startswith("said:"):
        return False
    speakers = [key[5:] for key in asked if key.startswith("said:")]
    if any(_initials_of(asks[5:], other) or _initials_of(other, asks[5:]) for other in speakers):
        return True  # "What did the BOE say?" after "What did the Board of Elections say?"
    mine = asks[5:].removeprefix("the ")
    if " " not in mine:
        return False
    if any(_one_person(mine, other) for other in speakers):
        return True  # "Ronna McDaniel" and "Ronna Romney McDaniel"
    # ("the Census Bureau" after "the US Census Bureau")
    return any(" " in bare and (bare.endswith(" " + mine) or mine.endswith(" " + bare))
               for bare in (other.removeprefix("the ") for other in speakers))


def _one_person(name: str, other: str) -> bool:
    """Two forms of a person's name with the same given name and surname, one with a middle name."""
    mine, theirs = name.split(), other.split()
    return (2 <= len(mine) <= 4 and 2 <= len(theirs) <= 4 and len(mine) != len(theirs)
            and mine[0] == theirs[0] and mine[-1] == theirs[-1])


def _initials_of(short: str, name: str) -> bool:
    """Whether `short` is an acronym of words of `name` ("boe": "the board of elections"; "cdc":
    "the centers for disease control and prevention", its small words left out or kept), or a
    list of such ("the fda and cdc": "the food and drug administration and the centers for ...")."""
    short = short.removeprefix("the ")
    if " and " in short:
        shorts = short.split(" and ")
        # the long names, cut at each "and the" (a body's own "and" stays: "food and drug ...")
        names = re.split(r" and (?=the )", name)
        return len(shorts) == len(names) and all(
            _initials_of(a, b) for a, b in zip(shorts, names, strict=True))
    if not (2 <= len(short) <= 6 and short.isalpha()) or " " not in name:
        return False
    words_all = name.removeprefix("the ").split()
    for kept in (words_all, [w for w in words_all if w not in {"of", "for", "and", "the", "on"}]):
        letters = "".join(w[0] for w in kept)
        if short in letters:
            return True
    return False


def _counts(question: str) -> str | None:
    """What a count question counts: "How many seats were won?" and "How many seats?" both ask
    "count:seats", so a page asks it once (and one sum, however it is asked)."""
    if question.startswith(("What share", "What was the margin", "How big was the")) \
            or _MOVED.match(question):
        return "count:share"  # one share or change a page
    if question.startswith("How much "):
        return "count:sum"  # one sum a page: "How much is the deal worth?" or "How much was pledged?"
    if not question.startswith("How many "):
        return None
    for word in question.removeprefix("How many ").rstrip("?").split():
        if _plural_noun(word):
            return "count:" + word.lower()
    return None


_TOLD_ABOVE = frozenset({"next", "decided"})  # kinds never answered by the brief's own sentence


def _question_for(kind: str, ask: Callable[[_Candidate], str | None], candidates: Sequence[_Candidate],
                  *, taken: Set[str], avoid: Set[str], asked: Set[str], second_round: bool,
                  sides: Mapping[str, str] | None = None, repeats: bool = True
                  ) -> tuple[_Candidate, str] | None:
    """The first candidate sentence (not yet an answer; one not in the brief preferred) that
    answers a question of this kind not yet asked (`asked`: what each question asks, `_asks_about`)."""
    # Who said what: a quoted statement first, then any reported one; a named speaker before a
    # role ("What did Anouar El Anouni say?" before "What did the ministry say?").
    if kind == "said":
        keyed = sorted(((_said_order(c), n, c) for n, c in enumerate(candidates)), key=lambda k: k[:2])
        # "officials said 300 workers ...": its figure first, its speaker (a role, unquoted) later
        ordered = [c for order, _, c in keyed if second_round or order != (True, True)]
    else:
        ordered = list(candidates)
    # An article's sentence answers before a headline (terse, often in title case: readers marked
    # headlines as answers down), even one the brief already uses. A figure, a decision or an
    # outlook needs a sentence: a headline states them in shorthand ("McCarthy pulls his 5 GOP
    # members from 1/6 committee ...", "3 killed, including suspect, in shooting at ..."), often
    # the very headline the page shows; one that reports speech with its speaker may answer who
    # said what.
    # Sentences the brief does not tell first, then another newsroom's telling of one of its
    # sentences, then (readers mark a sentence read twice on one page down) one of its own, but
    # never for what happens next or what was decided: the page shows them just above, as what to
    # watch and in the lead (judged blind on whole pages, 42 to 2 and 28 to 1). Who said what and
    # a figure still may when `repeats` (a page with no other answer: `_quick_answers`).
    repeats = repeats and kind not in _TOLD_ABOVE
    passes = ((False, 2), (False, 1), *(((False, 0),) if repeats else ()),
              *(((True, 0),) if kind == "said" else ()))
    in_brief = [c for c in candidates if c.text in avoid]
    for headlines, new in passes:  # (headlines, how new to the brief: 2 untold, 1 not its own words)
        for candidate in ordered:
            if (candidate.position < 0) != headlines or candidate.text in taken \
                    or (new == 2 and not _distinct(in_brief, candidate)) \
                    or (new == 1 and candidate.text in avoid):
                continue
            question = ask(candidate)
            if question and not _already_asked(_asks_about(question, sides), asked):
                return candidate, question
    return None


def _answered(candidates: Sequence[_Candidate], writer: _Writer, avoid: Set[str], sides: Mapping[str, str],
              *, repeats: bool) -> tuple[list[tuple[int, QuickAnswer]], set[str], list[str]]:
    """The questions answered (with their order), the sentences they take and the kinds left
    unanswered: one of each kind first, then a second of a kind already asked. `repeats`: whether
    who said what and a figure may be answered by a sentence of the brief (`_question_for`)."""
    answered: list[tuple[int, QuickAnswer]] = []
    taken: set[str] = set()
    asked: set[str] = set()
    missing: list[str] = []
    for second_round in (False, True):
        for order, (kind, ask) in enumerate(_QUESTION_KINDS):
            if second_round and (len(answered) >= 3 or kind in {"decided", "next"}
                                 or (kind in missing and kind != "said")):
                continue  # a second decision or outlook would restate the first
            found = _question_for(kind, ask, candidates, taken=taken, avoid=avoid, asked=asked,
                                  second_round=second_round, sides=sides, repeats=repeats)
            if found is None:
                if not second_round:
                    missing.append(kind)
                continue
            candidate, question = found
            if kind in missing:
                missing.remove(kind)  # answered after all (a speaker named by role)
            taken.add(candidate.text)
            asked.add(_asks_about(question, sides))
            claim = writer.claim(candidate)
            answered.append((order + 10 * second_round, QuickAnswer(
                question=question, answer=claim.text, evidence_ids=claim.evidence_ids)))
    return answered, taken, missing


def _quick_answers(candidates: Sequence[_Candidate], writer: _Writer, avoid: Set[str],
                   subject: str | None, deceased: Set[str] = frozenset(), *,
                   next_subject: str | None, shown: str = "", event: str | None = None,
                   covered: Set[str] = frozenset(), texts: Sequence[str] = ()) -> list[QuickAnswer]:
    """Up to three questions the evidence answers, each from its own sentence: one of each kind
    first; when fewer than three kinds can be answered, a second question of a kind already asked
    (another speaker, another figure) before any "coverage does not yet specify". `next_subject`:
    whom "What happens next for ...?" asks about: the subject, unless it is a victim (None: no one);
    `event`: the story's event, asked about instead of a place (`_story_event`); `covered`: the
    kinds the coverage speaks to without an answer (`_left_unanswered`)."""
    candidates = [c for c in candidates if _answers_well(c)]
    sides = _speaks_for(texts)
    # A sentence the page already shows is read twice (judged blind: pages without such answers
    # were preferred 73 to 5), but on thin coverage it is often the only answer there is: the
    # brief's own sentences answer only a page that has no other answer (the newest report is one).
    answered, taken, missing = _answered(candidates, writer, avoid, sides, repeats=False)
    latest = _latest(candidates, writer, taken | set(avoid), shown)
    if not answered and latest is None:
        answered, taken, missing = _answered(candidates, writer, avoid, sides, repeats=True)
        latest = _latest(candidates, writer, taken | set(avoid), shown)
    answers = [a for _, a in sorted(answered, key=lambda pair: pair[0])[:3]]
    if len(answers) < 3 and latest is not None:
        answers.append(latest)
    unanswered = _left_unanswered(missing, subject, next_subject, deceased, event=event, covered=covered,
                                  texts=texts)
    return answers + unanswered[:3 - len(answers)]


def _left_unanswered(missing: Sequence[str], subject: str | None, next_subject: str | None,
                     deceased: Set[str], *, event: str | None,
                     covered: Set[str] = frozenset(), texts: Sequence[str] = ()) -> list[QuickAnswer]:
    """The questions of the `missing` kinds worth saying the coverage does not answer yet, in
    order: what happens next and who said what, about the story's actor or event (never about no
    one: "Who said what?" is a template, not a question). Not a kind the coverage does speak to in
    words no answer could be cut from (`covered`: "said" where it reports speech, "next" where it
    looks ahead): "does not yet specify" would be false. Not "What was decided about X?" (judged
    blind, a third of them were good: most stories decide nothing, or the coverage reports the
    decision in words the engine does not read as one), nor "What are the key figures?"."""
    found = []
    for kind in ("next", "said"):
        about = next_subject if kind == "next" else subject
        asked = _asked_about(about, event)
        # a city, region or US state is where the story happens, and a law or a holiday is what it
        # is about: neither acts ("What happens next for Pawtucket?", "... for the Second
        # Amendment?"); a country may ("... for Australia?")
        if kind not in missing or kind in covered or asked is None \
                or (asked != event and (not _an_actor(asked) or _only_a_source(asked, texts))):
            continue
        found.append(_unanswered(kind, about, asked, deceased, event))
    return found


def _spoken_to(evidence: Sequence[EvidenceItem], candidates: Sequence[_Candidate]) -> set[str]:
    """The question kinds the coverage speaks to, answerable or not: "said" when a headline or an
    excerpt reports speech ("Sources inside the closed-door vote said ..."), "next" when a sentence
    looks ahead (what the brief's "what to watch" draws on)."""
    texts = [normalize(text) for item in evidence for text in (item.title, *split_sentences(item.snippet))]
    ahead = any(_forward(c) for c in candidates) or any(_LOOKS_AHEAD.search(text) for text in texts)
    said = any(_speech_verb(text)[0] is not None or _REACTS.search(text) for text in texts)
    return ({"said"} if said else set()) | ({"next"} if ahead else set())


# Reactions the coverage reports in words `_speech_verb` does not read as speech ("Democrats slam",
# "rebukes", "condemned the move", "calls for"): someone said something about the story.
_REACTS = re.compile(
    r"\b(?:slam(?:s|med)?|blast(?:s|ed)?|rebuk(?:e|es|ed)|condemn(?:s|ed)?|criticiz(?:e|es|ed)|"
    r"criticis(?:e|es|ed)|prais(?:e|es|ed)|accus(?:e|es|ed)|den(?:y|ies|ied)|call(?:s|ed)? for|"
    r"urg(?:e|es|ed)|demand(?:s|ed)?|decr(?:y|ies|ied)|hail(?:s|ed)?|welcom(?:e|es|ed)|"
    r"reject(?:s|ed)?|defend(?:s|ed)?)\b")


# What looks ahead in words `_forward` does not take as an answer ("the report is due in 90 days",
# "the law takes effect in September", "Biden turns next to ..."): enough to say the coverage is
# not silent on what comes next, though no sentence answers it well.
_LOOKS_AHEAD = re.compile(
    r"\b(?:will|won't|is due|are due|due (?:in|by|to|on)|takes? effect|goes? into effect|set to|"
    r"next (?:week|month|year|step|steps)|upcoming|scheduled|later this|in the coming|plans? to|"
    r"intends? to|aims? to|expects? to|is expected|are expected|deadline|vow(?:s|ed)? to|"
    r"promis(?:es|ed) to|pledg(?:es|ed) to|threaten(?:s|ed) to)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Reading:
    """What a draft reads from its evidence once: the lead, what to watch and the answers use it."""

    evidence: Sequence[EvidenceItem]
    exclude: Set[str]
    writer: _Writer
    named: list[_Named]
    full_names: dict[str, str]
    speaker_names: dict[str, str]
    as_of: datetime
    candidates: list[_Candidate]  # the articles' sentences, news items' first


def _read(evidence: Sequence[EvidenceItem], exclude: Set[str] = frozenset()) -> _Reading:
    # the removed claims as the checks read them (NFKC): a claim written back in full-width
    # punctuation ("，") was never equal to the candidate it came from, so it came back
    exclude = frozenset(normalize(text) for text in exclude)
    named = _named(evidence)  # read once: full names, speakers and the subject use them
    speaker_names = _full_names(named, unlisted=True)
    as_of = max(item.published for item in evidence)
    candidates = [c for c in _candidates(evidence, speaker_names) if c.text not in exclude
                  and _as_sentence(c.text) not in exclude and not _outdated(c, as_of)]
    # An opinion piece's sentences are its writer's case ("Manhattan DA Cy Vance seems determined
    # to make Trump's point for him"): the lead, the answers and what to watch come from the news
    # items when there are any (its headline still gives its angle in "how coverage differs")
    candidates = [c for c in candidates if not _opinion(c.item)] or candidates
    return _Reading(evidence, exclude, _Writer(evidence), named, _full_names(named), speaker_names, as_of,
                    candidates)


def extractive_draft(evidence: Sequence[EvidenceItem], exclude: Set[str] = frozenset(),
                     headline: str = "") -> BriefDraft:
    """A brief of evidence sentences (see the module docstring). Needs at least one item.

    `exclude`: sentences not to use again (claims the fact-check removed from an earlier draft).
    `headline`: the trend's headline as its page shows it, which no quick answer repeats bare.
    """
    if not evidence:
        raise BriefInputError("an extractive brief needs evidence")
    reading = _read(evidence, exclude)
    writer, candidates = reading.writer, reading.candidates
    lead = _what_happened([c for c in candidates if not _forward(c)] or candidates, evidence)
    if lead:
        first = Paragraph(kind="what_happened", claims=[writer.claim(c) for c in lead])
    else:  # titles only: the most recent headline stands for what happened
        newest = max(evidence, key=lambda i: (i.published, i.id))
        title = normalize(newest.title).rstrip(".")
        lead_claim = Claim(text=title + _full_stop(title), evidence_ids=[newest.id])
        first = Paragraph(kind="what_happened", claims=[lead_claim])
    paragraphs = [first]
    coverage = [c for c in _coverage_claims(evidence, writer) if normalize(c.text) not in reading.exclude]
    if coverage:
        paragraphs.append(Paragraph(kind="coverage", claims=coverage))
    used = {c.text for c in lead}
    # what to watch is the coverage's own statement of what comes: not a bare quotation, a
    # writer's judgement or a sentence hanging on the one before ("And both sides will ...")
    # nor another newsroom's telling of a lead sentence (judged blind: the watch item most often
    # flagged restated the lead), unless it dates what comes and the lead does not ("will begin
    # building next month" after "announced a plan for a wall")
    ahead = [c for c in candidates if c.text not in used and _forward(c) and _answers_well(c)
             and not c.text.startswith(('"', "“")) and not _a_judgement(c)
             and (_distinct(lead, c) or _dates_what_the_lead_does_not(c, lead))]
    if ahead:
        best = max(ahead, key=lambda c: (c.families, c.score))
        paragraphs.append(Paragraph(kind="what_to_watch", claims=[writer.claim(best)]))
        used.add(best.text)
    answers = [answer.model_copy(update={"question": own_punctuation(answer.question),
                                         "answer": own_punctuation(answer.answer)})
               for answer in _answers(reading, used, headline)]
    return BriefDraft(paragraphs=paragraphs, quick_answers=answers)


def _dates_what_the_lead_does_not(candidate: _Candidate, lead: Sequence[_Candidate]) -> bool:
    """Whether the sentence dates what comes ("next month", "later this year") and no lead sentence
    does (a weekday is left out: as often the day a past act was done, "announced on Friday")."""
    return _AHEAD_WORD.search(candidate.text) is not None \
        and not any(_AHEAD_WORD.search(c.text) for c in lead)


def _answers(reading: _Reading, told: Set[str], headline: str = "") -> list[QuickAnswer]:
    """The quick answers of a page whose brief tells the sentences `told` (which no answer repeats)."""
    evidence, exclude = reading.evidence, reading.exclude
    with_headlines = [c for c in _candidates(evidence, reading.speaker_names, headlines=True)
                      if c.text not in exclude and _as_sentence(c.text) not in exclude
                      and not _outdated(c, reading.as_of)]
    with_headlines = [c for c in with_headlines if not _opinion(c.item)] or with_headlines
    deceased = _deceased(evidence)
    subjects = _subjects(evidence, reading.named, reading.full_names)
    victims = _victims(evidence, reading.full_names) - deceased
    texts = [text for item in evidence for text in (item.title, item.snippet)]
    subject = _with_article(subjects[0], texts) if subjects else None
    # "What happens next for ...?" is not asked of a victim: the next best subject, or no one
    next_subject = next((_with_article(n, texts) for n in subjects if n not in victims), None)
    return _quick_answers(with_headlines, reading.writer, told, subject, deceased, next_subject=next_subject,
                          shown=headline, event=_story_event(_newsrooms_by_word(evidence)),
                          covered=_spoken_to(evidence, reading.candidates), texts=texts)


class ExtractiveGenerator:
    """The offline BriefGenerator: no model, no tokens."""

    engine = EXTRACTIVE_ENGINE
    uses_tokens = False

    def generate(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim],
                 headline: str = "") -> tuple[BriefDraft, TokenUsage]:
        return extractive_draft(evidence, exclude={r.text for r in feedback}, headline=headline), TokenUsage()

    def token_ceiling(self, evidence: Sequence[EvidenceItem], feedback: Sequence[RemovedClaim]) -> int:
        return 0
