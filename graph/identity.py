"""Shared identity: the node a dataset's drug or condition is, found or made once.

Drugs and conditions are shared by every source. An importer names each drug or condition as
its dataset gives it (a :class:`Mention`: the printed name and the identifiers as CURIEs), and
a :class:`Resolver` finds the node for it: first by identifier (any CURIE in common, the prefix
compared without case), then by name (:func:`normalize_name`: case, accents, punctuation and
spacing ignored, over labels and synonyms), and mints a node only when neither finds one. Two
candidates at either step make the mention ambiguous: it is reported with the candidates' IRIs
and never merged.

What a dataset says about a node goes into the dataset's own named graph, so the graph records
who said it: the identifiers it gives, and the name it prints when that is not already a name of
the node (as ``skos:altLabel``; a node keeps its one ``rdfs:label``). A triple another graph
already holds is not written again (the union of the graphs would list it twice). A node the
dataset mints gets its type and label there too, with an IRI made from its normalized name.

The resolver reads the whole store, the dataset's previous graph included, so a re-import
finds the nodes it made before under the same IRIs; such a node is defined again by the new
graph (:meth:`Resolver.quads`), and :meth:`Resolver.carried` keeps the ones other graphs still
point at.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

import pyoxigraph as ox

from graph.entity import RDF_TYPE, iri_list
from graph.namespaces import EV, PREFIXES
from graph.store import Store, text

RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS_ALT_LABEL = PREFIXES["skos"] + "altLabel"
_NAME_PREDICATES = (RDFS_LABEL, SKOS_ALT_LABEL, PREFIXES["skos"] + "prefLabel")
_IDENTIFIER = str(EV.identifier)
#: How many IRIs one query's VALUES block lists.
_BATCH = 1000
#: The longest local name a minted IRI gets from a name.
_MAX_SLUG = 80

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`\u00b4]")


def normalize_name(name: str) -> str:
    """How names are compared: without case, accents, apostrophes, other punctuation or extra spaces.

    >>> normalize_name("Behçet's disease")
    'behcets disease'
    >>> normalize_name("  Alzheimer\u2019s   Disease ")
    'alzheimers disease'
    >>> normalize_name("Hypertension, Pulmonary") == normalize_name("hypertension (pulmonary)")
    True
    >>> normalize_name("6-Mercaptopurine")
    '6 mercaptopurine'
    >>> normalize_name("--")
    ''
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    spaced = "".join(c if c.isalnum() else " " for c in _APOSTROPHES.sub("", bare))
    return " ".join(spaced.split())


def slug(name: str) -> str:
    """The local name an IRI gets from ``name``: its normalized words joined by hyphens.

    >>> slug("Behçet's disease")
    'behcets-disease'
    >>> slug("DOID:10652 DB00843")
    'doid-10652-db00843'
    """
    return normalize_name(name).replace(" ", "-")[:_MAX_SLUG].strip("-")


def identifier_key(curie: str) -> str | None:
    """How identifiers are compared: the prefix upper-cased, the local part as given.

    None for a string that is not a CURIE.

    >>> identifier_key("DrugBank:DB00993"), identifier_key("DB00993")
    ('DRUGBANK:DB00993', None)
    """
    prefix, colon, local = curie.strip().partition(":")
    if not colon or not prefix or not local.strip():
        return None
    return f"{prefix.upper()}:{local.strip()}"


def as_curie(prefix: str, value: str) -> str:
    """``value`` as a CURIE with ``prefix``, unless it starts with that prefix already (any case).

    >>> as_curie("DRUGBANK", "DB00993"), as_curie("DOID", "DOID:7148"), as_curie("CHEBI", "chebi:2948")
    ('DRUGBANK:DB00993', 'DOID:7148', 'chebi:2948')
    """
    return value if value.upper().startswith(prefix.upper() + ":") else f"{prefix}:{value}"


@dataclass(frozen=True)
class NodeKind:
    """A kind of shared node: the classes its nodes have and where minted ones live."""

    name: str
    #: The classes whose nodes are of this kind; minted nodes get the first.
    classes: tuple[str, ...]
    namespace: str


DRUG = NodeKind("drug", (str(EV.Drug), str(EV.DrugClass)), PREFIXES["drug"])
CONDITION = NodeKind("condition", (str(EV.Condition), str(EV.PatientState)), PREFIXES["condition"])


@dataclass(frozen=True)
class Mention:
    """A drug or condition as a dataset gives it: the name it prints and its identifiers (CURIEs)."""

    name: str
    identifiers: tuple[str, ...] = ()


class Outcome(StrEnum):
    """How a mention was resolved."""

    BY_IDENTIFIER = "by identifier"
    BY_NAME = "by name"
    CREATED = "created"
    AMBIGUOUS = "ambiguous"
    UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class Resolution:
    """The node a mention resolved to (None: ambiguous or unresolved), and how."""

    mention: Mention
    kind: str
    outcome: Outcome
    iri: str | None = None
    #: An ambiguous mention's candidates.
    candidates: tuple[str, ...] = ()

    def problem(self) -> str:
        """Why the mention has no node, in one line."""
        if self.outcome is Outcome.AMBIGUOUS:
            nodes = ", ".join(f"<{c}>" for c in self.candidates)
            return f"{self.kind} {self.mention.name!r} is ambiguous: {nodes}"
        return f"{self.kind} {self.mention.name!r} has neither a name nor a known identifier"


