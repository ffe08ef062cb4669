"""The remote backend when its SPARQL server goes away and comes back, when it never was, and when it talks nonsense."""

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.load import ensure_content
from graph.remote import RemoteStore, StoreUnavailableError
from testing.oxigraph_server import OxigraphServer, free_port

CLI = str(Path(sys.executable).parent / "evidence-graph")
QUERY = '{ contraindications(filter: {drug: "azathioprine", severity: ABSOLUTE}) { totalCount } }'


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    running = OxigraphServer(tmp_path / "oxigraph").start()
    yield running
    running.stop()


def test_store_down_and_back_without_restarting_the_api(server: OxigraphServer) -> None:
    store = ensure_content(RemoteStore(server.query_endpoint, server.update_endpoint, timeout=2, retries=1))
    with TestClient(create_app(store=store)) as client:
        assert (
            client.post("/graphql", json={"query": QUERY}).json()["data"]["contraindications"]["totalCount"]
            == 5
        )
        assert client.get("/health").json()["status"] == "ok"

        server.stop()
        started = time.monotonic()
        body = client.post("/graphql", json={"query": QUERY}).json()
        assert time.monotonic() - started < 10  # within the configured timeout and retries
        assert [e["extensions"]["code"] for e in body["errors"]] == ["STORE_UNAVAILABLE"]
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        sparql = client.get("/sparql", params={"query": "ASK {}"})
        assert sparql.status_code == 503

        server.start()  # same port, same data directory
        assert (
            client.post("/graphql", json={"query": QUERY}).json()["data"]["contraindications"]["totalCount"]
            == 5
        )
        assert client.get("/health").json()["status"] == "ok"
    store.close()


def test_a_write_while_the_store_is_down_writes_nothing(server: OxigraphServer) -> None:
    store = ensure_content(RemoteStore(server.query_endpoint, server.update_endpoint, timeout=2, retries=0))
    size = len(store)
    server.stop()
    quad = ox.Quad(
        ox.NamedNode("https://w3id.org/evidence-graph/id/drug/x"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal("x"),
        ox.NamedNode("https://w3id.org/evidence-graph/graph/x"),
    )
    with pytest.raises(StoreUnavailableError):
        store.add_quads([quad])
    server.start()
    assert len(store) == size
    store.close()


def test_serve_refuses_to_start_on_an_unreachable_store(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_GRAPH_")}
    env["EVIDENCE_GRAPH_SPARQL_ENDPOINT"] = f"http://127.0.0.1:{port}/query"
    env["EVIDENCE_GRAPH_STORE_TIMEOUT"] = "1"
    result = subprocess.run(
        [CLI, "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert "cannot open the store" in result.stderr
    assert "does not answer" in result.stderr
    assert "Uvicorn running" not in result.stderr + result.stdout


def test_cli_commands_work_on_the_remote_store(server: OxigraphServer, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_GRAPH_")}
    env["EVIDENCE_GRAPH_SPARQL_ENDPOINT"] = server.query_endpoint
    env["EVIDENCE_GRAPH_SPARQL_UPDATE_ENDPOINT"] = server.update_endpoint
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix ev: <https://w3id.org/evidence-graph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/evidence-graph/id/drug/tacrolimus> a ev:Drug ; rdfs:label "tacrolimus" .\n'
    )
    loaded = subprocess.run(
        [CLI, "load", str(extra)], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert loaded.returncode == 0, loaded.stderr
    queried = subprocess.run(
        [CLI, "query", "SELECT ?l WHERE { drug:tacrolimus rdfs:label ?l }", "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert queried.stdout.splitlines() == ["l", "tacrolimus"]


class _Garbage(http.server.BaseHTTPRequestHandler):
    """A 'SPARQL server' that answers every request 200 with bytes no parser reads."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b'{"head": {"vars": ["x"]}, "results": {"bindings": [ not json'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer  # noqa: N815 - the names http.server dispatches to

    def log_message(self, *args: object) -> None:
        pass


def test_an_unreadable_answer_from_the_store_is_store_unavailable_not_a_500(server: OxigraphServer) -> None:
    store = ensure_content(RemoteStore(server.query_endpoint, server.update_endpoint, timeout=2, retries=0))
    garbage = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=garbage.serve_forever, daemon=True)
    thread.start()
    try:
        with TestClient(create_app(store=store)) as client:
            store.query_endpoint = f"http://127.0.0.1:{garbage.server_port}/query"  # the store goes bad
            body = client.post("/graphql", json={"query": QUERY}).json()
            assert [e["extensions"]["code"] for e in body["errors"]] == ["STORE_UNAVAILABLE"]
            assert "127.0.0.1" not in str(body)
            assert client.get("/health").status_code == 503
            sparql = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})
            assert sparql.status_code == 503
            assert sparql.json() == {"detail": "The store is unavailable; try again shortly."}
    finally:
        garbage.shutdown()
        garbage.server_close()
        store.close()
