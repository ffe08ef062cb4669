"""The real server, end to end: ``evidence-graph serve`` in its own process, spoken to over loopback.

Nothing is mocked and nothing is shared with the app's process: a module-scoped fixture starts the
console script on a free port, waits for ``/health``, and stops it after the module. GraphQL goes
through the ``gql`` client (which validates our queries against the schema the server introspects),
everything else through plain httpx.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.client import SyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport
from graphql import build_schema, lexicographic_sort_schema, print_schema

from testing.oxigraph_server import free_port

SDL = Path(__file__).resolve().parents[1] / "api" / "schema.graphql"
COMMAND = Path(sys.executable).with_name("evidence-graph")
START_TIMEOUT = 60.0  # seconds; the bundled content is loaded and validated before listening
STOP_TIMEOUT = 10.0

# The acceptance queries, exactly as the brief writes them.
UNLICENSED_GRADE_A = (
    '{ indications(filter: {licensed: false, grade: "A"}) { totalCount nodes { condition { label } '
    "grade { notation } references { title } } } }"
)
AZATHIOPRINE_ABSOLUTE = (
    '{ contraindications(filter: {drug: "azathioprine", severity: ABSOLUTE}) { totalCount } }'
)

CONTRAINDICATIONS_BY_VARIABLES = """
query Contraindications($drug: String!, $severity: Severity) {
  contraindications(filter: {drug: $drug, severity: $severity}) {
    totalCount
    nodes { id severity drug { label } }
  }
}
"""
INDICATION_PAGE = """
query IndicationPage($first: Int!, $after: String) {
  indications(first: $first, after: $after) {
    totalCount
    nodes { id }
    pageInfo { hasNextPage endCursor }
  }
}
"""
GRAPHQL_RESPONSE = "application/graphql-response+json"
SPARQL_RESULTS = "application/sparql-results+json"


@dataclass
class Server:
    """A running ``evidence-graph serve`` process and where its output goes."""

    process: subprocess.Popen[bytes]
    url: str
    stdout: Path
    stderr: Path

    def output(self) -> str:
        """What the process has printed so far, for failure messages."""
        return (
            f"--- stdout ---\n{self.stdout.read_text(errors='replace')}\n"
            f"--- stderr ---\n{self.stderr.read_text(errors='replace')}"
        )


def server_env() -> dict[str, str]:
    """The environment without EVIDENCE_GRAPH_* settings, so only the command line decides."""
    return {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_GRAPH_")}


def serve_command(port: int, store: Path | None = None) -> list[str]:
    """The ``serve`` command line for a port and an optional on-disk store."""
    command = [str(COMMAND), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [*command, "--store", str(store)] if store is not None else command


def start_server(logs: Path, store: Path | None = None, env: dict[str, str] | None = None) -> Server:
    """Start ``serve`` and return once GET /health answers 200; fail with its output otherwise."""
    assert COMMAND.exists(), f"console script not installed next to the interpreter: {COMMAND}"
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    stdout, stderr = logs / "stdout.txt", logs / "stderr.txt"
    # Files, not pipes: a pipe nobody reads would fill up and block the server's logging.
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            serve_command(port, store), stdout=out, stderr=err, env=env or server_env()
        )
    server = Server(process, f"http://127.0.0.1:{port}", stdout, stderr)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode} before answering:\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/health", timeout=2.0).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop_server(server)
    pytest.fail(f"the server did not answer /health within {START_TIMEOUT:.0f} s:\n{server.output()}")


def stop_server(server: Server) -> int:
    """Terminate the server (kill it if it will not stop) and return its exit code."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            return server.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            server.process.kill()
    return server.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server over the default in-memory store with the bundled content."""
    running = start_server(tmp_path_factory.mktemp("memory-server"))
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    """A plain HTTP client bound to the server."""
    with httpx.Client(base_url=server.url, timeout=30.0) as client:
        yield client


@pytest.fixture(scope="module")
def graphql_client(server: Server) -> Client:
    """A gql client that fetches the served schema and validates each query against it."""
    transport = HTTPXTransport(url=f"{server.url}/graphql", timeout=30.0)
    return Client(transport=transport, fetch_schema_from_transport=True)


@pytest.fixture(scope="module")
def session(graphql_client: Client) -> Iterator[SyncClientSession]:
    """One connected gql session for the module."""
    with graphql_client as connected:
        yield connected


def graphql_post(http: httpx.Client, query: str, **headers: str) -> httpx.Response:
    """POST a query as JSON with extra headers (underscores in names become dashes)."""
    extra = {name.replace("_", "-"): value for name, value in headers.items()}
    return http.post("/graphql", json={"query": query}, headers=extra)


def error_codes(body: dict[str, Any]) -> list[str]:
    """The extensions.code of every error in a GraphQL response."""
    return [error["extensions"]["code"] for error in body["errors"]]


# --- the acceptance queries ---------------------------------------------------------------------


def test_unlicensed_grade_a_indications(session: SyncClientSession) -> None:
    result = session.execute(GraphQLRequest(UNLICENSED_GRADE_A))["indications"]
    assert result["totalCount"] == 3
    assert len(result["nodes"]) == 3
    conditions = {node["condition"]["label"].casefold() for node in result["nodes"]}
    assert conditions == {"atopic dermatitis", "chronic actinic dermatitis", "behçet's disease"}
    assert [node["grade"]["notation"] for node in result["nodes"]] == ["A", "A", "A"]
    for node in result["nodes"]:
        assert node["references"], node
        assert any(reference["title"] for reference in node["references"]), node


def test_absolute_azathioprine_contraindications(session: SyncClientSession) -> None:
    assert session.execute(GraphQLRequest(AZATHIOPRINE_ABSOLUTE)) == {"contraindications": {"totalCount": 5}}


# --- GraphQL through the client -----------------------------------------------------------------


def test_served_schema_is_the_committed_sdl(graphql_client: Client, session: SyncClientSession) -> None:
    # The session fixture has introspected the running server; order of types is not significant.
    assert graphql_client.schema is not None
    served = print_schema(lexicographic_sort_schema(graphql_client.schema))
    committed = print_schema(lexicographic_sort_schema(build_schema(SDL.read_text(encoding="utf-8"))))
    assert served == committed


def test_query_with_variables(session: SyncClientSession) -> None:
    request = GraphQLRequest(
        CONTRAINDICATIONS_BY_VARIABLES,
        variable_values={"drug": "azathioprine", "severity": "ABSOLUTE"},
        operation_name="Contraindications",
    )
    result = session.execute(request)["contraindications"]
    assert result["totalCount"] == 5
    assert len(result["nodes"]) == 5
    assert {node["severity"] for node in result["nodes"]} == {"ABSOLUTE"}
    assert {node["drug"]["label"].casefold() for node in result["nodes"]} == {"azathioprine"}
    assert len({node["id"] for node in result["nodes"]}) == 5


def test_variables_change_the_answer(session: SyncClientSession) -> None:
    absolute = GraphQLRequest(
        CONTRAINDICATIONS_BY_VARIABLES, variable_values={"drug": "azathioprine", "severity": "ABSOLUTE"}
    )
    every = GraphQLRequest(CONTRAINDICATIONS_BY_VARIABLES, variable_values={"drug": "azathioprine"})
    absolute_count = session.execute(absolute)["contraindications"]["totalCount"]
    every_result = session.execute(every)["contraindications"]
    assert every_result["totalCount"] >= absolute_count
    assert every_result["totalCount"] == len(every_result["nodes"])
    absolute_in_every = [n for n in every_result["nodes"] if n["severity"] == "ABSOLUTE"]
    assert len(absolute_in_every) == absolute_count


def test_pagination_walks_every_indication(session: SyncClientSession) -> None:
    ids: list[str] = []
    after: str | None = None
    total: int | None = None
    for _ in range(100):  # a bound, so a cursor that never advances fails instead of hanging
        request = GraphQLRequest(INDICATION_PAGE, variable_values={"first": 5, "after": after})
        page = session.execute(request)["indications"]
        total = page["totalCount"] if total is None else total
        assert page["totalCount"] == total, "totalCount must not change from page to page"
        assert 1 <= len(page["nodes"]) <= 5
        ids.extend(node["id"] for node in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert len(page["nodes"]) == 5, "only the last page may be short"
        after = page["pageInfo"]["endCursor"]
        assert after
    else:
        pytest.fail(f"hasNextPage never became false; {len(ids)} ids collected")
    assert total is not None
    assert total > 5, "the walk must span more than one page to test anything"
    assert len(ids) == total
    assert len(set(ids)) == total


def test_unknown_field_is_a_coded_error_through_gql(server: Server) -> None:
    # No schema fetched here: the query must reach the server, not be refused by the client.
    client = Client(transport=HTTPXTransport(url=f"{server.url}/graphql", timeout=30.0))
    with client as unvalidated, pytest.raises(TransportQueryError) as raised:
        unvalidated.execute(GraphQLRequest("{ indications { totalCount noSuchField } }"))
    assert raised.value.errors is not None
    assert [error["extensions"]["code"] for error in raised.value.errors] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "noSuchField" in raised.value.errors[0]["message"]


# --- GraphQL over HTTP --------------------------------------------------------------------------


def test_get_query(http: httpx.Client) -> None:
    response = http.get("/graphql", params={"query": AZATHIOPRINE_ABSOLUTE})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"data": {"contraindications": {"totalCount": 5}}}


def test_get_refuses_a_mutation(http: httpx.Client) -> None:
    response = http.get("/graphql", params={"query": "mutation { anything }"})
    assert response.status_code in {400, 405}
    assert "data" not in response.text


def test_other_methods_are_not_allowed(http: httpx.Client) -> None:
    for response in (http.put("/graphql", json={"query": "{ __typename }"}), http.head("/graphql")):
        assert response.status_code == 405
        assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_mutation_is_a_validation_error(http: httpx.Client) -> None:
    response = graphql_post(http, "mutation { anything }")
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "mutation" in body["errors"][0]["message"].lower()


def test_unknown_field_is_a_validation_error(http: httpx.Client) -> None:
    response = graphql_post(http, "{ noSuchField }")
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 3}]


def test_graphql_response_media_type(http: httpx.Client) -> None:
    response = graphql_post(http, "{ __typename }", Accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json() == {"data": {"__typename": "Query"}}


def test_graphql_response_media_type_for_a_request_error(http: httpx.Client) -> None:
    # With this media type, a document that fails validation is a 4xx, not a 200 (GraphQL over HTTP).
    response = graphql_post(http, "{ noSuchField }", Accept=f"{GRAPHQL_RESPONSE}, application/json;q=0.9")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert error_codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]


def test_plain_json_is_the_default_media_type(http: httpx.Client) -> None:
    response = graphql_post(http, "{ noSuchField }", Accept="application/json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert error_codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]


def test_graphiql_for_a_browser(http: httpx.Client) -> None:
    response = http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()
    assert "graphiql" in response.text.lower()


# --- health, docs and SPARQL --------------------------------------------------------------------


def test_health(http: httpx.Client) -> None:
    response = http.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["triples"] > 1000
    assert body["graphs"] >= 1
    assert body == {
        "status": "ok",
        "store": "embedded",
        "triples": body["triples"],
        "graphs": body["graphs"],
        "version": body["version"],
    }  # nothing more: no address, no path, no error text


def test_docs_page(http: httpx.Client) -> None:
    response = http.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in response.text


def test_openapi_lists_sparql_and_health(http: httpx.Client) -> None:
    response = http.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "Evidence Graph"
    assert {"/sparql", "/health"} <= set(spec["paths"])
    assert {"get", "post"} <= set(spec["paths"]["/sparql"])


def test_sparql_select_counts_what_health_reports(http: httpx.Client) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = http.get("/sparql", params={"query": query}, headers={"Accept": SPARQL_RESULTS})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(SPARQL_RESULTS)
    body = response.json()
    assert body["head"]["vars"] == ["n"]
    [row] = body["results"]["bindings"]
    assert int(row["n"]["value"]) == http.get("/health").json()["triples"]


def test_sparql_select_finds_azathioprine(http: httpx.Client) -> None:
    query = 'SELECT ?drug WHERE { ?drug a ev:Drug ; rdfs:label ?label FILTER(LCASE(STR(?label)) = "azathioprine") }'
    response = http.post(
        "/sparql",
        content=query,
        headers={"Content-Type": "application/sparql-query", "Accept": SPARQL_RESULTS},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(SPARQL_RESULTS)
    bindings = response.json()["results"]["bindings"]
    assert len(bindings) == 1
    assert bindings[0]["drug"]["type"] == "uri"


# --- serve --store ------------------------------------------------------------------------------


def test_serve_on_a_new_disk_store(http: httpx.Client, tmp_path: Path) -> None:
    store = tmp_path / "store"
    memory_triples = http.get("/health").json()["triples"]

    first = start_server(tmp_path / "first", store)
    try:
        health = httpx.get(f"{first.url}/health", timeout=30.0).json()
        assert health["store"] == "embedded"
        assert "from oxigraph (on disk)" in first.output()
        assert health["triples"] == memory_triples
        answer = httpx.post(f"{first.url}/graphql", json={"query": AZATHIOPRINE_ABSOLUTE}, timeout=30.0)
        assert answer.json() == {"data": {"contraindications": {"totalCount": 5}}}
    finally:
        exit_code = stop_server(first)
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal: -15 is a clean stop too.
    assert exit_code in {0, -signal.SIGTERM}, first.output()
    assert "Application shutdown complete" in first.stderr.read_text(), first.output()
    assert store.is_dir()
    assert any(store.iterdir())

    # The content was kept: a second process on the same directory serves the same graph.
    second = start_server(tmp_path / "second", store)
    try:
        assert httpx.get(f"{second.url}/health", timeout=30.0).json()["triples"] == memory_triples
    finally:
        stop_server(second)


def test_serve_refuses_a_store_that_is_a_file(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "store.txt"
    not_a_directory.write_text("not a store\n", encoding="utf-8")
    port = free_port()
    result = subprocess.run(
        serve_command(port, not_a_directory),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        env=server_env(),
        check=False,
    )
    assert result.returncode == 2, result
    assert "error: cannot open the store" in result.stderr
    assert str(not_a_directory) in result.stderr
    assert "Traceback" not in result.stderr
    assert "Uvicorn running" not in result.stderr
    assert "serving" not in result.stdout
    assert not_a_directory.read_text(encoding="utf-8") == "not a store\n"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2.0)
