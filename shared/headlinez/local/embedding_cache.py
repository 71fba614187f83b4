"""Sentence embeddings cached by text for the local stack's cluster function.

The cluster function embeds each new article's title and lead (~12 ms an article on one core).
A Lambda embeds each article once, when it is first clustered; the local stack embeds the same
snapshot articles again at every start (a replay of two days is ~1,000 articles, ~15 s of CPU).
`CachingEmbedder` keeps the vectors by a digest of the model id and the text, in memory and, with
a path, in a file beside the stack's state (`<state-dir>/cache/embeddings-<model>.npz`), read at
start and rewritten atomically after every `SAVE_EVERY` new vectors and at exit. A vector is a
pure function of the model and the text, so a cached one is exactly what the model would return.

`install` wraps what the cluster function's `_service()` loads (it calls the module's
`load_default_embedder` on its first run): the function's code is unchanged, and nothing deployed
imports this module. The stack emulates a cold start by loading the function again (after a
replay, to turn the brief flow on); the embedder loaded for the same cache file is then handed
out again instead of a second ONNX session (~150 MB each, never freed while the first one's exit
hook holds it), since its vectors are a pure function of the model and the text.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from headlinez.ports import Embedder

logger = logging.getLogger(__name__)

SAVE_EVERY = 200  # new vectors between two saves (the rest are saved at exit)


def _digest(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\x00{text}".encode()).hexdigest()[:32]


class CachingEmbedder:
    """The Embedder port over another one, with its vectors cached by text."""

    def __init__(self, inner: Embedder, path: Path | None = None) -> None:
        self._inner = inner
        self.model_id = inner.model_id
        self._path = path
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray[Any, Any]] = {}
        self._unsaved = 0
        self.hits = 0
        self.misses = 0
        if path is not None:
            self._load(path)
            atexit.register(self.save)

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        keys = [_digest(self.model_id, text) for text in texts]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        if missing:
            absent = set(missing)
            wanted = {k: text for k, text in zip(keys, texts, strict=True) if k in absent}
            computed = self._inner.embed([wanted[k] for k in missing])
            with self._lock:
                for key, row in zip(missing, computed, strict=True):
                    self._vectors[key] = np.asarray(row, dtype=np.float32)
                self._unsaved += len(missing)
                due = self._unsaved >= SAVE_EVERY
            if due:
                self.save()
        with self._lock:
            self.misses += len(missing)
            self.hits += len(keys) - len(missing)
            if not keys:
                return np.zeros((0, 0), dtype=np.float32)
            return np.stack([self._vectors[k] for k in keys])

    def _load(self, path: Path) -> None:
        self._vectors = self._read(path)

    @staticmethod
    def _read(path: Path) -> dict[str, np.ndarray[Any, Any]]:
        if not path.is_file():
            return {}
        try:
            with np.load(path) as stored:
                keys, matrix = stored["keys"], stored["vectors"]
            return {str(k): row for k, row in zip(keys, matrix, strict=True)}
        except (OSError, ValueError, KeyError):  # unreadable: recomputed and rewritten
            logger.warning("embedding cache unreadable, starting empty", extra={"path": str(path)})
            return {}

    def save(self) -> None:
        """Write the cache file (a unique temp file, then os.replace); nothing without a path."""
        if self._path is None:
            return
        # Another process may share the file (HEADLINEZ_EMBEDDING_CACHE): keep what it added
        # since this one loaded it, so concurrent writers converge instead of dropping vectors.
        stored = self._read(self._path)
        with self._lock:
            if not self._unsaved or not self._vectors:
                return
            merged = {**stored, **self._vectors}
            keys = np.array(list(merged))
            matrix = np.stack(list(merged.values()))
            self._unsaved = 0
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_name(f".{self._path.name}.{os.getpid()}.{threading.get_ident()}.npz")
        try:
            np.savez(temporary, keys=keys, vectors=matrix)
            os.replace(temporary, self._path)
        except OSError:
            logger.warning("could not save the embedding cache", extra={"path": str(self._path)})
            temporary.unlink(missing_ok=True)


# One CachingEmbedder per loader, arguments and cache file, kept across emulated cold starts.
_LOADED: dict[tuple[Any, ...], CachingEmbedder] = {}
_LOADED_LOCK = threading.Lock()


def install(cluster_module: ModuleType, path: Path | None) -> None:
    """Make the cluster function's `_service()` use a CachingEmbedder over the model it loads,
    the same one for every load of the function in this process."""
    load: Callable[..., Embedder | None] = getattr(cluster_module, "load_default_embedder")  # noqa: B009

    def cached(*args: Any, **kwargs: Any) -> Embedder | None:
        key = (load, path, args, tuple(sorted(kwargs.items())))
        with _LOADED_LOCK:
            if key in _LOADED:
                return _LOADED[key]
            embedder = load(*args, **kwargs)
            if embedder is None:
                return None
            file = path.parent / f"{path.stem}-{embedder.model_id}{path.suffix}" if path is not None else None
            _LOADED[key] = CachingEmbedder(embedder, file)
            return _LOADED[key]

    setattr(cluster_module, "load_default_embedder", cached)  # noqa: B010 (a module loaded from a file)


__all__ = ["CachingEmbedder", "install"]
