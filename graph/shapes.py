"""The ontology and the SHACL shapes (``ontology/``, ``shapes/``) as rdflib graphs, parsed once.

The shapes are what every validation checks a candidate against; the ontology defines the terms
(the GraphQL descriptions read it).
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph

from graph.paths import ontology_files, shapes_files


@cache
def ontology_graph() -> Graph:
    """The ontology, parsed once and shared: read it, never change it."""
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


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
