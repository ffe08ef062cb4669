"""FHIR R5 over HTTP, read-only: ClinicalUseDefinition search and a CapabilityStatement.

``GET /fhir/ClinicalUseDefinition?subject=<drug>&type=<code>`` answers a ``searchset`` Bundle
(graph.fhir makes it) as ``application/fhir+json``; a parameter it does not understand, given
twice or out of range is a 400 with an OperationOutcome that says which and why. Pages follow
the GraphQL lists' sizes (api.graphql.paging).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from api.graphql.paging import DEFAULT_PAGE, MAX_PAGE
from graph import __version__
from graph.fhir import clinical_use_search, drug_key
from graph.fhir_codes import CLINICAL_USE_TYPES
from graph.fhir_resources import EXPORTED_TYPES
from graph.remote import StoreUnavailableError

router = APIRouter(prefix="/fhir", tags=["fhir"])
logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
#: The furthest a page may start.
MAX_OFFSET = 1_000_000
_FORMATS = {"json", "application/json", FHIR_JSON}
_PARAMETERS = ("subject", "type", "_count", "_offset", "_format")
#: The CapabilityStatement's date: what it states is fixed while the server runs.
_STARTED = datetime.now(UTC).date().isoformat()


class BadParameterError(ValueError):
    """A search parameter that cannot be answered; its message is shown to the client."""


def fhir_response(body: dict[str, Any], status: int = 200) -> JSONResponse:
    """A FHIR JSON answer."""
    return JSONResponse(body, status_code=status, media_type=FHIR_JSON)


def outcome(status: int, code: str, message: str) -> JSONResponse:
    """An OperationOutcome with one error issue (FHIR issue-type ``code``)."""
    issue = {"severity": "error", "code": code, "diagnostics": message}
    return fhir_response({"resourceType": "OperationOutcome", "issue": [issue]}, status)


def _check_names(request: Request) -> None:
    """Refuse a parameter this search does not know, or one given twice (FHIR would AND them)."""
    seen: set[str] = set()
    for name, _ in request.query_params.multi_items():
        if name not in _PARAMETERS:
            raise BadParameterError(
                f"unknown search parameter {name!r}; this search takes {', '.join(_PARAMETERS)}"
            )
        if name in seen:
            raise BadParameterError(f"{name!r} is given more than once; give it once")
        seen.add(name)


def _integer(name: str, value: str | None, default: int, maximum: int) -> int:
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or len(value) > len(str(maximum)) or int(value) > maximum:
        raise BadParameterError(f"{name} must be a whole number from 0 to {maximum}, not {value!r}")
    return int(value)


def _search(
    request: Request,
    *,
    subject: str | None,
    type_: str | None,
    count: str | None,
    offset: str | None,
    format_: str | None,
) -> tuple[str | None, str | None, int, int]:
    """The checked search: drug, type code, page size and start."""
    _check_names(request)
    if format_ is not None and format_ not in _FORMATS:
        raise BadParameterError(f"_format {format_!r} is not served; this server answers JSON ({FHIR_JSON})")
    if subject is not None and not subject.strip():
        raise BadParameterError("subject is empty; name a drug, e.g. subject=azathioprine")
    if type_ is not None and type_ not in CLINICAL_USE_TYPES:
        raise BadParameterError(
            f"type {type_!r} is not a clinical-use-definition-type code ({', '.join(CLINICAL_USE_TYPES)})"
        )
    drug = subject if subject is None else drug_key(subject)
    return (
        drug,
        type_,
        _integer("_count", count, DEFAULT_PAGE, MAX_PAGE),
        _integer("_offset", offset, 0, MAX_OFFSET),
    )


_SEARCH_DOC = (
    "ClinicalUseDefinitions of the live claims, in a searchset Bundle with the Medications, Citations "
    "and ArtifactAssessments they name (search mode include), in the claims' label order. "
    "docs/fhir.md gives the mapping."
)


@router.get("/ClinicalUseDefinition", summary="Search ClinicalUseDefinitions", description=_SEARCH_DOC)
async def search_clinical_use(
    *,
    request: Request,
    store: StoreDep,
    subject: Annotated[
        str | None,
        Query(description="The drug: Medication/<id>, a name, synonym, identifier (RXNORM:1256) or IRI."),
    ] = None,
    type_: Annotated[
        str | None,
        Query(
            alias="type",
            description="A clinical-use-definition-type code: " + ", ".join(CLINICAL_USE_TYPES) + ".",
        ),
    ] = None,
    count: Annotated[
        str | None,
        Query(alias="_count", description=f"Page size, 0 to {MAX_PAGE} ({DEFAULT_PAGE} if absent)."),
    ] = None,
    offset: Annotated[str | None, Query(alias="_offset", description="Matches to skip.")] = None,
    format_: Annotated[str | None, Query(alias="_format", description="json (the only format).")] = None,
) -> JSONResponse:
    """One page of ClinicalUseDefinitions, of one drug or all, of one type or all."""
    try:
        drug, fhir_type, size, start = _search(
            request, subject=subject, type_=type_, count=count, offset=offset, format_=format_
        )
    except BadParameterError as error:
        return outcome(400, "invalid", str(error))
    try:
        bundle = await run_in_threadpool(
            clinical_use_search, store, drug=drug, fhir_type=fhir_type, count=size, offset=start
        )
    except StoreUnavailableError as error:
        logger.warning("/fhir: %s", error)
        return outcome(503, "transient", "The store does not answer; try again later.")
    links = [{"relation": "self", "url": str(request.url)}]
    if size > 0 and start + size < bundle["total"]:
        following = request.url.include_query_params(_offset=start + size, _count=size)
        links.append({"relation": "next", "url": str(following)})
    head = {"resourceType": "Bundle", "type": "searchset", "total": bundle["total"], "link": links}
    return fhir_response({**head, "entry": bundle["entry"]})


@router.get("/metadata", summary="CapabilityStatement")
async def metadata() -> JSONResponse:
    """What this FHIR endpoint serves: ClinicalUseDefinition search, read-only, JSON."""
    exported = ", ".join(EXPORTED_TYPES)
    return fhir_response(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": _STARTED,
            "kind": "instance",
            "software": {"name": "Evidence Graph", "version": __version__},
            "fhirVersion": "5.0.0",
            "format": ["json"],
            "rest": [
                {
                    "mode": "server",
                    "documentation": f"Read-only. Types exported: {exported}.",
                    "resource": [
                        {
                            "type": "ClinicalUseDefinition",
                            "interaction": [{"code": "search-type"}],
                            "searchParam": [
                                {
                                    "name": "subject",
                                    "type": "reference",
                                    "documentation": "The drug: Medication/<id>, a name, identifier or IRI.",
                                },
                                {"name": "type", "type": "token"},
                                {"name": "_count", "type": "number"},
                                {"name": "_offset", "type": "number"},
                            ],
                        }
                    ],
                }
            ],
        }
    )
