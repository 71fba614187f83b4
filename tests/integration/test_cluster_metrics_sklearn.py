"""The adjusted Rand index agrees with scikit-learn's (the bench extra).

Moved from tests/unit/test_cluster_metrics.py (issue 11 §8: importing scikit-learn takes seconds).
"""

from __future__ import annotations

import pytest

from headlinez.evaluation.metrics import adjusted_rand_index


def test_ari_matches_scikit_learn() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    gold = {i: i % 4 for i in range(40)}
    predicted = {i: (i * 7) % 5 if i % 3 else i % 4 for i in range(40)}
    expected = metrics.adjusted_rand_score([gold[i] for i in gold], [predicted[i] for i in gold])
    assert adjusted_rand_index(predicted, gold) == pytest.approx(expected)
