"""A claim's page: its properties, passages or records as printed, references, sources and history.

Beside the claim itself, the page shows the other sources that assert the same proposition and
where they disagree, and the claim's recorded versions.

A fixed number of queries: the claim with its parts (graph.linked_claims), its proposition and
conflicts (graph.propositions), the other assertions' rows, and its versions (graph.history).
"""

from __future__ import annotations

from typing import Any

from api.graphql.paging import DEFAULT_PAGE, MAX_PAGE
from api.pages.claim_rows import EV_IRI, Link, RowMaker, columns, kind_of, name
from api.pages.facts import Fact, facts, heading
from api.pages.iris import Iris
from graph.claims import ClaimFilter
from graph.entity import Entity
from graph.history import history
from graph.linked_claims import read_claims
from graph.namespaces import EV, PREFIXES, PROV
from graph.propositions import conflicts, proposition_of
from graph.store import Store

SKOS = PREFIXES["skos"]
RDFS_LABEL = PREFIXES["rdfs"] + "label"
#: A claim's properties shown in sections of their own rather than among its facts.
_SHOWN_APART = (
    RDFS_LABEL,
    EV_IRI["evidence"],
    EV_IRI["citesAsEvidence"],
    EV_IRI["curationNote"],
)
#: A claim's grading, listed after its drug and its kind's properties.
_GRADING = tuple(
    str(EV[p])
    for p in (
        "evidenceGrade",
        "recommendationStrength",
        "printedGrade",
        "gradeInferred",
        "negated",
        "section",
        "population",
    )
)
#: An evidence item's properties its passage shows; the others are listed under it.
_PASSAGE = frozenset(
    (
        PREFIXES["rdf"] + "type",
        EV_IRI["text"],
        EV_IRI["recordId"],
        EV_IRI["recordValue"],
        PREFIXES["rdfs"] + "seeAlso",
        EV_IRI["citationMarkers"],
        EV_IRI["citesAsEvidence"],
        EV_IRI["studyDesign"],
        EV_IRI["figure"],
    )
)


def build(store: Store, iri: str, iris: Iris) -> tuple[list[Fact], dict[str, Any]]:
    """The claim's facts and the named parts of its page (passages, references, notes, history, ...)."""
    read = read_claims(store, [iri])
    claim = read.node(iri) or Entity(iri)
    rows = RowMaker(read, iris)
    known = {**read.nodes, **read.claims}
    kind = kind_of(claim.types)
    first = [EV_IRI["drug"], *(p.predicate for p in columns(kind)), *_GRADING]
    shown = facts(claim, known, iris, skip=_SHOWN_APART, first=first)
    grade = claim.iri_of(EV_IRI["evidenceGrade"]) or claim.iri_of(EV_IRI["recommendationStrength"])
    scheme = (read.node(grade) or Entity("")).iri_of(SKOS + "inScheme") if grade else None
    if scheme is not None:
        graded = next(
            (i for i, f in enumerate(shown) if f.heading == heading(EV_IRI["evidenceGrade"])), len(shown) - 1
        )
        shown.insert(graded + 1, Fact("Grading scheme", (rows.link(scheme),)))
    parts: dict[str, Any] = {
        "negated": claim.flag(EV_IRI["negated"]),
        "retracted": claim.string(str(PROV.invalidatedAtTime)),
        "passages": [
            (rows.passage(e), facts(read.node(e) or Entity(e), known, iris, skip=_PASSAGE))
            for e in claim.iris(EV_IRI["evidence"])
        ],
        "references": [rows.reference(r) for r in claim.iris(EV_IRI["citesAsEvidence"])],
        "notes": claim.strings(EV_IRI["curationNote"]),
        "history": history(store, iri)[:MAX_PAGE],
    }
    parts.update(_proposition(store, claim, iris))
    return shown, parts


def _proposition(store: Store, claim: Entity, iris: Iris) -> dict[str, Any]:
    """The other claims asserting the claim's proposition, and the conflicts it is part of."""
    proposition = proposition_of(store, claim.iri)
    if proposition is None:
        return {}
    others = [c for c in proposition.claims if c != claim.iri]
    kind = kind_of(claim.types)
    found = []
    if kind is not None and len(proposition.sources) > 1:
        found = [
            c
            for c in conflicts(store, ClaimFilter(kinds=(kind.iri,), drug=proposition.drug))
            if claim.iri in c.claims and c.proposition.key == proposition.key
        ]
    read = read_claims(store, sorted({*others[:DEFAULT_PAGE], *(c for f in found for c in f.claims)}))
    rows = RowMaker(read, iris)
    assertions = [rows.row(other, ()) for other in others[:DEFAULT_PAGE]]
    disagreements = []
    for conflict in found:
        other = next(c for c in conflict.claims if c != claim.iri)
        source = conflict.sources[conflict.claims.index(other)]
        disagreements.append(
            {
                "kind": conflict.kind.lower(),
                "claim": rows.link(other),
                "source": Link(iris.link(source), name(read.node(source), source)),
                "detail": conflict.detail,
            }
        )
    return {
        "sources": len(proposition.sources),
        "assertions": assertions,
        "assertions_more": max(len(others) - DEFAULT_PAGE, 0),
        "conflicts": disagreements,
    }
