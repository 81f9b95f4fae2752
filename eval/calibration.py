"""Choose the abstention thresholds on question sets that include unanswerable questions.

`observe` asks every question once through the Pipeline (as `rag eval` does, with the
configured k) and records its abstention signals (rag/abstention.py). `sweep` then
decides every question again under every combination of thresholds of a grid, which
costs no further retrieval, and `choose` keeps the combination with the best abstention
accuracy among those that wrongly decline at most `max_declined` of the answerable
questions. Pooling sets from different indexes is the caller's business: observations
are plain records.

It does not write Settings: the chosen values are copied into rag/settings.py by hand,
with the table that chose them in rag/abstention.py's docstring.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tqdm import tqdm

from eval.metrics import abstention_accuracy, abstention_precision, abstention_recall, answerable_declined
from rag.abstention import AbstentionSignals, AbstentionThresholds, decline_reason, measure, read_answer
from rag.pipeline import Pipeline
from rag.questions import Question

MAX_DECLINED = 0.05  # share of answerable questions that may be wrongly declined
# Grids, least declining first so that ties go to the gentler thresholds.
MIN_SCORES = tuple(round(0.20 + 0.02 * i, 2) for i in range(11))  # 0.20 .. 0.40
NAME_SIMILARITIES = (-1.0, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 1.01)
NAMES_WINDOWS = (0, 5, 3, 1)  # at most k (5): ask sees no further passages
QUANTITY_CHECKS = (False, True)
THRESHOLDS = ("min_score", "min_name_similarity", "names_window", "check_quantities")


@dataclass(frozen=True, slots=True)
class Observation:
    """One question's signals and whether it is answerable."""

    id: str
    answerable: bool
    signals: AbstentionSignals


@dataclass(frozen=True, slots=True)
class SweepRow:
    """How one combination of thresholds decides the observed questions."""

    thresholds: AbstentionThresholds
    accuracy: float
    declined: float  # share of answerable questions declined (0.0 without answerable ones)
    precision: float | None  # of the declined questions, the share unanswerable
    recall: float | None  # of the unanswerable questions, the share declined


def observe(pipeline: Pipeline, questions: Sequence[Question], *, show_progress: bool = False) -> list[Observation]:
    """Ask every question once and record its abstention signals, those read from the answer
    too: a question the configured thresholds declined is answered here all the same."""
    pipeline.warm_up()
    out = []
    for q in tqdm(questions, desc="calibrate", unit="q", disable=not show_progress, file=sys.stderr):
        result = pipeline.ask(q.question, history=list(q.history), doc=q.doc)
        answer = result.answer if not result.answer.abstained else pipeline.answerer.answer(q.question, result.hits)
        signals = read_answer(
            measure(q.question, result.hits, pipeline.reader(), pipeline.embedder), q.question, answer
        )
        out.append(Observation(q.id, q.answerable, signals))
    return out


def grid(
    min_scores: Iterable[float] = MIN_SCORES,
    name_similarities: Iterable[float] = NAME_SIMILARITIES,
    names_windows: Iterable[int] = NAMES_WINDOWS,
    quantity_checks: Iterable[bool] = QUANTITY_CHECKS,
) -> list[AbstentionThresholds]:
    """Every combination of the given values, the first value of each varying slowest."""
    values = itertools.product(min_scores, name_similarities, names_windows, quantity_checks)
    return [AbstentionThresholds(*v) for v in values]


def score(observations: Sequence[Observation], thresholds: AbstentionThresholds) -> SweepRow:
    """Decide every observation under `thresholds` and score the decisions.

    Example: an answerable question with best_score 0.5 and an unanswerable one with 0.2,
    at min_score 0.3 (other checks off) -> accuracy 1.0, declined 0.0, precision 1.0, recall 1.0.
    """
    declined = [decline_reason(o.signals, thresholds) is not None for o in observations]
    answerable = [o.answerable for o in observations]
    return SweepRow(
        thresholds=thresholds,
        accuracy=abstention_accuracy(declined, answerable) or 0.0,
        declined=answerable_declined(declined, answerable) or 0.0,
        precision=abstention_precision(declined, answerable),
        recall=abstention_recall(declined, answerable),
    )


def sweep(observations: Sequence[Observation], candidates: Sequence[AbstentionThresholds]) -> list[SweepRow]:
    """`score` for every candidate, in the candidates' order."""
    return [score(observations, t) for t in candidates]


def choose(rows: Sequence[SweepRow], *, max_declined: float = MAX_DECLINED) -> SweepRow:
    """The row with the best accuracy among those declining at most `max_declined` of the
    answerable questions; ties go to fewer wrongly declined, then to the higher min_score
    (the sets hold few off-topic questions: of equals, the threshold that declines more of
    them), then to the earliest row.

    Raises ValueError when no row keeps within `max_declined`.
    """
    allowed = [r for r in rows if r.declined <= max_declined]
    if not allowed:
        raise ValueError(f"every threshold combination declines more than {max_declined:.0%} of answerable questions")
    return max(
        allowed,
        key=lambda r: (round(r.accuracy, 9), -round(r.declined, 9), r.thresholds.min_score, -rows.index(r)),
    )


def neighbours(rows: Sequence[SweepRow], chosen: SweepRow) -> dict[str, list[SweepRow]]:
    """For each threshold, the rows that differ from the chosen one in that threshold alone."""
    out: dict[str, list[SweepRow]] = {}
    for name in THRESHOLDS:
        out[name] = [
            r
            for r in rows
            if all(
                getattr(r.thresholds, other) == getattr(chosen.thresholds, other)
                for other in THRESHOLDS
                if other != name
            )
        ]
    return out


def format_table(rows: Sequence[SweepRow], chosen: SweepRow) -> str:
    """Markdown: one table per threshold, varied alone around the chosen values (marked *)."""
    out = []
    for name, varied in neighbours(rows, chosen).items():
        out += [
            f"| {name} | accuracy | answerable declined | precision | recall |",
            "| ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in varied:
            mark = " *" if r.thresholds == chosen.thresholds else ""
            value = getattr(r.thresholds, name)
            shown = str(value) if isinstance(value, bool) else f"{value:g}"
            out.append(
                f"| {shown}{mark} | {r.accuracy:.3f} | {r.declined:.1%} | {_fmt(r.precision)} | {_fmt(r.recall)} |"
            )
        out.append("")
    t = chosen.thresholds
    out.append(
        f"chosen: min_score={t.min_score:g} min_name_similarity={t.min_name_similarity:g} "
        f"names_window={t.names_window} check_quantities={t.check_quantities} "
        f"(accuracy {chosen.accuracy:.3f}, answerable declined {chosen.declined:.1%})"
    )
    return "\n".join(out)


def format_sets(groups: dict[str, Sequence[Observation]], candidates: dict[str, AbstentionThresholds]) -> str:
    """Markdown: each group of observations scored under each named set of thresholds."""
    out = [
        "| questions | thresholds | n | accuracy | answerable declined | precision | recall |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for group, observations in groups.items():
        for label, thresholds in candidates.items():
            r = score(observations, thresholds)
            out.append(
                f"| {group} | {label} | {len(observations)} | {r.accuracy:.3f} | {r.declined:.1%} "
                f"| {_fmt(r.precision)} | {_fmt(r.recall)} |"
            )
    return "\n".join(out)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
