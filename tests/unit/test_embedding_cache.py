"""The local stack's embedding cache: a cached vector is the model's, computed once across starts."""

from __future__ import annotations

import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from headlinez.local.embedding_cache import CachingEmbedder, install


class CountingEmbedder:
    model_id = "fake-model"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        self.seen.extend(texts)
        return np.array([[float(len(t)), float(ord(t[0]))] for t in texts], dtype=np.float32)


def test_each_text_is_embedded_once_and_rows_keep_their_order() -> None:
    # Given a cache over a model
    model = CountingEmbedder()
    cache = CachingEmbedder(model)
    # When texts are embedded twice, with a repeat inside a batch
    first = cache.embed(["alpha", "be", "alpha"])
    second = cache.embed(["be", "gamma"])
    # Then each text reached the model once, and every row is the model's own
    assert model.seen == ["alpha", "be", "gamma"]
    assert first.tolist() == [[5.0, 97.0], [2.0, 98.0], [5.0, 97.0]]
    assert second.tolist() == [[2.0, 98.0], [5.0, 103.0]]
    assert (cache.hits, cache.misses) == (2, 3)


def test_the_cache_file_serves_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "embeddings.npz"
    # Given two earlier starts that saved their vectors (at exit, or every SAVE_EVERY new ones)
    for texts in (["alpha", "beta"], ["gamma"]):
        earlier = CachingEmbedder(CountingEmbedder(), path)
        earlier.embed(texts)
        earlier.save()
    # When the next start embeds the same texts
    model = CountingEmbedder()
    again = CachingEmbedder(model, path).embed(["alpha", "gamma"])
    # Then the model is not called
    assert model.seen == []
    assert again.tolist() == [[5.0, 97.0], [5.0, 103.0]]


def test_two_processes_sharing_one_file_keep_each_other_s_vectors(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.npz"
    # Given two stacks that loaded the (empty) shared file, then each embedded its own texts
    first, second = CachingEmbedder(CountingEmbedder(), path), CachingEmbedder(CountingEmbedder(), path)
    first.embed(["alpha"])
    second.embed(["beta"])
    # When both save, one after the other
    first.save()
    second.save()
    # Then the file holds both: the later save did not drop what the earlier one added
    model = CountingEmbedder()
    CachingEmbedder(model, path).embed(["alpha", "beta"])
    assert model.seen == []


def test_install_wraps_what_the_cluster_function_loads(tmp_path: Path) -> None:
    module = types.ModuleType("cluster_app")
    module.load_default_embedder = lambda *args: CountingEmbedder()  # type: ignore[attr-defined]
    install(module, tmp_path / "embeddings.npz")
    embedder = module.load_default_embedder()
    assert isinstance(embedder, CachingEmbedder)
    assert embedder.model_id == "fake-model"
    absent = types.ModuleType("cluster_app")
    absent.load_default_embedder = lambda *args: None  # type: ignore[attr-defined]
    install(absent, None)
    assert absent.load_default_embedder() is None


def test_a_reloaded_cluster_function_gets_the_embedder_already_loaded(tmp_path: Path) -> None:
    # Given the cluster function loaded, and loaded again (the stack's emulated cold start)
    loads: list[str] = []

    def load_model(*args: Any) -> CountingEmbedder:
        loads.append("model")
        return CountingEmbedder()

    first, second = types.ModuleType("cluster_app"), types.ModuleType("cluster_app")
    for module in (first, second):
        module.load_default_embedder = load_model  # type: ignore[attr-defined]
        install(module, tmp_path / "embeddings.npz")
    # When each load builds its service
    embedders = [first.load_default_embedder(), second.load_default_embedder()]
    # Then the model was loaded once and both share it; another cache file gets its own
    assert loads == ["model"]
    assert embedders[0] is embedders[1]
    other = types.ModuleType("cluster_app")
    other.load_default_embedder = load_model  # type: ignore[attr-defined]
    install(other, tmp_path / "elsewhere.npz")
    assert other.load_default_embedder() is not embedders[0]
    assert loads == ["model", "model"]
