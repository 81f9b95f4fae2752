"""Sentence spans inside a text, by sentencex (rule-based, offline, ~300 languages).

Spans are character offsets into the original text, so a sentence can always be
quoted verbatim and mapped back to its line.
"""

from __future__ import annotations

import re

from sentencex import get_sentence_boundaries

# Abbreviations sentencex (1.0) ends a sentence after, though a name or a number follows:
# "departs at approx. 9 p.m." quoted "departs at approx.", dropping the time. Of 41
# common ones checked, those it already knows (Sec., Gen., Feb., Lt., Dr. ...) are not here.
# Case matters: "9 a.m. EST." and "ten ft." end sentences.
_ABBREVIATIONS = re.compile(r"(?:^|[\s(])(?:[Aa]pprox|est|[Vv]ol|[Pp]ara|Ft|Amb|Atty|Mmes)\.$")


def sentence_spans(text: str, language: str = "en") -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence, surrounding whitespace excluded.

    Example: sentence_spans("Hi there. Bye.") == [(0, 9), (10, 14)]
    """
    spans: list[tuple[int, int]] = []
    for bound in get_sentence_boundaries(language, text):
        start, end = bound["start_index"], bound["end_index"]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            if spans and _ABBREVIATIONS.search(text[spans[-1][0] : spans[-1][1]]):  # "approx." ends nothing
                start = spans.pop()[0]
            spans.append((start, end))
    return spans


# A "sentence" that runs over several lines is cut at its line breaks when it ends with no
# punctuation or is longer than this: caption lines without punctuation ("0:04 look at why
# solar got cheap") make one sentence of a whole video. Hard-wrapped prose keeps its
# sentences: they end with a full stop and seldom run this long.
MAX_SENTENCE_CHARS = 400
_ENDS = (".", "?", "!", "…", '"', "”", "’", "'", ")", "]")
_LINE = re.compile(r"[^\n]+")


def quotable_spans(text: str, language: str = "en") -> list[tuple[int, int]]:
    """Sentence spans, one that runs over several lines cut at its line breaks where it ends
    unpunctuated or runs long: the units a passage is cut into and a quote is chosen from.

    Example: quotable_spans("Hi there. Bye.") == [(0, 9), (10, 14)]
    """
    spans = []
    for start, end in sentence_spans(text, language):
        unpunctuated = not text[start:end].endswith(_ENDS)
        if "\n" not in text[start:end] or (end - start <= MAX_SENTENCE_CHARS and not unpunctuated):
            spans.append((start, end))
            continue
        for line in _LINE.finditer(text, start, end):
            piece = line.group()
            if piece.strip():  # the line's text, its spaces aside
                spans.append((line.start() + len(piece) - len(piece.lstrip()), line.start() + len(piece.rstrip())))
    return spans
