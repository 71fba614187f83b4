"""Category of a trend from the fixed taxonomy (`models.CATEGORIES`): a transparent keyword model.

Every category has a hand-written lexicon of words and two-word phrases, each worth 1 (a hint)
or 2 (a strong cue); words are matched after the clustering stemmer (`terms.stem`), so "vaccines",
"vaccinated" and "vaccine" are one cue. The "world" category is also cued by every distinct place
outside the United States (countries, demonyms, foreign cities: `topics.FOREIGN_PLACE_WORDS`).

For a trend, the evidence is averaged over its texts (headlines, and snippets at half weight when
given), so a trend of 30 headlines and one of 3 weigh the same:

    score(c) = mean over texts of min(MAX_TEXT_SCORE, Σ cues of c in the text)
             + HINT_WEIGHT × (share of its articles whose feed has category_hint c)
             + PRIOR_WEIGHT if c was the trend's category before this run

and the category is the best score, ties going to the more specific section (`TIE_ORDER`: sports,
entertainment, health, science, technology, business, then the broad world and politics). Without any cue and
any hint there is no category (None) rather than a guess. The feed hint (`FeedConfig.category_hint`,
e.g. a BBC Technology feed) is strong but not absolute: a sports story in a world feed still
reads as sports when its headlines say so. The prior keeps a trend from flipping category on
every run as its headlines change.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from headlinez import data as lexicon
from headlinez.domain.semantic import unpack_sum
from headlinez.domain.terms import stem
from headlinez.domain.topics import FOREIGN_PLACE_WORDS
from headlinez.models import CATEGORIES

MAX_TEXT_SCORE = 4.0
SUMMARY_WEIGHT = 0.5
HINT_WEIGHT = 1.0
PRIOR_WEIGHT = 0.25
WORLD_PLACE_WEIGHT = 1.0
MAX_PLACES_PER_TEXT = 2

# Lexicons (package data, one file per category): "word" or "two_words"; a trailing "!" marks a
# strong cue (weight 2).
_LEXICON: dict[str, tuple[str, ...]] = {c: lexicon.entries(f"category_{c}") for c in CATEGORIES}

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")


def _parse(
    cues: Mapping[str, Sequence[str]],
) -> tuple[dict[str, dict[str, float]], dict[tuple[str, str], dict[str, float]]]:
    words: dict[str, dict[str, float]] = {}
    phrases: dict[tuple[str, str], dict[str, float]] = {}
    for category, entries in cues.items():
        for raw in entries:
            weight = 2.0 if raw.endswith("!") else 1.0
            entry = raw.rstrip("!").lower()
            parts = [stem(p) for p in entry.replace("_", " ").split()]
            if len(parts) == 1:
                slot = words.setdefault(parts[0], {})
            else:
                slot = phrases.setdefault((parts[0], parts[1]), {})
            slot[category] = max(slot.get(category, 0.0), weight)
    return words, phrases


_WORDS, _PHRASES = _parse(_LEXICON)
_CATEGORY_ORDER = {c: i for i, c in enumerate(CATEGORIES)}
# Ties go to the more specific section: a vaccine story told through the White House is health,
# an economic bill is business; world and politics are the broad defaults.
TIE_ORDER = ("sports", "entertainment", "health", "science", "technology", "business", "world", "politics")
_TIE_RANK = {c: i for i, c in enumerate(TIE_ORDER)}
_HINT_SYNONYMS = lexicon.string_map("category_hint_synonyms")


def normalize_hint(hint: str | None) -> str | None:
    """A feed's category_hint as a taxonomy category (None when it names none)."""
    if not hint:
        return None
    value = hint.strip().lower()
    if value in _CATEGORY_ORDER:
        return value
    return _HINT_SYNONYMS.get(value)


