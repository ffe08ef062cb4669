"""Claims: the ``Claim`` interface, and one GraphQL type per kind, made from the kinds table.

Each kind's type (``IndicationStatement``, ...) is ``Claim`` plus a field per property of its row
in graph.kinds.KINDS, shown as the row says (text, concepts of an enum, links to nodes of a type),
with the ontology's definition as its description. A field the table marks ``custom_field`` is
written here by hand (:data:`CUSTOM`), as are fields computed from others (``licensed``).
"""

from __future__ import annotations

from collections.abc import Awaitable
from functools import cache
from typing import TYPE_CHECKING, Any

import strawberry

from api.graphql import enums
from api.graphql.descriptions import describe
from api.graphql.enums import ClaimKind
from api.graphql.fields import DCTERMS, PROV_NS, PlannedField, Resolved, below, computed, ev, rdf
from api.graphql.node_types import Node
from api.graphql.proposition_types import Proposition
from api.graphql.reading import _then, concept, concepts, linked, linked_first, linked_one
from api.graphql.registry import named
from graph.kinds import ClaimProperty, Kind, in_use

if TYPE_CHECKING:
    from api.graphql.evidence_types import EvidenceItem
    from api.graphql.reference_types import Reference, SourceDocument
    from api.graphql.vocabulary_types import Condition, Drug, Grade


@cache
def _kinds_in_order() -> tuple[tuple[str, ClaimKind], ...]:
    """(class IRI, enum member) of every kind, in the table's order: a claim's kind is the first."""
    return tuple((kind.iri, kind) for kind in ClaimKind)


@strawberry.interface(description=describe(ev.ClinicalStatement))
class Claim(Node):
    @computed("The kind of claim.", reads=())
    def kind(self) -> ClaimKind:
        types = self.entity.types
        for iri, kind in _kinds_in_order():
            if iri in types:
                return kind
        raise ValueError(f"{self.entity.iri} has no claim kind")

    @rdf(ev.drug, link="Drug | None")
    def drug(self) -> Resolved[Drug | None]:
        return linked_one(self, ev.drug, named("Drug"))

    @computed(
        "The proposition this claim asserts, with every claim of every source that asserts it too.",
        returns=Proposition | None,
        reads=(),
    )
    def proposition(self) -> Awaitable[Proposition | None]:
        context, pending = self.context, self.context.propositions().load(self.entity.iri)

        async def later() -> Proposition | None:
            held = await pending
            return None if held is None else Proposition(held=held, context=context)

        return later()

    @rdf(ev.evidence, link="list[EvidenceItem]")
    def evidence(self) -> Resolved[list[EvidenceItem]]:
        return linked(self, ev.evidence, named("EvidenceItem"))

    @below(ev.citationNumber)
    @rdf(ev.citesAsEvidence, link="list[Reference]")
    def references(self) -> Resolved[list[Reference]]:
        return _then(
            linked(self, ev.citesAsEvidence, named("Reference")),
            lambda refs: sorted(refs, key=lambda r: r.entity.string(ev.citationNumber) or r.entity.iri),
        )

    @rdf(
        PROV_NS + "wasDerivedFrom",
        "The source document the claim was curated from.",
        link="SourceDocument | None",
    )
    def source(self) -> Resolved[SourceDocument | None]:
        return linked_one(self, PROV_NS + "wasDerivedFrom", named("SourceDocument"))

    @rdf(ev.section)
    def section(self) -> str | None:
        return self.entity.string(ev.section)

    @rdf(ev.negated)
    def negated(self) -> bool:
        return self.entity.flag(ev.negated)

    @rdf(ev.evidenceGrade, link="Grade | None")
    def grade(self) -> Resolved[Grade | None]:
        return linked_one(self, ev.evidenceGrade, named("Grade"))

    @rdf(ev.recommendationStrength, link="Grade | None")
    def recommendation_strength(self) -> Resolved[Grade | None]:
        return linked_one(self, ev.recommendationStrength, named("Grade"))

    @rdf(ev.printedGrade)
    def printed_grade(self) -> str | None:
        return self.entity.string(ev.printedGrade)

    @rdf(ev.gradeInferred)
    def grade_inferred(self) -> bool:
        return self.entity.flag(ev.gradeInferred)

    @rdf(ev.curationNote)
    def curation_notes(self) -> list[str]:
        return self.entity.strings(ev.curationNote)

    @rdf(ev.population)
    def population(self) -> str | None:
        return self.entity.string(ev.population)

    @rdf(ev.condition, "Every condition the claim names.", link="list[Condition]")
    def conditions(self) -> Resolved[list[Condition]]:
        return linked(self, ev.condition, named("Condition"))

    @rdf(PROV_NS + "wasAttributedTo", "IRI of the agent who curated or last changed the claim.")
    def attributed_to(self) -> str | None:
        return self.entity.iri_of(PROV_NS + "wasAttributedTo")

    @rdf(DCTERMS + "created", "When the claim was first recorded (ISO 8601).")
    def created(self) -> str | None:
        return self.entity.string(DCTERMS + "created")

    @rdf(DCTERMS + "modified", "When the claim was last changed (ISO 8601).")
    def modified(self) -> str | None:
        return self.entity.string(DCTERMS + "modified")

    @rdf(PROV_NS + "invalidatedAtTime", "When the claim was retracted; null while it stands.")
    def retracted_at(self) -> str | None:
        return self.entity.string(PROV_NS + "invalidatedAtTime")

    @rdf(ev.retractionReason)
    def retraction_reason(self) -> str | None:
        return self.entity.string(ev.retractionReason)

    @rdf(ev.retractedBy, "IRI of the agent who retracted the claim.")
    def retracted_by(self) -> str | None:
        return self.entity.iri_of(ev.retractedBy)


