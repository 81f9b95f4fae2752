"""A court reporter's printed line numbers are not text; numbers that only start a few lines are."""

from rag.parsing import parse_text
from rag.printed_numbers import without_printed_numbers

COURT = """\
                                                                  1
 1            THE COURT: Good morning. Please be seated. We are
 2   here for a status conference.
 3            MR. SMITH: Good morning, your Honor. Andrew Smith for
 4   the government.
 5            THE COURT: Mr. Smith, where are we on discovery?
 6            MR. SMITH: Your Honor, the government has produced
 7   roughly 40,000 pages of documents.
 8            THE COURT: Ms. Garcia, is that date realistic?
 9            MS. GARCIA: We would ask for a trial date no earlier
10   than September.
11            THE COURT: All right. I will set trial for September
                                                                  2
 1   15th, 2025.
 2            MR. SMITH: Thank you, your Honor.
"""


def test_printed_line_and_page_numbers_come_off():
    lines = without_printed_numbers(COURT.splitlines())
    assert lines[0] == ""  # the page number
    assert lines[1] == "THE COURT: Good morning. Please be seated. We are"
    assert lines[2] == "here for a status conference."
    assert lines[12] == "" and lines[13] == "15th, 2025."


def test_a_numbered_court_transcript_names_its_speakers_and_quotes_their_words():
    t = parse_text(COURT, "hearing")
    assert [u.speaker for u in t.turns][:4] == ["THE COURT", "MR. SMITH", "THE COURT", "MR. SMITH"]
    last_court = [u for u in t.turns if u.speaker == "THE COURT"][-1]
    # its lines keep their numbers in the file; the page break is inside the turn
    assert (last_court.line_start, last_court.line_end) == (12, 14)
    assert " ".join(line.strip() for line in last_court.lines if line.strip()) == (
        "All right. I will set trial for September 15th, 2025."
    )
    assert t.lines[11] == COURT.splitlines()[11]  # the file's own lines, numbers and all


def test_numbers_that_start_some_lines_only_stay():
    text = ["Agenda", "1 Welcome", "2 Budget", "3 Roads", "Alice: We start with item 1.", "Bob: Fine."]
    assert without_printed_numbers(text) == text
    counted = [f"{n} people voted yes in district {n}" for n in (12, 40, 7, 3, 55, 9, 21, 30, 8, 14, 2)]
    assert without_printed_numbers(counted) == counted  # numbered, but no 1, 2, 3 ... run


def test_the_label_lines_of_a_numbered_transcript_are_found(make_pipeline, tmp_path):
    path = tmp_path / "hearing.txt"
    path.write_text(COURT)
    pipeline = make_pipeline()
    pipeline.ingest([path])
    # the stored lines keep their printed numbers; the label is found behind them
    assert pipeline.reader().label_lines("MR. SMITH", "hearing") == [
        ("hearing", 4, "MR. SMITH"),
        ("hearing", 7, "MR. SMITH"),
        ("hearing", 15, "MR. SMITH"),
    ]
