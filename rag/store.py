"""The index directory: manifest.json, FAISS files of passages and of windows, a SQLite
passage store and a BM25 folder (over the passages, and in `windows/` over the windows).

Every ingest writes a new *generation* of these files beside the old ones,
then switches `manifest.json` to them with one atomic rename. A crash or kill at any
moment leaves the manifest naming a complete, older generation, so the index always
opens and reads the same as before the ingest or after it. Readers hold their files
open, so a generation retired while they read stays readable until they close.
No pickle: FAISS's own format, SQLite, JSON and NumPy arrays read without it.

The FAISS kind follows the corpus size at every ingest (exact search up to
Settings.exact_max_passages, approximate above), so a corpus that grows past the
threshold gets its approximate index with the ingest that takes it there; the windows
(rag/windows.py) get theirs the same way, by their own count.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from embeddings.base import Vectors
from embeddings.faiss_index import EXACT_MAX_PASSAGES, FaissIndex, IndexSpec, choose_spec
from rag.errors import IndexDamagedError, IndexMismatchError, IndexNotFoundError, RagError
from rag.labels import plain_label_line
from rag.lexical import LexicalIndex
from rag.printed_numbers import without_number
from rag.records import Passage, Transcript
from rag.sentence_vectors import sentence_key
from rag.text import spelled_acronyms, term, words

logger = logging.getLogger(__name__)

# 2: passages carry timestamps (time_start, time_end). Windows did not change it: an index
# without them opens and answers as with the windows step off, and a build before them
# reads an index with them (it ignores the extra file and table). A build before them
# that ingests into such an index drops its windows: `rag ingest --rebuild` brings them back.
# The line_times table (times written inside turns, rag/parsing.py) is the same kind of
# addition: without it citations are timed by their passage, as before it.
FORMAT = 2
MANIFEST = "manifest.json"
_LOCK = ".ingest.lock"
_GENERATION_FILE = re.compile(r"(?:vectors-(\d+)\.faiss|windows-(\d+)\.faiss|passages-(\d+)\.sqlite|lexical-(\d+))")
GENERATION_PREFIXES = ("vectors-", "windows-", "passages-", "lexical-")
VOCABULARY = "vocabulary.json"  # in the lexical folder: every term the corpus mentions
WINDOW_LEXICAL = "windows"  # in the lexical folder: BM25 over the windows (rag/windows.py)
# What BM25 indexes of each passage, rows in FAISS order: the speaker's name finds their turns.
_LEXICAL_TEXTS = "SELECT speaker || ': ' || text FROM passages ORDER BY row"

_SCHEMA = """
CREATE TABLE documents (doc TEXT PRIMARY KEY, source TEXT, sha256 TEXT, title TEXT, date TEXT, n_lines INTEGER);
CREATE TABLE lines (doc TEXT, line INTEGER, text TEXT, PRIMARY KEY (doc, line));
CREATE TABLE turns (doc TEXT, turn INTEGER, speaker TEXT, label TEXT, line_start INTEGER, line_end INTEGER,
                    PRIMARY KEY (doc, turn));
CREATE TABLE passages (row INTEGER PRIMARY KEY, passage_id TEXT UNIQUE, doc TEXT, speaker TEXT,
                       line_start INTEGER, line_end INTEGER, text TEXT, time_start REAL, time_end REAL);