# --- the kinds ----------------------------------------------------------------------------------


class _Indication:
    """The hand-written fields of ``IndicationStatement``."""

    @computed("True when licensed, false when unlicensed, null when not stated.", reads=[ev.licensingStatus])
    def licensed(self: Any) -> bool | None:
        status = self.entity.iri_of(ev.licensingStatus)
        return None if status is None else status == ev.Licensed

    @rdf(ev.licensingJurisdiction, "NOT_STATED when the source does not name a regulator, else its IRI.")
    def licensing_jurisdiction(self: Any) -> str | None:
        iri = self.entity.iri_of(ev.licensingJurisdiction)
        return None if iri is None else ("NOT_STATED" if iri == ev.JurisdictionNotStated else iri)

    licensing_jurisdiction.deprecation_reason = "Use jurisdiction, an enum of the regulators."


#: Kind class name -> the class holding its hand-written fields.
CUSTOM: dict[str, type] = {"IndicationStatement": _Indication}


def property_field(prop: ClaimProperty) -> PlannedField:
    """The GraphQL field showing a property of the kinds table."""
    predicate, target = prop.predicate, prop.target
    description = prop.description or ""
    if prop.value in ("link", "first", "links"):

        def follow(self: Node) -> Any:
            kind = named(target)
            if prop.value == "links":
                return linked(self, predicate, kind)
            if prop.value == "first":
                return linked_first(self, predicate, kind)
            return linked_one(self, predicate, kind)

        link = f"list[{target}]" if prop.value == "links" else f"{target} | None"
        field: PlannedField = rdf(predicate, description, link=link)(follow)
        return field
    if prop.value in ("concept", "concepts"):
        enum = getattr(enums, target)

        def members(self: Node) -> Any:
            if prop.value == "concepts":
                return concepts(self.entity, predicate, enum)
            return concept(enum, self.entity.iri_of(predicate))

        members.__annotations__["return"] = list[enum] if prop.value == "concepts" else enum | None  # type: ignore[valid-type]
        return rdf(predicate, description)(members)  # type: ignore[no-any-return]
    reads: dict[str, Any] = {
        "text": (lambda self: self.entity.string(predicate), str | None),
        "texts": (lambda self: self.entity.strings(predicate), list[str]),
        "flag": (lambda self: self.entity.flag(predicate), bool),
    }
    read, returns = reads[prop.value]

    def value(self: Node) -> Any:
        return read(self)

    value.__annotations__["return"] = returns
    return rdf(predicate, description)(value)  # type: ignore[no-any-return]


def claim_type(kind: Kind) -> type[Claim]:
    """The GraphQL type of one kind of claim: ``Claim``, its properties' fields, its custom fields."""
    namespace: dict[str, Any] = {"__module__": __name__, "__qualname__": kind.class_name}
    custom = CUSTOM.get(kind.class_name)
    for prop in kind.properties:
        if prop.custom_field:
            if custom is None or prop.name not in vars(custom):
                raise TypeError(f"{kind.class_name}.{prop.name} is custom but CUSTOM does not define it")
            continue
        namespace[prop.name] = property_field(prop)
    if custom is not None:
        namespace.update({k: v for k, v in vars(custom).items() if isinstance(v, PlannedField)})
    made = type(kind.class_name, (Claim,), namespace)
    return strawberry.type(made, description=describe(kind.iri))


#: Kind class name -> its GraphQL type, in the order of the kinds table.
CLAIM_TYPES: dict[str, type[Claim]] = {kind.class_name: claim_type(kind) for kind in in_use()}
globals().update(CLAIM_TYPES)  # module attributes, for annotations that name them (strawberry.lazy)
