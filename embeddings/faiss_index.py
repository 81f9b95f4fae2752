"""Inner-product search with FAISS; with normalised rows, scores are cosines.

Two kinds: "flat" (exact, IndexFlatIP) while a corpus is small enough for exact search to
be fast, and "hnsw" (approximate, IndexHNSWFlat) above that. Both keep every vector in
full, so rows can be read back and filtered searches over few rows stay exact. The index
knows row ids and vectors only; rag/ maps row ids to passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from embeddings.base import Vectors

_CORES = faiss.omp_get_max_threads()
KINDS = ("flat", "hnsw")
CHOICES = ("auto", *KINDS)
# "auto" searches exactly up to this many vectors. Exact search costs about 0.11 ms per
# 1,000 vectors on one core (bandwidth-bound; benchmarks/ann_recall.py, docs/benchmarks.md),
# so 20,000 keep it near 2 ms, well inside a 15 ms search beside the 9 ms query embedding;
# above it, HNSW answers in about 1 ms at any size.
EXACT_MAX_PASSAGES = 20_000


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """Which FAISS index to build, and its parameters (what the manifest records).

    The HNSW defaults come from benchmarks/ann_recall.py on real-text vectors, questions
    as queries (docs/benchmarks.md). Questions lie far from passages, so graph quality
    matters: efConstruction 40 (FAISS's default) stays below recall@10 0.90 even at
    efSearch 256, while M 32 with efConstruction 200 reaches 0.99 at efSearch 128 on 15k
    vectors; efSearch 256 keeps the margin as corpora grow, for about 1 ms a query.
    """

    kind: str = "flat"
    m: int = 32  # graph links per vector (HNSW)
    ef_construction: int = 200  # candidates kept while building (HNSW)
    ef_search: int = 256  # candidates kept while searching (HNSW); at least k is used

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown vector index kind {self.kind!r}; choose one of: {', '.join(KINDS)}")

    def as_dict(self) -> dict[str, Any]:
        if self.kind == "flat":
            return {"kind": "flat"}
        return {"kind": self.kind, "m": self.m, "ef_construction": self.ef_construction, "ef_search": self.ef_search}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> IndexSpec:
        return cls(**values)


def choose_spec(n_vectors: int, setting: str, *, exact_max: int = EXACT_MAX_PASSAGES) -> IndexSpec:
    """The index for a corpus of `n_vectors`: `setting` is "flat", "hnsw" or "auto".

    "auto" searches exactly up to `exact_max` vectors and approximately above.
    Example: choose_spec(10, "auto", exact_max=5).kind == "hnsw"
    """
    if setting == "auto":
        return IndexSpec("flat" if n_vectors <= exact_max else "hnsw")
    if setting not in KINDS:
        raise ValueError(f"unknown vector index {setting!r}; choose one of: {', '.join(CHOICES)}")
    return IndexSpec(setting)


class FaissIndex:
    # A filtered search over at most this many rows is computed exactly from the stored
    # vectors: cheaper than walking a graph that must skip most of its nodes.
    EXACT_FILTER_MAX = 50_000

    def __init__(self, dim: int, index: faiss.Index | None = None, spec: IndexSpec | None = None) -> None:
        self.dim = dim
        self.spec = spec if spec is not None else _spec_of(index) if index is not None else IndexSpec()
        self._index = index if index is not None else _new_index(dim, self.spec)

    @classmethod
    def load(cls, path: Path, spec: IndexSpec | None = None) -> FaissIndex:
        """Read an index file; `spec` (from the manifest) sets the search parameters."""
        index = faiss.read_index(str(path))
        return cls(index.d, index, spec)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    def add(self, vectors: Vectors) -> None:
        if len(vectors):
            faiss.omp_set_num_threads(_CORES)  # building a graph uses every core
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def vectors(self) -> Vectors:
        """All stored rows, in id order: a read-only view, not a copy."""
        n = len(self)
        if not n:
            return np.zeros((0, self.dim), np.float32)
        flat = faiss.downcast_index(self._index.storage) if isinstance(self._index, faiss.IndexHNSW) else self._index
        pointer = flat.get_xb()  # type: ignore[attr-defined]  # SWIG, untyped
        view = faiss.rev_swig_ptr(pointer, n * self.dim).reshape(n, self.dim)
        view.flags.writeable = False
        return view

    def rows(self, ids: Sequence[int]) -> Vectors:
        """The stored vectors of the given row ids, in that order."""
        if not len(ids):
            return np.zeros((0, self.dim), np.float32)
        return self.vectors()[np.asarray(ids, dtype=np.int64)]

    def search(self, query: Vectors, k: int, *, allowed: Sequence[int] | None = None) -> list[tuple[int, float]]:
        n_candidates = len(self) if allowed is None else len(allowed)
        k = min(k, n_candidates)
        if k <= 0:
            return []
        xq = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if allowed is not None and len(allowed) <= self.EXACT_FILTER_MAX:
            return self._exact_among(xq, np.asarray(allowed, dtype=np.int64), k)
        selector = None if allowed is None else faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
        if self.spec.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(self.spec.ef_search, k), sel=selector)  # type: ignore[attr-defined,call-arg]
        else:
            params = None if selector is None else faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        # One query is bandwidth-bound: a second OpenMP thread only adds waiting (60 ms instead
        # of 14 ms for 10k vectors on a busy 2-core machine, benchmarks/ann_recall.py).
        faiss.omp_set_num_threads(1)
        scores, ids = self._index.search(xq, k, params=params)
        return [(int(i), float(d)) for i, d in zip(ids[0], scores[0], strict=True) if i != -1]

    def _exact_among(self, xq: Vectors, allowed: np.ndarray, k: int) -> list[tuple[int, float]]:
        scores = (self.vectors()[allowed] @ xq.T).ravel()
        best = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        best = best[np.lexsort((allowed[best], -scores[best]))]  # best first; ties by row id
        return [(int(allowed[i]), float(scores[i])) for i in best]

    def __len__(self) -> int:
        return int(self._index.ntotal)


def _new_index(dim: int, spec: IndexSpec) -> faiss.Index:
    if spec.kind == "flat":
        return faiss.IndexFlatIP(dim)
    index = faiss.IndexHNSWFlat(dim, spec.m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = spec.ef_construction
    index.hnsw.efSearch = spec.ef_search
    return index


def _spec_of(index: faiss.Index) -> IndexSpec:
    """The spec of an index read from a file without a manifest's record of it."""
    if isinstance(index, faiss.IndexHNSW):
        hnsw = index.hnsw
        return IndexSpec(
            "hnsw",
            m=int(hnsw.nb_neighbors(1)),  # type: ignore[attr-defined]  # SWIG, untyped
            ef_construction=int(hnsw.efConstruction),
            ef_search=int(hnsw.efSearch),
        )
    return IndexSpec("flat")
