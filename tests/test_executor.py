"""The lean executor answers exactly as graphql-core does, or gives the request back.

Every query here runs twice on the same store: as shipped (the lean executor first) and with the
lean executor switched off (strawberry and graphql-core only). Data, errors and round trips must
be equal; the lean executor's counters say which of the two answered.
"""

import asyncio
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from api.app import create_app
from api.graphql import reading
from api.graphql.context import Context
from api.graphql.executor import LeanExecutor
from api.graphql.ids import to_global_id
from api.graphql.schema import make_schema, schema
from graph.store import Store
from tests.conftest import ROOMY
from tests.test_graphql_prefetch import BAD, NESTED

#: Queries beyond the look-ahead corpus: the other root fields, aliases, __typename, enums,
#: variables in arguments and directives, interfaces at the root.
MORE = {
    "typename only": "{ __typename }",
    "aliases and typenames": """{ t: __typename a: drug(key: "azathioprine") { __typename l: label
        again: label iri } b: drug(key: "no such drug") { label } }""",
    "statistics": """{ statistics { byKind { key count } byGrade { key label scheme count }
        byLicensingStatus { key count } } s: statistics(drug: "azathioprine") { byKind { key count } } }""",
    "every claim list": """{ contraindications { totalCount nodes { severity exceptions } }
        interactions { totalCount nodes { effect mechanism interactant { label } } }
        pharmacogenomics { nodes { actions gene { label } } } monitoring { nodes { monitoredParameter timing } }
        practicePoints { nodes { kind } } mechanisms { nodes { kind } } practicePatterns { nodes { kind } }
        references(first: 3) { totalCount nodes { title } } }""",
    "claims with a filter": """{ claims(filter: {drug: "azathioprine", minCertainty: LOW}, first: 4)
        { totalCount edges { cursor node { __typename iri kind grade { notation } } } } }""",
    "a condition": '{ condition(key: "atopic dermatitis") { label indications { totalCount } } }',
    "grading schemes by axis": "{ gradingSchemes(axis: QUALITY_OF_EVIDENCE) { label grades { notation } } }",
    "an interface over every type": """{ search(text: "azathioprine", first: 50) { nodes { __typename
        ... on Node { iri label } ... on Identified { altLabels } ... on Claim { kind negated }
        ... on EvidenceItem { text } } } }""",
    "lists of scalars": """{ drug(key: "azathioprine") { altLabels identifiers drugClasses exactMatches }
        drugs(first: 5) { nodes { altLabels exactMatches } } }""",
    "a named operation among two": """query A { drugs(first: 1) { nodes { label } } }
        query B { conditions(first: 1) { nodes { label } } }""",
}
#: Queries with variables: (query, variables).
WITH_VARIABLES = {
    "arguments": (
        """query($key: String!, $kind: ClaimKind, $first: Int) { drug(key: $key) {
            claims(kind: $kind, first: $first) { totalCount nodes { iri kind } } } }""",
        {"key": "azathioprine", "kind": "CONTRAINDICATION", "first": 2},
    ),
    "defaults": (
        """query($key: String! = "azathioprine", $first: Int = 1) { drug(key: $key) {
            indications(first: $first) { nodes { iri } } } }""",
        {},
    ),
    "skip by a variable": (
        """query($detail: Boolean!) { drug(key: "azathioprine") { iri
            claims(first: 2) @include(if: $detail) { totalCount } label @skip(if: $detail) } }""",
        {"detail": True},
    ),
    "skip by a variable, other value": (
        """query($detail: Boolean!) { drug(key: "azathioprine") { iri
            claims(first: 2) @include(if: $detail) { totalCount } label @skip(if: $detail) } }""",
        {"detail": False},
    ),
    "an input object": (
        """query($f: ClaimFilterInput) { claims(filter: $f, first: 3) { totalCount nodes { iri } } }""",
        {"f": {"drug": "azathioprine", "licensed": False}},
    ),
}
#: Requests the lean executor gives back: (query, variables).
GIVEN_BACK = {
    **{name: (query, None) for name, query in BAD.items()},
    "introspection": ('{ __schema { queryType { name } } __type(name: "Drug") { name } }', None),
    "a bad global ID": ('{ node(id: "not an id") { iri } }', None),
    "a bad variable": ("query($first: Int) { drugs(first: $first) { totalCount } }", {"first": "many"}),
    "a missing variable": ("query($key: String!) { drug(key: $key) { iri } }", {}),
    "an invalid query": ("{ drug { iri } }", None),
    "no operation named": ("query A { __typename } query B { __typename }", None),
}


