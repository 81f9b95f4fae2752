"""BM25 over passages (bm25s, Snowball stemming): the words a question shares with a line.

Dense retrieval misses questions that hinge on one exact word ("Is Germany taking the
lead?"); BM25 finds them. Built in memory from the SQLite passages when an index
generation is opened, so it can never disagree with the stored passages.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from rag.text import join_spelled


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = [join_spelled(t) for t in texts]

    @cached_property
    def _stemmer(self) -> Any:
        import Stemmer

        return Stemmer.Stemmer("english")

    @cached_property
    def _bm25(self) -> Any:
        import bm25s

        # bm25s sets its own logger to DEBUG, which would print through any root handler.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        model = bm25s.BM25()
        model.index(self._tokenize(self._texts), show_progress=False)
        return model

    def _tokenize(self, texts: Sequence[str]) -> Any:
        import bm25s

        return bm25s.tokenize(list(texts), stopwords="en", stemmer=self._stemmer, return_ids=False, show_progress=False)

    def search(self, query: str, k: int, *, allowed: Sequence[int] | None = None) -> list[tuple[int, float]]:
        """Best k (row, BM25 score) with a positive score, best first."""
        n = len(self._texts)
        tokens = self._tokenize([join_spelled(query)])
        if not n or not tokens[0]:
            return []
        mask = None
        if allowed is not None:
            mask = np.zeros(n, dtype=np.float32)
            mask[np.asarray(allowed, dtype=np.int64)] = 1.0
        rows, scores = self._bm25.retrieve(tokens, k=min(k, n), show_progress=False, weight_mask=mask)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]
