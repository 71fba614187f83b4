"""Related trends: other open stories that share people, places, organizations or vocabulary —
never the same story again.

    score(a, b) = SIMILARITY_WEIGHT × cosine(centroid_a, centroid_b)
                + TOPIC_WEIGHT × shared-topic overlap (weighted Jaccard of topic slugs; names weigh
                  1, key terms TERM_TOPIC_WEIGHT)

A candidate is kept when score ≥ MIN_SCORE, and at most MAX_RELATED are kept per trend, best first.

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
better scored).

Candidates come from an inverted index over topic slugs and each trend's heaviest centroid terms;
a key shared by more than MAX_POSTING trends (a word in every story) is not used for lookup, so
the cost stays proportional to the number of open trends, not its square.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from headlinez.domain.terms import title_word_set
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


@dataclass(slots=True)
class _Profile:
    trend: TrendState
    unit: dict[str, float]  # centroid scaled to length 1
    topics: dict[str, float]  # slug -> weight
    topic_mass: float
    names: frozenset[str]  # slugs of named topics (people, organizations, places)
    name_words: frozenset[str]
    headlines: tuple[frozenset[str], ...]  # content words of the top headlines


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _profile(trend: TrendState) -> _Profile:
    norm = math.sqrt(sum(v * v for v in trend.centroid.values()))
    unit = {t: v / norm for t, v in trend.centroid.items()} if norm > 0 else {}
    topics = {t.slug: (TERM_TOPIC_WEIGHT if t.kind == "term" else 1.0) for t in trend.topics}
    names = frozenset(t.slug for t in trend.topics if t.kind != "term")
    titles = [m.title for m in trend.title_candidates[:HEADLINES_COMPARED]]
    titles = titles or ([trend.headline] if trend.headline else [])
    # Accents folded: "Orbán" and "Orban" are one word.
    headlines = tuple(title_word_set(_fold(t)) for t in titles)
    return _Profile(trend, unit, topics, sum(topics.values()), names,
                    frozenset(w for slug in names for w in slug.split("-")), headlines)


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


class _Pairs:
    """Pair scores and same-story verdicts of one call, each computed once (pairs are symmetric)."""

    def __init__(self, profiles: Mapping[str, _Profile]) -> None:
        self._profiles = profiles
        self._similarity: dict[tuple[str, str], float] = {}
        self._same: dict[tuple[str, str], bool] = {}

    @staticmethod
    def _key(a: str, b: str) -> tuple[str, str]:
        return (a, b) if a < b else (b, a)

    def similarity(self, a: str, b: str) -> float:
        key = self._key(a, b)
        found = self._similarity.get(key)
        if found is None:
            found = self._similarity[key] = _cos(self._profiles[key[0]], self._profiles[key[1]])
        return found

    def score(self, a: str, b: str) -> float:
        return (SIMILARITY_WEIGHT * self.similarity(a, b)
                + TOPIC_WEIGHT * _topic_overlap(self._profiles[a], self._profiles[b]))

    def same(self, a: str, b: str) -> bool:
        key = self._key(a, b)
        found = self._same.get(key)
        if found is None:
            found = self._same[key] = _same_story(self._profiles[key[0]], self._profiles[key[1]],
                                                  self.similarity(a, b))
        return found


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
    pairs = _Pairs(profiles)
    result: dict[str, list[RelatedTrend]] = {}
    for tid in profiles:
        counter: Counter[str] = Counter()
        for key in keys_of[tid]:
            posting = index[key]
            if len(posting) <= MAX_POSTING:
                counter.update(posting)
        counter.pop(tid, None)
        scored: list[tuple[float, str]] = []
        for other_id, _shared in counter.most_common(MAX_CANDIDATES):
            value = pairs.score(tid, other_id)
            if value >= min_score:
                scored.append((value, other_id))
        scored.sort(key=lambda item: (-item[0], item[1]))
        chosen: list[RelatedTrend] = []
        for value, other_id in scored:
            if pairs.same(tid, other_id) or any(pairs.same(other_id, c.trend_id) for c in chosen):
                continue
            other = profiles[other_id].trend
            chosen.append(RelatedTrend(trend_id=other_id, headline=other.headline, score=round(value, 3)))
            if len(chosen) >= limit:
                break
        result[tid] = chosen
    return result


__all__ = ["cosine", "related_trends", "same_story"]
