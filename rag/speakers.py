"""Find the speaker a question is about: "What did Rutte say about China?" -> "Mark Rutte".

A speaker is named when the question holds the last word of the speaker's name (three
letters or more, "Rutte"), the outlet in brackets ("the Reuters reporter"), or every word
of a short label ("Grad E", "Project Manager"); a one-word label ("Marketing") counts only
when capitalised, so "the marketing plan" names nobody. Questions that start with "who" look for a
speaker rather than name one ("Who asked Rutte about China?"), so they name none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text import fold, words

_OUTLET = re.compile(r"\(([^()]+)\)")


def named_speaker(question: str, speakers: Sequence[str]) -> str | None:
    """The one speaker the question names, or None when it names none or several."""
    if fold(question.strip()).startswith("who"):
        return None
    asked = {fold(w) for w in words(question)}
    capitalised = {fold(w) for w in words(question) if w[:1].isupper()}
    found = [s for s in speakers if _is_named(s, asked, capitalised)]
    return found[0] if len(found) == 1 else None


def _is_named(speaker: str, asked: set[str], capitalised: set[str]) -> bool:
    outlet = _OUTLET.search(speaker)
    if outlet and all(fold(w) in asked for w in words(outlet.group(1))):
        return True
    name = [fold(w) for w in words(_OUTLET.sub(" ", speaker))]
    if not name:
        return False
    if len(name) == 1:  # "Marketing", "Question": only as a capitalised name, not the common noun
        return name[0] in capitalised
    if len(name[-1]) >= 3 and name[-1] in asked:
        return True
    return all(w in asked for w in name)
