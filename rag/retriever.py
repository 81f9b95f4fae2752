"""Hybrid retrieval: dense (FAISS) and BM25 candidate lists fused by their scores.

Filters (document, speaker) are resolved to row ids in SQLite first and applied inside
both searches, so a filtered search still returns the best k of what matches. Every hit's
score is the dense cosine of query and passage, whichever list found it, so thresholds
on it (abstention) mean the same with or without BM25.

Fusion (`fuse_scores`): each list's scores are min-max scaled over its candidates and
summed, BM25's times Settings.lexical_weight. Reciprocal-rank fusion, used before,
throws away how far ahead the best passage is: a passage that holds the
question's rare words and is close in meaning stands out in both lists. Answerable
questions of the sample set (65), its calibration set (12) and qmsum-val (237), every
step of docs/retrieval-steps.md on:

| fusion | sample hit@1 | hit@5 | calibration hit@1 | qmsum hit@1 | hit@5 | mrr@10 |
| --- | --- | --- | --- | --- | --- | --- |
| reciprocal rank, weight 1.0 | 0.754 | 0.969 | 0.750 | 0.498 | 0.781 | 0.616 |
| scores, lexical_weight 0.67 | 0.815 | 0.985 | 0.833 | 0.485 | 0.776 | 0.608 |
| scores, lexical_weight 1.0 (default) | 0.815 | 0.985 | 0.833 | 0.477 | 0.785 | 0.606 |
| scores, lexical_weight 1.5 | 0.785 | 0.969 | 0.833 | 0.481 | 0.764 | 0.612 |
| scores, z-scores instead of min-max | 0.800 | 0.985 | 0.833 | 0.485 | 0.776 | 0.612 |
| scores, raw cosine + 0.3 x BM25 / its best | 0.800 | 0.985 | 0.833 | 0.481 | 0.768 | 0.606 |

Pooled over the 314 questions the default and RRF tie on hit@1 (176 each) and the default
finds 2 more in the top 5; it is chosen for the press-conference sets, where RRF left
fact questions second. Before the exchanges, BM25's RRF weight was chosen the same way
(sample hit@1 0.677 dense only, 0.754 / 0.708 / 0.708 at weights 0.5 / 1.0 / 2.0).

With the windows step on (rag/windows.py), the best windows of consecutive passages vote
for the passages they hold, and the votes fused with both lists reorder the first
WINDOW_DEPTH candidates; with hybrid search on too, BM25 over the windows votes as well and
reorders the first LEXICAL_WINDOW_DEPTH.

With the dialogue step on (rag/dialogue.py) a fused question passage is followed by the
best passage of the turn that answers it, and a speaker filter also searches the
questions put to that speaker. With a reranker (optional, rag/reranking.py) the best
max(20, 2k) fused candidates are reordered by it before the cut to k; it changes the
order only, never the scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from embeddings.base import Embedder
from rag.dialogue import exchange, with_answers, with_question
from rag.records import Hit
from rag.reranking import Reranker
from rag.store import IndexReader
from rag.text import says_little, stemmed_terms


def fuse_scores(lists: Sequence[Sequence[tuple[int, float]]], weights: Sequence[float], k: int) -> list[int]:
    """Weighted sum of each list's min-max scaled scores; best k rows. A row missing from a
    list scores 0 there; a list whose scores are all equal scores 1 for each of its rows.

    Example: fuse_scores([[(1, 0.9), (2, 0.7), (4, 0.5)], [(2, 7.0), (3, 1.0)]], [1.0, 1.0], 3) == [2, 1, 3]
    """
    scores: dict[int, float] = {}
    for scored, weight in zip(lists, weights, strict=True):
        if not scored:
            continue
        low, high = min(s for _, s in scored), max(s for _, s in scored)
        for row, s in scored:
            scaled = (s - low) / (high - low) if high > low else 1.0
            scores[row] = scores.get(row, 0.0) + weight * scaled
    return sorted(scores, key=lambda row: (-scores[row], row))[:k]


def reordered(ranked: Sequence[int], by: Sequence[int], depth: int) -> list[int]:
    """The first `depth` of `ranked` in their order in `by` (those missing from it last), then the rest.

    Example: reordered([1, 2, 3, 4], [3, 9, 1], 3) == [3, 1, 2, 4]
    """
    place = {row: i for i, row in enumerate(by)}
    return sorted(ranked[:depth], key=lambda row: place.get(row, len(by))) + list(ranked[depth:])


class Retriever:
    # Candidates taken from each list before fusing, at least.
    MIN_CANDIDATES = 50
    # Fused candidates a reranker reorders, at least (2k when larger): enough to lift a
    # passage fusion ranked low, few enough for a CPU cross-encoder to score quickly.
    MIN_RERANK_CANDIDATES = 20
    # With exchanges, candidates per hit wanted (overlapping ones merge), and the rows
    # either side read to build an exchange (enough for one-word meeting turns).
    CONTEXT_CANDIDATES = 3
    CONTEXT_REACH = 40
    # The windows' votes (rag/windows.py) weigh as much as the dense list in the fusion, and
    # reorder its first WINDOW_DEPTH candidates only. qmsum-val hit@1 / hit@5 / citation
    # precision at depth 5: 0.527 / 0.835 / 0.513; 10: 0.536 / 0.840 / 0.521; 15 and 20:
    # 0.544 / 0.823 / 0.530; 30: 0.544 / 0.819 / 0.530 (0.532 / 0.835 / 0.508 without
    # windows); the held-out set's hit@5 0.923 at 5, 0.942 from 10. Weight 0.5 / 1 / 2 at
    # depth 10: qmsum-val hit@5 0.827 / 0.840 / 0.840, held-out hit@1 0.750 / 0.731 /
    # 0.712, calibration set hit@1 0.917 / 0.917 / 0.833.
    WINDOW_WEIGHT = 1.0
    WINDOW_DEPTH = 10
    # BM25 over the windows finds the question's words spread over consecutive turns, which
    # no one passage holds together. With hybrid search on (lexical_weight > 0 switches it;
    # its weight here stays LEXICAL_WINDOW_WEIGHT), its votes, fused with the three lists
    # above, reorder the first LEXICAL_WINDOW_DEPTH of the order the dense windows gave:
    # which candidates come first is left as it was, their order is sharpened. Against the
    # dense windows alone (hit@1 / hit@5 / citation precision): sample 0.908 / 1.000 /
    # 0.892 -> 0.938 / 1.000 / 0.923; held-out 0.731 / 0.942 / 0.745 -> 0.750 / 0.942 /
    # 0.780 (abstention 0.841 -> 0.825); qmsum-val 0.536 / 0.840 / 0.521 -> 0.561 / 0.835 /
    # 0.542; the calibration set unchanged. Weight 1.5: sample 0.954 / 1.000 / 0.938,
    # held-out 0.769 / 0.942 / 0.784, qmsum-val 0.553 / 0.831 / 0.534. Depth 3 (weight 1):
    # qmsum-val hit@1 0.536, as without. Instead of the second reorder, one fusion of all
    # four lists reordering the first 10: qmsum-val hit@5 0.827; the first 5: 0.831; 7: 0.827.
    LEXICAL_WINDOW_WEIGHT = 1.0
    LEXICAL_WINDOW_DEPTH = 5

    def __init__(
        self,
        embedder: Embedder,
        reader: IndexReader,
        *,
        lexical_weight: float,
        reranker: Reranker | None = None,
        dialogue: bool = True,
        context_chars: int = 0,
        windows: bool = False,
    ) -> None:
        """`context_chars` > 0: each hit comes with the exchange around it (rag/dialogue.py);
        `windows`: the best windows of passages vote too (rag/windows.py)."""
        self.embedder, self.reader, self.lexical_weight = embedder, reader, lexical_weight
        self.reranker, self.dialogue, self.context_chars = reranker, dialogue, context_chars
        self.windows = windows
        self._held: tuple[set[int], list[int]] | None = None  # _windows_holding's last answer

    def search(self, query: str, k: int, *, doc: str | None = None, speaker: str | None = None) -> list[Hit]:
        allowed = searched = None
        if doc is not None or speaker is not None:
            allowed = searched = self.reader.rows_matching(doc=doc, speaker=speaker)
        if self.dialogue and speaker is not None:  # the questions put to the speaker, for their answers
            searched = sorted({*allowed, *self.reader.questions_to(speaker, doc=doc)})  # type: ignore[misc]
        xq = self.embedder.embed_query(query)
        n_candidates = max(self.MIN_CANDIDATES, 5 * k)
        n_rows = k if self.reranker is None else max(self.MIN_RERANK_CANDIDATES, 2 * k)
        if self.context_chars:  # hits whose exchanges overlap are merged: take more
            n_rows = max(n_rows, self.CONTEXT_CANDIDATES * k)
        dense = self.reader.vectors.search(xq, n_candidates, allowed=searched)
        lists, weights = [dense], [1.0]
        if self.lexical_weight > 0:
            lists.append(self.reader.lexical.search(query, n_candidates, allowed=searched))
            weights.append(self.lexical_weight)
        ranked = fuse_scores(lists, weights, n_candidates) if len(lists) > 1 else [r for r, _ in dense]
        within = None if searched is None else set(searched)
        votes = self.window_votes(xq, n_candidates, doc, within)
        if votes:  # the windows' votes reorder the first WINDOW_DEPTH candidates
            lists, weights = [*lists, votes], [*weights, self.WINDOW_WEIGHT]
            ranked = reordered(ranked, fuse_scores(lists, weights, n_candidates), self.WINDOW_DEPTH)
            by_words = self.lexical_window_votes(query, n_candidates, doc, within) if self.lexical_weight > 0 else []
            if by_words:  # and BM25's over the windows, the first LEXICAL_WINDOW_DEPTH
                lists, weights = [*lists, by_words], [*weights, self.LEXICAL_WINDOW_WEIGHT]
                ranked = reordered(ranked, fuse_scores(lists, weights, n_candidates), self.LEXICAL_WINDOW_DEPTH)
        if self.dialogue:  # a passage that says little is reached through an exchange, not as a hit
            ranked = self._substantive_first(ranked, query)
        cosines = dict(dense)

        def cosine(rows: list[int]) -> None:  # fills in the cosines of rows BM25 or the dialogue brought
            missing = [r for r in rows if r not in cosines]
            if missing:
                cosines.update(zip(missing, (self.reader.vectors.rows(missing) @ xq.T).ravel().tolist(), strict=True))

        if self.dialogue:
            answers = self.reader.answers(ranked[: 2 * n_rows])
            cosine([r for replies in answers.values() for r in replies])
            rows = with_answers(
                ranked,
                answers,
                lambda replies: max(replies, key=cosines.__getitem__),
                n_rows,
                allowed=None if allowed is None else set(allowed),
            )
        else:
            rows = ranked[:n_rows]
        cosine(rows)
        passages = self.reader.passages(rows)
        hits = [Hit(p, float(np.float32(cosines[r]))) for p, r in zip(passages, rows, strict=True)]
        if self.reranker is not None:
            hits = self.reranker.rerank(query, hits)
        if not self.context_chars:
            return hits[:k]
        row_of = {p.passage_id: r for p, r in zip(passages, rows, strict=True)}
        return self._in_context(hits, [row_of[h.passage.passage_id] for h in hits], k)

    def window_votes(
        self, xq: np.ndarray, n: int, doc: str | None, allowed: set[int] | None
    ) -> list[tuple[int, float]]:
        """The rows of the best `n` windows, each scored by the best window holding it.

        With a filter (`allowed` rows), only windows holding an allowed row are searched,
        and they vote only for those rows. No votes when a document searched has no windows
        (indexed before them): votes for the others only would favour them.
        """
        if not self._windows_searched(doc, allowed):
            return []
        index = self.reader.windows
        assert index is not None  # _windows_searched
        return self._votes(index.search(xq, n, allowed=self._windows_holding(allowed)), allowed)

    def lexical_window_votes(
        self, query: str, n: int, doc: str | None, allowed: set[int] | None
    ) -> list[tuple[int, float]]:
        """As window_votes, by BM25 over the windows' words (none in an index written before it)."""
        index = self.reader.window_lexical
        if index is None or not self._windows_searched(doc, allowed):
            return []
        return self._votes(index.search(query, n, allowed=self._windows_holding(allowed)), allowed)

    def _windows_searched(self, doc: str | None, allowed: set[int] | None) -> bool:
        """Whether windows vote: the step is on, and every document searched has them."""
        if not self.windows or self.reader.windows is None or allowed == set():
            return False
        covered = self.reader.documents_with_windows
        return (doc in covered) if doc is not None else len(covered) == self.reader.manifest["n_documents"]

    def _windows_holding(self, allowed: set[int] | None) -> list[int] | None:
        """The windows holding an allowed row; None (all of them) without a filter. Both kinds
        of vote ask it for the same filter in one search: worked out once (a scan of every
        window, 12 ms for a document's rows at a million passages)."""
        if allowed is None:
            return None
        if self._held is not None and self._held[0] is allowed:
            return self._held[1]
        firsts, lasts = self.reader.window_bounds
        rows = np.array(sorted(allowed), dtype=np.int64)
        after = np.searchsorted(rows, firsts)  # the first allowed row at or after each window's first
        held = (after < len(rows)) & (rows[np.minimum(after, len(rows) - 1)] <= lasts)
        self._held = (allowed, np.flatnonzero(held).tolist())
        return self._held[1]

    def _votes(self, found: list[tuple[int, float]], allowed: set[int] | None) -> list[tuple[int, float]]:
        """Each row of the windows found, scored by the best window holding it (allowed rows only)."""
        firsts, lasts = self.reader.window_bounds
        votes: dict[int, float] = {}
        for w, score in found:
            for row in range(int(firsts[w]), int(lasts[w]) + 1):
                if allowed is None or row in allowed:
                    votes.setdefault(row, score)
        return list(votes.items())

    def _substantive_first(self, rows: list[int], query: str) -> list[int]:
        """`rows` with those whose passage says little (rag.text.says_little: "Yeah ." in a
        meeting, "Thank you." after an answer) moved behind the rest, in their order.

        Embedded with the sentence said before it, such a passage is a near copy of that
        sentence and takes a place in the top k from the passage that holds it; the exchange
        around a hit still shows it. Kept in place: a question ("What about the training
        centre?" names the topic its answer may not, and brings that answer), and a passage
        holding every word of the query ("thank you"), which matched on its own. qmsum-val
        hit@5 0.797 -> 0.810, hit@10 0.911 -> 0.916, mrr@10 0.632 -> 0.635, hit@1 and
        citation precision unchanged (0.515, 0.492); the sample's sets unchanged (a press
        conference has few such turns). Moving questions too: hit@1 0.519, mrr@10 0.639;
        keeping passages that hold any word of the query: hit@1 0.515, precision 0.487.
        """
        asked = stemmed_terms(query)
        little = {
            r
            for r, p in zip(rows, self.reader.passages(rows), strict=True)
            if says_little(p.text) and not p.asks and not (asked and asked <= stemmed_terms(p.text))
        }
        return [r for r in rows if r not in little] + [r for r in rows if r in little]

    def _in_context(self, hits: list[Hit], rows: list[int], k: int) -> list[Hit]:
        """The first k hits, each with its exchange; a hit inside an earlier one's is dropped."""
        out: list[Hit] = []
        taken: list[tuple[int, int]] = []  # row ranges: rows of one document are consecutive
        for hit, row in zip(hits, rows, strict=True):
            around = self.reader.around(row, self.CONTEXT_REACH)
            first, last = exchange(row, {r: len(p.text) for r, p in around.items()}, self.context_chars)
            first = with_question(first, around)
            if any(first <= end and start <= last for start, end in taken):
                continue
            taken.append((first, last))
            out.append(replace(hit, context=tuple(around[r] for r in range(first, last + 1))))
            if len(out) == k:
                break
        return out
