"""Read a plain-text transcript into header facts and speaker turns, keeping line numbers.

Handles the shapes seen in press-conference and meeting transcripts:
- a header: title, a "by <role> <name>" line, date and bullet lines, "(As delivered)";
- label lines on their own line, the turn's text starting on the next line:
  `Mark Rutte, NATO Secretary General`, `Sabine Siebold (Reuters)`, `Question (CNN TÜRK)`,
  a bare role (`NATO Secretary General`);
- labels on the line of the text: `Name: text`, as meeting transcripts write them, and
  the shapes of hearings, briefings, depositions and transcription services read by
  rag/labels.py (`Mr. JONES. text`, `[00:01:23] ALICE WONG: text`, `Q text`, ...).
Aliases are resolved within one document: a bare role maps to the person who carried it
earlier or in the header ("THE PRESIDENT" too), a title and a surname ("MS. JEAN-PIERRE"),
or a surname alone ("ASHBY"), to the one person of that surname named before, and text
before the first label belongs to the header's person. A deposition's "Q." is the lawyer of
the "BY MR. HARLAN:" line above it, its "A." the witness of "DEPOSITION OF ...".
It does not guess speakers from content; unlabelled text goes to the last speaker. A
heading ("## Budget", a line wholly in bold, "Public Comment" above text) is a turn of its
own, "Unknown speaker"'s, so it is no one's words; unlabelled speech after it goes on as
the speaker's before it. Times written inside turns ("0:04" above a caption line) are taken
out of the text and kept as the lines' times.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from rag.errors import TranscriptFormatError
from rag.labels import (
    ALL_SHAPES,
    COLON_LABEL,
    TITLES,
    Label,
    has_bold_label,
    label_shapes,
    only_time,
    read_label,
    split_time,
    without_emphasis,
    without_leading_time,
)
from rag.lines import is_blank, split_lines
from rag.printed_numbers import without_printed_numbers
from rag.records import Transcript, Turn

UNKNOWN_SPEAKER = "Unknown speaker"

# Lower-case words allowed inside names and roles ("Secretary of State", "Ursula von der Leyen").
_CONNECTORS = {
    "of",
    "the",
    "for",
    "and",
    "de",
    "van",
    "von",
    "der",
    "den",
    "du",
    "da",
    "la",
    "le",
    "al",
    "bin",
    "y",
    "&",
    "-",
    "–",
}
# Words that make up roles rather than names, to split "NATO Secretary General Mark Rutte".
_ROLE_WORDS = {
    "acting",
    "administrator",
    "adviser",
    "advisor",
    "affairs",
    "allied",
    "ambassador",
    "assistant",
    "attorney",
    "chair",
    "chairman",
    "chairperson",
    "chairwoman",
    "chancellor",
    "chief",
    "commander",
    "commissioner",
    "committee",
    "communications",
    "coordinator",
    "council",
    "counselor",
    "defence",
    "defense",
    "deputy",
    "director",
    "economic",
    "envoy",
    "executive",
    "first",
    "foreign",
    "general",
    "governor",
    "head",
    "high",
    "king",
    "lady",
    "leader",
    "mayor",
    "member",
    "military",
    "minister",
    "national",
    "officer",
    "policy",
    "president",
    "press",
    "prime",
    "queen",
    "representative",
    "secretary",
    "security",
    "senator",
    "special",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "staff",
    "state",
    "strategic",
    "supreme",
    "trade",
    "vice",
}
_TITLE_WORDS = TITLES | _ROLE_WORDS  # before a surname in a label: "MS. JEAN-PIERRE", "Secretary General RUTTE"
# Who is in the room, written as a label ("Present: Senators Holloway and Pratt", "Hosts:
# Jenna and Ike."), in the header or further down: no one's words. Not "Host:" nor
# "Guest:", which label a podcast's turns.
_ROSTER = frozenset(
    {"participants", "attendees", "present", "speakers", "hosts", "guests", "panelists", "appearances"}
    | {"also present", "in attendance"}
)
# Fields of a metadata block above the transcript ("Title: ...", "Date: ..."): header
# lines, not speakers. "Interviewer:" is not one: it opens an interview's first question.
_FIELD_NAMES = (
    "title transcript subject topic event date time location place venue source recorded recording duration "
    "language url link episode series aired broadcast published segment program programme show station"
).split() + [f"{what} date" for what in ("air", "broadcast", "hearing", "meeting", "recording", "interview")]
_FIELD_NAMES += sorted(_ROSTER) + ["speaker"]  # "Speaker: Professor Funmilayo Adeyemi, ..." above a lecture
_FIELD = re.compile(rf"(?i)^(?P<name>{'|'.join(_FIELD_NAMES)}):\s*(?P<value>.*)$")
# A deposition's or trial's "BY MR. HARLAN:" (or "EXAMINATION BY MS. TRENT"): the lawyer
# asking the "Q." lines that follow.
_EXAMINER = re.compile(
    r"^\s*(?:(?:(?:DIRECT|CROSS|REDIRECT|RECROSS|FURTHER)[- ]?)*EXAMINATION\s+(?=BY\b)|(?=BY\s.*:\s*$))"
    r"BY\s+(?P<who>(?:MR|MS|MRS|MISS|DR)\.?\s+[A-Z][A-Z'’-]*(?:\s+[A-Z][A-Z'’-]*)*)\s*(?:\((?i:continuing)\))?\s*:?\s*$"
)
# A list of who takes part, under a heading ("Conference Call Participants", "Company
# Participants", "Executives", "Analysts", "Witnesses"), a line each: "Marcus Lee - Morgan
# Stanley", "Helen Brandt -- Chief Financial Officer", "Dr. Jane Doe, Professor of
# Economics", "Ann Lee - President, Acme Corp".
_LIST_HEADINGS = _ROSTER | {"executives", "analysts", "witnesses", "panel", "panellists"}
_DASH = r"\s+(?:--|[-\u2013\u2014])\s+"
_LISTED = re.compile(rf"^\s*(?:[-*\u2022]\s+)?(?P<name>[^,:()]+?)(?P<comma>{_DASH}|,\s+)(?P<what>\S.*?)\s*$")
_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")  # "A.J. Rice"
# Words that make what follows a listed name a role, not a firm ("State Street" is a firm).
_ROLE_HEADS = frozenset(
    """officer president director chief head manager chair chairman chairwoman chairperson secretary treasurer
    counsel attorney analyst founder co-founder partner ceo cfo coo cto cio controller professor minister senator
    spokesperson spokesman spokeswoman editor reporter correspondent host moderator economist strategist vp evp
    svp governor mayor commissioner administrator superintendent deputy member representative ambassador
    engineer scientist researcher lead coordinator relations""".split()
)
# Roles of many people, never one person's alias: "Analyst" labels whoever asks next.
_SHARED_ROLES = frozenset({"analyst", "host", "moderator", "member", "partner", "reporter", "correspondent"})
_LIST_CONNECTORS = frozenset({"of", "and", "for", "the", "&", "on", "at", "in"})


def listed_participants(lines: list[str]) -> list[tuple[int, str, str]]:
    """(1-based line, name, what they are) for each line of a list of participants: under
    a heading whose last word is a roster's, up to the first line listing no one.

    A line lists someone when a full name (not a part's: "Opening Remarks - Mayor Smith" is
    an agenda) comes before a dash or a comma, and what follows is a role, or a firm in
    capitalised words ("your line is open" is speech) that is not a titled person ("Fireside
    Chat - Mayor Jane Smith"). After a comma, only a role, or a firm followed by a role
    ("Rebecca Chu, Goldman Sachs - Analyst"): "Jane Smith, Tom Brown" names two people.
    Lines in capitals are read as their words in title case.

    Example: listed_participants(["Participants", "Marcus Lee - Morgan Stanley"]) ==
    [(2, "Marcus Lee", "Morgan Stanley")]
    """
    found = []
    for i, heading in enumerate(lines):
        said = heading.strip().strip("*#:").lower().split()
        if not said or len(said) > 4 or said[-1] not in _LIST_HEADINGS:
            continue
        below = lines[i + 1 :]
        start = next((j for j, line in enumerate(below) if not is_blank(line)), len(below))  # a blank line first
        for number, line in enumerate(below[start:], i + 2 + start):
            listed = _LISTED.match(line.title() if line.isupper() else line)
            if not listed or not _lists_someone(listed):
                break
            found.append((number, listed["name"].strip(), re.split(_DASH, listed["what"])[0]))
    return found


def _lists_someone(listed: re.Match[str]) -> bool:
    """Whether a line matching _LISTED names a participant and what they are (listed_participants)."""
    name = listed["name"].strip()
    what, *more = re.split(_DASH, listed["what"])  # "Morgan Stanley - Analyst"
    if not _is_listed_name(name) or _names_a_part(name) or len(what.split()) > _MAX_LABEL_WORDS:
        return False
    first = what.split(",")[0].split()  # "President, Acme Corp": a role, then the firm
    if first[0].lower().strip(".") in TITLES and _is_full_name(_untitled(" ".join(first))):  # "Mayor Jane Smith"
        return False
    if _is_role(what):
        return True
    capitalised = all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _LIST_CONNECTORS for w in first)
    return capitalised and (listed["comma"].strip() != "," or bool(more))


def _is_listed_name(name: str) -> bool:
    """A full name, initials allowed: "Marcus Lee", "A.J. Rice"."""
    written = name.split()
    return _is_full_name(" ".join("Aj" if _INITIALS.match(w) else w for w in written))


def _is_role(what: str) -> bool:
    """Whether a participant's description is a role ("Chief Financial Officer"), not a firm."""
    return bool({w.lower().strip(".,") for w in what.split()} & _ROLE_HEADS)


_INTERVIEWEE = re.compile(r"(?i)\b(?:interview(?:ed)?\s+with|deposition\s+of|testimony\s+of)\s+(?P<who>.+)")
_TITLE_FIELDS = {"title", "transcript", "subject", "topic", "event"}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_DATE = re.compile(
    rf"\b\d{{1,2}}\s+(?:{MONTHS}|[A-Z][a-z]{{2}})\.?,?\s+\d{{4}}\b"
    rf"|\b(?:{MONTHS})\s+\d{{1,2}},?\s+\d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
)
# A line that starts with a date: "October 23, 2025 5:00 PM ET", "Tuesday, 8 April 2025".
_DATED_LINE = re.compile(rf"(?i)^(?:(?:{DAYS}),?\s+)?(?:{_DATE.pattern})")
_PARENS = re.compile(r"\([^()]*\)")
_OUTLET = re.compile(r"^(?P<name>.+?)\s*\((?P<outlet>[^()]+)\)$")
# Label words that name a role in the room, not a person: never an alias for one outlet.
# Roles written before the person's name in brackets: "HOST (Dana Whitfield)".
_BRACKETED_ROLES = frozenset(
    "host co-host cohost guest moderator interviewer interviewee anchor presenter panelist panellist "
    "correspondent reporter narrator announcer caller chair witness".split()
)
# Of those, roles one person holds in a transcript: "HOST:" alone is the host; "REPORTER:" or
# "GUEST:" alone may be any of several.
_ONE_HOLDER_ROLES = frozenset("host moderator interviewer anchor presenter narrator announcer chair".split())
_GENERIC_LABELS = {"question", "q", "journalist", "reporter", "audience", "participant", "speaker", "moderator"}
# A Markdown heading in the body ("## Budget"): a new part of the record, said by no one in particular.
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?=\S)")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)[^*_]{1,120}\1\s*$")  # "**Budget discussion**" alone on its line
_SENTENCE_END = (".", "?", "!", ",", ";", "…", '"', "”", "’", "'")
_MAX_LABEL_CHARS = 80
_MAX_LABEL_WORDS = 8


