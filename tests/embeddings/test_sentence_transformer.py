"""The encoder option: validation, the auto choice, and bf16 vectors against fp32 ones."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from embeddings.sentence_transformer import (
    ENCODERS,
    SentenceTransformerEmbedder,
    check_encoder,
    choose_encoder,
    has_native_bf16,
    read_cpu_flags,
)
from tests.conftest import SAMPLE

SAPPHIRE_RAPIDS = {"avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "amx_int8"}
ZEN4 = {"avx2", "avx512f", "avx512_bf16"}  # AVX512-BF16 without AMX
SKYLAKE = {"avx2", "avx512f", "avx512bw"}
ARM = {"fp", "asimd", "sve"}


def test_unknown_encoder_is_refused_naming_the_allowed_values():
    with pytest.raises(ValueError, match=r"one of 'fp32', 'bf16', 'auto'; got 'fp16'"):
        SentenceTransformerEmbedder(encoder="fp16")
    with pytest.raises(ValueError, match="'fp32', 'bf16', 'auto'"):
        check_encoder("onnx")  # not offered: see docs/benchmarks-encoder.md
    assert ENCODERS == ("fp32", "bf16", "auto")


@pytest.mark.parametrize(
    ("flags", "native"), [(SAPPHIRE_RAPIDS, True), (ZEN4, True), ({"amx_bf16"}, True), (SKYLAKE, False), (ARM, False)]
)
def test_auto_is_bf16_exactly_where_the_cpu_has_native_bf16(flags, native):
    assert has_native_bf16(flags) is native
    assert choose_encoder("auto", flags) == ("bf16" if native else "fp32")
    assert choose_encoder("fp32", flags) == "fp32"  # an explicit choice stands, native or not
    assert choose_encoder("bf16", flags) == "bf16"


def test_cpu_flags_are_read_from_the_flags_line(tmp_path: Path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu avx2 amx_bf16\n\nprocessor\t: 1\n")
    assert read_cpu_flags(cpuinfo) == {"fpu", "avx2", "amx_bf16"}
    assert read_cpu_flags(tmp_path / "missing") == frozenset()  # not Linux: auto means fp32


def test_auto_on_another_device_stays_fp32_and_nothing_loads():
    embedder = SentenceTransformerEmbedder(encoder="auto", device="cuda")
    assert embedder.encoder == "fp32"
    assert "_model" not in vars(embedder)  # the constructor and the choice load no model


def sample_passages(n: int) -> list[str]:
    lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if len(line) > 60][:n]


@pytest.fixture(scope="module")
def fp32_and_bf16() -> tuple[SentenceTransformerEmbedder, SentenceTransformerEmbedder]:
    return SentenceTransformerEmbedder(encoder="fp32"), SentenceTransformerEmbedder(encoder="bf16")


@pytest.mark.slow
def test_bf16_vectors_are_normalised_float32_and_agree_with_fp32(fp32_and_bf16):
    import torch

    fp32, bf16 = fp32_and_bf16
    texts = sample_passages(12)
    assert len(texts) == 12
    xa, xb = fp32.embed_passages(texts), bf16.embed_passages(texts)
    assert next(bf16._model.parameters()).dtype == torch.bfloat16  # bf16 really ran
    assert xb.dtype == np.float32 and xb.shape == xa.shape == (12, 384) and xb.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(xb, axis=1), 1.0, atol=1e-5)
    cosines = (xa * xb).sum(axis=1)
    assert not np.array_equal(xa, xb)
    assert cosines.min() >= 0.999, cosines


@pytest.mark.slow
def test_bf16_queries_agree_with_fp32_and_stay_cached(fp32_and_bf16):
    fp32, bf16 = fp32_and_bf16
    question = "How many nuclear warheads will China have by the end of the decade?"
    bf16.clear_query_cache()
    qb = bf16.embed_query(question)
    assert qb.dtype == np.float32 and qb.shape == (1, 384)
    assert abs(float(np.linalg.norm(qb)) - 1.0) < 1e-5
    assert float((fp32.embed_query(question) @ qb.T)[0, 0]) >= 0.999
    qb[0, 0] = 9.0  # a caller changing its copy does not change the cache
    np.testing.assert_array_equal(bf16.embed_query(question)[0, 1:], qb[0, 1:])
    assert bf16.embed_query(question)[0, 0] != 9.0
    assert bf16._embed_query_cached.cache_info().hits >= 2


def test_model_loads_once_when_two_threads_ask_at_once(monkeypatch):
    """rag serve warms the model in a thread while the first question may already need it."""
    loads = []

    def slow_load(self):
        loads.append(1)
        time.sleep(0.2)
        return object()

    monkeypatch.setattr(SentenceTransformerEmbedder, "_load", slow_load)
    embedder = SentenceTransformerEmbedder()
    threads = [threading.Thread(target=lambda: embedder._model) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1