@dataclass
class ResolutionReport:
    """How a dataset's distinct mentions of one kind were resolved."""

    kind: str
    counts: Counter[Outcome] = field(default_factory=Counter)
    #: The ambiguous and unresolved mentions, in the order met.
    problems: list[Resolution] = field(default_factory=list)

    def summary(self) -> str:
        """One line: how many mentions, and how each was resolved.

        >>> ResolutionReport("drug", Counter({Outcome.CREATED: 2})).summary()
        'drugs: 2 (0 by identifier, 0 by name, 2 created, 0 ambiguous, 0 unresolved)'
        """
        parts = ", ".join(f"{self.counts[o]} {o.value}" for o in Outcome)
        return f"{self.kind}s: {sum(self.counts.values())} ({parts})"


@dataclass
class _Node:
    """A node of the kind: what the store says about it, and what this dataset will write."""

    iri: str
    #: The node's classes of this kind, in every graph and outside the dataset's graph.
    classes: set[str] = field(default_factory=set)
    classes_outside: set[str] = field(default_factory=set)
    label: str | None = None
    label_outside: bool = False
    #: Normalized names and identifier keys held outside the dataset's graph.
    names_outside: set[str] = field(default_factory=set)
    identifiers_outside: set[str] = field(default_factory=set)
    #: What the dataset asserts: identifier key -> CURIE, normalized name -> name.
    identifiers: dict[str, str] = field(default_factory=dict)
    alt_labels: dict[str, str] = field(default_factory=dict)
    used: bool = False


