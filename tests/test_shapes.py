"""One negative test (at least) per shape: a mutated graph is refused with the shape's message,
and the store is left exactly as it was. Curation gaps pass as Warnings."""

from pathlib import Path

import pytest

from graph.errors import ValidationFailedError
from graph.load import load_sources
from graph.store import Store
from graph.validation import validate_quads
from tests.conftest import snapshot

PREFIXES = """@prefix ev: <https://w3id.org/evidence-graph/ontology#> .
@prefix grade: <https://w3id.org/evidence-graph/grade/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix drug: <https://w3id.org/evidence-graph/id/drug/> .
@prefix condition: <https://w3id.org/evidence-graph/id/condition/> .
@prefix gene: <https://w3id.org/evidence-graph/id/gene/> .
@prefix claim: <https://w3id.org/evidence-graph/id/claim/> .
@prefix evidence: <https://w3id.org/evidence-graph/id/evidence/> .
@prefix figure: <https://w3id.org/evidence-graph/id/figure/> .
@prefix ref: <https://w3id.org/evidence-graph/id/reference/> .
@prefix source: <https://w3id.org/evidence-graph/id/source/> .
@prefix agent: <https://w3id.org/evidence-graph/id/agent/> .
"""

#: A conforming indication for a new condition, with an evidence item and a figure.
BASE = """
condition:test-condition a ev:Condition ; rdfs:label "test condition" .
figure:test-figure a ev:Figure ; rdfs:label "patients improved" ; ev:printedValue "40%" ;
    ev:quantityKind ev:Percentage ; ev:value 40.0 .
evidence:test-1 a ev:EvidenceItem ; ev:text "A passage." ; ev:citationMarkers "1" ;
    ev:citesAsEvidence ref:dr-oracle-azathioprine-1 ; ev:figure figure:test-figure .
claim:test a ev:IndicationStatement ;
    rdfs:label "Azathioprine for test condition" ;
    ev:drug drug:azathioprine ;
    ev:evidence evidence:test-1 ;
    ev:citesAsEvidence ref:dr-oracle-azathioprine-1 ;
    prov:wasDerivedFrom source:dr-oracle-azathioprine-dermatology ;
    ev:section "Test" ;
    ev:condition condition:test-condition ;
    ev:licensingStatus ev:Unlicensed ;
    ev:licensingJurisdiction ev:JurisdictionUKMHRA ;
    ev:evidenceGrade grade:dr-oracle-C .
"""

#: Another conforming claim of each kind, edited by some cases below.
KINDS = """
evidence:test-2 a ev:EvidenceItem ; ev:text "Another passage." ; ev:citationMarkers "2" ;
    ev:citesAsEvidence ref:dr-oracle-azathioprine-2 .
claim:test-contra a ev:ContraindicationStatement ; rdfs:label "c" ; ev:drug drug:azathioprine ;
    ev:evidence evidence:test-2 ; ev:citesAsEvidence ref:dr-oracle-azathioprine-2 ;
    prov:wasDerivedFrom source:dr-oracle-azathioprine-dermatology ; ev:section "Test" ;
    ev:severity ev:Relative ; ev:condition condition:test-condition .
claim:test-interaction a ev:InteractionStatement ; rdfs:label "i" ; ev:drug drug:azathioprine ;
    ev:evidence evidence:test-2 ; ev:citesAsEvidence ref:dr-oracle-azathioprine-2 ;
    prov:wasDerivedFrom source:dr-oracle-azathioprine-dermatology ; ev:section "Test" ;
    ev:interactant drug:test-drug .
drug:test-drug a ev:Drug ; rdfs:label "test drug" .
gene:test-gene a ev:Gene ; rdfs:label "TEST1" .
claim:test-pgx a ev:PharmacogenomicStatement ; rdfs:label "p" ; ev:drug drug:azathioprine ;
    ev:evidence evidence:test-2 ; ev:citesAsEvidence ref:dr-oracle-azathioprine-2 ;
    prov:wasDerivedFrom source:dr-oracle-azathioprine-dermatology ; ev:section "Test" ;
    ev:gene gene:test-gene ; ev:pgxAction ev:TestBeforeTreatment .
claim:test-monitoring a ev:MonitoringStatement ; rdfs:label "m" ; ev:drug drug:azathioprine ;
    ev:evidence evidence:test-2 ; ev:citesAsEvidence ref:dr-oracle-azathioprine-2 ;
    prov:wasDerivedFrom source:dr-oracle-azathioprine-dermatology ; ev:section "Test" ;
    ev:monitoredParameter "liver function" .
claim:test-point a ev:PracticePointStatement ; rdfs:label "pp" ; ev:drug drug:azathioprine ;
    ev:evidence evidence:test-2 ; ev:citesAsEvidence ref:dr-oracle-azathioprine-2 ;
    prov:wasDerivedFrom source:dr-oracle-azathioprine-dermatology ; ev:section "Test" ;
    ev:relatedDrug drug:test-drug .
claim:test-mechanism a ev:MechanismStatement ; rdfs:label "me" ; ev:drug drug:azathioprine ;
    ev:evidence evidence:test-2 ; ev:citesAsEvidence ref:dr-oracle-azathioprine-2 ;
    prov:wasDerivedFrom source:dr-oracle-azathioprine-dermatology ; ev:section "Test" ;
    ev:enzyme gene:test-gene .
claim:test-pattern a ev:PracticePatternStatement ; rdfs:label "pa" ; ev:drug drug:azathioprine ;
    ev:evidence evidence:test-2 ; ev:citesAsEvidence ref:dr-oracle-azathioprine-2 ;
    prov:wasDerivedFrom source:dr-oracle-azathioprine-dermatology ; ev:section "Test" .
"""

