import pytest

from rag.followups import holds_its_own_words, is_short, needs_context, points_back, standalone_query


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many warheads will they have?", True),
        ("And what about Ukraine?", True),
        ("How many warheads?", True),
        ("What did Rutte say about China?", False),
        ("How will the Alliance react to the incident in the Baltic Sea?", False),
        # pointing back: a pronoun before any name, "that" after a preposition or "be",
        # "there" as a place
        ("What missions did he say NATO already has in that region?", True),
        ("How many Allies were still below that level at the start of the year?", True),
        ("Where was that press conference with the chancellor held?", True),
        ("What did they say there?", True),
        # standing alone: "that" opening a clause, "there" saying something exists, a pronoun
        # after the name it points to, "this" for the transcript itself
        ("Did Rutte confirm that IP4 leaders have been invited to the Hague summit?", False),
        ("What past agreement did Rutte cite as an example of a ceasefire that didn't last?", False),
        ("Who announced there was time for only one or two more questions?", False),
        ("Why did Rutte open his answer to the FAZ journalist by talking about Germany?", False),
        ("On what date did Rutte give this press conference?", False),
        ("Did the foreign ministers renew their commitment to backing Kyiv?", False),
        ("What did they say about their budget?", True),
    ],
)
def test_needs_context(question, expected):
    assert needs_context(question) is expected


def test_standalone_query_leads_with_the_latest_question():
    history = ["What is the Hague plan?", "What did Rutte say about China?"]
    assert standalone_query("How many warheads?", history) == "What did Rutte say about China? How many warheads?"
    assert standalone_query("How many warheads?", []) == "How many warheads?"
    assert standalone_query("What did Rutte say about Ukraine?", history) == "What did Rutte say about Ukraine?"


def test_points_back_and_is_short_split_needs_context():
    assert points_back("And how many warheads?") and not points_back("How many warheads?")
    assert is_short("How many warheads?") and not is_short("What did the ministers agree on the defence budget?")
    assert not is_short("What did Rutte say?")  # names someone


def test_holds_its_own_words_wants_half_of_them_found():
    found = ["China will have a thousand nuclear warheads by the end of the decade."]
    assert holds_its_own_words("How many warheads?", found)
    assert not holds_its_own_words("What is the boiling point of mercury?", found)
    assert holds_its_own_words("Nuclear warheads of mercury?", found)  # two of three
