"""What a node's RDF answer holds: its own triples and what a reader needs beside them.

A node is described by its outgoing triples (from every named graph, each once), together with:

- the nodes that make it readable, reached along :data:`READ_WITH` (a claim's evidence items and
  their figures, a source's references, a reference's author list, a grading scheme's grades);
- the names (``rdfs:label``, ``skos:prefLabel``, ``skos:notation``, ``dcterms:title``) of every
  other node it links to, so that a reader sees "azathioprine", not only an IRI;
- the schema.org classes the ontology makes its nodes members of (``rdfs:subClassOf``, and the
  ontology's axiom that a licensed indication is a ``schema:ApprovedIndication``), so that
  schema.org readers know a drug or an indication when they see one.

Two queries, whatever the node. The ontology and the shapes are documents of their own, read from
their files (graph.paths), not from the store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import OWL, RDFS, BNode, URIRef
from rdflib.collection import Collection

from graph.entity import describe, entities, iri_list, solutions
from graph.jsonld import PAV, compact
from graph.namespaces import BIBO, EV, PREFIXES, SCHEMA
from graph.paths import ontology_files, shapes_files
from graph.rdf_xml import local_name
from graph.shapes import ontology_graph
from graph.store import Store, Term

SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
RDF_TYPE = PREFIXES["rdf"] + "type"

#: Paths (predicate sequences) to the nodes described with a node: the parts it is read with.
READ_WITH: tuple[tuple[str, ...], ...] = (
    (str(EV.evidence),),
    (str(EV.evidence), str(EV.figure)),
    (str(EV.figure),),
    (str(BIBO.authorList),),
    (DCTERMS + "hasPart",),
    (DCTERMS + "hasPart", str(BIBO.authorList)),
    (SKOS + "hasTopConcept",),
)

#: The predicates that name a node, read for every node a description links to.
NAMES: tuple[str, ...] = (
    PREFIXES["rdfs"] + "label",
    SKOS + "prefLabel",
    SKOS + "notation",
    DCTERMS + "title",
)


@dataclass(frozen=True)
class SchemaTypes:
    """The schema.org classes the ontology makes members of its classes, and of some of their nodes."""

    #: Class IRI -> the schema.org classes it is a subclass of (at any depth).
    of_class: dict[str, frozenset[str]]
    #: (class, property, value, schema.org class): a node of the class with that value is one.
    by_value: tuple[tuple[str, str, str, str], ...]

    def of(self, types: Iterable[str], values: dict[str, list[Term]]) -> set[str]:
        """The schema.org classes of a node of ``types`` whose properties are ``values``."""
        types = set(types)
        found = {schema for t in types for schema in self.of_class.get(t, ())}
        for cls, prop, value, schema in self.by_value:
            if cls in types and any(
                isinstance(v, ox.NamedNode) and v.value == value for v in values.get(prop, ())
            ):
                found.add(schema)
        return found


@cache
def schema_types() -> SchemaTypes:
    """What the ontology says of schema.org classes (read once from the ontology files).

    >>> sorted(schema_types().of_class[str(EV.IndicationStatement)])
    ['http://schema.org/MedicalIndication']
    """
    ontology = ontology_graph()
    schema = str(SCHEMA)
    of_class: dict[str, frozenset[str]] = {}
    for cls in set(ontology.subjects(RDFS.subClassOf, None)):
        if isinstance(cls, URIRef):
            supers = ontology.transitive_objects(cls, RDFS.subClassOf)
            found = frozenset(str(s) for s in supers if isinstance(s, URIRef) and str(s).startswith(schema))
            if found:
                of_class[str(cls)] = found
    by_value = []
    for restricted, super_class in ontology.subject_objects(RDFS.subClassOf):
        if not isinstance(restricted, BNode) or not str(super_class).startswith(schema):
            continue
        for members in ontology.objects(restricted, OWL.intersectionOf):
            parts = list(Collection(ontology, members))
            classes = [p for p in parts if isinstance(p, URIRef)]
            for part in parts:
                prop = ontology.value(part, OWL.onProperty)
                value = ontology.value(part, OWL.hasValue)
                if prop is not None and value is not None:
                    by_value += [(str(c), str(prop), str(value), str(super_class)) for c in classes]
    return SchemaTypes(of_class, tuple(sorted(by_value)))


def description(store: Store, iri: str) -> list[ox.Triple]:
    """The triples of the node's RDF answer (see the module's docstring), in a stable order.

    Empty when the store says nothing about ``iri``.
    """
    described = describe(store, [iri], READ_WITH)
    if iri not in described:
        return []
    triples: set[ox.Triple] = set()
    for entity in described.values():
        subject = ox.NamedNode(entity.iri)
        for predicate, values in entity.properties.items():
            triples.update(ox.Triple(subject, ox.NamedNode(predicate), value) for value in values)
    types = schema_types()
    for entity in described.values():
        for schema in types.of(entity.iris(RDF_TYPE), entity.properties):
            triples.add(ox.Triple(ox.NamedNode(entity.iri), ox.NamedNode(RDF_TYPE), ox.NamedNode(schema)))
    linked = {
        t.object.value
        for t in triples
        if isinstance(t.object, ox.NamedNode) and t.object.value not in described
    }
    triples.update(names(store, sorted(linked)))
    return sorted(triples, key=_order(iri))


def names(store: Store, iris: Sequence[str]) -> list[ox.Triple]:
    """The naming triples (:data:`NAMES`) of ``iris``, in one query."""
    if not iris:
        return []
    rows = solutions(
        store,
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {iri_list(iris)} }} "
        f"VALUES ?p {{ {iri_list(NAMES)} }} ?s ?p ?o }}",
        ("s", "p", "o"),
    )
    found = []
    for entity in entities(rows).values():
        subject = ox.NamedNode(entity.iri)
        found += [
            ox.Triple(subject, ox.NamedNode(p), o) for p, values in entity.properties.items() for o in values
        ]
    return found


def _order(first: str):  # type: ignore[no-untyped-def]
    """Sort key: the node's own triples first, then by subject, predicate and object."""

    def key(triple: ox.Triple) -> tuple[bool, str, str, str]:
        subject = triple.subject
        return (
            not (isinstance(subject, ox.NamedNode) and subject.value == first),
            str(subject),
            str(triple.predicate),
            str(triple.object),
        )

    return key


