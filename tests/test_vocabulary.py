"""The vocabulary in memory (graph.vocabulary): exact descriptions, kept current, same answers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from api.graphql import reading
from api.graphql.context import Context
from api.graphql.schema import schema
from graph.entity import describe
from graph.namespaces import EV, PREFIXES
from graph.store import EvidenceStore
from graph.vocabulary import LINK_PREDICATES, VOCABULARY_CLASSES, Vocabulary
from testing import with_vocabulary, without_vocabulary
from testing.oxigraph_server import OxigraphServer
from tests.conftest import remote_store
from tests.test_graphql_prefetch import NESTED, PAGE, NoBatches

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "evidence.ttl"
SKOS = PREFIXES["skos"]
TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
G1 = ox.NamedNode("https://example.org/graph/one")
G2 = ox.NamedNode("https://example.org/graph/two")
#: What claims are about or graded with; every class below one of these is vocabulary.
ROOTS = {
    str(EV.Substance),
    str(EV.Condition),
    str(EV.Gene),
    str(EV.Phenotype),
    SKOS + "Concept",
    SKOS + "ConceptScheme",
}


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode("https://example.org/id/" + name)


def members(store: EvidenceStore) -> set[str]:
    """The vocabulary's nodes as SPARQL finds them: IRIs typed with a vocabulary class."""
    classes = " ".join(f"<{c}>" for c in VOCABULARY_CLASSES)
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?c {{ {classes} }} ?s a ?c FILTER(isIRI(?s)) }}")
    return {r["s"].value for r in rows}


def answer(store: EvidenceStore, query: str, context: type[Context] = Context) -> tuple[Any, Any]:
    result = asyncio.run(schema.execute(query, context_value=context(store, 60.0)))
    return result.data, [(e.message, e.path) for e in result.errors or []]


@pytest.fixture
def store(bundled_quads: list[ox.Quad]) -> EvidenceStore:
    evidence = EvidenceStore()
    evidence.add_quads(bundled_quads)
    return evidence


