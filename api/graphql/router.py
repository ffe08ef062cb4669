"""GraphQL over HTTP: strawberry's ASGI view on ``/graphql``, with GraphiQL, one context per request.

The view is served as a plain Starlette route rather than through FastAPI's ``GraphQLRouter``:
the same strawberry HTTP handling (both are ``AsyncBaseHTTPView``), without FastAPI resolving
the endpoint's dependencies on every request. On the bundled graph, that cut the framework's
share of a Grade A request from 0.56 to 0.27 ms (bench/README.md, section 4).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.auth import author_for, why_refused
from api.graphql import PATH
from api.graphql.context import Context
from api.graphql.schema import schema


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI GraphQL view, with the API's context."""

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        """A fresh context (store, DataLoaders, deadline, author) for each request."""
        settings = request.app.state.settings
        return Context(
            store=request.app.state.store,
            timeout=settings.graphql_timeout,
            author=author_for(request.headers.get("authorization"), settings),
            refusal=why_refused(settings),
        )


def graphql_route() -> Route:
    """The ``/graphql`` route: POST and GET (queries only), GraphiQL in a browser."""
    view = GraphQLView(schema, graphql_ide="graphiql", allow_queries_via_get=True)
    route = Route(PATH, view, methods=["GET", "POST"], include_in_schema=False)
    if route.methods:  # Starlette adds HEAD for GET; strawberry's view does not answer it
        route.methods.discard("HEAD")
    return route  # other methods get a 405 with an Allow header
