"""Importing PharmacotherapyDB and DrugCentral: shared nodes, dataset records, validation, the command.

The samples in tests/data/ are rows of the real files, copied unchanged (their SOURCE.md says
which). The last test imports the whole datasets when the project's shared data folder is there.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.claims import ClaimFilter
from graph.datasets import ImportResult
from graph.drugcentral import import_drugcentral
from graph.errors import SourceError, ValidationFailedError
from graph.identity import Outcome, normalize_name
from graph.load import load_sources, open_store
from graph.pharmacotherapydb import import_pharmacotherapydb
from graph.propositions import conflicts, propositions
from graph.store import EvidenceStore, Store, text
from graph.validation import validate_store
from testing.shared import DATASETS, absent

CLI = str(Path(sys.executable).parent / "evidence-graph")
DATA = Path(__file__).parent / "data"
PHARMACOTHERAPYDB = DATA / "pharmacotherapydb-sample"
DRUGCENTRAL = DATA / "drugcentral-sample"
#: The full datasets, beside the checkout (not in a user's clone).
GRAPH = "https://w3id.org/evidence-graph/graph/"
AZATHIOPRINE = "https://w3id.org/evidence-graph/id/drug/azathioprine"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def imported() -> tuple[EvidenceStore, ImportResult, ImportResult]:
    """The bundled content with both samples imported (read only)."""
    store = open_store()
    return store, import_pharmacotherapydb(store, PHARMACOTHERAPYDB), import_drugcentral(store, DRUGCENTRAL)


SOURCE = "https://w3id.org/evidence-graph/id/source/"
GRADE_A_UNLICENSED = (
    '{ indications(filter: {licensed: false, grade: "A"}) { totalCount nodes { condition { label } } } }'
)


def values(store: Store, sparql: str) -> list[str]:
    """The first variable of each row of a SELECT query, as strings."""
    return sorted(text(next(iter(row.values()))) for row in store.select(sparql))


def full_validation(store: EvidenceStore) -> int:
    """The Violations of validating the whole store from scratch."""
    staging = ox.Store()
    store.copy_into(staging, exclude=set())
    return validate_store(staging, union=True).violation_count


def test_both_samples_import_without_a_violation(
    imported: tuple[EvidenceStore, ImportResult, ImportResult],
) -> None:
    store, pharmacotherapydb, drugcentral = imported
    assert (pharmacotherapydb.rows, pharmacotherapydb.claims, pharmacotherapydb.negated_claims) == (20, 20, 6)
    assert (drugcentral.rows, drugcentral.imported_rows) == (18, 18)
    assert not pharmacotherapydb.skipped
    assert not drugcentral.skipped
    assert pharmacotherapydb.report.conforms
    assert drugcentral.report.conforms
    assert full_validation(store) == 0  # what validating only what the imports touched found


def test_the_seeds_azathioprine_is_reused_by_both(
    imported: tuple[EvidenceStore, ImportResult, ImportResult],
) -> None:
    store, pharmacotherapydb, _ = imported
    drugs = values(
        store,
        """SELECT DISTINCT ?d WHERE { { ?d a ev:Drug } UNION { ?d a ev:DrugClass }
             { ?d ev:identifier ?id FILTER(UCASE(?id) IN ("DRUGBANK:DB00993", "RXNORM:1256")) }
             UNION { ?d rdfs:label|skos:altLabel ?name FILTER(LCASE(?name) = "azathioprine") } }""",
    )
    assert drugs == [AZATHIOPRINE]
    sources = values(store, f"SELECT ?s WHERE {{ ?c ev:drug <{AZATHIOPRINE}> ; prov:wasDerivedFrom ?s }}")
    assert sources.count("https://w3id.org/evidence-graph/id/source/pharmacotherapydb") == 6
    assert sources.count("https://w3id.org/evidence-graph/id/source/drugcentral") == 2
    assert values(store, f"SELECT ?l WHERE {{ <{AZATHIOPRINE}> rdfs:label ?l }}") == ["azathioprine"]
    assert pharmacotherapydb.drugs.counts[Outcome.BY_IDENTIFIER] == 1  # azathioprine, by DrugBank id
    assert (
        pharmacotherapydb.drugs.counts[Outcome.BY_NAME] == 3
    )  # the seed's methotrexate, prednisolone, allopurinol


def test_identifiers_are_asserted_in_the_datasets_graph(
    imported: tuple[EvidenceStore, ImportResult, ImportResult],
) -> None:
    """Each source's graph says which identifiers it gave; the other names stay with the claim."""
    store, _, _ = imported
    by_graph = store.select(
        "SELECT ?g ?id WHERE { GRAPH ?g { ?c ev:identifier ?id } ?claim ev:drug drug:azathioprine ; "
        'ev:condition ?c ; rdfs:label "azathioprine for Rheumatoid Arthritis (DrugCentral)" }'
    )
    assert {(text(r["g"]).removeprefix(GRAPH), text(r["id"])) for r in by_graph} == {
        ("pharmacotherapydb", "DOID:7148"),
        ("drugcentral", "UMLS:C0003873"),
        ("drugcentral", "SNOMEDCT:69896004"),
    }
    # the seed's identifiers are not written twice; DrugCentral's others are DrugCentral's
    assert "DRUGBANK:DB00993" not in values(
        store, f"SELECT ?id WHERE {{ GRAPH <{GRAPH}drugcentral> {{ <{AZATHIOPRINE}> ev:identifier ?id }} }}"
    )
    assert "UNII:AM94R510MS" in values(
        store, f"SELECT ?id WHERE {{ GRAPH <{GRAPH}drugcentral> {{ <{AZATHIOPRINE}> ev:identifier ?id }} }}"
    )
    # DrugCentral's hydroxycarbamide is PharmacotherapyDB's Hydroxyurea (DrugBank DB01005)
    assert values(
        store, 'SELECT ?d WHERE { ?d ev:identifier "DRUGBANK:DB01005" ; skos:altLabel "hydroxycarbamide" }'
    ) == ["https://w3id.org/evidence-graph/id/drug/hydroxyurea"]
    # a disease found by name: the seed's psoriasis, with PharmacotherapyDB's DOID
    assert values(store, 'SELECT ?c WHERE { ?c ev:identifier "DOID:8893" }') == [
        "https://w3id.org/evidence-graph/id/condition/psoriasis"
    ]


