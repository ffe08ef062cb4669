"""The GraphQL API's contract: SDL snapshot, shapes <-> fields, enums <-> ontology, round trips,
and hostile input."""

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH, SKOS

from api.app import create_app
from api.graphql import enums
from api.graphql.nodes import TYPE_FOR_CLASS, Node
from api.graphql.schema import schema
from api.graphql.sdl import possible_types, sdl
from graph.load import load_sources
from graph.namespaces import EV
from graph.paths import PROJECT_ROOT
from graph.shapes import ontology_graph, shapes_graph
from graph.store import EvidenceStore, Store
from tests.conftest import ROOMY

SDL_FILE = PROJECT_ROOT / "api" / "schema.graphql"

#: Shape properties that deliberately have no GraphQL field of the same property, and why.
NOT_IN_GRAPHQL = {
    # rdf:type is what picks the GraphQL type itself (and `kind` on claims).
    str(RDF.type),
    # Grades expose their scheme as `scheme`; a scheme's top concepts are its `grades`.
    str(SKOS.topConceptOf),
    str(SKOS.hasTopConcept),
    # Reference lists are `SourceDocument.references`, computed from dcterms:isPartOf.
    "http://purl.org/dc/terms/hasPart",
    # A reference's author list orders `Reference.creators` (mapped to dcterms:creator).
    "http://purl.org/ontology/bibo/authorList",
    # Grades and schemes name themselves with skos:prefLabel, served as `label` (Node.label falls
    # back from rdfs:label to skos:prefLabel to dcterms:title).
    str(SKOS.prefLabel),
    # The grade shape forbids skos:exactMatch (crosswalks are never exact): nothing to serve.
    str(SKOS.exactMatch),
}


def test_possible_types_file_and_route_match_the_schema(client: TestClient) -> None:
    """What Apollo Client's possibleTypes needs: every interface with its object types."""
    shipped = json.loads((PROJECT_ROOT / "api" / "possible-types.json").read_text(encoding="utf-8"))
    assert shipped == possible_types(), (
        "the GraphQL schema changed: review the change, then run `make schema` to update api/possible-types.json"
    )
    assert client.get("/graphql/possible-types").json() == shipped
    assert set(shipped["Claim"]) == {t.__name__ for c, t in TYPE_FOR_CLASS if c.endswith("Statement")}
    assert {"Drug", "IndicationStatement", "Reference"} <= set(shipped["Node"])


def test_sdl_file_matches_the_schema() -> None:
    assert SDL_FILE.read_text(encoding="utf-8") == sdl(), (
        "the GraphQL schema changed: review the change, then run `make schema` to update api/schema.graphql"
    )


def _rdf_fields(node_type: type[Node]) -> set[str]:
    definition = schema.get_type_by_name(node_type.__name__)
    assert definition is not None
    fields = getattr(definition, "fields", [])
    return {f.metadata["rdf"] for f in fields if f.metadata and "rdf" in f.metadata}


def _shape_paths() -> dict[str, set[str]]:
    """sh:targetClass -> every IRI used as an sh:path of its shape's property shapes."""
    shapes = shapes_graph()
    found: dict[str, set[str]] = {}
    for shape, target in shapes.subject_objects(SH.targetClass):
        paths = found.setdefault(str(target), set())
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if isinstance(path, URIRef) and not _length_only(shapes, prop):
                paths.add(str(path))
    return found


def _length_only(shapes: Graph, prop: object) -> bool:
    """A property shape that only bounds the length of values where there are some."""
    parameters = {p for p, _ in shapes.predicate_objects(prop)} - {SH.path, SH.message, RDF.type}
    return parameters == {SH.maxLength}


def test_every_shape_property_has_a_graphql_field() -> None:
    types = dict(TYPE_FOR_CLASS)
    claim_kinds = [c for c, t in TYPE_FOR_CLASS if c.endswith("Statement")]
    missing = []
    for target, paths in _shape_paths().items():
        if target == str(EV.ClinicalStatement):
            covered = [types[k] for k in claim_kinds]  # the shared shape: every kind must expose it
        elif target in types:
            covered = [types[target]]
        else:
            continue
        for node_type in covered:
            absent = paths - _rdf_fields(node_type) - NOT_IN_GRAPHQL
            missing += [f"{node_type.__name__}: {p}" for p in sorted(absent)]
    assert not missing, "shape properties without a GraphQL field:\n" + "\n".join(missing)


#: Shaped classes without a Node type of their own, and why.
NO_NODE_TYPE = {
    str(EV.ClinicalStatement),  # abstract: the `Claim` interface
    str(EV.Version),  # a claim's versions are served by history(id:) as ClaimVersion
}


def test_every_shaped_class_has_a_graphql_type() -> None:
    types = dict(TYPE_FOR_CLASS)
    untyped = {t for t in _shape_paths() if t.startswith(str(EV)) and t not in types}
    assert untyped <= NO_NODE_TYPE, untyped


@pytest.mark.parametrize(
    ("enum", "scheme"),
    [
        (enums.LicensingStatus, "LicensingStatusScheme"),
        (enums.Severity, "ContraindicationSeverityScheme"),
        (enums.StudyDesign, "StudyDesignScheme"),
        (enums.TherapyRole, "TherapyRoleScheme"),
        (enums.PharmacogenomicAction, "PharmacogenomicActionScheme"),
        (enums.QuantityKind, "QuantityKindScheme"),
        (enums.GradingAxis, "GradingAxisScheme"),
    ],
)
def test_enums_match_the_ontology(enum: Any, scheme: str) -> None:
    ontology = ontology_graph()
    concepts = {
        str(c): str(ontology.value(c, SKOS.notation)) for c in ontology.subjects(SKOS.inScheme, EV[scheme])
    }
    assert {m.iri: m.name for m in enum} == concepts