CREATE TABLE windows (window INTEGER PRIMARY KEY, doc TEXT, first_row INTEGER, last_row INTEGER);
CREATE TABLE line_times (doc TEXT, line INTEGER, time REAL, PRIMARY KEY (doc, line));
CREATE TABLE sentences (doc TEXT, key BLOB, vector BLOB, PRIMARY KEY (doc, key));
CREATE INDEX passages_doc ON passages (doc);
CREATE INDEX windows_doc ON windows (doc);
CREATE INDEX passages_speaker ON passages (speaker);
CREATE INDEX passages_lines ON passages (doc, line_start);
CREATE INDEX turns_lines ON turns (doc, line_start);
CREATE INDEX turns_speaker ON turns (speaker);
CREATE INDEX sentences_key ON sentences (key);
"""
# Passage columns in table order, and in the order of the Passage record's fields.
_PASSAGE_COLUMNS = "passage_id, doc, speaker, line_start, line_end, text, time_start, time_end"
_PASSAGE_FIELDS = "doc, passage_id, speaker, line_start, line_end, text, time_start, time_end"
_INSERT_PASSAGE = "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
# Passage p asks the question of turn q that turn a answers: p ends q with "?" (closing
# quotes and brackets aside; Passage.asks, for the answerer, is stricter) and a, the next
# turn, is another speaker's. The one parameter is _CLOSERS.
_ASKS = "p.line_end = q.line_end AND a.speaker != q.speaker AND rtrim(p.text, ?) LIKE '%?'"
_CLOSERS = " \n\t\"')]\u201d\u2019"
# Lines above a turn searched for its label line (label_lines): itself, and up to two blank lines.
_LABEL_REACH = 3
# What reading a truncated, garbled or deleted index file raises: FAISS a RuntimeError,
# SQLite a DatabaseError ("database disk image is malformed"), a missing file an OSError,
# bm25s's garbled JSON a ValueError.
_UNREADABLE = (RuntimeError, sqlite3.DatabaseError, OSError, ValueError)
# Sentence keys looked up in one query: under SQLite's oldest limit of 999 parameters.
_KEYS_PER_QUERY = 900


@dataclass(frozen=True, slots=True)
class DocumentUpdate:
    """A parsed, chunked and embedded document, ready to replace its earlier version."""

    transcript: Transcript
    source: str
    sha256: str
    passages: tuple[Passage, ...]
    vectors: Vectors  # one row per passage
    text_rule: int  # rag.chunking.TEXT_RULE the vectors were embedded under
    # (first, last) passage indexes of each window (rag/windows.py), one vector each
    windows: tuple[tuple[int, int], ...] = ()
    window_vectors: Vectors | None = None
    # each sentence a passage can be quoted by (rag/sentence_vectors.py), one vector each
    sentences: tuple[str, ...] = ()
    sentence_vectors: Vectors | None = None

    def __post_init__(self) -> None:
        # FAISS and SQLite number windows alike only if each window has its one vector
        parts = (("window", self.windows, self.window_vectors), ("sentence", self.sentences, self.sentence_vectors))
        for part, items, vectors in parts:
            n, n_vectors = len(items), 0 if vectors is None else len(vectors)
            if n_vectors != n:
                raise ValueError(f"{self.transcript.doc}: {n} {part}s but {n_vectors} {part} vectors")


@dataclass(frozen=True)
class StoredDocument:
    """A document as the index holds it: its passages, their vectors and its windows (as
    passage indexes), for an ingest that re-reads an unchanged file to reuse."""

    passages: tuple[Passage, ...]
    vectors: Vectors
    windows: tuple[tuple[int, int], ...]
    window_vectors: Vectors | None
    sentence_vectors: Mapping[bytes, Vectors] = field(default_factory=dict)  # by rag.sentence_vectors.sentence_key


def _sqlite_uri(path: Path, mode: str) -> str:
    """A SQLite URI for `path`; quoting keeps '?' or '#' in folder names from being read as URI syntax."""
    return f"file:{quote(str(path.resolve()))}?mode={mode}"


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def check_compatible(manifest: dict[str, Any], index_dir: Path, model_name: str) -> None:
    """Refuse an index of another format or embedding model, saying how to rebuild."""
    rebuild = f"Rebuild with: rag ingest <paths> --index {index_dir} --rebuild"
    if manifest.get("format") != FORMAT:
        raise IndexMismatchError(
            f"{index_dir} has index format {manifest.get('format')!r}; this version reads format {FORMAT}. {rebuild}"
        )
    if manifest.get("embedding_model") != model_name:
        raise IndexMismatchError(
            f"{index_dir} was built with embedding model {manifest.get('embedding_model')!r}; this run uses "
            f"{model_name!r}. Use --model {manifest.get('embedding_model')} to read it, or {rebuild[0].lower()}{rebuild[1:]}"
        )


@contextlib.contextmanager
def reading(index_dir: Path, name: str, *, ingest: bool = False) -> Iterator[None]:
    """Errors reading index file `name` raised as IndexDamagedError, which names the file
    and the way out, instead of FAISS's or SQLite's traceback. `ingest`: this ingest
    stopped before it changed anything."""
    try:
        yield
    except (sqlite3.ProgrammingError, sqlite3.InterfaceError):  # a mistake in the query, not the file
        raise
    except _UNREADABLE as exc:
        cause = (str(exc).splitlines() or [type(exc).__name__])[0].rsplit("Error: ", 1)[-1]  # FAISS: "Error in ..."
        nothing = "this ingest changed nothing; " if ingest else ""
        if "disk is full" in cause or getattr(exc, "errno", None) == errno.ENOSPC:  # the disk, not the index
            raise RagError(
                f"the disk holding the index at {index_dir} is full ({cause}): {nothing}free some space and try again"
            ) from exc
        raise IndexDamagedError(
            f"{name} of the index at {index_dir} cannot be read ({cause}): {nothing}"
            f"`rag info --check --index {index_dir}` lists what is damaged, and "
            f"`rag ingest --rebuild <transcripts> --index {index_dir}` writes the index afresh"
        ) from exc


@contextlib.contextmanager
def ingest_lock(index_dir: Path) -> Iterator[None]:
    """One writer at a time; a second `rag ingest` waits for the first."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / _LOCK, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_generation(
    index_dir: Path,
    *,
    model_name: str,
    dim: int,
    updates: Sequence[DocumentUpdate],
    rebuild: bool = False,
    vector_index: str = "auto",
    exact_max_passages: int = EXACT_MAX_PASSAGES,
    encoder: str | None = None,
) -> dict[str, Any]:
    """Write a new generation holding the old documents not in `updates`, plus `updates`.

    The kept documents' windows come along, renumbered with their rows (a document
    indexed before windows keeps having none until it is ingested again).
    `vector_index` is "auto", "flat" or "hnsw" (embeddings/faiss_index.py choose_spec),
    for the passages and the windows alike.
    `encoder` ("fp32", "bf16") is recorded for information only: the vectors of either
    agree to a cosine of 0.9999, so an index is never refused for it. Returns the new
    manifest. Call under `ingest_lock`.
    """
    old = None if rebuild else read_manifest(index_dir)
    generation = _next_generation(index_dir)
    names = {
        "vectors": f"vectors-{generation}.faiss",
        "passages": f"passages-{generation}.sqlite",
        "lexical": f"lexical-{generation}",
        "windows": f"windows-{generation}.faiss",
    }

    replaced = {u.transcript.doc for u in updates}
    db = sqlite3.connect(_sqlite_uri(index_dir / names["passages"], "rwc"), uri=True)
    db.executescript(_SCHEMA)
    documents: dict[str, Any] = {}
    kept_rows: list[int] = []
    kept_windows: list[int] = []
    try:  # the old generation's files are read here (`reading`: damage named, not a traceback)
        if old:
            with reading(index_dir, old["files"]["passages"], ingest=True):
                documents, kept_rows, kept_windows = _copy_kept(db, index_dir, old, replaced)
        n_passages = len(kept_rows) + sum(len(u.passages) for u in updates)
        spec = choose_spec(n_passages, vector_index, exact_max=exact_max_passages)
        index = _vector_index(index_dir, old, kept_rows, spec, dim)
        n_windows = len(kept_windows) + sum(len(u.windows) for u in updates)
        window_spec = choose_spec(n_windows, vector_index, exact_max=exact_max_passages)
        windows = _vector_index(index_dir, old, kept_windows, window_spec, dim, part="windows")
    except RagError:  # damaged, or a full disk: leave no half-written generation
        db.close()
        (index_dir / names["passages"]).unlink(missing_ok=True)
        raise
    for update in updates:
        _insert_windows(db, update, first_row=len(index), first_window=len(windows))
        if update.window_vectors is not None:
            windows.add(update.window_vectors)
        _insert_document(db, update, first_row=len(index))
        index.add(update.vectors)
        documents[update.transcript.doc] = {
            "sha256": update.sha256,
            "text_rule": update.text_rule,
            "source": update.source,
            "n_passages": len(update.passages),
            "n_lines": len(update.transcript.lines),
        }
    db.commit()
    _write_lexical(db, index_dir / names["lexical"])
    db.close()
    index.save(index_dir / names["vectors"])
    windows.save(index_dir / names["windows"])
    for name in names.values():
        _fsync(index_dir / name)

    manifest = {
        "format": FORMAT,
        "generation": generation,
        "embedding_model": model_name,
        "dim": dim,
        "index_type": spec.kind,
        "vector_index": spec.as_dict(),
        "window_index": window_spec.as_dict(),
        **({"encoder": encoder} if encoder else {}),
        "n_documents": len(documents),
        "n_passages": len(index),
        "files": names,
        "documents": dict(sorted(documents.items())),
    }
    _replace_manifest(index_dir, manifest)
    _remove_unreferenced(index_dir, set(names.values()))
    return manifest


