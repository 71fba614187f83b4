"""Clustering metrics on hand-worked cases, plus properties that must hold for any partition."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headlinez.evaluation.metrics import (
    adjusted_rand_index,
    bcubed,
    pairwise,
    worst_merges,
    worst_splits,
)

# Gold: story A = {1, 2, 3}, story B = {4, 5}. Predicted: X = {1, 2}, Y = {3, 4, 5}.
GOLD = {1: "A", 2: "A", 3: "A", 4: "B", 5: "B"}
PREDICTED = {1: "X", 2: "X", 3: "Y", 4: "Y", 5: "Y"}


def test_bcubed_hand_computed() -> None:
    # Precision per item = |own cluster ∩ own story| / |own cluster|:
    #   1: 2/2, 2: 2/2, 3: 1/3, 4: 2/3, 5: 2/3  -> sum 11/3 -> P = 11/15
    # Recall per item = |own cluster ∩ own story| / |own story|:
    #   1: 2/3, 2: 2/3, 3: 1/3, 4: 2/2, 5: 2/2  -> sum 11/3 -> R = 11/15
    scores = bcubed(PREDICTED, GOLD)
    assert scores.precision == pytest.approx(11 / 15)
    assert scores.recall == pytest.approx(11 / 15)
    assert scores.f1 == pytest.approx(11 / 15)


def test_bcubed_asymmetric_case() -> None:
    # Everything in one cluster: recall is perfect, precision is the chance of a same-story pair.
    one_cluster = dict.fromkeys(GOLD, "all")
    scores = bcubed(one_cluster, GOLD)
    assert scores.recall == 1.0
    assert scores.precision == pytest.approx((3 * 3 / 5 + 2 * 2 / 5) / 5)  # 13/25
    # Every article alone: precision is perfect, recall is 1/|story| on average.
    singletons = {item: f"s{item}" for item in GOLD}
    scores = bcubed(singletons, GOLD)
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx((3 * (1 / 3) + 2 * (1 / 2)) / 5)  # 2/5


def test_pairwise_hand_computed() -> None:
    # Predicted pairs: X {1,2} + Y {3,4},{3,5},{4,5} = 4; gold pairs: A 3 + B 1 = 4;
    # pairs right: {1,2} and {4,5} = 2.
    scores = pairwise(PREDICTED, GOLD)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(0.5)


def test_ari_hand_computed() -> None:
    # index = 2; expected = 4 * 4 / C(5,2) = 1.6; max = (4 + 4) / 2 = 4 -> (2 - 1.6) / (4 - 1.6)
    assert adjusted_rand_index(PREDICTED, GOLD) == pytest.approx(1 / 6)


def test_items_without_gold_are_not_scored() -> None:
    # Article 6 has no story: clustering it with story A must not count as a merge.
    predicted = {**dict.fromkeys([1, 2, 3], "X"), 4: "Y", 5: "Y", 6: "X"}
    assert bcubed(predicted, GOLD).precision == 1.0
    assert bcubed(predicted, GOLD).recall == 1.0


def test_perfect_and_empty() -> None:
    assert bcubed(GOLD, GOLD).f1 == 1.0
    assert pairwise(GOLD, GOLD).f1 == 1.0
    assert adjusted_rand_index(GOLD, GOLD) == 1.0
    assert bcubed({}, {}).f1 == 1.0
    assert pairwise({}, {}).f1 == 1.0


def test_worst_merges_and_splits() -> None:
    merges = worst_merges(PREDICTED, GOLD)
    # Y holds 3 (story A) with 4 and 5 (story B): wrong pairs {3,4} and {3,5}
    assert [(error.cluster, error.wrong_pairs) for error in merges] == [("Y", 2)]
    assert merges[0].parts == {"B": [4, 5], "A": [3]}
    splits = worst_splits(PREDICTED, GOLD)
    # Story A is split over X {1,2} and Y {3}: missed pairs {1,3} and {2,3}
    assert [(error.cluster, error.wrong_pairs) for error in splits] == [("A", 2)]
    assert splits[0].parts == {"X": [1, 2], "Y": [3]}


def test_worst_lists_are_sorted_and_limited() -> None:
    gold = {i: i // 10 for i in range(60)}  # six stories of ten
    predicted = {i: 0 if i < 30 else i for i in range(60)}  # stories 0-2 merged, 3-5 shattered
    merges = worst_merges(predicted, gold, limit=5)
    assert len(merges) == 1
    assert merges[0].wrong_pairs == 435 - 3 * 45
    splits = worst_splits(predicted, gold, limit=2)
    assert len(splits) == 2
    assert all(error.wrong_pairs == 45 for error in splits)


partitions = st.dictionaries(st.integers(0, 30), st.integers(0, 5), min_size=1, max_size=30)


@given(partitions, st.data())
def test_metric_properties(gold: dict[int, int], data: st.DataObject) -> None:
    predicted = {item: data.draw(st.integers(0, 5)) for item in gold}
    b = bcubed(predicted, gold)
    p = pairwise(predicted, gold)
    # bounded
    assert 0.0 < b.precision <= 1.0
    assert 0.0 < b.recall <= 1.0
    assert 0.0 <= p.precision <= 1.0
    assert 0.0 <= p.recall <= 1.0
    assert adjusted_rand_index(predicted, gold) <= 1.0 + 1e-12
    # swapping prediction and gold swaps precision and recall
    swapped = bcubed(gold, predicted)
    assert swapped.precision == pytest.approx(b.recall)
    assert swapped.recall == pytest.approx(b.precision)
    # labels are names only
    renamed = {item: f"c{label}" for item, label in predicted.items()}
    assert bcubed(renamed, gold).f1 == pytest.approx(b.f1)
    # the identity scores perfectly
    assert bcubed(gold, gold).f1 == pytest.approx(1.0)