# A longer line is not a transcript line (a paragraph of a long speech is ~5,000
# characters); refusing it keeps a 10 MB blob out of sentence splitting and the index.
MAX_LINE_CHARS = 100_000


def read_transcript(path: Path) -> Transcript:
    """Read and parse one transcript file (.txt, .md, .srt, .vtt, .json); the document id is the file name's stem.

    Raises:
        TranscriptFormatError: the file is binary, undecodable, empty, malformed, or not a transcript.
    """
    from rag.decoding import decode_transcript
    from rag.speech_json import parse_speech_json
    from rag.subtitles import parse_srt, parse_vtt

    text = decode_transcript(path.read_bytes(), str(path))
    if not text.strip():
        raise TranscriptFormatError(f"{path}: is empty; there is nothing to index")
    suffix = path.suffix.lower()
    if suffix == ".json":  # speech-recognition output is often one long line
        return _with_text(parse_speech_json(text, doc=path.stem), path)
    longest = max(split_lines(text), key=len)
    if len(longest) > MAX_LINE_CHARS:
        number = split_lines(text).index(longest) + 1
        raise TranscriptFormatError(
            f"{path}: line {number} is {len(longest):,} characters long; lines over {MAX_LINE_CHARS:,} "
            "characters are not transcript text (is it a data file?)"
        )
    parse = {".srt": parse_srt, ".vtt": parse_vtt}.get(suffix, parse_text)
    return _with_text(parse(text, doc=path.stem), path)


