"""The SHACL-to-SPARQL validator gives the same results as pySHACL.

Each candidate is validated twice, by ``graph.pyshacl_reference.validate_store_pyshacl`` (pySHACL) and by
``graph.shacl_run.validate_store_sparql`` (compiled queries), and the sets of
(severity, focus node, path, value, message) must be equal: on the bundled content, on every
mutation of tests/test_shapes.py, on edge cases of our constraints and on a generated 10k graph.
"""

import pyoxigraph as ox
import pytest
from rdflib import Graph

from graph.load import read_sources
from graph.paths import ontology_files
from graph.pyshacl_reference import validate_store_pyshacl
from graph.report import ValidationReport
from graph.shacl_compile import compile_shapes, compiled_shapes
from graph.shacl_run import _results, _Run, _sparql_results, validate_store_sparql
from graph.validation import candidate_store
from testing.generate import generate
from tests.test_shapes import BASE, CASES, EXTRA_CASES, KINDS, PREFIXES

Key = tuple[str, str, str | None, str | None, str]


def keys(report: ValidationReport) -> set[Key]:
    return {(r.severity, r.focus_node, r.path, r.value, r.message) for r in report.results}


def candidate(bundled_quads: list[ox.Quad], turtle: str) -> ox.Store:
    store = candidate_store(bundled_quads)
    store.load(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)
    return store


def assert_same(store: ox.Store) -> ValidationReport:
    compiled = validate_store_sparql(store)
    assert keys(compiled) == keys(validate_store_pyshacl(store))
    return compiled


def test_bundled_content(bundled_quads: list[ox.Quad]) -> None:
    report = assert_same(candidate_store(bundled_quads))
    assert report.conforms
    assert report.warnings


def test_unmutated_fixture(bundled_quads: list[ox.Quad]) -> None:
    assert assert_same(candidate(bundled_quads, BASE + KINDS)).conforms


@pytest.mark.parametrize(("shape", "edit", "message"), CASES, ids=[c[0] for c in CASES])
def test_mutation(bundled_quads: list[ox.Quad], shape: str, edit: tuple[str, str], message: str) -> None:
    old, new = edit
    assert (BASE + KINDS).count(old) == 1, shape
    report = assert_same(candidate(bundled_quads, (BASE + KINDS).replace(old, new)))
    assert any(v.message.startswith(message) for v in report.violations)


def test_constraints_without_focus_nodes_are_skipped_and_would_find_nothing() -> None:
    """A constraint whose focus-node subquery binds nothing is not run, and would find nothing.

    The store holds the ontology and one drug with a claim that is not valid, as a write's
    extract holds a few nodes: most constraints have no focus node there.
    """
    store = candidate_store(read_sources(ontology_files()).quads())
    store.load(
        PREFIXES
        + """drug:x a ev:Drug ; rdfs:label "x", "y" .
        claim:x a ev:IndicationStatement ; ev:drug drug:x ; ev:unknownProperty "z" .""",
        format=ox.RdfFormat.TURTLE,
    )
    run = _Run(store, union=False)
    constraints = compiled_shapes()
    skipped = [c for c in constraints if not run.has_focus_nodes(c.target)]
    assert 0 < len(skipped) < len(constraints)
    for constraint in skipped:
        assert run.results(constraint) == []
        asked_anyway = _sparql_results if constraint.sparql_message else _results
        assert asked_anyway(run, constraint) == [], constraint.source_shape
    report = assert_same(store)  # and the results are pySHACL's
    assert report.violations


@pytest.mark.parametrize(("shape", "extra", "message"), EXTRA_CASES, ids=[c[0] for c in EXTRA_CASES])
def test_bad_node(bundled_quads: list[ox.Quad], shape: str, extra: str, message: str) -> None:
    report = assert_same(candidate(bundled_quads, extra))
    assert any(v.message.startswith(message) for v in report.violations), shape


