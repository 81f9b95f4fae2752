"""Many chat sessions at once against a live `rag serve` on loopback; prints errors and latency.

    .venv/bin/python benchmarks/chat_load.py [--sessions 20] [--seconds 60] [--url URL] [--out results.json]

Without --url it ingests the sample into a temporary index, starts `rag serve` on a free
port, and reports how long the page took to answer. Each session is its own
gradio_client Client driving the page's /chat endpoint (the one the browser uses, with
the session's own chat history), in a bounded loop until the time is up. Every reply is
compared with the reply the same question got when asked alone, so an answer delivered
to the wrong session, or a mangled one, is counted. A benchmark, not a test: it prints
figures rather than asserting on them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# (question, earlier question or None): distinct answers, so a reply shows whose it is.
ITEMS: list[tuple[str, str | None]] = [
    ("What did Rutte say about China?", None),
    ("How many warheads?", "What did Rutte say about China?"),
    ("What did Rutte say about the incident in the Baltic Sea?", None),
    ("What is the Hague investment plan?", None),
    ("Who asked about the IP4 partners?", None),
    ("Which country is taking the lead on defence spending?", None),
    ("What did Rutte say about Russian ammunition production?", None),
    ("What did Rutte say about Iran?", None),  # declined: an answer too
]
MAX_REQUESTS_PER_SESSION = 10_000  # the loop's bound, far above what 60 s allows


@dataclass
class Tally:
    latencies_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sample_env(tmp: Path) -> dict[str, str]:
    """Environment for `rag` commands over the sample, ingested into a fresh index under `tmp`."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAG_INDEX": str(tmp / "index")}
    subprocess.run(
        [sys.executable, "-m", "rag", "ingest", str(ROOT / "sample")], check=True, env=env, capture_output=True
    )
    return env


@contextmanager
def serving(env: dict[str, str], log_path: Path) -> Iterator[tuple[str, float, float]]:
    """`rag serve` on a free loopback port: (url, its start time, seconds until the page answered)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with open(log_path, "w") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        try:
            while not _answers(url):
                if proc.poll() is not None or time.perf_counter() - started > 300:
                    raise SystemExit(f"rag serve did not start:\n{log_path.read_text()}")
                time.sleep(0.05)
            yield url, started, time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@contextmanager
def local_server() -> Iterator[tuple[str, float]]:
    """`rag serve` over the sample in a temporary index: (url, seconds until the page answered)."""
    with tempfile.TemporaryDirectory() as tmp, serving(sample_env(Path(tmp)), Path(tmp) / "serve.log") as served:
        url, _, ready_s = served
        yield url, ready_s


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def chat(client: Any, question: str, earlier: str | None, references: dict[str | None, str]) -> str:
    """One turn through /chat with this session's history; the assistant's final reply."""
    history = []
    if earlier is not None:  # Gradio 6 messages: content is a list of parts
        history = [
            {"role": "user", "content": [{"type": "text", "text": earlier}]},
            {"role": "assistant", "content": [{"type": "text", "text": references[earlier]}]},
        ]
    outputs = client.predict(question, history, "All documents", "All speakers", 5, "extractive", api_name="/chat")
    messages = outputs[1]
    asked = _text(messages[-2]["content"])
    if asked != question:
        raise AssertionError(f"the chat shows the question {asked!r}, not {question!r}")
    return _text(messages[-1]["content"])


def _text(content: Any) -> str:
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def session(
    url: str, number: int, deadline: float, expected: dict[str, str], refs: dict[str | None, str], tally: Tally
) -> None:
    from gradio_client import Client

    rng = random.Random(number)
    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # a session that cannot connect is an error, not a crash of the benchmark
        with tally.lock:
            tally.errors.append(f"session {number}: connect: {exc}")
        return
    for _ in range(MAX_REQUESTS_PER_SESSION):
        if time.monotonic() >= deadline:
            break
        question, earlier = rng.choice(ITEMS)
        started = time.perf_counter()
        try:
            reply = chat(client, question, earlier, refs)
        except Exception as exc:
            with tally.lock:
                tally.errors.append(f"session {number}: {type(exc).__name__}: {exc}")
            continue
        elapsed = time.perf_counter() - started
        with tally.lock:
            tally.latencies_s.append(elapsed)
            if reply != expected[question]:
                tally.wrong.append(f"session {number}: {question!r} got {reply[:80]!r}")


def run(url: str, sessions: int, seconds: float) -> dict[str, Any]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    refs: dict[str | None, str] = {}
    for question in {earlier for _, earlier in ITEMS if earlier}:  # the earlier turns' replies, for histories
        refs[question] = chat(client, question, None, {})
    expected = {question: chat(client, question, earlier, refs) for question, earlier in ITEMS}
    shared = [q for q in expected if list(expected.values()).count(expected[q]) > 1]
    if shared:
        raise SystemExit(f"these questions share a reply, so a misdelivered one could not be told apart: {shared}")
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=session, args=(url, n, deadline, expected, refs, tally), daemon=True)
        for n in range(sessions)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    wall = time.perf_counter() - started
    lat = sorted(tally.latencies_s)
    return {
        "sessions": sessions,
        "seconds": round(wall, 1),
        "requests": len(lat),
        "requests_per_s": round(len(lat) / wall, 2),
        "errors": len(tally.errors),
        "wrong_session_or_mangled": len(tally.wrong),
        "latency_p50_ms": round(statistics.median(lat) * 1000, 1) if lat else None,
        "latency_p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1) if lat else None,
        "latency_max_ms": round(lat[-1] * 1000, 1) if lat else None,
        "first_errors": tally.errors[:5],
        "first_wrong": tally.wrong[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--url", help="a running `rag serve` (default: start one over the sample)")
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args()
    if args.url:
        figures = run(args.url, args.sessions, args.seconds)
    else:
        with local_server() as (url, ready_s):
            figures = {"serve_to_page_s": round(ready_s, 1), **run(url, args.sessions, args.seconds)}
    for key, value in figures.items():
        print(f"{key:>26}: {value}")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
