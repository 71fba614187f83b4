"""Average-linkage similarity between articles and trends from sentence embeddings.

A trend keeps the *sum* of its members' unit embeddings and their count. The mean of the cosines
between an article and every member (average linkage, what the offline batch reference uses) is
then one dot product with ``sum / count``; between two trends it is ``sum_a . sum_b / (n_a n_b)``.
So streaming assignment and the merge pass decide exactly as average-linkage agglomeration would,
with a fixed-size state per trend (384 floats) and no member-to-member matrix.

``SemanticIndex`` holds the open trends' mean vectors in one matrix so that an article is scored
against every open trend in one matrix-vector product (1,000 trends x 384: ~0.1 ms) and the
best few are returned. Pure numpy; no model here (the embedder is an adapter behind a port).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

Vector = np.ndarray[Any, np.dtype[np.float32]]


def as_vector(values: Sequence[float]) -> Vector:
    return np.asarray(values, dtype=np.float32)


def unpack_sum(value: str | Sequence[float] | None) -> Vector | None:
    """A stored embedding sum (models.pack_floats) as a writable float32 vector; None when none."""
    if value is None:
        return None
    if isinstance(value, str):
        return np.frombuffer(base64.b64decode(value), dtype="<f4").astype(np.float32)
    return np.asarray(value, dtype=np.float32)


class SemanticIndex:
    """Mean member embedding of each trend, with its time span, for candidate search."""

    def __init__(self, dimensions: int, capacity: int = 64) -> None:
        self._dimensions = dimensions
        self._means = np.zeros((max(capacity, 1), dimensions), dtype=np.float32)
        self._first = np.zeros(max(capacity, 1), dtype=np.float64)
        self._last = np.zeros(max(capacity, 1), dtype=np.float64)
        self._live = np.zeros(max(capacity, 1), dtype=bool)
        self._rows: dict[str, int] = {}
        self._ids: list[str] = []

    def __contains__(self, trend_id: object) -> bool:
        return trend_id in self._rows

    def _grow(self) -> None:
        size = self._means.shape[0] * 2
        self._means = np.resize(self._means, (size, self._dimensions))
        self._means[len(self._ids) :] = 0.0
        for name in ("_first", "_last", "_live"):
            old = getattr(self, name)
            new = np.zeros(size, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def load(self, rows: Sequence[tuple[str, Sequence[float] | Vector, float, datetime, datetime]]) -> None:
        """Add many trends at once (id, embedding sum, weight, first seen, last seen): one array
        conversion for all of them, which is what a run does with the stored open trends."""
        if not rows:
            return
        while len(self._ids) + len(rows) > self._means.shape[0]:
            self._grow()
        start = len(self._ids)
        end = start + len(rows)
        totals = np.asarray([row[1] for row in rows], dtype=np.float32)
        weights = np.asarray([row[2] for row in rows], dtype=np.float64)
        safe = np.where(weights > 0, weights, 1.0)
        self._means[start:end] = totals / safe[:, None]
        self._first[start:end] = [row[3].timestamp() for row in rows]
        self._last[start:end] = [row[4].timestamp() for row in rows]
        self._live[start:end] = weights > 0
        for offset, row in enumerate(rows):
            self._rows[row[0]] = start + offset
            self._ids.append(row[0])

    def put(self, trend_id: str, total: Vector, weight: float, first: datetime, last: datetime) -> None:
        row = self._rows.get(trend_id)
        if row is None:
            if len(self._ids) == self._means.shape[0]:
                self._grow()
            row = self._rows[trend_id] = len(self._ids)
            self._ids.append(trend_id)
        self._means[row] = total / weight if weight > 0 else 0.0
        self._first[row] = first.timestamp()
        self._last[row] = last.timestamp()
        self._live[row] = weight > 0

    def remove(self, trend_id: str) -> None:
        row = self._rows.get(trend_id)
        if row is not None:
            self._live[row] = False

    def similarity(self, trend_id: str, vector: Vector) -> float | None:
        """Mean cosine between `vector` (a unit vector, or a mean of unit vectors) and the
        trend's members; None when the trend has no embedding."""
        row = self._rows.get(trend_id)
        if row is None or not self._live[row]:
            return None
        return float(self._means[row] @ vector)

    def nearest(
        self, vector: Vector, *, earliest_last: datetime, latest_first: datetime, limit: int
    ) -> list[tuple[str, float]]:
        """The `limit` most similar live trends whose span overlaps the time window."""
        count = len(self._ids)
        if count == 0:
            return []
        scores = self._means[:count] @ vector
        ineligible = ~self._live[:count]
        ineligible |= self._last[:count] < earliest_last.timestamp()
        ineligible |= self._first[:count] > latest_first.timestamp()
        scores[ineligible] = -np.inf
        top = np.argpartition(-scores, limit)[:limit] if limit < count else np.arange(count)
        ranked = sorted(top.tolist(), key=lambda row: (-float(scores[row]), self._ids[row]))
        return [(self._ids[row], float(scores[row])) for row in ranked if np.isfinite(scores[row])]


EMBEDDING_SUMMARY_CHARS = 300


def embedding_text(title: str, summary: str) -> str:
    """What is embedded for an article: its title and lead (the model reads 128 word pieces)."""
    lead = " ".join(summary.split())[:EMBEDDING_SUMMARY_CHARS]
    return f"{title.strip()}. {lead}" if lead else title.strip()


__all__ = ["EMBEDDING_SUMMARY_CHARS", "SemanticIndex", "Vector", "as_vector", "embedding_text",
           "unpack_sum"]