def test_claim_kinds_match_the_ontology() -> None:
    kinds = {str(c) for c in ontology_graph().subjects(RDFS.subClassOf, EV.ClinicalStatement)}
    assert {k.iri for k in enums.ClaimKind} == kinds


# --- round trips --------------------------------------------------------------------------------

DEEP = """{ drugs(first: 500) { nodes { label
    indications(first: 500) { nodes { condition { label broader { label } } grade { notation scheme { label } }
      references { title claims(first: 500) { totalCount nodes { label drug { label } } } }
      evidence { text figures { printedValue } comparators { label } } } } } } }"""


def _round_trips(store: EvidenceStore, client: TestClient, query: str) -> int:
    store.query_count = 0
    response = client.post("/graphql", json={"query": query})
    assert "errors" not in response.json(), response.json()
    return store.query_count


def test_round_trips_are_bounded_by_depth_not_by_results(bundled_quads: list[Any], tmp_path: Path) -> None:
    small = EvidenceStore()
    small.add_quads(bundled_quads)
    large = EvidenceStore()
    large.add_quads(bundled_quads)
    extra = tmp_path / "more-drugs.ttl"
    extra.write_text(
        "@prefix ev: <https://w3id.org/evidence-graph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        + "".join(
            f'<https://w3id.org/evidence-graph/id/drug/d{i}> a ev:Drug ; rdfs:label "drug {i}" .\n'
            for i in range(40)
        )
    )
    load_sources(large, [extra])
    with (
        TestClient(create_app(store=small, settings=ROOMY)) as small_client,
        TestClient(create_app(store=large, settings=ROOMY)) as large_client,
    ):
        small_trips = _round_trips(small, small_client, DEEP)
        large_trips = _round_trips(large, large_client, DEEP)
    # one query per level and loader; 41 drugs instead of 10 cost no extra round trip
    assert small_trips == large_trips
    assert small_trips <= 16


def test_a_list_costs_two_round_trips(bundled_store: Store, client: TestClient) -> None:
    query = "{ indications(first: 500) { totalCount nodes { label } } }"
    # the page query (which reads every match, so it gives the total too), then one query
    # describing the page's nodes; no count query.
    assert _round_trips(bundled_store, client, query) == 2


# --- hostile input ------------------------------------------------------------------------------

HOSTILE = [
    '"',
    "'",
    '"} UNION { ?s ?p ?o } #',
    "} UNION {",
    "\\",
    "\n\r\t",
    "a\u0000b",
    "') . ?s ?p ?o . FILTER('",
    "<http://example.org/x>",
    "?s",
    "$this",
    "ñ̃\u202e\U0001f600" * 10,
    "x" * 199,
    'MONDO:0004980" || true || "',
    ".*",
    "[",
]

STRING_ARGUMENTS = [
    "{{ indications(filter: {{drug: $v}}) {{ totalCount }} }}",
    "{{ indications(filter: {{condition: $v}}) {{ totalCount }} }}",
    "{{ indications(filter: {{grade: $v}}) {{ totalCount }} }}",
    "{{ indications(filter: {{gradeScheme: $v}}) {{ totalCount }} }}",
    "{{ indications(filter: {{source: $v}}) {{ totalCount }} }}",
    "{{ indications(filter: {{text: $v}}) {{ totalCount }} }}",
    "{{ pharmacogenomics(filter: {{gene: $v}}) {{ totalCount }} }}",
    "{{ search(text: $v) {{ totalCount }} }}",
    "{{ drug(key: $v) {{ label }} }}",
    "{{ condition(key: $v) {{ label }} }}",
    "{{ statistics(drug: $v) {{ byKind {{ count }} }} }}",
    "{{ claims(after: $v) {{ totalCount }} }}",
    "{{ node(id: $v) {{ id }} }}",
]


@pytest.mark.parametrize("template", STRING_ARGUMENTS)
def test_hostile_strings_never_change_a_query(
    client: TestClient, template: str, bundled_store: Store
) -> None:
    size = len(bundled_store)
    argument_type = "ID!" if "node(" in template else "String!"
    query = f"query($v: {argument_type}) " + template.format().replace("$v", "$v")
    for value in HOSTILE:
        response = client.post("/graphql", json={"query": query, "variables": {"v": value}})
        assert response.status_code == 200, (value, response.text)
        body = response.json()
        for error in body.get("errors", []):
            assert error["extensions"]["code"] == "BAD_USER_INPUT", (value, error)
        result = body.get("data") or {}
        for field in result.values():
            if isinstance(field, dict) and "totalCount" in field:
                assert field["totalCount"] == 0, (value, field)
            elif isinstance(field, dict) and "byKind" in field:
                assert field["byKind"] == [], (value, field)
            else:
                assert field is None, (value, field)
    assert len(bundled_store) == size


def test_too_long_text_is_bad_user_input(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        json={
            "query": "query($v: String!) { search(text: $v) { totalCount } }",
            "variables": {"v": "x" * 201},
        },
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_every_type_field_and_enum_value_is_described() -> None:
    from graphql import (  # noqa: PLC0415
        GraphQLEnumType,
        GraphQLInputObjectType,
        GraphQLInterfaceType,
        GraphQLObjectType,
    )

    missing = []
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in graphql_type.fields.items() if not field.description]
        if isinstance(graphql_type, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in graphql_type.values.items() if not value.description]
    assert missing == []
