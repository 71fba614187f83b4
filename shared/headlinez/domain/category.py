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

from headlinez.domain.terms import stem
from headlinez.domain.topics import FOREIGN_PLACE_WORDS
from headlinez.models import CATEGORIES

MAX_TEXT_SCORE = 4.0
SUMMARY_WEIGHT = 0.5
HINT_WEIGHT = 1.0
PRIOR_WEIGHT = 0.25
WORLD_PLACE_WEIGHT = 1.0
MAX_PLACES_PER_TEXT = 2

# Lexicons: "word" or "two words"; a trailing "!" marks a strong cue (weight 2).
_LEXICON: dict[str, str] = {
    "world": """
        war! military troops army missile missiles airstrike airstrikes ceasefire! invasion! diplomat
        diplomats diplomatic embassy foreign! international refugee! refugees! sanctions nato! un
        united_nations rebels militants militia insurgents coup! humanitarian genocide hostages hostage
        treaty summit border_clash junta regime kremlin! pentagon warplanes drone drones peacekeepers
        annexation occupation occupied settlers settlement ministry prime_minister! foreign_minister!
        peace_talks! nuclear_talks! talks envoy! allies alliance bombing shelling frontline offensive
        jihadist islamist taliban! hamas! hezbollah! houthis! isis! idf! irgc! world global
    """,
    "politics": """
        election! elections! vote votes voter! voters! voting! ballot! campaign! candidate! candidates
        poll polls primary senate! senator! senators! congress! congressional! lawmaker! lawmakers!
        legislation! bill legislature governor! mayor president presidential! white_house! republican!
        republicans! democrat! democrats! democratic gop! conservative conservatives liberal liberals
        labour tory tories party parliament! parliamentary minister government policy supreme_court!
        court judge ruling lawsuit immigration! immigrants! migrants asylum deportation! deportations
        border trump! biden! harris! obama! pence desantis impeach! impeachment! scandal administration!
        federal cabinet veto filibuster gun_control abortion! protest protests rights politics! political!
        politician politicians constitution constitutional referendum! opposition coalition speaker
        attorney_general doj fbi justice_department indictment indicted! subpoena testimony hearing
    """,
    "business": """
        economy! economic! economist market! markets! stock! stocks! shares! investor! investors! bank
        banks banking inflation! interest_rate! rates fed! federal_reserve! central_bank! gdp! profit!
        profits! earnings! revenue! sales company companies ceo! merger! acquisition! acquire deal trade
        tariff! tariffs! oil! price prices dollar! euro yen currency bond bonds debt tax taxes jobs! job
        unemployment! wage wages retail retailer! ipo! billion million finance! financial! fund funds
        investment! invest bitcoin crypto mortgage! mortgages! recession! exports imports manufacturing!
        industry airline! airlines automaker! carmaker! nasdaq! dow! wall_street! ftse! brent! opec!
        labor workers union layoffs! hiring consumer consumers business! businesses! startup corporate!
        shareholder! shareholders! dividend! quarterly! forecast analysts outlook growth loan loans
        lender credit! bankruptcy! supply_chain insurance insurer housing_market real_estate!
        energy gas petrol fuel commodities gold_price stimulus budget! deficit! spending treasury!
        merge! merges! income! net_income! quarter! recall! recalls! supplier! retailers! housing!
        homebuyers! homes sales! salary! pay
    """,
    "technology": """
        technology! tech! ai! artificial_intelligence! software! app apps! apple! google! microsoft!
        meta! facebook! twitter! tiktok! openai! chatgpt! chip! chips! chipmaker! semiconductor!
        nvidia! intel! smartphone! smartphones! iphone! ipad! android! internet! online cyber!
        cybersecurity! hack! hackers! hacked! data privacy cloud! robot! robots! robotics! startup
        silicon_valley! computer! computers! gadget! device devices social_media! platform algorithm
        blockchain! broadband! 5g! tesla electric_vehicle! self-driving! autonomous! spacex gaming!
        video_game! xbox! playstation! nintendo! samsung! huawei! browser! windows! users outage!
        deepfake! surveillance facial_recognition! encryption! bug patch update gmail! youtube!
        amazon instagram! whatsapp! snapchat! linkedin! uber! netflix streaming! wearable! smartwatch!
        quantum_computing! processor! telecom! satellite satellites digital! web! website! tech_giant!
    """,
    "science": """
        science! scientist! scientists! research! researchers! study! studies space! nasa! moon! mars!
        planet! planets! asteroid! comet! telescope! astronomers! astronomy! rocket! launch orbit!
        climate! climate_change! global_warming! emissions! carbon! species! fossil! fossils!
        dinosaur! dinosaurs! evolution! physics! physicist! quantum! genome! genetic! gene! genes! dna
        discovery! discovered ocean! oceans volcano! earthquake! environment! environmental! wildlife!
        biodiversity! solar! fusion! archaeologist! archaeologists! archaeological! ancient! galaxy!
        universe! spacecraft! astronaut! astronauts! iss! lab experiment! biology! chemistry!
        extinct! extinction! ecosystem! coral! glacier! glaciers! arctic antarctic! weather storm
        hurricane! tornado! flood! floods! wildfire! wildfires! drought! heatwave! pollution!
    """,
    "health": """
        health! hospital! hospitals! doctor! doctors! patient! patients! disease! diseases! virus!
        covid! coronavirus! pandemic! vaccine! vaccines! vaccination! vaccinated! cancer! drug drugs
        fda! cdc! outbreak! infection! infections! flu! measles! ebola! mental_health! obesity! diet!
        medicine! medical! treatment! surgery! nurse! nurses! healthcare! medicaid! medicare!
        insurance cholera! malaria! hiv! aids! alzheimer! diabetes! heart! symptoms! mask! masks!
        mandate mandates booster! boosters! omicron! delta variant! variants! quarantine! lockdown!
        lockdowns! epidemic! pharmaceutical! pharma! clinical! therapy! dementia! stroke! autism!
        smoking! tobacco! cigarette! e-cigarette! vaping! alcohol! nutrition!
        overdose! opioid! opioids! fentanyl! birth! pregnancy! pregnant study_finds! blood! brain!
        sleep! exercise! fitness! weight_loss! calories! sugar! infected! deaths cases
    """,
    "sports": """
        sport! sports! game games match! matches! tournament! league! cup! championship! championships!
        olympic! olympics! medal! medals! team teams coach! player! players! season win wins won
        score scored goal! goals! football! soccer! basketball! baseball! tennis! golf! cricket! rugby!
        hockey! nfl! nba! mlb! nhl! fifa! uefa! premier_league! world_cup! super_bowl! grand_slam!
        wimbledon! f1! formula_one! racing! boxing! ufc! athlete! athletes! marathon! stadium!
        transfer! quarterback! striker! skier! skiing! skating! skater! curling! ski! snowboard!
        bobsled! playoff! playoffs! semifinal! semi-final! champion! champions! title
        defeat beat! beats! victory club! clubs! fans referee! innings! wicket! pitcher! slalom!
        halfpipe! luge! biathlon! sprint! gold_medal! silver_medal! bronze_medal! paralympics!
    """,
    "entertainment": """
        film! films! movie! movies! actor! actress! star stars celebrity! celebrities! music! album!
        albums! song! songs! singer! band! concert! tour festival! oscar! oscars! grammy! grammys!
        emmy! emmys! box_office! hollywood! netflix disney! tv! television! show! shows series!
        episode! premiere! trailer! director comedian! comedy! drama! theater! theatre! broadway!
        fashion! royal royals! kardashian! rapper! hip-hop! pop book novel! author art! artist!
        museum! berlinale! cannes! sequel! marvel! star_wars! box-office! red_carpet! reality_tv!
        singer-songwriter! musician! musical! rock! dies died obituary! biopic! documentary!
        hbo! sitcom! anime! actors! actresses! celebrity_couple! wedding! divorce! engaged! baby
        pregnant dating! boyfriend! girlfriend! split! hit video paparazzi! fan fans billboard!
        chart! cast! role! directed! starring! stars_in! filmmaker! screenplay! soundtrack!
        spoiler! spoilers! recap! finale! marries! married! engagement! romance! couple reunion dance!
    """,
}

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")


