"""Related trends: other open stories that share people, places, organizations or vocabulary —
never the same story again.

    score(a, b) = SIMILARITY_WEIGHT × cosine(centroid_a, centroid_b)
                + TOPIC_WEIGHT × shared-topic overlap (weighted Jaccard of topic slugs; names weigh
                  1, key terms TERM_TOPIC_WEIGHT)

A candidate is kept when score ≥ MIN_SCORE, and at most MAX_RELATED are kept per trend, best first.
That is the lexical path. When both trends carry sentence embeddings (`embedding_sum`), the
relation is semantic instead:

    score(a, b) = cos(mean embedding a, mean embedding b) + NAME_BONUS × shared concrete names (≤ 3)

kept when the cosine reaches SEMANTIC_RELATED_COSINE (a close neighbourhood: the Geneva talks and
the Hormuz closure), or ENTITY_RELATED_COSINE with a shared person or organization, or
PLACE_RELATED_COSINE with shared places only. A name in more than COMMON_NAME_SHARE of the open
trends (and the United States) is not concrete: it links nothing; nor does a newsroom's own name
("CBS Evening News" and "... tells CBS News"). Each related trend carries a reason of a few
words: "shares: Iran, Geneva", "also about nuclear talks", "also about Iran" (a name too common to
link two trends, named when meaning alone related them), "also about Titanfall" or "also about
ice ages" (a name or a key phrase both trends' headlines use, `shared_headline_words`) or,
failing all of these, "close in subject".
Same story also when the mean embeddings are SAME_STORY_EMBEDDING alike.

"Never the same story twice": a candidate that is the *same story* as the trend is never listed.
Same story means any of:

* one was merged into the other (`merged_into`);
* centroids at least SAME_STORY_COSINE alike (clustering's own merge threshold: two trends this
  close are a split, not a relation);
* near-duplicate headlines: two of their most representative headlines (the first
  HEADLINES_COMPARED of each) share at least SAME_STORY_TITLE_OVERLAP of their words;
* the same cast: at least SAME_STORY_MIN_NAMES named topics (people, organizations, places) in
  common and the words of their names SAME_STORY_NAME_OVERLAP alike ("Marco Rubio, Viktor Orban,
  Hungary" against "Marco Rubio, Orbán, Hungary" — a split that clustering did not merge).

Within one list, two candidates that are the same story as each other are listed once (the
better scored). A trend that clustering's split pass took out of another (`split_partners`: a
distinct event found inside one coverage, domain.split) is never the same story as it and is
always listed as related to it, first among the candidates.

Candidates come from an inverted index over topic slugs and each trend's heaviest centroid terms;
a key shared by more than MAX_POSTING trends (a word in every story) is not used for lookup, so
the cost stays proportional to the number of open trends, not its square.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from headlinez.domain.newsrooms import is_public
from headlinez.domain.semantic import unpack_sum
from headlinez.domain.terms import TitleWord, title_word_set, title_words
from headlinez.domain.topics import fold_name, phrase_pairs
from headlinez.models import RelatedTrend, TrendState

SIMILARITY_WEIGHT = 0.6
TOPIC_WEIGHT = 0.4
TERM_TOPIC_WEIGHT = 0.5
MIN_SCORE = 0.12
MAX_RELATED = 5
SAME_STORY_COSINE = 0.35
SAME_STORY_TITLE_OVERLAP = 0.4
SAME_STORY_MIN_NAMES = 2
SAME_STORY_NAME_OVERLAP = 0.6
HEADLINES_COMPARED = 5
LOOKUP_TERMS = 8
MAX_POSTING = 200
MAX_CANDIDATES = 40
# With sentence embeddings (cosine of the two trends' unit mean embeddings):
# The two floors were raised (0.5 -> 0.55, 0.35 -> 0.4) on pairs labeled before the held-out days:
# below them, "close in subject" was mostly a broad theme (two prime ministers' elections, two AI
# stories) and a shared name mostly an umbrella (the Olympics) rather than one affair.
SEMANTIC_RELATED_COSINE = 0.55  # a close semantic neighbourhood on its own
ENTITY_RELATED_COSINE = 0.4  # with a shared concrete person or organization
PLACE_RELATED_COSINE = 0.5  # with shared places only (a country alone links many unrelated stories)
ALWAYS_COMMON = frozenset({"united-states"})  # the home of most feeds: in the news of every section
SAME_STORY_EMBEDDING = 0.7  # this close is a split of one story, not a relation
NAME_BONUS = 0.05  # per shared concrete name, at most MAX_NAME_BONUS names
MAX_NAME_BONUS = 3
COMMON_NAME_SHARE = 0.03  # a name in more than this share of the open trends ("US") links nothing
MAX_REASON_NAMES = 3
REASON_HEADLINES = 3  # the headlines of each trend a reason may quote (the ones the page leads with)
MIN_NAME_CHARS = 3  # a shorter name ("US", "UK", "TV") is too common to say what links two stories
MAX_ACRONYM_CHARS = 5


@dataclass(slots=True)
class _Profile:
    trend: TrendState
    unit: dict[str, float]  # centroid scaled to length 1
    topics: dict[str, float]  # slug -> weight
    topic_mass: float
    names: frozenset[str]  # slugs of named topics (people, organizations, places)
    places: frozenset[str]  # the slugs of `names` that are places
    name_words: frozenset[str]
    headlines: tuple[frozenset[str], ...]  # content words of the top headlines
    display: dict[str, str]  # slug -> topic name as shown
    embedding: np.ndarray | None  # unit mean embedding


def _profile(trend: TrendState) -> _Profile:
    norm = math.sqrt(sum(v * v for v in trend.centroid.values()))
    unit = {t: v / norm for t, v in trend.centroid.items()} if norm > 0 else {}
    topics = {t.slug: (TERM_TOPIC_WEIGHT if t.kind == "term" else 1.0) for t in trend.topics}
    names = frozenset(t.slug for t in trend.topics if t.kind != "term")
    titles = _titles(trend)
    # Accents folded, letters kept: "Orbán" and "Orban" are one word, and a Cyrillic headline
    # keeps its words.
    headlines = tuple(title_word_set(fold_name(t)) for t in titles)
    embedding = None
    total = unpack_sum(trend.embedding_sum)
    if total is not None and len(total) and trend.embedding_weight > 0:
        vector = total.astype(np.float64)
        length = float(np.linalg.norm(vector))
        embedding = vector / length if length > 0 else None
    places = frozenset(t.slug for t in trend.topics if t.kind == "place")
    return _Profile(trend, unit, topics, sum(topics.values()), names, places,
                    frozenset(w for slug in names for w in slug.split("-")), headlines,
                    {t.slug: t.name for t in trend.topics}, embedding)


def _titles(trend: TrendState) -> list[str]:
    """The trend's most representative headlines (its headline when it has no candidates)."""
    titles = [m.title for m in trend.title_candidates[:HEADLINES_COMPARED]]
    return titles or ([trend.headline] if trend.headline else [])


