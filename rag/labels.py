"""Speaker labels as the common transcript shapes write them at the start of a line.

rag/parsing.py reads the press-conference label lines and the meeting form `Name: text`.
Transcripts of interviews and hearings, and those from transcription services, write
their labels in more shapes; each is read here:
- `Name: text`, the meeting form;
- a timestamp before or after a label: "[00:01:23] ALICE WONG: text" (caption and
  transcription exports), "Speaker 1 (00:00:03):" and "Joe Biden: (01:15)" (Rev),
  "Jane Smith  0:15" (Otter). The time becomes the turn's time_start, so a citation
  says when the turn began in the recording;
- a question number before a label: "Q12 Chair: text" (UK select committee evidence);
- a printed congressional hearing's "Mr. JONES. text", "Ms. JACKSON LEE. text", "The
  CHAIRMAN. text": titles, then a surname or an office in capitals and a full stop;
- a White House briefing's "Q Thank you, Karine.": a journalist's question, unnamed;
- a deposition's or court record's "Q. Where do you work?" / "A. At the plant.";
- any of these in Markdown bold, "**Jane Doe:** text" or "**Jane Doe**" above the text,
  or after a caption's speaker-change mark, ">> SENATOR SMITH: text" (one such line is
  enough among captions; a name of more than three words needs a title, so ">> ON THE
  NEWSHOUR TONIGHT: ..." is speech);
- after a list marker: "- **Alice:** text" in bold, or "- Alice: text" where the list is
  the transcript: where colon labels without a marker are few (under a third as many), so
  "* Note: the study is delayed." under "Chair Davis:" is her speech;
- closed captions' ">>" (TV and C-SPAN captions): a new speaker, unnamed.
A shape counts in a document only when at least two lines use it (a deposition's only
when both Q. and A. lines do), so a line of prose that looks like a label is not read as
one. The patterns are linear in the line's length: a line may hold 100,000 characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_TIME = r"(?:\d{1,2}:)?\d{1,2}:[0-5]\d(?:[.,]\d{1,3})?"
# A clock time is no time into the recording: "1:02 P.M. EDT" leads no speech.
# "00:00:01,000 --> 00:00:04,000", a subtitle cue's times pasted as text: the start is its time.
_RANGE = rf"(?:\s*-->\s*{_TIME})?"
_LEADING_TIME = re.compile(
    rf"^\s*(?:\[(?P<b>{_TIME})\]|\((?P<p>{_TIME})\)|(?P<t>{_TIME}){_RANGE}(?=\s)(?!\s*[AaPp]\.?\s?[Mm]\b))"
    r"\s*(?:[-–—|]\s*)?"
)
# Searched in a right-stripped label; no leading \s*, which would retry every space of a run.
_TRAILING_TIME = re.compile(rf"(?:\[(?P<b>{_TIME})\]|\((?P<p>{_TIME})\)|(?<=\s)(?P<t>{_TIME}))$")
_TIME_ALONE = re.compile(rf"\[(?P<b>{_TIME})\]|\((?P<p>{_TIME})\)|(?P<t>{_TIME}){_RANGE}")
COLON_LABEL = re.compile(r"^\s*(?P<name>[^:\s][^:]{0,59}?):\s+(?P<text>\S.*)$")
# "Speaker 1 (00:00:03): Hi": the colon form with a time inside the label
_TIMED_COLON = re.compile(rf"^\s*(?P<name>[^:\s][^:]{{0,59}}?[\[(]{_TIME}[\])]):\s+(?P<text>\S.*)$")
_QUESTION_NUMBER = re.compile(r"^Q\d+\s+(?=\S)")
_CAPITALS = r"(?:[A-Z][a-z]{1,2})?[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+"  # JONES, McCARTHY, DeLAURO, LUJÁN
_HEARING = re.compile(
    rf"^\s*(?P<name>(?P<lead>(?:[A-Z][a-z]*\.?\s+){{1,4}})(?P<capitals>{_CAPITALS}(?:\s+{_CAPITALS})*)"
    r"(?:\s+of\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|\s+pro\s+tempore)?(?:\s+\[[a-z ]{1,20}\])?)"  # of Georgia, [presiding]
    r"\.\s+(?P<text>\S.*)$"
)
# Words written before a surname in a label: "Mr.", "Senator", "Chairman", "MS." ...
TITLES = frozenset(
    "mr mrs ms miss mx dr prof professor sen senator rep representative gov governor gen general adm admiral"
    " hon sir dame lord lady chair chairman chairwoman chairperson secretary ambassador director commissioner"
    " administrator judge justice mayor delegate speaker president vice acting ranking member chief deputy"
    " assistant attorney colonel col captain capt major lieutenant lt sergeant sgt commander minister".split()
)
# After "The", offices in capitals: "The CHAIRMAN.", "The PRESIDING OFFICER.", "The SPEAKER pro tempore."
_OFFICES = TITLES | {"presiding", "officer", "clerk", "witness", "court", "moderator", "reporter", "interpreter"}
_PARTICLES = {"van", "von", "de", "del", "della", "di", "du", "la", "le", "st"}  # "Mr. Van DREW": the surname's
_EMPHASIS = re.compile(r"^(?P<lead>\s*)(?P<mark>\*\*|__)(?P<name>[^*_]{1,80}?)(?P<inner>:?)(?P=mark)(?P<outer>:?)")
# A caption's speaker-change mark or a list marker before a label: ">> SENATOR SMITH: Hi", "- **Alice:** Hi"
_MARKER = re.compile(r"^\s*(?:(?P<caption>>{2,})\s*|[-*+•]\s+(?=\S))")
_BARE_QUESTION = re.compile(r"^\s*Q\s+(?P<text>\S.*)$")
_DEPOSITION = re.compile(r"^\s*(?P<name>[QA])\.\s+(?P<text>\S.*)$")

COLON, LISTED, HEARING = "colon", "listed colon", "hearing"
BARE_QUESTION, DEPOSITION, CAPTION = "bare question", "deposition", "caption"
_ORDER = (COLON, LISTED, HEARING, BARE_QUESTION, DEPOSITION, CAPTION)  # a line is read in the first shape it fits
ALL_SHAPES = frozenset(_ORDER)


@dataclass(frozen=True, slots=True)
class Label:
    name: str  # as written, without its timestamp or question number
    text: str  # what follows it on the line
    seconds: float | None  # the timestamp written with it, if any
    alone: bool = False  # the text is only a timestamp ("Joe Biden: (01:15)") or nothing: the speech is beneath


@dataclass(frozen=True, slots=True)
class _Part:
    """A line as its label is read: without the marks around the label."""

    body: str  # without a timestamp, a caption's or list's mark, or Markdown bold around the label
    time: float | None  # the timestamp before the label, if any
    mark: str  # "caption" (">>"), "list" ("- ", "* ", "+ ", "• ") or ""
    bold: bool  # the label is in Markdown bold
    tail: str  # the line after its timestamp and mark, as written: a caption's text


def seconds(time: str) -> float:
    """ "01:02:03" -> 3723.0, "1:15" -> 75.0, "00:00:03,500" -> 3.5."""
    whole, _, fraction = time.replace(",", ".").partition(".")
    total = 0
    for part in whole.split(":"):
        total = total * 60 + int(part)
    return total + (float(f"0.{fraction}") if fraction else 0.0)


def _time_of(match: re.Match[str]) -> float:
    return seconds(match["b"] or match["p"] or match["t"])


def without_leading_time(line: str) -> tuple[str, float | None]:
    """ "[00:01:23] ALICE WONG: Hi" -> ("ALICE WONG: Hi", 83.0); a line without one is returned as it is."""
    match = _LEADING_TIME.match(line)
    if not match or not line[match.end() :].strip():
        return line, None
    return line[match.end() :], _time_of(match)


def without_emphasis(line: str) -> str:
    """A label at the start of `line` out of its Markdown bold: "**Jane Doe:** Hi" -> "Jane Doe: Hi"."""
    match = _EMPHASIS.match(line)
    if not match or (match["inner"] and match["outer"]):
        return line
    colon = ":" if match["inner"] or match["outer"] else ""
    return f"{match['lead']}{match['name']}{colon}{line[match.end() :]}"


def split_time(label: str) -> tuple[str, float | None]:
    """A label without the timestamp written before or after it: "Speaker 1 (00:00:03)" -> ("Speaker 1", 3.0)."""
    rest, time = without_leading_time(label)
    rest = rest.strip()
    match = _TRAILING_TIME.search(rest)
    if match and (name := rest[: match.start()].strip().rstrip("-–—|·").strip()):  # "John Smith - 00:00"
        return name, _time_of(match)
    return rest, time


def only_time(text: str) -> float | None:
    """The time when `text` is a timestamp and nothing else ("(01:15)"), else None."""
    match = _TIME_ALONE.fullmatch(text.strip())
    return _time_of(match) if match else None


def read_label(line: str, shapes: frozenset[str], is_name: Callable[[str], bool]) -> Label | None:
    """The label at the start of `line` in one of the document's `shapes`, or None.

    `is_name` tells a name from prose for the colon form ("We agreed on one thing: ...").
    Example: read_label("Q3 Chair: Welcome.", frozenset({COLON}), is_name) == Label("Chair", "Welcome.", None)
    """
    part = _label_part(line)
    if CAPTION in shapes and part.mark == "caption":  # among captions, one ">> NAME:" is enough
        shapes = shapes | {COLON}
    return next((found for shape in _ORDER if shape in shapes if (found := _read(shape, part, is_name))), None)


def has_bold_label(line: str) -> bool:
    """Whether the line's label, if it has one, is in Markdown bold: "- **Alice:** Hi"."""
    return _label_part(line).bold


