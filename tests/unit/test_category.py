"""The keyword/feed-hint category model and the gold mappings of its evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from headlinez.domain import category as category_module
from headlinez.domain.category import (
    STAY_MARGIN,
    EmbeddingCategoryModel,
    category_scores,
    classify,
    classify_trend,
    embedding_model,
    mean_embedding,
    normalize_hint,
)
from headlinez.evaluation.category_eval import ALLSIDES_TOPICS, gold_category, score_categories
from headlinez.models import CATEGORIES


@pytest.mark.parametrize(("title", "expected"), [
    ("Stocks slide as investors weigh inflation data and Fed rate outlook", "business"),
    ("Apple unveils new iPhone chip as AI race with Google heats up", "technology"),
    ("NASA telescope spots water on a distant planet, astronomers say", "science"),
    ("CDC warns of measles outbreak as vaccination rates fall", "health"),
    ("Striker scores twice as champions win the league title", "sports"),
    ("Oscar-winning actress to star in new Netflix drama series", "entertainment"),
    ("Senate Republicans block voting rights bill ahead of midterm elections", "politics"),
    ("Ceasefire talks stall as troops shell villages near the border with Ukraine", "world"),
])
def test_headlines_of_each_category(title: str, expected: str) -> None:
    assert classify([title]) == expected


def test_world_is_cued_by_foreign_places() -> None:
    assert classify(["Iran and Oman hold a meeting in Muscat"]) == "world"
    assert classify(["Texas and Ohio hold a meeting in Houston"]) is None  # US places are not "world"


def test_no_cue_no_category() -> None:
    assert classify(["Something happened somewhere"]) is None
    assert classify([]) is None


def test_feed_hints_and_the_prior_weigh_in_but_headlines_can_overrule_them() -> None:
    neutral = ["A look back at an eventful week"]
    assert classify(neutral, hints=["technology", "technology"]) == "technology"
    assert classify(neutral, hints=["Tech", None]) == "technology"  # a synonym, half the votes
    assert classify(neutral, previous="health") == "health"
    # A sports story in a world feed still reads as sports
    sports = ["Striker scores twice as champions win the league title in the cup final"]
    assert classify(sports, hints=["world"]) == "sports"


def test_ties_go_to_the_specific_section() -> None:
    # "vaccine" (health, strong) against "White House" (politics, strong)
    scores = category_scores(["White House vaccine plan"])
    assert scores["health"] == scores["politics"]
    assert classify(["White House vaccine plan"]) == "health"


def test_scores_are_averaged_over_headlines() -> None:
    one = category_scores(["Stocks rally"])["business"]
    many = category_scores(["Stocks rally"] * 30)["business"]
    assert one == many


def test_normalize_hint() -> None:
    assert normalize_hint("World") == "world"
    assert normalize_hint("tech") == "technology"
    assert normalize_hint("weather") is None
    assert normalize_hint(None) is None


def test_gold_mappings() -> None:
    assert gold_category("science_technology") == "technology"
    assert gold_category("m") == "health"
    assert gold_category("Coronavirus") == "health"
    assert gold_category("Middle East") == "world"
    assert gold_category("Holidays") is None
    assert gold_category(None) is None
    assert {c for c in ALLSIDES_TOPICS.values() if c is not None} <= set(CATEGORIES)


def test_score_categories_hand_worked() -> None:
    gold = {"a": "technology", "b": "technology", "c": "business", "d": "health"}
    predicted = {"a": "technology", "b": "science", "c": "business", "d": None}
    strict = score_categories(gold, predicted)
    assert (strict.n, strict.correct, strict.missing) == (4, 2, 1)
    assert strict.accuracy == 0.5
    lenient = score_categories(gold, predicted, {"technology": frozenset({"technology", "science"})})
    assert lenient.lenient_accuracy == 0.75
    per_class = strict.per_class()
    assert per_class["technology"] == (2, 1.0, 0.5)
    assert per_class["science"] == (0, 0.0, None)


# --- the embedding model ------------------------------------------------------------------------

def test_shipped_model_covers_the_taxonomy_with_384_dimensions() -> None:
    model = embedding_model()
    assert model is not None
    assert set(model.classes) == set(CATEGORIES)
    assert model.dimensions == 384
    assert model.weights.shape == (len(CATEGORIES), 384 + len(CATEGORIES))


def test_shipped_model_mixes_in_one_unit_centroid_per_class() -> None:
    model = embedding_model()
    assert model is not None
    assert model.centroids is not None
    assert model.centroids.shape == (len(model.classes), 384)
    assert np.allclose(np.linalg.norm(model.centroids, axis=1), 1.0)
    assert 0.0 < model.centroid_weight < 1.0


def test_nearest_centroids_mix_into_the_linear_probabilities() -> None:
    # Given a linear part that knows nothing (all zero) and centroids on the axes of world and sports
    classes = ("world", "sports")
    zero = EmbeddingCategoryModel(classes=classes, weights=np.zeros((2, 2 + len(CATEGORIES))),
                                  bias=np.zeros(2))
    mixed = EmbeddingCategoryModel(classes=classes, weights=np.zeros((2, 2 + len(CATEGORIES))),
                                   bias=np.zeros(2), centroids=np.eye(2), centroid_weight=0.5,
                                   centroid_temperature=5.0)
    lexical = np.zeros(len(CATEGORIES))
    # Then alone it says 50/50, and the centroid nearest the embedding pulls towards its class
    assert zero.probabilities([0.1, 0.9], lexical) == pytest.approx({"world": 0.5, "sports": 0.5})
    probabilities = mixed.probabilities([0.1, 0.9], lexical)
    cosines = np.array([0.1, 0.9]) / np.linalg.norm([0.1, 0.9])
    nearest = np.exp(5.0 * cosines) / np.exp(5.0 * cosines).sum()
    assert probabilities["sports"] == pytest.approx(0.5 * 0.5 + 0.5 * nearest[1])
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_a_model_file_whose_centroids_miss_a_class_is_refused() -> None:
    with pytest.raises(ValueError, match="every class"):
        category_module._centroids({"centroids": {"world": [1.0, 0.0]}}, ("world", "sports"), 2)
    with pytest.raises(ValueError, match="embedding size"):
        category_module._centroids({"centroids": {"world": [1.0], "sports": [0.0]}}, ("world", "sports"), 2)
    assert category_module._centroids({}, ("world",), 2) is None


def _toy_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """3-d embeddings: axis 0 -> world, axis 1 -> sports, axis 2 -> business (lexical inputs off)."""
    weights = np.zeros((len(CATEGORIES), 3 + len(CATEGORIES)))
    for axis, name in enumerate(("world", "sports", "business")):
        weights[CATEGORIES.index(name), axis] = 8.0
    model = EmbeddingCategoryModel(classes=CATEGORIES, weights=weights, bias=np.zeros(len(CATEGORIES)))
    monkeypatch.setattr(category_module, "embedding_model", lambda: model)


def test_the_trend_mean_embedding_decides_even_without_a_keyword(monkeypatch: pytest.MonkeyPatch) -> None:
    _toy_model(monkeypatch)
    # Given a headline with no lexicon cue at all: the lexical model has no category
    assert classify(["A quiet day in Rio"]) is None
    # Then the embedding model still names one (no trend without a category)
    assert classify_trend(["A quiet day in Rio"], embedding=[0.1, 0.9, 0.1]) == "sports"


def test_lexical_fallback_without_embedding_or_another_model_size(monkeypatch: pytest.MonkeyPatch) -> None:
    _toy_model(monkeypatch)
    title = ["Striker scores twice as champions win the league title"]
    assert classify_trend(title) == "sports"
    assert classify_trend(title, embedding=[1.0] * 5) == classify(title)  # 5-d: not this model


def test_hysteresis_keeps_the_category_unless_another_clearly_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    _toy_model(monkeypatch)
    # Given a trend categorized world whose mean drifts slightly towards business
    drifted = [0.5, 0.0, 0.52]
    assert classify_trend(["x"], embedding=drifted) == "business"
    # Then it stays world while business leads by less than STAY_MARGIN
    assert classify_trend(["x"], embedding=drifted, previous="world") == "world"
    # And moves once business clearly wins
    assert classify_trend(["x"], embedding=[0.1, 0.0, 0.9], previous="world") == "business"
    assert STAY_MARGIN > 0


def test_feed_hints_add_to_the_probabilities(monkeypatch: pytest.MonkeyPatch) -> None:
    _toy_model(monkeypatch)
    balanced = [0.5, 0.5, 0.0]
    assert classify_trend(["x"], embedding=balanced, hints=["sport", "sport", None]) == "sports"
    assert classify_trend(["x"], embedding=balanced, hints=["World"]) == "world"


def test_mean_embedding_is_sum_over_weight() -> None:
    assert mean_embedding([2.0, 4.0], 2.0) == [1.0, 2.0]
    assert mean_embedding(None, 3.0) is None
    assert mean_embedding([1.0], 0.0) is None


def _model_that_says(category: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A toy embedding model whose axis 0 is `category`."""
    weights = np.zeros((len(CATEGORIES), 1 + len(CATEGORIES)))
    weights[CATEGORIES.index(category), 0] = 8.0
    model = EmbeddingCategoryModel(classes=CATEGORIES, weights=weights, bias=np.zeros(len(CATEGORIES)))
    monkeypatch.setattr(category_module, "embedding_model", lambda: model)