def _name_runs(words: Sequence[TitleWord], names: set[str]) -> list[list[TitleWord]]:
    """The names of a headline as whole runs of name words written together ("Wall Street",
    "Urban Outfitters")."""
    runs: list[list[TitleWord]] = []
    previous: TitleWord | None = None
    previous_named = False
    for word in words:
        # written as a name here too: not the "bank" of "every euro zone bank" beside a "Bank of England"
        named = fold_name(word.text) in names and word.text[:1].isupper() and not word.number
        # an acronym opens a name ("JC Penney") but does not extend one ("Bon-Ton CEO")
        extends = bool(runs) and (not word.text.isupper() or runs[-1][-1].text.isupper())
        if named and previous_named and word.joined and extends:
            runs[-1].append(word)
        elif named and previous is not None and previous.starts and previous.term and word.joined \
                and previous.text[:1].isupper() and not previous.number:
            # a name that opens a sentence: "Wall Street edges lower", "Bon-Ton CEO to resign"
            runs.append([previous, word])
        elif named:
            runs.append([word])
        previous, previous_named = word, named
    return runs


def _run_key(run: Sequence[TitleWord]) -> tuple[str, ...]:
    return tuple(fold_name(w.text) for w in run)


def _names_here(word: TitleWord, title: str, title_case: bool) -> bool:
    """Whether a headline writes this word (not a stop word: a weekday or a month is no name) as
    a name: a short acronym ("GM", "ECB"; not a word of a headline in capitals), or capitalized
    mid-sentence in a headline in sentence case (in Title Case, every word is)."""
    if word.text.isupper():
        return 2 <= len(word.text) <= MAX_ACRONYM_CHARS and not title.isupper()
    return not title_case and not word.starts and word.text[:1].isupper()