def _next_generation(index_dir: Path) -> int:
    """One past every generation file present, so a new generation never writes over live files.

    Not the manifest's generation + 1: a --rebuild ignores the manifest, and restarting at 1
    once overwrote the very files the manifest still named, losing the index if killed.
    """
    numbers = [
        int(next(g for g in m.groups() if g)) for p in index_dir.iterdir() if (m := _GENERATION_FILE.fullmatch(p.name))
    ]
    return max(numbers, default=0) + 1


def _copy_kept(
    db: sqlite3.Connection, index_dir: Path, old: dict[str, Any], replaced: set[str]
) -> tuple[dict[str, Any], list[int], list[int]]:
    """Carry over every document of the old generation that this ingest does not replace,
    their windows renumbered with their rows (an index written before windows has none).

    Returns their manifest entries, their old row ids in their new row order, and their
    old window ids in their new window order.
    """
    kept = {doc: meta for doc, meta in old["documents"].items() if doc not in replaced}
    if not kept:
        return {}, [], []
    db.execute("ATTACH DATABASE ? AS old", (_sqlite_uri(index_dir / old["files"]["passages"], "ro"),))
    marks = ",".join("?" * len(kept))
    docs = list(kept)
    for table in ("documents", "lines", "turns"):
        db.execute(f"INSERT INTO {table} SELECT * FROM old.{table} WHERE doc IN ({marks})", docs)
    for table in ("line_times", "sentences"):  # indexes written before them have none
        if db.execute("SELECT 1 FROM old.sqlite_master WHERE name = ?", (table,)).fetchone():
            db.execute(f"INSERT INTO {table} SELECT * FROM old.{table} WHERE doc IN ({marks})", docs)
    carried = db.execute(
        f"SELECT row, {_PASSAGE_COLUMNS} FROM old.passages WHERE doc IN ({marks}) ORDER BY row",
        docs,
    ).fetchall()
    db.executemany(_INSERT_PASSAGE, [(i, *r[1:]) for i, r in enumerate(carried)])
    windows = []
    if "windows" in old["files"]:
        new_row = {r[0]: row for row, r in enumerate(carried)}
        windows = db.execute(
            f"SELECT window, doc, first_row, last_row FROM old.windows WHERE doc IN ({marks}) ORDER BY window", docs
        ).fetchall()
        db.executemany(
            "INSERT INTO windows VALUES (?, ?, ?, ?)",
            [(i, doc, new_row[first], new_row[last]) for i, (_, doc, first, last) in enumerate(windows)],
        )
    db.commit()
    db.execute("DETACH DATABASE old")
    return kept, [r[0] for r in carried], [w[0] for w in windows]


