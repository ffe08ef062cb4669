"""Fetching nodes and the nodes that point at them, many at a time (one query per batch).

These are the batch functions behind the API's DataLoaders: whatever the number of results,
one call is one SPARQL round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Protocol

import pyoxigraph as ox

from graph.namespaces import PREFIXES, PROV
from graph.store import QueryResult, Store, Term, text

RDF_TYPE = PREFIXES["rdf"] + "type"


class Queryable(Protocol):
    """What describing nodes needs of a store: SPARQL queries (graph.store.Store has it)."""

    def query(self, sparql: str) -> QueryResult:
        """Run a SPARQL query, the union of the named graphs as default graph."""


@dataclass
class Entity:
    """A node with its outgoing properties: predicate IRI -> values, in a stable order.

    An entity read by :func:`describe_projected` holds only some predicates (``described``;
    None: all of them). Asking it for another predicate first
    completes it through ``completer`` (a describe of the node alone), so a partial entity
    never answers with a value missing: it costs a round trip instead.
    """

    iri: str
    properties: dict[str, list[Term]] = field(default_factory=dict)
    #: The predicates read (None: every predicate of the node).
    described: frozenset[str] | None = field(default=None, compare=False)
    #: Reads the complete entity of an IRI (None if nothing is said about it).
    completer: Callable[[str], Entity | None] | None = field(default=None, repr=False, compare=False)
    _types: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    def covers(self, predicates: frozenset[str] | None) -> bool:
        """Whether every value of ``predicates`` (None: of every predicate) is here."""
        return self.described is None or (predicates is not None and predicates <= self.described)

    def _values(self, predicate: str) -> list[Term] | None:
        """The values of ``predicate``, completing the entity first if it did not read them.

        The readers resolvers call most try ``properties`` first and come here only for a
        predicate that is absent: a call less per value.
        """
        values = self.properties.get(predicate)
        if values is None and self.described is not None and predicate not in self.described:
            self.complete()
            values = self.properties.get(predicate)
        return values

    def complete(self) -> None:
        """Read every predicate of the node, through ``completer`` (nothing to do if whole)."""
        if self.described is None:
            return
        if self.completer is None:
            raise LookupError(f"{self.iri}: a partial entity without a way to complete it")
        whole = self.completer(self.iri)
        self.merge(whole if whole is not None else Entity(self.iri))

    def merge(self, other: Entity) -> None:
        """Take in what ``other`` (a description of the same node) read and this one did not."""
        if self.described is None:
            return
        for predicate, values in other.properties.items():
            if predicate not in self.described:
                self.properties[predicate] = values
        self.described = None if other.described is None else self.described | other.described
        self._types = None

    def all(self, predicate: str) -> list[Term]:
        """Every value of ``predicate``."""
        return self._values(predicate) or []

    def one(self, predicate: str) -> Term | None:
        """The first value of ``predicate``, or None."""
        values = self.properties.get(predicate) or self._values(predicate)
        return values[0] if values else None

    def string(self, predicate: str) -> str | None:
        """The lexical value of the first value of ``predicate``, or None."""
        # one() and text() inlined: resolvers call this for most fields of most nodes
        values = self.properties.get(predicate) or self._values(predicate)
        if not values:
            return None
        value = values[0]
        return text(value) if type(value) is ox.Triple else value.value

    def strings(self, predicate: str) -> list[str]:
        """The lexical values of every value of ``predicate``, sorted."""
        return sorted(text(v) for v in self.all(predicate))

    def iris(self, predicate: str) -> list[str]:
        """The IRIs among the values of ``predicate``, in IRI order."""
        return sorted(v.value for v in self.all(predicate) if isinstance(v, ox.NamedNode))

    def iri_of(self, predicate: str) -> str | None:
        """The first IRI value of ``predicate`` in IRI order, or None."""
        values = self.properties.get(predicate) or self._values(predicate)
        if not values:
            return None
        if len(values) == 1:  # the common case, without building a sorted list
            value = values[0]
            return value.value if isinstance(value, ox.NamedNode) else None
        return min((v.value for v in values if isinstance(v, ox.NamedNode)), default=None)

    def flag(self, predicate: str) -> bool:
        """A boolean property, false when absent."""
        return self.string(predicate) == "true"

    @property
    def types(self) -> frozenset[str]:
        """The node's rdf:type IRIs (worked out once: an entity is not changed after it is read)."""
        types = self._types
        if types is None:
            values = self.properties.get(RDF_TYPE) or self._values(RDF_TYPE) or ()
            if len(values) == 1:  # the common case, without a comprehension
                (value,) = values
                types = frozenset((value.value,)) if type(value) is ox.NamedNode else frozenset()
            else:
                types = frozenset([v.value for v in values if type(v) is ox.NamedNode])
            self._types = types
        return types