# (shape, what to replace in BASE + KINDS -> with what, start of the expected message)
CASES = [
    (
        "ClinicalStatementShape",
        (
            'rdfs:label "Azathioprine for test condition" ;\n    ev:drug drug:azathioprine ;',
            'rdfs:label "Azathioprine for test condition" ;',
        ),
        "A claim must name exactly one drug (ev:drug)",
    ),
    (
        "ClinicalStatementShape/duplicate",
        (
            "ev:condition condition:test-condition ;\n    ev:licensingStatus",
            "ev:condition condition:psoriasis ;\n    ev:licensingStatus",
        ),
        "Duplicate claim:",
    ),
    (
        "ClinicalStatementShape/citations",
        ("ev:citesAsEvidence ref:dr-oracle-azathioprine-1 ;\n    prov:", "prov:"),
        "Claim https://w3id.org/evidence-graph/id/claim/test does not cite reference",
    ),
    (
        "ClaimVocabularyShape",
        (
            'ev:section "Test" ;\n    ev:condition',
            'ev:sektion "Test" ; ev:section "Test" ;\n    ev:condition',
        ),
        "A claim uses a property that is not in the vocabulary",
    ),
    (
        "LicensingStatusShape",
        ("    ev:licensingJurisdiction ev:JurisdictionUKMHRA ;\n", ""),
        "A licensing status (ev:licensingStatus) needs its jurisdiction",
    ),
    (
        "LicensingJurisdictionShape",
        ("    ev:licensingStatus ev:Unlicensed ;\n", ""),
        "A licensing jurisdiction (ev:licensingJurisdiction) is stated with a licensing status",
    ),
    (
        "QualityOfEvidenceGradeShape",
        ("ev:evidenceGrade grade:dr-oracle-C", "ev:evidenceGrade grade:grade-strength-strong"),
        "The evidence grade (ev:evidenceGrade) must be a grade of a quality-of-evidence scheme",
    ),
    (
        "StrengthOfRecommendationGradeShape",
        ("ev:evidenceGrade grade:dr-oracle-C", "ev:recommendationStrength grade:dr-oracle-C"),
        "The strength of recommendation (ev:recommendationStrength) must be a grade of a strength-of-recommendation",
    ),
    (
        "IndicationStatementShape",
        ("ev:licensingStatus ev:Unlicensed", "ev:licensingStatus ev:Absolute"),
        "An indication may have at most one licensing status",
    ),
    (
        "ContraindicationStatementShape",
        (
            "ev:severity ev:Relative ; ev:condition condition:test-condition",
            "ev:severity ev:Relative ; ev:condition condition:test-condition ; ev:coMedication drug:test-drug",
        ),
        "A contraindication must name exactly one of",
    ),
    (
        "InteractionStatementShape",
        ("ev:interactant drug:test-drug .", "ev:negated true ."),
        "An interaction must name exactly one interactant",
    ),
    (
        "PharmacogenomicStatementShape",
        ("ev:pgxAction ev:TestBeforeTreatment", "ev:pgxAction ev:Monotherapy"),
        "A pharmacogenomic rule must state at least one action",
    ),
    (
        "MonitoringStatementShape",
        ('ev:monitoredParameter "liver function"', 'ev:population "adults"'),
        "A monitoring requirement must name exactly one monitored parameter",
    ),
    (
        "PracticePointStatementShape",
        ("ev:relatedDrug drug:test-drug", "ev:relatedDrug condition:test-condition"),
        "A related drug of a practice point (ev:relatedDrug) must be",
    ),
    (
        "MechanismStatementShape",
        ("ev:enzyme gene:test-gene", "ev:enzyme drug:test-drug"),
        "An enzyme (ev:enzyme) must be the IRI of the ev:Gene",
    ),
    (
        "PracticePatternStatementShape",
        ('ev:section "Test" .\n', 'ev:section "" .\n'),
        "A claim may give at most one section (ev:section)",
    ),
    (
        "EvidenceProvenanceShape/neither",
        ('evidence:test-1 a ev:EvidenceItem ; ev:text "A passage." ;', "evidence:test-1 a ev:EvidenceItem ;"),
        "An evidence item must be either a printed passage",
    ),
    (
        "EvidenceProvenanceShape/both",
        (
            'evidence:test-1 a ev:EvidenceItem ; ev:text "A passage." ;',
            'evidence:test-1 a ev:EvidenceItem ; ev:text "A passage." ; ev:recordId "row 7" ;',
        ),
        "An evidence item must be either a printed passage",
    ),
    (
        "EvidenceItemShape",
        ('ev:citationMarkers "1"', 'ev:citationMarkers "[1]"'),
        "An evidence item may have at most one ev:citationMarkers",
    ),
    (
        "FigureShape",
        ("ev:value 40.0", "ev:minValue 80.0 ; ev:maxValue 75.0"),
        "A figure's lower bound (ev:minValue) must not be greater than its upper bound",
    ),
    (
        "FigureVocabularyShape",
        ("ev:value 40.0", "ev:value 40.0 ; ev:percent 40.0"),
        "A figure uses a property that is not in the vocabulary",
    ),
    (
        "SubstanceShape/DrugShape",
        ('drug:test-drug a ev:Drug ; rdfs:label "test drug" .', "drug:test-drug a ev:Drug ."),
        "A drug, substance, condition, gene or phenotype must have a label",
    ),
    (
        "ConditionShape",
        (
            'condition:test-condition a ev:Condition ; rdfs:label "test condition" .',
            'condition:test-condition a ev:Condition ; rdfs:label "test condition" ; ev:identifier "MONDO 1" .',
        ),
        "An identifier (ev:identifier) must be a CURIE string",
    ),
    (
        "GeneShape",
        (
            'gene:test-gene a ev:Gene ; rdfs:label "TEST1" .',
            'gene:test-gene a ev:Gene ; rdfs:label "TEST1", "TEST-1" .',
        ),
        "https://w3id.org/evidence-graph/id/gene/test-gene has two preferred names",
    ),
]