def test_another_countrys_politics_is_world(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a toy model that says politics (the taxonomy: politics is US government)
    _model_that_says("politics", monkeypatch)
    # Then a trend whose headlines name another country and never the US is world
    assert classify_trend(["Newborn parties are scrambling Japanese politics",
                           "Japan's prime minister calls a snap election"], embedding=[1.0]) == "world"
    # And US politics stays politics, also when a foreign place is named beside the US
    assert classify_trend(["Senate passes the budget bill"], embedding=[1.0]) == "politics"
    assert classify_trend(["U.S. and Japan sign a trade pact"], embedding=[1.0]) == "politics"
    # And one foreign headline among US ones does not make the trend world
    assert classify_trend(["Budget talks stall", "Deal on spending in sight", "Canada watches"],
                          embedding=[1.0]) == "politics"
    # And a US state named like a country abroad is no place abroad
    assert classify_trend(["New Mexico governor signs the budget"], embedding=[1.0]) == "politics"
    # And the EU, NATO or the UN are abroad too
    assert classify_trend(["Nearly 70 rights groups slam EU migration policy"], embedding=[1.0]) == "world"


def test_a_us_story_is_not_world(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a toy model that says world (feeds of world news make it say world for US crime)
    _model_that_says("world", monkeypatch)
    # Then headlines naming a US state, city or the US and no place abroad make it politics
    # (the taxonomy: US government, courts and crime are politics), "Rhode" is no foreign place here
    assert classify_trend(["Police identify suspect in Rhode Island ice rink shooting",
                           "Rhode Island rink shooting suspect named"], embedding=[1.0]) == "politics"
    assert classify_trend(["Man arrested near the U.S. Capitol with a gun"], embedding=[1.0]) == "politics"
    assert classify_trend(["Texas floods: toll rises", "Floods in Texas"], embedding=[1.0]) == "politics"
    # And a place abroad, or a US president alone, keeps it world
    assert classify_trend(["US soldiers arrive in Nigeria"], embedding=[1.0]) == "world"
    assert classify_trend(["Zelensky says Trump exerts undue pressure"], embedding=[1.0]) == "world"
    assert classify_trend(["The outsize influence of America's admiral in Asia"], embedding=[1.0]) == "world"
    # And one US headline among foreign ones does not make the trend politics
    assert classify_trend(["Floods in Bavaria", "German towns flooded", "Texas sends help"],
                          embedding=[1.0]) == "world"


def test_a_disaster_abroad_is_world_and_at_home_stays_science(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a toy model that says science (nature's hazards are science cues)
    _model_that_says("science", monkeypatch)
    # Then a cyclone or a flood abroad is world news (the taxonomy: another country's disasters)
    assert classify_trend(["Madagascar: Successive Cyclones Put Children At Risk"],
                          embedding=[1.0]) == "world"
    assert classify_trend(["Floods in Germany", "Germany counts flood damage"], embedding=[1.0]) == "world"
    # And a hazard at home, or science abroad that is no disaster, stays science
    assert classify_trend(["Rescuers search for 10 missing skiers after California avalanche"],
                          embedding=[1.0]) == "science"
    assert classify_trend(["Japan's lunar lander sends its first images"], embedding=[1.0]) == "science"


def test_an_avalanche_is_a_cue_of_nature_not_sport() -> None:
    # "skiers" cues sport; the avalanche they were caught in is the story (a science cue, as a flood is)
    scores = category_scores(["Rescuers search for 10 missing skiers after California avalanche"])
    assert scores["science"] >= scores["sports"]
