"""Fetching nodes and the nodes that point at them, many at a time (one query per batch).

These are the batch functions behind the API's DataLoaders: whatever the number of results,
one call is one SPARQL round trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.namespaces import PREFIXES, PROV
from graph.store import Store, Term, text

RDF_TYPE = PREFIXES["rdf"] + "type"


@dataclass
class Entity:
    """A node with its outgoing properties: predicate IRI -> values, in a stable order."""

    iri: str
    properties: dict[str, list[Term]] = field(default_factory=dict)

    def all(self, predicate: str) -> list[Term]:
        """Every value of ``predicate``."""
        return self.properties.get(predicate, [])

    def one(self, predicate: str) -> Term | None:
        """The first value of ``predicate``, or None."""
        values = self.properties.get(predicate)
        return values[0] if values else None

    def string(self, predicate: str) -> str | None:
        """The lexical value of the first value of ``predicate``, or None."""
        value = self.one(predicate)
        return None if value is None else text(value)

    def strings(self, predicate: str) -> list[str]:
        """The lexical values of every value of ``predicate``, sorted."""
        return sorted(text(v) for v in self.all(predicate))

    def iris(self, predicate: str) -> list[str]:
        """The IRIs among the values of ``predicate``, in IRI order."""
        return sorted(v.value for v in self.all(predicate) if isinstance(v, ox.NamedNode))

    def iri_of(self, predicate: str) -> str | None:
        """The first IRI value of ``predicate``, or None."""
        values = self.iris(predicate)
        return values[0] if values else None

    def flag(self, predicate: str) -> bool:
        """A boolean property, false when absent."""
        return self.string(predicate) == "true"

    @property
    def types(self) -> set[str]:
        """The node's rdf:type IRIs."""
        return set(self.iris(RDF_TYPE))


def iri_list(iris: Iterable[str]) -> str:
    """IRIs as a SPARQL VALUES body, each serialized (and so checked) by pyoxigraph.

    >>> iri_list(["http://example.org/a"])
    '<http://example.org/a>'
    """
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def describe(store: Store, iris: Sequence[str]) -> dict[str, Entity]:
    """Every outgoing property of each IRI, in one query; unknown IRIs are absent."""
    if not iris:
        return {}
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {iri_list(set(iris))} }} ?s ?p ?o }}")
    found: dict[str, Entity] = {}
    for row in rows:
        entity = found.setdefault(text(row["s"]), Entity(text(row["s"])))
        values = entity.properties.setdefault(text(row["p"]), [])
        if row["o"] not in values:  # the same triple may sit in two named graphs
            values.append(row["o"])
    return found


def referrers(
    store: Store, predicate: str, iris: Sequence[str], kind: str | Sequence[str] | None = None
) -> dict[str, list[str]]:
    """For each IRI, the subjects pointing at it through ``predicate``, sorted by IRI.

    ``kind`` keeps subjects of one class only; retracted claims are left out.
    """
    if not iris:
        return {}
    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    kind_pattern = f"VALUES ?kind {{ {iri_list(kinds)} }} ?s a ?kind ." if kinds else ""
    rows = store.select(
        f"""SELECT DISTINCT ?o ?s WHERE {{
          VALUES ?o {{ {iri_list(set(iris))} }}
          ?s {ox.NamedNode(predicate)} ?o . {kind_pattern}
          FILTER NOT EXISTS {{ ?s {ox.NamedNode(str(PROV.invalidatedAtTime))} ?retracted }}
        }} ORDER BY ?s"""
    )
    found: dict[str, list[str]] = {i: [] for i in iris}
    for row in rows:
        found.setdefault(text(row["o"]), []).append(text(row["s"]))
    return found
