"""The inputs of the mutations: claims (with their evidence items and figures) and references.

``ClaimInput`` holds what every claim has, written here, and an input per property of the kinds
table (graph.kinds) that authors set: names (labels, synonyms, identifiers, IRIs or IDs) for
links, enum members for concepts, text and flags as they are.
"""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry

from api.graphql import enums
from api.graphql.descriptions import describe
from api.graphql.enums import ClaimKind, QuantityKind, StudyDesign
from graph.kinds import ClaimProperty, kind_properties
from graph.namespaces import EV

T = TypeVar("T")


def _describe(local_name: str) -> str:
    return describe(str(EV[local_name]))


def input_type(prop: ClaimProperty) -> Any:
    """The GraphQL input type of a property: a name or names for links, members, text, a flag."""
    one: Any = {"text": str, "flag": bool, "link": str, "first": str}.get(prop.value)
    if prop.value in ("concept", "concepts"):
        one = getattr(enums, prop.target)
    if one is None:  # texts, links
        one = str
    return list[one] | None if prop.many else one | None


def with_kind_inputs(cls: type[T]) -> type[T]:
    """Add an input for each property of the kinds table that authors set."""
    for prop in kind_properties().values():
        name = prop.input_name
        if name is None:
            continue
        cls.__annotations__[name] = input_type(prop)
        setattr(
            cls,
            name,
            strawberry.field(default=None, description=prop.description or describe(prop.predicate)),
        )
    return cls


@strawberry.input(
    description='A grade: its notation in a scheme, e.g. {notation: "A", scheme: "dr-oracle-evidence"}.'
)
class GradeInput:
    notation: str = strawberry.field(description='The grade as written in its scale: "A", "high", "1++".')
    scheme: str = strawberry.field(description='Scheme name ("grade-certainty") or IRI.')


@strawberry.input(description="A figure printed in a passage: as printed, and parsed.")
class FigureInput:
    label: str = strawberry.field(description="What was measured.")
    printed_value: str = strawberry.field(description='Exactly as printed, e.g. "57-75%".')
    quantity_kind: QuantityKind = strawberry.field(description=_describe("quantityKind"))
    value: float | None = strawberry.field(default=None, description=_describe("value"))
    min_value: float | None = strawberry.field(default=None, description=_describe("minValue"))
    max_value: float | None = strawberry.field(default=None, description=_describe("maxValue"))
    numerator: int | None = strawberry.field(default=None, description=_describe("numerator"))
    denominator: int | None = strawberry.field(default=None, description=_describe("denominator"))
    approximate: bool | None = strawberry.field(default=None, description=_describe("approximate"))


@strawberry.input(description="A printed passage supporting a claim, with its citation markers as printed.")
class EvidenceInput:
    text: str = strawberry.field(description=_describe("text"))
    citation_markers: str | None = strawberry.field(default=None, description='As printed, e.g. "1, 4".')
    references: list[str] = strawberry.field(
        default_factory=list, description="References: IDs, IRIs or citation numbers in the claim's source."
    )
    study_designs: list[StudyDesign] = strawberry.field(
        default_factory=list, description=_describe("studyDesign")
    )
    figures: list[FigureInput] = strawberry.field(default_factory=list, description=_describe("figure"))
    comparators: list[str] = strawberry.field(default_factory=list, description="Drugs (name, ID or IRI).")
    combined_with: list[str] = strawberry.field(default_factory=list, description="Drugs (name, ID or IRI).")
    population: str | None = strawberry.field(default=None, description=_describe("population"))
    duration: str | None = strawberry.field(default=None, description=_describe("duration"))
    finding: str | None = strawberry.field(default=None, description=_describe("finding"))


@strawberry.input(
    description="A claim's fields. Names of drugs, conditions, genes and sources may be labels, synonyms, "
    "identifiers, IRIs or IDs. On update, an omitted field is left as it is and a list replaces all values."
)
@with_kind_inputs
class ClaimInput:
    kind: ClaimKind | None = strawberry.field(default=None, description="Required to create.")
    label: str | None = strawberry.field(
        default=None, description='A short label, e.g. "Azathioprine for vitiligo".'
    )
    drug: str | None = strawberry.field(default=None, description=_describe("drug"))
    source: str | None = strawberry.field(
        default=None, description="The source document it was curated from."
    )
    section: str | None = strawberry.field(default=None, description=_describe("section"))
    evidence: list[EvidenceInput] | None = strawberry.field(default=None, description=_describe("evidence"))
    grade: GradeInput | None = strawberry.field(default=None, description="Quality of evidence.")
    recommendation_strength: GradeInput | None = strawberry.field(
        default=None, description=_describe("recommendationStrength")
    )
    printed_grade: str | None = strawberry.field(default=None, description=_describe("printedGrade"))
    grade_inferred: bool | None = strawberry.field(default=None, description=_describe("gradeInferred"))
    negated: bool | None = strawberry.field(default=None, description=_describe("negated"))
    population: str | None = strawberry.field(default=None, description=_describe("population"))
    curation_notes: list[str] | None = strawberry.field(default=None, description=_describe("curationNote"))
    conditions: list[str] | None = strawberry.field(default=None, description=_describe("condition"))
    jurisdiction_not_stated: bool | None = strawberry.field(
        default=None,
        description="True when the source does not name the regulator.",
        deprecation_reason="Use jurisdiction: NOT_STATED.",
    )
    # and, from the kinds table, an input per property that authors set (severity, gene, ...)


@strawberry.input(description="A reference's fields; on update, an omitted field is left as it is.")
class ReferenceInput:
    source: str | None = strawberry.field(
        default=None, description="The source whose reference list holds it: needed with citationNumber."
    )
    citation_number: int | None = strawberry.field(
        default=None,
        description="Its number in the source's reference list; to create, this or a pmid or doi.",
    )
    title: str | None = strawberry.field(default=None, description="Title as printed.")
    reference_type: str | None = strawberry.field(default=None, description=_describe("referenceType"))
    container_title: str | None = strawberry.field(default=None, description=_describe("containerTitle"))
    year: str | None = strawberry.field(default=None, description="Year of publication, four digits.")
    creators: list[str] | None = strawberry.field(default=None, description="Authors as printed.")
    volume: str | None = strawberry.field(default=None, description="Journal volume.")
    issue: str | None = strawberry.field(default=None, description="Journal issue.")
    page_start: str | None = strawberry.field(default=None, description="First page.")
    page_end: str | None = strawberry.field(default=None, description="Last page.")
    pmid: str | None = strawberry.field(default=None, description="PubMed ID.")
    doi: str | None = strawberry.field(default=None, description="DOI.")
    unresolved: bool | None = strawberry.field(default=None, description=_describe("unresolved"))
    curation_notes: list[str] | None = strawberry.field(default=None, description=_describe("curationNote"))
