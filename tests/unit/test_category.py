"""The keyword/feed-hint category model and the gold mappings of its evaluation."""

from __future__ import annotations

import pytest

from headlinez.domain.category import category_scores, classify, normalize_hint
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
