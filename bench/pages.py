"""Pages for people over HTTP: how long the server takes to answer a page, at each size.

    python -m bench.pages                         # the bundled content (make bench-pages)
    python -m bench.pages --tiers 1M              # and the 1M tier (generated on first use)

The app is served by uvicorn in a child process (bench.run.Server, as for the GraphQL figures);
one keep-alive connection asks for each page in turn (bench.loadgen), ``Accept: text/html``, for
``--seconds`` each. On a generated tier the pages of its busiest drug (the most claims) are
measured beside azathioprine's. Writes ``results/<timestamp>-pages.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bench.loadgen import Connection
from bench.run import BUNDLED, RESULTS_DIR, Server, machine, sample, source_version
from testing.generate import TIERS

#: Targets: drug page p50 in ms, per tier.
TARGETS = {BUNDLED: 20.0, "1M": 150.0}
#: The pages measured on every tier (path, what it is).
PAGES = [
    ("/id/drug/azathioprine", "drug page (azathioprine)"),
    ("/id/claim/azathioprine-behcets-disease-indication", "claim page"),
    ("/id/source/dr-oracle-azathioprine-dermatology", "source page"),
    ("/id/reference/dr-oracle-azathioprine-1", "reference page"),
    ("/grade/dr-oracle-evidence", "grading scheme page"),
    ("/search?q=dermatitis", "search page"),
    ("/", "home page"),
    ("/sheets/azathioprine?format=pdf", "teaching sheet PDF (azathioprine)"),
]
#: Target: the teaching sheet's PDF p50 in ms (bundled content).
SHEET_TARGET = 2000.0
_BUSIEST = """SELECT ?drug (COUNT(?claim) AS ?claims) WHERE { ?claim ev:drug ?drug }
GROUP BY ?drug ORDER BY DESC(?claims) ?drug LIMIT 1"""


def get_request(port: int, path: str, accept: str = "text/html") -> bytes:
    """The bytes of one keep-alive GET."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Accept: {accept}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def busiest_drug(server: Server) -> tuple[str, int]:
    """The path of the drug with the most claims, and how many, asked of the server's /sparql."""
    answer = httpx.get(
        f"{server.url}/sparql?{urlencode({'query': _BUSIEST})}",
        headers={"Accept": "application/sparql-results+json"},
        timeout=600,
    )
    answer.raise_for_status()
    row = answer.json()["results"]["bindings"][0]
    iri = row["drug"]["value"]
    return "/" + iri.removeprefix("https://w3id.org/evidence-graph/"), int(row["claims"]["value"])


def measure(server: Server, pages: list[tuple[str, str]], seconds: float) -> dict[str, Any]:
    """p50/p99 of each page, one request at a time on one connection."""
    out: dict[str, Any] = {}
    connection = Connection("127.0.0.1", server.port)
    try:
        for path, name in pages:
            request = get_request(server.port, path)

            def ask(request: bytes = request, path: str = path) -> None:
                status, body = connection.send(request)
                expected = b"%PDF-" if "format=pdf" in path else b"<h1>"
                if status != 200 or expected not in body[:200_000]:
                    raise RuntimeError(f"{path}: HTTP {status}")

            out[name] = {"path": path, **sample(ask, seconds, max_n=5000)}
            print(f"  {name}: p50 {out[name]['p50_ms']} ms, p99 {out[name]['p99_ms']} ms", flush=True)
    finally:
        connection.close()
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every tier: serve it, measure its pages."""
    report: dict[str, Any] = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ"),
        "command": args.command,
        "machine": machine(),
        "source": source_version(),
        "tiers": {},
    }
    for tier in [BUNDLED, *args.tiers]:
        print(f"[{tier}]", flush=True)
        server = Server(tier, cache=0)
        try:
            pages = list(PAGES)
            if tier != BUNDLED:
                path, claims = busiest_drug(server)
                pages.insert(1, (path, f"drug page (busiest, {claims} claims)"))
            report["tiers"][tier] = measure(server, pages, args.seconds)
        finally:
            server.stop()
    return report


def targets(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(target, measured, met/missed/not measured) for each drug-page target."""
    rows = []
    for tier, limit in TARGETS.items():
        label = f"drug page p50 <= {limit:g} ms ({tier})"
        pages = report["tiers"].get(tier)
        if pages is None:
            rows.append((label, f"{tier} tier not run", "not measured"))
            continue
        drugs = {name: page for name, page in pages.items() if name.startswith("drug page")}
        worst = max(page["p50_ms"] for page in drugs.values())
        measured = ", ".join(f"{name}: {page['p50_ms']:.1f} ms" for name, page in drugs.items())
        rows.append((label, measured, "met" if worst <= limit else "missed"))
    sheet = report["tiers"].get(BUNDLED, {}).get("teaching sheet PDF (azathioprine)")
    label = f"teaching sheet PDF p50 <= {SHEET_TARGET / 1000:g} s ({BUNDLED})"
    if sheet is None:
        rows.append((label, "not run", "not measured"))
    else:
        rows.append(
            (label, f"{sheet['p50_ms']:.1f} ms", "met" if sheet["p50_ms"] <= SHEET_TARGET else "missed")
        )
    return rows


def markdown(report: dict[str, Any]) -> str:
    """The results as Markdown tables."""
    lines = [
        f"# Pages for people over HTTP, {report['timestamp']}",
        "",
        f"`{report['command']}`; one keep-alive connection, `Accept: text/html`, uvicorn in a child process.",
        "",
        "| tier | page | path | n | p50 ms | p99 ms |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    for tier, pages in report["tiers"].items():
        for name, page in pages.items():
            times = f"{page['p50_ms']:.2f} | {page['p99_ms']:.2f}"
            lines.append(f"| {tier} | {name} | `{page['path']}` | {page['n']} | {times} |")
    lines += ["", "| target | measured | status |", "| --- | --- | --- |"]
    lines += [f"| {t} | {m} | {s} |" for t, m, s in targets(report)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tiers", default="", help=f"generated tiers beside the bundled content ({', '.join(TIERS)})"
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="time budget per page (default 3)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    args.tiers = [t for t in args.tiers.split(",") if t]
    unknown = set(args.tiers) - set(TIERS)
    if unknown:
        parser.error(f"unknown tiers {sorted(unknown)}; known: {', '.join(TIERS)}")
    args.command = "python -m bench.pages " + " ".join(argv) if argv else "python -m bench.pages"
    report = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{report['timestamp']}-pages"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    table = markdown(report)
    stem.with_suffix(".md").write_text(table, encoding="utf-8")
    print()
    print(table)
    print(f"written: {stem}.json, {stem}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
