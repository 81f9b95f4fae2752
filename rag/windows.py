"""Windows: runs of consecutive passages embedded together, so a discussion is found as one.

A meeting spreads a topic over many short turns ("the buttons" in one, "rubber" in the
next, "too expensive" in a third), and no single turn is close to a question about it.
Each window joins the passages of about WINDOW_CHARS characters of one transcript, a new
one starting every WINDOW_STRIDE characters, and gets its own vector at ingest (43
windows beside the sample's 99 passages). Windows overlap by half, so an ingest embeds
nearly twice the text: qmsum-val's 35 meetings in 173 s instead of 93 s (a stride of 600,
no overlap, cost the sample's hit@1 0.908 -> 0.877). At query time the best
windows vote for the passages they hold, and the votes, fused beside the dense and BM25
lists, reorder the first candidates (rag/retriever.py, WINDOW_DEPTH). BM25 over the
windows' words (saved beside the passages' BM25, rag/store.py) votes the same way and
sharpens the order of the first five (LEXICAL_WINDOW_DEPTH): the question's words said
across consecutive turns, which no one passage holds together.

Measured with every other step on (without -> with windows): qmsum-val hit@1 0.532 ->
0.536, hit@5 0.835 -> 0.840, mrr@10 0.648 -> 0.652, citation precision 0.508 -> 0.521;
the held-out set hit@5 0.923 -> 0.942, mrr@10 0.806 -> 0.813; the sample's hit@1, hit@5
and citation precision unchanged (hit@3 0.969 -> 0.954), its calibration set unchanged;
qmsum-val searched across all 35 meetings at once, hit@5 0.456 -> 0.481. Letting the
votes bring candidates of their own, not only reorder: qmsum-val hit@1 0.544, hit@10
0.937, citation precision 0.530, but hit@5 0.819. Windows of 400 / 600 / 1,000
characters (then): qmsum-val hit@5 0.802 / 0.827 / 0.831, sample hit@1 0.877 / 0.908 /
0.892. The mean of a window's passage vectors instead of its own embedding: qmsum-val
hit@1 0.519, sample 0.877; the joined text is what carries the topic.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.records import Passage

WINDOW_CHARS = 600
WINDOW_STRIDE = 300


def window_spans(
    passages: Sequence[Passage], chars: int = WINDOW_CHARS, stride: int = WINDOW_STRIDE
) -> list[tuple[int, int]]:
    """(first, last) indexes into `passages` (one transcript, in order) of each window.

    A window holds at least one passage and grows until it reaches `chars`; the next
    starts at the first passage after `stride` characters of this one's.

    Example: three passages of 300 characters -> [(0, 1), (1, 2)]
    """
    sizes = [len(window_line(p)) + 1 for p in passages]
    spans: list[tuple[int, int]] = []
    first = 0
    while first < len(passages):
        last, size = first, sizes[first]
        while size < chars and last + 1 < len(passages):
            last += 1
            size += sizes[last]
        spans.append((first, last))
        if last == len(passages) - 1:
            break
        start, advanced = first, 0
        while start <= last and advanced < stride:
            advanced += sizes[start]
            start += 1
        first = max(start, first + 1)
    return spans


def window_line(passage: Passage) -> str:
    return f"{passage.speaker}: {passage.text}"


def window_text(passages: Sequence[Passage]) -> str:
    """What a window's vector embeds: each passage with its speaker, one per line."""
    return "\n".join(window_line(p) for p in passages)
