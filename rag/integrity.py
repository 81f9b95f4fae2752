"""`rag info --check`: verify that an index directory is whole and agrees with itself.

An ingest is all-or-nothing (rag/store.py), so after any crash or kill the manifest, the
FAISS files and the SQLite store must still agree. This module checks that from the files
alone, without the embedding model: counts, row ids, documents, every passage's lines, the
times written inside turns (line_times), the sentence vectors' shape, and the windows (their vectors, ids, the passages
they span and the BM25 over them).
It only reads; it repairs nothing. Leftover generation files are reported apart from
problems: a reader may still hold an old generation, and the next ingest removes them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from embeddings.faiss_index import FaissIndex
from rag.errors import IndexMismatchError
from rag.lexical import saved_size
from rag.store import GENERATION_PREFIXES, MANIFEST, WINDOW_LEXICAL, _sqlite_uri, check_compatible, read_vocabulary
from rag.subtitles import visible_text

# Past this many bad passages the rest are counted, not listed: one line each would bury the cause.
MAX_LISTED = 20


@dataclass(frozen=True, slots=True)
class IndexCheck:
    """What check_index found. Problems make the index unsafe to serve; leftovers are harmless."""

    manifest: dict[str, Any] | None  # None when unreadable
    problems: tuple[str, ...]
    leftovers: tuple[str, ...]  # file names outside the current generation

    @property
    def ok(self) -> bool:
        return not self.problems


def check_index(index_dir: Path, model_name: str | None = None) -> IndexCheck:
    """Check the manifest, FAISS file and SQLite store of `index_dir` against each other.

    `model_name`, when given, must be the model the index was built with.
    """
    manifest, problems = _read_manifest(index_dir)
    if manifest is None:
        return IndexCheck(None, tuple(problems), ())
    if model_name is not None:
        try:
            check_compatible(manifest, index_dir, model_name)
        except IndexMismatchError as exc:
            problems.append(str(exc))
    problems += _check_vectors(index_dir, manifest)
    problems += _check_store(index_dir, manifest)
    problems += _check_lexical(index_dir, manifest)
    problems += _check_windows(index_dir, manifest)
    return IndexCheck(manifest, tuple(problems), tuple(leftover_files(index_dir, manifest)))


def _read_manifest(index_dir: Path) -> tuple[dict[str, Any] | None, list[str]]:
    path = index_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [f"no {MANIFEST} in {index_dir}: not an index (create one with rag ingest)"]
    except (OSError, ValueError) as exc:
        return None, [f"{path} is unreadable: {exc}"]
    needed = ("format", "generation", "embedding_model", "dim", "n_documents", "n_passages", "files", "documents")
    missing = [key for key in needed if key not in manifest] if isinstance(manifest, dict) else list(needed)
    missing += [f"files.{key}" for key in ("vectors", "passages") if key not in manifest.get("files", {})]
    if missing:
        return None, [f"{path} lacks {', '.join(missing)}"]
    problems = []
    if manifest["n_documents"] != len(manifest["documents"]):
        problems.append(f"manifest says n_documents={manifest['n_documents']} but lists {len(manifest['documents'])}")
    listed = sum(meta.get("n_passages", 0) for meta in manifest["documents"].values())
    if listed != manifest["n_passages"]:
        problems.append(f"manifest says n_passages={manifest['n_passages']} but its documents add up to {listed}")
    return manifest, problems


def _check_vectors(index_dir: Path, manifest: dict[str, Any]) -> list[str]:
    path = index_dir / manifest["files"]["vectors"]
    if not path.exists():
        return [f"vectors file {path.name} named by the manifest is missing"]
    try:
        index = FaissIndex.load(path)
    except RuntimeError as exc:  # FAISS reports a truncated or garbled file this way
        return [f"vectors file {path.name} is unreadable: {str(exc).splitlines()[0]}"]
    problems = []
    if len(index) != manifest["n_passages"]:
        problems.append(f"FAISS holds {len(index)} vectors but the manifest says n_passages={manifest['n_passages']}")
    if index.dim != manifest["dim"]:
        problems.append(f"FAISS vectors have dimension {index.dim} but the manifest says dim={manifest['dim']}")
    return problems


def _check_lexical(index_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """The saved BM25 index covers every passage (indexes from before it was saved have none)."""
    name = manifest["files"].get("lexical")
    if name is None:
        return []
    folder = index_dir / name
    try:
        n_docs = saved_size(folder)
        read_vocabulary(folder)
    except (OSError, ValueError, KeyError) as exc:
        return [f"BM25 folder {name} named by the manifest is missing or unreadable: {exc}"]
    if n_docs != manifest["n_passages"]:
        return [f"BM25 index holds {n_docs} passages but the manifest says n_passages={manifest['n_passages']}"]
    return []


def _check_store(index_dir: Path, manifest: dict[str, Any]) -> list[str]:
    path = index_dir / manifest["files"]["passages"]
    if not path.exists():
        return [f"passage store {path.name} named by the manifest is missing"]
    try:
        db = sqlite3.connect(_sqlite_uri(path, "ro"), uri=True)
        try:
            return _check_tables(db, manifest)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return [f"passage store {path.name} is unreadable: {exc}"]


def _check_windows(index_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """The windows table against its FAISS file and the passages (rag/windows.py); an
    index written before windows has neither."""
    name, store = manifest["files"].get("windows"), index_dir / manifest["files"]["passages"]
    if name is None or not store.exists():  # no windows, or no store (_check_store says so)
        return []
    try:
        index = FaissIndex.load(index_dir / name)
    except RuntimeError as exc:
        return [f"windows file {name} is missing or unreadable: {str(exc).splitlines()[0]}"]
    problems = []
    if index.dim != manifest["dim"]:
        problems.append(f"window vectors have dimension {index.dim} but the manifest says dim={manifest['dim']}")
    problems += _window_lexical_problems(index_dir, manifest, len(index))
    db = sqlite3.connect(_sqlite_uri(store, "ro"), uri=True)
    try:
        return problems + _windows_problems(db, len(index))
    except sqlite3.DatabaseError as exc:
        return [f"the windows table is unreadable: {exc}"]
    finally:
        db.close()


def _window_lexical_problems(index_dir: Path, manifest: dict[str, Any], n_windows: int) -> list[str]:
    """BM25 over the windows (rag/store.py) holds one entry per window; an index written
    before it was saved has no such folder."""
    lexical = manifest["files"].get("lexical")
    folder = index_dir / lexical / WINDOW_LEXICAL if lexical else None
    if folder is None or not folder.is_dir():
        return []
    try:
        n_saved = saved_size(folder)
    except (OSError, ValueError, KeyError) as exc:
        return [f"BM25 over the windows in {lexical}/{WINDOW_LEXICAL} is missing or unreadable: {exc}"]
    if n_saved != n_windows:
        return [f"BM25 over the windows holds {n_saved} windows but FAISS {n_windows}"]
    return []


def _windows_problems(db: sqlite3.Connection, n_vectors: int) -> list[str]:
    n_windows, first, last = db.execute("SELECT count(*), min(window), max(window) FROM windows").fetchone()
    problems = []
    if n_vectors != n_windows:
        problems.append(f"FAISS holds {n_vectors} window vectors but SQLite {n_windows} windows")
    if n_windows and (first, last) != (0, n_windows - 1):
        problems.append(f"window ids run {first}..{last}; FAISS ids need 0..{n_windows - 1}")
    # IS NOT: a row past the last passage gives NULL, which != would let through
    (astray,) = db.execute(
        "SELECT count(*) FROM windows w WHERE w.first_row > w.last_row"
        " OR w.doc IS NOT (SELECT doc FROM passages WHERE row = w.first_row)"
        " OR w.doc IS NOT (SELECT doc FROM passages WHERE row = w.last_row)"
    ).fetchone()
    if astray:
        problems.append(f"{astray} windows do not span passages of their own document")
    return problems


def _check_tables(db: sqlite3.Connection, manifest: dict[str, Any]) -> list[str]:
    (integrity,) = db.execute("PRAGMA quick_check").fetchone()
    if integrity != "ok":
        return [f"SQLite quick_check of the passage store failed: {integrity}"]
    problems = []
    n_rows, first, last = db.execute("SELECT count(*), min(row), max(row) FROM passages").fetchone()
    if n_rows != manifest["n_passages"]:
        problems.append(f"SQLite holds {n_rows} passages but the manifest says n_passages={manifest['n_passages']}")
    if n_rows and (first, last) != (0, n_rows - 1):
        problems.append(f"passage rows run {first}..{last}; FAISS ids need 0..{n_rows - 1}")
    problems += _check_documents(db, manifest["documents"])
    bad = list(_bad_passages(db))
    problems += bad[:MAX_LISTED]
    if len(bad) > MAX_LISTED:
        problems.append(f"... and {len(bad) - MAX_LISTED} more passages with problems")
    return problems + _line_times_problems(db) + _sentences_problems(db, manifest["dim"])


def _line_times_problems(db: sqlite3.Connection) -> list[str]:
    """Times kept for lines (a citation is timed by them) belong to a line inside a turn of
    an indexed document and are a time; an index written before them has no such table."""
    checks = [
        ("of no indexed document", "m.doc IS NULL OR m.doc NOT IN (SELECT doc FROM documents)"),
        (
            "on no line of a turn",
            # the turn starting last at or above the line (turns_lines index) ends above it
            "m.doc IN (SELECT doc FROM documents) AND coalesce((SELECT t.line_end FROM turns t"
            " WHERE t.doc = m.doc AND t.line_start <= m.line ORDER BY t.line_start DESC LIMIT 1), 0) < m.line",
        ),
        (
            "that are no time (empty or negative)",
            "m.time IS NULL OR typeof(m.time) NOT IN ('real', 'integer') OR m.time < 0",
        ),
    ]
    return _failing(db, "line_times", "line times", checks)


def _sentences_problems(db: sqlite3.Connection, dim: int) -> list[str]:
    """Sentence vectors (rag/sentence_vectors.py) belong to an indexed document, are found
    by a 16-byte key and hold `dim` float32s: a short one would be read as another
    vector's cosine. An index written before them has no such table."""
    checks = [
        ("of no indexed document", "m.doc IS NULL OR m.doc NOT IN (SELECT doc FROM documents)"),
        ("with a key that is not 16 bytes", "typeof(m.key) != 'blob' OR length(m.key) != 16"),
        (f"that are not {dim} float32s", f"typeof(m.vector) != 'blob' OR length(m.vector) != {4 * dim}"),
    ]
    return _failing(db, "sentences", "sentence vectors", checks)


