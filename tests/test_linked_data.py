"""Every IRI resolves: each kind of node in each RDF format, read back with rdflib and compared with
the store; JSON-LD compacted with the published context; 404, 406 and ``Vary: Accept``.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from api.app import create_app
from api.settings import Settings
from graph.namespaces import BASE
from graph.paths import ontology_files, shapes_files
from graph.shapes import ontology_graph
from graph.store import EvidenceStore, Store

SCHEMA = "http://schema.org/"
#: One node of each kind the graph holds, by the path it is served at.
NODES = {
    "drug": "id/drug/azathioprine",
    "claim": "id/claim/azathioprine-behcets-disease-indication",
    "evidence item": "id/evidence/azathioprine-atopic-dermatitis-2",
    "reference": "id/reference/dr-oracle-azathioprine-5",
    "author list": "id/reference/dr-oracle-azathioprine-5/authors",
    "source": "id/source/dr-oracle-azathioprine-dermatology",
    "condition": "id/condition/atopic-dermatitis",
    "gene": "id/gene/tpmt",
    "figure": "id/figure/azathioprine-tpmt-absent-activity-frequency",
    "grading scheme": "grade/dr-oracle-evidence",
    "grade": "grade/dr-oracle-A",
}
#: What rdflib calls each format.
FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def store_graph(store: Store, sparql: str) -> Graph:
    """A CONSTRUCT query's answer from the store, as an rdflib graph."""
    result = store.query(sparql)
    assert isinstance(result, ox.QueryTriples | list)
    data = ox.serialize(list(result), format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data.decode(), format="nt")


def own_triples(store: Store, iri: str) -> Graph:
    """The node's outgoing triples, as the store has them."""
    return store_graph(store, f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}")


def entailed_schema_types(graph: Graph) -> set[tuple[Node, Node, Node]]:
    """rdf:type schema:X for every typed subject of ``graph`` whose class the ontology puts under X."""
    ontology = ontology_graph()
    found = set()
    for subject, cls in graph.subject_objects(RDF.type):
        for super_class in ontology.transitive_objects(
            cls, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")
        ):
            if str(super_class).startswith(SCHEMA):
                found.add((subject, RDF.type, super_class))
    return found


