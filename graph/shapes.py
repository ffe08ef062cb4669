"""The SHACL shapes (``shapes/``), parsed once: what every validation checks a candidate against."""

from __future__ import annotations

from functools import cache

from rdflib import Graph

from graph.paths import shapes_files


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