def iri_list(iris: Iterable[str]) -> str:
    """IRIs as a SPARQL VALUES body, each serialized (and so checked) by pyoxigraph.

    >>> iri_list(["http://example.org/a"])
    '<http://example.org/a>'
    """
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def solutions(store: Store, sparql: str, names: Sequence[str]) -> list[tuple[Term | None, ...]]:
    """The rows of a SELECT query as tuples of ``names``'s values (None where unbound).

    Reads each solution by position, several times faster than a dict per row; the positions
    come from the result's own variables, so a server may list them in any order.
    """
    result = store.query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("solutions() needs a SELECT query")
    order = [v.value for v in result.variables]
    at = [order.index(n) for n in names]
    if len(at) == 1:
        (i,) = at
        return [(row[i],) for row in result]
    pick = itemgetter(*at)
    return [pick(row) for row in result]


def path_expression(paths: Iterable[Sequence[str]]) -> str:
    """A SPARQL property path matching any of ``paths`` (each a sequence of predicate IRIs).

    >>> path_expression([["http://example.org/a"], ["http://example.org/b", "http://example.org/c"]])
    '(<http://example.org/a>|<http://example.org/b>/<http://example.org/c>)'
    """
    steps = sorted(tuple(path) for path in paths)
    return "(" + "|".join("/".join(str(ox.NamedNode(p)) for p in path) for path in steps) + ")"


RDF_MEMBER = PREFIXES["rdf"] + "_"


def members(container: Entity) -> list[Term]:
    """The members of an RDF container (rdf:Seq) in order: the values of rdf:_1, rdf:_2, ...

    >>> seq = Entity("s", {RDF_MEMBER + n: [ox.Literal(v)] for n, v in [("2", "b"), ("10", "c"), ("1", "a")]})
    >>> [text(m) for m in members(seq)]
    ['a', 'b', 'c']
    """
    numbered = []
    for predicate, values in container.properties.items():
        number = predicate.removeprefix(RDF_MEMBER)
        if number != predicate and number.isdigit():
            numbered += [(int(number), i, value) for i, value in enumerate(values)]
    return [value for _, _, value in sorted(numbered, key=itemgetter(0, 1))]


def describe(store: Queryable, iris: Sequence[str], paths: Iterable[Sequence[str]] = ()) -> dict[str, Entity]:
    """Every outgoing property of each IRI, in one query; unknown IRIs are absent.

    With ``paths`` (sequences of predicate IRIs), the same query also describes every IRI reached
    from one of ``iris`` along one of the paths: a GraphQL selection's linked nodes, fetched with
    the nodes that link to them.
    """
    if not iris:
        return {}
    return _described(store, iris, paths, "")


