"""BM25 over passages (bm25s, Snowball stemming): the words a question shares with a line.

Dense retrieval misses questions that hinge on one exact word ("Is Germany taking the
lead?"); BM25 finds them. Each ingest builds it from the generation's SQLite passages and
saves it beside them (bm25s's own files: JSON and NumPy arrays read without pickle,
memory-mapped), so opening an index of a million passages does not rebuild it.

Queries are scored here from bm25s's precomputed score matrix rather than by its
`retrieve`: its NumPy backend sums with `np.add.at` (21 ms a query at 200k passages on
this 2-core machine) and its numba backend compiles for 5-15 s in every new process;
`np.bincount` over the query terms' postings gives the same scores in about 1 ms.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from rag.text import english_stemmer, join_spelled

_PARAMS = "params.index.json"  # bm25s's name; holds num_docs


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        self._texts: list[str] | None = [join_spelled(t) for t in texts]
        self._n = len(self._texts)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """An index saved by `save`; its arrays are memory-mapped, not read in."""
        import bm25s

        index = cls([])
        index._texts = None
        index._n = saved_size(folder)
        if index._n:
            _quiet_bm25s()
            index.__dict__["_bm25"] = bm25s.BM25.load(str(folder), mmap=True, allow_pickle=False)
        return index

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._n:
            self._bm25.save(str(folder), show_progress=False)
        else:  # bm25s cannot index nothing; record the empty index in its own params file
            (folder / _PARAMS).write_text(json.dumps({"num_docs": 0}), encoding="utf-8")

    def __len__(self) -> int:
        return self._n

    @cached_property
    def _bm25(self) -> Any:
        import bm25s

        if self._texts is None:
            raise AssertionError("a loaded LexicalIndex has its model already")  # pragma: no cover
        _quiet_bm25s()
        model = bm25s.BM25()
        model.index(self._tokenize(self._texts), show_progress=False)
        return model

    def _tokenize(self, texts: Sequence[str]) -> Any:
        import bm25s

        return bm25s.tokenize(
            list(texts), stopwords="en", stemmer=english_stemmer(), return_ids=False, show_progress=False
        )

    def search(self, query: str, k: int, *, allowed: Sequence[int] | None = None) -> list[tuple[int, float]]:
        """Best k (row, BM25 score) with a positive score, best first; ties by row."""
        tokens = self._tokenize([join_spelled(query)])[0]
        if not self._n or not tokens or k <= 0:
            return []
        scores = self.scores(tokens)
        rows = np.asarray(allowed, dtype=np.int64) if allowed is not None else np.flatnonzero(scores > 0)
        rows = rows[scores[rows] > 0]
        if len(rows) > k:
            rows = rows[np.argpartition(-scores[rows], k - 1)[:k]]
        rows = rows[np.lexsort((rows, -scores[rows]))]
        return [(int(r), float(scores[r])) for r in rows]

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage for these query tokens (a repeated token counts again)."""
        model = self._bm25
        matrix = model.scores  # CSC: the postings of token t are indptr[t]:indptr[t + 1]
        ids = model.get_tokens_ids(list(tokens))
        spans = [slice(int(matrix["indptr"][t]), int(matrix["indptr"][t + 1])) for t in ids]
        if not spans:
            return np.zeros(self._n, dtype=np.float64)
        docs = np.concatenate([matrix["indices"][span] for span in spans])
        weights = np.concatenate([matrix["data"][span] for span in spans])
        return np.bincount(docs, weights=weights, minlength=self._n)


def saved_size(folder: Path) -> int:
    """Passages in the index `save` wrote to `folder` (read from bm25s's params file alone)."""
    return int(json.loads((folder / _PARAMS).read_text(encoding="utf-8"))["num_docs"])


def _quiet_bm25s() -> None:
    # bm25s sets its own logger to DEBUG, which would print through any root handler.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
