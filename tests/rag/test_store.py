import json
from dataclasses import replace
from pathlib import Path

import bm25s
import numpy as np
import pytest

import rag.ingest
import rag.store
from rag.answering import ExtractiveAnswerer
from rag.chunking import TEXT_RULE
from rag.errors import IndexMismatchError, IndexNotFoundError
from rag.integrity import check_index
from rag.parsing import read_transcript
from rag.pipeline import Pipeline
from rag.settings import Settings
from rag.store import MANIFEST, IndexReader
from rag.text import term
from rag.windows import window_text
from tests.fakes import BagOfWordsEmbedder

OTHER = "Moderator\nWelcome to the fisheries hearing.\n\nDr Ann Lee, Marine Biologist\nCod stocks fell by a third since 2010.\n"


def snapshot(pipeline: Pipeline, query: str = "training centre budget"):
    return [(h.passage.passage_id, round(h.score, 6)) for h in pipeline.search(query, k=10)]


def make_reopened(pipeline: Pipeline) -> Pipeline:
    """A fresh pipeline on the same index, as another process would open it."""
    return Pipeline(pipeline.settings, pipeline.embedder, pipeline.answerer)


def test_round_trip_reopen_gives_identical_hits(presser_pipeline, make_pipeline):
    reopened = make_pipeline()
    assert snapshot(reopened) == snapshot(presser_pipeline)
    assert snapshot(reopened)


def test_manifest_records_model_counts_and_hashes(presser_pipeline, presser: Path):
    manifest = json.loads((presser_pipeline.index_dir / MANIFEST).read_text())
    assert manifest["format"] == rag.store.FORMAT
    assert manifest["embedding_model"] == "fake-bag-of-words"
    assert manifest["dim"] == 256
    assert manifest["n_documents"] == 1
    assert manifest["n_passages"] == 6 == len(presser_pipeline.reader().vectors)
    assert len(manifest["documents"]["presser-2025-01-01"]["sha256"]) == 64


class Bf16BagOfWords(BagOfWordsEmbedder):
    encoder = "bf16"  # what SentenceTransformerEmbedder reports after choosing


def test_manifest_records_the_encoder_and_an_index_of_the_other_encoder_opens(presser: Path, tmp_path: Path):
    bf16 = Bf16BagOfWords()
    settings = Settings(index_dir=tmp_path / "index", min_score=0.1)
    Pipeline(settings, bf16, ExtractiveAnswerer(bf16)).ingest([presser])
    assert json.loads((settings.index_dir / MANIFEST).read_text())["encoder"] == "bf16"
    fp32 = BagOfWordsEmbedder()  # same model, other encoder: vectors are compatible
    fp32.encoder = "fp32"  # type: ignore[attr-defined]
    pipeline = Pipeline(settings, fp32, ExtractiveAnswerer(fp32))
    assert pipeline.search("training centre", k=1)[0].passage.doc == "presser-2025-01-01"
    presser.write_text(presser.read_text().replace("March", "April"))
    assert pipeline.ingest([presser]).updated == ["presser-2025-01-01"]
    assert pipeline.info()["encoder"] == "fp32"  # the latest ingest's
    assert check_index(settings.index_dir, "fake-bag-of-words").ok


def test_unchanged_file_is_skipped(presser_pipeline, presser: Path, fake_embedder):
    calls = fake_embedder.n_passage_calls
    report = presser_pipeline.ingest([presser])
    assert report.unchanged == ["presser-2025-01-01"] and not report.added and not report.updated
    assert fake_embedder.n_passage_calls == calls


def test_a_file_indexed_under_an_older_passage_text_rule_is_re_embedded(presser_pipeline, presser, fake_embedder):
    manifest_path = presser_pipeline.index_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest["documents"]["presser-2025-01-01"]["text_rule"] == TEXT_RULE
    del manifest["documents"]["presser-2025-01-01"]["text_rule"]  # as indexes written before rules were kept
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    calls = fake_embedder.n_passage_calls
    assert presser_pipeline.ingest([presser]).updated == ["presser-2025-01-01"]
    assert fake_embedder.n_passage_calls > calls
    assert presser_pipeline.ingest([presser]).unchanged == ["presser-2025-01-01"]
    assert check_index(presser_pipeline.index_dir, "fake-bag-of-words").ok


