"""Line numbers printed in a transcript's text, as court reporters print them.

A US court or deposition transcript numbers the lines of each page 1-25 at their start
(" 7            THE COURT: I will set trial for September") and prints the page number
alone above them. Read as text, the numbers became part of speakers' names ("7 THE
COURT") and of quotes ("September 8 15th"). `without_printed_numbers` gives the lines
as said: the number and the space after it taken off, a page number blanked. The file's
own lines keep their numbers, so a citation still names the physical line, and the text
left is a piece of that line, as a quote must be.
"""

from __future__ import annotations

import re

from rag.lines import is_blank

_NUMBERED = re.compile(r"^\s*(\d{1,4})(?:\s+|$)")  # a page number may run to four digits
# A document counts as numbered when at least this share of its lines with text start with
# a number, and at least this share of those numbers follow the one before (n+1, or 1 when
# a page starts): a list or a table of figures now and then is not that.
NUMBERED_SHARE = 0.8
IN_SEQUENCE_SHARE = 0.8
MIN_NUMBERED = 10


def without_printed_numbers(lines: list[str]) -> list[str]:
    """`lines` with printed line numbers taken off and page numbers blanked, where the
    document is line-numbered; else `lines` itself.

    Example: ["   1", " 1   THE COURT: Be seated.", " 2   We are here."] (and so on, ten
    or more numbered lines) -> ["", "THE COURT: Be seated.", "We are here.", ...]
    """
    found = [(i, m) for i, line in enumerate(lines) if (m := _NUMBERED.match(line))]
    numbers = [(i, int(m[1])) for i, m in found]
    with_text = sum(1 for line in lines if not is_blank(line))
    if len(numbers) < MIN_NUMBERED or len(numbers) < NUMBERED_SHARE * with_text:
        return lines
    in_sequence = sum(1 for (_, a), (_, b) in zip(numbers, numbers[1:], strict=False) if b in (a + 1, 1))
    if in_sequence < IN_SEQUENCE_SHARE * (len(numbers) - 1):
        return lines
    out = list(lines)
    for k, (i, match) in enumerate(found):
        page_starts = k + 1 < len(numbers) and numbers[k + 1] == (i + 1, 1)
        alone = lines[i].strip() == match[1]
        out[i] = "" if page_starts and alone else lines[i][match.end() :]  # a page number, above the page's line 1
    return out


def without_number(line: str) -> str:
    """One line without a leading printed number: " 5   THE COURT: Yes." -> "THE COURT: Yes."
    For looking up a label on a stored line of a numbered transcript (rag/store.py label_lines)."""
    match = _NUMBERED.match(line)
    return line[match.end() :] if match else line
