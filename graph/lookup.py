"""Finding a node from what a person types: an IRI, a label, a synonym or an identifier."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from graph.entity import iri_list
from graph.store import Store, text

_LOOKUP = """SELECT ?s WHERE {
  VALUES ?kind { %s }
  ?s a ?kind .
  FILTER(STR(?s) = ?key || EXISTS {
    ?s rdfs:label|skos:altLabel|skos:prefLabel|ev:identifier|dcterms:title ?name
    FILTER(LCASE(STR(?name)) = LCASE(?key)) })
} ORDER BY ?s"""


def find_nodes(store: Store, key: str, kinds: Sequence[str]) -> list[str]:
    """IRIs of nodes of one of ``kinds`` that ``key`` names, in IRI order.

    ``key`` may be the IRI, a label, a synonym, an identifier or a title (case-insensitive).
    """
    rows = store.select(_LOOKUP % iri_list(kinds), {"key": ox.Literal(key)})
    return list(dict.fromkeys(text(r["s"]) for r in rows))