class Resolver:
    """Resolves a dataset's mentions of one kind of node against a store (see the module docstring).

    Reads the store when made (three queries); nodes it mints and identifiers and names it
    learns are known to the mentions resolved after them.
    """

    def __init__(self, store: Store, kind: NodeKind, graph: str) -> None:
        self.kind = kind
        self.graph = graph
        self.report = ResolutionReport(kind.name)
        self._store = store
        self._nodes: dict[str, _Node] = {}
        self._by_identifier: dict[str, set[str]] = {}
        self._by_name: dict[str, set[str]] = {}
        self._resolved: dict[Mention, Resolution] = {}
        self._read()
        self._taken: set[str] | None = None  # read when the first node is minted

    def _read(self) -> None:
        kinds = iri_list(self.kind.classes)
        for s, cls, g in _rows(
            self._store,
            f"SELECT DISTINCT ?s ?c ?g WHERE {{ VALUES ?c {{ {kinds} }} "
            "GRAPH ?g { ?s a ?c } FILTER(isIRI(?s)) }",
            ("s", "c", "g"),
        ):
            node = self._nodes.setdefault(s, _Node(s))
            node.classes.add(cls)
            if g != self.graph:
                node.classes_outside.add(cls)
        predicates = iri_list((*_NAME_PREDICATES, _IDENTIFIER))
        rows = _rows(
            self._store,
            f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ VALUES ?c {{ {kinds} }} ?s a ?c . FILTER(isIRI(?s)) "
            f"VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?s ?p ?o }} FILTER(isLiteral(?o)) }}",
            ("s", "p", "o", "g"),
        )
        for s, p, o, g in sorted(rows):
            node = self._nodes[s]
            outside = g != self.graph
            if p == _IDENTIFIER:
                key = identifier_key(o)
                if key is not None:
                    self._by_identifier.setdefault(key, set()).add(s)
                    if outside:
                        node.identifiers_outside.add(key)
                continue
            name = normalize_name(o)
            if name:
                self._by_name.setdefault(name, set()).add(s)
                if outside:
                    node.names_outside.add(name)
            if p == RDFS_LABEL and (node.label is None or (outside and not node.label_outside)):
                node.label, node.label_outside = o, node.label_outside or outside

    def _iris_in_use(self) -> set[str]:
        """The IRIs under the kind's namespace that the store uses as subjects (minted IRIs avoid them)."""
        namespace = str(ox.Literal(self.kind.namespace))
        rows = _rows(
            self._store,
            f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {namespace})) }}",
            ("s",),
        )
        return {s for (s,) in rows}

    def resolve(self, mention: Mention) -> Resolution:
        """The node ``mention`` is, found by identifier, then by name, else minted (once per mention)."""
        known = self._resolved.get(mention)
        if known is not None:
            return known
        resolution = self._resolve(mention)
        self._resolved[mention] = resolution
        self.report.counts[resolution.outcome] += 1
        if resolution.iri is None:
            self.report.problems.append(resolution)
        else:
            self._learn(resolution.iri, mention)
        return resolution

    def _resolve(self, mention: Mention) -> Resolution:
        keys = {k for k in map(identifier_key, mention.identifiers) if k is not None}
        by_identifier = sorted(set().union(*(self._by_identifier.get(k, set()) for k in keys)))
        if by_identifier:
            return self._found(mention, Outcome.BY_IDENTIFIER, by_identifier)
        name = normalize_name(mention.name)
        if not name:
            return Resolution(mention, self.kind.name, Outcome.UNRESOLVED)
        by_name = sorted(self._by_name.get(name, set()))
        if by_name:
            return self._found(mention, Outcome.BY_NAME, by_name)
        return Resolution(mention, self.kind.name, Outcome.CREATED, self._mint(mention.name))

    def _found(self, mention: Mention, outcome: Outcome, candidates: list[str]) -> Resolution:
        if len(candidates) > 1:
            return Resolution(mention, self.kind.name, Outcome.AMBIGUOUS, candidates=tuple(candidates))
        return Resolution(mention, self.kind.name, outcome, candidates[0])

    def _mint(self, name: str) -> str:
        """A new node named ``name``, its IRI made from the name and used by nothing else."""
        if self._taken is None:
            self._taken = self._iris_in_use()
        local = slug(name) or "unnamed"
        iri, number = self.kind.namespace + local, 1
        while iri in self._taken:
            number += 1
            iri = f"{self.kind.namespace}{local}-{number}"
        self._taken.add(iri)
        self._nodes[iri] = _Node(iri, classes={self.kind.classes[0]}, label=name)
        self._by_name.setdefault(normalize_name(name), set()).add(iri)
        return iri

    def _learn(self, iri: str, mention: Mention) -> None:
        """Record what the mention says of its node (for the graph, and for later mentions)."""
        node = self._nodes[iri]
        for curie in mention.identifiers:
            key = identifier_key(curie)
            if key is None:
                continue
            self._by_identifier.setdefault(key, set()).add(iri)
            if key not in node.identifiers_outside:
                node.identifiers.setdefault(key, curie)
        name = normalize_name(mention.name)
        label = normalize_name(node.label) if node.label is not None else None
        if name and name not in node.names_outside and name != label:
            node.alt_labels.setdefault(name, mention.name)
            self._by_name.setdefault(name, set()).add(iri)

    def use(self, resolution: Resolution) -> None:
        """Mark a resolved node as used by an imported record: :meth:`quads` writes what is said of it."""
        if resolution.iri is not None:
            self._nodes[resolution.iri].used = True

    def quads(self) -> Iterator[ox.Quad]:
        """What the dataset says of the nodes its records use, in its graph.

        A node defined nowhere else (minted by this dataset, now or by its previous import) gets
        its type and label; every used node gets the identifiers and other names the dataset gives
        that no other graph holds.
        """
        for node in self._nodes.values():
            if node.used:
                yield from self._definition(node)
                subject = ox.NamedNode(node.iri)
                for curie in node.identifiers.values():
                    yield self._quad(subject, _IDENTIFIER, ox.Literal(curie))
                for name in node.alt_labels.values():
                    yield self._quad(subject, SKOS_ALT_LABEL, ox.Literal(name))

    def carried(self) -> Iterator[ox.Quad]:
        """Type and label of the nodes only the dataset's previous graph defines, if other graphs use them.

        A re-import whose records no longer name such a node keeps it defined, in the new graph.
        """
        orphans = [
            n.iri
            for n in self._nodes.values()
            if not n.used and (n.classes - n.classes_outside or (n.label and not n.label_outside))
        ]
        pointed_at: set[str] = set()
        graph = str(ox.NamedNode(self.graph))
        for start in range(0, len(orphans), _BATCH):
            batch = iri_list(orphans[start : start + _BATCH])
            rows = _rows(
                self._store,
                f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {batch} }} "
                f"GRAPH ?g {{ ?x ?p ?s }} FILTER(?g != {graph}) }}",
                ("s",),
            )
            pointed_at |= {s for (s,) in rows}
        for iri in orphans:
            if iri in pointed_at:
                yield from self._definition(self._nodes[iri])

    def _definition(self, node: _Node) -> Iterable[ox.Quad]:
        subject = ox.NamedNode(node.iri)
        for cls in sorted(node.classes - node.classes_outside):
            yield self._quad(subject, RDF_TYPE, ox.NamedNode(cls))
        if node.label is not None and not node.label_outside:
            yield self._quad(subject, RDFS_LABEL, ox.Literal(node.label))

    def _quad(self, subject: ox.NamedNode, predicate: str, value: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(subject, ox.NamedNode(predicate), value, ox.NamedNode(self.graph))


def _rows(store: Store, sparql: str, names: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A SELECT query's rows as tuples of the lexical values of ``names`` (all bound)."""
    result = store.query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("a SELECT query was expected")
    order = [v.value for v in result.variables]
    at = [order.index(n) for n in names]
    return [tuple(text(row[i]) for i in at) for row in result]
