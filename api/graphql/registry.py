"""The schema's node types, and what the look-ahead needs to know about their fields.

The type modules make the types; :func:`register` records them here once they all exist: which
type answers for which ``rdf:type`` (most specific first), and, over every type, which fields
follow which predicates, serve which inverse lists and read which predicates (what
api.graphql.lookahead plans with). The tables are filled in place, never replaced, so modules
that imported them see them filled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from strawberry.types.base import get_object_definition
from strawberry.utils.str_converters import to_camel_case

from api.graphql.fields import Inverse, PlannedField

#: rdf:type -> GraphQL type, most specific first.
TYPE_FOR_CLASS: list[tuple[str, type[Any]]] = []
#: Every object type, the fallback (``Resource``) last.
NODE_TYPES: list[type[Any]] = []
#: Link fields: GraphQL field name -> the predicates fields of that name follow (over every type).
FOLLOWS: dict[str, frozenset[str]] = {}
#: Inverse lists: (type, GraphQL field name) -> the list it serves.
INVERSES: dict[tuple[type[Any], str], Inverse] = {}
#: Inverse list field names -> whether they are connections (paged), for the planner.
LISTS: dict[str, bool] = {}
#: Field name -> the predicates fields of that name read on their node, over every type (None:
#: unknown, for some type). Fields the look-ahead does not know read an unknown set.
READS: dict[str, frozenset[str] | None] = {}
#: Field name -> the predicates fields of that name read on the nodes they return.
BELOW: dict[str, frozenset[str]] = {}
#: Node type -> its GraphQL name.
TYPE_NAME: dict[type[Any], str] = {}
#: Node type -> the GraphQL names it answers to in a fragment: its own and its interfaces'.
TYPE_NAMES: dict[type[Any], frozenset[str]] = {}
#: Every node type and interface by name.
NAMED: dict[str, type[Any]] = {}


def register(
    type_for_class: Sequence[tuple[str, type[Any]]], fallback: type[Any], interfaces: Iterable[type[Any]]
) -> None:
    """Record the types (``type_for_class``, most specific first), the fallback and the interfaces."""
    for table in (
        TYPE_FOR_CLASS,
        NODE_TYPES,
        FOLLOWS,
        INVERSES,
        LISTS,
        READS,
        BELOW,
        TYPE_NAME,
        TYPE_NAMES,
        NAMED,
    ):
        table.clear()
    node_type.cache_clear()
    TYPE_FOR_CLASS.extend(type_for_class)
    NODE_TYPES.extend(dict.fromkeys([t for _, t in type_for_class] + [fallback]))
    for kind in (*NODE_TYPES, *interfaces):
        NAMED[kind.__name__] = kind
    for kind, name, field in _planned(NODE_TYPES):
        if field.follows:
            FOLLOWS[name] = FOLLOWS.get(name, frozenset()) | {field.follows}
        if field.inverse:
            INVERSES[kind, name] = field.inverse
    LISTS.update({name: inverse.paged for (_, name), inverse in INVERSES.items()})
    for kind in NODE_TYPES:
        for any_field in kind.__strawberry_definition__.fields:
            name = any_field.graphql_name or to_camel_case(any_field.python_name)
            reads = any_field.reads if isinstance(any_field, PlannedField) else None
            if name not in READS:
                READS[name] = reads
            else:
                known = READS[name]
                READS[name] = None if known is None or reads is None else known | reads
            if isinstance(any_field, PlannedField) and any_field.below:
                BELOW[name] = BELOW.get(name, frozenset()) | any_field.below
    for kind in NODE_TYPES:
        definition = get_object_definition(kind, strict=True)
        TYPE_NAME[kind] = definition.name
        TYPE_NAMES[kind] = frozenset([definition.name, *(i.name for i in definition.interfaces)])


def _planned(types: Sequence[type[Any]]) -> Iterable[tuple[type[Any], str, PlannedField]]:
    """Each type's fields that the look-ahead knows, with their GraphQL names."""
    for kind in types:
        for field in kind.__strawberry_definition__.fields:
            if isinstance(field, PlannedField):
                yield kind, field.graphql_name or to_camel_case(field.python_name), field


@lru_cache(maxsize=256)
def node_type(types: frozenset[str]) -> type[Any]:
    """The GraphQL type for a node of these rdf:types: the most specific known, else the fallback."""
    for class_iri, kind in TYPE_FOR_CLASS:
        if class_iri in types:
            return kind
    return NODE_TYPES[-1]


def inverse_of(kind: type[Any], name: str, on: str | None) -> Inverse | None:
    """The inverse list a field of this name serves on ``kind`` (selected under ``on``)."""
    if on is not None and on not in TYPE_NAMES[kind]:
        return None
    return INVERSES.get((kind, name))


def named(name: str) -> type[Any]:
    """The node type or interface of this GraphQL name."""
    return NAMED[name]
