"""Run a question set through a Pipeline and score every answer.

`run_eval` asks each question exactly as `rag ask --batch` would (history, doc filter),
with k=10 passages so that hit@10 means something, then averages the per-question metrics.
It re-implements nothing: retrieval and answering are the Pipeline's. Writing reports is
eval/report.py's job.

Which questions a metric averages over:
- retrieval metrics (hit@k, mrr@10, ndcg@10, chars@5), citation recall and keyword recall:
  answerable questions only; an answerable question that abstained scores 0 on citation
  recall (and, since the abstention text lacks the keywords, on keyword recall);
- citation precision: answerable questions whose answer cites something;
- abstention metrics: every question; latency: every question.
A question without `doc` matches gold lines in any document.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.metrics import (
    HIT_KS,
    METRIC_NAMES,
    Span,
    abstention_accuracy,
    abstention_precision,
    abstention_recall,
    chars_at_k,
    citation_precision,
    citation_recall,
    hit_at_k,
    keyword_recall,
    mrr_at_k,
    ndcg_at_k,
    percentile,
    relevance,
)
from rag.errors import QuestionSetError
from rag.pipeline import Pipeline
from rag.questions import Question
from rag.records import AskResult, Citation, Hit

EVAL_K = 10  # passages retrieved per question: the deepest cut-off reported (hit@10, mrr@10)
PASSAGE_TEXT_CHARS = 300  # passage text kept per record in results.json
STAGES = ("retrieve", "answer", "total")


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """One question, what the pipeline answered, and how that scored."""

    question: Question
    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float]
    metrics: dict[str, float]  # only the metrics this question counts for
    failure: str | None  # why it counts as failed in the report, None when it passed

    def to_json(self) -> dict[str, Any]:
        q = self.question
        return {
            "id": q.id,
            "question": q.question,
            "history": list(q.history),
            "doc": q.doc,
            "gold_lines": [list(g) for g in q.gold_lines],
            "answerable": q.answerable,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "passages": [{**h.to_json(), "text": _truncate(h.text, PASSAGE_TEXT_CHARS)} for h in self.hits],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "metrics": self.metrics,
            "failure": self.failure,
        }


@dataclass(frozen=True, slots=True)
class EvalRun:
    """A scored run: settings and index manifest (so runs compare), records, metrics."""

    settings: dict[str, Any]
    manifest: dict[str, Any]
    records: tuple[QuestionRecord, ...]
    metrics: dict[str, float | None]  # every name of METRIC_NAMES; None when no question applies
    latency_ms: dict[str, dict[str, float | None]] = field(default_factory=dict)  # stage -> p50, p95


def run_eval(pipeline: Pipeline, questions: Sequence[Question], *, show_progress: bool = False) -> EvalRun:
    """Ask every question, score each answer, and aggregate.

    Raises:
        QuestionSetError: a question's document is not in the index, or a gold line is
            outside its document or blank (checked for every question before any is asked).
    """
    validate_gold_lines(pipeline, questions)
    # Load the models before the clock starts: latency is per question, not model start-up.
    pipeline.warm_up()
    records = []
    for q in tqdm(questions, desc="eval", unit="q", disable=not show_progress, file=sys.stderr):
        result = pipeline.ask(q.question, history=list(q.history), doc=q.doc, k=EVAL_K)
        records.append(score_question(q, result))
    return EvalRun(
        settings=settings_dict(pipeline),
        manifest=pipeline.info(),
        records=tuple(records),
        metrics=aggregate(records),
        latency_ms={stage: _latency(records, stage) for stage in STAGES},
    )


def validate_gold_lines(pipeline: Pipeline, questions: Sequence[Question]) -> None:
    """Every gold range of a question with `doc` must lie in that document and start and end
    on lines with text. Blank lines inside a range are paragraph breaks, not errors: meeting
    sets mark whole discussions (QMSum ranges span dozens of turns)."""
    reader = pipeline.reader()
    cache: dict[str, list[str]] = {}
    for q in questions:
        if q.doc is None:
            continue
        if q.doc not in cache:
            cache[q.doc] = reader.lines(q.doc)
        lines = cache[q.doc]
        if not lines:
            raise QuestionSetError(
                f"question {q.id!r}: document {q.doc!r} is not in the index {pipeline.index_dir}; "
                f"ingest it first (rag ingest <file> --index {pipeline.index_dir}) or fix its 'doc'"
            )
        for start, end in q.gold_lines:
            if end > len(lines):
                raise QuestionSetError(
                    f"question {q.id!r}: gold lines [{start}, {end}] run past the end of {q.doc!r} "
                    f"({len(lines)} lines); fix its 'gold_lines'"
                )
            blank = [n for n in (start, end) if not lines[n - 1].strip()]
            if blank:
                raise QuestionSetError(
                    f"question {q.id!r}: gold line {blank[0]} of {q.doc!r} is blank; "
                    "gold lines must hold the evidence, fix its 'gold_lines'"
                )


def score_question(q: Question, result: AskResult) -> QuestionRecord:
    """Per-question metrics for one answer (see the module docstring for which apply)."""
    answer = result.answer
    metrics: dict[str, float] = {"abstention_accuracy": float(answer.abstained == (not q.answerable))}
    failure = None
    if q.answerable:
        gold = _gold_spans(q)
        ranked = [_span(q, h.passage.doc, h.line_start, h.line_end) for h in result.hits]  # with its exchange
        relevant = relevance(ranked, gold)
        metrics.update({f"hit@{k}": hit_at_k(relevant, k) for k in HIT_KS})
        metrics["mrr@10"] = mrr_at_k(relevant, 10)
        metrics["ndcg@10"] = ndcg_at_k(relevant, 10)
        metrics["chars@5"] = float(chars_at_k([h.text for h in result.hits], 5))
        cited = [_span(q, c.doc, c.line_start, c.line_end) for c in answer.citations]
        metrics["citation_recall"] = 0.0 if answer.abstained else citation_recall(cited, gold)
        if cited and not answer.abstained:
            metrics["citation_precision"] = citation_precision(cited, gold)
        if q.answer_keywords:
            metrics["keyword_recall"] = keyword_recall(answer.text, q.answer_keywords)
        if answer.abstained:
            failure = "abstained"
        elif not cited:
            failure = "no citation"
        elif not relevance(cited[:1], gold)[0]:
            failure = "first citation misses gold"
    elif not answer.abstained:
        failure = "answered an unanswerable question"
    return QuestionRecord(
        question=q,
        answer=answer.text,
        abstained=answer.abstained,
        citations=answer.citations,
        hits=result.hits,
        timings_ms=dict(result.timings_ms),
        metrics=metrics,
        failure=failure,
    )


def aggregate(records: Sequence[QuestionRecord]) -> dict[str, float | None]:
    """Mean of each per-question metric over the questions it applies to, plus the
    abstention and latency metrics computed over all questions; in METRIC_NAMES order."""
    abstained = [r.abstained for r in records]
    answerable = [r.question.answerable for r in records]
    totals = [r.timings_ms["total"] for r in records]
    out: dict[str, float | None] = {}
    for name in METRIC_NAMES:
        values = [r.metrics[name] for r in records if name in r.metrics]
        out[name] = sum(values) / len(values) if values else None
    out["abstention_accuracy"] = abstention_accuracy(abstained, answerable)
    out["abstention_precision"] = abstention_precision(abstained, answerable)
    out["abstention_recall"] = abstention_recall(abstained, answerable)
    out["latency_p50_ms"] = percentile(totals, 50)
    out["latency_p95_ms"] = percentile(totals, 95)
    return out


def settings_dict(pipeline: Pipeline) -> dict[str, Any]:
    """The pipeline's Settings as JSON-ready values (paths as strings, steps switched off as a sorted list)."""
    return {k: _json_ready(v) for k, v in dataclasses.asdict(pipeline.settings).items()}


def _json_ready(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    return sorted(value) if isinstance(value, frozenset) else value


def _latency(records: Sequence[QuestionRecord], stage: str) -> dict[str, float | None]:
    values = [r.timings_ms[stage] for r in records if stage in r.timings_ms]
    return {"p50": percentile(values, 50), "p95": percentile(values, 95)}


def _gold_spans(q: Question) -> list[Span]:
    return [(q.doc or "", start, end) for start, end in q.gold_lines]


def _span(q: Question, doc: str, line_start: int, line_end: int) -> Span:
    # A question without `doc` has gold lines that match in any document: compare lines only.
    return (doc if q.doc is not None else "", line_start, line_end)


def _truncate(text: str, n_chars: int) -> str:
    return text if len(text) <= n_chars else text[: n_chars - 1] + "…"
