"""fp32 against bf16 encoding: passages per second, cosine of the vectors, top-10 changes.

    .venv/bin/python benchmarks/encoder_compare.py [--repeats 5] [--out results.json]

Chunks the transcripts as `rag ingest` does (64-token passages, the same embedding texts),
then encodes all of them with each encoder `repeats` times, alternating which goes first,
after a warm-up. Prints the median rate of each, the cosine of bf16 to fp32 vectors, and
for each question of the set how many of its dense top-10 passages change. A benchmark,
not a test: rates vary with the machine and its load, so it prints them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def embedding_texts_of(paths: list[Path], embedder: Any, max_passage_tokens: int) -> list[str]:
    from rag.chunking import chunk_transcript, embedding_texts
    from rag.ingest import find_files
    from rag.parsing import read_transcript

    files, _ = find_files(paths)
    texts: list[str] = []
    for path in files:
        passages = chunk_transcript(read_transcript(path), embedder.count_tokens, max_tokens=max_passage_tokens)
        texts += embedding_texts(passages, embedder.count_tokens, model_max_tokens=embedder.max_tokens)
    return texts


def encode_rates(embedders: dict[str, Any], texts: list[str], repeats: int) -> dict[str, list[float]]:
    """Passages per second of each embedder, one figure per repeat; the order alternates."""
    for embedder in embedders.values():
        embedder.embed_passages(texts[:64])  # warm-up: load, first-call allocations
    rates: dict[str, list[float]] = {name: [] for name in embedders}
    for r in range(repeats):
        for name in list(embedders)[:: 1 if r % 2 == 0 else -1]:
            started = time.perf_counter()
            embedders[name].embed_passages(texts)
            rates[name].append(len(texts) / (time.perf_counter() - started))
    return rates


def top10_changes(xa: np.ndarray, xb: np.ndarray, qa: np.ndarray, qb: np.ndarray) -> list[int]:
    """For each query row, how many of its fp32 top 10 are missing from its bf16 top 10."""
    ta = np.argsort(-(qa @ xa.T), axis=1)[:, :10]
    tb = np.argsort(-(qb @ xb.T), axis=1)[:, :10]
    return [len(set(a) - set(b)) for a, b in zip(ta.tolist(), tb.tolist(), strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "sample"])
    parser.add_argument("--questions", type=Path, default=ROOT / "eval/sets/nato-2025-05-15-antalya.jsonl")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--max-passage-tokens", type=int, default=64)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from embeddings.sentence_transformer import SentenceTransformerEmbedder, read_cpu_flags
    from rag.questions import load_questions

    embedders = {name: SentenceTransformerEmbedder(encoder=name) for name in ("fp32", "bf16")}
    texts = embedding_texts_of(args.paths, embedders["fp32"], args.max_passage_tokens)
    rates = encode_rates(embedders, texts, args.repeats)
    xa, xb = (embedders[n].embed_passages(texts) for n in ("fp32", "bf16"))
    questions = [q.question for q in load_questions(args.questions)]
    qa, qb = (np.vstack([embedders[n].embed_query(q) for q in questions]) for n in ("fp32", "bf16"))
    passage_cos, query_cos = (xa * xb).sum(axis=1), (qa * qb).sum(axis=1)
    changes = top10_changes(xa, xb, qa, qb)
    flags = read_cpu_flags()
    result = {
        "machine": platform.processor() or platform.machine(),
        "torch_threads": torch.get_num_threads(),
        "native_bf16_flags": sorted(flags & {"amx_bf16", "avx512_bf16"}),
        "n_passages": len(texts),
        "n_questions": len(questions),
        "passages_per_s": {n: [round(x, 1) for x in r] for n, r in rates.items()},
        "median_passages_per_s": {n: round(statistics.median(r), 1) for n, r in rates.items()},
        "passage_cosine": {"min": float(passage_cos.min()), "median": float(np.median(passage_cos))},
        "query_cosine": {"min": float(query_cos.min()), "median": float(np.median(query_cos))},
        "top10_changed": {
            "questions_with_any_change": sum(1 for c in changes if c),
            "passages_changed_total": sum(changes),
            "max_in_one_question": max(changes),
            "questions_whose_top1_changed": int(((qa @ xa.T).argmax(axis=1) != (qb @ xb.T).argmax(axis=1)).sum()),
        },
    }
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
