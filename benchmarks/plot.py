"""Tables and a latency plot from the benchmark JSON files, for docs/benchmarks.md.

    .venv/bin/python -m benchmarks.plot [--results out/bench] [--png docs/benchmarks-latency.png] [--tables out/bench/tables.md]

Reads whichever of corpus.json, ingest_throughput.json, scale.json, ann_recall.json and
startup.json exist under --results, prints their tables as Markdown (and writes them to
--tables), and plots search and ask p50 latency against corpus size (log x) from scale.json.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import ann_recall


def load(results: Path, name: str) -> dict[str, Any] | None:
    path = results / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def machine_line(m: dict[str, Any]) -> str:
    load = ", ".join(f"{x:g}" for x in m["load_average"])
    where = f"{m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; load average (1/5/15 min)"
    if "load_average_start" not in m:
        return f"{where} {load}"
    start = ", ".join(f"{x:g}" for x in m["load_average_start"])
    return f"{where} {start} at start, {load} at end"


def scale_table(figures: dict[str, Any]) -> str:
    rows = [
        "| passages | index | build s | open s | first ask s | embed p50 ms | search p50 / p95 ms | embed + search p50 ms "
        "| ask p50 / p95 ms | index RSS MB | vectors + text MB | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in figures["results"]:
        base = r["vector_mb"] + r["text_mb"]
        rows.append(
            f"| {r['n']:,} | {r['kind']} | {r['build_s']} | {r['open_s']} | {r['first_ask_s']} | {r['embed_ms']['p50']} "
            f"| {r['search_ms']['p50']} / {r['search_ms']['p95']} | {r['search_with_embed_ms']['p50']} "
            f"| {r['ask_ms']['p50']} / {r['ask_ms']['p95']} | {r['index_rss_mb']:.0f} | {base:.0f} "
            f"| {r['index_rss_mb'] / base:.2f} |"
        )
    return "\n".join(rows) + "\n"


def targets_table(targets: Sequence[dict[str, Any]]) -> str:
    rows = ["| index | passages | figure | measured | target | met |", "| --- | --- | --- | --- | --- | --- |"]
    for t in targets:
        met = "yes" if t["met"] else "**no**"
        rows.append(f"| {t['kind']} | {t['n']:,} | {t['figure']} | {t['value']} | <= {t['limit']} | {met} |")
    return "\n".join(rows) + "\n"


def ingest_table(figures: dict[str, Any]) -> str:
    rows = ["| run | passages/s (median) | runs | peak RSS MB |", "| --- | --- | --- | --- |"]
    for kind in ("ingest", "encode"):
        f = figures[kind]
        rows.append(f"| {kind} | {f['passages_per_s']} | {f['runs_passages_per_s']} | {f['peak_rss_mb']} |")
    return "\n".join(rows) + f"\n\nRatio ingest / raw encode: {figures['ratio']} (target >= 0.9).\n"


def startup_table(figures: dict[str, Any]) -> str:
    return (
        "| figure | median s | runs |\n| --- | --- | --- |\n"
        f"| `rag serve` start to page HTTP 200 | {figures['serve_page_200_s']} | "
        f"{[round(s['page_200_s'], 2) for s in figures['runs']['serve']]} |\n"
        f"| `rag serve` start to first /ask answer | {figures['serve_first_ask_s']} | "
        f"{[round(s['first_ask_s'], 2) for s in figures['runs']['serve']]} |\n"
        f"| cold `rag ask` process | {figures['cold_rag_ask_s']} | {figures['runs']['cold_rag_ask_s']} |\n"
    )


def corpus_table(figures: dict[str, Any]) -> str:
    nn = figures["nn_cosine"]
    return (
        "| figure | value |\n| --- | --- |\n"
        f"| source transcripts / sentences / speakers | {figures['n_source_files']} / {figures['n_sentences']:,} / {figures['n_speakers']} |\n"
        f"| median passage chars: real index / synthetic | {figures['real_passage_chars_median']:g} / {figures['synthetic_passage_chars_median']:g} |\n"
        f"| real embedded passages | {figures['n_real_vectors']:,} |\n"
        f"| nearest-neighbour cosine p10 / p50 / p90 | {nn['p10']} / {nn['p50']} / {nn['p90']} |\n"
        f"| sigma / derived cosine to source (median) | {figures['sigma']} / {figures['derived_cosine_to_source_median']} |\n"
        f"| questions | {figures['n_questions']} |\n"
    )


def plot(figures: dict[str, Any], png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    for kind in sorted({r["kind"] for r in figures["results"]}):
        rows = sorted((r for r in figures["results"] if r["kind"] == kind), key=lambda r: r["n"])
        n = [r["n"] for r in rows]
        ax.plot(n, [r["search_ms"]["p50"] for r in rows], "o-", label=f"search p50 ({kind})")
        ax.plot(n, [r["ask_ms"]["p50"] for r in rows], "s--", label=f"ask p50 ({kind})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    for limit, label in ((15, "search target at 100k"), (30, "search target at 1M"), (50, "ask target at 100k")):
        ax.axhline(limit, color="grey", lw=0.6, ls=":")
        ax.text(0.01, limit, label, transform=ax.get_yaxis_transform(), fontsize=7, color="grey", va="bottom")
    ax.set_xlabel("passages in the index")
    ax.set_ylabel("latency, ms (median)")
    ax.set_title("search and ask latency against corpus size (2-core CPU)")
    ax.grid(True, which="both", lw=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png)


def main(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("out/bench"))
    parser.add_argument("--png", type=Path, default=Path("docs/benchmarks-latency.png"))
    parser.add_argument("--tables", type=Path, default=Path("out/bench/tables.md"))
    args = parser.parse_args(argv)
    parts = []
    sections = [
        ("corpus", "Corpus", corpus_table),
        ("ingest_throughput", "Ingest throughput", ingest_table),
        ("scale", "Scale", scale_table),
        ("ann_recall", "ANN against exact", ann_recall.summarise),
        ("startup", "Startup", startup_table),
    ]
    for name, title, table in sections:
        figures = load(args.results, name)
        if figures is None:
            continue
        parts += [f"## {title}", "", f"Machine: {machine_line(figures['machine'])}.", "", table(figures)]
        if name == "scale":
            parts += ["Targets:", "", targets_table(figures["targets"])]
            plot(figures, args.png)
    text = "\n".join(parts)
    args.tables.parent.mkdir(parents=True, exist_ok=True)
    args.tables.write_text(text, encoding="utf-8")
    print(text)
    return text


if __name__ == "__main__":
    main()
