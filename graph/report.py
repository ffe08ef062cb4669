"""The validation report a person reads: results with their severity, focus node, path and message.

Both validators (the compiled one, graph.shacl_run, and pySHACL, graph.pyshacl_reference) give
this report; :func:`locate` adds the file and line where each focus node is described.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from graph.namespaces import shorten

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
#: The order of a report's results: Violations, then Warnings, then Infos.
ORDER = ["Violation", "Warning", "Info"]


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: what is wrong, where, and how bad."""

    severity: str
    focus_node: str
    focus_label: str | None
    path: str | None
    value: str | None
    message: str
    source_shape: str | None
    file: str | None = None
    line: int | None = None

    def to_text(self) -> str:
        """A few lines for a terminal."""
        where = (
            f"{self.file}:{self.line}: "
            if self.file and self.line
            else (f"{self.file}: " if self.file else "")
        )
        label = f"{self.focus_label!r} " if self.focus_label else ""
        lines = [f"{where}{self.severity}: {label}{shorten(self.focus_node)}"]
        if self.path:
            lines.append(f"  path:    {self.path}")
        if self.value is not None:
            lines.append(f"  value:   {self.value}")
        lines.append(f"  message: {self.message}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ValidationReport:
    """All results of one validation; conforms when there is no Violation."""

    results: list[ValidationResult] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        """True when no result is a Violation (Warnings and Infos pass)."""
        return self.violation_count == 0

    def _count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def violation_count(self) -> int:
        """Number of Violations."""
        return self._count("Violation")

    @property
    def warning_count(self) -> int:
        """Number of Warnings."""
        return self._count("Warning")

    @property
    def violations(self) -> list[ValidationResult]:
        """The Violations only."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        """The Warnings only."""
        return [r for r in self.results if r.severity == "Warning"]

    def to_text(self, results: list[ValidationResult] | None = None) -> str:
        """The report for a terminal: a summary line, then each result (or those given)."""
        summary = (
            f"{'Conforms' if self.conforms else 'Does not conform'}: "
            f"{self.violation_count} violation(s), {self.warning_count} warning(s), "
            f"{self._count('Info')} info(s)"
        )
        shown = self.results if results is None else results
        return "\n".join([summary, *(r.to_text() for r in shown)])

    def to_json(self) -> str:
        """The report as JSON (``conforms``, counts and ``results``)."""
        return json.dumps(
            {
                "conforms": self.conforms,
                "violations": self.violation_count,
                "warnings": self.warning_count,
                "results": [asdict(r) for r in self.results],
            },
            indent=2,
            ensure_ascii=False,
        )


def in_order(results: list[ValidationResult]) -> list[ValidationResult]:
    """Results in a report's order: by severity (Violations first), focus node, path, message, value."""
    return sorted(
        results,
        key=lambda r: (
            ORDER.index(r.severity),
            r.focus_node,
            r.path or "",
            r.message,
            r.value or "",
            r.source_shape or "",
        ),
    )


def labels(data: ox.Store, nodes: set[URIRef], *, union: bool = False) -> dict[str, str]:
    """Each node's label (rdfs:label, skos:prefLabel or dcterms:title; the least of several), if any."""
    if not nodes:
        return {}
    values = " ".join(str(ox.NamedNode(str(n))) for n in nodes)
    query = f"""SELECT ?s (MIN(?l) AS ?label) WHERE {{
        VALUES ?s {{ {values} }} ?s <{RDFS.label}>|<{SKOS.prefLabel}>|<http://purl.org/dc/terms/title> ?l
    }} GROUP BY ?s"""
    found: dict[str, str] = {}
    for row in data.query(query, use_default_graph_as_union=union):  # type: ignore[union-attr]
        subject, label = row["s"], row["label"]
        if isinstance(subject, ox.NamedNode) and isinstance(label, ox.Literal):
            found[subject.value] = label.value
    return found


def term_text(term: Node | None) -> str | None:
    """A term as a report shows it: a CURIE, a literal in N-Triples, or (blank node)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return shorten(str(term))
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        return "(blank node)"
    return str(term)


def path_text(report: Graph, path: Node | None) -> str | None:
    """A result's path as a report shows it (a CURIE, ^ for an inverse path)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return shorten(str(path))
    inverse = report.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return "^" + shorten(str(inverse))
    return "(complex path)"


def locate(results: list[ValidationResult], files: dict[str, Path]) -> list[ValidationResult]:
    """Add the file and line where each focus node is described, given graph IRI -> file.

    The line is the first one whose first token is the node's IRI or its prefixed name: where
    the curator wrote the node's description. Each file is indexed once (token -> first line),
    so locating is linear in the files' size, whatever the number of results.
    """
    if not results:
        return results
    indexes = {iri: _first_lines(path) for iri, path in files.items()}
    located = []
    for result in results:
        hit = _find(result.focus_node, indexes)
        if hit is None:
            located.append(result)
            continue
        iri, line = hit
        located.append(ValidationResult(**{**asdict(result), "file": str(files[iri]), "line": line}))
    return located


def _first_lines(path: Path) -> dict[str, int]:
    index: dict[str, int] = {}
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            token = text.split(None, 1)[0] if text.strip() else ""
            if token and token not in index:
                index[token] = number
    return index


def _find(node: str, indexes: dict[str, dict[str, int]]) -> tuple[str, int] | None:
    short = shorten(node)
    spellings = [f"<{node}>", short] if not short.startswith("<") else [short]
    for iri, index in indexes.items():
        for spelling in spellings:
            if spelling in index:
                return iri, index[spelling]
    return None
