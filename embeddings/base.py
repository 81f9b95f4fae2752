"""The two seams of this package: what turns text into vectors and what searches them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]  # shape (n, dim), rows L2-normalised


class Embedder(Protocol):
    model_name: str  # what the manifest records, e.g. "all-MiniLM-L6-v2"

    @property
    def dim(self) -> int: ...

    @property
    def max_tokens(self) -> int:
        """Longest input, special tokens included, that the model reads without truncating."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens each text becomes, special tokens included."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors:
        """Shape (1, dim)."""
        ...


class VectorIndex(Protocol):
    def add(self, vectors: Vectors) -> None:
        """Rows get ids len(self) .. len(self)+n-1 in order."""
        ...

    def search(self, query: Vectors, k: int, *, allowed: Sequence[int] | None = None) -> list[tuple[int, float]]:
        """Best k (row id, score) pairs, best first; `allowed` restricts the row ids."""
        ...

    def __len__(self) -> int: ...