#: A reference with authors, to which each author-list case below adds its list.
AUTHORED = (
    "ref:test-authored a ev:Reference ; ev:citationNumber 9 ; "
    "dcterms:isPartOf source:dr-oracle-azathioprine-dermatology ; "
    'dcterms:title "t" ; dcterms:issued "2020"^^xsd:gYear ; dcterms:creator "Tan BB" , "Lear JT" ; '
    "<http://purl.org/ontology/bibo/authorList> ref:test-authored-list . "
    "ref:test-authored-list a <http://www.w3.org/1999/02/22-rdf-syntax-ns#Seq> ; "
)
RDF_ = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#_%d>"
AUTHOR_LIST = "Author list https://w3id.org/evidence-graph/id/reference/test-authored-list must hold"

EXTRA_CASES = [
    (
        "EntityLabelShape",
        'drug:test-two-names a ev:Drug ; rdfs:label "Methotrexate" , "MTX" .',
        "https://w3id.org/evidence-graph/id/drug/test-two-names has two preferred names",
    ),
    (
        "ReferenceIdentityShape",
        'ref:test-anonymous a ev:Reference ; dcterms:title "t" ; dcterms:issued "2020"^^xsd:gYear .',
        "A reference must be known by a citation number",
    ),
    (
        "CitationNumberShape",
        'ref:test-numbered a ev:Reference ; ev:citationNumber 3 ; dcterms:title "t" ; dcterms:issued "2020"^^xsd:gYear .',
        "A reference with a citation number (ev:citationNumber) must belong to the source document",
    ),
    (
        "DatasetShape",
        'source:test-dataset a ev:SourceDocument ; dcterms:title "A dataset" ; dcterms:modified "2016-03-15"^^xsd:date ; '
        'ev:sourceType ev:Dataset ; <http://purl.org/pav/version> "1.0" .',
        "Dataset https://w3id.org/evidence-graph/id/source/test-dataset must give its",
    ),
    (
        "AuthorListShape/missing author",
        AUTHORED + f'{RDF_ % 1} "Tan BB" .',
        AUTHOR_LIST,
    ),
    (
        "AuthorListShape/stranger",
        AUTHORED + f'{RDF_ % 1} "Tan BB" ; {RDF_ % 2} "Lear JT" ; {RDF_ % 3} "Nobody" .',
        AUTHOR_LIST,
    ),
    (
        "AuthorListShape/gap",
        AUTHORED + f'{RDF_ % 1} "Tan BB" ; {RDF_ % 3} "Lear JT" .',
        AUTHOR_LIST,
    ),
    (
        "AuthorListShape/twice",
        AUTHORED + f'{RDF_ % 1} "Tan BB" ; {RDF_ % 2} "Lear JT" ; {RDF_ % 3} "Lear JT" .',
        AUTHOR_LIST,
    ),
    (
        "AuthorListShape/other property",
        AUTHORED + f'{RDF_ % 1} "Tan BB" ; {RDF_ % 2} "Lear JT" ; rdfs:label "authors" .',
        AUTHOR_LIST,
    ),
    (
        "ReferenceShape",
        'ref:test-ref a ev:Reference ; ev:citationNumber 0 ; dcterms:isPartOf source:dr-oracle-azathioprine-dermatology ; dcterms:title "t" ; dcterms:issued "2020"^^xsd:gYear .',
        "A reference may have at most one citation number",
    ),
    (
        "SourceDocumentShape",
        'source:test-source a ev:SourceDocument ; dcterms:title "t" ; dcterms:modified "2026-01-30T00:00:00Z"^^xsd:dateTime .',
        'A source document must have exactly one "Last updated" date',
    ),
    (
        "PhenotypeShape",
        '<https://w3id.org/evidence-graph/id/phenotype/test> a ev:Phenotype ; rdfs:label "poor metabolizer" .',
        "A phenotype must name exactly one gene",
    ),
    ("AgentShape", "agent:nameless a prov:Agent .", "An agent (prov:Agent) must have exactly one name"),
    (
        "VersionShape",
        '<https://w3id.org/evidence-graph/id/version/test-v1> a ev:Version ; ev:versionOf claim:azathioprine-psoriasis-indication ; ev:versionNumber 1 ; ev:action "edited" ; prov:generatedAtTime "2026-01-30T00:00:00Z"^^xsd:dateTime ; prov:wasAttributedTo agent:seed-curation ; ev:snapshot "" .',
        "A version must say what its write did (ev:action)",
    ),
    (
        "GradingSchemeShape",
        'grade:test-scheme a ev:GradingScheme ; skos:prefLabel "test scale" ; skos:definition "d" .',
        "A grading scheme must grade exactly one axis",
    ),
    (
        "GradeShape",
        'grade:test-scheme a ev:GradingScheme ; skos:prefLabel "test scale" ; skos:definition "d" ; ev:axis ev:QualityOfEvidence .\n'
        'grade:test-A a ev:Grade ; skos:inScheme grade:test-scheme ; skos:notation "A" ; skos:prefLabel "A" ; skos:definition "d" ; ev:rank 1 ; skos:exactMatch grade:grade-certainty-high .',
        "Grades of different scales are never exact equivalents",
    ),
]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mutated.ttl"
    path.write_text(PREFIXES + text)
    return path


