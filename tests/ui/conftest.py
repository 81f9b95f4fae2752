"""A real `rag serve` in a subprocess, on a free loopback port, over the sample and a hostile transcript."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

# A transcript whose text is markup: the page must show these characters and run nothing.
HOSTILE = """\
Zebra ledger briefing

by Spokesperson Jane Doe

Jane Doe, Spokesperson
The zebra ledger entry reads <script>window.__xss = 1</script> in full.
The zebra ledger image is <img src=x onerror="window.__xss = 2"> and nothing more.
"""
STARTUP_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class LiveServer:
    url: str
    ready_s: float  # from starting `rag serve` to the page answering
    uploads: Path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("live")
    hostile = root / "zebra-ledger.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAG_INDEX": str(root / "index")}
    rag = [sys.executable, "-m", "rag"]
    subprocess.run([*rag, "ingest", str(SAMPLE), str(hostile)], check=True, env=env, capture_output=True)
    port = free_port()
    log = (root / "serve.log").open("w")
    started = time.perf_counter()
    proc = subprocess.Popen([*rag, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"rag serve exited with {proc.returncode}:\n{(root / 'serve.log').read_text()}")
            if time.perf_counter() - started > STARTUP_TIMEOUT_S:
                pytest.fail(f"rag serve did not answer within {STARTUP_TIMEOUT_S} s")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        ready_s = time.perf_counter() - started
        print(f"\nrag serve answered after {ready_s:.1f} s", file=sys.stderr)
        yield LiveServer(url, ready_s, root / "index" / "uploads")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
