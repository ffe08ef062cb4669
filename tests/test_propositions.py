"""Propositions and conflicts across sources: the bundled article and two small datasets beside it.

The datasets are written here, in Turtle, to say exactly what each test needs: one corroborates
the article's atopic dermatitis indication with a lower grade, one denies its Behçet's disease
indication, and the two disagree about lupus's licence in the UK.
"""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.graphql.context import Context
from api.graphql.schema import schema
from graph.claims import ClaimFilter
from graph.load import load_sources
from graph.propositions import conflicts, proposition_of, propositions
from graph.store import Store
from tests.conftest import ROOMY

ID = "https://w3id.org/evidence-graph/id/"
ARTICLE = ID + "source/dr-oracle-azathioprine-dermatology"

TWO_DATASETS = """
@prefix ev: <https://w3id.org/evidence-graph/ontology#> .
@prefix grade: <https://w3id.org/evidence-graph/grade/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix pav: <http://purl.org/pav/> .
@prefix drug: <https://w3id.org/evidence-graph/id/drug/> .
@prefix condition: <https://w3id.org/evidence-graph/id/condition/> .
@prefix claim: <https://w3id.org/evidence-graph/id/claim/> .
@prefix evidence: <https://w3id.org/evidence-graph/id/evidence/> .
@prefix source: <https://w3id.org/evidence-graph/id/source/> .

source:dataset-a a ev:SourceDocument ; dcterms:title "Dataset A" ; dcterms:modified "2016-03-15"^^xsd:date ;
    ev:sourceType ev:Dataset ; pav:version "1" ; dcterms:license <https://creativecommons.org/publicdomain/zero/1.0/> ;
    pav:retrievedFrom <https://example.org/a> .
source:dataset-b a ev:SourceDocument ; dcterms:title "Dataset B" ; dcterms:modified "2016-11-16"^^xsd:date ;
    ev:sourceType ev:Dataset ; pav:version "2" ; dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    pav:retrievedFrom <https://example.org/b> .

evidence:a-1 a ev:EvidenceItem ; ev:recordId "a-1" ; ev:recordValue "category: DM" .
evidence:a-2 a ev:EvidenceItem ; ev:recordId "a-2" ; ev:recordValue "category: NOT" .
evidence:a-3 a ev:EvidenceItem ; ev:recordId "a-3" ; ev:recordValue "licence: UK" .
evidence:b-1 a ev:EvidenceItem ; ev:recordId "b-1" ; ev:recordValue "licence: none in the UK" .

claim:a-atopic-dermatitis a ev:IndicationStatement ; rdfs:label "azathioprine for atopic dermatitis (A)" ;
    ev:drug drug:azathioprine ; ev:condition condition:atopic-dermatitis ; ev:evidence evidence:a-1 ;
    ev:evidenceGrade grade:bad-quality-II-ii ; prov:wasDerivedFrom source:dataset-a .
claim:a-behcets-disease a ev:IndicationStatement ; rdfs:label "azathioprine is not for Behcet's disease (A)" ;
    ev:drug drug:azathioprine ; ev:condition condition:behcets-disease ; ev:negated true ;
    ev:evidence evidence:a-2 ; prov:wasDerivedFrom source:dataset-a .
claim:a-lupus a ev:IndicationStatement ; rdfs:label "azathioprine for lupus (A)" ;
    ev:drug drug:azathioprine ; ev:condition condition:systemic-lupus-erythematosus ;
    ev:licensingStatus ev:Licensed ; ev:licensingJurisdiction ev:JurisdictionUKMHRA ;
    ev:evidence evidence:a-3 ; prov:wasDerivedFrom source:dataset-a .
claim:b-lupus a ev:IndicationStatement ; rdfs:label "azathioprine for lupus (B)" ;
    ev:drug drug:azathioprine ; ev:condition condition:systemic-lupus-erythematosus ;
    ev:licensingStatus ev:Unlicensed ; ev:licensingJurisdiction ev:JurisdictionUKMHRA ;
    ev:evidence evidence:b-1 ; prov:wasDerivedFrom source:dataset-b .
"""