# Edge cases of the components we compile, where SPARQL and pySHACL (rdflib) could disagree.
EDGES = {
    "ill-typed and lenient literals": """
        figure:f1 a ev:Figure ; rdfs:label "x" ; ev:printedValue "1" ; ev:quantityKind ev:Count ;
            ev:numerator "abc"^^xsd:integer ; ev:approximate "yes"^^xsd:boolean .
        figure:f0 a ev:Figure ; rdfs:label "z" ; ev:printedValue "1" ; ev:quantityKind ev:Count ;
            ev:denominator "1.0"^^xsd:integer , " 2"^^xsd:integer .
        figure:f2 a ev:Figure ; rdfs:label "y"@en ; ev:printedValue "" ; ev:quantityKind ev:Count ;
            ev:value "1e3"^^xsd:decimal ; ev:approximate "0"^^xsd:boolean .
        agent:a1 a prov:Agent ; rdfs:label "A" .
        <https://w3id.org/evidence-graph/id/version/v1> a ev:Version ; ev:versionOf claim:azathioprine-psoriasis-indication ;
            ev:versionNumber 0 ; ev:action "created"^^xsd:string ; prov:generatedAtTime "2026-01-30"^^xsd:dateTime ;
            prov:wasAttributedTo agent:a1 ; ev:snapshot "" .
        <https://w3id.org/evidence-graph/id/version/v2> a ev:Version ; ev:versionOf claim:azathioprine-psoriasis-indication ;
            ev:versionNumber "1" ; ev:action "updated", "created" ; prov:generatedAtTime "2026-02-30T00:00:00"^^xsd:dateTime ;
            prov:wasAttributedTo agent:a1 ; ev:snapshot "" .
        source:s1 a ev:SourceDocument ; dcterms:title "t" ; dcterms:modified "2026-01-30T00:00:00"^^xsd:date .
        ref:r1 a ev:Reference ; ev:citationNumber "abc"^^xsd:integer , " 1"^^xsd:integer , "1.5"^^xsd:decimal ; dcterms:isPartOf source:s1 ; dcterms:issued "97"^^xsd:gYear ;
            <http://purl.org/ontology/bibo/doi> "10.12/x" ; <http://purl.org/ontology/bibo/pmid> "12a" .
    """,
    "ranges and counts": """
        figure:f3 a ev:Figure ; rdfs:label "r" ; ev:printedValue "1-2" ; ev:quantityKind ev:Percentage ;
            ev:minValue 3.0 ; ev:maxValue 2.0 .
        figure:f4 a ev:Figure ; rdfs:label "c" ; ev:printedValue "5/4" ; ev:quantityKind ev:Count ;
            ev:numerator 5 ; ev:denominator 4 , 3 ; ev:minValue 1.0 .
        figure:f5 a ev:Figure ; rdfs:label "s" ; ev:printedValue "?" ; ev:quantityKind ev:PValue ;
            ev:minValue "b" ; ev:maxValue "a" .
        figure:f7 a ev:Figure ; rdfs:label "lenient" ; ev:printedValue "1/2" ; ev:quantityKind ev:Count ;
            ev:numerator 1 ; ev:denominator " 2"^^xsd:integer .
        figure:f8 a ev:Figure ; rdfs:label "iri" ; ev:printedValue "?" ; ev:quantityKind ev:Count ;
            ev:minValue ev:a ; ev:maxValue "b" .
        figure:f6 a ev:Figure ; rdfs:label "none" ; ev:printedValue "?" ; ev:quantityKind ev:PValue ; ev:numerator 1 .
    """,
    "retraction, grades and languages": """
        claim:azathioprine-psoriasis-indication ev:retractionReason "withdrawn" .
        grade:g-scheme a ev:GradingScheme ; skos:prefLabel "g"@en , "h"@en , "i"@fr ; skos:definition "d" ;
            ev:axis ev:QualityOfEvidence .
        grade:g-A a ev:Grade ; skos:inScheme grade:g-scheme ; skos:notation "A" ; skos:prefLabel "A"@en , "B"@EN ;
            skos:definition "d" ; ev:rank 1 ; skos:closeMatch grade:grade-certainty-high , grade:grade-certainty-low ;
            skos:broadMatch "not an IRI" .
        grade:g-B a ev:Grade ; skos:inScheme grade:g-scheme ; skos:notation "B" ; skos:prefLabel "B" ;
            skos:definition "d" ; ev:rank "high" .
    """,
    "regular expressions and lengths": """
        ref:r9 a ev:Reference ; ev:citationNumber 9 ; dcterms:isPartOf source:dr-oracle-azathioprine-dermatology ;
            dcterms:title "t" ; dcterms:issued "2020"^^xsd:gYear ;
            <http://purl.org/ontology/bibo/pmid> "123\\n" , "\u0663\u0664" , 12 ;
            <http://purl.org/ontology/bibo/doi> "10.1234/a\\u001cb" , <https://doi.org/10.1234/x> .
        agent:a2 a prov:Agent ; rdfs:label ""@en .
        agent:a3 a prov:Agent ; rdfs:label "0"^^xsd:integer .
        condition:c9 a ev:Condition ; rdfs:label "c" ; ev:identifier "MONDO:1\\n" , "x:\u00a0" .
    """,
    "too long": f"""
        agent:a4 a prov:Agent ; rdfs:label "{"x" * 1001}" .
        agent:a5 a prov:Agent ; rdfs:label "{"y" * 1000}" .
        agent:a6 a prov:Agent ; rdfs:label "{"1" * 1001}"^^xsd:integer .
        agent:a7 a prov:Agent ; rdfs:label "{"z" * 1001}"@en .
        claim:azathioprine-psoriasis-indication ev:curationNote "{"n" * 10_001}" .
    """,
    "claims of every kind going wrong": """
        claim:x a ev:ClinicalStatement ; rdfs:label "" , "second" ; ev:drug "azathioprine" ;
            ev:evidence [ a ev:EvidenceItem ; ev:text "t" ] ; prov:wasDerivedFrom source:nowhere ;
            ev:evidenceGrade grade:grade-strength-strong ; ev:recommendationStrength grade:dr-oracle-A ;
            ev:negated true , false ; ev:gradeInferred true .
        claim:y a ev:ContraindicationStatement , ev:InteractionStatement ; rdfs:label "y" ; ev:drug drug:azathioprine ;
            ev:evidence evidence:nowhere ; prov:wasDerivedFrom source:dr-oracle-azathioprine-dermatology ;
            ev:section "s" ; ev:severity ev:Relative ; ev:interactant drug:azathioprine .
    """,
}


