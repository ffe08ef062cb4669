"""The name index (graph.names): the same nodes as the SPARQL name lookup, kept current by writes."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.graphql import nodes  # noqa: F401 - the node types, registered for classes_of
from api.graphql.conversion import REFERENCE, SOURCE, classes_of
from graph.claims import MAX_NAMED, ClaimFilter, _compile, find_claims, label_order, named, search
from graph.entity import describe, solutions
from graph.errors import AmbiguousKeyError
from graph.lookup import _named, find_described, find_nodes
from graph.names import NAME_PREDICATES, NameIndex
from graph.namespaces import BASE, EV, PREFIXES
from graph.store import EvidenceStore, text

DRUG, SUBSTANCE, CONDITION, GENE, PHENOTYPE = (
    classes_of(name) for name in ("Drug", "Substance", "Condition", "Gene", "Phenotype")
)
KINDS = [DRUG, SUBSTANCE, CONDITION, GENE, PHENOTYPE, REFERENCE, SOURCE]
LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
ALT = ox.NamedNode(PREFIXES["skos"] + "altLabel")
TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
G1 = ox.NamedNode("https://example.org/graph/one")
G2 = ox.NamedNode("https://example.org/graph/two")


def sparql_nodes(store: EvidenceStore, key: str, kinds: tuple[str, ...]) -> list[str]:
    """The lookup as SPARQL answers it (what a store without an index runs)."""
    rows = store.select(f"SELECT ?s WHERE {{ {_named(kinds, key)} }} ORDER BY ?s")
    return list(dict.fromkeys(text(r["s"]) for r in rows))


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode("https://example.org/id/" + name)


def drug(name: str, *labels: str, graph: ox.NamedNode = G1) -> list[ox.Quad]:
    subject = node(name)
    return [ox.Quad(subject, TYPE, ox.NamedNode(str(EV.Drug)), graph)] + [
        ox.Quad(subject, LABEL, ox.Literal(label), graph) for label in labels
    ]


@pytest.fixture
def store(bundled_quads: list[ox.Quad]) -> EvidenceStore:
    evidence = EvidenceStore()
    evidence.add_quads(bundled_quads)
    return evidence


def test_the_index_finds_what_sparql_finds_for_every_name_in_any_case(store: EvidenceStore) -> None:
    names = {
        text(r["n"])
        for r in store.select(
            "SELECT DISTINCT ?n WHERE { ?s rdfs:label|skos:altLabel|skos:prefLabel|ev:identifier|dcterms:title ?n }"
        )
    }
    assert len(names) > 200
    keys = {variant for n in names for variant in (n, n.upper(), n.lower(), n.title())}
    keys |= {"no such name", "", "azathioprine ", str(EV.Drug)}
    found = 0
    for kinds in KINDS:
        for key in sorted(keys):
            expected = sparql_nodes(store, key, kinds)
            assert find_nodes(store, key, kinds) == expected, (key, kinds)
            found += bool(expected)
    assert found > 300  # the comparison is not between two empty answers


@pytest.mark.parametrize(
    "label",
    ["Behçet's disease", "ΣΊΣΥΦΟΣ", "İzmir fever", "Straße", "ǅemal", "\u212a-drug", "ÆTHER", "ﬁrst"],
)
def test_case_folding_matches_sparql_lcase(store: EvidenceStore, label: str) -> None:
    store.apply([], drug("unicode", label))
    for key in {label, label.upper(), label.lower(), label.title(), label.casefold()}:
        assert find_nodes(store, key, DRUG) == sparql_nodes(store, key, DRUG), key
    assert find_nodes(store, label, DRUG) == [node("unicode").value]


def test_a_name_several_nodes_carry_finds_them_all_and_is_ambiguous_as_a_key(store: EvidenceStore) -> None:
    store.apply([], drug("b-twin", "Twinned name") + drug("a-twin", "TWINNED NAME"))
    condition = node("0-condition")  # first in IRI order, but not a drug
    store.apply(
        [],
        [
            ox.Quad(condition, TYPE, ox.NamedNode(str(EV.Condition)), G1),
            ox.Quad(condition, LABEL, ox.Literal("twinned name"), G1),
        ],
    )
    twins = [node("a-twin").value, node("b-twin").value]
    assert find_nodes(store, "twinned name", DRUG) == twins == sparql_nodes(store, "twinned name", DRUG)
    assert find_nodes(store, "twinned name", CONDITION) == [condition.value]
    with pytest.raises(AmbiguousKeyError) as ambiguous:
        find_described(store, "Twinned Name", DRUG)
    assert ambiguous.value.iris == twins
    assert all(iri in str(ambiguous.value) for iri in twins)
    # the same, without the name index (the lookup is then a subquery of the describe)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "index", lambda kind: None)
        with pytest.raises(AmbiguousKeyError) as unindexed:
            find_described(store, "Twinned Name", DRUG, [[str(EV.drug)]])
        assert unindexed.value.iris == twins
    iri, found = find_described(store, "twinned name", CONDITION)  # one condition: not ambiguous
    assert (iri, found) == (condition.value, describe(store, [condition.value]))
    assert find_described(store, "twinned name", GENE) == (None, {})


def test_blank_nodes_are_not_found_by_name(store: EvidenceStore) -> None:
    blank = ox.BlankNode()
    store.apply(
        [],
        [
            ox.Quad(blank, TYPE, ox.NamedNode(str(EV.Drug)), G1),
            ox.Quad(blank, LABEL, ox.Literal("Nameless"), G1),
        ],
    )
    assert find_nodes(store, "nameless", DRUG) == [] == sparql_nodes(store, "nameless", DRUG)


def test_writes_keep_the_index_current_without_rebuilding_it(store: EvidenceStore) -> None:
    index = store.index(NameIndex)
    store.apply([], [*drug("newdrug", "Zapthioprine"), ox.Quad(node("newdrug"), ALT, ox.Literal("ZPT"), G1)])
    assert store.index(NameIndex) is index  # kept current, not rebuilt
    assert find_nodes(store, "zapthioprine", DRUG) == [node("newdrug").value]
    assert find_nodes(store, "zpt", DRUG) == [node("newdrug").value]

    # renamed: the old name names nothing any more
    store.apply(
        [ox.Quad(node("newdrug"), LABEL, ox.Literal("Zapthioprine"), G1)],
        [ox.Quad(node("newdrug"), LABEL, ox.Literal("Zapthiopurine"), G1)],
    )
    assert find_nodes(store, "zapthioprine", DRUG) == []
    assert find_nodes(store, "ZAPTHIOPURINE", DRUG) == [node("newdrug").value]

    # the same name in two graphs: deleting it from one leaves the node named
    store.apply([], [ox.Quad(node("newdrug"), ALT, ox.Literal("ZPT"), G2)])
    store.apply([ox.Quad(node("newdrug"), ALT, ox.Literal("ZPT"), G1)], [])
    assert find_nodes(store, "zpt", DRUG) == [node("newdrug").value]
    assert store.index(NameIndex) is index
    assert index == NameIndex.build(store._store)  # what a rebuild from scratch would hold


def test_other_writes_rebuild_the_index(store: EvidenceStore) -> None:
    first = store.index(NameIndex)
    store.add_quads(drug("added", "Addedrug"))
    assert find_nodes(store, "addedrug", DRUG) == [node("added").value]
    second = store.index(NameIndex)
    assert second is not first
    store.replace_graphs([G1], drug("replaced", "Replacedrug", graph=G1))
    assert find_nodes(store, "addedrug", DRUG) == []
    assert find_nodes(store, "replacedrug", DRUG) == [node("replaced").value]
    staging = ox.Store()
    staging.extend(drug("adopted", "Adoptedrug"))
    store.adopt(staging)
    assert find_nodes(store, "replacedrug", DRUG) == []
    assert find_nodes(store, "adoptedrug", DRUG) == [node("adopted").value]


def test_a_failed_write_leaves_a_correct_index(store: EvidenceStore) -> None:
    store.index(NameIndex)
    with pytest.raises(ValueError, match="named graphs"):
        store.apply([], [ox.Quad(node("x"), LABEL, ox.Literal("Defaultgraphname"))])
    assert find_nodes(store, "azathioprine", DRUG) == sparql_nodes(store, "azathioprine", DRUG)
    assert store.index(NameIndex) == NameIndex.build(store._store)


def test_the_index_reads_every_name_predicate(store: EvidenceStore) -> None:
    subject = node("every-name")
    quads = [ox.Quad(subject, TYPE, ox.NamedNode(str(EV.Drug)), G1)]
    quads += [
        ox.Quad(subject, ox.NamedNode(p), ox.Literal(f"name {i}"), G1) for i, p in enumerate(NAME_PREDICATES)
    ]
    quads.append(ox.Quad(subject, ALT, ox.NamedNode("https://example.org/an-iri-name"), G1))
    store.apply([], quads)
    for key in [f"NAME {i}" for i in range(len(NAME_PREDICATES))] + ["https://example.org/an-iri-name"]:
        assert find_nodes(store, key, DRUG) == [subject.value] == sparql_nodes(store, key, DRUG), key


def sparql_claims(store: EvidenceStore, claim_filter: ClaimFilter) -> tuple[int, list[str]]:
    """A filter's matches with the names compared in SPARQL (what a store without an index runs)."""
    rows = solutions(
        store,
        f"SELECT ?s ?label WHERE {{ {_compile(claim_filter)} OPTIONAL {{ ?s rdfs:label ?label }} }}",
        ("s", "label"),
    )
    order = label_order(rows)
    return len(order), order[:PAGE]


