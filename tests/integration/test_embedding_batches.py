"""The ONNX embedder's batch size and thread count are settings only: every one gives the same vectors.

BATCH_SIZE was lowered from 32 to 8 to keep onnxruntime's arena small (docs/benchmarks.md); this
checks, with the real model, that a text's vector does not depend on the batch it ran in.
"""

from __future__ import annotations

import numpy as np
import pytest

from headlinez.adapters import embedding
from headlinez.adapters.embedding import load_default_embedder, unavailable_reason

TEXTS = [
    "US and Iran reach guiding principles in Geneva nuclear talks",
    "Peru's Congress ousts interim President José Jerí. Lawmakers voted late on Tuesday "
    "after weeks of protests over the economy and crime, the second removal in a year.",
    "Łukasz Müller wins in São Paulo",
    "Zoë",
    "Rescuers search for 10 missing skiers after California avalanche. " * 6,
    "東京で地震",
    "Jesse Jackson dies aged 84",
    "Lunar New Year 2026: celebrations around the world, from Beijing to London",
    "Stephen Colbert says CBS spiked interview with Democrat over FCC fears",
    "Pentagon conducts strikes on three more alleged drug boats, killing 11",
    "China showcases humanoid robots at its Spring Festival Gala",
]


def test_vectors_do_not_depend_on_the_batch_size(monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_default_embedder()
    if model is None:
        pytest.fail(f"the embedding model is not installed ({unavailable_reason()}): run make setup")
    vectors = {}
    for size in (1, 3, embedding.BATCH_SIZE, 32):
        monkeypatch.setattr(embedding, "BATCH_SIZE", size)
        vectors[size] = model.embed(TEXTS)
    # Each batching pads texts of different lengths together; the attention mask must hide it.
    for size, matrix in vectors.items():
        assert matrix.shape == (len(TEXTS), embedding.DIMENSIONS), size
        np.testing.assert_allclose(matrix, vectors[1], atol=1e-5, err_msg=f"batch size {size}")
    assert np.allclose(np.linalg.norm(vectors[1], axis=1), 1.0, atol=1e-5)


def test_vectors_do_not_depend_on_the_thread_count() -> None:
    # The local stack runs the model on the machine's cores, a Lambda on one: the same trends
    vectors = {}
    for threads in (1, 2, 4):
        model = load_default_embedder(threads=threads)
        if model is None:
            pytest.fail(f"the embedding model is not installed ({unavailable_reason()}): run make setup")
        vectors[threads] = model.embed(TEXTS)
    for threads, matrix in vectors.items():
        np.testing.assert_allclose(matrix, vectors[1], atol=1e-6, rtol=0, err_msg=f"{threads} threads")