def _with_text(transcript: Transcript, path: Path) -> Transcript:
    if not any(line.strip() for turn in transcript.turns for line in turn.lines):
        raise TranscriptFormatError(f"{path}: holds no transcript text to index")
    return transcript


def parse_text(text: str, doc: str) -> Transcript:
    """Parse transcript text into header facts and turns.

    Example: "Jane Doe, Spokesperson\\nHello.\\n" -> one turn, speaker "Jane Doe", lines 2-2.
    """
    written = split_lines(text)
    lines = without_printed_numbers(written)  # read as said: a court reporter's line numbers off
    body_start, title, date, by_line = _read_header(lines)
    aliases: dict[str, str] = {}
    opening_speaker = _register_header_person(by_line, aliases)
    _register_interviewee(title, aliases)
    named = [line for line in lines[:body_start] if _INTERVIEWEE.search(line)]
    if len(named) == 1:  # "DEPOSITION OF KAREN LINDGREN" under a court's caption; not an index of several
        _register_interviewee(named[0], aliases)
    _register_participants(lines, aliases)
    shapes = label_shapes(lines[body_start:], _is_name)  # rag/labels.py: "Name: text", "Mr. JONES. text", ...
    # each line's label on its line of text, read once: three passes below ask for it
    inline = [
        read_label(line, shapes, _is_name) if shapes and i >= body_start else None for i, line in enumerate(lines)
    ]
    known = _known_speakers(lines, body_start, shapes, inline)

    timed = _timed_lines(lines, body_start, inline)  # "0:04" above a caption line, "0:04 look at why ..."
    turns: list[Turn] = []
    speaker, label, time = opening_speaker, "", None
    current: list[tuple[int, str]] = []  # (line number, text) of the open turn
    marks: dict[int, float] = {}  # line number -> the time written on it, inside a turn
    pending: float | None = None  # a time written alone above the next label's line
    resume: str | None = None  # the speaker a heading interrupted
    waiting = False  # a label line was read above, and its speech has not begun

    def close() -> None:
        if current:
            text = tuple(t for _, t in current)
            times = tuple(marks.get(n) for n, _ in current) if any(n in marks for n, _ in current) else ()
            turns.append(Turn(speaker, label, current[0][0], current[-1][0], text, time_start=time, line_times=times))

    def opening_time() -> float | None:  # the time written at the turn's start, above its first words
        for n, t in current:
            if n in marks:
                return marks[n]
            if not is_blank(t):
                return None
        return None

    for i in range(body_start, len(lines)):
        line, number = lines[i], i + 1
        if is_blank(line):
            if current:
                current.append((number, line))
            continue
        found = inline[i]
        examiner = _EXAMINER.match(line)  # "BY MR. HARLAN:": his are the "Q." lines after it
        roster = found is not None and _is_roster(found.name, found.text)  # "Present: Senators ..."
        kind = None if examiner or found else _line_kind(lines, i, body_start, shapes, known)
        if examiner or roster or kind == _HEADING_LINE:  # no one's; the speech after it goes on as before it
            close()
            if examiner:
                aliases["q"] = _resolve_label(examiner["who"], aliases)
            elif kind == _HEADING_LINE:
                _register_interviewee(line.strip(), aliases)  # "DEPOSITION OF KAREN LINDGREN" below a caption
            resume = resume or speaker
            speaker, label, time, current, waiting = UNKNOWN_SPEAKER, "", None, [(number, line)], False
        elif found:
            close()
            label, time = found.name.strip(), found.seconds if found.seconds is not None else pending
            beneath = found.alone and _speech_follows(lines, i, body_start, shapes)  # "Joe Biden: (01:15)"
            speaker = _resolve_label(label, aliases) if label else UNKNOWN_SPEAKER  # a caption's bare ">>"
            current = [] if beneath else [(number, found.text if found.text.strip() else line)]  # ">>" with no speech
            pending, resume, waiting = None, None, beneath
        elif kind == _LABEL:
            close()
            label, time = _label_line(line)
            speaker, current, pending, resume, waiting = _resolve_label(label, aliases), [], None, None, True
        else:
            if resume:
                close()
                speaker, label, time, current, resume = resume, "", None, [], None
            at, text = timed.get(i, (None, line))
            if (
                at is not None and not text and not waiting and _label_follows(lines, i, shapes)
            ):  # "0:04" above "Alice:"
                close()
                current, pending = [], at
                continue
            if at is not None and (text or _time_above_speech(lines, i, body_start, shapes)):
                marks[number] = at
            else:
                text = line
            current.append((number, text))
            waiting = False
            if time is None:
                time = opening_time()
    close()
    return Transcript(doc, tuple(written), title, date, _ended(tuple(_trim(t) for t in turns)), aliases)


