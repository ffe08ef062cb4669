"""Durable and serialized writes, end to end, against ``evidence-graph serve`` in its own process.

Durability: a stream of ``createClaim`` mutations is cut by SIGKILL; after a restart on the same
store directory every acknowledged claim is there, complete, and no claim is there in part.
Concurrency: writers update one claim's label and population together while readers read both;
a reader never sees one without the other, and the versions count the acknowledged writes.

Nothing is mocked: real processes, real HTTP on loopback, a real on-disk Oxigraph store.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.store import EvidenceStore
from graph.validation import validate_quads
from tests.test_http_server import Server, server_env, start_server, stop_server

AUTHOR = "durability-tester"
TOKEN = secrets.token_urlsafe(32)
SOURCE_TITLE = (
    "What is the role of azathioprine in treating autoimmune and inflammatory skin conditions in dermatology?"
)
SECTION = "Durability test"
LABEL_PREFIX = "durability claim "
ACKNOWLEDGED_BEFORE_KILL = 20
MAX_WRITES = 200  # a bound: the stream stops on its own if the kill never comes
STREAM_TIMEOUT = 40.0

EV = "https://w3id.org/evidence-graph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
PRACTICE_POINT = EV + "PracticePointStatement"
SPARQL_RESULTS = "application/sparql-results+json"

CREATE_CLAIM = """
mutation Create($input: ClaimInput!) {
  createClaim(input: $input) { claim { id iri label } }
}
"""
UPDATE_CLAIM = """
mutation Update($id: ID!, $input: ClaimInput!) {
  updateClaim(id: $id, input: $input) { claim { id ... on PracticePointStatement { label population } } }
}
"""
CLAIM_BY_ID = """
query Claim($id: ID!) {
  node(id: $id) {
    ... on PracticePointStatement {
      label section population
      drug { iri }
      source { iri }
      evidence { text citationMarkers references { iri citationNumber } }
      references { iri }
    }
  }
}
"""
HISTORY = "query History($id: ID!) { history(id: $id) { number action author snapshot } }"


# --- a writable server --------------------------------------------------------------------------


def start_writable_server(logs: Path, store: Path | None = None) -> Server:
    """``serve`` with one API token configured; returns once /health answers 200."""
    return start_server(
        logs, store, env={**server_env(), "EVIDENCE_GRAPH_API_TOKENS": json.dumps({AUTHOR: TOKEN})}
    )


def kill_server(server: Server) -> None:
    """SIGKILL: no shutdown handler runs, nothing is flushed by the application."""
    server.process.kill()
    server.process.wait(timeout=10.0)


def client_for(server: Server) -> httpx.Client:
    """An HTTP client that writes as AUTHOR."""
    return httpx.Client(base_url=server.url, timeout=30.0, headers={"Authorization": f"Bearer {TOKEN}"})


def graphql(http: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """POST a GraphQL operation; fail with the response unless it answers data without errors."""
    response = http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def sparql(http: httpx.Client, query: str) -> list[dict[str, str]]:
    """SELECT over /sparql; each row maps variable -> lexical value."""
    response = http.get("/sparql", params={"query": query}, headers={"Accept": SPARQL_RESULTS})
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


@dataclass(frozen=True)
class Fixtures:
    """IRIs and IDs of the bundled nodes a new claim points at."""

    drug_iri: str
    source_iri: str
    reference_id: str
    reference_iri: str


def bundled_nodes(http: httpx.Client) -> Fixtures:
    """Look up azathioprine, its source document and that document's reference 1."""
    data = graphql(
        http,
        'query { drug(key: "azathioprine") { iri } sources { nodes { iri title } } '
        "references(first: 500) { nodes { id iri citationNumber source { iri } } } }",
    )
    [source] = [s for s in data["sources"]["nodes"] if s["title"] == SOURCE_TITLE]
    [reference] = [
        r
        for r in data["references"]["nodes"]
        if r["citationNumber"] == 1 and (r["source"] or {}).get("iri") == source["iri"]
    ]
    return Fixtures(data["drug"]["iri"], source["iri"], reference["id"], reference["iri"])


