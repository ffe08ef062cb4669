"""Running compiled SHACL constraints on an Oxigraph store: the validation report.

The queries of graph.shacl_compile run on the candidate store; rows become the results pySHACL
would give (same severities, focus nodes, paths, values and messages).
"""

from __future__ import annotations

import gc
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from graph.namespaces import shorten
from graph.report import ValidationReport, ValidationResult, in_order, labels, path_text, term_text
from graph.shacl_compile import CompiledConstraint, compiled_shapes
from graph.shacl_judges import rdflib_literal, rdflib_term


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
    them outside the GIL, so the cores share a large validation. Small stores (a
    write's extract) are validated in the calling thread, where threads would only cost. A
    constraint is run only if its focus nodes are there (one ASK per distinct focus-node
    subquery): a write's extract holds a few nodes, and skips about a fifth of the constraints.

    >>> from graph.validation import candidate_store
    >>> validate_store_sparql(candidate_store([])).conforms
    True
    """
    run = _Run(data, union)
    chosen = constraints if constraints is not None else compiled_shapes()
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
    named = labels(data, {focus for focus, _ in found if isinstance(focus, URIRef)}, union=union)
    results = [replace(r, focus_label=named.get(r.focus_node)) for _, r in found]
    return ValidationReport(results=in_order(results))


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
                *(rdflib_literal(t) if isinstance(t, ox.Literal) else rdflib_term(t) for t in terms)
            ):
                bad.append("(" + " ".join(str(t) for t in terms) + ")")
        if bad:
            rows += list(run.solutions(constraint.bad_values % " ".join(bad)))
    results = []
    for row in rows:
        focus = rdflib_term(row["this"])
        value: Node | None = focus if constraint.value_is_focus else None
        path = constraint.path
        if has_value and row["value"] is not None:
            value = rdflib_term(row["value"])
        if has_path and row["path"] is not None:
            path = shorten(str(rdflib_term(row["path"])))
        results.append((focus, _result(constraint, focus, path, value, constraint.message)))
    return results


def _sparql_results(run: _Run, constraint: CompiledConstraint) -> list[tuple[Node, ValidationResult]]:
    assert constraint.query is not None
    solutions = run.solutions(constraint.query)
    names = [v.value for v in solutions.variables]
    seen: set[tuple[tuple[str, Node], ...]] = set()
    results = []
    for row in solutions:
        bound = {name: rdflib_term(row[name]) for name in names if row[name] is not None}
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
        # As pySHACL: the other variables first, then this, path and value, each by re.sub, but
        # with the value as a literal replacement (pySHACL passes it as a template, so a value
        # holding a backslash raises re.error there).
        filling = {
            **bound,
            "this": focus,
            **({"path": path_node} if path_node is not None else {}),
            "value": value,
        }
        message = constraint.message
        for name, term in filling.items():
            replacement = str(term)
            message = re.sub(f"{{[?$]{re.escape(name)}}}", lambda _: replacement, message)  # noqa: B023
        path = path_text(Graph(), path_node)
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
        value=term_text(value),
        message=message,
        source_shape=constraint.source_shape,
    )
