"""The SPARQL 1.1 Protocol endpoint over real HTTP: methods, formats, dataset and refusals."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from httpx2 import Response
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from api.app import create_app
from graph.namespaces import PREFIXES
from graph.store import EvidenceStore, Store
from tests.conftest import server_store
from tests.test_http_server import start_server, stop_server

EX = "http://example.org/"
TRIALS = EX + "graph/trials"
LABELS = EX + "graph/labels"
# Two named graphs and nothing in the store's own default graph: anything a query finds without
# GRAPH comes from the union of named graphs.
TRIG = f"""
@prefix ex: <{EX}> .
@prefix ev: <{PREFIXES["ev"]}> .
<{TRIALS}> {{
    ex:aza a ev:Drug ; ex:treats ex:eczema .
    ex:mtx a ev:Drug ; ex:treats ex:psoriasis .
}}
<{LABELS}> {{
    ex:aza ex:label "azathioprine" .
}}
"""
SELECT_DRUGS = "SELECT ?drug WHERE { ?drug a ev:Drug } ORDER BY ?drug"
DRUGS = [EX + "aza", EX + "mtx"]
CONSTRUCT_TREATS = f"CONSTRUCT {{ ?d <{EX}treats> ?c }} WHERE {{ ?d <{EX}treats> ?c }}"
TREATS = {(EX + "aza", EX + "treats", EX + "eczema"), (EX + "mtx", EX + "treats", EX + "psoriasis")}
SRJ = "application/sparql-results+json"
RDF_XML = "application/rdf+xml"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """The five quads, on the embedded store or on a scratch server (Oxigraph, Virtuoso)."""
    quads = list(ox.parse(TRIG, format=ox.RdfFormat.TRIG))
    remote = server_store(backend, request, "scratch", graph_prefix=EX + "graph/")
    if remote is not None:
        remote.replace_graphs(remote.graphs(), quads)
        assert len(remote) == 5
        yield remote
        remote.close()
        return
    store = EvidenceStore()
    store.add_quads(quads)
    assert len(store) == 5
    yield store


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store=store)) as client:
        yield client


def get(client: TestClient, query: str, accept: str | None = None, **params: Any) -> Response:
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query, **params}, headers=headers)


def json_column(response: Response, name: str) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(SRJ)
    return [row[name]["value"] for row in response.json()["results"]["bindings"]]


def triples(response: Response, rdf_format: ox.RdfFormat) -> set[tuple[str, str, str]]:
    assert response.status_code == 200, response.text
    return {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in ox.parse(response.content, format=rdf_format)
    }


# Methods


def test_get_select_answers_json_by_default(client: TestClient) -> None:
    response = get(client, SELECT_DRUGS)
    assert response.headers["vary"] == "Accept"
    assert response.json()["head"]["vars"] == ["drug"]
    assert json_column(response, "drug") == DRUGS


def test_form_post_select(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": SELECT_DRUGS})
    assert json_column(response, "drug") == DRUGS


def test_direct_post_select(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        content=SELECT_DRUGS.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert json_column(response, "drug") == DRUGS


def test_post_with_another_body_type_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content=SELECT_DRUGS.encode(), headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert "application/sparql-query" in response.json()["detail"]


# Result formats


def test_select_as_xml(client: TestClient) -> None:
    response = get(client, SELECT_DRUGS, "application/sparql-results+xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(response.content)
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["drug"]
    uris = [u.text for u in root.findall("r:results/r:result/r:binding[@name='drug']/r:uri", ns)]
    assert uris == DRUGS


def test_select_as_csv(client: TestClient) -> None:
    response = get(client, SELECT_DRUGS, "text/csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [["drug"], *([d] for d in DRUGS)]


def test_select_as_tsv(client: TestClient) -> None:
    response = get(client, SELECT_DRUGS, "text/tab-separated-values")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    rows = list(csv.reader(io.StringIO(response.text), delimiter="\t"))
    assert rows == [["?drug"], *([f"<{d}>"] for d in DRUGS)]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json;q=0.1, text/csv", "text/csv"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.8", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("text/*;q=0.9, text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", SRJ),
        ("text/html, */*;q=0.8", SRJ),
        ("text/csv;q=0, */*", SRJ),
    ],
)
def test_accept_q_values_choose_the_format(client: TestClient, accept: str, expected: str) -> None:
    response = get(client, SELECT_DRUGS, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


def test_ask_true_and_false_as_json(client: TestClient) -> None:
    assert get(client, f"ASK {{ <{EX}aza> a ev:Drug }}").json() == {"head": {}, "boolean": True}
    assert get(client, f"ASK {{ <{EX}eczema> a ev:Drug }}").json() == {"head": {}, "boolean": False}


def test_ask_as_xml_and_csv(client: TestClient) -> None:
    query = f"ASK {{ <{EX}aza> a ev:Drug }}"
    xml = get(client, query, "application/sparql-results+xml")
    element = ET.fromstring(xml.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None
    assert element.text == "true"
    assert get(client, query, "text/csv").text.strip() == "true"


def test_construct_as_turtle_by_default(client: TestClient) -> None:
    response = get(client, CONSTRUCT_TREATS)
    assert response.headers["content-type"].startswith("text/turtle")
    assert triples(response, ox.RdfFormat.TURTLE) == TREATS


def test_construct_as_n_triples(client: TestClient) -> None:
    response = get(client, CONSTRUCT_TREATS, "application/n-triples")
    assert response.headers["content-type"].startswith("application/n-triples")
    assert triples(response, ox.RdfFormat.N_TRIPLES) == TREATS


def test_construct_as_json_ld(client: TestClient) -> None:
    response = get(client, CONSTRUCT_TREATS, "application/ld+json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    nodes = json.loads(response.content)
    found = {(n["@id"], o["@id"]) for n in nodes for o in n[EX + "treats"]}
    assert found == {(s, o) for s, _, o in TREATS}


def test_describe_gathers_a_resource_across_graphs(client: TestClient) -> None:
    response = get(client, f"DESCRIBE <{EX}aza>", "text/turtle")
    assert triples(response, ox.RdfFormat.TURTLE) == {
        (EX + "aza", PREFIXES["rdf"] + "type", PREFIXES["ev"] + "Drug"),
        (EX + "aza", EX + "treats", EX + "eczema"),
        (EX + "aza", EX + "label", "azathioprine"),
    }


def rdflib_graph(response: Response, rdf_format: str) -> rdflib.Graph:
    assert response.status_code == 200, response.text
    return rdflib.Graph().parse(data=response.content, format=rdf_format)


@pytest.mark.parametrize("query", [CONSTRUCT_TREATS, f"DESCRIBE <{EX}aza>"])
def test_construct_and_describe_as_rdf_xml(client: TestClient, query: str) -> None:
    response = get(client, query, RDF_XML)
    assert response.headers["content-type"].startswith(RDF_XML)
    as_xml = rdflib_graph(response, "xml")
    assert len(as_xml) > 0
    assert isomorphic(as_xml, rdflib_graph(get(client, query, "text/turtle"), "turtle"))


def test_the_bundled_content_as_rdf_xml_is_the_same_graph(bundled_store: Store) -> None:
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    with TestClient(create_app(store=bundled_store)) as bundled:
        as_xml = rdflib_graph(get(bundled, everything, RDF_XML), "xml")
        as_turtle = rdflib_graph(get(bundled, everything, "text/turtle"), "turtle")
    assert len(as_xml) > 1000
    assert isomorphic(as_xml, as_turtle)


def test_a_predicate_rdf_xml_cannot_write_is_406(client: TestClient) -> None:
    query = f"CONSTRUCT {{ ?d <{EX}1> ?c }} WHERE {{ ?d <{EX}treats> ?c }}"
    response = get(client, query, RDF_XML)
    assert response.status_code == 406
    assert f"<{EX}1>" in response.json()["detail"]
    assert "text/turtle" in response.json()["detail"]
    assert len(triples(get(client, query, "text/turtle"), ox.RdfFormat.TURTLE)) == 2


def test_rdflib_sparql_store_against_a_real_server(tmp_path: Path) -> None:
    """rdflib's SPARQLStore asks for RDF/XML (CONSTRUCT) and SPARQL XML results (SELECT) only."""
    server = start_server(tmp_path / "server")
    endpoint = f"{server.url}/sparql"
    construct = (
        "CONSTRUCT { ?c ev:condition ?condition } WHERE { ?c a ev:IndicationStatement ; "
        "ev:licensingStatus ev:Unlicensed ; ev:condition ?condition }"
    )
    select = (
        "SELECT ?label WHERE { ?c a ev:IndicationStatement ; ev:licensingStatus ev:Unlicensed ; "
        'ev:evidenceGrade/skos:notation "A" ; ev:condition/rdfs:label ?label } ORDER BY ?label'
    )
    try:
        graph = rdflib.Graph(SPARQLStore(endpoint))
        constructed = graph.query(construct).graph
        rows = [str(row[0]) for row in graph.query(select)]
        turtle = httpx.get(endpoint, params={"query": construct}, headers={"Accept": "text/turtle"})
    finally:
        stop_server(server)
    assert constructed is not None
    assert len(constructed) > 10
    assert isomorphic(constructed, rdflib.Graph().parse(data=turtle.content, format="turtle"))
    assert rows == ["Atopic dermatitis", "Behçet's disease", "Chronic actinic dermatitis"]