def _described(
    store: Queryable, iris: Sequence[str], paths: Iterable[Sequence[str]], condition: str
) -> dict[str, Entity]:
    values = iri_list(set(iris))
    steps = sorted({tuple(p) for p in paths if p})
    if steps:
        # the IRIs themselves and what they lead to, each once. A union rather than the path
        # `(...)?`, which Virtuoso refuses from a VALUES start ("transitive start not given"); each
        # branch binds ?root itself, as a branch of VALUES alone finds nothing on Virtuoso.
        nodes = (
            f"{{ SELECT DISTINCT ?s WHERE {{ {{ VALUES ?root {{ {values} }} BIND(?root AS ?s) }} UNION "
            f"{{ VALUES ?root {{ {values} }} ?root {path_expression(steps)} ?s FILTER(isIRI(?s)) }} }} }}"
        )
    else:
        nodes = f"VALUES ?s {{ {values} }}"
    sparql = f"SELECT ?s ?p ?o WHERE {{ {nodes} ?s ?p ?o {condition} }}"
    result = store.query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("a describe query must give solutions")
    names = [v.value for v in result.variables]
    if names == ["s", "p", "o"]:
        return entities(result)
    pick = itemgetter(*(names.index(n) for n in ("s", "p", "o")))  # a server may order them otherwise
    return entities(pick(row) for row in result)


def describe_projected(
    store: Queryable,
    iris: Sequence[str],
    paths: Iterable[Sequence[str]],
    reads: frozenset[str],
    completer: Callable[[str], Entity | None],
) -> dict[str, Entity]:
    """Like :func:`describe`, reading only the predicates ``reads`` (and ``rdf:type``).

    The same one query as :func:`describe`, keeping the rows of those predicates: the entities
    are partial (see :class:`Entity`) and complete themselves with ``completer`` when asked for
    any other predicate.

    The predicates are a table joined to the rows (``OPTIONAL { VALUES (?p ?keep) ... }``,
    then ``BOUND``) rather than ``FILTER(?p IN (...))``: Oxigraph looks each row up in the table
    once, where ``IN`` compares it with every predicate in turn.
    """
    if not iris:
        return {}
    wanted = reads | {RDF_TYPE}
    found = _described(store, iris, paths, _kept(wanted))
    for entity in found.values():
        entity.described = wanted
        entity.completer = completer
    return found


@lru_cache(maxsize=512)
def _kept(predicates: frozenset[str]) -> str:
    """The pattern keeping the rows of ``predicates`` (see :func:`describe_projected`), made once."""
    table = " ".join(f"({ox.NamedNode(p)} true)" for p in sorted(predicates))
    return f"OPTIONAL {{ VALUES (?p ?keep) {{ {table} }} }} FILTER(BOUND(?keep))"


def entities(rows: Iterable[tuple[Term | None, ...]]) -> dict[str, Entity]:
    """Entities from ``(subject, predicate, object)`` rows, values in row order, each value once.

    Rows whose subject is not an IRI, or with an unbound predicate or object, are skipped (a
    describe query returns none). A subject's rows mostly come together: its entity is looked
    up once per run of rows, which keeps this loop cheap for describes of hundreds of rows.
    """
    found: dict[str, Entity] = {}
    properties: dict[str, list[Term]] = {}
    last: object = None
    skip = True
    for s, p, o in rows:
        if s != last:
            last = s
            skip = not isinstance(s, ox.NamedNode)
            if not skip:
                iri = s.value  # type: ignore[union-attr]
                entity = found.get(iri)
                if entity is None:
                    entity = found[iri] = Entity(iri)
                properties = entity.properties
        if skip or p is None or o is None:
            continue
        predicate = p.value  # type: ignore[union-attr]
        values = properties.get(predicate)
        if values is None:
            properties[predicate] = [o]
        elif o not in values:  # the same triple may sit in two named graphs
            values.append(o)
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
    rows = solutions(
        store,
        f"""SELECT DISTINCT ?o ?s WHERE {{
          VALUES ?o {{ {iri_list(set(iris))} }}
          ?s {ox.NamedNode(predicate)} ?o . {kind_pattern}
          FILTER NOT EXISTS {{ ?s {ox.NamedNode(str(PROV.invalidatedAtTime))} ?retracted }}
        }}""",
        ("o", "s"),
    )
    found: dict[str, list[str]] = {i: [] for i in iris}
    for o, s in rows:
        if o is not None and s is not None:
            found.setdefault(text(o), []).append(text(s))
    for subjects in found.values():
        subjects.sort()  # here rather than ORDER BY: Oxigraph looks both strings up to compare
    return found