def shared_headline_words(first: Sequence[str], second: Sequence[str]) -> str | None:
    """What two stories' headlines both name, for a relation found by meaning alone: a whole name
    both write ("Titanfall", "Wall Street", "JC Penney": a run of words a sentence-case headline
    capitalizes mid-sentence, or acronyms; "Urban Outfitters" is not "American Eagle Outfitters"),
    else a two-word key phrase both use ("ice ages", "global growth": topics' key-phrase words,
    no verb of headline style, no generic word); never a lone common word or a number; None when
    they share neither. Compared over their first REASON_HEADLINES headlines."""
    first, second = first[:REASON_HEADLINES], second[:REASON_HEADLINES]
    titles = [*first, *second]
    written = [title_words(title) for title in titles]
    names = {fold_name(w.text) for title, (words, title_case) in zip(titles, written, strict=True)
             for w in words if w.term and _names_here(w, title, title_case)}
    ours, theirs = written[:len(first)], written[len(first):]
    their_names = {_run_key(run) for words, _ in theirs for run in _name_runs(words, names)}
    for words, _ in ours:
        for run in _name_runs(words, names):
            if _run_key(run) in their_names and (len(run) > 1 or len(run[0].text) >= MIN_NAME_CHARS):
                return " ".join(w.text for w in run)  # as this story writes it
    # Key phrases: the one most headlines use; on a tie the later in a headline, since an English
    # phrase ends on its noun ("ice ages" rather than "survive ice" in "... survive ice ages").
    counts: Counter[tuple[str, str]] = Counter()
    place: dict[tuple[str, str], int] = {}
    surface: dict[tuple[str, str], str] = {}
    sides: list[set[tuple[str, str]]] = [set(), set()]
    for index, title in enumerate(titles):
        for position, (key, text) in enumerate(phrase_pairs(title)):
            counts[key] += 1
            place[key] = max(place.get(key, 0), position)
            sides[index >= len(first)].add(key)
            if index < len(first):
                surface.setdefault(key, text)  # as this story writes it
    both = sides[0] & sides[1]
    if not both:
        return None
    return surface[max(sorted(both), key=lambda key: (counts[key], place[key]))]


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(value * b.get(term, 0.0) for term, value in a.items())
    norms = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norms if norms > 0 else 0.0


def _cos(a: _Profile, b: _Profile) -> float:
    small, large = (a.unit, b.unit) if len(a.unit) <= len(b.unit) else (b.unit, a.unit)
    return sum(v * large[t] for t, v in small.items() if t in large)


def _topic_overlap(a: _Profile, b: _Profile) -> float:
    if not a.topics or not b.topics:
        return 0.0
    shared = sum(min(w, b.topics[s]) for s, w in a.topics.items() if s in b.topics)
    union = a.topic_mass + b.topic_mass - shared
    return shared / union if union > 0 else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _same_story(a: _Profile, b: _Profile, similarity: float) -> bool:
    x, y = a.trend, b.trend
    if y.trend_id in (x.trend_id, x.merged_into) or y.merged_into == x.trend_id:
        return True
    if similarity >= SAME_STORY_COSINE:
        return True
    if (len(a.names & b.names) >= SAME_STORY_MIN_NAMES
            and _jaccard(a.name_words, b.name_words) >= SAME_STORY_NAME_OVERLAP):
        return True
    return any(_jaccard(h, k) >= SAME_STORY_TITLE_OVERLAP
               for h in a.headlines for k in b.headlines if h and k)


def same_story(a: TrendState, b: TrendState, similarity: float | None = None) -> bool:
    """True when `a` and `b` are one story (see the module docstring)."""
    first, second = _profile(a), _profile(b)
    return _same_story(first, second, _cos(first, second) if similarity is None else similarity)


def _lookup_keys(profile: _Profile) -> list[str]:
    heaviest = sorted(profile.trend.centroid.items(), key=lambda x: (-x[1], x[0]))[:LOOKUP_TERMS]
    return [f"t:{slug}" for slug in profile.topics] + [f"c:{term}" for term, _ in heaviest]


