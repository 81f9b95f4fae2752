"""Turn files into document updates: find files, skip unchanged ones, parse, chunk, embed.

Nothing is written here; rag.store writes all updates of a run as one new generation,
so a file that fails leaves the index as it was.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from embeddings.base import Embedder, Vectors
from rag.chunking import SAME_EMBEDDING_TEXT_SINCE, TEXT_RULE, chunk_transcript, embedding_texts
from rag.errors import TranscriptFormatError
from rag.parsing import read_transcript
from rag.sentence_vectors import held_or_embedded, quotable_sentences
from rag.store import DocumentUpdate, StoredDocument
from rag.windows import window_spans, window_text

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".srt", ".vtt", ".json")


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    # Files of other types inside a folder given beside its transcripts (notes.pdf), so
    # the summary names them: nothing handed to ingest goes unmentioned.
    skipped: list[str] = field(default_factory=list)
    # Documents of the index read or embedded under an older text rule and not ingested
    # again in this run: those from before rule 3 have no windows, and no question uses
    # windows until they are ingested again; those from before rule 4 keep older speakers.
    outdated: list[str] = field(default_factory=list)
    n_passages: int = 0
    elapsed_ms: float = 0.0

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated", f"{len(self.unchanged)} unchanged"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        text = f"{', '.join(parts)}; {self.n_passages} passages in the index ({self.elapsed_ms / 1000:.1f} s)"
        if self.skipped:
            text += (
                f"; {len(self.skipped)} {'file' if len(self.skipped) == 1 else 'files'} of other types skipped"
                f" ({_first_few(self.skipped)}): only {', '.join(SUPPORTED_SUFFIXES)} are read"
            )
        if self.outdated:
            text += (
                f"; {len(self.outdated)} indexed by an older version ({_first_few(self.outdated)}): ingest their files again"
                " (or --rebuild) to index them as this version does"
            )
        return text


def _first_few(names: list[str]) -> str:
    """The first three names for a summary line, "..." after them when there are more."""
    return ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")


def outdated_documents(documents: dict[str, Any]) -> list[str]:
    """The documents of a manifest indexed under an older text rule (before windows or
    today's speaker labels), in order: their next ingest re-embeds them."""
    return sorted(doc for doc, meta in documents.items() if _outdated(meta))


def _outdated(meta: dict[str, Any]) -> bool:
    return meta.get("text_rule", 1) != TEXT_RULE  # indexes from before rules were kept: rule 1


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]], list[str]]:
    """Transcript files under `paths` (folders searched recursively), paths refused with
    why, and the other files of folders that hold transcripts. Inside a folder, hidden
    files and folders are passed over (.git/config.json, .obsidian/README.md, .DS_Store
    are no one's transcripts); a hidden file named on its own is read."""
    found: list[Path] = []
    refused: list[tuple[str, str]] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            files = [
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
            transcripts = sorted(p for p in files if p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not transcripts:  # an empty folder, or only .docx and .pdf: say so, not "0 added"
                others = sorted({p.suffix.lower() or "(none)" for p in files})
                held = f"; it holds {len(files)} other files ({', '.join(others)})" if files else ""
                refused.append((str(path), f"holds no transcript file ({', '.join(SUPPORTED_SUFFIXES)}){held}"))
            else:
                skipped.extend(str(p) for p in sorted(set(files) - set(transcripts)))
            found.extend(transcripts)
        elif not path.exists():
            refused.append((str(path), "no such file or folder"))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            refused.append(
                (str(path), f"unsupported file type {path.suffix!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
            )
        else:
            found.append(path)
    return found, refused, skipped


def prepare_updates(
    files: Sequence[Path],
    embedder: Embedder,
    *,
    known: dict[str, Any],
    max_passage_tokens: int,
    report: IngestReport,
    max_bytes: int | None = None,
    show_progress: bool = False,
    windows: bool = True,
    sentences: bool = True,
    stored: Callable[[str], StoredDocument | None] | None = None,
    replace: bool = False,
) -> list[DocumentUpdate]:
    """Parse, chunk and embed every changed file; record skips and failures in `report`.

    `known` is the manifest's documents table: doc -> {"sha256": ..., "text_rule": ...}; a
    file is unchanged when both match (documents indexed before text rules were recorded
    count as rule 1, and are re-embedded). A file above
    `max_bytes`, a second file with the same document id, or the same content as another
    document (in this run or already indexed) is refused with the reason. With `windows`
    False no windows are embedded (rag/windows.py): about half the embedding work, and no
    search by windows over these documents until they are ingested with them. With
    `sentences` False the sentences answers quote from are not embedded here but when a
    question needs them (rag/sentence_vectors.py). `stored`
    gives a document as indexed: an unchanged file indexed under an older rule that embeds
    the same text (SAME_EMBEDDING_TEXT_SINCE), read again into the same passages, keeps
    their vectors rather than being embedded again, and any sentence it held keeps its
    vector. A file whose document id is taken by a different transcript from another file
    still on disk ("b/transcript.txt" after "a/transcript.txt") is refused unless `replace`:
    it would silently take the other's place.
    """
    updates: list[DocumentUpdate] = []
    sources: dict[str, Path] = {}
    contents = {meta.get("sha256"): doc for doc, meta in known.items()}  # sha256 -> doc
    for path in tqdm(files, desc="ingest", unit="file", disable=not show_progress):
        doc = path.stem
        if doc in sources:
            report.failed.append(
                (str(path), f"document id {doc!r} is already taken by {sources[doc]}; rename one file")
            )
            continue
        sources[doc] = path
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            report.failed.append(
                (
                    str(path),
                    f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit "
                    "(--max-file-mb or RAG_MAX_FILE_MB raises it)",
                )
            )
            continue
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        indexed = known.get(doc, {})
        old = None
        if indexed.get("sha256") == sha256:
            if not _outdated(indexed):
                report.unchanged.append(doc)
                continue
            if stored is not None and indexed.get("text_rule", 1) >= SAME_EMBEDDING_TEXT_SINCE:
                old = stored(doc)
            logger.info("%s: read again, indexed under an older passage text rule", doc)
        source = str(path.resolve())
        if not replace and indexed.get("sha256") != sha256 and _elsewhere(indexed.get("source"), source):
            report.failed.append(
                (
                    str(path),
                    f"document id {doc!r} already holds another transcript, {indexed['source']}; "
                    "rename this file to index both (or, on the command line, ingest it with --replace to put it "
                    "in that one's place)",
                )
            )
            continue
        twin = contents.get(sha256)
        if twin is not None and twin != doc:
            report.failed.append((str(path), f"has the same content as document {twin!r}; not indexed twice"))
            continue
        contents[sha256] = doc
        try:
            transcript = read_transcript(path)
        except (TranscriptFormatError, OSError) as exc:
            report.failed.append((str(path), str(exc)))
            continue
        # The model loads here, at the first file to embed: a run that only refuses files or
        # finds them unchanged answers in a second, not after the model's 10 s start.
        max_tokens = min(max_passage_tokens, embedder.max_tokens)
        passages = chunk_transcript(transcript, embedder.count_tokens, max_tokens=max_tokens)
        if not passages:
            report.failed.append((str(path), "holds no transcript text to index"))
            continue
        kept = old if old is not None and old.passages == tuple(passages) else None  # what its vectors read
        if kept is not None:
            vectors = kept.vectors
            logger.info("%s: the same passages as before; their vectors are kept", doc)
        else:
            texts = embedding_texts(passages, embedder.count_tokens, model_max_tokens=embedder.max_tokens)
            vectors = _embedded(embedder, texts, f"{doc}: passages", show_progress)
        spans = window_spans(passages) if windows else []  # off: about half the embedding work
        if kept is not None and spans and kept.windows == tuple(spans):
            window_vectors = kept.window_vectors
        else:
            window_vectors = (
                _embedded(
                    embedder, [window_text(passages[a : b + 1]) for a, b in spans], f"{doc}: windows", show_progress
                )
                if spans
                else None
            )
        quoted = quotable_sentences(passages) if sentences else []  # off: embedded when a question needs them
        embed = functools.partial(_embedded, embedder, what=f"{doc}: sentences", show_progress=show_progress)
        sentence_vectors = held_or_embedded(quoted, old.sentence_vectors if old else {}, embed) if quoted else None
        updates.append(
            DocumentUpdate(
                transcript,
                source,
                sha256,
                tuple(passages),
                vectors,
                TEXT_RULE,
                tuple(spans),
                window_vectors,
                tuple(quoted),
                sentence_vectors,
            )
        )
        (report.updated if doc in known else report.added).append(doc)
    return updates


def _elsewhere(indexed_source: str | None, source: str) -> bool:
    """Whether the document was indexed from another file that is still there: a different
    transcript of the same name, not this one moved (its old path gone) or re-read."""
    return indexed_source is not None and indexed_source != source and Path(indexed_source).is_file()


# A file of more passages than this shows its own progress bar while embedding: a 7 MB
# transcript (60,000 turns) spent over 30 minutes at "0/1 files" on 2 cores, with nothing to
# tell it from a hang. Smaller files embed in one call, as before (a call embeds its texts
# in batches of its own choosing; splitting the call may move the last digits of a vector).
PROGRESS_FROM = 2_000
_PROGRESS_STEP = 512


def _embedded(embedder: Embedder, texts: Sequence[str], what: str, show_progress: bool) -> Vectors:
    """embedder.embed_passages(texts), with a progress bar for a large file when asked."""
    if not show_progress or len(texts) <= PROGRESS_FROM:
        return embedder.embed_passages(texts)
    parts = []
    with tqdm(total=len(texts), desc=f"embedding {what}", unit="text", leave=False) as bar:
        for start in range(0, len(texts), _PROGRESS_STEP):
            parts.append(embedder.embed_passages(texts[start : start + _PROGRESS_STEP]))
            bar.update(len(parts[-1]))
    return np.concatenate(parts)
