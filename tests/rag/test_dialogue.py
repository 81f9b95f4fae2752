"""Expansion along the dialogue: a retrieved question brings the turn that answers it."""

from __future__ import annotations

from rag.dialogue import exchange, with_answers, with_question
from rag.records import Passage


def test_each_question_is_followed_by_its_best_answer():
    assert with_answers([7, 3], {7: [8, 9]}, max, 3) == [7, 9, 3]
    assert with_answers([7, 3], {7: [8, 9]}, min, 3) == [7, 8, 3]


def test_the_cut_counts_the_answers_and_rows_come_once():
    assert with_answers([7, 9, 3], {7: [8, 9]}, max, 2) == [7, 9]
    assert with_answers([7, 9, 3], {7: [8, 9]}, max, 5) == [7, 9, 3]
    assert with_answers([1, 2], {}, max, 5) == [1, 2]


def test_filtered_out_questions_leave_only_their_allowed_answers():
    # a speaker filter: the journalist's question (7) is not the speaker's, the answer (9) is
    assert with_answers([7, 3], {7: [8, 9]}, max, 3, allowed={3, 9}) == [9, 3]
    assert with_answers([7, 3], {7: [8]}, max, 3, allowed={3, 9}) == [3]


def _lines(hits):
    return [h.passage.line_start for h in hits]


def test_reader_links_question_passages_to_the_answering_turn(presser_pipeline):
    reader = presser_pipeline.reader()
    rows = reader.rows_matching()
    by_line = {p.line_start: r for r, p in zip(rows, reader.passages(rows), strict=True)}
    answers = reader.answers(list(by_line.values()))
    # Ali Kaya's question (14) is answered by Jane Doe's turn (17-18), Maria Lopez's (21) by 24;
    # statements and answers ask nothing
    assert {line for line, row in by_line.items() if row in answers} == {14, 21}
    assert [reader.passages([r])[0].line_start for r in answers[by_line[21]]] == [24]
    assert {reader.passages([r])[0].line_start for r in answers[by_line[14]]} <= {17, 18}
    assert sorted(reader.passages(reader.questions_to("Jane Doe"))[i].line_start for i in range(2)) == [14, 21]
    assert reader.questions_to("Maria Lopez") == []  # the turn before hers asks nothing


# A question whose last sentence ("Is that on schedule?"), which leads the answer's
# embedding text (rag.chunking.embedding_texts), does not name the topic.
ASIDE = """\
Jane Doe
Allies reviewed the budget today. We also discussed the new training centre in Riga.

Maria Lopez (Radio Sur)
What about the training centre? Is that on schedule?

Jane Doe
It opens in March with two hundred instructors.
"""


def with_and_without_dialogue(make_pipeline, tmp_path, transcript: str):
    """Two pipelines over `transcript`: every step on, and the dialogue step off."""
    path = tmp_path / "transcript.txt"
    path.write_text(transcript, encoding="utf-8")
    on, off = make_pipeline(), make_pipeline(index_dir=tmp_path / "off", without=frozenset({"dialogue"}))
    for pipeline in (on, off):
        pipeline.ingest([path])
    return on, off


def test_a_retrieved_question_brings_its_answer(make_pipeline, tmp_path):
    on, off = with_and_without_dialogue(make_pipeline, tmp_path, ASIDE)
    assert _lines(on.search("What about the training centre?", k=2)) == [5, 8]
    assert 8 not in _lines(off.search("What about the training centre?", k=2))


def test_a_speaker_filter_keeps_the_answers_to_questions_put_to_that_speaker(presser_pipeline, make_pipeline):
    on = presser_pipeline.search("training centre", k=2, speaker="Jane Doe")
    assert _lines(on)[0] == 24  # from Maria Lopez's question, which itself is not Jane Doe's
    assert {h.passage.speaker for h in on} == {"Jane Doe"}
    off = make_pipeline(without=frozenset({"dialogue"})).search("training centre", k=1, speaker="Jane Doe")
    assert _lines(off) == [11]  # Jane Doe's own words on the centre; the answer does not repeat them


