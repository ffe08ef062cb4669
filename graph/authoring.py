"""Authoring: claims and references written from plain data, attributed, versioned, reversible.

Every write is a :class:`~graph.changes.ChangeSet` committed through :func:`graph.changes.commit`
(validated, atomic, serialized); what is written comes as plain data (graph.drafts). Each write
to a claim also records a version in the history graph (graph.history): who, when, what action,
why, and a snapshot of the claim as it stands after the write.
Retraction marks a claim (``prov:invalidatedAtTime``, reason, author) instead of deleting it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

import pyoxigraph as ox

from graph.changes import ChangeSet, commit
from graph.drafts import (
    AUTHOR_LIST,
    DCTERMS,
    RDF_TYPE,
    RDFS_LABEL,
    REFERENCE_FIELDS,
    ClaimData,
    ReferenceData,
    author_list_quads,
    claim_quads,
    ev,
    evidence_quads,
    field_quads,
    mint,
    named,
    now,
    slug,
)
from graph.entity import iri_list
from graph.errors import EvidenceGraphError
from graph.history import version_quads
from graph.kinds import KINDS
from graph.namespaces import BASE, EV, PROV, graph_iri
from graph.report import ValidationReport
from graph.store import Store

AUTHORING_GRAPH = ox.NamedNode(graph_iri("authoring"))


P = ParamSpec("P")
R = TypeVar("R")


def serialized(
    write: Callable[Concatenate[Store, P], R],
) -> Callable[Concatenate[Store, P], R]:
    """Run a write under the store's write lock, from its first read to its commit.

    A write reads the state it changes (the values it replaces, the next version number);
    holding the lock throughout means no concurrent write can change that state in between.
    """

    @functools.wraps(write)
    def locked(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with store.write_lock:
            return write(store, *args, **kwargs)

    return locked


class NotFoundError(EvidenceGraphError):
    """The node a write names does not exist (or is not of the expected kind)."""


# --- reading what is there ----------------------------------------------------------------------


def _subject_quads(store: Store, subjects: Iterable[str]) -> list[ox.Quad]:
    nodes = sorted(set(subjects))
    if not nodes:
        return []
    rows = store.select(
        f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {iri_list(nodes)} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]  # type: ignore[arg-type]


def _home_graph(quads: Sequence[ox.Quad], subject: ox.NamedNode) -> ox.NamedNode:
    """The graph holding a node's rdf:type: where its edits go."""
    for quad in quads:
        if (
            quad.subject == subject
            and quad.predicate == RDF_TYPE
            and isinstance(quad.graph_name, ox.NamedNode)
        ):
            return quad.graph_name
    return AUTHORING_GRAPH


def _require(store: Store, iri: str, kinds: Sequence[str], what: str) -> None:
    query = f"ASK WHERE {{ VALUES ?kind {{ {iri_list(kinds)} }} ?node a ?kind }}"
    ok = store.ask(query, {"node": named(iri)})
    if not ok:
        raise NotFoundError(f"no {what} {iri}")


def _require_claim(store: Store, iri: str) -> None:
    _require(store, iri, [kind.iri for kind in KINDS], "claim")


def _ensure_agent(store: Store, author: str) -> tuple[ox.NamedNode, list[ox.Quad]]:
    agent = ox.NamedNode(f"{BASE}id/agent/{slug(author)}")
    if store.ask("ASK WHERE { ?agent a prov:Agent }", {"agent": agent}):
        return agent, []
    return agent, [
        ox.Quad(agent, RDF_TYPE, ox.NamedNode(str(PROV) + "Agent"), AUTHORING_GRAPH),
        ox.Quad(agent, RDFS_LABEL, ox.Literal(author), AUTHORING_GRAPH),
    ]


def _evidence_closure(store: Store, claim: str) -> tuple[list[str], list[str]]:
    """The claim's evidence items used by no other claim, and their figures (deleted with them)."""
    rows = store.select(
        """SELECT ?item ?figure WHERE {
             ?claim ev:evidence ?item .
             FILTER NOT EXISTS { ?other ev:evidence ?item . FILTER(?other != ?claim) }
             OPTIONAL { ?item ev:figure ?figure }
           }""",
        {"claim": named(claim)},
    )
    items = sorted({r["item"].value for r in rows if isinstance(r["item"], ox.NamedNode)})
    figures = sorted({f.value for r in rows if isinstance(f := r.get("figure"), ox.NamedNode)})
    return items, figures


