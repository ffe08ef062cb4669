"""The home page (``/``: sources, drugs, grading schemes, how to query) and search (``/search?q=``)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.graphql.paging import DEFAULT_PAGE
from api.pages.claim_rows import Link, name, term_label
from api.pages.iris import Iris
from api.pages.render import iris_of, render, unavailable
from graph.browsing import drugs_with_claims
from graph.claims import by_label, grade_schemes, search
from graph.entity import entities
from graph.linked_claims import read_nodes
from graph.linked_data import names
from graph.namespaces import EV, PREFIXES
from graph.remote import StoreUnavailableError
from graph.store import Store

router = APIRouter(tags=["pages"])

#: The longest search a page takes, in characters.
MAX_SEARCH = 200
#: The furthest a list of the home page or of a search may start.
MAX_OFFSET = 1_000_000
RDF_TYPE = PREFIXES["rdf"] + "type"

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Where the list starts.")]


def _window(shown: list[Link], total: int, offset: int, key: str) -> dict[str, object]:
    """A part of a list of the home page, with links to the parts before and after it."""
    window: dict[str, object] = {"items": shown, "total": total, "start": offset}
    if offset > 0:
        window["previous"] = f"?{key}={max(offset - DEFAULT_PAGE, 0)}#{key}"
    if offset + DEFAULT_PAGE < total:
        window["next"] = f"?{key}={offset + DEFAULT_PAGE}#{key}"
    return window


def _home(store: Store, iris: Iris, sources_from: int, drugs_from: int) -> dict[str, object]:
    source_iris = by_label(store, str(EV.SourceDocument))
    shown_sources = source_iris[sources_from : sources_from + DEFAULT_PAGE]
    schemes = grade_schemes(store)
    found = entities((t.subject, t.predicate, t.object) for t in names(store, [*shown_sources, *schemes]))
    sources = [Link(iris.link(s), name(found.get(s), s)) for s in shown_sources]
    drugs = [
        Link(iris.link(d.iri), f"{d.label or name(None, d.iri)} ({d.claims} claims)")
        for d in drugs_with_claims(store)
    ]
    return {
        "sources": _window(sources, len(source_iris), sources_from, "sources"),
        "drugs": _window(drugs[drugs_from : drugs_from + DEFAULT_PAGE], len(drugs), drugs_from, "drugs"),
        "schemes": sorted(
            (Link(iris.link(s), name(found.get(s), s)) for s in schemes), key=lambda x: x.text.lower()
        ),
    }


@router.get("/", response_class=HTMLResponse, summary="The home page")
async def home(request: Request, sources: Offset = 0, drugs: Offset = 0) -> Response:
    """Sources, drugs and grading schemes, and how to query the graph."""
    try:
        data = await run_in_threadpool(_home, request.app.state.store, iris_of(request), sources, drugs)
    except StoreUnavailableError as error:
        return unavailable(error)
    return render(request, "home.html", parts=data)


def _search(store: Store, iris: Iris, query: str, offset: int) -> dict[str, object]:
    found = search(store, query)
    shown = found[offset : offset + DEFAULT_PAGE]
    described = read_nodes(store, shown)
    results = []
    for iri in shown:
        entity = described.get(iri)
        kinds = sorted(term_label(t) for t in (entity.iris(RDF_TYPE) if entity else []))
        results.append({"link": Link(iris.link(iri), name(entity, iri)), "kind": ", ".join(kinds)})
    window: dict[str, object] = {"items": results, "total": len(found), "start": offset}
    if offset + DEFAULT_PAGE < len(found):
        window["next"] = f"?{_query(query, offset + DEFAULT_PAGE)}"
    if offset > 0:
        window["previous"] = f"?{_query(query, max(offset - DEFAULT_PAGE, 0))}"
    return window


def _query(text_: str, offset: int) -> str:
    return urlencode({"q": text_, "offset": offset})


@router.get(
    "/search", response_class=HTMLResponse, summary="Search drugs, conditions, claims, references, sources"
)
async def search_page(
    request: Request,
    q: Annotated[str, Query(description="Words of a name, synonym, identifier or title.")] = "",
    offset: Offset = 0,
) -> Response:
    """Nodes whose names contain the words (case and accents ignored), exact matches first."""
    if len(q) > MAX_SEARCH:
        message = f"Searches are at most {MAX_SEARCH} characters."
        return render(request, "search.html", status=400, q="", results=None, message=message)
    results = None
    if q.strip():
        try:
            results = await run_in_threadpool(_search, request.app.state.store, iris_of(request), q, offset)
        except StoreUnavailableError as error:
            return unavailable(error)
    return render(request, "search.html", q=q, results=results, message=None)