def execute(store: Store, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return asyncio.run(
        schema.execute(query, variable_values=variables, context_value=Context(store, 60.0), **kwargs)
    )


def both(
    store: Store, query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None
) -> tuple[tuple[Any, ...], tuple[Any, ...], bool]:
    """(lean, standard) as (data, errors with codes, round trips), and whether lean answered."""
    lean = schema.lean
    assert lean is not None

    def one() -> tuple[Any, ...]:
        before = store.query_count
        result = execute(store, query, variables, operation_name=operation_name)
        errors = [(e.message, e.path, (e.extensions or {}).get("code")) for e in result.errors or []]
        return result.data, errors, store.query_count - before

    answered = lean.answered
    first = one()
    answered_here = lean.answered == answered + 1
    schema.lean = None
    try:
        second = one()
    finally:
        schema.lean = lean
    return first, second, answered_here


@pytest.fixture
def fresh_lean() -> Iterator[LeanExecutor]:
    """A lean executor with no plans and no history, installed for one test."""
    saved = schema.lean
    assert saved is not None
    schema.lean = LeanExecutor(saved.schema, saved.rules, strawberry_schema=schema)
    try:
        yield schema.lean
    finally:
        schema.lean = saved


@pytest.mark.parametrize("name", [*NESTED, *MORE])
def test_queries_are_answered_by_the_lean_executor_as_by_graphql_core(
    bundled_store: Store, name: str, fresh_lean: LeanExecutor
) -> None:
    query = NESTED.get(name) or MORE[name]
    operation = "B" if name == "a named operation among two" else None
    lean, standard, answered = both(bundled_store, query, operation_name=operation)
    assert lean == standard
    assert answered
    assert not lean[1]
    assert lean[0]  # some data came back


@pytest.mark.parametrize("name", NESTED)
def test_reads_that_were_not_read_ahead_are_awaited_together(
    bundled_store: Store, name: str, fresh_lean: LeanExecutor
) -> None:
    """Without the look-ahead resolvers return awaitables: same answers, same batched round trips."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "FOLLOWS", {})
        patch.setattr(reading, "LISTS", {})
        lean, standard, answered = both(bundled_store, NESTED[name])
    assert lean == standard
    assert answered


@pytest.mark.parametrize("name", WITH_VARIABLES)
def test_variables_are_coerced_as_graphql_core_does(bundled_store: Store, name: str) -> None:
    query, variables = WITH_VARIABLES[name]
    lean, standard, answered = both(bundled_store, query, variables)
    assert lean == standard
    assert answered
    assert not lean[1]


def test_a_plan_depends_on_the_values_of_skip_and_include(bundled_store: Store) -> None:
    query, detail = WITH_VARIABLES["skip by a variable"]
    _, other = WITH_VARIABLES["skip by a variable, other value"]
    shown = execute(bundled_store, query, detail).data["drug"]
    hidden = execute(bundled_store, query, other).data["drug"]
    assert set(shown) == {"iri", "claims"}
    assert set(hidden) == {"iri", "label"}


@pytest.mark.parametrize("name", GIVEN_BACK)
def test_requests_it_cannot_answer_are_given_back(
    bundled_store: Store, name: str, fresh_lean: LeanExecutor
) -> None:
    query, variables = GIVEN_BACK[name]
    lean, standard, answered = both(bundled_store, query, variables)
    assert lean[:2] == standard[:2]  # the round trips of a run given back come on top
    assert not answered
    if name not in ("introspection", "no operation named"):  # strawberry runs the first operation
        assert lean[1], "an error was expected"


def test_a_query_that_keeps_failing_stops_being_tried(bundled_store: Store, fresh_lean: LeanExecutor) -> None:
    query = BAD["a bad nested argument"]
    for _ in range(6):
        assert execute(bundled_store, query).errors
    prepared = fresh_lean.prepare(query, None)
    assert prepared is not None
    assert prepared.answered == 0
    assert prepared.given_back == 3  # then graphql-core alone


def test_mutations_are_never_run_by_the_lean_executor(fresh_store: Store, fresh_lean: LeanExecutor) -> None:
    mutation = 'mutation { retractClaim(id: "x", reason: "r") { iri } }'
    result = execute(fresh_store, mutation)
    assert result.errors  # anonymous, or a bad ID: either way graphql-core answered
    assert fresh_lean.answered == 0
    assert fresh_lean.prepare(mutation, None) is None


def test_queries_not_allowed_are_left_to_strawberry(bundled_store: Store, fresh_lean: LeanExecutor) -> None:
    with pytest.raises(InvalidOperationTypeError):
        execute(bundled_store, "{ __typename }", allowed_operation_types={OperationType.MUTATION})
    assert fresh_lean.answered == 0
    # the HTTP view allows queries (GET) or queries and mutations (POST)
    assert execute(bundled_store, "{ __typename }", allowed_operation_types={OperationType.QUERY}).data
    assert fresh_lean.answered == 1


def test_requests_over_http_are_answered_by_the_lean_executor(
    client: TestClient, fresh_lean: LeanExecutor
) -> None:
    query = NESTED["benchmark 0"]
    posted = client.post("/graphql", json={"query": query})
    got = client.get("/graphql", params={"query": query + " "})
    assert posted.status_code == got.status_code == 200
    assert posted.json()["data"] == got.json()["data"]
    assert posted.json()["data"]["indications"]["totalCount"] > 0
    assert fresh_lean.answered == 2


def test_node_by_global_id(bundled_store: Store, fresh_lean: LeanExecutor) -> None:
    iri = bundled_store.select("SELECT ?s WHERE { ?s a ev:Drug } ORDER BY ?s LIMIT 1")[0]["s"].value
    query = f'{{ node(id: "{to_global_id("Drug", iri)}") {{ __typename iri ... on Drug {{ label }} }} }}'
    lean, standard, answered = both(bundled_store, query)
    assert lean == standard
    assert answered
    label = bundled_store.select(f"SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}")[0]["l"].value
    assert lean[0]["node"] == {"__typename": "Drug", "iri": iri, "label": label}


def test_plans_are_kept_for_a_bounded_number_of_queries(bundled_store: Store) -> None:
    saved = schema.lean
    assert saved is not None
    small = LeanExecutor(saved.schema, saved.rules, maxsize=2)
    for n in range(4):
        small.prepare(f"{{ drugs(first: {n + 1}) {{ totalCount }} }}", None)
    assert len(small._prepared) == 2


def test_the_lean_executor_is_on() -> None:
    """A strawberry or graphql-core upgrade that changes what it relies on must be noticed."""
    assert LeanExecutor.available()
    assert schema.lean is not None


def test_plans_kept_for_a_query_are_bounded(bundled_store: Store, fresh_lean: LeanExecutor) -> None:
    query = "query($key: String!) { drug(key: $key) { label } }"
    for n in range(reading.MEMO_PER_QUERY + 20):
        assert execute(bundled_store, query, {"key": f"drug {n}"}).data == {"drug": None}
    prepared = fresh_lean.prepare(query, None)
    assert prepared is not None
    assert len(prepared.memo) == reading.MEMO_PER_QUERY
    found = execute(bundled_store, query, {"key": "azathioprine"}).data
    assert found == {"drug": {"label": "azathioprine"}}


def test_resolvers_below_computed_fields_see_graphql_cores_paths(
    bundled_store: Store, fresh_lean: LeanExecutor
) -> None:
    """Paths are made only where a resolver reads them: those it reads are graphql-core's."""
    query = """{ a: indications(first: 3) { nodes { drug { c: claims(first: 1) { totalCount } }
        references { claims { totalCount } } } } }"""
    seen: list[list[list[str | int]]] = [[], []]
    original = reading.inverse_page

    def recording(node: Any, info: Any, *args: Any) -> Any:
        seen[0 if schema.lean is not None else 1].append(info.path.as_list())
        return original(node, info, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "inverse_page", recording)
        lean, standard, answered = both(bundled_store, query)
    assert answered
    assert lean == standard
    assert seen[0] == seen[1]
    assert ["a", "nodes", 0, "drug", "c"] in seen[0]
    assert ["a", "nodes", 2, "references", 0, "claims"] in seen[0]


class _Recorder(SchemaExtension):
    """A user's extension: records every operation it sees."""

    seen: ClassVar[list[str]] = []

    def on_operation(self) -> Iterator[None]:
        _Recorder.seen.append(self.execution_context.query or "")
        yield


def test_extensions_added_by_a_user_see_every_query(bundled_store: Store) -> None:
    """With an extension added, the lean executor steps aside: the extension runs on every query."""
    extended = make_schema([_Recorder])
    assert extended.lean is None
    query = NESTED["benchmark 0"]
    _Recorder.seen.clear()
    app = create_app(bundled_store, ROOMY, schema=extended)
    with TestClient(app) as client:
        answer = client.post("/graphql", json={"query": query}).json()
    assert _Recorder.seen == [query]
    assert answer["data"] == execute(bundled_store, query).data


def test_a_masking_extension_hides_error_messages(bundled_store: Store) -> None:
    """strawberry's MaskErrors, added by a user, masks the errors of queries the lean executor would answer."""
    masked = make_schema([MaskErrors])
    query = '{ node(id: "not an id") { iri } }'
    result = asyncio.run(masked.execute(query, context_value=Context(bundled_store, 60.0)))
    assert result.errors
    assert [e.message for e in result.errors] == ["Unexpected error."]
    assert "Unexpected error." not in [e.message for e in execute(bundled_store, query).errors or []]