def test_an_identifier_drugcentral_gives_two_drugs_identifies_neither(
    imported: tuple[EvidenceStore, ImportResult, ImportResult],
) -> None:
    store, _, drugcentral = imported
    assert any("DRUGBANK:DB00338 for esomeprazole, omeprazole" in r for r in drugcentral.remarks)
    holders = values(store, 'SELECT ?d WHERE { ?d ev:identifier "DRUGBANK:DB00338" }')
    assert holders == ["https://w3id.org/evidence-graph/id/drug/omeprazole"]  # PharmacotherapyDB's


def test_a_not_row_is_a_negated_claim_and_a_row_a_record(
    imported: tuple[EvidenceStore, ImportResult, ImportResult],
) -> None:
    store, _, _ = imported
    rows = store.select(
        """SELECT ?claim ?negated ?id WHERE { ?claim a ev:IndicationStatement ; ev:negated ?negated ;
             rdfs:label "Carteolol for hypertension: not an indication (PharmacotherapyDB)" ;
             ev:evidence/ev:recordId ?id }"""
    )
    assert [(text(r["negated"]), text(r["id"])) for r in rows] == [("true", "DOID:10763 DB00521")]
    record = values(
        store,
        'SELECT ?v WHERE { ?e ev:recordId "DOID:10652 DB00843" ; ev:recordValue ?v }',
    )
    assert record == sorted(
        [
            "doid_id: DOID:10652",
            "drugbank_id: DB00843",
            "disease: Alzheimer's disease",
            "drug: Donepezil",
            "category: DM",
            "n_curators: 2",
            "n_resources: 1",
        ]
    )
    assert not store.ask(
        "ASK { ?c prov:wasDerivedFrom ?s ; ev:licensingStatus ?any . ?s ev:sourceType ev:Dataset }"
    )
    source = store.select(
        "SELECT ?version ?license ?modified WHERE { source:drugcentral ev:sourceType ev:Dataset ; "
        "<http://purl.org/pav/version> ?version ; dcterms:license ?license ; dcterms:modified ?modified }"
    )
    assert [(text(r["version"]), text(r["license"]), text(r["modified"])) for r in source] == [
        (
            "64630f7c2bc050f5af0a7cac7b08e778125284bc",
            "https://creativecommons.org/licenses/by/4.0/",
            "2016-11-16",
        )
    ]


