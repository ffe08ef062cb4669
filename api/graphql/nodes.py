"""GraphQL object types mirroring the SHACL shapes: one type per class, one field per property.

Each RDF-backed field carries ``metadata={"rdf": <property IRI>}`` and the ontology's definition
as its description; ``tests/test_schema_drift.py`` checks every shape property has its field.
Linked nodes resolve through the request's DataLoaders, so a level of the query costs one batched
SPARQL round trip whatever the number of results.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import strawberry

from api.graphql.context import Info
from api.graphql.descriptions import describe
from api.graphql.enums import (
    ClaimKind,
    GradingAxis,
    LicensingStatus,
    PharmacogenomicAction,
    QuantityKind,
    Severity,
    StudyDesign,
    TherapyRole,
)
from api.graphql.errors import BadUserInputError
from api.graphql.ids import to_global_id
from graph.entity import Entity
from graph.namespaces import BIBO, EV, PREFIXES, PROV
from graph.store import text

RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]

DEFAULT_PAGE = 50
MAX_PAGE = 500

T = TypeVar("T")


def rdf(predicate: str, extra: str = "", **kwargs: Any) -> Any:
    """A field mapped to an RDF property, described by the ontology (or ``extra`` alone)."""
    try:
        description = describe(predicate, extra)
    except KeyError:
        if not extra:
            raise
        description = extra
    return strawberry.field(description=description, metadata={"rdf": predicate}, **kwargs)


# --- pagination ---------------------------------------------------------------------------------


@strawberry.type(description="Where a page stands in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the page's first item.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the page's last item: pass it as `after`."
    )


@strawberry.type(description="A node with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of the node in its list.")
    node: T = strawberry.field(description="The node.")


@strawberry.type(description="A page of a list: totalCount, nodes or edges, and pageInfo.")
class Connection(Generic[T]):
    total_count: int = strawberry.field(description="How many items the whole list has.")
    edges: list[Edge[T]] = strawberry.field(description="The page's items with their cursors.")
    nodes: list[T] = strawberry.field(description="The page's items.")
    page_info: PageInfo = strawberry.field(description="Where the page stands in the list.")


def encode_cursor(offset: int) -> str:
    """The cursor of the item at ``offset``."""
    return base64.b64encode(f"cursor:{offset}".encode()).decode("ascii")


def page_window(first: int | None, after: str | None) -> tuple[int, int]:
    """``(limit, offset)`` from Relay arguments; bad values are BAD_USER_INPUT."""
    limit = DEFAULT_PAGE if first is None else first
    if not 0 <= limit <= MAX_PAGE:
        raise BadUserInputError(f"first must be between 0 and {MAX_PAGE}, got {limit}", maxPageSize=MAX_PAGE)
    offset = 0
    if after is not None:
        try:
            prefix, number = base64.b64decode(after.encode("ascii"), validate=True).decode().split(":")
            offset = int(number) + 1
            if prefix != "cursor" or offset < 1:
                raise ValueError(after)
        except (ValueError, UnicodeError):
            raise BadUserInputError(f"{after!r} is not a cursor from this API") from None
    return limit, offset


def make_connection(items: Sequence[T], total: int, offset: int, limit: int) -> Connection[T]:
    """A connection over one page ``items`` that starts at ``offset`` of ``total``."""
    page = list(items[:limit])
    edges = [Edge(cursor=encode_cursor(offset + i), node=n) for i, n in enumerate(page)]
    return Connection(
        total_count=total,
        edges=edges,
        nodes=page,
        page_info=PageInfo(
            has_next_page=offset + len(page) < total,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


# --- loading ------------------------------------------------------------------------------------


async def load_one(info: Info, iri: str | None) -> Node | None:
    """The node for ``iri``, through the request's entity loader."""
    if iri is None:
        return None
    entity = await info.context.entities.load(iri)
    return None if entity is None else wrap(entity)


async def load_all(info: Info, iris: Sequence[str]) -> list[Node]:
    """The nodes for ``iris`` (unknown ones dropped), in the order given."""
    entities = await info.context.entities.load_many(list(iris))
    return [wrap(e) for e in entities if e is not None]


