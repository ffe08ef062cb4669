"""The GraphQL-over-HTTP spec's server checks, as the npm package graphql-http audits them.

``AUDITS`` is graphql-http's ``serverAudits`` table (ids and names as the package gives them):
each row sends the same request and asserts the same expectation, MUST, SHOULD and MAY alike,
against the real app on each backend. A header the audit does not send is not sent here either
(no default Accept; Node's fetch adds ``accept: */*``, and ``text/plain`` as the content type of
9ABE, which the Node run covers). The last test runs the package itself with Node against
``evidence-graph serve`` when it is installed (``make audit-graphql-http``) and checks that its
audits and this table agree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from graph.paths import PROJECT_ROOT
from tests.test_http_server import start_server, stop_server

NODE_CACHE = Path(os.environ.get("EVIDENCE_GRAPH_NODE_CACHE") or PROJECT_ROOT / ".cache" / "graphql-http")
AUDIT_SCRIPT = Path(__file__).with_name("graphql_http_audit.mjs")
AUDIT_TIMEOUT = 120.0  # seconds for all the audits, one request each

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
TYPENAME = "{ __typename }"
TYPE_BY_NAME = "query Type($name: String!) { __type(name: $name) { name } }"
NOT_A_FIELD = "{ 8f31403dfe404bccbb0e835f2629c6a7 }"  # graphql-http's "validation failure" document
COERCE_FAILURE = "query CoerceFailure($id: ID!){ __typename }"

Range = tuple[int, int]
OK: tuple[Range, ...] = ((200, 200),)
BAD_REQUEST: tuple[Range, ...] = ((400, 400),)
CLIENT_ERROR: tuple[Range, ...] = ((400, 499),)
ERROR: tuple[Range, ...] = ((400, 599),)
NOT_3XX: tuple[Range, ...] = ((200, 299), (400, 499), (500, 599))


@dataclass(frozen=True)
class Audit:
    """One graphql-http server audit: the request it sends and what it expects of the answer."""

    id: str
    name: str
    headers: dict[str, str] = field(default_factory=dict)
    #: A JSON body (a mapping), raw text (a str), or no body.
    body: Mapping[str, object] | str | None = None
    method: str = "POST"
    params: dict[str, str] = field(default_factory=dict)
    status: tuple[Range, ...] | None = OK
    content_type: str | None = None
    no_errors: bool = False
    no_data: bool = False


def post(accept: str | None = None, content_type: str = JSON) -> dict[str, str]:
    """The headers of a POST: its content type and, if given, an Accept."""
    return {"content-type": content_type} | ({"accept": accept} if accept else {})


def type_name(value: object) -> str:
    """How graphql-http names a JSON value's type in an audit (its ``extendedTypeof``)."""
    names = {dict: "object", int: "number", bool: "boolean", list: "array", str: "string"}
    return names[type(value)]


def invalid_members(prefix: str, member: str, values: list[object]) -> list[Audit]:
    """The audits that a ``member`` of each of these JSON types may be answered with 400."""
    query = {} if member == "query" else {"query": TYPENAME}
    return [
        Audit(
            f"{prefix}{index}",
            f"MAY use 400 status code on {type_name(value)} {{{member}}} parameter",
            post(),
            query | {member: value},
            status=BAD_REQUEST,
        )
        for index, value in enumerate(values)
    ]


def null_members() -> list[Audit]:
    """The audits that ``variables``, ``operationName`` and ``extensions`` may be null."""
    audits = []
    for index, member in enumerate(["variables", "operationName", "extensions"]):
        body = {"query": TYPENAME, member: None}
        audits += [
            Audit(
                f"94B{index}",
                f"SHOULD allow null {{{member}}} parameter when accepting {GRAPHQL_RESPONSE}",
                post(GRAPHQL_RESPONSE),
                body,
                no_errors=True,
            ),
            Audit(
                f"022{index}",
                f"MUST allow null {{{member}}} parameter when accepting {JSON}",
                post(JSON),
                body,
                no_errors=True,
            ),
        ]
    return audits


NON_OBJECTS: list[object] = ["string", 0, False, ["array"]]
NON_STRINGS: list[object] = [{"obj": "ect"}, 0, False, ["array"]]
TYPENAME_BODY = {"query": TYPENAME}
NAMED = {"operationName": "Query", "query": "query Query { __typename }"}
VARIABLES = {"query": TYPE_BY_NAME, "variables": {"name": "sometype"}}
VARIABLES_IN_URL = {"query": TYPE_BY_NAME, "variables": json.dumps({"name": "sometype"})}
EXTENSIONS = {"query": TYPENAME, "extensions": {"some": "value"}}
COERCION = {"query": COERCE_FAILURE, "variables": {"id": None}}

