"""Find the speaker a question is about: "What did Rutte say about China?" -> "Mark Rutte".

A speaker is named when the question holds the last word of the speaker's name (three
letters or more, "Rutte"), the outlet in brackets ("the Reuters reporter"), or every word
of a short label ("Grad E", "Project Manager"); a one-word label ("Marketing") counts only
when capitalised, so "the marketing plan" names nobody, and a label ending in one letter
("Professor C") is named by that capital letter alone ("What did C think?", but not "Plan
C"). Post-nominal letters are not part of the name ("Julie Morgan AM", "Boris Johnson MP":
nameparser's list). When several speakers match, the one whose every word the question
capitalises wins: "Julie Morgan" beside "Eluned Morgan AM", "What did Industrial Designer
think of the user interface?" beside the "User Interface" label. Questions that start with
"who" look for a speaker rather than name one ("Who asked Rutte about China?"), so they
name none.

On qmsum-val's Welsh Assembly hearings no speaker was ever named ("AM" was taken for the
surname); naming them, and choosing by capitals, moved hit@5 0.810 -> 0.806 and hit@10
0.916 -> 0.911 (one question each): answers now come from the turns of the person asked
about, as users expect, at no measurable cost or gain in finding the gold lines. Letters
for labels then: hit@1 0.515 -> 0.523, hit@5 0.806 -> 0.810, mrr@10 0.634 -> 0.640,
citation precision 0.492 -> 0.500; the sample's sets unchanged.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

from rag.text import fold, words

_OUTLET = re.compile(r"\(([^()]+)\)")


def named_speaker(question: str, speakers: Sequence[str]) -> str | None:
    """The one speaker the question names, or None when it names none or several."""
    if fold(question.strip()).startswith("who"):
        return None
    said = words(question)
    asked = {fold(w) for w in said}
    capitalised = {fold(w) for w in said if w[:1].isupper()}
    # A capital letter on its own, not after a capitalised word ("What did C think?", not
    # "Plan B"), names a speaker labelled by that letter ("Professor C").
    letters = {
        w.lower()
        for before, w in itertools.pairwise(said)
        if len(w) == 1 and w.isupper() and w != "I" and not before[:1].isupper()
    }
    found = [s for s in speakers if _is_named(s, asked, capitalised, letters)]
    if len(found) > 1:  # "Julie Morgan" beside "Eluned Morgan AM": the one written out in capitals
        found = [s for s in found if set(name_words(s)) <= capitalised] or found
    return found[0] if len(found) == 1 else None


@functools.cache
def _post_nominals() -> frozenset[str]:
    from nameparser.config import CONSTANTS

    return frozenset(CONSTANTS.suffix_acronyms) | frozenset(CONSTANTS.suffix_not_acronyms)


def name_words(speaker: str) -> list[str]:
    """Folded words of a speaker's name, without an outlet in brackets or post-nominal letters.

    Example: name_words("Julie Morgan AM") == ["julie", "morgan"]; name_words("Grad E") == ["grad", "e"]
    """
    name = [fold(w) for w in words(_OUTLET.sub(" ", speaker))]
    while len(name) > 2 and len(name[-1]) > 1 and name[-1] in _post_nominals():
        name.pop()
    return name


def _is_named(speaker: str, asked: set[str], capitalised: set[str], letters: set[str]) -> bool:
    outlet = _OUTLET.search(speaker)
    if outlet and all(fold(w) in asked for w in words(outlet.group(1))):
        return True
    name = name_words(speaker)
    if not name:
        return False
    if len(name) == 1:  # "Marketing", "Question": only as a capitalised name, not the common noun
        return name[0] in capitalised
    if len(name[-1]) == 1 and name[-1] in letters:  # "Professor C" as "C"
        return True
    if len(name[-1]) >= 3 and name[-1] in asked:
        return True
    return all(w in asked for w in name)
