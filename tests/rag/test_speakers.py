import pytest

from rag.speakers import named_speaker

SPEAKERS = [
    "Mark Rutte",
    "Allison Hart",
    "Sabine Siebold (Reuters)",
    "Question (CNN TÜRK)",
    "Grad E",
    "Grad A",
    "Marketing",
    "Julie Morgan AM",
    "Eluned Morgan AM",
    "Industrial Designer",
    "User Interface",
    "Professor C",
]


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("What did Rutte say about the Baltic Sea?", "Mark Rutte"),
        ("What did the Reuters reporter ask?", "Sabine Siebold (Reuters)"),
        ("What did the CNN TÜRK journalist want to know?", "Question (CNN TÜRK)"),
        ("What did Grad E think of the plan?", "Grad E"),
        ("What did Marketing propose?", "Marketing"),
        ("What was the marketing plan?", None),  # the common noun names nobody
        ("Who asked Rutte about China?", None),  # looks for a speaker, names none
        ("What did Grad students say?", None),  # every Grad label matches part-way: none chosen
        ("Did Rutte answer Siebold?", None),  # two speakers: ambiguous
        ("How many warheads?", None),
        ("What did Julie Morgan think of the monitoring system?", "Julie Morgan AM"),  # "AM": no surname
        ("What did Morgan say about pay?", None),  # two Morgans, neither written out
        ("What did Industrial Designer think of the user interface?", "Industrial Designer"),
        ("How did User Interface answer Industrial Designer?", None),  # both capitalised
        ("What did C think about the recording equipment?", "Professor C"),  # a letter for a label
        ("Was Plan C or the recording equipment cheaper?", None),  # a letter after a capitalised word
        ("What did c think?", None),  # lower case: no label
    ],
)
def test_named_speaker(question, speaker):
    assert named_speaker(question, SPEAKERS) == speaker


def test_pipeline_answers_from_the_named_speaker(presser_pipeline):
    result = presser_pipeline.ask("What did Maria Lopez say about the training centre?")
    assert {h.passage.speaker for h in result.hits} == {"Maria Lopez (Radio Sur)"}
