"""Clustering quality metrics against gold story labels, implemented from their definitions.

Users complain about two distinct failures: wrong merges (unrelated stories in one trend) and
splits (one event shown as several trends). B-cubed precision measures the first and B-cubed
recall the second, per article, so a big cluster does not dominate the score the way it does in
pairwise counting; pairwise P/R/F1 and the adjusted Rand index are reported beside them because
the literature uses them. The functions take two mappings item -> label and score only the items
present in both (articles without a gold story are clustered but not scored).

No dependency on scikit-learn: the metrics must run wherever the domain runs, and implementing
them from the contingency table keeps them O(items).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

Item = TypeVar("Item", bound=Hashable)


@dataclass(frozen=True, slots=True)
class PrecisionRecall:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total


@dataclass(frozen=True, slots=True)
class ClusterError:
    """A wrong merge (one predicted cluster, several gold stories) or a split (the reverse).

    `parts` maps each piece (gold story for a merge, predicted cluster for a split) to the items
    in it; `wrong_pairs` is the number of item pairs the error gets wrong.
    """

    cluster: Hashable
    wrong_pairs: int
    parts: dict[Hashable, list[Hashable]]


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def _contingency(
    predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]
) -> tuple[Counter[tuple[Hashable, Hashable]], Counter[Hashable], Counter[Hashable], int]:
    cells: Counter[tuple[Hashable, Hashable]] = Counter()
    for item, story in gold.items():
        if item in predicted:
            cells[(predicted[item], story)] += 1
    predicted_sizes: Counter[Hashable] = Counter()
    gold_sizes: Counter[Hashable] = Counter()
    for (cluster, story), count in cells.items():
        predicted_sizes[cluster] += count
        gold_sizes[story] += count
    return cells, predicted_sizes, gold_sizes, sum(cells.values())


def bcubed(predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]) -> PrecisionRecall:
    """B-cubed (Bagga & Baldwin 1998): for each item, the share of its predicted cluster that
    shares its gold story (precision) and the share of its gold story in its predicted cluster
    (recall), averaged over items. Empty input scores 1.0/1.0."""
    cells, predicted_sizes, gold_sizes, total = _contingency(predicted, gold)
    if total == 0:
        return PrecisionRecall(1.0, 1.0)
    precision = sum(count * count / predicted_sizes[c] for (c, _), count in cells.items()) / total
    recall = sum(count * count / gold_sizes[g] for (_, g), count in cells.items()) / total
    return PrecisionRecall(precision, recall)


def pairwise(predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]) -> PrecisionRecall:
    """Pair counting: precision = same-story pairs among co-clustered pairs, recall = co-clustered
    pairs among same-story pairs. With no pair on a side, that side scores 1.0."""
    cells, predicted_sizes, gold_sizes, _ = _contingency(predicted, gold)
    together = sum(_pairs(count) for count in cells.values())
    predicted_pairs = sum(_pairs(size) for size in predicted_sizes.values())
    gold_pairs = sum(_pairs(size) for size in gold_sizes.values())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / gold_pairs if gold_pairs else 1.0
    return PrecisionRecall(precision, recall)


def adjusted_rand_index(predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]) -> float:
    """Hubert & Arabie's ARI: pair agreement corrected for chance (1 = identical, ~0 = random).
    Degenerate partitions that agree by construction (both all-singletons or both one cluster)
    score 1.0, as in scikit-learn."""
    cells, predicted_sizes, gold_sizes, total = _contingency(predicted, gold)
    if total < 2:
        return 1.0
    index = sum(_pairs(count) for count in cells.values())
    sum_predicted = sum(_pairs(size) for size in predicted_sizes.values())
    sum_gold = sum(_pairs(size) for size in gold_sizes.values())
    expected = sum_predicted * sum_gold / _pairs(total)
    maximum = (sum_predicted + sum_gold) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def worst_merges(
    predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable], limit: int = 5
) -> list[ClusterError]:
    """Predicted clusters with the most pairs of items from different gold stories."""
    return _worst(predicted, gold, limit)


def worst_splits(
    predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable], limit: int = 5
) -> list[ClusterError]:
    """Gold stories with the most pairs of items put in different predicted clusters."""
    return _worst(gold, predicted, limit)


def _worst(outer: Mapping[Item, Hashable], inner: Mapping[Item, Hashable], limit: int) -> list[ClusterError]:
    """Clusters of `outer` whose items `inner` spreads over several labels, most wrong pairs first."""
    groups: dict[Hashable, list[Item]] = defaultdict(list)
    for item, label in outer.items():
        if item in inner:
            groups[label].append(item)
    errors: list[ClusterError] = []
    for cluster, members in groups.items():
        parts: dict[Hashable, list[Hashable]] = defaultdict(list)
        for item in members:
            parts[inner[item]].append(item)
        if len(parts) < 2:
            continue
        wrong = _pairs(len(members)) - sum(_pairs(len(part)) for part in parts.values())
        ordered = dict(sorted(parts.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))))
        errors.append(ClusterError(cluster=cluster, wrong_pairs=wrong, parts=ordered))
    errors.sort(key=lambda error: (-error.wrong_pairs, str(error.cluster)))
    return errors[:limit]