def set_text_rule(pipeline: Pipeline, doc: str, rule: int) -> None:
    path = pipeline.index_dir / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["documents"][doc]["text_rule"] = rule
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_a_file_read_again_into_the_same_passages_keeps_its_vectors(presser_pipeline, presser, fake_embedder):
    # Indexed under rule 3, which embeds the same text as today's rule: nothing to embed again.
    before = snapshot(presser_pipeline)
    set_text_rule(presser_pipeline, "presser-2025-01-01", 3)
    calls = fake_embedder.n_passage_calls
    assert presser_pipeline.ingest([presser]).updated == ["presser-2025-01-01"]
    assert fake_embedder.n_passage_calls == calls
    reopened = make_reopened(presser_pipeline)
    assert reopened.reader().manifest["documents"]["presser-2025-01-01"]["text_rule"] == TEXT_RULE
    assert snapshot(reopened) == before
    assert check_index(presser_pipeline.index_dir, "fake-bag-of-words").ok


def test_a_file_read_again_into_other_passages_is_embedded_again(presser_pipeline, presser, fake_embedder, monkeypatch):
    set_text_rule(presser_pipeline, "presser-2025-01-01", 3)
    read = rag.ingest.read_transcript  # as if today's parser found another speaker in the file

    def relabelled(path):
        transcript = read(path)
        return replace(transcript, turns=tuple(replace(t, speaker=t.speaker.upper()) for t in transcript.turns))

    monkeypatch.setattr(rag.ingest, "read_transcript", relabelled)
    calls = fake_embedder.n_passage_calls
    assert presser_pipeline.ingest([presser]).updated == ["presser-2025-01-01"]
    assert fake_embedder.n_passage_calls == calls + 2  # its passages, then its windows
    assert {p.speaker for p in presser_pipeline.reader().stored_document("presser-2025-01-01").passages} == {
        "JANE DOE",
        "ALI KAYA (DAILY NEWS)",
        "MARIA LOPEZ (RADIO SUR)",
    }


def test_changed_file_replaces_its_passages_and_keeps_others(presser_pipeline, presser: Path, tmp_path: Path):
    other = tmp_path / "hearing.txt"
    other.write_text(OTHER, encoding="utf-8")
    assert presser_pipeline.ingest([other]).added == ["hearing"]
    presser.write_text(presser.read_text().replace("two hundred instructors", "ninety instructors"))
    report = presser_pipeline.ingest([presser])
    assert report.updated == ["presser-2025-01-01"]
    texts = [h.passage.text for h in presser_pipeline.search("instructors", k=20)]
    assert any("ninety instructors" in t for t in texts)
    assert not any("two hundred instructors" in t for t in texts)
    assert presser_pipeline.search("cod stocks", k=1)[0].passage.doc == "hearing"
    reader = presser_pipeline.reader()
    assert len(reader.vectors) == reader.manifest["n_passages"] == len(reader.rows_matching())


def test_old_generation_files_are_removed(presser_pipeline, presser: Path):
    presser.write_text(presser.read_text() + "\nAli Kaya (Daily News)\nThank you.\n")
    presser_pipeline.ingest([presser])
    names = sorted(
        p.name for p in presser_pipeline.index_dir.iterdir() if p.name.startswith(rag.store.GENERATION_PREFIXES)
    )
    assert names == ["lexical-2", "passages-2.sqlite", "vectors-2.faiss", "windows-2.faiss"]


def test_crash_during_ingest_leaves_previous_index_intact(presser_pipeline, presser: Path, monkeypatch):
    before = snapshot(presser_pipeline)
    presser.write_text(presser.read_text().replace("March", "April"))

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed before the manifest switched")

    monkeypatch.setattr(rag.store, "_replace_manifest", crash)
    with pytest.raises(KeyboardInterrupt):
        presser_pipeline.ingest([presser])
    monkeypatch.undo()
    assert snapshot(presser_pipeline) == before
    # and the next ingest completes over the leftovers
    assert presser_pipeline.ingest([presser]).updated == ["presser-2025-01-01"]
    assert any("April" in h.passage.text for h in presser_pipeline.search("opens April", k=3))


