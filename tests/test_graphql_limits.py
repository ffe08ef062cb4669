"""What one GraphQL request may ask, and how a malformed one is answered: never a freeze, never a 500.

Each document here once froze the server or answered 500: fragments that double at every level
made the old depth and alias checks walk millions of spreads (20 levels froze every route for
20-31 s), thousands of directives or aliases took seconds, malformed bodies and variables came
back as internal errors. The limits are checked in one linear walk before validation
(api.graphql.limits); the bounds on time below are generous and only tell a freeze from an answer.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql import parse
from pydantic import SecretStr

from api.app import create_app
from api.graphql.limits import DocumentLimits, QueryTooComplexError, measure, parse_document
from api.graphql.schema import schema
from api.settings import Settings
from graph.store import EvidenceStore, Store
from tests.conftest import snapshot

GRAPHQL_RESPONSE = "application/graphql-response+json"
TOKEN = "t" * 32
DEFAULTS = DocumentLimits.from_settings()


@pytest.fixture(scope="module")
def api(bundled_store: Store) -> Iterator[TestClient]:
    """The app with the server's default limits (the shared ``client`` fixture raises them)."""
    with TestClient(create_app(store=bundled_store, settings=Settings())) as test_client:
        yield test_client


def post(client: TestClient, payload: Any, accept: str | None = None) -> Any:
    headers = {"Accept": accept} if accept else {}
    return client.post("/graphql", json=payload, headers=headers)


def codes(response: Any) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in response.json().get("errors", [])]


def doubling_fragments(levels: int) -> str:
    """Fragments each spreading the previous one twice: 2**levels fields once expanded, 1 KB written."""
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [
        f"fragment F{i} on Query {{ ...F{i - 1} a{i}: __typename ...F{i - 1} }}" for i in range(1, levels + 1)
    ]
    return f"{{ ...F{levels} }}\n" + "\n".join(fragments)


# --- documents that used to freeze the server ----------------------------------------------------


def test_fragments_that_double_at_every_level_are_refused_at_once(api: TestClient) -> None:
    document = doubling_fragments(24)
    assert len(document) < 2048
    started = time.monotonic()
    response = post(api, {"query": document})
    elapsed = time.monotonic() - started
    assert codes(response) == ["QUERY_TOO_COMPLEX"]
    assert (
        "fields" in response.json()["errors"][0]["message"]
        or "aliases" in response.json()["errors"][0]["message"]
    )
    assert elapsed < 5, f"{elapsed:.1f} s: the walk is not linear"


def test_the_measure_of_a_doubling_document_is_exact_and_linear() -> None:
    document = parse(doubling_fragments(30))
    roomy = DocumentLimits(**{**DEFAULTS.__dict__, "max_fields": 2**40, "max_aliases": 2**40})
    started = time.monotonic()
    found = measure(schema._schema, document, None, {}, roomy)
    assert time.monotonic() - started < 1
    assert found.fields == 2**30 + 2**30 - 1  # each level: its own alias once, the level below twice
    assert found.aliases == 2**30 - 1


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ("{ __typename " + "@include(if: true) " * 50_000 + "}", "characters"),
        ("{ __typename " + "@include(if: true) " * 51 + "}", "directives"),
        ("{ " + " ".join(f"a{i}: __typename" for i in range(10_000)) + " }", "characters"),
        ("{ " + "__typename " * 2_000 + "@skip(if: false) " * 600 + "}", "tokens"),
        ("{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }", "aliases"),
        ("{ " + "__typename " * 4_000 + "}" + "#" * 40_000, "characters"),
        ("{ " + "drugs { nodes { " * 6 + "label" + " } }" * 6 + " }", "nested"),
        (
            "{ a: __typename }" + "".join(f" fragment X{i} on Query {{ __typename }}" for i in range(101)),
            "fragments",
        ),
    ],
    ids=[
        "50k directives",
        "51 directives",
        "10k aliases",
        "6k tokens",
        "31 aliases",
        "40k characters",
        "depth 12",
        "101 fragments",
    ],
)
def test_documents_over_a_limit_are_refused_with_a_clear_message(
    api: TestClient, document: str, words: str
) -> None:
    started = time.monotonic()
    response = post(api, {"query": document})
    assert time.monotonic() - started < 5
    assert codes(response) == ["QUERY_TOO_COMPLEX"]
    assert words in response.json()["errors"][0]["message"]


