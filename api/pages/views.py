"""The page of a node: what each kind of node shows, read in a fixed number of queries.

Every page starts from the node's linked-data description (graph.linked_data: two queries), which
is also the JSON-LD the page embeds. Drugs, conditions, genes, references, sources and grades
list the claims that link to them (api.pages.sections); a grading scheme tables its grades with
their crosswalks to GRADE; a claim has a page of its own (api.pages.claim_page); anything else
lists its properties and the nodes that link to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from api.graphql.paging import DEFAULT_PAGE, MAX_PAGE
from api.pages import claim_page
from api.pages.claim_rows import EV_IRI, Link, name
from api.pages.facts import Fact, facts, heading, type_names
from api.pages.iris import Iris
from api.pages.sections import ClaimList, Paging, Section, by_kind, claim_sections
from graph.browsing import narrower, pointing_at
from graph.claims import CLAIM_KINDS
from graph.entity import Entity, entities, members
from graph.linked_claims import claims_linking
from graph.linked_data import description, names
from graph.namespaces import BIBO, PREFIXES, PROV
from graph.store import Store, text

SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
RDF_TYPE = PREFIXES["rdf"] + "type"


@dataclass
class NodePage:
    """What a node's page shows (api/templates/pages/node.html and claim.html)."""

    iri: str
    title: str
    kind: str
    triples: list[ox.Triple]
    template: str = "node.html"
    facts: list[Fact] = field(default_factory=list)
    #: Named parts of the page beyond its facts and claims (a source's references, a scheme's grades, ...).
    parts: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class Reading:
    """What every page builder is given."""

    store: Store
    entity: Entity
    names: Mapping[str, Entity]
    iris: Iris
    paging: Paging


Builder = Callable[[Reading, NodePage], None]


def node_page(store: Store, iri: str, iris: Iris, paging: Paging) -> NodePage | None:
    """The page of the node ``iri``, or None when the store says nothing about it."""
    triples = description(store, iri)
    if not triples:
        return None
    described = entities((t.subject, t.predicate, t.object) for t in triples)
    entity = described[iri]
    reading = Reading(store, entity, described, iris, paging)
    page = NodePage(iri, name(entity, iri), type_names(entity, described), triples)
    _builder(entity.types)(reading, page)
    return page


def _builder(types: frozenset[str]) -> Builder:
    for classes, builder in _BUILDERS:
        if types & classes:
            return builder
    return _other


def _drug(reading: Reading, page: NodePage) -> None:
    page.facts = facts(reading.entity, reading.names, reading.iris)
    page.parts["sheet"] = page.iri.rsplit("/", 1)[1]  # /sheets/<the IRI's last part>
    naming = [EV_IRI["interactant"], EV_IRI["coMedication"], EV_IRI["relatedDrug"]]
    keys = claims_linking(reading.store, page.iri, [EV_IRI["drug"], *naming])
    lists = by_kind([k for k in keys if k.via == EV_IRI["drug"]], with_drug=False)
    others = [k for k in keys if k.via != EV_IRI["drug"]]
    if others:
        lists.append(ClaimList("named-in", "Claims about other drugs that name it", None, others))
    page.sections = claim_sections(reading.store, lists, reading.iris, reading.paging)


def _listing(*predicates: str) -> Builder:
    """A page of a node with its facts and the claims that link to it through ``predicates``."""

    def build(reading: Reading, page: NodePage) -> None:
        page.facts = facts(reading.entity, reading.names, reading.iris)
        keys = claims_linking(reading.store, page.iri, predicates)
        page.sections = claim_sections(reading.store, by_kind(keys), reading.iris, reading.paging)

    return build


def _condition(reading: Reading, page: NodePage) -> None:
    _listing(EV_IRI["condition"], EV_IRI["risk"])(reading, page)
    below = narrower(reading.store, page.iri, MAX_PAGE)
    found = entities((t.subject, t.predicate, t.object) for t in names(reading.store, below))
    page.parts["narrower"] = sorted(
        (Link(reading.iris.link(i), name(found.get(i), i)) for i in below),
        key=lambda link: link.text.lower(),
    )


def _reference(reading: Reading, page: NodePage) -> None:
    entity = reading.entity
    seq = reading.names.get(entity.iri_of(str(BIBO.authorList)) or "")
    authors = [text(m) for m in members(seq)] if seq is not None else entity.strings(DCTERMS + "creator")
    page.facts = facts(entity, reading.names, reading.iris, skip=(DCTERMS + "creator", str(BIBO.authorList)))
    if authors:
        page.facts.insert(1, Fact("Authors (as printed)" if seq is not None else "Authors", tuple(authors)))
    if entity.flag(EV_IRI["unresolved"]):
        page.parts["unresolved"] = True
    keys = claims_linking(reading.store, page.iri, [EV_IRI["citesAsEvidence"]])
    page.sections = claim_sections(reading.store, by_kind(keys), reading.iris, reading.paging)


