"""Mounting the schema on FastAPI: GraphQL over HTTP with GraphiQL, one context per request."""

from fastapi import Request
from strawberry.fastapi import GraphQLRouter

from api.auth import author_for, why_refused
from api.graphql.context import Context
from api.graphql.schema import schema


async def get_context(request: Request) -> Context:
    """A fresh context (store, DataLoaders, deadline, author) for each request."""
    settings = request.app.state.settings
    return Context(
        store=request.app.state.store,
        timeout=settings.graphql_timeout,
        author=author_for(request.headers.get("authorization"), settings),
        refusal=why_refused(settings),
    )


def graphql_router() -> GraphQLRouter[Context, None]:
    """The ``/graphql`` route: POST and GET (queries only), GraphiQL in a browser."""
    return GraphQLRouter(
        schema, context_getter=get_context, graphql_ide="graphiql", allow_queries_via_get=True
    )
