"""The look-ahead reads only the predicates the selected fields read, and stays right when a field
reads more than it declares (its node then completes itself, at the cost of a round trip)."""

import asyncio
from typing import Any

import pyoxigraph as ox
import pytest

from api.graphql import reading, registry
from api.graphql.context import Context
from api.graphql.lookahead import plan
from api.graphql.schema import schema
from graph.entity import Entity, describe, describe_projected, entities, solutions
from graph.lookup import find_described, find_nodes
from graph.namespaces import EV, PREFIXES
from graph.store import Store
from tests.test_graphql_prefetch import BENCHMARK, NESTED, field

LABEL = PREFIXES["rdfs"] + "label"
TYPE = PREFIXES["rdf"] + "type"


def run(store: Store, query: str) -> tuple[Any, int]:
    before = store.query_count
    result = asyncio.run(schema.execute(query, context_value=Context(store, 60.0)))
    assert not result.errors, result.errors
    return result.data, store.query_count - before


def indications(store: Store) -> list[str]:
    rows = store.select("SELECT DISTINCT ?s WHERE { ?s a ev:IndicationStatement } ORDER BY ?s")
    return [r["s"].value for r in rows]


def test_a_projected_describe_reads_only_what_is_asked(bundled_store: Store) -> None:
    roots = indications(bundled_store)[:5]
    paths = [(str(EV.condition),)]
    whole = describe(bundled_store, roots, paths)
    calls: list[str] = []

    def completer(iri: str) -> Entity | None:
        calls.append(iri)
        return describe(bundled_store, [iri]).get(iri)

    part = describe_projected(bundled_store, roots, paths, frozenset([LABEL, str(EV.condition)]), completer)
    assert part.keys() == whole.keys()
    for iri, entity in part.items():
        assert set(entity.properties) <= {LABEL, TYPE, str(EV.condition)}
        assert entity.all(LABEL) == whole[iri].all(LABEL)
        assert entity.types == whole[iri].types
    assert calls == []
    claim = part[roots[0]]
    assert claim.all(str(EV.drug)) == whole[roots[0]].all(str(EV.drug))  # not read: completes itself
    assert calls == [roots[0]]
    assert claim.described is None
    assert claim.properties == whole[roots[0]].properties
    claim.all(str(EV.evidence))
    assert calls == [roots[0]]  # once


def test_a_partial_entity_without_a_completer_refuses_to_guess() -> None:
    entity = Entity("http://example.org/a", {LABEL: []}, described=frozenset([LABEL]))
    assert entity.all(LABEL) == []
    with pytest.raises(LookupError):
        entity.all(TYPE)


def test_iri_values_are_read_in_iri_order_whatever_the_row_order() -> None:
    """iri_of is the first IRI in IRI order (literals skipped); types are the IRIs among rdf:type."""
    p = "http://example.org/p"
    b, a, text = ox.NamedNode("http://example.org/b"), ox.NamedNode("http://example.org/a"), ox.Literal("0")
    assert Entity("http://example.org/s", {p: [text, b, a]}).iri_of(p) == "http://example.org/a"
    assert Entity("http://example.org/s", {p: [b]}).iri_of(p) == "http://example.org/b"
    assert Entity("http://example.org/s", {p: [text]}).iri_of(p) is None
    assert Entity("http://example.org/s", {p: [text, text]}).iri_of(p) is None
    assert Entity("http://example.org/s").iri_of(p) is None
    assert Entity("http://example.org/s", {TYPE: [b, text, a]}).types == {a.value, b.value}


def test_partial_descriptions_of_one_node_are_merged() -> None:
    a = Entity("http://example.org/a", {LABEL: []}, described=frozenset([LABEL]))
    b = Entity("http://example.org/a", {TYPE: []}, described=frozenset([TYPE]))
    a.merge(b)
    assert a.described == {LABEL, TYPE}
    a.merge(Entity("http://example.org/a", {LABEL: [], TYPE: [], "http://example.org/p": []}))
    assert a.described is None
    assert set(a.properties) == {LABEL, TYPE, "http://example.org/p"}


def test_a_plan_knows_what_each_path_reads() -> None:
    selections = [
        field("label"),
        field("drug", field("label")),
        field("references", field("title")),
        field("claims", field("nodes", field("kind"))),
    ]
    follows = {"drug": {"d"}, "references": {"r"}}
    reads: dict[str, frozenset[str] | None] = {
        "label": frozenset(["L"]),
        "drug": frozenset(["d"]),
        "references": frozenset(["r"]),
        "title": None,
        "claims": frozenset(),
        "kind": frozenset(),
    }
    found = plan(selections, follows, {"claims": True}, reads, below={"references": frozenset(["n"])})
    assert dict(found.reads) == {(): {"L", "d", "r"}, ("d",): {"L"}, ("r",): None}
    (listed,) = found.lists
    assert dict(listed.plan.reads) == {(): frozenset()}
    assert plan(selections, follows, {"claims": True}).reads == ()  # no reads known: read every predicate


@pytest.mark.parametrize("name", NESTED)
def test_answers_and_round_trips_do_not_depend_on_the_projection(bundled_store: Store, name: str) -> None:
    projected = run(bundled_store, NESTED[name])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "READS", {})  # every field reads an unknown set: whole nodes
        whole = run(bundled_store, NESTED[name])
    assert projected == whole


def test_a_field_reading_more_than_it_declares_still_answers(bundled_store: Store) -> None:
    query = next(q for q in BENCHMARK if "minCertainty" in q)  # the page of 100
    expected, trips = run(bundled_store, query)
    wrong = {**registry.READS, "label": frozenset()}  # label is read, but not declared
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "READS", wrong)
        data, more = run(bundled_store, query)
    assert data == expected
    assert more > trips  # each node completed itself with a query of its own


@pytest.mark.parametrize(
    "key",
    [
        "azathioprine",
        "AZATHIOPRINE",
        "Imuran",
        "RXNORM:1256",
        "no such drug",
        "thiopurine",
        "atopic dermatitis",
    ],
)
def test_a_lookup_that_describes_finds_what_find_nodes_finds(bundled_store: Store, key: str) -> None:
    kinds = (str(EV.Drug), str(EV.DrugClass))
    found = find_nodes(bundled_store, key, kinds)
    if key.lower() in {"azathioprine", "rxnorm:1256"}:
        assert found
    paths = [(PREFIXES["skos"] + "broader",)]
    iri, described = find_described(bundled_store, key, kinds, paths)
    assert iri == (found[0] if found else None)
    if iri is not None:
        assert described == describe(bundled_store, [iri], paths)
        assert find_described(bundled_store, iri, kinds) == (iri, describe(bundled_store, [iri]))  # by IRI
    else:
        assert described == {}


def test_the_one_pass_reader_of_a_describe_equals_the_general_one(bundled_store: Store) -> None:
    roots = indications(bundled_store)
    paths = [(str(EV.condition),), (str(EV.evidence), str(EV.figure))]
    fast = describe(bundled_store, roots, paths)
    values = " ".join(f"<{r}>" for r in roots)
    path = f"(<{EV.condition}>|<{EV.evidence}>/<{EV.figure}>)"
    sparql = (
        f"SELECT ?o ?p ?s WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {{ VALUES ?root {{ {values} }} "
        f"BIND(?root AS ?s) }} UNION {{ VALUES ?root {{ {values} }} ?root {path} ?s FILTER(isIRI(?s)) }} }} }} "
        "?s ?p ?o }"
    )
    general = entities(solutions(bundled_store, sparql, ("s", "p", "o")))  # variables in another order
    assert fast == general
    assert len(fast) > len(roots)
