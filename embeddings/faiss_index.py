"""Exact inner-product search with FAISS; with normalised rows, scores are cosines.

The index knows row ids and vectors only; rag/ maps row ids to passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from embeddings.base import Vectors


class FaissIndex:
    def __init__(self, dim: int, index: faiss.Index | None = None) -> None:
        self.dim = dim
        self._index = index if index is not None else faiss.IndexFlatIP(dim)

    @classmethod
    def load(cls, path: Path) -> FaissIndex:
        index = faiss.read_index(str(path))
        return cls(index.d, index)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    def add(self, vectors: Vectors) -> None:
        if len(vectors):
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def vectors(self) -> Vectors:
        """All stored rows, in id order (exact indexes keep them)."""
        return self._index.reconstruct_n(0, len(self)) if len(self) else np.zeros((0, self.dim), np.float32)

    def rows(self, ids: Sequence[int]) -> Vectors:
        """The stored vectors of the given row ids, in that order."""
        if not ids:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._index.reconstruct(int(i)) for i in ids])

    def search(self, query: Vectors, k: int, *, allowed: Sequence[int] | None = None) -> list[tuple[int, float]]:
        n_candidates = len(self) if allowed is None else len(allowed)
        k = min(k, n_candidates)
        if k <= 0:
            return []
        xq = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
            params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]  # SWIG kwargs
        scores, ids = self._index.search(xq, k, params=params)
        return [(int(i), float(d)) for i, d in zip(ids[0], scores[0], strict=True) if i != -1]

    def __len__(self) -> int:
        return int(self._index.ntotal)
