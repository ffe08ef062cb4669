"""Finding a node from what a person types: an IRI, a label, a synonym or an identifier.

On a store with a name index (graph.names: the embedded store) a name is looked up there and
only the candidates' types are asked of the store; on others (a remote SPARQL server) the names
of every node of the kinds are compared in SPARQL. Both give the same answer (tests/test_names.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from graph.entity import Entity, describe, entities, iri_list, path_expression, solutions
from graph.errors import AmbiguousKeyError, EvidenceGraphError
from graph.names import NAME_PATH, NameIndex
from graph.namespaces import EV
from graph.store import Store, text


def _named(kinds: Sequence[str], key: str) -> str:
    """The pattern of a node ``?s`` of one of ``kinds`` whose IRI or a name is ``key`` (any case)."""
    literal = str(ox.Literal(key))
    return f"""VALUES ?kind {{ {iri_list(kinds)} }}
  ?s a ?kind . FILTER(isIRI(?s))
  FILTER(STR(?s) = {literal} || EXISTS {{
    ?s {NAME_PATH} ?name
    FILTER(LCASE(STR(?name)) = LCASE({literal})) }})"""


_IS_A = "SELECT ?kind WHERE { VALUES ?kind { %s } %s a ?kind } LIMIT 1"
_OF_KINDS = "SELECT DISTINCT ?s WHERE { VALUES ?s { %s } VALUES ?kind { %s } ?s a ?kind }"


def _of_kinds(store: Store, iris: Iterable[str], kinds: Sequence[str]) -> list[str]:
    """Those of ``iris`` that are nodes of one of ``kinds``, in IRI order (one query)."""
    candidates = sorted(set(iris))
    if not candidates:
        return []
    rows = solutions(store, _OF_KINDS % (iri_list(candidates), iri_list(kinds)), ("s",))
    found = {text(s) for (s,) in rows if s is not None}
    return [iri for iri in candidates if iri in found]


def find_nodes(store: Store, key: str, kinds: Sequence[str]) -> list[str]:
    """IRIs of nodes of one of ``kinds`` that ``key`` names, in IRI order.

    ``key`` may be the IRI, a label, a synonym, an identifier or a title (case-insensitive). An
    IRI of a node of one of ``kinds`` names that node alone, found by one index lookup; anything
    else is looked up in the store's name index, whose candidates one query keeps to ``kinds``
    (without an index: compared in SPARQL with the names of every node of those kinds). The key
    is written into queries as a term serialized by pyoxigraph.
    """
    node = as_iri(key)
    if node is not None and store.select(_IS_A % (iri_list(kinds), node)):
        return [key]
    index = store.index(NameIndex)
    if index is not None:
        return _of_kinds(store, index.nodes(key), kinds)
    rows = store.select(f"SELECT ?s WHERE {{ {_named(kinds, key)} }} ORDER BY ?s")
    return list(dict.fromkeys(text(r["s"]) for r in rows))


def find_described(
    store: Store, key: str, kinds: Sequence[str], paths: Iterable[Sequence[str]] = ()
) -> tuple[str | None, dict[str, Entity]]:
    """The node that ``key`` names, as :func:`find_nodes` finds it, described.

    Returns its IRI (None: no node) and the entities of it and of every node reached from it
    along ``paths``, as :func:`graph.entity.describe` reads them, mostly in one query: an IRI
    of a node of one of ``kinds``, or a name the name index gives one node for, is described at
    once (the describe tells its type); a name several nodes carry takes one query more to keep
    those of ``kinds``. Without a name index, the lookup is a subquery of the describe. A name or
    identifier that several nodes of ``kinds`` carry raises :class:`AmbiguousKeyError` naming them.
    """
    steps = sorted({tuple(p) for p in paths if p})
    node = as_iri(key)
    if node is not None:
        found = describe(store, [key], steps)
        if key in found and found[key].types.intersection(kinds):
            return key, found
    index = store.index(NameIndex)
    if index is not None:
        return _described_by_name(store, index, key, kinds, steps)
    named = _named(kinds, key)
    if not steps:  # the node alone: its rows all have it as subject
        first = f"SELECT DISTINCT ?s WHERE {{ {named} }} ORDER BY ?s LIMIT 2"
        rows = solutions(store, f"SELECT ?s ?p ?o WHERE {{ {{ {first} }} ?s ?p ?o }}", ("s", "p", "o"))
        roots = list(dict.fromkeys(text(row[0]) for row in rows if row[0] is not None))
        if not roots:
            return None, {}
        _one(store, key, kinds, roots)
        return roots[0], entities(rows)
    first = f"SELECT DISTINCT (?s AS ?root) WHERE {{ {named} }} ORDER BY ?s LIMIT 2"
    nodes = (
        f"{{ SELECT DISTINCT ?root ?s WHERE {{ {{ {first} }} "
        f"?root {path_expression(steps)}? ?s FILTER(isIRI(?s)) }} }}"
    )
    rows = solutions(store, f"SELECT ?root ?s ?p ?o WHERE {{ {nodes} ?s ?p ?o }}", ("root", "s", "p", "o"))
    roots = list(dict.fromkeys(text(row[0]) for row in rows if row[0] is not None))
    if not roots:
        return None, {}
    _one(store, key, kinds, roots)
    return roots[0], entities(row[1:] for row in rows)


def _one(store: Store, key: str, kinds: Sequence[str], found: Sequence[str]) -> None:
    """Raise :class:`AmbiguousKeyError` naming every node of ``kinds`` ``key`` names, if several."""
    if len(found) > 1:
        raise AmbiguousKeyError(key, find_nodes(store, key, kinds))


def _described_by_name(
    store: Store, index: NameIndex, key: str, kinds: Sequence[str], steps: list[tuple[str, ...]]
) -> tuple[str | None, dict[str, Entity]]:
    """:func:`find_described` for a name, through the store's name index."""
    candidates = index.nodes(key)
    if len(candidates) > 1:  # those of the kinds; else one describe checks the type too
        of_kinds = _of_kinds(store, candidates, kinds)
        _one(store, key, kinds, of_kinds)
        candidates = frozenset(of_kinds)
    for iri in candidates:
        found = describe(store, [iri], steps)
        if iri in found and found[iri].types.intersection(kinds):
            return iri, found
    return None, {}


