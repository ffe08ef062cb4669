"""JSON-LD: the published ``@context`` of Evidence Graph, and triples compacted with it.

The context declares the project's prefixes (those of graph.jsonld_context, and PAV), makes
schema.org the vocabulary (the schema.org classes a node has, such as ``Drug`` or
``MedicalIndication``, read as schema.org terms), calls ``rdfs:label`` ``label``, and reads the
values of every object property of the ontology as IRIs. A document refers to the context by its
URL; compacted here with the same context, it expands to exactly the triples it was made from
(tests/test_linked_data.py).

>>> drug = ox.NamedNode("https://w3id.org/evidence-graph/id/drug/x")
>>> doc = compact([ox.Triple(drug, ox.NamedNode(RDFS_LABEL), ox.Literal("x"))], "/context.jsonld")
>>> doc["@context"], doc["@id"], doc["label"]
('/context.jsonld', 'drug:x', 'x')
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import OWL, RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.serializers.jsonld import from_rdf
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.term import Node

from graph.jsonld_context import CONTEXT
from graph.namespaces import PREFIXES, SCHEMA
from graph.shapes import ontology_graph
from graph.store import Store, Term

RDFS_LABEL = PREFIXES["rdfs"] + "label"
PAV = "http://purl.org/pav/"

#: Prefixes of the context: the project's (as every JSON-LD document it writes has them), and PAV.
_CONTEXT_PREFIXES: dict[str, str] = {**CONTEXT["@context"], "pav": PAV}

#: Links outside the ontology whose values are nodes (SKOS, Dublin Core, PROV, BIBO, PAV).
_STANDARD_LINKS = (
    "skos:exactMatch",
    "skos:closeMatch",
    "skos:broadMatch",
    "skos:narrowMatch",
    "skos:relatedMatch",
    "skos:broader",
    "skos:narrower",
    "skos:inScheme",
    "skos:hasTopConcept",
    "skos:topConceptOf",
    "dcterms:isPartOf",
    "dcterms:hasPart",
    "dcterms:license",
    "dcterms:source",
    "prov:wasDerivedFrom",
    "prov:wasAttributedTo",
    "prov:specializationOf",
    "rdfs:seeAlso",
    "rdfs:isDefinedBy",
    "bibo:authorList",
    "pav:retrievedFrom",
)


def _curie(iri: str) -> str | None:
    for name, namespace in _CONTEXT_PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{name}:{iri[len(namespace) :]}"
    return None


@cache
def context() -> dict[str, Any]:
    """The context document (``{"@context": {...}}``), made once from the prefixes and the ontology."""
    terms: dict[str, Any] = dict(_CONTEXT_PREFIXES)
    terms["@vocab"] = str(SCHEMA)
    terms["label"] = "rdfs:label"
    ontology = ontology_graph()
    links = sorted(
        curie
        for prop in ontology.subjects(RDF.type, OWL.ObjectProperty)
        if isinstance(prop, URIRef) and (curie := _curie(str(prop))) is not None
    )
    for curie in sorted({*links, *_STANDARD_LINKS}):
        terms[curie] = {"@type": "@id"}
    return {"@context": terms}


@cache
def _parsed_context() -> Context:
    """The context as rdflib reads it, read once (compaction only looks terms up in it)."""
    return Context(context()["@context"])


def compact(triples: Iterable[ox.Triple], context_url: str, first: str | None = None) -> dict[str, Any]:
    """``triples`` as a JSON-LD document compacted with :func:`context`, which it names by ``context_url``.

    Nodes come in IRI order, ``first`` (the node described) before the others; one node is the
    document itself, several are its ``@graph``.
    """
    graph = Graph()
    for triple in triples:
        graph.add((_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object)))
    document: dict[str, Any] = from_rdf(graph, context_data=_parsed_context())  # type: ignore[no-untyped-call]
    nodes = document.pop("@graph", None)
    document.pop("@context", None)
    if nodes is not None:
        ids = {first, _curie(first)} if first is not None else set()
        nodes.sort(key=lambda node: (node.get("@id") not in ids, str(node.get("@id"))))
        document = {"@graph": nodes}
    return {"@context": context_url, **document}


def _rdflib(term: Term) -> Node:
    """An Oxigraph term in rdflib, literals exactly as written (rdflib would rewrite "...Z" dates)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language is not None:
            return Literal(term.value, lang=term.language, normalize=False)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError("RDF-star triple terms have no JSON-LD form here")


def dataset_jsonld(store: Store) -> str:
    """Every named graph of the store as one JSON-LD document, compacted with :func:`context`.

    An ``@graph`` per named graph.

    Blank nodes are local to their named graph, as the loader makes them (one file, one graph).
    """
    graphs = []
    for name in store.graphs():
        triples = ox.serialize((q.triple for q in store.quads(name)), format=ox.RdfFormat.N_TRIPLES)
        graph = Graph().parse(data=triples or b"", format="nt")
        compacted = from_rdf(graph, context_data=_parsed_context())  # type: ignore[no-untyped-call]
        compacted.pop("@context", None)
        nodes = compacted.get("@graph", [compacted] if compacted else [])
        graphs.append({"@id": name.value, "@graph": nodes})
    document = {**context(), "@graph": graphs}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
