"""Dense retrieval: embed the query, search FAISS, map rows to passages, apply filters.

Filters (document, speaker) are resolved to row ids in SQLite first and handed to FAISS
as an id selector, so a filtered search still returns the best k of what matches.
"""

from __future__ import annotations

from embeddings.base import Embedder, Vectors
from rag.records import Hit
from rag.store import IndexReader


class DenseRetriever:
    def __init__(self, embedder: Embedder, reader: IndexReader) -> None:
        self.embedder, self.reader = embedder, reader

    def search(self, query: str, k: int, *, doc: str | None = None, speaker: str | None = None) -> list[Hit]:
        return self.search_vector(self.embedder.embed_query(query), k, doc=doc, speaker=speaker)

    def search_vector(self, query: Vectors, k: int, *, doc: str | None = None, speaker: str | None = None) -> list[Hit]:
        allowed = None
        if doc is not None or speaker is not None:
            allowed = self.reader.rows_matching(doc=doc, speaker=speaker)
        found = self.reader.vectors.search(query, k, allowed=allowed)
        passages = self.reader.passages([row for row, _ in found])
        return [Hit(p, score) for p, (_, score) in zip(passages, found, strict=True)]