def test_the_unmutated_fixture_conforms(fresh_store: Store, tmp_path: Path) -> None:
    result = load_sources(
        fresh_store,
        [write(tmp_path, BASE + KINDS + AUTHORED + f'{RDF_ % 2} "Lear JT" ; {RDF_ % 1} "Tan BB" .')],
    )
    assert result.report.conforms
    assert validate_quads(fresh_store.quads()).conforms


@pytest.mark.parametrize(("shape", "edit", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_mutation_is_refused_with_the_shape_message(
    fresh_store: Store, tmp_path: Path, shape: str, edit: tuple[str, str], message: str
) -> None:
    original = BASE + KINDS
    old, new = edit
    assert original.count(old) == 1, f"{shape}: the edit must hit exactly one place"
    before = snapshot(fresh_store)
    with pytest.raises(ValidationFailedError) as caught:
        load_sources(fresh_store, [write(tmp_path, original.replace(old, new))])
    messages = [v.message for v in caught.value.report.violations]
    assert any(m.startswith(message) for m in messages), messages
    assert snapshot(fresh_store) == before


@pytest.mark.parametrize(("shape", "extra", "message"), EXTRA_CASES, ids=[c[0] for c in EXTRA_CASES])
def test_a_bad_node_is_refused_with_the_shape_message(
    fresh_store: Store, tmp_path: Path, shape: str, extra: str, message: str
) -> None:
    before = snapshot(fresh_store)
    with pytest.raises(ValidationFailedError) as caught:
        load_sources(fresh_store, [write(tmp_path, extra)])
    messages = [v.message for v in caught.value.report.violations]
    assert any(m.startswith(message) for m in messages), messages
    assert snapshot(fresh_store) == before


@pytest.mark.parametrize(
    ("edit", "warning"),
    [
        (
            ("ev:citesAsEvidence ref:dr-oracle-azathioprine-1 ; ev:figure", "ev:figure"),
            "Evidence item with citation markers but no reference",
        ),
        (
            (
                "ev:evidenceGrade grade:dr-oracle-C .",
                "ev:evidenceGrade grade:dr-oracle-C ; ev:gradeInferred true .",
            ),
            "Grade inferred by the curator, not printed in the source",
        ),
        (
            ("ev:citesAsEvidence ref:dr-oracle-azathioprine-1 ; ev:figure", "ev:figure"),
            "Claim without a reference: no ev:citesAsEvidence",
        ),
    ],
)
def test_curation_gaps_pass_as_warnings(
    fresh_store: Store, tmp_path: Path, edit: tuple[str, str], warning: str
) -> None:
    old, new = edit
    text = BASE.replace(old, new)
    if "ev:figure figure:test-figure" not in text.split("claim:test")[0]:
        pytest.fail("the edit did not apply")
    if old.startswith("ev:citesAsEvidence"):
        text = text.replace("    ev:citesAsEvidence ref:dr-oracle-azathioprine-1 ;\n    prov:", "    prov:")
    result = load_sources(fresh_store, [write(tmp_path, text)])
    assert result.report.conforms
    assert any(w.message.startswith(warning) for w in result.report.warnings), [
        w.message for w in result.report.warnings
    ]


def test_an_indication_without_licensing_conforms(fresh_store: Store, tmp_path: Path) -> None:
    """A source that does not speak of licensing states no status, and that is no violation."""
    silent = BASE.replace(
        "    ev:licensingStatus ev:Unlicensed ;\n    ev:licensingJurisdiction ev:JurisdictionUKMHRA ;\n", ""
    )
    assert "licensing" not in silent
    result = load_sources(fresh_store, [write(tmp_path, silent)])
    assert result.report.conforms
    assert not [w for w in result.report.warnings if "licens" in w.message]


#: A claim read from a dataset: its evidence is a record, its reference known by a PMID alone, no
#: section, no licensing.
FROM_A_DATASET = """
source:test-dataset a ev:SourceDocument ; dcterms:title "A dataset" ;
    dcterms:modified "2016-03-15"^^xsd:date ; ev:sourceType ev:Dataset ;
    <http://purl.org/pav/version> "1.0" ; dcterms:license <https://creativecommons.org/publicdomain/zero/1.0/> ;
    <http://purl.org/pav/retrievedFrom> <https://example.org/dataset> .
ref:test-pmid a ev:Reference ; bibo:pmid "28936969" .
evidence:test-record a ev:EvidenceItem ; ev:recordId "DOID:0050425 DB00993" ;
    ev:recordValue "category: DM" , "n_curators: 3" ; rdfs:seeAlso <https://example.org/dataset/row/7> ;
    ev:citesAsEvidence ref:test-pmid .
claim:test-from-dataset a ev:IndicationStatement ; rdfs:label "azathioprine for test condition (dataset)" ;
    ev:drug drug:azathioprine ; ev:condition condition:test-condition ; ev:evidence evidence:test-record ;
    ev:citesAsEvidence ref:test-pmid ; prov:wasDerivedFrom source:test-dataset .
"""


def test_a_claim_from_a_dataset_conforms(fresh_store: Store, tmp_path: Path) -> None:
    text = BASE + FROM_A_DATASET
    path = tmp_path / "dataset.ttl"
    path.write_text(PREFIXES + "@prefix bibo: <http://purl.org/ontology/bibo/> .\n" + text)
    result = load_sources(fresh_store, [path])
    assert result.report.conforms, [v.message for v in result.report.violations]
    unreferenced = [w for w in result.report.warnings if w.message.startswith("Claim without a reference")]
    assert unreferenced == []  # its provenance is the record


def test_two_sources_may_give_a_name_in_different_case(fresh_store: Store, tmp_path: Path) -> None:
    """The seed names the drug "azathioprine"; another source printing "Azathioprine" is no violation."""
    result = load_sources(fresh_store, [write(tmp_path, 'drug:azathioprine rdfs:label "Azathioprine" .')])
    assert result.report.conforms
