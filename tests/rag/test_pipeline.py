import sqlite3
from pathlib import Path

import pytest

from rag.answering import NOT_ANSWERED
from rag.errors import RagError
from rag.followups import standalone_query
from rag.pipeline import Pipeline, lead_with
from rag.records import Answer, Citation, Hit, Passage
from rag.settings import Settings
from tests.fakes import ScriptedAnswerer


def assert_quotes_verbatim(pipeline: Pipeline, result) -> None:
    """Every citation's quote is a substring of its cited lines, and lies inside a retrieved
    passage (a hit's own or one of its exchange), whose speaker it names."""
    reader = pipeline.reader()
    for c in result.answer.citations:
        assert c.line_start <= c.line_end
        assert c.quote and c.quote in "\n".join(reader.lines(c.doc, c.line_start, c.line_end))
        assert any(
            p.doc == c.doc and p.line_start <= c.line_start and c.line_end <= p.line_end and p.speaker == c.speaker
            for h in result.hits
            for p in h.passages
        )


def test_ask_quotes_and_cites_the_answering_line(presser_pipeline):
    result = presser_pipeline.ask("What target did Allies agree to aim for?")
    assert not result.answer.abstained
    first = result.answer.citations[0]
    assert (first.line_start, first.speaker) == (17, "Jane Doe")
    assert "three percent" in first.quote
    assert result.answer.text.startswith("Jane Doe: “")
    assert_quotes_verbatim(presser_pipeline, result)
    assert set(result.timings_ms) == {"retrieve", "answer", "total"}


def test_question_naming_something_never_mentioned_abstains(make_pipeline, presser: Path):
    pipeline = make_pipeline()  # with the name check on
    pipeline.ingest([presser])
    result = pipeline.ask("What did Jane Doe say about the budget of Iran?")
    assert result.answer.abstained
    assert result.answer.citations == ()
    assert result.answer.text.startswith(NOT_ANSWERED)
    assert "Iran" in result.answer.text


def test_a_question_in_another_script_is_declined_not_answered_at_random(presser_pipeline):
    result = presser_pipeline.ask("Что сказали о бюджете?")  # "What was said about the budget?"
    assert result.answer.abstained and not result.answer.citations
    assert "Cyrillic" in result.answer.text
    assert not presser_pipeline.ask("What was said about the budget?").answer.abstained


def test_weak_evidence_abstains(make_pipeline, presser: Path):
    pipeline = make_pipeline(min_score=0.9)
    pipeline.ingest([presser])
    result = pipeline.ask("what is the weather like on the moon")
    assert result.answer.abstained and not result.answer.citations


def test_a_quantity_question_answered_without_a_number_is_declined(make_pipeline, presser: Path):
    pipeline = make_pipeline()
    pipeline.ingest([presser])
    counted = pipeline.ask("How many instructors open in March?")
    assert not counted.answer.abstained and "two hundred" in counted.answer.text
    assert "three percent" in pipeline.ask("How much of GDP did Allies agree to aim for?").answer.text
    uncounted = pipeline.ask("How many Allies reviewed the budget?")  # line 9 names no figure
    assert uncounted.answer.abstained and not uncounted.answer.citations
    assert "how many or how much" in uncounted.answer.text
    assert not make_pipeline(check_quantities=False).ask("How many Allies reviewed the budget?").answer.abstained
    assert (
        not make_pipeline(without=frozenset({"abstention"}))
        .ask("How many Allies reviewed the budget?")
        .answer.abstained
    )


def test_follow_up_is_searched_with_the_earlier_question(presser_pipeline, fake_embedder):
    scripted = ScriptedAnswerer()
    pipeline = Pipeline(presser_pipeline.settings, fake_embedder, scripted)
    alone = pipeline.ask("When does it open?")
    history = ["Budget?", "Tell me about the training centre"]
    followed = pipeline.ask("When does it open?", history=history)
    # retrieval searched with the earlier question; the answerer weighs sentences by the
    # user's own words, so "How many warheads?" quotes the warheads, not China in general
    assert scripted.calls[1][0] == "When does it open?"
    # searched in context only: Maria Lopez's question about the centre, then the answer it
    # brings ("It opens in March"), which the question as it stands did not put first
    assert [h.passage.line_start for h in followed.hits[:2]] == [21, 24]
    assert followed.hits == pipeline.ask(standalone_query("When does it open?", history)).hits
    assert [h.passage.line_start for h in alone.hits[:2]] != [21, 24]


