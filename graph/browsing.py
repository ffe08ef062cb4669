"""What pages for people read beside claims: nodes that point at a node, the drugs claims are about.

Each is one query, bounded by ``limit`` where the answer may grow with the graph.

>>> from graph.store import EvidenceStore
>>> drugs_with_claims(EvidenceStore())
[]
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph.entity import solutions
from graph.store import Store, text


@dataclass(frozen=True)
class DrugCount:
    """A drug that claims are about, its label and how many live claims are about it."""

    iri: str
    label: str | None
    claims: int


_DRUGS = """SELECT ?drug (COUNT(DISTINCT ?claim) AS ?claims) (MIN(STR(?name)) AS ?label) WHERE {
  ?claim ev:drug ?drug . FILTER(isIRI(?drug))
  FILTER NOT EXISTS { ?claim prov:invalidatedAtTime ?retractedAt }
  OPTIONAL { ?drug rdfs:label ?name }
} GROUP BY ?drug"""


def drugs_with_claims(store: Store) -> list[DrugCount]:
    """Every drug some live claim is about, with its claim count, by label (then IRI)."""
    found = [
        DrugCount(text(drug), text(label) if label is not None else None, int(text(count)))
        for drug, count, label in solutions(store, _DRUGS, ("drug", "claims", "label"))
        if drug is not None and count is not None
    ]
    return sorted(found, key=lambda d: ((d.label or "").lower(), d.iri))


def narrower(store: Store, iri: str, limit: int) -> list[str]:
    """The nodes whose ``skos:broader`` is ``iri`` (at most ``limit``), in IRI order."""
    rows = solutions(
        store,
        f"SELECT ?s WHERE {{ ?s skos:broader {ox.NamedNode(iri)} FILTER(isIRI(?s)) }} "
        f"ORDER BY ?s LIMIT {int(limit)}",
        ("s",),
    )
    return [text(s) for (s,) in rows if s is not None]


def pointing_at(store: Store, iri: str, limit: int) -> list[tuple[str, str]]:
    """(subject, predicate) of the triples whose object is ``iri``, IRI subjects only, at most ``limit``."""
    rows = solutions(
        store,
        f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {ox.NamedNode(iri)} FILTER(isIRI(?s)) }} LIMIT {int(limit)}",
        ("s", "p"),
    )
    return [(text(s), text(p)) for s, p in rows if s is not None and p is not None]
