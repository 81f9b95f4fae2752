import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.integrity import check_index
from rag.lexical import LexicalIndex
from rag.records import Passage
from rag.retriever import Retriever, reordered
from rag.store import MANIFEST, WINDOW_LEXICAL, IndexReader, read_manifest
from rag.windows import window_spans, window_text


def passage(i: int, chars: int, speaker: str = "A") -> Passage:
    return Passage("d", f"d:{i}-{i}#0", speaker, i, i, "x" * chars)


def test_windows_reach_their_size_and_start_a_stride_apart():
    passages = [passage(i, 290) for i in range(3)]  # 294 characters each with "A: " and the newline
    assert window_spans(passages, chars=580, stride=290) == [(0, 1), (1, 2)]
    assert window_spans(passages, chars=900, stride=290) == [(0, 2)]


def test_every_passage_is_in_a_window_and_a_long_one_fills_its_own():
    passages = [passage(0, 2000), passage(1, 100), passage(2, 100), passage(3, 100)]
    assert window_spans(passages, chars=600, stride=300) == [(0, 0), (1, 3)]
    # a window grows until it reaches the size, however far past it the last passage takes it
    assert window_spans(passages[1:] + passages[:1], chars=600, stride=300) == [(0, 3)]
    assert window_spans([]) == []


def test_window_text_names_each_speaker():
    assert window_text([passage(0, 2, "Ann"), passage(1, 3, "Bo")]) == "Ann: xx\nBo: xxx"


def test_reordered_moves_only_the_first_candidates():
    assert reordered([1, 2, 3, 4], [3, 9, 1], 3) == [3, 1, 2, 4]  # 2 is not in the votes: last of the three
    assert reordered([1, 2, 3, 4], [4, 3, 2, 1], 2) == [2, 1, 3, 4]  # 4 may not jump in
    assert reordered([], [1], 10) == []


FILLER = [
    "We reviewed the agenda for the afternoon and agreed on the order of the items today.",
    "The minutes of the last meeting were approved without any change by everyone present.",
    "Next we will look at the schedule for the workshop and the rooms that are still free.",
    "Thanks, that is clear to me and I have nothing more to add on that point for now.",
    "Let us move on, we have a lot to get through before the end of the session today.",
]
TOPIC = [  # one topic over two turns (lines 13 and 15), then the word alone (line 27)
    "The battery should last a whole year in normal use, that is the target we set.",
    "Then the case can be rubber, soft and cheap, which fits a battery that size.",
]
ASIDE = "A battery is a battery, I said so in the first meeting about the battery."


@pytest.fixture
def meeting(tmp_path: Path) -> Path:
    turns = [*FILLER[:4], *TOPIC, *FILLER, FILLER[0], ASIDE, *FILLER[1:]]
    path = tmp_path / "meeting.txt"
    path.write_text("Notes\n\n" + "\n\n".join(f"{'ABC'[i % 3]}: {t}" for i, t in enumerate(turns)) + "\n")
    return path


def test_the_best_windows_vote_for_the_passages_they_hold(make_pipeline, meeting: Path, fake_embedder):
    pipeline = make_pipeline()
    pipeline.ingest([meeting])
    reader = pipeline.reader()
    assert len(reader.window_bounds[0]) > 2
    retriever = Retriever(fake_embedder, reader, lexical_weight=1.0, windows=True)
    xq = fake_embedder.embed_query("rubber case soft cheap")
    votes = retriever.window_votes(xq, 50, None, None)
    scores = [score for _, score in votes]
    assert scores == sorted(scores, reverse=True)
    best = [row for row, score in votes if score == scores[0]]
    assert {13, 15} <= {p.line_start for p in reader.passages(best)}  # the topic's two turns
    assert scores[0] > min(scores)  # and other windows score less
    # with a filter, only windows holding an allowed row vote, and only for those rows
    allowed = set(reader.rows_matching(speaker="B"))
    filtered = retriever.window_votes(xq, 50, None, allowed)
    assert filtered and {row for row, _ in filtered} <= allowed
    assert retriever.window_votes(xq, 50, None, set()) == []


def test_the_windows_step_reorders_the_first_hits_and_switches_off(make_pipeline, meeting: Path):
    on, off = make_pipeline(), make_pipeline(without=frozenset({"windows"}))
    on.ingest([meeting])

    def lines(pipeline):
        return [h.passage.line_start for h in pipeline.search("battery rubber case", k=4)]

    assert lines(on) != lines(off)
    plain = Retriever(off.embedder, off.reader(), lexical_weight=1.0).search("battery rubber case", 4)
    assert lines(off) == [h.passage.line_start for h in plain]  # no votes when switched off


def test_no_votes_while_a_document_has_no_windows(make_pipeline, meeting: Path, presser: Path, fake_embedder):
    # An index partly written before windows: votes for the other documents would favour them.
    pipeline = make_pipeline()
    pipeline.ingest([presser, meeting])
    reader = pipeline.reader()
    retriever = Retriever(fake_embedder, reader, lexical_weight=1.0, windows=True)
    xq = fake_embedder.embed_query("rubber case soft cheap")
    assert retriever.window_votes(xq, 50, None, None)
    reader.__dict__["documents_with_windows"] = frozenset({"meeting"})  # as if the presser had none
    assert retriever.window_votes(xq, 50, None, None) == []
    meeting_rows = set(reader.rows_matching(doc="meeting"))
    assert retriever.window_votes(xq, 50, "meeting", meeting_rows)  # a search of the meeting alone still has them
    assert (
        retriever.window_votes(xq, 50, "presser-2025-01-01", set(reader.rows_matching(doc="presser-2025-01-01"))) == []
    )


