"""`search` and `ask` latency and memory at 1k to 1M passages; prints figures, writes JSON.

    .venv/bin/python -m benchmarks.scale --out out/bench/scale.json [--sizes 1000,10000,100000,1000000]
        [--kinds flat,hnsw] [--repeats 2] [--quick] [--without windows]

Each index is written straight from vectors (benchmarks/corpus.py: cached real
embeddings, then vectors derived from them) with rag.store.write_generation, as `rag
ingest` writes it but with no encoding, and kept under the cache folder for later runs.
A fresh process then opens it as the app does (a Pipeline with the real embedder and
the extractive answerer) and asks the real questions of the sample's and qmsum-val's
sets (open_pipeline: the app's embedder and encoder), each after clearing the
query-embedding cache, so every question is new:

- embed_ms: embedding the question (SentenceTransformerEmbedder.embed_query);
- search_ms: Pipeline.search with that embedding cached: dense + BM25 + fusion + SQLite;
- ask_ms: Pipeline.ask from scratch (embedding, retrieval, abstention check, extractive answer);
- dense_recall_at_10: how much of exact search's top 10 the index's dense search returns
  (below 1 only for approximate kinds), over the same questions.

Memory is the process's resident set after opening the index and answering a first
question (BM25 and the vocabulary are built lazily on it), less the resident set with the
model loaded and nothing opened; it is compared with the bytes of the vectors plus the
passage text. Building and measuring run in separate processes, one per size, so their
memory does not mix. `--kinds` takes the FAISS index kinds to compare (Settings.vector_index:
"flat" is exact IndexFlatIP, "hnsw" approximate with the library's default parameters);
kinds other than flat are measured from `--approx-from` passages up.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import corpus
from benchmarks.common import machine, percentiles, rss_mb, write_json
from embeddings.base import Embedder
from rag.chunking import TEXT_RULE

logger = logging.getLogger(__name__)

SIZES = (1000, 10_000, 100_000, 1_000_000)
WARMUP_QUESTIONS = 5
# Targets of issue 8, checked in the summary: (figure, size, limit).
TARGETS = (("search_ms", 100_000, 15.0), ("search_ms", 1_000_000, 30.0), ("ask_ms", 100_000, 50.0))
MEMORY_FACTOR_TARGET = 1.5


def index_dir_for(cache: Path, model_name: str, pool: corpus.Pool, n: int, kind: str, seed: int) -> Path:
    # the text rule in the name: an index cached under an older one (before windows) is built anew
    return cache / "scale-indexes" / f"{model_name.replace('/', '_')}-{pool.digest()}-s{seed}-{kind}-{n}-r{TEXT_RULE}"


def build(
    index_dir: Path, n: int, kind: str, *, pool: corpus.Pool, embedder: Embedder, seed: int, n_real: int, cache: Path
) -> dict[str, Any]:
    """Write the index of the first n passages unless it is already there; its build figures."""
    meta_path = index_dir.with_suffix(".json")
    if (index_dir / "manifest.json").exists() and meta_path.exists():
        return json.loads(meta_path.read_text(encoding="utf-8"))
    from rag.store import ingest_lock, write_generation

    started = time.perf_counter()
    real = corpus.real_vectors(pool, min(n, n_real), seed, embedder, cache)
    sigma = corpus.sigma_for(float(np.median(corpus.neighbour_cosines(real))), real.shape[1])
    vectors = corpus.derived_vectors(real, n, sigma, seed)
    docs = corpus.make_docs(pool, n, seed)
    updates = corpus.document_updates(docs, vectors)
    prepared_s = time.perf_counter() - started
    started = time.perf_counter()
    with ingest_lock(index_dir):
        manifest = write_generation(
            index_dir,
            model_name=embedder.model_name,
            dim=embedder.dim,
            updates=updates,
            rebuild=True,
            vector_index=kind,
        )
    meta = {
        "n": n,
        "kind": kind,
        "vector_index": manifest.get("vector_index", {"kind": "flat"}),
        "n_real_vectors": len(real),
        "sigma": round(sigma, 5),
        "prepare_s": round(prepared_s, 1),
        "build_s": round(time.perf_counter() - started, 1),
        "vector_mb": round(vectors.nbytes / 1e6, 1),
        "text_mb": round(sum(len(t.encode()) for d in docs for t in d.texts) / 1e6, 1),
        "disk_mb": round(sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 1e6, 1),
    }
    meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return meta


def measure(
    index_dir: Path,
    embedder: Embedder | None,
    questions: Sequence[str],
    *,
    repeats: int,
    kind: str,
    without: str = "",
) -> dict[str, Any]:
    """Open the index as the app does and time every question; memory before and after opening.

    With no `embedder`, the app's own pipeline (open_pipeline: its embedder and encoder, the
    extractive answerer); with one (tests), a Pipeline around it.
    """
    from rag.answering import ExtractiveAnswerer
    from rag.pipeline import Pipeline, open_pipeline
    from rag.settings import Settings, parse_steps

    settings = Settings(index_dir=index_dir, vector_index=kind, without=parse_steps(without))
    if embedder is None:
        pipeline = open_pipeline(settings)
        embedder = pipeline.embedder
    else:
        pipeline = Pipeline(settings, embedder, ExtractiveAnswerer(embedder))
    embedder.embed_query("load the model")
    rss_model = rss_mb()
    started = time.perf_counter()
    pipeline.reader()
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    pipeline.ask(questions[0])  # BM25 and the vocabulary are built here
    first_ask_s = time.perf_counter() - started
    rss_open = rss_mb()
    for q in questions[1 : 1 + WARMUP_QUESTIONS]:
        pipeline.ask(q)
    embed_ms, search_ms, ask_ms = [], [], []
    clear = getattr(embedder, "clear_query_cache", lambda: None)
    for _ in range(repeats):
        for q in questions:
            clear()
            started = time.perf_counter()
            embedder.embed_query(q)
            embedded = time.perf_counter()
            pipeline.search(q)
            searched = time.perf_counter()
            clear()
            pipeline.ask(q)
            asked = time.perf_counter()
            embed_ms.append((embedded - started) * 1000)
            search_ms.append((searched - embedded) * 1000)
            ask_ms.append((asked - searched) * 1000)
    return {
        "encoder": getattr(embedder, "encoder", None),
        "without": sorted(settings.without),
        "dense_recall_at_10": dense_recall(pipeline, embedder, questions),
        "open_s": round(open_s, 2),
        "first_ask_s": round(first_ask_s, 2),
        "rss_model_mb": round(rss_model, 1),
        "rss_open_mb": round(rss_open, 1),
        "index_rss_mb": round(rss_open - rss_model, 1),
        "embed_ms": percentiles(embed_ms),
        "search_ms": percentiles(search_ms),
        "search_with_embed_ms": percentiles([e + s for e, s in zip(embed_ms, search_ms, strict=True)]),
        "ask_ms": percentiles(ask_ms),
    }


def run_one(args: argparse.Namespace, n: int, kind: str, embedder: Embedder | None) -> dict[str, Any]:
    """Build (if needed) and measure one size; in worker processes unless an embedder is given."""
    if embedder is not None:
        return _run_in_process(args, n, kind, embedder)
    common = [
        f"--n={n}",
        f"--kind={kind}",
        f"--seed={args.seed}",
        f"--n-real={args.n_real}",
        f"--repeats={args.repeats}",
    ]
    common += [f"--cache={args.cache}", f"--questions={args.questions}", f"--without={args.without}"]
    common += ["--sources", *map(str, args.sources)]
    figures: dict[str, Any] = {}
    for step in ("build",) if args.build_only else ("build", "measure"):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.scale", "--worker", step, *common],
            check=True,
            capture_output=True,
            text=True,
        )
        figures |= json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def dense_recall(pipeline: Any, embedder: Embedder, questions: Sequence[str], k: int = 10) -> float:
    """Mean share of exact search's top k that the index's own dense search returns (1.0 for flat).

    A returned row counts when its cosine reaches the exact k-th best, so ties do not count as misses.
    """
    index = pipeline.reader().vectors
    xb = index.vectors()
    k = min(k, len(xb))
    found = 0
    for q in questions:
        xq = embedder.embed_query(q)
        scores = xb @ xq.ravel()
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        found += sum(scores[r] >= kth - 1e-6 for r, _ in index.search(xq, k))
    return round(found / (k * len(questions)), 4)


def _run_in_process(args: argparse.Namespace, n: int, kind: str, embedder: Embedder) -> dict[str, Any]:
    pool = corpus.load_pool(corpus.source_files(args.sources), embedder, args.cache)
    index_dir = index_dir_for(args.cache, embedder.model_name, pool, n, kind, args.seed)
    meta = build(index_dir, n, kind, pool=pool, embedder=embedder, seed=args.seed, n_real=args.n_real, cache=args.cache)
    questions = corpus.load_question_texts()[: args.questions]
    return meta | measure(index_dir, embedder, questions, repeats=args.repeats, kind=kind, without=args.without)


def worker(args: argparse.Namespace) -> None:
    embedder = corpus.default_embedder()
    pool = corpus.load_pool(corpus.source_files(args.sources), embedder, args.cache)
    index_dir = index_dir_for(args.cache, embedder.model_name, pool, args.n, args.kind, args.seed)
    if args.worker == "build":
        figures = build(
            index_dir,
            args.n,
            args.kind,
            pool=pool,
            embedder=embedder,
            seed=args.seed,
            n_real=args.n_real,
            cache=args.cache,
        )
    else:
        questions = corpus.load_question_texts()[: args.questions]
        figures = measure(index_dir, None, questions, repeats=args.repeats, kind=args.kind, without=args.without)
    print(json.dumps(figures))


def check_targets(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target of issue 8 with the measured figure and whether it is met (None: size not measured)."""
    out = []
    for r in results:
        for figure, n, limit in TARGETS:
            if r["n"] == n:
                value = r[figure]["p50"]
                out.append(
                    {
                        "kind": r["kind"],
                        "n": n,
                        "figure": f"{figure} p50",
                        "value": value,
                        "limit": limit,
                        "met": value <= limit,
                    }
                )
        if r["n"] == 1_000_000:
            factor = r["index_rss_mb"] / (r["vector_mb"] + r["text_mb"])
            out.append(
                {
                    "kind": r["kind"],
                    "n": r["n"],
                    "figure": "index memory / (vectors + text)",
                    "value": round(factor, 2),
                    "limit": MEMORY_FACTOR_TARGET,
                    "met": factor <= MEMORY_FACTOR_TARGET,
                }
            )
    return out