def plain_label_line(line: str) -> str:
    """The line as its label reads: "- **Alice:** Hi" -> "Alice: Hi", "[00:01] >> BOB: Yes" -> "BOB: Yes",
    "Q12 Chair: Welcome" -> "Chair: Welcome"."""
    return _QUESTION_NUMBER.sub("", _label_part(line).body)


def _label_part(line: str) -> _Part:
    rest, time = without_leading_time(line)  # "[00:00:01] >> GOOD EVENING."
    marker = _MARKER.match(rest)
    if marker:
        rest = rest[marker.end() :]
    tail, unbolded = rest, without_emphasis(rest)
    if time is None:
        unbolded, time = without_leading_time(unbolded)  # "- [00:01] Alice: Hi", "**[00:01]** ..."
    body = without_emphasis(unbolded)  # "[00:01:23] **Jane Doe:** Hi"
    mark = "" if not marker else "caption" if marker["caption"] else "list"
    return _Part(body, time, mark, unbolded != rest or body != unbolded, tail)


def _read(shape: str, part: _Part, is_name: Callable[[str], bool]) -> Label | None:
    """The label of one shape at the start of a line, read as its _label_part, or None."""
    body, time = part.body, part.time
    listed = part.mark == "list" and not part.bold  # "- Alice: Hi" is its own shape, "- **Alice:** Hi" is not
    if shape in (COLON, LISTED) and listed == (shape == LISTED):
        match = _TIMED_COLON.match(body) or COLON_LABEL.match(body)
        name, label_time = split_time(_QUESTION_NUMBER.sub("", match["name"])) if match else ("", None)
        if match and is_name(name) and (part.mark != "caption" or _is_caption_name(name)):
            text_time = only_time(match["text"])
            return Label(name, match["text"], _first(time, label_time, text_time), text_time is not None)
    if shape == HEARING and (match := _HEARING.match(body)) and _is_hearing_label(match):
        return Label(match["name"], match["text"], time)
    if shape == BARE_QUESTION and (match := _BARE_QUESTION.match(body)):
        return Label("Q", match["text"], time)
    if shape == DEPOSITION and (match := _DEPOSITION.match(body)):
        return Label(match["name"], match["text"], time)
    if shape == CAPTION and part.mark == "caption":
        return Label("", part.tail, time, alone=not part.tail.strip())  # ">>" alone: the speech is beneath
    return None


