"""Metric functions for question-set evaluation: pure, each with a worked example.

Evidence is compared as line spans `(doc, line_start, line_end)` (1-based, inclusive), so
re-chunking never invalidates a question set. A retrieved passage is relevant when its
span overlaps a gold span of the same document. This module only scores; which question
a metric applies to, and how scores are averaged, is the runner's business.

Also here: `parse_gate`/`shortfalls`, the pure half of `rag eval --fail-under`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

Span = tuple[str, int, int]  # (doc, line_start, line_end), 1-based, inclusive

HIT_KS = (1, 3, 5, 10)
# Every metric `rag eval` reports, in the order it reports them (DESIGN.md's names).
METRIC_NAMES = (
    "hit@1",
    "hit@3",
    "hit@5",
    "hit@10",
    "mrr@10",
    "ndcg@10",
    "chars@5",
    "citation_precision",
    "citation_recall",
    "keyword_recall",
    "abstention_accuracy",
    "abstention_precision",
    "abstention_recall",
    "latency_p50_ms",
    "latency_p95_ms",
)
LATENCY_METRICS = ("latency_p50_ms", "latency_p95_ms")


# -- retrieval -------------------------------------------------------------------------
def overlaps(a: Span, b: Span) -> bool:
    """Whether two spans share a line of the same document.

    Example: overlaps(("d", 3, 5), ("d", 5, 9)) is True; overlaps(("d", 3, 5), ("e", 3, 5)) is False.
    """
    return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]


def relevance(ranked: Sequence[Span], gold: Sequence[Span]) -> list[bool]:
    """For each ranked span, whether it overlaps any gold span.

    Example: relevance([("d", 1, 3), ("d", 8, 9)], [("d", 9, 9)]) == [False, True]
    """
    return [any(overlaps(span, g) for g in gold) for span in ranked]


def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1.0 if any of the top k ranked items is relevant, else 0.0.

    Example: hit_at_k([False, True, False], 1) == 0.0; hit_at_k([False, True, False], 3) == 1.0
    """
    _check_k(k)
    return 1.0 if any(relevant[:k]) else 0.0


