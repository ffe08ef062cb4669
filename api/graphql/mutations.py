"""Mutations: typed inputs for claims and references, authenticated, validated, attributed.

Every mutation needs a bearer token (the author), resolves the names it is given to IRIs
(labels, synonyms, identifiers, IRIs or IDs), and writes through ``graph.authoring``: the SHACL
gate rejects the whole write with VALIDATION_FAILED and the report in ``extensions``, or commits
it atomically and returns the new state with the warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
import pyoxigraph as ox
import strawberry

from api.graphql.context import Info
from api.graphql.descriptions import describe
from api.graphql.enums import (
    ClaimKind,
    LicensingStatus,
    PharmacogenomicAction,
    QuantityKind,
    Severity,
    StudyDesign,
    TherapyRole,
)
from api.graphql.errors import BadUserInputError, UnauthenticatedError, ValidationFailedApiError
from api.graphql.ids import from_global_id, to_iri
from api.graphql.nodes import Claim, Reference, load_one
from graph import authoring
from graph.authoring import ClaimData, EvidenceData, FigureData, ReferenceData, WriteResult
from graph.errors import ValidationFailedError
from graph.lookup import find_nodes
from graph.namespaces import EV
from graph.store import Store
from graph.validation import ValidationReport, ValidationResult

R = TypeVar("R")


def _describe(local_name: str) -> str:
    return describe(str(EV[local_name]))


DRUG = (str(EV.Drug), str(EV.DrugClass))
SUBSTANCE = (str(EV.Substance), *DRUG)
CONDITION = (str(EV.Condition), str(EV.PatientState))
GENE = (str(EV.Gene),)
PHENOTYPE = (str(EV.Phenotype),)
REFERENCE = (str(EV.Reference),)
SOURCE = (str(EV.SourceDocument),)


@strawberry.type(description="One SHACL result: what is wrong (or worth a look), where, and how bad.")
class ValidationMessage:
    severity: str = strawberry.field(description="Violation, Warning or Info.")
    focus_node: str = strawberry.field(description="IRI of the node the result is about.")
    focus_label: str | None = strawberry.field(description="Its label, when it has one.")
    path: str | None = strawberry.field(description="The property concerned (as a CURIE).")
    value: str | None = strawberry.field(description="The offending value, when there is one.")
    message: str = strawberry.field(description="What is expected, for a person.")

    @staticmethod
    def of(result: ValidationResult) -> ValidationMessage:
        """The GraphQL view of a validation result."""
        return ValidationMessage(
            severity=result.severity,
            focus_node=result.focus_node,
            focus_label=result.focus_label,
            path=result.path,
            value=result.value,
            message=result.message,
        )


def _messages(report: ValidationReport) -> list[ValidationMessage]:
    return [ValidationMessage.of(r) for r in report.results]


@strawberry.type(description="The result of a write to a claim: its new state and the shapes' warnings.")
class ClaimPayload:
    claim: Claim | None = strawberry.field(description="The claim as it stands after the write.")
    warnings: list[ValidationMessage] = strawberry.field(description="SHACL Warnings and Infos about it.")


@strawberry.type(description="The result of a write to a reference: its new state and the shapes' warnings.")
class ReferencePayload:
    reference: Reference | None = strawberry.field(description="The reference as it stands after the write.")
    warnings: list[ValidationMessage] = strawberry.field(description="SHACL Warnings and Infos about it.")


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
    references: list[str] = strawberry.field(default_factory=list, description="Reference IDs or IRIs.")
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
    licensing_status: LicensingStatus | None = strawberry.field(
        default=None, description=_describe("licensingStatus")
    )
    jurisdiction_not_stated: bool | None = strawberry.field(
        default=None, description="True when the source does not name the regulator."
    )
    therapy_roles: list[TherapyRole] | None = strawberry.field(
        default=None, description=_describe("therapyRole")
    )
    severity: Severity | None = strawberry.field(default=None, description=_describe("severity"))
    co_medication: str | None = strawberry.field(default=None, description=_describe("coMedication"))
    exceptions: list[str] | None = strawberry.field(default=None, description=_describe("exception"))
    interactant: str | None = strawberry.field(default=None, description=_describe("interactant"))
    effect: str | None = strawberry.field(default=None, description=_describe("effect"))
    mechanism: str | None = strawberry.field(default=None, description=_describe("mechanismText"))
    gene: str | None = strawberry.field(default=None, description=_describe("gene"))
    phenotypes: list[str] | None = strawberry.field(default=None, description=_describe("phenotype"))
    actions: list[PharmacogenomicAction] | None = strawberry.field(
        default=None, description=_describe("pgxAction")
    )
    risks: list[str] | None = strawberry.field(default=None, description=_describe("risk"))
    monitored_parameter: str | None = strawberry.field(
        default=None, description=_describe("monitoredParameter")
    )
    monitoring_timing: str | None = strawberry.field(default=None, description=_describe("monitoringTiming"))
    related_drugs: list[str] | None = strawberry.field(default=None, description=_describe("relatedDrug"))
    metabolites: list[str] | None = strawberry.field(default=None, description=_describe("metabolite"))
    enzymes: list[str] | None = strawberry.field(default=None, description=_describe("enzyme"))


@strawberry.input(description="A reference's fields; on update, an omitted field is left as it is.")
class ReferenceInput:
    source: str | None = strawberry.field(default=None, description="Required to create.")
    citation_number: int | None = strawberry.field(default=None, description="Required to create.")
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


# --- resolving names ----------------------------------------------------------------------------


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

    def grade(self, grade: GradeInput | None) -> str | None:
        """The IRI of a grade given by notation and scheme."""
        if grade is None:
            return None
        rows = self.store.select(
            """SELECT ?g WHERE { ?g a ev:Grade ; skos:notation ?n ; skos:inScheme ?s .
                 FILTER(LCASE(STR(?n)) = LCASE(?notation))
                 FILTER(STR(?s) = ?scheme || STR(?s) = CONCAT(STR(grade:), ?scheme)) }""",
            {"notation": ox.Literal(grade.notation), "scheme": ox.Literal(grade.scheme)},
        )
        if not rows:
            raise BadUserInputError(
                f"no grade {grade.notation!r} in scheme {grade.scheme!r}", argument="grade"
            )
        return str(rows[0]["g"].value)  # type: ignore[union-attr]


def _evidence(resolve: Resolver, items: list[EvidenceInput] | None) -> list[EvidenceData] | None:
    if items is None:
        return None
    return [
        EvidenceData(
            text=item.text,
            citation_markers=item.citation_markers,
            references=resolve.many(item.references, REFERENCE, "reference") or [],
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
            comparators=resolve.many(item.comparators, DRUG, "drug") or [],
            combined_with=resolve.many(item.combined_with, DRUG, "drug") or [],
            population=item.population,
            duration=item.duration,
            finding=item.finding,
        )
        for item in items
    ]


def _iris(members: list[Any] | None) -> list[str] | None:
    return None if members is None else [m.iri for m in members]


def to_claim_data(store: Store, given: ClaimInput) -> ClaimData:
    """The graph layer's claim data for a GraphQL claim input."""
    resolve = Resolver(store)
    return ClaimData(
        kind=given.kind.iri if given.kind else None,
        label=given.label,
        drug=resolve.one(given.drug, DRUG, "drug"),
        source=resolve.one(given.source, SOURCE, "source document"),
        section=given.section,
        evidence=_evidence(resolve, given.evidence),
        evidence_grade=resolve.grade(given.grade),
        recommendation_strength=resolve.grade(given.recommendation_strength),
        printed_grade=given.printed_grade,
        grade_inferred=given.grade_inferred,
        negated=given.negated,
        population=given.population,
        curation_notes=given.curation_notes,
        conditions=resolve.many(given.conditions, CONDITION, "condition"),
        licensing_status=given.licensing_status.iri if given.licensing_status else None,
        licensing_jurisdiction=str(EV.JurisdictionNotStated) if given.jurisdiction_not_stated else None,
        therapy_roles=_iris(given.therapy_roles),
        severity=given.severity.iri if given.severity else None,
        co_medication=resolve.one(given.co_medication, DRUG, "drug"),
        exceptions=given.exceptions,
        interactant=resolve.one(given.interactant, DRUG, "drug"),
        effect=given.effect,
        mechanism=given.mechanism,
        gene=resolve.one(given.gene, GENE, "gene"),
        phenotypes=resolve.many(given.phenotypes, PHENOTYPE, "phenotype"),
        actions=_iris(given.actions),
        risks=resolve.many(given.risks, CONDITION, "condition"),
        monitored_parameter=given.monitored_parameter,
        monitoring_timing=given.monitoring_timing,
        related_drugs=resolve.many(given.related_drugs, DRUG, "drug"),
        metabolites=resolve.many(given.metabolites, SUBSTANCE, "substance"),
        enzymes=resolve.many(given.enzymes, GENE, "gene"),
    )


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


