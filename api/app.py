"""The FastAPI application: GraphQL, SPARQL, health and docs over one store.

>>> from fastapi.testclient import TestClient
>>> from graph.store import EvidenceStore
>>> with TestClient(create_app(store=EvidenceStore())) as client:
...     client.get("/health").json()["status"]
'ok'
"""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import health, sparql
from api.backend import open_configured_store
from api.cache import ResponseCache
from api.graphql.media_type import GraphQLResponseMediaType
from api.graphql.router import graphql_route
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
        warm(app.state.store)
        yield
        app.state.store.flush()

    app = FastAPI(
        title="Evidence Graph",
        version=__version__,
        description="Clinical evidence as a validated RDF knowledge graph: GraphQL at /graphql, "
        "SPARQL 1.1 at /sparql.",
        lifespan=lifespan,
    )
    app.router.routes.insert(0, graphql_route())  # first: every GraphQL request is matched at once
    app.include_router(health.router)
    app.include_router(sparql.router)
    app.add_middleware(GraphQLResponseMediaType)
    app.add_middleware(ResponseCache, size=config.response_cache)  # outermost: replays final answers
    return app


def warm(store: Store) -> None:
    """Build the store's in-memory indexes now rather than in the first requests that need them.

    The name index (graph.names) and the vocabulary (graph.vocabulary); a remote store has none.
    """
    store.name_index()
    store.vocabulary()


def settle_heap(store: Store | None = None) -> None:
    """Keep what start-up made out of every later garbage collection (a server, once, before serving).

    Modules, schemas, what loading the store left and the store's in-memory indexes (built here
    first, :func:`warm`) live as long as the process, yet CPython's full collections walk them
    every time; frozen (``gc.freeze``), they are skipped. Over HTTP at 100k triples this took the
    p99 of the Grade A query and of the page of 100 from 98-128 ms to 32-56 ms (bench/README.md,
    section 4). Not for a process that builds many apps (tests): frozen objects are never
    collected.
    """
    if store is not None:
        warm(store)
    gc.collect()
    gc.freeze()
