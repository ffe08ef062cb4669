"""The claims a page lists: which claims link to a node, and everything a row of them shows.

A page about a drug, a condition, a reference, a source or a grade lists the claims that link to
it. :func:`claims_linking` finds them all in one query, with what a page sorts and groups them by
(kind, label, licensing, grade, severity, negation); the page then reads only the rows it shows
with :func:`read_claims`: the claims, their evidence items, figures, references and sources in
one query, and the nodes they link to (drugs, conditions, grades and their schemes, concepts)
from the store's vocabulary in memory, or in one more query on a store without one. However many
rows a page shows, it costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.claims import CLAIM_KINDS
from graph.entity import Entity, describe, iri_list, solutions
from graph.namespaces import EV, PREFIXES, PROV
from graph.store import Store, text
from graph.vocabulary import Vocabulary

SKOS = PREFIXES["skos"]

#: What is read with each claim: its evidence items, their figures, its references and source.
CLAIM_PARTS: tuple[tuple[str, ...], ...] = (
    (str(EV.evidence),),
    (str(EV.evidence), str(EV.figure)),
    (str(EV.evidence), str(EV.citesAsEvidence)),
    (str(EV.citesAsEvidence),),
    (str(PROV.wasDerivedFrom),),
)


@dataclass(frozen=True)
class ClaimKey:
    """A claim linking to a node, with what a page sorts and groups it by."""

    iri: str
    kind: str
    #: The predicate through which it links to the node.
    via: str
    label: str
    licensing: str | None = None
    grade: str | None = None
    severity: str | None = None
    negated: bool = False


_LINKING = """SELECT ?s ?p ?kind ?label ?status ?grade ?severity ?negated WHERE {
  VALUES ?p { %(predicates)s }
  ?s ?p %(node)s .
  ?s a ?kind . FILTER(?kind IN (%(kinds)s))
  FILTER NOT EXISTS { ?s prov:invalidatedAtTime ?retractedAt }
  OPTIONAL { ?s rdfs:label ?label }
  OPTIONAL { ?s ev:licensingStatus ?status }
  OPTIONAL { ?s ev:evidenceGrade ?grade }
  OPTIONAL { ?s ev:severity ?severity }
  OPTIONAL { ?s ev:negated ?negated }
}"""


def claims_linking(
    store: Store, node: str, predicates: Sequence[str], kinds: Iterable[str] = ()
) -> list[ClaimKey]:
    """Every live claim (of ``kinds``; default every kind) linking to ``node`` through one of ``predicates``.

    One query; in label, then IRI order. A claim linking through two of the predicates is listed
    once, under the first of them in ``predicates``.
    """
    kinds = tuple(kinds) or tuple(str(k) for k in CLAIM_KINDS)
    rows = solutions(
        store,
        _LINKING
        % {
            "predicates": iri_list(predicates),
            "node": ox.NamedNode(node),
            "kinds": ", ".join(str(ox.NamedNode(k)) for k in kinds),
        },
        ("s", "p", "kind", "label", "status", "grade", "severity", "negated"),
    )
    rank = {p: i for i, p in enumerate(predicates)}
    found: dict[str, ClaimKey] = {}
    for s, p, kind, label, status, grade, severity, negated in rows:
        if not isinstance(s, ox.NamedNode) or p is None or kind is None:
            continue
        key = ClaimKey(
            iri=s.value,
            kind=text(kind),
            via=text(p),
            label=text(label) if label is not None else "",
            licensing=text(status) if status is not None else None,
            grade=text(grade) if grade is not None else None,
            severity=text(severity) if severity is not None else None,
            negated=negated is not None and text(negated) == "true",
        )
        old = found.get(key.iri)
        if old is None or rank[key.via] < rank[old.via]:
            found[key.iri] = key
    return sorted(found.values(), key=lambda k: (k.label.lower(), k.iri))


@dataclass
class ReadClaims:
    """Claims read for their rows: the claims, and every node a row shows, by IRI."""

    claims: dict[str, Entity] = field(default_factory=dict)
    nodes: dict[str, Entity] = field(default_factory=dict)

    def node(self, iri: str | None) -> Entity | None:
        """A node read with the claims (a claim too), or None."""
        if iri is None:
            return None
        return self.claims.get(iri) or self.nodes.get(iri)


def read_claims(store: Store, iris: Sequence[str]) -> ReadClaims:
    """The claims ``iris`` with their parts (:data:`CLAIM_PARTS`) and every node they link to.

    One query for the claims and their parts; the linked nodes, and the schemes of the grades
    among them, come from the store's vocabulary, or from one query each where it has none.
    """
    read = ReadClaims()
    if not iris:
        return read
    described = describe(store, iris, CLAIM_PARTS)
    wanted = set(iris)
    read.claims = {iri: entity for iri, entity in described.items() if iri in wanted}
    read.nodes = {iri: entity for iri, entity in described.items() if iri not in wanted}
    # the links of the claims, evidence items and figures (a source's or reference's are not shown)
    rows = [e for e in described.values() if not e.types & _NOT_FOLLOWED]
    _read_linked(store, read, rows)
    _read_linked(store, read, list(read.nodes.values()), only=(SKOS + "inScheme",))
    return read


#: Nodes read with claims whose own links a row does not show.
_NOT_FOLLOWED = frozenset((str(EV.Reference), str(EV.SourceDocument)))


def _read_linked(
    store: Store, read: ReadClaims, sources: list[Entity], only: tuple[str, ...] | None = None
) -> None:
    """Read the nodes ``sources`` link to (through ``only``, or any predicate) that are not read yet."""
    linked: set[str] = set()
    for entity in sources:
        for predicate, values in entity.properties.items():
            if only is None or predicate in only:
                linked.update(v.value for v in values if isinstance(v, ox.NamedNode))
    missing = sorted(iri for iri in linked if read.node(iri) is None)
    read.nodes.update(read_nodes(store, missing))


def read_nodes(store: Store, iris: Iterable[str]) -> dict[str, Entity]:
    """Whole descriptions of ``iris``: from the store's vocabulary where it has them, else one query.

    IRIs the store says nothing about are absent.
    """
    missing = sorted(set(iris))
    found: dict[str, Entity] = {}
    vocabulary = store.index(Vocabulary)
    if vocabulary is not None:
        known = vocabulary.entities
        found = {iri: entity for iri in missing if (entity := known.get(iri)) is not None}
        missing = [iri for iri in missing if iri not in found]
    if missing:
        found.update(describe(store, missing))
    return found
