"""Reading nodes for the GraphQL types: the look-ahead of a root field, links, inverse lists.

A root field (a list, a lookup) reads its nodes with everything its selection reaches below them
(:mod:`api.graphql.lookahead`: linked nodes in the same query, inverse lists such as
``Reference.claims`` one query per level) into the request's cache; fields then answer from the
cache without awaiting anything. What the look-ahead did not read is read through the request's
DataLoaders, so a level of the query costs at most one batched SPARQL round trip whatever the
number of results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from graphql.pyutils import Path as GraphQLPath

from api.graphql.connections import (
    AfterArg,
    BeforeArg,
    Connection,
    FirstArg,
    LastArg,
    Window,
    make_connection,
    page_of,
    page_window,
)
from api.graphql.context import Context, Entities, Info, ReferrersKey
from api.graphql.enums import ALL_CLAIM_KINDS, ClaimKind
from api.graphql.errors import BadUserInputError
from api.graphql.fields import Inverse, PlannedField, Resolved, _annotation
from api.graphql.lookahead import Listed, Plan, merged_reads, page_selections, plan
from api.graphql.registry import BELOW, FOLLOWS, LISTS, READS, inverse_of, node_type
from api.graphql.resolver_hints import query_memo
from graph.entity import Entity

if TYPE_CHECKING:
    from api.graphql.node_types import Node

T = TypeVar("T")
R = TypeVar("R")
N = TypeVar("N", bound="Node")


def _field_key(info: Info) -> tuple[object, ...]:
    """The current field of the query: its response path and types, without list indices.

    The same field on each node of a list (every reference's ``claims``) has one key.
    """
    key: list[object] = []
    at: GraphQLPath | None = info.path
    while at is not None:
        if isinstance(at.key, str):
            key += (at.key, at.typename)
        at = at.prev
    return tuple(key)


def connection_plan(info: Info) -> Plan:
    """The look-ahead plan of the current connection's nodes (made once per field of the query)."""
    return per_query(
        info,
        "connection",
        lambda: plan(page_selections(info.selected_fields), FOLLOWS, LISTS, READS, below=BELOW),
    )


def lists_nodes(info: Info) -> bool:
    """Whether the current connection field selects anything on its nodes (``nodes``, ``edges { node }``).

    A client asking only for ``totalCount``, ``pageInfo`` or cursors needs the page's size, not its
    nodes: the connection then holds the page's IRIs, never resolved. Every IRI a list query finds
    is a node (the page queries find typed nodes, inverse lists subjects of a link), so the sizes
    are those of the page of nodes. The look-ahead decides the same way (``Listed.nodes``).
    """
    return per_query(info, "nodes", lambda: bool(page_selections(info.selected_fields)))


def selection_plan(info: Info, also: frozenset[str] = frozenset()) -> Plan:
    """The look-ahead plan of the node(s) the current field returns.

    ``also``: predicates the field's resolver reads on those nodes itself.
    """
    return per_query(
        info,
        "selection",
        lambda: plan(
            [s for f in info.selected_fields for s in f.selections],
            FOLLOWS,
            LISTS,
            READS,
            below=BELOW,
            also=also,
        ),
    )


#: How many plans a query keeps across requests (one per field and set of variable values).
MEMO_PER_QUERY = 256


def per_query(info: Info, kind: str, make: Callable[[], T]) -> T:
    """What ``make`` works out for the current field from the query alone, made once per field.

    Kept for every request of the query when the lean executor runs it (see
    api.graphql.resolver_hints.query_memo; at most MEMO_PER_QUERY per query), else for the request.
    The key holds the query's variables, and FOLLOWS, LISTS and READS, which a look-ahead plan
    depends on.
    """
    variables = info.variable_values
    given = repr(sorted(variables.items())) if variables else ""
    key = (kind, _field_key(info), id(FOLLOWS), id(LISTS), id(READS), given)
    memo = query_memo(info.operation)
    if memo is not None and key in memo:
        return memo[key]  # type: ignore[no-any-return]
    if memo is None or len(memo) >= MEMO_PER_QUERY:  # variables may take endless values
        return info.context.plan(key, make)
    found = memo[key] = make()
    return found


def read(info: Info, iris: Sequence[str], what: Plan, *, described: bool = False) -> list[Node]:
    """The nodes of ``iris`` (unknown ones dropped), in order, read now with what ``what`` selects.

    ``described``: ``iris`` and what ``what.paths`` reach from them are known already.
    """
    context = info.context
    read_ahead(context, iris, what, described=described)
    return nodes_of(context, [context.known.get(i) for i in iris])


def read_ahead(context: Context, iris: Sequence[str], what: Plan, *, described: bool = False) -> None:
    """Read ``iris`` and what ``what`` selects below them into the cache, a level at a time.

    At each level, one query describes the level's nodes with the nodes their links lead to;
    then one query per inverse list (predicate and kinds) reads it for every node of the level
    holding it, and the lists' pages make the next level. A list whose arguments cannot be read
    here is left to its resolver.
    """
    level: list[tuple[Sequence[str], Plan]] = [(iris, what)]
    while level:
        nodes = list(dict.fromkeys(iri for group, _ in level for iri in group))
        if not described:
            paths = frozenset().union(*(below.paths for _, below in level))
            context.prefetch(nodes, paths, merged_reads(below for _, below in level))
        described = False
        wanted: dict[ReferrersKey, dict[str, None]] = {}
        lists: list[tuple[Listed, list[tuple[str, ReferrersKey, bool]], Window]] = []
        for holders, below in level:
            for listed in below.lists:
                try:
                    kind, window = _arguments(listed.arguments)
                except ValueError:
                    continue
                held = []
                for iri in _reached(context, holders, listed.at):
                    entity = context.known.get(iri)
                    inverse = (
                        None
                        if entity is None
                        else inverse_of(node_type(entity.types), listed.name, listed.on)
                    )
                    if inverse is not None:
                        key = inverse.key(kind.iri if kind is not None and inverse.by_kind else None)
                        wanted.setdefault(key, {})[iri] = None
                        held.append((iri, key, inverse.paged))
                lists.append((listed, held, window))
        for key, holding in wanted.items():
            context.read_referrers(key, list(holding))
        level = []
        for listed, held, window in lists:
            if not listed.nodes:
                continue  # the list's length is all its connection needs
            pages: dict[str, None] = {}
            for iri, key, paged in held:
                found = context.referred(key, iri) or []
                pages.update(dict.fromkeys(page_of(found, window)[0] if paged else found))
            if pages:
                level.append((list(pages), listed.plan))


def _reached(context: Context, iris: Iterable[str], path: tuple[str, ...]) -> list[str]:
    """The IRIs reached from ``iris`` along ``path``, through the nodes read so far."""
    current = list(dict.fromkeys(iris))
    for predicate in path:
        found: dict[str, None] = {}
        for iri in current:
            entity = context.known.get(iri)
            if entity is not None:
                found.update(dict.fromkeys(entity.iris(predicate)))
        current = list(found)
    return current


def _arguments(arguments: Mapping[str, object]) -> tuple[ClaimKind | None, Window]:
    """``kind`` and the page window from a list field's arguments as written in the query.

    Literals come as text, variables as their values; ValueError if they cannot be read.
    """
    kind = arguments.get("kind")
    first, after, last, before = (arguments.get(a) for a in ("first", "after", "last", "before"))
    if isinstance(kind, str):
        kind = ClaimKind.__members__.get(kind)
        if kind is None:
            raise ValueError(arguments["kind"])
    elif kind is not None and not isinstance(kind, ClaimKind):
        raise ValueError(kind)
    sizes, cursors = (first, last), (after, before)
    if not all(n is None or isinstance(n, int | str) for n in sizes) or not all(
        c is None or isinstance(c, str) for c in cursors
    ):
        raise ValueError(arguments)
    try:
        first_n, last_n = (None if n is None else int(n) for n in sizes)  # type: ignore[call-overload]
        return kind, page_window(first_n, after, last_n, before)  # type: ignore[arg-type]
    except BadUserInputError as error:
        raise ValueError(arguments) from error


def nodes_of(context: Context, entities: Entities) -> list[Node]:
    """The GraphQL objects of the entities found (None dropped), in order."""
    return [wrap(e, context) for e in entities if e is not None]


async def load_one(info: Info, iri: str | None) -> Node | None:
    """The node for ``iri``, from the request's cache or through its entity loader."""
    if iri is None:
        return None
    found = info.context.load([iri])
    entities = found if isinstance(found, list) else await found
    return next(iter(nodes_of(info.context, entities)), None)


def inverse_page(node: Node, info: Info, key: ReferrersKey, window: Window) -> Resolved[Connection[Any]]:
    """A page of the inverse list ``key`` of ``node``: at once when read ahead, else once loaded.

    Sibling lists (the same field on each node of a list) are loaded in one batched query, and
    so are their pages, with the nodes their selection links them to.
    """
    context, iri = node.context, node.entity.iri
    listed = context.referred(key, iri)
    if listed is not None:
        return _page(info, listed, window)

    async def later() -> Connection[Any]:
        page = _page(info, await context.referrers(key).load(iri), window)
        return page if isinstance(page, Connection) else await page

    return later()


def _page(info: Info, iris: Sequence[str], window: Window) -> Resolved[Connection[Any]]:
    context, (page, offset) = info.context, page_of(iris, window)
    if not lists_nodes(info):
        return make_connection(page, len(iris), offset)
    known = context.known
    if all(i in known for i in page):  # read ahead: no plan needed
        return make_connection(nodes_of(context, [known[i] for i in page]), len(iris), offset)
    found = context.load(page, connection_plan(info).paths)
    return _then(found, lambda entities: make_connection(nodes_of(context, entities), len(iris), offset))


def inverse_nodes(node: Node, inverse: Inverse, kind: type[N]) -> Resolved[list[N]]:
    """The nodes of ``kind`` in the inverse list ``inverse`` (not paged) of ``node``."""
    context, iri, key = node.context, node.entity.iri, inverse.key()
    listed = context.referred(key, iri)
    if listed is not None:
        return linked_iris(context, listed, kind)

    async def later() -> list[N]:
        found = linked_iris(context, await context.referrers(key).load(iri), kind)
        return found if isinstance(found, list) else await found

    return later()


def claims_linking(
    predicate: str, description: str, *, of: Any, kind: ClaimKind | None = None, kind_argument: bool = False
) -> Any:
    """A connection (``Connection[of]``) of the live claims linking to the node through ``predicate``.

    Claims of ``kind``, or of any kind; with ``kind_argument``, a ``kind`` argument narrows them.
    """
    inverse = Inverse(predicate, ALL_CLAIM_KINDS if kind is None else (kind.iri,), kind_argument)
    field = PlannedField(
        python_name=None,
        graphql_name=None,
        type_annotation=_annotation(Connection[of]),
        description=description,
    )
    field.inverse = inverse
    field.reads = frozenset()
    if kind_argument:

        def of_any_kind(
            self: Node,
            info: Info,
            *,
            kind: ClaimKind | None = None,
            first: FirstArg = None,
            after: AfterArg = None,
            last: LastArg = None,
            before: BeforeArg = None,
        ) -> object:
            key = inverse.key(kind.iri if kind is not None else None)
            return inverse_page(self, info, key, page_window(first, after, last, before))

        return field(of_any_kind)

    def listed(
        self: Node,
        info: Info,
        *,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> object:
        return inverse_page(self, info, inverse.key(), page_window(first, after, last, before))

    return field(listed)


def wrap(entity: Entity, context: Context) -> Node:
    """The GraphQL object for an entity, chosen by its most specific rdf:type (made once per request)."""
    made = context.wrapped.get(entity.iri)
    if made is not None and made.entity is entity:
        return made  # type: ignore[no-any-return]
    node: Node = node_type(entity.types)(entity=entity, context=context)
    context.wrapped[entity.iri] = node
    return node


def _then(found: Resolved[list[R]], then: Callable[[list[R]], T]) -> Resolved[T]:
    """``then`` applied to what ``found`` holds: at once if it is a list, once awaited if not."""
    if isinstance(found, list):
        return then(found)

    async def later() -> T:
        return then(await found)

    return later()


def linked(node: Node, predicate: str, kind: type[N]) -> Resolved[list[N]]:
    """The nodes of ``kind`` that ``node`` links to through ``predicate``, in IRI order."""
    return linked_iris(node.context, node.entity.iris(predicate), kind)


def linked_first(node: Node, predicate: str, kind: type[N]) -> Resolved[N | None]:
    """The first (in IRI order) node of ``kind`` that ``node`` links to through ``predicate``."""
    if len(node.entity.all(predicate)) <= 1:  # the common case: linked_one, without a sorted list
        return linked_one(node, predicate, kind)
    iris = node.entity.iris(predicate)
    return _then(linked_iris(node.context, iris, kind), lambda found: found[0] if found else None)


def linked_one(node: Node, predicate: str, kind: type[N]) -> Resolved[N | None]:
    """The node at the first IRI value of ``predicate``, if it is of ``kind`` (None if not)."""
    iri = node.entity.iri_of(predicate)
    if iri is None:
        return None
    context = node.context
    if iri in context.known:  # the common case, answered without building lists
        entity = context.known[iri]
        found = None if entity is None else wrap(entity, context)
        return found if isinstance(found, kind) else None
    return _then(linked_iris(context, [iri], kind), lambda found: found[0] if found else None)


def linked_iris(context: Context, iris: Sequence[str], kind: type[N]) -> Resolved[list[N]]:
    """The nodes of ``kind`` among ``iris``, in the order given."""
    found = context.load(iris)
    if isinstance(found, list):
        return [n for n in nodes_of(context, found) if isinstance(n, kind)]
    return _then(found, lambda entities: [n for n in nodes_of(context, entities) if isinstance(n, kind)])


_CONCEPTS: dict[type[Enum], dict[str, Enum]] = {}


def concept(enum: type[Any], iri: str | None) -> Any:
    """The member of a concept enum for ``iri``, or None (a lookup table built once per enum)."""
    if enum not in _CONCEPTS:
        _CONCEPTS[enum] = {member.iri: member for member in enum}
    return None if iri is None else _CONCEPTS[enum].get(iri)


def concepts(entity: Entity, predicate: str, enum: type[Any]) -> list[Any]:
    """The members of a concept enum for the values of ``predicate`` (unknown concepts dropped)."""
    found = (concept(enum, i) for i in entity.iris(predicate))
    return [m for m in found if m is not None]
