"""Records that move through the pipeline; each carries its document, lines and speaker.

turn -> Passage -> Hit(passage, score) -> Answer(text, citations, abstained).
The JSON shapes of DESIGN.md are produced here, by `to_json()`, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Turn:
    """What one speaker said without interruption, as lines of the file."""

    speaker: str  # canonical name after alias resolution
    label: str  # the label as written ("Sabine Siebold (Reuters)"), "" when none
    line_start: int  # 1-based physical line, inclusive
    line_end: int  # inclusive
    lines: tuple[str, ...]  # the turn's physical lines, label prefix (and subtitle markup, a time) removed
    time_start: float | None = None  # seconds into the recording, where the source has them
    time_end: float | None = None
    # Where times are written inside the turn ("0:04" above a caption line, "0:04 text"):
    # the time each line sets, None for the others; () when none does.
    line_times: tuple[float | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Transcript:
    """A parsed file: its lines, header facts and speaker turns."""

    doc: str  # file name without extension
    lines: tuple[str, ...]  # every physical line; lines[0] is line 1
    title: str
    date: str
    turns: tuple[Turn, ...]
    aliases: dict[str, str] = field(default_factory=dict)  # role or label -> speaker

    def line(self, number: int) -> str:
        """The text of 1-based line `number`."""
        return self.lines[number - 1]


@dataclass(frozen=True, slots=True)
class Passage:
    doc: str  # file name without extension, e.g. "nato-2025-05-15-antalya"
    passage_id: str  # f"{doc}:{line_start}-{line_end}#{part}"
    speaker: str
    line_start: int  # 1-based physical line, inclusive
    line_end: int  # inclusive
    text: str
    time_start: float | None = None  # seconds, where the source has times (subtitles, ASR, timed labels)
    time_end: float | None = None

    @property
    def asks(self) -> bool:
        """Whether it ends with a question mark: a question, to be answered by its reply.

        Stricter than the store's question -> answer link (rag.store._ASKS), which also reads
        a "?" before closing quotes or brackets: a statement ending in reported speech
        ('Visitors want to know "Where is the city hall?"'; 15 passages of qmsum-val, none
        of the sample) is no question here, so the answerer quotes it rather than the next
        speaker's words. Reading it as the store does moved no figure on the four sets.
        """
        return self.text.rstrip().endswith("?")

    def to_json(self, score: float | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "doc": self.doc,
            "line_start": self.line_start,
            "line_end": self.line_end,
            **_times_json(self.time_start, self.time_end),
            "speaker": self.speaker,
        }
        if score is not None:
            out["score"] = round(float(score), 4)
        out["text"] = self.text
        return out


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    score: float  # cosine similarity of query and passage, higher is better
    # The passages around it in the transcript, in order and including it: the exchange the
    # retriever hands on (rag/dialogue.py); empty when the hit stands alone.
    context: tuple[Passage, ...] = ()

    @property
    def passages(self) -> tuple[Passage, ...]:
        return self.context or (self.passage,)

    @property
    def line_start(self) -> int:
        return self.passages[0].line_start

    @property
    def line_end(self) -> int:
        return self.passages[-1].line_end

    def holds(self, doc: str, line: int) -> bool:
        """Whether the hit's exchange (consecutive lines of one document) holds `line` of `doc`."""
        return self.passage.doc == doc and self.line_start <= line <= self.line_end

    def overlaps(self, other: Hit) -> bool:
        """Whether the two hits' exchanges share a line: the same place in the transcripts."""
        return (
            self.passage.doc == other.passage.doc
            and self.line_start <= other.line_end
            and other.line_start <= self.line_end
        )

    @property
    def text(self) -> str:
        """The passage's text, or its exchange's with each speaker named where they start.

        Example: passages by A ("Why?") and B ("Because.") -> "A: Why?\nB: Because."
        """
        if not self.context:
            return self.passage.text
        lines, speaker = [], None
        for p in self.context:
            lines.append(p.text if p.speaker == speaker else f"{p.speaker}: {p.text}")
            speaker = p.speaker
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The passage's JSON with the lines and text of its exchange."""
        return self.passage.to_json(self.score) | {
            "line_start": self.line_start,
            "line_end": self.line_end,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Citation:
    doc: str
    line_start: int
    line_end: int
    speaker: str
    quote: str  # verbatim substring of the cited lines
    time_start: float | None = None  # the cited passage's timestamps, where the source has them
    time_end: float | None = None

    @classmethod
    def of(cls, passage: Passage, line_start: int, line_end: int, quote: str) -> Citation:
        """A citation of lines inside `passage`, carrying its document, speaker and timestamps."""
        p = passage
        return cls(p.doc, line_start, line_end, p.speaker, quote, p.time_start, p.time_end)

    def to_json(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "line_start": self.line_start,
            "line_end": self.line_end,
            **_times_json(self.time_start, self.time_end),
            "speaker": self.speaker,
            "quote": self.quote,
        }


@dataclass(frozen=True, slots=True)
class AnswerSentence:
    """A sentence that an answerer composed, with the citations that back it."""

    text: str
    citations: tuple[int, ...]  # indexes into Answer.citations
    supported: bool  # whether the cited lines support it

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "citations": list(self.citations), "supported": self.supported}


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    # Only an answerer that writes its own sentences (the generative one) fills this.
    sentences: tuple[AnswerSentence, ...] = ()


@dataclass(frozen=True, slots=True)
class AskResult:
    """An answer with the evidence it came from and where the time went."""

    question: str
    answer: Answer
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer.text,
            "abstained": self.answer.abstained,
            "citations": [c.to_json() for c in self.answer.citations],
            **({"sentences": [s.to_json() for s in self.answer.sentences]} if self.answer.sentences else {}),
            "passages": [h.to_json() for h in self.hits],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


@dataclass(frozen=True, slots=True)
class AskStep:
    """One step of Pipeline.ask_stream: the answer text so far; `result` is set on the last step."""

    text: str
    result: AskResult | None = None


def _times_json(start: float | None, end: float | None) -> dict[str, float]:
    """The timestamp fields of a passage or citation: present only where the source has them."""
    out = {}
    if start is not None:
        out["time_start"] = round(start, 3)
    if end is not None:
        out["time_end"] = round(end, 3)
    return out


def format_time(seconds: float) -> str:
    """A timestamp as people read it in players: 83.5 -> "00:01:23"."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def time_label(start: float | None, end: float | None) -> str:
    """ "00:01:23–00:01:27", or "" when the source has no timestamps."""
    if start is None:
        return ""
    return format_time(start) if end is None or int(end) == int(start) else f"{format_time(start)}–{format_time(end)}"
