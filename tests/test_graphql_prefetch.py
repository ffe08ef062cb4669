"""The look-ahead: a root field reads what its selection reaches before any field below it resolves.

Answers must not depend on it: every query here is answered with the look-ahead and without it
(nested reads then go through the DataLoaders, level by level), on both backends, and the two
answers must be equal, order included. Round trips are counted with ``store.query_count``.
"""

import asyncio
from typing import Any

import pytest
from graphql import build_schema
from strawberry.types.nodes import InlineFragment, SelectedField

from api.graphql import connections, lookahead, reading, registry
from api.graphql.context import Context
from api.graphql.schema import schema
from graph.entity import describe
from graph.namespaces import EV, PREFIXES
from graph.store import Store
from graph.vocabulary import Vocabulary
from testing import without_vocabulary

# The benchmark's queries (bench/queries.py) and the round trips each costs with the look-ahead.
GRADE_A = """{ indications(filter: {licensed: false, grade: "A"}) { totalCount
  nodes { iri condition { label } grade { notation } references { iri title } } } }"""
DRUG = '{ drug(key: "azathioprine") { iri label altLabels identifiers drugClasses exactMatches } }'
DEEP = (
    '{ drug(key: "azathioprine") { iri indications { totalCount nodes { iri label '
    "references { iri title claims { totalCount nodes { iri label kind } } } } } } }"
)
SEARCH = '{ search(text: "dermatitis", first: 20) { totalCount nodes { iri label } } }'
PAGE = """{ indications(filter: {minCertainty: MODERATE}, first: 100) { totalCount
  nodes { iri label licensed drug { label } condition { label } grade { notation } } } }"""

BENCHMARK = {
    GRADE_A: 2,  # the page (with its total), then the nodes with their conditions, grades, references
    DRUG: 1,  # the lookup, describing the drug it finds
    DEEP: 5,  # the lookup with the drug, its indications, those with their references, who cites them, those
    SEARCH: 2,  # the search, then the page's nodes
    PAGE: 2,  # the page, then the nodes with their drugs, conditions and grades
}

NESTED = {
    **{f"benchmark {i}": query for i, query in enumerate(BENCHMARK)},
    "drugs, deep": """{ drugs(first: 500) { nodes { label indications(first: 500) { nodes {
        condition { label broader { label } } grade { notation scheme { label } }
        references { title claims(first: 500) { totalCount nodes { label drug { label } } } }
        evidence { text figures { printedValue } comparators { label } } } } } } }""",
    "a drug's lists": """{ drug(key: "azathioprine") {
        c: claims(kind: CONTRAINDICATION, first: 3) { totalCount pageInfo { hasNextPage endCursor }
          nodes { iri ... on ContraindicationStatement { severity condition { label } coMedication { label } } } }
        d: claims(kind: CONTRAINDICATION, first: 3, after: "Y3Vyc29yOjI=") { totalCount nodes { iri } }
        e: claims(kind: CONTRAINDICATION, last: 2, before: "Y3Vyc29yOjQ=") { totalCount
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { iri } }
        claims { totalCount edges { cursor node { iri kind } } }
        interactions { nodes { interactant { label } effect } }
        pharmacogenomics { nodes { gene { label pharmacogenomics { totalCount } }
          phenotypes { label gene { label } } risks { label } } }
        practicePoints { nodes { relatedDrugs { label } } }
        mechanisms { nodes { metabolites { label } enzymes { label } risks { label } } } } }""",
    "sources": """{ sources { nodes { title references { citationNumber title source { title }
        claims(first: 2) { totalCount pageInfo { hasNextPage } nodes { iri } } } } } }""",
    "grading schemes": """{ gradingSchemes { label grades { notation rank closeMatches { notation scheme { label } }
        broadMatches { notation } } } }""",
    "conditions": """{ conditions(first: 500) { totalCount nodes { label patientState broader { label }
        indications { totalCount nodes { iri } } claims(kind: INDICATION) { totalCount } } } }""",
    "search, fragments": """{ search(text: "a", first: 500) { totalCount pageInfo { hasNextPage endCursor }
        nodes { __typename id
          ... on Claim { kind drug { label } references { title } }
          ... on Drug { claims(first: 2) { totalCount nodes { label } } }
          ... on Reference { source { title } claims { totalCount } }
          ... on Condition { broader { label } indications { nodes { grade { notation } } } } } } }""",
    "named fragments": """query { drug(key: "azathioprine") { ...D } }
       fragment D on Drug { iri ...E claims(first: 3) { ...C } }
       fragment E on Identified { altLabels broader { label } }
       fragment C on ClaimConnection { totalCount nodes { ... on IndicationStatement { condition { label } }
         ... on Claim { references { title } } } }""",
    "skip and include": """{ drug(key: "azathioprine") { iri indications @include(if: false) { totalCount }
        claims(first: 2) @skip(if: true) { totalCount } contraindications { totalCount } } }""",
    "pages": """{ a: indications(first: 2) { totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { iri } }
        b: indications(first: 2, after: "Y3Vyc29yOjE=") { totalCount pageInfo { hasNextPage hasPreviousPage }
          nodes { iri } }
        c: indications(first: 0) { totalCount pageInfo { hasNextPage startCursor } }
        d: indications(after: "Y3Vyc29yOjEwMDA=") { totalCount pageInfo { hasNextPage hasPreviousPage }
          nodes { iri } }
        e: indications(last: 3) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor } nodes { iri } }
        f: indications(first: 5, last: 2, after: "Y3Vyc29yOjA=") { pageInfo { startCursor endCursor } }
        g: drugs(last: 1) { nodes { label indications(last: 2) { edges { cursor node { iri } } } } } }""",
}
#: Queries with a bad argument below a root field: the same errors, with or without the look-ahead.
BAD = {
    "a bad nested argument": """{ drug(key: "azathioprine") { claims(first: -1) { totalCount }
        indications(first: 1) { totalCount } } }""",
    "a bad argument in a list": "{ drugs { nodes { label claims(first: 501) { totalCount } } } }",
}
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage endCursor }"


