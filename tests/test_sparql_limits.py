"""``/sparql`` against hostile queries: checked by a parser, run in a process that can be ended.

Each query here once took the server down: deep nesting overflowed the engine parser's stack
(segmentation fault, the whole API gone), a comparison followed by a comment hid a SERVICE call
from the old regular expression (the server fetched a loopback URL), a cartesian query ran for
minutes after its client had gone. The endpoint now refuses them, or ends them, and goes on.
"""

from __future__ import annotations

import asyncio
import http.server
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.sandbox import JobError, Output, Sandbox, no_network
from api.settings import Settings
from graph.store import EvidenceStore, Store
from testing.oxigraph_server import OxigraphServer
from tests.conftest import ROOMY, remote_store

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Recorder:
    """An HTTP server on loopback that records every request it gets (and answers 500)."""

    def __init__(self) -> None:
        hits: list[str] = []
        self.hits = hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(500)
                self.end_headers()

            do_POST = do_GET  # noqa: N815 - the name http.server dispatches to

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/sparql"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    running = Recorder()
    yield running
    running.close()


def app_with(store: Store, **settings: Any) -> TestClient:
    return TestClient(create_app(store=store, settings=Settings(**{**ROOMY.model_dump(), **settings})))


def ask(client: TestClient, query: str) -> Any:
    return client.post("/sparql", data={"query": query})


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
        "SELECT * WHERE { BIND(" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) }",
        "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 1500 + "}" * 1500 + " }",
    ],
    ids=["5,000 nested groups", "5,000 nested parentheses", "1,500 nested optionals"],
)
def test_deep_nesting_is_refused_and_the_server_lives(client: TestClient, query: str) -> None:
    response = ask(client, query)
    assert response.status_code == 400, response.text
    assert "nested too deeply" in response.json()["detail"]
    assert ask(client, "ASK { ?s ?p ?o }").json()["boolean"] is True


def test_reasonable_nesting_is_answered(client: TestClient) -> None:
    groups = "SELECT * WHERE " + "{" * 30 + " ?s a ev:Drug " + "}" * 30 + " LIMIT 1"
    brackets = "SELECT * WHERE { BIND(" + "(" * 15 + "1" + ")" * 15 + " AS ?x) }"
    for query in (groups, brackets):
        assert ask(client, query).status_code == 200


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ ?s ?p ?o FILTER(1<2)SERVICE#>\n<{url}>{{ ?a ?b ?c }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?a ?b ?c }} }}",
        "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?a ?b ?c }} }}",
        "SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?a ?b ?c }} }}",
        "ASK {{ {{ SELECT * WHERE {{ SeRvIcE <{url}> {{ ?a ?b ?c }} }} }} }}",
    ],
    ids=["behind a comparison and a comment", "silent", "escaped", "variable", "in a subquery"],
)
def test_service_is_refused_however_it_is_written(
    client: TestClient, recorder: Recorder, template: str
) -> None:
    response = ask(client, template.format(url=recorder.url))
    assert response.status_code == 400, response.text
    assert "SERVICE" in response.json()["detail"]
    assert recorder.hits == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the query process needs fork()")
def test_a_query_process_cannot_reach_the_network_even_unchecked(recorder: Recorder) -> None:
    """Defence in depth: evaluated without the parser's check, SERVICE still cannot connect."""
    if not _seccomp_available():
        pytest.skip("seccomp filters are not available here (not Linux x86-64/arm64, or refused)")
    store = EvidenceStore()
    sandbox = Sandbox(workers=1, max_output=1 << 20, max_memory=1 << 30)

    def unchecked(output: Output) -> dict[str, Any]:
        try:
            list(store.query(f"SELECT * WHERE {{ SERVICE <{recorder.url}> {{ ?a ?b ?c }} }}"))  # type: ignore[arg-type]
        except OSError as error:
            raise JobError(400, str(error)) from None
        return {}

    with pytest.raises(JobError):
        asyncio.run(sandbox.run(unchecked, timeout=10))
    assert recorder.hits == []


