"""Expansion along the dialogue: a retrieved question brings the turn that answers it,
every hit comes with the exchange around it, and a turn that says little is no hit.

1. Question -> answer. In a press conference the journalist's question names the topic
   ("the IP4", "the Eurofighters") and the answer often does not. When a retrieved passage
   ends a question turn (it ends with "?" and the next turn is another speaker's, see
   rag.store._ASKS), the best passage of the answering turn follows it in the ranking;
   when the question names a speaker, the questions put to that speaker are searched too
   and only their answers kept.
2. The exchange. Each hit brings the whole passages around it, the reply after it first and
   then what it replies to, up to Settings.context_chars characters (`exchange`); a hit
   inside an earlier hit's exchange is dropped, so five hits are five places in the
   transcripts. The answerer reads the exchange (each quote cited with its own speaker and
   lines), and `rag eval` counts its lines and characters: chars@5 is what a reader gets.
   The source cards still show the turn before each citation (rag/sources.py). The
   question a reply answers comes with it even where the budget ran out (`with_question`).
3. Turns that say little. A passage with fewer than three content words ("Yeah .", "Thank
   you.") is no hit of its own (Retriever._substantive_first): embedded with the sentence
   before it, it would take the place of the passage that holds that sentence.

Measured with `rag eval` (the defaults otherwise; every step in docs/retrieval-steps.md):

| context_chars | sample hit@1 | hit@5 | chars@5 | citation precision | qmsum-val hit@1 | hit@5 | chars@5 |
| --- | --- | --- | --- | --- | --- | --- | --- |
| 0 (question -> answer only) | 0.754 | 0.954 | 921 | 0.722 | 0.481 | 0.726 | 528 |
| 300 | 0.754 | 0.954 | 1,267 | 0.746 | 0.489 | 0.759 | 1,704 |
| 500 (default) | 0.754 | 0.969 | 2,232 | 0.734 | 0.498 | 0.781 | 2,918 |
| 700 | 0.754 | 0.954 | 3,256 | 0.688 | 0.506 | 0.785 | 4,165 |

700 breaks both sets' limits on characters in the top 5 (3,000 and 4,000). (Rank fusion
then; with today's score fusion, 500 / 600 / 700 give sample hit@5 0.985 / 0.969 / 0.954
with 2,244 / 2,683 / 3,261 characters, qmsum-val hit@5 0.785 / 0.789 / 0.797 with 2,936 /
3,549 / 4,154. Again with a named speaker's turns leading rather than filtering, at
500 / 550 / 600 / 650 / 700: sample chars@5 2,354 / 2,521 / 2,829 / 3,134 / 3,391, its
hit@1 0.908 but 0.892 at 650; held-out hit@5 0.923 / 0.923 / 0.942 / 0.942 / 0.942;
qmsum-val hit@5 0.835 / 0.831 / 0.840 / 0.835 / 0.848 with 2,972 / 3,272 / 3,587 / 3,881 /
4,193 characters. 600 buys one question on each of those sets for 475 more characters to
read, 171 under the sample's limit, and neighbouring sizes move as much either way: 500
stays.) The question ->
answer link alone: sample hit@1 0.708 -> 0.723, hit@5 0.938 -> 0.954; qmsum-val hit@5
0.734 -> 0.726 (near-ties among one-line turns such as "Yeah ."). Mixing the partner turn's
score into every passage's score instead (sum or max, weights 0.25-1) lost up to 0.37 hit@1
on the sample and never gained on qmsum-val; smoothing scores over neighbouring turns,
sentence re-ranking and pseudo-relevance feedback gained nothing on both sets.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence

from rag.records import Passage


def exchange(row: int, lengths: Mapping[int, int], max_chars: int) -> tuple[int, int]:
    """First and last row of the passages around `row` that together stay within
    `max_chars`: the next passage (the reply) first, then the one before (what it
    replies to), alternately, each side until the next passage would not fit.

    `lengths` holds the text length of `row` and of its neighbours in the same document.
    Example: exchange(5, {4: 10, 5: 10, 6: 10, 7: 50}, 35) == (4, 6)
    """
    first = last = row
    size = lengths[row]
    grown = True
    while grown:
        grown = False
        for neighbour in (last + 1, first - 1):
            if neighbour in lengths and size + lengths[neighbour] <= max_chars:
                size += lengths[neighbour]
                first, last = min(first, neighbour), max(last, neighbour)
                grown = True
    return first, last


def with_question(first: int, passages: Mapping[int, Passage]) -> int:
    """`first`, or the row just before it when that passage is another speaker's question
    (it ends with "?"): an exchange shows the question it answers even where the budget ran
    out. A reply rarely repeats the names its question used, and the abstention's names
    check reads the exchange: "Did Rutte confirm that IP4 leaders have been invited to the
    Hague summit?" was declined while the journalist's question naming both stayed outside
    the reply's 500 characters. Sample set abstention accuracy 0.899 -> 0.911 (none of its
    answerable questions declined), hit@1 unchanged (0.862); that question is now answered,
    its first quote the journalist's question (line 123; the reply at 126 is quoted in its
    place since, rag/answering.py), so citation precision 0.844 -> 0.831. chars@5 2,233 -> 2,290 (qmsum-val 2,907 -> 2,969, its other
    figures unchanged). Handing the question on beside the exchange for the names check
    alone (not shown, not quoted) let the answer quote line 17 instead: hit@1 0.846, the
    same precision.

    Example: rows 3 (Maria: "What about the centre?") and 4 (Jane: "It opens in March.")
    -> with_question(4, rows) == 3; with_question(3, rows) == 3.
    """
    before = passages.get(first - 1)
    if before is not None and before.asks and before.speaker != passages[first].speaker:
        return first - 1
    return first


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