def _is_caption_name(name: str) -> bool:
    """A name in captions, which are in capitals: three words at most, or a title first
    ("SENATOR SMITH", "JUDY WOODRUFF"); ">> ON THE NEWSHOUR TONIGHT: ..." is speech."""
    words = name.split(",")[0].split()  # "JOHN YANG, PBS NEWS"
    return len(words) <= 3 or words[0].rstrip(".").lower() in TITLES


def _is_hearing_label(match: re.Match[str]) -> bool:
    """Titles before the capitals ("Mr.", "Senator", "Chairman"), or "The" before an office:
    "The EU. We agree." and "In NATO. We agree." are prose."""
    lead = [word.rstrip(".").lower() for word in match["lead"].split()]
    while lead and lead[-1] in _PARTICLES:  # "Mr. Van DREW"
        lead.pop()
    if lead == ["the"]:
        return all(word.lower() in _OFFICES for word in match["capitals"].split())
    return bool(lead) and all(word in TITLES for word in lead)


def label_shapes(lines: Sequence[str], is_name: Callable[[str], bool]) -> frozenset[str]:
    """The shapes at least two of `lines` are written in; a deposition's when a Q. and an A.
    line are; captions' when two lines start with ">>" and they outnumber colon labels, and
    then the colon form only where two lines without ">>" use it; labels after list markers
    where they outnumber other labels three to one and the list's other items, and one of
    them speaks twice."""
    seen: dict[str, int] = {}
    letters: set[str] = set()
    items = captions = 0  # lines after a list marker, after ">>"
    listed_names: dict[str, int] = {}
    for line in lines:
        if not line.strip():
            continue
        part = _label_part(line)
        items += part.mark == "list"
        captions += part.mark == "caption"
        for shape in _ORDER:
            if found := _read(shape, part, is_name):
                key = "caption colon" if shape == COLON and part.mark == "caption" else shape
                seen[key] = seen.get(key, 0) + 1
                if shape == DEPOSITION:
                    letters.add(found.name)
                if shape == LISTED:
                    listed_names[found.name] = listed_names.get(found.name, 0) + 1
                break
    in_captions = seen.pop("caption colon", 0)
    used = {shape for shape, n in seen.items() if n >= 2} - {CAPTION}
    if captions >= 2 and captions > seen.get(COLON, 0):  # not ">> We can't ship." quoted among "Alice: ..." turns
        used.add(CAPTION)
    elif seen.get(COLON, 0) + in_captions >= 2:
        used.add(COLON)
    listed = seen.get(LISTED, 0)
    others = sum(seen.values()) + in_captions - listed
    # "* Note: ..." items in a speech: a listed transcript has more of them than other labels
    # and other items, and someone speaks twice ("* Schools: ... * Roads: ..." is a plan)
    if listed <= 3 * others or 2 * listed <= items or max(listed_names.values(), default=0) < 2:
        used.discard(LISTED)
    return frozenset(used if letters == {"Q", "A"} else used - {DEPOSITION})


def _first(*times: float | None) -> float | None:
    return next((t for t in times if t is not None), None)