def test_index_of_another_model_is_refused_with_the_fix(presser_pipeline, tmp_path: Path):
    other = BagOfWordsEmbedder(model_name="another-model")
    pipeline = Pipeline(Settings(index_dir=presser_pipeline.index_dir), other, ExtractiveAnswerer(other))
    with pytest.raises(IndexMismatchError, match="fake-bag-of-words.*--rebuild"):
        pipeline.search("budget")
    with pytest.raises(IndexMismatchError):
        pipeline.ingest([tmp_path / "presser-2025-01-01.txt"])


def test_rebuild_starts_over_with_another_model(presser_pipeline, presser: Path):
    other = BagOfWordsEmbedder(model_name="another-model")
    pipeline = Pipeline(Settings(index_dir=presser_pipeline.index_dir), other, ExtractiveAnswerer(other))
    assert pipeline.ingest([presser], rebuild=True).added == ["presser-2025-01-01"]
    assert pipeline.info()["embedding_model"] == "another-model"


def test_other_format_version_is_refused(presser_pipeline):
    path = presser_pipeline.index_dir / MANIFEST
    manifest = json.loads(path.read_text())
    manifest["format"] = 999
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="format 999.*rag ingest"):
        IndexReader.open(presser_pipeline.index_dir, "fake-bag-of-words")


def test_missing_index_says_how_to_create_it(tmp_path: Path):
    with pytest.raises(IndexNotFoundError, match="rag ingest"):
        IndexReader.open(tmp_path / "nowhere", "fake-bag-of-words")


def test_reader_serves_lines_turns_and_speakers(presser_pipeline):
    reader = presser_pipeline.reader()
    assert reader.documents() == ["presser-2025-01-01"]
    assert reader.lines("presser-2025-01-01", 17, 17) == ["Yes. Allies agreed to aim for three percent of GDP."]
    assert reader.turn_before("presser-2025-01-01", 17) == ("Ali Kaya (Daily News)", 14, 14)
    assert "Maria Lopez (Radio Sur)" in reader.speakers()


def test_index_folder_name_with_uri_characters(make_pipeline, presser: Path, tmp_path: Path):
    pipeline = make_pipeline(index_dir=tmp_path / "odd ?name#1%20")
    pipeline.ingest([presser])
    other = tmp_path / "hearing.txt"
    other.write_text(OTHER, encoding="utf-8")
    pipeline.ingest([other])  # carries the first document over through ATTACH
    assert pipeline.reader().documents() == ["hearing", "presser-2025-01-01"]
    assert not list(tmp_path.glob("file:*"))


def test_crash_during_rebuild_leaves_previous_index_intact(presser_pipeline, tmp_path: Path, monkeypatch):
    """A rebuild ignores the old manifest, but must not write over the generation it still names."""
    before = snapshot(presser_pipeline)
    other = tmp_path / "hearing.txt"
    other.write_text(OTHER, encoding="utf-8")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed before the manifest switched")

    monkeypatch.setattr(rag.store, "_replace_manifest", crash)
    with pytest.raises(KeyboardInterrupt):
        presser_pipeline.ingest([other], rebuild=True)
    monkeypatch.undo()
    assert check_index(presser_pipeline.index_dir, "fake-bag-of-words").ok
    assert snapshot(make_reopened(presser_pipeline)) == before
    assert presser_pipeline.ingest([other], rebuild=True).added == ["hearing"]
    assert presser_pipeline.reader().documents() == ["hearing"]


def test_reader_opening_while_another_ingest_switches_gets_the_new_generation(
    presser_pipeline, tmp_path: Path, monkeypatch
):
    """The manifest is read, then another process switches it and removes the files it named."""
    other = tmp_path / "hearing.txt"
    other.write_text(OTHER, encoding="utf-8")
    writer = make_reopened(presser_pipeline)
    load = rag.store.FaissIndex.load
    raced = []

    def load_after_a_switch(path: Path, spec=None):
        if not raced:
            raced.append(path.name)
            writer.ingest([other])  # removes `path`'s generation once its manifest is live
        return load(path, spec)

    monkeypatch.setattr(rag.store.FaissIndex, "load", load_after_a_switch)
    reader = make_reopened(presser_pipeline).reader()
    assert raced == ["vectors-1.faiss"]
    assert reader.documents() == ["hearing", "presser-2025-01-01"]
    assert len(reader.vectors) == reader.manifest["n_passages"] == len(reader.rows_matching())


