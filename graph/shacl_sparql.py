"""SHACL validation compiled to SPARQL: a few Oxigraph queries instead of pySHACL's node-by-node walk.

pySHACL (``graph.validation``) evaluates every constraint for every focus node in Python, about
1 ms per focus node and shape. Here each constraint of ``shapes/`` becomes one SELECT over *all*
its focus nodes, run by Oxigraph on the candidate store's default graph, and the rows are read
back into the same ``ValidationReport`` as ``graph.validation.validate_store_pyshacl`` (pySHACL) gives (same
severities, focus nodes, paths, values and messages; ``tests/test_shacl_sparql.py`` keeps the two
equal on the bundled content, every mutation case of ``tests/test_shapes.py`` and generated data).

Only the constraint components our shapes use are compiled. Any other SHACL parameter, path form
or nesting raises ``NotImplementedError`` when the shapes are compiled: a new kind of constraint
must be added here (with a test against pySHACL), never skipped silently.

Where pySHACL's answer depends on rdflib rather than on SPARQL, the compiled form follows rdflib:
``sh:datatype`` asks rdflib whether a literal is well formed (rdflib accepts ``"2026-01-30"`` as an
``xsd:dateTime``, Oxigraph does not), and SPARQL-constraint messages are filled in as pySHACL
does. SPARQL constraints keep pySHACL's pre-binding of ``$this``: their query runs under
``LATERAL`` for each focus node, inside Oxigraph.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache, partial

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from graph.namespaces import shorten
from graph.paths import shapes_files
from graph.validation import SEVERITIES, ValidationReport, ValidationResult, _labels, _path_text, _term_text

#: Parameters that only annotate or organise a shape; everything else under sh: must be compiled.
_ANNOTATIONS = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.path}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
#: Constraints on each value node: compiled to a boolean SPARQL expression "this value violates".
_VALUE_CONSTRAINTS = {
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
_COMPANIONS = {
    SH.flags,
    SH.ignoredProperties,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
}
_PATH_CONSTRAINTS = {
    SH.minCount,
    SH.maxCount,
    SH.hasValue,
    SH.qualifiedValueShape,
    SH.lessThanOrEquals,
    SH.uniqueLang,
}
_NODE_SHAPE_ONLY = {SH.closed, SH.sparql, SH.property}
_KNOWN = _ANNOTATIONS | _TARGETS | _VALUE_CONSTRAINTS | _COMPANIONS | _PATH_CONSTRAINTS | _NODE_SHAPE_ONLY

_NODE_KINDS = {
    SH.IRI: "!isIRI({v})",
    SH.Literal: "!isLiteral({v})",
    SH.BlankNode: "!isBlank({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})",
    SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}
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
_STRING_TYPES = {XSD.string, RDF.langString}
#: SPARQL: an IRI, or a literal whose rdflib value is a Python str (pySHACL compares those as text).
_STRING_LIKE = (
    "(isIRI({v}) || (isLiteral({v}) "
    "&& (DATATYPE({v}) = <http://www.w3.org/2001/XMLSchema#string> || LANG({v}) != '')))"
)
#: Value constraints that pySHACL decides with rdflib or Python's re: judged in Python (``judge``).
_JUDGED = {SH.datatype, SH.pattern, SH.minLength, SH.maxLength, SH.minInclusive, SH.maxInclusive}
_MAX_NESTING = 8
#: Annotation on a SPARQL constraint: evaluate once and join with the focus nodes (shapes/).
_EVALUATE_AS_JOIN = URIRef("https://w3id.org/evidence-graph/shapes#evaluateAsJoin")
_TYPE_CLOSURE = (
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
)


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint as a SELECT, and how to read its rows as validation results.

    Rows bind ``?this`` (the focus node) and, depending on the constraint, ``?value`` and
    ``?path``. ``value_is_focus`` marks node-level constraints, whose value is the focus node.
    ``judge`` marks a check that pySHACL leaves to rdflib or Python's ``re`` (``sh:datatype``,
    ``sh:pattern``, ``sh:minLength``, ``sh:maxLength``, ``sh:minInclusive``,
    ``sh:lessThanOrEquals``): ``query``
    finds the values SPARQL can decide alone (blank nodes, IRIs, other datatypes), ``candidates``
    the distinct values (for ``sh:lessThanOrEquals``, pairs) to judge, and ``bad_values`` (a
    template for a VALUES block) the focus nodes of those judged bad.
    ``sparql_message`` marks a SPARQL constraint, whose message is filled from its row.
    ``target`` is the subquery binding the focus nodes, which ``query`` and ``bad_values`` join
    with: where it binds none, the constraint has no result and is not run.
    """

    query: str | None
    severity: str
    message: str
    path: str | None
    source_shape: str | None
    target: str
    value_is_focus: bool = False
    sparql_message: bool = False
    judge: Callable[..., bool] | None = None
    candidates: str | None = None
    bad_values: str | None = None


