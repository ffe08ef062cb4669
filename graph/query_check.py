r"""Checking a SPARQL request from a client before any engine runs it.

The request is parsed by rdflib's SPARQL 1.1 parser, and the parse tree, never the text, decides:
an update is refused (the endpoint is read-only), a ``SERVICE`` anywhere is refused (it would make
the server fetch other addresses), and so is nesting deeper than :data:`MAX_NESTING` (the engine's
own parser recurses once per level). What passes is a read-only query whose form is known.

The parser recurses deeply and is slow on large texts, so the server runs this check in a child
process (api.sandbox) with a raised recursion limit; here it runs with whatever limit is set.

>>> check_query("SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> check_query("SELECT * WHERE { ?s ?p ?o FILTER(1<2)SERVICE#>\n<http://127.0.0.1/> { ?a ?b ?c } }")
Traceback (most recent call last):
...
graph.query_check.QueryRefusedError: SERVICE (federated query) is refused: ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from graph.errors import EvidenceGraphError

#: Deepest nesting of the parse tree's constructs (a group is about two levels, a bracketed
#: expression about five): far beyond hand-written queries, far below what crashes a parser.
MAX_NESTING = 150

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}

NO_SERVICE = (
    "SERVICE (federated query) is refused: it would make this server send requests to other "
    "addresses. Query the other endpoint yourself."
)
READ_ONLY = "This SPARQL endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused."


class QueryRefusedError(EvidenceGraphError):
    """A request that is not a read-only SPARQL 1.1 query this server will run."""


class QuerySyntaxError(QueryRefusedError):
    """A request that does not parse as SPARQL 1.1; ``line`` and ``column`` say where."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"SPARQL syntax error at line {line}, column {column}: {message}")
        self.line = line
        self.column = column


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed: its form and how deep its parse tree nests."""

    form: QueryForm
    nesting: int


def check_query(text: str, *, max_nesting: int = MAX_NESTING) -> CheckedQuery:
    """Parse ``text`` and check that it is a query the server may run (else QueryRefusedError).

    >>> check_query("ASK { ?s ?p ?o }")
    CheckedQuery(form='ASK', nesting=3)
    >>> check_query("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    Traceback (most recent call last):
    ...
    graph.query_check.QueryRefusedError: This SPARQL endpoint is read-only: ...
    """
    try:
        parsed = parseQuery(text)
    except ParseBaseException as error:
        if _is_update(text):
            raise QueryRefusedError(READ_ONLY) from None
        raise QuerySyntaxError(error.msg, error.lineno, error.col) from None
    except RecursionError:
        raise QueryRefusedError(_too_deep(max_nesting)) from None
    names, nesting = _walk(parsed)
    if "ServiceGraphPattern" in names:
        raise QueryRefusedError(NO_SERVICE)
    if nesting > max_nesting:
        raise QueryRefusedError(_too_deep(max_nesting))
    form = next((_FORMS[name] for name in names if name in _FORMS), None)
    if form is None:  # pragma: no cover - the grammar has no other query form
        raise QueryRefusedError("Not a SELECT, ASK, CONSTRUCT or DESCRIBE query.")
    return CheckedQuery(form, nesting)


def undeclared_prefix(text: str) -> str | None:
    """The first prefix a query uses without declaring it; None if it has none (or does not parse).

    >>> undeclared_prefix("SELECT * WHERE { ?s foo:bar ?o }")
    'foo'
    """
    try:
        translateQuery(parseQuery(text))
    except (ParseBaseException, RecursionError):
        return None
    except Exception as error:  # rdflib raises a bare Exception for an unknown prefix
        found = re.fullmatch(r"Unknown namespace prefix : (\S+)", str(error))
        return found.group(1) if found else None
    return None


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except (ParseBaseException, RecursionError):
        return False
    return True


def _too_deep(max_nesting: int) -> str:
    return (
        f"The query is nested too deeply: this server accepts up to {max_nesting} levels of its parse tree."
    )


def _walk(tree: object) -> tuple[set[str], int]:
    """The construct names in a parse tree and its nesting (in constructs), without recursion."""
    names: set[str] = set()
    deepest = 0
    stack: list[tuple[object, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, CompValue):
            depth += 1
            deepest = max(deepest, depth)
            names.add(node.name)
            stack.extend((value, depth) for value in node.values())
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend((item, depth) for item in node)
    return names, deepest