def _ended(turns: tuple[Turn, ...]) -> tuple[Turn, ...]:
    """Each timed turn ends when the next one starts ("[00:00:14] BOB: ..." then "[00:00:20]
    ALICE: ..."), so a citation of its last lines reads 00:00:14–00:00:20; times that go
    back end nothing."""
    ended = list(turns)
    for i, (turn, after) in enumerate(zip(turns, turns[1:], strict=False)):
        start, next_start = turn.time_start, after.time_start
        if start is not None and turn.time_end is None and next_start is not None and next_start >= start:
            ended[i] = replace(turn, time_end=next_start)
    return tuple(ended)


def _trim(turn: Turn) -> Turn:
    """Drop trailing blank lines so a turn ends on its last line of text."""
    lines = list(turn.lines)
    while lines and is_blank(lines[-1]):
        lines.pop()
    times = turn.line_times[: len(lines)]
    return replace(
        turn,
        line_end=turn.line_start + len(lines) - 1,
        lines=tuple(lines),
        line_times=times if any(t is not None for t in times) else (),
    )


def _read_header(lines: list[str]) -> tuple[int, str, str, str]:
    """Find where the body starts; return (body_start_index, title, date, by_line)."""
    title = date = by_line = ""
    i = 0
    while i < len(lines) and is_blank(lines[i]):
        i += 1
    if i < len(lines) and _is_title(lines, i):
        title = lines[i].strip().lstrip("#").strip()
        by_line = title if re.search(r"\bby\s+\S", title) else ""
        i += 1
    while i < len(lines):
        stripped = lines[i].strip().strip("•|*-–— ").strip()
        if not stripped:
            i += 1
        elif re.match(r"(?i)by\s+\S", stripped) and not by_line and not _EXAMINER.match(stripped):
            by_line = stripped
            i += 1
        elif field := _header_field(stripped):  # "Title: Budget hearing", "Date: 12 March 2024"
            name, value = field["name"].lower(), field["value"].strip()
            if name in _TITLE_FIELDS and not title:
                title = value
                by_line = by_line or (value if re.search(r"\bby\s+\S", value) else "")
            date = date or first_date(value)
            i += 1
        elif _is_header_line(stripped):
            date = date or first_date(stripped)
            i += 1
        else:
            break
    if not title and not date and not by_line and (block := _header_block(lines, i)):
        i, title, date = block
    if not date and title:
        date = first_date(title)
    return i, title, date, by_line


def _header_block(lines: list[str], start: int) -> tuple[int, str, str] | None:
    """(body start, title, date) of a header of several lines above the first labelled turn,
    or None: a court's caption ("UNITED STATES DISTRICT COURT" / "FOR THE DISTRICT OF
    COLORADO" / ...), a briefing's "THE WHITE HOUSE" / "Office of the Press Secretary" / ...,
    a council's "CITY OF MILLBROOK" / "REGULAR MEETING ..." above "MAYOR PRICE: Good
    evening". Read as a block label, its first line had been a speaker and the rest their
    words, quoted as answers. A header: short lines that are not speech, a date or a
    header field among them, and a label's line right below (a block label's speech below
    its name, "MODERATOR" / "Welcome." above "JANE DOE: Thanks.", holds no date)."""
    held: list[str] = []
    dated = ""
    fielded = False
    i = start
    while i < len(lines) and len(held) < _MAX_HEADER_LINES:
        stripped = lines[i].strip().strip("•|*-–— ").strip()
        if not stripped:
            i += 1
            continue
        field = _header_field(stripped)
        if not field and (read_label(stripped, ALL_SHAPES, _is_name) or not _reads_as_header(stripped)):
            break
        fielded = fielded or field is not None
        dated = dated or first_date(stripped)
        held.append(stripped)
        i += 1
    below = lines[i].strip() if i < len(lines) else ""
    labelled = bool(COLON_LABEL.match(below) or read_label(below, ALL_SHAPES, _is_name))
    if len(held) < 2 or not (dated or fielded) or not labelled:
        return None
    return i, held[0].lstrip("#").strip(), dated


# Lines a header of several lines may hold: a court's caption runs to ten.
_MAX_HEADER_LINES = 12


def _reads_as_header(stripped: str) -> bool:
    """A line of a header rather than speech: a note about the record ("[Transcript of the
    lecture ...]"), or a short line that is no sentence ("Washington, D.C.", "GREGORY ALAN
    PRUITT, Defendant.", "Denver, Colorado, Thursday, January 9, 2025, 10:04 a.m."; not "On
    May 5, 2024 we met the ministers.", nor "Good evening. Tonight is March 5, 2024.")."""
    if _notes_the_record(stripped) or re.fullmatch(r"\[[^\[\]]{1,200}\]", stripped):  # "[Slides not reproduced.]"
        return True
    lower = [w for w in stripped.split() if w[:1].islower() and "." not in w.rstrip(".")]  # not "a.m."
    spoken = (stripped.endswith((".", "?", "!")) or bool(re.search(r"[.?!]\s+[A-Z]", stripped))) and len(lower) >= 2
    return len(stripped) <= 100 and not spoken


def _is_title(lines: list[str], i: int) -> bool:
    """A first line that is short, not a sentence and not a label (labels have text beneath,
    a title a blank line, a header field, "Date: 4 February 2025", or a line starting with
    a date, "October 23, 2025 5:00 PM ET"; above those, a title may hold a colon)."""
    line = lines[i].strip()
    if line.startswith("#"):
        return True
    below = lines[i + 1].strip() if i + 1 < len(lines) else ""
    above_field = _header_field(below) is not None  # "Hosts: ...", "Date: ..."
    # "October 23, 2025 5:00 PM ET", not speech going on from a label ("ALICE: We met on")
    above_date = _is_header_line(below) and bool(_DATED_LINE.match(below)) and not below.endswith(_SENTENCE_END)
    return (
        (not below or above_field or above_date)
        and only_time(line) is None  # "0:00" above a YouTube transcript's first words
        and len(line) <= 160
        # a title may end in a quoted name above a header field ('..., Episode 112: "Sleep"')
        and not line.endswith(_SENTENCE_END if not above_field else (".", "?", "!", ",", ";"))
        and not _FIELD.match(line)  # "Title: Budget hearing" is a field of the block
        and not line.endswith(":")  # "Speaker 1:" above its speech
        and not (above_date and not above_field and _is_full_name(line))  # "Jane Doe" above "May 5, 2024 we met"
        # a label line is no title ("[00:00:01] ALICE WONG: okay let's start"), unless a header
        # field follows it ('The Long Run, Episode 112: "Sleep"' above "Hosts: ...")
        and (above_field or not (COLON_LABEL.match(line) or read_label(line, ALL_SHAPES, _is_name)))
    )


