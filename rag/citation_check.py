"""Check a generated answer against the excerpts it cites, sentence by sentence.

A model writes "[n]" after its sentences, but it can cite an excerpt that does not exist,
cite the wrong one, forget the marker, or say something no excerpt says. Here:
markers that point to no excerpt are dropped; each sentence is scored against the
passages it cites, by shared words and by embedding similarity; a sentence without a
marker gets the passage that supports it best when that support is strong; and a
sentence no cited passage supports is flagged, never silently presented as fact.
Each citation carries a verbatim quote: the sentence of its passage closest to the
answer sentences that cite it (a caption line, where unpunctuated captions make one
"sentence" of many lines: rag.sentences.quotable_spans, as the extractive answerer quotes). Markers are renumbered 1..m to match the citations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from embeddings.base import Embedder
from rag.answering import abstain
from rag.prompting import NO_ANSWER
from rag.records import Answer, AnswerSentence, Citation, Hit
from rag.sentences import quotable_spans, sentence_spans
from rag.text import content_terms

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_DANGLING = re.compile(r"[\s,;]+([.!?]?)$")  # "Second, ." once "[1], [3]" are gone
_ONLY_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+[\s.]*$")
# support = mean of word overlap and embedding cosine; at or above this a passage backs a
# sentence. On the scripted answers of tests/data/scripted_answers.jsonl over the sample,
# with the bundled model, faithful sentences scored 0.77 or more and invented ones 0.33 or
# less (every threshold from 0.34 to 0.76 classified all 11 sentences right): 0.55 is the middle.
SUPPORTED = 0.55


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str  # without markers
    cited: tuple[int, ...]  # 0-based hit indexes, valid ones only, in order


def valid_markers(text: str, n_excerpts: int) -> str:
    """`text` without the markers that point to no excerpt; used on partial text as it streams."""

    def keep(match: re.Match[str]) -> str:
        numbers = [n for n in re.split(r"\s*[,;]\s*", match.group(1)) if 1 <= int(n) <= n_excerpts]
        return f" [{', '.join(numbers)}]" if numbers else ""

    return _MARKERS.sub(keep, text)


def says_no_answer(text: str) -> bool:
    """Whether the model gave the fixed reply for excerpts that do not answer."""
    plain = " ".join(_MARKERS.sub("", text).split()).lower()
    return not plain or plain.rstrip(".") == NO_ANSWER.lower().rstrip(".") or plain.startswith(NO_ANSWER.lower())


def split_sentences(text: str, n_excerpts: int) -> list[_Sentence]:
    """Sentences with their valid markers; a marker standing after the full stop joins its sentence."""
    sentences: list[_Sentence] = []
    for start, end in sentence_spans(text):
        piece = text[start:end]
        numbers = [
            int(n) - 1
            for m in _MARKERS.finditer(piece)
            for n in re.split(r"\s*[,;]\s*", m.group(1))
            if 1 <= int(n) <= n_excerpts
        ]
        plain = _DANGLING.sub(r"\1", " ".join(_MARKERS.sub("", piece).split()))
        if _ONLY_MARKERS.match(piece) and sentences:  # "... decade. [1]" split after the stop
            last = sentences[-1]
            sentences[-1] = _Sentence(last.text, tuple(dict.fromkeys([*last.cited, *numbers])))
        elif plain.strip(" ."):
            sentences.append(_Sentence(plain, tuple(dict.fromkeys(numbers))))
    return sentences


class CitationChecker:
    def __init__(self, embedder: Embedder, *, threshold: float = SUPPORTED) -> None:
        self.embedder, self.threshold = embedder, threshold

    def check(self, text: str, hits: Sequence[Hit]) -> Answer:
        """The checked Answer for a model's raw `text` written over the excerpts `hits` (numbered from 1)."""
        if says_no_answer(text):
            return abstain("the retrieved excerpts do not answer it")
        sentences = split_sentences(text, len(hits))
        if not sentences:
            return abstain("the model gave no answer")
        passage_spans = [quotable_spans(h.passage.text) or [(0, len(h.passage.text))] for h in hits]
        passage_sentences = [
            [h.passage.text[s:e] for s, e in spans] for h, spans in zip(hits, passage_spans, strict=True)
        ]
        flat = [s for group in passage_sentences for s in group]
        vectors = self.embedder.embed_passages([s.text for s in sentences] + flat)
        answer_vectors, flat_vectors = vectors[: len(sentences)], vectors[len(sentences) :]
        # cosine of every answer sentence with every passage sentence, grouped by passage
        cosines = answer_vectors @ flat_vectors.T
        bounds = np.cumsum([0] + [len(g) for g in passage_sentences])
        support = np.zeros((len(sentences), len(hits)))
        for i, sentence in enumerate(sentences):
            terms = content_terms(sentence.text)
            for j, hit in enumerate(hits):
                passage_terms = content_terms(f"{hit.passage.speaker} {hit.passage.doc} {hit.passage.text}")
                overlap = len(terms & passage_terms) / len(terms) if terms else 1.0
                semantic = float(cosines[i, bounds[j] : bounds[j + 1]].max())
                support[i, j] = (overlap + max(semantic, 0.0)) / 2

        cited_order: list[int] = []  # hit indexes in order of first citation
        checked: list[tuple[str, tuple[int, ...], bool]] = []
        for i, sentence in enumerate(sentences):
            cited = sentence.cited
            if not cited:  # no marker: the best-supporting passage, when it supports well
                best = int(support[i].argmax())
                cited = (best,) if support[i, best] >= self.threshold else ()
            supported = bool(cited) and bool(max(support[i, j] for j in cited) >= self.threshold)
            for j in cited:
                if j not in cited_order:
                    cited_order.append(j)
            checked.append((sentence.text, cited, supported))

        number = {j: n for n, j in enumerate(cited_order)}
        citations = tuple(
            self._cite(
                hits[j],
                passage_spans[j],
                cosines[:, bounds[j] : bounds[j + 1]],
                [i for i, c in enumerate(checked) if j in c[1]],
            )
            for j in cited_order
        )
        answer_sentences = tuple(
            AnswerSentence(text, tuple(number[j] for j in cited), supported) for text, cited, supported in checked
        )
        return Answer(compose_checked(answer_sentences), citations, False, answer_sentences)

    @staticmethod
    def _cite(hit: Hit, spans: Sequence[tuple[int, int]], cosines: np.ndarray, citing: Sequence[int]) -> Citation:
        """The passage sentence closest to the answer sentences that cite it, as a verbatim quote."""
        best = int(cosines[list(citing)].max(axis=0).argmax())
        start, end = spans[best]
        p = hit.passage
        line_start = p.line_start + p.text.count("\n", 0, start)
        line_end = p.line_start + p.text.count("\n", 0, end)
        return Citation.of(p, line_start, line_end, p.text[start:end])


def compose_checked(sentences: Sequence[AnswerSentence]) -> str:
    """The answer text: each sentence followed by its renumbered markers.

    Example: [AnswerSentence("China builds up.", (0,), True)] -> "China builds up. [1]"
    """
    parts = []
    for s in sentences:
        markers = "".join(f" [{n + 1}]" for n in s.citations)
        parts.append(f"{s.text}{markers}")
    return " ".join(parts)