def test_the_node_estimate_multiplies_page_sizes_down_the_query(api: TestClient) -> None:
    heavy = (
        "{ " + " ".join(f"a{i}: indications(first: 500) {{ nodes {{ label }} }}" for i in range(30)) + " }"
    )
    response = post(api, {"query": heavy})
    assert codes(response) == ["QUERY_TOO_COMPLEX"]
    assert "15,000 nodes" in response.json()["errors"][0]["message"]
    nested = "query($n: Int) { drugs(first: $n) { nodes { indications(first: $n) { totalCount } } } }"
    assert codes(post(api, {"query": nested, "variables": {"n": 100}})) == [
        "QUERY_TOO_COMPLEX"
    ]  # 100 + 100 * 100
    ok = post(api, {"query": nested, "variables": {"n": 20}})  # 20 + 20 * 20
    assert "errors" not in ok.json(), ok.json()
    backward = "query($n: Int) { drugs(last: $n) { nodes { indications(last: $n) { totalCount } } } }"
    assert codes(post(api, {"query": backward, "variables": {"n": 100}})) == ["QUERY_TOO_COMPLEX"]
    # with both, a page holds the smaller: 20 + 20 * 20 again
    both = "query($n: Int) { drugs(first: 500, last: $n) { nodes { indications(last: $n, first: 500) { totalCount } } } }"
    assert "errors" not in post(api, {"query": both, "variables": {"n": 20}}).json()


def test_a_legal_heavy_query_is_answered(api: TestClient) -> None:
    query = "{ a: indications(first: 500) { totalCount nodes { label condition { label } } } b: drugs { totalCount } }"
    response = post(api, {"query": query})
    assert "errors" not in response.json()
    assert response.json()["data"]["a"]["totalCount"] > 0


def test_limits_follow_the_settings(bundled_store: Store) -> None:
    settings = Settings(graphql_max_depth=2, graphql_max_nodes=10, graphql_max_aliases=0)
    with TestClient(create_app(store=bundled_store, settings=settings)) as strict:
        assert codes(post(strict, {"query": "{ drugs { nodes { indications { totalCount } } } }"})) == [
            "QUERY_TOO_COMPLEX"
        ]
        assert codes(post(strict, {"query": "{ drugs(first: 11) { totalCount } }"})) == ["QUERY_TOO_COMPLEX"]
        assert codes(post(strict, {"query": "{ x: drugs(first: 1) { totalCount } }"})) == [
            "QUERY_TOO_COMPLEX"
        ]
        assert post(strict, {"query": "{ drugs(first: 10) { totalCount } }"}).json()["data"]


def test_parse_document_keeps_what_it_parsed() -> None:
    first = parse_document("{ drugs { totalCount } }", DEFAULTS)
    assert parse_document("{ drugs { totalCount } }", DEFAULTS) is first
    with pytest.raises(QueryTooComplexError):
        parse_document("{ a }" + " " * DEFAULTS.max_length, DEFAULTS)


# --- malformed requests: 400, never 500 ----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"query": "{ __typename }\xff"}',
        b"null",
        b"123",
        b'"str"',
        b"[1]",
        b'{"query": "{ __typename }", "variables": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"query": "{ __typename }", "operationName": {"a": 1}}',
        b'{"query": "{ __typename }", "operationName": [1]}',
        b'{"query": 5}',
        b'{"query": "{ __typename }", "variables": "x"}',
        b'{"query": "{ __typename }", "extensions": 1}',
        b"{",
    ],
    ids=[
        "invalid utf-8",
        "null",
        "number",
        "string",
        "array",
        "100k-deep",
        "operationName object",
        "operationName array",
        "query number",
        "variables string",
        "extensions number",
        "truncated",
    ],
)
def test_a_malformed_body_is_a_400(api: TestClient, body: bytes) -> None:
    response = api.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.text


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"n": "5"}, "Int cannot represent non-integer value: '5'"),
        ({"n": 2147483648}, "Int cannot represent non 32-bit signed integer value: 2147483648"),
        ({"n": 5, "f": {"zzz": 1}}, "unknown field 'zzz'"),
    ],
)
def test_bad_variables_are_bad_user_input_with_graphql_core_s_message(
    api: TestClient, variables: dict[str, Any], message: str
) -> None:
    query = "query($n: Int, $f: ClaimFilterInput) { indications(first: $n, filter: $f) { totalCount } }"
    response = post(api, {"query": query, "variables": variables})
    assert codes(response) == ["BAD_USER_INPUT"]
    assert message in response.json()["errors"][0]["message"]
    strict = post(api, {"query": query, "variables": variables}, accept=GRAPHQL_RESPONSE)
    assert strict.status_code == 400
    assert "data" not in strict.json()


