"""Compare one benchmark run with runs of another commit made in the same sitting.

    python -m bench.compare NEW.json OLD.json [OLD.json ...] [--output FILE.md]

For every figure both runs have (load and validation times, p50 latencies, requests per second;
the naive rdflib walk aside), the ratio of the new figure to the median of the old ones, worse
> 1 whatever the unit. Runs of the same code vary by several percent on a shared machine: run
the old commit more than once (``git worktree add``, then ``PYTHONPATH=<worktree> python -m
bench.run --quick`` there) and compare on one machine, one after the other.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Figures compared: the last key of their path in the results JSON.
FIGURES = ("p50_ms", "seconds", "requests_per_s")


def _figures(results: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[str, float]]:
    for key, value in results.items():
        here = (*path, key)
        if isinstance(value, dict):
            yield from _figures(value, here)
        elif key in FIGURES and isinstance(value, int | float) and not isinstance(value, bool):
            if "naive" in here or (here[0] == "throughput" and key == "seconds"):
                continue  # the naive baseline is not product code; a throughput run's length is set
            yield "/".join(here), float(value)


def compare(new: dict[str, Any], olds: list[dict[str, Any]]) -> list[tuple[str, list[float], float, float]]:
    """(figure, old values, new value, new / median of old: worse > 1), worst first.

    >>> new = {"tiers": {"bundled": {"queries": {"q": {"graphql": {"p50_ms": 1.2}}}}}}
    >>> old = {"tiers": {"bundled": {"queries": {"q": {"graphql": {"p50_ms": 1.0}}}}}}
    >>> compare(new, [old, old])
    [('tiers/bundled/queries/q/graphql/p50_ms', [1.0, 1.0], 1.2, 1.2)]
    """
    before = [dict(_figures(old)) for old in olds]
    rows = []
    for name, value in _figures(new):
        values = [b[name] for b in before if name in b]
        if not values or not value:
            continue
        median = statistics.median(values)
        ratio = median / value if name.endswith("requests_per_s") else value / median
        rows.append((name, values, value, round(ratio, 2)))
    return sorted(rows, key=lambda row: -row[3])


def report(new_path: Path, old_paths: list[Path]) -> str:
    """The comparison as Markdown: the runs compared, then every figure, worst first."""
    new = json.loads(new_path.read_text(encoding="utf-8"))
    olds = [json.loads(p.read_text(encoding="utf-8")) for p in old_paths]
    rows = compare(new, olds)

    def described(path: Path, run: dict[str, Any]) -> str:
        source = run.get("source", {})
        commit = source.get("commit", "?") if isinstance(source, dict) else "?"
        return f"`{path.name}` (commit {commit}, `{run.get('command', '?')}`)"

    lines = [
        f"New: {described(new_path, new)}.",
        "Old: " + "; ".join(described(p, r) for p, r in zip(old_paths, olds, strict=True)) + ".",
        "",
        f"Worst ratio (new / median of old, worse > 1): {rows[0][3] if rows else '-'} "
        f"over {len(rows)} figures.",
        "",
        "| figure | old | new | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {name} | {' / '.join(f'{v:.3f}' for v in values)} | {value:.3f} | {ratio:.2f} |"
        for name, values, value, ratio in rows
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the comparison (and write it to ``--output``)."""
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("new", type=Path, help="results JSON of the new run")
    parser.add_argument("old", type=Path, nargs="+", help="results JSON of runs of the old commit")
    parser.add_argument("--output", type=Path, help="also write the Markdown here")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    text = report(args.new, args.old)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
