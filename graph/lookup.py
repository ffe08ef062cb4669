"""Finding a node from what a person types: an IRI, a label, a synonym or an identifier."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from graph.entity import iri_list
from graph.store import Store, text

_LOOKUP = """SELECT ?s WHERE {
  VALUES ?kind { %s }
  ?s a ?kind .
  FILTER(STR(?s) = %s || EXISTS {
    ?s rdfs:label|skos:altLabel|skos:prefLabel|ev:identifier|dcterms:title ?name
    FILTER(LCASE(STR(?name)) = LCASE(%s)) })
} ORDER BY ?s"""

_IS_A = "SELECT ?kind WHERE { VALUES ?kind { %s } %s a ?kind } LIMIT 1"


def find_nodes(store: Store, key: str, kinds: Sequence[str]) -> list[str]:
    """IRIs of nodes of one of ``kinds`` that ``key`` names, in IRI order.

    ``key`` may be the IRI, a label, a synonym, an identifier or a title (case-insensitive). An
    IRI of a node of one of ``kinds`` names that node alone, found by one index lookup; anything
    else is compared with the names of every node of those kinds. The key is written into the
    query as a term serialized by pyoxigraph.
    """
    kind_list = iri_list(kinds)
    node = _as_iri(key)
    if node is not None and store.select(_IS_A % (kind_list, node)):
        return [key]
    literal = str(ox.Literal(key))
    rows = store.select(_LOOKUP % (kind_list, literal, literal))
    return list(dict.fromkeys(text(r["s"]) for r in rows))


def _as_iri(key: str) -> ox.NamedNode | None:
    """``key`` as an IRI if it is an absolute one.

    >>> _as_iri("https://w3id.org/evidence-graph/id/drug/azathioprine") is not None
    True
    >>> _as_iri("azathioprine") is None, _as_iri("MONDO:0004980") is None
    (True, False)
    """
    if ":" not in key or any(c.isspace() for c in key):
        return None
    try:
        return ox.NamedNode(key)
    except ValueError:
        return None
