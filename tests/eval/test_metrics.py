import math

import pytest

from eval.metrics import (
    METRIC_NAMES,
    abstention_accuracy,
    abstention_precision,
    abstention_recall,
    answerable_declined,
    chars_at_k,
    citation_precision,
    citation_recall,
    format_value,
    hit_at_k,
    keyword_recall,
    mrr_at_k,
    ndcg_at_k,
    overlaps,
    parse_gate,
    percentile,
    relevance,
    shortfalls,
    span_lines,
)


def test_overlaps_needs_the_same_document_and_a_shared_line():
    assert overlaps(("d", 3, 5), ("d", 5, 9))
    assert not overlaps(("d", 3, 5), ("d", 6, 9))
    assert not overlaps(("d", 3, 5), ("e", 3, 5))


def test_relevance_marks_ranked_spans_that_overlap_gold():
    assert relevance([("d", 1, 3), ("d", 8, 9)], [("d", 9, 9)]) == [False, True]
    assert relevance([("d", 1, 3)], []) == [False]


def test_hit_at_k():
    ranked = [False, True, False]
    assert [hit_at_k(ranked, k) for k in (1, 3, 5, 10)] == [0.0, 1.0, 1.0, 1.0]
    assert hit_at_k([], 5) == 0.0
    with pytest.raises(ValueError):
        hit_at_k(ranked, 0)


def test_mrr_at_k():
    assert mrr_at_k([False, False, True, True]) == pytest.approx(1 / 3)
    assert mrr_at_k([False, True], k=1) == 0.0
    assert mrr_at_k([False] * 10 + [True]) == 0.0  # rank 11 is past the cut-off


def test_ndcg_at_k_ideal_comes_from_the_relevant_items_retrieved():
    expected = (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k([False, True, True]) == pytest.approx(expected)
    assert ndcg_at_k([True, False, False]) == 1.0
    assert ndcg_at_k([False, False]) == 0.0
    # one relevant item inside the top 2 and one beyond it: the ideal counts both (min(2, k))
    assert ndcg_at_k([True, False, True], k=2) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_chars_at_k_counts_only_the_top_k_texts():
    assert chars_at_k(["abc", "de", "fghij"], k=2) == 5
    assert chars_at_k(["abc", "de", "fghij"]) == 10


def test_span_lines_and_citation_precision_recall_at_line_level():
    assert span_lines([("d", 2, 3), ("d", 3, 4)]) == {("d", 2), ("d", 3), ("d", 4)}
    # cited 7-9, gold 8-12: 2 of 3 cited lines are gold; 2 of 5 gold lines are cited
    assert citation_precision([("d", 7, 9)], [("d", 8, 12)]) == pytest.approx(2 / 3)
    assert citation_recall([("d", 7, 9)], [("d", 8, 12)]) == pytest.approx(2 / 5)
    # the same line numbers in another document are not gold
    assert citation_precision([("e", 8, 9)], [("d", 8, 12)]) == 0.0
    assert citation_recall([], [("d", 8, 12)]) == 0.0
    with pytest.raises(ValueError, match="without citations"):
        citation_precision([], [("d", 8, 12)])
    with pytest.raises(ValueError, match="abstention"):
        citation_recall([("d", 1, 1)], [])


def test_keyword_recall_is_case_insensitive():
    assert keyword_recall("They agreed on Three percent.", ["three percent", "GDP"]) == 0.5
    with pytest.raises(ValueError):
        keyword_recall("anything", [])


def test_abstention_metrics_treat_should_abstain_as_positive():
    abstained = [True, False, True, False]
    answerable = [False, True, True, True]
    # TP: q0; FP: q2 (abstained on an answerable one); TN: q1, q3
    assert abstention_accuracy(abstained, answerable) == 0.75
    assert abstention_precision(abstained, answerable) == 0.5
    assert abstention_recall(abstained, answerable) == 1.0
    assert abstention_recall([True, False, False], [False, False, True]) == 0.5
    assert abstention_precision([False], [True]) is None  # never abstained
    assert abstention_recall([False], [True]) is None  # nothing to abstain on
    assert abstention_accuracy([], []) is None
    with pytest.raises(ValueError):
        abstention_accuracy([True], [])


def test_percentile_interpolates_linearly():
    assert percentile([10, 20, 30, 40], 50) == 25.0
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([], 50) is None


def test_parse_gate():
    assert parse_gate("hit@5=0.8") == ("hit@5", 0.8)
    with pytest.raises(ValueError, match="unknown metric 'recall@5'"):
        parse_gate("recall@5=0.8")
    with pytest.raises(ValueError, match="latency gates are not supported"):
        parse_gate("latency_p95_ms=100")
    with pytest.raises(ValueError, match="METRIC=VALUE"):
        parse_gate("hit@5")
    with pytest.raises(ValueError, match="not a number"):
        parse_gate("hit@5=high")
    for name in METRIC_NAMES[:-2]:
        assert parse_gate(f"{name}=0")[0] == name


def test_shortfalls_lists_every_missed_gate():
    metrics = {"hit@5": 0.72, "mrr@10": 0.5, "abstention_precision": None}
    gates = [("hit@5", 0.8), ("mrr@10", 0.5), ("abstention_precision", 0.1)]
    assert shortfalls(metrics, gates) == [
        "hit@5 = 0.72 < 0.80",
        "abstention_precision = n/a (no question it applies to) < 0.10",
    ]


def test_format_value():
    assert format_value(0.8) == "0.80"
    assert format_value(0.805) == "0.805"
    assert format_value(None) == "n/a"


def test_answerable_declined_counts_answerable_questions_only():
    assert answerable_declined([True, False, True], [True, True, False]) == 0.5
    assert answerable_declined([True], [False]) is None
