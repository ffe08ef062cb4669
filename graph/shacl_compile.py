"""SHACL shapes compiled to SPARQL: one SELECT per constraint over all its focus nodes.

Each constraint of ``shapes/`` becomes a :class:`CompiledConstraint`, a query Oxigraph runs over
every focus node at once (graph.shacl_run runs them), instead of pySHACL's evaluation of every
constraint for every focus node in Python. The rows read back into the same report as pySHACL's
(``tests/test_shacl_sparql.py`` keeps the two equal on the bundled content, every mutation case
of ``tests/test_shapes.py`` and generated data).

Where pySHACL's answer depends on rdflib rather than on SPARQL, the compiled form follows rdflib
(graph.shacl_judges). SPARQL constraints keep pySHACL's pre-binding of ``$this``: their query
runs under ``LATERAL`` for each focus node, inside Oxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, partial

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from graph import shacl_judges as judges
from graph.namespaces import shorten
from graph.report import path_text
from graph.shacl_expressions import (
    PATH_CONSTRAINTS,
    STRING_LIKE,
    STRING_TYPES,
    TARGETS,
    TYPE_CLOSURE,
    ShapeReader,
    integer_literal,
    shape_name,
    term,
)
from graph.shapes import shapes_graph

_JUDGED = {SH.datatype, SH.pattern, SH.minLength, SH.maxLength, SH.minInclusive, SH.maxInclusive}
_MAX_NESTING = 8
#: Annotation on a SPARQL constraint: evaluate once and join with the focus nodes (shapes/).
_EVALUATE_AS_JOIN = URIRef("https://w3id.org/evidence-graph/shapes#evaluateAsJoin")


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
class Compiler(ShapeReader):
    """Compiles the targeted shapes of a shapes graph into :attr:`constraints`."""

    constraints: list[CompiledConstraint] = field(default_factory=list)
    depth: int = 0

    # -- top-level shapes: one query per constraint ------------------------------------------------

    def targets(self, shape: Node) -> str | None:
        """A subquery binding ``?this`` to the shape's focus nodes (None: the shape has no target)."""
        patterns = []
        for target in self.shapes.objects(shape, SH.targetClass):
            patterns.append(f"?this {TYPE_CLOSURE} {term(target)} .")
        for target in self.shapes.objects(shape, SH.targetNode):
            patterns.append(f"VALUES ?this {{ {term(target)} }}")
        for target in self.shapes.objects(shape, SH.targetSubjectsOf):
            patterns.append(f"?this {term(target)} ?_target .")
        for target in self.shapes.objects(shape, SH.targetObjectsOf):
            patterns.append(f"?_target {term(target)} ?this .")
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
                raise NotImplementedError(f"{shape_name(shape)}: implicit class targets")
        self.check_parameters(shape, nested=False)
        if self.shapes.value(shape, SH.path) is not None:
            self.compile_property(shape, target)
            return
        for node_shape in self.shapes.objects(shape, SH.node):
            self.compile_details(node_shape, target, path=None)
        for unsupported in PATH_CONSTRAINTS & set(self.shapes.predicates(shape)):
            raise NotImplementedError(f"{shape_name(shape)}: {shorten(str(unsupported))} on a node shape")
        for parameter, expression in self.value_violations(shape, "?this", nested=False):
            if parameter in _JUDGED:
                raise NotImplementedError(f"{shape_name(shape)}: {shorten(str(parameter))} on a node shape")
            query = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER({expression}) }}"
            self.add(self.base(shape, None, target), query=query, value_is_focus=True)
        if (shape, SH.closed, Literal(True)) in self.shapes:
            self.compile_closed(shape, target, self.base(shape, None, target))
        for constraint in self.shapes.objects(shape, SH.sparql):
            self.compile_sparql(shape, constraint, target)
        for property_shape in self.shapes.objects(shape, SH.property):
            self.check_parameters(property_shape, nested=False)
            if self.shapes.value(property_shape, SH.path) is None:
                raise NotImplementedError(f"{shape_name(property_shape)}: sh:property without sh:path")
            self.compile_property(property_shape, target)

    def base(self, shape: Node, path: Node | None, target: str) -> CompiledConstraint:
        """What every constraint of ``shape`` shares: severity, message, path, source shape, target."""
        return CompiledConstraint(
            query="",
            severity=self.severity(shape),
            message=self.message(shape),
            path=path_text(self.shapes, path),
            source_shape=shape_name(shape),
            target=target,
        )

    def add(self, base: CompiledConstraint, **changes: object) -> None:
        """Add a constraint: ``base`` with ``changes``."""
        self.constraints.append(replace(base, **changes))  # type: ignore[arg-type]  # keyword names checked at run time

    def compile_property(self, shape: Node, target: str) -> None:
        """Compile a property shape: its value constraints, counts, sh:node, sh:hasValue and pairs."""
        if (
            any(True for _ in self.shapes.objects(shape, SH.property))
            or (shape, SH.closed, Literal(True)) in self.shapes
        ):
            raise NotImplementedError(f"{shape_name(shape)}: sh:property or sh:closed on a property shape")
        if any(True for _ in self.shapes.objects(shape, SH.sparql)):
            raise NotImplementedError(f"{shape_name(shape)}: sh:sparql on a property shape")
        path_node = self.one(shape, SH.path)
        path = self.path(path_node)
        base = self.base(shape, path_node, target)
        values = f"{target} ?this {path} ?value ."
        for parameter, expression in self.value_violations(shape, "?value", nested=False):
            judged = self.judge(shape, parameter)
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER({expression}) }}"
            if parameter == SH["class"]:
                # The same test as FILTER NOT EXISTS, but the instances of the class are found
                # once rather than walked up from every value.
                instances = f"{{ ?value {TYPE_CLOSURE} {term(self.one(shape, SH['class']))} }}"
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
                self.compile_count(base, predicate, integer_literal(value), target, path)
            elif predicate == SH.hasValue:
                self.add(
                    base,
                    query=(
                        f"SELECT ?this WHERE {{ {target} "
                        f"FILTER NOT EXISTS {{ ?this {path} {term(value)} }} }}"
                    ),
                )
            elif predicate == SH.qualifiedValueShape:
                self.compile_qualified(shape, value, target, path, base)
            elif predicate == SH.lessThanOrEquals:
                # Every pair is judged as pySHACL compares it (rdflib values, strings apart).
                self.add(
                    base,
                    query=None,
                    judge=judges.greater,
                    candidates=(
                        "SELECT DISTINCT ?value ?other WHERE "
                        f"{{ ?_s {path} ?value . ?_s {term(value)} ?other }}"
                    ),
                    bad_values=(
                        f"SELECT DISTINCT ?this ?value WHERE {{ VALUES (?value ?other) {{ %s }} "
                        f"{values} ?this {term(value)} ?other }}"
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
            if value in STRING_TYPES:
                return None
            typed = f"isLiteral(?value) && DATATYPE(?value) = {term(value)}"
            return partial(judges.ill_typed, str(value)), typed
        if parameter == SH.pattern:
            flags = str(self.shapes.value(shape, SH.flags, default=Literal("")))
            regex = re.compile(
                str(value), (re.IGNORECASE if "i" in flags else 0) | (re.MULTILINE if "m" in flags else 0)
            )
            return partial(judges.mismatch, regex), "!isBlank(?value)"
        if parameter in (SH.minLength, SH.maxLength):
            verdict = judges.too_short if parameter == SH.minLength else judges.too_long
            return partial(
                verdict, integer_literal(value)
            ), f"isLiteral(?value) && !{STRING_LIKE.format(v='?value')}"
        assert isinstance(value, Literal)
        return partial(judges.out_of_range, value, parameter == SH.minInclusive), "isLiteral(?value)"

    def compile_details(self, node_shape: Node, target: str, path: str | None) -> None:
        """The results of a value node against an ``sh:node`` shape it fails, as pySHACL reports them.

        pySHACL nests them under the ``sh:node`` result with ``sh:detail``, and
        ``graph.validation`` reads every node with a severity, so they are results of their own:
        focus node = the value node, source shape = the nested shape's constraint.
        """
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise NotImplementedError(f"sh:node nested deeper than {_MAX_NESTING} (recursive shapes?)")
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
        """sh:qualifiedValueShape with its sh:qualifiedMinCount / sh:qualifiedMaxCount."""
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
        """sh:closed: every predicate of a focus node outside the shape's paths and ignored ones."""
        allowed = set()
        for ignored in self.shapes.objects(shape, SH.ignoredProperties):
            allowed.update(self.items(ignored))
        for property_shape in self.shapes.objects(shape, SH.property):
            path = self.shapes.value(property_shape, SH.path)
            if isinstance(path, URIRef):
                allowed.add(path)
        # MINUS a table of the allowed predicates: Oxigraph looks each row up in it once, where
        # NOT IN compares the row with every predicate in turn.
        listed = " ".join(sorted(term(p) for p in allowed))
        query = (
            f"SELECT DISTINCT ?this ?path ?value WHERE {{ {target} ?this ?path ?value . "
            f"MINUS {{ VALUES ?path {{ {listed} }} }} }}"
        )
        self.add(base, query=query, path=None)

    def compile_sparql(self, shape: Node, constraint: Node, target: str) -> None:
        """A SPARQL-based constraint (sh:sparql), its query run for the shape's focus nodes."""
        self.check_sparql_constraint(constraint)
        if (shape, SH.message, None) in self.shapes:
            # pySHACL would attach both the shape's and the constraint's message to each result.
            raise NotImplementedError(f"{shape_name(shape)}: sh:message on a shape with sh:sparql")
        select = str(self.one(constraint, SH.select))
        if re.search(r"^\s*(PREFIX|BASE)\b", select, re.IGNORECASE | re.MULTILINE):
            raise NotImplementedError(f"{shape_name(constraint)}: PREFIX or BASE inside sh:select")
        if re.search(r"\$(value|currentShape|shapesGraph|PATH)\b", select) or re.search(r"\bMINUS\b", select):
            raise NotImplementedError(
                f"{shape_name(constraint)}: $value, $currentShape, $shapesGraph, $PATH or MINUS"
            )
        if not re.search(r"^\s*SELECT\b[^{]*[$?]this\b", select, re.IGNORECASE):
            raise NotImplementedError(f"{shape_name(constraint)}: sh:select must project $this")
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
                source_shape=shape_name(shape),
                sparql_message=True,
                target=target,
            )
        )

    def check_sparql_constraint(self, constraint: Node) -> None:
        """Refuse a SPARQL constraint's parameters that are not compiled."""
        allowed = {SH.select, SH.message, SH.prefixes}
        for predicate, value in self.shapes.predicate_objects(constraint):
            if predicate == SH.deactivated and value == Literal(False):
                continue
            if str(predicate).startswith(str(SH)) and predicate not in allowed:
                raise NotImplementedError(
                    f"{shape_name(constraint)}: {shorten(str(predicate))} is not compiled"
                )

    def prefixes(self, constraint: Node) -> list[tuple[str, str]]:
        """The prefixes a SPARQL constraint declares through sh:prefixes."""
        found: dict[str, str] = {}
        for ontology in self.shapes.objects(constraint, SH.prefixes):
            for declaration in self.shapes.objects(ontology, SH.declare):
                found[str(self.one(declaration, SH.prefix))] = str(self.one(declaration, SH.namespace))
        return sorted(found.items())


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
    compiler = Compiler(shapes)
    shape_nodes = {s for p in TARGETS for s in shapes.subjects(p, None)}
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
def compiled_shapes() -> tuple[CompiledConstraint, ...]:
    """The constraints of ``shapes/``, compiled once per process."""
    return tuple(compile_shapes(shapes_graph()))
