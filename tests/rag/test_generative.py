"""The generative answerer through the path users take, on a tiny random model built here."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from rag.cli import main
from rag.generative import GeneratorNotAvailableError, TransformersGenerator
from rag.pipeline import Pipeline
from rag.prompting import build_messages
from tests.tiny_model import build_tiny_chat_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return build_tiny_chat_model(tmp_path_factory.mktemp("models") / "tiny-chat")


def test_the_model_streams_and_is_deterministic(tiny_model, presser_pipeline):
    generator = TransformersGenerator(str(tiny_model), max_new_tokens=24)
    messages = build_messages("What target did Allies agree?", presser_pipeline.search("target"))
    pieces = list(generator.stream(messages))
    assert len(pieces) >= 2 and "".join(pieces).strip()
    assert list(generator.stream(messages)) == pieces  # greedy decoding


def test_rag_ask_json_is_one_object_with_checked_sentences(tiny_model, cli_index, capsys):
    argv = ["ask", "What target did Allies agree to aim for?", "--json", "--index", str(cli_index)]
    assert main([*argv, "--generator", str(tiny_model), "--max-new-tokens", "24"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert {"question", "answer", "abstained", "citations", "passages", "timings_ms"} <= set(out)
    assert "first_token" in out["timings_ms"]
    if not out["abstained"]:
        assert out["sentences"] and all(set(s) == {"text", "citations", "supported"} for s in out["sentences"])
        for s in out["sentences"]:
            assert all(0 <= i < len(out["citations"]) for i in s["citations"])


def test_rag_ask_streams_the_draft_then_the_checked_answer(tiny_model, cli_index, capsys):
    argv = ["ask", "What target did Allies agree to aim for?", "--index", str(cli_index)]
    assert main([*argv, "--generator", str(tiny_model), "--max-new-tokens", "24"]) == 0
    assert "Checked against the transcript:" in capsys.readouterr().out


def test_a_missing_model_folder_is_one_clear_error(cli_index, capsys, tmp_path):
    missing = tmp_path / "no-such-model"
    assert main(["ask", "What target?", "--index", str(cli_index), "--generator", str(missing)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {missing}: no such model folder") and err.count("\n") == 1


def test_a_broken_model_folder_names_the_path(broken_model_folder):
    broken = broken_model_folder
    with pytest.raises(GeneratorNotAvailableError, match=f"{broken}: cannot load a chat model"):
        TransformersGenerator(str(broken)).load()


def test_serve_falls_back_to_extractive_and_says_so(monkeypatch, cli_index, capsys, tmp_path):
    import ui.app

    seen = {}

    def fake_build_demo(pipeline, *, notice=""):
        seen.update(answerers=list(pipeline.answerers), notice=notice)
        return "demo"

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))  # serve sets it; undone after the test
    monkeypatch.setattr(ui.app, "build_demo", fake_build_demo)
    monkeypatch.setattr(ui.app, "serve", lambda demo, settings, auth=None: demo)
    missing = tmp_path / "no-such-model"
    assert main(["serve", "--index", str(cli_index), "--generator", str(missing)]) == 0
    assert "serving with the extractive answerer instead" in capsys.readouterr().err
    assert seen["answerers"] == ["extractive"] and str(missing) in seen["notice"]


SCRIPTED = Path(__file__).resolve().parent.parent / "data" / "scripted_answers.jsonl"


def test_scripted_answers_are_flagged_as_written_down(sample_pipeline):
    """With the real model on the sample: the flags the threshold was chosen on (rag/citation_check.py)."""
    from rag.citation_check import CitationChecker

    checker = CitationChecker(sample_pipeline.embedder)
    # the generative answerer reads each hit's own passage, numbered as the cases were written
    plain = Pipeline(
        replace(sample_pipeline.settings, context_chars=0), sample_pipeline.embedder, sample_pipeline.answerer
    )
    for line in SCRIPTED.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        answer = checker.check(case["output"], plain.search(case["question"]))
        assert [s.supported for s in answer.sentences] == case["supported"], case["id"]
        for c in answer.citations:
            assert c.quote in "\n".join(sample_pipeline.reader().lines(c.doc, c.line_start, c.line_end))
