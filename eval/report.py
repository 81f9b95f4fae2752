"""Write an EvalRun as results.json, report.md and a self-contained report.html.

results.json holds everything needed to compare two runs: settings, index manifest,
per-question records and metrics (and, with a baseline, the deltas under "compare").
report.html embeds its plots as base64 PNGs and inline CSS, so it is one file to mail.
This module formats; it scores nothing (see eval/metrics.py and eval/runner.py).
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.metrics import HIT_KS, METRIC_NAMES
from eval.runner import EvalRun, QuestionRecord
from rag.errors import RagError

Metrics = Mapping[str, float | None]
CATEGORY_METRICS = ("hit@5", "mrr@10", "citation_recall", "abstention_accuracy")
N_PASSAGES_SHOWN = 3


# -- inputs ----------------------------------------------------------------------------
def load_baseline(path: Path) -> dict[str, float | None]:
    """The metrics of an earlier run's results.json."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RagError(f"--compare {path}: no such file; give the results.json of an earlier rag eval") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RagError(f"--compare {path}: not valid JSON ({exc}); give an earlier results.json") from None
    metrics = data.get("metrics") if isinstance(data, dict) else None
    if not isinstance(metrics, dict):
        raise RagError(f"--compare {path}: no 'metrics' object; give the results.json of an earlier rag eval")
    return {k: v for k, v in metrics.items() if v is None or isinstance(v, int | float)}


def read_categories(path: Path) -> dict[str, str]:
    """Question id -> the optional "category" key of a question-set file ({} when none has one)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in {".yaml", ".yml"}:
        import yaml

        items = yaml.safe_load(text) or []
    else:
        items = [json.loads(line) for line in text.split("\n") if line.strip()]
    return {
        str(item["id"]): str(item["category"])
        for item in items
        if isinstance(item, dict) and "id" in item and isinstance(item.get("category"), str)
    }


def deltas(new: Metrics, old: Metrics) -> dict[str, float | None]:
    """new - old for every metric; None where either side is missing.

    Example: deltas({"hit@1": 0.5, "hit@3": 0.7}, {"hit@1": 0.25}) == {"hit@1": 0.25, "hit@3": None}
    """
    out: dict[str, float | None] = {}
    for name, value in new.items():
        before = old.get(name)
        out[name] = None if value is None or before is None else value - before
    return out


# -- text ------------------------------------------------------------------------------
def metrics_table(metrics: Metrics, baseline: Metrics | None = None) -> str:
    """The metrics as a Markdown table (also what `rag eval` prints)."""
    change = deltas(metrics, baseline) if baseline is not None else None
    head = "| metric | value |" + (" delta |" if change is not None else "")
    rule = "| --- | ---: |" + (" ---: |" if change is not None else "")
    rows = [head, rule]
    for name in _names(metrics):
        row = f"| {name} | {_fmt(name, metrics[name])} |"
        if change is not None:
            row += f" {_fmt_delta(name, change[name])} |"
        rows.append(row)
    return "\n".join(rows)


def write_report(
    run: EvalRun,
    report_dir: Path,
    *,
    categories: Mapping[str, str] | None = None,
    baseline: Metrics | None = None,
) -> list[Path]:
    """Write results.json, report.md and report.html into `report_dir`; returns their paths."""
    report_dir.mkdir(parents=True, exist_ok=True)
    categories = categories or {}
    paths = [report_dir / "results.json", report_dir / "report.md", report_dir / "report.html"]
    results = results_json(run, categories=categories, baseline=baseline)
    paths[0].write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(report_markdown(run, baseline=baseline), encoding="utf-8")
    paths[2].write_text(report_html(run, categories=categories, baseline=baseline), encoding="utf-8")
    return paths


def results_json(
    run: EvalRun, *, categories: Mapping[str, str] | None = None, baseline: Metrics | None = None
) -> dict[str, Any]:
    categories = categories or {}
    records = []
    for r in run.records:
        record = r.to_json()
        if r.question.id in categories:
            record["category"] = categories[r.question.id]
        records.append(record)
    out: dict[str, Any] = {
        "settings": run.settings,
        "manifest": run.manifest,
        "metrics": dict(run.metrics),
        "latency_ms": run.latency_ms,
        "questions": records,
    }
    if baseline is not None:
        out["compare"] = {"baseline": dict(baseline), "delta": deltas(run.metrics, baseline)}
    return out


def report_markdown(run: EvalRun, *, baseline: Metrics | None = None) -> str:
    failed = [r for r in run.records if r.failure]
    out = [
        "# Evaluation report",
        "",
        f"{len(run.records)} questions, index `{run.manifest.get('index_dir', '?')}`, "
        f"model `{run.settings.get('embedding_model', '?')}`.",
        "",
        "## Metrics",
        "",
        metrics_table(run.metrics, baseline),
        "",
        "## Latency by stage (ms)",
        "",
        "| stage | p50 | p95 |",
        "| --- | ---: | ---: |",
        *(f"| {s} | {_ms(v.get('p50'))} | {_ms(v.get('p95'))} |" for s, v in run.latency_ms.items()),
        "",
        f"## Failed questions ({len(failed)})",
        "",
    ]
    if failed:
        out += [
            "| id | question | gold | failure | answer | retrieved (top 3) |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for r in failed:
            cells = [r.question.id, r.question.question, _gold(r), r.failure or "", r.answer, "<br>".join(_top(r))]
            out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    else:
        out.append("None.")
    return "\n".join(out) + "\n"


# -- HTML ------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:80em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
.up{color:#176b1a}.down{color:#a11}.plots img{max-width:100%;margin:0 1em 1em 0}
""".strip()


