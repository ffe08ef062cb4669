"""Shared fixtures: the bundled content in a real store, on each backend.

``bundled_store``, ``fresh_store`` and ``client`` are parametrized over the backends: embedded
Oxigraph (in memory), a real Oxigraph SPARQL server (``oxigraph serve`` from the PyPI package,
started here on a free loopback port) and, with ``make test-virtuoso`` (which installs Debian's
``virtuoso-opensource`` where it is missing), a real Virtuoso 7 server configured as
docs/deployment.md says. Tests written against them run on
each, with the same expected results.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.load import bundled_files, load_sources, read_sources
from graph.namespaces import GRAPH
from graph.remote import RemoteStore
from graph.store import EvidenceStore, Store
from testing import virtuoso
from testing.oxigraph_server import OxigraphServer

#: The whole suite on Virtuoso takes minutes: ``make test-virtuoso`` asks for it, ``make test``
#: runs tests/test_virtuoso.py's recipe tests on it where it is installed.
ON_VIRTUOSO = os.environ.get("EVIDENCE_GRAPH_TEST_VIRTUOSO") == "1"

BACKENDS = [
    "embedded",
    "remote",
    pytest.param(
        "virtuoso",
        marks=pytest.mark.skipif(
            not (virtuoso.installed() and ON_VIRTUOSO),
            reason=virtuoso.NOT_INSTALLED
            if not virtuoso.installed()
            else "the suite runs on Virtuoso with make test-virtuoso (EVIDENCE_GRAPH_TEST_VIRTUOSO=1)",
        ),
    ),
]


@pytest.fixture(scope="session")
def bundled_quads() -> list[ox.Quad]:
    """Every quad of the ontology and curated content, parsed once."""
    return list(read_sources(bundled_files()).quads())


@pytest.fixture(scope="session")
def oxigraph_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, OxigraphServer]]:
    """Two Oxigraph servers: one read-only with the bundled content, one for tests that write."""
    root: Path = tmp_path_factory.mktemp("oxigraph")
    servers = {name: OxigraphServer(root / name).start() for name in ("bundled", "scratch")}
    yield servers
    for server in servers.values():
        server.stop()


def remote_store(server: OxigraphServer) -> RemoteStore:
    """A RemoteStore on a test server (query, update and graph store endpoints)."""
    return RemoteStore(
        server.query_endpoint, server.update_endpoint, store_endpoint=server.store_endpoint, timeout=10
    )


@pytest.fixture(scope="session")
def virtuoso_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, virtuoso.VirtuosoServer]]:
    """Two Virtuoso servers: one read-only with the bundled content, one for tests that write."""
    root: Path = tmp_path_factory.mktemp("virtuoso")
    servers: dict[str, virtuoso.VirtuosoServer] = {}
    try:
        for name in ("bundled", "scratch"):
            servers[name] = virtuoso.VirtuosoServer(root / name).start()
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def virtuoso_store(server: virtuoso.VirtuosoServer, graph_prefix: str = str(GRAPH)) -> RemoteStore:
    """A RemoteStore on a test Virtuoso, set up as docs/deployment.md says (Digest, form posts)."""
    return RemoteStore(
        server.query_endpoint,
        server.update_endpoint,
        store_endpoint=server.store_endpoint,
        timeout=10,
        auth=server.auth,
        query_method="form",
        graph_prefix=graph_prefix,
    )


def server_store(
    backend: str, request: pytest.FixtureRequest, name: str, graph_prefix: str = str(GRAPH)
) -> RemoteStore | None:
    """A RemoteStore on the test server ``name`` (bundled or scratch) of a backend; None: embedded.

    On Virtuoso, the store's graphs are those under ``graph_prefix`` (its own are not the store's).
    """
    if backend == "remote":
        servers: dict[str, OxigraphServer] = request.getfixturevalue("oxigraph_servers")
        return remote_store(servers[name])
    if backend == "virtuoso":
        return virtuoso_store(request.getfixturevalue("virtuoso_servers")[name], graph_prefix)
    return None


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which store the store fixtures give: embedded, remote (Oxigraph server) or virtuoso."""
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def bundled_store(backend: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """The bundled content loaded through the validating loader (read-only: do not write)."""
    remote = server_store(backend, request, "bundled")
    if remote is not None:
        if len(remote) == 0:
            load_sources(remote, bundled_files())
        yield remote
        remote.close()
        return
    store = EvidenceStore()
    load_sources(store, bundled_files())
    yield store


@pytest.fixture
def fresh_store(
    backend: str, bundled_quads: list[ox.Quad], request: pytest.FixtureRequest
) -> Iterator[Store]:
    """A store of its own with the bundled content, for tests that write."""
    remote = server_store(backend, request, "scratch")
    if remote is not None:
        remote.replace_graphs(remote.graphs(), bundled_quads)
        yield remote
        remote.close()
        return
    store = EvidenceStore()
    store.add_quads(bundled_quads)
    yield store


#: Settings for tests that ask for whole lists of the bundled content in one request: the node
#: estimate of such queries (pages of 500 within pages of 500) is far above the server's default
#: limit, which tests/test_limits.py checks on its own.
ROOMY = Settings(graphql_max_nodes=10**12, graphql_heavy_nodes=10**12)


@pytest.fixture(scope="session")
def client(bundled_store: Store) -> Iterator[TestClient]:
    """The HTTP app over the bundled store, through Starlette's TestClient."""
    with TestClient(create_app(store=bundled_store, settings=ROOMY)) as test_client:
        yield test_client


def snapshot(store: Store) -> set[str]:
    """Every quad of a store, as N-Quads text, to compare states."""
    return {str(q) for q in store.quads()}
