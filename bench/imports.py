"""The full dataset imports: PharmacotherapyDB, then DrugCentral, beside the bundled content.

    python -m bench.imports                      # the datasets of testing.shared (make bench)
    python -m bench.imports --data DIR           # or those in DIR

Each import runs into one in-memory store holding the bundled content, as
``evidence-graph import`` does (validated against the shapes, committed atomically), then again
with ``--replace``; then the whole store is validated from scratch, for comparison. The report
gives the seconds, the rows imported and reported, the store's size and the process's peak
memory. Writes ``results/<timestamp>-imports.json`` and ``.md``. Without the datasets it says
where it looked and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.run import RESULTS_DIR, machine, source_version
from graph.datasets import ImportResult
from graph.drugcentral import import_drugcentral
from graph.load import bundled_files, load_sources
from graph.pharmacotherapydb import import_pharmacotherapydb
from graph.store import EvidenceStore, Store
from graph.validation import validate_quads
from testing import shared

DATASETS: list[tuple[str, str, Callable[..., ImportResult]]] = [
    ("pharmacotherapydb", "pharmacotherapydb", import_pharmacotherapydb),
    ("drugcentral", "drugcentral-2016", import_drugcentral),
]


def _timed(run: Callable[[], ImportResult]) -> tuple[float, ImportResult]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def measure(data: Path) -> dict[str, Any]:
    """Import both datasets into a store with the bundled content, then replace them."""
    store: Store = EvidenceStore()
    load_sources(store, bundled_files())
    figures: dict[str, Any] = {}
    for name, folder, run in DATASETS:
        seconds, result = _timed(lambda run=run, folder=folder: run(store, data / folder))
        again, _ = _timed(lambda run=run, folder=folder: run(store, data / folder, replace=True))
        figures[name] = {
            "seconds": round(seconds, 2),
            "replace_seconds": round(again, 2),
            "rows": result.rows,
            "rows_imported": result.imported_rows,
            "rows_reported": len(result.skipped),
            "claims": result.claims,
            "negated_claims": result.negated_claims,
            "violations": result.report.violation_count,
            "warnings": result.report.warning_count,
        }
    started = time.perf_counter()
    report = validate_quads(store.quads())
    figures["full_validation_seconds"] = round(time.perf_counter() - started, 2)
    figures["full_validation_violations"] = report.violation_count
    figures["quads"] = len(store)
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def markdown(figures: dict[str, Any], meta: dict[str, Any]) -> str:
    """The report as a Markdown table."""
    lines = [
        f"# Dataset imports, {meta['when']}",
        "",
        f"Machine: {json.dumps(meta['machine'])}. Source: {json.dumps(meta['source'])}.",
        f"Command: `{meta['command']}`.",
        "",
        "| dataset | rows | imported | reported | claims (negated) | import s | --replace s | violations |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, _, _ in DATASETS:
        f = figures[name]
        claims = f"{f['claims']} ({f['negated_claims']})"
        lines.append(
            f"| {name} | {f['rows']} | {f['rows_imported']} | {f['rows_reported']} | {claims} | "
            f"{f['seconds']} | {f['replace_seconds']} | {f['violations']} |"
        )
    lines += [
        "",
        f"Store afterwards: {figures['quads']} quads; a validation of all of it from scratch took "
        f"{figures['full_validation_seconds']} s ({figures['full_validation_violations']} violations); "
        f"peak memory {figures['peak_rss_mib']} MiB.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=shared.DATASETS, help="folder holding both datasets")
    args = parser.parse_args(argv)
    missing = [folder for _, folder, _ in DATASETS if not (args.data / folder).is_dir()]
    if missing:
        print(f"bench.imports: no {', '.join(missing)} in {args.data}; nothing measured")
        return 0
    figures = measure(args.data)
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    meta = {
        "when": when,
        "machine": machine(),
        "source": source_version(),
        "command": "python -m bench.imports",
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    base = RESULTS_DIR / f"{when}-imports"
    base.with_suffix(".json").write_text(json.dumps({"meta": meta, "figures": figures}, indent=2) + "\n")
    base.with_suffix(".md").write_text(markdown(figures, meta))
    print(markdown(figures, meta))
    print(f"written: {base}.json, {base}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