def _failing(db: sqlite3.Connection, table: str, noun: str, checks: list[tuple[str, str]]) -> list[str]:
    """ "N {noun} {what}" for each (what, condition on its rows as `m`) that rows of `table`
    meet; none for an index written before the table."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
        return []
    problems = []
    for what, where in checks:
        (n,) = db.execute(f"SELECT count(*) FROM {table} m WHERE {where}").fetchone()
        if n:
            problems.append(f"{n} {noun} {what}")
    return problems


def _check_documents(db: sqlite3.Connection, documents: dict[str, Any]) -> list[str]:
    """Each document's row, line count and passage count agree with the manifest."""
    stored = {doc: (sha, n) for doc, sha, n in db.execute("SELECT doc, sha256, n_lines FROM documents")}
    problems = [f"document {doc!r} is in the manifest but not in SQLite" for doc in sorted(documents.keys() - stored)]
    problems += [f"document {doc!r} is in SQLite but not in the manifest" for doc in sorted(stored.keys() - documents)]
    lines = dict(db.execute("SELECT doc, count(*) FROM lines GROUP BY doc").fetchall())
    passages = dict(db.execute("SELECT doc, count(*) FROM passages GROUP BY doc").fetchall())
    for doc in sorted(documents.keys() & stored):
        meta, (sha256, n_lines) = documents[doc], stored[doc]
        if meta.get("sha256") != sha256:
            problems.append(f"document {doc!r}: manifest and SQLite disagree on its content hash")
        if not meta.get("n_lines") == n_lines == lines.get(doc, 0):
            problems.append(
                f"document {doc!r}: {lines.get(doc, 0)} lines stored, n_lines {n_lines} in SQLite, "
                f"{meta.get('n_lines')} in the manifest"
            )
        if meta.get("n_passages") != passages.get(doc, 0):
            problems.append(
                f"document {doc!r}: {passages.get(doc, 0)} passages stored, manifest says {meta.get('n_passages')}"
            )
    return problems