def _vector_index(
    index_dir: Path, old: dict[str, Any] | None, kept_rows: list[int], spec: IndexSpec, dim: int, part: str = "vectors"
) -> FaissIndex:
    """The new generation's FAISS index of passages (`part` "vectors") or of windows
    ("windows"), holding the kept rows' vectors.

    When every old row is kept in order and the kind stays the same, the old index is
    extended rather than rebuilt: adding a transcript to a million-passage HNSW index
    takes seconds, not the minutes of building the graph anew.
    """
    if not kept_rows or old is None:
        return FaissIndex(dim, spec=spec)
    with reading(index_dir, old["files"][part], ingest=True):
        old_index = FaissIndex.load(index_dir / old["files"][part], vector_spec(old, part))
    if old_index.spec == spec and kept_rows == list(range(len(old_index))):
        return old_index
    index = FaissIndex(dim, spec=spec)
    rows = np.asarray(kept_rows, dtype=np.int64)
    for start in range(0, len(rows), 65_536):  # bounded copies: a million rows is 1.5 GB of vectors
        index.add(old_index.vectors()[rows[start : start + 65_536]])
    return index


def _insert_windows(db: sqlite3.Connection, update: DocumentUpdate, *, first_row: int, first_window: int) -> None:
    db.executemany(
        "INSERT INTO windows VALUES (?, ?, ?, ?)",
        [
            (first_window + i, update.transcript.doc, first_row + first, first_row + last)
            for i, (first, last) in enumerate(update.windows)
        ],
    )


def vector_spec(manifest: dict[str, Any], part: str = "vectors") -> IndexSpec:
    """The FAISS index a manifest records for passages (`part` "vectors") or windows
    ("windows"); indexes from before the choice were all flat."""
    return IndexSpec.from_dict(manifest.get("vector_index" if part == "vectors" else "window_index", {"kind": "flat"}))


def _write_lexical(db: sqlite3.Connection, folder: Path) -> None:
    """BM25 over every passage (speaker and text, rows in FAISS order), over every window
    (its passages' texts, window ids in FAISS order), and the corpus vocabulary."""
    texts = [text for (text,) in db.execute(_LEXICAL_TEXTS)]
    LexicalIndex(texts).save(folder)
    bounds = db.execute("SELECT first_row, last_row FROM windows ORDER BY window")
    LexicalIndex(["\n".join(texts[first : last + 1]) for first, last in bounds]).save(folder / WINDOW_LEXICAL)
    (folder / VOCABULARY).write_text(json.dumps(sorted(_vocabulary(db)), ensure_ascii=False), encoding="utf-8")
    for path in [*folder.iterdir(), *(folder / WINDOW_LEXICAL).iterdir()]:
        _fsync(path)


