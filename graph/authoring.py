"""Authoring: claims and references written from plain data, attributed, versioned, reversible.

Every write is a :class:`~graph.changes.ChangeSet` committed through :func:`graph.changes.commit`
(validated, atomic, serialized). Each write to a claim also records a version in the history
graph: who, when, what action, why, and a snapshot of the claim as it stands after the write.
Retraction marks a claim (``prov:invalidatedAtTime``, reason, author) instead of deleting it.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Concatenate, ParamSpec, TypeVar

import pyoxigraph as ox

from graph.changes import ChangeSet, commit
from graph.entity import iri_list
from graph.errors import EvidenceGraphError
from graph.kinds import KINDS, kind_properties
from graph.namespaces import BASE, EV, PREFIXES, PROV, graph_iri
from graph.store import Store
from graph.validation import ValidationReport

AUTHORING_GRAPH = ox.NamedNode(graph_iri("authoring"))
HISTORY_GRAPH = ox.NamedNode(graph_iri("history"))

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
DCTERMS = PREFIXES["dcterms"]
XSD = PREFIXES["xsd"]


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


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def ev(name: str) -> ox.NamedNode:
    """An ``ev:`` term as a pyoxigraph node."""
    return ox.NamedNode(str(EV[name]))


def _typed(value: object) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "decimal"))
    return ox.Literal(str(value))


def _decimal(value: float | None) -> float | None:
    return None if value is None else float(value)


def now() -> ox.Literal:
    """The current time as an xsd:dateTime literal (UTC, seconds)."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return ox.Literal(stamp, datatype=ox.NamedNode(XSD + "dateTime"))


def slug(text: str) -> str:
    """A short IRI-safe name from a label.

    >>> slug("Azathioprine for Behçet's disease")
    'azathioprine-for-beh-et-s-disease'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "node"


def mint(kind: str, label: str) -> ox.NamedNode:
    """A new IRI under ``id/<kind>/``: readable from the label, unique by a random suffix."""
    return ox.NamedNode(f"{BASE}id/{kind}/{slug(label)}-{uuid.uuid4().hex[:8]}")


# --- input data ---------------------------------------------------------------------------------


@dataclass
class FigureData:
    """A printed figure: as printed, and parsed."""

    label: str
    printed_value: str
    quantity_kind: str
    value: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    numerator: int | None = None
    denominator: int | None = None
    approximate: bool | None = None


@dataclass
class EvidenceData:
    """A printed passage with its citation markers and what it reports."""

    text: str
    citation_markers: str | None = None
    references: list[str] = field(default_factory=list)
    study_designs: list[str] = field(default_factory=list)
    figures: list[FigureData] = field(default_factory=list)
    comparators: list[str] = field(default_factory=list)
    combined_with: list[str] = field(default_factory=list)
    population: str | None = None
    duration: str | None = None
    finding: str | None = None


@dataclass
class ClaimData:
    """A claim's fields; on update, None means "leave as it is" and a list replaces all values."""

    kind: str | None = None
    label: str | None = None
    drug: str | None = None
    source: str | None = None
    section: str | None = None
    evidence: list[EvidenceData] | None = None
    evidence_grade: str | None = None
    recommendation_strength: str | None = None
    printed_grade: str | None = None
    grade_inferred: bool | None = None
    negated: bool | None = None
    population: str | None = None
    curation_notes: list[str] | None = None
    conditions: list[str] | None = None
    licensing_jurisdiction: str | None = None
    #: The kind's own properties (graph.kinds), by name: IRIs for links and concepts.
    properties: dict[str, object] = field(default_factory=dict)


@dataclass
class ReferenceData:
    """A reference's fields; on update, None means "leave as it is"."""

    source: str | None = None
    citation_number: int | None = None
    title: str | None = None
    reference_type: str | None = None
    container_title: str | None = None
    year: str | None = None
    creators: list[str] | None = None
    volume: str | None = None
    issue: str | None = None
    page_start: str | None = None
    page_end: str | None = None
    pmid: str | None = None
    doi: str | None = None
    unresolved: bool | None = None
    curation_notes: list[str] | None = None


BIBO = PREFIXES["bibo"]