def as_iri(key: str) -> ox.NamedNode | None:
    """``key`` as an IRI if it is an absolute one.

    >>> as_iri("https://w3id.org/evidence-graph/id/drug/azathioprine") is not None
    True
    >>> as_iri("azathioprine") is None, as_iri("MONDO:0004980") is None
    (True, False)
    """
    if ":" not in key or any(c.isspace() for c in key):
        return None
    try:
        return ox.NamedNode(key)
    except ValueError:
        return None


def find_grade(store: Store, notation: str, scheme: str) -> str | None:
    """The grade written ``notation`` (any case) in ``scheme`` (its IRI, or its name after ``grade:``)."""
    rows = store.select(
        """SELECT ?g WHERE { ?g a ev:Grade ; skos:notation ?n ; skos:inScheme ?s .
             FILTER(LCASE(STR(?n)) = LCASE(?notation))
             FILTER(STR(?s) = ?scheme || STR(?s) = CONCAT(STR(grade:), ?scheme)) }""",
        {"notation": ox.Literal(notation), "scheme": ox.Literal(scheme)},
    )
    return text(rows[0]["g"]) if rows else None


#: The claim filters that name a node, with the classes of the nodes they name.
NAMED_FILTERS: dict[str, tuple[str, ...]] = {
    "drug": (str(EV.Drug), str(EV.DrugClass)),
    "condition": (str(EV.Condition),),
    "source": (str(EV.SourceDocument),),
    "gene": (str(EV.Gene),),
    "interactant": (str(EV.Drug), str(EV.DrugClass)),
}


@dataclass(frozen=True)
class Unmatched:
    """A filter's name that names no node, with the closest names of nodes it could mean."""

    filter: str
    value: str
    closest: list[str]

    @property
    def message(self) -> str:
        """The notice a person reads."""
        hint = f"; closest: {', '.join(self.closest)}" if self.closest else ""
        return f"No {self.filter} is named {self.value!r}{hint}."


class UnknownNameError(EvidenceGraphError):
    """A name that names no node where one was asked for; it carries the closest names."""

    def __init__(self, unmatched: Unmatched) -> None:
        super().__init__(unmatched.message.removesuffix("."))
        self.unmatched = unmatched
        self.closest = unmatched.closest


def find_one(store: Store, key: str, kinds: Sequence[str], what: str) -> str:
    """The IRI of the one node of ``kinds`` that ``key`` names (``what`` it is: "drug", "source").

    Raises :class:`UnknownNameError` (with the closest names) when it names none, and
    :class:`AmbiguousKeyError` (naming them) when it names several.
    """
    found = find_nodes(store, key, kinds)
    if not found:
        raise UnknownNameError(Unmatched(what, key, closest_names(store, key, kinds)))
    if len(found) > 1:
        raise AmbiguousKeyError(key, found)
    return found[0]


def unmatched_names(store: Store, given: Mapping[str, str | None]) -> list[Unmatched]:
    """The names in ``given`` (filter -> key, see :data:`NAMED_FILTERS`) that name no node.

    For a list that came back empty: a typo should not read as "no evidence".
    """
    found = []
    for name, kinds in NAMED_FILTERS.items():
        key = given.get(name)
        if key and not find_nodes(store, key, kinds):
            found.append(Unmatched(name, key, closest_names(store, key, kinds)))
    return found


def closest_names(store: Store, key: str, kinds: Sequence[str], most: int = 3) -> list[str]:
    """Up to ``most`` names of nodes of ``kinds`` that look like ``key`` (case ignored), closest first."""
    of_kinds = f"VALUES ?kind {{ {iri_list(kinds)} }} ?s a ?kind"
    rows = store.select(f"SELECT DISTINCT ?name WHERE {{ {of_kinds} ; {NAME_PATH} ?name }}")
    names: dict[str, str] = {}
    for row in rows:
        name = text(row["name"])
        names.setdefault(name.casefold(), name)
    close = difflib.get_close_matches(key.casefold(), list(names), n=most, cutoff=0.6)
    return [names[c] for c in close]


def find_reference(store: Store, source: str, number: int) -> str | None:
    """The reference numbered ``number`` in the source document ``source`` (None: there is none)."""
    rows = store.select(
        "SELECT ?r WHERE { ?r a ev:Reference ; dcterms:isPartOf ?source ; ev:citationNumber ?n . "
        "FILTER(?n = ?number) } ORDER BY ?r LIMIT 1",
        {"source": ox.NamedNode(source), "number": ox.Literal(number)},
    )
    return text(rows[0]["r"]) if rows else None
