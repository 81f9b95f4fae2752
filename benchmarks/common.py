"""What every benchmark module shares: the machine description, percentiles, memory, JSON output."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


LOAD_AT_IMPORT = os.getloadavg()  # the load when the benchmark started, next to the load when it ended


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM and load averages at start and now: figures only compare on a described machine."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 2**20, 1),
        "load_average_start": [round(x, 2) for x in LOAD_AT_IMPORT],
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "versions": _versions(),
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("torch", "sentence-transformers", "faiss-cpu", "bm25s", "numpy"):
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    """p50 and p95 (statistics' inclusive method, interpolating) and the count, rounded to 0.01.

    Example: percentiles([1.0, 2.0, 3.0]) == {"p50": 2.0, "p95": 2.9, "n": 3}
    """
    values = sorted(values_ms)
    if len(values) == 1:
        return {"p50": round(values[0], 2), "p95": round(values[0], 2), "n": 1}
    p95 = statistics.quantiles(values, n=20, method="inclusive")[-1]
    return {"p50": round(statistics.median(values), 2), "p95": round(p95, 2), "n": len(values)}


def rss_mb() -> float:
    """Resident memory of this process now, MB."""
    with open("/proc/self/statm", encoding="utf-8") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    """High-water mark of this process's resident memory, MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def write_json(path: Path, figures: dict[str, Any], *, quiet: bool = False) -> None:
    """Write `figures` as JSON (folders created); print them too unless quiet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)  # a reader of interim results never sees half a file
    if not quiet:
        print(json.dumps(figures, indent=2))