def test_a_short_question_whose_words_the_context_did_not_find_is_searched_alone(presser_pipeline):
    history = ["Will the spending target rise next year?"]
    # "How many instructors?" names nobody in few words, so it was searched after the
    # earlier question, which found the spending target: no instructors there
    own = presser_pipeline.ask("How many instructors?", history=history, k=1)
    assert [h.passage.line_start for h in own.hits] == [24]
    assert own.hits == presser_pipeline.ask("How many instructors?", k=1).hits
    # a short question whose words the context found stays in context
    history_hits = presser_pipeline.ask(standalone_query("How much of GDP?", history), k=1).hits
    followed = presser_pipeline.ask("How much of GDP?", history=history, k=1)
    assert followed.hits == history_hits and [h.passage.line_start for h in followed.hits] == [17]


def test_search_filters_by_document_and_speaker(presser_pipeline, tmp_path: Path):
    other = tmp_path / "other.txt"
    other.write_text("Bob Smith, Mayor\nThe training centre budget is fine.\n", encoding="utf-8")
    presser_pipeline.ingest([other])
    assert {h.passage.doc for h in presser_pipeline.search("training centre", k=10, doc="other")} == {"other"}
    hits = presser_pipeline.search("training centre", k=10, speaker="radio sur")
    assert [h.passage.speaker for h in hits] == ["Maria Lopez (Radio Sur)"]
    with pytest.raises(RagError, match="no document 'no-such-doc'"):  # not "nothing found"
        presser_pipeline.search("training centre", k=10, doc="no-such-doc")


def test_pipeline_hands_hits_to_its_answerer(presser_pipeline, fake_embedder):
    scripted = ScriptedAnswerer(["an answer"])
    pipeline = Pipeline(presser_pipeline.settings, fake_embedder, scripted)
    result = pipeline.ask("When does the training centre open?", k=2)
    assert result.answer.text == "an answer"
    question, hits = scripted.calls[0]
    assert question == "When does the training centre open?" and len(hits) == 2


def test_the_hit_the_answer_quotes_comes_first_unless_sentences_are_off(presser_pipeline, make_pipeline, fake_embedder):
    question = "When does the training centre open?"
    retrieved = presser_pipeline.search(question, k=3)
    for steps, first in ((frozenset(), retrieved[2]), (frozenset({"sentences"}), retrieved[0])):
        settings = presser_pipeline.settings.with_overrides(without=steps)
        result = Pipeline(settings, fake_embedder, ScriptedAnswerer(cite=2)).ask(question, k=3)
        assert result.hits[0] == first
        assert set(result.hits) == set(retrieved)


def test_empty_question_is_a_programmer_error(presser_pipeline):
    with pytest.raises(ValueError, match="empty"):
        presser_pipeline.ask("  ")


def test_running_pipeline_picks_up_an_ingest_from_elsewhere(presser_pipeline, make_pipeline, tmp_path: Path):
    assert presser_pipeline.reader().documents() == ["presser-2025-01-01"]
    other = tmp_path / "other.txt"
    other.write_text("Bob Smith, Mayor\nThe bridge reopens in May.\n", encoding="utf-8")
    make_pipeline().ingest([other])  # another process, in effect
    assert presser_pipeline.reader().documents() == ["other", "presser-2025-01-01"]