@dataclass
class _Compiler:
    shapes: Graph
    constraints: list[CompiledConstraint] = field(default_factory=list)
    counter: int = 0
    depth: int = 0

    # -- terms, paths, messages ------------------------------------------------------------------

    def fresh(self) -> str:
        self.counter += 1
        return f"?_v{self.counter}"

    def one(self, node: Node, parameter: URIRef) -> Node:
        values = list(self.shapes.objects(node, parameter))
        if len(values) != 1:
            raise NotImplementedError(
                f"{shorten(str(node))}: expected one {shorten(str(parameter))}, got {len(values)}"
            )
        return values[0]

    def integer(self, node: Node, parameter: URIRef) -> int:
        value = self.one(node, parameter)
        if not (isinstance(value, Literal) and isinstance(value.value, int)):
            raise NotImplementedError(f"{shorten(str(parameter))} must be an integer")
        return int(value.value)

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    def path(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return str(ox.NamedNode(str(node)))
        inverse = self.shapes.value(node, SH.inversePath)
        if inverse is not None:
            return f"^{self.path(inverse)}" if isinstance(inverse, URIRef) else f"^({self.path(inverse)})"
        if self.shapes.value(node, RDF.first) is not None:
            return "(" + "/".join(self.path(step) for step in self.items(node)) + ")"
        raise NotImplementedError(f"path {node!r}: only IRI, inverse and sequence paths are compiled")

    def message(self, shape: Node) -> str:
        messages = list(self.shapes.objects(shape, SH.message))
        if len(messages) != 1:
            # pySHACL writes generated messages for none, and several results for several.
            raise NotImplementedError(
                f"{_shape_name(shape)}: {len(messages)} sh:message, exactly one is compiled"
            )
        return str(messages[0])

    def severity(self, shape: Node) -> str:
        severity = self.shapes.value(shape, SH.severity, default=SH.Violation)
        return SEVERITIES.get(URIRef(str(severity)), str(severity))

    def check_parameters(self, shape: Node, *, nested: bool) -> None:
        for predicate, value in self.shapes.predicate_objects(shape):
            if predicate == SH.deactivated and value == Literal(False):
                continue
            if predicate == SH.closed and value == Literal(False):
                continue
            if str(predicate).startswith(str(SH)) and predicate not in _KNOWN:
                raise NotImplementedError(f"{_shape_name(shape)}: {shorten(str(predicate))} is not compiled")
            if nested and predicate in _TARGETS | {SH.closed, SH.sparql}:
                raise NotImplementedError(
                    f"{_shape_name(shape)}: {shorten(str(predicate))} in a nested shape"
                )
        if (shape, SH.qualifiedValueShapesDisjoint, Literal(True)) in self.shapes:
            raise NotImplementedError(f"{_shape_name(shape)}: sh:qualifiedValueShapesDisjoint true")

    # -- boolean expressions: "the value node in variable v violates ..." -------------------------

    def value_violations(self, shape: Node, v: str, *, nested: bool) -> Iterator[tuple[URIRef, str]]:
        """(parameter, SPARQL expression true when ``v`` violates it) for each value constraint."""
        for parameter, value in self.shapes.predicate_objects(shape):
            if parameter not in _VALUE_CONSTRAINTS or not isinstance(parameter, URIRef):
                continue
            yield parameter, self.value_violation(shape, parameter, value, v, nested=nested)

    def value_violation(  # noqa: PLR0911, PLR0912 - one branch per constraint component
        self, shape: Node, parameter: URIRef, value: Node, v: str, *, nested: bool
    ) -> str:
        if parameter == SH.datatype:
            if nested and value not in _STRING_TYPES:
                raise NotImplementedError("sh:datatype of a non-string type inside a nested shape")
            return _wrong_datatype(value, v)
        if parameter == SH["class"]:
            return f"NOT EXISTS {{ {v} {_TYPE_CLOSURE} {_term(value)} }}"
        if parameter == SH.nodeKind:
            if value not in _NODE_KINDS:
                raise NotImplementedError(f"sh:nodeKind {value!r}")
            return _NODE_KINDS[value].format(v=v)  # type: ignore[index]  # checked just above
        if parameter == SH["in"]:
            allowed = " || ".join(f"sameTerm({v}, {_term(m)})" for m in self.items(value))
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
            length = _integer_literal(value)
            string_like = _STRING_LIKE.format(v=v)
            return (
                "false"
                if length == 0
                else f"(isBlank({v}) || ({string_like} && STRLEN(STR({v})) < {length}))"
            )
        if parameter == SH.maxLength:
            if nested:
                raise NotImplementedError("sh:maxLength inside a nested shape")
            # Strings and IRIs here; other literals are judged on rdflib's lexical form (_too_long).
            length = _integer_literal(value)
            string_like = _STRING_LIKE.format(v=v)
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
            for unsupported in _PATH_CONSTRAINTS & set(self.shapes.predicates(shape)):
                raise NotImplementedError(f"{shorten(str(unsupported))} on a node shape")
            violations += [f"!({self.conforms(p, x)})" for p in self.shapes.objects(shape, SH.property)]
        else:
            path = self.path(path_node)
            for parameter, value in self.shapes.predicate_objects(shape):
                if parameter == SH.minCount:
                    count = _integer_literal(value)
                    if count > 1:
                        raise NotImplementedError("sh:minCount above 1 inside a nested shape")
                    if count == 1:
                        violations.append(f"NOT EXISTS {{ {x} {path} {self.fresh()} }}")
                elif parameter == SH.hasValue:
                    violations.append(f"NOT EXISTS {{ {x} {path} {_term(value)} }}")
                elif parameter in _PATH_CONSTRAINTS or parameter == SH.property:
                    raise NotImplementedError(f"{shorten(str(parameter))} inside a nested property shape")
            for parameter, value in self.shapes.predicate_objects(shape):
                if parameter in _VALUE_CONSTRAINTS and isinstance(parameter, URIRef):
                    value_var = self.fresh()
                    expression = self.value_violation(shape, parameter, value, value_var, nested=True)
                    violations.append(f"EXISTS {{ {x} {path} {value_var} FILTER({expression}) }}")
        return "!(" + " || ".join(violations) + ")" if violations else "true"

    # -- top-level shapes: one query per constraint ------------------------------------------------

    def targets(self, shape: Node) -> str | None:
        patterns = []
        for target in self.shapes.objects(shape, SH.targetClass):
            patterns.append(f"?this {_TYPE_CLOSURE} {_term(target)} .")
        for target in self.shapes.objects(shape, SH.targetNode):
            patterns.append(f"VALUES ?this {{ {_term(target)} }}")
        for target in self.shapes.objects(shape, SH.targetSubjectsOf):
            patterns.append(f"?this {_term(target)} ?_target .")
        for target in self.shapes.objects(shape, SH.targetObjectsOf):
            patterns.append(f"?_target {_term(target)} ?this .")
        if not patterns:
            return None
        union = " UNION ".join(f"{{ {p} }}" for p in patterns)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def compile_shape(self, shape: Node, target: str | None = None) -> None:
        """Compile a shape for the focus nodes of ``target`` (a subquery binding ?this), else its own."""
        if target is None:
            target = self.targets(shape)
            if target is None:
                return
            if (shape, RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in self.shapes:
                raise NotImplementedError(f"{_shape_name(shape)}: implicit class targets")
        self.check_parameters(shape, nested=False)
        if self.shapes.value(shape, SH.path) is not None:
            self.compile_property(shape, target)
            return
        for node_shape in self.shapes.objects(shape, SH.node):
            self.compile_details(node_shape, target, path=None)
        for unsupported in _PATH_CONSTRAINTS & set(self.shapes.predicates(shape)):
            raise NotImplementedError(f"{_shape_name(shape)}: {shorten(str(unsupported))} on a node shape")
        for parameter, expression in self.value_violations(shape, "?this", nested=False):
            if parameter in _JUDGED:
                raise NotImplementedError(f"{_shape_name(shape)}: {shorten(str(parameter))} on a node shape")
            query = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER({expression}) }}"
            self.add(self.base(shape, None, target), query=query, value_is_focus=True)
        if (shape, SH.closed, Literal(True)) in self.shapes:
            self.compile_closed(shape, target, self.base(shape, None, target))
        for constraint in self.shapes.objects(shape, SH.sparql):
            self.compile_sparql(shape, constraint, target)
        for property_shape in self.shapes.objects(shape, SH.property):
            self.check_parameters(property_shape, nested=False)
            if self.shapes.value(property_shape, SH.path) is None:
                raise NotImplementedError(f"{_shape_name(property_shape)}: sh:property without sh:path")
            self.compile_property(property_shape, target)

    def base(self, shape: Node, path: Node | None, target: str) -> CompiledConstraint:
        return CompiledConstraint(
            query="",
            severity=self.severity(shape),
            message=self.message(shape),
            path=_path_text(self.shapes, path),
            source_shape=_shape_name(shape),
            target=target,
        )

    def add(self, base: CompiledConstraint, **changes: object) -> None:
        self.constraints.append(replace(base, **changes))  # type: ignore[arg-type]  # keyword names checked at run time

    def compile_property(self, shape: Node, target: str) -> None:
        if (
            any(True for _ in self.shapes.objects(shape, SH.property))
            or (shape, SH.closed, Literal(True)) in self.shapes
        ):
            raise NotImplementedError(f"{_shape_name(shape)}: sh:property or sh:closed on a property shape")
        if any(True for _ in self.shapes.objects(shape, SH.sparql)):
            raise NotImplementedError(f"{_shape_name(shape)}: sh:sparql on a property shape")
        path_node = self.one(shape, SH.path)
        path = self.path(path_node)
        base = self.base(shape, path_node, target)
        values = f"{target} ?this {path} ?value ."
        for parameter, expression in self.value_violations(shape, "?value", nested=False):
            judged = self.judge(shape, parameter)
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER({expression}) }}"
            if parameter == SH["class"]:
                # The same test as FILTER NOT EXISTS, but the instances of the class are found
                # once rather than walked up from every value: 4x faster at 1M triples.
                instances = f"{{ ?value {_TYPE_CLOSURE} {_term(self.one(shape, SH['class']))} }}"
                query = f"SELECT DISTINCT ?this ?value WHERE {{ {values} MINUS {instances} }}"
            if judged is None:
                self.add(base, query=query)
                continue
            judge, literal_filter = judged
            self.add(
                base,
                query=query,
                judge=judge,
                candidates=f"SELECT DISTINCT ?value WHERE {{ ?_s {path} ?value FILTER({literal_filter}) }}",
                bad_values=f"SELECT DISTINCT ?this ?value WHERE {{ VALUES (?value) {{ %s }} {values} }}",
            )
        for node_shape in self.shapes.objects(shape, SH.node):
            self.compile_details(node_shape, target, path=path)
        for predicate, value in self.shapes.predicate_objects(shape):
            if predicate in (SH.minCount, SH.maxCount):
                self.compile_count(base, predicate, _integer_literal(value), target, path)
            elif predicate == SH.hasValue:
                self.add(
                    base,
                    query=(
                        f"SELECT ?this WHERE {{ {target} "
                        f"FILTER NOT EXISTS {{ ?this {path} {_term(value)} }} }}"
                    ),
                )
            elif predicate == SH.qualifiedValueShape:
                self.compile_qualified(shape, value, target, path, base)
            elif predicate == SH.lessThanOrEquals:
                # Every pair is judged as pySHACL compares it (rdflib values, strings apart).
                self.add(
                    base,
                    query=None,
                    judge=_greater,
                    candidates=(
                        "SELECT DISTINCT ?value ?other WHERE "
                        f"{{ ?_s {path} ?value . ?_s {_term(value)} ?other }}"
                    ),
                    bad_values=(
                        f"SELECT DISTINCT ?this ?value WHERE {{ VALUES (?value ?other) {{ %s }} "
                        f"{values} ?this {_term(value)} ?other }}"
                    ),
                )
            elif predicate == SH.uniqueLang and value == Literal(True):
                self.add(
                    base,
                    query=(
                        f"SELECT DISTINCT ?this WHERE {{ {values} ?this {path} ?other . "
                        "FILTER(!sameTerm(?value, ?other) && LANG(?value) != '' "
                        "&& LCASE(LANG(?value)) = LCASE(LANG(?other))) }"
                    ),
                )

    def compile_count(
        self, base: CompiledConstraint, parameter: Node, count: int, target: str, path: str
    ) -> None:
        """sh:minCount / sh:maxCount: counts of distinct values, as anti- or self-joins for 1."""
        values = f"{target} ?this {path} ?value ."
        if parameter == SH.minCount and count == 1:
            # "No value at all": an anti-join, cheaper than counting every focus node's values.
            self.add(base, query=f"SELECT ?this WHERE {{ {target} MINUS {{ ?this {path} ?value }} }}")
        elif parameter == SH.minCount and count > 1:
            self.add(
                base,
                query=(
                    f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?value }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {count})"
                ),
            )
        elif parameter == SH.maxCount and count == 1:
            # "Two different values": a self-join, cheaper than grouping every focus node.
            self.add(
                base,
                query=(
                    f"SELECT DISTINCT ?this WHERE {{ {values} ?this {path} ?other "
                    "FILTER(!sameTerm(?value, ?other)) }"
                ),
            )
        elif parameter == SH.maxCount:
            self.add(
                base,
                query=(
                    f"SELECT ?this WHERE {{ {values} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {count})"
                ),
            )

    def judge(self, shape: Node, parameter: URIRef) -> tuple[Callable[..., bool], str] | None:
        """For checks pySHACL leaves to rdflib or Python's ``re``: a verdict and what to ask it about.

        The verdict is a function telling a value that violates the check; the filter on ``?value``
        chooses the values to ask it about.
        """
        if parameter not in _JUDGED:
            return None
        value = self.one(shape, parameter)
        if parameter == SH.datatype:
            if value in _STRING_TYPES:
                return None
            return partial(_ill_typed, str(value)), f"isLiteral(?value) && DATATYPE(?value) = {_term(value)}"
        if parameter == SH.pattern:
            flags = str(self.shapes.value(shape, SH.flags, default=Literal("")))
            regex = re.compile(
                str(value), (re.IGNORECASE if "i" in flags else 0) | (re.MULTILINE if "m" in flags else 0)
            )
            return partial(_mismatch, regex), "!isBlank(?value)"
        if parameter in (SH.minLength, SH.maxLength):
            verdict = _too_short if parameter == SH.minLength else _too_long
            return partial(
                verdict, _integer_literal(value)
            ), f"isLiteral(?value) && !{_STRING_LIKE.format(v='?value')}"
        assert isinstance(value, Literal)
        return partial(_out_of_range, value, parameter == SH.minInclusive), "isLiteral(?value)"

    def compile_details(self, node_shape: Node, target: str, path: str | None) -> None:
        """The results of a value node against an ``sh:node`` shape it fails, as pySHACL reports them.

        pySHACL nests them under the ``sh:node`` result with ``sh:detail``, and
        ``graph.validation`` reads every node with a severity, so they are results of their own:
        focus node = the value node, source shape = the nested shape's constraint.
        """
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise NotImplementedError("sh:node nested deeper than {_MAX_NESTING} (recursive shapes?)")
        focus = self.fresh()
        outer = target.replace("?this", focus)
        step = f"{focus} {path} ?this ." if path else f"BIND({focus} AS ?this)"
        fails = f"FILTER(!({self.conforms(node_shape, '?this')}))"
        failing = f"{{ SELECT DISTINCT ?this WHERE {{ {outer} {step} {fails} }} }}"
        self.compile_shape(node_shape, target=failing)
        self.depth -= 1

    def compile_qualified(
        self, shape: Node, qualified: Node, target: str, path: str, base: CompiledConstraint
    ) -> None:
        conforming = f"OPTIONAL {{ ?this {path} ?value FILTER({self.conforms(qualified, '?value')}) }}"
        for parameter, operator in ((SH.qualifiedMinCount, "<"), (SH.qualifiedMaxCount, ">")):
            if (shape, parameter, None) in self.shapes:
                count = self.integer(shape, parameter)
                query = (
                    f"SELECT ?this WHERE {{ {target} {conforming} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {operator} {count})"
                )
                self.add(base, query=query)

    def compile_closed(self, shape: Node, target: str, base: CompiledConstraint) -> None:
        allowed = set()
        for ignored in self.shapes.objects(shape, SH.ignoredProperties):
            allowed.update(self.items(ignored))
        for property_shape in self.shapes.objects(shape, SH.property):
            path = self.shapes.value(property_shape, SH.path)
            if isinstance(path, URIRef):
                allowed.add(path)
        # MINUS a table of the allowed predicates: Oxigraph looks each row up in it once, where
        # NOT IN compares the row with every predicate in turn (at 1M triples 0.5-0.8 s against
        # 0.8-1.3 s for each of the four closed shapes).
        listed = " ".join(sorted(_term(p) for p in allowed))
        query = (
            f"SELECT DISTINCT ?this ?path ?value WHERE {{ {target} ?this ?path ?value . "
            f"MINUS {{ VALUES ?path {{ {listed} }} }} }}"
        )
        self.add(base, query=query, path=None)

    def compile_sparql(self, shape: Node, constraint: Node, target: str) -> None:
        self.check_sparql_constraint(constraint)
        if (shape, SH.message, None) in self.shapes:
            # pySHACL would attach both the shape's and the constraint's message to each result.
            raise NotImplementedError(f"{_shape_name(shape)}: sh:message on a shape with sh:sparql")
        select = str(self.one(constraint, SH.select))
        if re.search(r"^\s*(PREFIX|BASE)\b", select, re.IGNORECASE | re.MULTILINE):
            raise NotImplementedError(f"{_shape_name(constraint)}: PREFIX or BASE inside sh:select")
        if re.search(r"\$(value|currentShape|shapesGraph|PATH)\b", select) or re.search(r"\bMINUS\b", select):
            raise NotImplementedError(
                f"{_shape_name(constraint)}: $value, $currentShape, $shapesGraph, $PATH or MINUS"
            )
        if not re.search(r"^\s*SELECT\b[^{]*[$?]this\b", select, re.IGNORECASE):
            raise NotImplementedError(f"{_shape_name(constraint)}: sh:select must project $this")
        prefixes = "".join(f"PREFIX {p}: <{n}>\n" for p, n in self.prefixes(constraint))
        if (constraint, _EVALUATE_AS_JOIN, Literal(True)) in self.shapes:
            # The shape's author asserts the results do not depend on pre-binding $this: one
            # evaluation for all focus nodes, joined with them (shape:DuplicateClaimConstraint).
            query = f"{prefixes}SELECT * WHERE {{ {target} {{ {select} }} }}"
        else:
            # LATERAL evaluates the select once per focus node with $this substituted everywhere,
            # as pySHACL's pre-binding does: a plain join would leave $this unbound inside the
            # FILTER NOT EXISTS of a UNION branch (shape:RetractionConstraint).
            query = f"{prefixes}SELECT * WHERE {{ {target} LATERAL {{ {select} }} }}"
        self.constraints.append(
            CompiledConstraint(
                query=query,
                severity=self.severity(shape),
                message=self.message(constraint),
                path=None,
                source_shape=_shape_name(shape),
                sparql_message=True,
                target=target,
            )
        )

    def check_sparql_constraint(self, constraint: Node) -> None:
        allowed = {SH.select, SH.message, SH.prefixes}
        for predicate, value in self.shapes.predicate_objects(constraint):
            if predicate == SH.deactivated and value == Literal(False):
                continue
            if str(predicate).startswith(str(SH)) and predicate not in allowed:
                raise NotImplementedError(
                    f"{_shape_name(constraint)}: {shorten(str(predicate))} is not compiled"
                )

    def prefixes(self, constraint: Node) -> list[tuple[str, str]]:
        found: dict[str, str] = {}
        for ontology in self.shapes.objects(constraint, SH.prefixes):
            for declaration in self.shapes.objects(ontology, SH.declare):
                found[str(self.one(declaration, SH.prefix))] = str(self.one(declaration, SH.namespace))
        return sorted(found.items())


