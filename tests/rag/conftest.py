"""Fixtures for the CLI tests that go through open_pipeline, as users' commands do."""

from pathlib import Path

import pytest

import rag.pipeline
from rag.cli import main


@pytest.fixture
def cli_index(monkeypatch, fake_embedder, presser: Path, tmp_path: Path) -> Path:
    """`rag` wired as users run it (open_pipeline included), on the fake embedder to stay quick."""
    monkeypatch.setattr(rag.pipeline, "SentenceTransformerEmbedder", lambda name, **options: fake_embedder)
    monkeypatch.setenv("RAG_MIN_SCORE", "0.1")
    for name in ("RAG_GENERATOR", "RAG_RERANKER"):  # the tests choose the models
        monkeypatch.delenv(name, raising=False)
    index = tmp_path / "index"
    assert main(["ingest", str(presser), "--index", str(index)]) == 0
    return index


@pytest.fixture
def broken_model_folder(tmp_path: Path) -> Path:
    """A model folder whose config.json is not JSON: what an interrupted copy leaves."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    return broken