AUDITS: list[Audit] = [
    # Media types
    Audit(
        "22EB",
        f"SHOULD accept {GRAPHQL_RESPONSE} and match the content-type",
        post(GRAPHQL_RESPONSE),
        TYPENAME_BODY,
        content_type=GRAPHQL_RESPONSE,
    ),
    Audit(
        "4655", f"MUST accept {JSON} and match the content-type", post(JSON), TYPENAME_BODY, content_type=JSON
    ),
    Audit(
        "47DE",
        f"SHOULD accept */* and use {JSON} for the content-type",
        post("*/*"),
        TYPENAME_BODY,
        content_type=JSON,
    ),
    Audit(
        "80D8",
        f"SHOULD assume {JSON} content-type when accept is missing",
        post(),
        TYPENAME_BODY,
        content_type=JSON,
    ),
    Audit("82A3", "MUST use utf-8 encoding when responding", post(), TYPENAME_BODY),
    Audit(
        "BF61",
        "MUST accept utf-8 encoded request",
        post(content_type=f"{JSON}; charset=utf-8"),
        {"query": '{ __type(name: "Run🏃Swim🏊") { name } }'},
    ),
    Audit("78D5", "MUST assume utf-8 in request if encoding is unspecified", post(), TYPENAME_BODY),
    # Request
    Audit("2C94", "MUST accept POST requests", post(), TYPENAME_BODY),
    Audit(
        "5A70",
        "MAY accept application/x-www-form-urlencoded formatted GET requests",
        method="GET",
        params={"query": TYPENAME},
    ),
    Audit(
        "9C48",
        "MAY NOT allow executing mutations on GET requests",
        {"accept": GRAPHQL_RESPONSE},
        method="GET",
        params={"query": "mutation { __typename }"},
        status=CLIENT_ERROR,
    ),
    Audit(
        "9ABE",
        "SHOULD respond with 4xx status code if content-type is not supplied on POST requests",
        {},
        json.dumps(TYPENAME_BODY),
        status=CLIENT_ERROR,
    ),
    Audit("03D4", f"MUST accept {JSON} POST requests", post(), TYPENAME_BODY),
    Audit("A5BF", "MAY use 400 status code when request body is missing on POST", post(), status=BAD_REQUEST),
    # Request parameters
    Audit(
        "423L",
        "MAY use 400 status code on missing {query} parameter",
        post(GRAPHQL_RESPONSE),
        {"notquery": TYPENAME},
        status=BAD_REQUEST,
    ),
    *invalid_members("LKJ", "query", NON_STRINGS),
    Audit(
        "34A2",
        f"SHOULD allow string {{query}} parameter when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        TYPENAME_BODY,
    ),
    Audit(
        "13EE",
        f"MUST allow string {{query}} parameter when accepting {JSON}",
        post(JSON),
        TYPENAME_BODY,
        no_errors=True,
    ),
    *invalid_members("6C0", "operationName", NON_STRINGS),
    Audit(
        "8161",
        f"SHOULD allow string {{operationName}} parameter when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        NAMED,
    ),
    Audit(
        "B8B3",
        f"MUST allow string {{operationName}} parameter when accepting {JSON}",
        post(JSON),
        NAMED,
        no_errors=True,
    ),
    *null_members(),
    *invalid_members("476", "variables", NON_OBJECTS),
    Audit(
        "2EA1",
        f"SHOULD allow map {{variables}} parameter when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        VARIABLES,
    ),
    Audit(
        "28B9",
        f"MUST allow map {{variables}} parameter when accepting {JSON}",
        post(JSON),
        VARIABLES,
        no_errors=True,
    ),
    Audit(
        "D6D5",
        f"MAY allow URL-encoded JSON string {{variables}} parameter in GETs when accepting {GRAPHQL_RESPONSE}",
        {"accept": GRAPHQL_RESPONSE},
        method="GET",
        params=VARIABLES_IN_URL,
        no_errors=True,
    ),
    Audit(
        "6A70",
        f"MAY allow URL-encoded JSON string {{variables}} parameter in GETs when accepting {JSON}",
        {"accept": JSON},
        method="GET",
        params=VARIABLES_IN_URL,
        no_errors=True,
    ),
    *invalid_members("58B", "extensions", NON_OBJECTS),
    Audit(
        "428F",
        f"SHOULD allow map {{extensions}} parameter when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        EXTENSIONS,
    ),
    Audit(
        "1B7A",
        f"MUST allow map {{extensions}} parameter when accepting {JSON}",
        post(JSON),
        EXTENSIONS,
        no_errors=True,
    ),
    Audit(
        "B6DC",
        f"MAY use 2xx, 4xx, or 5xx status codes on JSON parsing failure when accepting {JSON}",
        post(JSON),
        '{ "not a JSON',
        status=NOT_3XX,
    ),
    Audit(
        "BCF8",
        f"SHOULD use 400 status code on JSON parsing failure when accepting {JSON}",
        post(JSON),
        '{ "not a JSON',
        status=BAD_REQUEST,
    ),
    Audit(
        "B7N8",
        f"SHOULD use 400 status code on JSON parsing failure when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        '{ "not a JSON',
        status=BAD_REQUEST,
    ),
    Audit(
        "8764",
        "MAY use 4xx or 5xx status codes if parameters are invalid",
        post(),
        {"qeury": TYPENAME},
        status=ERROR,
    ),
    Audit(
        "3E3A",
        "MAY use 400 status code if parameters are invalid",
        post(),
        {"qeury": TYPENAME},
        status=BAD_REQUEST,
    ),
    # Response application/json
    Audit(
        "572B",
        f"SHOULD use 200 status code on document parsing failure when accepting {JSON}",
        post(JSON),
        {"query": "{"},
    ),
    Audit(
        "FDE2",
        f"SHOULD use 200 status code on document validation failure when accepting {JSON}",
        post(JSON),
        {"query": NOT_A_FIELD},
    ),
    Audit(
        "7B9B",
        f"SHOULD use a status code of 200 on variable coercion failure when accepting {JSON}",
        post(JSON),
        COERCION,
    ),
    # Response application/graphql-response+json
    Audit(
        "865D",
        f"SHOULD use 4xx or 5xx status codes on document parsing failure when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        {"query": "{"},
        status=ERROR,
    ),
    Audit(
        "556A",
        f"SHOULD use 400 status code on document parsing failure when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        {"query": "{"},
        status=BAD_REQUEST,
    ),
    Audit(
        "D586",
        f"SHOULD not contain the data entry on document parsing failure when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        {"query": "{"},
        status=None,
        no_data=True,
    ),
    Audit(
        "51FE",
        f"SHOULD use 4xx or 5xx status codes on document validation failure when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        {"query": NOT_A_FIELD},
        status=ERROR,
    ),
    Audit(
        "74FF",
        f"SHOULD use 400 status code on document validation failure when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        {"query": NOT_A_FIELD},
        status=BAD_REQUEST,
    ),
    Audit(
        "5E5B",
        f"SHOULD not contain the data entry on document validation failure when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        {"query": NOT_A_FIELD},
        status=None,
        no_data=True,
    ),
    Audit(
        "86EE",
        f"SHOULD use a status code of 400 on variable coercion failure when accepting {GRAPHQL_RESPONSE}",
        post(GRAPHQL_RESPONSE),
        COERCION,
        status=BAD_REQUEST,
    ),
]


def send(client: TestClient, audit: Audit) -> Response:
    """The audit's request, with its headers and no others that could change the answer."""
    if isinstance(audit.body, Mapping):
        content: bytes | None = json.dumps(audit.body, ensure_ascii=False).encode()  # as JSON.stringify
    else:
        content = audit.body.encode() if audit.body is not None else None
    request = client.build_request(
        audit.method, "/graphql", params=audit.params, headers=audit.headers, content=content
    )
    if "accept" not in audit.headers:
        del request.headers["accept"]  # httpx sends */* unless told otherwise
    return client.send(request)


def test_the_table_has_each_audit_once() -> None:
    assert len(AUDITS) == 61
    assert len({audit.id for audit in AUDITS}) == len(AUDITS)


@pytest.mark.parametrize("audit", AUDITS, ids=[audit.id for audit in AUDITS])
def test_graphql_over_http_audit(client: TestClient, audit: Audit) -> None:
    response = send(client, audit)
    answer = f"{audit.id} {audit.name}: {response.status_code} {response.text[:300]}"
    if audit.status is not None:
        assert any(low <= response.status_code <= high for low, high in audit.status), answer
    if audit.content_type is not None:
        assert audit.content_type in response.headers.get("content-type", ""), answer
    response.content.decode("utf-8")  # every answer is UTF-8 (strict: no replacement characters)
    if audit.no_errors or audit.no_data:
        body = response.json()
        assert not (audit.no_errors and "errors" in body), answer
        assert not (audit.no_data and "data" in body), answer


def node_audit_missing() -> str | None:
    """Why the graphql-http audit cannot run with Node here, or None if it can."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are not on PATH"
    if not (NODE_CACHE / "node_modules" / "graphql-http" / "package.json").is_file():
        return f"graphql-http is not installed in {NODE_CACHE} (`make audit-graphql-http` installs it)"
    return None


NODE_AUDIT_MISSING = node_audit_missing()


@pytest.mark.skipif(NODE_AUDIT_MISSING is not None, reason=NODE_AUDIT_MISSING or "")
def test_graphql_http_audit_with_node(tmp_path: Path) -> None:
    server = start_server(tmp_path / "server")
    try:
        run = subprocess.run(
            ["node", str(AUDIT_SCRIPT), str(NODE_CACHE), f"{server.url}/graphql"],
            capture_output=True,
            text=True,
            timeout=AUDIT_TIMEOUT,
            check=False,
        )
    finally:
        stop_server(server)
    assert run.returncode == 0, f"the audit script failed:\n{run.stderr}"
    results = json.loads(run.stdout)
    failing = [
        f"{r['id']} {r['status']}: {r['name']} ({r['reason']}; status {r['responseStatus']})"
        for r in results
        if r["status"] != "ok"
    ]
    assert not failing, "graphql-http audits that are not ok:\n" + "\n".join(failing)
    audited = [(r["id"], r["name"]) for r in results]
    package = json.loads((NODE_CACHE / "node_modules" / "graphql-http" / "package.json").read_text())
    assert audited == [(audit.id, audit.name) for audit in AUDITS], (
        f"AUDITS differs from the audits of graphql-http {package['version']} (the Makefile's pin)"
    )
