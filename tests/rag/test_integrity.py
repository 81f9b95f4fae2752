"""check_index on a healthy index and on copies damaged one way each: every damage is named."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from rag.cli import main
from rag.integrity import check_index, text_matches_lines
from rag.store import MANIFEST

MODEL = "fake-bag-of-words"


@pytest.fixture
def damaged(presser_pipeline, tmp_path: Path) -> Path:
    """A copy of the presser index, to damage freely."""
    copy = tmp_path / "copy"
    shutil.copytree(presser_pipeline.index_dir, copy)
    return copy


def manifest_of(index_dir: Path) -> dict:
    return json.loads((index_dir / MANIFEST).read_text())


def write_manifest(index_dir: Path, manifest: dict) -> None:
    (index_dir / MANIFEST).write_text(json.dumps(manifest))


def execute(index_dir: Path, sql: str) -> None:
    db = sqlite3.connect(index_dir / manifest_of(index_dir)["files"]["passages"])
    db.execute(sql)
    db.commit()
    db.close()


def problems(index_dir: Path) -> str:
    return "\n".join(check_index(index_dir, MODEL).problems)


def test_healthy_index_passes(presser_pipeline):
    check = check_index(presser_pipeline.index_dir, MODEL)
    assert check.ok, check.problems
    assert check.leftovers == ()
    assert check.manifest is not None and check.manifest["n_passages"] == 6


def test_deleted_passage_row_is_reported(damaged: Path):
    execute(damaged, "DELETE FROM passages WHERE row = 2")
    found = problems(damaged)
    assert "SQLite holds 5 passages but the manifest says n_passages=6" in found
    assert "5 passages stored, manifest says 6" in found
    assert "passage rows run 0..5; FAISS ids need 0..4" in found


def test_rows_not_numbered_from_zero_are_reported(damaged: Path):
    execute(damaged, "UPDATE passages SET row = row + 100 WHERE row = 5")
    assert "passage rows run 0..105; FAISS ids need 0..5" in problems(damaged)


def test_truncated_faiss_file_is_reported(damaged: Path):
    path = damaged / manifest_of(damaged)["files"]["vectors"]
    path.write_bytes(path.read_bytes()[:100])
    assert f"vectors file {path.name} is unreadable" in problems(damaged)


def test_missing_faiss_file_is_reported(damaged: Path):
    path = damaged / manifest_of(damaged)["files"]["vectors"]
    path.unlink()
    assert f"vectors file {path.name} named by the manifest is missing" in problems(damaged)


def test_edited_manifest_count_is_reported(damaged: Path):
    manifest = manifest_of(damaged)
    manifest["n_passages"] = 7
    write_manifest(damaged, manifest)
    found = problems(damaged)
    assert "FAISS holds 6 vectors but the manifest says n_passages=7" in found
    assert "SQLite holds 6 passages but the manifest says n_passages=7" in found


def test_unreadable_manifest_is_reported(damaged: Path):
    (damaged / MANIFEST).write_text('{"format": 1, "gener')
    check = check_index(damaged, MODEL)
    assert check.manifest is None and "unreadable" in check.problems[0]


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (
            "UPDATE passages SET line_start = 30, line_end = 31 WHERE row = 0",
            "passage row 0 (presser-2025-01-01 lines 30-31): outside its document's lines 1-24",
        ),
        (
            "UPDATE passages SET line_start = line_start + 1, line_end = line_end + 1 WHERE row = 1",
            "its text is not the text of those lines",
        ),
        ("UPDATE passages SET doc = 'ghost' WHERE row = 3", "passage row 3 (ghost lines"),
        ("DELETE FROM documents", "document 'presser-2025-01-01' is in the manifest but not in SQLite"),
        ("DELETE FROM lines WHERE line = 17", "document 'presser-2025-01-01': 23 lines stored"),
        ("INSERT INTO line_times VALUES ('ghost', 3, 1.0)", "1 line times of no indexed document"),
        ("INSERT INTO line_times VALUES (NULL, 3, 1.0)", "1 line times of no indexed document"),
        ("INSERT INTO line_times VALUES ('presser-2025-01-01', 99, 1.0)", "1 line times on no line of a turn"),
        ("INSERT INTO line_times VALUES ('presser-2025-01-01', 5, NULL)", "1 line times that are no time"),
        ("INSERT INTO line_times VALUES ('presser-2025-01-01', 5, 'soon')", "1 line times that are no time"),
        ("INSERT INTO line_times VALUES ('presser-2025-01-01', 5, -4.0)", "1 line times that are no time"),
        ("UPDATE sentences SET doc = 'ghost' WHERE rowid = 1", "1 sentence vectors of no indexed document"),
        ("UPDATE sentences SET doc = NULL WHERE rowid = 1", "1 sentence vectors of no indexed document"),
        ("UPDATE sentences SET key = x'00' WHERE rowid = 1", "1 sentence vectors with a key that is not 16 bytes"),
        ("UPDATE sentences SET vector = substr(vector, 5) WHERE rowid = 1", "1 sentence vectors that are not 256"),
        ("UPDATE sentences SET vector = 'a vector' WHERE rowid = 1", "1 sentence vectors that are not 256"),
    ],
    ids=[
        "outside-document",
        "wrong-lines",
        "unknown-document",
        "document-row-gone",
        "line-gone",
        *("line-time-" + i for i in ("unknown-document", "no-document", "outside-turns", "null", "text", "negative")),
        *("sentence-vector-" + i for i in ("unknown-document", "no-document", "short-key", "short", "text")),
    ],
)
def test_damage_to_the_passage_store_is_reported(damaged: Path, damage: str, expected: str):
    execute(damaged, damage)
    assert expected in problems(damaged)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("UPDATE windows SET last_row = 99", "1 windows do not span passages of their own document"),
        ("UPDATE windows SET window = window + 5", "window ids run 5..5; FAISS ids need 0..0"),
        ("DELETE FROM windows", "FAISS holds 1 window vectors but SQLite 0 windows"),
    ],
    ids=["past-the-last-passage", "ids-shifted", "table-emptied"],
)
def test_window_damage_is_reported(damaged: Path, damage: str, expected: str):
    execute(damaged, damage)
    assert expected in problems(damaged)


def test_missing_windows_file_is_reported(damaged: Path):
    (damaged / manifest_of(damaged)["files"]["windows"]).unlink()
    assert "windows file windows-1.faiss is missing or unreadable" in problems(damaged)


def test_other_model_is_reported(presser_pipeline):
    found = check_index(presser_pipeline.index_dir, "another-model").problems
    assert any("another-model" in p for p in found)


def test_leftover_generation_is_noted_not_failed(damaged: Path):
    (damaged / "vectors-7.faiss").write_bytes(b"partial")
    (damaged / "lexical-7").mkdir()
    check = check_index(damaged, MODEL)
    assert check.ok and check.leftovers == ("lexical-7", "vectors-7.faiss")


def test_missing_or_stale_bm25_folder_is_reported(damaged: Path):
    folder = damaged / manifest_of(damaged)["files"]["lexical"]
    params = json.loads((folder / "params.index.json").read_text())
    (folder / "params.index.json").write_text(json.dumps({**params, "num_docs": 5}))
    assert "BM25 index holds 5 passages but the manifest says n_passages=6" in problems(damaged)
    shutil.rmtree(folder)
    assert "BM25 folder lexical-1 named by the manifest is missing" in problems(damaged)


def test_text_matches_lines_allows_labels_and_mid_line_cuts():
    assert text_matches_lines("agreed.\nThat was", ["Jane: We agreed.", "That was all."])
    assert not text_matches_lines("agreed.", ["Jane: We agreed.", "That was all."])
    assert not text_matches_lines("disagreed.", ["Jane: We agreed."])
    assert not text_matches_lines("", [""])


def test_cli_check_passes_on_a_healthy_index(presser_pipeline, capsys, monkeypatch):
    code = main(["info", "--check", "--index", str(presser_pipeline.index_dir), "--model", MODEL])
    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["n_passages"] == 6
    assert err.strip() == "index check passed"


def test_cli_check_fails_with_one_line_per_problem(damaged: Path, capsys):
    execute(damaged, "DELETE FROM passages WHERE row = 2")
    code = main(["info", "--check", "--index", str(damaged), "--model", MODEL])
    out, err = capsys.readouterr()
    assert code == 1
    assert json.loads(out)["n_passages"] == 6  # the info JSON still prints, from the manifest
    assert err.splitlines() == [f"error: {p}" for p in check_index(damaged, MODEL).problems]
    assert len(err.splitlines()) == 3  # count, row gap, the document's count


def test_subtitle_and_speech_json_passages_check_clean(make_pipeline, tmp_path: Path):
    """Their passage text is the line as shown (markup removed) or as JSON escapes it."""
    srt = tmp_path / "styled.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:03,000\n<i>JANE DOE:</i> We discussed <b>budgets</b> &amp; more.\n")
    speech = tmp_path / "speech.json"
    speech.write_text(
        json.dumps({"segments": [{"start": 0, "end": 2, "text": ' She said "no" to the café.'}]}, indent=1)
    )
    pipeline = make_pipeline()
    assert pipeline.ingest([srt, speech]).failed == []
    assert check_index(pipeline.index_dir, MODEL).problems == ()
    assert not text_matches_lines("budgets and less", ["<i>JANE DOE:</i> We discussed <b>budgets</b> &amp; more."])


def test_times_written_inside_turns_check_clean(make_pipeline, tmp_path: Path):
    captions = tmp_path / "captions.txt"
    captions.write_text("".join(f"0:{i:02d}\ncaption line {i} about solar panels\n" for i in range(3, 40, 4)))
    pipeline = make_pipeline()
    assert pipeline.ingest([captions]).failed == []
    db = sqlite3.connect(pipeline.index_dir / manifest_of(pipeline.index_dir)["files"]["passages"])
    (n_times,) = db.execute("SELECT count(*) FROM line_times").fetchone()
    db.close()
    assert n_times == 10
    assert check_index(pipeline.index_dir, MODEL).problems == ()
