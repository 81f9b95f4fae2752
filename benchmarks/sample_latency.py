"""Ingest time and warm `ask` latency on the sample transcript; prints medians, writes JSON.

    .venv/bin/python benchmarks/sample_latency.py [--repeats 5] [--out results.json]

Every question of eval/sets/nato-2025-05-15-antalya.jsonl is asked `repeats` times after a
warm-up pass, through the same Pipeline the CLI uses; the query-embedding cache is cleared
before each pass, so the figures are for questions asked for the first time. A benchmark, not a test: figures vary
with the machine and its load, so it prints them rather than asserting.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from rag.pipeline import open_pipeline
    from rag.questions import load_questions
    from rag.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        pipeline = open_pipeline(Settings(index_dir=Path(tmp) / "index"))
        started = time.perf_counter()
        pipeline.embedder.embed_query("load")
        load_s = time.perf_counter() - started
        ingest_s = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            n_passages = pipeline.ingest([ROOT / "sample"], rebuild=True).n_passages
            ingest_s.append(time.perf_counter() - started)
        questions = load_questions(ROOT / "eval" / "sets" / "nato-2025-05-15-antalya.jsonl")
        for q in questions:  # warm-up: index opened, caches filled
            pipeline.ask(q.question, history=q.history, doc=q.doc)
        totals, retrieve, answer = [], [], []
        for _ in range(args.repeats):
            pipeline.embedder.clear_query_cache()  # every question is new to the embedder
            for q in questions:
                timings = pipeline.ask(q.question, history=q.history, doc=q.doc).timings_ms
                totals.append(timings["total"])
                retrieve.append(timings["retrieve"])
                answer.append(timings["answer"])
    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "model_load_s": round(load_s, 2),
        "ingest_sample_median_s": round(statistics.median(ingest_s), 2),
        "n_passages": n_passages,
        "asks": len(totals),
        "ask_median_ms": round(statistics.median(totals), 1),
        "ask_p95_ms": round(statistics.quantiles(totals, n=20)[-1], 1),
        "retrieve_median_ms": round(statistics.median(retrieve), 1),
        "answer_median_ms": round(statistics.median(answer), 1),
    }
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