# --- running a write ----------------------------------------------------------------------------


def _author(info: Info) -> str:
    if info.context.author is None:
        raise UnauthenticatedError(info.context.refusal)
    return info.context.author


async def _write(info: Info, write: Callable[[], R]) -> R:
    """Run a write in a worker thread (validation is CPU work); map its errors to GraphQL ones."""
    info.context.check_deadline()
    try:
        result = await anyio.to_thread.run_sync(write)
    except ValidationFailedError as error:
        raise ValidationFailedApiError(
            f"the write would break {error.report.violation_count} shape constraint(s); nothing was written",
            report=[vars(ValidationMessage.of(r)) for r in error.report.violations],
        ) from None
    except (authoring.NotFoundError, ValueError) as error:
        raise BadUserInputError(str(error)) from None
    info.context.forget()
    return result


def _id_to_iri(global_id: strawberry.ID) -> str:
    return from_global_id(global_id)[1]


async def _claim_payload(info: Info, result: WriteResult) -> ClaimPayload:
    node = await load_one(info, result.iri)
    return ClaimPayload(claim=node if isinstance(node, Claim) else None, warnings=_messages(result.report))


async def _reference_payload(info: Info, result: WriteResult) -> ReferencePayload:
    node = await load_one(info, result.iri)
    return ReferencePayload(
        reference=node if isinstance(node, Reference) else None, warnings=_messages(result.report)
    )


