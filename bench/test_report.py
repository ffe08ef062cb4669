"""The benchmark report says what it measured on: the CPU the hypervisor took from the run (CPU
steal) and the commit of the code."""

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from bench.run import cpu_seconds, cpu_share, markdown, source_version


def empty_report() -> dict[str, Any]:
    """A report of a run that measured nothing: its header alone."""
    return {
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
    report = empty_report()
    first = markdown(report).splitlines()[2]
    assert first.startswith("CPU steal")
    assert "whole run not known" in first
    report["cpu"] = {"wall_s": 10.0, "cpu_s": 20.0, "steal_s": 3.0, "busy_s": 15.0, "steal_share": 0.15}
    assert "whole run 3.0 of 20.0 CPU-s (15.0%)" in markdown(report).splitlines()[2]


def test_a_report_names_the_commit_it_measured(tmp_path: Path) -> None:
    repo = tmp_path / "checkout"
    repo.mkdir()

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    git("init", "-q")
    (repo / "code.py").write_text("x = 1\n")
    git("add", "code.py")
    git("-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-qm", "one")
    head = git("rev-parse", "HEAD")
    (repo / "results.json").write_text("{}")  # untracked, as results files are
    assert source_version(repo) == {"commit": head, "changed": False}
    (repo / "code.py").write_text("x = 2\n")
    assert source_version(repo) == {"commit": head, "changed": True}
    outside = tmp_path / "no-checkout"
    outside.mkdir()
    assert source_version(outside) is None

    report = empty_report()
    report["source"] = {"commit": head, "changed": True}
    assert markdown(report).splitlines()[0].endswith(f"at commit {head[:7]} with uncommitted changes")
    report["source"] = None
    assert markdown(report).splitlines()[0].endswith("commit not known")
