from pathlib import Path

import pytest

import rag.cli
from rag.cli import main
from tests.eval.test_runner import ROWS, write_set


@pytest.fixture
def index(monkeypatch, make_pipeline, presser: Path, tmp_path: Path) -> Path:
    """`main` wired to a pipeline on fakes, with the presser ingested; returns the index directory."""

    def open_fake(settings):
        return make_pipeline(index_dir=settings.index_dir, k=settings.k)

    monkeypatch.setattr(rag.cli, "open_pipeline", open_fake)
    monkeypatch.delenv("RAG_INDEX", raising=False)
    index_dir = tmp_path / "cli-index"
    assert main(["ingest", str(presser), "--index", str(index_dir)]) == 0
    return index_dir


def test_eval_prints_metrics_and_writes_the_report(index: Path, tmp_path: Path, capsys):
    capsys.readouterr()
    questions = write_set(tmp_path)
    assert main(["eval", str(questions), "--index", str(index), "--report", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "| hit@1 | 0.667 |" in out and "| latency_p95_ms |" in out
    assert {p.name for p in (tmp_path / "r").iterdir()} == {"results.json", "report.md", "report.html"}
    results = tmp_path / "r" / "results.json"
    assert main(["eval", str(questions), "--index", str(index), "--compare", str(results)]) == 0
    assert "| hit@1 | 0.667 | +0.000 |" in capsys.readouterr().out


def test_fail_under_passes_and_fails(index: Path, tmp_path: Path, capsys):
    questions = str(write_set(tmp_path))
    capsys.readouterr()
    assert main(["eval", questions, "--index", str(index), "--fail-under", "hit@5=0.9"]) == 0
    assert "error" not in capsys.readouterr().err  # stderr holds only the progress bar
    gates = ["--fail-under", "hit@1=0.9", "--fail-under", "hit@5=1", "--fail-under", "citation_recall=0.6"]
    assert main(["eval", questions, "--index", str(index), *gates]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert err == ["error: hit@1 = 0.6667 < 0.90", "error: citation_recall = 0.50 < 0.60"]


@pytest.mark.parametrize(
    ("gate", "message"),
    [("recall@5=0.5", "unknown metric 'recall@5'"), ("latency_p95_ms=100", "latency gates are not supported")],
)
def test_fail_under_rejects_unknown_and_latency_metrics(index: Path, tmp_path: Path, capsys, gate, message):
    capsys.readouterr()
    assert main(["eval", str(write_set(tmp_path)), "--index", str(index), "--fail-under", gate]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: --fail-under") and message in captured.err


def test_bad_gold_lines_are_a_one_line_error(index: Path, tmp_path: Path, capsys):
    rows = [{"id": "q9", "question": "Anything?", "doc": "presser-2025-01-01", "gold_lines": [[10, 10]]}]
    capsys.readouterr()
    assert main(["eval", str(write_set(tmp_path, rows)), "--index", str(index)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: question 'q9': gold line 10") and err.count("\n") == 1


def test_calibrate_prints_the_sweep_and_the_choice_pooled_over_sets(index: Path, tmp_path: Path, capsys):
    first = write_set(tmp_path)
    (tmp_path / "more").mkdir()
    second = write_set(tmp_path / "more", ROWS[:2])
    capsys.readouterr()
    args = ["calibrate", str(first), str(second), "--index", str(index)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "| min_score | accuracy | answerable declined | precision | recall |" in out
    assert "chosen: min_score=" in out
    assert f"| {first} | chosen | 4 |" in out and f"| {second} | chosen | 2 |" in out
    assert "| pooled | chosen | 6 |" in out


def test_calibrate_wants_one_index_or_one_per_set(index: Path, tmp_path: Path, capsys):
    questions = str(write_set(tmp_path))
    capsys.readouterr()
    args = ["calibrate", questions, questions, questions, "--index", str(index), "--index", str(index)]
    assert main(args) == 1
    assert "give --index once, or once per question set (3), not 2 times" in capsys.readouterr().err
