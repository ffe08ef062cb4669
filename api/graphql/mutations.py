"""Mutations: typed inputs for claims and references, authenticated, validated, attributed.

Every mutation needs a bearer token (the author), resolves the names it is given to IRIs
(labels, synonyms, identifiers, IRIs or IDs), and writes through ``graph.authoring``: the SHACL
gate rejects the whole write with VALIDATION_FAILED and the report in ``extensions``, or commits
it atomically and returns the new state with the warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import strawberry

from api.graphql.context import Info
from api.graphql.conversion import to_claim_data, to_reference_data
from api.graphql.errors import BadUserInputError, UnauthenticatedError, ValidationFailedApiError
from api.graphql.ids import from_global_id
from api.graphql.inputs import ClaimInput, ReferenceInput
from api.graphql.nodes import Claim, Reference, load_one
from graph import authoring
from graph.authoring import WriteResult
from graph.errors import ValidationFailedError
from graph.report import ValidationReport, ValidationResult

R = TypeVar("R")


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


# --- running a write ----------------------------------------------------------------------------


def _author(info: Info) -> str:
    if info.context.author is None:
        raise UnauthenticatedError(info.context.refusal)
    return info.context.author


async def _write(info: Info, write: Callable[[], R]) -> R:
    """Run a write (on the write lane's thread: api.graphql.lanes); map its errors to GraphQL ones."""
    info.context.check_deadline()
    try:
        result = write()
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
