import pytest

from rag.answer_types import asks_time, states_time, without_dates


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When will Allies take the formal decisions?", True),
        ("Since when has Rutte been saying that Allies must spend more?", True),
        ("So when was it signed?", True),
        ("Secretary General, when is the summit?", True),  # a form of address first
        ("Okay, when will it open?", True),
        ("Which earlier deal did he hold up as a warning, and from when?", True),
        ("In what year was the treaty signed?", True),
        ("On what date did Rutte give this press conference?", True),
        ("How long ago was Rutte in Japan?", True),
        ("What did Rutte say when asked about China?", False),  # "when" inside, not asked
        ("How long has the mission lasted?", False),  # a duration, not a time
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
        ("The summit is in two weeks.", True),
        ("Within a few months we will be ready.", True),
        ("As I've said consistently since October.", True),
        ("The meeting I had with Chancellor Merz last Friday.", True),
        ("The Minsk agreements of 2014.", True),
        ("Most Allies are now set to reach 2% this year.", True),
        ("They will have a thousand warheads by the end of the decade.", True),
        ("Last updated: 15 May. 2025 15:58", True),
        ("We start in May.", True),
        ("We meet at 10 a.m.", True),
        ("We will prepare formal decisions for the Summit.", False),
        ("Increased defence spending is essential to our security.", False),
        ("They have 5,000 warheads.", False),  # a number is not a year
        ("It costs 2000 euros.", False),  # nor is a number before a plural noun
        ("May I ask a question?", False),  # verbs, not months
        ("I will march on.", False),
        ("Since the cost is high, we wait.", False),  # "since" for "because"
        ("Until we agree, nothing is agreed.", False),
        ("At the end of the day it is for Germany to decide.", False),  # an idiom
        ("The ratio was 1:20.", False),
    ],
)
def test_states_time(sentence, expected):
    assert states_time(sentence) is expected


@pytest.mark.parametrize(
    ("sentence", "left"),
    [
        ("In 2025 we hired 40.", "we hired 40."),
        ("Welcome to the third quarter 2025 earnings call.", "Welcome to the third earnings call."),
        ("We met on October 23, then on 4 May.", "We met on , then on ."),
        ("We spent 2000 euros.", "We spent 2000 euros."),  # a bare figure counts
        ("Fiscal 2024 ended after 1900 layoffs.", "ended after 1900 layoffs."),
        ("It cost $2025.", "It cost $2025."),
    ],
)
def test_without_dates_blanks_what_dates_and_keeps_what_counts(sentence, left):
    assert " ".join(without_dates(sentence).split()) == left
    assert len(without_dates(sentence)) == len(sentence)  # blanked, not cut: offsets still hold