def run(store: Store, query: str) -> tuple[Any, list[tuple[str, Any]], int]:
    """The data, the errors (message, path) and the round trips of one request on a fresh context."""
    before = store.query_count
    result = asyncio.run(schema.execute(query, context_value=Context(store, 60.0)))
    errors = [(e.message, e.path) for e in result.errors or []]
    return result.data, errors, store.query_count - before


@pytest.fixture
def no_look_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans that read nothing ahead: every field below a root field reads through the loaders."""
    monkeypatch.setattr(reading, "FOLLOWS", {})
    monkeypatch.setattr(reading, "LISTS", {})


@pytest.mark.parametrize("name", [*NESTED, *BAD])
def test_answers_do_not_depend_on_the_look_ahead(bundled_store: Store, name: str) -> None:
    query = NESTED.get(name) or BAD[name]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "FOLLOWS", {})
        patch.setattr(reading, "LISTS", {})
        without = run(bundled_store, query)
    data, errors, _ = run(bundled_store, query)
    assert (data, errors) == without[:2]
    assert bool(errors) == (name in BAD), errors


@pytest.mark.parametrize(("query", "round_trips"), BENCHMARK.items())
def test_benchmark_queries_cost_their_round_trips(bundled_store: Store, query: str, round_trips: int) -> None:
    # a minCertainty filter reads the crosswalks it names: from the vocabulary an embedded store
    # keeps, else with one more query
    more = 1 if "minCertainty" in query and bundled_store.kind() != "embedded" else 0
    assert run(bundled_store, query)[2] == round_trips + more


@pytest.mark.parametrize("query", [GRADE_A, DEEP, PAGE])
def test_the_look_ahead_saves_round_trips(
    bundled_store: Store, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the look-ahead alone: without the vocabulary, which saves the loaders' reads of linked nodes too
    monkeypatch.setattr(bundled_store, "index", without_vocabulary(bundled_store))
    ahead = run(bundled_store, query)[2]
    monkeypatch.setattr(reading, "FOLLOWS", {})
    monkeypatch.setattr(reading, "LISTS", {})
    assert run(bundled_store, query)[2] > ahead


class NoBatches(Context):
    """A context whose DataLoaders must not be used: everything comes from the look-ahead."""

    def _loader(self, paths: frozenset[tuple[str, ...]]) -> Any:
        raise AssertionError(f"a node was not read ahead ({sorted(paths)})")

    def referrers(self, key: Any) -> Any:
        raise AssertionError(f"an inverse list was not read ahead: {key}")


@pytest.mark.parametrize("name", NESTED)
def test_nested_fields_never_wait_for_a_batch(bundled_store: Store, name: str) -> None:
    result = asyncio.run(schema.execute(NESTED[name], context_value=NoBatches(bundled_store, 60.0)))
    assert result.errors is None, result.errors


def test_the_page_query_gives_the_total_at_every_offset(bundled_store: Store) -> None:
    """totalCount comes with the page, in one round trip, whatever the page and the offset."""
    full = run(bundled_store, "{ indications(first: 500) { totalCount nodes { iri } } }")[0]["indications"]
    total = full["totalCount"]
    assert total == len(full["nodes"]) > 4
    for after in [
        "",
        f', after: "{connections.encode_cursor(1)}"',
        f', after: "{connections.encode_cursor(total + 5)}"',
    ]:
        data, errors, trips = run(
            bundled_store, f"{{ indications(first: 2{after}) {{ totalCount {PAGE_INFO} }} }}"
        )
        assert not errors
        assert data["indications"]["totalCount"] == total
        assert trips == 1  # the page query alone: no count query, and no node is selected
    last = f'{{ indications(first: 3, after: "{connections.encode_cursor(total - 4)}") {{ {PAGE_INFO} nodes {{ iri }} }} }}'
    data = run(bundled_store, last)[0]["indications"]
    assert [n["iri"] for n in data["nodes"]] == [n["iri"] for n in full["nodes"][-3:]]
    assert data["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("field", ["indications", "drugs", "conditions"])
@pytest.mark.parametrize("after", [None, 0, 2])
def test_a_page_without_nodes_reads_none_and_says_the_same(
    bundled_store: Store, field: str, after: int | None
) -> None:
    """totalCount and pageInfo alone cost the page query only, and equal what a page with nodes says."""
    window = "first: 3" + ("" if after is None else f', after: "{connections.encode_cursor(after)}"')
    page = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
    connection = {"indications": "IndicationStatement", "drugs": "Drug", "conditions": "Condition"}[field]
    alone, errors, trips = run(bundled_store, f"{{ {field}({window}) {{ {page} }} }}")
    assert not errors
    assert trips == 1
    for selection in (
        "nodes { iri }",
        "edges { cursor node { label } }",
        f"... on {connection}Connection {{ nodes {{ iri }} }}",
    ):
        listed, errors, trips = run(bundled_store, f"{{ {field}({window}) {{ {page} {selection} }} }}")
        assert not errors, errors
        # one describe more; none for drugs and conditions, which the vocabulary holds (graph.vocabulary)
        assert trips == (1 if field != "indications" and bundled_store.index(Vocabulary) else 2), selection
        assert {k: listed[field][k] for k in ("totalCount", "pageInfo")} == alone[field]
        assert len(listed[field].get("nodes") or listed[field]["edges"]) == 3
    assert alone[field]["pageInfo"]["startCursor"] == connections.encode_cursor(
        after + 1 if after is not None else 0
    )


#: An inverse list asked for its length, cursors or pageInfo only: (query, round trips with the
#: vocabulary in memory, without it), then the same with its nodes selected, which costs one
#: describe more.
COUNTED_LISTS = {
    'drug(key: "azathioprine") { claims(first: 3) { LIST } }': (2, 2),
    'drug(key: "azathioprine") { indications { LIST } }': (2, 2),
    "drugs { nodes { label claims(first: 2) { LIST } } }": (2, 3),  # the drugs are not described
    "references(first: 4) { nodes { title claims { LIST } } }": (3, 3),
}
LIST_ONLY = "totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


@pytest.mark.parametrize(("query", "round_trips"), COUNTED_LISTS.items())
def test_an_inverse_list_without_nodes_reads_none_and_says_the_same(
    bundled_store: Store, query: str, round_trips: tuple[int, int]
) -> None:
    """Totals, cursors and pageInfo of a list come from the list alone: its nodes are not described."""
    expected = round_trips[0] if bundled_store.index(Vocabulary) else round_trips[1]
    alone, errors, trips = run(bundled_store, "{ " + query.replace("LIST", LIST_ONLY) + " }")
    assert not errors, errors
    assert trips == expected
    listed, errors, more = run(
        bundled_store, "{ " + query.replace("LIST", LIST_ONLY + " items: nodes { iri }") + " }"
    )
    assert not errors, errors
    assert more == expected + 1

    def without_items(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: without_items(v) for k, v in value.items() if k != "items"}
        if isinstance(value, list):
            return [without_items(v) for v in value]
        return value

    assert without_items(listed) == alone
    assert "'items': [{'iri'" in str(listed)
    assert "totalCount" in str(alone)


def test_paging_through_a_list_gives_the_whole_list(bundled_store: Store) -> None:
    whole = run(bundled_store, "{ claims(first: 500) { totalCount nodes { iri } } }")[0]["claims"]
    seen: list[str] = []
    after = ""
    while True:
        page = run(
            bundled_store, f"{{ claims(first: 3{after}) {{ totalCount {PAGE_INFO} nodes {{ iri }} }} }}"
        )
        connection = page[0]["claims"]
        assert connection["totalCount"] == whole["totalCount"]
        assert connection["pageInfo"]["hasPreviousPage"] == bool(seen)
        seen += [n["iri"] for n in connection["nodes"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = f', after: "{connection["pageInfo"]["endCursor"]}"'
    assert seen == [n["iri"] for n in whole["nodes"]]


def test_a_spent_deadline_stops_the_look_ahead(bundled_store: Store) -> None:
    result = asyncio.run(schema.execute(DEEP, context_value=Context(bundled_store, 0.0)))
    assert result.errors
    assert {(e.extensions or {}).get("code") for e in result.errors} == {"TIMEOUT"}


def test_describing_with_paths_describes_each_node_as_alone(bundled_store: Store) -> None:
    rows = bundled_store.select("SELECT DISTINCT ?s WHERE { ?s a ev:IndicationStatement }")
    roots = sorted(r["s"].value for r in rows)
    paths = [
        (str(EV.condition),),
        (str(EV.condition), PREFIXES["skos"] + "broader"),
        (str(EV.evidence), str(EV.figure)),
        (str(EV.citesAsEvidence),),
    ]
    together = describe(bundled_store, roots, paths)
    assert set(roots) < set(together)
    alone = describe(bundled_store, sorted(together))
    assert together.keys() == alone.keys()
    for iri, entity in alone.items():
        assert together[iri].properties == entity.properties  # the same values, in the same order


# --- the plan ------------------------------------------------------------------------------------


def field(name: str, *selections: Any, **arguments: Any) -> SelectedField:
    return SelectedField(name, {}, arguments, list(selections))


FOLLOWS = {"drug": {"d"}, "references": {"r"}, "broader": {"b"}}
LISTS = {"claims": True, "references": False}


def test_a_plan_follows_link_fields_at_any_depth() -> None:
    selections = [field("label"), field("drug", field("broader", field("label"))), field("references")]
    found = lookahead.plan(selections, FOLLOWS, LISTS)
    assert found.paths == {("d",), ("d", "b"), ("r",)}
    # references is a link on claims and an inverse list on source documents: both are planned
    assert [(listed.at, listed.name) for listed in found.lists] == [((), "references")]


def test_a_plan_finds_inverse_lists_with_their_arguments_and_fragments() -> None:
    claims_field = field("claims", field("nodes", field("drug")), first="2")
    fragment = InlineFragment("Drug", [claims_field], {})
    found = lookahead.plan([field("drug", fragment)], FOLLOWS, LISTS)
    [listed] = found.lists
    assert (listed.at, listed.on, listed.name, dict(listed.arguments)) == (
        ("d",),
        "Drug",
        "claims",
        {"first": "2"},
    )
    assert listed.plan.paths == {("d",)}


def test_a_plan_leaves_out_what_skip_and_include_leave_out() -> None:
    skipped = SelectedField("drug", {"skip": {"if": True}}, {}, [])
    excluded = SelectedField("references", {"include": {"if": False}}, {}, [])
    assert lookahead.plan([skipped, excluded], FOLLOWS, LISTS) == lookahead.Plan(frozenset(), ())


def test_planned_fields_are_fields_of_their_types() -> None:
    types = build_schema(schema.as_str()).type_map
    links = {name for t in registry.NODE_TYPES for name in types[t.__name__].fields}  # type: ignore[attr-defined]
    assert set(registry.FOLLOWS) <= links
    for (node_type, name), inverse in registry.INVERSES.items():
        field = types[node_type.__name__].fields[name]  # type: ignore[attr-defined]
        assert ("first" in field.args) == inverse.paged, name
        assert ("kind" in field.args) == inverse.by_kind, name