@lru_cache(maxsize=16384)
def text_scores(text: str) -> tuple[tuple[str, float], ...]:
    """Cue sums of one text per category (memoized: the same headlines are re-read every run)."""
    raw = _TOKEN.findall(text)
    lowered = [w.lower().replace("’", "'") for w in raw]
    stems = [stem(w) for w in lowered]
    scores: dict[str, float] = defaultdict(float)
    for first, second in itertools.pairwise(stems):
        found = _PHRASES.get((first, second))
        if found:
            for category, weight in found.items():
                scores[category] += weight
    seen: set[str] = set()
    for word in stems:
        if word in seen:
            continue
        seen.add(word)
        found = _WORDS.get(word)
        if found:
            for category, weight in found.items():
                scores[category] += weight
    places = {w for w in lowered if w in FOREIGN_PLACE_WORDS}
    if places:
        scores["world"] += WORLD_PLACE_WEIGHT * min(MAX_PLACES_PER_TEXT, len(places))
    return tuple(sorted(scores.items()))


def category_scores(
    titles: Sequence[str],
    summaries: Sequence[str] = (),
    hints: Iterable[str | None] = (),
    previous: str | None = None,
) -> dict[str, float]:
    """score(c) for every category (see the module docstring)."""
    totals: dict[str, float] = defaultdict(float)
    weight_sum = 0.0
    for texts, weight in ((titles, 1.0), (summaries, SUMMARY_WEIGHT)):
        for text in texts:
            if not text:
                continue
            weight_sum += weight
            for category, value in text_scores(text):
                totals[category] += weight * min(MAX_TEXT_SCORE, value)
    scores = {c: (totals[c] / weight_sum if weight_sum else 0.0) for c in CATEGORIES}
    normalized = [normalize_hint(h) for h in hints]
    votes = Counter(h for h in normalized if h is not None)
    if normalized:
        for category, count in votes.items():
            scores[category] += HINT_WEIGHT * count / len(normalized)
    if previous in scores:
        scores[previous] += PRIOR_WEIGHT
    return scores


def lexical_features(titles: Sequence[str], summaries: Sequence[str] = ()) -> np.ndarray:
    """The lexical scores of the texts in `CATEGORIES` order (no hints, no prior): the 8 lexical
    inputs of the embedding model."""
    scores = category_scores(titles, summaries)
    return np.asarray([scores[c] for c in CATEGORIES], dtype=np.float64)


def classify(
    titles: Sequence[str],
    summaries: Sequence[str] = (),
    hints: Iterable[str | None] = (),
    previous: str | None = None,
) -> str | None:
    """The category of a trend (or of one article: one title), or None without any evidence."""
    scores = category_scores(titles, summaries, hints, previous)
    best = max(CATEGORIES, key=lambda c: (scores[c], -_TIE_RANK[c]))
    return best if scores[best] > 0.0 else None


# --- the embedding model ---------------------------------------------------------------------------

MODEL_RESOURCE = "data/category_model.json"
HINT_PROBABILITY_WEIGHT = 0.3  # + 0.3 x share of the trend's articles whose feed hints the category
STAY_MARGIN = 0.15  # a categorized trend moves only when another category beats it by this much


@dataclass(frozen=True, slots=True)
class EmbeddingCategoryModel:
    """Softmax(W · [unit mean embedding, lexical scores] + b), fitted offline by
    `benchmarks/fit_category_model.py` (provenance inside the JSON and in docs/benchmarks.md),
    mixed with the nearest class centroids when the model carries them:

        P(c) = (1 − w) × linear(c) + w × softmax_c(T × cos(embedding, centroid_c))

    with centroid_c the class's mean embedding (every fitting dataset weighing the same, as in the
    fit), w = `centroid_weight` and
    T = `centroid_temperature`: the centroids keep a class's whole neighbourhood in view where a
    linear boundary over 392 inputs cuts it (chosen on the fitting data's story-grouped CV)."""

    classes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    centroids: np.ndarray | None = None  # one unit row per class, in `classes` order
    centroid_weight: float = 0.0
    centroid_temperature: float = 1.0

    @property
    def dimensions(self) -> int:
        return int(self.weights.shape[1]) - len(CATEGORIES)

    def probabilities(self, embedding: Sequence[float], lexical: np.ndarray) -> dict[str, float]:
        vector = np.asarray(embedding, dtype=np.float64)
        norm = float(np.linalg.norm(vector))
        if norm > 0.0:
            vector = vector / norm
        probs = _softmax(self.weights @ np.concatenate([vector, lexical]) + self.bias)
        if self.centroids is not None and self.centroid_weight > 0.0:
            nearest = _softmax(self.centroid_temperature * (self.centroids @ vector))
            probs = (1.0 - self.centroid_weight) * probs + self.centroid_weight * nearest
        return {c: float(p) for c, p in zip(self.classes, probs, strict=True)}