async def nested_connection(
    info: Info, iris: Sequence[str], first: int | None, after: str | None
) -> Connection[Any]:
    """A connection over a list of IRIs already known (inverse fields)."""
    limit, offset = page_window(first, after)
    nodes = await load_all(info, iris[offset : offset + limit])
    return make_connection(nodes, len(iris), offset, limit)


def wrap(entity: Entity) -> Node:
    """The GraphQL object for an entity, chosen by its most specific rdf:type."""
    types = entity.types
    for class_iri, node_type in TYPE_FOR_CLASS:
        if class_iri in types:
            return node_type(entity=entity)
    return Resource(entity=entity)


# --- interfaces ---------------------------------------------------------------------------------


@strawberry.interface(description="Anything with a global ID, fetchable with node(id:).")
class Node:
    entity: strawberry.Private[Entity]

    @strawberry.field(description="Global ID: opaque and stable; pass it to node(id:).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id(type(self).__name__, self.entity.iri))

    @strawberry.field(description="The node's IRI in the evidence graph.")
    def iri(self) -> str:
        return self.entity.iri

    @rdf(RDFS_LABEL, "A short human-readable name.")
    def label(self) -> str | None:
        return (
            self.entity.string(RDFS_LABEL)
            or self.entity.string(SKOS + "prefLabel")
            or self.entity.string(DCTERMS + "title")
        )


@strawberry.interface(description="Nodes that carry standard identifiers and synonyms.")
class Identified(Node):
    @rdf(SKOS + "altLabel", "Synonyms (searchable).")
    def alt_labels(self) -> list[str]:
        return self.entity.strings(SKOS + "altLabel")

    @rdf(str(EV.identifier))
    def identifiers(self) -> list[str]:
        return self.entity.strings(str(EV.identifier))

    @rdf(SKOS + "exactMatch", "IRIs of the same concept in standard terminologies.")
    def exact_matches(self) -> list[str]:
        return self.entity.iris(SKOS + "exactMatch")

    @rdf(SKOS + "closeMatch", "IRIs of close concepts in standard terminologies.")
    def close_matches(self) -> list[str]:
        return self.entity.iris(SKOS + "closeMatch")

    @rdf(SKOS + "broader", "Broader concepts (e.g. pemphigoid for bullous pemphigoid).")
    async def broader(self, info: Info) -> list[Identified]:
        nodes = await load_all(info, self.entity.iris(SKOS + "broader"))
        return [n for n in nodes if isinstance(n, Identified)]


@strawberry.interface(description=describe(str(EV.ClinicalStatement)))
class Claim(Node):
    @strawberry.field(description="The kind of claim.")
    def kind(self) -> ClaimKind:
        for kind in ClaimKind:
            if kind.iri in self.entity.types:
                return kind
        raise ValueError(f"{self.entity.iri} has no claim kind")

    @rdf(str(EV.drug))
    async def drug(self, info: Info) -> Drug | None:
        node = await load_one(info, self.entity.iri_of(str(EV.drug)))
        return node if isinstance(node, Drug) else None

    @rdf(str(EV.evidence))
    async def evidence(self, info: Info) -> list[EvidenceItem]:
        return [
            n for n in await load_all(info, self.entity.iris(str(EV.evidence))) if isinstance(n, EvidenceItem)
        ]

    @rdf(str(EV.citesAsEvidence))
    async def references(self, info: Info) -> list[Reference]:
        nodes = await load_all(info, self.entity.iris(str(EV.citesAsEvidence)))
        refs = [n for n in nodes if isinstance(n, Reference)]
        return sorted(refs, key=lambda r: r.entity.string(str(EV.citationNumber)) or r.entity.iri)

    @rdf(str(PROV) + "wasDerivedFrom", "The source document the claim was curated from.")
    async def source(self, info: Info) -> SourceDocument | None:
        node = await load_one(info, self.entity.iri_of(str(PROV) + "wasDerivedFrom"))
        return node if isinstance(node, SourceDocument) else None

    @rdf(str(EV.section))
    def section(self) -> str | None:
        return self.entity.string(str(EV.section))

    @rdf(str(EV.negated))
    def negated(self) -> bool:
        return self.entity.flag(str(EV.negated))

    @rdf(str(EV.evidenceGrade))
    async def grade(self, info: Info) -> Grade | None:
        node = await load_one(info, self.entity.iri_of(str(EV.evidenceGrade)))
        return node if isinstance(node, Grade) else None

    @rdf(str(EV.recommendationStrength))
    async def recommendation_strength(self, info: Info) -> Grade | None:
        node = await load_one(info, self.entity.iri_of(str(EV.recommendationStrength)))
        return node if isinstance(node, Grade) else None

    @rdf(str(EV.printedGrade))
    def printed_grade(self) -> str | None:
        return self.entity.string(str(EV.printedGrade))

    @rdf(str(EV.gradeInferred))
    def grade_inferred(self) -> bool:
        return self.entity.flag(str(EV.gradeInferred))

    @rdf(str(EV.curationNote))
    def curation_notes(self) -> list[str]:
        return self.entity.strings(str(EV.curationNote))

    @rdf(str(EV.population))
    def population(self) -> str | None:
        return self.entity.string(str(EV.population))

    @rdf(str(EV.condition), "Every condition the claim names.")
    async def conditions(self, info: Info) -> list[Condition]:
        return await _conditions(info, self.entity)

    @rdf(str(PROV) + "wasAttributedTo", "IRI of the agent who curated or last changed the claim.")
    def attributed_to(self) -> str | None:
        return self.entity.iri_of(str(PROV) + "wasAttributedTo")

    @rdf(DCTERMS + "created", "When the claim was first recorded (ISO 8601).")
    def created(self) -> str | None:
        return self.entity.string(DCTERMS + "created")

    @rdf(DCTERMS + "modified", "When the claim was last changed (ISO 8601).")
    def modified(self) -> str | None:
        return self.entity.string(DCTERMS + "modified")

    @rdf(str(PROV) + "invalidatedAtTime", "When the claim was retracted; null while it stands.")
    def retracted_at(self) -> str | None:
        return self.entity.string(str(PROV) + "invalidatedAtTime")

    @rdf(str(EV.retractionReason))
    def retraction_reason(self) -> str | None:
        return self.entity.string(str(EV.retractionReason))

    @rdf(str(EV.retractedBy), "IRI of the agent who retracted the claim.")
    def retracted_by(self) -> str | None:
        return self.entity.iri_of(str(EV.retractedBy))


async def _conditions(info: Info, entity: Entity) -> list[Condition]:
    return [n for n in await load_all(info, entity.iris(str(EV.condition))) if isinstance(n, Condition)]


async def _drugs(info: Info, entity: Entity, predicate: str) -> list[Drug]:
    return [n for n in await load_all(info, entity.iris(predicate)) if isinstance(n, Drug)]


def _concepts(entity: Entity, predicate: str, enum: Any) -> list[Any]:
    found = (enum.from_iri(i) for i in entity.iris(predicate))
    return [m for m in found if m is not None]


# --- claim kinds --------------------------------------------------------------------------------


@strawberry.type(description=describe(str(EV.IndicationStatement)))
class IndicationStatement(Claim):
    @rdf(str(EV.condition))
    async def condition(self, info: Info) -> Condition | None:
        found = await _conditions(info, self.entity)
        return found[0] if found else None

    @rdf(str(EV.licensingStatus))
    def licensing_status(self) -> LicensingStatus | None:
        return LicensingStatus.from_iri(self.entity.iri_of(str(EV.licensingStatus)))  # type: ignore[return-value]

    @strawberry.field(description="True when licensed, false when unlicensed, null when not stated.")
    def licensed(self) -> bool | None:
        status = self.entity.iri_of(str(EV.licensingStatus))
        return None if status is None else status == str(EV.Licensed)

    @rdf(str(EV.licensingJurisdiction), "NOT_STATED when the source does not name a regulator.")
    def licensing_jurisdiction(self) -> str | None:
        iri = self.entity.iri_of(str(EV.licensingJurisdiction))
        return None if iri is None else ("NOT_STATED" if iri == str(EV.JurisdictionNotStated) else iri)

    @rdf(str(EV.therapyRole))
    def therapy_roles(self) -> list[TherapyRole]:
        return _concepts(self.entity, str(EV.therapyRole), TherapyRole)


@strawberry.type(description=describe(str(EV.ContraindicationStatement)))
class ContraindicationStatement(Claim):
    @rdf(str(EV.severity))
    def severity(self) -> Severity | None:
        return Severity.from_iri(self.entity.iri_of(str(EV.severity)))  # type: ignore[return-value]

    @rdf(str(EV.condition))
    async def condition(self, info: Info) -> Condition | None:
        found = await _conditions(info, self.entity)
        return found[0] if found else None

    @rdf(str(EV.coMedication))
    async def co_medication(self, info: Info) -> Drug | None:
        found = await _drugs(info, self.entity, str(EV.coMedication))
        return found[0] if found else None

    @rdf(str(EV.exception))
    def exceptions(self) -> list[str]:
        return self.entity.strings(str(EV.exception))


@strawberry.type(description=describe(str(EV.InteractionStatement)))
class InteractionStatement(Claim):
    @rdf(str(EV.interactant))
    async def interactant(self, info: Info) -> Drug | None:
        found = await _drugs(info, self.entity, str(EV.interactant))
        return found[0] if found else None

    @rdf(str(EV.effect))
    def effect(self) -> str | None:
        return self.entity.string(str(EV.effect))

    @rdf(str(EV.mechanismText))
    def mechanism(self) -> str | None:
        return self.entity.string(str(EV.mechanismText))


@strawberry.type(description=describe(str(EV.PharmacogenomicStatement)))
class PharmacogenomicStatement(Claim):
    @rdf(str(EV.gene))
    async def gene(self, info: Info) -> Gene | None:
        node = await load_one(info, self.entity.iri_of(str(EV.gene)))
        return node if isinstance(node, Gene) else None

    @rdf(str(EV.phenotype))
    async def phenotypes(self, info: Info) -> list[Phenotype]:
        return [
            n for n in await load_all(info, self.entity.iris(str(EV.phenotype))) if isinstance(n, Phenotype)
        ]

    @rdf(str(EV.pgxAction))
    def actions(self) -> list[PharmacogenomicAction]:
        return _concepts(self.entity, str(EV.pgxAction), PharmacogenomicAction)

    @rdf(str(EV.risk))
    async def risks(self, info: Info) -> list[Condition]:
        return [n for n in await load_all(info, self.entity.iris(str(EV.risk))) if isinstance(n, Condition)]


@strawberry.type(description=describe(str(EV.MonitoringStatement)))
class MonitoringStatement(Claim):
    @rdf(str(EV.monitoredParameter))
    def monitored_parameter(self) -> str | None:
        return self.entity.string(str(EV.monitoredParameter))

    @rdf(str(EV.monitoringTiming))
    def timing(self) -> str | None:
        return self.entity.string(str(EV.monitoringTiming))


@strawberry.type(description=describe(str(EV.PracticePointStatement)))
class PracticePointStatement(Claim):
    @rdf(str(EV.relatedDrug))
    async def related_drugs(self, info: Info) -> list[Drug]:
        return await _drugs(info, self.entity, str(EV.relatedDrug))


@strawberry.type(description=describe(str(EV.MechanismStatement)))
class MechanismStatement(Claim):
    @rdf(str(EV.metabolite))
    async def metabolites(self, info: Info) -> list[Substance]:
        nodes = await load_all(info, self.entity.iris(str(EV.metabolite)))
        return [n for n in nodes if isinstance(n, Substance)]

    @rdf(str(EV.enzyme))
    async def enzymes(self, info: Info) -> list[Gene]:
        return [n for n in await load_all(info, self.entity.iris(str(EV.enzyme))) if isinstance(n, Gene)]

    @rdf(str(EV.risk))
    async def risks(self, info: Info) -> list[Condition]:
        return [n for n in await load_all(info, self.entity.iris(str(EV.risk))) if isinstance(n, Condition)]


@strawberry.type(description=describe(str(EV.PracticePatternStatement)))
class PracticePatternStatement(Claim):
    pass


# --- evidence -----------------------------------------------------------------------------------


@strawberry.type(description=describe(str(EV.EvidenceItem)))
class EvidenceItem(Node):
    @rdf(str(EV.text))
    def text(self) -> str | None:
        return self.entity.string(str(EV.text))

    @rdf(str(EV.citationMarkers))
    def citation_markers(self) -> str | None:
        return self.entity.string(str(EV.citationMarkers))

    @rdf(str(EV.citesAsEvidence))
    async def references(self, info: Info) -> list[Reference]:
        nodes = await load_all(info, self.entity.iris(str(EV.citesAsEvidence)))
        return [n for n in nodes if isinstance(n, Reference)]

    @rdf(str(EV.studyDesign))
    def study_designs(self) -> list[StudyDesign]:
        return _concepts(self.entity, str(EV.studyDesign), StudyDesign)

    @rdf(str(EV.figure))
    async def figures(self, info: Info) -> list[Figure]:
        return [n for n in await load_all(info, self.entity.iris(str(EV.figure))) if isinstance(n, Figure)]

    @rdf(str(EV.comparator))
    async def comparators(self, info: Info) -> list[Drug]:
        return await _drugs(info, self.entity, str(EV.comparator))

    @rdf(str(EV.combinedWith))
    async def combined_with(self, info: Info) -> list[Drug]:
        return await _drugs(info, self.entity, str(EV.combinedWith))

    @rdf(str(EV.population))
    def population(self) -> str | None:
        return self.entity.string(str(EV.population))

    @rdf(str(EV.duration))
    def duration(self) -> str | None:
        return self.entity.string(str(EV.duration))

    @rdf(str(EV.finding))
    def finding(self) -> str | None:
        return self.entity.string(str(EV.finding))


def _decimal(entity: Entity, predicate: str) -> float | None:
    value = entity.string(predicate)
    return None if value is None else float(value)


def _integer(entity: Entity, predicate: str) -> int | None:
    value = entity.string(predicate)
    return None if value is None else int(value)


@strawberry.type(description=describe(str(EV.Figure)))
class Figure(Node):
    @rdf(str(EV.printedValue))
    def printed_value(self) -> str | None:
        return self.entity.string(str(EV.printedValue))

    @rdf(str(EV.quantityKind))
    def quantity_kind(self) -> QuantityKind | None:
        return QuantityKind.from_iri(self.entity.iri_of(str(EV.quantityKind)))  # type: ignore[return-value]

    @rdf(str(EV.value))
    def value(self) -> float | None:
        return _decimal(self.entity, str(EV.value))

    @rdf(str(EV.minValue))
    def min_value(self) -> float | None:
        return _decimal(self.entity, str(EV.minValue))

    @rdf(str(EV.maxValue))
    def max_value(self) -> float | None:
        return _decimal(self.entity, str(EV.maxValue))

    @rdf(str(EV.numerator))
    def numerator(self) -> int | None:
        return _integer(self.entity, str(EV.numerator))

    @rdf(str(EV.denominator))
    def denominator(self) -> int | None:
        return _integer(self.entity, str(EV.denominator))

    @rdf(str(EV.approximate))
    def approximate(self) -> bool:
        return self.entity.flag(str(EV.approximate))


# --- references and sources ---------------------------------------------------------------------


@strawberry.type(description=describe(str(EV.Reference)))
class Reference(Node):
    @rdf(str(EV.citationNumber))
    def citation_number(self) -> int | None:
        return _integer(self.entity, str(EV.citationNumber))

    @rdf(DCTERMS + "title", "Title as printed; null when the source does not name the reference.")
    def title(self) -> str | None:
        return self.entity.string(DCTERMS + "title")

    @rdf(str(EV.referenceType))
    def reference_type(self) -> str | None:
        return self.entity.string(str(EV.referenceType))

    @rdf(str(EV.containerTitle))
    def container_title(self) -> str | None:
        return self.entity.string(str(EV.containerTitle))

    @rdf(DCTERMS + "issued", "Year of publication.")
    def year(self) -> str | None:
        return self.entity.string(DCTERMS + "issued")

    @rdf(DCTERMS + "creator", "Authors as printed.")
    def creators(self) -> list[str]:
        return [text(v) for v in self.entity.all(DCTERMS + "creator")]

    @rdf(str(BIBO) + "volume", "Journal volume.")
    def volume(self) -> str | None:
        return self.entity.string(str(BIBO) + "volume")

    @rdf(str(BIBO) + "issue", "Journal issue.")
    def issue(self) -> str | None:
        return self.entity.string(str(BIBO) + "issue")

    @rdf(str(BIBO) + "pageStart", "First page.")
    def page_start(self) -> str | None:
        return self.entity.string(str(BIBO) + "pageStart")

    @rdf(str(BIBO) + "pageEnd", "Last page.")
    def page_end(self) -> str | None:
        return self.entity.string(str(BIBO) + "pageEnd")

    @rdf(str(BIBO) + "pmid", "PubMed ID.")
    def pmid(self) -> str | None:
        return self.entity.string(str(BIBO) + "pmid")

    @rdf(str(BIBO) + "doi", "DOI.")
    def doi(self) -> str | None:
        return self.entity.string(str(BIBO) + "doi")

    @rdf(str(EV.unresolved))
    def unresolved(self) -> bool:
        return self.entity.flag(str(EV.unresolved))

    @rdf(str(EV.markerMappingInferred))
    def marker_mapping_inferred(self) -> bool:
        return self.entity.flag(str(EV.markerMappingInferred))

    @rdf(str(EV.curationNote))
    def curation_notes(self) -> list[str]:
        return self.entity.strings(str(EV.curationNote))

    @rdf(DCTERMS + "isPartOf", "The source document whose reference list holds this reference.")
    async def source(self, info: Info) -> SourceDocument | None:
        node = await load_one(info, self.entity.iri_of(DCTERMS + "isPartOf"))
        return node if isinstance(node, SourceDocument) else None

    @strawberry.field(description="The claims that cite this reference (inverse of citesAsEvidence).")
    async def claims(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Claim]:
        claim_kinds = tuple(k.iri for k in ClaimKind)  # evidence items cite references too
        iris = await info.context.referrers(str(EV.citesAsEvidence), claim_kinds).load(self.entity.iri)
        return await nested_connection(info, iris, first, after)


@strawberry.type(description=describe(str(EV.SourceDocument)))
class SourceDocument(Node):
    @rdf(DCTERMS + "title", "Title of the document.")
    def title(self) -> str | None:
        return self.entity.string(DCTERMS + "title")

    @rdf(DCTERMS + "modified", "Last updated, as the document says (ISO date).")
    def last_updated(self) -> str | None:
        return self.entity.string(DCTERMS + "modified")

    @rdf(DCTERMS + "publisher", "Publisher.")
    def publisher(self) -> str | None:
        return self.entity.string(DCTERMS + "publisher")

    @rdf(str(EV.editorialStatus))
    def editorial_status(self) -> str | None:
        return self.entity.string(str(EV.editorialStatus))

    @rdf(DCTERMS + "hasPart", "The document's numbered references.")
    async def references(self, info: Info) -> list[Reference]:
        iris = await info.context.referrers(DCTERMS + "isPartOf", str(EV.Reference)).load(self.entity.iri)
        refs = [n for n in await load_all(info, iris) if isinstance(n, Reference)]
        return sorted(refs, key=lambda r: _integer(r.entity, str(EV.citationNumber)) or 0)


# --- things claims are about --------------------------------------------------------------------


async def _claims_about(
    info: Info, iri: str, predicate: str, kind: ClaimKind | None, *, first: int | None, after: str | None
) -> Connection[Any]:
    kinds = (kind.iri,) if kind else tuple(k.iri for k in ClaimKind)
    iris = await info.context.referrers(predicate, kinds).load(iri)
    return await nested_connection(info, iris, first, after)


@strawberry.type(description=describe(str(EV.Substance)))
class Substance(Identified):
    pass


@strawberry.type(description=describe(str(EV.Drug)))
class Drug(Substance):
    @rdf(str(EV.drugClassLabel))
    def drug_classes(self) -> list[str]:
        return self.entity.strings(str(EV.drugClassLabel))

    @strawberry.field(description="Claims about this drug, optionally of one kind.")
    async def claims(
        self, info: Info, kind: ClaimKind | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Claim]:
        return await _claims_about(info, self.entity.iri, str(EV.drug), kind, first=first, after=after)

    @strawberry.field(description="Indications of this drug.")
    async def indications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[IndicationStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.drug), ClaimKind.INDICATION, first=first, after=after
        )

    @strawberry.field(description="Contraindications of this drug.")
    async def contraindications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ContraindicationStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.drug), ClaimKind.CONTRAINDICATION, first=first, after=after
        )

    @strawberry.field(description="Interactions (and documented absences of interaction) of this drug.")
    async def interactions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[InteractionStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.drug), ClaimKind.INTERACTION, first=first, after=after
        )

    @strawberry.field(description="Pharmacogenomic rules for this drug.")
    async def pharmacogenomics(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PharmacogenomicStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.drug), ClaimKind.PHARMACOGENOMIC, first=first, after=after
        )

    @strawberry.field(description="Monitoring requirements for this drug.")
    async def monitoring(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[MonitoringStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.drug), ClaimKind.MONITORING, first=first, after=after
        )

    @strawberry.field(description="Practice points and pitfalls for this drug.")
    async def practice_points(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PracticePointStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.drug), ClaimKind.PRACTICE_POINT, first=first, after=after
        )

    @strawberry.field(description="Mechanism and metabolism statements for this drug.")
    async def mechanisms(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[MechanismStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.drug), ClaimKind.MECHANISM, first=first, after=after
        )

    @strawberry.field(description="Practice-pattern and survey findings for this drug.")
    async def practice_patterns(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PracticePatternStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.drug), ClaimKind.PRACTICE_PATTERN, first=first, after=after
        )


