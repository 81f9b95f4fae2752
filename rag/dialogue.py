"""Expansion along the dialogue: a retrieved question brings the turn that answers it.

In a press conference the journalist's question names the topic ("the IP4", "the
Eurofighters") and the answer often does not; a question that matches well is worth
little alone, since the user wants what was answered. So when a retrieved passage ends
a question turn (it ends with "?" and the next turn is another speaker's, see
rag.store._ASKS), the best passage of the answering turn follows it in the ranking.
When the question names a speaker, the questions put to that speaker are searched too,
and only their answers are kept. The other direction, answer to question, is shown by
the source cards (rag/sources.py: the turn before).

Measured with `rag eval` (`--without dialogue` against the defaults; all steps in
docs/retrieval-steps.md):

| dialogue | sample hit@1 | hit@5 | mrr@10 | qmsum-val hit@1 | hit@5 | mrr@10 |
| --- | --- | --- | --- | --- | --- | --- |
| off | 0.708 | 0.938 | 0.809 | 0.481 | 0.734 | 0.590 |
| on (default) | 0.723 | 0.954 | 0.821 | 0.481 | 0.726 | 0.584 |

On the press conference it finds answers whose question holds the topic; in the meetings
(few turns end with a question, and turns are short) it is neutral: the 5 qmsum-val
questions it changes are near-ties among one-line turns ("Yeah ."). Mixing the partner
turn's score into every passage's score instead (sum or max, weights 0.25-1) lost up to
0.25 hit@1 on the sample and never gained on qmsum-val, so only the expansion is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence


def with_answers(
    ranked: Sequence[int],
    answers: Mapping[int, Sequence[int]],
    best: Callable[[Sequence[int]], int],
    n: int,
    *,
    allowed: Container[int] | None = None,
) -> list[int]:
    """The first `n` of `ranked`, each question row followed by `best` of its answer rows.

    Rows outside `allowed` (the user's filters) are dropped, answers included.
    Example: with_answers([7, 3], {7: [8, 9]}, max, 3) == [7, 9, 3]
    """
    out: list[int] = []
    for row in ranked:
        replies = [r for r in answers.get(row, ()) if allowed is None or r in allowed]
        for r in ([row] if allowed is None or row in allowed else []) + ([best(replies)] if replies else []):
            if r not in out:
                out.append(r)
        if len(out) >= n:
            break
    return out[:n]
