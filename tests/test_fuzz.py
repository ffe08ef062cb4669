"""Fuzzing the HTTP API: no generated request gets a 5xx or an error coded INTERNAL_SERVER_ERROR.

Real stores with the bundled content, the real app through Starlette's TestClient, nothing
mocked. What is sent:

* GraphQL documents generated from the live schema by hypothesis-graphql: valid queries (their
  ID, String and Int arguments drawn from the bundled content's IDs, IRIs, names and cursors as
  well as arbitrary values), queries with one schema violation, and mutations without a valid
  token, against an app with the default limits (the store must stay unchanged);
* mutations with a valid token, each followed by a generated query, against an app on a store of
  its own; whatever a mutation lets in, the store still conforms to the shapes;
* malformed HTTP on /graphql: arbitrary bytes and JSON values as the body, request objects whose
  members have arbitrary JSON types, arbitrary text (and token soup) as the document, arbitrary
  variables for operations that declare them, GET parameters, Accept and Content-Type headers;
* arbitrary text and SPARQL token soup to /sparql, as form ``query`` and as
  ``application/sparql-query`` body (fewer examples: each query runs in a child process).

Every answer: status below 500 and no ERROR logged by the server. A /graphql JSON answer is an
object of ``data``/``errors``/``extensions`` whose errors each carry a message and an
``extensions.code`` the API defines, never INTERNAL_SERVER_ERROR (generated valid documents: only
the codes such a document may meet); with ``application/graphql-response+json`` a 4xx has no
``data``.

Examples per test: ``EVIDENCE_GRAPH_FUZZ_EXAMPLES`` (default 100; ``make fuzz`` sets 3000).
Without that variable the examples are derandomized, the same on every run; with it they are
random, and a failure prints the ``@reproduce_failure`` blob that replays it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import graphql
import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries
from pydantic import SecretStr

from api.app import create_app
from api.graphql.sdl import sdl
from api.settings import Settings
from graph.load import bundled_files, load_sources
from graph.store import EvidenceStore
from graph.validation import validate_quads

EXAMPLES_VARIABLE = "EVIDENCE_GRAPH_FUZZ_EXAMPLES"
EXAMPLES = int(os.environ.get(EXAMPLES_VARIABLE, "100"))
#: /sparql requests fork a child process each (~0.1 s): fewer of them.
SPARQL_EXAMPLES = max(10, EXAMPLES // 5)

GRAPHQL_RESPONSE = "application/graphql-response+json"
TOKEN = "fuzz-" + "x" * 32
BEARER = {"Authorization": f"Bearer {TOKEN}"}

#: Every ``extensions.code`` the API gives; an error without one of these is a bug too.
KNOWN_CODES = frozenset(
    {
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "BAD_USER_INPUT",
        "QUERY_TOO_COMPLEX",
        "TIMEOUT",
        "UNAUTHENTICATED",
        "VALIDATION_FAILED",
    }
)
#: What a valid query may meet: arguments out of range or names unknown, the limits, the clock.
QUERY_CODES = frozenset({"BAD_USER_INPUT", "QUERY_TOO_COMPLEX", "TIMEOUT"})
#: What a valid mutation may meet as well: the shapes refusing the write.
MUTATION_CODES = QUERY_CODES | {"VALIDATION_FAILED"}


def fuzz(examples: int = EXAMPLES) -> hypothesis_settings:
    """Hypothesis settings for one fuzzing test: no example database, no deadline."""
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=EXAMPLES_VARIABLE not in os.environ,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )


# --- the apps -----------------------------------------------------------------------------------


class ErrorLog(logging.Handler):
    """Keeps every record at ERROR or above: the server logs an unexpected exception there."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        """The records kept since the last call, as text."""
        taken = [self.format(record) for record in self.records]
        self.records.clear()
        return taken


@dataclass
class App:
    """One app over its own store, with what the fuzzing draws arguments from."""

    client: TestClient
    store: EvidenceStore
    errors: ErrorLog
    ids: list[str] = field(default_factory=list)
    iris: list[str] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    cursors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def errors() -> Iterator[ErrorLog]:
    """Records logged at ERROR by anything in the process while the module runs."""
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def start(settings: Settings, errors: ErrorLog) -> Iterator[App]:
    store = EvidenceStore()
    load_sources(store, bundled_files())
    with TestClient(create_app(store=store, settings=settings)) as client:
        app = App(client, store, errors)
        discover(app)
        errors.take()
        yield app


@pytest.fixture(scope="module")
def reader(errors: ErrorLog) -> Iterator[App]:
    """The app with the default settings (limits included): writes are off."""
    yield from start(Settings(), errors)


@pytest.fixture(scope="module")
def writer(errors: ErrorLog) -> Iterator[App]:
    """An app on a store of its own that takes writes with :data:`BEARER`."""
    yield from start(Settings(api_tokens={"fuzz": SecretStr(TOKEN)}), errors)


DISCOVERY = [
    "{ drugs(first: 100) { nodes { id iri label altLabels identifiers drugClasses } "
    "pageInfo { startCursor endCursor } } }",
    "{ conditions(first: 100) { nodes { id iri label altLabels identifiers } pageInfo { endCursor } } }",
    "{ sources(first: 100) { nodes { id iri label title publisher } } "
    "references(first: 100) { nodes { id iri title doi pmid } } }",
    "{ gradingSchemes { id iri label grades { id iri notation label } } }",
    "{ claims(first: 100) { nodes { id iri label section population printedGrade } "
    "pageInfo { endCursor } } }",
    "{ claims(first: 20) { nodes { evidence { id iri text figures { id iri label printedValue } } } } }",
    "{ pharmacogenomics(first: 20) { nodes { gene { id iri label } phenotypes { id iri label } } } }",
    "{ interactions(first: 20) { nodes { interactant { id iri label } } } }",
]


def discover(app: App) -> None:
    """Collect the bundled content's IDs, IRIs, strings and cursors from the app itself."""
    for query in DISCOVERY:
        response = app.client.post("/graphql", json={"query": query})
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body
        walk(body["data"], app)
    for values in (app.ids, app.iris, app.strings, app.cursors):
        values[:] = sorted(set(values))
    assert app.ids
    assert app.iris
    assert app.strings
    assert app.cursors