@strawberry.type(description=describe(str(EV.DrugClass)))
class DrugClass(Drug):
    pass


@strawberry.type(description=describe(str(EV.Condition)))
class Condition(Identified):
    @strawberry.field(description="True for patient states such as pregnancy and breastfeeding.")
    def patient_state(self) -> bool:
        return str(EV.PatientState) in self.entity.types

    @strawberry.field(description="Indications for this condition (inverse of condition).")
    async def indications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[IndicationStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.condition), ClaimKind.INDICATION, first=first, after=after
        )

    @strawberry.field(description="Contraindications naming this condition.")
    async def contraindications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ContraindicationStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.condition), ClaimKind.CONTRAINDICATION, first=first, after=after
        )

    @strawberry.field(description="Every claim naming this condition, optionally of one kind.")
    async def claims(
        self, info: Info, kind: ClaimKind | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Claim]:
        return await _claims_about(info, self.entity.iri, str(EV.condition), kind, first=first, after=after)


@strawberry.type(description=describe(str(EV.Gene)))
class Gene(Identified):
    @strawberry.field(description="Pharmacogenomic rules about this gene.")
    async def pharmacogenomics(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PharmacogenomicStatement]:
        return await _claims_about(
            info, self.entity.iri, str(EV.gene), ClaimKind.PHARMACOGENOMIC, first=first, after=after
        )


