"""The store as JSON-LD: every named graph, compacted with one context of the project's prefixes.

The context maps each prefix of graph.namespaces (``ev:``, ``grade:``, ``drug:``, ``skos:``, ...)
to its namespace, so IRIs read as CURIEs (``drug:azathioprine``) and the document loads back into
any JSON-LD processor as the same quads. rdflib compacts it.

>>> CONTEXT["@context"]["ev"]
'https://w3id.org/evidence-graph/ontology#'
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset

from graph.namespaces import PREFIXES
from graph.store import Store

#: The JSON-LD context of every document the project writes: its prefixes, defined once.
CONTEXT: dict[str, Any] = {"@context": dict(sorted(PREFIXES.items()))}


def dataset_jsonld(store: Store) -> str:
    """Every named graph of the store as one compacted JSON-LD document (``@graph`` per named graph)."""
    dataset = Dataset()
    dataset.parse(data=store.dump(ox.RdfFormat.N_QUADS), format="nquads")
    document = json.loads(dataset.serialize(format="json-ld", context=CONTEXT["@context"]))
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
