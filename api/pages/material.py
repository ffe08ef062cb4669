"""Teaching material and the gap report over HTTP: what ``evidence-graph export`` and ``gaps`` write.

``/sheets/{drug}`` is a drug's teaching sheet (HTML to print, ``?format=pdf`` or ``markdown``),
``/claims.csv`` a list of claims as CSV (``?drug=`` and ``?source=``, as the command line takes
them), ``/gaps`` the gap report as a page (``?source=`` for one source). Names are what a person
types: a label, a synonym, an identifier, an IRI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.exports import ExportFormat, export_bytes
from api.pages.claim_rows import Link
from api.pages.render import iris_of, render, unavailable
from graph.errors import AmbiguousKeyError
from graph.gaps import GAP_DESCRIPTIONS, GAP_KINDS, UnknownSourceError, find_source, gap_report
from graph.lookup import closest_names, find_nodes
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
    try:
        found = find_nodes(store, key, kinds) or (
            find_nodes(store, f"{ID}{what}/{key}", kinds) if key.replace("-", "").isalnum() else []
        )
    except AmbiguousKeyError as error:
        raise _RefusedError(400, str(error)) from None
    if len(found) > 1:
        raise _RefusedError(400, str(AmbiguousKeyError(key, found)))
    if not found:
        closest = closest_names(store, key, kinds)
        hint = f"; the closest names: {', '.join(closest)}" if closest else ""
        raise _RefusedError(404, f"No {what} is named {key!r}{hint}.")
    return found[0]


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


@router.get("/claims.csv", summary="Claims as CSV, one row each, for a drug or a source")
async def claims_csv(request: Request, drug: Name | None = None, source: Name | None = None) -> Response:
    """The claims of a drug, of a source or of both (all claims without either), as CSV.

    As the command line's ``export --format csv`` writes them: RFC 4180, UTF-8, formula-safe cells.
    """
    store: Store = request.app.state.store

    def made() -> bytes:
        drug_iri = None if drug is None else _one(store, drug, DRUGS, "drug")
        source_iri = None if source is None else _one(store, source, SOURCES, "source")
        return export_bytes(store, ExportFormat.csv, drug_iri, source_iri)

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
            source_iri = None if source is None else find_source(store, source)
        except UnknownSourceError as error:
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