@strawberry.type(description=describe(str(EV.Phenotype)))
class Phenotype(Identified):
    @rdf(str(EV.gene))
    async def gene(self, info: Info) -> Gene | None:
        node = await load_one(info, self.entity.iri_of(str(EV.gene)))
        return node if isinstance(node, Gene) else None


# --- grades -------------------------------------------------------------------------------------


@strawberry.type(description=describe(str(EV.Grade)))
class Grade(Node):
    @rdf(SKOS + "notation", 'The grade as written in its scale ("A", "high", "1++").')
    def notation(self) -> str | None:
        return self.entity.string(SKOS + "notation")

    @rdf(SKOS + "definition", "What the grade means.")
    def definition(self) -> str | None:
        return self.entity.string(SKOS + "definition")

    @rdf(str(EV.rank))
    def rank(self) -> int | None:
        return _integer(self.entity, str(EV.rank))

    @rdf(str(EV.notationInferred))
    def notation_inferred(self) -> bool:
        return self.entity.flag(str(EV.notationInferred))

    @rdf(SKOS + "inScheme", "The grading scheme this grade belongs to.")
    async def scheme(self, info: Info) -> GradingScheme | None:
        node = await load_one(info, self.entity.iri_of(SKOS + "inScheme"))
        return node if isinstance(node, GradingScheme) else None

    @rdf(SKOS + "closeMatch", "Close equivalents in other scales (curated crosswalks).")
    async def close_matches(self, info: Info) -> list[Grade]:
        return [
            n for n in await load_all(info, self.entity.iris(SKOS + "closeMatch")) if isinstance(n, Grade)
        ]

    @rdf(SKOS + "broadMatch", "Broader equivalents in other scales (curated crosswalks).")
    async def broad_matches(self, info: Info) -> list[Grade]:
        return [
            n for n in await load_all(info, self.entity.iris(SKOS + "broadMatch")) if isinstance(n, Grade)
        ]


