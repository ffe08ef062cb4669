"""The FHIR R5 export: every resource validates with fhir.resources, and says what the graph says."""

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from fhir.resources import get_fhir_model_class
from fhir.resources.bundle import Bundle
from pydantic import ValidationError

from graph.fhir import fhir_bundle
from graph.fhir_codes import CLINICAL_USE_TYPES, EXTENSION_BASE
from graph.fhir_resources import EXPORTED_TYPES
from graph.load import read_sources
from graph.paths import ontology_files
from graph.store import EvidenceStore, Store, text

JSON = dict[str, Any]
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
LICENSING = EXTENSION_BASE + "licensing"
NEGATED = EXTENSION_BASE + "negated"
SEVERITY = EXTENSION_BASE + "contraindication-severity"
CERTAINTY = EXTENSION_BASE + "certainty-of-evidence"
RELATED_ARTIFACT = "http://hl7.org/fhir/StructureDefinition/artifact-relatedArtifact"
MONDO = "http://purl.obolibrary.org/obo/mondo.owl"
ICD10 = "http://hl7.org/fhir/sid/icd-10"


@pytest.fixture(scope="module")
def bundle(bundled_store: Store) -> JSON:
    return fhir_bundle(bundled_store)


def resources(bundle: JSON, resource_type: str) -> list[JSON]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]


def by_url(bundle: JSON) -> dict[str, JSON]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def references(value: object) -> Iterator[str]:
    """Every Reference.reference in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def dangling(bundle: JSON) -> set[str]:
    """References that no entry of the bundle answers."""
    return set(references(bundle["entry"])) - set(by_url(bundle))


def empty(value: object, path: str = "") -> Iterator[str]:
    """Paths of empty objects, arrays and strings, which FHIR JSON does not allow."""
    if value in ({}, [], ""):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from empty(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from empty(item, f"{path}[{i}]")


def invalid(bundle: JSON) -> list[str]:
    """What fhir.resources and the FHIR id and binding rules refuse in a bundle, one line each."""
    problems = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        try:
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        except ValidationError as error:
            problems.append(f"{entry['fullUrl']}: {error}")
        if not FHIR_ID.fullmatch(resource.get("id", "")):
            problems.append(f"{entry['fullUrl']}: id {resource.get('id')!r}")
        problems += [f"{entry['fullUrl']}: empty {path}" for path in empty(resource)]
        if resource["resourceType"] == "ClinicalUseDefinition" and resource["type"] not in CLINICAL_USE_TYPES:
            problems.append(f"{entry['fullUrl']}: type {resource['type']!r}")
    try:
        Bundle.model_validate(bundle)
    except ValidationError as error:
        problems.append(f"bundle: {error}")
    return problems


def extension(element: JSON, url: str) -> JSON | None:
    return next((e for e in element.get("extension", []) if e["url"] == url), None)


def licensing(use: JSON) -> dict[str, str]:
    found = extension(use["indication"], LICENSING)
    if found is None:
        return {}
    return {e["url"]: e["valueCodeableConcept"]["coding"][0]["code"] for e in found["extension"]}


def grade_codes(bundle: JSON, use: JSON) -> set[tuple[str, str]]:
    """The (system, code) pairs of the ratings of a ClinicalUseDefinition's ArtifactAssessment."""
    link = extension(use, CERTAINTY)
    if link is None:
        return set()
    assessment = by_url(bundle)[link["valueReference"]["reference"]]
    return {
        (coding["system"], coding["code"])
        for content in assessment["content"]
        for concept in content["classifier"]
        for coding in concept["coding"]
    }


def cited(bundle: JSON, use: JSON) -> list[JSON]:
    urls = by_url(bundle)
    return [
        urls[e["valueRelatedArtifact"]["resourceReference"]["reference"]]
        for e in use.get("extension", [])
        if e["url"] == RELATED_ARTIFACT
    ]


