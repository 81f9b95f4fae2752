"""Settings: the encoder option from RAG_ENCODER, validated with the allowed values named."""

from __future__ import annotations

import pytest

from embeddings.sentence_transformer import DEFAULT_ENCODER
from rag.pipeline import open_pipeline
from rag.settings import STEPS, Settings, parse_steps


def test_encoder_comes_from_rag_encoder_else_the_default():
    assert Settings().encoder == DEFAULT_ENCODER
    assert Settings.from_env({}).encoder == DEFAULT_ENCODER
    assert Settings.from_env({"RAG_ENCODER": "bf16"}).encoder == "bf16"
    assert Settings.from_env({"RAG_ENCODER": "auto"}).with_overrides(encoder="fp32").encoder == "fp32"


def test_unknown_encoder_is_refused_naming_where_it_came_from_and_the_choices():
    with pytest.raises(ValueError, match=r"RAG_ENCODER: encoder must be one of 'fp32', 'bf16', 'auto'; got 'int8'"):
        Settings.from_env({"RAG_ENCODER": "int8"})
    with pytest.raises(ValueError, match="'fp32', 'bf16', 'auto'"):
        Settings(encoder="onnx")  # type: ignore[arg-type]


def test_open_pipeline_hands_the_encoder_to_the_embedder(tmp_path):
    pipeline = open_pipeline(Settings(index_dir=tmp_path / "index", encoder="bf16"))
    embedder = pipeline.embedder
    assert getattr(embedder, "requested_encoder", None) == "bf16"
    assert getattr(embedder, "encoder", None) == "bf16"
    assert "_model" not in vars(embedder)  # still lazy: nothing loaded to build it


def test_steps_are_on_unless_switched_off_by_name():
    assert all(Settings().uses(step) for step in STEPS)
    settings = Settings.from_env({"RAG_WITHOUT": "dialogue, hybrid"})
    assert settings.without == {"dialogue", "hybrid"}
    assert not settings.uses("dialogue") and settings.uses("speakers")
    assert Settings().with_overrides(without=parse_steps("sentences")).without == {"sentences"}


def test_unknown_steps_are_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"RAG_WITHOUT: unknown step reranking; choose from: hybrid, speakers"):
        Settings.from_env({"RAG_WITHOUT": "reranking"})
    with pytest.raises(ValueError, match="unknown step 'hybird'"):
        Settings().uses("hybird")
    with pytest.raises(ValueError, match="unknown step bm25"):
        Settings(without=frozenset({"bm25"}))


def test_context_chars_default_and_bounds():
    assert Settings().context_chars == 500
    assert Settings(context_chars=0).context_chars == 0
    with pytest.raises(ValueError, match="context_chars must be >= 0"):
        Settings(context_chars=-1)