def _softmax(logits: np.ndarray) -> np.ndarray:
    exp = np.exp(logits - logits.max())
    return np.asarray(exp / exp.sum())


def _centroids(raw: dict[str, object], classes: Sequence[str], dimensions: int) -> np.ndarray | None:
    """The class centroids of the model file in `classes` order, scaled to unit length (None when
    the file has none: a model fitted without them)."""
    found = raw.get("centroids")
    if found is None:
        return None
    if not isinstance(found, dict) or set(found) != set(classes):
        raise ValueError("category model centroids must name every class")
    rows = np.asarray([found[c] for c in classes], dtype=np.float64)
    if rows.shape != (len(classes), dimensions):
        raise ValueError("category model centroids do not match the embedding size")
    return np.asarray(rows / np.linalg.norm(rows, axis=1, keepdims=True))


@lru_cache(maxsize=1)
def embedding_model() -> EmbeddingCategoryModel | None:
    """The shipped model (None when the package data file is missing or malformed)."""
    try:
        raw = json.loads(resources.files("headlinez").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8"))
        classes = tuple(raw["classes"])
        weights = np.asarray(raw["weights"], dtype=np.float64)
        centroids = _centroids(raw, classes, int(weights.shape[1]) - len(CATEGORIES))
        model = EmbeddingCategoryModel(classes=classes, weights=weights,
                                       bias=np.asarray(raw["bias"], dtype=np.float64),
                                       centroids=centroids,
                                       centroid_weight=float(raw.get("centroid_weight", 0.0)),
                                       centroid_temperature=float(raw.get("centroid_temperature", 1.0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if tuple(raw.get("lexical_features", ())) != CATEGORIES or not set(model.classes) <= set(CATEGORIES):
        return None
    return model


def trend_probabilities(
    embedding: Sequence[float],
    titles: Sequence[str],
    summaries: Sequence[str] = (),
    hints: Iterable[str | None] = (),
) -> dict[str, float] | None:
    """P(category) of a trend from its mean embedding and its texts, plus the feed-hint bonus;
    None without a model matching the embedding's size."""
    model = embedding_model()
    if model is None or len(embedding) != model.dimensions:
        return None
    scores = dict.fromkeys(CATEGORIES, 0.0)
    scores.update(model.probabilities(embedding, lexical_features(titles, summaries)))
    normalized = [normalize_hint(h) for h in hints]
    votes = Counter(h for h in normalized if h is not None)
    for category, count in votes.items():
        scores[category] += HINT_PROBABILITY_WEIGHT * count / len(normalized)
    return scores


def classify_trend(
    titles: Sequence[str],
    summaries: Sequence[str] = (),
    hints: Iterable[str | None] = (),
    previous: str | None = None,
    embedding: Sequence[float] | None = None,
) -> str | None:
    """The category of a trend: the embedding model when the trend has a mean embedding (always a
    category), else the lexical `classify`. Hysteresis: the previous category stays unless another
    one beats it by `STAY_MARGIN`, so a growing trend does not flap between runs. The taxonomy's
    line between politics and world is drawn by place: politics about another country only is
    world (`_foreign_only`), and "world" news about US places only is politics (`_us_only`)."""
    hints = list(hints)
    scores = trend_probabilities(embedding, titles, summaries, hints) if embedding else None
    if scores is None:
        return classify(titles, summaries, hints, previous)
    best = max(CATEGORIES, key=lambda c: (scores[c], -_TIE_RANK[c]))
    if best == "politics" and _foreign_only(titles):
        best = "world"  # the taxonomy: politics is US government; another country's politics is world
    elif best == "world" and _us_only(titles):
        best = "politics"  # and a US story (its courts, crime, states) is not world news
    elif best == "science" and _foreign_only(titles) and _a_disaster(titles):
        best = "world"  # a disaster abroad is world news; nature's hazards at home stay science
    if previous in scores and scores[previous] >= scores[best] - STAY_MARGIN:
        return previous
    return best


_US_WORDS = frozenset({"us", "usa", "america", "american", "americans", "washington", "white",
                       "congress", "senate", "house", "trump", "biden", "gop", "democrats", "republicans"})
_US_ABBREVIATION = re.compile(r"\bU\.S\.?(?=\W|$)")


# Abroad, though no gazetteer place: continents and bodies outside the US.
_ABROAD_WORDS = FOREIGN_PLACE_WORDS | {"asia", "asian", "eu", "nato", "kremlin", "gaza", "un"}
_US_PEOPLE = frozenset({"trump", "biden"})  # in the world news of every day: they name no place
_US_PLACES = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in lexicon.entries("us_places")) + r")\b")


@dataclass(frozen=True, slots=True)
class _Places:
    """What one headline names: a place abroad, a US state or city, a US word (incl. presidents)."""

    abroad: bool
    us_place: bool
    us_word: bool
    us_person_only: bool  # its only US word is a president's name


def _places(title: str) -> _Places:
    text = _US_ABBREVIATION.sub("US", title).lower()
    us_place = bool(_US_PLACES.search(text))
    text = _US_PLACES.sub(" ", text)  # "Rhode Island", "New Mexico": no foreign "Rhode", "Mexico"
    words = {w.replace("’", "'").removesuffix("'s") for w in _TOKEN.findall(text)}
    us_words = words & _US_WORDS
    return _Places(abroad=bool(words & _ABROAD_WORDS), us_place=us_place, us_word=bool(us_words),
                   us_person_only=bool(us_words) and us_words <= _US_PEOPLE)


def _foreign_only(titles: Sequence[str]) -> bool:
    """Most headlines name a place outside the United States and none names the US or its
    government (a foreign country's politics, in the taxonomy's words, is world news)."""
    found = [_places(title) for title in titles]
    return not any(p.us_word for p in found) and 2 * sum(p.abroad for p in found) > len(titles)


_HAZARD_WORDS = frozenset({"avalanche", "avalanches", "landslide", "landslides", "mudslide", "tsunami",
                           "typhoon", "cyclone", "cyclones", "eruption", "earthquake", "quake", "hurricane",
                           "tornado", "flood", "floods", "flooding", "wildfire", "wildfires", "drought",
                           "heatwave", "storm", "storms", "volcano"})


def _a_disaster(titles: Sequence[str]) -> bool:
    """Most headlines name a natural hazard (a cyclone, a flood, an avalanche)."""
    hits = sum(bool({w.lower() for w in _TOKEN.findall(title)} & _HAZARD_WORDS) for title in titles)
    return 2 * hits > len(titles)


def _us_only(titles: Sequence[str]) -> bool:
    """Most headlines name a US state or city (or the US itself; a president's name alone is no
    place) and none names a place outside it: the mirror of `_foreign_only`, for the US crime and
    state news the model calls world."""
    found = [_places(title) for title in titles]
    us = sum(p.us_place or (p.us_word and not p.us_person_only) for p in found)
    return not any(p.abroad for p in found) and 2 * us > len(titles)


def mean_embedding(embedding_sum: str | Sequence[float] | None, weight: float) -> list[float] | None:
    """A trend's mean member embedding (sum / count), None when it has none."""
    total = unpack_sum(embedding_sum)
    if total is None or not len(total) or weight <= 0.0:
        return None
    return [float(value) for value in total / weight]


__all__ = ["EmbeddingCategoryModel", "category_scores", "classify", "classify_trend", "embedding_model",
           "lexical_features", "mean_embedding", "normalize_hint", "text_scores", "trend_probabilities"]