def walk(value: object, app: App, key: str = "") -> None:
    if isinstance(value, dict):
        for name, member in value.items():
            walk(member, app, name)
    elif isinstance(value, list):
        for member in value:
            walk(member, app, key)
    elif isinstance(value, str):
        {"id": app.ids, "iri": app.iris}.get(key, app.cursors if key.endswith("Cursor") else app.strings).append(
            value
        )


# --- strategies ---------------------------------------------------------------------------------

MIN_INT, MAX_INT = -(2**31), 2**31 - 1
TYPE_NAMES = sorted(
    name
    for name, type_ in graphql.build_schema(sdl()).type_map.items()
    if isinstance(type_, graphql.GraphQLObjectType) and not name.startswith("__")
)


def b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii")


def id_values(app: App) -> st.SearchStrategy[str]:
    """Node IDs: real ones, real IRIs under any type name, anything base64-encoded, anything."""
    return st.one_of(
        st.sampled_from(app.ids),
        st.builds(
            lambda type_name, iri: b64(f"{type_name}:{iri}"),
            st.sampled_from(TYPE_NAMES) | st.text(max_size=10),
            st.sampled_from(app.iris) | st.text(max_size=20),
        ),
        st.text().map(b64),
        st.sampled_from(app.iris),
        st.text(),
    )


