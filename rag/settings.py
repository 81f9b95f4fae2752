"""One frozen Settings object; entry points build it from RAG_* variables and flags.

Library code receives values from here and never reads os.environ itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from embeddings.faiss_index import CHOICES as VECTOR_INDEX_CHOICES
from embeddings.faiss_index import EXACT_MAX_PASSAGES
from embeddings.sentence_transformer import DEFAULT_ENCODER, DEFAULT_MODEL, Encoder, check_encoder
from rag.abstention import AbstentionThresholds

# Steps of the question path that `without` (--without, $RAG_WITHOUT) switches off, so
# that what each one buys can be measured (eval/ablation.py); all are on by default.
STEPS = {
    "hybrid": "BM25 fused with dense search (rag/retriever.py)",
    "speakers": "a question that names a speaker is answered from their turns (rag/speakers.py)",
    "dialogue": "a question turn brings the turn that answers it, each hit its exchange; a turn that says little is no hit (rag/dialogue.py)",
    "windows": "runs of consecutive passages, embedded together, vote for the passages they hold (rag/windows.py)",
    "header": "a question asking when the transcript itself was given or updated is answered from its header (rag/header.py)",
    "followups": "a follow-up is rewritten from the history (rag/followups.py)",
    "sentences": "answers quote the best sentences, not whole passages, and their passage is listed first (rag/answering.py)",
    "abstention": "unanswered questions are declined (rag/abstention.py)",
}


def parse_steps(text: str) -> frozenset[str]:
    """Step names from a comma-separated list: "hybrid, dialogue" -> {"hybrid", "dialogue"}."""
    return check_steps(name.strip() for name in text.split(",") if name.strip())


def check_steps(names: Iterable[str]) -> frozenset[str]:
    steps = frozenset(names)
    unknown = sorted(steps - STEPS.keys())
    if unknown:
        raise ValueError(f"unknown step {', '.join(unknown)}; choose from: {', '.join(STEPS)}")
    return steps


def default_index_dir(env: Mapping[str, str]) -> Path:
    """$RAG_INDEX, else $XDG_DATA_HOME/transcript-qa/index, else ~/.local/share/transcript-qa/index."""
    if env.get("RAG_INDEX"):
        return Path(env["RAG_INDEX"])
    data_home = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else Path.home() / ".local" / "share"
    return data_home / "transcript-qa" / "index"


@dataclass(frozen=True)
class Settings:
    index_dir: Path = field(default_factory=lambda: default_index_dir({}))
    embedding_model: str = DEFAULT_MODEL
    # "fp32", "bf16" or "auto" (bf16 where the CPU has it natively); the default and the
    # figures behind it are in embeddings/sentence_transformer.py.
    encoder: Encoder = DEFAULT_ENCODER
    k: int = 5  # passages retrieved and shown
    # Longest passage in the model's tokens (its own limit is 256). Finer passages retrieve
    # better: on the sample's questions hit@1 went 0.42 -> 0.51 -> 0.69 for 256 -> 128 -> 64
    # (48 was no better), and on qmsum-val 64 and 128 were within 0.02 of each other.
    max_passage_tokens: int = 64
    # When the answerer abstains (rag/abstention.py, which shows the `rag calibrate` table that
    # chose them): the best passage's cosine is below min_score; a name the corpus never
    # mentions is closer than min_name_similarity to no name in the top passages; the
    # question's names first appear together in a passage ranked below names_window (0: off);
    # check_quantities: a how-many or how-much question whose quotes hold no number.
    # The name check (min_name_similarity) did not pay on the calibration sets: off.
    min_score: float = 0.28
    min_name_similarity: float = -1.0
    names_window: int = 5
    check_quantities: bool = True
    # Weight of the BM25 scores next to the dense ones, each min-max scaled, in the fusion;
    # 0 turns BM25 off. Chosen on the sample's and qmsum-val's questions (rag/retriever.py).
    lexical_weight: float = 1.0
    max_quotes: int = 2  # sentences quoted in an extractive answer
    # Characters of the exchange each hit brings along (the passages around it, whole;
    # rag/dialogue.py has the figures that chose it); 0: the passage alone.
    context_chars: int = 500
    # FAISS index: "auto" is exact up to exact_max_passages and HNSW above; every ingest
    # chooses anew, so a corpus crossing the threshold is re-indexed (embeddings/faiss_index.py).
    vector_index: str = "auto"
    exact_max_passages: int = EXACT_MAX_PASSAGES
    # A transformers chat model (folder or hub id in the local cache) for the generative
    # answerer; None keeps the extractive answerer alone.
    generator: str | None = None
    max_new_tokens: int = 256
    # A sentence-transformers cross-encoder (folder or hub id in the local cache) that
    # reorders the fused candidates (rag/reranking.py); None keeps fusion's order.
    reranker: str | None = None
    trust_remote_code: bool = False  # let a model folder (generator, reranker) run its own Python code: only if trusted
    host: str = "127.0.0.1"
    port: int = 7860
    max_file_mb: float = 50.0  # larger files are refused by ingest: no transcript is that big
    max_upload_mb: float = 20.0  # largest transcript the browser may upload
    upload_dir: Path | None = None  # where uploads are kept; None: <index_dir>/uploads
    without: frozenset[str] = frozenset()  # STEPS switched off

    def uses(self, step: str) -> bool:
        """Whether `step` (one of STEPS) is switched on."""
        if step not in STEPS:
            raise ValueError(f"unknown step {step!r}; choose from: {', '.join(STEPS)}")
        return step not in self.without

    @property
    def abstention(self) -> AbstentionThresholds:
        return AbstentionThresholds(self.min_score, self.min_name_similarity, self.names_window, self.check_quantities)

    @property
    def uploads(self) -> Path:
        return self.upload_dir if self.upload_dir is not None else self.index_dir / "uploads"

    def __post_init__(self) -> None:
        if self.k <= 0:
            raise ValueError(f"k must be positive, got {self.k}")
        check_encoder(self.encoder)
        if self.max_passage_tokens < 16:
            raise ValueError(f"max_passage_tokens must be at least 16, got {self.max_passage_tokens}")
        if not -1.0 <= self.min_score <= 1.0:
            raise ValueError(f"min_score is a cosine in [-1, 1], got {self.min_score}")
        if self.names_window < 0:
            raise ValueError(f"names_window must be >= 0 (0 turns the check off), got {self.names_window}")
        if self.context_chars < 0:
            raise ValueError(f"context_chars must be >= 0 (0: the passage alone), got {self.context_chars}")
        if self.lexical_weight < 0:
            raise ValueError(f"lexical_weight must be >= 0, got {self.lexical_weight}")
        if self.vector_index not in VECTOR_INDEX_CHOICES:
            raise ValueError(
                f"vector_index must be one of {', '.join(VECTOR_INDEX_CHOICES)}, got {self.vector_index!r}"
            )
        if self.exact_max_passages < 0:
            raise ValueError(f"exact_max_passages must be >= 0, got {self.exact_max_passages}")
        if self.max_quotes <= 0:
            raise ValueError(f"max_quotes must be positive, got {self.max_quotes}")
        if self.max_new_tokens <= 0:
            raise ValueError(f"max_new_tokens must be positive, got {self.max_new_tokens}")
        if self.max_file_mb <= 0:
            raise ValueError(f"max_file_mb must be positive, got {self.max_file_mb}")
        check_steps(self.without)
        if self.max_upload_mb <= 0:
            raise ValueError(f"max_upload_mb must be positive, got {self.max_upload_mb}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by RAG_INDEX, RAG_MODEL, RAG_ENCODER, RAG_K, RAG_MIN_SCORE, RAG_MAX_FILE_MB, RAG_MAX_UPLOAD_MB, RAG_UPLOADS, RAG_GENERATOR, RAG_RERANKER, RAG_VECTOR_INDEX, RAG_EXACT_MAX_PASSAGES, RAG_WITHOUT."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {"index_dir": default_index_dir(env)}
        if env.get("RAG_MODEL"):
            values["embedding_model"] = env["RAG_MODEL"]
        if env.get("RAG_ENCODER"):
            try:
                values["encoder"] = check_encoder(env["RAG_ENCODER"])
            except ValueError as exc:
                raise ValueError(f"RAG_ENCODER: {exc}") from None
        if env.get("RAG_K"):
            values["k"] = int(env["RAG_K"])
        if env.get("RAG_MIN_SCORE"):
            values["min_score"] = float(env["RAG_MIN_SCORE"])
        if env.get("RAG_MAX_FILE_MB"):
            values["max_file_mb"] = float(env["RAG_MAX_FILE_MB"])
        if env.get("RAG_MAX_UPLOAD_MB"):
            values["max_upload_mb"] = float(env["RAG_MAX_UPLOAD_MB"])
        if env.get("RAG_GENERATOR"):
            values["generator"] = env["RAG_GENERATOR"]
        if env.get("RAG_RERANKER"):
            values["reranker"] = env["RAG_RERANKER"]
        if env.get("RAG_VECTOR_INDEX"):
            values["vector_index"] = env["RAG_VECTOR_INDEX"]
        if env.get("RAG_EXACT_MAX_PASSAGES"):
            values["exact_max_passages"] = int(env["RAG_EXACT_MAX_PASSAGES"])
        if env.get("RAG_WITHOUT"):
            try:
                values["without"] = parse_steps(env["RAG_WITHOUT"])
            except ValueError as exc:
                raise ValueError(f"RAG_WITHOUT: {exc}") from None
        if env.get("RAG_UPLOADS"):
            values["upload_dir"] = Path(env["RAG_UPLOADS"])
        return cls(**values)

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with every value that is not None replaced."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})