def test_rows_about_one_drug_and_condition_are_one_claim(
    imported: tuple[EvidenceStore, ImportResult, ImportResult],
) -> None:
    """Gout and Gouty Arthritis are both DOID:13189 in DrugCentral: one claim, two records."""
    store, _, drugcentral = imported
    assert (drugcentral.rows, drugcentral.claims) == (18, 17)
    records = values(
        store,
        "SELECT ?id WHERE { ?c prov:wasDerivedFrom source:drugcentral ; ev:drug drug:allopurinol ; "
        "ev:evidence/ev:recordId ?id }",
    )
    assert records == ["124 Gout", "124 Gouty Arthritis"]


def test_a_minted_node_is_named_by_its_normalized_name() -> None:
    assert normalize_name("Alzheimer's  Disease") == normalize_name("alzheimers disease")
    store = open_store()
    import_pharmacotherapydb(store, PHARMACOTHERAPYDB)
    assert values(store, 'SELECT ?c WHERE { ?c ev:identifier "DOID:10652" }') == [
        "https://w3id.org/evidence-graph/id/condition/alzheimers-disease"
    ]


def test_an_ambiguous_name_is_reported_and_not_merged(tmp_path: Path) -> None:
    store = open_store()
    twins = tmp_path / "twins.ttl"
    twins.write_text(
        "@prefix ev: <https://w3id.org/evidence-graph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/evidence-graph/id/drug/examplomab> a ev:Drug ; rdfs:label "Examplomab" .\n'
        '<https://w3id.org/evidence-graph/id/drug/examplomab-pegol> a ev:Drug ; rdfs:label "Examplomab pegol" ;'
        ' skos:altLabel "examplomab" .\n'
    )
    load_sources(store, [twins])
    folder = tmp_path / "pharmacotherapydb"
    folder.mkdir()
    lines = (PHARMACOTHERAPYDB / "indications.tsv").read_text().splitlines()
    (folder / "indications.tsv").write_text(
        "\n".join([*lines[:3], "DOID:10652\tDB99999\tAlzheimer's disease\tExamplomab\tSYM\t1\t1"]) + "\n"
    )
    result = import_pharmacotherapydb(store, folder)
    assert (result.rows, result.imported_rows, result.drugs.counts[Outcome.AMBIGUOUS]) == (3, 2, 1)
    (skipped,) = result.skipped
    assert skipped.record.line == 4
    assert "/drug/examplomab>, <https://w3id.org/evidence-graph/id/drug/examplomab-pegol>" in skipped.reason
    assert "1 row(s): drug 'Examplomab' is ambiguous" in result.to_text()
    assert not store.ask('ASK { ?d ev:identifier "DRUGBANK:DB99999" }')
    assert not store.ask("ASK { ?c ev:drug ?d FILTER(CONTAINS(STR(?d), 'examplomab')) }")


