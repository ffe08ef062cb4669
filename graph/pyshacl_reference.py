"""pySHACL itself, validating a candidate store: the reference the compiled validator is checked against.

Imported only where it is asked for (``EVIDENCE_GRAPH_VALIDATOR=pyshacl``, the comparison tests,
the benchmarks): the compiled validator (graph.shacl_run) needs none of it.
"""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
from pyshacl import graph_abstraction
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from graph.namespaces import shorten
from graph.report import (
    SEVERITIES,
    ValidationReport,
    ValidationResult,
    in_order,
    labels,
    path_text,
    term_text,
)
from graph.shapes import shapes_graph


def _always_true(_: object) -> bool:
    return True


# pyshacl tests its data graph for truth (``datagraph or ...``) while building every result; on
# an Oxigraph-backed graph that falls back to __len__, which counts the whole store each time.
# A data graph object is always "there": answering True directly gives the same results, much
# faster. Reported upstream.
_oxigraph_graph = getattr(graph_abstraction, "OxigraphDataGraph", None)
if _oxigraph_graph is not None and "__bool__" not in vars(_oxigraph_graph):
    _oxigraph_graph.__bool__ = _always_true


def validate_store_pyshacl(
    data: ox.Store, focus: list[str] | None = None, *, union: bool = False
) -> ValidationReport:
    """Validate with pySHACL: the reference the compiled validator is checked against.

    pyshacl runs on the Oxigraph store itself, so SPARQL-based constraints are evaluated by
    Oxigraph rather than parsed again by rdflib for every focus node. ``focus`` limits
    validation to those nodes (but pyshacl then misses results found through ``sh:node``);
    ``union`` validates the union of the store's named graphs (copied to a default graph).
    """
    if union:
        merged = ox.Store()
        merged.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in data)
        data = merged
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
    found = labels(data, {o for o in results_graph.objects(None, SH.focusNode) if isinstance(o, URIRef)})
    results = [_result(results_graph, found, node) for node in results_graph.subjects(SH.resultSeverity)]
    return ValidationReport(results=in_order(results))


def _result(report: Graph, found: dict[str, str], node: Node) -> ValidationResult:
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    message = report.value(node, SH.resultMessage)
    shape = report.value(node, SH.sourceShape)
    severity = report.value(node, SH.resultSeverity)
    return ValidationResult(
        severity=SEVERITIES.get(URIRef(str(severity)), str(severity)),
        focus_node=str(focus),
        focus_label=found.get(str(focus)),
        path=path_text(report, path),
        value=term_text(value),
        message=str(message) if message is not None else "(no message)",
        source_shape=shorten(str(shape)) if isinstance(shape, URIRef) else None,
    )
