import signal

import pytest

from rag.labels import (
    ALL_SHAPES,
    COLON,
    DEPOSITION,
    HEARING,
    Label,
    label_shapes,
    read_label,
    seconds,
    split_time,
)
from rag.parsing import _is_name

ALL = ALL_SHAPES


@pytest.mark.parametrize(
    ("time", "expected"), [("01:02:03", 3723.0), ("1:15", 75.0), ("00:00:03,500", 3.5), ("0:07.25", 7.25)]
)
def test_seconds(time, expected):
    assert seconds(time) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Speaker 1 (00:00:03)", ("Speaker 1", 3.0)),  # Rev
        ("Jane Smith  0:15", ("Jane Smith", 15.0)),  # Otter
        ("[00:01:23] Alice Wong", ("Alice Wong", 83.0)),
        ("Jane Doe", ("Jane Doe", None)),
        ("00:15", ("00:15", None)),  # a time alone is not a label with a time
        ("Room 4:30", ("Room", 270.0)),
        ("John Smith - 00:12", ("John Smith", 12.0)),  # a separator before the time
        ("Mary Jones | 1:02:03", ("Mary Jones", 3723.0)),
    ],
)
def test_split_time(label, expected):
    assert split_time(label) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Jane Doe: We agree.", Label("Jane Doe", "We agree.", None)),
        ("[00:01:23] ALICE WONG: Let's start.", Label("ALICE WONG", "Let's start.", 83.0)),
        ("00:01:23 - Bob: Yes.", Label("Bob", "Yes.", 83.0)),
        ("Speaker 1 (00:00:03): Welcome.", Label("Speaker 1", "Welcome.", 3.0)),
        ("Joe Biden: (01:15)", Label("Joe Biden", "(01:15)", 75.0, alone=True)),  # the speech is beneath
        ("Q12 Chair: Could you introduce yourself?", Label("Chair", "Could you introduce yourself?", None)),
        ("Mr. JONES. Thank you, Mr. Chairman.", Label("Mr. JONES", "Thank you, Mr. Chairman.", None)),
        (
            "The CHAIRMAN. The committee will come to order.",
            Label("The CHAIRMAN", "The committee will come to order.", None),
        ),
        ("Ms. DeLAURO. I yield back.", Label("Ms. DeLAURO", "I yield back.", None)),
        ("Mr. JOHNSON of Georgia. Thank you.", Label("Mr. JOHNSON of Georgia", "Thank you.", None)),
        ("Ms. JACKSON LEE. Thank you.", Label("Ms. JACKSON LEE", "Thank you.", None)),
        ("Mr. LUJÁN. Thank you.", Label("Mr. LUJÁN", "Thank you.", None)),
        ("Mr. Van DREW. Yes.", Label("Mr. Van DREW", "Yes.", None)),
        ("Mr. DesJARLAIS. Yes.", Label("Mr. DesJARLAIS", "Yes.", None)),
        ("The ACTING CHAIRMAN. Time has expired.", Label("The ACTING CHAIRMAN", "Time has expired.", None)),
        ("The SPEAKER pro tempore. So ordered.", Label("The SPEAKER pro tempore", "So ordered.", None)),
        ("Senator CARPER [presiding]. Thank you.", Label("Senator CARPER [presiding]", "Thank you.", None)),
        ("Q    -- and on Ukraine?", Label("Q", "-- and on Ukraine?", None)),
        ("Q. Where do you work?", Label("Q", "Where do you work?", None)),  # a deposition
        ("A. At the plant.", Label("A", "At the plant.", None)),
        ("[00:01:23] **Jane Doe:** Hello.", Label("Jane Doe", "Hello.", 83.0)),
        ("Q Thank you, Karine. How much money?", Label("Q", "Thank you, Karine. How much money?", None)),
        ("**Jane Doe:** We agree.", Label("Jane Doe", "We agree.", None)),  # Markdown bold
        ("**Jane Doe**: We agree.", Label("Jane Doe", "We agree.", None)),
        ("__Jane Doe:__ We agree.", Label("Jane Doe", "We agree.", None)),
        ("- **Alice:** We shipped it.", Label("Alice", "We shipped it.", None)),  # a Markdown list
        ("* Bob: Latency went up.", Label("Bob", "Latency went up.", None)),
        (">> SENATOR SMITH: I yield.", Label("SENATOR SMITH", "I yield.", None)),  # closed captions
        (">> JOHN YANG, PBS NEWS: Good evening.", Label("JOHN YANG, PBS NEWS", "Good evening.", None)),
        (">>THANK YOU, MR. PRESIDENT.", Label("", "THANK YOU, MR. PRESIDENT.", None)),  # a new speaker, unnamed
    ],
)
def test_read_label(line, expected):
    assert read_label(line, ALL, _is_name) == expected


@pytest.mark.parametrize(
    "line",
    [
        "We agreed on one thing: the budget.",  # prose before the colon
        "OK. So let's begin.",  # capitals with no title before them
        "Mr. Jones said so. Then he left.",  # a surname not in capitals
        "Q3 results were strong.",
        "The meeting ended at 4:30.",
        "The EU. We agree.",  # "The" before a word that is no office
        "In NATO. We agree.",  # capitals after words that are no titles
        "World War II. That was the turning point.",
        "Yeah OK. Fine.",
        "-5 degrees: that was the low.",  # a minus sign is no list marker
    ],
)
def test_prose_is_not_a_label(line):
    assert read_label(line, ALL, _is_name) is None


def test_a_shape_counts_once_two_lines_use_it():
    hearing = ["Mr. JONES. The grid failed.", "", "Chairman SMITH. Why?", "Mr. JONES. The cold."]
    assert label_shapes(hearing, _is_name) == {HEARING}
    assert label_shapes(["Yes SIR. That's right.", "He left at noon."], _is_name) == frozenset()
    assert read_label("Mr. JONES. The grid failed.", frozenset({COLON}), _is_name) is None  # not this document's shape
    # A deposition's Q. and A. count together: two list items "A." are not one.
    assert label_shapes(["Q. Your name?", "A. John Doe.", "Q. Your work?"], _is_name) == {DEPOSITION}
    assert label_shapes(["A. Background.", "A. Scope of work."], _is_name) == frozenset()


@pytest.mark.parametrize("line", [" " * 100_000 + "x", "x" + " " * 100_000 + "x", " " * 100_000 + "1:15"])
def test_long_runs_of_whitespace_parse_in_linear_time(line):
    # A pattern that retries every space of a run took minutes here (a 100,000-character
    # line is allowed); linear, this is well under a second. The alarm fails it, 20 s on.
    from rag.parsing import parse_text

    def too_slow(*_):
        raise TimeoutError("parsing a line of 100,000 characters took over 20 s: a pattern backtracks")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(20)
    try:
        transcript = parse_text(f"Title\n\nJane: hi\nBob: yes\n{line}\nnext line\n", "x")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert sum(len(turn.lines) for turn in transcript.turns) == 4
