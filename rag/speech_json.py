"""Speech-recognition output (Whisper-style JSON) as a transcript: one turn per segment.

Accepted: {"segments": [{"start": 0.0, "end": 4.2, "text": "...", "speaker": "..."}]} (the
shape Whisper, faster-whisper and WhisperX write) or a bare list of such segments.
`start`/`end` are seconds; `speaker` is optional and carries over to later segments.
A segment is cited by the physical line of the file that holds its text (pretty-printed
output has one per segment; minified output puts them all on line 1) and by its times.
A malformed segment stops the file with its index and line: nothing is dropped silently.
"""

from __future__ import annotations

import bisect
import json
import math
from typing import Any

from rag.errors import TranscriptFormatError
from rag.lines import LINE_END, split_lines
from rag.records import Transcript, Turn
from rag.subtitles import UNKNOWN_SPEAKER


def _line_starts(raw: str) -> list[int]:
    """Offset of each physical line's first character (\\n, \\r\\n and \\r end lines)."""
    return [0, *(m.end() for m in LINE_END.finditer(raw))]


def _seconds(segment: dict[str, Any], key: str, index: int, doc: str) -> float | None:
    value = segment.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise TranscriptFormatError(f"{doc}: segment {index} has {key}={value!r}; expected seconds (a number >= 0)")
    return float(value)


def parse_speech_json(raw: str, doc: str) -> Transcript:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TranscriptFormatError(
            f"{doc}: is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise TranscriptFormatError(f"{doc}: JSON too deeply nested to be speech-recognition output") from None
    try:  # "\ud800" is valid JSON but no valid text: it could not be stored or shown
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise TranscriptFormatError(f"{doc}: holds an invalid character ({exc.reason}); fix the JSON") from None
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list):
        raise TranscriptFormatError(f'{doc}: expected {{"segments": [...]}} or a list of segments with "text"')
    turns: list[Turn] = []
    speaker, position = UNKNOWN_SPEAKER, 0
    starts = _line_starts(raw)
    for index, segment in enumerate(segments):
        if not isinstance(segment, dict) or not isinstance(segment.get("text"), str):
            raise TranscriptFormatError(f'{doc}: segment {index} has no "text" string')
        text = " ".join(segment["text"].split())
        start, end = _seconds(segment, "start", index, doc), _seconds(segment, "end", index, doc)
        if start is not None and end is not None and end < start:
            raise TranscriptFormatError(f"{doc}: segment {index} ends ({end}) before it starts ({start})")
        if isinstance(segment.get("speaker"), str) and segment["speaker"].strip():
            speaker = segment["speaker"].strip()
        # Where the segment's text sits in the file: after the previous one, as JSON wrote it.
        found = -1
        for written in (json.dumps(segment["text"], ensure_ascii=False), json.dumps(segment["text"])):
            found = raw.find(written, position)
            if found >= 0:
                break
        position = found if found >= 0 else position
        if not text:
            continue
        line = bisect.bisect_right(starts, position)
        turns.append(Turn(speaker, str(segment.get("speaker") or ""), line, line, (text,), start, end))
    return Transcript(doc, tuple(split_lines(raw)), "", "", tuple(turns))
