"""Virtuoso 7 as the store, set up exactly as docs/deployment.md says (skipped where not installed).

The backend suite (tests/conftest.py) runs on Virtuoso too; these are the things only Virtuoso
does: its own graphs beside the store's, Digest on /sparql-auth, no answer to a query POSTed as
``application/sparql-query``, ``nodeID://`` blank nodes, booleans as 1 and 0.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import cli
from api.app import create_app
from api.backend import open_configured_store
from api.settings import Settings
from graph.claims import search
from graph.load import bundled_files, load_sources, read_sources
from graph.remote import RemoteQueryError, RemoteStore, StoreAuthenticationError, StoreTimeoutError
from graph.stats import store_stats
from graph.store import EvidenceStore
from testing import virtuoso
from tests.conftest import virtuoso_store

pytestmark = pytest.mark.skipif(not virtuoso.installed(), reason=virtuoso.NOT_INSTALLED)

#: One of Virtuoso's own graphs, there from the start.
VIRTRDF = ox.NamedNode("http://www.openlinksw.com/schemas/virtrdf#")


def recipe(server: virtuoso.VirtuosoServer) -> Settings:
    """The settings of the Virtuoso section of docs/deployment.md, for this server."""
    return Settings(
        sparql_endpoint=server.query_endpoint,
        sparql_update_endpoint=server.update_endpoint,
        sparql_store_endpoint=server.store_endpoint,
        sparql_user="dba",
        sparql_password=server.password,
        sparql_auth="digest",
        store_timeout=30,
    )


def plain(quads: Iterator[ox.Quad] | list[ox.Quad]) -> set[tuple[str, ...]]:
    """Quads as text, every blank node the same (each server labels them its own way)."""

    def term(t: object) -> str:
        return "_:b" if isinstance(t, ox.BlankNode) else str(t)

    return {(term(q.subject), term(q.predicate), term(q.object), term(q.graph_name)) for q in quads}


@pytest.fixture
def empty(virtuoso_servers: dict[str, virtuoso.VirtuosoServer]) -> virtuoso.VirtuosoServer:
    """The scratch Virtuoso with none of the store's graphs (its own are always there)."""
    server = virtuoso_servers["scratch"]
    store = virtuoso_store(server)
    store.replace_graphs(store.graphs(), [])
    store.close()
    return server


def test_the_recipe_serves_the_bundled_content_beside_virtuosos_own_graphs(
    empty: virtuoso.VirtuosoServer,
) -> None:
    everything = RemoteStore(empty.query_endpoint, graph_prefix=None)
    assert everything.has_graph(VIRTRDF)  # so the server is not empty: the store's graphs are
    store = open_configured_store(recipe(empty))
    bundled = read_sources(bundled_files())
    with TestClient(create_app(store=store)) as client:
        health = client.get("/health").json()
    assert (health["triples"], health["graphs"]) == (len(bundled.store), len(bundled.graphs))
    assert plain(store.quads()) == plain(bundled.quads())  # booleans, decimals and blank nodes as written
    ontology = next(g for g in store.graphs() if "ontology" in g.value)
    by_sparql = store.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ontology})
    assert {(q.subject, q.predicate, q.object) for q in store.quads(ontology)} == {
        (r["s"], r["p"], r["o"]) for r in by_sparql
    }  # the graph store names each blank node as the query answers do
    assert everything.has_graph(VIRTRDF)  # loading replaced none of Virtuoso's graphs
    # the counts and a query that names no graph see the store's graphs, as on the embedded store
    embedded = EvidenceStore()
    embedded.add_quads(bundled.quads())
    assert store_stats(store).per_class == store_stats(embedded).per_class
    classes = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"
    environment = {
        "EVIDENCE_GRAPH_SPARQL_ENDPOINT": empty.query_endpoint,
        "EVIDENCE_GRAPH_SPARQL_UPDATE_ENDPOINT": empty.update_endpoint,
        "EVIDENCE_GRAPH_SPARQL_USER": "dba",
        "EVIDENCE_GRAPH_SPARQL_PASSWORD": empty.password,
        "EVIDENCE_GRAPH_SPARQL_AUTH": "digest",
        "EVIDENCE_GRAPH_STORE_TIMEOUT": "30",
    }
    answered = CliRunner().invoke(cli.app, ["query", classes, "--format", "csv"], env=environment)
    assert answered.exit_code == 0, answered.output
    assert answered.output.splitlines()[1] == str(embedded.select(classes)[0]["n"].value)  # type: ignore[union-attr]
    everything.close()
    store.close()


def test_the_update_endpoint_wants_digest(virtuoso_servers: dict[str, virtuoso.VirtuosoServer]) -> None:
    server = virtuoso_servers["scratch"]
    for auth in (None, httpx.BasicAuth("dba", server.password)):
        store = RemoteStore(server.query_endpoint, server.update_endpoint, auth=auth, timeout=10)
        with pytest.raises(StoreAuthenticationError, match="EVIDENCE_GRAPH_SPARQL_AUTH=digest") as refused:
            store.replace_graphs([ox.NamedNode("https://w3id.org/evidence-graph/graph/none")], [])
        store.close()
        assert server.update_endpoint in str(refused.value)


def test_a_query_posted_as_sparql_query_gets_no_answer(
    virtuoso_servers: dict[str, virtuoso.VirtuosoServer],
) -> None:
    server = virtuoso_servers["bundled"]
    direct = RemoteStore(server.query_endpoint, timeout=1, retries=0, query_method="direct")
    with pytest.raises(StoreTimeoutError):
        direct.ping()
    direct.close()
    form = RemoteStore(server.query_endpoint, timeout=10, retries=0, query_method="form")
    form.ping()
    form.close()


@pytest.mark.parametrize("value", ["behcet", "Behçet's", "BEHÇET", "wegener", "é", "ß", "TPMT"])
def test_search_finds_what_the_embedded_store_finds(
    virtuoso_servers: dict[str, virtuoso.VirtuosoServer], value: str
) -> None:
    store = virtuoso_store(virtuoso_servers["bundled"])
    if len(store) == 0:
        load_sources(store, bundled_files())
    embedded = EvidenceStore()
    embedded.add_quads(store.quads())
    found = search(store, value)
    store.close()
    assert found == search(embedded, value)
    assert found


def test_an_answer_cut_short_at_virtuosos_row_limit_is_an_error(tmp_path: Path) -> None:
    server = virtuoso.VirtuosoServer(tmp_path / "virtuoso", max_rows=5).start()
    try:
        store = RemoteStore(server.query_endpoint, graph_prefix=None, timeout=10)
        assert len(store) > 5  # its own graphs
        with pytest.raises(RemoteQueryError, match="ResultSetMaxRows"):
            store.quads()
        assert len(store.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 4")) == 4
        store.close()
    finally:
        server.stop()