def test_import_refuses_a_second_time_and_replaces_with_the_same_quads(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    first = run("import", "pharmacotherapydb", str(PHARMACOTHERAPYDB), "--store", store)
    assert first.returncode == 0, first.stderr
    assert "20 of 20 rows" in first.stdout
    assert "20 claims (6 negated)" in first.stdout
    assert "drugs: 10 (1 by identifier, 3 by name, 6 created, 0 ambiguous, 0 unresolved)" in first.stdout
    again = run("import", "pharmacotherapydb", str(PHARMACOTHERAPYDB), "--store", store)
    assert again.returncode == 1
    assert again.stderr.startswith(
        "error: already in the store: <https://w3id.org/evidence-graph/graph/pharmacotherapydb>"
    )
    second = run("import", "drugcentral", str(DRUGCENTRAL), "--store", store)
    assert second.returncode == 0, second.stderr
    replaced = run("import", "pharmacotherapydb", str(PHARMACOTHERAPYDB), "--store", store, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert replaced.stdout.startswith("replaced <https://w3id.org/evidence-graph/graph/pharmacotherapydb>")
    count = [line for line in second.stdout.splitlines() if line.startswith("store now holds")]
    assert count == [line for line in replaced.stdout.splitlines() if line.startswith("store now holds")]


def test_replacing_a_dataset_keeps_the_nodes_other_datasets_use(tmp_path: Path) -> None:
    """Rheumatoid arthritis was made by PharmacotherapyDB and used by DrugCentral: it stays defined."""
    store = open_store()
    import_pharmacotherapydb(store, PHARMACOTHERAPYDB)
    import_drugcentral(store, DRUGCENTRAL)
    folder = tmp_path / "pharmacotherapydb"
    folder.mkdir()
    lines = (PHARMACOTHERAPYDB / "indications.tsv").read_text().splitlines()
    (folder / "indications.tsv").write_text("\n".join(x for x in lines if "rheumatoid" not in x) + "\n")
    result = import_pharmacotherapydb(store, folder, replace=True)
    assert (result.rows, result.replaced) == (18, True)
    condition = "https://w3id.org/evidence-graph/id/condition/rheumatoid-arthritis"
    assert values(
        store, f"SELECT ?l WHERE {{ GRAPH <{GRAPH}pharmacotherapydb> {{ <{condition}> rdfs:label ?l }} }}"
    ) == ["rheumatoid arthritis"]
    assert full_validation(store) == 0


def test_a_row_without_a_column_is_an_error_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "pharmacotherapydb"
    folder.mkdir()
    lines = (PHARMACOTHERAPYDB / "indications.tsv").read_text().splitlines()
    lines[4] = lines[4].rsplit("\t", 1)[0]
    (folder / "indications.tsv").write_text("\n".join(lines) + "\n")
    store = tmp_path / "store"
    result = run("import", "pharmacotherapydb", str(folder), "--store", str(store))
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"error: {folder / 'indications.tsv'}:5:1: 6 field(s) where the header has 7"
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert not EvidenceStore(store).has_graph(ox.NamedNode(GRAPH + "pharmacotherapydb"))
    (folder / "indications.tsv").write_text(lines[0] + "\n" + lines[1].replace("\tDM\t", "\tDMX\t") + "\n")
    with pytest.raises(SourceError, match=r"indications.tsv:2:1: category 'DMX' is not one of DM, SYM, NOT"):
        import_pharmacotherapydb(open_store(), folder)
    missing = run("import", "drugcentral", str(tmp_path / "nowhere"), "--store", str(store))
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        f"error: {tmp_path / 'nowhere'}: no such folder",
    )


def test_a_violation_refuses_the_whole_import(tmp_path: Path) -> None:
    """An identifier that is not a CURIE (a space in it) breaks the shapes: nothing is written."""
    folder = tmp_path / "drugcentral"
    shutil.copytree(DRUGCENTRAL, folder)
    identifiers = (folder / "identifiers.tsv").read_text()
    (folder / "identifiers.tsv").write_text(identifiers.replace('"AM94R510MS"', '"AM94 R510MS"'))
    store = open_store()
    before = len(store)
    with pytest.raises(ValidationFailedError) as failed:
        import_drugcentral(store, folder)
    assert {(v.focus_node, v.path) for v in failed.value.report.violations} == {
        (AZATHIOPRINE, "ev:identifier")
    }
    assert len(store) == before
    result = run("import", "drugcentral", str(folder), "--store", str(tmp_path / "store"))
    assert result.returncode == 1
    assert result.stderr.startswith("error: nothing was written. Does not conform: 1 violation(s)")


def test_both_samples_import_on_each_backend(fresh_store: Store) -> None:
    """The same import on the embedded store and a SPARQL server; a re-import writes nothing."""
    first = import_pharmacotherapydb(fresh_store, PHARMACOTHERAPYDB)
    second = import_drugcentral(fresh_store, DRUGCENTRAL)
    assert (first.claims, second.claims, len(second.skipped)) == (20, 17, 0)
    sources = values(
        fresh_store, f"SELECT ?s WHERE {{ ?c ev:drug <{AZATHIOPRINE}> ; prov:wasDerivedFrom ?s }}"
    )
    assert sources.count("https://w3id.org/evidence-graph/id/source/pharmacotherapydb") == 6
    assert sources.count("https://w3id.org/evidence-graph/id/source/drugcentral") == 2
    before = len(fresh_store)
    again = import_drugcentral(fresh_store, DRUGCENTRAL, replace=True)
    assert again.replaced
    assert len(fresh_store) == before


@pytest.mark.skipif(
    not DATASETS.is_dir(), reason=absent(DATASETS, "public datasets", "EVIDENCE_GRAPH_DATASETS")
)
def test_the_full_datasets_import() -> None:
    """Every row of both datasets imported or reported; where they agree, and where they disagree."""
    store = open_store()
    results = [
        import_pharmacotherapydb(store, DATASETS / "pharmacotherapydb"),
        import_drugcentral(store, DATASETS / "drugcentral-2016"),
    ]
    for result, file in zip(
        results, ("pharmacotherapydb/indications.tsv", "drugcentral-2016/drug_indication.tsv"), strict=True
    ):
        rows = len((DATASETS / file).read_text(encoding="utf-8").splitlines()) - 1
        assert result.rows == rows
        assert result.imported_rows + len(result.skipped) == rows
        assert result.report.conforms
    assert results[0].imported_rows == 1388
    assert full_validation(store) == 0
    # azathioprine for rheumatoid arthritis, stated by both
    sources = values(
        store,
        """SELECT DISTINCT ?source WHERE { ?c ev:drug drug:azathioprine ; ev:condition ?condition ;
             prov:wasDerivedFrom ?source . FILTER NOT EXISTS { ?c ev:negated true }
             ?condition rdfs:label|skos:altLabel ?name FILTER(LCASE(?name) = "rheumatoid arthritis") }""",
    )
    assert sources == [
        "https://w3id.org/evidence-graph/id/source/drugcentral",
        "https://w3id.org/evidence-graph/id/source/pharmacotherapydb",
    ]
    # hydroxyurea (DrugCentral's hydroxycarbamide) for melanoma: NOT in PharmacotherapyDB, an
    # indication ("Malignant Melanoma") in DrugCentral
    claims = store.select(
        """SELECT ?source ?negated WHERE { ?c ev:drug ?d ; ev:condition ?m ; prov:wasDerivedFrom ?source .
             ?d ev:identifier "DRUGBANK:DB01005" . ?m ev:identifier "DOID:1909" .
             OPTIONAL { ?c ev:negated ?n } BIND(COALESCE(?n, false) AS ?negated) }"""
    )
    assert sorted((text(r["source"]).rsplit("/", 1)[1], text(r["negated"])) for r in claims) == [
        ("drugcentral", "false"),
        ("pharmacotherapydb", "true"),
    ]
    # the same, as GraphQL answers them: a corroborated proposition and a named conflict
    source_names = {SOURCE + "drugcentral", SOURCE + "pharmacotherapydb"}
    ra = propositions(
        store, ClaimFilter(drug="azathioprine", condition="rheumatoid arthritis"), min_sources=2
    )
    assert any(source_names <= set(p.sources) for p in ra)
    denied = [
        c
        for c in conflicts(store, ClaimFilter(drug="DRUGBANK:DB01005", condition="DOID:1909"))
        if c.kind == "NEGATION"
    ]
    assert denied
    assert set(denied[0].sources) == source_names
    # and the seed's facts answer as before
    with TestClient(create_app(store=store)) as client:
        body = client.post("/graphql", json={"query": GRADE_A_UNLICENSED}).json()
    assert "errors" not in body, body
    assert {n["condition"]["label"] for n in body["data"]["indications"]["nodes"]} == {
        "Atopic dermatitis",
        "Chronic actinic dermatitis",
        "Behçet's disease",
    }
