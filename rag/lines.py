"""The one line-splitting rule of the project: only \\n, \\r\\n and \\r end a line.

`str.splitlines()` also breaks on U+2028, form feeds and other separators, which would
shift every citation after them; nothing in the project may use it on transcript text.
"""

from __future__ import annotations

import re

LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Physical lines as an editor numbers them; a final line end adds no empty line.

    Example: split_lines("a\\r\\nb\\rc\\n") == ["a", "b", "c"]
    """
    lines = LINE_END.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines if text else []


def is_blank(line: str) -> bool:
    """A line holding only whitespace (spaces, tabs, NBSP...) is blank."""
    return not line.strip()