def _shape_name(shape: Node) -> str | None:
    return shorten(str(shape)) if isinstance(shape, URIRef) else None


def _term(node: Node) -> str:
    """A shapes-graph term in SPARQL syntax (serialized by pyoxigraph, so always well escaped)."""
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        return str(ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string))))
    raise NotImplementedError(f"blank node {node!r} as a constraint parameter")


def _integer_literal(node: Node) -> int:
    if not (isinstance(node, Literal) and isinstance(node.value, int)):
        raise NotImplementedError(f"{node!r} is not an integer")
    return int(node.value)


def _wrong_datatype(datatype: Node, v: str) -> str:
    if datatype == RDF.langString:
        return f"!(isLiteral({v}) && LANG({v}) != '')"
    # For other datatypes this only finds values that are not literals of the type; rdflib then
    # judges the literals that are (``_ill_typed``).
    return f"!(isLiteral({v}) && DATATYPE({v}) = {_term(datatype)})"


def _literal(term: ox.Literal) -> Literal:
    """An Oxigraph literal as rdflib reads it, without rdflib's warning and traceback per ill-typed one."""
    rdflib_logger = logging.getLogger("rdflib.term")
    level = rdflib_logger.level
    rdflib_logger.setLevel(logging.ERROR)
    try:
        literal = _rdf(term)
    finally:
        rdflib_logger.setLevel(level)
    assert isinstance(literal, Literal)
    return literal