@pytest.mark.parametrize("turtle", EDGES.values(), ids=EDGES.keys())
def test_edge_case(bundled_quads: list[ox.Quad], turtle: str) -> None:
    assert not assert_same(candidate(bundled_quads, turtle)).conforms


def test_generated_10k(bundled_quads: list[ox.Quad]) -> None:
    store = candidate_store(bundled_quads)
    store.load("\n".join(generate(10_000).lines), format=ox.RdfFormat.N_TRIPLES)
    assert assert_same(store).conforms


def test_an_unknown_constraint_component_is_refused() -> None:
    shapes = Graph().parse(
        format="turtle",
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:languageIn ( "en" ) ; sh:message "English only" ] .""",
    )
    with pytest.raises(NotImplementedError, match="sh:languageIn"):
        compile_shapes(shapes)


def test_an_unknown_path_is_refused() -> None:
    shapes = Graph().parse(
        format="turtle",
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 1 ; sh:message "m" ] .""",
    )
    with pytest.raises(NotImplementedError, match="path"):
        compile_shapes(shapes)


def test_an_uncomparable_pair_is_a_violation_where_pyshacl_crashes(bundled_quads: list[ox.Quad]) -> None:
    # pySHACL 0.40 compares the two rdflib literals of sh:lessThanOrEquals without catching the
    # TypeError of an ill-typed one, so validate_store raises; the compiled check reports it.
    store = candidate(
        bundled_quads,
        """figure:f a ev:Figure ; rdfs:label "x" ; ev:printedValue "1" ; ev:quantityKind ev:Count ;
            ev:numerator "abc"^^xsd:integer ; ev:denominator 2 .""",
    )
    with pytest.raises(TypeError):
        validate_store_pyshacl(store)
    messages = [r.message for r in validate_store_sparql(store).violations]
    assert any(m.startswith("A figure's numerator (ev:numerator) must not be greater") for m in messages)


def test_threads_and_the_union_of_graphs_give_the_same_report(bundled_quads: list[ox.Quad]) -> None:
    """Serial, threaded, and over named graphs (one triple asserted twice): the same results."""
    lines = generate(10_000).lines
    broken = (BASE + KINDS).replace(  # a duplicate claim and a claim without references
        "ev:condition condition:test-condition ;\n    ev:licensingStatus",
        "ev:condition condition:psoriasis ;\n    ev:licensingStatus",
    )
    broken = broken.replace("ev:citesAsEvidence ref:dr-oracle-azathioprine-1 ;\n    prov:", "prov:")
    store = candidate(bundled_quads, broken)
    store.load("\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
    serial = validate_store_sparql(store, workers=1)
    assert keys(validate_store_sparql(store, workers=2)) == keys(serial)
    graphs = ox.Store()
    graphs.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("urn:a")) for q in store)
    graphs.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("urn:b")) for q in list(store)[::3])
    union = validate_store_sparql(graphs, union=True, workers=2)
    assert keys(union) == keys(serial)
    messages = {r.message.split(":")[0] for r in serial.violations}
    assert {"Duplicate claim", "Claim https"} <= messages
