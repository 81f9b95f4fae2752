"""Turn a follow-up question into a standalone query, using the earlier questions.

Without a generative model: a question that leans on context (`needs_context`) is searched
together with the latest earlier question, so "How many warheads?" after "What did Rutte
say about China?" finds China's warheads, and a speaker the earlier question named still
filters the search.

Searched in context only. Fusing that ranking with the question's own (reciprocal rank,
used before) let the bare question pull in passages on its stray words ("Where was that
press conference with the chancellor held?" found Rutte's "every press conference I am
giving"). Follow-ups of the sample set (10 answerable, 1 not) and of the held-out set (6
and 1), hit@1 fused -> in context only: 8/10 -> 10/10 and 2/6 -> 3/6, hit@5 10/10 and 6/6
both ways; the sample's unanswerable follow-up is now declined.

That makes a question wrongly taken for a follow-up costlier, so `needs_context` reads
which words point back: "that" after a verb or a noun opens a clause ("Did Rutte confirm
that ..."), "there was" points nowhere, "his" after "Rutte" is Rutte's and "their" after
"the ministers" the ministers', "this press conference" is the transcript. Questions
without history that it flags: 19 -> 2 of the sample set's 68, 14 -> 0 of the held-out
set's 56, 1 -> 0 of the calibration set's 28, 71 -> 29 of qmsum-val's 237 (short topic
questions, "What was said on speech overlap?"); all 18 follow-ups still flagged.
Standalone questions asked in a chat, each after the set's question before it: sample
hit@1 0.833 -> 0.889 and held-out 0.556 -> 0.644 (both now equal to asking them alone),
qmsum-val 0.490 -> 0.495, hit@5 0.787 -> 0.787 (0.515 and 0.802 alone).

A short question that points nowhere (`is_short`, not `points_back`) may still be whole:
"What is the boiling point of mercury?" after "How many blocking bugs did QA find?" was
searched in context, found the bugs again, passed the abstention check on them, and
quoted them. So the pipeline searches it alone when what the context found holds fewer
than half of its own words (`holds_its_own_words`); then it is declined, or answered from
its own words ("Did anyone mention vaccines?"). The follow-ups of the sample and held-out
sets (11 and 7) are answered exactly as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.text import STOP_WORDS, fold, stemmed_terms, words

# Pronouns that point back to someone or something, unless a name said before them in the
# question is what they point to ("Did Rutte open his answer ...").
_PRONOUNS = frozenset("he she it they him her them his hers its their theirs".split())
# A possessive after any word of the question's own is mostly its subject's ("Did the
# ministers renew their commitment?"); before them it points back ("Their budget?").
_POSSESSIVES = frozenset("his her hers its their theirs".split())
# After a preposition or "be", "that" / "those" / "these" point back ("in that region",
# "below that level", "was that press conference"); after a verb or a noun, "that" opens a
# clause ("Did Rutte confirm that ...", "a ceasefire that didn't last").
_POINTING_AFTER = frozenset(
    "in at on about of for from with to by below above under over into during after before is was were are".split()
)
_EXISTENTIAL = frozenset("is was were are will be has have had".split())  # "there was time for ..." points nowhere
_FOLLOW_UP_OPENERS = ("and ", "so ", "but ", "what about", "how about", "what else", "who else")
_MIN_OWN_WORDS = 4  # a question naming nobody, in fewer content words, leans on context


def needs_context(question: str) -> bool:
    """Whether a question cannot stand alone: it points back (`points_back`) or names
    nobody in fewer than four content words (`is_short`).

    Examples: needs_context("And how many warheads?") is True;
    needs_context("Did Rutte confirm that IP4 leaders were invited?") is False.
    """
    return points_back(question) or is_short(question)


def points_back(question: str) -> bool:
    """Whether a question opens as a continuation ("And ...", "What about ...") or points
    back (a pronoun before any name of its own, "that" after a preposition, "there" as a
    place).

    "This" is left out: in a question about a transcript it is the transcript ("this press
    conference", "this year").
    """
    if fold(question.strip()).startswith(_FOLLOW_UP_OPENERS):
        return True
    written = words(question)
    tokens = [fold(w) for w in written]
    first_name = next(iter(_named(written)), len(written))
    first_own = next((i for i, t in enumerate(tokens) if t not in STOP_WORDS), len(tokens))
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if (
            (token in _PRONOUNS and i < first_name and not (token in _POSSESSIVES and i > first_own))
            or (token in ("that", "those", "these") and before in _POINTING_AFTER)
            or (token == "there" and after not in _EXISTENTIAL)
        ):
            return True
    return False


def is_short(question: str) -> bool:
    """Whether a question names nobody in fewer than four content words ("How many
    warheads?"): it may lean on context, or be short and whole ("Did anyone mention
    vaccines?"), which `holds_its_own_words` tells apart once searched."""
    written = words(question)
    return not _named(written) and len([w for w in written if fold(w) not in STOP_WORDS]) < _MIN_OWN_WORDS


def holds_its_own_words(question: str, texts: Sequence[str]) -> bool:
    """Whether what the question was searched in context found holds at least half of the
    question's own content words (stemmed). "How many warheads?" after "What did Rutte say
    about China?" finds China's warheads; "What is the boiling point of mercury?" after a
    question on QA's bugs finds the bugs again, and is a question of its own."""
    own = stemmed_terms(question)
    found = stemmed_terms(" ".join(texts))
    return 2 * len(own & found) >= len(own)


def _named(written: Sequence[str]) -> list[int]:
    """Where the question names someone or something: a capitalised word not first, not "I"."""
    return [i for i, w in enumerate(written) if i > 0 and w[:1].isupper() and w != "I"]


def standalone_query(question: str, history: Sequence[str]) -> str:
    """The query to search for: the question, led by the latest earlier question when needed."""
    if not history or not needs_context(question):
        return question
    return f"{history[-1]} {question}"
