from pathlib import Path

from rag.header import HEADER_SPEAKER, asks_record_date, header_date_line


def test_asks_record_date_wants_when_and_the_record_itself():
    assert asks_record_date("On what date did Rutte give this press conference?")
    assert asks_record_date("What time was the transcript of this press conference last updated?")
    assert asks_record_date("When was the hearing held?")  # the event, ending the question
    assert asks_record_date("What day was the briefing?")
    # another event than the record, a future one, or no "when"
    assert not asks_record_date("When was the press conference with the chancellor held?")
    assert not asks_record_date("When was the hearing on pensions?")
    assert not asks_record_date("When will the next meeting be held?")
    assert not asks_record_date("When did Rutte meet the chancellor?")
    assert not asks_record_date("What did Rutte say about this meeting?")


def test_header_date_line_picks_the_update_only_when_asked():
    header = [(1, "Press conference"), (5, "  • 15 May. 2025 -"), (7, "  • Last updated: 15 May. 2025 15:58")]
    assert header_date_line("On what date was this press conference?", header) == (5, "15 May. 2025")
    assert header_date_line("When was the transcript last updated?", header) == (7, "Last updated: 15 May. 2025 15:58")
    only_update = [(3, "Last updated: 2 June 2024")]
    assert header_date_line("When was this interview?", only_update) == (3, "Last updated: 2 June 2024")
    assert header_date_line("When was this interview?", [(1, "Interview")]) is None


def test_a_question_about_the_records_date_is_answered_from_its_header(presser_pipeline, make_pipeline):
    result = presser_pipeline.ask("When was this press briefing given?")
    assert not result.answer.abstained
    [citation] = result.answer.citations
    assert (citation.line_start, citation.quote, citation.speaker) == (5, "1 January 2025", HEADER_SPEAKER)
    assert "1 January 2025" in result.answer.text
    # the header line is the first passage shown, in place of the last hit
    assert result.hits[0].holds(citation.doc, 5) and result.hits[0].passage.text == "1 January 2025"
    assert len(result.hits) == len(presser_pipeline.ask("What did Allies review?").hits)
    # without the step it is searched among the turns, which never hold the header
    without = make_pipeline(index_dir=presser_pipeline.index_dir, without=frozenset({"header"}))
    assert 5 not in {c.line_start for c in without.ask("When was this press briefing given?").answer.citations}


def test_a_transcript_without_a_dated_header_is_searched_as_before(make_pipeline, tmp_path: Path):
    meeting = tmp_path / "meeting.txt"
    meeting.write_text(
        "Anna: Welcome, everyone.\nBo: We met on 3 March 2024 to plan the launch.\nAnna: It went well.\n"
    )
    pipeline = make_pipeline(index_dir=tmp_path / "meeting-index")
    pipeline.ingest([meeting])
    assert pipeline.reader().header_lines("meeting") == []
    result = pipeline.ask("When did this meeting plan the launch?")
    assert [(c.line_start, c.speaker) for c in result.answer.citations] == [(2, "Bo")]