def report_html(run: EvalRun, *, categories: Mapping[str, str] | None = None, baseline: Metrics | None = None) -> str:
    e = html.escape
    change = deltas(run.metrics, baseline) if baseline is not None else None
    metric_rows = []
    for name in _names(run.metrics):
        cells = f"<td>{e(name)}</td><td class=num>{e(_fmt(name, run.metrics[name]))}</td>"
        if change is not None:
            d = change[name]
            better = d is not None and d != 0 and (d > 0) != (name in ("chars@5", "latency_p50_ms", "latency_p95_ms"))
            css = "" if d is None or d == 0 else (" up" if better else " down")
            cells += f"<td class='num{css}'>{e(_fmt_delta(name, d))}</td>"
        metric_rows.append(f"<tr>{cells}</tr>")
    failed_rows = [
        "<tr>"
        + "".join(f"<td>{e(c)}</td>" for c in (r.question.id, r.question.question, _gold(r), r.failure or "", r.answer))
        + "<td>"
        + "<br>".join(e(t) for t in _top(r))
        + "</td></tr>"
        for r in run.records
        if r.failure
    ]
    plots = "".join(
        f"<img alt='{e(alt)}' src='data:image/png;base64,{png}'>" for alt, png in plots_png(run, categories)
    )
    delta_head = "<th>delta</th>" if change is not None else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation report</title><style>{_CSS}</style></head>
<body>
<h1>Evaluation report</h1>
<p>{len(run.records)} questions, index <code>{e(str(run.manifest.get("index_dir", "?")))}</code>,
model <code>{e(str(run.settings.get("embedding_model", "?")))}</code>.</p>
<h2>Metrics</h2>
<table><tr><th>metric</th><th>value</th>{delta_head}</tr>
{"".join(metric_rows)}
</table>
<h2>Plots</h2>
<div class="plots">{plots}</div>
<h2>Failed questions ({len(failed_rows)})</h2>
<table><tr><th>id</th><th>question</th><th>gold</th><th>failure</th><th>answer</th><th>retrieved (top 3)</th></tr>
{"".join(failed_rows)}
</table>
</body></html>
"""


def plots_png(run: EvalRun, categories: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(title, base64 PNG) for each plot: hit@k curve, latency histogram, metrics by category."""
    # Figure without pyplot: no global state, and the Agg canvas is used whatever the backend.
    from matplotlib.figure import Figure

    out = []
    fig = Figure(figsize=(5, 3.2))
    ax = fig.add_subplot()
    curve = [(k, v) for k in HIT_KS if (v := run.metrics.get(f"hit@{k}")) is not None]
    ax.plot([k for k, _ in curve], [v for _, v in curve], marker="o")
    ax.set(xlabel="k", ylabel="hit@k", title="hit@k", ylim=(0, 1.05), xticks=list(HIT_KS))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out.append(("hit@k curve", _png(fig)))

    fig = Figure(figsize=(5, 3.2))
    ax = fig.add_subplot()
    ax.hist([r.timings_ms["total"] for r in run.records], bins=20, color="#4a78b0")
    ax.set(xlabel="total latency (ms)", ylabel="questions", title="Latency per question")
    fig.tight_layout()
    out.append(("latency histogram", _png(fig)))

    by_category = metrics_by_category(run.records, categories or {})
    if by_category:
        fig = Figure(figsize=(max(7.0, 1.1 * len(by_category) + 3), 4.0))
        ax = fig.add_subplot()
        width = 0.8 / len(CATEGORY_METRICS)
        names = sorted(by_category)
        for i, metric in enumerate(CATEGORY_METRICS):
            values = [by_category[c].get(metric) for c in names]
            xs = [j + i * width for j in range(len(names))]
            ax.bar(xs, [v if v is not None else 0.0 for v in values], width, label=metric)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(names))], names, rotation=30, ha="right", fontsize=8)
        ax.set(ylim=(0, 1.05), title="Metrics by question category")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        fig.tight_layout()
        out.append(("metrics by category", _png(fig)))
    return out


def metrics_by_category(
    records: Sequence[QuestionRecord], categories: Mapping[str, str]
) -> dict[str, dict[str, float | None]]:
    """category -> mean of CATEGORY_METRICS over its questions (None where none applies)."""
    groups: dict[str, list[QuestionRecord]] = {}
    for r in records:
        if r.question.id in categories:
            groups.setdefault(categories[r.question.id], []).append(r)
    out: dict[str, dict[str, float | None]] = {}
    for category, members in groups.items():
        out[category] = {}
        for metric in CATEGORY_METRICS:
            values = [r.metrics[metric] for r in members if metric in r.metrics]
            out[category][metric] = sum(values) / len(values) if values else None
    return out


# -- helpers ---------------------------------------------------------------------------
def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    # bbox "tight" keeps axis labels and an outside legend inside the picture
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _names(metrics: Metrics) -> list[str]:
    return [n for n in METRIC_NAMES if n in metrics] + [n for n in metrics if n not in METRIC_NAMES]


def _fmt(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if name.endswith("_ms"):
        return f"{value:.1f}"
    if name.startswith("chars@"):
        return f"{value:.0f}"
    return f"{value:.3f}"


def _fmt_delta(name: str, value: float | None) -> str:
    return "n/a" if value is None else ("+" if value >= 0 else "-") + _fmt(name, abs(value))


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _gold(r: QuestionRecord) -> str:
    if not r.question.gold_lines:
        return "(unanswerable)"
    return ", ".join(f"L{a}" if a == b else f"L{a}-{b}" for a, b in r.question.gold_lines)


def _top(r: QuestionRecord) -> list[str]:
    return [
        f"{h.passage.doc} L{h.line_start}-{h.line_end} {h.passage.speaker} {h.score:.3f}"
        for h in r.hits[:N_PASSAGES_SHOWN]
    ]


def _md_cell(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")
