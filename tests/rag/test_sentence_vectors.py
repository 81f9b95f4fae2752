"""Sentence vectors embedded at ingest (rag/sentence_vectors.py): stored with their
document, looked up by the answerer, and embedded as before where the index lacks them."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import rag.generative
import rag.pipeline
from rag.errors import IndexDamagedError
from rag.integrity import check_index
from rag.pipeline import Pipeline, open_pipeline
from rag.sentence_vectors import held_or_embedded, quotable_sentences, sentence_key
from rag.settings import Settings
from tests.fakes import BagOfWordsEmbedder, ScriptedGenerator

DOC = "presser-2025-01-01"
QUESTION = "What target did Allies agree?"


@pytest.fixture
def opened(tmp_path: Path, fake_embedder: BagOfWordsEmbedder, monkeypatch):
    """open_pipeline's own wiring (as `rag ask` and `rag serve` build it), over the fake embedder."""
    monkeypatch.setattr(rag.pipeline, "SentenceTransformerEmbedder", lambda *args, **kwargs: fake_embedder)

    def make(**overrides) -> Pipeline:
        settings = Settings(index_dir=tmp_path / "index", min_score=0.1, context_chars=0)
        return open_pipeline(settings.with_overrides(**overrides))

    return make


def sentences_of(pipeline: Pipeline, doc: str = DOC) -> list[str]:
    stored = pipeline.reader().stored_document(doc)
    assert stored is not None
    return quotable_sentences(stored.passages)


def test_ingest_stores_a_vector_for_each_sentence_an_answer_can_quote(presser_pipeline, fake_embedder):
    texts = sentences_of(presser_pipeline)
    assert "It opens in March with two hundred instructors." in texts
    held = presser_pipeline.reader().sentence_vectors([sentence_key(t) for t in texts])
    assert len(held) == len(texts)
    for text in texts:
        np.testing.assert_array_equal(held[sentence_key(text)], fake_embedder.embed_passages([text])[0])
    assert presser_pipeline.reader().sentence_vectors([sentence_key("Never said in the presser.")]) == {}


def test_an_answer_embeds_none_of_the_sentences_the_index_holds(opened, make_pipeline, presser, fake_embedder):
    pipeline = opened()
    pipeline.ingest([presser])
    calls = fake_embedder.n_passage_calls
    answer = pipeline.ask(QUESTION).answer
    assert fake_embedder.n_passage_calls == calls  # the question was embedded, no sentence
    assert not answer.abstained and answer.citations[0].line_start == 17
    assert answer == make_pipeline().ask(QUESTION).answer  # the same as embedding them then


def test_the_generative_answer_check_embeds_only_the_model_s_own_sentences(opened, presser, monkeypatch):
    embedded: list[str] = []

    class Recording(BagOfWordsEmbedder):
        def embed_passages(self, texts):
            embedded.extend(texts)
            return super().embed_passages(texts)

    recording = Recording()
    monkeypatch.setattr(rag.pipeline, "SentenceTransformerEmbedder", lambda *args, **kwargs: recording)
    reply = "Allies agreed on a target of two percent [1]."
    monkeypatch.setattr(rag.generative, "TransformersGenerator", lambda *args, **kwargs: ScriptedGenerator([reply]))
    pipeline = opened(generator="a-model-folder")
    pipeline.ingest([presser])
    embedded.clear()
    answer = pipeline.ask(QUESTION).answer
    assert embedded == ["Allies agreed on a target of two percent."]  # not the hits' sentences again
    assert answer.citations and not answer.abstained


def test_an_index_without_sentence_vectors_answers_the_same_by_embedding_them(
    opened, make_pipeline, presser, fake_embedder
):
    without = opened(without=frozenset({"sentences"}))
    without.ingest([presser])
    assert without.reader().sentence_vectors([sentence_key(t) for t in sentences_of(without)]) == {}
    db = sqlite3.connect(without.index_dir / without.reader().manifest["files"]["passages"])
    db.execute("DROP TABLE sentences")  # as an index written before them
    db.commit()
    db.close()
    pipeline = opened()  # the step on, over that index
    calls = fake_embedder.n_passage_calls
    answer = pipeline.ask(QUESTION).answer
    assert fake_embedder.n_passage_calls > calls
    assert answer == make_pipeline().ask(QUESTION).answer
    assert check_index(pipeline.index_dir, "fake-bag-of-words").ok