def _header_field(line: str) -> re.Match[str] | None:
    """A header field ("Date: 12 March 2024"); a list of who is in the room only when it
    lists names ("Hosts: Jenna and Ike.", not "Hosts: And we are your hosts.")."""
    field = _FIELD.match(line)
    if field and field["name"].lower() in _ROSTER and not _is_roster(field["name"], field["value"]):
        return None
    if field and field["name"].lower() == "speaker" and not _names_someone(field["value"]):
        return None  # "Speaker: Good morning, everyone." is speech
    return field


def _names_someone(value: str) -> bool:
    """Whether a field's value is a person's name, a title before it or not, and what they
    are: "Professor Funmilayo Adeyemi, Department of Geography"; not "Jane Doe, thanks for
    coming tonight." (speech), nor "Through Interpreter" or "Fox News" in a label's brackets."""
    name, _, rest = value.partition(",")
    if not _is_full_name(_untitled(name)) or {w.lower().strip(".'") for w in name.split()} & _NOT_PEOPLE:
        return False
    return all(w[:1].isupper() or w.lower() in _LIST_CONNECTORS for w in rest.split())


# Words that bracketed text which is no person holds: "(Through Interpreter)", "(Fox News)".
_NOT_PEOPLE = frozenset(
    "through via interpreter translator translation continuing continued cont off mic video audio remote "
    "news times post journal press radio tv television network agency daily weekly herald tribune".split()
)


def _is_header_line(stripped: str) -> bool:
    return (
        (len(stripped) <= 60 and bool(_DATE.search(stripped)))
        or stripped.lower().startswith(("last updated", "as delivered"))
        or bool(re.fullmatch(r"\([^()]{1,40}\)", stripped))
        or _notes_the_record(stripped)
    )


def _notes_the_record(stripped: str) -> bool:
    """A note about the record itself in a header: "This transcript was produced from the
    broadcast audio and may contain errors.", "[Transcript of the lecture ...]"."""
    return (
        len(stripped) <= 200
        and bool(re.search(r"(?i)\btranscri(?:pt|bed|ption)\b", stripped))
        and not COLON_LABEL.match(stripped)
        and not read_label(stripped, ALL_SHAPES, _is_name)  # "Q. Have you read the transcript?"
    )


def first_date(text: str) -> str:
    match = _DATE.search(text)
    return match.group(0) if match else ""


def _register_header_person(by_line: str, aliases: dict[str, str]) -> str:
    """From "by NATO Secretary General Mark Rutte following ..." learn role -> name."""
    match = re.search(r"\bby\s+(.+)", by_line, flags=re.IGNORECASE)
    if not match:
        return UNKNOWN_SPEAKER
    first, *others = (_header_person(who) for who in re.split(r"\s+and\s+|\s+with\s+|;", match.group(1)))
    role, name = first
    if name and role:
        aliases[role.lower()] = name
    for other_role, other in others:  # "... and First Lady Jill Biden": known, so "MRS. BIDEN" is no one's alias
        if other:
            aliases.setdefault(other.lower(), other)
            if other_role:
                aliases.setdefault(other_role.lower(), other)
    return name or role or UNKNOWN_SPEAKER


def _register_participants(lines: list[str], aliases: dict[str, str]) -> None:
    """From a list of participants, learn who is who before their labels speak: a firm
    goes with the name in brackets, as a journalist's outlet does ("Marcus Lee" then labels
    "Marcus Lee (Morgan Stanley)", so "the Morgan Stanley analyst" names him); a role is
    learnt as the person's alias ("Chief Financial Officer" -> "Helen Brandt"), as a label
    "Helen Brandt, Chief Financial Officer" teaches it, unless many hold it ("Analyst")."""
    for _, name, what in listed_participants(lines):
        first, *others = (part.strip() for part in what.split(","))
        if first.lower() in _SHARED_ROLES and others:  # "Analyst, Morgan Stanley"
            first = others[0]
        if not _is_role(first):  # the firm, not its division: "Morgan Stanley, Research Division"
            aliases.setdefault(name.lower(), f"{name} ({first})")
            continue
        aliases.setdefault(name.lower(), name)
        for role in {what, first}:  # "President, Northwind Logistics" and "President"
            if role.lower() not in _SHARED_ROLES:
                aliases.setdefault(role.lower(), name)


def _register_interviewee(title: str, aliases: dict[str, str]) -> None:
    """From "Interview with Senator Maria Lopez" or "Deposition of John Doe" learn who
    answers: the "A" of a Q/A transcript, and the one "Lopez" of "SEN. LOPEZ"."""
    match = _INTERVIEWEE.search(title)
    if not match:
        return
    who = match["who"]
    role, name = _header_person(who.title() if who.isupper() else who)  # "DEPOSITION OF JOHN DOE"
    if len(name.split()) >= 2:  # a full name, not a role ("Interview with the Minister")
        aliases.setdefault(name.lower(), name)
        aliases.setdefault("a", name)
        if role:
            aliases.setdefault(role.lower(), name)


def _header_person(who: str) -> tuple[str, str]:
    """(role, name) of one person of a by-line: "NATO Secretary General Mark Rutte following ..."."""
    if "," in who:  # "Mark Rutte, NATO Secretary General"
        name, role = _name_and_role(who)
        return _leading_title_words(role), name
    words = _leading_title_words(who).split()
    cut = len(words)
    while cut > 0 and _is_name_word(words[cut - 1]):
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def _leading_title_words(text: str) -> str:
    """The leading run of capitalised words and connectors: stops at "following the ..."."""
    kept = []
    for word in text.split():
        if not (word[:1].isupper() or word.lower() in _CONNECTORS):
            break
        kept.append(word.strip(",.;:"))
    while kept and kept[-1].lower() in _CONNECTORS:
        kept.pop()
    return " ".join(kept)