def test_a_parse_error_is_graphql_parse_failed(api: TestClient) -> None:
    response = post(api, {"query": "{ indications( }"})
    assert codes(response) == ["GRAPHQL_PARSE_FAILED"]
    assert response.json()["errors"][0]["locations"] == [{"line": 1, "column": 16}]
    strict = post(api, {"query": "{ indications( }"}, accept=GRAPHQL_RESPONSE)
    assert strict.status_code == 400
    assert strict.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert set(strict.json()) == {"errors"}  # no data member in a request error


def test_a_validation_error_has_no_data_member_either(api: TestClient) -> None:
    strict = post(api, {"query": "{ nope }"}, accept=GRAPHQL_RESPONSE)
    assert strict.status_code == 400
    assert set(strict.json()) == {"errors"}
    assert codes(strict) == ["GRAPHQL_VALIDATION_FAILED"]


# --- production settings -------------------------------------------------------------------------


def test_introspection_and_graphiql_can_be_turned_off(bundled_store: Store) -> None:
    with TestClient(
        create_app(store=bundled_store, settings=Settings(introspection=False, graphiql=False))
    ) as closed:
        refused = post(closed, {"query": "{ __schema { types { name } } }"})
        assert codes(refused) == ["GRAPHQL_VALIDATION_FAILED"]
        assert "Introspection is turned off" in refused.json()["errors"][0]["message"]
        hidden = post(closed, {"query": 'fragment T on Query { __type(name: "Drug") { name } } { ...T }'})
        assert codes(hidden) == ["GRAPHQL_VALIDATION_FAILED"]
        assert post(closed, {"query": "{ __typename }"}).json() == {"data": {"__typename": "Query"}}
        page = closed.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404
    with TestClient(create_app(store=bundled_store, settings=Settings())) as open_:
        assert "data" in post(open_, {"query": "{ __schema { queryType { name } } }"}).json()
        assert open_.get("/graphql", headers={"Accept": "text/html"}).status_code == 200


def test_every_answer_carries_the_security_headers(api: TestClient) -> None:
    answers = {
        "graphql": post(api, {"query": "{ __typename }"}),
        "graphql error": post(api, {"query": "{"}),
        "health": api.get("/health"),
        "sparql": api.get("/sparql", params={"query": "ASK {}"}),
        "not found": api.get("/nowhere"),
        "graphiql": api.get("/graphql", headers={"Accept": "text/html"}),
        "docs": api.get("/docs"),
    }
    for name, answer in answers.items():
        assert answer.headers["x-content-type-options"] == "nosniff", name
        assert answer.headers["referrer-policy"] == "no-referrer", name
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"], name
    assert answers["health"].headers["content-security-policy"].startswith("default-src 'none'")
    graphiql_policy = answers["graphiql"].headers["content-security-policy"]
    assert "https:" not in graphiql_policy  # GraphiQL's files come from this server (tests/test_offline.py)
    for script in ("graphiql.min.js", "react.production.min.js"):
        assert script in answers["graphiql"].text


def test_cors_is_off_unless_origins_are_configured(bundled_store: Store) -> None:
    preflight = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization",
    }
    with TestClient(create_app(store=bundled_store, settings=Settings())) as closed:
        answer = closed.options("/graphql", headers=preflight)
        assert "access-control-allow-origin" not in answer.headers
        simple = closed.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://app.example"}
        )
        assert "access-control-allow-origin" not in simple.headers
    settings = Settings(cors_origins=["https://app.example"])
    with TestClient(create_app(store=bundled_store, settings=settings)) as open_:
        answer = open_.options("/graphql", headers=preflight)
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == "https://app.example"
        assert "POST" in answer.headers["access-control-allow-methods"]
        assert "authorization" in answer.headers["access-control-allow-headers"].lower()
        other = open_.options("/graphql", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        simple = open_.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://app.example"}
        )
        assert simple.headers["access-control-allow-origin"] == "https://app.example"


def test_cors_origins_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_GRAPH_CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]


