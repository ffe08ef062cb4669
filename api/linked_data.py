"""Every IRI resolves: ``/id/...``, ``/grade/...``, ``/ontology`` and ``/shapes`` answer by Accept.

An IRI under the public base (``EVIDENCE_GRAPH_PUBLIC_BASE``, by default
``https://w3id.org/evidence-graph/``) is served at the path that follows it. A browser
(``text/html``, the default) gets the node's page; RDF clients get its description
(graph.linked_data) as Turtle, N-Triples, JSON-LD compacted with the context published at
``/context.jsonld``, or RDF/XML. A suffix (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``) asks for one
format without negotiation. An IRI the store says nothing about is a 404 (a page, or plain text).
Negotiated answers say ``Vary: Accept``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from api.pages.documents import ontology_schemes, ontology_terms, shape_terms
from api.pages.iris import Iris
from api.pages.render import iris_of, render, unavailable
from api.pages.sections import Paging
from api.pages.views import node_page
from api.sparql import negotiate
from graph.jsonld import compact, context
from graph.linked_data import (
    RDF_MEDIA_TYPES,
    NotWritableError,
    description,
    ontology_document,
    serialize,
    shapes_document,
)
from graph.namespaces import BASE
from graph.remote import StoreUnavailableError
from graph.store import Store

router = APIRouter(tags=["linked data"])

HTML = "text/html"
#: What a node answers in, the default first.
OFFERED = [HTML, *RDF_MEDIA_TYPES]
JSONLD = "application/ld+json"
#: The furthest a page's list may start.
MAX_OFFSET = 1_000_000
NEGOTIATED = {"Vary": "Accept"}

AcceptHeader = Annotated[str | None, Header(description="Media types wanted: a page or an RDF format.")]
SectionQuery = Annotated[
    str | None, Query(max_length=64, description="Show this list of the page whole, a page at a time.")
]
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Where that list starts.")]

_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "The node's page or its RDF description.", "content": {m: {} for m in OFFERED}},
    404: {"description": "Nothing is known of this IRI."},
    406: {"description": "None of the accepted media types is offered."},
}


def context_url(request: Request) -> str:
    """Where this server publishes the JSON-LD context (what compacted answers name as their ``@context``)."""
    return str(request.url_for("jsonld_context"))


def _format(path: str, accept: str | None) -> tuple[str | None, str, bool]:
    """(media type or None, the path without a format suffix, negotiated?)."""
    for media_type, written in RDF_MEDIA_TYPES.items():
        if path.endswith(written.suffix) and len(path) > len(written.suffix):
            return media_type, path[: -len(written.suffix)], False
    return negotiate(accept, OFFERED), path, True


def formats(href: str) -> list[dict[str, str]]:
    """The links of a page to its data: each RDF format, by suffix."""
    return [{"media_type": m, "name": w.name, "href": href + w.suffix} for m, w in RDF_MEDIA_TYPES.items()]


def _not_acceptable() -> PlainTextResponse:
    return PlainTextResponse(
        f"None of the accepted media types is offered; ask for one of {', '.join(OFFERED)}.",
        status_code=406,
        headers=NEGOTIATED,
    )


def _rdf(
    request: Request, triples: Sequence[ox.Triple], media_type: str, first: str, headers: dict[str, str]
) -> Response:
    try:
        body = serialize(triples, media_type, context_url(request), first)
    except NotWritableError as error:
        return PlainTextResponse(f"{error}; ask for another format.", status_code=406, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _node(request: Request, path: str, accept: str | None, section: str | None, offset: int) -> Response:
    """The answer for the IRI a path stands for: its page or its description (503 if the store is down)."""
    try:
        return _answer(request, path, accept, section, offset)
    except StoreUnavailableError as error:
        return unavailable(error)


def _answer(request: Request, path: str, accept: str | None, section: str | None, offset: int) -> Response:
    store = request.app.state.store
    iris = iris_of(request)
    media_type, plain, negotiated = _format(path, accept)
    triples = _description(store, iris.iri(plain)) if not negotiated else []
    if not negotiated and not triples:  # an IRI that ends in what looks like a suffix
        media_type, plain, negotiated = negotiate(accept, OFFERED), path, True
    headers = NEGOTIATED if negotiated else {}
    if media_type is None:
        return _not_acceptable()
    iri = iris.iri(plain)
    if not _is_iri(iri):  # a path no IRI can have (a space, "<", ...) names no node
        return _missing(request, iri, iris, headers) if media_type == HTML else _unknown(iri, headers)
    if media_type == HTML:
        page = node_page(store, iri, iris, Paging(request.url.path, section, offset))
        if page is None:
            return _missing(request, iri, iris, headers)
        return render(
            request,
            page.template,
            headers=headers,
            page=page,
            jsonld=compact(page.triples, context_url(request), iri),
            formats=formats(iris.link(iri)),
        )
    triples = triples or description(store, iri)
    if not triples:
        return _unknown(iri, headers)
    return _rdf(request, triples, media_type, iri, headers)


def _is_iri(text: str) -> bool:
    """Whether ``text`` is an IRI (as Oxigraph parses one)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def _description(store: Store, iri: str) -> list[ox.Triple]:
    """The node's description; none for a string that is not an IRI."""
    return description(store, iri) if _is_iri(iri) else []