def _is_name_word(word: str) -> bool:
    letters = word.strip(".,")
    return (
        letters[:1].isupper()
        and not (len(letters) > 1 and letters.isupper())  # acronyms such as NATO are roles
        and letters.lower() not in _ROLE_WORDS
    )


def _is_name(text: str) -> bool:
    """Whether `text` reads as a speaker label: a few capitalised words, parentheses free."""
    text = text.strip()
    if not text or len(text) > _MAX_LABEL_CHARS or not any(c.isalpha() for c in text):
        return False
    bare = _without_parentheses(text)
    if any(c in bare for c in '?!;"“”[]{}<>=/\\'):
        return False
    words = bare.replace(",", " ").split()
    if not words or len(words) > _MAX_LABEL_WORDS:
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _CONNECTORS for w in words)


def _without_parentheses(text: str) -> str:
    """Text without its bracketed parts, nested ones too: "The Chair (Hon. Anthony Rota
    (Nipissing, Lib.))" -> "The Chair"."""
    while (shorter := _PARENS.sub(" ", text)) != text:
        text = shorter
    return text


def _is_block_label(lines: list[str], i: int, body_start: int, shapes: frozenset[str]) -> bool:
    """A label line: after a blank line (or the header), text right beneath it (not another
    label in one of the document's `shapes`), name-shaped."""
    line = lines[i].strip()
    if i + 1 >= len(lines) or is_blank(lines[i + 1]) or (i > body_start and not is_blank(lines[i - 1])):
        return False
    if read_label(lines[i + 1], shapes, _is_name):  # the costly test last
        return False
    name, _ = _label_line(line)
    return not name.endswith(_SENTENCE_END) and _is_name(name)


def _label_line(line: str) -> tuple[str, float | None]:
    """A label line's name and time: "Speaker 1 (00:00:03):", "Joe Biden: (00:00)", "**Jane Doe**",
    "### Jane Doe"."""
    name, time = split_time(without_emphasis(_MARKDOWN_HEADING.sub("", line)).strip().rstrip(":"))
    return name.rstrip(":").strip(), time


@dataclass(frozen=True, slots=True)
class _KnownSpeakers:
    names: frozenset[str]  # lower case
    bold: bool  # the document writes its labels in Markdown bold


def _known_speakers(
    lines: list[str], body_start: int, shapes: frozenset[str], inline: list[Label | None]
) -> _KnownSpeakers:
    """Who is known to speak before headings are told from labels: the names that labels on
    the line of the text give ("Jane Doe: Hi"), and those of label lines, headings and bold
    lines written more than once ("**Host**" above each of his turns), unless they name a
    part of the record ("**Discussion**" under each agenda item); and whether labels are
    written in bold."""
    named: set[str] = set()
    bold = False
    alone: Counter[str] = Counter()
    for i in range(body_start, len(lines)):
        line = lines[i]
        if found := inline[i]:
            if found.name.strip():  # a caption's ">>" names no one
                named.add(found.name.strip().lower())
                bold = bold or has_bold_label(line)
        elif _MARKDOWN_HEADING.match(line) or _BOLD_LINE.match(line) or _is_block_label(lines, i, body_start, shapes):
            alone[_label_line(line)[0]] += 1
    repeated = {name for name, n in alone.items() if n >= 2 and _is_name(name) and not _names_a_part(name)}
    bold = bold or any(_BOLD_LINE.match(line) and _label_line(line)[0] in repeated for line in lines[body_start:])
    return _KnownSpeakers(frozenset(named | {name.lower() for name in repeated}), bold)


_LABEL, _HEADING_LINE = "label", "heading"
# Last words of headings, never of a speaker's label ("Budget Discussion", "Opening Remarks").
# "Question" is not one: press conferences label a journalist so ("Question (CNN TÜRK)").
_PART_WORDS = frozenset(
    """discussion discussions comment comments remark remarks session sessions agenda item items update
    updates report reports summary summaries introduction conclusion conclusions questions answers q&a
    break recess adjournment statement statements presentation presentations overview minutes testimony
    transcript business matters debate debates motion motions announcement announcements proceedings part
    section chapter segment background action actions decision decisions note notes examination
    cross-examination appearances participants attendees panelists panellists present executives analysts
    witnesses""".split()
)
# A line above text that opens a part of the record rather than naming its speaker: a
# caption's "IN THE CIRCUIT COURT OF COOK COUNTY, ILLINOIS", "DEPOSITION OF KAREN LINDGREN",
# "HEARING BEFORE THE SUBCOMMITTEE ON ...". No label starts with a preposition and "the"
# ("In Yo-han" is a name), nor with these words and one ("Statement of ..." is left: it may
# head the witness's own words).
_OPENING_PREPOSITIONS = frozenset({"in", "before", "at", "on", "upon"})
_RECORD_WORDS = frozenset({"deposition", "hearing", "examination", "interview", "meeting", "proceedings"})
_RECORD_LINKS = frozenset({"of", "before", "with", "by", "on", "for", "in"})