def read_vocabulary(folder: Path) -> frozenset[str]:
    """The vocabulary `_write_lexical` saved in a generation's lexical folder."""
    return frozenset(json.loads((folder / VOCABULARY).read_text(encoding="utf-8")))


def _vocabulary(db: sqlite3.Connection) -> frozenset[str]:
    """Every `term` of the passages, speakers, labels and titles: what the corpus mentions."""
    texts = db.execute(
        "SELECT text FROM passages UNION ALL SELECT speaker || ' ' || label FROM turns "
        "UNION ALL SELECT title FROM documents"
    )
    return frozenset(term(w) for (text,) in texts for w in [*words(text), *spelled_acronyms(text)])


def _insert_document(db: sqlite3.Connection, update: DocumentUpdate, first_row: int) -> None:
    t = update.transcript
    db.execute(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
        (t.doc, update.source, update.sha256, t.title, t.date, len(t.lines)),
    )
    db.executemany("INSERT INTO lines VALUES (?, ?, ?)", [(t.doc, i, line) for i, line in enumerate(t.lines, 1)])
    db.executemany(
        "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
        [(t.doc, i, u.speaker, u.label, u.line_start, u.line_end) for i, u in enumerate(t.turns)],
    )
    db.executemany(
        "INSERT INTO line_times VALUES (?, ?, ?)",
        [(t.doc, u.line_start + i, at) for u in t.turns for i, at in enumerate(u.line_times) if at is not None],
    )
    db.executemany(
        _INSERT_PASSAGE,
        [
            (first_row + i, p.passage_id, p.doc, p.speaker, p.line_start, p.line_end, p.text, p.time_start, p.time_end)
            for i, p in enumerate(update.passages)
        ],
    )
    if update.sentence_vectors is not None:
        db.executemany(
            "INSERT OR IGNORE INTO sentences VALUES (?, ?, ?)",
            [
                (t.doc, sentence_key(text), np.asarray(vector, dtype=np.float32).tobytes())
                for text, vector in zip(update.sentences, update.sentence_vectors, strict=True)
            ],
        )


def _vector(blob: bytes, dim: int) -> Vectors:
    """A stored float32 vector (`tobytes()`), as a read-only array over the blob; ValueError
    for one of another length, which would otherwise be another vector's cosine or a crash."""
    if not isinstance(blob, bytes) or len(blob) != 4 * dim:
        held = f"{len(blob)} bytes" if isinstance(blob, bytes) else f"a {type(blob).__name__}"
        raise ValueError(f"a sentence vector is {held}, not {dim} float32s")
    return np.frombuffer(blob, dtype=np.float32)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_manifest(index_dir: Path, manifest: dict[str, Any]) -> None:
    tmp = index_dir / f"{MANIFEST}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / MANIFEST)
    _fsync(index_dir)


def _remove_unreferenced(index_dir: Path, keep: set[str]) -> None:
    for path in index_dir.iterdir():
        if path.name.startswith(GENERATION_PREFIXES) and path.name not in keep:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


