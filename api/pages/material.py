"""Teaching material and the gap report over HTTP: what ``evidence-graph export`` and ``gaps`` write.

``/sheets/{drug}`` is a drug's teaching sheet (HTML to print, ``?format=pdf`` or ``markdown``),
``/claims.csv`` a list of claims as CSV (GraphQL's claim filters as query parameters), ``/gaps``
the gap report as a page (``?source=`` for one source). Names are what a person types: a label, a
synonym, an identifier, an IRI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.exports import ExportFormat, export_bytes
from api.graphql.enums import Certainty, ClaimKind, Jurisdiction, Severity, StudyDesign
from api.graphql.errors import BadUserInputError
from api.graphql.filters import ClaimFilterInput, to_claim_filter
from api.pages.claim_rows import Link
from api.pages.render import iris_of, render, unavailable
from graph.claim_table import claims_csv
from graph.claims import ClaimFilter
from graph.errors import AmbiguousKeyError
from graph.gaps import GAP_DESCRIPTIONS, GAP_KINDS, gap_report
from graph.lookup import NAMED_FILTERS, UnknownNameError, find_nodes, find_one, unmatched_names
from graph.namespaces import EV, ID
from graph.remote import StoreUnavailableError
from graph.store import Store

router = APIRouter(tags=["teaching material"])
T = TypeVar("T")

#: The longest name a route takes, in characters.
MAX_NAME = 200
#: The teaching sheet has no script and only its own inline styles: a policy that allows no more.
SHEET_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"
)
SHEET_FORMATS = {
    "html": (ExportFormat.html, "text/html; charset=utf-8"),
    "pdf": (ExportFormat.pdf, "application/pdf"),
    "markdown": (ExportFormat.markdown, "text/markdown; charset=utf-8"),
}
DRUGS = [str(EV.Drug), str(EV.DrugClass)]
SOURCES = [str(EV.SourceDocument)]

Name = Annotated[str, Query(max_length=MAX_NAME, description="A label, synonym, identifier or IRI.")]


class _RefusedError(Exception):
    """A name that names no node, or several: the page says which, and the closest names."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _one(store: Store, key: str, kinds: list[str], what: str) -> str:
    """The node ``key`` names: its name, or the last part of its IRI (``/sheets/azathioprine``)."""
    by_iri = f"{ID}{what}/{key}"
    if (
        key.replace("-", "").isalnum()
        and not find_nodes(store, key, kinds)
        and find_nodes(store, by_iri, kinds)
    ):
        key = by_iri  # the last part of its IRI
    try:
        return find_one(store, key, kinds, what)
    except AmbiguousKeyError as error:
        raise _RefusedError(400, str(error)) from None
    except UnknownNameError as error:
        raise _RefusedError(404, f"{error}.") from None


def _refused(request: Request, refusal: _RefusedError) -> HTMLResponse:
    return render(request, "refused.html", status=refusal.status, message=str(refusal))


async def _answer(request: Request, made: Callable[[], T], respond: Callable[[T], Response]) -> Response:
    """``respond`` to what ``made`` makes off the event loop; a refusal or a store down, a page."""
    try:
        found = await run_in_threadpool(made)
    except _RefusedError as refusal:
        return _refused(request, refusal)
    except StoreUnavailableError as error:
        return unavailable(error)
    return respond(found)


@router.get("/sheets/{drug}", summary="A drug's teaching sheet: one printable A4 page")
async def sheet(
    request: Request,
    drug: str,
    format: Annotated[
        str, Query(pattern="^(html|pdf|markdown)$", description="html, pdf or markdown.")
    ] = "html",
) -> Response:
    """The sheet: indications by licensing and grade, contraindications, testing, monitoring.

    Each point has its reference numbers; the numbered reference list closes the page.
    """
    store: Store = request.app.state.store
    output, media_type = SHEET_FORMATS[format]
    if len(drug) > MAX_NAME:
        return _refused(request, _RefusedError(400, f"A drug's name is at most {MAX_NAME} characters."))

    def made() -> bytes:
        return export_bytes(store, output, _one(store, drug, DRUGS, "drug"), None)

    headers = {"Content-Security-Policy": SHEET_POLICY}
    if format != "html":
        suffix = "pdf" if format == "pdf" else "md"
        headers["Content-Disposition"] = f'inline; filename="teaching-sheet.{suffix}"'
    return await _answer(request, made, lambda body: Response(body, media_type=media_type, headers=headers))