def claim_input(n: int, reference_id: str) -> dict[str, Any]:
    """A valid new practice point, numbered ``n``."""
    return {
        "kind": "PRACTICE_POINT",
        "label": f"{LABEL_PREFIX}{n}",
        "drug": "azathioprine",
        "source": SOURCE_TITLE,
        "section": SECTION,
        "evidence": [{"text": f"passage {n}", "citationMarkers": "1", "references": [reference_id]}],
    }


# --- durability ---------------------------------------------------------------------------------


@dataclass
class WriteStream:
    """Sequential createClaim mutations from a background thread, until the server goes away."""

    server: Server
    reference_id: str
    acknowledged: dict[str, str] = field(default_factory=dict)  # label -> claim ID
    in_flight: str | None = None  # the label sent when the connection broke
    refused: list[dict[str, Any]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with client_for(self.server) as http:
            for n in range(MAX_WRITES):
                if self.stop.is_set():
                    return
                variables = {"input": claim_input(n, self.reference_id)}
                try:
                    response = http.post("/graphql", json={"query": CREATE_CLAIM, "variables": variables})
                except httpx.TransportError:
                    self.in_flight = variables["input"]["label"]
                    return
                body: dict[str, Any] = {"status": response.status_code}
                if response.status_code == 200:
                    body = response.json()
                claim = ((body.get("data") or {}).get("createClaim") or {}).get("claim")
                if "errors" in body or not claim or not claim.get("id"):
                    self.refused.append(body)
                    return
                self.acknowledged[claim["label"]] = claim["id"]


def durability_rows(http: httpx.Client) -> dict[str, dict[str, set[str]]]:
    """Every node labelled "durability claim *": predicate -> values, plus its items' and versions'."""
    claims: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    labelled = f'?claim rdfs:label ?label FILTER(STRSTARTS(STR(?label), "{LABEL_PREFIX}"))'
    for row in sparql(http, f"SELECT ?claim ?p ?o WHERE {{ {labelled} ?claim ?p ?o }}"):
        claims[row["claim"]][row["p"]].add(row["o"])
    items = f"SELECT ?claim ?p ?o WHERE {{ {labelled} ?claim ev:evidence ?item . ?item ?p ?o }}"
    for row in sparql(http, items):
        claims[row["claim"]]["item " + row["p"]].add(row["o"])
    versions = f"SELECT ?claim ?action WHERE {{ {labelled} ?v ev:versionOf ?claim ; ev:action ?action }}"
    for row in sparql(http, versions):
        claims[row["claim"]]["version"].add(row["action"])
    return claims


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    store = tmp_path / "store"

    # First start on an empty directory: the bundled content is loaded and kept on disk.
    first = start_writable_server(tmp_path / "first", store)
    try:
        with client_for(first) as http:
            health = http.get("/health").json()
            assert health["store"] == "embedded"
            assert "from oxigraph (on disk)" in first.output()
            assert health["triples"] > 1000
            azathioprine = graphql(http, '{ drug(key: "azathioprine") { label } }')
            assert azathioprine == {"drug": {"label": "azathioprine"}}
            bundled = bundled_nodes(http)
    except BaseException:
        kill_server(first)
        raise

    stream = WriteStream(first, bundled.reference_id)
    writer = threading.Thread(target=stream.run, daemon=True)
    writer.start()
    try:
        deadline = time.monotonic() + STREAM_TIMEOUT
        while (
            len(stream.acknowledged) < ACKNOWLEDGED_BEFORE_KILL
            and writer.is_alive()
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)
    finally:
        kill_server(first)  # while the writer keeps writing: the kill lands mid-stream
        stream.stop.set()
        writer.join(timeout=35.0)
    assert not writer.is_alive(), "the writer did not notice the killed server"
    assert first.process.returncode == -9, first.output()
    assert not stream.refused, f"a valid createClaim was refused: {stream.refused[0]}"
    acknowledged = dict(stream.acknowledged)
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL, first.output()
    assert stream.in_flight is not None, "the kill did not land in the middle of the stream"

    # Restart on the same directory: every acknowledged claim is back, whole.
    second = start_writable_server(tmp_path / "second", store)
    try:
        with client_for(second) as http:
            assert http.get("/health").json()["store"] == "embedded"
            assert "from oxigraph (on disk)" in second.output()
            for label, claim_id in acknowledged.items():
                node = graphql(http, CLAIM_BY_ID, id=claim_id)["node"]
                n = label.removeprefix(LABEL_PREFIX)
                assert node is not None, f"acknowledged claim {label!r} is gone after the restart"
                assert node["label"] == label
                assert node["section"] == SECTION
                assert node["drug"] == {"iri": bundled.drug_iri}
                assert node["source"] == {"iri": bundled.source_iri}
                assert node["evidence"] == [
                    {
                        "text": f"passage {n}",
                        "citationMarkers": "1",
                        "references": [{"iri": bundled.reference_iri, "citationNumber": 1}],
                    }
                ], label
                assert node["references"] == [{"iri": bundled.reference_iri}], label

            claims = durability_rows(http)
            labels = {next(iter(c[RDFS_LABEL])) for c in claims.values() if len(c[RDFS_LABEL]) == 1}
            assert set(acknowledged) <= labels
            # The one in flight may have committed before the kill, unacknowledged; nothing else.
            assert labels - set(acknowledged) <= {stream.in_flight}
            assert len(claims) in {len(acknowledged), len(acknowledged) + 1}
            for iri, values in claims.items():
                assert_complete(iri, values, bundled)

            # The store still takes writes after the crash.
            after = graphql(http, CREATE_CLAIM, input=claim_input(MAX_WRITES, bundled.reference_id))
            assert after["createClaim"]["claim"]["label"] == f"{LABEL_PREFIX}{MAX_WRITES}"
    finally:
        stop_server(second)

    # With the server stopped, the whole store on disk still conforms to the shapes.
    report = validate_quads(EvidenceStore(store).quads())
    assert report.conforms, report.to_text(report.violations)


def assert_complete(iri: str, values: dict[str, set[str]], bundled: Fixtures) -> None:
    """A durability claim is whole: type, label, drug, source, section, one evidence item, a version."""
    what = f"{iri}: {dict(values)}"
    assert values[RDF_TYPE] == {PRACTICE_POINT}, what
    assert len(values[RDFS_LABEL]) == 1, what
    n = next(iter(values[RDFS_LABEL])).removeprefix(LABEL_PREFIX)
    assert values[EV + "drug"] == {bundled.drug_iri}, what
    assert values[PROV_DERIVED] == {bundled.source_iri}, what
    assert values[EV + "section"] == {SECTION}, what
    assert values[EV + "citesAsEvidence"] == {bundled.reference_iri}, what
    assert len(values[EV + "evidence"]) == 1, what
    assert values["item " + RDF_TYPE] == {EV + "EvidenceItem"}, what
    assert values["item " + EV + "text"] == {f"passage {n}"}, what
    assert values["item " + EV + "citationMarkers"] == {"1"}, what
    assert values["item " + EV + "citesAsEvidence"] == {bundled.reference_iri}, what
    assert values["version"] == {"created"}, what


# --- concurrency --------------------------------------------------------------------------------

WRITERS = 3
UPDATES_PER_WRITER = 5
READERS = 3
MAX_READS = 400  # per reader: a bound, so a reader stops even if the writers hang
TORN = "a read saw label != population: a write was visible half-applied"


@pytest.fixture(scope="module")
def memory_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A writable server over an in-memory store with the bundled content."""
    running = start_writable_server(tmp_path_factory.mktemp("concurrency-server"))
    try:
        yield running
    finally:
        stop_server(running)


def test_concurrent_writes_are_serialized_and_reads_never_torn(memory_server: Server) -> None:
    with client_for(memory_server) as http:
        bundled = bundled_nodes(http)
        # label and population start equal, so the invariant holds from the first read
        start = claim_input(0, bundled.reference_id) | {"label": "v-0-0", "population": "v-0-0"}
        claim = graphql(http, CREATE_CLAIM, input=start)["createClaim"]["claim"]
        claim_id, claim_iri = claim["id"], claim["iri"]

    acknowledged: list[str] = []
    refused: list[Any] = []
    reads: list[tuple[str, str | None]] = []
    torn: list[Any] = []
    writing = threading.Event()
    writing.set()
    lock = threading.Lock()

    def write(thread: int) -> None:
        with client_for(memory_server) as client:
            for n in range(1, UPDATES_PER_WRITER + 1):
                value = f"v-{thread}-{n}"
                variables = {"id": claim_id, "input": {"label": value, "population": value}}
                response = client.post("/graphql", json={"query": UPDATE_CLAIM, "variables": variables})
                body = response.json()
                claim = ((body.get("data") or {}).get("updateClaim") or {}).get("claim")
                with lock:
                    if response.status_code == 200 and "errors" not in body and claim:
                        acknowledged.append(value)
                        if claim["label"] != claim["population"]:
                            torn.append(("payload", claim))
                    else:
                        refused.append(body)

    select = (
        f"SELECT ?label ?population WHERE {{ <{claim_iri}> rdfs:label ?label . "
        f"OPTIONAL {{ <{claim_iri}> ev:population ?population }} }}"
    )

    def read() -> None:
        with client_for(memory_server) as client:
            for _ in range(MAX_READS):
                if not writing.is_set():
                    return
                node = graphql(client, CLAIM_BY_ID, id=claim_id)["node"]
                rows = sparql(client, select)
                with lock:
                    reads.append((node["label"], node["population"]))
                    if node["label"] != node["population"]:
                        torn.append(("node", node["label"], node["population"]))
                    if len(rows) != 1 or rows[0]["label"] != rows[0].get("population"):
                        torn.append(("sparql", rows))

    writers = [threading.Thread(target=write, args=(t,), daemon=True) for t in range(1, WRITERS + 1)]
    readers = [threading.Thread(target=read, daemon=True) for _ in range(READERS)]
    for thread in (*readers, *writers):
        thread.start()
    for thread in writers:
        thread.join(timeout=40.0)
    writing.clear()
    for thread in readers:
        thread.join(timeout=10.0)
    assert not any(t.is_alive() for t in (*writers, *readers)), "a client thread hung"

    assert not torn, f"{TORN}: {torn[:5]}"
    assert len({label for label, _ in reads}) > 1, "the readers never saw a write land: no overlap"

    with client_for(memory_server) as http:
        final = graphql(http, CLAIM_BY_ID, id=claim_id)["node"]
        versions = graphql(http, HISTORY, id=claim_id)["history"]
    assert final["label"] == final["population"]
    assert final["label"] in (acknowledged or ["v-0-0"])
    # created, then one version per acknowledged update: numbered without a gap or a repeat
    assert [v["number"] for v in versions] == list(range(1, len(acknowledged) + 2)), versions
    assert [v["action"] for v in versions] == ["created"] + ["updated"] * len(acknowledged)
    assert {v["author"] for v in versions} == {AUTHOR}
    assert f'"{final["label"]}"' in versions[-1]["snapshot"]

    # Serialized writes do not refuse a valid update because another one ran at the same time.
    assert not refused, (
        f"{len(refused)} of {WRITERS * UPDATES_PER_WRITER} concurrent valid updates refused, "
        f"e.g. {refused[0]}"
    )
    assert len(acknowledged) == WRITERS * UPDATES_PER_WRITER