def test_an_exchange_grows_reply_first_within_the_budget():
    assert exchange(5, {4: 10, 5: 10, 6: 10, 7: 50}, 35) == (4, 6)
    assert exchange(5, {4: 10, 5: 10, 6: 10}, 25) == (5, 6)  # the reply before what it answers
    assert exchange(5, {3: 1, 4: 30, 5: 10, 6: 1, 7: 1}, 15) == (5, 7)  # a side stops where the next does not fit
    assert exchange(5, {5: 900, 6: 1}, 500) == (5, 5)  # a long passage alone
    assert exchange(5, {5: 10}, 500) == (5, 5)  # nothing around it (another document's rows are not given)


def test_hits_come_with_their_exchange_and_never_overlap(make_pipeline, presser):
    pipeline = make_pipeline(context_chars=100)
    pipeline.ingest([presser])
    hits = pipeline.search("What about the training centre?", k=3)
    first = hits[0]
    assert (first.passage.line_start, first.line_start, first.line_end) == (21, 21, 24)
    assert (
        first.text
        == "Maria Lopez (Radio Sur): What about the training centre?\nJane Doe: It opens in March with two hundred instructors."
    )
    assert first.to_json() | {"score": 0} == {
        "doc": "presser-2025-01-01",
        "line_start": 21,
        "line_end": 24,
        "speaker": "Maria Lopez (Radio Sur)",
        "score": 0,
        "text": first.text,
    }
    spans = sorted((h.line_start, h.line_end) for h in hits)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))  # no line twice
    assert all(len(h.text) <= 100 + 50 for h in hits)  # the budget counts passage text; speaker names add a little


def test_an_exchange_shows_the_question_it_answers_beyond_the_budget(make_pipeline, presser):
    pipeline = make_pipeline(context_chars=50)  # the reply at 24 (47 characters) fills it
    pipeline.ingest([presser])
    reply = next(h for h in pipeline.search("two hundred instructors in March", k=3) if h.passage.line_start == 24)
    assert (reply.line_start, reply.line_end) == (21, 24)
    assert reply.text.startswith("Maria Lopez (Radio Sur): What about the training centre?")
    opening = pipeline.search("budget reviewed", k=1)[0]
    assert opening.passage.line_start == 9 and opening.line_start == 9  # nothing before it asks


def test_with_question_takes_another_speakers_question_only():
    def rows(*texts_and_speakers):
        return {n: Passage("d", f"d#{n}", who, n, n, text) for n, (who, text) in enumerate(texts_and_speakers, 3)}

    asked = rows(("Maria", "What about the centre?"), ("Jane", "It opens in March."))
    assert with_question(4, asked) == 3 and with_question(3, asked) == 3
    assert with_question(4, rows(("Jane", "Why?"), ("Jane", "Because."))) == 4  # her own question
    assert with_question(4, rows(("Maria", "The centre."), ("Jane", "Yes."))) == 4  # no question
    # a statement ending in reported speech is no question to be answered
    assert with_question(4, rows(("Maria", 'Visitors ask "Where is the centre?"'), ("Jane", "Yes."))) == 4


def test_an_index_without_the_turn_indexes_skips_the_questions_to_a_speaker(presser_pipeline, make_pipeline):
    import sqlite3

    reader = presser_pipeline.reader()
    path = reader.index_dir / reader.manifest["files"]["passages"]
    with sqlite3.connect(path) as db:  # as an index written before this release
        db.execute("DROP INDEX turns_speaker")
    older = make_pipeline()  # opens the index afresh
    assert older.reader().questions_to("Jane Doe") == []
    assert older.search("training centre", k=1, speaker="Jane Doe")[0].passage.line_start == 11


# A meeting's one-word turns: "Yeah ." is embedded with the sentence before it
# (rag.chunking.embedding_texts), so it matches that sentence's topic without saying anything.
MEETING = """\
Alice
The remote control needs a rubber case to survive drops.

Bob
Yeah .

Carol
The factory quoted twelve euros for each rubber case on the remote.

Dan
Thank you .
"""


def test_a_passage_that_says_little_is_no_hit_of_its_own(make_pipeline, tmp_path):
    on, off = with_and_without_dialogue(make_pipeline, tmp_path, MEETING)
    question = "Why does the remote control need a rubber case?"
    assert _lines(off.search(question, k=2)) == [2, 5]  # "Yeah ." second, on Alice's words
    assert _lines(on.search(question, k=3)) == [2, 8, 5]  # Carol's quote before it
    # a query that a short passage holds whole still finds it first
    assert _lines(on.search("thank you", k=1)) == [11]
