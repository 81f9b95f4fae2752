"""Kill `rag ingest` with SIGKILL at random moments; the index must read as before or after.

    .venv/bin/python benchmarks/ingest_kill_stress.py [--kills 60] [--seed 0] [--out stress.json]

DESIGN.md promises that an ingest is all-or-nothing. This script builds an index of the
sample, then again and again copies it, starts a real `rag ingest` subprocess on the copy
and kills it: at a random moment of its measured duration, or while it writes its new
generation (from its first file to a little past the manifest switch). After each kill `rag info --check` must pass and the search
results for fixed queries must equal those from before the ingest or those from after it
(one ingest let finish on a copy). Every third killed index is then ingested again to
completion, which must give the 'after' results. Scenarios alternate: adding new
transcripts, updating the sample, and --rebuild. New transcripts are truncated copies of
/work/shared/data/qmsum-val (read at run time, never committed), or generated text if
that folder is missing. A stress script, not a test: it prints figures and the failures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QMSUM = Path("/work/shared/data/qmsum-val/transcripts")
RAG = Path(sys.executable).parent / "rag"
QUERIES = [
    "How many nuclear warheads will China have?",
    "What happened in the Baltic Sea?",
    "defence spending target percent of GDP",
    "peace talks in Istanbul",
    "speech recognition features and training data",
    "which microphone am I wearing",
]
SCENARIOS = ("add", "update", "rebuild")
MODES = ("random", "writing")


@dataclass
class Scenario:
    name: str
    paths: list[Path]
    rebuild: bool
    after: list[tuple] = field(default_factory=list)
    duration_s: float = 0.0
    write_window_s: float = 0.0


@dataclass
class Figures:
    kills: int = 0
    landed_before: int = 0
    landed_after: int = 0
    finished_before_kill: int = 0
    resumed: int = 0
    failures: list[str] = field(default_factory=list)
    by_case: dict[str, dict[str, int]] = field(default_factory=dict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=60, help="SIGKILLs to land on a running ingest")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lines", type=int, default=120, help="lines kept of each added transcript")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        figures, scenarios = run(Path(tmp), args)
    report(figures, scenarios, time.perf_counter() - started, args)
    sys.exit(1 if figures.failures else 0)


def run(tmp: Path, args: argparse.Namespace) -> tuple[Figures, dict[str, Scenario]]:
    from embeddings.sentence_transformer import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()  # loaded once, here; the killed ingests load their own
    base = tmp / "base"
    if start_ingest(Scenario("base", [ROOT / "sample"], rebuild=False), base).wait() != 0:
        raise SystemExit("could not ingest the sample")
    before = results(base, embedder)
    scenarios = make_scenarios(tmp, args.lines)
    for scenario in scenarios.values():
        measure_after(scenario, base, tmp / f"after-{scenario.name}", embedder)
        print(f"{scenario.name}: full ingest {scenario.duration_s:.1f} s, writing {scenario.write_window_s:.2f} s")
    rng = np.random.default_rng(args.seed)
    figures = Figures()
    cases = itertools.cycle(itertools.product(SCENARIOS, MODES))
    while figures.kills < args.kills and figures.kills + figures.finished_before_kill < 3 * args.kills:
        name, mode = next(cases)
        work = tmp / "work"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(base, work)
        landed = kill_once(scenarios[name], work, mode, rng)
        if landed is None:
            figures.finished_before_kill += 1
            continue
        figures.kills += 1
        check_killed(figures, scenarios[name], work, before, embedder, f"{name}/{mode}")
        if figures.kills % 3 == 0:
            resume(figures, scenarios[name], work, embedder)
        print(f"kill {figures.kills:3d} {name:7s} {mode:7s} at {landed:5.2f} s: {summary(figures)}", flush=True)
    return figures, scenarios


def make_scenarios(tmp: Path, n_lines: int) -> dict[str, Scenario]:
    """The files each scenario ingests: new transcripts, a changed sample, the changed sample alone."""
    added = tmp / "added"
    added.mkdir()
    sources = sorted(QMSUM.glob("*.txt"))[:2] if QMSUM.is_dir() else []
    for i, source in enumerate(sources or [None, None]):
        text = source.read_text(encoding="utf-8") if source else generated_transcript(i)
        name = source.name if source else f"generated-{i}.txt"
        (added / name).write_text("\n".join(text.splitlines()[:n_lines]) + "\n", encoding="utf-8")
    changed = tmp / "changed"
    changed.mkdir()
    sample = next((ROOT / "sample").glob("*.txt"))
    text = sample.read_text(encoding="utf-8").replace("China", "the People's Republic").replace("Baltic", "Nordic")
    (changed / sample.name).write_text(text, encoding="utf-8")
    return {
        "add": Scenario("add", [added], rebuild=False),
        "update": Scenario("update", [changed], rebuild=False),
        "rebuild": Scenario("rebuild", [changed, added], rebuild=True),
    }


def generated_transcript(seed: int) -> str:
    """A meeting-shaped transcript of inline `Name: text` turns, when qmsum-val is not here."""
    rng = np.random.default_rng(seed)
    vocabulary = "budget microphone network training model data speech digits recording schedule".split()
    turns = [
        f"{rng.choice(['Grad A', 'Grad B', 'Professor C'])}: " + " ".join(rng.choice(vocabulary, 14)) + " ."
        for _ in range(200)
    ]
    return f"# Generated meeting {seed}\n\n" + "\n\n".join(turns)


def start_ingest(scenario: Scenario, index_dir: Path) -> subprocess.Popen:
    command = [str(RAG), "ingest", *map(str, scenario.paths), "--index", str(index_dir)]
    command += ["--rebuild"] if scenario.rebuild else []
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def new_generation_started(index_dir: Path, base_files: set[str]) -> bool:
    return any(p.name.startswith(("vectors-", "passages-")) and p.name not in base_files for p in index_dir.iterdir())


def measure_after(scenario: Scenario, base: Path, index_dir: Path, embedder) -> None:
    """Let one ingest finish on a copy: its results, its duration, and its writing time.

    Writing runs from the new generation's first file to the manifest switch.
    """
    shutil.copytree(base, index_dir)
    base_files = {p.name for p in index_dir.iterdir()}
    manifest_inode = (index_dir / "manifest.json").stat().st_ino
    started = time.perf_counter()
    process = start_ingest(scenario, index_dir)
    writing = switched = None
    while process.poll() is None:
        if writing is None and new_generation_started(index_dir, base_files):
            writing = time.perf_counter()
        if switched is None and (index_dir / "manifest.json").stat().st_ino != manifest_inode:
            switched = time.perf_counter()
        time.sleep(0.001)
    if process.returncode != 0:
        raise SystemExit(f"the '{scenario.name}' ingest failed with status {process.returncode}")
    scenario.duration_s = time.perf_counter() - started
    scenario.write_window_s = (switched or 0.0) - (writing or 0.0)
    scenario.after = results(index_dir, embedder)


def kill_once(scenario: Scenario, work: Path, mode: str, rng: np.random.Generator) -> float | None:
    """Start the ingest and SIGKILL it; seconds after start it died, or None if it finished first."""
    base_files = {p.name for p in work.iterdir()}
    started = time.perf_counter()
    process = start_ingest(scenario, work)
    if mode == "random":
        deadline = started + rng.uniform(0, scenario.duration_s)
    else:  # just after the new generation's first file appears: the writing phase
        while process.poll() is None and not new_generation_started(work, base_files):
            time.sleep(0.001)
        # a fifth past the switch, so some kills land in the clean-up after it
        deadline = time.perf_counter() + rng.uniform(0, 1.2 * max(scenario.write_window_s, 0.01))
    while process.poll() is None and time.perf_counter() < deadline:
        time.sleep(0.001)
    if process.poll() is not None:
        return None
    process.send_signal(signal.SIGKILL)
    process.wait()
    return time.perf_counter() - started


def results(index_dir: Path, embedder) -> list[tuple]:
    """Search results for QUERIES from a fresh reader: (doc, passage_id, score) per hit."""
    from rag.answering import ExtractiveAnswerer
    from rag.pipeline import Pipeline
    from rag.settings import Settings

    pipeline = Pipeline(Settings(index_dir=index_dir), embedder, ExtractiveAnswerer(embedder))
    return [
        tuple((h.passage.doc, h.passage.passage_id, round(h.score, 5)) for h in pipeline.search(q, k=5))
        for q in QUERIES
    ]


def cli_check(index_dir: Path) -> list[str]:
    """Problems `rag info --check` prints (empty when it passes)."""
    done = subprocess.run(
        [str(RAG), "info", "--check", "--index", str(index_dir)], capture_output=True, text=True, check=False
    )
    if done.returncode == 0 and "index check passed" in done.stderr:
        return []
    return [line for line in done.stderr.splitlines() if not line.startswith("note:")] or [f"exit {done.returncode}"]


def check_killed(figures: Figures, scenario: Scenario, work: Path, before: list, embedder, case: str) -> None:
    counts = figures.by_case.setdefault(case, {"kills": 0, "before": 0, "after": 0, "failures": 0})
    counts["kills"] += 1
    problems = cli_check(work)
    try:
        now = results(work, embedder)
    except Exception as exc:  # any failure to open or search is what this script hunts for
        problems.append(f"search failed: {exc!r}")
        now = None
    if now == before:
        figures.landed_before += 1
        counts["before"] += 1
    elif now == scenario.after:
        figures.landed_after += 1
        counts["after"] += 1
    elif now is not None:
        problems.append("search results match neither before nor after the ingest")
    if problems:
        counts["failures"] += 1
        figures.failures.append(f"kill {figures.kills} ({case}): " + "; ".join(problems))


def resume(figures: Figures, scenario: Scenario, work: Path, embedder) -> None:
    """Finish the killed ingest over its leftovers, in this process: must equal 'after', no leftovers."""
    from rag.answering import ExtractiveAnswerer
    from rag.integrity import check_index
    from rag.pipeline import Pipeline
    from rag.settings import Settings

    pipeline = Pipeline(Settings(index_dir=work), embedder, ExtractiveAnswerer(embedder))
    pipeline.ingest(scenario.paths, rebuild=scenario.rebuild)
    figures.resumed += 1
    check = check_index(work, embedder.model_name)
    if not check.ok or check.leftovers or results(work, embedder) != scenario.after:
        figures.failures.append(f"kill {figures.kills} resumed: {check.problems} {check.leftovers} or results differ")


def summary(figures: Figures) -> str:
    return f"{figures.landed_before} before, {figures.landed_after} after, {len(figures.failures)} failures"


def report(figures: Figures, scenarios: dict[str, Scenario], total_s: float, args: argparse.Namespace) -> None:
    out = {
        "kills": figures.kills,
        "landed_before": figures.landed_before,
        "landed_after": figures.landed_after,
        "failures": len(figures.failures),
        "finished_before_kill": figures.finished_before_kill,
        "resumed_to_completion": figures.resumed,
        "by_case": figures.by_case,
        "ingest_s": {s.name: round(s.duration_s, 2) for s in scenarios.values()},
        "writing_s": {s.name: round(s.write_window_s, 3) for s in scenarios.values()},
        "total_s": round(total_s, 1),
        "seed": args.seed,
        "failure_details": figures.failures,
    }
    print(json.dumps({k: v for k, v in out.items() if k != "failure_details"}, indent=2))
    for line in figures.failures:
        print(f"FAILURE {line}")
    if args.out:
        args.out.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
