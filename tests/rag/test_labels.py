import pytest

from rag.labels import BARE_QUESTION, COLON, HEARING, Label, label_shapes, read_label, seconds, split_time
from rag.parsing import _is_name

ALL = frozenset({COLON, HEARING, BARE_QUESTION})


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
        ("Q Thank you, Karine. How much money?", Label("Q", "Thank you, Karine. How much money?", None)),
        ("**Jane Doe:** We agree.", Label("Jane Doe", "We agree.", None)),  # Markdown bold
        ("**Jane Doe**: We agree.", Label("Jane Doe", "We agree.", None)),
        ("__Jane Doe:__ We agree.", Label("Jane Doe", "We agree.", None)),
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
    ],
)
def test_prose_is_not_a_label(line):
    assert read_label(line, ALL, _is_name) is None


def test_a_shape_counts_once_two_lines_use_it():
    hearing = ["Mr. JONES. The grid failed.", "", "Chairman SMITH. Why?", "Mr. JONES. The cold."]
    assert label_shapes(hearing, _is_name) == {HEARING}
    assert label_shapes(["Yes SIR. That's right.", "He left at noon."], _is_name) == frozenset()
    assert read_label("Mr. JONES. The grid failed.", frozenset({COLON}), _is_name) is None  # not this document's shape