#: ClaimData field -> (predicate, True when the values are IRIs): what every claim has (``kind`` and
#: ``evidence`` aside); the kinds' own properties come from graph.kinds.
CLAIM_FIELDS: dict[str, tuple[str, bool]] = {
    "label": (RDFS_LABEL.value, False),
    "drug": (str(EV.drug), True),
    "source": (str(PROV) + "wasDerivedFrom", True),
    "section": (str(EV.section), False),
    "evidence_grade": (str(EV.evidenceGrade), True),
    "recommendation_strength": (str(EV.recommendationStrength), True),
    "printed_grade": (str(EV.printedGrade), False),
    "grade_inferred": (str(EV.gradeInferred), False),
    "negated": (str(EV.negated), False),
    "population": (str(EV.population), False),
    "curation_notes": (str(EV.curationNote), False),
    "conditions": (str(EV.condition), True),
    "licensing_jurisdiction": (str(EV.licensingJurisdiction), True),
}

REFERENCE_FIELDS: dict[str, tuple[str, bool]] = {
    "source": (DCTERMS + "isPartOf", True),
    "citation_number": (str(EV.citationNumber), False),
    "title": (DCTERMS + "title", False),
    "reference_type": (str(EV.referenceType), False),
    "container_title": (str(EV.containerTitle), False),
    "year": (DCTERMS + "issued", False),
    "creators": (DCTERMS + "creator", False),
    "volume": (BIBO + "volume", False),
    "issue": (BIBO + "issue", False),
    "page_start": (BIBO + "pageStart", False),
    "page_end": (BIBO + "pageEnd", False),
    "pmid": (BIBO + "pmid", False),
    "doi": (BIBO + "doi", False),
    "unresolved": (str(EV.unresolved), False),
    "curation_notes": (str(EV.curationNote), False),
}


def _values(value: object, is_iri: bool, predicate: str) -> list[ox.NamedNode | ox.Literal]:
    items = value if isinstance(value, list) else [value]
    if is_iri:
        return [_iri(str(v)) for v in items]
    if predicate == DCTERMS + "issued":
        return [ox.Literal(str(v), datatype=ox.NamedNode(XSD + "gYear")) for v in items]
    return [_typed(v) for v in items]


def _field_quads(
    subject: ox.NamedNode, data: object, table: dict[str, tuple[str, bool]], graph: ox.NamedNode
) -> tuple[list[ox.NamedNode], list[ox.Quad]]:
    """Quads for every field of ``data`` that is set, and the predicates they replace."""
    predicates, quads = [], []
    for name, (predicate, is_iri) in table.items():
        value = getattr(data, name)
        if value is None:
            continue
        predicates.append(ox.NamedNode(predicate))
        quads += [
            ox.Quad(subject, ox.NamedNode(predicate), v, graph) for v in _values(value, is_iri, predicate)
        ]
    return predicates, quads


def _claim_quads(
    claim: ox.NamedNode, data: ClaimData, graph: ox.NamedNode
) -> tuple[list[ox.NamedNode], list[ox.Quad]]:
    """Quads for every field of a claim that ``data`` sets (its kind's properties too).

    Also the predicates they replace.
    """
    predicates, quads = _field_quads(claim, data, CLAIM_FIELDS, graph)
    known = kind_properties()
    for name, value in data.properties.items():
        if name not in known:
            raise ValueError(f"{name!r} is not a property of any kind of claim")
        prop = known[name]
        predicates.append(ox.NamedNode(prop.predicate))
        quads += [
            ox.Quad(claim, ox.NamedNode(prop.predicate), v, graph)
            for v in _values(value, prop.is_iri, prop.predicate)
        ]
    return predicates, quads


