"""From GraphQL inputs to the graph layer's data: names resolved to IRIs, members to concepts."""

from __future__ import annotations

from typing import Any

from api.graphql.errors import BadUserInputError
from api.graphql.ids import to_iri
from api.graphql.inputs import ClaimInput, EvidenceInput, GradeInput, ReferenceInput
from api.graphql.registry import TYPE_FOR_CLASS, named
from graph.drafts import ClaimData, EvidenceData, FigureData, ReferenceData
from graph.kinds import ClaimProperty, kind_properties
from graph.lookup import find_grade, find_nodes, find_reference
from graph.namespaces import EV
from graph.store import Store

REFERENCE = (str(EV.Reference),)
SOURCE = (str(EV.SourceDocument),)


def classes_of(type_name: str) -> tuple[str, ...]:
    """The classes whose nodes the GraphQL type ``type_name`` (or a type under it) shows.

    >>> import api.graphql.nodes  # the types, registered
    >>> classes_of("Substance")
    ('https://w3id.org/evidence-graph/ontology#DrugClass', 'https://w3id.org/evidence-graph/ontology#Drug', 'https://w3id.org/evidence-graph/ontology#Substance')
    """
    kind = named(type_name)
    return tuple(iri for iri, shown in TYPE_FOR_CLASS if issubclass(shown, kind))


class Resolver:
    """Turns the names in an input into IRIs, or says which name matched nothing (or too much)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def one(self, key: str | None, kinds: tuple[str, ...], what: str) -> str | None:
        """The IRI ``key`` names, of one of ``kinds``."""
        if key is None:
            return None
        found = find_nodes(self.store, to_iri(key) or key, kinds)
        if not found:
            raise BadUserInputError(f"no {what} matches {key!r}", argument=what)
        if len(found) > 1:
            raise BadUserInputError(f"{key!r} names several {what}s: use an ID or IRI", argument=what)
        return found[0]

    def many(self, keys: list[str] | None, kinds: tuple[str, ...], what: str) -> list[str] | None:
        """The IRIs a list of names names (None stays None: "leave as it is")."""
        if keys is None:
            return None
        return [iri for k in keys if (iri := self.one(k, kinds, what)) is not None]

    def references(self, keys: list[str], source: str | None) -> list[str]:
        """References by ID, IRI or citation number (a number counts in the claim's ``source``)."""
        found = []
        for key in keys:
            if not (key.isascii() and key.isdigit()):
                found += self.many([key], REFERENCE, "reference") or []
                continue
            if source is None:
                raise BadUserInputError(
                    f"reference {key!r} is a citation number: give the claim's source, or the "
                    "reference's ID or IRI",
                    argument="references",
                )
            iri = find_reference(self.store, source, int(key))
            if iri is None:
                raise BadUserInputError(f"the source has no reference numbered {key}", argument="references")
            found.append(iri)
        return found

    def grade(self, grade: GradeInput | None) -> str | None:
        """The IRI of a grade given by notation and scheme."""
        if grade is None:
            return None
        found = find_grade(self.store, grade.notation, grade.scheme)
        if found is None:
            raise BadUserInputError(
                f"no grade {grade.notation!r} in scheme {grade.scheme!r}", argument="grade"
            )
        return found


def _evidence(
    resolve: Resolver, items: list[EvidenceInput] | None, source: str | None
) -> list[EvidenceData] | None:
    if items is None:
        return None
    return [
        EvidenceData(
            text=item.text,
            citation_markers=item.citation_markers,
            references=resolve.references(item.references, source),
            study_designs=[d.iri for d in item.study_designs],
            figures=[
                FigureData(
                    label=f.label,
                    printed_value=f.printed_value,
                    quantity_kind=f.quantity_kind.iri,
                    value=f.value,
                    min_value=f.min_value,
                    max_value=f.max_value,
                    numerator=f.numerator,
                    denominator=f.denominator,
                    approximate=f.approximate,
                )
                for f in item.figures
            ],
            comparators=resolve.many(item.comparators, classes_of("Drug"), "drug") or [],
            combined_with=resolve.many(item.combined_with, classes_of("Drug"), "drug") or [],
            population=item.population,
            duration=item.duration,
            finding=item.finding,
        )
        for item in items
    ]


def to_claim_data(store: Store, given: ClaimInput) -> ClaimData:
    """The graph layer's claim data for a GraphQL claim input."""
    resolve = Resolver(store)
    source = resolve.one(given.source, SOURCE, "source document")
    return ClaimData(
        kind=given.kind.iri if given.kind else None,
        label=given.label,
        drug=resolve.one(given.drug, classes_of("Drug"), "drug"),
        source=source,
        section=given.section,
        evidence=_evidence(resolve, given.evidence, source),
        evidence_grade=resolve.grade(given.grade),
        recommendation_strength=resolve.grade(given.recommendation_strength),
        printed_grade=given.printed_grade,
        grade_inferred=given.grade_inferred,
        negated=given.negated,
        population=given.population,
        curation_notes=given.curation_notes,
        conditions=resolve.many(given.conditions, classes_of("Condition"), "condition"),
        properties=_properties(resolve, given),
    )


def _properties(resolve: Resolver, given: ClaimInput) -> dict[str, object]:
    """The kinds' properties an input sets; ``jurisdictionNotStated`` is ``jurisdiction: NOT_STATED``."""
    found = {
        prop.name: value
        for prop in kind_properties().values()
        if prop.input_name is not None
        and (value := _property(resolve, prop, getattr(given, prop.input_name))) is not None
    }
    if given.jurisdiction_not_stated:
        if found.get("jurisdiction", str(EV.JurisdictionNotStated)) != str(EV.JurisdictionNotStated):
            raise BadUserInputError(
                "jurisdictionNotStated contradicts jurisdiction: give one of them", argument="jurisdiction"
            )
        found["jurisdiction"] = str(EV.JurisdictionNotStated)
    return found


def _property(resolve: Resolver, prop: ClaimProperty, given: Any) -> object:
    """A kind's property as authoring takes it: IRIs for links (names resolved) and concepts."""
    if given is None:
        return None
    if prop.value in ("concept", "concepts"):
        return [m.iri for m in given] if prop.many else given.iri
    if prop.value in ("link", "first", "links"):
        kinds, what = classes_of(prop.target), prop.target.lower()
        return resolve.many(given, kinds, what) if prop.many else resolve.one(given, kinds, what)
    return given


def to_reference_data(store: Store, given: ReferenceInput) -> ReferenceData:
    """The graph layer's reference data for a GraphQL reference input."""
    if given.year is not None and not (len(given.year) == 4 and given.year.isdigit()):
        raise BadUserInputError(
            f"year must be four digits, such as 1997; got {given.year!r}", argument="year"
        )
    return ReferenceData(
        source=Resolver(store).one(given.source, SOURCE, "source document"),
        citation_number=given.citation_number,
        title=given.title,
        reference_type=given.reference_type,
        container_title=given.container_title,
        year=given.year,
        creators=given.creators,
        volume=given.volume,
        issue=given.issue,
        page_start=given.page_start,
        page_end=given.page_end,
        pmid=given.pmid,
        doi=given.doi,
        unresolved=given.unresolved,
        curation_notes=given.curation_notes,
    )
