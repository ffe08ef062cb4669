"""The gap report: graph.gaps, `evidence-graph gaps` (formats, --fail-on) and GraphQL `gaps`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph.claims import ClaimFilter, matching_claims
from graph.gaps import GAP_KINDS, gap_report
from graph.load import bundled_files, load_sources
from graph.store import EvidenceStore, Store

CLI = str(Path(sys.executable).parent / "evidence-graph")
REF = "https://w3id.org/evidence-graph/id/reference/dr-oracle-azathioprine-"
SEED = "https://w3id.org/evidence-graph/id/source/dr-oracle-azathioprine-dermatology"
OTHER = "https://w3id.org/evidence-graph/id/source/other-review"
GRADE = "https://w3id.org/evidence-graph/grade/"

# A second source that disagrees with the seed (a negated atopic dermatitis indication) and
# leaves gaps of its own: a claim without references, markers without references, an unused
# passage, a reference without a year, a condition without an identifier that no claim uses.
SECOND_SOURCE = """
@prefix ev: <https://w3id.org/evidence-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix drug: <https://w3id.org/evidence-graph/id/drug/> .
@prefix condition: <https://w3id.org/evidence-graph/id/condition/> .
@prefix claim: <https://w3id.org/evidence-graph/id/claim/> .
@prefix evidence: <https://w3id.org/evidence-graph/id/evidence/> .
@prefix ref: <https://w3id.org/evidence-graph/id/reference/> .
@prefix source: <https://w3id.org/evidence-graph/id/source/> .

source:other-review a ev:SourceDocument ;
    dcterms:title "Another review" ;
    dcterms:modified "2025-01-01"^^xsd:date ;
    dcterms:hasPart ref:other-review-1 .

ref:other-review-1 a ev:Reference ;
    ev:citationNumber 1 ;
    dcterms:isPartOf source:other-review ;
    dcterms:title "A trial without a year" .

claim:other-review-atopic-dermatitis a ev:IndicationStatement ;
    rdfs:label "Azathioprine is not an indication for atopic dermatitis" ;
    ev:drug drug:azathioprine ;
    ev:condition condition:atopic-dermatitis ;
    ev:negated true ;
    ev:section "Indications" ;
    ev:evidence evidence:other-review-atopic-dermatitis ;
    prov:wasDerivedFrom source:other-review .

evidence:other-review-atopic-dermatitis a ev:EvidenceItem ;
    ev:text "Not recommended for atopic dermatitis." ;
    ev:citationMarkers "7" .

evidence:other-review-orphan a ev:EvidenceItem ;
    ev:text "A passage no claim uses." .