class IndexReader:
    """One generation of an index, opened for reading: vectors in memory, passages in SQLite."""

    def __init__(self, index_dir: Path, manifest: dict[str, Any]) -> None:
        self.index_dir, self.manifest = index_dir, manifest
        files = manifest["files"]
        with reading(index_dir, files["vectors"]):
            self.vectors = FaissIndex.load(index_dir / files["vectors"], vector_spec(manifest))
        windows = files.get("windows")  # None in an index written before windows
        with reading(index_dir, windows or ""):
            self.windows = FaissIndex.load(index_dir / windows, vector_spec(manifest, "windows")) if windows else None
        with reading(index_dir, files["passages"]):  # a garbled store shows at its first query (_query)
            self._db = sqlite3.connect(
                _sqlite_uri(index_dir / files["passages"], "ro"), uri=True, check_same_thread=False
            )
        self._lock = threading.Lock()
        folder = self._lexical_folder
        # BM25 over the windows; None in an index written before it was saved
        self.window_lexical: LexicalIndex | None = None
        if folder is not None:  # opened now: mapped files stay readable if a later ingest removes them
            with reading(index_dir, folder.name):
                self.__dict__["lexical"] = LexicalIndex.load(folder)
                self.__dict__["vocabulary"] = read_vocabulary(folder)
                if (folder / WINDOW_LEXICAL).is_dir():
                    self.window_lexical = LexicalIndex.load(folder / WINDOW_LEXICAL)

    @classmethod
    def open(cls, index_dir: Path, model_name: str) -> IndexReader:
        manifest = read_manifest(index_dir)
        if manifest is None:
            raise IndexNotFoundError(
                f"no index at {index_dir} (no {MANIFEST}); create it with: rag ingest <transcripts> --index {index_dir}"
            )
        check_compatible(manifest, index_dir, model_name)
        try:
            return cls(index_dir, manifest)
        except IndexDamagedError:  # a file unreadable, or gone
            if read_manifest(index_dir) == manifest:
                raise
        # Another process switched the manifest and removed the generation just read: open its successor.
        return cls.open(index_dir, model_name)

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock, reading(self.index_dir, self.manifest["files"]["passages"]):
            return self._db.execute(sql, args).fetchall()

    def passages(self, rows: Sequence[int]) -> list[Passage]:
        """Passages for FAISS row ids, in the order given."""
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        found = {
            r[0]: Passage(*r[1:])
            for r in self._query(
                f"SELECT row, {_PASSAGE_FIELDS} FROM passages WHERE row IN ({marks})",
                list(rows),
            )
        }
        return [found[r] for r in rows]

    def rows_matching(self, *, doc: str | None = None, speaker: str | None = None) -> list[int]:
        """Row ids of passages in `doc` whose speaker contains `speaker` (case-insensitive)."""
        sql, args = "SELECT row FROM passages WHERE 1=1", list[str]()
        if doc is not None:
            sql, args = sql + " AND doc = ?", [*args, doc]
        if speaker is not None:  # matched among the few speaker names, then looked up by SQLite's index
            names = self._speakers_named(speaker, doc)
            sql, args = sql + f" AND speaker IN ({','.join('?' * len(names))})", [*args, *names]
        return [r for (r,) in self._query(sql + " ORDER BY row", args)]

    @cached_property
    def window_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The first and the last passage row of every window, by window id.

        Held in memory (16 bytes a window, 7 MB for a million passages), so a filtered
        search finds the windows holding its rows without reading the table each time.
        """
        bounds = np.array(self._query("SELECT first_row, last_row FROM windows ORDER BY window"), dtype=np.int64)
        bounds = bounds.reshape(-1, 2)
        return bounds[:, 0].copy(), bounds[:, 1].copy()

    def stored_document(self, doc: str) -> StoredDocument | None:
        """`doc` as indexed, None when it is not; its rows are consecutive."""
        rows = self.rows_matching(doc=doc)
        if not rows:
            return None
        index = self.windows
        sql = "SELECT window, first_row, last_row FROM windows WHERE doc = ? ORDER BY window"
        windows = self._query(sql, [doc]) if index is not None else []
        return StoredDocument(
            tuple(self.passages(rows)),
            np.array(self.vectors.rows(rows)),  # a copy: the reader's view goes when it closes
            tuple((first - rows[0], last - rows[0]) for _, first, last in windows),
            np.array(index.rows([w for w, _, _ in windows])) if index is not None and windows else None,
            dict(self._stored_sentences("WHERE doc = ?", [doc])),
        )

    def sentence_vectors(self, keys: Sequence[bytes]) -> dict[bytes, Vectors]:
        """The vectors the index holds for these sentence keys (rag.sentence_vectors); none
        from an index written before sentences were embedded at ingest."""
        found: dict[bytes, Vectors] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            part = keys[start : start + _KEYS_PER_QUERY]
            found.update(self._stored_sentences(f"WHERE key IN ({','.join('?' * len(part))})", part))
        return found

    def _stored_sentences(self, where: str, args: Sequence[Any]) -> list[tuple[bytes, Vectors]]:
        if "sentences" not in self._schema:
            return []
        rows = self._query(f"SELECT key, vector FROM sentences {where}", args)
        with reading(self.index_dir, self.manifest["files"]["passages"]):  # a garbled vector: damage, named
            return [(key, _vector(blob, self.manifest["dim"])) for key, blob in rows]

    @cached_property
    def documents_with_windows(self) -> frozenset[str]:
        """Documents that have windows: all of them, unless some were indexed before windows."""
        return frozenset(doc for (doc,) in self._query("SELECT DISTINCT doc FROM windows"))

    def around(self, row: int, reach: int) -> dict[int, Passage]:
        """The passages of `row`'s document within `reach` rows of it, by row (its own included)."""
        return {
            r[0]: Passage(*r[1:])
            for r in self._query(
                f"SELECT row, {_PASSAGE_FIELDS} FROM passages "
                "WHERE row BETWEEN ? AND ? AND doc = (SELECT doc FROM passages WHERE row = ?)",
                [row - reach, row + reach, row],
            )
        }

    def answers(self, rows: Sequence[int]) -> dict[int, list[int]]:
        """For each of `rows` that asks a question (see _ASKS), the rows of the turn that answers it."""
        if not rows:
            return {}
        found: dict[int, list[int]] = {}
        sql = (
            "SELECT p.row, r.row FROM passages p "
            "JOIN turns q ON q.doc = p.doc AND p.line_start BETWEEN q.line_start AND q.line_end "
            "JOIN turns a ON a.doc = q.doc AND a.turn = q.turn + 1 "
            "JOIN passages r ON r.doc = a.doc AND r.line_start BETWEEN a.line_start AND a.line_end "
            f"WHERE p.row IN ({','.join('?' * len(rows))}) AND {_ASKS} ORDER BY r.row"
        )
        for row, answer in self._query(sql, [*rows, _CLOSERS]):
            found.setdefault(row, []).append(answer)
        return found

    def questions_to(self, speaker: str, *, doc: str | None = None) -> list[int]:
        """Rows of the questions put to speakers whose name contains `speaker` (see _ASKS).

        Empty from an index written before turns were indexed by speaker: without those SQLite
        indexes the search is a scan (90 ms a question at 100k passages); the next ingest adds them.
        """
        if "turns_speaker" not in self._schema:
            return []
        names = self._speakers_named(speaker, doc)
        sql = (
            # CROSS JOIN keeps this order (SQLite would scan every passage first): the
            # speaker's turns, the turn before each, its passages by (doc, line_start).
            "SELECT p.row FROM turns a CROSS JOIN turns q ON q.doc = a.doc AND q.turn = a.turn - 1 "
            "CROSS JOIN passages p ON p.doc = q.doc AND p.line_start BETWEEN q.line_start AND q.line_end "
            f"WHERE a.speaker IN ({','.join('?' * len(names))}) AND {_ASKS}"
        )
        args = [*names, _CLOSERS]
        if doc is not None:
            sql, args = sql + " AND a.doc = ?", [*args, doc]
        return [r for (r,) in self._query(sql + " ORDER BY p.row", args)]

    def documents(self) -> list[str]:
        return [d for (d,) in self._query("SELECT doc FROM documents ORDER BY doc")]

    def speakers(self, doc: str | None = None) -> list[str]:
        """Speakers of every turn (of `doc`), sorted; asked once a question, so kept."""
        return list(self._speakers.get(doc, ()))

    def times_around(self, doc: str, line_start: int, line_end: int) -> tuple[float | None, float | None]:
        """When lines line_start..line_end were said, from the times written inside their turn
        ("0:04" above a caption line): the last at or above the first line, the next below the
        last; None for either where the turn has none there (or the index was written before
        such times were kept)."""
        if "line_times" not in self._schema:
            return None, None
        marks = self._query(
            "SELECT m.line, m.time FROM turns t JOIN line_times m ON m.doc = t.doc "
            "AND m.line BETWEEN t.line_start AND t.line_end "
            "WHERE t.doc = ? AND t.line_start <= ? AND t.line_end >= ? ORDER BY m.line",
            [doc, line_start, line_start],
        )
        above = [at for line, at in marks if line <= line_start]
        below = [at for line, at in marks if line > line_end]
        return (above[-1] if above else None), (below[0] if below else None)

    @cached_property
    def _schema(self) -> frozenset[str]:
        """Names of the store's tables and indexes: those an index written before them lacks
        (line_times, sentences, turns_speaker) are looked for here, read once."""
        return frozenset(name for (name,) in self._query("SELECT name FROM sqlite_master"))

    def _speakers_named(self, speaker: str, doc: str | None) -> list[str]:
        """Speakers (of `doc`) whose name contains `speaker`, case-insensitively."""
        return [s for s in self.speakers(doc) if speaker.lower() in s.lower()]

    @cached_property
    def _speakers(self) -> dict[str | None, tuple[str, ...]]:
        """Sorted speaker names by document, and of all documents under None."""
        by_doc: dict[str | None, set[str]] = {None: set()}
        for doc, speaker in self._query("SELECT DISTINCT doc, speaker FROM turns"):
            by_doc.setdefault(doc, set()).add(speaker)
            by_doc[None].add(speaker)
        return {doc: tuple(sorted(names)) for doc, names in by_doc.items()}

    def lines(self, doc: str, line_start: int = 1, line_end: int | None = None) -> list[str]:
        """Text of a document's lines line_start..line_end (1-based, inclusive)."""
        end = line_end if line_end is not None else 1 << 62
        return [
            t
            for (t,) in self._query(
                "SELECT text FROM lines WHERE doc = ? AND line BETWEEN ? AND ? ORDER BY line", [doc, line_start, end]
            )
        ]

    def label_lines(self, speaker: str, doc: str | None = None) -> list[tuple[str, int, str]]:
        """(doc, line, label) for each labelled turn of `speaker` (in `doc`), in transcript
        order: the line holding the label, leading the turn or on its own above it (blank
        lines between, "**Mizuho Morioka (Asahi Shimbun)**" with a blank line beneath)."""
        where, params = ("AND t.doc = ? ", [speaker, doc]) if doc is not None else ("", [speaker])
        rows = self._query(
            "SELECT t.doc, t.line_start, t.label, l.line, l.text FROM turns t JOIN lines l "
            f"ON l.doc = t.doc AND l.line BETWEEN t.line_start - {_LABEL_REACH} AND t.line_start "
            f"WHERE t.speaker = ? AND t.label != '' {where}ORDER BY t.doc, t.line_start, l.line DESC",
            params,
        )
        found: dict[tuple[str, int], tuple[str, int, str]] = {}  # per turn, the nearest line that starts with it
        for d, start, label, line, text in rows:
            written = (text, without_number(text))  # a court reporter's printed number before the label
            if (d, start) not in found and any(
                plain_label_line(t.lstrip("# ")).strip().startswith(label) for t in written
            ):
                found[d, start] = (d, line, label)
        return list(found.values())

    def header_lines(self, doc: str) -> list[tuple[int, str]]:
        """(line, text) of each line before the document's first turn: title, date, bullets."""
        rows = self._query(
            "SELECT line, text FROM lines WHERE doc = ? AND line < "
            "(SELECT MIN(line_start) FROM turns WHERE doc = ?) ORDER BY line",
            [doc, doc],
        )
        return [(line, text) for line, text in rows]

    def floor_givers(self, doc: str | None = None) -> list[tuple[str, str, int, int]]:
        """(doc, speaker, questions, first line) for each speaker who speaks just before
        another's question that a third person answers (see _ASKS), most questions first:
        the moderator who gives the floor, not the questioner or the one who answers.
        `first line` starts their first such turn."""
        sql = (
            "SELECT m.doc, m.speaker, COUNT(DISTINCT q.turn), MIN(m.line_start) FROM turns m "
            "JOIN turns q ON q.doc = m.doc AND q.turn = m.turn + 1 "
            "JOIN turns a ON a.doc = q.doc AND a.turn = q.turn + 1 "
            "JOIN passages p ON p.doc = q.doc AND p.line_start BETWEEN q.line_start AND q.line_end "
            f"WHERE m.speaker != q.speaker AND m.speaker != a.speaker AND {_ASKS}"
        )
        args: list[Any] = [_CLOSERS]
        if doc is not None:
            sql, args = sql + " AND m.doc = ?", [*args, doc]
        rows = self._query(sql + " GROUP BY m.doc, m.speaker ORDER BY 3 DESC, 4", args)
        return [(d, speaker, n, line) for d, speaker, n, line in rows]

    def turn_before(self, doc: str, line: int) -> tuple[str, int, int] | None:
        """(speaker, line_start, line_end) of the turn before the one holding `line`."""
        rows = self._query(
            "SELECT speaker, line_start, line_end FROM turns WHERE doc = ? AND line_end < "
            "(SELECT line_start FROM turns WHERE doc = ? AND line_start <= ? ORDER BY line_start DESC LIMIT 1) "
            "ORDER BY line_start DESC LIMIT 1",
            [doc, doc, line],
        )
        return rows[0] if rows else None

    @cached_property
    def lexical(self) -> LexicalIndex:
        """BM25 over every passage (speaker and text), rows in FAISS order.

        Read at open from the generation's folder; built here only for indexes written
        before the ingest saved it.
        """
        rows = self._query(_LEXICAL_TEXTS)
        return LexicalIndex([text for (text,) in rows])

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every `term` of the passages, speakers, labels and titles (read at open, like `lexical`)."""
        with self._lock, reading(self.index_dir, self.manifest["files"]["passages"]):
            return _vocabulary(self._db)

    @property
    def _lexical_folder(self) -> Path | None:
        """The generation's saved BM25 folder; None for indexes written before it was saved."""
        name = self.manifest["files"].get("lexical")
        return self.index_dir / name if name else None
