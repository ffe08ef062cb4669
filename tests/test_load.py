"""The validating loader: named graphs per source, atomic commits, replace, on-disk stores."""

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import SourceError, SourceExistsError, ValidationFailedError
from graph.load import bundled_files, load_sources, open_store
from graph.namespaces import graph_iri
from graph.store import EvidenceStore, Store
from tests.conftest import snapshot

PREFIXES = """@prefix ev: <https://w3id.org/evidence-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix drug: <https://w3id.org/evidence-graph/id/drug/> .
"""

#: A new drug: conforms to the shapes.
GOOD = PREFIXES + 'drug:mycophenolate a ev:Drug ; rdfs:label "mycophenolate mofetil" .\n'
#: A drug with two labels: one Violation (rdfs:label is exactly one).
BAD = PREFIXES + 'drug:ciclosporin a ev:Drug ; rdfs:label "ciclosporin", "cyclosporine" .\n'


def test_bundled_content_loads_each_source_into_its_own_graph(bundled_store: Store) -> None:
    graphs = {g.value for g in bundled_store.graphs()}
    assert graph_iri("azathioprine-dermatology") in graphs
    assert {graph_iri("ontology/evidence"), graph_iri("ontology/grading")} <= graphs
    assert len(graphs) == len(bundled_files())


