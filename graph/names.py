"""An index of every node's names, for finding a node from what a person types.

A write names its drug, source or gene by label ("azathioprine"), and a point lookup asks for
one by label, synonym or identifier, ignoring case. In SPARQL that compares the lower-cased
names of every node of the kind (:func:`graph.lookup.find_nodes`), because Oxigraph has no
index on lower-cased text.
This index maps each lower-cased name to the IRIs of the nodes that carry it, so the lookup
is a dictionary read plus one type check per candidate.

Names are the values of :data:`NAME_PREDICATES` in any graph of the store, lower-cased as SPARQL's
``LCASE(STR(?name))`` does; values a name filter cannot read as a string (blank nodes, quoted
triples) are left out, as ``STR`` leaves them out. Only IRI subjects are indexed: a blank node
is not something a caller can be handed back.

:class:`graph.store.EvidenceStore` owns one index: it builds it on first use from the store's
quads, keeps it current for the
writes whose quads it sees (``apply``: the subjects whose names a write deletes or inserts are
read again), and rebuilds it after any other write (``add_quads``, ``replace_graphs``,
``adopt``). The store's write generation tells the two apart.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from graph.namespaces import EV, PREFIXES

#: The predicates whose values name a node (what ``names_match`` in SPARQL compares).
NAME_PREDICATES: tuple[str, ...] = (
    PREFIXES["rdfs"] + "label",
    PREFIXES["skos"] + "altLabel",
    PREFIXES["skos"] + "prefLabel",
    str(EV.identifier),
    PREFIXES["dcterms"] + "title",
)
_NAME_NODES = tuple(ox.NamedNode(p) for p in NAME_PREDICATES)
_NAMES = frozenset(NAME_PREDICATES)
#: The same predicates as a SPARQL alternative path (what the SPARQL lookups and search read).
NAME_PATH = "|".join(str(n) for n in _NAME_NODES)


def name_union(subject: str, name: str) -> str:
    """A SPARQL ``UNION`` of one pattern per name predicate, binding ``?name`` for ``?subject``.

    Oxigraph reads it about three times faster than :data:`NAME_PATH` when the subject is unbound.

    >>> name_union("s", "n").count("UNION")
    4
    """
    return " UNION ".join(f"{{ ?{subject} {n} ?{name} }}" for n in _NAME_NODES)


def name_key(value: str) -> str:
    """How a name is compared: lower case, as SPARQL's ``LCASE`` (case is all that is ignored).

    >>> name_key("Azathioprine")
    'azathioprine'
    """
    return value.lower()


def _name_of(term: object) -> str | None:
    """The string ``STR()`` gives for a name's value (None for blank nodes and quoted triples)."""
    if type(term) is ox.Literal or type(term) is ox.NamedNode:
        return term.value
    return None


class NameIndex:
    """Lower-cased names -> the IRIs of the nodes that carry them."""

    def __init__(self) -> None:
        self._nodes: dict[str, set[str]] = {}
        self._keys: dict[str, set[str]] = {}

    @classmethod
    def build(cls, store: ox.Store) -> NameIndex:
        """The index of every name in ``store`` (all graphs)."""
        index = cls()
        for predicate in _NAME_NODES:
            for quad in store.quads_for_pattern(None, predicate, None, None):
                subject = quad.subject
                if type(subject) is ox.NamedNode:
                    index._add(subject.value, quad.object)
        return index

    def _add(self, iri: str, term: object) -> None:
        name = _name_of(term)
        if name is None:
            return
        key = name_key(name)
        self._nodes.setdefault(key, set()).add(iri)
        self._keys.setdefault(iri, set()).add(key)

    def nodes(self, name: str) -> frozenset[str]:
        """The IRIs of the nodes one of whose names is ``name``, ignoring case."""
        return frozenset(self._nodes.get(name_key(name), ()))

    def refresh(self, store: ox.Store, quads: Iterable[ox.Quad]) -> None:
        """Read again from ``store`` the names that a write's ``quads`` (deletes and inserts) changed."""
        for iri in named_subjects(quads):
            for key in self._keys.pop(iri, ()):
                holders = self._nodes.get(key)
                if holders is not None:
                    holders.discard(iri)
                    if not holders:
                        del self._nodes[key]
            node = ox.NamedNode(iri)
            for predicate in _NAME_NODES:
                for quad in store.quads_for_pattern(node, predicate, None, None):
                    self._add(iri, quad.object)

    def __len__(self) -> int:
        """How many distinct (lower-cased) names the index holds."""
        return len(self._nodes)

    def __eq__(self, other: object) -> bool:
        """Whether two indexes hold the same names for the same nodes."""
        if not isinstance(other, NameIndex):
            return NotImplemented
        return self._nodes == other._nodes and self._keys == other._keys

    __hash__ = None  # type: ignore[assignment]  # mutable


def named_subjects(quads: Iterable[ox.Quad]) -> set[str]:
    """The IRIs of the subjects whose names ``quads`` write (insert or delete)."""
    return {q.subject.value for q in quads if type(q.subject) is ox.NamedNode and q.predicate.value in _NAMES}