def test_folder_ingest_skips_bad_files_and_names_them(make_pipeline, presser: Path, tmp_path: Path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    pipeline = make_pipeline()
    report = pipeline.ingest([tmp_path, tmp_path / "notes.pdf"])
    assert report.added == ["presser-2025-01-01"]
    reasons = {Path(p).name: reason for p, reason in report.failed}
    assert sorted(reasons) == ["empty.txt", "notes.pdf"]
    assert "unsupported file type" in reasons["notes.pdf"] and "empty" in reasons["empty.txt"]


def test_refused_and_unchanged_files_never_load_the_model(make_pipeline, presser: Path, tmp_path: Path):
    pipeline = make_pipeline()
    pipeline.ingest([presser])

    class Unloaded:  # the pipeline's embedder, whose model must not be touched now
        model_name = pipeline.embedder.model_name

        def __getattr__(self, name):
            raise AssertionError(f"the model was loaded for {name}")

    pipeline.embedder = Unloaded()
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    report = pipeline.ingest([presser, tmp_path / "empty.txt", tmp_path / "gone.txt"])
    assert report.unchanged == ["presser-2025-01-01"] and len(report.failed) == 2


def test_settings_validate_their_values():
    with pytest.raises(ValueError, match="k must be positive"):
        Settings(k=0)
    env = {"RAG_INDEX": "/tmp/x", "RAG_K": "7"}
    settings = Settings.from_env(env)
    assert (str(settings.index_dir), settings.k) == ("/tmp/x", 7)
    assert Settings.from_env({"XDG_DATA_HOME": "/d"}).index_dir == Path("/d/transcript-qa/index")
    env = {"RAG_VECTOR_INDEX": "hnsw", "RAG_EXACT_MAX_PASSAGES": "5000"}
    assert (Settings.from_env(env).vector_index, Settings.from_env(env).exact_max_passages) == ("hnsw", 5000)
    with pytest.raises(ValueError, match="vector_index must be one of auto, flat, hnsw, got 'ivf'"):
        Settings(vector_index="ivf")


def test_answerers_are_chosen_by_name(presser_pipeline, fake_embedder):
    scripted = ScriptedAnswerer(["scripted reply"])
    pipeline = Pipeline(presser_pipeline.settings, fake_embedder, presser_pipeline.answerer, alternatives=[scripted])
    assert list(pipeline.answerers) == ["extractive", "scripted"]
    assert pipeline.ask("training centre", answerer="scripted").answer.text == "scripted reply"
    assert pipeline.ask("training centre").answer.text.startswith("Jane Doe: “")
    with pytest.raises(RagError, match="no answerer named 'oracle'; choose one of: extractive, scripted"):
        pipeline.ask("training centre", answerer="oracle")


def test_sources_bring_the_cited_lines_and_the_turn_before(presser_pipeline):
    result = presser_pipeline.ask("What target did Allies agree to aim for?")
    source = presser_pipeline.sources(result)[0]
    assert source.citation == result.answer.citations[0]
    assert source.cited.lines == ("Yes. Allies agreed to aim for three percent of GDP.",)
    assert source.before is not None
    assert (source.before.speaker, source.before.line_start, source.before.line_end) == (
        "Ali Kaya (Daily News)",
        14,
        14,
    )
    assert source.before.lines == ("Will the spending target rise next year?",)


def test_transcript_lines_are_the_whole_file(presser_pipeline, presser):
    assert presser_pipeline.transcript_lines("presser-2025-01-01") == presser.read_text().splitlines()
    with pytest.raises(RagError, match="no document 'nope'"):
        presser_pipeline.transcript_lines("nope")


def test_subtitles_are_cited_by_line_and_timestamp(make_pipeline, tmp_path: Path):
    from tests.rag.test_subtitles import SRT

    path = tmp_path / "talk.srt"
    path.write_text(SRT, encoding="utf-8")
    pipeline = make_pipeline()
    pipeline.ingest([path])
    result = pipeline.ask("How many nuclear warheads will China have?")
    first = result.answer.citations[0]
    assert (first.line_start, first.speaker, first.time_start, first.time_end) == (3, "Mark Rutte", 1.0, 4.0)
    out = result.to_json()
    assert out["citations"][0]["time_start"] == 1.0 and out["passages"][0]["time_end"] is not None
    assert_quotes_verbatim(pipeline, result)


YOUTUBE = (
    "How solar got cheap\n\n0:00\nwelcome back to energy explained\n0:04\nwe look at solar panels today\n"
    "0:09\nthe price of a panel fell by ninety percent\n0:13\nbecause factories scaled up\n0:18\nsee you next week\n"
)


def test_a_citation_is_timed_by_its_own_lines_where_times_are_written_inside_the_turn(make_pipeline, tmp_path: Path):
    path = tmp_path / "yt.txt"
    path.write_text(YOUTUBE, encoding="utf-8")
    pipeline = make_pipeline(max_quotes=1)
    pipeline.ingest([path])
    result = pipeline.ask("How much did the price of a panel fall?")
    cited = result.answer.citations[0]
    assert "0:" not in cited.quote
    # the caption line said from 0:09 to 0:13, within a passage that runs from 0:00
    assert (cited.line_start, cited.time_start, cited.time_end) == (8, 9.0, 13.0)
    assert result.hits[0].passage.time_start == 0.0
    # an index written before such times were kept cites the passage's times
    generation = pipeline.reader().manifest["files"]["passages"]
    with sqlite3.connect(pipeline.index_dir / generation) as db:
        db.execute("DROP TABLE line_times")
    reopened = make_pipeline(max_quotes=1)
    assert reopened.ask("How much did the price of a panel fall?").answer.citations[0].time_start == 0.0
    # the times come along when the document is kept by an ingest of another
    other = tmp_path / "other.txt"
    other.write_text("Jane: The budget grew.\nBob: It did.\n", encoding="utf-8")
    pipeline.ingest([path], rebuild=True)
    pipeline.ingest([other])
    assert pipeline.reader().times_around("yt", 8, 8) == (9.0, 13.0)
    # a line said before any time written in its turn keeps no time, rather than an end alone
    late = tmp_path / "late.txt"
    late.write_text("Host: Welcome.\nToday we look at it.\n0:07\nit is cheap\n0:12\nvery cheap\n0:20\nthe end\n")
    pipeline.ingest([late])
    untimed = Citation("late", 1, 1, "Host", "Welcome.", None, None)
    assert pipeline.reader().times_around("late", 1, 1) == (None, 7.0)
    assert pipeline._timed(Answer("Host: Welcome.", (untimed,), False)).citations == (untimed,)


def test_steps_switched_off_change_only_their_own_part(presser_pipeline, make_pipeline, fake_embedder):
    def without(*steps: str) -> Pipeline:
        return make_pipeline(without=frozenset(steps))

    # abstention: the name check and the score threshold are not asked
    assert presser_pipeline.ask("What did Jane Doe say about the budget of Iran?").answer.abstained
    assert not without("abstention").ask("What did Jane Doe say about the budget of Iran?").answer.abstained
    # followups: the question is searched as it stands
    history = ["Budget?", "Tell me about the training centre"]
    assert (
        without("followups").ask("When does it open?", history=history).hits
        == presser_pipeline.ask("When does it open?").hits
    )
    # speakers: with the step, the named speaker's best three turns come first; without, others' among them
    asked = "What did Jane Doe say about the training centre?"
    assert {h.passage.speaker for h in presser_pipeline.ask(asked, k=5).hits[:3]} == {"Jane Doe"}
    assert len({h.passage.speaker for h in without("speakers").ask(asked, k=5).hits[:3]}) > 1
    # hybrid: the dense ranking alone, as with a BM25 weight of 0
    assert without("hybrid", "dialogue").search("instructors March", k=5) == make_pipeline(
        lexical_weight=0.0, without=frozenset({"dialogue"})
    ).search("instructors March", k=5)


def test_lead_with_keeps_the_first_then_adds_other_places():
    def hit(line_start: int, line_end: int, doc: str = "d") -> Hit:
        return Hit(Passage(doc, f"{doc}:{line_start}", "S", line_start, line_end, "text"), 0.5)

    a, b, c, d = hit(1, 2), hit(2, 2), hit(9, 9), hit(5, 6)
    # the first two kept as they are, though they share line 2; b again and c at a place shown
    assert lead_with([a, b, c], [hit(2, 3), d], 2, 4) == [a, b, d, c]
    assert lead_with([a, b, c], [d], 2, 2) == [a, b]
    assert lead_with([a], [hit(1, 2, doc="e")], 1, 3) == [a, hit(1, 2, doc="e")]  # another document
    assert lead_with([a, b, c], [d], 3, 2) == [a, b]  # k below n_first
    assert lead_with([], [d], 3, 5) == [d]
    assert lead_with([], [], 3, 5) == []


def test_a_filter_naming_no_document_or_speaker_is_an_error_not_a_decline(presser_pipeline):
    with pytest.raises(
        RagError, match=r"no document 'presser-2025-01-01.txt' in the index \(did you mean 'presser-2025-01-01'\?\)"
    ):
        presser_pipeline.ask("What target did Allies agree?", doc="presser-2025-01-01.txt")
    with pytest.raises(RagError, match=r"no speaker 'Kaja' in the index \(did you mean 'Ali Kaya \(Daily News\)'\?\)"):
        presser_pipeline.ask("What did Kaya ask?", speaker="Kaja")
    with pytest.raises(RagError, match=r"no speaker 'Bob' in 'presser-2025-01-01'; any part"):
        presser_pipeline.search("training centre", doc="presser-2025-01-01", speaker="Bob")
    # a part of a name is enough, in any case
    assert presser_pipeline.ask("What did she ask?", speaker="radio sur").hits