def test_the_index_holds_no_pickle(presser_pipeline):
    """FAISS's own format, SQLite, JSON and plain NumPy arrays only: nothing that runs code when loaded."""
    files = [p for p in presser_pipeline.index_dir.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".faiss", ".sqlite", ".json", ".lock", ".npy"}
    for path in files:
        assert not path.read_bytes()[:2].startswith(b"\x80"), f"{path.name} looks like a pickle"
        if path.suffix == ".npy":
            assert np.load(path, allow_pickle=False).dtype != object


def ingest_hearing(pipeline: Pipeline, tmp_path: Path) -> None:
    other = tmp_path / "hearing.txt"
    other.write_text(OTHER, encoding="utf-8")
    pipeline.ingest([other])


def test_corpus_crossing_the_threshold_gets_an_approximate_index(make_pipeline, presser: Path, tmp_path: Path):
    pipeline = make_pipeline(exact_max_passages=6)
    pipeline.ingest([presser])
    assert pipeline.reader().manifest["vector_index"] == {"kind": "flat"}
    exact = snapshot(pipeline, "cod stocks training")
    ingest_hearing(pipeline, tmp_path)  # 6 + 2 passages: over the threshold
    manifest = pipeline.reader().manifest
    assert manifest["vector_index"]["kind"] == manifest["index_type"] == "hnsw"
    assert manifest["vector_index"]["ef_search"] >= 10
    assert pipeline.reader().vectors.spec.kind == "hnsw"
    assert pipeline.reader().windows.spec.kind == "flat"  # fewer windows than the threshold
    assert [pid for pid, _ in snapshot(pipeline, "cod stocks training")][:1] == ["hearing:5-5#0"]
    assert check_index(pipeline.index_dir, "fake-bag-of-words").ok
    presser_only = [hit for hit in snapshot(pipeline, "cod stocks training") if hit[0].startswith("presser")]
    assert presser_only == exact[: len(presser_only)]


def test_changing_the_index_kind_reindexes_without_changed_files(presser_pipeline, presser: Path, make_pipeline):
    before = snapshot(presser_pipeline)
    hnsw = make_pipeline(vector_index="hnsw")
    report = hnsw.ingest([presser])
    assert report.unchanged == ["presser-2025-01-01"]
    assert hnsw.reader().manifest["vector_index"]["kind"] == "hnsw"
    assert snapshot(hnsw) == before
    assert make_pipeline().ingest([presser]).unchanged == ["presser-2025-01-01"]  # auto: back to exact
    assert make_reopened(presser_pipeline).reader().manifest["vector_index"] == {"kind": "flat"}


def test_adding_to_an_approximate_index_extends_it(make_pipeline, presser: Path, tmp_path: Path, monkeypatch):
    pipeline = make_pipeline(vector_index="hnsw")
    pipeline.ingest([presser])
    built = []
    monkeypatch.setattr(rag.store.FaissIndex, "__init__", record_calls(rag.store.FaissIndex.__init__, built))
    ingest_hearing(pipeline, tmp_path)
    # the old indexes (passages, windows), loaded and extended; no new one built
    assert [index.spec.kind for index, loaded in built] == ["hnsw", "hnsw"]
    assert all(loaded for _, loaded in built)
    assert pipeline.search("cod stocks", k=1)[0].passage.doc == "hearing"
    assert check_index(pipeline.index_dir, "fake-bag-of-words").ok


def record_calls(function, calls: list):
    """FaissIndex.__init__, recording each index it initialised and whether it was read from a file."""

    def wrapper(*args, **kwargs):
        function(*args, **kwargs)
        calls.append((args[0], len(args) > 2 and args[2] is not None))

    return wrapper


def test_bm25_is_saved_with_the_generation_not_rebuilt_at_open(presser_pipeline, monkeypatch):
    built = []
    monkeypatch.setattr(bm25s.BM25, "index", lambda *args, **kwargs: built.append(args))
    reader = make_reopened(presser_pipeline).reader()
    assert len(reader.lexical) == 6 and term("budget") in reader.vocabulary
    assert reader.lexical.search("training budget", 1)
    assert not built


