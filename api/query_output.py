"""What ``evidence-graph query`` prints: a table, JSON or CSV of solutions, and why a query was refused."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum

import pyoxigraph as ox

from graph.namespaces import PREFIXES, shorten
from graph.query_check import READ_ONLY, QueryRefusedError, check_query, undeclared_prefix


class ResultFormat(StrEnum):
    """How ``query`` prints SELECT results."""

    table = "table"
    json = "json"
    csv = "csv"


def query_problem(sparql: str, error: Exception) -> str:
    """What is wrong with a query the store refused, as a person can act on it.

    rdflib's parser tells an update from a query, and names an undeclared prefix; otherwise the
    engine's message, shortened.
    """
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    try:
        check_query(prologue + sparql)
    except QueryRefusedError as refused:
        if str(refused) == READ_ONLY:
            return "`query` runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE); write with `load`"
    undeclared = undeclared_prefix(prologue + sparql)
    if undeclared is not None:
        return f"unknown prefix {undeclared}: declare it with PREFIX (predeclared: {', '.join(PREFIXES)})"
    message = str(error)
    return f"query syntax error: {message if len(message) <= 200 else message[:200] + ' ...'}"


def format_solutions(result: ox.QuerySolutions, output: ResultFormat) -> str:
    """SELECT results as a table (with a row count), SPARQL 1.1 JSON results or CSV."""
    if output is ResultFormat.json:
        data = result.serialize(format=ox.QueryResultsFormat.JSON)
        return json.dumps(json.loads(data or b"{}"), indent=2, ensure_ascii=False) + "\n"
    names = [v.value for v in result.variables]
    rows = [[cell(solution[name]) for name in names] for solution in result]
    if output is ResultFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return buffer.getvalue()
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    body = [line(names), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    return "\n".join(body) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def cell(term: object) -> str:
    """A table cell: IRIs as CURIEs where a prefix fits, literals by their lexical form."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)
