"""Evidence items (the passages behind a claim) and the figures printed in them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from api.graphql.descriptions import describe
from api.graphql.enums import QuantityKind, StudyDesign
from api.graphql.fields import RDFS, Resolved, ev, rdf
from api.graphql.node_types import Node
from api.graphql.reading import concept, concepts, linked
from api.graphql.registry import named
from graph.entity import Entity

if TYPE_CHECKING:
    from api.graphql.reference_types import Reference
    from api.graphql.vocabulary_types import Drug


@strawberry.type(description=describe(ev.EvidenceItem))
class EvidenceItem(Node):
    @rdf(ev.text)
    def text(self) -> str | None:
        return self.entity.string(ev.text)

    @rdf(ev.citationMarkers)
    def citation_markers(self) -> str | None:
        return self.entity.string(ev.citationMarkers)

    @rdf(ev.recordId, "For evidence read from a dataset: the record's identifier in it (text is then null).")
    def record_id(self) -> str | None:
        return self.entity.string(ev.recordId)

    @rdf(ev.recordValue, 'The values of the dataset record it was read from, each "column: value", sorted.')
    def record_values(self) -> list[str]:
        return self.entity.strings(ev.recordValue)

    @rdf(RDFS + "seeAlso", "A page showing the dataset record.")
    def record_page(self) -> str | None:
        return self.entity.iri_of(RDFS + "seeAlso")

    @rdf(ev.citesAsEvidence, link="list[Reference]")
    def references(self) -> Resolved[list[Reference]]:
        return linked(self, ev.citesAsEvidence, named("Reference"))

    @rdf(ev.studyDesign)
    def study_designs(self) -> list[StudyDesign]:
        return concepts(self.entity, ev.studyDesign, StudyDesign)

    @rdf(ev.figure, link="list[Figure]")
    def figures(self) -> Resolved[list[Figure]]:
        return linked(self, ev.figure, Figure)

    @rdf(ev.comparator, link="list[Drug]")
    def comparators(self) -> Resolved[list[Drug]]:
        return linked(self, ev.comparator, named("Drug"))

    @rdf(ev.combinedWith, link="list[Drug]")
    def combined_with(self) -> Resolved[list[Drug]]:
        return linked(self, ev.combinedWith, named("Drug"))

    @rdf(ev.population)
    def population(self) -> str | None:
        return self.entity.string(ev.population)

    @rdf(ev.duration)
    def duration(self) -> str | None:
        return self.entity.string(ev.duration)

    @rdf(ev.finding)
    def finding(self) -> str | None:
        return self.entity.string(ev.finding)


def decimal(entity: Entity, predicate: str) -> float | None:
    """The value of ``predicate`` as a number (None if it has none)."""
    value = entity.string(predicate)
    return None if value is None else float(value)


def integer(entity: Entity, predicate: str) -> int | None:
    """The value of ``predicate`` as an integer (None if it has none)."""
    value = entity.string(predicate)
    return None if value is None else int(value)


@strawberry.type(description=describe(ev.Figure))
class Figure(Node):
    @rdf(ev.printedValue)
    def printed_value(self) -> str | None:
        return self.entity.string(ev.printedValue)

    @rdf(ev.quantityKind)
    def quantity_kind(self) -> QuantityKind | None:
        return concept(QuantityKind, self.entity.iri_of(ev.quantityKind))  # type: ignore[no-any-return]

    @rdf(ev.value)
    def value(self) -> float | None:
        return decimal(self.entity, ev.value)

    @rdf(ev.minValue)
    def min_value(self) -> float | None:
        return decimal(self.entity, ev.minValue)

    @rdf(ev.maxValue)
    def max_value(self) -> float | None:
        return decimal(self.entity, ev.maxValue)

    @rdf(ev.numerator)
    def numerator(self) -> int | None:
        return integer(self.entity, ev.numerator)

    @rdf(ev.denominator)
    def denominator(self) -> int | None:
        return integer(self.entity, ev.denominator)

    @rdf(ev.approximate)
    def approximate(self) -> bool:
        return self.entity.flag(ev.approximate)
