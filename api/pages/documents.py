"""The pages of the ontology and of the shapes: each term or shape with its definition.

Each is anchored by its local name, so that ``/ontology#IndicationStatement`` lands on the class
it names.

Read from the ontology and shapes files as graph.shapes parses them (once), not from the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from rdflib import OWL, RDF, RDFS, SH, SKOS, Graph, URIRef
from rdflib.term import Node

from api.pages.claim_rows import Link
from api.pages.iris import Iris
from graph.namespaces import EV, SHAPE, shorten
from graph.shapes import ontology_graph, shapes_graph


@dataclass(frozen=True)
class Term:
    """A class, property, concept or shape: its anchor, name, definition and related terms."""

    anchor: str
    iri: str
    label: str
    definition: str
    related: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def curie(self) -> str:
        """The term as a CURIE (``ev:IndicationStatement``)."""
        return shorten(self.iri)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _label(graph: Graph, node: Node) -> str:
    for predicate in (RDFS.label, SKOS.prefLabel):
        value = graph.value(node, predicate)
        if value is not None:
            return str(value)
    return _local(str(node))


def _names(nodes: Iterable[Node | None]) -> tuple[str, ...]:
    """IRIs as CURIEs, sorted; literals as written."""
    return tuple(sorted(shorten(str(n)) if isinstance(n, URIRef) else str(n) for n in nodes if n is not None))


def _terms(graph: Graph, kind: URIRef, related: tuple[tuple[str, URIRef], ...]) -> list[Term]:
    """Every term of the ontology's namespace typed ``kind``, by label."""
    found = []
    for node in set(graph.subjects(RDF.type, kind)):
        if not isinstance(node, URIRef) or not str(node).startswith(str(EV)):
            continue
        definition = graph.value(node, SKOS.definition) or graph.value(node, RDFS.comment) or ""
        links = tuple(
            (heading, names)
            for heading, predicate in related
            if (names := _names(graph.objects(node, predicate)))
        )
        found.append(Term(_local(str(node)), str(node), _label(graph, node), str(definition), links))
    return sorted(found, key=lambda t: (t.label.lower(), t.iri))


@cache
def ontology_terms() -> dict[str, list[Term]]:
    """The ontology's classes, properties and concepts, each list by label."""
    graph = ontology_graph()
    properties = [
        *_terms(graph, OWL.ObjectProperty, (("Domain", RDFS.domain), ("Range", RDFS.range))),
        *_terms(graph, OWL.DatatypeProperty, (("Domain", RDFS.domain), ("Range", RDFS.range))),
        *_terms(graph, OWL.AnnotationProperty, ()),
    ]
    return {
        "Classes": _terms(
            graph, OWL.Class, (("Subclass of", RDFS.subClassOf), ("Close match", SKOS.closeMatch))
        ),
        "Properties": sorted(properties, key=lambda t: (t.label.lower(), t.iri)),
        "Concepts": _terms(graph, SKOS.Concept, (("Notation", SKOS.notation), ("Scheme", SKOS.inScheme))),
    }


def ontology_schemes(iris: Iris) -> list[Link]:
    """The grading schemes the ontology files define, linked to their pages."""
    graph = ontology_graph()
    schemes = [s for s in set(graph.subjects(RDF.type, EV.GradingScheme)) if isinstance(s, URIRef)]
    return sorted(
        (Link(iris.link(str(s)), _label(graph, s)) for s in schemes), key=lambda link: link.text.lower()
    )


@cache
def shape_terms() -> list[Term]:
    """The node shapes: what each targets and the paths it constrains."""
    graph = shapes_graph()
    found = []
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)):
        if not isinstance(shape, URIRef) or not str(shape).startswith(str(SHAPE)):
            continue
        paths = [graph.value(p, SH.path) for p in graph.objects(shape, SH.property)]
        related = (
            ("Targets", _names(graph.objects(shape, SH.targetClass))),
            ("Paths", _names(paths)),
        )
        comment = graph.value(shape, RDFS.comment) or graph.value(shape, SH.message) or ""
        found.append(Term(_local(str(shape)), str(shape), _label(graph, shape), str(comment), related))
    return sorted(found, key=lambda t: (t.label.lower(), t.iri))
