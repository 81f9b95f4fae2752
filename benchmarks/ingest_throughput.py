"""Passages/s of a real ingest next to raw SentenceTransformer encoding of the same texts.

    .venv/bin/python -m benchmarks.ingest_throughput --out out/bench/ingest_throughput.json
        [--passages 2000] [--repeats 3] [--quick]

The passages are the first `--passages` of benchmarks/corpus.py's corpus, written as
transcript files (QMSum layout) into a temporary folder. Two kinds of run, each in its
own process so their memory high-water marks do not mix, alternated `--repeats` times:

- ingest: Pipeline.ingest (what `rag ingest --rebuild` calls): find, hash, parse, chunk,
  count tokens, embed document by document, write FAISS + SQLite + manifest;
- encode: the embedder's own SentenceTransformer model, `encode_document` on exactly the
  texts ingest embeds, its windows' and its sentences' included (computed before the clock starts), same
  batch size, normalised. Rates are passages per second for both.

Both load the model and embed one warm-up text before the clock starts. The figure of
merit is the ratio of the median rates (target: ingest >= 0.9 x raw encode).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import corpus
from benchmarks.common import machine, peak_rss_mb, write_json

logger = logging.getLogger(__name__)

TARGET_RATIO = 0.9


def write_files(folder: Path, n_passages: int, seed: int, cache: Path) -> int:
    """The corpus's first n_passages as transcript files in `folder`; returns the number of files."""
    embedder = corpus.default_embedder()
    pool = corpus.load_pool(corpus.source_files(corpus.DEFAULT_SOURCES), embedder, cache)
    docs = corpus.make_docs(pool, n_passages, seed)
    folder.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        (folder / f"{doc.doc}.txt").write_text(corpus.transcript_text(doc), encoding="utf-8")
    return len(docs)


def run_ingest(files: Path, index_dir: Path) -> dict[str, Any]:
    from embeddings.sentence_transformer import SentenceTransformerEmbedder
    from rag.pipeline import open_pipeline
    from rag.settings import Settings

    pipeline = open_pipeline(Settings(index_dir=index_dir))
    embedder = pipeline.embedder
    assert isinstance(embedder, SentenceTransformerEmbedder)  # what open_pipeline builds
    embedder.embed_passages(["warm-up"])
    started = time.perf_counter()
    report = pipeline.ingest([files], rebuild=True)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "n_passages": report.n_passages,
        "batch_size": embedder.batch_size,
        "encoder": embedder.encoder,
    }


def run_encode(files: Path) -> dict[str, Any]:
    from embeddings.sentence_transformer import SentenceTransformerEmbedder
    from rag.chunking import chunk_transcript, embedding_texts
    from rag.ingest import find_files
    from rag.parsing import read_transcript
    from rag.sentence_vectors import quotable_sentences
    from rag.settings import Settings
    from rag.windows import window_spans, window_text

    embedder = SentenceTransformerEmbedder(encoder=Settings().encoder)  # what open_pipeline builds
    model = embedder._model  # the very model the embedder wraps, in the encoder's precision
    texts: list[str] = []
    windows: list[str] = []  # ingest embeds its windows too (rag/windows.py)
    sentences: list[str] = []  # and the sentences answers quote (rag/sentence_vectors.py)
    max_tokens = min(Settings().max_passage_tokens, embedder.max_tokens)
    for path in find_files([files])[0]:
        passages = chunk_transcript(read_transcript(path), embedder.count_tokens, max_tokens=max_tokens)
        texts += embedding_texts(passages, embedder.count_tokens, model_max_tokens=embedder.max_tokens)
        windows += [window_text(passages[first : last + 1]) for first, last in window_spans(passages)]
        sentences += quotable_sentences(passages)
    model.encode_document(["warm-up"], batch_size=embedder.batch_size, normalize_embeddings=True)
    started = time.perf_counter()
    for batch in (texts, windows, sentences):  # as ingest does: the passages, the windows, the sentences
        model.encode_document(batch, batch_size=embedder.batch_size, normalize_embeddings=True, convert_to_numpy=True)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "n_passages": len(texts),
        "n_windows": len(windows),
        "n_sentences": len(sentences),
        "batch_size": embedder.batch_size,
        "encoder": embedder.encoder,
    }


def worker(kind: str, files: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = run_ingest(files, Path(tmp) / "index") if kind == "ingest" else run_encode(files)
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(figures))


def summarise(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, items in runs.items():
        rates = [r["n_passages"] / r["seconds"] for r in items]
        out[kind] = {
            "passages_per_s": round(statistics.median(rates), 1),
            "runs_passages_per_s": [round(r, 1) for r in rates],
            "seconds_median": round(statistics.median(r["seconds"] for r in items), 2),
            "n_passages": items[0]["n_passages"],
            "batch_size": items[0]["batch_size"],
            "encoder": items[0]["encoder"],
            "peak_rss_mb": round(statistics.median(r["peak_rss_mb"] for r in items), 1),
        }
    ratio = out["ingest"]["passages_per_s"] / out["encode"]["passages_per_s"]
    out["ratio"] = round(ratio, 3)
    out["target"] = {"ratio_at_least": TARGET_RATIO, "met": ratio >= TARGET_RATIO}
    return out


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/bench/ingest_throughput.json"))
    parser.add_argument("--passages", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="500 passages, one run of each")
    parser.add_argument("--worker", choices=["ingest", "encode"], help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    corpus.setup_logging()
    if args.worker:
        worker(args.worker, args.files)
        return {}
    if args.quick:
        args.passages, args.repeats = 500, 1
    runs: dict[str, list[dict[str, Any]]] = {"ingest": [], "encode": []}
    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp) / "transcripts"
        n_files = write_files(files, args.passages, args.seed, corpus.cache_dir())
        for _ in range(args.repeats):
            for kind in ("ingest", "encode"):  # alternated, so a change in machine load hits both
                out = subprocess.run(
                    [sys.executable, "-m", "benchmarks.ingest_throughput", "--worker", kind, "--files", str(files)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                runs[kind].append(json.loads(out.stdout.strip().splitlines()[-1]))
                logger.info("%s: %s", kind, runs[kind][-1])
    figures = {"machine": machine(), "n_files": n_files, "repeats": args.repeats, **summarise(runs), "runs": runs}
    write_json(args.out, figures)
    return figures


if __name__ == "__main__":
    main()