def _semantic(a: _Profile, b: _Profile) -> float | None:
    if a.embedding is None or b.embedding is None or a.embedding.shape != b.embedding.shape:
        return None
    return float(a.embedding @ b.embedding)


class _Pairs:
    """Pair scores and same-story verdicts of one call, each computed once (pairs are symmetric)."""

    def __init__(self, profiles: Mapping[str, _Profile], common: frozenset[str] = frozenset(),
                 outlets: frozenset[str] = frozenset()) -> None:
        self._profiles = profiles
        self._common = common
        self._outlets = outlets
        self._similarity: dict[tuple[str, str], float] = {}
        self._same: dict[tuple[str, str], bool] = {}
        self._split = {self._key(tid, other) for tid, p in profiles.items()
                       for other in p.trend.split_partners if other in profiles}

    def split_pair(self, a: str, b: str) -> bool:
        return self._key(a, b) in self._split

    @staticmethod
    def _key(a: str, b: str) -> tuple[str, str]:
        return (a, b) if a < b else (b, a)

    def similarity(self, a: str, b: str) -> float:
        key = self._key(a, b)
        found = self._similarity.get(key)
        if found is None:
            found = self._similarity[key] = _cos(self._profiles[key[0]], self._profiles[key[1]])
        return found

    def shared_names(self, a: str, b: str) -> list[str]:
        """Concrete names of both (people, organizations, places in few of the open trends)."""
        first, second = self._profiles[a], self._profiles[b]
        return sorted(first.names & second.names - self._common)

    def score(self, a: str, b: str) -> float:
        """How related (0.0: not related). Embeddings: the cosine of the mean embeddings when it is
        a close neighbourhood, or with a shared concrete name, plus a bonus per shared name;
        without: the lexical mix of centroid cosine and topic overlap."""
        semantic = _semantic(self._profiles[a], self._profiles[b])
        if semantic is None:
            lexical = (SIMILARITY_WEIGHT * self.similarity(a, b)
                       + TOPIC_WEIGHT * _topic_overlap(self._profiles[a], self._profiles[b]))
            return max(lexical, MIN_SCORE) if self.split_pair(a, b) else lexical
        shared = self.shared_names(a, b)
        if self.split_pair(a, b):  # two events of one coverage: related whatever the floor
            return max(semantic + NAME_BONUS * min(len(shared), MAX_NAME_BONUS), MIN_SCORE)
        places = self._profiles[a].places
        floor = (SEMANTIC_RELATED_COSINE if not shared
                 else PLACE_RELATED_COSINE if all(s in places for s in shared) else ENTITY_RELATED_COSINE)
        return semantic + NAME_BONUS * min(len(shared), MAX_NAME_BONUS) if semantic >= floor else 0.0

    def reason(self, a: str, b: str) -> str:
        """A few words for the page: "shares: Iran, Geneva" or "also about nuclear talks"."""
        first, second = self._profiles[a], self._profiles[b]
        shared = self.shared_names(a, b)  # never a common name such as the United States
        if shared:
            names = sorted(shared, key=lambda slug: (-first.topics.get(slug, 0.0), slug))
            return "shares: " + ", ".join(first.display.get(s, s) for s in names[:MAX_REASON_NAMES])
        terms = [first.display[s] for s in first.display if s in second.display and s not in first.names]
        if terms:
            return f"also about {terms[0]}"
        # Related by meaning alone: a name too common to link two trends on its own ("Iran")
        # still tells the reader what they have in common.
        common = sorted(first.names & second.names - ALWAYS_COMMON - self._outlets,
                        key=lambda slug: (-first.topics.get(slug, 0.0), slug))
        if common:
            return "also about " + ", ".join(first.display.get(s, s) for s in common[:MAX_REASON_NAMES])
        phrase = shared_headline_words(_titles(first.trend), _titles(second.trend))
        return f"also about {phrase}" if phrase else "close in subject"

    def same(self, a: str, b: str) -> bool:
        key = self._key(a, b)
        found = self._same.get(key)
        if found is None and key in self._split:
            found = self._same[key] = False
        if found is None:
            first, second = self._profiles[key[0]], self._profiles[key[1]]
            semantic = _semantic(first, second)
            found = self._same[key] = (
                (semantic is not None and semantic >= SAME_STORY_EMBEDDING)
                or _same_story(first, second, self.similarity(a, b)))
        return found


