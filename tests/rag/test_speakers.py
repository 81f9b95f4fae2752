from pathlib import Path

import pytest

from rag.speakers import (
    asks_affiliation,
    asks_moderator,
    asks_who_is,
    introduces,
    named_speaker,
    says_speaking,
    stands_out,
    without_name,
)

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
    "MS. SOLIS",
    "THE COURT",
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
        # "the court" in lower case is no speaker beside the capitalised "Solis"
        ("What did Renata Solis tell the court?", "MS. SOLIS"),
        ("What did the court decide?", "THE COURT"),
        ("Why did the judge go below the guideline range?", "THE COURT"),  # a court transcript's judge
        ("What did the court tell Solis?", None),  # Solis is spoken to: two named, neither chosen
    ],
)
def test_named_speaker(question, speaker):
    assert named_speaker(question, SPEAKERS) == speaker


def test_pipeline_answers_from_the_named_speaker_then_shows_the_others(presser_pipeline):
    result = presser_pipeline.ask("What did Maria Lopez say about the training centre?", k=5)
    assert [c.speaker for c in result.answer.citations] == ["Maria Lopez (Radio Sur)"]
    # her one turn first, then what the others said on it
    speakers = [h.passage.speaker for h in result.hits]
    assert speakers[0] == "Maria Lopez (Radio Sur)"
    assert "Jane Doe" in speakers[1:]
    assert len(result.hits) == 5


def test_a_named_speaker_with_one_turn_is_still_the_one_quoted(presser_pipeline):
    # Maria Lopez says nothing of instructors, Jane Doe does: the answer still quotes the
    # person asked about, the passages shown bring the others
    result = presser_pipeline.ask("What did Maria Lopez say about the instructors?", k=5)
    assert {c.speaker for c in result.answer.citations} == {"Maria Lopez (Radio Sur)"}
    assert "Jane Doe" in {h.passage.speaker for h in result.hits}


def test_a_named_speakers_first_three_turns_lead(presser_pipeline):
    hits = presser_pipeline.ask("What did Jane Doe say about the training centre?", k=5).hits
    assert [h.passage.speaker for h in hits[:3]] == ["Jane Doe"] * 3
    assert {h.passage.speaker for h in hits[3:]} <= {"Ali Kaya (Daily News)", "Maria Lopez (Radio Sur)"}
    # a speaker the user chose with --speaker still filters
    chosen = presser_pipeline.ask("What did Jane Doe say about the training centre?", k=5, speaker="Jane Doe").hits
    assert {h.passage.speaker for h in chosen} == {"Jane Doe"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which newspaper does Thomas Gutschker write for?", True),
        ("Which paper is Mizuho Morioka from?", True),
        ("Which outlet does Maria Ortega represent?", True),
        ("What is Allison Hart's role?", True),
        ("Which bank is Marcus Lee from?", True),
        ("What bank is Marcus Lee with?", True),
        ("What did Marcus Lee ask about the bank?", False),
        ("Which company did Okoro plan to buy?", False),
        ("Which bank will lead the deal?", False),
        ("Where are the jets coming from?", False),
        ("What is Marcus Lee concerned with?", False),
        ("What is Daniel Okoro pleased with?", False),
        ("Which city is the delegation travelling from?", False),
        ("Where is Marcus Lee from?", True),
        ("Which bank is Marcus Lee at?", True),
        ("Which bank does Marcus Lee work at?", True),
        ("What is Marcus Lee's firm?", True),
        ("Which company is Helen Brandt negotiating with?", False),
        ("Where is Daniel Okoro's growth coming from?", False),
        ("What is Rutte's position on Ukraine joining the EU?", False),  # what he said
        ("What did Maria Ortega ask about Türkiye's role?", False),
        ("Which paper did the ministers discuss?", False),
    ],
)
def test_asks_affiliation(question, expected):
    assert asks_affiliation(question) is expected