def _line_kind(lines: list[str], i: int, body_start: int, shapes: frozenset[str], known: _KnownSpeakers) -> str | None:
    """Whether line i is a label line above the speech, a heading, or neither (speech).

    In this order:
    - a Markdown heading ("## Budget") is a heading, unless it names a known speaker and
      speech follows it;
    - a line wholly in bold ("**Budget discussion**") is a heading, unless it names a known
      speaker, ends in a colon, or is a name (not a part's) that is a person's or where the
      document writes its labels in bold, and speech follows it;
    - a name alone right above text ("Jane Doe") is a label, unless it names a part of the
      record ("Public Comment") or opens one ("IN THE CIRCUIT COURT ...", "DEPOSITION OF
      ...": _opens_a_part) and no such speaker is known;
    - a heading or bold line that reads as speech ("**We were wrong.**", "**(Applause)**")
      is speech.
    """
    line = lines[i]
    name = _label_line(line)[0]
    is_known = name.lower() in known.names
    after_blank = i == body_start or is_blank(lines[i - 1])
    under_label = not after_blank and _is_block_label(lines, i - 1, body_start, shapes)  # its speech, then
    if _MARKDOWN_HEADING.match(line) and not _reads_as_speech(name) and not under_label:
        return _LABEL if is_known and _speech_follows(lines, i, body_start, shapes) else _HEADING_LINE
    if _BOLD_LINE.match(line) and after_blank and not _reads_as_speech(name):
        colon = line.strip().strip("*_").endswith(":")  # "**Jane Doe:**", "**Jane Doe**:"
        # a name: where labels are bold, or a person's ("**Mizuho Morioka (Asahi Shimbun)**");
        # not "**Resilience**" in a speech, nor "**Budget**" among "Name: text" lines
        person = _is_full_name(_person_name(name)) or any(c in name for c in ",(")
        a_name = (known.bold or person) and _is_name(name) and not _names_a_part(name)
        labelled = is_known or colon or a_name
        return _LABEL if labelled and _speech_follows(lines, i, body_start, shapes) else _HEADING_LINE
    if _is_block_label(lines, i, body_start, shapes):
        heading = _opens_a_part(name) or _names_a_bare_part(name)
        return _HEADING_LINE if not is_known and heading else _LABEL
    # a part's name alone between blank lines, above the next speaker's label: an earnings
    # call's "Question-and-Answer Session" below the last prepared remarks, above
    # "Operator". Not a line in capitals ("I SECOND THE MOTION" in a caption) nor one with
    # speech below it ("My First Presentation").
    alone = after_blank and (i + 1 == len(lines) or is_blank(lines[i + 1]))
    if alone and not is_known and _is_name(line) and _names_a_bare_part(name):
        below = next((j for j in range(i + 1, len(lines)) if not is_blank(lines[j])), None)
        labelled = (
            below is None
            or _is_block_label(lines, below, body_start, shapes)
            or read_label(lines[below], shapes, _is_name) is not None  # "Operator: First question."
        )
        return _HEADING_LINE if labelled and any(c.islower() for c in line) else None
    return None


def _reads_as_speech(text: str) -> bool:
    """A bold or heading line that is speech: a sentence, or a stage direction in brackets."""
    text = text.strip()
    return not text or text.endswith(_SENTENCE_END) or (text[0] in "([" and text[-1] in ")]")


def _bare_name(name: str) -> bool:
    """A name with no role or outlet beside it, and no title or role first: "Public Comment",
    not "Edward Lawrence, Fox Business" nor "Minister for Business"."""
    first = name.split()[0].strip(".,").lower() if name.split() else ""
    return not any(c in name for c in ",()") and first not in TITLES and first not in _ROLE_WORDS


def _names_a_part(name: str) -> bool:
    """Whether a name-shaped line names a part of the record rather than a speaker: its last
    word (numbers aside) is a heading's, "Public Comment", "Agenda Item 4", "Q&A Session"."""
    words = [w for w in re.split(r"[\s:.,]+", name.lower()) if w and not w.isdigit()]
    return bool(words) and words[-1] in _PART_WORDS


def _names_a_bare_part(name: str) -> bool:
    """A part's name with no role or outlet beside it: "Public Comment", "Question-and-Answer
    Session", not "Minister for Business" (_names_a_part, _bare_name)."""
    return _names_a_part(name) and _bare_name(name)


def _is_roster(name: str, text: str) -> bool:
    """Whether a label and its text list who is in the room: "Present: Senators Holloway,
    Pratt, and Delgado." (mostly capitalised words), not "Hosts: And we are your hosts"."""
    said = text.split()
    capitalised = sum(w[:1].isupper() for w in said)
    return name.strip().lower() in _ROSTER and bool(said) and capitalised >= len(said) / 2


def _opens_a_part(name: str) -> bool:
    """Whether a name-shaped line opens a part of the record: "IN THE CIRCUIT COURT ...",
    "DEPOSITION OF KAREN LINDGREN", "Hearing before the Subcommittee on Energy"."""
    words = name.lower().split()
    if not words:
        return False
    if len(words) < 2:
        return False
    return (words[0] in _OPENING_PREPOSITIONS and words[1] == "the") or (
        words[0] in _RECORD_WORDS and words[1] in _RECORD_LINKS
    )


def _timed_lines(lines: list[str], body_start: int, inline: list[Label | None]) -> dict[int, tuple[float, str]]:
    """Line index -> (time, the text after it) for the lines of speech written with their time,
    alone above them ("0:04", text "") or before them ("0:04 look at why ..."), where the
    document is timed so: three times or more, labels' included, never going back, not all
    on the five seconds (an agenda's "09:00 Welcome", "10:30 Coffee" are clock times)."""
    found: dict[int, tuple[float, str]] = {}
    times: list[float] = []
    for i in range(body_start, len(lines)):
        if is_blank(lines[i]):
            continue
        if label := inline[i]:
            if label.seconds is not None:
                times.append(label.seconds)
            continue
        at = only_time(lines[i])
        text = ""
        if at is None:
            text, at = without_leading_time(lines[i])
        if at is not None:
            found[i] = (at, text)
            times.append(at)
    if len(times) < 3 or any(b < a for a, b in zip(times, times[1:], strict=False)) or all(t % 5 == 0 for t in times):
        return {}
    return found


def _next_text(lines: list[str], i: int) -> int | None:
    """The index of the first line with text after line i, past any blank ones."""
    return next((j for j in range(i + 1, len(lines)) if not is_blank(lines[j])), None)


def _time_above_speech(lines: list[str], i: int, body_start: int, shapes: frozenset[str]) -> bool:
    """Whether speech follows a time written alone on line i: not a label, nor another time."""
    j = _next_text(lines, i)
    return j is not None and only_time(lines[j]) is None and _speech_follows(lines, i, body_start, shapes)


