import json
from pathlib import Path

import pytest

from rag.errors import QuestionSetError
from rag.questions import load_questions

GOOD = {"id": "q1", "question": "How many?", "doc": "d", "gold_lines": [[3, 4]], "answerable": True}


def write(tmp_path: Path, *items, name="set.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return path


def test_loads_jsonl_and_yaml(tmp_path: Path):
    q = load_questions(
        write(
            tmp_path, GOOD, {"id": "q2", "question": "Iran?", "gold_lines": [], "answerable": False, "history": ["a"]}
        )
    )
    assert q[0].gold_lines == ((3, 4),) and q[1].history == ("a",) and not q[1].answerable
    yaml_path = tmp_path / "set.yaml"
    yaml_path.write_text("- id: q1\n  question: How many?\n  gold_lines: [[3, 4]]\n", encoding="utf-8")
    assert load_questions(yaml_path)[0].gold_lines == ((3, 4),)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({**GOOD, "gold_lines": [[4, 3]]}, "gold_lines"),
        ({**GOOD, "gold_lines": []}, "needs 'gold_lines'"),
        ({**GOOD, "answerable": False}, "empty 'gold_lines'"),
        ({**GOOD, "question": ""}, "'question'"),
        ({**GOOD, "history": "x"}, "'history'"),
    ],
)
def test_bad_lines_name_file_line_and_problem(tmp_path: Path, item, message):
    path = write(tmp_path, GOOD | {"id": "ok"}, item)
    with pytest.raises(QuestionSetError, match=rf"set\.jsonl, line 2: .*{message}"):
        load_questions(path)


def test_invalid_json_and_duplicate_ids(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "q1",\n', encoding="utf-8")
    with pytest.raises(QuestionSetError, match="line 1: not valid JSON"):
        load_questions(path)
    with pytest.raises(QuestionSetError, match="used twice"):
        load_questions(write(tmp_path, GOOD, GOOD))
