"""The validating loader: named graphs per source, atomic commits, replace, on-disk stores."""

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import SourceError, SourceExistsError, ValidationFailedError
from graph.load import bundled_files, load_sources, open_store
from graph.namespaces import graph_iri
from graph.store import Store
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
