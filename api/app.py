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

import anyio
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.middleware.cors import CORSMiddleware

from api import fhir, health, linked_data, sparql
from api.backend import open_configured_store
from api.body_limit import BodyLimit
from api.cache import ResponseCache
from api.graphql.lanes import Lane, Lanes
from api.graphql.limits import DocumentLimits
from api.graphql.media_type import GraphQLResponseMediaType
from api.graphql.router import graphiql_files, graphql_route
from api.graphql.schema import EvidenceSchema
from api.graphql.schema import schema as default_schema
from api.graphql.sdl import possible_types
from api.pages import material
from api.pages import routes as pages
from api.pages.render import page_files
from api.sandbox import Sandbox
from api.security import SecurityHeaders, cors_options
from api.settings import Settings, get_settings
from graph import __version__
from graph.names import NameIndex
from graph.store import Store
from graph.validation import use_validator
from graph.vocabulary import Vocabulary


def create_app(
    store: Store | None = None, settings: Settings | None = None, *, schema: EvidenceSchema | None = None
) -> FastAPI:
    """Build the app; without ``store``, the lifespan opens the one the settings name.

    ``schema`` replaces the GraphQL schema (api.graphql.schema.make_schema adds extensions).
    """
    config = settings or get_settings()
    use_validator(config.validator)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = app.state
        state.settings = config
        state.limits = DocumentLimits.from_settings(config)
        state.store = store if store is not None else open_configured_store(config)
        state.lanes = Lanes(
            {
                Lane.LIGHT: config.graphql_workers,
                Lane.HEAVY: config.graphql_heavy_workers,
                Lane.WRITE: 2,
            }
        )
        state.sandbox = Sandbox(
            workers=config.sparql_workers,
            max_output=config.sparql_max_result,
            max_memory=config.sparql_max_memory,
        )
        state.heavy_reads = Sandbox(
            workers=config.graphql_heavy_workers,
            max_output=config.sparql_max_result,
            max_memory=config.sparql_max_memory,
        )
        state.health_checks = anyio.CapacityLimiter(health.CHECKS)
        warm(state.store)
        try:
            yield
        finally:
            state.sandbox.stop()
            state.heavy_reads.stop()
            state.lanes.stop()
            state.store.flush()

    # /docs and /redoc load Swagger UI and ReDoc from the files fastapi-offline installs, at /static/docs.
    app = FastAPIOffline(
        title="Evidence Graph",
        version=__version__,
        description="Clinical evidence as a validated RDF knowledge graph: GraphQL at /graphql, "
        "SPARQL 1.1 at /sparql.",
        lifespan=lifespan,
        static_url="/static/docs",
    )
    served = schema or default_schema
    app.router.routes.insert(0, graphql_route(config.graphiql, served=served))  # first: matched at once
    if config.graphiql:
        app.router.routes.append(graphiql_files())
    app.include_router(health.router)
    app.include_router(sparql.router)
    app.include_router(fhir.router)
    app.include_router(linked_data.router)
    app.include_router(pages.router)
    app.include_router(material.router)
    app.router.routes.append(page_files())
    types = possible_types(served._schema)

    @app.get("/graphql/possible-types", tags=["graphql"])
    def possible_types_route() -> dict[str, list[str]]:
        """Each interface and union of the GraphQL schema -> its object types (Apollo's ``possibleTypes``)."""
        return types

    # innermost first: each add_middleware wraps what is there
    app.add_middleware(GraphQLResponseMediaType)
    app.add_middleware(ResponseCache, size=config.response_cache)  # replays final answers
    if config.cors_origins:
        app.add_middleware(CORSMiddleware, **cors_options(config.cors_origins))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, limit=config.max_body)  # outermost: nothing reads past the cap
    return app


def warm(store: Store) -> None:
    """Build the store's in-memory indexes now rather than in the first requests that need them.

    The name index (graph.names) and the vocabulary (graph.vocabulary); a remote store has none.
    """
    store.index(NameIndex)
    store.index(Vocabulary)


def settle_heap(store: Store | None = None) -> None:
    """Keep what start-up made out of every later garbage collection (a server, once, before serving).

    Modules, schemas, what loading the store left and the store's in-memory indexes (built here
    first, :func:`warm`) live as long as the process, yet CPython's full collections walk them
    every time; frozen (``gc.freeze``), they are skipped, which keeps the slowest requests fast.
    Not for a process that builds many apps (tests): frozen objects are never collected.
    """
    if store is not None:
        warm(store)
    gc.collect()
    gc.freeze()
