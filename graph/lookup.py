"""Finding a node from what a person types: an IRI, a label, a synonym or an identifier."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from graph.entity import Entity, describe, entities, iri_list, path_expression, solutions
from graph.store import Store, text


def _named(kinds: Sequence[str], key: str) -> str:
    """The pattern of a node ``?s`` of one of ``kinds`` whose IRI or a name is ``key`` (any case)."""
    literal = str(ox.Literal(key))
    return f"""VALUES ?kind {{ {iri_list(kinds)} }}
  ?s a ?kind .
  FILTER(STR(?s) = {literal} || EXISTS {{
    ?s rdfs:label|skos:altLabel|skos:prefLabel|ev:identifier|dcterms:title ?name
    FILTER(LCASE(STR(?name)) = LCASE({literal})) }})"""


_IS_A = "SELECT ?kind WHERE { VALUES ?kind { %s } %s a ?kind } LIMIT 1"


def find_nodes(store: Store, key: str, kinds: Sequence[str]) -> list[str]:
    """IRIs of nodes of one of ``kinds`` that ``key`` names, in IRI order.

    ``key`` may be the IRI, a label, a synonym, an identifier or a title (case-insensitive). An
    IRI of a node of one of ``kinds`` names that node alone, found by one index lookup; anything
    else is compared with the names of every node of those kinds. The key is written into the
    query as a term serialized by pyoxigraph.
    """
    node = _as_iri(key)
    if node is not None and store.select(_IS_A % (iri_list(kinds), node)):
        return [key]
    rows = store.select(f"SELECT ?s WHERE {{ {_named(kinds, key)} }} ORDER BY ?s")
    return list(dict.fromkeys(text(r["s"]) for r in rows))


def find_described(
    store: Store, key: str, kinds: Sequence[str], paths: Iterable[Sequence[str]] = ()
) -> tuple[str | None, dict[str, Entity]]:
    """The first node (in IRI order) that ``key`` names, as :func:`find_nodes` finds it, described.

    Returns its IRI (None: no node) and the entities of it and of every node reached from it
    along ``paths``, as :func:`graph.entity.describe` reads them, in one query: the lookup is
    a subquery of the describe (an IRI of a node of one of ``kinds`` is described at once).
    """
    steps = sorted({tuple(p) for p in paths if p})
    node = _as_iri(key)
    if node is not None:
        found = describe(store, [key], steps)
        if key in found and found[key].types.intersection(kinds):
            return key, found
    named = _named(kinds, key)
    if not steps:  # the node alone: its rows all have it as subject
        first = f"SELECT ?s WHERE {{ {named} }} ORDER BY ?s LIMIT 1"
        rows = solutions(store, f"SELECT ?s ?p ?o WHERE {{ {{ {first} }} ?s ?p ?o }}", ("s", "p", "o"))
        if not rows or rows[0][0] is None:
            return None, {}
        return text(rows[0][0]), entities(rows)
    first = f"SELECT (?s AS ?root) WHERE {{ {named} }} ORDER BY ?s LIMIT 1"
    nodes = (
        f"{{ SELECT DISTINCT ?root ?s WHERE {{ {{ {first} }} "
        f"?root {path_expression(steps)}? ?s FILTER(isIRI(?s)) }} }}"
    )
    rows = solutions(store, f"SELECT ?root ?s ?p ?o WHERE {{ {nodes} ?s ?p ?o }}", ("root", "s", "p", "o"))
    if not rows or rows[0][0] is None:
        return None, {}
    return text(rows[0][0]), entities(row[1:] for row in rows)


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
