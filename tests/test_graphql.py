"""GraphQL over HTTP (TestClient) on the bundled content: queries, filters, pages, errors."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.load import load_sources
from graph.store import Store

GRADE_A_UNLICENSED = (
    '{ indications(filter: {licensed: false, grade: "A"}) { totalCount nodes { condition { label } '
    "grade { notation } references { title } } } }"
)


def gql(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def data(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    body = gql(client, query, **variables)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def count(client: TestClient, field: str, filter_text: str) -> int:
    result = data(client, f"{{ {field}(filter: {{{filter_text}}}) {{ totalCount nodes {{ id }} }} }}")[field]
    assert len(result["nodes"]) == result["totalCount"]
    total: int = result["totalCount"]
    return total


def test_grade_a_unlicensed_indications_with_references(client: TestClient) -> None:
    result = data(client, GRADE_A_UNLICENSED)["indications"]
    assert result["totalCount"] == 3
    conditions = {n["condition"]["label"].casefold() for n in result["nodes"]}
    assert conditions == {"atopic dermatitis", "chronic actinic dermatitis", "behçet's disease"}
    assert {n["grade"]["notation"] for n in result["nodes"]} == {"A"}
    for node in result["nodes"]:
        assert node["references"], node
    titles = {r["title"] for n in result["nodes"] for r in n["references"]}
    assert "Guideline Directed Topic Overview" in titles
    assert "Contraception Management in Behçet's Disease Patients on Azathioprine" in titles


def test_absolute_contraindications_of_azathioprine(client: TestClient) -> None:
    query = '{ contraindications(filter: {drug: "azathioprine", severity: ABSOLUTE}) { totalCount } }'
    assert data(client, query)["contraindications"]["totalCount"] == 5


@pytest.mark.parametrize(
    ("field", "filter_text", "expected"),
    [
        ("indications", "licensed: true", 3),
        ("indications", "licensed: false", 11),
        ("indications", 'grade: "C"', 5),
        ("indications", 'grade: "c", gradeScheme: "dr-oracle-evidence"', 5),
        ("indications", 'grade: "A", gradeScheme: "grade-certainty"', 0),
        ("indications", "minCertainty: HIGH", 3),
        ("indications", "minCertainty: MODERATE", 6),
        ("indications", "minCertainty: LOW", 11),
        ("indications", 'condition: "atopic eczema"', 1),
        ("indications", 'condition: "MONDO:0007191"', 1),
        ("indications", 'condition: "Vasculitis"', 2),  # its two narrower conditions
        ("indications", 'condition: "vasculitis", conditionExact: true', 0),
        ("claims", 'condition: "pemphigoid"', 2),  # bullous pemphigoid and pemphigoid itself
        ("claims", 'condition: "pemphigoid", conditionExact: true', 1),
        ("indications", "studyDesign: DOUBLE_BLIND_PLACEBO_CONTROLLED_TRIAL", 3),
        ("indications", "studyDesign: RANDOMIZED_CONTROLLED_TRIAL", 5),
        ("indications", 'drug: "RXNORM:1256", licensed: true', 3),
        ("indications", 'drug: "methotrexate"', 0),
        ("indications", 'text: "wegener"', 1),
        (
            "indications",
            'source: "What is the role of azathioprine in treating autoimmune and inflammatory '
            'skin conditions in dermatology?"',
            14,
        ),
        ("interactions", "negated: true", 2),
        ("interactions", "negated: false", 1),
        ("pharmacogenomics", 'gene: "TPMT"', 3),
        ("pharmacogenomics", 'gene: "HGNC:23063"', 1),
        ("contraindications", "severity: RELATIVE", 0),
        ("monitoring", 'text: "blood count"', 1),
    ],
)
def test_filters(client: TestClient, field: str, filter_text: str, expected: int) -> None:
    assert count(client, field, filter_text) == expected


def test_certainty_filter_follows_the_crosswalk(client: TestClient) -> None:
    query = """{ indications(filter: {minCertainty: MODERATE}) { nodes { grade { notation
                 closeMatches { notation scheme { iri } } } } } }"""
    nodes = data(client, query)["indications"]["nodes"]
    crosswalked = {m["notation"] for n in nodes for m in n["grade"]["closeMatches"]}
    assert crosswalked == {"high", "moderate"}


def test_every_kind_has_its_list(client: TestClient) -> None:
    expected = {
        "indications": 14,
        "contraindications": 5,
        "interactions": 3,
        "pharmacogenomics": 4,
        "monitoring": 1,
        "practicePoints": 5,
        "mechanisms": 3,
        "practicePatterns": 3,
        "claims": 38,
        "references": 5,
        "sources": 1,
    }
    query = "{ " + " ".join(f"{f} {{ totalCount }}" for f in expected) + " }"
    result = data(client, query)
    assert {f: result[f]["totalCount"] for f in expected} == expected


def test_pagination_is_stable_and_complete(client: TestClient) -> None:
    query = """query Page($after: String) { claims(first: 7, after: $after) {
                 totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor hasPreviousPage } } }"""
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = data(client, query, after=after)["claims"]
        seen += [e["node"]["id"] for e in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] == (pages > 0)
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] == 38
    assert pages == 6
    again = [e["node"]["id"] for e in data(client, query, after=None)["claims"]["edges"]]
    assert again == seen[:7]


def test_a_certainty_filter_names_the_crosswalks_it_followed_and_their_caveats(
    client: TestClient, bundled_store: Store
) -> None:
    body = gql(client, "{ indications(filter: {minCertainty: LOW}) { totalCount } }")
    (notice,) = body["extensions"]["notices"]
    assert (notice["filter"], notice["value"]) == ("minCertainty", "LOW")
    walks = {(w["scheme"], w["grade"]): w for w in notice["crosswalks"]}
    oracle = {("Dr.Oracle evidence levels", g) for g in "ABC"}
    assert oracle <= set(walks)
    assert {w["certainty"] for w in walks.values()} == {"high", "moderate", "low"}  # never very low
    assert walks["Dr.Oracle evidence levels", "C"]["certainty"] == "low"
    assert any("anecdotal evidence only" in n for n in walks["Dr.Oracle evidence levels", "C"]["notes"])
    high = gql(client, "{ indications(filter: {minCertainty: HIGH}) { totalCount } }")
    reaching_high = bundled_store.select(
        """SELECT ?scheme ?notation WHERE {
             ?grade skos:closeMatch|skos:broadMatch grade:grade-certainty-high ;
                    skos:notation ?notation ; skos:inScheme/skos:prefLabel ?scheme }"""
    )
    expected = {(r["scheme"].value, r["notation"].value) for r in reaching_high}  # type: ignore[union-attr]
    assert ("Dr.Oracle evidence levels", "A") in expected
    assert {(w["scheme"], w["grade"]) for w in high["extensions"]["notices"][0]["crosswalks"]} == expected
    assert "extensions" not in gql(client, '{ indications(filter: {grade: "A"}) { totalCount } }')


def test_curators_notes_on_grades_schemes_and_sources(client: TestClient) -> None:
    result = data(
        client,
        """{ gradingSchemes { label citation editorialNotes grades { notation editorialNotes } }
             sources { nodes { curationNotes sourceType version license retrievedFrom } } }""",
    )
    oracle = next(s for s in result["gradingSchemes"] if s["label"] == "Dr.Oracle evidence levels")
    assert oracle["citation"].startswith("Dr.Oracle.")
    assert any("Only the headings are taken from the source" in n for n in oracle["editorialNotes"])
    b = next(g for g in oracle["grades"] if g["notation"] == "B")
    assert any("The letter B is not printed in the source" in n for n in b["editorialNotes"])
    (source,) = result["sources"]["nodes"]
    assert any(n.startswith("Licensing: the source says") for n in source["curationNotes"])
    assert source["sourceType"] == "ARTICLE"
    assert source["version"] is None  # the article gives none, and none is invented


def test_backward_paging_walks_the_same_list_from_the_end(client: TestClient) -> None:
    forward = [
        e["node"]["id"]
        for e in data(client, "{ claims(first: 500) { edges { node { id } } } }")["claims"]["edges"]
    ]
    query = """query Page($before: String) { claims(last: 7, before: $before) {
                 totalCount edges { cursor node { id } }
                 pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
    seen: list[str] = []
    before = None
    while True:
        page = data(client, query, before=before)["claims"]
        seen = [e["node"]["id"] for e in page["edges"]] + seen
        assert page["pageInfo"]["hasNextPage"] == (before is not None)
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
        assert before == page["edges"][0]["cursor"]
    assert seen == forward
    assert len(seen) == page["totalCount"] == 38
    assert len(page["edges"]) == 38 % 7  # the last step back is the list's head


def test_first_and_last_together_and_cursors_both_sides(client: TestClient) -> None:
    ids = [
        e["node"]["id"]
        for e in data(client, "{ claims(first: 500) { edges { node { id } } } }")["claims"]["edges"]
    ]
    cursors = [
        e["cursor"] for e in data(client, "{ claims(first: 500) { edges { cursor } } }")["claims"]["edges"]
    ]
    between = data(
        client,
        "query($a: String, $b: String) { claims(after: $a, before: $b) { nodes { id } } }",
        a=cursors[3],
        b=cursors[9],
    )["claims"]["nodes"]
    assert [n["id"] for n in between] == ids[4:9]
    # Relay: after and before bound the list, then first takes its head and last the head's tail
    both = data(
        client, "query($a: String) { claims(after: $a, first: 6, last: 2) { nodes { id } } }", a=cursors[3]
    )
    assert [n["id"] for n in both["claims"]["nodes"]] == ids[8:10]
    assert data(client, "{ claims(last: 0) { totalCount nodes { id } } }")["claims"] == {
        "totalCount": 38,
        "nodes": [],
    }
    body = gql(client, "{ claims(last: 501) { totalCount } }")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"].startswith("last must be between 0 and 500")
    body = gql(client, '{ claims(before: "bm90LWEtY3Vyc29y") { totalCount } }')
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "before"}


def test_default_and_maximum_page_size(client: TestClient) -> None:
    assert len(data(client, "{ conditions { nodes { id } } }")["conditions"]["nodes"]) == 28
    body = gql(client, "{ claims(first: 501) { totalCount } }")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "500" in body["errors"][0]["message"]
    assert error_codes(gql(client, '{ claims(after: "bm90LWEtY3Vyc29y") { totalCount } }')) == [
        "BAD_USER_INPUT"
    ]


def test_node_by_global_id_round_trips(client: TestClient) -> None:
    drug = data(client, '{ drug(key: "azathioprine") { id iri label identifiers } }')["drug"]
    assert "RXNORM:1256" in drug["identifiers"]
    node = data(
        client, "query($id: ID!) { node(id: $id) { __typename id ... on Drug { label } } }", id=drug["id"]
    )
    assert node["node"] == {"__typename": "Drug", "id": drug["id"], "label": drug["label"]}
    assert error_codes(gql(client, '{ node(id: "not base64!") { id } }')) == ["BAD_USER_INPUT"]


def test_lookups_by_identifier_and_synonym(client: TestClient) -> None:
    result = data(
        client,
        """{ a: condition(key: "MONDO:0004980") { label altLabels }
             b: condition(key: "Behcet's disease") { label }
             c: drug(key: "DB00993") { label } d: drug(key: "no such drug") { label } }""",
    )
    assert result["a"]["label"].casefold() == "atopic dermatitis"
    assert "atopic eczema" in [a.casefold() for a in result["a"]["altLabels"]]
    assert result["b"]["label"] == "Behçet's disease"
    assert result["d"] is None


@pytest.mark.parametrize(
    ("text", "typename", "label"),
    [
        ("behcet", "Condition", "Behçet's disease"),
        ("BEHÇET", "Condition", "Behçet's disease"),
        ("Wegener", "IndicationStatement", None),
        ("tpmt", "Gene", None),
    ],
)
def test_search_ignores_case_and_accents(
    client: TestClient, text: str, typename: str, label: str | None
) -> None:
    query = "query($text: String!) { search(text: $text) { totalCount nodes { __typename label } } }"
    nodes = data(client, query, text=text)["search"]["nodes"]
    assert any(n["__typename"] == typename and (label is None or n["label"] == label) for n in nodes), nodes


def test_search_finds_the_vasculitis_claim(client: TestClient) -> None:
    query = '{ search(text: "wegener") { nodes { __typename ... on IndicationStatement { condition { label } section } } } }'
    claims = [n for n in data(client, query)["search"]["nodes"] if n["__typename"] == "IndicationStatement"]
    assert [c["condition"]["label"] for c in claims] == ["Wegener's granulomatosis"]


def test_inverse_fields(client: TestClient) -> None:
    result = data(
        client,
        """{ drug(key: "azathioprine") { contraindications { totalCount } interactions { totalCount }
               claims(kind: PHARMACOGENOMIC) { totalCount } indications(first: 2) { totalCount nodes { id } } }
             condition(key: "psoriasis") { indications { totalCount nodes { grade { notation } } } }
             references { nodes { citationNumber claims { totalCount } } } }""",
    )
    drug = result["drug"]
    assert drug["contraindications"]["totalCount"] == 5
    assert drug["interactions"]["totalCount"] == 3
    assert drug["claims"]["totalCount"] == 4
    assert drug["indications"]["totalCount"] == 14
    assert len(drug["indications"]["nodes"]) == 2
    assert result["condition"]["indications"]["nodes"] == [{"grade": {"notation": "C"}}]
    cited = {r["citationNumber"]: r["claims"]["totalCount"] for r in result["references"]["nodes"]}
    assert set(cited) == {1, 2, 3, 4, 5}
    assert all(n > 0 for n in cited.values())


def test_claim_details_evidence_and_figures(client: TestClient) -> None:
    query = """{ indications(filter: {condition: "dermatomyositis"}) { nodes {
                  licensingStatus licensed licensingJurisdiction grade { notation } kind drug { label }
                  source { title lastUpdated }
                  evidence { text citationMarkers studyDesigns comparators { label } combinedWith { label }
                             figures { printedValue quantityKind value minValue maxValue } } } } }"""
    (node,) = data(client, query)["indications"]["nodes"]
    assert node["licensingStatus"] == "LICENSED"
    assert node["licensed"] is True
    assert node["licensingJurisdiction"] == "NOT_STATED"
    assert node["grade"] is None
    assert node["kind"] == "INDICATION"
    assert node["source"]["lastUpdated"] == "2026-01-30"
    figures = {f["printedValue"]: f for e in node["evidence"] for f in e["figures"]}
    assert (figures["57-75%"]["minValue"], figures["57-75%"]["maxValue"]) == (57, 75)
    assert figures["P = 0.025"]["quantityKind"] == "P_VALUE"
    assert figures["P = 0.025"]["value"] == 0.025
    rct = [e for e in node["evidence"] if "RANDOMIZED_CONTROLLED_TRIAL" in e["studyDesigns"]]
    assert [e["citationMarkers"] for e in rct] == ["1"]
    assert "methotrexate" in {d["label"].casefold() for d in rct[0]["combinedWith"]}


def test_grading_schemes_and_crosswalks(client: TestClient) -> None:
    schemes = data(client, "{ gradingSchemes { iri axis grades { notation rank } } }")["gradingSchemes"]
    by_name = {s["iri"].rsplit("/", 1)[-1]: s for s in schemes}
    assert {"dr-oracle-evidence", "grade-certainty", "grade-strength"} <= set(by_name)
    assert [g["notation"] for g in by_name["grade-certainty"]["grades"]] == [
        "high",
        "moderate",
        "low",
        "very low",
    ]
    assert by_name["grade-strength"]["axis"] == "STRENGTH_OF_RECOMMENDATION"
    quality = data(client, "{ gradingSchemes(axis: QUALITY_OF_EVIDENCE) { iri } }")["gradingSchemes"]
    assert by_name["grade-strength"]["iri"] not in {s["iri"] for s in quality}


def test_statistics_by_grade_licensing_and_kind(client: TestClient) -> None:
    stats = data(
        client,
        '{ statistics(drug: "azathioprine") { byGrade { key scheme count } byLicensingStatus { key count } '
        "byKind { key count } } }",
    )["statistics"]
    assert {(g["scheme"], g["key"]): g["count"] for g in stats["byGrade"]} == {
        ("dr-oracle-evidence", "A"): 3,
        ("dr-oracle-evidence", "B"): 3,
        ("dr-oracle-evidence", "C"): 5,
    }
    assert {s["key"]: s["count"] for s in stats["byLicensingStatus"]} == {"LICENSED": 3, "UNLICENSED": 11}
    assert sum(k["count"] for k in stats["byKind"]) == 38


def test_graphql_errors_carry_codes(client: TestClient) -> None:
    assert error_codes(gql(client, "{ nope }")) == ["GRAPHQL_VALIDATION_FAILED"]
    deep = (
        "{ drugs { nodes { claims { nodes { references { claims { nodes { references { claims { nodes "
        "{ references { claims { nodes { label } } } } } } } } } } } } } }"
    )
    assert error_codes(gql(client, deep)) == ["QUERY_TOO_COMPLEX"]
    aliases = "{ " + " ".join(f"a{i}: drugs {{ totalCount }}" for i in range(40)) + " }"
    assert error_codes(gql(client, aliases)) == ["QUERY_TOO_COMPLEX"]


def test_timeout_is_a_graphql_error(bundled_store: Store) -> None:
    with TestClient(create_app(store=bundled_store, settings=Settings(graphql_timeout=0))) as slow:
        body = gql(slow, "{ indications { totalCount } }")
    assert error_codes(body) == ["TIMEOUT"]


def test_get_queries_and_graphql_response_media_type(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": "{ drugs { totalCount } }"})
    assert response.status_code == 200
    assert response.json()["data"]["drugs"]["totalCount"] == 10
    response = client.post(
        "/graphql",
        json={"query": "{ drugs { totalCount } }"},
        headers={"Accept": "application/graphql-response+json"},
    )
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert response.json()["data"]["drugs"]["totalCount"] == 10
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_request_errors_are_400_with_the_graphql_response_media_type(client: TestClient) -> None:
    response = client.post(
        "/graphql", json={"query": "{ nope }"}, headers={"Accept": "application/graphql-response+json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    plain = client.post("/graphql", json={"query": "{ nope }"})
    assert plain.status_code == 200
    assert plain.headers["content-type"].startswith("application/json")


def test_reference_claims_are_claims_only(client: TestClient) -> None:
    # regression: evidence items cite references too, and used to leak into Reference.claims
    result = data(
        client, "{ references { nodes { citationNumber claims(first: 500) { nodes { __typename kind } } } } }"
    )
    kinds = {n["__typename"] for r in result["references"]["nodes"] for n in r["claims"]["nodes"]}
    assert "EvidenceItem" not in kinds
    assert kinds >= {"IndicationStatement", "ContraindicationStatement", "PracticePatternStatement"}


def test_a_filter_name_that_names_nothing_gets_a_notice(client: TestClient) -> None:
    """An empty list because of a typo says so, in extensions.notices; the answer is no error."""
    response = client.post(
        "/graphql",
        json={"query": '{ claims(filter: {drug: "azathioprin", source: "no such source"}) { totalCount } }'},
    )
    body = response.json()
    assert response.status_code == 200
    assert "errors" not in body
    assert body["data"] == {"claims": {"totalCount": 0}}
    assert body["extensions"]["notices"] == [
        {
            "message": "No drug is named 'azathioprin'; closest: azathioprine.",
            "filter": "drug",
            "value": "azathioprin",
            "closest": ["azathioprine"],
        },
        {
            "message": "No source is named 'no such source'.",
            "filter": "source",
            "value": "no such source",
            "closest": [],
        },
    ]
    found = client.post(
        "/graphql", json={"query": '{ claims(filter: {drug: "azathioprine"}) { totalCount } }'}
    )
    assert "extensions" not in found.json() or "notices" not in found.json()["extensions"]
    named_but_empty = client.post(
        "/graphql",
        json={
            "query": '{ indications(filter: {drug: "azathioprine", condition: "pancytopenia"}) { totalCount } }'
        },
    )
    assert named_but_empty.json()["data"]["indications"]["totalCount"] == 0
    assert "notices" not in named_but_empty.json().get("extensions", {})


def test_interactions_filtered_by_interactant(client: TestClient) -> None:
    found = data(
        client,
        '{ interactions(filter: {interactant: "allopurinol"}) { totalCount nodes { interactant { label } } } }',
    )
    assert found["interactions"] == {"totalCount": 1, "nodes": [{"interactant": {"label": "allopurinol"}}]}
    every = data(client, "{ interactions { totalCount } }")["interactions"]["totalCount"]
    assert every > 1


def test_grades_are_filtered_by_notation_or_label(client: TestClient) -> None:
    """The grade printed as B in the source's scale is found by its label too, in any case."""
    query = "query($g: String!) { indications(filter: {grade: $g}) { totalCount } }"
    by_notation = data(client, query, g="B")["indications"]["totalCount"]
    assert by_notation > 0
    assert data(client, query, g="moderate evidence")["indications"]["totalCount"] == by_notation
    assert data(client, query, g="Moderate")["indications"]["totalCount"] == 0


def test_a_key_two_nodes_carry_is_an_error_naming_both(fresh_store: Store, tmp_path: Any) -> None:
    twins = tmp_path / "twins.ttl"
    twins.write_text(
        "@prefix ev: <https://w3id.org/evidence-graph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/evidence-graph/id/condition/ra-1> a ev:Condition ; rdfs:label "Rheumatoid arthritis" ;\n'
        '    ev:identifier "UMLS:C0003873" .\n'
        '<https://w3id.org/evidence-graph/id/condition/ra-2> a ev:Condition ; rdfs:label "RA" ;\n'
        '    ev:identifier "UMLS:C0003873" .\n'
    )
    load_sources(fresh_store, [twins])
    with TestClient(create_app(store=fresh_store)) as client:
        body = gql(client, '{ condition(key: "UMLS:C0003873") { label } }')
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["candidates"] == [
            "https://w3id.org/evidence-graph/id/condition/ra-1",
            "https://w3id.org/evidence-graph/id/condition/ra-2",
        ]
        assert "ra-1" in error["message"]
        assert "ra-2" in error["message"]
        one = data(
            client, '{ condition(key: "https://w3id.org/evidence-graph/id/condition/ra-2") { label } }'
        )
        assert one["condition"]["label"] == "RA"  # an IRI names one
