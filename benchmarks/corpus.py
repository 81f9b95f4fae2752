"""Large benchmark corpora recombined from real transcript sentences, with real and derived vectors.

    .venv/bin/python -m benchmarks.corpus --out out/bench/corpus.json [--n-real 40000] [--quick]

Text. Every sentence of the source transcripts (by default the sample and, when present,
/work/shared/data/qmsum-val/transcripts, read at run time and never copied into the
repository) goes into one pool, and every speaker name into another. Synthetic documents
of `PASSAGES_PER_DOC` turns are drawn from them with a seeded generator: each turn gets a
speaker among the document's 2-8 and random pool sentences until its text reaches a length
drawn from the real passage lengths (the sources chunked by rag/chunking.py into the
project's 64-token passages). One turn is one passage, on one line, in the QMSum layout
(`Speaker: text`, a blank line between turns), so `rag ingest` of the written file gives
back the same passages. Document i is generated from seed (seed, i), so the first n
passages of a corpus are the same whatever its size.

Vectors. The first `n_real` passages are embedded once with the project's embedder
(SentenceTransformerEmbedder in fp32, the embedding text ingest builds: speaker, context, text)
and cached as .npy blocks of BLOCK passages under the cache folder ($XDG_CACHE_HOME or
~/.cache, then transcript-qa-bench/). Larger corpora (100k, 1M) derive the vectors of
passages beyond n_real from real ones: v' = normalise(v + sigma * g), v a random real
vector, g standard Gaussian noise. For unit v in d dimensions, cos(v, v') ~ 1/sqrt(1 + d sigma^2),
so sigma = sqrt((1/c^2 - 1) / d) puts a derived vector as far from its source as a real
passage is from its nearest real neighbour, c being the median nearest-neighbour cosine
of the real vectors (measured on the cached set, reported in the JSON; ~0.1 here). A derived
passage's text is fresh recombined text, so BM25 sees realistic term statistics, but it
is unrelated to its vector: the derived corpora are for speed and recall-of-search
figures, never for answer quality.

Queries are the real questions of eval/sets/nato-2025-05-15-antalya.jsonl and of
qmsum-val's questions.jsonl.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import ROOT, machine, write_json
from embeddings.base import Embedder, Vectors
from rag.chunking import TEXT_RULE, chunk_transcript, embedding_texts
from rag.parsing import read_transcript
from rag.records import Passage, Transcript, Turn
from rag.sentences import sentence_spans
from rag.store import DocumentUpdate
from rag.windows import window_spans

logger = logging.getLogger(__name__)

QMSUM = Path("/work/shared/data/qmsum-val")
DEFAULT_SOURCES = (ROOT / "sample", QMSUM / "transcripts")
QUESTION_SETS = (ROOT / "eval" / "sets" / "nato-2025-05-15-antalya.jsonl", QMSUM / "questions.jsonl")
PASSAGES_PER_DOC = 500
BLOCK = 5000  # passages per cached .npy block; a multiple of PASSAGES_PER_DOC
MAX_PASSAGE_TOKENS = 64  # Settings.max_passage_tokens
VERSION = 1  # bump when the generated text changes, so old cached vectors are not reused
SLACK_CHARS = 10
_SPACE = re.compile(r"\s+")
EMBED_LOG: list[tuple[int, float]] = []  # (passages, seconds) of each block embedded in this process


@dataclass(frozen=True)
class Pool:
    """What synthetic passages are drawn from: real sentences, speakers and passage lengths."""

    sentences: tuple[str, ...]  # shortest first
    speakers: tuple[str, ...]
    lengths: tuple[int, ...]  # characters of each real passage's text
    n_files: int

    @cached_property
    def sentence_lengths(self) -> list[int]:
        return [len(s) for s in self.sentences]

    def digest(self) -> str:
        h = hashlib.sha256(f"v{VERSION}".encode())
        for part in (self.sentences, self.speakers, tuple(map(str, self.lengths))):
            h.update("\x00".join(part).encode())
        return h.hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class SynthDoc:
    doc: str
    speakers: tuple[str, ...]  # one per turn
    texts: tuple[str, ...]  # one per turn, one line each


def cache_dir() -> Path:
    base = Path(os.environ["XDG_CACHE_HOME"]) if os.environ.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "transcript-qa-bench"


def source_files(sources: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for src in sources:
        if src.is_dir():
            files.extend(sorted(p for p in src.iterdir() if p.suffix in (".txt", ".md")))
        elif src.exists():
            files.append(src)
        else:
            logger.warning("source %s is missing; skipped", src)
    if not files:
        raise SystemExit(f"no transcripts under {', '.join(map(str, sources))}")
    return files


def load_pool(files: Sequence[Path], embedder: Embedder, cache: Path) -> Pool:
    """read_pool's result, cached by the files' content and the embedder (chunking takes minutes)."""
    h = hashlib.sha256(f"v{VERSION} {embedder.model_name}".encode())
    for path in files:
        h.update(path.read_bytes())
    path = cache / f"pool-{h.hexdigest()[:16]}.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        return Pool(tuple(data["sentences"]), tuple(data["speakers"]), tuple(data["lengths"]), data["n_files"])
    pool = read_pool(files, embedder)
    cache.mkdir(parents=True, exist_ok=True)
    fields = {"sentences": pool.sentences, "speakers": pool.speakers, "lengths": pool.lengths, "n_files": pool.n_files}
    path.write_text(json.dumps(fields), encoding="utf-8")
    return pool


def read_pool(files: Sequence[Path], embedder: Embedder) -> Pool:
    """Sentences, speakers and chunked passage lengths of the real transcripts."""
    sentences: list[str] = []
    speakers: set[str] = set()
    lengths: list[int] = []
    for path in files:
        transcript = read_transcript(path)
        for turn in transcript.turns:
            text = "\n".join(turn.lines)
            speakers.add(turn.speaker)
            sentences.extend(_SPACE.sub(" ", text[s:e]) for s, e in sentence_spans(text))
        passages = chunk_transcript(transcript, embedder.count_tokens, max_tokens=MAX_PASSAGE_TOKENS)
        lengths.extend(len(p.text) for p in passages)
    usable = sorted({s for s in sentences if any(c.isalpha() for c in s)}, key=lambda s: (len(s), s))
    return Pool(tuple(usable), tuple(sorted(speakers)), tuple(lengths), len(files))


def make_doc(pool: Pool, index: int, seed: int, n_turns: int = PASSAGES_PER_DOC) -> SynthDoc:
    """Document `index` of the corpus: the same for a given pool and seed, whatever the corpus size."""
    rng = np.random.default_rng([seed, index])
    cast = rng.choice(len(pool.speakers), size=min(len(pool.speakers), int(rng.integers(2, 9))), replace=False)
    targets = rng.choice(np.asarray(pool.lengths), size=n_turns)
    speakers, texts = [], []
    for target in targets:
        speakers.append(pool.speakers[int(rng.choice(cast))])
        parts: list[str] = []
        length = -1
        while length < target:
            # a sentence that fits what is left (with some slack), so lengths follow the real ones
            fitting = bisect.bisect_right(pool.sentence_lengths, target - length + SLACK_CHARS)
            if not fitting and parts:
                break
            parts.append(pool.sentences[int(rng.integers(max(fitting, 1)))])
            length += len(parts[-1]) + 1
        texts.append(" ".join(parts))
    return SynthDoc(f"bench-{index:05d}", tuple(speakers), tuple(texts))


def make_docs(pool: Pool, n_passages: int, seed: int) -> list[SynthDoc]:
    """The first `n_passages` passages of the corpus, as documents (the last one shorter)."""
    docs = []
    for index in range(-(-n_passages // PASSAGES_PER_DOC)):
        n = min(PASSAGES_PER_DOC, n_passages - index * PASSAGES_PER_DOC)
        docs.append(make_doc(pool, index, seed, n))
    return docs


def transcript_text(doc: SynthDoc) -> str:
    """The document as a transcript file in the QMSum layout: turn k on line 3 + 2k."""
    body = "\n\n".join(f"{s}: {t}" for s, t in zip(doc.speakers, doc.texts, strict=True))
    return f"# Benchmark meeting {doc.doc}\n\n{body}\n"


def to_transcript(doc: SynthDoc) -> tuple[Transcript, tuple[Passage, ...]]:
    """What parsing and chunking the written file gives, built directly (no tokenizer)."""
    lines = transcript_text(doc).split("\n")[:-1]
    turns, passages = [], []
    for k, (speaker, text) in enumerate(zip(doc.speakers, doc.texts, strict=True)):
        line = 3 + 2 * k
        turns.append(Turn(speaker, speaker, line, line, (text,)))
        passages.append(Passage(doc.doc, f"{doc.doc}:{line}-{line}#0", speaker, line, line, text))
    return Transcript(doc.doc, tuple(lines), f"Benchmark meeting {doc.doc}", "", tuple(turns)), tuple(passages)


def document_updates(docs: Sequence[SynthDoc], vectors: Vectors) -> list[DocumentUpdate]:
    """Updates for rag.store.write_generation; `vectors` has one row per passage, in order.

    Each window's vector (rag/windows.py) is the normalised mean of its passages': the
    benchmarks measure time and memory, for which any vector of the right shape does.
    """
    updates, row = [], 0
    for doc in docs:
        transcript, passages = to_transcript(doc)
        sha = hashlib.sha256(transcript_text(doc).encode()).hexdigest()
        block = vectors[row : row + len(passages)]
        spans = window_spans(passages)
        means = np.stack([block[first : last + 1].mean(axis=0) for first, last in spans]).astype(np.float32)
        means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        updates.append(
            DocumentUpdate(transcript, f"{doc.doc}.txt", sha, passages, block, TEXT_RULE, tuple(spans), means)
        )
        row += len(passages)
    if row != len(vectors):
        raise ValueError(f"{len(vectors)} vectors for {row} passages")
    return updates


def embed_docs(docs: Sequence[SynthDoc], embedder: Embedder) -> Vectors:
    """Vectors of the documents' passages, from the embedding text ingest builds."""
    out = []
    for doc in docs:
        _, passages = to_transcript(doc)
        out.append(
            embedder.embed_passages(
                embedding_texts(passages, embedder.count_tokens, model_max_tokens=embedder.max_tokens)
            )
        )
    return np.concatenate(out) if out else np.zeros((0, embedder.dim), np.float32)


