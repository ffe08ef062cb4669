"""SHACL validation of a candidate state, and the report a person reads.

The candidate is the union of every graph that would be in the store after a write (ontology
included, so that ``sh:class`` follows ``rdfs:subClassOf``). Shapes come from ``shapes/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from pyshacl import graph_abstraction
from rdflib import RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from graph.namespaces import shorten
from graph.paths import shapes_files

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


def _always_true(_: object) -> bool:
    return True


# pyshacl tests its data graph for truth (``datagraph or ...``) while building every result; on
# an Oxigraph-backed graph that falls back to __len__, which counts the whole store each time.
# A data graph object is always "there": answering True directly makes validation of a 10k
# triple graph about 9x faster with identical results (bench/README.md). Reported upstream.
_oxigraph_graph = getattr(graph_abstraction, "OxigraphDataGraph", None)
if _oxigraph_graph is not None and "__bool__" not in vars(_oxigraph_graph):
    _oxigraph_graph.__bool__ = _always_true


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


@cache
def _parsed_shapes() -> Graph:
    graph = Graph()
    for path in shapes_files():
        graph.parse(path, format="turtle")
    return graph


def shapes_graph() -> Graph:
    """A fresh copy of the shapes graph, cheaper than parsing the Turtle again.

    pyshacl may change the graph it is given, so one is never shared between validations.
    """
    graph = Graph()
    for prefix, namespace in _parsed_shapes().namespaces():
        graph.bind(prefix, namespace)
    graph += _parsed_shapes()
    return graph


def candidate_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory Oxigraph store holding the quads' triples in its default graph."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return store


def validate_store(data: ox.Store, *, union: bool = False) -> ValidationReport:
    """Validate the default graph of an Oxigraph store (ontology included) against the shapes.

    ``union`` validates the union of the store's named graphs instead of its default graph.

    The shapes are compiled to SPARQL and run by Oxigraph (:mod:`graph.shacl_sparql`): a
    handful of queries over all focus nodes instead of pyshacl's per-node Python work, 10-30x
    faster. ``tests/test_shacl_sparql.py`` checks that it gives exactly pySHACL's results
    (:func:`validate_store_pyshacl`, the reference) on the bundled content, every shape's
    mutation cases and generated graphs.
    """
    from graph.shacl_sparql import validate_store_sparql  # noqa: PLC0415 - it builds on this module

    return validate_store_sparql(data, union=union)


def validate_store_pyshacl(data: ox.Store, focus: list[str] | None = None) -> ValidationReport:
    """Validate with pySHACL: the reference the compiled validator is checked against.

    pyshacl runs on the Oxigraph store itself, so SPARQL-based constraints are evaluated by
    Oxigraph rather than parsed again by rdflib for every focus node. ``focus`` limits
    validation to those nodes (but pyshacl then misses results found through ``sh:node``).
    """
    _, results_graph, _ = pyshacl.validate(
        data,  # type: ignore[arg-type]  # pyshacl >= 0.30 accepts an Oxigraph store; its hints lag
        shacl_graph=shapes_graph(),
        advanced=True,
        inference="none",
        allow_infos=True,
        allow_warnings=True,
        focus_nodes=[URIRef(n) for n in focus] if focus else None,
    )
    assert isinstance(results_graph, Graph)
    labels = _labels(data, {o for o in results_graph.objects(None, SH.focusNode) if isinstance(o, URIRef)})
    results = [_result(results_graph, labels, node) for node in results_graph.subjects(SH.resultSeverity)]
    order = ["Violation", "Warning", "Info"]
    results.sort(key=lambda r: (order.index(r.severity), r.focus_node, r.path or "", r.message))
    return ValidationReport(results=results)


def validate_quads(quads: Iterable[ox.Quad]) -> ValidationReport:
    """Validate a candidate state given as quads (their graphs merged)."""
    return validate_store(candidate_store(quads))


def _labels(data: ox.Store, nodes: set[URIRef], *, union: bool = False) -> dict[str, str]:
    if not nodes:
        return {}
    values = " ".join(str(ox.NamedNode(str(n))) for n in nodes)
    query = f"""SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{
        VALUES ?s {{ {values} }} ?s <{RDFS.label}>|<{SKOS.prefLabel}>|<http://purl.org/dc/terms/title> ?l
    }} GROUP BY ?s"""
    found: dict[str, str] = {}
    for row in data.query(query, use_default_graph_as_union=union):  # type: ignore[union-attr]
        subject, label = row["s"], row["label"]
        if isinstance(subject, ox.NamedNode) and isinstance(label, ox.Literal):
            found[subject.value] = label.value
    return found


def _result(report: Graph, labels: dict[str, str], node: Node) -> ValidationResult:
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    message = report.value(node, SH.resultMessage)
    shape = report.value(node, SH.sourceShape)
    severity = report.value(node, SH.resultSeverity)
    return ValidationResult(
        severity=SEVERITIES.get(URIRef(str(severity)), str(severity)),
        focus_node=str(focus),
        focus_label=labels.get(str(focus)),
        path=_path_text(report, path),
        value=_term_text(value),
        message=str(message) if message is not None else "(no message)",
        source_shape=shorten(str(shape)) if isinstance(shape, URIRef) else None,
    )


def _term_text(term: Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return shorten(str(term))
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        return "(blank node)"
    return str(term)


def _path_text(report: Graph, path: Node | None) -> str | None:
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