def _source(reading: Reading, page: NodePage) -> None:
    entity = reading.entity
    page.facts = facts(entity, reading.names, reading.iris, skip=(DCTERMS + "hasPart",))
    references = sorted(
        (reading.names.get(r) or Entity(r) for r in entity.iris(DCTERMS + "hasPart")),
        key=lambda r: (_number(r), r.iri),
    )
    start, size = reading.paging.window("references")
    shown = references[start : start + size]
    page.parts["references"] = [
        {
            "number": r.string(EV_IRI["citationNumber"]),
            "link": Link(
                reading.iris.link(r.iri), r.string(DCTERMS + "title") or "(not named in the source)"
            ),
            "year": r.string(DCTERMS + "issued"),
            "container": r.string(EV_IRI["containerTitle"]),
            "unresolved": r.flag(EV_IRI["unresolved"]),
            "inferred": r.flag(EV_IRI["markerMappingInferred"]),
        }
        for r in shown
    ]
    page.parts["references_total"] = len(references)
    if len(references) > len(shown) and reading.paging.section is None:
        page.parts["references_whole"] = Link(
            reading.paging.url("references", 0), f"All {len(references):,} references"
        )
    keys = claims_linking(reading.store, page.iri, [str(PROV.wasDerivedFrom)])
    page.sections = claim_sections(reading.store, by_kind(keys), reading.iris, reading.paging)


def _number(reference: Entity) -> int:
    number = reference.string(EV_IRI["citationNumber"])
    return int(number) if number and number.isdigit() else 1 << 30


def _scheme(reading: Reading, page: NodePage) -> None:
    entity = reading.entity
    page.facts = facts(entity, reading.names, reading.iris, skip=(SKOS + "hasTopConcept",))
    grades = [reading.names.get(g) or Entity(g) for g in entity.iris(SKOS + "hasTopConcept")]
    grades.sort(key=lambda g: (-int(g.string(EV_IRI["rank"]) or 0), g.iri))
    page.parts["grades"] = [_grade_row(reading, grade) for grade in grades]


def _grade_row(reading: Reading, grade: Entity) -> dict[str, Any]:
    """A grade with its crosswalks to GRADE (close or broad match) and the curators' caveats."""
    crosswalks = [
        (match, Link(reading.iris.link(target), name(reading.names.get(target), target)))
        for predicate, match in ((SKOS + "closeMatch", "close match"), (SKOS + "broadMatch", "broader match"))
        for target in grade.iris(predicate)
    ]
    return {
        "link": Link(reading.iris.link(grade.iri), name(grade, grade.iri)),
        "notation": grade.string(SKOS + "notation"),
        "definition": grade.string(SKOS + "definition"),
        "rank": grade.string(EV_IRI["rank"]),
        "inferred": grade.flag(EV_IRI["notationInferred"]),
        "crosswalks": crosswalks,
        "notes": grade.strings(SKOS + "editorialNote"),
    }


def _grade(reading: Reading, page: NodePage) -> None:
    _listing(EV_IRI["evidenceGrade"], EV_IRI["recommendationStrength"])(reading, page)


def _other(reading: Reading, page: NodePage) -> None:
    """Any other node: its facts and, bounded, the nodes that link to it."""
    page.facts = facts(reading.entity, reading.names, reading.iris)
    linking = pointing_at(reading.store, page.iri, MAX_PAGE + 1)
    found = entities(
        (t.subject, t.predicate, t.object) for t in names(reading.store, sorted({s for s, _ in linking}))
    )
    grouped: dict[str, list[Link]] = {}
    for subject, predicate in linking[:MAX_PAGE]:
        grouped.setdefault(heading(predicate), []).append(
            Link(reading.iris.link(subject), name(found.get(subject), subject))
        )
    page.parts["linked_from"] = {
        h: sorted(links, key=lambda link: link.text.lower())[:DEFAULT_PAGE]
        for h, links in sorted(grouped.items())
    }
    page.parts["linked_from_more"] = len(linking) > MAX_PAGE or any(
        len(v) > DEFAULT_PAGE for v in grouped.values()
    )


def _claim(reading: Reading, page: NodePage) -> None:
    page.template = "claim.html"
    page.facts, page.parts = claim_page.build(reading.store, page.iri, reading.iris)


_BUILDERS: list[tuple[frozenset[str], Builder]] = [
    (frozenset(str(k) for k in CLAIM_KINDS), _claim),
    (frozenset((EV_IRI["Drug"], EV_IRI["DrugClass"])), _drug),
    (frozenset((EV_IRI["Condition"], EV_IRI["PatientState"])), _condition),
    (frozenset((EV_IRI["Gene"],)), _listing(EV_IRI["gene"], EV_IRI["enzyme"])),
    (frozenset((EV_IRI["Substance"],)), _listing(EV_IRI["metabolite"])),
    (frozenset((EV_IRI["Reference"],)), _reference),
    (frozenset((EV_IRI["SourceDocument"],)), _source),
    (frozenset((EV_IRI["GradingScheme"],)), _scheme),
    (frozenset((EV_IRI["Grade"],)), _grade),
]
