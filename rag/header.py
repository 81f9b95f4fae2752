"""Answer a question about the transcript itself from its header: "On what date did Rutte
give this press conference?", "When was the transcript last updated?".

A transcript's header (title, "by" line, date, "Last updated" line) comes before the first
turn, so no passage holds it and no search finds it: indexed as a passage it was quoted for
unrelated questions naming the person in its "by" line (docs/retrieval-steps.md). Only a
question that asks when and points at the record itself ("this press conference", "the
transcript") is answered from it, with the header line cited; "When will the next meeting
be held?" and "When did Rutte meet the chancellor?" go to the turns as before.

The sample's set and the held-out set ask this once each (the date, the last update):
sample hit@1 0.892 -> 0.908, held-out 0.654 -> 0.673; the calibration set and qmsum-val
ask no such question and are unchanged (docs/retrieval-steps.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer_types import asks_time
from rag.parsing import first_date

# The record itself: "this press conference", "the transcript", and "the hearing" when the
# question ends there ("When was the hearing held?"; not "the hearing on pensions").
_EVENTS = r"(?:(?:press|news)\s+)?(?:conference|briefing|meeting|hearing|interview|session|speech|remarks|debate|call)"
_RECORD = re.compile(
    rf"\bthis\s+(?:{_EVENTS}|statement|address|event|recording|transcript)\b|\bthe\s+transcript\b"
    rf"|\bthe\s+{_EVENTS}(?:\s+(?:was\s+|being\s+)?(?:held|given|recorded|took\s+place|take\s+place|happen\w*))?\W*$",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(?:will|next|going\s+to|upcoming)\b", re.IGNORECASE)
_UPDATE = re.compile(r"\b(?:last\s+)?(?:updated?|revised?|modified)\b", re.IGNORECASE)
_BULLETS = "•|*-–— \t"
# Who a header line is cited as: nobody says it.
HEADER_SPEAKER = "Transcript header"


def asks_record_date(question: str) -> bool:
    """Whether the question asks when the transcript's own event happened or was updated.

    Example: asks_record_date("On what date did Rutte give this press conference?") is True;
    asks_record_date("When will Allies take the formal decisions?") is False.
    """
    return asks_time(question) and bool(_RECORD.search(question)) and not _FUTURE.search(question)


def header_date_line(question: str, header: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """(line, quote) of the header line that answers a date question: the "Last updated"
    line when the question asks about an update, else the first dated line that is not
    one; None when the header holds no date. The quote is the line without its bullets.

    Example: header_date_line("When was the transcript updated?",
    [(5, "• 15 May. 2025 -"), (7, "• Last updated: 15 May. 2025 15:58")]) == (7, "Last updated: 15 May. 2025 15:58")
    """
    dated = [(n, text.strip().strip(_BULLETS)) for n, text in header if first_date(text)]
    wants_update = bool(_UPDATE.search(question))
    chosen = [d for d in dated if bool(_UPDATE.search(d[1])) == wants_update] or dated
    return chosen[0] if chosen else None
