"""Question-set files (JSONL, or a YAML list) as DESIGN.md defines them, validated on load."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import QuestionSetError


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    history: tuple[str, ...] = ()
    doc: str | None = None
    gold_lines: tuple[tuple[int, int], ...] = ()
    answerable: bool = True
    answer_keywords: tuple[str, ...] = ()


def load_questions(path: Path, *, scored: bool = True) -> list[Question]:
    """Read and validate a question set; errors name the file, the line and the problem.

    `scored` False (`rag ask --batch`: questions to answer, not to score): a line needs only
    its "question"; "id" defaults to its position (1, 2, ...) and "gold_lines" may be left out.
    """
    if not path.is_file():
        raise QuestionSetError(f"{path}: no such question-set file")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in {".yaml", ".yml"}:
        import yaml

        try:
            items = yaml.safe_load(text) or []
        except yaml.YAMLError as exc:
            raise QuestionSetError(f"{path}: not valid YAML ({exc})") from None
        if not isinstance(items, list):
            raise QuestionSetError(f"{path}: a YAML question set is a list of questions")
        records = [(f"item {i}", item) for i, item in enumerate(items, 1)]
    else:
        records = []
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                try:
                    records.append((f"line {number}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise QuestionSetError(f"{path}, line {number}: not valid JSON ({exc.msg})") from None
    if not scored:
        records = [(where, _unscored(item, n)) for n, (where, item) in enumerate(records, 1)]
    questions = [_question(item, f"{path}, {where}", scored=scored) for where, item in records]
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise QuestionSetError(f"{path}: question id {q.id!r} is used twice; ids must be unique")
        seen.add(q.id)
    return questions


def _unscored(item: Any, position: int) -> Any:
    """A question to answer only: its position as its id unless it has one."""
    return {"id": str(position), **item} if isinstance(item, dict) and "id" not in item else item


def _question(item: Any, where: str, *, scored: bool = True) -> Question:
    if not isinstance(item, dict):
        raise QuestionSetError(f"{where}: expected an object with 'id' and 'question'")
    for key in ("id", "question"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise QuestionSetError(f"{where}: '{key}' must be a non-empty string")
    history = item.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise QuestionSetError(f"{where}: 'history' must be a list of earlier questions (strings)")
    gold = item.get("gold_lines", [])
    if not isinstance(gold, list) or not all(_is_range(r) for r in gold):
        raise QuestionSetError(f"{where}: 'gold_lines' must be a list of [line_start, line_end] with 1 <= start <= end")
    answerable = item.get("answerable", True)
    if not isinstance(answerable, bool):
        raise QuestionSetError(f"{where}: 'answerable' must be true or false")
    if answerable and not gold and scored:
        raise QuestionSetError(
            f"{where}: an answerable question needs 'gold_lines' (to only answer it: rag ask --batch)"
        )
    if not answerable and gold:
        raise QuestionSetError(f"{where}: an unanswerable question has empty 'gold_lines'")
    doc = item.get("doc")
    if doc is not None and not isinstance(doc, str):
        raise QuestionSetError(f"{where}: 'doc' must be a document id (a string)")
    keywords = item.get("answer_keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise QuestionSetError(f"{where}: 'answer_keywords' must be a list of strings")
    return Question(
        id=item["id"],
        question=item["question"],
        history=tuple(history),
        doc=doc,
        gold_lines=tuple((int(a), int(b)) for a, b in gold),
        answerable=answerable,
        answer_keywords=tuple(keywords),
    )


def _is_range(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 1 <= value[0] <= value[1]
    )
