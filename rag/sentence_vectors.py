"""Sentence vectors embedded at ingest, so answering a question embeds only the question.

The extractive answerer scores the sentences around the hits by their cosine to the
question (rag/answering.py). Embedding them then was most of an answer's time: 60-80 ms
of a 124 ms `rag ask` on a 2-core CPU without bf16. Every sentence a passage can be quoted
by (rag.sentences.quotable_spans) is embedded once at ingest instead, stored by a hash of
its text beside its document, and looked up when a question needs it; a sentence the
index does not hold (an index from before them, or one ingested `--without sentences`)
is embedded as before. The same text gets the same vector either way (to the last digits
a batch's padding can move), so answers do not depend on which path a sentence took: the
four question sets answer identically with and without the stored vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from embeddings.base import Embedder, Vectors
from rag.errors import IndexMismatchError, IndexNotFoundError
from rag.records import Passage
from rag.sentences import quotable_spans

Lookup = Callable[[Sequence[bytes]], Mapping[bytes, Vectors]]


def sentence_key(text: str) -> bytes:
    """What a sentence is stored and looked up by: 16 bytes of BLAKE2b of its text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def quotable_sentences(passages: Sequence[Passage]) -> list[str]:
    """Each distinct sentence the passages can be quoted by, in order: what ingest embeds.

    Example: one passage "Yes. We agreed." -> ["Yes.", "We agreed."]
    """
    return list(dict.fromkeys(p.text[s:e] for p in passages for s, e in quotable_spans(p.text)))


class StoredSentences:
    """An Embedder whose `embed_passages` takes the vectors the index holds for these
    texts and embeds only the rest; everything else is the wrapped embedder's.

    `lookup` (key -> vector, for the keys the index holds) is set once the index is known:
    open_pipeline points it at the pipeline's current reader. Until then it embeds all, and
    so it does where that index is gone or of another model (an answerer lent to a pipeline
    over another index, as `rag calibrate --index` does): a lookup is only a shortcut.
    """

    def __init__(self, embedder: Embedder, lookup: Lookup | None = None) -> None:
        self.embedder, self.lookup = embedder, lookup
        self.model_name = embedder.model_name

    @property
    def dim(self) -> int:
        return self.embedder.dim

    @property
    def max_tokens(self) -> int:
        return self.embedder.max_tokens

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.embedder.count_tokens(texts)

    def embed_query(self, text: str) -> Vectors:
        return self.embedder.embed_query(text)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if self.lookup is None:
            return self.embedder.embed_passages(texts)
        try:
            held = self.lookup([sentence_key(t) for t in texts])
        except (IndexNotFoundError, IndexMismatchError):
            held = {}
        return held_or_embedded(texts, held, self.embedder.embed_passages)


def held_or_embedded(
    texts: Sequence[str], held: Mapping[bytes, Vectors], embed: Callable[[Sequence[str]], Vectors]
) -> Vectors:
    """A vector for each text: the one `held` under its key where there is one, the rest
    embedded by `embed` in one call."""
    if not texts:
        return embed(texts)
    keys = [sentence_key(t) for t in texts]
    missing = [t for t, key in zip(texts, keys, strict=True) if key not in held]
    embedded = iter(embed(missing) if missing else ())
    return np.stack([held[key] if key in held else next(embedded) for key in keys]).astype(np.float32, copy=False)
