"""Plain functions that turn pipeline results into chat text and HTML; tested without a server.

Transcript text is data: every piece of it is HTML-escaped before it reaches the
browser, so `<script>` in a transcript shows as those characters and runs nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from rag.records import AnswerSentence, AskResult, Citation, Hit, time_label
from rag.sentences import sentence_spans
from rag.sources import Excerpt, Source

# Characters that Markdown would turn into formatting inside quoted transcript text.
_MARKDOWN = re.compile(r"([\\`*_\[\]#|~])")
_MARKER = re.compile(r"\\\[(\d+)\\\]")
_CITED = re.compile(r"\[\d+\](?=\s)")  # a citation marker with more text after it
# Lines of the turn before a source shown on its card; the rest is one click away.
BEFORE_LINES = 6
# Characters of a long line kept on each side of the quote on a card (one line can be a
# whole answer of 1,500 characters); the transcript view shows the line whole.
CARD_CONTEXT = 240


def as_text(text: str) -> str:
    """Transcript text made inert for a Markdown + HTML renderer."""
    return _MARKDOWN.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def lines_label(line_start: int, line_end: int) -> str:
    return f"line {line_start}" if line_start == line_end else f"lines {line_start}–{line_end}"


# -- the chat ----------------------------------------------------------------------
def format_reply(result: AskResult) -> str:
    """The answer, then the cited lines under it: speaker, document, lines and the quote."""
    answer = result.answer
    if answer.abstained:
        return as_text(answer.text)
    parts = [format_answer_text(answer.text), "", "**Cited lines**"]
    parts += [format_citation(number, c) for number, c in enumerate(answer.citations, 1)]
    return "\n".join(parts)


def format_answer_text(text: str) -> str:
    """Answer text as Markdown: one paragraph per line, citation markers kept as [n]."""
    return "\n\n".join(_MARKER.sub(r"[\1]", as_text(line)) for line in text.splitlines() if line.strip())


def format_checked(sentences: Sequence[AnswerSentence]) -> str:
    """A generated answer: each sentence with its markers; one the cited lines don't support is flagged.

    Example: [AnswerSentence("Mars.", (), False)] -> "⚠️ _Mars._ (not supported by the transcript)"
    """
    parts = []
    for s in sentences:
        markers = "".join(f" [{n + 1}]" for n in s.citations)
        if s.supported:
            parts.append(f"{as_text(s.text)}{markers}")
        else:
            parts.append(f"⚠️ _{as_text(s.text)}_{markers} (not supported by the transcript)")
    return " ".join(parts)


def format_citation(number: int, c: Citation) -> str:
    lines = lines_label(c.line_start, c.line_end)
    if c.time_start is not None:
        lines += f" ({time_label(c.time_start, c.time_end)})"
    return f"{number}. **{as_text(c.speaker)}**, {as_text(c.doc)}, {lines}: “{as_text(c.quote)}”"


def answer_pieces(text: str) -> list[str]:
    """Growing prefixes of an answer, a sentence (or a cited quote) longer each time.

    This is what the chat streams: 'A: “x.” [1] “y.” [2]' -> ['A: “x.” [1]', 'A: “x.” [1] “y.” [2]'].
    """
    ends = [m.end() for m in _CITED.finditer(text)] + [len(text)]
    if len(ends) == 1:  # no citation markers: cut between sentences
        ends = [end for _, end in sentence_spans(text)] or [len(text)]
    pieces = [text[:end].rstrip() for end in ends]
    if pieces[-1] != text.rstrip():
        pieces.append(text.rstrip())
    return pieces


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


# -- source cards ------------------------------------------------------------------
def quote_spans(lines: Sequence[str], quote: str) -> list[list[tuple[int, int]]]:
    """Where `quote` lies in `lines`: for each line, the (start, end) slices to highlight.

    Whitespace is compared loosely (a quote may join lines with one space), so a quote
    that spans two lines is highlighted on both. Not found: no spans.
    Example: quote_spans(["Yes. They will.", "Soon."], "They will. Soon.") == [[(5, 15)], [(0, 5)]]
    """
    flat: list[str] = []
    where: list[tuple[int, int]] = []  # flat index -> (line, column)
    for i, line in enumerate(lines):
        for j, char in enumerate(line):
            if char.isspace():
                if flat and flat[-1] != " ":
                    flat.append(" ")
                    where.append((i, j))
            else:
                flat.append(char)
                where.append((i, j))
        if flat and flat[-1] != " ":
            flat.append(" ")
            where.append((i, len(line)))
    target = " ".join(quote.split())
    found = "".join(flat).find(target) if target else -1
    spans: list[list[tuple[int, int]]] = [[] for _ in lines]
    if found < 0:
        return spans
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i, j in where[found : found + len(target)]:
        first.setdefault(i, j)
        last[i] = j + 1
    for i in first:
        spans[i].append((first[i], min(last[i], len(lines[i]))))
    return spans


def highlighted(line: str, spans: Sequence[tuple[int, int]], *, context: int | None = None) -> str:
    """The line as escaped HTML with each span inside <mark>.

    With `context`, only that many characters around the spans are kept (cut at spaces,
    "…" where text was left out); a line without spans keeps its first 2 * context.
    """
    first, last = 0, len(line)
    if context is not None:
        if spans:
            first, last = max(0, spans[0][0] - context), min(len(line), spans[-1][1] + context)
        else:
            last = min(len(line), 2 * context)
        keep_from, keep_to = (spans[0][0], spans[-1][1]) if spans else (first, first)
        if first > 0:  # start after a space, never inside the highlight
            cut = line.find(" ", first, keep_from)
            first = cut + 1 if cut >= 0 else first
        if last < len(line):  # end at a space, never inside the highlight
            cut = line.rfind(" ", keep_to, last)
            last = cut if cut >= 0 else last
    out, at = ["…" if first > 0 else ""], first
    for start, end in spans:
        out += [html.escape(line[at:start]), "<mark>", html.escape(line[start:end]), "</mark>"]
        at = end
    out += [html.escape(line[at:last]), "…" if last < len(line) else ""]
    return "".join(out)


def excerpt_html(excerpt: Excerpt, quote: str = "", *, max_lines: int | None = None, context: int | None = None) -> str:
    """Numbered lines of an excerpt; blank lines skipped; the quote highlighted."""
    spans = quote_spans(excerpt.lines, quote) if quote else [[] for _ in excerpt.lines]
    rows = [
        f'<div class="tqa-line"><span class="tqa-ln">{excerpt.line_start + i}</span>'
        f'<span class="tqa-text">{highlighted(line, spans[i], context=context)}</span></div>'
        for i, line in enumerate(excerpt.lines)
        if line.strip()
    ]
    if max_lines is not None and len(rows) > max_lines:
        rows = ['<div class="tqa-line tqa-more">…</div>', *rows[-max_lines:]]
    return "".join(rows)


def source_card_html(number: int, source: Source, same_turn_as: int | None = None) -> str:
    """One numbered card: who, where, the quote in its line, and the turn it answers.

    `same_turn_as`: the number of an earlier card whose quote answers the same turn (two
    quotes of one long line): the turn it answers is shown there, not again here.
    """
    c = source.citation
    head = (
        f'<div class="tqa-card-head"><span class="tqa-number">[{number}]</span> '
        f'<span class="tqa-speaker">{html.escape(c.speaker)}</span> · '
        f'<span class="tqa-doc">{html.escape(c.doc)}</span> · '
        f'<span class="tqa-lines">{lines_label(c.line_start, c.line_end)}</span>{_time_html(c)}</div>'
    )
    before = ""
    if same_turn_as is not None:
        before = (
            f'<div class="tqa-before"><div class="tqa-before-head">In the same turn as [{same_turn_as}]</div></div>'
        )
    elif source.before is not None:
        b = source.before
        before = (
            f'<div class="tqa-before"><div class="tqa-before-head">In reply to '
            f"{html.escape(b.speaker)}, {lines_label(b.line_start, b.line_end)}</div>"
            f"{excerpt_html(b, max_lines=BEFORE_LINES, context=CARD_CONTEXT)}</div>"
        )
    cited = f'<div class="tqa-cited">{excerpt_html(source.cited, c.quote, context=CARD_CONTEXT)}</div>'
    return f'<div class="tqa-card" id="tqa-source-{number}">{head}{before}{cited}</div>'


def same_turns(sources: Sequence[Source]) -> list[int | None]:
    """For each source, the number (1-based) of the first earlier one that answers the same
    turn (two quotes of one long line), or None.

    Example: sources citing line 117, line 117, line 98 -> [None, 1, None]
    """
    return [
        next(
            (
                j + 1
                for j, t in enumerate(sources[:i])
                if s.before is not None and t.citation.doc == s.citation.doc and t.before == s.before
            ),
            None,
        )
        for i, s in enumerate(sources)
    ]


def _time_html(c: Citation) -> str:
    label = time_label(c.time_start, c.time_end)
    return f' · <span class="tqa-time">{label}</span>' if label else ""


def hits_html(hits: Sequence[Hit]) -> str:
    """Every retrieved passage, best first, for readers who want to see what was not quoted."""
    if not hits:
        return '<p class="tqa-empty">No passages retrieved.</p>'
    items = [
        f'<li><span class="tqa-speaker">{html.escape(h.passage.speaker)}</span> · '
        f"{html.escape(h.passage.doc)} · {lines_label(h.line_start, h.line_end)} · "
        f'score {h.score:.2f}<div class="tqa-text">{html.escape(h.text)}</div></li>'
        for h in hits
    ]
    return f'<ol class="tqa-hits">{"".join(items)}</ol>'


def transcript_html(doc: str, lines: Sequence[str], citation: Citation | None = None) -> str:
    """The whole transcript with line numbers; the cited lines marked and their quote highlighted.

    Each line has the id `L<number>`, and the first cited line the class `tqa-target`,
    so the page can scroll to it.
    """
    start, end = (citation.line_start, citation.line_end) if citation else (0, -1)
    spans = quote_spans(lines[start - 1 : end], citation.quote) if citation else []
    rows = []
    for number, line in enumerate(lines, 1):
        cited = start <= number <= end
        classes = "tqa-line" + (" tqa-cited-line" if cited else "") + (" tqa-target" if number == start else "")
        text = highlighted(line, spans[number - start]) if cited else html.escape(line)
        rows.append(
            f'<div class="{classes}" id="L{number}"><span class="tqa-ln">{number}</span>'
            f'<span class="tqa-text">{text}</span></div>'
        )
    where = f", {lines_label(start, end)} highlighted" if citation else ""
    return (
        f'<div class="tqa-transcript-head">{html.escape(doc)}{where}</div>'
        f'<div class="tqa-transcript">{"".join(rows)}</div>'
    )