def test_sentence_vectors_come_and_go_with_their_document(presser_pipeline, presser, tmp_path: Path):
    other = tmp_path / "statement.txt"
    other.write_text("Ali Kaya: The bridge reopens on Monday. Traffic will be light.\n", encoding="utf-8")
    presser_pipeline.ingest([other])
    kept, theirs = sentences_of(presser_pipeline), sentences_of(presser_pipeline, "statement")
    presser.write_text(presser.read_text().replace("two hundred instructors", "ninety instructors"))
    assert presser_pipeline.ingest([presser]).updated == [DOC]
    reader = presser_pipeline.reader()
    now = sentences_of(presser_pipeline)
    assert "It opens in March with ninety instructors." in now
    assert len(reader.sentence_vectors([sentence_key(t) for t in now + theirs])) == len(set(now + theirs))
    assert reader.sentence_vectors([sentence_key("It opens in March with two hundred instructors.")]) == {}
    assert set(kept) - set(now) == {"It opens in March with two hundred instructors."}
    assert check_index(presser_pipeline.index_dir, "fake-bag-of-words").ok


def test_a_document_read_again_under_a_new_rule_embeds_only_its_sentences(presser_pipeline, presser, fake_embedder):
    db = sqlite3.connect(presser_pipeline.index_dir / presser_pipeline.reader().manifest["files"]["passages"])
    db.execute("DELETE FROM sentences")  # as indexed under rule 9, before sentences were embedded
    db.commit()
    db.close()
    from tests.rag.test_store import set_text_rule

    set_text_rule(presser_pipeline, DOC, 9)
    calls = fake_embedder.n_passage_calls
    assert presser_pipeline.ingest([presser]).updated == [DOC]
    assert fake_embedder.n_passage_calls == calls + 1  # the sentences; passages and windows keep theirs
    texts = sentences_of(presser_pipeline)
    assert len(presser_pipeline.reader().sentence_vectors([sentence_key(t) for t in texts])) == len(texts)


@pytest.mark.parametrize(
    "vector", ["substr(vector, 5)", "'a vector'", "NULL", "7"], ids=["short", "text", "null", "integer"]
)
def test_a_garbled_sentence_vector_is_reported_as_damage(opened, presser, vector: str):
    pipeline = opened()
    pipeline.ingest([presser])
    store = pipeline.index_dir / pipeline.reader().manifest["files"]["passages"]
    db = sqlite3.connect(store)
    db.execute(f"UPDATE sentences SET vector = {vector}")
    db.commit()
    db.close()
    with pytest.raises(IndexDamagedError, match=rf"{store.name} of the index .* not 256 float32s.*rag info --check"):
        pipeline.ask(QUESTION)


def test_an_answerer_lent_to_a_pipeline_over_another_index_still_answers(opened, make_pipeline, presser, tmp_path):
    # as `rag calibrate --index OTHER` does: the default index's pipeline lends its answerer
    # to one over OTHER; its sentence lookups go to the default index, which is not there
    lender = opened(index_dir=tmp_path / "no-index-here")
    borrower = Pipeline(replace(lender.settings, index_dir=tmp_path / "other"), lender.embedder, lender.answerer)
    borrower.ingest([presser])
    assert borrower.ask(QUESTION).answer == make_pipeline(index_dir=tmp_path / "other").ask(QUESTION).answer


def test_held_or_embedded_embeds_only_what_is_not_held_in_one_call():
    embedder = BagOfWordsEmbedder()
    texts = ["Yes.", "We agreed on two percent.", "Yes.", "It opens in March."]
    held = {sentence_key("We agreed on two percent."): np.full(embedder.dim, 0.5, dtype=np.float32)}
    out = held_or_embedded(texts, held, embedder.embed_passages)
    assert embedder.n_passage_calls == 1 and out.dtype == np.float32
    np.testing.assert_array_equal(out[1], held[sentence_key("We agreed on two percent.")])
    for i in (0, 2, 3):
        np.testing.assert_array_equal(out[i], embedder.embed_passages([texts[i]])[0])
    assert held_or_embedded([], held, embedder.embed_passages).shape == (0, embedder.dim)
