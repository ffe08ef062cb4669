"""Verdicts on single values that pySHACL leaves to rdflib or Python's ``re``.

The compiled validator (graph.shacl_compile) decides most constraints in SPARQL. Where pySHACL's
answer depends on how rdflib reads a literal (``sh:datatype``, ``sh:minInclusive``) or on Python's
``re`` (``sh:pattern``), it asks these functions instead, so that both validators give the same
verdict on every value.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Literal, URIRef
from rdflib.term import Node

#: Python types of rdflib literal values that pySHACL's sh:datatype insists on (its
#: ``_assert_actual_datatype``); other datatypes only have to be well formed for rdflib.
_VALUE_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def rdflib_literal(term: ox.Literal) -> Literal:
    """An Oxigraph literal as rdflib reads it, without rdflib's warning and traceback per ill-typed one."""
    rdflib_logger = logging.getLogger("rdflib.term")
    level = rdflib_logger.level
    rdflib_logger.setLevel(logging.ERROR)
    try:
        literal = rdflib_term(term)
    finally:
        rdflib_logger.setLevel(level)
    assert isinstance(literal, Literal)
    return literal


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """An Oxigraph term as pySHACL sees it (``graph_abstraction.to_rdf``), rdflib normalizing literals."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language is not None:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise NotImplementedError("RDF-star triple terms")


def ill_typed(datatype: str, literal: Literal) -> bool:
    """The sh:datatype verdict of pySHACL on a literal of that type: rdflib cannot parse it, or to another."""
    if literal.ill_typed is True:
        return True
    expected = _VALUE_TYPES.get(URIRef(datatype))
    return expected is not None and not isinstance(literal.value, expected)


def greater(value: Node, other: Node) -> bool:
    """The sh:lessThanOrEquals verdict of pySHACL on one pair: IRIs and str values compare as text."""
    a, b = (_comparable(value), _comparable(other))
    if a is None or b is None or isinstance(a, str) != isinstance(b, str):
        return True
    try:
        return not a <= b  # type: ignore[operator]  # rdflib literals order themselves
    except TypeError:  # pySHACL raises here; a value that cannot be compared is reported instead
        return True


def _comparable(node: Node) -> object:
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, Literal):
        return node.value if isinstance(node.value, str) else node
    return None  # pySHACL refuses to compare a blank node


def mismatch(regex: re.Pattern[str], value: Node) -> bool:
    """The sh:pattern verdict of pySHACL: its text of the value does not match (``re.search``)."""
    return regex.search(_text(value)) is None


def too_short(length: int, value: Node) -> bool:
    """The sh:minLength verdict of pySHACL on a literal that is not a string."""
    return len(_text(value)) < length


def too_long(length: int, value: Node) -> bool:
    """The sh:maxLength verdict of pySHACL on a literal that is not a string."""
    return len(_text(value)) > length


def _text(value: Node) -> str:
    # pySHACL's value_node_to_string: a string's value, else the (rdflib-normalized) lexical form.
    if (
        isinstance(value, Literal)
        and value.value is not None
        and value.datatype in (None, RDF.langString, XSD.string)
    ):
        return str(value.value)
    return str(value)


def out_of_range(bound: Literal, minimum: bool, literal: Literal) -> bool:
    """The sh:minInclusive / sh:maxInclusive verdict of pySHACL on a literal (rdflib comparison)."""
    if isinstance(bound.value, str) != isinstance(literal.value, str):
        return True
    try:
        first, second = (literal, bound) if minimum else (bound, literal)
        order = _compare(first, second)
    except (TypeError, NotImplementedError):
        return True
    return order < 0


def _compare(first: Literal, second: Literal) -> int:
    """-1, 0 or 1 as pySHACL compares two literals (its ``compare_literal``).

    By rdflib's order, except that dates with times and times compare by their Python values:
    rdflib orders naive and aware ones together, pySHACL does not (comparing them raises TypeError).
    """
    if first.eq(second):
        return 0
    if isinstance(first.value, datetime | time):
        if first.value == second.value:
            return 0
        return 1 if first.value > second.value else -1
    return 1 if first > second else -1