#: The query parameters of ``/claims.csv``: GraphQL's claim filter, field by field, and ``kind``.
FILTER_TEXT = ("drug", "condition", "grade", "gradeScheme", "source", "text", "gene", "interactant")
FILTER_FLAGS = ("conditionExact", "licensed", "negated", "includeRetracted")
FILTER_ENUMS: dict[str, type[Enum]] = {
    "jurisdiction": Jurisdiction,
    "minCertainty": Certainty,
    "studyDesign": StudyDesign,
    "severity": Severity,
}
FLAGS = {"true": True, "false": False}


def claim_filter(parameters: Mapping[str, str]) -> ClaimFilter:
    """The claim filter of ``/claims.csv``'s query: GraphQL's ``ClaimFilterInput``, by name.

    Raises :class:`_RefusedError` (400) naming a parameter that is not a filter or a value that
    does not fit it.
    """
    known = {*FILTER_TEXT, *FILTER_FLAGS, *FILTER_ENUMS, "kind"}
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise _RefusedError(
            400, f"Not a claim filter: {', '.join(unknown)}; the filters are {', '.join(sorted(known))}."
        )
    given: dict[str, object] = {}
    for name, value in parameters.items():
        field = "".join("_" + c.lower() if c.isupper() else c for c in name)
        if len(value) > MAX_NAME:
            raise _RefusedError(400, f"{name} is at most {MAX_NAME} characters.")
        if name in FILTER_FLAGS:
            if value not in FLAGS:
                raise _RefusedError(400, f"{name} is true or false, not {value!r}.")
            given[field] = FLAGS[value]
        elif name in FILTER_ENUMS or name == "kind":
            enum = FILTER_ENUMS.get(name, ClaimKind)
            if value not in enum.__members__:
                raise _RefusedError(400, f"{name} is one of {', '.join(enum.__members__)}, not {value!r}.")
            given[field] = enum.__members__[value]
        else:
            given[field] = value
    kind = given.pop("kind", None)
    kinds = (kind,) if isinstance(kind, ClaimKind) else tuple(ClaimKind)
    try:
        return to_claim_filter(ClaimFilterInput(**given), kinds)  # type: ignore[arg-type]
    except BadUserInputError as error:
        raise _RefusedError(400, str(error)) from None


@router.get("/claims.csv", summary="Claims as CSV, one row each, with GraphQL's claim filters")
async def claims_csv_list(request: Request) -> Response:
    """The claims GraphQL's ``claims(filter:)`` would list, as CSV, one row per claim.

    The query parameters are the filter's fields (``drug``, ``condition``, ``licensed=false``,
    ``grade=A``, ``jurisdiction=US_FDA``, ...) and ``kind`` (``INDICATION``, ...); RFC 4180, UTF-8,
    formula-safe cells, as ``export --format csv`` writes them. A name that names nothing is a 404
    with the closest names.
    """
    store: Store = request.app.state.store
    parameters = dict(request.query_params)
    if len(parameters) != len(request.query_params.multi_items()):
        return _refused(request, _RefusedError(400, "Each filter is given once."))

    def made() -> bytes:
        chosen = claim_filter(parameters)
        named = {name: getattr(chosen, name) for name in NAMED_FILTERS}
        missing = unmatched_names(store, named)
        if missing:
            raise _RefusedError(404, " ".join(u.message for u in missing))
        return claims_csv(store, chosen).encode("utf-8")

    attachment = {"Content-Disposition": 'attachment; filename="claims.csv"'}
    return await _answer(
        request, made, lambda body: Response(body, media_type="text/csv; charset=utf-8", headers=attachment)
    )


@router.get("/gaps", response_class=HTMLResponse, summary="What needs a curator's attention")
async def gaps_page(request: Request, source: Name | None = None) -> Response:
    """The gap report, per kind of gap, with links to the nodes; ``source`` for one source's."""
    store: Store = request.app.state.store
    iris = iris_of(request)

    def made() -> dict[str, object]:
        try:
            source_iri = None if source is None else find_one(store, source, SOURCES, "source")
        except UnknownNameError as error:
            raise _RefusedError(404, str(error)) from None
        except AmbiguousKeyError as error:
            raise _RefusedError(400, str(error)) from None
        report = gap_report(store, source_iri)
        kinds = []
        for kind in GAP_KINDS:
            description = GAP_DESCRIPTIONS[kind]
            found = [g for g in report.gaps if g.kind == kind]
            rows = [
                {"link": Link(iris.link(g.iri), g.label), "detail": g.detail, "notes": g.notes} for g in found
            ]
            kinds.append({"kind": kind, "description": description, "rows": rows})
        sources = [{"link": Link(iris.link(s.iri), s.title), "counts": s.counts} for s in report.sources]
        return {"kinds": kinds, "sources": sources, "total": len(report.gaps)}

    return await _answer(request, made, lambda data: render(request, "gaps.html", report=data, source=source))
