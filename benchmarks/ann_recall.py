"""Approximate FAISS indexes (HNSW, IVF-Flat) against exact IndexFlatIP: recall@10, latency, build time, size.

    .venv/bin/python -m benchmarks.ann_recall --out out/bench/ann_recall.json [--sizes real,100000,1000000] [--quick]

Vectors are those of benchmarks/corpus.py: the cached real embeddings of recombined
transcript passages, and beyond them vectors derived by noise around real ones (the
method and sigma are in that module's docstring). Queries are the real questions of the
sample's and qmsum-val's question sets, embedded with the project's embedder. Ground truth
is IndexFlatIP's top 10; recall@10 is the share of it an index returns, averaged over the
questions. Latency is one question at a time, as `rag search` asks, with FAISS on one
thread (builds use all cores); the median of `--repeats` passes over all questions. Size is the serialised index.

The summary names, per corpus size, the cheapest configuration with recall@10 >= 0.95,
and the corpus size at which exact search passes EXACT_LIMIT_MS (a line fitted through the
exact latencies): above it, approximate search is worth its recall loss.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from benchmarks import corpus
from benchmarks.common import machine, percentiles, write_json
from embeddings.base import Embedder, Vectors

logger = logging.getLogger(__name__)

K = 10
TARGET_RECALL = 0.95
EXACT_LIMIT_MS = 10.0
HNSW_M = (16, 32)
HNSW_EF_CONSTRUCTION = (40, 100, 200)
HNSW_EF_SEARCH = (32, 64, 128, 256, 512)
IVF_NPROBE = (1, 2, 4, 8, 16, 32, 64, 128)
# Building HNSW at 1M takes many minutes per configuration on 2 cores: above this size no
# HNSW grid is built here; benchmarks/scale.py builds the library's default HNSW at 1M and
# reports its recall (dense_recall_at_10).
LARGE = 500_000
LARGE_HNSW: tuple[tuple[int, int], ...] = ()


def search_latencies_ms(search: Callable[[np.ndarray], Any], xq: Vectors, repeats: int) -> list[float]:
    """Per-pass medians are not enough at 300 questions; every single timing is kept."""
    out = []
    for _ in range(repeats):
        for q in xq:
            started = time.perf_counter()
            search(q.reshape(1, -1))
            out.append((time.perf_counter() - started) * 1000)
    return out


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of each query's true top k found. recall_at_k(np.array([[1, 2]]), np.array([[2, 3]])) == 0.5"""
    hits = [len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth, strict=True)]
    return float(np.mean(hits)) / truth.shape[1]


def index_mb(index: faiss.Index) -> float:
    return float(faiss.serialize_index(index).nbytes) / 1e6


def measure(index: faiss.Index, xq: Vectors, truth: np.ndarray, repeats: int) -> dict[str, Any]:
    _, found = index.search(xq, K)
    lat = percentiles(one_thread_latencies_ms(lambda q: index.search(q, K), xq, repeats))
    return {"recall_at_10": round(recall_at_k(found, truth), 4), "latency_ms": lat}


