import pytest

from eval.calibration import Observation, choose, format_sets, format_table, grid, observe, score, sweep
from rag.abstention import AbstentionSignals, AbstentionThresholds
from rag.questions import Question


def obs(id_: str, answerable: bool, best: float, *, names=(), together=0, quantity=False) -> Observation:
    return Observation(id_, answerable, AbstentionSignals(best, tuple(names), together, quantity))


# Two answerable questions (0.5 and 0.35) and two unanswerable ones: one scores low
# (0.25), one scores high (0.6) but names something far from every passage name.
OBSERVED = [
    obs("a1", True, 0.5),
    obs("a2", True, 0.35),
    obs("u1", False, 0.25),
    obs("u2", False, 0.6, names=[("Iran", 0.3)]),
]


def test_score_counts_decisions_by_hand():
    row = score(OBSERVED, AbstentionThresholds(0.3, -1.0, 0))  # declines u1 only
    assert (row.accuracy, row.declined, row.precision, row.recall) == (0.75, 0.0, 1.0, 0.5)
    row = score(OBSERVED, AbstentionThresholds(0.4, 0.5, 0))  # declines a2, u1, u2
    assert (row.accuracy, row.declined, row.precision, row.recall) == (0.75, 0.5, 2 / 3, 1.0)


def test_grid_varies_the_last_threshold_fastest():
    assert grid([0.2, 0.3], [-1.0], [0, 5], [True]) == [
        AbstentionThresholds(0.2, -1.0, 0),
        AbstentionThresholds(0.2, -1.0, 5),
        AbstentionThresholds(0.3, -1.0, 0),
        AbstentionThresholds(0.3, -1.0, 5),
    ]


def test_choose_maximises_accuracy_within_the_declined_budget():
    rows = sweep(OBSERVED, grid([0.2, 0.3, 0.4], [-1.0, 0.5], [0], [True]))
    best = choose(rows, max_declined=0.0)
    assert best.thresholds == AbstentionThresholds(0.3, 0.5, 0) and best.accuracy == 1.0
    # min_score 0.4 also catches both but declines a2: over budget at 0%, a worse tie at 50%
    assert choose(rows, max_declined=0.5).thresholds == AbstentionThresholds(0.3, 0.5, 0)


def test_ties_go_to_the_higher_min_score_then_the_earliest_candidate():
    rows = sweep(OBSERVED, grid([0.26, 0.3], [-1.0], [0]))  # both decline u1 alone
    assert choose(rows).thresholds.min_score == 0.3


def test_choose_refuses_when_every_candidate_declines_too_much():
    rows = sweep(OBSERVED, grid([0.6], [-1.0], [0]))
    with pytest.raises(ValueError, match="declines more than 5%"):
        choose(rows)


def test_tables_vary_one_threshold_at_a_time_and_mark_the_choice():
    rows = sweep(OBSERVED, grid([0.2, 0.3], [-1.0, 0.5], [0, 5], [True]))
    chosen = choose(rows)
    table = format_table(rows, chosen)
    assert "| 0.3 * | 1.000 | 0.0% | 1.000 | 1.000 |" in table
    assert "| 0.2 | 0.750 | 0.0% | 1.000 | 0.500 |" in table  # min_score varied alone
    assert table.endswith("names_window=0 check_quantities=True (accuracy 1.000, answerable declined 0.0%)")
    sets = format_sets({"s": OBSERVED}, {"chosen": chosen.thresholds})
    assert "| s | chosen | 4 | 1.000 | 0.0% | 1.000 | 1.000 |" in sets


def test_the_quantity_check_is_chosen_like_a_threshold():
    # an unanswerable how-many question whose quotes hold no number, on topic (0.6)
    observed = [*OBSERVED, obs("u3", False, 0.6, quantity=True)]
    rows = sweep(observed, grid([0.3], [0.5], [0]))  # check_quantities False, then True
    chosen = choose(rows)
    assert chosen.thresholds.check_quantities and chosen.accuracy == 1.0
    table = format_table(rows, chosen)
    assert "| False | 0.800 | 0.0% | 1.000 | 0.667 |" in table and "| True * | 1.000 |" in table


def test_observe_asks_every_question_once(presser_pipeline):
    questions = [
        Question(id="t", question="What target did Allies agree to aim for?", doc="presser-2025-01-01"),
        Question(id="i", question="What about Iran?", answerable=False, gold_lines=()),
        Question(id="q", question="How many Allies reviewed the budget?", answerable=False, gold_lines=()),
    ]
    observed = observe(presser_pipeline, questions)
    assert [(o.id, o.answerable) for o in observed] == [("t", True), ("i", False), ("q", False)]
    # declined by the pipeline, answered all the same to read its quotes: they hold no number
    assert observed[2].signals.quantity_unstated and not observed[0].signals.quantity_unstated
    assert observed[0].signals.best_score > 0.3
    assert [name for name, _ in observed[1].signals.unknown_names] == ["Iran"]