def test_an_ingest_without_windows_embeds_none_and_searches_as_with_the_step_off(
    make_pipeline, meeting: Path, fake_embedder
):
    without = make_pipeline(without=frozenset({"windows"}))
    calls = fake_embedder.n_passage_calls
    without.ingest([meeting])
    assert fake_embedder.n_passage_calls == calls + 2  # the passages and their sentences, no windows
    reader = without.reader()
    assert len(reader.windows) == 0 and not reader.documents_with_windows
    on = make_pipeline()  # the step on, over the same index: no document has windows, no votes
    assert [h.passage.passage_id for h in on.search("battery rubber case", k=4)] == [
        h.passage.passage_id for h in without.search("battery rubber case", k=4)
    ]
    assert check_index(without.index_dir, "fake-bag-of-words").ok


def test_bm25_over_the_windows_finds_words_spread_over_turns(make_pipeline, meeting: Path, fake_embedder):
    # "year" is said on line 13 and "rubber" on line 15: no passage holds both, a window does.
    pipeline = make_pipeline()
    pipeline.ingest([meeting])
    reader = pipeline.reader()
    retriever = Retriever(fake_embedder, reader, lexical_weight=1.0, windows=True)
    votes = retriever.lexical_window_votes("year rubber", 50, None, None)
    best = [row for row, score in votes if score == votes[0][1]]
    assert {p.line_start for p in reader.passages(best)} >= {13, 15}
    passage_scores = dict(reader.lexical.search("year rubber", 50))
    assert len({passage_scores[row] for row in best if row in passage_scores}) > 1  # passages alone differ
    allowed = set(reader.rows_matching(speaker="B"))
    assert {row for row, _ in retriever.lexical_window_votes("year rubber", 50, None, allowed)} <= allowed
    # In a search, the topic's two turns come first; the aside saying "battery" four times falls behind.
    lines = [h.passage.line_start for h in retriever.search("battery rubber case", 5)]
    assert lines[:2] == [13, 15]
    reader.window_lexical = None  # as an index written before it
    lines = [h.passage.line_start for h in retriever.search("battery rubber case", 5)]
    assert lines.index(27) < lines.index(15)


def test_an_index_saved_before_bm25_over_windows_searches_with_dense_windows_alone(
    make_pipeline, meeting: Path, fake_embedder
):
    pipeline = make_pipeline()
    pipeline.ingest([meeting])
    manifest = read_manifest(pipeline.index_dir)
    shutil.rmtree(pipeline.index_dir / manifest["files"]["lexical"] / WINDOW_LEXICAL)  # as written before it
    reader = IndexReader(pipeline.index_dir, manifest)
    assert reader.window_lexical is None
    retriever = Retriever(fake_embedder, reader, lexical_weight=1.0, windows=True)
    assert retriever.lexical_window_votes("year rubber", 50, None, None) == []
    assert retriever.window_votes(fake_embedder.embed_query("year rubber"), 50, None, None)  # dense windows still vote
    assert len(retriever.search("year rubber case", 4)) == 4
    assert check_index(pipeline.index_dir, "fake-bag-of-words").ok


def test_the_index_check_counts_the_windows_bm25_holds(make_pipeline, meeting: Path):
    pipeline = make_pipeline()
    pipeline.ingest([meeting])
    folder = pipeline.index_dir / read_manifest(pipeline.index_dir)["files"]["lexical"] / WINDOW_LEXICAL
    assert (pipeline.index_dir / MANIFEST).exists() and check_index(pipeline.index_dir, "fake-bag-of-words").ok
    LexicalIndex(["one window too few"]).save(folder)
    report = check_index(pipeline.index_dir, "fake-bag-of-words")
    assert not report.ok and any("BM25 over the windows holds 1 windows" in p for p in report.problems)
    (folder / "params.index.json").write_text("{not json")  # damaged: reported, not a traceback
    report = check_index(pipeline.index_dir, "fake-bag-of-words")
    assert any("BM25 over the windows in" in p and "unreadable" in p for p in report.problems)


def test_bm25_over_the_windows_follows_them_when_documents_are_kept_and_replaced(
    make_pipeline, meeting: Path, presser: Path
):
    pipeline = make_pipeline()
    pipeline.ingest([presser, meeting])
    presser.write_text(presser.read_text().replace("two hundred instructors", "ninety instructors"))
    pipeline.ingest([presser])  # the meeting kept (its rows and windows renumbered), the presser replaced
    reader = pipeline.reader()
    texts = [f"{p.speaker}: {p.text}" for p in reader.passages(list(range(len(reader.vectors))))]
    firsts, lasts = reader.window_bounds
    expected = LexicalIndex(["\n".join(texts[a : b + 1]) for a, b in zip(firsts, lasts, strict=True)])
    assert reader.window_lexical is not None and len(reader.window_lexical) == len(firsts)
    for words in (["ninety", "instructor"], ["rubber", "batteri"], ["agenda"]):
        assert np.allclose(reader.window_lexical.scores(words), expected.scores(words))
