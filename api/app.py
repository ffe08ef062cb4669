"""The FastAPI application: GraphQL, SPARQL, health and docs over one store.

>>> from fastapi.testclient import TestClient
>>> from graph.store import EvidenceStore
>>> with TestClient(create_app(store=EvidenceStore())) as client:
...     client.get("/health").json()["status"]
'ok'
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import health, sparql
from api.backend import open_configured_store
from api.cache import ResponseCache
from api.graphql.media_type import GraphQLResponseMediaType
from api.graphql.router import graphql_router
from api.settings import Settings, get_settings
from graph import __version__
from graph.store import Store


def create_app(store: Store | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app; without ``store``, the lifespan opens the one the settings name."""
    config = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = config
        app.state.store = store if store is not None else open_configured_store(config)
        yield
        app.state.store.flush()

    app = FastAPI(
        title="Evidence Graph",
        version=__version__,
        description="Clinical evidence as a validated RDF knowledge graph: GraphQL at /graphql, "
        "SPARQL 1.1 at /sparql.",
        lifespan=lifespan,
    )
    app.include_router(health.router)
    app.include_router(sparql.router)
    app.include_router(graphql_router(), prefix="/graphql", include_in_schema=False)
    app.add_middleware(GraphQLResponseMediaType)
    app.add_middleware(ResponseCache, size=config.response_cache)  # outermost: replays final answers
    return app
