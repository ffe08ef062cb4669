"""Look-ahead: what a query's selection will read below the nodes a field returns.

A connection (or a lookup) reads its nodes together with what its selection reaches from them,
before any field below it resolves: the nodes its link fields lead to (``paths``: predicate
paths, read in the same query as the nodes) and the inverse lists selected on them (``lists``:
``Drug.indications``, ``Reference.claims``..., each read with one query for its level, then
planned in turn). The fields then answer from the request's cache without awaiting anything.

Nodes are read with the predicates their selected fields read (``reads``: fields declare them;
an unknown one reads the whole node). The plan only decides what is read ahead: every list is
read whole, and a node asked for a predicate it was not read with reads itself whole first
(graph.entity.Entity), so a plan that reads too much or too little changes the number of round
trips, never an answer.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from strawberry.types.nodes import SelectedField, Selection

#: Field names under a connection that hold its nodes: ``nodes`` and ``edges { node }``.
NODES = "nodes"
EDGES = "edges"
EDGE_NODE = "node"


@dataclass(frozen=True)
class Listed:
    """An inverse list selected on the nodes that a plan reaches along ``at``.

    ``on`` is the type condition of the fragment it was selected in (None: any type),
    ``arguments`` the field's arguments as written, ``plan`` what is selected on the list's nodes,
    ``nodes`` whether any is (not for a connection asked only for its total, cursors or pageInfo).
    """

    at: tuple[str, ...]
    on: str | None
    name: str
    arguments: Mapping[str, Any]
    plan: Plan
    nodes: bool = True


@dataclass(frozen=True)
class Plan:
    """What a selection reads below a set of nodes: link paths, inverse lists, predicates.

    ``reads``: for the nodes themselves (path ``()``) and for each path, the predicates the
    fields selected there read (None: unknown, read every predicate); empty when no field's
    reads are known to the planner.
    """

    paths: frozenset[tuple[str, ...]]
    lists: tuple[Listed, ...]
    reads: tuple[tuple[tuple[str, ...], frozenset[str] | None], ...] = ()


def plan(
    selections: Iterable[Selection],
    follows: Mapping[str, Collection[str]],
    lists: Mapping[str, bool],
    reads: Mapping[str, frozenset[str] | None] | None = None,
    *,
    below: Mapping[str, frozenset[str]] | None = None,
    also: frozenset[str] = frozenset(),
) -> Plan:
    """The plan of ``selections``, made on a node.

    ``follows`` maps a field name to the predicates that link fields of that name follow, and
    ``lists`` an inverse list field's name to whether it is a connection (paged), over every type:
    a name that links on one type and not on another only makes the plan a little wider.
    ``reads`` maps a field name to the predicates fields of that name read on their node (over
    every type; None or absent: unknown); without it the plan has no ``reads``. ``below`` maps
    a link or list field's name to the predicates its resolver reads on the nodes it returns
    (to sort them, say), and ``also`` holds those the caller reads on the nodes themselves.
    Fragments (inline or named) count as selected on the node itself.
    """
    paths: set[tuple[str, ...]] = set()
    listed: list[Listed] = []
    wanted: dict[tuple[str, ...], frozenset[str] | None] = {(): also}
    under = below or {}

    def want(at: tuple[str, ...], more: frozenset[str] | None) -> None:
        current = wanted.get(at, frozenset())
        wanted[at] = None if more is None or current is None else current | more

    def walk(selections: Iterable[Selection], prefix: tuple[str, ...], on: str | None) -> None:
        for selection in selections:
            if skipped(selection):
                continue
            if not isinstance(selection, SelectedField):
                walk(selection.selections, prefix, selection.type_condition or on)
                continue
            if selection.name != "__typename" and reads is not None:
                want(prefix, reads.get(selection.name))
            for predicate in follows.get(selection.name, ()):
                path = (*prefix, predicate)
                paths.add(path)
                want(path, under.get(selection.name, frozenset()))
                walk(selection.selections, path, None)
            if selection.name in lists:
                selected = page_selections([selection]) if lists[selection.name] else selection.selections
                sub = plan(
                    selected, follows, lists, reads, below=below, also=under.get(selection.name, frozenset())
                )
                listed.append(Listed(prefix, on, selection.name, selection.arguments, sub, bool(selected)))

    walk(selections, (), None)
    return Plan(frozenset(paths), tuple(listed), tuple(sorted(wanted.items())) if reads is not None else ())


def merged_reads(plans: Iterable[Plan]) -> dict[tuple[str, ...], frozenset[str] | None] | None:
    """The reads of several plans made on the same nodes, path by path (None: not known)."""
    merged: dict[tuple[str, ...], frozenset[str] | None] = {}
    for each in plans:
        if not each.reads:
            return None
        for path, wanted in each.reads:
            if path in merged:
                current = merged[path]
                merged[path] = None if current is None or wanted is None else current | wanted
            else:
                merged[path] = wanted
    return merged


def skipped(selection: Selection) -> bool:
    """Whether ``@skip(if: true)`` or ``@include(if: false)`` leaves the selection out.

    >>> from strawberry.types.nodes import SelectedField as F
    >>> skipped(F("a", {"skip": {"if": True}}, {}, [])), skipped(F("a", {"include": {"if": True}}, {}, []))
    (True, False)
    """
    directives = selection.directives
    return directives.get("skip", {}).get("if") is True or directives.get("include", {}).get("if") is False


def selects(connection: Iterable[Selection], name: str) -> bool:
    """Whether a connection field's selections ask for ``name`` on the connection itself.

    >>> from strawberry.types.nodes import FragmentSpread, SelectedField as F
    >>> total = F("totalCount", {}, {}, [])
    >>> selects([F("claims", {}, {}, [total])], "totalCount")
    True
    >>> selects([F("claims", {}, {}, [FragmentSpread("F", "Connection", {}, [total])])], "totalCount")
    True
    >>> selects([F("claims", {}, {}, [F("nodes", {}, {}, [F("totalCount", {}, {}, [])])])], "totalCount")
    False
    """

    def asked(selections: Iterable[Selection]) -> bool:
        for selection in selections:
            if not isinstance(selection, SelectedField):
                if asked(selection.selections):
                    return True
            elif selection.name == name and not skipped(selection):
                return True
        return False

    return any(asked(field.selections) for field in connection)


def page_selections(connection: Iterable[Selection]) -> list[Selection]:
    """What is selected on the nodes of a connection, given the connection field's selections.

    >>> from strawberry.types.nodes import SelectedField as F
    >>> label = F("label", {}, {}, [])
    >>> edges = F("edges", {}, {}, [F("node", {}, {}, [label])])
    >>> [s.name for s in page_selections([F("claims", {}, {}, [edges])])]
    ['label']
    """
    return [s for field in connection for s in _under(field.selections, NODES, EDGES)]


def _under(selections: Iterable[Selection], *names: str) -> list[Selection]:
    """The selections made under the fields named ``names`` (``edges`` leads on to ``node``)."""
    found: list[Selection] = []
    for selection in selections:
        if not isinstance(selection, SelectedField):
            found += _under(selection.selections, *names)
        elif selection.name == EDGES and EDGES in names:
            found += _under(selection.selections, EDGE_NODE)
        elif selection.name in names:
            found += selection.selections
    return found
