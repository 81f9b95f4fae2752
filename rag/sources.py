"""What a reader needs to check a citation: the cited lines and the turn they answer.

A citation alone says "lines 117-117, Mark Rutte"; a source adds the text of those lines
and the turn before them (usually the journalist's question), read from the index, so
the UI can show the quote in its line and in its exchange without opening the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.records import Citation
from rag.store import IndexReader


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Consecutive lines of one document, as the file holds them."""

    doc: str
    speaker: str
    line_start: int
    line_end: int
    lines: tuple[str, ...]  # lines[0] is line line_start


@dataclass(frozen=True, slots=True)
class Source:
    citation: Citation
    cited: Excerpt  # the cited lines
    before: Excerpt | None  # the turn before the cited one; None at the start of a document


def source_for(reader: IndexReader, citation: Citation) -> Source:
    c = citation
    cited = Excerpt(c.doc, c.speaker, c.line_start, c.line_end, tuple(reader.lines(c.doc, c.line_start, c.line_end)))
    before = None
    previous = reader.turn_before(c.doc, c.line_start)
    if previous is not None:
        speaker, start, end = previous
        before = Excerpt(c.doc, speaker, start, end, tuple(reader.lines(c.doc, start, end)))
    return Source(c, cited, before)
