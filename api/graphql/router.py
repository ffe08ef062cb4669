"""GraphQL over HTTP: strawberry's ASGI view on ``/graphql``, with GraphiQL, one context per request.

The view is served as a plain Starlette route rather than through FastAPI's ``GraphQLRouter``:
the same strawberry HTTP handling (both are ``AsyncBaseHTTPView``), without FastAPI resolving
the endpoint's dependencies on every request.

What it adds to strawberry's view: a body is parsed strictly (a JSON object whose members have
the types the GraphQL-over-HTTP spec gives them, else 400, never a 500), and each operation runs
in a lane of worker threads (api.graphql.lanes) chosen by its kind and its node estimate, never
on the event loop. On the embedded store a heavy read runs in a child process instead
(api.sandbox, as ``/sparql`` queries do): its CPU time is not the server's, and it ends at its
deadline or when its client leaves.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLRequestData, process_result
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types import ExecutionResult

from api.auth import author_for, why_refused
from api.graphql import PATH
from api.graphql.context import Context
from api.graphql.errors import QueryTimeoutError
from api.graphql.lanes import Lane, LaneFullError, Lanes
from api.graphql.limits import measure, parse_document
from api.graphql.schema import EvidenceSchema, schema
from api.sandbox import JobError, Output, Sandbox

logger = logging.getLogger(__name__)

NOT_AN_OBJECT = 'The request body must be a JSON object, e.g. {"query": "{ drugs { totalCount } }"}.'

#: GraphiQL's page: strawberry's, with every script and style served by this API (never a CDN).
GRAPHIQL_PAGE = Path(__file__).with_name("graphiql.html")
#: The files the page loads (api/static/graphiql/README.md says what each is), and their URL.
GRAPHIQL_FILES = Path(__file__).parents[1] / "static" / "graphiql"
GRAPHIQL_FILES_URL = "/static/graphiql"


def not_unicode(value: object) -> str | None:
    r"""Why a decoded JSON value is not Unicode text, or None if it is.

    JSON escapes can spell lone surrogates (``"\ud800"``), which are not Unicode scalar values:
    a GraphQL String cannot hold one, nor can an RDF literal. The walk visits each member once.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as error:
                return (
                    f"The request holds a lone surrogate ({item[error.start]!r}) in a JSON string: "
                    "strings must be Unicode text."
                )
    return None


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI GraphQL view, with the API's context, strict bodies and lanes."""

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL's page, loading its files from :data:`GRAPHIQL_FILES_URL`."""
        return GRAPHIQL_PAGE.read_text(encoding="utf-8")

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        """A fresh context (store, DataLoaders, deadline, author, limits) for each request."""
        state = request.app.state
        settings = state.settings
        return Context(
            store=state.store,
            timeout=settings.graphql_timeout,
            author=author_for(request.headers.get("authorization"), settings),
            refusal=why_refused(settings),
            limits=state.limits,
        )

    def decode_json(self, data: str | bytes) -> object:
        """JSON from the body or a URL parameter; malformed, not UTF-8, too deep or not text: a 400."""
        try:
            value = json.loads(data)
        except (UnicodeDecodeError, RecursionError) as error:
            raise json.JSONDecodeError(f"unreadable JSON: {type(error).__name__}", "", 0) from None
        fault = not_unicode(value)
        if fault is not None:
            raise HTTPException(400, fault)
        return value

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The operation of a request; a POSTed JSON body is checked member by member first."""
        content_type, _ = parse_content_type(request.content_type or "")
        if request.method != "POST" or "application/json" not in content_type:
            return await super().parse_http_body(request)
        data = self.parse_json(await request.get_body())
        if not isinstance(data, dict):
            raise HTTPException(400, NOT_AN_OBJECT)
        members: dict[str, tuple[type, ...]] = {
            "query": (str,),
            "variables": (dict,),
            "operationName": (str,),
            "extensions": (dict,),
        }
        for name, types in members.items():
            value = data.get(name)
            if value is not None and not isinstance(value, types):
                kind = "a string" if types == (str,) else "an object"
                raise HTTPException(
                    400, f"The GraphQL operation's `{name}` must be {kind} or null, if provided."
                )
        return GraphQLRequestData(
            query=data.get("query"),
            variables=data.get("variables"),
            operation_name=data.get("operationName"),
            extensions=data.get("extensions"),
            protocol="http",
        )

    async def execute_single(  # noqa: PLR0917 - strawberry's signature
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Run the operation in its lane; TIMEOUT if no worker comes free within its budget."""
        if request_data.query is None:
            raise HTTPException(400, "No GraphQL query found in the request")
        lanes: Lanes = request.app.state.lanes
        lane = self._lane(request_data, context, request.app.state.settings.graphql_heavy_nodes)

        async def run() -> ExecutionResult:
            return await super(GraphQLView, self).execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )

        heavy: Sandbox = request.app.state.heavy_reads
        if lane is Lane.HEAVY and heavy.isolated and context.store.kind() == "embedded":
            return await _in_child(heavy, run, request, context)
        try:
            return await lanes.run(lane, run, timeout=context.deadline - time.monotonic())
        except LaneFullError:
            error = QueryTimeoutError(
                f"the server is busy: no {lane.value} worker came free within the request's "
                f"{context.timeout:g} s limit"
            )
            return ExecutionResult(data=None, errors=[error])
        except MissingQueryError:  # pragma: no cover - refused above
            raise HTTPException(400, "No GraphQL query found in the request") from None

    def _lane(self, request_data: GraphQLRequestData, context: Context, heavy_nodes: int) -> Lane:
        """Writes in the write lane, reads by their node estimate (errors: light, they end fast)."""
        if context.limits is None:  # pragma: no cover - the view always sets limits
            return Lane.LIGHT
        try:
            document = parse_document(request_data.query or "", context.limits)
            measures = measure(
                schema._schema,
                document,
                request_data.operation_name,
                request_data.variables,
                context.limits,
            )
        except GraphQLError:
            return Lane.LIGHT
        if measures.operation is not None and measures.operation.value == "mutation":
            return Lane.WRITE
        return Lane.HEAVY if measures.nodes > heavy_nodes else Lane.LIGHT


