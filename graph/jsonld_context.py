"""The store as JSON-LD: every named graph, compacted with one context of the project's prefixes.

The context maps each prefix of graph.namespaces (``ev:``, ``grade:``, ``drug:``, ``skos:``, ...)
to its namespace, so IRIs read as CURIEs (``drug:azathioprine``) and the document loads back into
any JSON-LD processor as the same quads. rdflib compacts each graph.

>>> CONTEXT["@context"]["ev"]
'https://w3id.org/evidence-graph/ontology#'
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.plugins.serializers.jsonld import from_rdf

from graph.namespaces import PREFIXES
from graph.store import Store

#: The JSON-LD context of every document the project writes: its prefixes, defined once.
CONTEXT: dict[str, Any] = {"@context": dict(sorted(PREFIXES.items()))}


def dataset_jsonld(store: Store) -> str:
    """Every named graph of the store as one compacted JSON-LD document (an ``@graph`` per named graph).

    Blank nodes are local to their named graph, as the loader makes them (one file, one graph).
    """
    graphs = []
    for name in store.graphs():
        triples = ox.serialize((q.triple for q in store.quads(name)), format=ox.RdfFormat.N_TRIPLES)
        graph = Graph().parse(data=triples or b"", format="nt")
        compacted = from_rdf(graph, context_data=CONTEXT["@context"])  # type: ignore[no-untyped-call]
        compacted.pop("@context", None)
        nodes = compacted.get("@graph", [compacted] if compacted else [])
        graphs.append({"@id": name.value, "@graph": nodes})
    document = {**CONTEXT, "@graph": graphs}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