def _state_after(before: Sequence[ox.Quad], change: ChangeSet, subjects: set[str]) -> list[ox.Quad]:
    removed = {str(q) for q in change.deletes}
    kept = [q for q in before if str(q) not in removed]
    return kept + [
        q for q in change.inserts if isinstance(q.subject, ox.NamedNode) and q.subject.value in subjects
    ]


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the node written and the warnings the shapes raised."""

    iri: str
    report: ValidationReport


def _write_claim(
    store: Store,
    claim: ox.NamedNode,
    *,
    change: ChangeSet,
    before: Sequence[ox.Quad],
    action: str,
    author: str,
    when: ox.Literal,
    reason: str | None = None,
) -> WriteResult:
    agent, agent_quads = _ensure_agent(store, author)
    home = _home_graph([*before, *change.inserts], claim)
    change.deletes += [q for q in before if q.subject == claim and q.predicate.value in _ATTRIBUTION]
    change.inserts += [
        ox.Quad(claim, ox.NamedNode(str(PROV) + "wasAttributedTo"), agent, home),
        ox.Quad(claim, ox.NamedNode(DCTERMS + "modified"), when, home),
    ]
    change.inserts += agent_quads
    subjects = {claim.value} | {
        q.object.value
        for q in (*before, *change.inserts)
        if q.subject == claim and q.predicate == ev("evidence") and isinstance(q.object, ox.NamedNode)
    }
    state = [
        q
        for q in _state_after(before, change, subjects)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value in subjects
    ]
    change.inserts += version_quads(
        store, claim, state=state, action=action, agent=agent, when=when, reason=reason
    )
    report = commit(store, change)
    return WriteResult(iri=claim.value, report=report)


_ATTRIBUTION = {str(PROV) + "wasAttributedTo", DCTERMS + "modified"}


# --- writes -------------------------------------------------------------------------------------


@serialized
def create_claim(store: Store, data: ClaimData, author: str) -> WriteResult:
    """Create a claim of ``data.kind`` with its evidence items; attributed to ``author``."""
    if data.kind is None or data.label is None:
        raise ValueError("a new claim needs a kind and a label")
    claim = mint("claim", data.label)
    graph = AUTHORING_GRAPH
    when = now()
    _, quads = claim_quads(claim, data, graph)
    change = ChangeSet(
        inserts=[
            ox.Quad(claim, RDF_TYPE, named(data.kind), graph),
            ox.Quad(claim, ox.NamedNode(DCTERMS + "created"), when, graph),
            *quads,
        ]
    )
    evidence, _ = evidence_quads(claim, data.label, data.evidence or [], graph)
    change.inserts += evidence
    return _write_claim(store, claim, change=change, before=[], action="created", author=author, when=when)


@serialized
def update_claim(store: Store, iri: str, data: ClaimData, author: str) -> WriteResult:
    """Replace the fields ``data`` sets on a claim; a list replaces every value.

    Evidence, when given, replaces the claim's evidence items, and its references become theirs.
    """
    _require_claim(store, iri)
    claim = named(iri)
    when = now()
    before = _subject_quads(store, [iri])
    home = _home_graph(before, claim)
    predicates, inserts = claim_quads(claim, data, home)
    if data.kind is not None:
        predicates.append(RDF_TYPE)
        inserts.append(ox.Quad(claim, RDF_TYPE, named(data.kind), home))
    change = ChangeSet(deletes=[q for q in before if q.predicate in predicates], inserts=inserts)
    if data.evidence is not None:
        items, figures = _evidence_closure(store, iri)
        old = _subject_quads(store, items + figures)
        change.deletes += old
        change.deletes += [q for q in before if q.predicate in (ev("evidence"), ev("citesAsEvidence"))]
        label = data.label or next(
            (
                q.object.value
                for q in before
                if q.predicate == RDFS_LABEL and isinstance(q.object, ox.Literal)
            ),
            "claim",
        )
        evidence, _ = evidence_quads(claim, label, data.evidence, home)
        change.inserts += evidence
    before_items = _subject_quads(
        store,
        [
            q.object.value
            for q in before
            if q.predicate == ev("evidence") and isinstance(q.object, ox.NamedNode)
        ],
    )
    return _write_claim(
        store,
        claim,
        change=change,
        before=[*before, *before_items],
        action="updated",
        author=author,
        when=when,
    )


@serialized
def retract_claim(store: Store, iri: str, reason: str, author: str) -> WriteResult:
    """Mark a claim retracted (time, author, reason); it stays in the graph and in its history."""
    _require_claim(store, iri)
    if not reason.strip():
        raise ValueError("a retraction needs a reason")
    claim = named(iri)
    if store.ask("ASK WHERE { ?claim prov:invalidatedAtTime ?t }", {"claim": claim}):
        raise ValueError(f"{iri} is already retracted")
    when = now()
    before = _subject_quads(store, [iri])
    home = _home_graph(before, claim)
    agent, _ = _ensure_agent(store, author)
    change = ChangeSet(
        inserts=[
            ox.Quad(claim, ox.NamedNode(str(PROV) + "invalidatedAtTime"), when, home),
            ox.Quad(claim, ev("retractionReason"), ox.Literal(reason), home),
            ox.Quad(claim, ev("retractedBy"), agent, home),
        ]
    )
    return _write_claim(
        store,
        claim,
        change=change,
        before=before,
        action="retracted",
        author=author,
        when=when,
        reason=reason,
    )


@serialized
def set_reference_link(
    store: Store,
    claim_iri: str,
    reference_iri: str,
    author: str,
    *,
    attach: bool,
    evidence: str | None = None,
) -> WriteResult:
    """Attach a reference to a claim (and to one of its evidence items), or detach it from both."""
    _require_claim(store, claim_iri)
    _require(store, reference_iri, [str(EV.Reference)], "reference")
    claim, reference = named(claim_iri), named(reference_iri)
    when = now()
    before = _subject_quads(store, [claim_iri])
    home = _home_graph(before, claim)
    items = [
        q.object.value for q in before if q.predicate == ev("evidence") and isinstance(q.object, ox.NamedNode)
    ]
    item_quads = _subject_quads(store, items)
    change = ChangeSet()
    if attach:
        change.inserts.append(ox.Quad(claim, ev("citesAsEvidence"), reference, home))
        if evidence is not None:
            if evidence not in items:
                raise NotFoundError(f"{evidence} is not an evidence item of {claim_iri}")
            change.inserts.append(ox.Quad(named(evidence), ev("citesAsEvidence"), reference, home))
    else:
        change.deletes += [
            q
            for q in (*before, *item_quads)
            if q.predicate == ev("citesAsEvidence") and q.object == reference
        ]
        if not change.deletes:
            raise NotFoundError(f"{claim_iri} does not cite {reference_iri}")
    action = "reference attached" if attach else "reference detached"
    return _write_claim(
        store, claim, change=change, before=[*before, *item_quads], action=action, author=author, when=when
    )


@serialized
def create_reference(store: Store, data: ReferenceData, author: str) -> WriteResult:
    """Create a reference of a source document."""
    if (data.source is None or data.citation_number is None) and not (data.pmid or data.doi):
        raise ValueError("a new reference needs its source and citation number, or a PMID or DOI")
    known_as = (
        f"reference-{data.citation_number}" if data.citation_number else f"reference-{data.pmid or data.doi}"
    )
    reference = mint("reference", data.title or known_as)
    _, quads = field_quads(reference, data, REFERENCE_FIELDS, AUTHORING_GRAPH)
    change = ChangeSet(
        inserts=[
            ox.Quad(reference, RDF_TYPE, ev("Reference"), AUTHORING_GRAPH),
            *(
                [ox.Quad(named(data.source), ox.NamedNode(DCTERMS + "hasPart"), reference, AUTHORING_GRAPH)]
                if data.source
                else []
            ),
            *quads,
            *author_list_quads(reference, data.creators or [], AUTHORING_GRAPH),
        ]
    )
    with_agent = _ensure_agent(store, author)[1]
    change.inserts += with_agent
    return WriteResult(iri=reference.value, report=commit(store, change))


@serialized
def update_reference(store: Store, iri: str, data: ReferenceData, author: str) -> WriteResult:
    """Replace the fields ``data`` sets on a reference."""
    _require(store, iri, [str(EV.Reference)], "reference")
    reference = named(iri)
    before = _subject_quads(store, [iri])
    home = _home_graph(before, reference)
    predicates, inserts = field_quads(reference, data, REFERENCE_FIELDS, home)
    deletes = [q for q in before if q.predicate in predicates]
    if data.creators is not None:  # the author list goes with the authors
        listed = [
            q.object.value
            for q in before
            if q.predicate.value == AUTHOR_LIST and isinstance(q.object, ox.NamedNode)
        ]
        deletes += [q for q in before if q.predicate.value == AUTHOR_LIST]
        deletes += _subject_quads(store, listed)
        inserts += author_list_quads(reference, data.creators, home)
    change = ChangeSet(deletes=deletes, inserts=inserts)
    change.inserts += _ensure_agent(store, author)[1]
    return WriteResult(iri=iri, report=commit(store, change))