@pytest.mark.parametrize(
    ("query", "accept", "acceptable"),
    [
        (SELECT_DRUGS, "text/turtle", "application/sparql-results+json, application/sparql-results+xml"),
        (CONSTRUCT_TREATS, SRJ, "text/turtle, application/n-triples, application/ld+json"),
        (f"ASK {{ <{EX}aza> ?p ?o }}", "application/ld+json, text/html", "text/csv"),
    ],
)
# The SELECT case also guards a regression: raising while a pyoxigraph result was still referenced
# dropped it on the event loop thread ("unsendable ... dropped on another thread").
def test_unavailable_format_is_406(client: TestClient, query: str, accept: str, acceptable: str) -> None:
    response = get(client, query, accept)
    assert response.status_code == 406
    assert acceptable in response.json()["detail"]


# Dataset


def test_default_graph_is_the_union_of_named_graphs(client: TestClient) -> None:
    query = "SELECT ?label ?c WHERE { ?d ex:label ?label ; ex:treats ?c }"
    response = get(client, f"PREFIX ex: <{EX}> {query}")
    assert json_column(response, "label") == ["azathioprine"]
    assert json_column(response, "c") == [EX + "eczema"]
    graphs = get(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert json_column(graphs, "g") == [LABELS, TRIALS]


def test_default_graph_uri_narrows_the_default_graph(client: TestClient) -> None:
    query = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    only_labels = get(client, query, **{"default-graph-uri": LABELS})
    assert json_column(only_labels, "o") == ["azathioprine"]
    form = client.post("/sparql", data={"query": query, "default-graph-uri": [LABELS, TRIALS]})
    assert len(json_column(form, "o")) == 5
    direct = client.post(
        "/sparql",
        params={"default-graph-uri": LABELS},
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert json_column(direct, "o") == ["azathioprine"]


def test_named_graph_uri_limits_graph_and_empties_the_default(client: TestClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert json_column(get(client, query, **{"named-graph-uri": TRIALS}), "g") == [TRIALS]
    assert json_column(get(client, SELECT_DRUGS, **{"named-graph-uri": TRIALS}), "drug") == []


def test_invalid_graph_iri_is_400(client: TestClient) -> None:
    response = get(client, SELECT_DRUGS, **{"default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert "default-graph-uri" in response.json()["detail"]


# Refusals


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.get("/sparql", params={"query": f"INSERT DATA {{ <{EX}x> <{EX}y> <{EX}z> }}"}),
        lambda c: c.get("/sparql", params={"update": f"INSERT DATA {{ <{EX}x> <{EX}y> <{EX}z> }}"}),
        lambda c: c.post("/sparql", data={"update": f"DELETE WHERE {{ <{EX}aza> ?p ?o }}"}),
        lambda c: c.post("/sparql", data={"query": f"PREFIX ex: <{EX}#> # comment\nDROP ALL"}),
        lambda c: c.post(
            "/sparql", content=b"CLEAR DEFAULT", headers={"Content-Type": "application/sparql-update"}
        ),
        lambda c: c.post(
            "/sparql",
            content=f"LOAD <{EX}data.ttl>".encode(),
            headers={"Content-Type": "application/sparql-query"},
        ),
    ],
    ids=["get-query", "get-update", "form-update", "form-query", "direct-update", "direct-query"],
)
def test_updates_are_refused_as_read_only(client: TestClient, store: Store, send: Any) -> None:
    response = send(client)
    assert response.status_code == 400
    assert "read-only" in response.json()["detail"]
    assert len(store) == 5


def test_syntax_error_is_400_with_position(client: TestClient) -> None:
    response = get(client, "SELECT ?s WHERE { ?s ?p }")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "SPARQL syntax error: error at 1:26: expected one of LATERAL, SERVICE, [_]"
    }


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.get("/sparql"),
        lambda c: c.get("/sparql", params={"query": "  "}),
        lambda c: c.post("/sparql", data={"default-graph-uri": LABELS}),
        lambda c: c.post("/sparql", content=b"", headers={"Content-Type": "application/sparql-query"}),
    ],
    ids=["get", "get-blank", "form", "direct"],
)
def test_missing_query_is_400(client: TestClient, send: Any) -> None:
    response = send(client)
    assert response.status_code == 400
    assert response.json()["detail"] == "Missing SPARQL query: pass it as the 'query' parameter."