def parse(answer: Any, media_type: str, client: TestClient) -> Graph:
    """An answer read back with rdflib; JSON-LD with the context it names, fetched from the server."""
    if media_type == "application/ld+json":
        document = answer.json()
        published = client.get("/context.jsonld").json()
        assert document["@context"] == "http://testserver/context.jsonld"
        document["@context"] = published["@context"]
        data = json.dumps(document)
        with warnings.catch_warnings():  # rdflib's JSON-LD parser builds a ConjunctiveGraph
            warnings.simplefilter("ignore", DeprecationWarning)
            by_rdflib = Graph().parse(data=data, format="json-ld")
        # and Oxigraph's parser, written apart from rdflib's serializer, reads the same
        triples = [q.triple for q in ox.parse(data.encode(), format=ox.RdfFormat.JSON_LD)]
        by_oxigraph = Graph().parse(
            data=(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode(), format="nt"
        )
        assert isomorphic(by_rdflib, by_oxigraph)
        return by_rdflib
    return Graph().parse(data=answer.text, format=FORMATS[media_type])


@pytest.mark.parametrize("media_type", list(FORMATS))
@pytest.mark.parametrize("kind", list(NODES))
def test_each_kind_of_iri_resolves_in_each_format(
    client: TestClient, bundled_store: Store, kind: str, media_type: str
) -> None:
    iri = BASE + NODES[kind]
    answer = client.get("/" + NODES[kind], headers={"Accept": media_type})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(media_type)
    assert "Accept" in answer.headers["vary"]
    graph = parse(answer, media_type, client)
    own = own_triples(bundled_store, iri)
    assert len(own) > 0
    missing = set(own) - set(graph)
    assert not missing, f"{kind}: the answer leaves out {sorted(missing)[:3]}"
    # everything else is in the store too, or a schema.org class the ontology entails
    everything = store_graph(bundled_store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    extra = set(graph) - set(everything) - entailed_schema_types(graph)
    assert not extra, f"{kind}: the answer holds what the store does not: {sorted(extra)[:3]}"


def test_the_answers_of_every_format_agree(client: TestClient) -> None:
    path = "/" + NODES["claim"]
    graphs = [parse(client.get(path, headers={"Accept": m}), m, client) for m in FORMATS]
    for other in graphs[1:]:
        assert isomorphic(graphs[0], other)


def test_a_claim_is_read_with_its_evidence_items_and_figures(
    client: TestClient, bundled_store: Store
) -> None:
    claim = BASE + "id/claim/azathioprine-tpmt-polymorphism-myelosuppression-mechanism"
    path = "/id/claim/azathioprine-tpmt-polymorphism-myelosuppression-mechanism"
    graph = parse(client.get(path, headers={"Accept": "text/turtle"}), "text/turtle", client)
    for item in own_triples(bundled_store, claim).objects(URIRef(claim), URIRef(BASE + "ontology#evidence")):
        assert set(own_triples(bundled_store, str(item))) <= set(graph)
        for figure in own_triples(bundled_store, str(item)).objects(item, URIRef(BASE + "ontology#figure")):
            assert set(own_triples(bundled_store, str(figure))) <= set(graph)
    # the nodes it links to are named: a reader sees the drug's label
    assert (
        URIRef(BASE + "id/drug/azathioprine"),
        URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
        Literal("azathioprine"),
    ) in graph


def test_a_source_is_read_with_its_references(client: TestClient, bundled_store: Store) -> None:
    source = BASE + NODES["source"]
    graph = parse(client.get("/" + NODES["source"], headers={"Accept": "text/turtle"}), "text/turtle", client)
    references = list(
        own_triples(bundled_store, source).objects(URIRef(source), URIRef("http://purl.org/dc/terms/hasPart"))
    )
    assert len(references) == 5
    for reference in references:
        assert set(own_triples(bundled_store, str(reference))) <= set(graph)


def test_schema_org_classes_come_from_the_ontology(client: TestClient) -> None:
    def types(path: str) -> set[str]:
        graph = parse(client.get(path, headers={"Accept": "text/turtle"}), "text/turtle", client)
        return {str(t) for t in graph.objects(URIRef(BASE + path.lstrip("/")), RDF.type)}

    assert SCHEMA + "Drug" in types("/id/drug/azathioprine")
    assert SCHEMA + "MedicalCondition" in types("/id/condition/atopic-dermatitis")
    assert SCHEMA + "MedicalContraindication" in types("/id/claim/azathioprine-pregnancy-contraindication")
    unlicensed = types("/" + NODES["claim"])
    assert SCHEMA + "MedicalIndication" in unlicensed
    assert SCHEMA + "ApprovedIndication" not in unlicensed
    # a licensed indication is an approved one (the ontology's axiom)
    assert SCHEMA + "ApprovedIndication" in types("/id/claim/azathioprine-pemphigus-vulgaris-indication")


def test_json_ld_is_compacted_with_the_published_context(client: TestClient) -> None:
    published = client.get("/context.jsonld")
    assert published.status_code == 200
    assert published.headers["content-type"].startswith("application/ld+json")
    terms = published.json()["@context"]
    assert terms["@vocab"] == SCHEMA
    assert terms["ev"] == BASE + "ontology#"
    assert terms["ev:drug"] == {"@type": "@id"}
    document = client.get("/id/drug/azathioprine", headers={"Accept": "application/ld+json"}).json()
    drug = document["@graph"][0]
    assert drug["@id"] == "drug:azathioprine"
    assert set(drug["@type"]) == {"ev:Drug", "Drug"}  # schema:Drug, by the vocabulary
    assert drug["label"] == "azathioprine"
    claim = client.get("/" + NODES["claim"], headers={"Accept": "application/ld+json"}).json()["@graph"][0]
    assert claim["ev:drug"] == "drug:azathioprine"  # an IRI, by the context's coercion
    assert claim["ev:evidenceGrade"] == "grade:dr-oracle-A"
    # it expands to what the Turtle answer says
    turtle = parse(client.get("/" + NODES["claim"], headers={"Accept": "text/turtle"}), "text/turtle", client)
    jsonld = parse(
        client.get("/" + NODES["claim"], headers={"Accept": "application/ld+json"}),
        "application/ld+json",
        client,
    )
    assert isomorphic(turtle, jsonld)


@pytest.mark.parametrize("media_type", ["text/html", *FORMATS])
def test_unknown_iris_are_404_in_each_format(client: TestClient, media_type: str) -> None:
    for path in ("/id/drug/no-such-drug", "/grade/no-such-grade", "/id/claim/"):
        answer = client.get(path, headers={"Accept": media_type})
        assert answer.status_code == 404, (path, answer.text)
        assert "Accept" in answer.headers["vary"]
        expected = "text/html" if media_type == "text/html" else "text/plain"
        assert answer.headers["content-type"].startswith(expected)


def test_negotiation(client: TestClient) -> None:
    path = "/id/drug/azathioprine"
    assert client.get(path).headers["content-type"].startswith("text/html")  # no Accept: a page
    assert client.get(path, headers={"Accept": "*/*"}).headers["content-type"].startswith("text/html")
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get(path, headers={"Accept": browser}).headers["content-type"].startswith("text/html")
    rdf = "text/turtle;q=0.5, application/ld+json"
    assert client.get(path, headers={"Accept": rdf}).headers["content-type"].startswith("application/ld+json")
    refused = client.get(path, headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert "Accept" in refused.headers["vary"]
    assert "text/turtle" in refused.text


def test_a_suffix_asks_for_one_format(client: TestClient) -> None:
    for media_type, suffix in [
        ("text/turtle", ".ttl"),
        ("application/n-triples", ".nt"),
        ("application/ld+json", ".jsonld"),
        ("application/rdf+xml", ".rdf"),
    ]:
        answer = client.get("/id/drug/azathioprine" + suffix, headers={"Accept": "text/html"})
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith(media_type)
        assert "vary" not in answer.headers  # not negotiated
        negotiated = client.get("/id/drug/azathioprine", headers={"Accept": media_type})
        assert isomorphic(parse(answer, media_type, client), parse(negotiated, media_type, client))
    assert client.get("/id/drug/no-such-drug.ttl").status_code == 404


@pytest.mark.parametrize(("path", "files"), [("/ontology", ontology_files), ("/shapes", shapes_files)])
def test_the_ontology_and_the_shapes_resolve(client: TestClient, path: str, files: Any) -> None:
    expected = Graph()
    for file in files():
        expected.parse(file, format="turtle")
    for media_type in FORMATS:
        answer = client.get(path, headers={"Accept": media_type})
        assert answer.status_code == 200
        assert "Accept" in answer.headers["vary"]
        if media_type != "application/ld+json":
            assert isomorphic(parse(answer, media_type, client), expected), media_type
    suffixed = client.get(path + ".ttl")
    assert isomorphic(Graph().parse(data=suffixed.text, format="turtle"), expected)
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")


def test_ontology_terms_land_on_their_anchor(client: TestClient) -> None:
    page = client.get("/ontology", headers={"Accept": "text/html"}).text
    assert 'id="IndicationStatement"' in page  # the fragment of ev:IndicationStatement
    assert 'id="evidenceGrade"' in page


def test_rdf_xml_refuses_a_predicate_it_cannot_write() -> None:
    store = EvidenceStore()
    node = ox.NamedNode(BASE + "id/drug/x")
    graph = ox.NamedNode(BASE + "graph/test")
    store.add_quads(
        [
            ox.Quad(node, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("x"), graph),
            ox.Quad(node, ox.NamedNode("http://example.org/1"), ox.Literal("y"), graph),
        ]
    )
    with TestClient(create_app(store=store, settings=Settings())) as client:
        assert client.get("/id/drug/x", headers={"Accept": "text/turtle"}).status_code == 200
        refused = client.get("/id/drug/x", headers={"Accept": "application/rdf+xml"})
        assert refused.status_code == 406
        assert "http://example.org/1" in refused.text


def test_head_answers_as_get_does(client: TestClient) -> None:
    for path in ("/id/drug/azathioprine", "/grade/dr-oracle-A", "/ontology", "/shapes"):
        for media_type in ("text/html", "text/turtle"):
            head = client.head(path, headers={"Accept": media_type})
            get = client.get(path, headers={"Accept": media_type})
            assert head.status_code == get.status_code == 200
            assert head.headers["content-type"] == get.headers["content-type"]
            assert head.content == b""
    assert client.head("/id/drug/no-such-drug").status_code == 404


@pytest.mark.parametrize("media_type", ["text/html", "text/turtle"])
def test_a_path_no_iri_can_have_is_404(client: TestClient, media_type: str) -> None:
    for path in (
        "/id/drug/%20x",
        "/id/drug/a%3Cb%3E",
        "/id/%7B%7D",
        "/id/drug/x%22",
        "/grade/a%5Cb",
        "/id/a%20b.ttl",
    ):
        answer = client.get(path, headers={"Accept": media_type})
        assert answer.status_code == 404, (path, answer.text[:300])