def test_the_lists_match_the_ontology() -> None:
    ontology = Graph().parse(ONTOLOGY)
    classes = {str(c) for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    below = {
        c
        for c in classes
        if ROOTS & {str(s) for s in ontology.transitive_objects(URIRef(c), RDFS.subClassOf)}
    }
    assert below == VOCABULARY_CLASSES - {SKOS + "Concept", SKOS + "ConceptScheme"}
    links = {
        str(p)
        for p in ontology.subjects(RDF.type, OWL.ObjectProperty)
        if {str(r) for r in ontology.objects(p, RDFS.range)} & VOCABULARY_CLASSES
    }
    assert links == LINK_PREDICATES
    # and nothing a claim holds many of: claims, evidence, references
    assert not {str(EV.ClinicalStatement), str(EV.EvidenceItem), str(EV.Reference)} & VOCABULARY_CLASSES


def test_every_vocabulary_node_is_described_as_describe_does(store: EvidenceStore) -> None:
    vocabulary = store.index(Vocabulary)
    expected = members(store)
    assert len(expected) > 100
    assert set(vocabulary.entities) == expected
    whole = describe(store, sorted(expected))
    for iri in expected:
        assert vocabulary.entities[iri] == whole[iri] == describe(store, [iri])[iri], iri
        assert vocabulary.entities[iri].described is None  # complete: nothing to read later
    # drugs, conditions, grades and concept schemes are in; claims and references are not
    kinds = {t for e in vocabulary.entities.values() for t in e.types}
    assert {str(EV.Drug), str(EV.Condition), str(EV.Grade), str(EV.GradingScheme)} <= kinds
    assert not kinds & {str(EV.IndicationStatement), str(EV.Reference)}


def test_writes_keep_the_vocabulary_current_without_rebuilding_it(store: EvidenceStore) -> None:
    vocabulary = store.index(Vocabulary)
    drug = ox.NamedNode(str(EV.Drug))
    some_drug = next(i for i, e in vocabulary.entities.items() if str(EV.Drug) in e.types)
    some_claim = store.select("SELECT ?s WHERE { ?s a ev:IndicationStatement } LIMIT 1")[0]["s"]
    writes: list[tuple[list[ox.Quad], list[ox.Quad]]] = [
        ([], [ox.Quad(node("new"), TYPE, drug, G1), ox.Quad(node("new"), LABEL, ox.Literal("Newdrug"), G1)]),
        # a label in a second graph, then renamed in the first
        ([], [ox.Quad(node("new"), LABEL, ox.Literal("Newdrug"), G2)]),
        (
            [ox.Quad(node("new"), LABEL, ox.Literal("Newdrug"), G1)],
            [ox.Quad(node("new"), LABEL, ox.Literal("Renamed"), G1)],
        ),
        # an existing drug gains a synonym; a claim (not vocabulary) changes
        (
            [],
            [
                ox.Quad(
                    ox.NamedNode(some_drug), ox.NamedNode(SKOS + "altLabel"), ox.Literal("Another name"), G1
                )
            ],
        ),
        ([], [ox.Quad(some_claim, ox.NamedNode(str(EV.curationNote)), ox.Literal("checked"), G1)]),  # type: ignore[arg-type]
        # typed as a Condition too, then no longer a Drug; then not vocabulary at all
        ([], [ox.Quad(node("new"), TYPE, ox.NamedNode(str(EV.Condition)), G1)]),
        ([ox.Quad(node("new"), TYPE, drug, G1)], []),
        ([ox.Quad(node("new"), TYPE, ox.NamedNode(str(EV.Condition)), G1)], []),
        # a blank node typed as a drug is no node a caller can be handed
        ([], [ox.Quad(ox.BlankNode(), TYPE, drug, G1)]),
    ]
    for deletes, inserts in writes:
        store.apply(deletes, inserts)
        assert store.index(Vocabulary) is vocabulary  # kept current, not rebuilt
        assert vocabulary == Vocabulary.build(store._store), (deletes, inserts)
    assert node("new").value not in vocabulary.entities
    assert ox.Literal("Another name") in vocabulary.entities[some_drug].all(SKOS + "altLabel")


def test_other_writes_rebuild_the_vocabulary(store: EvidenceStore) -> None:
    first = store.index(Vocabulary)
    store.add_quads([ox.Quad(node("added"), TYPE, ox.NamedNode(str(EV.Gene)), G1)])
    second = store.index(Vocabulary)
    assert second is not first
    assert node("added").value in second.entities
    store.replace_graphs([G1], [])
    assert node("added").value not in store.index(Vocabulary).entities
    staging = ox.Store()
    staging.add(ox.Quad(node("adopted"), TYPE, ox.NamedNode(str(EV.Gene)), G1))
    store.adopt(staging)
    assert set(store.index(Vocabulary).entities) == {node("adopted").value}


def test_a_failed_write_leaves_a_correct_vocabulary(store: EvidenceStore) -> None:
    store.index(Vocabulary)
    with pytest.raises(ValueError, match="named graphs"):
        store.apply([], [ox.Quad(node("x"), TYPE, ox.NamedNode(str(EV.Drug)))])
    assert store.index(Vocabulary) == Vocabulary.build(store._store)


def test_the_vocabulary_is_not_a_round_trip(store: EvidenceStore) -> None:
    before = store.query_count
    store.index(Vocabulary)
    assert store.query_count == before  # housekeeping, like the name index: requests count their own


@pytest.mark.parametrize("name", NESTED)
def test_answers_are_the_same_without_it_and_leave_it_unchanged(store: EvidenceStore, name: str) -> None:
    with_it = answer(store, NESTED[name])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "index", without_vocabulary(store))
        without = answer(store, NESTED[name])
        assert with_it == without
        with_it_and_no_look_ahead = without
        patch.setattr(reading, "FOLLOWS", {})
        patch.setattr(reading, "LISTS", {})
    assert with_it_and_no_look_ahead == answer(store, NESTED[name])
    assert store.index(Vocabulary) == Vocabulary.build(store._store)  # requests only read it


