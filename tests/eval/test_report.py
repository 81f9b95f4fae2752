import json
from pathlib import Path

import pytest

from eval.report import (
    deltas,
    load_baseline,
    metrics_by_category,
    metrics_table,
    read_categories,
    report_html,
    write_report,
)
from eval.runner import run_eval
from rag.errors import RagError
from rag.questions import Question, load_questions
from tests.eval.test_runner import write_set

DOC = "presser-2025-01-01"


@pytest.fixture
def question_set(tmp_path: Path) -> Path:
    return write_set(tmp_path)


@pytest.fixture
def run(presser_pipeline, question_set: Path):
    return run_eval(presser_pipeline, load_questions(question_set))


def test_write_report_writes_three_files(run, question_set: Path, tmp_path: Path):
    paths = write_report(run, tmp_path / "report", categories=read_categories(question_set))
    assert [p.name for p in paths] == ["results.json", "report.md", "report.html"]
    results = json.loads(paths[0].read_text(encoding="utf-8"))
    assert set(results) == {"settings", "manifest", "metrics", "latency_ms", "questions"}
    assert results["settings"]["index_dir"] == run.settings["index_dir"]
    assert results["manifest"]["n_passages"] == 6
    assert results["metrics"]["hit@5"] == 1.0
    assert [q["id"] for q in results["questions"]] == ["target", "centre", "who", "iran"]
    assert results["questions"][0]["category"] == "fact" and "category" not in results["questions"][2]
    md = paths[1].read_text(encoding="utf-8")
    assert "| hit@5 | 1.000 |" in md
    assert "## Failed questions (1)" in md  # centre cites line 11
    assert "presser-2025-01-01 L21-21 Maria Lopez (Radio Sur)" in md  # what was retrieved
    page = paths[2].read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') + page.count("src='data:image/png;base64,") == 3
    assert "<style>" in page and "http" not in page.replace("index_dir", "")


def test_category_plot_is_skipped_without_categories(run):
    page = report_html(run, categories={})
    assert page.count("data:image/png;base64,") == 2


def test_metrics_by_category(run, question_set: Path):
    by_category = metrics_by_category(run.records, read_categories(question_set))
    assert set(by_category) == {"fact", "unanswerable"}
    assert by_category["fact"]["hit@5"] == 1.0 and by_category["fact"]["mrr@10"] == pytest.approx((1 + 1 / 2) / 2)
    assert by_category["unanswerable"]["hit@5"] is None
    assert by_category["unanswerable"]["abstention_accuracy"] == 1.0


def test_transcript_text_is_escaped_in_html(make_pipeline, tmp_path: Path):
    path = tmp_path / "odd.txt"
    path.write_text("Host\nWelcome to <script>alert(1)</script> & friends.\n", encoding="utf-8")
    pipeline = make_pipeline(min_score=-1.0)
    pipeline.ingest([path])
    q = Question("x<b>", "Who is <script> welcomed?", answerable=False)
    page = report_html(run_eval(pipeline, [q]))
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page


def test_deltas_and_compare(run, tmp_path: Path):
    assert deltas({"hit@1": 0.5, "hit@3": 0.7}, {"hit@1": 0.25}) == {"hit@1": 0.25, "hit@3": None}
    old = write_report(run, tmp_path / "old")[0]
    baseline = dict(load_baseline(old), **{"hit@1": 0.5})
    paths = write_report(run, tmp_path / "new", baseline=baseline)
    results = json.loads(paths[0].read_text(encoding="utf-8"))
    assert results["compare"]["delta"]["hit@1"] == pytest.approx(2 / 3 - 0.5)
    assert results["compare"]["delta"]["hit@5"] == 0.0
    assert results["compare"]["baseline"]["hit@1"] == 0.5
    assert "| hit@1 | 0.667 | +0.167 |" in paths[1].read_text(encoding="utf-8")
    page = paths[2].read_text(encoding="utf-8")
    assert "<th>delta</th>" in page and "+0.167" in page


def test_metrics_table_without_baseline_has_no_delta_column(run):
    table = metrics_table(run.metrics)
    assert table.splitlines()[0] == "| metric | value |"
    assert "| abstention_precision | 1.000 |" in table and "| latency_p50_ms |" in table


def test_load_baseline_rejects_what_is_not_a_results_file(tmp_path: Path):
    with pytest.raises(RagError, match="no such file"):
        load_baseline(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(RagError, match="no 'metrics'"):
        load_baseline(bad)