def _label_follows(lines: list[str], i: int, shapes: frozenset[str]) -> bool:
    """Whether the next line with text is a label with its speech on its line ("Alice: hi")."""
    j = _next_text(lines, i)
    found = read_label(lines[j], shapes, _is_name) if j is not None and shapes else None
    return found is not None and not found.alone


def _speech_follows(lines: list[str], i: int, body_start: int, shapes: frozenset[str]) -> bool:
    """Whether the next line with text, past any blank ones, is speech rather than another
    label, or a heading or bold line that may be one ("**What surprised you?**" is speech)."""
    j = _next_text(lines, i)
    if j is None or read_label(lines[j], shapes, _is_name) or _is_block_label(lines, j, body_start, shapes):
        return False
    may_label = _MARKDOWN_HEADING.match(lines[j]) or _BOLD_LINE.match(lines[j])
    return not may_label or _reads_as_speech(_label_line(lines[j])[0])


def _resolve_label(label: str, aliases: dict[str, str]) -> str:
    """Canonical speaker for a label, learning aliases as labels introduce people."""
    known = aliases.get(label.lower()) or aliases.get(label.lower().removeprefix("the "))  # "THE PRESIDENT"
    if known:
        return known
    outlet = _OUTLET.match(label)
    if outlet and outlet["name"].strip().lower() in _BRACKETED_ROLES and _names_someone(outlet["outlet"]):
        # "HOST (Dana Whitfield)": the person in the brackets, whose later labels give the
        # first name or the surname ("DANA", "DR. CASTILLO" after "GUEST (Dr. Ramon Castillo)")
        person = outlet["outlet"].strip()
        if outlet["name"].strip().lower() in _ONE_HOLDER_ROLES:  # a later "HOST:" alone is her
            aliases.setdefault(outlet["name"].strip().lower(), person)
        aliases.setdefault(person.lower(), person)
        aliases[label.lower()] = person
        return person
    if outlet and "," not in outlet["name"]:  # "Sabine Siebold (Reuters)"
        name = outlet["name"].strip().lower()
        if name not in _GENERIC_LABELS:
            aliases.setdefault(name, label)
        return label
    bare = _PARENS.sub("", label).strip()
    if "," in bare:  # "Mark Rutte, NATO Secretary General"
        name, role = _name_and_role(label)
        aliases[role.lower()] = name
        aliases.setdefault(name.lower(), name)
        return name
    person = _by_surname(label, aliases) or _by_full_name(label, aliases) or _by_first_name(label, aliases)
    if person:
        aliases[label.lower()] = person
        return person
    return label


def _name_and_role(text: str) -> tuple[str, str]:
    """(name, role) of "Mark Rutte, NATO Secretary General", and of "the Prime Minister of
    the Netherlands, Dick Schoof", whichever side of the comma the name is on."""
    first, second = (part.strip() for part in text.split(",", 1))
    if _is_full_name(_leading_title_words(second)) and not _is_full_name(first):
        return _leading_title_words(second), re.sub(r"(?i)^the\s+", "", first)
    return first, second


def _is_full_name(text: str) -> bool:
    """Two to five words, the first and last a name's ("Dick Schoof", "Ursula von der Leyen")."""
    words = text.split()
    return (
        2 <= len(words) <= 5
        and _is_name_word(words[0])
        and _is_name_word(words[-1])
        and all(_is_name_word(w) or w.lower() in _CONNECTORS for w in words)
    )


def _person_name(speaker: str) -> str:
    """A known speaker's name alone: "Sabine Siebold (Reuters)" -> "Sabine Siebold"."""
    return _PARENS.sub(" ", speaker).split(",")[0].strip()


def _the_one_known(aliases: dict[str, str], fits: Callable[[list[str]], bool], *, besides: str = "") -> str | None:
    """The one person already known, other than `besides`, whose full name (in lower case,
    word by word) `fits`; None when no one or several do."""
    people = {
        person
        for person in aliases.values()
        if person != besides and len(name := _person_name(person).lower().split()) >= 2 and fits(name)
    }
    return people.pop() if len(people) == 1 else None


def _by_full_name(label: str, aliases: dict[str, str]) -> str | None:
    """The one person already known whose full name ends the label, after a role: "NATO
    Secretary General Mark Rutte", "Prime Minister Dick Schoof"."""
    words = label.lower().split()
    return _the_one_known(aliases, lambda name: words[-len(name) :] == name, besides=label)


def _by_first_name(label: str, aliases: dict[str, str]) -> str | None:
    """The one person already known, introduced in brackets after a role, whose first name
    the label is: "DANA" -> "Dana Whitfield" of an earlier "HOST (Dana Whitfield)"."""
    words = label.lower().split()
    if len(words) != 1:
        return None
    bracketed = {
        person
        for key, person in aliases.items()
        if (role := _OUTLET.match(key)) and role["name"].strip() in _BRACKETED_ROLES
    }
    people = {p for p in bracketed if _untitled(p).lower().split()[:1] == words}
    return people.pop() if len(people) == 1 else None


def _untitled(name: str) -> str:
    """A name without the titles before it: "Dr. Ramon Castillo" -> "Ramon Castillo"."""
    words = name.split()
    while words and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def _by_surname(label: str, aliases: dict[str, str]) -> str | None:
    """The one person already known whose surname the label gives, alone or after a title:
    "MS. JEAN-PIERRE" -> "Karine Jean-Pierre" of the header's "by Press Secretary Karine
    Jean-Pierre", "Senator Warren" -> "Elizabeth Warren (D-MA)", "ASHBY" -> "TOM ASHBY" of
    an earlier "TOM ASHBY, HOST" (a news transcript's later turns); None when no one or two
    people carry that surname, or when the words before the surname are not titles."""
    words = label.replace(".", " ").lower().split()
    titles, surname = words[:-1], words[-1] if words else ""
    if not all(title in _TITLE_WORDS for title in titles) or len(surname) < 2:
        return None
    return _the_one_known(aliases, lambda name: name[-1] == surname)
