"""Sentence spans inside a text, by sentencex (rule-based, offline, ~300 languages).

Spans are character offsets into the original text, so a sentence can always be
quoted verbatim and mapped back to its line.
"""

from __future__ import annotations

from sentencex import get_sentence_boundaries


def sentence_spans(text: str, language: str = "en") -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence, surrounding whitespace excluded.

    Example: sentence_spans("Hi there. Bye.") == [(0, 9), (10, 14)]
    """
    spans = []
    for bound in get_sentence_boundaries(language, text):
        start, end = bound["start_index"], bound["end_index"]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
