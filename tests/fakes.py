"""Fakes, not mocks: small real implementations of the seams, fast and deterministic."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence

import numpy as np

from embeddings.base import Vectors
from rag.records import Answer, Citation, Hit

_WORD = re.compile(r"\w+")


class BagOfWordsEmbedder:
    """Words hashed with sha256 into buckets: shared words give a high cosine.

    Tokens are words plus two specials, like a real tokenizer's [CLS] and [SEP].
    """

    def __init__(self, dim: int = 256, *, max_tokens: int = 256, model_name: str = "fake-bag-of-words") -> None:
        self.model_name, self._dim, self._max_tokens = model_name, dim, max_tokens
        self.n_passage_calls = 0

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(_WORD.findall(t)) + 2 for t in texts]

    def _embed(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            bucket = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little") % self._dim
            vector[bucket] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.n_passage_calls += 1
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([self._embed(t) for t in texts])

    def embed_query(self, text: str) -> Vectors:
        return self._embed(text).reshape(1, -1)


class ScriptedAnswerer:
    """Replies from a queue, citing the first hit (or the hit at `cite`); records every call."""

    name = "scripted"

    def __init__(self, replies: Sequence[str] = (), *, cite: int = 0) -> None:
        self.replies = list(replies)
        self.cite = cite
        self.calls: list[tuple[str, list[Hit]]] = []

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        self.calls.append((question, list(hits)))
        text = self.replies.pop(0) if self.replies else "scripted"
        p = hits[self.cite].passage
        return Answer(text, (Citation.of(p, p.line_start, p.line_start, p.text.split("\n")[0]),), False)


class ScriptedGenerator:
    """A chat model that replays fixed replies a few characters at a time; records every prompt."""

    def __init__(self, replies: Sequence[str]) -> None:
        self.replies = list(replies)
        self.prompts: list[list[dict[str, str]]] = []

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        self.prompts.append(list(messages))
        reply = self.replies.pop(0)
        for start in range(0, len(reply), 7):
            yield reply[start : start + 7]