def mrr_at_k(relevant: Sequence[bool], k: int = 10) -> float:
    """Reciprocal rank of the first relevant item in the top k; 0.0 if there is none.

    Example: mrr_at_k([False, False, True, True]) == 1/3; mrr_at_k([False, True], k=1) == 0.0
    """
    _check_k(k)
    for rank, is_relevant in enumerate(relevant[:k], 1):
        if is_relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(relevant: Sequence[bool], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the top k, with binary relevance.

    DCG = sum over ranks r <= k of rel_r / log2(r + 1). The ideal DCG puts
    min(number of relevant items in the whole ranked list, k) relevant items first: gold
    spans don't map one-to-one onto passages (a gold line can sit in one passage or be split
    over two), so the ideal is taken from what was retrieved, not from the gold spans.
    The list should be longer than k when possible; with no relevant item the score is 0.0.

    Example: ndcg_at_k([False, True, True]) == (1/log2(3) + 1/log2(4)) / (1 + 1/log2(3)) ≈ 0.693
    """
    _check_k(k)
    dcg = sum(1.0 / math.log2(rank + 1) for rank, rel in enumerate(relevant[:k], 1) if rel)
    n_ideal = min(sum(bool(r) for r in relevant), k)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, n_ideal + 1))
    return dcg / ideal if ideal else 0.0


def chars_at_k(texts: Sequence[str], k: int = 5) -> int:
    """Total characters of the top k passage texts: what a reader (or a model) must read.

    Example: chars_at_k(["abc", "de", "fghij"], k=2) == 5
    """
    _check_k(k)
    return sum(len(t) for t in texts[:k])


# -- answers ---------------------------------------------------------------------------
def span_lines(spans: Sequence[Span]) -> set[tuple[str, int]]:
    """Every (doc, line) the spans cover.

    Example: span_lines([("d", 2, 3), ("d", 3, 4)]) == {("d", 2), ("d", 3), ("d", 4)}
    """
    return {(doc, line) for doc, start, end in spans for line in range(start, end + 1)}


def citation_precision(cited: Sequence[Span], gold: Sequence[Span]) -> float:
    """Share of the distinct cited lines that lie in a gold span.

    Raises ValueError without citations: precision is undefined there (the runner skips
    such answers, so precision is averaged over the answers that cite something).

    Example: citation_precision([("d", 7, 9)], [("d", 8, 12)]) == 2/3
    """
    lines = span_lines(cited)
    if not lines:
        raise ValueError("citation precision is undefined without citations")
    return len(lines & span_lines(gold)) / len(lines)


def citation_recall(cited: Sequence[Span], gold: Sequence[Span]) -> float:
    """Share of the gold lines that some citation covers; 0.0 when nothing is cited.

    Raises ValueError without gold spans: score an unanswerable question on abstention instead.

    Example: citation_recall([("d", 7, 9)], [("d", 8, 12)]) == 2/5
    """
    gold_lines = span_lines(gold)
    if not gold_lines:
        raise ValueError("citation recall is undefined without gold lines; score abstention instead")
    return len(span_lines(cited) & gold_lines) / len(gold_lines)


def keyword_recall(answer: str, keywords: Sequence[str]) -> float:
    """Share of the keywords found in the answer text, case-insensitively.

    Example: keyword_recall("They agreed on Three percent.", ["three percent", "GDP"]) == 0.5
    """
    if not keywords:
        raise ValueError("keyword recall is undefined without answer keywords")
    text = answer.casefold()
    return sum(k.casefold() in text for k in keywords) / len(keywords)


# -- abstention: the positive class is "should abstain" (answerable is false) -----------
def abstention_accuracy(abstained: Sequence[bool], answerable: Sequence[bool]) -> float | None:
    """Share of questions where the pipeline abstained exactly when it should; None if no questions.

    Example: abstention_accuracy([True, False, True], [False, False, True]) == 2/3
    """
    _check_same_length(abstained, answerable)
    if not abstained:
        return None
    return sum(a == (not ok) for a, ok in zip(abstained, answerable, strict=True)) / len(abstained)


def answerable_declined(abstained: Sequence[bool], answerable: Sequence[bool]) -> float | None:
    """Share of the answerable questions abstained on; None if there are none.

    Example: answerable_declined([True, False, True], [True, True, False]) == 0.5
    """
    _check_same_length(abstained, answerable)
    declined = [a for a, ok in zip(abstained, answerable, strict=True) if ok]
    return sum(declined) / len(declined) if declined else None


def abstention_precision(abstained: Sequence[bool], answerable: Sequence[bool]) -> float | None:
    """Of the abstentions, the share on unanswerable questions; None if it never abstained.

    Example: abstention_precision([True, False, True], [False, False, True]) == 0.5
    """
    _check_same_length(abstained, answerable)
    n_abstained = sum(abstained)
    if not n_abstained:
        return None
    return sum(a and not ok for a, ok in zip(abstained, answerable, strict=True)) / n_abstained


def abstention_recall(abstained: Sequence[bool], answerable: Sequence[bool]) -> float | None:
    """Of the unanswerable questions, the share it abstained on; None if all are answerable.

    Example: abstention_recall([True, False, False], [False, False, True]) == 0.5
    """
    _check_same_length(abstained, answerable)
    n_unanswerable = sum(not ok for ok in answerable)
    if not n_unanswerable:
        return None
    return sum(a and not ok for a, ok in zip(abstained, answerable, strict=True)) / n_unanswerable


# -- latency ---------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100), linearly interpolated between order statistics; None if empty.

    Example: percentile([10, 20, 30, 40], 50) == 25.0; percentile([10, 20, 30, 40], 95) == 38.5
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q is in [0, 100], got {q}")
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


# -- gates: `rag eval --fail-under METRIC=VALUE` ----------------------------------------
def parse_gate(text: str) -> tuple[str, float]:
    """`"hit@5=0.8"` -> `("hit@5", 0.8)`; the metric must reach the value (>=).

    Latency metrics are rejected: "fail under" reads as a floor, and a latency gate would
    need a ceiling. Raises ValueError with a message fit for the user.

    Example: parse_gate("mrr@10=0.5") == ("mrr@10", 0.5)
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep:
        raise ValueError(f"--fail-under takes METRIC=VALUE, got {text!r} (e.g. hit@5=0.8)")
    if name in LATENCY_METRICS:
        raise ValueError(
            f"--fail-under {name}: latency gates are not supported (--fail-under means metric >= value); "
            "gate on a quality metric instead"
        )
    if name not in METRIC_NAMES:
        raise ValueError(f"--fail-under: unknown metric {name!r}; choose from {', '.join(METRIC_NAMES[:-2])}")
    try:
        threshold = float(value)
    except ValueError:
        raise ValueError(f"--fail-under {name}: {value!r} is not a number") from None
    return name, threshold


def shortfalls(metrics: Mapping[str, float | None], gates: Sequence[tuple[str, float]]) -> list[str]:
    """One line for each gate the metrics miss; a metric that could not be computed misses.

    Example: shortfalls({"hit@5": 0.72}, [("hit@5", 0.8)]) == ["hit@5 = 0.72 < 0.80"]
    """
    out = []
    for name, threshold in gates:
        value = metrics.get(name)
        if value is None:
            out.append(f"{name} = n/a (no question it applies to) < {format_value(threshold)}")
        elif value < threshold:
            out.append(f"{name} = {format_value(value)} < {format_value(threshold)}")
    return out


def format_value(value: float | None) -> str:
    """Two decimals, more only when two would hide a difference; "n/a" for None.

    Example: format_value(0.8) == "0.80"; format_value(0.805) == "0.805"; format_value(None) == "n/a"
    """
    if value is None:
        return "n/a"
    for digits in (2, 3, 4):
        if round(value, digits) == value:
            return f"{value:.{digits}f}"
    return f"{value:.4f}"


def _check_k(k: int) -> None:
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")


def _check_same_length(a: Sequence[bool], b: Sequence[bool]) -> None:
    if len(a) != len(b):
        raise ValueError(f"abstained and answerable differ in length ({len(a)} != {len(b)})")