def string_values(app: App) -> st.SearchStrategy[str]:
    """Strings: the content's names, IRIs and cursors, cursors at any offset, slices, anything."""
    names = st.sampled_from(app.strings)
    return st.one_of(
        names,
        names.map(str.upper),
        st.tuples(names, st.integers(0, 10), st.integers(0, 10)).map(lambda t: t[0][t[1] : t[1] + t[2] + 1]),
        st.sampled_from(app.iris),
        st.sampled_from(app.cursors),
        st.integers().map(lambda n: b64(f"cursor:{n}")),
        st.text(max_size=12).map(lambda s: b64(f"cursor:{s}")),
        st.sampled_from(app.ids),
        st.text(),
    )


def scalars(app: App) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """Argument values for hypothesis-graphql: IDs and strings of the content, page sizes around the limit."""
    return {
        "ID": id_values(app).map(nodes.String) | st.integers(MIN_INT, MAX_INT).map(nodes.Int),
        "String": string_values(app).map(nodes.String),
        "Int": st.one_of(st.integers(0, 5), st.integers(-1, 501), st.integers(MIN_INT, MAX_INT)).map(nodes.Int),
    }


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
#: Accept headers: the two GraphQL answers, both with q-values, a browser, anything printable.
ACCEPT = st.one_of(
    st.sampled_from(
        [
            None,
            "application/json",
            GRAPHQL_RESPONSE,
            f"{GRAPHQL_RESPONSE}, application/json;q=0.9",
            f"application/json, {GRAPHQL_RESPONSE};q=0.5",
            f"{GRAPHQL_RESPONSE};q=0",
            f"{GRAPHQL_RESPONSE};q=nope",
            "*/*",
            "text/html",
        ]
    ),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
)
CONTENT_TYPE = st.sampled_from(
    [
        None,
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin-1",
        "APPLICATION/JSON",
        "application/graphql",
        "application/graphql-response+json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "text/plain",
        "",
    ]
)
#: Pieces of GraphQL documents: enough that a soup of them often parses, and sometimes validates.
GRAPHQL_TOKENS = st.sampled_from(
    [
        "{", "}", "(", ")", "[", "]", ":", "!", "$", "@", "...", "=", "|", "&", ",", "#", "\n",
        "query", "mutation", "subscription", "fragment", "on", "Q", "F", "$v", "Int", "String!", "ID!",
        "drugs", "drug", "claims", "node", "search", "history", "statistics", "indications",
        "nodes", "edges", "node", "id", "label", "totalCount", "pageInfo", "endCursor", "__typename",
        "__schema", "__type", "types", "name", "fields", "first:", "after:", "id:", "key:", "text:",
        "filter:", "kind:", "drug:", "0", "-1", "500", "501", "2147483648", "1.5", "null", "true",
        '"azathioprine"', '"A"', '""', '"""block"""', '"\\u0000"', "INDICATION", "ABSOLUTE",
        "@include(if: true)", "@skip(if: $v)", "@deprecated", "... on Drug", "...F",
        "createClaim", "retractClaim", "input:", "reason:",
    ]
)  # fmt: skip
SPARQL_TOKENS = st.sampled_from(
    [
        "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", ".", ";", ",", "*",
        "?s", "?p", "?o", "?g", "GRAPH", "OPTIONAL", "UNION", "MINUS", "FILTER", "BIND", "AS",
        "VALUES", "SERVICE", "<http://example.org/x>", "<https://w3id.org/evidence-graph/id/drug/azathioprine>",
        "ev:Drug", "rdfs:label", "a", "LIMIT", "OFFSET", "99999999999999999999", "0", "-1", "1e999",
        "ORDER BY", "GROUP BY", "COUNT(*)", "REGEX(?o, \"(\")", "STR(?o)", "LANG(?o)", "\"x\"@en",
        "\"1\"^^xsd:integer", "PREFIX x: <urn:x:>", "BASE <urn:b>", "FROM <urn:g>", "FROM NAMED <urn:g>",
        "INSERT DATA", "DELETE WHERE", "LOAD <http://example.org/>", "CLEAR ALL", "DISTINCT",
        "SUBSTR(?o, 1, 99999999999)", "ENCODE_FOR_URI(?o)", "NOW()", "RAND()", "UUID()", "/", "|",
        "+", "^", "!", "rdfs:subClassOf*", "EXISTS", "NOT EXISTS", "IF(", "COALESCE(", "#",
    ]
)  # fmt: skip