def _evidence_quads(
    claim: ox.NamedNode, label: str, items: Sequence[EvidenceData], graph: ox.NamedNode
) -> tuple[list[ox.Quad], set[str]]:
    quads: list[ox.Quad] = []
    references: set[str] = set()
    for item in items:
        node = mint("evidence", label)
        quads += [
            ox.Quad(claim, ev("evidence"), node, graph),
            ox.Quad(node, RDF_TYPE, ev("EvidenceItem"), graph),
            ox.Quad(node, ev("text"), ox.Literal(item.text), graph),
        ]
        scalar = {
            "citationMarkers": item.citation_markers,
            "population": item.population,
            "duration": item.duration,
            "finding": item.finding,
        }
        quads += [ox.Quad(node, ev(p), ox.Literal(v), graph) for p, v in scalar.items() if v is not None]
        links = {
            "citesAsEvidence": item.references,
            "studyDesign": item.study_designs,
            "comparator": item.comparators,
            "combinedWith": item.combined_with,
        }
        quads += [ox.Quad(node, ev(p), _iri(v), graph) for p, vs in links.items() for v in vs]
        references |= set(item.references)
        for figure in item.figures:
            figure_node = mint("figure", figure.label)
            quads += [
                ox.Quad(node, ev("figure"), figure_node, graph),
                ox.Quad(figure_node, RDF_TYPE, ev("Figure"), graph),
                ox.Quad(figure_node, RDFS_LABEL, ox.Literal(figure.label), graph),
                ox.Quad(figure_node, ev("printedValue"), ox.Literal(figure.printed_value), graph),
                ox.Quad(figure_node, ev("quantityKind"), _iri(figure.quantity_kind), graph),
            ]
            # the shapes want xsd:decimal values: 40 from Python is a decimal 40.0 here
            numbers: dict[str, float | int | bool | None] = {
                "value": _decimal(figure.value),
                "minValue": _decimal(figure.min_value),
                "maxValue": _decimal(figure.max_value),
                "numerator": figure.numerator,
                "denominator": figure.denominator,
                "approximate": figure.approximate,
            }
            quads += [
                ox.Quad(figure_node, ev(p), _typed(v), graph) for p, v in numbers.items() if v is not None
            ]
    quads += [ox.Quad(claim, ev("citesAsEvidence"), _iri(r), graph) for r in sorted(references)]
    return quads, references


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
    ok = store.ask(f"ASK WHERE {{ VALUES ?kind {{ {iri_list(kinds)} }} ?node a ?kind }}", {"node": _iri(iri)})
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
        {"claim": _iri(claim)},
    )
    items = sorted({r["item"].value for r in rows if isinstance(r["item"], ox.NamedNode)})
    figures = sorted({f.value for r in rows if isinstance(f := r.get("figure"), ox.NamedNode)})
    return items, figures


# --- versions -----------------------------------------------------------------------------------


