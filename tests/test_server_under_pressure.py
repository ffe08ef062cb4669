"""The real server under pressure: slow queries, clients that leave, a hung store, SIGTERM.

``evidence-graph serve`` runs in its own process and is spoken to over loopback. What is checked
is what a client sees: the routes that have nothing to do with the slow work keep answering
quickly, abandoned work ends, and the server stops when told. Time bounds are generous: they tell
an answer from a stall of many seconds, not fast from slow.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from testing.oxigraph_server import OxigraphServer
from tests.test_http_server import Server, server_env, start_server, stop_server

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = '{ contraindications(filter: {drug: "azathioprine", severity: ABSOLUTE}) { totalCount } }'
HEAVY = (
    "{ a: indications(first: 500) { totalCount nodes { label condition { label broader { label } } "
    "drug { label } grade { notation scheme { label } } references { title } evidence { text } } } "
    "b: claims(first: 500) { totalCount nodes { label kind references { title } } } }"
)


def children(pid: int) -> set[int]:
    """The child processes of ``pid`` (Linux: /proc/<pid>/task/<tid>/children)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found |= {int(c) for c in text.split()}
    return found


def wait_until(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


pytestmark = pytest.mark.skipif(
    not Path("/proc/self/task").exists(), reason="reads child processes from /proc"
)


@pytest.fixture
def busy_server(tmp_path: Path) -> Iterator[Server]:
    """A server whose /sparql queries may run 20 s, two at a time (graceful stop: 2 s)."""
    env = {
        **server_env(),
        "EVIDENCE_GRAPH_SPARQL_TIMEOUT": "20",
        "EVIDENCE_GRAPH_SPARQL_WORKERS": "2",
        "EVIDENCE_GRAPH_SHUTDOWN_TIMEOUT": "2",
    }
    server = start_server(tmp_path / "logs", env=env)
    yield server
    stop_server(server)


def test_a_client_that_leaves_ends_its_sparql_query(busy_server: Server) -> None:
    port = int(busy_server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as connection:
        request = f"GET /sparql?query={quote(CARTESIAN)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        connection.sendall(request.encode())
        assert wait_until(lambda: children(busy_server.process.pid), 10), "no query process started"
        working = children(busy_server.process.pid)
    # the connection is closed: the query process is killed, long before its 20 s limit
    assert wait_until(lambda: not (children(busy_server.process.pid) & working), 5), busy_server.output()


def test_health_and_light_queries_answer_while_heavy_work_runs(busy_server: Server) -> None:
    stop = threading.Event()
    failures: list[str] = []

    def keep_busy(send: object) -> None:
        with httpx.Client(base_url=busy_server.url, timeout=60) as http:
            while not stop.is_set():
                try:
                    send(http)  # type: ignore[operator]
                except httpx.HTTPError as error:
                    failures.append(repr(error))

    workers = [
        threading.Thread(target=keep_busy, args=(lambda h: h.get("/sparql", params={"query": CARTESIAN}),))
    ]
    workers += [
        threading.Thread(target=keep_busy, args=(lambda h: h.post("/graphql", json={"query": HEAVY}),))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    try:
        time.sleep(1.0)  # let the heavy work start
        slowest = 0.0
        with httpx.Client(base_url=busy_server.url, timeout=30) as http:
            for _ in range(20):
                started = time.monotonic()
                assert http.get("/health").status_code == 200
                slowest = max(slowest, time.monotonic() - started)
                time.sleep(0.05)
            started = time.monotonic()
            light = http.post("/graphql", json={"query": LIGHT}).json()
            light_time = time.monotonic() - started
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    assert light == {"data": {"contraindications": {"totalCount": 5}}}
    assert slowest < 1.0, f"/health took {slowest:.2f} s while heavy work ran"
    assert light_time < 3.0, f"a light query took {light_time:.2f} s beside heavy ones"
    assert failures == []


def test_sigterm_stops_the_server_and_its_query_processes(busy_server: Server) -> None:
    def query() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server stops while answering
            httpx.get(f"{busy_server.url}/sparql", params={"query": CARTESIAN}, timeout=30)

    threads = [threading.Thread(target=query, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    assert wait_until(lambda: len(children(busy_server.process.pid)) == 2, 10), busy_server.output()
    working = children(busy_server.process.pid)
    started = time.monotonic()
    busy_server.process.send_signal(signal.SIGTERM)
    busy_server.process.wait(timeout=15)
    assert time.monotonic() - started < 8, "the server did not stop within a few seconds"
    assert wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in working), 5)


# --- a SPARQL server that stops answering ---------------------------------------------------------


@pytest.fixture
def hung_store(tmp_path: Path) -> Iterator[tuple[OxigraphServer, Server]]:
    oxigraph = OxigraphServer(tmp_path / "oxigraph").start()
    env = {
        **server_env(),
        "EVIDENCE_GRAPH_SPARQL_ENDPOINT": oxigraph.query_endpoint,
        "EVIDENCE_GRAPH_SPARQL_UPDATE_ENDPOINT": oxigraph.update_endpoint,
        "EVIDENCE_GRAPH_STORE_TIMEOUT": "2",
    }
    api = start_server(tmp_path / "logs", env=env)
    yield oxigraph, api
    if oxigraph.process is not None:
        os.kill(oxigraph.process.pid, signal.SIGCONT)
    stop_server(api)
    oxigraph.stop()


def test_a_hung_store_gives_store_unavailable_and_other_routes_answer(
    hung_store: tuple[OxigraphServer, Server],
) -> None:
    oxigraph, api = hung_store
    assert oxigraph.process is not None
    with httpx.Client(base_url=api.url, timeout=30) as http:
        assert (
            http.post("/graphql", json={"query": LIGHT}).json()["data"]["contraindications"]["totalCount"]
            == 5
        )
        os.kill(oxigraph.process.pid, signal.SIGSTOP)  # not down: silent
        answers: dict[str, tuple[float, httpx.Response]] = {}

        def timed(name: str, send: object) -> None:
            with httpx.Client(base_url=api.url, timeout=30) as own:
                started = time.monotonic()
                answer = send(own)  # type: ignore[operator]
                answers[name] = (time.monotonic() - started, answer)

        pending = [
            threading.Thread(
                target=timed, args=("graphql", lambda h: h.post("/graphql", json={"query": LIGHT}))
            ),
            threading.Thread(target=timed, args=("health", lambda h: h.get("/health"))),
            threading.Thread(
                target=timed, args=("sparql", lambda h: h.get("/sparql", params={"query": "ASK {}"}))
            ),
        ]
        for thread in pending:
            thread.start()
        time.sleep(0.3)  # the store requests are waiting now
        started = time.monotonic()
        assert http.get("/openapi.json").status_code == 200
        assert http.get("/graphql", headers={"Accept": "text/html"}).status_code == 200
        free_routes = time.monotonic() - started
        for thread in pending:
            thread.join(timeout=30)
        os.kill(oxigraph.process.pid, signal.SIGCONT)

    assert free_routes < 1.0, f"routes that do not touch the store took {free_routes:.2f} s"
    graphql_time, graphql = answers["graphql"]
    assert [e["extensions"]["code"] for e in graphql.json()["errors"]] == ["STORE_UNAVAILABLE"]
    assert graphql_time < 2 + 2, f"STORE_UNAVAILABLE after {graphql_time:.1f} s (timeout 2 s)"
    assert oxigraph.query_endpoint not in json.dumps(graphql.json())  # nothing about where or why
    health_time, health = answers["health"]
    assert health.status_code == 503
    assert health_time < 2 + 2
    assert set(health.json()) == {"status", "store", "triples", "graphs", "version"}
    sparql_time, sparql = answers["sparql"]
    assert sparql.status_code in (503, 504)
    assert sparql_time < 2 + 2
    assert oxigraph.query_endpoint not in sparql.text
    # and back: the API recovers on its own
    assert wait_until(lambda: httpx.get(f"{api.url}/health", timeout=5).status_code == 200, 10), api.output()
