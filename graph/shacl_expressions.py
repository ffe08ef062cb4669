"""SHACL shapes read as SPARQL expressions: "the value node in variable v violates this shape".

:class:`ShapeReader` reads a shapes graph (terms, paths, messages, severities) and turns value
constraints, and nested shapes (``sh:node``, ``sh:not``, ``sh:or``, ``sh:xone``), into boolean
SPARQL expressions. graph.shacl_compile builds one query per constraint from them.

Only the constraint components our shapes use are compiled. Any other SHACL parameter, path form
or nesting raises ``NotImplementedError`` when the shapes are compiled: a new kind of constraint
must be added here (with a test against pySHACL), never skipped silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from graph.namespaces import shorten
from graph.report import SEVERITIES

#: Parameters that only annotate or organise a shape; everything else under sh: must be compiled.
ANNOTATIONS = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.path}
TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
#: Constraints on each value node: compiled to a boolean SPARQL expression "this value violates".
VALUE_CONSTRAINTS = {
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH["in"],
    SH.pattern,
    SH.minLength,
    SH.maxLength,
    SH.minInclusive,
    SH.maxInclusive,
    SH.node,
    SH["not"],
    SH["or"],
    SH.xone,
}
#: Parameters read together with another one (sh:flags with sh:pattern, ...).
COMPANIONS = {
    SH.flags,
    SH.ignoredProperties,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
}
PATH_CONSTRAINTS = {
    SH.minCount,
    SH.maxCount,
    SH.hasValue,
    SH.qualifiedValueShape,
    SH.lessThanOrEquals,
    SH.uniqueLang,
}
NODE_SHAPE_ONLY = {SH.closed, SH.sparql, SH.property}
KNOWN = ANNOTATIONS | TARGETS | VALUE_CONSTRAINTS | COMPANIONS | PATH_CONSTRAINTS | NODE_SHAPE_ONLY

NODE_KINDS = {
    SH.IRI: "!isIRI({v})",
    SH.Literal: "!isLiteral({v})",
    SH.BlankNode: "!isBlank({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})",
    SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}
STRING_TYPES = {XSD.string, RDF.langString}
#: SPARQL: an IRI, or a literal whose rdflib value is a Python str (pySHACL compares those as text).
STRING_LIKE = (
    "(isIRI({v}) || (isLiteral({v}) "
    "&& (DATATYPE({v}) = <http://www.w3.org/2001/XMLSchema#string> || LANG({v}) != '')))"
)
#: Value constraints that pySHACL decides with rdflib or Python's re: judged in Python (``judge``).
TYPE_CLOSURE = (
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
)


@dataclass
class ShapeReader:
    """Reads a shapes graph: its terms, paths and messages, and value constraints as SPARQL."""

    shapes: Graph
    counter: int = 0

    # -- terms, paths, messages ------------------------------------------------------------------

    def fresh(self) -> str:
        """A new SPARQL variable name."""
        self.counter += 1
        return f"?_v{self.counter}"

    def one(self, node: Node, parameter: URIRef) -> Node:
        """The one value of ``parameter`` on ``node`` (NotImplementedError if none or several)."""
        values = list(self.shapes.objects(node, parameter))
        if len(values) != 1:
            raise NotImplementedError(
                f"{shorten(str(node))}: expected one {shorten(str(parameter))}, got {len(values)}"
            )
        return values[0]

    def integer(self, node: Node, parameter: URIRef) -> int:
        """The one integer value of ``parameter`` on ``node``."""
        value = self.one(node, parameter)
        if not (isinstance(value, Literal) and isinstance(value.value, int)):
            raise NotImplementedError(f"{shorten(str(parameter))} must be an integer")
        return int(value.value)

    def items(self, node: Node) -> list[Node]:
        """The members of an RDF list."""
        return list(Collection(self.shapes, node))

    def path(self, node: Node) -> str:
        """A SHACL path in SPARQL property-path syntax (IRI, inverse or sequence paths)."""
        if isinstance(node, URIRef):
            return str(ox.NamedNode(str(node)))
        inverse = self.shapes.value(node, SH.inversePath)
        if inverse is not None:
            return f"^{self.path(inverse)}" if isinstance(inverse, URIRef) else f"^({self.path(inverse)})"
        if self.shapes.value(node, RDF.first) is not None:
            return "(" + "/".join(self.path(step) for step in self.items(node)) + ")"
        raise NotImplementedError(f"path {node!r}: only IRI, inverse and sequence paths are compiled")

    def message(self, shape: Node) -> str:
        """The shape's one sh:message (pySHACL would generate one, or give several results)."""
        messages = list(self.shapes.objects(shape, SH.message))
        if len(messages) != 1:
            # pySHACL writes generated messages for none, and several results for several.
            raise NotImplementedError(
                f"{shape_name(shape)}: {len(messages)} sh:message, exactly one is compiled"
            )
        return str(messages[0])

    def severity(self, shape: Node) -> str:
        """The shape's severity as a report names it (Violation by default)."""
        severity = self.shapes.value(shape, SH.severity, default=SH.Violation)
        return SEVERITIES.get(URIRef(str(severity)), str(severity))

    def check_parameters(self, shape: Node, *, nested: bool) -> None:
        """Refuse any sh: parameter of ``shape`` that is not compiled (or not where it is)."""
        for predicate, value in self.shapes.predicate_objects(shape):
            if predicate == SH.deactivated and value == Literal(False):
                continue
            if predicate == SH.closed and value == Literal(False):
                continue
            if str(predicate).startswith(str(SH)) and predicate not in KNOWN:
                raise NotImplementedError(f"{shape_name(shape)}: {shorten(str(predicate))} is not compiled")
            if nested and predicate in TARGETS | {SH.closed, SH.sparql}:
                raise NotImplementedError(f"{shape_name(shape)}: {shorten(str(predicate))} in a nested shape")
        if (shape, SH.qualifiedValueShapesDisjoint, Literal(True)) in self.shapes:
            raise NotImplementedError(f"{shape_name(shape)}: sh:qualifiedValueShapesDisjoint true")

    # -- boolean expressions: "the value node in variable v violates ..." -------------------------

    def value_violations(self, shape: Node, v: str, *, nested: bool) -> Iterator[tuple[URIRef, str]]:
        """(parameter, SPARQL expression true when ``v`` violates it) for each value constraint."""
        for parameter, value in self.shapes.predicate_objects(shape):
            if parameter not in VALUE_CONSTRAINTS or not isinstance(parameter, URIRef):
                continue
            yield parameter, self.value_violation(shape, parameter, value, v, nested=nested)

    def value_violation(  # noqa: PLR0911, PLR0912 - one branch per constraint component
        self, shape: Node, parameter: URIRef, value: Node, v: str, *, nested: bool
    ) -> str:
        """A SPARQL expression true when ``v`` violates ``parameter`` (with ``value``)."""
        if parameter == SH.datatype:
            if nested and value not in STRING_TYPES:
                raise NotImplementedError("sh:datatype of a non-string type inside a nested shape")
            return wrong_datatype(value, v)
        if parameter == SH["class"]:
            return f"NOT EXISTS {{ {v} {TYPE_CLOSURE} {term(value)} }}"
        if parameter == SH.nodeKind:
            if value not in NODE_KINDS:
                raise NotImplementedError(f"sh:nodeKind {value!r}")
            return NODE_KINDS[value].format(v=v)  # type: ignore[index]  # checked just above
        if parameter == SH["in"]:
            allowed = " || ".join(f"sameTerm({v}, {term(m)})" for m in self.items(value))
            return f"!({allowed or 'false'})"
        if parameter == SH.pattern:
            # pySHACL matches with Python's re (its $ also matches before a final newline, its \S
            # differs from Oxigraph's): values other than blank nodes are judged in Python.
            flags = str(self.shapes.value(shape, SH.flags, default=Literal("")))
            if nested or not set(flags) <= set("im"):
                raise NotImplementedError(f"sh:pattern inside a nested shape or with sh:flags {flags!r}")
            return f"isBlank({v})"
        if parameter == SH.minLength:
            if nested:
                raise NotImplementedError("sh:minLength inside a nested shape")
            # Strings and IRIs here; other literals are judged on rdflib's lexical form (_too_short).
            length = integer_literal(value)
            string_like = STRING_LIKE.format(v=v)
            return (
                "false"
                if length == 0
                else f"(isBlank({v}) || ({string_like} && STRLEN(STR({v})) < {length}))"
            )
        if parameter == SH.maxLength:
            if nested:
                raise NotImplementedError("sh:maxLength inside a nested shape")
            # Strings and IRIs here; other literals are judged on rdflib's lexical form (_too_long).
            length = integer_literal(value)
            string_like = STRING_LIKE.format(v=v)
            return f"(isBlank({v}) || ({string_like} && STRLEN(STR({v})) > {length}))"
        if parameter in (SH.minInclusive, SH.maxInclusive):
            if nested:
                raise NotImplementedError(f"{shorten(str(parameter))} inside a nested shape")
            return f"!isLiteral({v})"  # literals are judged by rdflib (_out_of_range)
        if parameter == SH.node:
            return f"!({self.conforms(value, v)})"
        if parameter == SH["not"]:
            return f"({self.conforms(value, v)})"
        if parameter == SH["or"]:
            return "!(" + " || ".join(f"({self.conforms(s, v)})" for s in self.items(value)) + ")"
        if parameter == SH.xone:
            counts = " + ".join(f"IF({self.conforms(s, v)}, 1, 0)" for s in self.items(value))
            return f"({counts}) != 1"
        raise NotImplementedError(f"{shorten(str(parameter))}")

    def conforms(self, shape: Node, x: str) -> str:
        """A SPARQL expression true when node ``x`` conforms to a nested shape (no targets)."""
        self.check_parameters(shape, nested=True)
        violations: list[str] = []
        path_node = self.shapes.value(shape, SH.path)
        if path_node is None:
            violations += [e for _, e in self.value_violations(shape, x, nested=True)]
            for unsupported in PATH_CONSTRAINTS & set(self.shapes.predicates(shape)):
                raise NotImplementedError(f"{shorten(str(unsupported))} on a node shape")
            violations += [f"!({self.conforms(p, x)})" for p in self.shapes.objects(shape, SH.property)]
        else:
            path = self.path(path_node)
            for parameter, value in self.shapes.predicate_objects(shape):
                if parameter == SH.minCount:
                    count = integer_literal(value)
                    if count > 1:
                        raise NotImplementedError("sh:minCount above 1 inside a nested shape")
                    if count == 1:
                        violations.append(f"NOT EXISTS {{ {x} {path} {self.fresh()} }}")
                elif parameter == SH.hasValue:
                    violations.append(f"NOT EXISTS {{ {x} {path} {term(value)} }}")
                elif parameter in PATH_CONSTRAINTS or parameter == SH.property:
                    raise NotImplementedError(f"{shorten(str(parameter))} inside a nested property shape")
            for parameter, value in self.shapes.predicate_objects(shape):
                if parameter in VALUE_CONSTRAINTS and isinstance(parameter, URIRef):
                    value_var = self.fresh()
                    expression = self.value_violation(shape, parameter, value, value_var, nested=True)
                    violations.append(f"EXISTS {{ {x} {path} {value_var} FILTER({expression}) }}")
        return "!(" + " || ".join(violations) + ")" if violations else "true"


def shape_name(shape: Node) -> str | None:
    """A shape's prefixed name (None for a blank node)."""
    return shorten(str(shape)) if isinstance(shape, URIRef) else None


def term(node: Node) -> str:
    """A shapes-graph term in SPARQL syntax (serialized by pyoxigraph, so always well escaped)."""
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        return str(ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string))))
    raise NotImplementedError(f"blank node {node!r} as a constraint parameter")


def integer_literal(node: Node) -> int:
    """The value of an integer literal of the shapes graph."""
    if not (isinstance(node, Literal) and isinstance(node.value, int)):
        raise NotImplementedError(f"{node!r} is not an integer")
    return int(node.value)


def wrong_datatype(datatype: Node, v: str) -> str:
    """A SPARQL expression true when ``v`` is not a literal of ``datatype``."""
    if datatype == RDF.langString:
        return f"!(isLiteral({v}) && LANG({v}) != '')"
    # For other datatypes this only finds values that are not literals of the type; rdflib then
    # judges the literals that are (``_ill_typed``).
    return f"!(isLiteral({v}) && DATATYPE({v}) = {term(datatype)})"