def test_a_conforming_file_is_committed_into_its_graph(fresh_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "extra-drugs.ttl"
    path.write_text(GOOD)
    result = load_sources(fresh_store, [path])
    assert result.quad_count == 2
    assert fresh_store.ask(
        "ASK WHERE { GRAPH ?g { drug:mycophenolate rdfs:label 'mycophenolate mofetil' } }",
        {"g": ox.NamedNode(graph_iri("extra-drugs"))},
    )


def test_one_violation_leaves_the_store_exactly_as_it_was(fresh_store: Store, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text(GOOD)
    bad.write_text(BAD)
    before = snapshot(fresh_store)
    with pytest.raises(ValidationFailedError) as caught:
        load_sources(fresh_store, [good, bad])
    assert snapshot(fresh_store) == before
    (violation,) = caught.value.report.violations
    assert violation.focus_node.endswith("/drug/ciclosporin")
    assert violation.path == "rdfs:label"
    assert (violation.file, violation.line) == (str(bad), 4)


def test_a_syntax_error_in_any_file_writes_nothing(fresh_store: Store, tmp_path: Path) -> None:
    good, broken = tmp_path / "good.ttl", tmp_path / "broken.ttl"
    good.write_text(GOOD)
    broken.write_text(PREFIXES + "drug:x a ev:Drug ; rdfs:label 'x' \n")
    before = snapshot(fresh_store)
    with pytest.raises(SourceError, match=r"broken\.ttl:\d+:\d+: syntax error"):
        load_sources(fresh_store, [good, broken])
    assert snapshot(fresh_store) == before


def test_loading_a_source_twice_needs_replace(fresh_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "extra-drugs.ttl"
    path.write_text(GOOD)
    load_sources(fresh_store, [path])
    with pytest.raises(SourceExistsError, match="--replace"):
        load_sources(fresh_store, [path])
    path.write_text(PREFIXES + 'drug:tacrolimus a ev:Drug ; rdfs:label "tacrolimus" .\n')
    result = load_sources(fresh_store, [path], replace=True)
    assert [g.value for g in result.replaced] == [graph_iri("extra-drugs")]
    labels = {
        r["l"].value
        for r in fresh_store.select(
            "SELECT ?l WHERE { GRAPH ?g { ?s rdfs:label ?l } }", {"g": ox.NamedNode(graph_iri("extra-drugs"))}
        )
    }
    assert labels == {"tacrolimus"}


def test_a_replacement_that_breaks_the_shapes_keeps_the_old_graph(fresh_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "extra.ttl"
    path.write_text(GOOD)
    load_sources(fresh_store, [path])
    before = snapshot(fresh_store)
    path.write_text(BAD)
    with pytest.raises(ValidationFailedError):
        load_sources(fresh_store, [path], replace=True)
    assert snapshot(fresh_store) == before


def test_json_ld_and_n_triples_load_into_the_store(fresh_store: Store, tmp_path: Path) -> None:
    jsonld = tmp_path / "as-jsonld.jsonld"
    jsonld.write_text(
        json.dumps(
            {
                "@id": "https://w3id.org/evidence-graph/id/drug/mycophenolate",
                "@type": "https://w3id.org/evidence-graph/ontology#Drug",
                "http://www.w3.org/2000/01/rdf-schema#label": "mycophenolate mofetil",
            }
        )
    )
    ntriples = tmp_path / "as-ntriples.nt"
    ntriples.write_text(
        "<https://w3id.org/evidence-graph/id/drug/tacrolimus> "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/evidence-graph/ontology#Drug> .\n"
        '<https://w3id.org/evidence-graph/id/drug/tacrolimus> <http://www.w3.org/2000/01/rdf-schema#label> "tacrolimus" .\n'
    )
    load_sources(fresh_store, [jsonld, ntriples])
    assert {g.value for g in fresh_store.graphs()} >= {graph_iri("as-jsonld"), graph_iri("as-ntriples")}
    assert fresh_store.ask("ASK WHERE { drug:tacrolimus a ev:Drug . drug:mycophenolate a ev:Drug }")


def test_two_files_may_not_write_the_same_graph(fresh_store: Store, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "same.ttl", tmp_path / "b" / "same.ttl"
    first.write_text(GOOD)
    second.write_text(GOOD)
    with pytest.raises(SourceError, match="same named graph"):
        load_sources(fresh_store, [first, second])


def test_an_on_disk_store_keeps_its_content_across_opens(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    size = len(store)
    assert size > 1000
    extra = tmp_path / "extra.ttl"
    extra.write_text(GOOD)
    load_sources(store, [extra])
    del store
    reopened = open_store(tmp_path / "store")
    assert len(reopened) == size + 2
    assert reopened.ask("ASK WHERE { drug:mycophenolate a ev:Drug }")


def test_a_load_keeps_every_other_graph_and_adds_exactly_the_file(fresh_store: Store, tmp_path: Path) -> None:
    """The staging store holds the store's other graphs for validation; the commit keeps them all."""
    path = tmp_path / "extra-drugs.ttl"
    path.write_text(GOOD)
    before = snapshot(fresh_store)
    load_sources(fresh_store, [path])
    added = snapshot(fresh_store) - before
    assert before <= snapshot(fresh_store)
    assert len(added) == 2
    assert all(graph_iri("extra-drugs") in quad for quad in added)


def test_a_replace_validates_against_the_other_graphs(fresh_store: Store, tmp_path: Path) -> None:
    """Another graph's claim is in the candidate: a file restating it is a duplicate."""
    claim = fresh_store.select(
        "SELECT ?c ?d ?cond ?src WHERE { ?c a ev:IndicationStatement ; ev:drug ?d ; ev:condition ?cond ;"
        " prov:wasDerivedFrom ?src FILTER NOT EXISTS { ?c ev:negated true } } ORDER BY ?c LIMIT 1"
    )[0]
    path = tmp_path / "restated.ttl"
    path.write_text(
        f"""@prefix ev: <https://w3id.org/evidence-graph/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/evidence-graph/id/claim/restated> a ev:IndicationStatement ; rdfs:label "restated" ;
    ev:drug {claim["d"]} ; ev:condition {claim["cond"]} ; prov:wasDerivedFrom {claim["src"]} .
"""
    )
    before = snapshot(fresh_store)
    with pytest.raises(ValidationFailedError, match="Duplicate claim"):
        load_sources(fresh_store, [path])
    assert snapshot(fresh_store) == before


def test_an_in_memory_store_adopts_the_validated_staging_store(tmp_path: Path) -> None:
    store = EvidenceStore()
    load_sources(store, bundled_files())
    quads = snapshot(store)
    assert len(quads) == len(store) > 2000
    on_disk = EvidenceStore(tmp_path / "store")
    load_sources(on_disk, bundled_files())
    # Each load gives a file's blank nodes fresh identities (they are local to the file).
    assert len(on_disk) == len(store)
    assert {q for q in snapshot(on_disk) if "_:" not in q} == {q for q in quads if "_:" not in q}
    with pytest.raises(ValueError, match="on-disk"):
        on_disk.adopt(ox.Store())


def test_select_gives_each_row_its_bound_variables_by_name(bundled_store: Store) -> None:
    """Rows are dicts of the bound variables; an unbound one is absent, whatever the column order."""
    rows = bundled_store.select(
        """SELECT ?missing ?label ?drug WHERE {
             VALUES ?drug { <https://w3id.org/evidence-graph/id/drug/azathioprine> }
             ?drug rdfs:label ?label OPTIONAL { ?drug <http://example.org/none> ?missing }
           }"""
    )
    assert rows == [
        {
            "drug": ox.NamedNode("https://w3id.org/evidence-graph/id/drug/azathioprine"),
            "label": ox.Literal("azathioprine"),
        }
    ]