@strawberry.type(description=describe(str(EV.GradingScheme)))
class GradingScheme(Node):
    @rdf(SKOS + "definition", "What the scheme grades and where it comes from.")
    def definition(self) -> str | None:
        return self.entity.string(SKOS + "definition")

    @rdf(str(EV.axis))
    def axis(self) -> GradingAxis | None:
        return GradingAxis.from_iri(self.entity.iri_of(str(EV.axis)))  # type: ignore[return-value]

    @strawberry.field(description="The scheme's grades, strongest first.")
    async def grades(self, info: Info) -> list[Grade]:
        iris = await info.context.referrers(SKOS + "inScheme").load(self.entity.iri)
        grades = [n for n in await load_all(info, iris) if isinstance(n, Grade)]
        return sorted(grades, key=lambda g: -(_integer(g.entity, str(EV.rank)) or 0))


@strawberry.type(description="A node of a type the API does not model; only its IRI and label.")
class Resource(Node):
    pass


#: rdf:type -> GraphQL type, most specific first.
TYPE_FOR_CLASS: list[tuple[str, type[Node]]] = [
    (str(EV.IndicationStatement), IndicationStatement),
    (str(EV.ContraindicationStatement), ContraindicationStatement),
    (str(EV.InteractionStatement), InteractionStatement),
    (str(EV.PharmacogenomicStatement), PharmacogenomicStatement),
    (str(EV.MonitoringStatement), MonitoringStatement),
    (str(EV.PracticePointStatement), PracticePointStatement),
    (str(EV.MechanismStatement), MechanismStatement),
    (str(EV.PracticePatternStatement), PracticePatternStatement),
    (str(EV.EvidenceItem), EvidenceItem),
    (str(EV.Figure), Figure),
    (str(EV.Reference), Reference),
    (str(EV.SourceDocument), SourceDocument),
    (str(EV.DrugClass), DrugClass),
    (str(EV.Drug), Drug),
    (str(EV.Substance), Substance),
    (str(EV.PatientState), Condition),
    (str(EV.Condition), Condition),
    (str(EV.Phenotype), Phenotype),
    (str(EV.Gene), Gene),
    (str(EV.Grade), Grade),
    (str(EV.GradingScheme), GradingScheme),
]

NODE_TYPES: list[type[Node]] = [t for _, t in TYPE_FOR_CLASS] + [Resource]