def test_asks_who_is_only_a_speakers_name():
    speakers = ["Mizuho Morioka (Asahi Shimbun)", "Mark Rutte", "Grad E"]
    assert asks_who_is("Who is Mizuho Morioka?", speakers) == "Mizuho Morioka (Asahi Shimbun)"
    assert asks_who_is("who was Rutte", speakers) == "Mark Rutte"
    assert asks_who_is("Who is the Asahi Shimbun reporter?", speakers) == "Mizuho Morioka (Asahi Shimbun)"
    assert asks_who_is("Who exactly is Mr. Rutte?", speakers) == "Mark Rutte"
    assert asks_who_is("Who is Mizuho Morioka from Asahi Shimbun?", speakers) == "Mizuho Morioka (Asahi Shimbun)"
    assert asks_who_is("Who is the reporter Rutte answered?", speakers) is None
    assert asks_who_is("Who is the president of Asahi Shimbun?", speakers) is None  # not its reporter
    assert asks_who_is("Who is Mark Rutte meeting in Istanbul?", speakers) is None
    assert asks_who_is("Who is leading the delegation?", speakers) is None
    assert asks_who_is("Who asked Rutte about China?", speakers) is None
    assert asks_who_is("Who is Jane Doe?", speakers) is None  # no such speaker


def test_introduces_means_more_than_the_name():
    assert introduces("Mark Rutte, NATO Secretary General", "Mark Rutte")
    assert introduces("Thomas Gutschker (FAZ)", "Thomas Gutschker (FAZ)")
    assert introduces("Acting NATO Spokesperson", "Allison Hart")  # a role alone, for its person
    assert not introduces("Julie Morgan AM", "Julie Morgan AM")  # post-nominal letters only
    assert not introduces("Grad A", "Grad A")


def test_a_question_about_a_speakers_outlet_is_answered_from_the_label(presser_pipeline, make_pipeline):
    result = presser_pipeline.ask("Which outlet does Maria Lopez represent?")
    assert not result.answer.abstained
    [citation] = result.answer.citations
    assert (citation.line_start, citation.quote) == (20, "Maria Lopez (Radio Sur)")
    assert presser_pipeline.transcript_lines(citation.doc)[19].startswith(citation.quote)  # verbatim
    assert "Radio Sur" in result.answer.text
    # no passage holds the label line: it is shown first, in place of the last hit
    assert result.hits[0].holds(citation.doc, 20) and result.hits[0].passage.text == "Maria Lopez (Radio Sur)"
    # the role of a speaker whose first labelled turn names a role beside the name
    role = presser_pipeline.ask("What is Jane Doe's role?").answer.citations
    assert [(c.line_start, c.quote) for c in role] == [(16, "Jane Doe, Chief Spokesperson")]
    # who they are, asked in so many words
    for question, line, label in (
        ("Who is Maria Lopez?", 20, "Maria Lopez (Radio Sur)"),
        ("Who is Jane Doe?", 16, "Jane Doe, Chief Spokesperson"),
    ):
        assert [(c.line_start, c.quote) for c in presser_pipeline.ask(question).answer.citations] == [(line, label)]
    # what she said comes from her turns; without the speakers step, from the passages
    said = presser_pipeline.ask("What did Maria Lopez ask?").answer.citations
    assert [c.line_start for c in said] == [21]
    without = make_pipeline(index_dir=presser_pipeline.index_dir, without=frozenset({"speakers"}))
    assert 20 not in {c.line_start for c in without.ask("Which outlet does Maria Lopez represent?").answer.citations}


CALL = """\
Northwind Q3 2025 Earnings Call

Conference Call Participants
Marcus Lee - Morgan Stanley
Rebecca Chu - Goldman Sachs

Operator
Our first question comes from Marcus Lee. Your line is open.

Marcus Lee
How much of the Mexico growth sticks?

Daniel Okoro
About two thirds of it, we think.

Rebecca Chu
Will the Teamsters contract be renewed?

Daniel Okoro
We have never had a strike.

Operator
Tom Abernathy, your line is open.

Tom Abernathy
And the margin?
"""


def test_a_participants_list_introduces_speakers_labelled_by_name_alone(make_pipeline, tmp_path):
    call = tmp_path / "call.txt"
    call.write_text(CALL, encoding="utf-8")
    pipeline = make_pipeline()
    pipeline.ingest([call])
    for question in ("Which bank is Marcus Lee from?", "Which firm does Marcus Lee work for?"):
        [citation] = pipeline.ask(question).answer.citations
        assert (citation.line_start, citation.quote) == (4, "Marcus Lee - Morgan Stanley")
        assert citation.speaker == "Marcus Lee (Morgan Stanley)"  # the list gave his turns his firm
    # the firm names him, as an outlet names a journalist
    [asked] = pipeline.ask("What did the Goldman Sachs analyst ask?").answer.citations
    assert (asked.line_start, asked.speaker) == (17, "Rebecca Chu (Goldman Sachs)")
    # what he asked is still his turn, and a speaker the list does not name gets no introduction
    assert [c.line_start for c in pipeline.ask("What did Marcus Lee ask?").answer.citations] == [11]
    assert all(c.line_start != 4 for c in pipeline.ask("Which bank is Daniel Okoro from?").answer.citations)
    # nor one whose name the operator says before their turn, outside any list
    assert all(c.line_start != 23 for c in pipeline.ask("Which bank is Tom Abernathy from?").answer.citations)


