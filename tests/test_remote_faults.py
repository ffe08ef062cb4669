"""The remote backend when its SPARQL server goes away and comes back, when it never was, when it
talks nonsense, when it asks for credentials, and when it speaks as Virtuoso does.
"""

import hashlib
import http.server
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.backend import open_configured_store, sparql_auth
from api.settings import Settings
from graph.load import bundled_files, ensure_content, read_sources
from graph.namespaces import GRAPH
from graph.remote import RemoteStore, StoreAuthenticationError, StoreUnavailableError
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


# --- credentials: HTTP Digest, as Virtuoso's /sparql-auth asks -----------------------------------


class _DigestProxy(http.server.BaseHTTPRequestHandler):
    """A SPARQL server in front of an Oxigraph server that answers only HTTP Digest (RFC 7616, MD5).

    Requests with a valid answer to its challenge are passed on to ``upstream`` as they came.
    """

    realm = "SPARQL"
    user = "dba"
    password = secrets.token_urlsafe(12)
    nonce = secrets.token_hex(16)
    upstream = ""
    #: The content types of the requests passed on, in order.
    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self._authorized():
            self.send_response(401)
            self.send_header(
                "WWW-Authenticate",
                f'Digest realm="{self.realm}", nonce="{self.nonce}", qop="auth", algorithm="MD5"',
            )
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.seen.append(self.headers.get("Content-Type", ""))
        headers = {k: v for k, v in self.headers.items() if k.lower() in {"content-type", "accept"}}
        answer = httpx.post(self.upstream + self.path, content=body, headers=headers, timeout=10)
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("content-type", "text/plain"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Digest "):
            return False
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[len("Digest ") :]))

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        ha1 = md5(f"{self.user}:{self.realm}:{self.password}")
        ha2 = md5(f"POST:{fields.get('uri', '')}")
        expected = md5(f"{ha1}:{self.nonce}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        return fields.get("username") == self.user and fields.get("response") == expected

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def digest_proxy(server: OxigraphServer) -> Iterator[str]:
    """The URL of a Digest-only proxy to ``server``."""
    _DigestProxy.upstream = server.url
    _DigestProxy.seen = []
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _DigestProxy)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{proxy.server_port}"
    proxy.shutdown()
    proxy.server_close()


def test_digest_settings_open_a_store_behind_digest_auth(digest_proxy: str) -> None:
    settings = Settings(
        sparql_endpoint=digest_proxy + "/query",
        sparql_update_endpoint=digest_proxy + "/update",
        sparql_user=_DigestProxy.user,
        sparql_password=_DigestProxy.password,
        sparql_auth="digest",
    )
    assert isinstance(sparql_auth(settings), httpx.DigestAuth)
    store = open_configured_store(settings)  # empty: the bundled content is loaded through the proxy
    assert len(store) == len(read_sources(bundled_files()).store)
    assert store.ask("ASK { drug:azathioprine a ev:Drug }")
    assert "application/sparql-update" in _DigestProxy.seen
    store.close()


@pytest.mark.parametrize(
    ("auth", "says"),
    [
        (None, "asks for credentials and none were sent"),
        (httpx.BasicAuth(_DigestProxy.user, _DigestProxy.password), "refused the Basic credentials sent"),
        (httpx.DigestAuth(_DigestProxy.user, "wrong"), "refused the Digest credentials sent"),
    ],
)
def test_a_401_names_the_endpoint_and_the_settings(
    digest_proxy: str, auth: httpx.Auth | None, says: str
) -> None:
    store = RemoteStore(digest_proxy + "/query", digest_proxy + "/update", auth=auth, timeout=5)
    with pytest.raises(StoreAuthenticationError) as refused:
        store.ping()
    message = str(refused.value)
    assert f"{digest_proxy}/query" in message
    assert says in message
    assert "Digest" in message
    assert "EVIDENCE_GRAPH_SPARQL_USER" in message
    assert "EVIDENCE_GRAPH_SPARQL_AUTH=digest" in message
    store.close()


