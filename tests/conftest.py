"""Shared fixtures: tiny synthetic transcripts, a pipeline on fakes, and (slow) the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answering import ExtractiveAnswerer
from rag.pipeline import Pipeline
from rag.settings import Settings
from tests.fakes import BagOfWordsEmbedder

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample" / "nato-2025-05-15-antalya.txt"

PRESSER = """\
Press briefing

by Spokesperson Jane Doe on the annual budget

1 January 2025

(As delivered)

Good afternoon. Allies reviewed the budget today.

We also discussed the new training centre in Riga.

Ali Kaya (Daily News)
Will the spending target rise next year?

Jane Doe, Chief Spokesperson
Yes. Allies agreed to aim for three percent of GDP.
That decision was unanimous.

Maria Lopez (Radio Sur)
What about the training centre?

Chief Spokesperson
It opens in March with two hundred instructors.
"""
# Turns: Jane Doe 9-11 (opening statement, header person), Ali Kaya 14, Jane Doe 17-18,
# Maria Lopez 21, Jane Doe 24 (bare role -> alias).
# Gold for "What target did Allies agree?" is line 17.


@pytest.fixture
def presser(tmp_path: Path) -> Path:
    path = tmp_path / "presser-2025-01-01.txt"
    path.write_text(PRESSER, encoding="utf-8")
    return path


@pytest.fixture
def fake_embedder() -> BagOfWordsEmbedder:
    return BagOfWordsEmbedder()


@pytest.fixture
def make_pipeline(tmp_path: Path, fake_embedder: BagOfWordsEmbedder):
    """Build a pipeline on fakes over a temporary index; keyword arguments override Settings."""

    def make(**overrides) -> Pipeline:
        # The name check is off by default (rag/abstention.py); on here, so "What about Iran?"
        # abstains on the fakes as the unanswerable question of the small sets. Hits come
        # without their exchanges (context_chars=0), which would cover most of the six-passage
        # presser; tests/rag/test_dialogue.py turns them on.
        settings = Settings(index_dir=tmp_path / "index", min_score=0.1, context_chars=0, min_name_similarity=0.45)
        settings = settings.with_overrides(**overrides)
        return Pipeline(settings, fake_embedder, ExtractiveAnswerer(fake_embedder, max_quotes=settings.max_quotes))

    return make


@pytest.fixture
def presser_pipeline(make_pipeline, presser: Path) -> Pipeline:
    pipeline = make_pipeline()
    pipeline.ingest([presser])
    return pipeline


@pytest.fixture(scope="session")
def real_embedder():
    """The bundled all-MiniLM-L6-v2, loaded once per test session, offline."""
    from embeddings.sentence_transformer import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    assert embedder.dim == 384  # forces the load here, once
    return embedder


@pytest.fixture(scope="session")
def sample_pipeline(tmp_path_factory, real_embedder) -> Pipeline:
    """The real model over the real sample transcript, with the shipped default settings."""
    settings = Settings(index_dir=tmp_path_factory.mktemp("sample") / "index")
    pipeline = Pipeline(settings, real_embedder, ExtractiveAnswerer(real_embedder, max_quotes=settings.max_quotes))
    pipeline.ingest([SAMPLE])
    return pipeline