def _bad_passages(db: sqlite3.Connection) -> Iterator[str]:
    """Passages outside their document, or whose text is not the text of their lines."""
    n_lines = dict(db.execute("SELECT doc, n_lines FROM documents").fetchall())
    doc_lines: dict[str, dict[int, str]] = {}
    for row, doc, line_start, line_end, text in db.execute(
        "SELECT row, doc, line_start, line_end, text FROM passages ORDER BY doc, row"
    ):
        where = f"passage row {row} ({doc} lines {line_start}-{line_end})"
        if doc not in n_lines:
            yield f"{where}: its document is not in the index"
            continue
        if not 1 <= line_start <= line_end <= n_lines[doc]:
            yield f"{where}: outside its document's lines 1-{n_lines[doc]}"
            continue
        if doc not in doc_lines:
            doc_lines = {doc: dict(db.execute("SELECT line, text FROM lines WHERE doc = ?", (doc,)).fetchall())}
        lines = [doc_lines[doc].get(n, "") for n in range(line_start, line_end + 1)]
        if not text_matches_lines(text, lines):
            yield f"{where}: its text is not the text of those lines"


def text_matches_lines(text: str, lines: list[str]) -> bool:
    """Whether passage `text` is a slice of `lines`: one piece per line, each inside its line.

    A passage drops a line's speaker label and may start or end mid-line (rag/chunking.py).
    Example: text_matches_lines("agreed.\\nThat was", ["Jane: We agreed.", "That was all."]) is True.
    """
    pieces = text.split("\n")
    return (
        bool(text.strip())
        and len(pieces) == len(lines)
        and all(_piece_in_line(p, line) for p, line in zip(pieces, lines, strict=True))
    )


def _piece_in_line(piece: str, line: str) -> bool:
    """Inside the line as written, as subtitles show it (markup removed), or as JSON escapes it."""
    return (
        piece in line
        or piece in visible_text(line)
        or json.dumps(piece)[1:-1] in line
        or json.dumps(piece, ensure_ascii=False)[1:-1] in line
    )


def leftover_files(index_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """Generation files the manifest does not name: an older generation or a killed ingest's."""
    current = set(manifest["files"].values())
    return sorted(
        p.name
        for p in index_dir.iterdir()
        if (p.name.startswith(GENERATION_PREFIXES) or p.name == f"{MANIFEST}.tmp") and p.name not in current
    )