def _semantic_candidates(profiles: Mapping[str, _Profile], limit: int) -> dict[str, list[str]]:
    """Each trend's nearest trends by mean-embedding cosine (at least ENTITY_RELATED_COSINE),
    computed in row blocks so memory stays bounded."""
    ids = [tid for tid, p in profiles.items() if p.embedding is not None]
    if len(ids) < 2 or len({profiles[t].embedding.shape for t in ids}) != 1:  # type: ignore[union-attr]
        return {}
    matrix = np.vstack([profiles[t].embedding for t in ids])  # type: ignore[misc]
    found: dict[str, list[str]] = {}
    for start in range(0, len(ids), 256):
        block = matrix[start:start + 256] @ matrix.T
        for row, sims in enumerate(block):
            sims[start + row] = -1.0
            top = np.argsort(-sims)[:limit]
            found[ids[start + row]] = [ids[i] for i in top if sims[i] >= ENTITY_RELATED_COSINE]
    return found


def _common_names(profiles: Mapping[str, _Profile], outlets: frozenset[str]) -> frozenset[str]:
    counts: Counter[str] = Counter(slug for p in profiles.values() for slug in p.names)
    ceiling = max(3.0, COMMON_NAME_SHARE * len(profiles))
    frequent = frozenset(slug for slug, n in counts.items() if n > ceiling)
    return frequent | ALWAYS_COMMON | outlets


def _outlet_names(profiles: Mapping[str, _Profile]) -> frozenset[str]:
    """The newsrooms' own names ("CBS Evening News" and "... tells CBS News" share an outlet, not a
    subject): every covering newsroom's family key, also without a trailing "news"."""
    families = {family for p in profiles.values() for family in p.trend.source_families}
    return frozenset(families | {f.removesuffix("-news") for f in families if f.endswith("-news")})


def _candidates(tid: str, keys: Sequence[str], index: Mapping[str, list[str]],
                semantic: Mapping[str, list[str]], partners: Sequence[str] = ()) -> list[str]:
    counter: Counter[str] = Counter()
    for key in keys:
        posting = index[key]
        if len(posting) <= MAX_POSTING:
            counter.update(posting)
    counter.pop(tid, None)
    chosen = [other for other, _ in counter.most_common(MAX_CANDIDATES)]
    return list(dict.fromkeys([*partners, *semantic.get(tid, []), *chosen]))


def related_trends(trends: Sequence[TrendState], *, limit: int = MAX_RELATED,
                   min_score: float = MIN_SCORE) -> dict[str, list[RelatedTrend]]:
    """trend_id -> its related trends among `trends` (pass the open trends, already with topics)."""
    profiles = {t.trend_id: _profile(t) for t in trends if t.merged_into is None}
    index: dict[str, list[str]] = defaultdict(list)
    keys_of: dict[str, list[str]] = {}
    for tid, profile in profiles.items():
        keys = _lookup_keys(profile)
        keys_of[tid] = keys
        for key in keys:
            index[key].append(tid)
    semantic = _semantic_candidates(profiles, MAX_CANDIDATES)
    outlets = _outlet_names(profiles)
    pairs = _Pairs(profiles, _common_names(profiles, outlets), outlets)
    result: dict[str, list[RelatedTrend]] = {}
    for tid, profile in profiles.items():
        scored: list[tuple[float, str]] = []
        partners = [p for p in profile.trend.split_partners if p in profiles and p != tid]
        for other_id in _candidates(tid, keys_of[tid], index, semantic, partners):
            value = pairs.score(tid, other_id)
            if value >= min_score:
                scored.append((value, other_id))
        scored.sort(key=lambda item: (-item[0], item[1]))
        chosen: list[RelatedTrend] = []
        for value, other_id in scored:
            if pairs.same(tid, other_id) or any(pairs.same(other_id, c.trend_id) for c in chosen):
                continue
            other = profiles[other_id].trend
            chosen.append(RelatedTrend(trend_id=other_id, headline=other.headline, score=round(value, 3),
                                       reason=pairs.reason(tid, other_id),
                                       candidate_newsrooms=None if is_public(other) else other.source_count))
            if len(chosen) >= limit:
                break
        result[tid] = chosen
    return result


__all__ = ["cosine", "related_trends", "same_story"]
