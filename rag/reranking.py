"""Optional second stage of retrieval: a cross-encoder reorders the fused candidates.

Off by default (Settings.reranker is None): nothing here runs and retrieval is exactly
dense + BM25 fusion. A cross-encoder reads the query and a passage together, so it can
order candidates better than either list alone, at the cost of one forward pass per
candidate. It changes only the order: each Hit keeps its dense cosine as its score,
because the abstention threshold (Settings.min_score) is a cosine (rag/retriever.py).

Loading is lazy and offline, like the generative answerer's: a folder, or a hub id
already in the local cache; nothing is downloaded, and a model folder's own Python code
runs only when trust_remote_code is asked for. This module does not train or fetch models.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from rag.errors import RagError
from rag.records import Hit

logger = logging.getLogger(__name__)


class RerankerNotAvailableError(RagError):
    """The cross-encoder could not be loaded; the message names the folder or id and what to do."""


class Reranker(Protocol):
    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        """The same hits, best first by this reranker; scores unchanged."""
        ...


def order_by_scores(hits: Sequence[Hit], scores: Sequence[float]) -> list[Hit]:
    """Hits sorted by their scores, highest first; equal scores keep their order.

    Example: hits a, b, c with scores [0.1, 0.9, 0.1] -> [b, a, c]
    """
    if len(hits) != len(scores):
        raise ValueError(f"{len(hits)} hits but {len(scores)} scores")
    order = sorted(range(len(hits)), key=lambda i: -scores[i])  # sorted() is stable
    return [hits[i] for i in order]


class CrossEncoderReranker:
    """Any sentence-transformers CrossEncoder giving one relevance score per (query, passage) pair."""

    def __init__(
        self, model: str, *, batch_size: int = 32, device: str | None = None, trust_remote_code: bool = False
    ) -> None:
        self.model_id, self.batch_size = model, batch_size
        self.device, self.trust_remote_code = device, trust_remote_code  # device None: CUDA when present

    def load(self) -> None:
        """Load now (instead of on the first query), so a bad model fails at start-up."""
        self._model  # noqa: B018

    @cached_property
    def _model(self) -> Any:
        where = self.model_id
        looks_like_path = where.startswith((".", "/", "~")) or Path(where).expanduser().exists()
        source = str(Path(where).expanduser()) if looks_like_path else where
        if looks_like_path and not Path(source).is_dir():
            raise RerankerNotAvailableError(
                f"{where}: no such model folder; copy a cross-encoder there (see README) or fix --reranker"
            )
        from sentence_transformers import CrossEncoder  # slow import, deferred

        try:
            # local_files_only: a folder, or a hub id already cached; never a download.
            model = CrossEncoder(
                source, device=self.device, local_files_only=True, trust_remote_code=self.trust_remote_code
            )
        except Exception as exc:  # transformers raises OSError, ValueError, KeyError... for a bad folder
            reason = " ".join(str(exc).split())  # one line: the CLI shows errors on one line
            fix = (
                "check the folder holds a whole cross-encoder (config, weights, tokenizer)"
                if looks_like_path
                else "it is not a folder here, nor in the local Hugging Face cache: download it on a machine "
                "with internet and give the copied folder (see README)"
            )
            raise RerankerNotAvailableError(f"{where}: cannot load a cross-encoder from it ({reason}); {fix}") from exc
        if model.num_labels != 1:
            raise RerankerNotAvailableError(
                f"{where}: the model gives {model.num_labels} scores per pair; a reranker gives one "
                "(num_labels=1), e.g. cross-encoder/ms-marco-MiniLM-L6-v2"
            )
        logger.info("loaded reranker %s", where)
        return model

    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        """The model's relevance score of each (query, text) pair, in order."""
        if not texts:
            return []
        pairs = [(query, text) for text in texts]
        predicted = self._model.predict(pairs, batch_size=self.batch_size, show_progress_bar=False)
        return [float(s) for s in predicted]

    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        return order_by_scores(hits, self.scores(query, [h.passage.text for h in hits]))
