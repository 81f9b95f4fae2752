"""How long until the chat page answers, the first /ask is answered, and a cold `rag ask` takes.

    .venv/bin/python -m benchmarks.startup --out out/bench/startup.json [--repeats 3] [--quick]

Ingests the sample into a temporary index once, then `--repeats` times: starts `rag
serve` on a free loopback port and measures from the process start to (1) the page
answering HTTP 200 and (2) the first answer of the page's /ask endpoint (a gradio_client
Client connected once the page answers; the client library is imported beforehand). Then
runs `rag ask QUESTION` as a new process `--repeats` times: the wall time of a cold
command, model load included. Medians are reported (target: serving within 10 s).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.chat_load import sample_env, serving  # chat_load starts rag serve the same way
from benchmarks.common import machine, write_json

QUESTION = "What did Rutte say about China?"
TARGET_SERVE_S = 10.0


def time_serve(env: dict[str, str], log_path: Path) -> dict[str, float]:
    """One `rag serve`: seconds to HTTP 200 and to the first /ask answer."""
    from gradio_client import Client

    with serving(env, log_path) as (url, started, page_s):
        result = Client(url, verbose=False).predict(QUESTION, api_name="/ask")
        ask_s = time.perf_counter() - started
        if not result.get("answer"):
            raise SystemExit(f"/ask gave no answer: {result}")
    return {"page_200_s": page_s, "first_ask_s": ask_s}


def time_cold_ask(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rag", "ask", QUESTION], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/bench/startup.json"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one of each")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else args.repeats
    import gradio_client  # noqa: F401  (imported before the clock starts)

    with tempfile.TemporaryDirectory() as tmp:
        env = sample_env(Path(tmp))
        serves = [time_serve(env, Path(tmp) / "serve.log") for _ in range(repeats)]
        cold = [time_cold_ask(env) for _ in range(repeats)]
    page = statistics.median(s["page_200_s"] for s in serves)
    figures = {
        "machine": machine(),
        "repeats": repeats,
        "serve_page_200_s": round(page, 2),
        "serve_first_ask_s": round(statistics.median(s["first_ask_s"] for s in serves), 2),
        "cold_rag_ask_s": round(statistics.median(cold), 2),
        "runs": {"serve": serves, "cold_rag_ask_s": [round(c, 2) for c in cold]},
        "target": {"serve_within_s": TARGET_SERVE_S, "met": page <= TARGET_SERVE_S},
    }
    write_json(args.out, figures)
    return figures


if __name__ == "__main__":
    main()