def test_index_from_before_bm25_was_saved_still_opens(presser_pipeline):
    before = snapshot(presser_pipeline)
    manifest = json.loads((presser_pipeline.index_dir / MANIFEST).read_text())
    del manifest["files"]["lexical"], manifest["vector_index"]
    (presser_pipeline.index_dir / MANIFEST).write_text(json.dumps(manifest))
    reopened = make_reopened(presser_pipeline)
    assert snapshot(reopened) == before
    assert term("budget") in reopened.reader().vocabulary


def test_a_leftover_bm25_folder_is_never_written_over(presser_pipeline, presser: Path):
    (presser_pipeline.index_dir / "lexical-5").mkdir()
    presser.write_text(presser.read_text().replace("March", "April"))
    presser_pipeline.ingest([presser])
    assert presser_pipeline.reader().manifest["generation"] == 6
    assert not (presser_pipeline.index_dir / "lexical-5").exists()


def test_header_lines_are_the_lines_before_the_first_turn(presser_pipeline, make_pipeline, tmp_path: Path):
    header = presser_pipeline.reader().header_lines("presser-2025-01-01")
    assert [n for n, _ in header] == list(range(1, 9))
    assert (5, "1 January 2025") in header and (7, "(As delivered)") in header
    meeting = tmp_path / "meeting.txt"
    meeting.write_text("Anna: Hello there.\nBo: Hi.\n")
    pipeline = make_pipeline(index_dir=tmp_path / "meeting-index")
    pipeline.ingest([meeting])
    assert pipeline.reader().header_lines("meeting") == []


def test_floor_givers_speak_before_questions_that_someone_else_answers(presser_pipeline, make_pipeline, tmp_path: Path):
    # Jane Doe speaks before both questions but answers them: not giving the floor
    assert presser_pipeline.reader().floor_givers() == []
    briefing = tmp_path / "briefing.txt"
    briefing.write_text(
        "Anna: First question, please.\nBen: What is the budget?\nCarla: Ten million.\n"
        "Anna: Next one.\nDan: When does it open?\nCarla: In March.\nBen: Thanks.\nEve: Any news?\nCarla: None.\n"
    )
    pipeline = make_pipeline(index_dir=tmp_path / "briefing-index")
    pipeline.ingest([briefing])
    assert pipeline.reader().floor_givers("briefing") == [("briefing", "Anna", 2, 1), ("briefing", "Ben", 1, 7)]


def test_label_lines_find_each_labelled_turn_of_a_speaker(presser_pipeline, make_pipeline, tmp_path: Path):
    reader = presser_pipeline.reader()
    doc = "presser-2025-01-01"
    # a label on its own line above the turn; the bare role is the same speaker's alias
    assert reader.label_lines("Jane Doe") == [
        (doc, 16, "Jane Doe, Chief Spokesperson"),
        (doc, 23, "Chief Spokesperson"),
    ]
    assert reader.label_lines("Ali Kaya (Daily News)", doc) == [(doc, 13, "Ali Kaya (Daily News)")]
    assert reader.label_lines("Nobody") == []
    # inline labels lead the turn's own line
    meeting = tmp_path / "meeting.txt"
    meeting.write_text("Anna Berg (Radio X): Hello there.\nBo Lind: Hi, Anna.\nAnna Berg (Radio X): Shall we start?\n")
    pipeline = make_pipeline(index_dir=tmp_path / "meeting-index")
    pipeline.ingest([meeting])
    assert pipeline.reader().label_lines("Anna Berg (Radio X)") == [
        ("meeting", 1, "Anna Berg (Radio X)"),
        ("meeting", 3, "Anna Berg (Radio X)"),
    ]
    # and past what is written around a label: a list marker, a caption's ">>", bold, a time, "###"
    marked = tmp_path / "marked.md"
    marked.write_text(
        "# Sync\n\n- **Alice:** Hi.\n- **Bob:** Yes.\n>> ALICE: No.\n[00:00:09] Bob: Then.\n\n### Alice\nFine.\n"
    )
    pipeline.ingest([marked])
    assert pipeline.reader().label_lines("Alice", "marked") == [("marked", 3, "Alice"), ("marked", 8, "Alice")]
    assert pipeline.reader().label_lines("Bob", "marked") == [("marked", 4, "Bob"), ("marked", 6, "Bob")]
    # a committee's numbered question: "Q12" is no part of the label
    committee = tmp_path / "committee.txt"
    committee.write_text("Q11 Chair: Welcome.\nDr Ana Ruiz: Thank you.\nQ12 Chair: Next?\n")
    pipeline.ingest([committee])
    assert pipeline.reader().label_lines("Chair", "committee") == [("committee", 1, "Chair"), ("committee", 3, "Chair")]
    # a label line with a blank line beneath it
    spaced = tmp_path / "spaced.md"
    spaced.write_text("# Presser\n\n**Mark Rutte**\n\nGood morning.\n\n**Mizuho Morioka (Asahi Shimbun)**\n\nJapan?\n")
    pipeline.ingest([spaced])
    assert pipeline.reader().label_lines("Mizuho Morioka (Asahi Shimbun)", "spaced") == [
        ("spaced", 7, "Mizuho Morioka (Asahi Shimbun)")
    ]