def test_serve_says_what_to_set_when_the_store_wants_digest(digest_proxy: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_GRAPH_")}
    env |= {
        "EVIDENCE_GRAPH_SPARQL_ENDPOINT": digest_proxy + "/query",
        "EVIDENCE_GRAPH_SPARQL_USER": _DigestProxy.user,
        "EVIDENCE_GRAPH_SPARQL_PASSWORD": _DigestProxy.password,
        "EVIDENCE_GRAPH_STORE_TIMEOUT": "5",
    }
    result = subprocess.run(
        [CLI, "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert "EVIDENCE_GRAPH_SPARQL_AUTH=digest" in result.stderr
    assert "Uvicorn running" not in result.stderr + result.stdout


# --- how a query is POSTed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "content_type"),
    [("form", "application/x-www-form-urlencoded"), ("direct", "application/sparql-query")],
)
def test_queries_are_posted_as_the_query_method_says(
    digest_proxy: str, method: str, content_type: str
) -> None:
    auth = httpx.DigestAuth(_DigestProxy.user, _DigestProxy.password)
    store = RemoteStore(digest_proxy + "/query", digest_proxy + "/update", auth=auth, query_method=method)  # type: ignore[arg-type]
    quad = ox.Quad(
        ox.NamedNode("http://example.org/a"),
        ox.NamedNode("http://example.org/b"),
        ox.Literal('ç " & = + % \\ ?query=x\n'),
        ox.NamedNode("http://example.org/g"),
    )
    store.add_quads([quad])
    rows = store.select("SELECT ?o WHERE { ?s ?p ?o }")
    assert rows == [{"o": quad.object}]
    named = store.query("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[quad.graph_name])
    assert isinstance(named, ox.QuerySolutions)
    assert [solution["o"] for solution in named] == [quad.object]
    assert _DigestProxy.seen[-1] == content_type
    store.close()


# --- a server with graphs of its own (Virtuoso's system graphs) --------------------------------


def test_graphs_outside_the_prefix_are_not_the_stores(server: OxigraphServer) -> None:
    system = ox.Quad(
        ox.NamedNode("http://example.org/config"),
        ox.NamedNode("http://example.org/setting"),
        ox.Literal("on"),
        ox.NamedNode("http://www.openlinksw.com/schemas/virtrdf#"),
    )
    everything = RemoteStore(server.query_endpoint, server.update_endpoint)
    everything.add_quads([system])
    store = ensure_content(
        RemoteStore(server.query_endpoint, server.update_endpoint, graph_prefix=str(GRAPH))
    )
    bundled = read_sources(bundled_files())
    assert len(store) == len(bundled.store)  # the server's own graph neither counted nor kept the content out
    assert [g.value for g in store.graphs()] == sorted(g.value for g in bundled.graphs)
    assert system not in set(store.quads())
    assert store.own_dataset() == store.graphs()
    store.replace_graphs(store.graphs(), [])
    assert len(store) == 0
    assert len(everything) == 1  # the server's own graph is still there
    assert store.own_dataset() == [ox.NamedNode(str(GRAPH))]
    assert everything.own_dataset() is None
    everything.close()
    store.close()


# --- answers as Virtuoso writes them -------------------------------------------------------------


class _Canned(http.server.BaseHTTPRequestHandler):
    """A SPARQL server that answers every query with ``answer`` (SPARQL JSON)."""

    answer: ClassVar[Callable[[], dict[str, Any]]]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(type(self).answer()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_virtuoso_blank_nodes_and_booleans_read_as_the_embedded_store_has_them() -> None:
    boolean = "http://www.w3.org/2001/XMLSchema#boolean"
    graph = {"type": "uri", "value": str(GRAPH) + "g"}
    _Canned.answer = lambda: {
        "head": {"link": [], "vars": ["s", "p", "o", "g"]},
        "results": {
            "bindings": [
                {
                    "s": {"type": "bnode", "value": "nodeID://b10000"},
                    "p": {"type": "uri", "value": "http://example.org/flag"},
                    "o": {"type": "typed-literal", "datatype": boolean, "value": "1"},
                    "g": graph,
                },
                {
                    "s": {"type": "uri", "value": "http://example.org/a"},
                    "p": {"type": "uri", "value": "http://example.org/link"},
                    "o": {"type": "bnode", "value": "nodeID://b10000"},
                    "g": graph,
                },
                {
                    "s": {"type": "uri", "value": "http://example.org/a"},
                    "p": {"type": "uri", "value": "http://example.org/flag"},
                    "o": {"type": "typed-literal", "datatype": boolean, "value": "0"},
                    "g": graph,
                },
            ]
        },
    }
    canned = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    thread = threading.Thread(target=canned.serve_forever, daemon=True)
    thread.start()
    try:
        store = RemoteStore(f"http://127.0.0.1:{canned.server_port}/sparql", timeout=5, retries=0)
        first, second, third = list(store.quads())
        assert first.subject == ox.BlankNode("b10000") == second.object  # the same node both times
        assert first.object == ox.Literal("true", datatype=ox.NamedNode(boolean))
        assert third.object == ox.Literal("false", datatype=ox.NamedNode(boolean))
        store.close()
    finally:
        canned.shutdown()
        canned.server_close()