PAGE = 500
LINKS = {"drug": "ev:drug", "condition": "ev:condition", "source": "prov:wasDerivedFrom", "gene": "ev:gene"}


def test_filters_by_name_match_what_sparql_matches(store: EvidenceStore) -> None:
    checked = 0
    for field, predicate in LINKS.items():
        linked = store.select(
            f"SELECT DISTINCT ?o ?n WHERE {{ ?c {predicate} ?o . OPTIONAL {{ ?o rdfs:label|skos:altLabel|ev:identifier|dcterms:title ?n }} }}"
        )
        keys = {text(r["o"]) for r in linked} | {text(r["n"]).upper() for r in linked if "n" in r}
        keys |= {text(r["n"]) for r in linked if "n" in r} | {"no such name"}
        for key in sorted(keys):
            for kinds in [(), (str(EV.IndicationStatement),)]:
                claim_filter = ClaimFilter(kinds=kinds, **{field: key})
                page = find_claims(store, claim_filter, PAGE)
                assert (page.total, page.iris) == sparql_claims(store, claim_filter), (field, key, kinds)
                checked += page.total > 0
    assert checked > 50
    both = ClaimFilter(drug="AZATHIOPRINE", condition="atopic dermatitis", licensed=False)
    page = find_claims(store, both, PAGE)
    assert page.total > 0
    assert (page.total, page.iris) == sparql_claims(store, both)