def _parse(
    lexicon: Mapping[str, str],
) -> tuple[dict[str, dict[str, float]], dict[tuple[str, str], dict[str, float]]]:
    words: dict[str, dict[str, float]] = {}
    phrases: dict[tuple[str, str], dict[str, float]] = {}
    for category, text in lexicon.items():
        for raw in text.split():
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
_HINT_SYNONYMS = {
    "tech": "technology",
    "sport": "sports",
    "culture": "entertainment",
    "arts": "entertainment",
    "film": "entertainment",
    "music": "entertainment",
    "economy": "business",
    "finance": "business",
    "markets": "business",
    "money": "business",
    "international": "world",
    "global": "world",
    "us-politics": "politics",
    "government": "politics",
    "environment": "science",
    "climate": "science",
    "space": "science",
    "medicine": "health",
    "wellness": "health",
}


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
    `benchmarks/fit_category_model.py` (provenance inside the JSON and in docs/benchmarks.md)."""

    classes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray

    @property
    def dimensions(self) -> int:
        return int(self.weights.shape[1]) - len(CATEGORIES)

    def probabilities(self, embedding: Sequence[float], lexical: np.ndarray) -> dict[str, float]:
        vector = np.asarray(embedding, dtype=np.float64)
        norm = float(np.linalg.norm(vector))
        if norm > 0.0:
            vector = vector / norm
        logits = self.weights @ np.concatenate([vector, lexical]) + self.bias
        exp = np.exp(logits - logits.max())
        probs = exp / exp.sum()
        return {c: float(p) for c, p in zip(self.classes, probs, strict=True)}


@lru_cache(maxsize=1)
def embedding_model() -> EmbeddingCategoryModel | None:
    """The shipped model (None when the package data file is missing or malformed)."""
    try:
        raw = json.loads(resources.files("headlinez").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8"))
        model = EmbeddingCategoryModel(classes=tuple(raw["classes"]),
                                       weights=np.asarray(raw["weights"], dtype=np.float64),
                                       bias=np.asarray(raw["bias"], dtype=np.float64))
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
    one beats it by `STAY_MARGIN`, so a growing trend does not flap between runs."""
    hints = list(hints)
    scores = trend_probabilities(embedding, titles, summaries, hints) if embedding else None
    if scores is None:
        return classify(titles, summaries, hints, previous)
    best = max(CATEGORIES, key=lambda c: (scores[c], -_TIE_RANK[c]))
    if previous in scores and scores[previous] >= scores[best] - STAY_MARGIN:
        return previous
    return best


def mean_embedding(embedding_sum: Sequence[float] | None, weight: float) -> list[float] | None:
    """A trend's mean member embedding (sum / count), None when it has none."""
    if not embedding_sum or weight <= 0.0:
        return None
    return [value / weight for value in embedding_sum]


__all__ = ["EmbeddingCategoryModel", "category_scores", "classify", "classify_trend", "embedding_model",
           "lexical_features", "mean_embedding", "normalize_hint", "text_scores", "trend_probabilities"]