# Documentation


def test_openapi_documents_both_methods(client: TestClient) -> None:
    path = client.get("/openapi.json").json()["paths"]["/sparql"]
    assert path["get"]["summary"] == "SPARQL query (GET)"
    assert "union of all named graphs" in path["get"]["description"]
    params = {p["name"]: p for p in path["get"]["parameters"]}
    assert {"query", "default-graph-uri", "named-graph-uri", "accept"} <= set(params)
    assert all(params[name].get("description") for name in ("query", "default-graph-uri"))
    assert set(path["post"]["requestBody"]["content"]) == {
        "application/x-www-form-urlencoded",
        "application/sparql-query",
    }
    for method in ("get", "post"):
        responses = path[method]["responses"]
        assert {"200", "400", "406"} <= set(responses)
        assert {"text/csv", "text/turtle", "application/ld+json"} <= set(responses["200"]["content"])


def test_service_is_refused_before_any_request_leaves(client: TestClient) -> None:
    import http.server  # noqa: PLC0415
    import threading  # noqa: PLC0415

    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET  # noqa: N815 - the name http.server dispatches to

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_port}/sparql"
        response = get(client, f"SELECT * WHERE {{ service <{endpoint}> {{ ?s ?p ?o }} }}")
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 400
    assert "SERVICE" in response.json()["detail"]
    assert hits == []


def test_the_word_service_in_strings_and_names_is_fine(client: TestClient) -> None:
    response = get(client, 'SELECT ?service WHERE { BIND("SERVICE <x>" AS ?service) } # SERVICE')
    assert response.status_code == 200
    assert json_column(response, "service") == ["SERVICE <x>"]