@pytest.fixture
def sources(fresh_store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "two-datasets.ttl"
    path.write_text(TWO_DATASETS)
    result = load_sources(fresh_store, [path])
    assert result.report.conforms  # a conflict is a finding, never a violation
    disagreeing = sorted(
        w.focus_node.rsplit("/", 1)[1] for w in result.report.warnings if "Sources disagree" in w.message
    )
    # each conflict once: on the negated claim, the licensed one, the one graded higher
    assert disagreeing == ["a-behcets-disease", "a-lupus", "azathioprine-atopic-dermatitis-indication"]
    return fresh_store


def test_corroborated_propositions_have_every_source(sources: Store) -> None:
    corroborated = propositions(sources, ClaimFilter(drug="azathioprine"), min_sources=2)
    by_target = {p.targets: p for p in corroborated}
    assert set(by_target) == {
        (ID + "condition/atopic-dermatitis",),
        (ID + "condition/behcets-disease",),
        (ID + "condition/systemic-lupus-erythematosus",),
    }
    lupus = by_target[(ID + "condition/systemic-lupus-erythematosus",)]
    assert lupus.sources == (ID + "source/dataset-a", ID + "source/dataset-b", ARTICLE)
    assert len(lupus.claims) == 3
    assert propositions(sources, ClaimFilter(drug="azathioprine"), min_sources=4) == []
    # one source's claims alone are each corroborated by nobody
    alone = propositions(sources, ClaimFilter(drug="azathioprine", condition="psoriasis"))
    assert [len(p.sources) for p in alone] == [1] * len(alone)


def test_a_claims_proposition_holds_the_other_sources_claims(sources: Store) -> None:
    held = proposition_of(sources, ID + "claim/azathioprine-atopic-dermatitis-indication")
    assert held is not None
    assert set(held.claims) == {
        ID + "claim/azathioprine-atopic-dermatitis-indication",
        ID + "claim/a-atopic-dermatitis",
    }
    assert proposition_of(sources, ID + "claim/no-such-claim") is None


def test_conflicts_are_named_with_both_claims_and_sources(sources: Store) -> None:
    found = {
        (c.kind, c.proposition.targets[0].rsplit("/", 1)[1]): c for c in conflicts(sources, ClaimFilter())
    }
    assert set(found) == {
        ("NEGATION", "behcets-disease"),
        ("LICENSING", "systemic-lupus-erythematosus"),
        ("GRADE", "atopic-dermatitis"),
    }
    negation = found["NEGATION", "behcets-disease"]
    assert set(negation.claims) == {
        ID + "claim/a-behcets-disease",
        ID + "claim/azathioprine-behcets-disease-indication",
    }
    assert set(negation.sources) == {ID + "source/dataset-a", ARTICLE}
    licensing = found["LICENSING", "systemic-lupus-erythematosus"]
    assert set(licensing.sources) == {
        ID + "source/dataset-a",
        ID + "source/dataset-b",
    }  # not the article: its regulator is not stated
    assert (
        "4 and 2" in found["GRADE", "atopic-dermatitis"].detail
        or "2 and 4" in found["GRADE", "atopic-dermatitis"].detail
    )


def test_propositions_and_conflicts_in_graphql(sources: Store) -> None:
    with TestClient(create_app(store=sources, settings=ROOMY)) as client:

        def data(query: str) -> dict[str, Any]:
            body = client.post("/graphql", json={"query": query}).json()
            assert "errors" not in body, body["errors"]
            result: dict[str, Any] = body["data"]
            return result

        answer = data(
            """{ propositions(filter: {drug: "azathioprine", kind: INDICATION, minSources: 2}) {
                   totalCount nodes { sourceCount targets { label } sources { title } claims { label } } }
                 conflicts(filter: {conflict: NEGATION}) { totalCount nodes { kind detail
                   claims { label ... on IndicationStatement { negated } } sources { title } } }
                 indications(filter: {condition: "Behçet's disease", conditionExact: true}) { nodes {
                   label proposition { sourceCount } } } }"""
        )
        assert answer["propositions"]["totalCount"] == 3
        assert {n["sourceCount"] for n in answer["propositions"]["nodes"]} == {2, 3}
        (negation,) = answer["conflicts"]["nodes"]
        assert negation["kind"] == "NEGATION"
        assert sorted(c["negated"] for c in negation["claims"]) == [False, True]
        assert {s["title"] for s in negation["sources"]} == {"Dataset A", sources_title(sources)}
        assert {c["proposition"]["sourceCount"] for c in answer["indications"]["nodes"]} == {2}
        body = client.post(
            "/graphql", json={"query": "{ propositions(filter: {minSources: 0}) { totalCount } }"}
        ).json()
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def sources_title(store: Store) -> str:
    rows = store.select(f"SELECT ?t WHERE {{ <{ARTICLE}> <http://purl.org/dc/terms/title> ?t }}")
    return str(rows[0]["t"].value)  # type: ignore[union-attr]


def test_a_list_reads_its_claims_propositions_together(sources: Store) -> None:
    """Claim.proposition costs the same round trips for 3 claims as for every claim: no query a row."""

    def trips(first: int) -> tuple[int, list[Any]]:
        query = f"{{ claims(first: {first}) {{ nodes {{ iri proposition {{ sourceCount }} }} }} }}"
        before = sources.query_count
        result = asyncio.run(schema.execute(query, context_value=Context(sources, 60.0)))
        assert result.errors is None, result.errors
        assert result.data is not None
        return sources.query_count - before, result.data["claims"]["nodes"]

    few, _ = trips(3)
    many, nodes = trips(500)
    assert len(nodes) > 40
    assert many == few
    counts = {n["iri"].rsplit("/", 1)[1]: n["proposition"]["sourceCount"] for n in nodes}
    assert counts["azathioprine-systemic-lupus-erythematosus-indication"] == 3
    assert counts["azathioprine-psoriasis-indication"] == 1
