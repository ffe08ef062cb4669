"""Child processes of the benchmark: each load or validation runs alone, under a time limit.

A child prints one JSON object as its last line of output; its peak memory is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
from typing import Any


def run_child(command: list[str], timeout: float) -> dict[str, Any]:
    """Run a child; its last line of JSON with ``status`` "ok", or "stopped" / "failed"."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"status": "stopped", "limit_s": timeout}
    if done.returncode != 0:
        return {"status": "failed", "stderr": done.stderr[-2000:]}
    return {"status": "ok", **json.loads(done.stdout.strip().splitlines()[-1])}


def maxrss_mib() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