def _parsed(paths: Sequence[str]) -> list[ox.Triple]:
    """The triples of Turtle files, each once."""
    triples: set[ox.Triple] = set()
    for path in paths:
        with open(path, "rb") as stream:  # noqa: PTH123 - the path comes from graph.paths
            triples.update(q.triple for q in ox.parse(stream, format=ox.RdfFormat.TURTLE))
    return sorted(triples, key=str)


@cache
def _document(paths: tuple[str, ...]) -> tuple[ox.Triple, ...]:
    return tuple(_parsed(paths))


def ontology_document() -> list[ox.Triple]:
    """The ontology (ontology/: the vocabulary and the grading schemes), as its files state it."""
    return list(_document(tuple(str(p) for p in ontology_files())))


def shapes_document() -> list[ox.Triple]:
    """The SHACL shapes (shapes/), as their files state them."""
    return list(_document(tuple(str(p) for p in shapes_files())))


class Written(NamedTuple):
    """How an RDF format is asked for without negotiation (a suffix), and what people call it."""

    suffix: str
    name: str


#: The media types an RDF answer is written in, Turtle (the default) first.
RDF_MEDIA_TYPES: dict[str, Written] = {
    "text/turtle": Written(".ttl", "Turtle"),
    "application/n-triples": Written(".nt", "N-Triples"),
    "application/ld+json": Written(".jsonld", "JSON-LD"),
    "application/rdf+xml": Written(".rdf", "RDF/XML"),
}
_OXIGRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
#: Prefixes written in Turtle and RDF/XML answers.
WRITTEN_PREFIXES = {**PREFIXES, "pav": PAV}


class NotWritableError(ValueError):
    """The triples have no form in the media type asked for (RDF/XML and a predicate without a local name)."""


def serialize(
    triples: Sequence[ox.Triple], media_type: str, context_url: str, first: str | None = None
) -> bytes:
    r"""``triples`` in ``media_type`` (one of :data:`RDF_MEDIA_TYPES`); JSON-LD compacted (graph.jsonld).

    >>> a, b = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b")
    >>> serialize([ox.Triple(a, b, ox.Literal("c"))], "application/n-triples", "/context.jsonld")
    b'<http://example.org/a> <http://example.org/b> "c" .\n'
    """
    if media_type == "application/ld+json":
        return json.dumps(compact(triples, context_url, first), ensure_ascii=False, indent=2).encode()
    rdf_format = _OXIGRAPH_FORMATS[media_type]
    if rdf_format == ox.RdfFormat.RDF_XML:
        for triple in triples:
            if not local_name(triple.predicate.value):
                raise NotWritableError(
                    f"RDF/XML cannot write the predicate <{triple.predicate.value}>: it ends in no XML name"
                )
    prefixes = None if rdf_format == ox.RdfFormat.N_TRIPLES else WRITTEN_PREFIXES
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""