def test_windows_follow_their_passages_through_updates(presser_pipeline, presser: Path, tmp_path: Path, fake_embedder):
    ingest_hearing(presser_pipeline, tmp_path)  # the hearing comes after the presser
    presser.write_text(presser.read_text().replace("March", "April"))
    presser_pipeline.ingest([presser])  # the presser is replaced: the hearing's rows move before it
    reader = make_reopened(presser_pipeline).reader()
    assert reader.windows is not None
    firsts, lasts = reader.window_bounds
    assert len(firsts) == len(reader.windows) and reader.documents_with_windows == set(reader.documents())
    for w, (first, last) in enumerate(zip(firsts.tolist(), lasts.tolist(), strict=True)):
        passages = reader.passages(list(range(first, last + 1)))
        assert len({p.doc for p in passages}) == 1
        expected = fake_embedder.embed_passages([window_text(passages)])
        assert np.allclose(reader.windows.rows([w]), expected)
    assert "April" in window_text(reader.passages(list(range(len(reader.vectors)))))
    assert check_index(presser_pipeline.index_dir, "fake-bag-of-words").ok


def test_an_index_written_before_windows_still_answers(presser_pipeline, make_pipeline):
    without_windows = snapshot(make_pipeline(without=frozenset({"windows"})))
    path = presser_pipeline.index_dir / MANIFEST
    manifest = json.loads(path.read_text())
    del manifest["files"]["windows"]  # as indexes written before windows
    path.write_text(json.dumps(manifest))
    reopened = make_reopened(presser_pipeline)
    assert reopened.reader().windows is None
    assert snapshot(reopened) == without_windows  # as with the step switched off


def test_documents_indexed_before_windows_are_named_until_ingested_again(presser_pipeline, presser: Path, tmp_path):
    # The presser as an index written before windows had it: no windows, an older text rule.
    path = presser_pipeline.index_dir / MANIFEST
    manifest = json.loads(path.read_text())
    (presser_pipeline.index_dir / manifest["files"].pop("windows")).unlink()
    manifest["documents"]["presser-2025-01-01"]["text_rule"] = 2
    path.write_text(json.dumps(manifest))
    other = tmp_path / "hearing.txt"
    other.write_text(OTHER, encoding="utf-8")
    report = presser_pipeline.ingest([other])
    assert report.outdated == ["presser-2025-01-01"]
    assert "1 indexed by an older version (presser-2025-01-01)" in report.summary()
    assert make_reopened(presser_pipeline).reader().documents_with_windows == {"hearing"}
    report = presser_pipeline.ingest([presser])  # the unchanged file, re-embedded under the new rule
    assert report.updated == ["presser-2025-01-01"] and not report.outdated
    assert make_reopened(presser_pipeline).reader().documents_with_windows == {"hearing", "presser-2025-01-01"}
    assert check_index(presser_pipeline.index_dir, "fake-bag-of-words").ok


def test_a_document_update_needs_one_vector_per_window(presser: Path):
    transcript = read_transcript(presser)
    vectors = np.zeros((1, 4), np.float32)
    with pytest.raises(ValueError, match="2 windows but 1 window vectors"):
        rag.store.DocumentUpdate(transcript, "p", "sha", (), vectors, TEXT_RULE, ((0, 0), (1, 1)), vectors)
