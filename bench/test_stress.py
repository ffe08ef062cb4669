"""The pure helpers of bench/stress.py (the load proof itself runs in `make bench`, not here)."""

from __future__ import annotations

import json

import pytest

from api.graphql.limits import DocumentLimits, measure, parse_document
from api.graphql.schema import schema
from api.settings import Settings
from bench.stress import (
    HEAVY_QUERIES,
    Tally,
    evaluate,
    has_errors,
    percentiles,
    split_by_windows,
    tagged,
    vm_rss_bytes,
    write_targets,
)


def test_percentiles_nearest_rank_in_ms() -> None:
    summary = percentiles([i / 1000 for i in range(1, 101)])  # 1..100 ms
    assert summary["n"] == 100
    assert (summary["p50_ms"], summary["p90_ms"], summary["p99_ms"], summary["max_ms"]) == (50, 90, 99, 100)
    assert percentiles([]) == {"n": 0}
    assert percentiles([0.002])["p99_ms"] == 2


def test_write_targets_skip_taken_pairs_then_negate() -> None:
    found = write_targets(["d1", "d2"], ["c1", "c2"], {("d1", "c1")})
    assert found[:3] == [("d1", "c2", False), ("d2", "c1", False), ("d2", "c2", False)]
    assert found[3:] == [("d1", "c2", True), ("d2", "c1", True), ("d2", "c2", True)]
    assert len(set(found)) == len(found)


def test_vm_rss_bytes_reads_kib() -> None:
    assert vm_rss_bytes("Name:\tpython\nVmRSS:\t  123456 kB\nThreads:\t9\n") == 123456 * 1024
    with pytest.raises(ValueError, match="VmRSS"):
        vm_rss_bytes("Name:\tpython\n")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"data":{"x":1}}', False),
        (b'{"data":null,"errors":[{"message":"m"}]}', True),
        (json.dumps({"data": {"label": '"errors"'}}).encode(), False),
        (b"not json", False),
        (b'"errors" not json', True),
    ],
)
def test_has_errors(body: bytes, expected: bool) -> None:
    assert has_errors(body) is expected


def test_tally_counts_and_keeps_a_few_errors() -> None:
    tally = Tally()
    tally.good("a", 0.001)
    for i in range(8):
        tally.bad("b", f"HTTP 500 {i}")
    summary = tally.summary()
    assert (summary["requests"], summary["errors"]) == (9, 8)
    assert summary["errors_by_name"] == {"b": 8}
    assert len(summary["error_samples"]) == 5


@pytest.mark.parametrize("name", list(HEAVY_QUERIES))
def test_heavy_queries_are_legal_and_heavy(name: str) -> None:
    """Each heavy query is within the default limits and above the heavy-lane threshold."""
    settings = Settings()
    limits = DocumentLimits.from_settings(settings)
    query = tagged(HEAVY_QUERIES[name], "h1_2")
    assert "TAG" not in query
    found = measure(schema._schema, parse_document(query, limits), None, {}, limits)
    assert settings.graphql_heavy_nodes < found.nodes <= settings.graphql_max_nodes
    assert found.depth <= settings.graphql_max_depth
    assert found.aliases <= settings.graphql_max_aliases


def _phase(p99: float, errors: int = 0, growth: float = 1.0) -> dict[str, object]:
    summary = {"errors": errors, "latency": {"n": 100, "p99_ms": p99}}
    return {
        "reads": summary,
        "writes": {"errors": 0, "latency": {"n": 10, "p99_ms": 100.0}},
        "health": summary,
        "rss": {"growth_mb": growth, "start_mb": 100.0, "end_mb": 100.0 + growth, "peak_mb": 100.0 + growth},
    }


def test_evaluate_checks_each_target() -> None:
    report = {"unloaded": _phase(2.0), "loaded": _phase(4.0), "heavy": _phase(99.0), "combined": None}
    assert all(t.met for t in evaluate(report))
    report = {
        "unloaded": _phase(2.0),
        "loaded": _phase(4.1, errors=1, growth=60.0),
        "heavy": _phase(100.0),
        "combined": _phase(5.0, errors=2),
    }
    missed = {(t.phase, t.what) for t in evaluate(report) if not t.met}
    assert missed == {
        ("2 loaded", "errors (reads + writes)"),
        ("2 loaded", "read p99"),
        ("2 loaded", "server RSS growth"),
        ("3 heavy", "/health p99"),
        ("2+heavy", "/health errors"),
    }


def test_split_by_windows_finds_requests_overlapping_a_write() -> None:
    windows = [(10.0, 10.5), (11.0, 11.2)]
    starts = [9.0, 9.8, 10.2, 10.6, 10.9, 11.3]
    latencies = [0.1, 0.3, 0.1, 0.1, 0.2, 0.1]
    during, outside = split_by_windows(starts, latencies, windows)
    assert during == [0.3, 0.1, 0.2]
    assert outside == [0.1, 0.1, 0.1]