# --- request sizes ---------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_before_it_is_read(bundled_store: Store) -> None:
    with TestClient(create_app(store=bundled_store, settings=Settings(max_body=1000))) as small:
        padded = json.dumps({"query": "{ __typename }", "extensions": {"pad": "x" * 2000}})
        response = small.post("/graphql", content=padded, headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        assert "1,000 bytes" in response.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"query": "{ __typename }", "extensions": {"pad": "'
            for _ in range(10):
                yield b"x" * 500
            yield b'"}}'

        streamed = small.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413
        sparql = small.post("/sparql", data={"query": "ASK {} #" + "x" * 2000})
        assert sparql.status_code == 413
        assert small.post("/graphql", json={"query": "{ __typename }"}).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("label", "x" * 1001, "rdfs:label"),
        ("passage", "y" * 10_001, "ev:text"),
    ],
)
def test_mutation_strings_over_their_length_are_refused_and_nothing_is_written(
    bundled_quads: list[Any], field: str, value: str, path: str
) -> None:
    store = EvidenceStore()
    store.add_quads(bundled_quads)
    before = snapshot(store)
    label = value if field == "label" else "Azathioprine for a long passage"
    passage = value if field == "passage" else "The passage as printed."
    mutation = """mutation($label: String!, $text: String!) { createClaim(input: {
        kind: INDICATION, label: $label, drug: "azathioprine", source: "https://w3id.org/evidence-graph/id/source/dr-oracle-azathioprine-dermatology",
        section: "Added", conditions: ["vasculitis"], licensingStatus: UNLICENSED,
        evidence: [{text: $text, citationMarkers: "1"}] }) { claim { id } } }"""
    settings = Settings(api_tokens={"alice": SecretStr(TOKEN)})
    with TestClient(create_app(store=store, settings=settings)) as writer:
        response = writer.post(
            "/graphql",
            json={"query": mutation, "variables": {"label": label, "text": passage}},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["VALIDATION_FAILED"], errors
    report = errors[0]["extensions"]["report"]
    assert any(r["path"] == path and "at most" in r["message"] for r in report), report
    assert snapshot(store) == before


def test_introspection_is_measured_and_its_nesting_bounded(api: TestClient) -> None:
    from graphql import get_introspection_query  # noqa: PLC0415

    assert "errors" not in post(api, {"query": get_introspection_query(descriptions=True)}).json()
    nested = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    refused = post(api, {"query": nested})
    assert codes(refused) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "introspection depth" in refused.json()["errors"][0]["message"]
    many = "{ __schema { types { " + " ".join(f"n{i}: name" for i in range(31)) + " } } }"
    assert codes(post(api, {"query": many})) == ["QUERY_TOO_COMPLEX"]


HEAVY = """query($n: Int) { a: indications(first: $n) { totalCount nodes { label condition { label }
    references { title } } } b: claims(first: $n) { totalCount nodes { kind label } } }"""
HEAVY_WRONG = HEAVY.replace("b: claims(first: $n)", 'b: claims(first: $n, after: "nonsense")')


@pytest.mark.skipif(not hasattr(os, "fork"), reason="heavy reads run in a child process where fork() exists")
def test_a_heavy_read_is_answered_in_a_child_process_as_in_a_thread(bundled_quads: list[Any]) -> None:
    store = EvidenceStore()
    store.add_quads(bundled_quads)
    answers: dict[int, list[Any]] = {}
    for heavy_nodes in (100, 10**6):  # heavy: in a child; not heavy: on a worker thread
        with TestClient(
            create_app(store=store, settings=Settings(graphql_heavy_nodes=heavy_nodes))
        ) as client:
            answers[heavy_nodes] = [
                post(client, {"query": query, "variables": {"n": 500}}).json()
                for query in (HEAVY, HEAVY_WRONG)
            ]
            children = client.app.state.heavy_reads.started  # type: ignore[attr-defined]
            assert children == (2 if heavy_nodes == 100 else 0)
    assert answers[100] == answers[10**6]
    right, wrong = answers[100]
    assert right["data"]["a"]["totalCount"] > 0
    assert "errors" not in right
    assert wrong["errors"] == [
        {
            "message": "'nonsense' is not a cursor from this API",
            "locations": [{"line": 2, "column": 30}],
            "path": ["b"],
            "extensions": {"code": "BAD_USER_INPUT", "argument": "after"},
        }
    ]
