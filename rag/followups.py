"""Turn a follow-up question into a standalone query, using the earlier questions.

Without a generative model: a question that leans on context (a pronoun, "what about",
or few words of its own and no name) is searched together with the latest earlier question, so
"How many warheads?" after "What did Rutte say about China?" finds China's warheads.

The pipeline searches such a question twice, as asked and in context, and fuses the two
rankings (rag.retriever.fuse_hits): the context alone drowned the user's own words. On the
sample set's 10 answerable follow-ups, with rank fusion of BM25 and dense then: hit@1 6/10
with the context alone, 8/10 as asked alone, 8/10 fused (mrr@10 0.770 / 0.883 / 0.900);
hit@5 10/10 each way. With today's score fusion the question as asked alone finds 8/10
first and fused 6/10 (hit@5 10/10 both); the variants tried are in docs/retrieval-steps.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.text import STOP_WORDS, fold, words

_REFERRING = frozenset(
    """he she it they him her them his hers its their theirs this that these those there then
    also else too again same other""".split()
)
_FOLLOW_UP_OPENERS = ("and ", "what about", "how about", "what else", "why", "so ", "but ")
_MIN_OWN_WORDS = 4  # a question naming nobody, in fewer content words, leans on context


def needs_context(question: str) -> bool:
    """Whether a question cannot stand alone.

    Example: needs_context("And how many warheads?") is True; needs_context("What did Rutte say about China?") is False.
    """
    tokens = [fold(w) for w in words(question)]
    if any(t in _REFERRING for t in tokens):
        return True
    if fold(question.strip()).startswith(_FOLLOW_UP_OPENERS):
        return True
    names = [w for w in words(question)[1:] if w[:1].isupper()]
    return not names and len([t for t in tokens if t not in STOP_WORDS]) < _MIN_OWN_WORDS


def standalone_query(question: str, history: Sequence[str]) -> str:
    """The query to search for: the question, led by the latest earlier question when needed."""
    if not history or not needs_context(question):
        return question
    return f"{history[-1]} {question}"