condition:other-review-unnamed a ev:Condition ;
    rdfs:label "a condition without an identifier" .
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def second_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gaps") / "other-review.ttl"
    path.write_text(SECOND_SOURCE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def two_sources(second_source: Path) -> EvidenceStore:
    evidence = EvidenceStore()
    load_sources(evidence, [*bundled_files(), second_source])
    return evidence


def test_seed_gaps_in_a_bounded_number_of_queries(bundled_store: Store) -> None:
    before = bundled_store.query_count
    report = gap_report(bundled_store)
    assert bundled_store.query_count - before <= 8
    by_kind = {kind: [g for g in report.gaps if g.kind == kind] for kind in GAP_KINDS}
    unresolved = by_kind["UNRESOLVED_REFERENCE"]
    assert [g.iri for g in unresolved] == [REF + "2", REF + "3"]
    assert [g.label for g in unresolved] == ["Reference 2", "Reference 3"]
    assert all(g.sources == (SEED,) and g.notes for g in unresolved)
    graded_b = matching_claims(bundled_store, ClaimFilter(grade="B", grade_scheme="dr-oracle-evidence"))
    assert len(graded_b) == 3
    assert sorted(g.iri for g in by_kind["INFERRED_GRADE"]) == sorted(graded_b)
    assert all("Grade B inferred" in g.detail for g in by_kind["INFERRED_GRADE"])
    crosswalks = {g.iri: g for g in by_kind["CURATOR_CROSSWALK"]}
    assert sorted(crosswalks) == [GRADE + "dr-oracle-A", GRADE + "dr-oracle-B", GRADE + "dr-oracle-C"]
    assert crosswalks[GRADE + "dr-oracle-C"].related == (GRADE + "grade-certainty-low",)
    assert any("anecdotal evidence" in note for note in crosswalks[GRADE + "dr-oracle-C"].notes)
    assert all("curators' mapping" in g.detail for g in crosswalks.values())
    assert by_kind["CONFLICT"] == by_kind["CLAIM_WITHOUT_REFERENCE"] == by_kind["UNUSED_EVIDENCE"] == []
    missing = {g.label for g in by_kind["MISSING_IDENTIFIER"]}
    assert {"allopurinol", "Pregnancy"} <= missing
    assert not missing & {"azathioprine", "Atopic dermatitis", "TPMT"}
    assert [(s.iri, s.total) for s in report.sources] == [(SEED, len([g for g in report.gaps if g.sources]))]


def test_every_kind_of_gap_and_the_sources_it_concerns(two_sources: EvidenceStore) -> None:
    report = gap_report(two_sources)
    mine = [g for g in report.gaps if OTHER in g.sources]
    assert sorted((g.kind, g.iri.rsplit("/", 1)[1]) for g in mine) == [
        ("CLAIM_WITHOUT_REFERENCE", "other-review-atopic-dermatitis"),
        ("CONFLICT", "azathioprine-atopic-dermatitis-indication"),
        ("INCOMPLETE_REFERENCE", "other-review-1"),
        ("UNCITED_MARKERS", "other-review-atopic-dermatitis"),
        ("UNUSED_EVIDENCE", "other-review-orphan"),
    ]
    (conflict,) = (g for g in mine if g.kind == "CONFLICT")
    assert conflict.sources == (SEED, OTHER)
    assert conflict.label == "Negation: azathioprine / Atopic dermatitis"
    assert conflict.related == ("https://w3id.org/evidence-graph/id/claim/other-review-atopic-dermatitis",)
    (incomplete,) = (g for g in mine if g.kind == "INCOMPLETE_REFERENCE")
    assert incomplete.detail == "Reference without a year."
    unnamed = next(g for g in report.gaps if g.label == "a condition without an identifier")
    assert (unnamed.kind, unnamed.sources) == ("MISSING_IDENTIFIER", ())
    counts = {s.iri: s.counts for s in report.sources}
    assert counts[OTHER]["CONFLICT"] == counts[SEED]["CONFLICT"] == 1
    one = gap_report(two_sources, OTHER)
    assert one.gaps == tuple(mine)
    assert [s.iri for s in one.sources] == [OTHER]
    assert one.sources[0].total == len(mine) == 5


def test_cli_gaps_formats(two_sources: EvidenceStore) -> None:
    result = run("gaps", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {c["kind"]: c["count"] for c in report["counts"]}["UNRESOLVED_REFERENCE"] == 2
    assert report["sources"][0]["iri"] == SEED
    text = run("gaps").stdout
    assert text.splitlines()[0].startswith(
        f"{report['total']} gap(s): UNRESOLVED_REFERENCE 2, INFERRED_GRADE 3"
    )
    assert "  Reference 2  ref:dr-oracle-azathioprine-2" in text
    markdown = run("gaps", "--format", "markdown", "--source", SEED).stdout
    assert markdown.startswith("# Gap report\n")
    assert "## CURATOR_CROSSWALK (3)" in markdown


def test_cli_fail_on_exit_codes(tmp_path: Path, second_source: Path) -> None:
    failing = run("gaps", "--fail-on", "unresolved-reference,conflict", "--format", "json")
    assert failing.returncode == 1
    assert json.loads(failing.stdout)["total"] > 0  # the report is printed all the same
    assert "UNRESOLVED_REFERENCE" in failing.stderr
    assert run("gaps", "--fail-on", "CONFLICT,UNUSED_EVIDENCE").returncode == 0
    unknown = run("gaps", "--fail-on", "CONFLICT,TYPO")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error: --fail-on: unknown kind(s) TYPO; known: UNRESOLVED_REFERENCE")
    nowhere = run("gaps", "--source", "no such source")
    assert (nowhere.returncode, nowhere.stderr) == (
        2,
        "error: --source: no source is named 'no such source'\n",
    )
    store = str(tmp_path / "store")
    assert (
        run("load", str(second_source), "--store", store).returncode == 0  # beside the bundled content
    )
    assert run("gaps", "--store", store, "--fail-on", "CONFLICT").returncode == 1
    assert (
        run("gaps", "--store", store, "--source", "Another review", "--fail-on", "INFERRED_GRADE").returncode
        == 0
    )


GAPS = """query Gaps($source: String) { gaps(source: $source) { source total counts { kind count }
  sources { iri title total counts { kind count } }
  gaps { kind iri label detail sources related notes } } }"""


@pytest.mark.parametrize(
    "source",
    [
        None,
        "What is the role of azathioprine in treating autoimmune and "
        "inflammatory skin conditions in dermatology?",
    ],
)
def test_graphql_gaps_match_the_cli_json(client: TestClient, source: str | None) -> None:
    answer = client.post("/graphql", json={"query": GAPS, "variables": {"source": source}}).json()
    assert "errors" not in answer
    cli = run("gaps", "--format", "json", *(("--source", source) if source else ()))
    assert cli.returncode == 0, cli.stderr
    assert answer["data"]["gaps"] == json.loads(cli.stdout)


def test_graphql_gaps_of_an_unknown_source_is_bad_user_input(client: TestClient) -> None:
    answer = client.post("/graphql", json={"query": '{ gaps(source: "Anther review") { total } }'}).json()
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("No source is named 'Anther review'")