@strawberry.type(description="Writes for guideline authors: each needs 'Authorization: Bearer <token>'.")
class Mutation:
    @strawberry.mutation(description="Create a claim of any kind, with its evidence items.")
    async def create_claim(self, info: Info, input: ClaimInput) -> ClaimPayload:
        author = _author(info)
        store = info.context.store
        if input.kind is None or input.label is None:
            raise BadUserInputError("a new claim needs kind and label")
        data = to_claim_data(store, input)
        result = await _write(info, lambda: authoring.create_claim(store, data, author))
        return await _claim_payload(info, result)

    @strawberry.mutation(description="Change a claim's fields; omitted fields stay as they are.")
    async def update_claim(self, info: Info, id: strawberry.ID, input: ClaimInput) -> ClaimPayload:
        author = _author(info)
        store = info.context.store
        iri, data = _id_to_iri(id), to_claim_data(store, input)
        result = await _write(info, lambda: authoring.update_claim(store, iri, data, author))
        return await _claim_payload(info, result)

    @strawberry.mutation(description="Retract a claim: it is kept, marked with time, author and reason.")
    async def retract_claim(self, info: Info, id: strawberry.ID, reason: str) -> ClaimPayload:
        author = _author(info)
        store, iri = info.context.store, _id_to_iri(id)
        result = await _write(info, lambda: authoring.retract_claim(store, iri, reason, author))
        return await _claim_payload(info, result)

    @strawberry.mutation(description="Cite a reference from a claim (and from one of its evidence items).")
    async def attach_reference(
        self,
        info: Info,
        claim: strawberry.ID,
        reference: strawberry.ID,
        evidence: strawberry.ID | None = None,
    ) -> ClaimPayload:
        author = _author(info)
        store = info.context.store
        claim_iri, reference_iri = _id_to_iri(claim), _id_to_iri(reference)
        evidence_iri = _id_to_iri(evidence) if evidence else None
        result = await _write(
            info,
            lambda: authoring.set_reference_link(
                store, claim_iri, reference_iri, author, attach=True, evidence=evidence_iri
            ),
        )
        return await _claim_payload(info, result)

    @strawberry.mutation(description="Stop citing a reference from a claim and its evidence items.")
    async def detach_reference(
        self, info: Info, claim: strawberry.ID, reference: strawberry.ID
    ) -> ClaimPayload:
        author = _author(info)
        store = info.context.store
        claim_iri, reference_iri = _id_to_iri(claim), _id_to_iri(reference)
        result = await _write(
            info, lambda: authoring.set_reference_link(store, claim_iri, reference_iri, author, attach=False)
        )
        return await _claim_payload(info, result)

    @strawberry.mutation(description="Create a reference of a source document.")
    async def create_reference(self, info: Info, input: ReferenceInput) -> ReferencePayload:
        author = _author(info)
        store = info.context.store
        data = to_reference_data(store, input)
        result = await _write(info, lambda: authoring.create_reference(store, data, author))
        return await _reference_payload(info, result)

    @strawberry.mutation(description="Change a reference's fields; omitted fields stay as they are.")
    async def update_reference(
        self,
        info: Info,
        id: strawberry.ID,
        input: ReferenceInput,
    ) -> ReferencePayload:
        author = _author(info)
        store = info.context.store
        iri, data = _id_to_iri(id), to_reference_data(store, input)
        result = await _write(info, lambda: authoring.update_reference(store, iri, data, author))
        return await _reference_payload(info, result)
