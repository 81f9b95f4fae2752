"""Subtitles (.srt, .vtt) as transcripts: one turn per cue, with the cue's timestamps.

Each cue's text lines keep their physical line numbers, so a citation names the lines
and the time. Speakers come from WebVTT voice tags (`<v Mark Rutte>`) or a `NAME:` prefix;
a cue without one continues the previous speaker. YouTube's automatic captions (yt-dlp's
.vtt: a line of spaces after each timing line, words timed in the text, each cue showing
the previous cue's line again) are read once per line. A malformed cue stops the file with
its line number: nothing is dropped silently. SRT is validated by the `srt` package
(strict mode reports where parsing failed); WebVTT is scanned here, because webvtt-py
(0.6.0, checked) skips a cue whose timing line is malformed without a word.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from rag.errors import TranscriptFormatError
from rag.labels import COLON_LABEL, seconds
from rag.lines import is_blank, split_lines
from rag.records import Transcript, Turn

UNKNOWN_SPEAKER = "Unknown speaker"
_VTT_TIME = re.compile(r"^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
# A time inside a cue's text, word by word: YouTube's automatic captions, whose cues roll
# (each shows the previous cue's line again above its own).
_WORD_TIME = re.compile(r"<(?:\d+:)?\d{2}:\d{2}\.\d{3}>")
_TIME_LIKE = re.compile(r"\d+:\d\d")  # what a timing line meant to say, however malformed
_MARKUP = re.compile(r"<[^>]*>")  # <i>, <b>, <c.x>, </v>, <00:00:01.000>, {\an8} is left alone
_NAME = re.compile(r"^[A-Z][A-Za-z.'’-]*(?:\s+(?:[A-Z][A-Za-z.'’-]*|de|van|von|der|da|la|al|bin))*$")


def _blocks(lines: list[str], start: int = 0, *, spaced_cues: bool = False) -> Iterator[list[tuple[int, str]]]:
    """Runs of non-blank lines as (line number, text). `spaced_cues` (WebVTT, where only an
    empty line ends a cue): a line of spaces right after a timing line, before the cue's
    text, is skipped, not an end (YouTube's automatic captions as yt-dlp saves them)."""
    block: list[tuple[int, str]] = []
    for i in range(start, len(lines)):
        if spaced_cues and lines[i] and is_blank(lines[i]) and block and "-->" in block[-1][1]:
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if not is_blank(following) and "-->" not in following:
                continue
        if is_blank(lines[i]):
            if block:
                yield block
            block = []
        else:
            block.append((i + 1, lines[i]))
    if block:
        yield block


def _no_timing(doc: str, block: list[tuple[int, str]], example: str) -> TranscriptFormatError:
    """A cue without its timing line, named by the line meant as one: of its first two, the
    one holding a time ("00:00:0X,000 -> 00:00:04,000" on line 6, not cue "2" on line 5, nor
    a WebVTT cue id), else the line after a cue number, else its first."""
    timed = [(n, t) for n, t in block[:2] if _TIME_LIKE.search(t)]
    if timed:
        number, line = timed[0]
    else:
        number, line = block[1] if len(block) > 1 and block[0][1].strip().isdigit() else block[0]
    return TranscriptFormatError(
        f"{doc}: malformed subtitle cue at line {number}: {line.strip()!r} is not a timing line ({example!r})"
    )


def _speaker_and_text(line: str) -> tuple[str, str]:
    """The speaker a cue's first line names (voice tag or NAME: prefix, else ""), and the line without it."""
    voice = _VOICE.search(line)
    if voice:
        return voice.group(1).strip(), line
    prefix = COLON_LABEL.match(_MARKUP.sub("", line))
    if prefix and _NAME.match(prefix["name"].strip().title()) and len(prefix["name"].split()) <= 5:
        name = prefix["name"].strip()
        return (name.title() if name.isupper() else name), prefix["text"]
    return "", line


def visible_text(line: str) -> str:
    """A subtitle line as a viewer shows it: markup tags removed, entities decoded."""
    return html.unescape(_MARKUP.sub("", line))


def _cue_turn(text_lines: list[tuple[int, str]], start: float, end: float, previous: str) -> Turn:
    """A cue as a turn; a cue that names nobody continues the previous speaker."""
    named, first = _speaker_and_text(text_lines[0][1])
    cleaned = [visible_text(first), *(visible_text(text) for _, text in text_lines[1:])]
    return Turn(named or previous, named, text_lines[0][0], text_lines[-1][0], tuple(cleaned), start, end)


def parse_srt(text: str, doc: str) -> Transcript:
    """SubRip: numbered cues, `00:00:01,000 --> 00:00:04,000`, text lines."""
    import srt

    lines = split_lines(text)
    turns: list[Turn] = []
    speaker = UNKNOWN_SPEAKER
    for block in _blocks(lines):
        timing = next((i for i, (_, t) in enumerate(block[:2]) if "-->" in t), None)
        if timing is None:
            raise _no_timing(doc, block, "00:00:01,000 --> 00:00:04,000")
        number, line = block[timing]
        start_text, _, end_text = line.partition("-->")
        try:
            start = srt.srt_timestamp_to_timedelta(start_text.strip()).total_seconds()
            end = srt.srt_timestamp_to_timedelta(end_text.split()[0] if end_text.split() else "").total_seconds()
        except (srt.TimestampParseError, ValueError):
            raise TranscriptFormatError(f"{doc}: malformed subtitle cue at line {number}: {line.strip()!r}") from None
        if block[timing + 1 :]:  # a cue with no text says nothing
            turns.append(_cue_turn(block[timing + 1 :], start, end, speaker))
            speaker = turns[-1].speaker
    return Transcript(doc, tuple(lines), "", "", tuple(turns))


def _vtt_seconds(stamp: str, line: int, doc: str) -> float:
    match = _VTT_TIME.match(stamp)
    if not match:
        raise TranscriptFormatError(f"{doc}: malformed timestamp {stamp!r} at line {line}; expected [hh:]mm:ss.ttt")
    return seconds(stamp)


def parse_vtt(text: str, doc: str) -> Transcript:
    """WebVTT: a `WEBVTT` header, optional NOTE/STYLE/REGION blocks, cues with optional ids."""
    lines = split_lines(text)
    first = next((i for i, line in enumerate(lines) if not is_blank(line)), None)
    if first is None or not lines[first].lstrip("\ufeff").startswith("WEBVTT"):
        raise TranscriptFormatError(f"{doc}: a .vtt file must start with WEBVTT")
    turns, speaker = [], UNKNOWN_SPEAKER
    rolling = bool(_WORD_TIME.search(text))
    shown = ""  # the last line the previous cue showed
    for block in list(_blocks(lines, first, spaced_cues=True))[1:]:
        head = block[0][1].strip()
        if head.startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, (_, t) in enumerate(block[:2]) if "-->" in t), None)
        if timing is None:
            raise _no_timing(doc, block, "00:01.000 --> 00:04.000")
        number, line = block[timing]
        parts = line.split()
        if len(parts) < 3 or parts[1] != "-->":
            raise TranscriptFormatError(f"{doc}: malformed timing line {number}: {line.strip()!r}")
        start, end = _vtt_seconds(parts[0], number, doc), _vtt_seconds(parts[2], number, doc)
        text_lines = block[timing + 1 :]
        if rolling and text_lines:  # the line still on screen from the cue before is not said again
            said = [visible_text(t).strip() for _, t in text_lines]
            first_new = next((i for i, t in enumerate(said) if t not in ("", shown)), len(said))
            last_new = max((i for i, t in enumerate(said) if t), default=-1)
            shown = said[last_new] if last_new >= 0 else shown
            text_lines = text_lines[first_new : last_new + 1]
        if not text_lines:
            continue
        turns.append(_cue_turn(text_lines, start, end, speaker))
        speaker = turns[-1].speaker
    return Transcript(doc, tuple(lines), "", "", tuple(turns))
