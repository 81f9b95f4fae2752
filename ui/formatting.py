"""Plain functions that turn pipeline results into chat text; tested without a server.

Transcript text is data: every piece of it is HTML-escaped before it reaches the
browser, so `<script>` in a transcript shows as those characters and runs nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from rag.records import AskResult, Citation

# Characters that Markdown would turn into formatting inside quoted transcript text.
_MARKDOWN = re.compile(r"([\\`*_\[\]#|~])")
_MARKER = re.compile(r"\\\[(\d+)\\\]")


def as_text(text: str) -> str:
    """Transcript text made inert for a Markdown + HTML renderer."""
    return _MARKDOWN.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def format_reply(result: AskResult) -> str:
    """The answer, then the cited lines under it: speaker, document, lines and the quote."""
    answer = result.answer
    if answer.abstained:
        return as_text(answer.text)
    parts = [_MARKER.sub(r"[\1]", as_text(answer.text)), "", "**Cited lines**"]
    parts += [format_citation(number, c) for number, c in enumerate(answer.citations, 1)]
    return "\n".join(parts)


def format_citation(number: int, c: Citation) -> str:
    lines = f"line {c.line_start}" if c.line_start == c.line_end else f"lines {c.line_start}–{c.line_end}"
    return f"{number}. **{as_text(c.speaker)}**, {as_text(c.doc)}, {lines}: “{as_text(c.quote)}”"


def user_turns(history: Sequence[Any]) -> list[str]:
    """The user's earlier questions, oldest first, from Gradio's chat history.

    The one place that knows Gradio's history shapes: messages as dicts whose content is
    a string or a list of parts ({"type": "text", "text": ...}), or older [user, bot] pairs.
    """
    questions = []
    for item in history:
        if isinstance(item, dict):
            if item.get("role") == "user":
                text = _content_text(item.get("content"))
                if text:
                    questions.append(text)
        elif isinstance(item, list | tuple) and item and isinstance(item[0], str):
            questions.append(item[0])
    return questions


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or "")
    if isinstance(content, list | tuple):
        return " ".join(_content_text(part) for part in content).strip()
    return ""