class Vanishing(dict[str, Any]):
    """Entities that a write in another thread removes right after a request first looks at them."""

    def __contains__(self, key: object) -> bool:
        return self.pop(key, None) is not None

    def __getitem__(self, key: str) -> Any:
        return self.pop(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self.pop(key, default)


#: The nested test queries whose look-ahead takes no node from the vocabulary.
READS_NO_VOCABULARY = {"benchmark 1", "benchmark 2", "sources", "skip and include", "pages"}


@pytest.mark.parametrize("name", [*(n for n in NESTED if n not in READS_NO_VOCABULARY), "page"])
def test_a_node_leaving_the_vocabulary_during_a_request_is_read_in_sparql(
    store: EvidenceStore, name: str
) -> None:
    """Mutations commit in a worker thread while requests read the vocabulary in the event loop."""
    query = PAGE if name == "page" else NESTED[name]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "index", without_vocabulary(store))
        without = answer(store, query)
        held = Vanishing(Vocabulary.build(store._store).entities)
        size = len(held)
        patch.setattr(store, "index", with_vocabulary(store, Vocabulary(held)))
        assert answer(store, query) == without
    assert not without[1]
    assert len(held) < size  # the request did look nodes up in the vocabulary


def test_links_to_nodes_outside_the_vocabulary_are_read_in_sparql(store: EvidenceStore) -> None:
    """A claim whose drug is not typed ev:Drug (invalid, but answered): the same answer, one query more."""
    claims = store.select(
        "SELECT ?s ?d WHERE { ?s a ev:IndicationStatement ; ev:drug ?d ; ev:condition ?c } ORDER BY ?s LIMIT 2"
    )
    untyped, typed_otherwise = node("untyped-drug"), node("a-gene-as-drug")
    store.apply(
        [],
        [
            ox.Quad(claims[0]["s"], ox.NamedNode(str(EV.drug)), untyped, G1),  # type: ignore[arg-type]
            ox.Quad(untyped, LABEL, ox.Literal("Untyped"), G1),
            ox.Quad(claims[1]["s"], ox.NamedNode(str(EV.condition)), typed_otherwise, G1),  # type: ignore[arg-type]
            ox.Quad(typed_otherwise, TYPE, ox.NamedNode(str(EV.Gene)), G1),
            ox.Quad(typed_otherwise, LABEL, ox.Literal("A gene"), G1),
        ],
    )
    assert untyped.value not in store.index(Vocabulary).entities
    query = """{ indications(first: 500) { nodes { iri label drug { label } condition { label }
        grade { notation } } } }"""
    before = store.query_count
    with_it = answer(store, query, NoBatches)  # read ahead, not left to the loaders
    trips = store.query_count - before
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "index", without_vocabulary(store))
        assert with_it == answer(store, query)
    assert not with_it[1]
    assert "Untyped" not in str(with_it)  # not a Drug: the API leaves it out as without the vocabulary
    assert trips == 3  # the page, the claims, the one linked node the vocabulary does not hold


def test_a_page_of_claims_describes_the_claims_alone(store: EvidenceStore) -> None:
    store.index(Vocabulary)
    seen: list[str] = []
    query = store.query

    def counted(sparql: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(sparql)
        return query(sparql, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "query", counted)
        data, errors = answer(store, PAGE)
    assert not errors
    assert len(seen) == 2
    assert "SELECT DISTINCT ?s" not in seen[1]  # no path to the drugs, conditions and grades
    labels = {n["drug"]["label"] for n in data["indications"]["nodes"]}
    assert "azathioprine" in labels


def test_a_remote_store_has_none(oxigraph_servers: dict[str, OxigraphServer]) -> None:
    remote = remote_store(oxigraph_servers["bundled"])
    assert remote.index(Vocabulary) is None
    remote.close()