MODERATED = """\
Anna Berg, Moderator
Good morning. First question, please.

Ben Holt (Daily News)
What is the budget for the new centre?

Carla Diaz
It is ten million euros.

Anna Berg, Moderator
Next, the second row.

Dan Ruiz (Radio Sur)
When does the centre open?

Carla Diaz
It opens in March.
"""


def test_asks_moderator_wants_who_ran_the_questions():
    assert asks_moderator("Who chaired the question-and-answer part of the press conference?")
    assert asks_moderator("Who moderated the briefing?")
    assert asks_moderator("Who was the moderator?")
    assert not asks_moderator("Who asked about Türkiye hosting two big meetings?")  # another verb leads
    assert not asks_moderator("Who hosted the meeting?")  # a country as often as a person
    assert not asks_moderator("What did the chair say?")


def test_stands_out_needs_a_clear_lead():
    assert stands_out([6]) and stands_out([6, 4])
    assert not stands_out([8, 7, 6])  # a meeting: everyone speaks before someone's question
    assert not stands_out([1]) and not stands_out([])


def test_who_moderated_is_answered_by_the_speaker_who_gives_the_floor(make_pipeline, tmp_path: Path, presser_pipeline):
    path = tmp_path / "briefing.txt"
    path.write_text(MODERATED, encoding="utf-8")
    pipeline = make_pipeline(index_dir=tmp_path / "briefing-index")
    pipeline.ingest([path])
    result = pipeline.ask("Who moderated the briefing?")
    [citation] = result.answer.citations
    assert (citation.line_start, citation.speaker, citation.quote) == (1, "Anna Berg", "Anna Berg, Moderator")
    assert result.answer.text.startswith("Anna Berg, Moderator gives the floor before 2 questions")
    assert result.hits[0].holds(citation.doc, 1)
    without = make_pipeline(index_dir=pipeline.index_dir, without=frozenset({"speakers"}))
    assert "gives the floor" not in without.ask("Who moderated the briefing?").answer.text
    # the one who answers every question is no moderator: the presser has none
    assert "gives the floor" not in presser_pipeline.ask("Who chaired the briefing?").answer.text


def test_without_name_drops_the_capitalised_words_naming_the_speaker():
    assert without_name("What did Ana Ruiz say about reefs?", "Ana Ruiz") == "What did say about reefs"
    assert without_name("What did the Reuters reporter ask?", "Question (Reuters)") == "What did the reporter ask"
    # typed in lower case, the name goes all the same; a first name alone is no name
    assert without_name("what did ana ruiz say?", "Ana Ruiz", any_case=True) == "what did say"
    assert without_name("talk on the user interface", "User Interface") == "talk on the user interface"
    assert without_name("What did Katz say about Israel?", "Israel Katz") == "What did say about Israel"
    # a label's words written as the topic stay: "the user interface" is what is discussed
    assert without_name("What did User Interface say on the user interface?", "User Interface") == (
        "What did say on the user interface"
    )


def test_says_speaking_wants_a_word_of_speech_right_after_the_name():
    assert says_speaking("What did Nadia Haddad say about the fund?", "Nadia Haddad")
    assert says_speaking("What did Haddad think of it?", "Nadia Haddad")
    assert not says_speaking("Why did the group disagree with Haddad when discussing it?", "Nadia Haddad")
    assert not says_speaking("What did Marketing design?", "Marketing")
    # the name must be the question's subject, not a clause's
    assert not says_speaking("How did the minister respond when Haddad asked about the fund?", "Nadia Haddad")
    assert says_speaking("what did nadia haddad say?", "Nadia Haddad")  # typed in lower case
    assert says_speaking("What did the project manager think of it?", "Project Manager")
    # a first name the label leaves out, and more words of speech
    assert says_speaking("What did Howard Lim tell the council?", "MR. LIM")
    assert says_speaking("What concerns did Trustee Abernathy raise?", "Trustee Abernathy")
    assert not says_speaking("What did the council decide after Howard Lim spoke?", "MR. LIM")
