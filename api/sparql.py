"""``/sparql``: the read-only SPARQL 1.1 Protocol endpoint.

Queries arrive by GET (``query=``), by form POST or as a direct ``application/sparql-query``
POST body, and see the union of all named graphs as their default graph unless the request
names a dataset with ``default-graph-uri`` / ``named-graph-uri``. Results are negotiated from the
Accept header. Updates are refused: the store is written only by the loader.
"""

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Annotated, Any, cast
from urllib.parse import parse_qs

import anyio.to_thread
import pyoxigraph as ox
from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from pydantic import BaseModel

from api.sandbox import TOO_LONG, JobError, Output, Sandbox, network_off
from api.settings import Settings
from graph.namespaces import PREFIXES
from graph.query_check import READ_ONLY, CheckedQuery, QueryRefusedError, QuerySyntaxError, check_query
from graph.rdf_xml import local_name
from graph.remote import UNAVAILABLE, RemoteQueryError, RemoteStore, StoreTimeoutError, StoreUnavailableError
from graph.store import QueryResult, Store

logger = logging.getLogger(__name__)

router = APIRouter(tags=["sparql"])

#: Media types for SELECT and ASK results, the default first.
RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}

#: Media types for CONSTRUCT and DESCRIBE results, the default first.
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class ErrorDetail(BaseModel):
    """The body of an error response."""

    detail: str


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the Accept header rates highest, or ``None`` if it accepts none.

    Each offer takes the q-value of the most specific range matching it; ties go to the offer
    listed first, and a missing header accepts the first offer.

    >>> negotiate("text/csv;q=0.5, application/*;q=0.9", ["text/csv", "application/n-triples"])
    'application/n-triples'
    >>> negotiate("text/html", ["text/turtle"]) is None
    True
    """
    if accept is None or not accept.strip():
        return offered[0] if offered else None
    ranges: list[tuple[str, float]] = []
    for item in accept.split(","):
        media_range, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_range:
            ranges.append((media_range.lower(), quality))
    best, best_quality = None, 0.0
    for media_type in offered:
        quality = _quality(media_type, ranges)
        if quality > best_quality:
            best, best_quality = media_type, quality
    return best


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    main_type = media_type.partition("/")[0]
    specificity, quality = -1, 0.0
    for media_range, range_quality in ranges:
        if media_range == media_type:
            rank = 2
        elif media_range == f"{main_type}/*":
            rank = 1
        elif media_range == "*/*":
            rank = 0
        else:
            continue
        if rank > specificity:
            specificity, quality = rank, range_quality
    return quality


def _graphs(iris: Sequence[str], parameter: str) -> list[ox.NamedNode]:
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as error:
        raise HTTPException(400, f"Invalid IRI in {parameter}: {error}") from error


async def run_query(
    request: Request,
    query: str | None,
    default_graph_uris: Sequence[str],
    named_graph_uris: Sequence[str],
    accept: str | None,
) -> Response:
    """Answer one protocol request: check it, run it within the time limit, serialize as negotiated.

    The query is checked (graph.query_check) and, on the embedded store, run in a child process
    (api.sandbox) that is killed at ``EVIDENCE_GRAPH_SPARQL_TIMEOUT`` or when the client leaves.
    On a SPARQL server it is checked the same way, then sent within the store's timeout.
    """
    settings: Settings = request.app.state.settings
    sandbox: Sandbox = request.app.state.sandbox
    store: Store = request.app.state.store
    if query is None or not query.strip():
        raise HTTPException(400, "Missing SPARQL query: pass it as the 'query' parameter.")
    if len(query) > settings.sparql_max_length:
        raise HTTPException(
            413, f"The query is longer than this server's limit of {settings.sparql_max_length:,} characters."
        )
    default_graph, named_graphs = None, None
    # Naming any graph replaces the whole dataset, as FROM / FROM NAMED would.
    if default_graph_uris or named_graph_uris:
        default_graph = _graphs(default_graph_uris, "default-graph-uri")
        named_graphs = _graphs(named_graph_uris, "named-graph-uri")
    embedded = store.kind() == "embedded"

    text = query

    def job(output: Output) -> dict[str, Any]:
        checked = _check(text)
        if not embedded:
            return {"form": checked.form}
        result = _evaluate(store, text, default_graph, named_graphs)
        return {"media_type": _serialize(result, accept, output)}

    started = time.monotonic()
    try:
        answer = await sandbox.run(
            job, timeout=settings.sparql_timeout, gone=request.is_disconnected, hold=store.quiescent
        )
        if embedded:
            return _response(answer.body, answer.meta["media_type"])
        left = settings.sparql_timeout - (time.monotonic() - started)
        with anyio.move_on_after(left):
            return await _remote(
                store,
                text,
                default_graph=default_graph,
                named_graphs=named_graphs,
                accept=accept,
                max_result=settings.sparql_max_result,
            )
        raise JobError(504, TOO_LONG)
    except JobError as error:
        headers = {"Retry-After": "1"} if error.status == 503 else None
        raise HTTPException(error.status, error.detail, headers=headers) from None


def _check(query: str) -> CheckedQuery:
    """The checked query, or a JobError saying why it is refused.

    Where the query runs with no network (api.sandbox.no_network), a syntax error is described by
    the engine's own parser, which says exactly where and what it expected; elsewhere by the
    checker's.
    """
    try:
        return check_query(query)
    except QuerySyntaxError as error:
        if not network_off():
            raise JobError(400, str(error)) from None
        try:
            ox.Store().query(query, prefixes=PREFIXES)
        except SyntaxError as engine_error:
            raise JobError(400, f"SPARQL syntax error: {engine_error}") from None
        except (OSError, RuntimeError, ValueError, TypeError):
            pass
        raise JobError(
            400, f"This endpoint accepts SPARQL 1.1 queries, and this one is not: {error}"
        ) from None
    except QueryRefusedError as error:
        raise JobError(400, str(error)) from None


def _evaluate(
    store: Store,
    query: str,
    default_graph: list[ox.NamedNode] | None,
    named_graphs: list[ox.NamedNode] | None,
) -> QueryResult:
    try:
        return store.query(query, default_graph=default_graph, named_graphs=named_graphs)
    except SyntaxError as error:
        raise JobError(400, f"SPARQL syntax error: {error}") from None
    except (OSError, RuntimeError, ValueError, TypeError) as error:
        raise JobError(400, f"The query could not be evaluated: {error}") from None


async def _remote(
    store: Store,
    query: str,
    *,
    default_graph: list[ox.NamedNode] | None,
    named_graphs: list[ox.NamedNode] | None,
    accept: str | None,
    max_result: int,
) -> Response:
    """Run a checked query on the SPARQL server (in a thread: the call waits on the network)."""

    def ask() -> tuple[bytes, str]:
        chunks: list[bytes] = []
        result = _evaluate_remote(store, query, default_graph, named_graphs)
        try:
            media_type = _serialize(result, accept, Output(chunks.append, max_result))
        finally:
            del result  # pyoxigraph results are dropped on the thread that made them
        return b"".join(chunks), media_type

    body, media_type = await anyio.to_thread.run_sync(ask, abandon_on_cancel=True)
    return _response(body, media_type)


def _evaluate_remote(
    store: Store,
    query: str,
    default_graph: list[ox.NamedNode] | None,
    named_graphs: list[ox.NamedNode] | None,
) -> QueryResult:
    try:
        if default_graph is None and named_graphs is None and isinstance(store, RemoteStore):
            default_graph = named_graphs = store.own_dataset()
        return _evaluate(store, query, default_graph, named_graphs)
    except RemoteQueryError as error:
        raise JobError(400, str(error)) from None
    except StoreTimeoutError:
        logger.warning("/sparql: the store did not answer in time", exc_info=True)
        raise JobError(504, TOO_LONG) from None
    except StoreUnavailableError:
        logger.warning("/sparql: the store is unavailable", exc_info=True)
        raise JobError(503, UNAVAILABLE) from None


def _response(body: bytes, media_type: str) -> Response:
    return Response(content=body, media_type=media_type, headers={"Vary": "Accept"})


def _serialize(result: QueryResult, accept: str | None, output: Output) -> str:
    """Write ``result`` to ``output`` in the media type ``accept`` prefers; that media type."""
    try:
        if isinstance(result, ox.QueryTriples | list):
            media_type = negotiate(accept, list(GRAPH_FORMATS))
            if media_type is None:
                raise _not_acceptable("CONSTRUCT and DESCRIBE", GRAPH_FORMATS)
            rdf_format = GRAPH_FORMATS[media_type]
            refused: list[str] = []
            triples = _in_rdf_xml(result, refused) if rdf_format == ox.RdfFormat.RDF_XML else result
            prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
            ox.serialize(triples, cast("IO[bytes]", output), format=rdf_format, prefixes=prefixes)
            if refused:
                others = ", ".join(m for m, f in GRAPH_FORMATS.items() if f != ox.RdfFormat.RDF_XML)
                raise JobError(
                    406,
                    f"RDF/XML cannot write the predicate <{refused[0]}>: its IRI does not end in an "
                    f"XML name. Ask for {others}.",
                )
        else:
            media_type = negotiate(accept, list(RESULTS_FORMATS))
            if media_type is None:
                raise _not_acceptable("SELECT and ASK", RESULTS_FORMATS)
            result.serialize(cast("IO[bytes]", output), format=RESULTS_FORMATS[media_type])
    except OSError as error:
        if output.too_large is not None:
            raise output.too_large from None
        raise JobError(400, f"The query could not be evaluated: {error}") from None
    finally:
        # pyoxigraph results must be dropped on the thread that made them; an error's traceback
        # keeps this frame alive into the event loop, so let go of them here.
        del result
    return media_type


def _in_rdf_xml(triples: Iterable[ox.Triple], refused: list[str]) -> Iterator[ox.Triple]:
    """``triples`` until one has a predicate RDF/XML cannot write (graph.rdf_xml), put in ``refused``.

    It stops rather than raises: an exception would carry this frame, and the pyoxigraph result
    in it, to another thread.
    """
    writable: set[str] = set()
    for triple in triples:
        predicate = triple.predicate.value
        if predicate not in writable:
            if not local_name(predicate):
                refused.append(predicate)
                return
            writable.add(predicate)
        yield triple


def _not_acceptable(kinds: str, formats: dict[str, Any]) -> JobError:
    return JobError(
        406, f"{kinds} queries cannot answer in the requested media type; acceptable: {', '.join(formats)}."
    )


def _listed(formats: dict[str, Any]) -> str:
    first, *others = formats
    return ", ".join([f"`{first}` (default)", *(f"`{media_type}`" for media_type in others)])


_DESCRIPTION = f"""\
Read-only [SPARQL 1.1 Protocol](https://www.w3.org/TR/sparql11-protocol/) endpoint.

The default graph is the **union of all named graphs** (one per source); use `GRAPH ?g {{ ... }}`
to tell sources apart. The evidence-graph prefixes (`ev:`, `drug:`, `claim:`, ...) are predeclared.
`default-graph-uri` / `named-graph-uri` replace that dataset with the graphs they name.

The result format follows the `Accept` header (q-values honoured):

* SELECT / ASK: {_listed(RESULTS_FORMATS)}
* CONSTRUCT / DESCRIBE: {_listed(GRAPH_FORMATS)}

SPARQL Update is refused with 400.
"""

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results in the negotiated format.",
        "content": {media_type: {} for media_type in [*RESULTS_FORMATS, *GRAPH_FORMATS]},
    },
    400: {"model": ErrorDetail, "description": "Missing query, syntax error (with position), or an update."},
    406: {"model": ErrorDetail, "description": "The query type cannot answer in any accepted media type."},
}

_QUERY_DOC = "The SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)."
_DEFAULT_GRAPH_DOC = "IRI of a graph to use as (part of) the default graph; repeatable."
_NAMED_GRAPH_DOC = "IRI of a graph that GRAPH clauses may see; repeatable."

AcceptHeader = Annotated[str | None, Header(description="Media types wanted for the results.")]
DefaultGraphUris = Annotated[list[str], Query(alias="default-graph-uri", description=_DEFAULT_GRAPH_DOC)]
NamedGraphUris = Annotated[list[str], Query(alias="named-graph-uri", description=_NAMED_GRAPH_DOC)]


@router.get(
    "/sparql",
    summary="SPARQL query (GET)",
    description=_DESCRIPTION,
    response_class=Response,
    responses=_RESPONSES,
)
async def sparql_get(
    *,
    request: Request,
    query: Annotated[str | None, Query(description=_QUERY_DOC)] = None,
    default_graph_uri: DefaultGraphUris = [],  # noqa: B006 - FastAPI copies defaults per request
    named_graph_uri: NamedGraphUris = [],  # noqa: B006
    accept: AcceptHeader = None,
) -> Response:
    """Run a query passed in the URL."""
    if "update" in request.query_params:
        raise HTTPException(400, READ_ONLY)
    return await run_query(request, query, default_graph_uri, named_graph_uri, accept)


_POST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["query"],
                    "properties": {
                        "query": {"type": "string", "description": _QUERY_DOC},
                        "default-graph-uri": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": _DEFAULT_GRAPH_DOC,
                        },
                        "named-graph-uri": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": _NAMED_GRAPH_DOC,
                        },
                    },
                }
            },
            "application/sparql-query": {"schema": {"type": "string", "description": _QUERY_DOC}},
        },
    }
}


@router.post(
    "/sparql",
    summary="SPARQL query (POST)",
    description=_DESCRIPTION
    + "\nPOST either a form (`query=`) or the query itself as `application/sparql-query`; with the "
    "latter, `default-graph-uri` / `named-graph-uri` go in the URL.",
    response_class=Response,
    responses={**_RESPONSES, 415: {"model": ErrorDetail, "description": "Unsupported request body type."}},
    openapi_extra=_POST_BODY,
)
async def sparql_post(
    *,
    request: Request,
    default_graph_uri: DefaultGraphUris = [],  # noqa: B006 - FastAPI copies defaults per request
    named_graph_uri: NamedGraphUris = [],  # noqa: B006
    content_type: Annotated[str | None, Header(include_in_schema=False)] = None,
    accept: AcceptHeader = None,
) -> Response:
    """Run a query sent as a form or as the request body."""
    media_type = (content_type or "").partition(";")[0].strip().lower()
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HTTPException(400, f"The request body is not UTF-8: {error}") from error
    if media_type == "application/sparql-update":
        raise HTTPException(400, READ_ONLY)
    if media_type == "application/sparql-query":
        return await run_query(request, text, default_graph_uri, named_graph_uri, accept)
    if media_type == "application/x-www-form-urlencoded":
        form = parse_qs(text, keep_blank_values=True)
        if "update" in form:
            raise HTTPException(400, READ_ONLY)
        query = form.get("query", [None])[0]
        return await run_query(
            request, query, form.get("default-graph-uri", []), form.get("named-graph-uri", []), accept
        )
    raise HTTPException(
        415,
        f"Unsupported Content-Type {media_type or '(none)'!r}: send application/x-www-form-urlencoded "
        "or application/sparql-query.",
    )
