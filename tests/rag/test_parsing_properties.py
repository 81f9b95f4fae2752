"""Properties of the parsers for any text, found by hypothesis rather than by example."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.errors import TranscriptFormatError
from rag.lines import is_blank, split_lines
from rag.parsing import parse_text, read_transcript

# Lines shaped like transcripts (labels, inline labels, headers, blanks) mixed with noise.
LINE = st.one_of(
    st.sampled_from(
        [
            "",
            "   ",
            "Mark Rutte, NATO Secretary General",
            "Sabine Siebold (Reuters)",
            "NATO Secretary General",
            "Question (CNN TÜRK)",
            "by NATO Secretary General Mark Rutte",
            "15 May 2025",
            "Jane: I think so.",
            "Bob Smith: No: not at all.",
            "We will have a thousand warheads.",
            "Mr. JONES. The grid failed.",
            "The CHAIRMAN. Order.",
            "Q Thank you. How much?",
            "[00:01:23] ALICE WONG: Hi.",
            "Joe Biden: (01:15)",
            "Speaker 1 (00:00:03):",
            "Jane Smith  0:15",
            "Q12 Chair: Welcome.",
            "**Jane Doe:** Hi.",
            "**Jane Doe**",
            "- **Alice:** We shipped it.",
            ">> SENATOR SMITH: I yield.",
            ">> THANK YOU.",
            "## Budget",
            "**Budget Discussion**",
            "Public Comment",
            "John Smith - 00:12",
            "0:04",
            "0:04 look at why solar got cheap",
            "1:02 P.M. EDT",
            "**(Applause)**",
            "* Note: the study is late.",
            ">>",
            "[00:00:01] >> GOOD EVENING.",
            ">> **Jane** said hi.",
            "**:**",
            "0:09",
            "00:00:01,000 --> 00:00:04,000",
            "**What surprised you?**",
        ]
    ),
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=40),
)
SEPARATOR = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(LINE, SEPARATOR), max_size=30))
def test_every_non_blank_line_is_header_label_or_in_exactly_one_turn(pairs):
    text = "".join(line + sep for line, sep in pairs)
    lines = split_lines(text)
    transcript = parse_text(text, "doc")
    assert list(transcript.lines) == lines
    owner: dict[int, int] = {}
    for index, turn in enumerate(transcript.turns):
        assert 1 <= turn.line_start <= turn.line_end <= len(lines)
        assert len(turn.lines) == turn.line_end - turn.line_start + 1
        assert not turn.line_times or len(turn.line_times) == len(turn.lines)
        for offset, turn_line in enumerate(turn.lines):
            number = turn.line_start + offset
            assert number not in owner, "a line belongs to two turns"
            owner[number] = index
            assert lines[number - 1].endswith(turn_line)  # the line itself, or it without its inline label
    starts = {t.line_start for t in transcript.turns}
    first = min(starts, default=len(lines) + 1)
    for number, line in enumerate(lines, 1):
        if not is_blank(line) and number not in owner:
            # not in a turn: a header line before the first turn, or the label line above a turn
            assert number < first or any(number < s and all(is_blank(x) for x in lines[number : s - 1]) for s in starts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".txt", ".md", ".srt", ".vtt", ".json"]))
def test_reading_any_bytes_raises_only_the_projects_format_error(tmp_path: Path, data, suffix):
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data)
    try:
        transcript = read_transcript(path)
    except TranscriptFormatError:
        return
    for turn in transcript.turns:
        assert 1 <= turn.line_start <= turn.line_end <= max(len(transcript.lines), 1)
