"""The benchmark report says how much CPU the hypervisor took from the run (CPU steal)."""

import time
from pathlib import Path

import pytest

from bench.run import cpu_seconds, cpu_share, markdown


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="no /proc/stat on this system")
def test_cpu_steal_is_read_from_proc_stat_as_a_share_of_the_cpus() -> None:
    start = cpu_seconds()
    assert start is not None
    assert {"user", "system", "idle", "steal"} <= set(start)
    began = time.monotonic()
    time.sleep(0.3)
    share = cpu_share(start, time.monotonic() - began)
    assert share is not None
    assert share["busy_s"] >= 0
    assert 0 <= share["steal_share"] <= 1
    assert share["cpu_s"] >= share["wall_s"] > 0


def test_a_report_without_cpu_figures_says_so() -> None:
    report = {
        "timestamp": "T",
        "command": "python -m bench.run",
        "machine": {
            "nproc": 2,
            "cpu_model": "x",
            "memory_gib": 1,
            "python": "3",
            "packages": {"pyoxigraph": "0"},
        },
        "tiers": {},
    }
    first = markdown(report).splitlines()[2]
    assert first.startswith("CPU steal")
    assert "whole run not known" in first
    report["cpu"] = {"wall_s": 10.0, "cpu_s": 20.0, "steal_s": 3.0, "busy_s": 15.0, "steal_share": 0.15}
    assert "whole run 3.0 of 20.0 CPU-s (15.0%)" in markdown(report).splitlines()[2]