def soup(tokens: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Documents made of language pieces and arbitrary text."""
    return st.lists(tokens | st.text(max_size=3), max_size=30).map(" ".join)


# --- checks -------------------------------------------------------------------------------------


def described(response: httpx.Response) -> str:
    request = response.request
    return (
        f"{request.method} {request.url}\nrequest headers: {dict(request.headers)}\n"
        f"request body: {request.content[:2000]!r}\n-> {response.status_code} "
        f"{dict(response.headers)}\n{response.text[:2000]}"
    )


def checked(response: httpx.Response, app: App) -> None:
    """Any answer: no 5xx, nothing logged at ERROR."""
    event(f"status {response.status_code}")
    assert response.status_code < 500, described(response)
    logged = app.errors.take()
    assert not logged, f"{described(response)}\nlogged:\n" + "\n".join(logged)


def checked_graphql(
    response: httpx.Response, app: App, codes: frozenset[str] = KNOWN_CODES
) -> dict[str, Any] | None:
    """A /graphql answer: :func:`checked`; if GraphQL JSON, its shape and codes. The body, if JSON."""
    checked(response, app)
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith(("application/json", GRAPHQL_RESPONSE)):
        assert response.status_code >= 400 or content_type.startswith("text/html"), described(response)
        return None
    body = response.json()
    assert isinstance(body, dict), described(response)
    assert body, described(response)
    assert set(body) <= {"data", "errors", "extensions"}, described(response)
    errors = body.get("errors", [])
    assert isinstance(errors, list), described(response)
    assert "data" in body or errors, described(response)
    for error in errors:
        assert isinstance(error.get("message"), str), described(response)
        code = (error.get("extensions") or {}).get("code")
        event(f"error {code}")
        assert code != "INTERNAL_SERVER_ERROR", described(response)
        assert code in codes, described(response)
    if content_type.startswith(GRAPHQL_RESPONSE) and 400 <= response.status_code < 500:
        assert "data" not in body, described(response)
    if response.status_code == 200 and not errors:
        assert isinstance(body.get("data"), dict), described(response)
    return body


def headers(accept: str | None, **more: str) -> dict[str, str]:
    return {**({} if accept is None else {"Accept": accept}), **more}


# --- generated GraphQL ----------------------------------------------------------------------------

SDL = sdl()


@fuzz()
@given(data=st.data(), accept=ACCEPT, get=st.booleans())
def test_generated_queries(reader: App, data: st.DataObject, accept: str | None, get: bool) -> None:
    query = data.draw(queries(SDL, custom_scalars=scalars(reader)), label="query")
    if get:
        response = reader.client.get("/graphql", params={"query": query}, headers=headers(accept))
    else:
        response = reader.client.post("/graphql", json={"query": query}, headers=headers(accept))
    if accept == "text/html" and get:
        checked(response, reader)  # GraphiQL, or the answer
        return
    checked_graphql(response, reader, QUERY_CODES)


@fuzz()
@given(data=st.data(), accept=ACCEPT)
def test_generated_invalid_queries(reader: App, data: st.DataObject, accept: str | None) -> None:
    query = data.draw(queries(SDL, custom_scalars=scalars(reader), mode=Mode.NEGATIVE), label="query")
    response = reader.client.post("/graphql", json={"query": query}, headers=headers(accept))
    checked_graphql(response, reader, QUERY_CODES | {"GRAPHQL_VALIDATION_FAILED"})


@fuzz()
@given(
    data=st.data(),
    authorization=st.one_of(
        st.none(),
        st.sampled_from(["Bearer", "Bearer ", f"Basic {TOKEN}", f"Bearer {TOKEN[:-1]}", f"bearer  {TOKEN}x"]),
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60),
    ),
)
def test_mutations_without_a_valid_token(reader: App, data: st.DataObject, authorization: str | None) -> None:
    mutation = data.draw(mutations(SDL, custom_scalars=scalars(reader)), label="mutation")
    generation = reader.store.generation
    response = reader.client.post(
        "/graphql",
        json={"query": mutation},
        headers={} if authorization is None else {"Authorization": authorization},
    )
    checked_graphql(response, reader, QUERY_CODES | {"UNAUTHENTICATED"})
    assert reader.store.generation == generation, described(response)


@fuzz()
@given(data=st.data())
def test_generated_mutations(writer: App, data: st.DataObject) -> None:
    custom = scalars(writer)
    mutation = data.draw(mutations(SDL, custom_scalars=custom), label="mutation")
    generation = writer.store.generation
    response = writer.client.post("/graphql", json={"query": mutation}, headers=BEARER)
    body = checked_graphql(response, writer, MUTATION_CODES)
    if writer.store.generation != generation:  # something was written: still within the shapes
        report = validate_quads(writer.store.quads())
        assert report.conforms, f"{described(response)}\n{report.to_text()}"
    assert body is not None
    query = data.draw(queries(SDL, custom_scalars=custom), label="then the query")
    checked_graphql(writer.client.post("/graphql", json={"query": query}), writer, QUERY_CODES)


# --- malformed HTTP on /graphql ---------------------------------------------------------------------

#: Documents that parse and validate, with variables of each kind, and one that does not parse.
OPERATIONS = [
    "{ drugs { totalCount } }",
    "query Q($first: Int, $after: String) { drugs(first: $first, after: $after) { nodes { id } } }",
    "query Q($id: ID!) { node(id: $id) { id ... on Drug { label } } history(id: $id) { version } }",
    "query Q($filter: ClaimFilterInput, $kind: ClaimKind) { claims(kind: $kind, filter: $filter) { totalCount } }",
    "query Q($text: String!, $first: Int = 3) { search(text: $text, first: $first) { totalCount } }",
    "query A { __typename } query B { drugs { totalCount } }",
    "mutation M($id: ID!, $reason: String!) { retractClaim(id: $id, reason: $reason) { claim { id } } }",
    "mutation M($input: ClaimInput!) { createClaim(input: $input) { claim { id } } }",
    "{ drugs { ",
]


@fuzz()
@given(body=st.binary(), content_type=CONTENT_TYPE, accept=ACCEPT)
def test_arbitrary_bytes_as_the_body(reader: App, body: bytes, content_type: str | None, accept: str | None) -> None:
    more = {} if content_type is None else {"Content-Type": content_type}
    response = reader.client.post("/graphql", content=body, headers=headers(accept, **more))
    checked_graphql(response, reader)


@fuzz()
@given(value=JSON, accept=ACCEPT)
def test_arbitrary_json_as_the_body(reader: App, value: object, accept: str | None) -> None:
    content = json.dumps(value).encode()
    response = reader.client.post(
        "/graphql", content=content, headers=headers(accept, **{"Content-Type": "application/json"})
    )
    checked_graphql(response, reader)


@fuzz()
@given(
    query=st.sampled_from(OPERATIONS) | soup(GRAPHQL_TOKENS) | st.text() | JSON,
    variables=JSON | st.dictionaries(st.sampled_from(["first", "after", "id", "filter", "kind", "text", "input"]), JSON),
    operation_name=st.sampled_from(["Q", "A", "B", "M", ""]) | JSON,
    extensions=JSON,
    members=st.sets(st.sampled_from(["query", "variables", "operationName", "extensions"])),
    accept=ACCEPT,
    authorized=st.booleans(),
)
def test_request_members_of_any_type(
    reader: App,
    query: object,
    variables: object,
    operation_name: object,
    extensions: object,
    members: set[str],
    accept: str | None,
    authorized: bool,
) -> None:
    values = {"query": query, "variables": variables, "operationName": operation_name, "extensions": extensions}
    request = {name: values[name] for name in sorted(members)}
    more = BEARER if authorized else {}
    response = reader.client.post("/graphql", json=request, headers=headers(accept, **more))
    checked_graphql(response, reader)


@fuzz()
@given(
    query=st.sampled_from(OPERATIONS) | soup(GRAPHQL_TOKENS) | st.text(),
    variables=JSON,
    accept=ACCEPT,
    get=st.booleans(),
)
def test_arbitrary_documents_and_variables(
    reader: App, query: str, variables: object, accept: str | None, get: bool
) -> None:
    if get:
        params = {"query": query, "variables": json.dumps(variables)}
        response = reader.client.get("/graphql", params=params, headers=headers(accept))
    else:
        request = {"query": query, "variables": variables if isinstance(variables, dict) else None}
        response = reader.client.post("/graphql", json=request, headers=headers(accept))
    if get and response.headers.get("content-type", "").startswith("text/html"):
        checked(response, reader)
        return
    checked_graphql(response, reader)


@fuzz()
@given(
    params=st.dictionaries(
        st.sampled_from(["query", "variables", "operationName", "extensions"]) | st.text(max_size=5),
        st.text() | st.sampled_from(OPERATIONS) | JSON.map(json.dumps),
    ),
    accept=ACCEPT,
)
def test_arbitrary_get_parameters(reader: App, params: dict[str, str], accept: str | None) -> None:
    response = reader.client.get("/graphql", params=params, headers=headers(accept))
    if response.headers.get("content-type", "").startswith("text/html"):
        checked(response, reader)
        return
    checked_graphql(response, reader)


# --- /sparql -------------------------------------------------------------------------------------------

SPARQL_ACCEPT = st.one_of(
    st.sampled_from(
        [
            None,
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
            "text/turtle",
            "application/n-triples",
            "application/ld+json",
            "text/html",
            "*/*;q=0",
        ]
    ),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
)
SPARQL_QUERY = st.one_of(
    st.text(),
    soup(SPARQL_TOKENS),
    st.sampled_from(
        [
            "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
            "ASK { ?s a ev:Drug }",
            "CONSTRUCT WHERE { ?s rdfs:label ?o } LIMIT 3",
            "DESCRIBE <https://w3id.org/evidence-graph/id/drug/azathioprine>",
        ]
    ),
)
GRAPH_URIS = st.lists(st.text(max_size=20) | st.just("https://w3id.org/evidence-graph/id/source/x"), max_size=2)


@fuzz(SPARQL_EXAMPLES)
@given(query=SPARQL_QUERY, accept=SPARQL_ACCEPT, default_graphs=GRAPH_URIS, named_graphs=GRAPH_URIS)
def test_sparql_form(
    reader: App, query: str, accept: str | None, default_graphs: list[str], named_graphs: list[str]
) -> None:
    form = {"query": query, "default-graph-uri": default_graphs, "named-graph-uri": named_graphs}
    response = reader.client.post("/sparql", data=form, headers=headers(accept))
    checked(response, reader)


@fuzz(SPARQL_EXAMPLES)
@given(
    query=SPARQL_QUERY | st.binary().map(lambda b: b.decode("latin-1")),
    accept=SPARQL_ACCEPT,
    content_type=st.sampled_from(
        ["application/sparql-query", "application/sparql-query; charset=utf-8", "application/sparql-update"]
    ),
    raw=st.booleans(),
)
def test_sparql_body(reader: App, query: str, accept: str | None, content_type: str, raw: bool) -> None:
    content = query.encode("latin-1", "replace") if raw else query.encode("utf-8", "surrogatepass")
    response = reader.client.post("/sparql", content=content, headers=headers(accept, **{"Content-Type": content_type}))
    checked(response, reader)