def real_vectors(pool: Pool, n_real: int, seed: int, embedder: Embedder, cache: Path) -> Vectors:
    """Embeddings of the first n_real passages, embedded block by block once and cached."""
    encoder = getattr(embedder, "encoder", "")
    folder = (
        cache / f"{embedder.model_name.replace('/', '_')}{'-' + encoder if encoder else ''}-{pool.digest()}-s{seed}"
    )
    folder.mkdir(parents=True, exist_ok=True)
    size = min(BLOCK, -(-n_real // PASSAGES_PER_DOC) * PASSAGES_PER_DOC)
    if (folder / f"block{BLOCK}-{0:07d}.npy").exists():
        size = BLOCK  # a small corpus reuses the big one's first block
    blocks = []
    for start in range(0, n_real, size):
        path = folder / f"block{size}-{start:07d}.npy"
        if not path.exists():
            first = start // PASSAGES_PER_DOC
            docs = [make_doc(pool, i, seed) for i in range(first, first + size // PASSAGES_PER_DOC)]
            started = time.perf_counter()
            vectors = embed_docs(docs, embedder)
            elapsed = time.perf_counter() - started
            EMBED_LOG.append((len(vectors), elapsed))
            logger.info("embedded passages %d-%d: %.0f passages/s", start, start + size, size / elapsed)
            np.save(path.with_suffix(".tmp.npy"), vectors)
            os.replace(path.with_suffix(".tmp.npy"), path)
        blocks.append(np.load(path))
    return np.ascontiguousarray(np.concatenate(blocks)[:n_real], dtype=np.float32)


def neighbour_cosines(real: Vectors, n_sample: int = 2000, seed: int = 0) -> np.ndarray:
    """Cosine of each of n_sample real vectors to its nearest other real vector (exact duplicates skipped)."""
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(real), size=min(n_sample, len(real)), replace=False)
    sims = real[picks] @ real.T
    sims[sims > 0.9999] = -1.0  # itself, and texts that happen to repeat
    return sims.max(axis=1)


def sigma_for(cosine: float, dim: int) -> float:
    """Noise scale that puts normalise(v + sigma * g) at `cosine` from v. sigma_for(0.5, 3) == 1.0"""
    return float(np.sqrt((1.0 / cosine**2 - 1.0) / dim))


def derived_vectors(real: Vectors, n: int, sigma: float, seed: int) -> Vectors:
    """n vectors: the real ones, then normalise(v + sigma * g) around randomly chosen real ones."""
    if n <= len(real):
        return real[:n]
    rng = np.random.default_rng([seed, n])
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    out[: len(real)] = real
    step = 100_000  # bounded temporaries at 1M
    for start in range(len(real), n, step):
        stop = min(n, start + step)
        sources = rng.integers(len(real), size=stop - start)
        noisy = real[sources] + np.float32(sigma) * rng.standard_normal((stop - start, real.shape[1]), np.float32)
        out[start:stop] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
    return out


def load_question_texts(paths: Sequence[Path] = QUESTION_SETS) -> list[str]:
    """Question texts of the real question sets that exist here, in file order, deduplicated."""
    texts: list[str] = []
    for path in paths:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    texts.append(json.loads(line)["question"])
    return list(dict.fromkeys(texts))


def describe(pool: Pool, real: Vectors, seed: int, embed_rate: float | None) -> dict[str, Any]:
    """The corpus figures written to JSON: text statistics, neighbour cosines, sigma, a derived check."""
    docs = make_docs(pool, min(len(real), 5 * PASSAGES_PER_DOC), seed)
    synth_lengths = [len(t) for d in docs for t in d.texts]
    nn = neighbour_cosines(real)
    median_nn = float(np.median(nn))
    sigma = sigma_for(median_nn, real.shape[1])
    check = derived_vectors(real, len(real) + 2000, sigma, seed)
    return {
        "n_source_files": pool.n_files,
        "n_sentences": len(pool.sentences),
        "n_speakers": len(pool.speakers),
        "real_passages": len(pool.lengths),
        "real_passage_chars_median": float(np.median(pool.lengths)),
        "synthetic_passage_chars_median": float(np.median(synth_lengths)),
        "n_real_vectors": len(real),
        "embed_passages_per_s": embed_rate,
        "nn_cosine": {q: round(float(np.quantile(nn, p)), 4) for q, p in [("p10", 0.1), ("p50", 0.5), ("p90", 0.9)]},
        "sigma": round(sigma, 5),
        "derived_cosine_to_source_median": round(float(np.median(_cosine_to_source(check, real, len(real)))), 4),
        "n_questions": len(load_question_texts()),
    }


def _cosine_to_source(derived: Vectors, real: Vectors, n_real: int) -> np.ndarray:
    # derived rows beyond n_real were made from unknown sources; their best real match is the source
    return (derived[n_real:] @ real.T).max(axis=1)


def main(argv: Sequence[str] | None = None, *, embedder: Embedder | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/bench/corpus.json"))
    parser.add_argument("--n-real", type=int, default=30_000, help="passages embedded for real (cached)")
    parser.add_argument("--sources", type=Path, nargs="+", default=list(DEFAULT_SOURCES))
    parser.add_argument("--cache", type=Path, default=None, help="vector cache folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="1,000 real passages: a smoke run")
    args = parser.parse_args(argv)
    setup_logging()
    embedder = embedder or default_embedder()
    n_real = BLOCK // 5 if args.quick else args.n_real
    pool = load_pool(source_files(args.sources), embedder, args.cache or cache_dir())
    started = time.perf_counter()
    real = real_vectors(pool, n_real, args.seed, embedder, args.cache or cache_dir())
    elapsed = time.perf_counter() - started
    embedded = sum(n for n, _ in EMBED_LOG)
    rate = round(embedded / sum(s for _, s in EMBED_LOG), 1) if embedded else None
    figures = {"machine": machine(), **describe(pool, real, args.seed, rate)}
    figures["build_or_load_s"] = round(elapsed, 1)
    write_json(args.out, figures)
    return figures


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # sentence-transformers shows a progress bar per encode call when its logger is at INFO
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)


def default_embedder() -> Embedder:
    """The project's embedder in float32, the reference precision the cached vectors are made in.

    The app runs bf16 where the CPU has it (cosine to fp32 about 0.9999, docs/benchmarks-encoder.md);
    benchmarks that time the app use its own embedder (open_pipeline), not this one.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from embeddings.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(encoder="fp32")


if __name__ == "__main__":
    main()
