"""Small helpers shared by the benchmarks: percentiles, peak memory, the child-process protocol."""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = ROOT / "content"
RESULT_PREFIX = "BENCH-RESULT "


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100) by nearest rank, as most latency reports do."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024, 1)


def scratch_dir(prefix: str) -> tempfile.TemporaryDirectory:
    """A temporary folder on the same disk as /tmp (override with BENCH_TMP)."""
    return tempfile.TemporaryDirectory(prefix=f"rb-bench-{prefix}-", dir=os.environ.get("BENCH_TMP"))


def say(*parts: object) -> None:
    """Progress notes go to stderr, so stdout stays the result protocol."""
    print(*parts, file=sys.stderr, flush=True)


def child_main(run: Callable[[list[str]], dict]) -> None:
    """Entry point of ``python -m benchmarks.<name>``: run it and print one result line."""
    result = run(sys.argv[1:])
    result["peak_rss_mb"] = peak_rss_mb()
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)
