"""What each step of the question path buys: the same question sets with steps switched on one at a time.

`ablation_configs()` lists the runs: everything off (dense search, the question as
asked, whole passages quoted, never declining), then each step of rag.settings.STEPS
added in turn, then the defaults with each step taken away again. `run_ablation` asks
every question set under each run through `run_eval`, so the figures are `rag eval`'s.

    python -m eval.ablation SET.jsonl INDEX [SET.jsonl INDEX ...] [--out ablation.json]

prints the table as Markdown (docs/retrieval-steps.md holds the last one).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.metrics import answerable_declined
from eval.runner import EvalRun, run_eval
from rag.pipeline import open_pipeline
from rag.questions import load_questions
from rag.settings import STEPS, Settings

# Columns of the table, per question set: rag eval's metric names, plus the share of
# answerable questions declined (the abstention target caps it at 5%).
COLUMNS = ("hit@1", "hit@5", "mrr@10", "chars@5", "citation_precision", "abstention_accuracy", "declined")


@dataclass(frozen=True, slots=True)
class Config:
    label: str
    without: frozenset[str]


def ablation_configs(steps: Sequence[str] = tuple(STEPS)) -> list[Config]:
    """Everything off, each step added in order, then the defaults less each step.

    Example: ablation_configs(["a", "b"]) labels: "none", "+ a", "+ b (all)", "all - a", "all - b"
    """
    configs = [Config("none", frozenset(steps))]
    for i, step in enumerate(steps):
        label = f"+ {step} (all)" if i == len(steps) - 1 else f"+ {step}"
        configs.append(Config(label, frozenset(steps[i + 1 :])))
    configs.extend(Config(f"all - {step}", frozenset({step})) for step in steps)
    return configs


def declined_share(run: EvalRun) -> float | None:
    """Share of the answerable questions that were declined."""
    return answerable_declined([r.abstained for r in run.records], [r.question.answerable for r in run.records])


def summary(run: EvalRun) -> dict[str, float | None]:
    return {name: declined_share(run) if name == "declined" else run.metrics[name] for name in COLUMNS}


def set_name(path: Path) -> str:
    """A question set's name: its file's, or its folder's for a file called questions.*."""
    return path.parent.name if path.stem == "questions" else path.stem


def run_ablation(
    sets: Sequence[tuple[Path, Path]], configs: Sequence[Config], base: Settings
) -> dict[str, dict[str, dict[str, float | None]]]:
    """{config label: {question-set name: summary}} for each (questions, index) pair."""
    questions = {path: load_questions(path) for path, _ in sets}
    table: dict[str, dict[str, dict[str, float | None]]] = {}
    for config in configs:
        row = table.setdefault(config.label, {})
        for path, index in sets:
            settings = base.with_overrides(index_dir=index, without=config.without)
            name = set_name(path)
            row[name] = summary(run_eval(open_pipeline(settings), questions[path]))
            print(f"{config.label:24} {name}: {_cells(row[name])}", file=sys.stderr)
    return table


def markdown(table: dict[str, dict[str, dict[str, float | None]]]) -> str:
    """One table per question set: a row per run, a column per metric."""
    sets = list(next(iter(table.values())))
    header = "| steps | " + " | ".join(COLUMNS) + " |\n|" + "---|" * (len(COLUMNS) + 1)
    parts = []
    for name in sets:
        rows = [f"| {label} | {_cells(row[name])} |" for label, row in table.items()]
        parts.append("\n".join([f"### {name}", "", header, *rows]))
    return "\n\n".join(parts)


def _cells(values: dict[str, float | None]) -> str:
    return " | ".join(_format(name, values[name]) for name in COLUMNS)


def _format(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if name == "chars@5" else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.ablation", description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="+", metavar="SET INDEX", help="question-set file and the index it is asked of")
    parser.add_argument("--out", type=Path, help="also write the table as JSON here")
    args = parser.parse_args(argv)
    if len(args.pairs) % 2:
        parser.error("give each question set with its index: SET.jsonl INDEX [SET.jsonl INDEX ...]")
    pairs = [(Path(q), Path(i)) for q, i in zip(args.pairs[::2], args.pairs[1::2], strict=True)]
    table = run_ablation(pairs, ablation_configs(), Settings.from_env())
    if args.out:
        args.out.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(markdown(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
