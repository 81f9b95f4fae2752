import pytest

from rag.followups import needs_context, standalone_query


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many warheads will they have?", True),
        ("And what about Ukraine?", True),
        ("How many warheads?", True),
        ("What did Rutte say about China?", False),
        ("How will the Alliance react to the incident in the Baltic Sea?", False),
    ],
)
def test_needs_context(question, expected):
    assert needs_context(question) is expected


def test_standalone_query_leads_with_the_latest_question():
    history = ["What is the Hague plan?", "What did Rutte say about China?"]
    assert standalone_query("How many warheads?", history) == "What did Rutte say about China? How many warheads?"
    assert standalone_query("How many warheads?", []) == "How many warheads?"
    assert standalone_query("What did Rutte say about Ukraine?", history) == "What did Rutte say about Ukraine?"