async def _in_child(
    sandbox: Sandbox,
    run: Callable[[], Coroutine[Any, Any, ExecutionResult]],
    request: Request,
    context: Context,
) -> ExecutionResult:
    """Run a read in a child process of ``sandbox`` and take its answer back as a result."""

    def job(output: Output) -> dict[str, Any]:
        result = asyncio.run(run())
        output.write(json.dumps(process_result(result), separators=(",", ":")).encode())
        return {}

    try:
        answer = await sandbox.run(
            job,
            timeout=context.deadline - time.monotonic(),
            gone=request.is_disconnected,
            hold=context.store.quiescent,
        )
    except JobError as error:
        if error.status in (503, 504, 499):
            return ExecutionResult(
                data=None, errors=[QueryTimeoutError(_TIMEOUTS.get(error.status, error.detail))]
            )
        logger.error("a heavy read ended without an answer: %s", error.detail)
        internal = GraphQLError(
            "Internal error: the request could not be answered.", extensions={"code": "INTERNAL_SERVER_ERROR"}
        )
        return ExecutionResult(data=None, errors=[internal])
    payload = json.loads(answer.body)
    errors: list[GraphQLError] = [_FormattedError(error) for error in payload.get("errors") or []]
    return ExecutionResult(
        data=payload.get("data"), errors=errors or None, extensions=payload.get("extensions")
    )


_TIMEOUTS = {
    503: "the server is busy: no heavy worker came free within the request's time limit",
    504: "the request took longer than its time limit and was stopped",
    499: "the client went away; the request was stopped",
}


class _FormattedError(GraphQLError):
    """An error already formatted (by a child process): it formats as it was."""

    def __init__(self, formatted: dict[str, Any]) -> None:
        super().__init__(str(formatted.get("message", "")), extensions=formatted.get("extensions"))
        self._formatted = formatted

    @property
    def formatted(self) -> dict[str, Any]:  # type: ignore[override]
        return self._formatted


def graphql_route(graphiql: bool = True, *, served: EvidenceSchema = schema) -> Route:
    """The ``/graphql`` route serving ``served``: POST and GET (queries only), GraphiQL if ``graphiql``."""
    view = GraphQLView(served, graphql_ide="graphiql" if graphiql else None, allow_queries_via_get=True)
    route = Route(PATH, view, methods=["GET", "POST"], include_in_schema=False)
    if route.methods:  # Starlette adds HEAD for GET; strawberry's view does not answer it
        route.methods.discard("HEAD")
    return route  # other methods get a 405 with an Allow header


def graphiql_files() -> Mount:
    """The route serving the scripts and styles GraphiQL's page loads."""
    return Mount(GRAPHIQL_FILES_URL, StaticFiles(directory=GRAPHIQL_FILES), name="graphiql-files")