def _seccomp_available() -> bool:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os._exit(0 if no_network() else 1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_a_long_query_ends_at_the_timeout_with_its_process(bundled_quads: list[ox.Quad]) -> None:
    store = EvidenceStore()
    store.add_quads(bundled_quads)
    with app_with(store, sparql_timeout=1) as client:
        started = time.monotonic()
        response = ask(client, CARTESIAN)
        elapsed = time.monotonic() - started
        sandbox: Sandbox = client.app.state.sandbox  # type: ignore[attr-defined]
        assert response.status_code == 504
        assert "time limit" in response.json()["detail"]
        assert elapsed < 5
        assert sandbox._children == set()  # killed and reaped: no process left working
        assert ask(client, "ASK { ?s ?p ?o }").status_code == 200


def test_a_long_query_on_a_sparql_server_is_answered_at_the_timeout(
    bundled_quads: list[ox.Quad], tmp_path: Path
) -> None:
    server = OxigraphServer(tmp_path / "oxigraph", timeout=3).start()
    try:
        store = remote_store(server)
        store.add_quads(bundled_quads)
        with app_with(store, sparql_timeout=1) as client:
            started = time.monotonic()
            response = ask(client, CARTESIAN)
            assert response.status_code == 504, response.text
            assert time.monotonic() - started < 5
        store.close()
    finally:
        server.stop()


def test_jobs_beyond_the_workers_wait_for_a_slot_within_their_deadline() -> None:
    sandbox = Sandbox(workers=1, max_output=1 << 20, max_memory=1 << 30)

    def slow(output: Output) -> dict[str, Any]:
        time.sleep(2)
        return {"done": True}

    async def both() -> list[Any]:
        first = asyncio.ensure_future(sandbox.run(slow, timeout=10))
        await asyncio.sleep(0.2)
        second = asyncio.ensure_future(sandbox.run(slow, timeout=0.5))
        return await asyncio.gather(first, second, return_exceptions=True)

    first, second = asyncio.run(both())
    assert first.meta == {"done": True}
    assert isinstance(second, JobError)
    assert second.status == 503


def test_an_answer_over_the_size_limit_is_refused(bundled_store: Store) -> None:
    with app_with(bundled_store, sparql_max_result=10_000) as client:
        response = ask(client, "SELECT * WHERE { ?s ?p ?o }")
        assert response.status_code == 400
        assert "10,000 bytes" in response.json()["detail"]
        construct = client.post(
            "/sparql", data={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/turtle"}
        )
        assert construct.status_code == 400
        assert ask(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 3").status_code == 200


def test_a_query_over_the_length_limit_is_413(bundled_store: Store) -> None:
    with app_with(bundled_store, sparql_max_length=100) as client:
        response = ask(client, "ASK { ?s ?p ?o } # " + "x" * 100)
        assert response.status_code == 413
        assert "100 characters" in response.json()["detail"]


def test_an_update_hidden_after_a_prologue_is_refused(client: TestClient) -> None:
    response = ask(client, "PREFIX x: <http://example.org/> # comment\nINSERT DATA { x:a x:b x:c }")
    assert response.status_code == 400
    assert "read-only" in response.json()["detail"]


def test_the_store_holds_no_half_written_state_for_a_forked_query(bundled_quads: list[ox.Quad]) -> None:
    """Queries forked while writes commit see the store before or after each write, never within."""
    store = EvidenceStore()
    store.add_quads(bundled_quads)
    graph = ox.NamedNode("https://w3id.org/evidence-graph/graph/test")
    pairs = [
        ox.Quad(
            ox.NamedNode(f"http://example.org/s{i}"),
            ox.NamedNode("http://example.org/p"),
            ox.Literal(i),
            graph,
        )
        for i in range(200)
    ]
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            store.apply([], pairs)
            store.apply(pairs, [])

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with app_with(store) as client:
            counts = {
                int(
                    ask(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o }").json()[
                        "results"
                    ]["bindings"][0]["n"]["value"]
                )
                for _ in range(15)
            }
    finally:
        stop.set()
        writer.join()
    assert counts <= {0, 200}