def _rdf(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
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


def _ill_typed(datatype: str, literal: Literal) -> bool:
    """The sh:datatype verdict of pySHACL on a literal of that type: rdflib cannot parse it, or to another."""
    if literal.ill_typed is True:
        return True
    expected = _VALUE_TYPES.get(URIRef(datatype))
    return expected is not None and not isinstance(literal.value, expected)


def _greater(value: Node, other: Node) -> bool:
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


def _mismatch(regex: re.Pattern[str], value: Node) -> bool:
    """The sh:pattern verdict of pySHACL: its text of the value does not match (``re.search``)."""
    return regex.search(_text(value)) is None


def _too_short(length: int, value: Node) -> bool:
    """The sh:minLength verdict of pySHACL on a literal that is not a string."""
    return len(_text(value)) < length


def _too_long(length: int, value: Node) -> bool:
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


def _out_of_range(bound: Literal, minimum: bool, literal: Literal) -> bool:
    """The sh:minInclusive / sh:maxInclusive verdict of pySHACL on a literal (rdflib comparison)."""
    if isinstance(bound.value, str) != isinstance(literal.value, str):
        return True
    try:
        # pySHACL's own comparison (untyped), so that the verdict is the same as its verdict
        first, second = (literal, bound) if minimum else (bound, literal)
        order = int(compare_literal(first, second))  # type: ignore[no-untyped-call]
    except (TypeError, NotImplementedError):
        return True
    return order < 0


def compile_shapes(shapes: Graph) -> list[CompiledConstraint]:
    """Compile every targeted shape of a shapes graph into SELECT queries.

    Raises ``NotImplementedError`` for anything this module does not compile.

    >>> from rdflib import Graph
    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ...     ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    ...         sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "needs ex:p" ] .''')
    >>> [c.message for c in compile_shapes(shapes)]
    ['needs ex:p']
    """
    compiler = _Compiler(shapes)
    shape_nodes = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    for shape in sorted(shape_nodes, key=str):
        compiler.compile_shape(shape)
    empty = ox.Store()
    for constraint in compiler.constraints:
        for query in (constraint.query, constraint.candidates, constraint.bad_values):
            if query is not None:
                # Parse errors surface here, at compile time, not in the middle of a load.
                empty.query(query.replace("%s", ""))
    return compiler.constraints


@cache
def _our_constraints() -> tuple[CompiledConstraint, ...]:
    shapes = Graph()
    for path in shapes_files():
        shapes.parse(path, format="turtle")
    return tuple(compile_shapes(shapes))


def validate_store_sparql(
    data: ox.Store,
    constraints: tuple[CompiledConstraint, ...] | None = None,
    *,
    union: bool = False,
    workers: int | None = None,
) -> ValidationReport:
    """Validate the default graph of an Oxigraph store, with the same report as pySHACL would give.

    Same report, a few Oxigraph queries instead of pySHACL's per-node evaluation. ``constraints``
    defaults to the compiled ``shapes/``. ``union`` validates the union of the store's named
    graphs instead (a triple asserted in two graphs counts once: every compiled count is a
    ``COUNT(DISTINCT ...)`` and results are deduplicated). On a store of 20,000 quads or more
    the queries run on ``workers`` threads (default: the CPUs, at most 4): Oxigraph evaluates
    them outside the GIL, so two cores validate 1M triples about 1.8x faster. Small stores (a
    write's extract) are validated in the calling thread, where threads would only cost. A
    constraint is run only if its focus nodes are there (one ASK per distinct focus-node
    subquery): a write's extract holds a few nodes, and skips about a fifth of the constraints.

    >>> from graph.validation import candidate_store
    >>> validate_store_sparql(candidate_store([])).conforms
    True
    """
    run = _Run(data, union)
    chosen = constraints if constraints is not None else _our_constraints()
    if workers is None:
        workers = _WORKERS if len(data) >= _THREADED_FROM else 1
    if workers <= 1:
        batches = [run.results(c) for c in chosen]
    else:
        # No garbage collection while the workers run: a collection started in a worker would
        # free other threads' pyoxigraph results there, which pyoxigraph refuses (they are
        # bound to the thread that made them) and leaks.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                batches = list(pool.map(run.results, chosen))
        finally:
            if collecting:
                gc.enable()
    found = [item for batch in batches for item in batch]
    labels = _labels(data, {focus for focus, _ in found if isinstance(focus, URIRef)}, union=union)
    results = [replace(r, focus_label=labels.get(r.focus_node)) for _, r in found]
    order = ["Violation", "Warning", "Info"]
    results.sort(key=lambda r: (order.index(r.severity), r.focus_node, r.path or "", r.message))
    return ValidationReport(results=results)


#: Threads validating at once (Oxigraph releases the GIL while it evaluates a query).
_WORKERS = min(4, os.cpu_count() or 1)
#: Stores smaller than this are validated in the calling thread.
_THREADED_FROM = 20_000


@dataclass
class _Run:
    """One validation: the store, which graph it reads, and what it has found out so far.

    Several constraints judge the same values (every ``rdfs:label`` is checked for its datatype
    by seven shapes): their candidate query runs once per validation. Many share their focus
    nodes: whether there are any is asked once per validation too.
    """

    data: ox.Store
    union: bool
    _candidates: dict[str, list[list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]] = field(
        default_factory=dict
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _focus: dict[str, bool] = field(default_factory=dict)

    def solutions(self, query: str) -> ox.QuerySolutions:
        solutions = self.data.query(query, use_default_graph_as_union=self.union)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions

    def candidates(self, query: str) -> list[list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]:
        with self._lock:
            if query not in self._candidates:
                self._candidates[query] = [list(row) for row in self.solutions(query)]
            return self._candidates[query]

    def has_focus_nodes(self, target: str) -> bool:
        """Whether the focus-node subquery ``target`` binds any node (asked once per validation)."""
        found = self._focus.get(target)
        if found is None:  # two threads may both ask: the same answer, stored twice
            answer = self.data.query(f"ASK {{ {target} }}", use_default_graph_as_union=self.union)
            found = self._focus[target] = bool(answer)
        return found

    def results(self, constraint: CompiledConstraint) -> list[tuple[Node, ValidationResult]]:
        if not self.has_focus_nodes(constraint.target):
            return []  # no focus node, no result: a write's extract skips about a fifth this way
        if constraint.sparql_message:
            return _sparql_results(self, constraint)
        return _results(self, constraint)


def _results(run: _Run, constraint: CompiledConstraint) -> list[tuple[Node, ValidationResult]]:
    rows: list[ox.QuerySolution] = []
    has_value = has_path = True
    if constraint.query is not None:
        solutions = run.solutions(constraint.query)
        has_value, has_path = (any(v.value == n for v in solutions.variables) for n in ("value", "path"))
        rows = list(solutions)
    if constraint.judge is not None and constraint.candidates and constraint.bad_values:
        has_value, has_path = True, False
        bad = []
        for terms in run.candidates(constraint.candidates):
            if all(isinstance(t, ox.Literal | ox.NamedNode) for t in terms) and constraint.judge(
                *(_literal(t) if isinstance(t, ox.Literal) else _rdf(t) for t in terms)
            ):
                bad.append("(" + " ".join(str(t) for t in terms) + ")")
        if bad:
            rows += list(run.solutions(constraint.bad_values % " ".join(bad)))
    results = []
    for row in rows:
        focus = _rdf(row["this"])
        value: Node | None = focus if constraint.value_is_focus else None
        path = constraint.path
        if has_value and row["value"] is not None:
            value = _rdf(row["value"])
        if has_path and row["path"] is not None:
            path = shorten(str(_rdf(row["path"])))
        results.append((focus, _result(constraint, focus, path, value, constraint.message)))
    return results


def _sparql_results(run: _Run, constraint: CompiledConstraint) -> list[tuple[Node, ValidationResult]]:
    assert constraint.query is not None
    solutions = run.solutions(constraint.query)
    names = [v.value for v in solutions.variables]
    seen: set[tuple[tuple[str, Node], ...]] = set()
    results = []
    for row in solutions:
        bound = {name: _rdf(row[name]) for name in names if row[name] is not None}
        key = tuple(sorted(bound.items()))
        if key in seen:
            continue
        seen.add(key)
        bound.pop("failure", None)
        focus = bound.pop("this")
        path_node = bound.pop("path", None)
        value = bound.pop("value", None)
        if value is None:
            value = focus  # a node shape's result is about its focus node
        # As pySHACL: the other variables first, then this, path and value, each by re.sub.
        filling = {
            **bound,
            "this": focus,
            **({"path": path_node} if path_node is not None else {}),
            "value": value,
        }
        message = constraint.message
        for name, term in filling.items():
            message = re.sub(f"{{[?$]{name}}}", str(term), message)
        path = _path_text(Graph(), path_node)
        results.append((focus, _result(constraint, focus, path, value, message)))
    return results


def _result(
    constraint: CompiledConstraint, focus: Node, path: str | None, value: Node | None, message: str
) -> ValidationResult:
    return ValidationResult(
        severity=constraint.severity,
        focus_node=str(focus),
        focus_label=None,
        path=path,
        value=_term_text(value),
        message=message,
        source_shape=constraint.source_shape,
    )
