"""The gap report (graph.gaps) as text for a terminal and as Markdown for an issue or a review.

Both list the counts per source, then each kind of gap with what it means, and every gap with
its node, what is wrong and the curators' notes on it. JSON is ``GapReport.to_json``.
"""

from __future__ import annotations

from graph.gaps import GAP_DESCRIPTIONS, GAP_KINDS, GapReport
from graph.namespaces import shorten
from graph.sheet_formats import markdown_text


def _counts(counts: dict[str, int]) -> str:
    shown = [f"{kind} {n}" for kind, n in counts.items() if n]
    return ", ".join(shown) or "none"


def gaps_text(report: GapReport) -> str:
    """The report for a terminal: counts per source, then the gaps by kind."""
    scope = "" if report.source is None else f" of {shorten(report.source)}"
    lines = [f"{len(report.gaps)} gap(s){scope}: {_counts(report.counts)}"]
    lines += [f"  {s.title} ({shorten(s.iri)}): {s.total}" for s in report.sources]
    for kind in GAP_KINDS:
        gaps = [g for g in report.gaps if g.kind == kind]
        if not gaps:
            continue
        lines += ["", f"{kind} ({len(gaps)}): {GAP_DESCRIPTIONS[kind]}"]
        for gap in gaps:
            lines.append(f"  {gap.label}  {shorten(gap.iri)}")
            if gap.detail != GAP_DESCRIPTIONS[kind]:
                lines.append(f"    {gap.detail}")
            lines += [f"    note: {note}" for note in gap.notes]
    return "\n".join(lines) + "\n"


def gaps_markdown(report: GapReport) -> str:
    """The report as Markdown: a table of counts per source, then a section per kind of gap."""
    md = markdown_text
    lines = ["# Gap report", ""]
    if report.source is not None:
        lines += [f"Source: `{shorten(report.source)}`", ""]
    kinds = [k for k in GAP_KINDS if report.counts[k]]
    lines += [
        "| source | total | " + " | ".join(kinds) + " |",
        "| --- | ---: |" + " ---: |" * len(kinds),
    ]
    for s in report.sources:
        lines.append(f"| {md(s.title)} | {s.total} | " + " | ".join(str(s.counts[k]) for k in kinds) + " |")
    lines.append(f"| all | {len(report.gaps)} | " + " | ".join(str(report.counts[k]) for k in kinds) + " |")
    for kind in kinds:
        lines += ["", f"## {kind} ({report.counts[kind]})", "", md(GAP_DESCRIPTIONS[kind]), ""]
        for gap in (g for g in report.gaps if g.kind == kind):
            detail = "" if gap.detail == GAP_DESCRIPTIONS[kind] else f": {md(gap.detail)}"
            lines.append(f"- **{md(gap.label)}** (`{shorten(gap.iri)}`){detail}")
            lines += [f"  - {md(note)}" for note in gap.notes]
    return "\n".join(lines) + "\n"