def test_a_name_on_many_nodes_is_compared_in_sparql(store: EvidenceStore) -> None:
    quads = []
    for i in range(MAX_NAMED + 1):
        quads += drug(f"many-{i}", "Common name")
    store.apply([], quads)
    assert named(store, "common name") is None
    assert len(find_nodes(store, "common name", DRUG)) == MAX_NAMED + 1
    assert named(store, "azathioprine") == [f"{BASE}id/drug/azathioprine"]
    claim_filter = ClaimFilter(drug="common name")
    assert find_claims(store, claim_filter, PAGE).total == sparql_claims(store, claim_filter)[0] == 0


def test_the_server_builds_the_index_before_its_first_request(store: EvidenceStore) -> None:
    assert NameIndex not in store._indexes
    with TestClient(create_app(store=store)) as client:
        assert NameIndex in store._indexes
        built = store._indexes[NameIndex]
        answer = client.post("/graphql", json={"query": '{ drug(key: "AZATHIOPRINE") { iri } }'}).json()
        assert answer == {"data": {"drug": {"iri": f"{BASE}id/drug/azathioprine"}}}
        assert store._indexes[NameIndex] is built


def test_both_search_queries_give_the_same_answer(store: EvidenceStore) -> None:
    """Search starts from the names in large stores and from the kinds in small ones: same answer."""
    odd = [
        ox.Quad(node("twice-typed"), TYPE, ox.NamedNode(str(EV.Condition)), G1),
        ox.Quad(node("twice-typed"), TYPE, ox.NamedNode(str(EV.PatientState)), G1),
        ox.Quad(node("twice-typed"), LABEL, ox.Literal("Dermatitis of two kinds"), G1),
        ox.Quad(node("twice-typed"), ALT, ox.Literal("DERMATITIS"), G1),
        ox.Quad(node("untyped"), LABEL, ox.Literal("Untyped dermatitis"), G1),
        ox.Quad(node("not-searchable"), TYPE, ox.NamedNode(str(EV.Grade)), G1),
        ox.Quad(node("not-searchable"), LABEL, ox.Literal("A dermatitis grade"), G1),
    ]
    store.apply([], odd + drug("accented", "Behçet\u2019s déjà vu"))
    terms = {
        "dermatitis",
        "aza",
        "behcet's",
        "deja",
        "tpmt",
        "a",
        "Behçet",
        "nudt15",
        "grade",
        "no such thing",
    }
    terms |= {text(r["n"])[:6] for r in store.select("SELECT ?n WHERE { ?s rdfs:label ?n } LIMIT 60")}
    found = 0
    for term in sorted(terms):
        by_kinds = search(store, term, from_names=False)
        assert search(store, term, from_names=True) == by_kinds, term
        found += bool(by_kinds)
    assert found > 20
    dermatitis = search(store, "dermatitis")
    assert dermatitis[0] == node("twice-typed").value  # an exact match of a name comes first
    assert node("untyped").value not in dermatitis
    assert node("not-searchable").value not in dermatitis
    assert search(store, "deja") == [node("accented").value]