def _order(result: dict[str, Any]) -> tuple[bool, int]:
    return (result["kind"] != "flat", result["n"])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/bench/scale.json"))
    parser.add_argument("--sizes", help=f"comma-separated passage counts (default {','.join(map(str, SIZES))})")
    parser.add_argument("--kinds", default="flat,hnsw", help="FAISS index kinds, comma-separated")
    parser.add_argument("--approx-from", type=int, default=100_000, help="smallest size for kinds other than flat")
    parser.add_argument("--repeats", type=int, default=2, help="passes over the questions")
    parser.add_argument("--questions", type=int, default=1000, help="at most this many questions")
    parser.add_argument("--n-real", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=corpus.cache_dir())
    parser.add_argument("--sources", type=Path, nargs="+", default=list(corpus.DEFAULT_SOURCES))
    parser.add_argument("--quick", action="store_true", help="1k and 10k passages, 30 questions, one pass")
    parser.add_argument("--append", action="store_true", help="keep --out's results for sizes and kinds not run now")
    parser.add_argument("--build-only", action="store_true", help="write the indexes (cached) and measure nothing")
    parser.add_argument("--without", default="", help="steps of the question path switched off (rag --without)")
    parser.add_argument("--worker", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--kind", default="flat", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None, *, embedder: Embedder | None = None) -> dict[str, Any]:
    args = build_parser().parse_args(argv)
    corpus.setup_logging()
    if args.worker:
        worker(args)
        return {}
    if args.quick:
        args.sizes, args.questions, args.repeats = args.sizes or "1000,10000", min(args.questions, 30), 1
    sizes = [int(float(s)) for s in (args.sizes or ",".join(map(str, SIZES))).split(",") if s]
    results = []
    for kind in args.kinds.split(","):
        for n in [n for n in sizes if kind == "flat" or n >= args.approx_from]:
            started = time.perf_counter()
            result = {"n": n, "kind": kind, **run_one(args, n, kind, embedder)}
            logger.info("n=%d %s: %s (%.0f s)", n, kind, result, time.perf_counter() - started)
            results.append(result)
    if args.build_only:
        figures = {"machine": machine(), "builds": results}
        write_json(args.out, figures)
        return figures
    if args.append and args.out.exists():  # keep the other sizes and kinds of an earlier run
        measured = {(r["n"], r["kind"]) for r in results}
        earlier = json.loads(args.out.read_text(encoding="utf-8"))["results"]
        results = sorted([*(r for r in earlier if (r["n"], r["kind"]) not in measured), *results], key=_order)
    figures = {"machine": machine(), "repeats": args.repeats, "results": results, "targets": check_targets(results)}
    write_json(args.out, figures)
    return figures


if __name__ == "__main__":
    main()
