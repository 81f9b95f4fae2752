"""The ablation runner: its list of runs, and a real (small) run on fakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import eval.ablation
from eval.ablation import ablation_configs, main, markdown, set_name
from rag.settings import STEPS


def test_configs_add_each_step_in_order_then_take_each_away():
    configs = ablation_configs(["a", "b"])
    assert [c.label for c in configs] == ["none", "+ a", "+ b (all)", "all - a", "all - b"]
    assert [set(c.without) for c in configs] == [{"a", "b"}, {"b"}, set(), {"a"}, {"b"}]
    assert len(ablation_configs()) == 2 * len(STEPS) + 1


def test_set_names():
    assert set_name(Path("eval/sets/nato.jsonl")) == "nato"
    assert set_name(Path("data/qmsum-val/questions.jsonl")) == "qmsum-val"


def test_markdown_has_a_table_per_set():
    row = {"hit@1": 0.5, "hit@5": 1.0, "mrr@10": 0.75, "chars@5": 812.4, "citation_precision": None}
    row |= {"abstention_accuracy": 0.9, "declined": 0.0}
    text = markdown({"none": {"a": row, "b": row}, "+ x": {"a": row, "b": row}})
    lines = text.splitlines()
    assert lines[:3] == [
        "### a",
        "",
        "| steps | hit@1 | hit@5 | mrr@10 | chars@5 | citation_precision | abstention_accuracy | declined |",
    ]
    assert lines[4:6] == [
        "| none | 0.500 | 1.000 | 0.750 | 812 | – | 0.900 | 0.000 |",
        "| + x | 0.500 | 1.000 | 0.750 | 812 | – | 0.900 | 0.000 |",
    ]
    assert "### b" in lines


def test_a_run_on_fakes_changes_with_the_steps(presser, make_pipeline, tmp_path, monkeypatch, capsys):
    make_pipeline().ingest([presser])  # the index every run reads
    seen = []

    def open_fake(settings):
        seen.append(settings.without)
        return make_pipeline(index_dir=settings.index_dir, without=settings.without)

    monkeypatch.setattr(eval.ablation, "open_pipeline", open_fake)
    questions = tmp_path / "presser.jsonl"
    rows = [
        {"id": "a", "question": "What target did Allies agree to aim for?", "gold_lines": [[17, 17]]},
        {"id": "u", "question": "What did Jane Doe say about Iran?", "answerable": False},
    ]
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "ablation.json"
    assert main([str(questions), str(tmp_path / "index"), "--out", str(out)]) == 0
    assert seen == [c.without for c in ablation_configs()]
    table = json.loads(out.read_text(encoding="utf-8"))
    assert table["none"]["presser"]["abstention_accuracy"] == 0.5  # never declines: the unanswerable one is wrong
    assert table["+ abstention (all)"]["presser"]["abstention_accuracy"] == 1.0
    assert table["+ abstention (all)"]["presser"]["declined"] == 0.0
    assert "| + dialogue |" in capsys.readouterr().out


def test_pairs_must_come_in_twos(capsys):
    with pytest.raises(SystemExit):
        main(["only.jsonl"])
    assert "SET.jsonl INDEX" in capsys.readouterr().err
