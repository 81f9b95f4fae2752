import pytest

from rag.answer_types import asks_time, states_time


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When will Allies take the formal decisions?", True),
        ("Since when has Rutte been saying that Allies must spend more?", True),
        ("So when was it signed?", True),
        ("Which earlier deal did he hold up as a warning, and from when?", True),
        ("In what year was the treaty signed?", True),
        ("How long ago was Rutte in Japan?", True),
        ("What did Rutte say when asked about China?", False),  # "when" inside, not asked
        ("Why did the ministers meet?", False),
        ("Where is the summit held?", False),
    ],
)
def test_asks_time(question, expected):
    assert asks_time(question) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Our Summit in the Hague just six weeks from now.", True),
        ("We will work closely in the coming weeks.", True),
        ("As I've said consistently since October.", True),
        ("The meeting I had with Chancellor Merz last Friday.", True),
        ("The Minsk agreements of 2014.", True),
        ("Most Allies are now set to reach 2% this year.", True),
        ("We will prepare formal decisions for the Summit.", False),
        ("Increased defence spending is essential to our security.", False),
        ("They have 5,000 warheads.", False),  # a number is not a year
    ],
)
def test_states_time(sentence, expected):
    assert states_time(sentence) is expected
