"""The benchmark suite's quick modes run and write the JSON the docs read (no timings asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks import corpus, scale
from tests.fakes import BagOfWordsEmbedder

MEETING = """\
# QMSum meeting Tiny001

Alice Moss: Good morning. The budget for the remote control is twelve euros. We need a decision today.

Bob Stone: I think the rubber case is too expensive. Can we use plastic instead?

Alice Moss: Plastic is cheaper. The designers prefer the curved shape. Marketing wants bright colours.

Carol Vance: Our survey says young people want a fancy look. They also want voice recognition.

Bob Stone: Voice recognition costs too much. The battery would not last a week.

Carol Vance: Then we keep the scroll wheel. It was popular in the tests. Let us meet again on Friday.
"""


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "Tiny001.txt").write_text(MEETING, encoding="utf-8")
    return folder


def test_corpus_quick_writes_figures(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.json"
    argv = ["--quick", "--out", str(out), "--sources", str(sources), "--cache", str(tmp_path / "cache")]
    corpus.main(argv, embedder=BagOfWordsEmbedder())
    figures = json.loads(out.read_text())
    assert figures["n_real_vectors"] == 1000
    assert figures["n_source_files"] == 1 and figures["n_sentences"] > 10
    assert 0 < figures["nn_cosine"]["p10"] <= figures["nn_cosine"]["p50"] <= figures["nn_cosine"]["p90"] <= 1
    assert figures["sigma"] > 0
    assert figures["machine"]["cores"] >= 1


def test_synthetic_document_parses_back_to_its_passages(sources: Path) -> None:
    from rag.parsing import parse_text

    pool = corpus.read_pool([sources / "Tiny001.txt"], BagOfWordsEmbedder())
    doc = corpus.make_doc(pool, 3, seed=1, n_turns=20)
    assert doc == corpus.make_doc(pool, 3, seed=1, n_turns=20)  # seeded
    transcript, passages = corpus.to_transcript(doc)
    parsed = parse_text(corpus.transcript_text(doc), doc.doc)
    assert [(t.speaker, t.line_start, t.lines) for t in parsed.turns] == [
        (t.speaker, t.line_start, t.lines) for t in transcript.turns
    ]
    assert parsed.lines == transcript.lines
    assert [p.text for p in passages] == list(doc.texts)


def test_derived_vectors_sit_at_the_chosen_cosine() -> None:
    rng = np.random.default_rng(0)
    real = rng.standard_normal((500, 64)).astype(np.float32)
    real /= np.linalg.norm(real, axis=1, keepdims=True)
    derived = corpus.derived_vectors(real, 5000, corpus.sigma_for(0.8, 64), seed=0)
    assert derived.shape == (5000, 64)
    assert np.allclose(np.linalg.norm(derived, axis=1), 1, atol=1e-5)
    assert abs(float(np.median((derived[500:] @ real.T).max(axis=1))) - 0.8) < 0.03


def test_scale_quick_writes_latency_and_memory(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    argv = ["--quick", "--sizes", "600", "--kinds", "flat,hnsw", "--approx-from", "0", "--out", str(out)]
    argv += ["--sources", str(sources), "--cache", str(tmp_path / "cache")]
    scale.main(argv, embedder=BagOfWordsEmbedder())
    figures = json.loads(out.read_text())
    assert [(r["n"], r["kind"], r["vector_index"]["kind"]) for r in figures["results"]] == [
        (600, "flat", "flat"),
        (600, "hnsw", "hnsw"),
    ]
    for result in figures["results"]:
        for key in ("embed_ms", "search_ms", "search_with_embed_ms", "ask_ms"):
            assert 0 < result[key]["p50"] <= result[key]["p95"]
            assert result[key]["n"] == 30
        assert result["vector_mb"] == pytest.approx(600 * 256 * 4 / 1e6, abs=0.1)
        assert result["text_mb"] > 0 and result["build_s"] >= 0 and result["rss_open_mb"] > 0
    assert figures["results"][0]["dense_recall_at_10"] == 1.0  # exact search is its own ground truth
    assert 0.5 < figures["results"][1]["dense_recall_at_10"] <= 1.0
    assert figures["targets"] == []  # no target is set at 600 passages


def test_scale_append_keeps_earlier_sizes(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    common = ["--quick", "--questions", "5", "--out", str(out), "--sources", str(sources)]
    common += ["--cache", str(tmp_path / "cache"), "--kinds", "flat"]
    scale.main([*common, "--sizes", "500"], embedder=BagOfWordsEmbedder())
    scale.main([*common, "--sizes", "300", "--append"], embedder=BagOfWordsEmbedder())
    figures = json.loads(out.read_text())
    assert [r["n"] for r in figures["results"]] == [300, 500]
