"""What a SPARQL server is sent and what it sends back, read as the embedded store has them.

Virtuoso names blank nodes ``nodeID://b10000`` (no RDF syntax allows that label), writes booleans
as "1" and "0", reads a decimal written without a point as an integer, cuts a string at a NUL and
refuses blank nodes in ``INSERT DATA``: answers are read, and writes written, so that every server
gives back the terms the embedded store does.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable

import pyoxigraph as ox

from graph.store import Term, data_blocks

#: How Virtuoso names the blank nodes of its answers (no RDF syntax allows it as a label).
VIRTUOSO_BLANK = "nodeID://"


# --- terms as some servers send them back -----------------------------------------------------
# Virtuoso names blank nodes ``nodeID://b10000`` (no RDF syntax allows that label), writes
# booleans as "1" and "0", and reads a decimal written without a point ("21"^^xsd:decimal) as an
# integer. Answers are read, and literals written, so that every server gives back the terms
# the embedded store does.

XSD = "http://www.w3.org/2001/XMLSchema#"
#: Booleans in the lexical forms the embedded store keeps ("true", "false").
_BOOLEANS = {"1": "true", "0": "false"}


def _blank_label(value: str) -> str:
    """A blank node label RDF syntaxes allow, for Virtuoso's ``nodeID://b10000`` (``b10000``).

    >>> _blank_label("nodeID://b10000"), _blank_label("nodeID://x/y")
    ('b10000', 'v782f79')
    """
    label = value.removeprefix(VIRTUOSO_BLANK)
    return label if label.isascii() and label.isalnum() else "v" + label.encode().hex()


def _needs_reading(content: bytes) -> bool:
    """Whether a SPARQL JSON answer may hold a term :func:`_read_terms` changes."""
    return VIRTUOSO_BLANK.encode() in content or (XSD + "boolean").encode() in content


def _read_terms(content: bytes) -> bytes:
    """SPARQL JSON results with Virtuoso's blank node names and booleans in the usual forms.

    A blank node keeps the same label in every answer, the one the Graph Store Protocol's
    N-Triples give it (``_:b10000``).
    """
    document = json.loads(content)
    bindings = document.get("results", {}).get("bindings", []) if isinstance(document, dict) else []
    for row in bindings if isinstance(bindings, list) else []:
        for term in row.values() if isinstance(row, dict) else []:
            if not isinstance(term, dict) or not isinstance(value := term.get("value"), str):
                continue
            if term.get("type") == "bnode":
                term["value"] = _blank_label(value)
            elif term.get("datatype") == XSD + "boolean":
                term["value"] = _BOOLEANS.get(value, value)
    return json.dumps(document).encode()


def read_term(term: Term) -> Term:
    """A term of an N-Triples answer, a boolean in the usual form."""
    if isinstance(term, ox.Literal) and term.datatype.value == XSD + "boolean" and term.value in _BOOLEANS:
        return ox.Literal(_BOOLEANS[term.value], datatype=term.datatype)
    return term


def read_triple(triple: ox.Triple) -> ox.Triple:
    """A triple of an N-Triples answer, its object as :func:`read_term` reads it."""
    obj = read_term(triple.object)
    return triple if obj is triple.object else ox.Triple(triple.subject, triple.predicate, obj)


#: A NUL character in query text: raw, or a SPARQL escape whose backslash is not itself escaped.
_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\(?:u0000|U00000000)|\x00")


def without_nul(query: str) -> str:
    r"""The query with each NUL character as U+FFFF, a noncharacter that no text holds either.

    Virtuoso ends a string at a NUL (``"a\u0000b"`` would be compared as ``"a"``, and match what
    ``"a"`` matches); no string can hold one there, and none holds U+FFFF, so a string with
    either matches nothing, as on the embedded store.

    >>> without_nul(r'ASK { FILTER("a\u0000b" != "\\u0000") }')
    'ASK { FILTER("a\uffffb" != "\\\\u0000") }'
    """
    return _NUL.sub(lambda match: (match.group(1) or "") + "\uffff", query)


def written(quad: ox.Quad) -> ox.Quad:
    """A quad as sent to the server: a decimal without a point gets one (21 as 21.0, same value)."""
    obj = quad.object
    if isinstance(obj, ox.Literal) and obj.datatype.value == XSD + "decimal" and "." not in obj.value:
        obj = ox.Literal(obj.value + ".0", datatype=obj.datatype)
        return ox.Quad(quad.subject, quad.predicate, obj, quad.graph_name)
    return quad


def read_results(content: bytes, expected: list[str] | None) -> ox.QuerySolutions | ox.QueryBoolean:
    """SPARQL JSON results, read through once first: a malformed answer fails here, not later.

    pyoxigraph reads results lazily, so an answer that breaks off would otherwise fail in the
    middle of whatever reads it. The solutions must bind the variables ``expected`` (those the
    query projects), in any order.
    """
    if _needs_reading(content):
        content = _read_terms(content)
    results = ox.parse_query_results(content, format=ox.QueryResultsFormat.JSON)
    try:
        if isinstance(results, ox.QuerySolutions):
            found = sorted(v.value for v in results.variables)
            if expected is not None and found != expected:
                raise ValueError(f"its variables {found} are not the query's {expected}")
            deque(results, maxlen=0)
            return ox.parse_query_results(content, format=ox.QueryResultsFormat.JSON)
        return results
    finally:
        # pyoxigraph results must be dropped on the thread that made them; an error's traceback
        # keeps this frame alive, perhaps into another thread
        del results


def inserts(quads: Iterable[ox.Quad]) -> list[str]:
    """``INSERT DATA`` operations, one per named graph (with blank nodes: ``INSERT ... WHERE {}``).

    ``INSERT { GRAPH <g> { ... } } WHERE {}`` adds the same triples, and Virtuoso takes it where
    it refuses blank nodes in ``INSERT DATA``.
    """
    quads = [written(q) for q in quads]
    blank = {
        q.graph_name
        for q in quads
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
    }
    plain = data_blocks("INSERT", (q for q in quads if q.graph_name not in blank))
    return plain + [_template(b) for b in data_blocks("INSERT", (q for q in quads if q.graph_name in blank))]


def _template(block: str) -> str:
    """``INSERT DATA { GRAPH <g> { ... } }`` written as ``INSERT { GRAPH <g> { ... } } WHERE {}``."""
    return "INSERT " + block.removeprefix("INSERT DATA ") + " WHERE {}"