def _version_quads(
    store: Store,
    claim: ox.NamedNode,
    *,
    state: Sequence[ox.Quad],
    action: str,
    agent: ox.NamedNode,
    when: ox.Literal,
    reason: str | None,
) -> list[ox.Quad]:
    rows = store.select("SELECT (COUNT(?v) AS ?n) WHERE { ?v ev:versionOf ?claim }", {"claim": claim})
    number = int(rows[0]["n"].value) + 1 if rows else 1  # type: ignore[union-attr]
    version = ox.NamedNode(f"{BASE}id/version/{claim.value.rsplit('/', 1)[-1]}-v{number}")
    snapshot = ox.serialize(sorted((q.triple for q in state), key=str), format=ox.RdfFormat.N_TRIPLES)
    g = HISTORY_GRAPH
    quads = [
        ox.Quad(version, RDF_TYPE, ev("Version"), g),
        ox.Quad(version, ev("versionOf"), claim, g),
        ox.Quad(version, ev("versionNumber"), _typed(number), g),
        ox.Quad(version, ev("action"), ox.Literal(action), g),
        ox.Quad(version, ox.NamedNode(str(PROV) + "generatedAtTime"), when, g),
        ox.Quad(version, ox.NamedNode(str(PROV) + "wasAttributedTo"), agent, g),
        ox.Quad(version, ev("snapshot"), ox.Literal((snapshot or b"").decode("utf-8")), g),
    ]
    if reason:
        quads.append(ox.Quad(version, ev("reason"), ox.Literal(reason), g))
    return quads


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
    change.inserts += _version_quads(
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
    _, quads = _claim_quads(claim, data, graph)
    change = ChangeSet(
        inserts=[
            ox.Quad(claim, RDF_TYPE, _iri(data.kind), graph),
            ox.Quad(claim, ox.NamedNode(DCTERMS + "created"), when, graph),
            *quads,
        ]
    )
    evidence, _ = _evidence_quads(claim, data.label, data.evidence or [], graph)
    change.inserts += evidence
    return _write_claim(store, claim, change=change, before=[], action="created", author=author, when=when)


@serialized
def update_claim(store: Store, iri: str, data: ClaimData, author: str) -> WriteResult:
    """Replace the fields ``data`` sets on a claim; a list replaces every value.

    Evidence, when given, replaces the claim's evidence items, and its references become theirs.
    """
    _require_claim(store, iri)
    claim = _iri(iri)
    when = now()
    before = _subject_quads(store, [iri])
    home = _home_graph(before, claim)
    predicates, inserts = _claim_quads(claim, data, home)
    if data.kind is not None:
        predicates.append(RDF_TYPE)
        inserts.append(ox.Quad(claim, RDF_TYPE, _iri(data.kind), home))
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
        evidence, _ = _evidence_quads(claim, label, data.evidence, home)
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
    claim = _iri(iri)
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
    claim, reference = _iri(claim_iri), _iri(reference_iri)
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
            change.inserts.append(ox.Quad(_iri(evidence), ev("citesAsEvidence"), reference, home))
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
    if data.source is None or data.citation_number is None:
        raise ValueError("a new reference needs its source and citation number")
    reference = mint("reference", data.title or f"reference-{data.citation_number}")
    _, quads = _field_quads(reference, data, REFERENCE_FIELDS, AUTHORING_GRAPH)
    change = ChangeSet(
        inserts=[
            ox.Quad(reference, RDF_TYPE, ev("Reference"), AUTHORING_GRAPH),
            ox.Quad(_iri(data.source), ox.NamedNode(DCTERMS + "hasPart"), reference, AUTHORING_GRAPH),
            *quads,
        ]
    )
    with_agent = _ensure_agent(store, author)[1]
    change.inserts += with_agent
    return WriteResult(iri=reference.value, report=commit(store, change))


@serialized
def update_reference(store: Store, iri: str, data: ReferenceData, author: str) -> WriteResult:
    """Replace the fields ``data`` sets on a reference."""
    _require(store, iri, [str(EV.Reference)], "reference")
    reference = _iri(iri)
    before = _subject_quads(store, [iri])
    predicates, inserts = _field_quads(reference, data, REFERENCE_FIELDS, _home_graph(before, reference))
    change = ChangeSet(deletes=[q for q in before if q.predicate in predicates], inserts=inserts)
    change.inserts += _ensure_agent(store, author)[1]
    return WriteResult(iri=iri, report=commit(store, change))


@dataclass(frozen=True)
class Version:
    """One recorded version of a claim."""

    number: int
    action: str
    author: str | None
    at: str
    reason: str | None
    snapshot: str


def history(store: Store, iri: str) -> list[Version]:
    """A claim's versions, oldest first; a claim loaded from a source starts with version 0."""
    rows = store.select(
        """SELECT ?n ?action ?author ?at ?reason ?snapshot WHERE {
             ?v ev:versionOf ?claim ; ev:versionNumber ?n ; ev:action ?action ;
                prov:generatedAtTime ?at ; ev:snapshot ?snapshot .
             OPTIONAL { ?v prov:wasAttributedTo/rdfs:label ?author }
             OPTIONAL { ?v ev:reason ?reason }
           } ORDER BY ?n""",
        {"claim": _iri(iri)},
    )
    versions = [
        Version(
            number=int(r["n"].value),  # type: ignore[union-attr]
            action=r["action"].value,  # type: ignore[union-attr]
            author=r["author"].value if "author" in r else None,  # type: ignore[union-attr]
            at=r["at"].value,  # type: ignore[union-attr]
            reason=r["reason"].value if "reason" in r else None,  # type: ignore[union-attr]
            snapshot=r["snapshot"].value,  # type: ignore[union-attr]
        )
        for r in rows
    ]
    if not any(v.action == "created" for v in versions):
        loaded = store.select(
            """SELECT ?at ?author ?g WHERE { GRAPH ?g { ?claim a ?kind }
                 OPTIONAL { ?claim dcterms:created ?at }
                 OPTIONAL { ?claim prov:wasAttributedTo/rdfs:label ?author }
               } LIMIT 1""",
            {"claim": _iri(iri)},
        )
        if loaded:
            row = loaded[0]
            versions.insert(
                0,
                Version(
                    number=0,
                    action="loaded",
                    author=row["author"].value if "author" in row else None,  # type: ignore[union-attr]
                    at=row["at"].value if "at" in row else "",  # type: ignore[union-attr]
                    reason=f"loaded from <{row['g'].value}>",  # type: ignore[union-attr]
                    snapshot="",
                ),
            )
    return versions