def test_every_resource_validates_and_every_reference_resolves(bundle: JSON) -> None:
    assert invalid(bundle) == []
    assert dangling(bundle) == set()
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))
    assert {r["resourceType"] for e in bundle["entry"] for r in [e["resource"]]} == {
        "ClinicalUseDefinition",
        "ArtifactAssessment",
        "Citation",
        "Medication",
    }


def test_the_checks_can_fail(bundle: JSON) -> None:
    use = dict(resources(bundle, "ClinicalUseDefinition")[0])
    model = get_fhir_model_class("ClinicalUseDefinition")
    with pytest.raises(ValidationError):
        model.model_validate({**use, "id": "claim/with a slash"})
    with pytest.raises(ValidationError):
        model.model_validate({k: v for k, v in use.items() if k != "type"})  # type is required
    with pytest.raises(ValidationError):
        model.model_validate({**use, "subject": "azathioprine"})  # a Reference, not a string
    citation = resources(bundle, "Citation")[0]
    with pytest.raises(ValidationError):
        get_fhir_model_class("Citation").model_validate({k: v for k, v in citation.items() if k != "status"})
    broken = {**bundle, "entry": [{**bundle["entry"][0], "resource": {**use, "type": "indications"}}]}
    assert len(invalid(broken)) == 1  # not a clinical-use-definition-type code
    hollow = {**bundle, "entry": [{**bundle["entry"][0], "resource": {**use, "category": []}}]}
    assert len(invalid(hollow)) == 1  # an empty array
    alone = {**bundle, "entry": [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Medication"]}
    assert "https://w3id.org/evidence-graph/id/drug/azathioprine" in dangling(alone)


def test_counts_per_type_match_the_live_claims(bundled_store: Store, bundle: JSON) -> None:
    rows = bundled_store.select(
        """SELECT ?fhir (COUNT(DISTINCT ?claim) AS ?n) WHERE {
             ?kind rdfs:subClassOf ev:ClinicalStatement ; skos:closeMatch|skos:broadMatch ?fhir .
             FILTER(STRSTARTS(STR(?fhir), "http://hl7.org/fhir/clinical-use-definition-type#"))
             ?claim a ?kind .
             FILTER NOT EXISTS { ?claim prov:invalidatedAtTime ?retracted }
           } GROUP BY ?fhir"""
    )
    expected = {text(r["fhir"]).rpartition("#")[2]: int(text(r["n"])) for r in rows}
    found = Counter(r["type"] for r in resources(bundle, "ClinicalUseDefinition"))
    assert found == expected
    assert set(found) == {"indication", "contraindication", "interaction", "warning"}
    assert set(EXPORTED_TYPES) <= set(CLINICAL_USE_TYPES)


def test_mechanisms_and_practice_patterns_are_left_out(bundle: JSON) -> None:
    categories = {
        c["coding"][0]["code"] for r in resources(bundle, "ClinicalUseDefinition") for c in r["category"]
    }
    assert "MechanismStatement" not in categories
    assert "PracticePatternStatement" not in categories
    assert {"PharmacogenomicStatement", "MonitoringStatement", "PracticePointStatement"} <= categories


def test_grade_a_unlicensed_indications_with_conditions_and_citations(
    bundled_store: Store, bundle: JSON
) -> None:
    rows = bundled_store.select(
        """SELECT ?label WHERE {
             ?c a ev:IndicationStatement ; ev:licensingStatus ev:Unlicensed ;
                ev:evidenceGrade grade:dr-oracle-A ; ev:condition/rdfs:label ?label }"""
    )
    expected = {text(r["label"]) for r in rows}
    assert expected == {"Atopic dermatitis", "Chronic actinic dermatitis", "Behçet's disease"}
    grade_a = "https://w3id.org/evidence-graph/grade/dr-oracle-evidence", "A"
    found = {
        use["indication"]["diseaseSymptomProcedure"]["concept"]["text"]: use
        for use in resources(bundle, "ClinicalUseDefinition")
        if use["type"] == "indication"
        and licensing(use).get("status") == "UNLICENSED"
        and grade_a in grade_codes(bundle, use)
    }
    assert set(found) == expected
    for use in found.values():
        assert ("http://terminology.hl7.org/CodeSystem/certainty-rating", "high") in grade_codes(bundle, use)
        assert licensing(use)["jurisdiction"] == "NOT_STATED"
    atopic = found["Atopic dermatitis"]["indication"]["diseaseSymptomProcedure"]["concept"]["coding"]
    assert {(c["system"], c["code"]) for c in atopic} == {(MONDO, "MONDO:0004980"), (ICD10, "L20.9")}
    behcet = found["Behçet's disease"]["indication"]["diseaseSymptomProcedure"]["concept"]["coding"]
    assert {(c["system"], c["code"]) for c in behcet} == {(MONDO, "MONDO:0007191"), (ICD10, "M35.2")}
    assert [c["title"] for c in cited(bundle, found["Behçet's disease"])] == [
        "Guideline Directed Topic Overview",
        "Contraception Management in Behçet's Disease Patients on Azathioprine",
    ]
    unnamed = cited(bundle, found["Atopic dermatitis"])[1]
    assert unnamed["title"].startswith("Reference 3 of ")
    assert "does not name it" in unnamed["citedArtifact"]["note"][0]["text"]


def test_licensed_indications_carry_no_grade(bundle: JSON) -> None:
    licensed = [
        use
        for use in resources(bundle, "ClinicalUseDefinition")
        if use["type"] == "indication" and licensing(use).get("status") == "LICENSED"
    ]
    assert {u["indication"]["diseaseSymptomProcedure"]["concept"]["text"] for u in licensed} == {
        "Systemic lupus erythematosus",
        "Dermatomyositis",
        "Pemphigus vulgaris",
    }
    assert all(extension(u, CERTAINTY) is None for u in licensed)


def severity(use: JSON) -> str | None:
    found = extension(use["contraindication"], SEVERITY)
    return None if found is None else found["valueCodeableConcept"]["coding"][0]["code"]


def test_absolute_contraindications(bundle: JSON) -> None:
    absolute = [
        use["contraindication"]
        for use in resources(bundle, "ClinicalUseDefinition")
        if use["type"] == "contraindication" and severity(use) == "ABSOLUTE"
    ]
    conditions = {
        c["diseaseSymptomProcedure"]["concept"]["text"] for c in absolute if "diseaseSymptomProcedure" in c
    }
    assert conditions == {
        "Pregnancy",
        "Breastfeeding",
        "Known hypersensitivity to azathioprine or 6-mercaptopurine",
        "Active malignancy",
    }
    (with_allopurinol,) = [c for c in absolute if "otherTherapy" in c]
    (therapy,) = with_allopurinol["otherTherapy"]
    assert therapy["relationshipType"]["coding"][0]["code"] == "contraindicated-only-with"
    assert therapy["treatment"]["reference"]["display"] == "allopurinol"


def test_documented_absences_of_interaction_are_kept_and_flagged(bundled_store: Store, bundle: JSON) -> None:
    rows = bundled_store.select(
        "SELECT ?c WHERE { ?c a ev:InteractionStatement ; ev:negated true ; ev:interactant/rdfs:label ?x }"
    )
    negated = [
        use
        for use in resources(bundle, "ClinicalUseDefinition")
        if {"url": NEGATED, "valueBoolean": True} in use.get("modifierExtension", [])
    ]
    assert len(negated) == len(rows) == 2
    assert {u["interaction"]["interactant"][0]["itemReference"]["display"] for u in negated} == {
        "levonorgestrel",
        "ethinyl estradiol",
    }
    assert all("does not hold" in u["text"]["div"] for u in negated)
    (allopurinol,) = [
        u
        for u in resources(bundle, "ClinicalUseDefinition")
        if u["type"] == "interaction" and u not in negated
    ]
    assert "modifierExtension" not in allopurinol
    assert allopurinol["interaction"]["effect"]["concept"]["text"] == "severe myelosuppression"


def test_pharmacogenomic_rules_name_tpmt_and_nudt15(bundle: JSON) -> None:
    warnings = [
        use["warning"]["description"]
        for use in resources(bundle, "ClinicalUseDefinition")
        if use["category"][0]["coding"][0]["code"] == "PharmacogenomicStatement"
    ]
    assert len(warnings) == 4
    assert sum("gene: TPMT (HGNC:12014" in w for w in warnings) == 3
    assert sum("gene: NUDT15 (HGNC:23063)" in w for w in warnings) == 1
    assert any("actions: avoid drug" in w.lower() for w in warnings)


def test_reference_5_citation(bundle: JSON) -> None:
    citation = by_url(bundle)["https://w3id.org/evidence-graph/id/reference/dr-oracle-azathioprine-5"]
    artifact = citation["citedArtifact"]
    entries = artifact["contributorship"]["entry"]
    assert [(e["rankingOrder"], e["contributor"]["display"]) for e in entries] == [
        (1, "Tan BB"),
        (2, "Lear JT"),
        (3, "Gawkrodger DJ"),
        (4, "English JSC"),
    ]
    (form,) = artifact["publicationForm"]
    assert form["publishedIn"]["title"] == "The British journal of dermatology"
    assert (form["volume"], form["issue"], form["firstPage"], form["lastPage"]) == ("136", "3", "351", "355")
    assert form["publicationDateText"] == "1997"
    assert (
        artifact["title"][0]["text"]
        == "Azathioprine in dermatology: a survey of current practice in the U.K."
    )


def test_azathioprine_is_a_medication_with_its_codes(bundle: JSON) -> None:
    drug = by_url(bundle)["https://w3id.org/evidence-graph/id/drug/azathioprine"]
    assert drug["id"] == "drug.azathioprine"
    codes = {(c["system"], c["code"]) for c in drug["code"]["coding"]}
    assert codes == {
        ("http://www.nlm.nih.gov/research/umls/rxnorm", "1256"),
        ("http://www.whocc.no/atc", "L04AX01"),
        ("https://go.drugbank.com/drugs", "DB00993"),
        ("http://fdasis.nlm.nih.gov", "MRK240IY2L"),
        ("http://snomed.info/sct", "372574004"),
    }


def test_one_drug_or_one_source_and_a_bounded_number_of_queries(bundled_store: Store, bundle: JSON) -> None:
    before = bundled_store.query_count
    by_drug = fhir_bundle(bundled_store, drug="azathioprine")
    assert bundled_store.query_count - before <= 2  # find the claims, describe them: not one per claim
    assert by_drug == bundle
    by_source = fhir_bundle(
        bundled_store, source="https://w3id.org/evidence-graph/id/source/dr-oracle-azathioprine-dermatology"
    )
    assert by_source == bundle
    assert fhir_bundle(bundled_store, drug="no such drug") == {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [],
    }


CLAIM = """
@prefix ev: <https://w3id.org/evidence-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://w3id.org/evidence-graph/id/claim/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ev:JurisdictionUKMHRA skos:inScheme ev:JurisdictionScheme ; skos:notation "UK_MHRA" ;
    skos:prefLabel "United Kingdom (MHRA)"@en .
ex:no-status a ev:IndicationStatement ; rdfs:label "no licensing status" ;
    ev:drug <https://w3id.org/evidence-graph/id/drug/x> ; ev:condition <https://w3id.org/evidence-graph/id/condition/y> .
ex:uk a ev:IndicationStatement ; rdfs:label "licensed in the UK" ; ev:licensingStatus ev:Licensed ;
    ev:licensingJurisdiction ev:JurisdictionUKMHRA ;
    ev:drug <https://w3id.org/evidence-graph/id/drug/x> ; ev:condition <https://w3id.org/evidence-graph/id/condition/y> .
"""


def test_licensing_is_stated_only_where_the_source_states_it() -> None:
    store = EvidenceStore()
    store.add_quads(read_sources(ontology_files()).quads())
    graph = ox.NamedNode("https://w3id.org/evidence-graph/graph/test")
    store.add_quads(
        ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(CLAIM, format=ox.RdfFormat.TURTLE)
    )
    bundle = fhir_bundle(store)
    assert invalid(bundle) == []
    uses = {u["text"]["div"]: u for u in resources(bundle, "ClinicalUseDefinition")}
    (unstated,) = [u for d, u in uses.items() if "no licensing status" in d]
    assert licensing(unstated) == {}
    (uk,) = [u for d, u in uses.items() if "licensed in the UK" in d]
    assert licensing(uk) == {"status": "LICENSED", "jurisdiction": "UK_MHRA"}


def test_search_over_http(client: TestClient, bundled_store: Store) -> None:
    rows = bundled_store.select("SELECT (COUNT(?c) AS ?n) WHERE { ?c a ev:IndicationStatement }")
    indications = int(text(rows[0]["n"]))
    answer = client.get(
        "/fhir/ClinicalUseDefinition", params={"subject": "azathioprine", "type": "indication"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/fhir+json")
    body = answer.json()
    assert invalid(body) == []
    assert (body["type"], body["total"]) == ("searchset", indications)
    matches = [e for e in body["entry"] if e["search"]["mode"] == "match"]
    assert len(matches) == indications
    assert {e["resource"]["type"] for e in matches} == {"indication"}
    assert dangling(body) == set()
    same = client.get(
        "/fhir/ClinicalUseDefinition?subject=Medication/drug.azathioprine&type=indication"
    ).json()
    assert same["total"] == indications


def test_search_pages(client: TestClient) -> None:
    first = client.get(
        "/fhir/ClinicalUseDefinition", params={"type": "contraindication", "_count": "2"}
    ).json()
    assert first["total"] == 5
    page = [e["fullUrl"] for e in first["entry"] if e["search"]["mode"] == "match"]
    assert len(page) == 2
    (following,) = [link["url"] for link in first["link"] if link["relation"] == "next"]
    second = client.get(following).json()
    assert not {e["fullUrl"] for e in second["entry"] if e["search"]["mode"] == "match"} & set(page)
    counted = client.get("/fhir/ClinicalUseDefinition", params={"_count": "0"}).json()
    assert counted["total"] > 0
    assert counted["entry"] == []


def test_unknown_drug_is_an_empty_bundle(client: TestClient) -> None:
    answer = client.get("/fhir/ClinicalUseDefinition", params={"subject": "no such drug"})
    assert answer.status_code == 200
    assert (answer.json()["total"], answer.json()["entry"]) == (0, [])


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("type=indications", "type 'indications' is not a clinical-use-definition-type code"),
        ("subject=azathioprine&subject=allopurinol", "'subject' is given more than once"),
        ("code=indication", "unknown search parameter 'code'"),
        ("subject=", "subject is empty"),
        ("_count=501", "_count must be a whole number from 0 to 500"),
        ("_count=-1", "_count must be a whole number"),
        ("_offset=x", "_offset must be a whole number"),
        ("_format=xml", "_format 'xml' is not served"),
    ],
)
def test_bad_parameters_are_400_with_an_operation_outcome(client: TestClient, query: str, said: str) -> None:
    answer = client.get(f"/fhir/ClinicalUseDefinition?{query}")
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/fhir+json")
    body = answer.json()
    get_fhir_model_class("OperationOutcome").model_validate(body)
    assert said in body["issue"][0]["diagnostics"]


def test_capability_statement(client: TestClient) -> None:
    answer = client.get("/fhir/metadata")
    assert answer.status_code == 200
    statement = answer.json()
    get_fhir_model_class("CapabilityStatement").model_validate(statement)
    assert statement["fhirVersion"] == "5.0.0"
    assert statement["rest"][0]["resource"][0]["type"] == "ClinicalUseDefinition"