def one_thread_latencies_ms(search: Callable[[np.ndarray], Any], xq: Vectors, repeats: int) -> list[float]:
    """Latencies with FAISS on one thread: a single query gains nothing from a second one,
    and on a busy machine OpenMP's wait for a descheduled peer added tens of ms to a 1 ms search."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return search_latencies_ms(search, xq, repeats)
    finally:
        faiss.omp_set_num_threads(threads)


def run_size(
    xb: Vectors, xq: Vectors, *, repeats: int, hnsw: Sequence[tuple[int, int]], with_ivf: bool = True, report: Callable
) -> dict:
    n, dim = xb.shape
    started = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(xb)
    build_s = time.perf_counter() - started
    _, truth = flat.search(xq, K)
    exact = {"build_s": round(build_s, 2), "index_mb": round(n * dim * 4 / 1e6, 1)}
    exact["latency_ms"] = percentiles(one_thread_latencies_ms(lambda q: flat.search(q, K), xq, repeats))
    result: dict[str, Any] = {"n": n, "exact": exact, "hnsw": [], "ivf": []}
    report(result)
    for m, ef_construction in hnsw:
        started = time.perf_counter()
        index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction
        index.add(xb)
        build = {"M": m, "efConstruction": ef_construction, "build_s": round(time.perf_counter() - started, 1)}
        build["index_mb"] = round(index_mb(index), 1)
        for ef_search in HNSW_EF_SEARCH:
            index.hnsw.efSearch = ef_search
            result["hnsw"].append({**build, "efSearch": ef_search, **measure(index, xq, truth, repeats)})
            logger.info("n=%d HNSW %s", n, result["hnsw"][-1])
        del index
        report(result)
    if not with_ivf:
        return result
    nlist = int(4 * math.sqrt(n))
    started = time.perf_counter()
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    train = xb[np.random.default_rng(0).choice(n, size=min(n, 64 * nlist), replace=False)]
    ivf.train(train)
    ivf.add(xb)
    build = {"nlist": nlist, "build_s": round(time.perf_counter() - started, 1), "index_mb": round(index_mb(ivf), 1)}
    for nprobe in IVF_NPROBE:
        if nprobe > nlist:
            break
        ivf.nprobe = nprobe
        result["ivf"].append({**build, "nprobe": nprobe, **measure(ivf, xq, truth, repeats)})
        logger.info("n=%d IVF %s", n, result["ivf"][-1])
    report(result)
    return result


def recommend(result: dict[str, Any]) -> dict[str, Any] | None:
    """The fastest configuration (p50) that reaches TARGET_RECALL; None when none does."""
    good = [{"kind": kind, **c} for kind in ("hnsw", "ivf") for c in result[kind] if c["recall_at_10"] >= TARGET_RECALL]
    return min(good, key=lambda c: c["latency_ms"]["p50"], default=None)


def exact_threshold(results: Sequence[dict[str, Any]]) -> int | None:
    """Corpus size at which exact search reaches EXACT_LIMIT_MS, from a least-squares line through the origin.

    Exact search reads every vector, so its latency grows linearly with n.
    """
    if not results:
        return None
    n = np.array([r["n"] for r in results], dtype=float)
    ms = np.array([r["exact"]["latency_ms"]["p50"] for r in results])
    slope = float(n @ ms / (n @ n))
    return int(round(EXACT_LIMIT_MS / slope, -3)) if slope > 0 else None


def summarise(figures: dict[str, Any]) -> str:
    """The results as Markdown tables: exact, HNSW and IVF per size, then the recommendations."""
    lines = []
    for r in figures["sizes"]:
        e = r["exact"]
        lines += [
            f"### {r['n']:,} vectors",
            "",
            f"Exact (IndexFlatIP): p50 {e['latency_ms']['p50']} ms, p95 {e['latency_ms']['p95']} ms, "
            f"{e['index_mb']} MB, built in {e['build_s']} s.",
            "",
            "| index | build s | MB | search param | recall@10 | p50 ms | p95 ms |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for c in r["hnsw"]:
            lines.append(
                f"| HNSW M{c['M']} efC{c['efConstruction']} | {c['build_s']} | {c['index_mb']} | efSearch {c['efSearch']} "
                f"| {c['recall_at_10']:.3f} | {c['latency_ms']['p50']} | {c['latency_ms']['p95']} |"
            )
        for c in r["ivf"]:
            lines.append(
                f"| IVF-Flat nlist {c['nlist']} | {c['build_s']} | {c['index_mb']} | nprobe {c['nprobe']} "
                f"| {c['recall_at_10']:.3f} | {c['latency_ms']['p50']} | {c['latency_ms']['p95']} |"
            )
        best = recommend(r)
        lines += ["", f"Fastest with recall@10 >= {TARGET_RECALL}: {_name(best)}", ""]
    threshold = figures.get("exact_threshold_n")
    lines.append(
        f"Exact search reaches {EXACT_LIMIT_MS:g} ms p50 at about {threshold:,} vectors (linear fit)."
        if threshold
        else ""
    )
    return "\n".join(lines) + "\n"


def _name(c: dict[str, Any] | None) -> str:
    if c is None:
        return "none"
    if c["kind"] == "hnsw":
        setting = f"HNSW M={c['M']} efConstruction={c['efConstruction']} efSearch={c['efSearch']}"
    else:
        setting = f"IVF-Flat nlist={c['nlist']} nprobe={c['nprobe']}"
    return f"{setting} (recall@10 {c['recall_at_10']:.3f}, p50 {c['latency_ms']['p50']} ms)"


def parse_sizes(text: str, n_real: int) -> list[int]:
    """ "real,100000,1e6" -> [n_real, 100000, 1000000]."""
    return [n_real if s == "real" else int(float(s)) for s in text.split(",") if s]


def main(argv: Sequence[str] | None = None, *, embedder: Embedder | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/bench/ann_recall.json"))
    parser.add_argument("--markdown", type=Path, help="also write the summary tables here")
    parser.add_argument("--sizes", default="real,100000,1000000")
    parser.add_argument("--n-real", type=int, default=30_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--exact-only", action="store_true", help="exact search latency only (no ANN builds)")
    parser.add_argument("--quick", action="store_true", help="2,000 real vectors, one HNSW build")
    args = parser.parse_args(argv)
    corpus.setup_logging()
    embedder = embedder or corpus.default_embedder()
    n_real = 2000 if args.quick else args.n_real
    pool = corpus.load_pool(corpus.source_files(corpus.DEFAULT_SOURCES), embedder, corpus.cache_dir())
    real = corpus.real_vectors(pool, n_real, args.seed, embedder, corpus.cache_dir())
    sigma = corpus.sigma_for(float(np.median(corpus.neighbour_cosines(real))), real.shape[1])
    questions = corpus.load_question_texts()
    xq = embed_questions(questions, embedder, corpus.cache_dir())
    figures: dict[str, Any] = {"machine": machine(), "n_real": n_real, "sigma": round(sigma, 5)}
    figures |= {
        "n_queries": len(xq),
        "faiss_build_threads": faiss.omp_get_max_threads(),
        "faiss_search_threads": 1,
        "sizes": [],
    }

    def report(partial: dict[str, Any]) -> None:
        done = [r for r in figures["sizes"] if r["n"] != partial["n"]]
        figures["sizes"] = [*done, partial]
        figures["machine"] = machine()  # the load average as of the latest result
        figures["exact_threshold_n"] = exact_threshold(figures["sizes"])
        figures["recommended"] = {str(r["n"]): recommend(r) for r in figures["sizes"]}
        write_json(args.out, figures, quiet=True)
        if args.markdown:
            args.markdown.parent.mkdir(parents=True, exist_ok=True)
            args.markdown.write_text(summarise(figures), encoding="utf-8")

    sizes = [n_real] if args.quick else parse_sizes(args.sizes, n_real)
    for n in sizes:
        xb = corpus.derived_vectors(real, n, sigma, args.seed)
        grid = [(32, 40)] if args.quick else (LARGE_HNSW if n > LARGE else _full_grid())
        repeats = 1 if args.quick else args.repeats
        run_size(
            xb, xq, repeats=repeats, hnsw=[] if args.exact_only else grid, with_ivf=not args.exact_only, report=report
        )
    print(summarise(figures))
    return figures


def embed_questions(questions: Sequence[str], embedder: Embedder, cache: Path) -> Vectors:
    """Query embeddings of the questions, cached (this benchmark times FAISS, not the embedder)."""
    digest = hashlib.sha256("\n".join([embedder.model_name, *questions]).encode()).hexdigest()[:16]
    path = cache / f"queries-{digest}.npy"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        np.save(path, np.concatenate([embedder.embed_query(q) for q in questions]))
    return np.load(path)


def _full_grid() -> list[tuple[int, int]]:
    return [(m, ef) for m in HNSW_M for ef in HNSW_EF_CONSTRUCTION]


if __name__ == "__main__":
    main()