def _unknown(iri: str, headers: dict[str, str]) -> PlainTextResponse:
    return PlainTextResponse(f"Nothing is known of <{iri}>.", status_code=404, headers=headers)


def _missing(request: Request, iri: str, iris: Iris, headers: dict[str, str]) -> Response:
    return render(request, "not_found.html", status=404, headers=headers, iri=iri, served=iris.served(iri))


@router.get(
    "/id/{path:path}",
    summary="A node: its page or its RDF",
    response_class=Response,
    responses=_RESPONSES,
)
def node_route(
    path: str,
    request: Request,
    accept: AcceptHeader = None,
    section: SectionQuery = None,
    offset: OffsetQuery = 0,
) -> Response:
    """Drugs, conditions, genes, claims, evidence items, references, sources and every other node."""
    return _node(request, "id/" + path, accept, section, offset)


@router.get(
    "/grade/{path:path}",
    summary="A grading scheme or grade",
    response_class=Response,
    responses=_RESPONSES,
)
def grade_route(
    path: str,
    request: Request,
    accept: AcceptHeader = None,
    section: SectionQuery = None,
    offset: OffsetQuery = 0,
) -> Response:
    """A grading scheme (its grades and crosswalks) or a grade (the claims graded with it)."""
    return _node(request, "grade/" + path, accept, section, offset)


@router.get("/context.jsonld", name="jsonld_context", summary="The JSON-LD context of every JSON-LD answer")
def context_route() -> JSONResponse:
    """Prefixes, schema.org as the vocabulary, and which properties hold IRIs."""
    return JSONResponse(context(), media_type=JSONLD, headers={"Cache-Control": "public, max-age=3600"})


def _document(request: Request, media_type: str | None, name: str, headers: dict[str, str]) -> Response:
    """The ontology or the shapes (``name``), as a page or in an RDF format."""
    if media_type is None:
        return _not_acceptable()
    links = formats(f"{request.scope.get('root_path', '').rstrip('/')}/{name}")
    if media_type == HTML and name == "ontology":
        schemes = ontology_schemes(iris_of(request))
        return render(
            request,
            "ontology.html",
            headers=headers,
            sections=ontology_terms(),
            schemes=schemes,
            formats=links,
        )
    if media_type == HTML:
        return render(request, "shapes.html", headers=headers, shapes=shape_terms(), formats=links)
    triples = ontology_document() if name == "ontology" else shapes_document()
    return _rdf(request, triples, media_type, BASE + name, headers)


def _suffixed(suffix: str) -> str | None:
    return next((m for m, w in RDF_MEDIA_TYPES.items() if w.suffix == "." + suffix), None)


@router.get(
    "/ontology",
    summary="The ontology: its page or its RDF",
    response_class=Response,
    responses=_RESPONSES,
)
def ontology_route(request: Request, accept: AcceptHeader = None) -> Response:
    """The vocabulary and the grading schemes (ontology/), as a page or in an RDF format."""
    return _document(request, negotiate(accept, OFFERED), "ontology", NEGOTIATED)


@router.get(
    "/shapes",
    summary="The SHACL shapes: their page or their RDF",
    response_class=Response,
    responses=_RESPONSES,
)
def shapes_route(request: Request, accept: AcceptHeader = None) -> Response:
    """The shapes every write is validated against (shapes/), as a page or in an RDF format."""
    return _document(request, negotiate(accept, OFFERED), "shapes", NEGOTIATED)


def _one_format(request: Request, name: str, suffix: str) -> Response:
    media_type = _suffixed(suffix)
    if media_type is None:
        known = ", ".join(w.suffix for w in RDF_MEDIA_TYPES.values())
        return PlainTextResponse(f"No format has the suffix .{suffix}; known: {known}.", status_code=404)
    return _document(request, media_type, name, {})


@router.get("/ontology.{suffix}", summary="The ontology in one RDF format", response_class=Response)
def ontology_format_route(suffix: str, request: Request) -> Response:
    """``/ontology.ttl``, ``/ontology.jsonld``, ...: one format, without negotiation."""
    return _one_format(request, "ontology", suffix)


@router.get("/shapes.{suffix}", summary="The SHACL shapes in one RDF format", response_class=Response)
def shapes_format_route(suffix: str, request: Request) -> Response:
    """``/shapes.ttl``, ``/shapes.jsonld``, ...: one format, without negotiation."""
    return _one_format(request, "shapes", suffix)


# HEAD answers what GET would, without the body (link checkers and crawlers ask it first).
for _path, _endpoint in (
    ("/id/{path:path}", node_route),
    ("/grade/{path:path}", grade_route),
    ("/ontology", ontology_route),
    ("/shapes", shapes_route),
):
    router.add_api_route(_path, _endpoint, methods=["HEAD"], include_in_schema=False, response_class=Response)
