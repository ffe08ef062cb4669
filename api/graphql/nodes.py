"""GraphQL object types mirroring the SHACL shapes: one type per class, one field per property.

Each RDF-backed field carries ``metadata={"rdf": <property IRI>}`` and the ontology's definition
as its description; ``tests/test_graphql_contract.py`` checks every shape property has its field.

Reading: a root field (a list, a lookup) reads its nodes with everything its selection reaches
below them (:mod:`api.graphql.lookahead`: linked nodes in the same query, inverse lists such as
``Reference.claims`` one query per level) into the request's cache; fields then answer from the
cache without awaiting anything. What the look-ahead did not read is read through the request's
DataLoaders, so a level of the query costs at most one batched SPARQL round trip whatever the
number of results.

Fields computed from their node alone are :class:`NodeField` s, which strawberry serves through its
fast path for plain attributes; each node holds the request's context for the fields that read
further nodes.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any, Generic, Self, TypeAlias, TypeVar

import strawberry
from graphql import GraphQLAbstractType, GraphQLResolveInfo
from graphql.pyutils import Path as GraphQLPath
from strawberry.annotation import StrawberryAnnotation
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from api.graphql.context import Context, Entities, Info, ReferrersKey
from api.graphql.descriptions import describe
from api.graphql.enums import (
    ClaimKind,
    GradingAxis,
    LicensingStatus,
    PharmacogenomicAction,
    QuantityKind,
    Severity,
    StudyDesign,
    TherapyRole,
)
from api.graphql.errors import BadUserInputError
from api.graphql.executor import info_free, query_memo
from api.graphql.ids import to_global_id
from api.graphql.lookahead import Listed, Plan, merged_reads, page_selections, plan
from api.graphql.paging import DEFAULT_PAGE, MAX_PAGE
from graph.entity import Entity
from graph.namespaces import BIBO, EV, PREFIXES, PROV
from graph.store import text

RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
PROV_NS = str(PROV)
BIBO_NS = str(BIBO)

T = TypeVar("T")
R = TypeVar("R")
N = TypeVar("N", bound="Node")
F = TypeVar("F", bound="PlannedField")
#: A value, or an awaitable of it when it needs a read first (graphql-core awaits it).
Resolved: TypeAlias = T | Awaitable[T]


class _Ev:
    """``ev:`` IRIs as plain strings, each made once (rdflib's namespace makes a URIRef per access)."""

    def __getattr__(self, name: str) -> str:
        iri = str(EV[name])
        setattr(self, name, iri)
        return iri


ev = _Ev()

#: Claim kinds with their class IRIs, in the enum's order (``Claim.kind`` answers the first).
KINDS: list[tuple[str, ClaimKind]] = [(k.iri, k) for k in ClaimKind]
KIND_IRIS = {kind: iri for iri, kind in KINDS}
ALL_CLAIM_KINDS = tuple(iri for iri, _ in KINDS)


@dataclass(frozen=True)
class Inverse:
    """An inverse list of a node: the live subjects linking to it through ``predicate``.

    ``kinds``: the classes the subjects must have (None: any); ``by_kind``: a ``kind`` argument
    narrows them to one claim kind; ``paged``: a connection (``first``, ``after``), else a list.
    """

    predicate: str
    kinds: str | tuple[str, ...] | None
    by_kind: bool = False
    paged: bool = True

    def key(self, kind: ClaimKind | None = None) -> ReferrersKey:
        """The list's key in the request's cache, narrowed to ``kind`` if one is given."""
        return (self.predicate, (KIND_IRIS[kind],) if kind is not None else self.kinds)


#: A source document's references, and a grading scheme's grades: inverse lists, not paged.
REFERENCES = Inverse(DCTERMS + "isPartOf", ev.Reference, paged=False)
GRADES = Inverse(SKOS + "inScheme", None, paged=False)


class PlannedField(StrawberryField):
    """A field the look-ahead knows.

    A link (``follows``: the predicate it follows to other nodes) or an inverse list (``inverse``);
    ``reads``: the predicates it reads on its node (None: unknown), so that the look-ahead reads
    only those (a field reading another predicate still works: its node is then read whole).
    """

    follows: str | None = None
    inverse: Inverse | None = None
    reads: frozenset[str] | None = None
    #: Predicates its resolver reads on the nodes it returns (to sort them, say).
    below: frozenset[str] = frozenset()

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied.follows = self.follows
        copied.inverse = self.inverse
        copied.reads = self.reads
        copied.below = self.below
        return copied


class NodeField(PlannedField):
    """A field computed from its object alone: a resolver taking ``self`` only, no Info.

    Strawberry serves such a field through its fast path for plain attributes (no Info object,
    no argument conversion, no extension chain): about a third cheaper per value than a resolver.
    The resolver returns its value, or an awaitable of it when it must read nodes first.
    """

    #: The resolver's function, called with the object.
    compute: Callable[[Any], Any]

    def __call__(self, resolver: Any) -> Self:
        field = super().__call__(resolver)
        assert field.base_resolver is not None
        if len(field.base_resolver.signature.parameters) != 1 or not callable(resolver):
            raise TypeError(f"{field.base_resolver.name}: a NodeField resolver is a function of self only")
        field.compute = resolver
        return field

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied.compute = self.compute
        return copied

    @property
    def is_basic_field(self) -> bool:
        """Served like a plain attribute, unless a field extension needs the full resolver path."""
        return not self.extensions

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: Any) -> Any:
        """The resolver applied to the object (the fast path passes no Info and no arguments)."""
        return self.compute(source)


def below(*predicates: str) -> Callable[[F], F]:
    """Declare the predicates a link or list field's resolver reads on the nodes it returns."""

    def mark(field: F) -> F:
        field.below = frozenset(predicates)
        return field

    return mark


def _annotation(graphql_type: object | None) -> StrawberryAnnotation | None:
    return None if graphql_type is None else StrawberryAnnotation.from_annotation(graphql_type)


def computed(
    description: str,
    *,
    returns: str | None = None,
    inverse: Inverse | None = None,
    rdf: str | None = None,
    reads: Iterable[str] | None = None,
) -> Any:
    """A field computed from its node alone (a :class:`NodeField`).

    Typed by its resolver, or by ``returns`` when the resolver may return an awaitable;
    ``inverse``: the inverse list it serves; ``rdf``: the property it maps to; ``reads``: the
    predicates it reads besides ``rdf:type`` (None: unknown; an inverse list reads none).
    """
    field = NodeField(
        python_name=None,
        graphql_name=None,
        type_annotation=_annotation(returns),
        description=description,
        metadata=None if rdf is None else {"rdf": rdf},
    )
    field.inverse = inverse
    field.reads = frozenset() if inverse is not None else None if reads is None else frozenset(reads)
    return field


def rdf(
    predicate: str,
    extra: str = "",
    *,
    link: str | None = None,
    inverse: Inverse | None = None,
    also: Iterable[str] = (),
) -> Any:
    """A field mapped to an RDF property, described by the ontology (or ``extra`` alone).

    ``link``: the GraphQL type of a field whose resolver may return an awaitable: one following
    ``predicate`` to other nodes, or serving ``inverse``; ``also``: other predicates it reads.
    """
    try:
        description = describe(predicate, extra)
    except KeyError:
        if not extra:
            raise
        description = extra
    field = computed(description, returns=link, inverse=inverse, rdf=predicate, reads=(predicate, *also))
    field.follows = predicate if link and inverse is None else None
    return field


# --- pagination ---------------------------------------------------------------------------------


@strawberry.type(description="Where a page stands in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the page's first item.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the page's last item: pass it as `after`."
    )


@strawberry.type(description="A node with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of the node in its list.")
    node: T = strawberry.field(description="The node.")


@strawberry.type(description="A page of a list: totalCount, nodes or edges, and pageInfo.")
class Connection(Generic[T]):
    #: The page's items, and the position of the first in the list.
    items: strawberry.Private[list[T]]
    offset: strawberry.Private[int]
    #: The list's length.
    total: strawberry.Private[int]

    @computed("How many items the whole list has.")
    def total_count(self) -> int:
        return self.total

    @computed("The page's items with their cursors.")
    def edges(self) -> list[Edge[T]]:
        return [Edge(cursor=encode_cursor(self.offset + i), node=n) for i, n in enumerate(self.items)]

    @computed("The page's items.")
    def nodes(self) -> list[T]:
        return self.items

    @computed("Where the page stands in the list.")
    def page_info(self) -> PageInfo:
        last = self.offset + len(self.items) - 1
        return PageInfo(
            has_next_page=self.offset + len(self.items) < self.total,
            has_previous_page=self.offset > 0,
            start_cursor=encode_cursor(self.offset) if self.items else None,
            end_cursor=encode_cursor(last) if self.items else None,
        )


def encode_cursor(offset: int) -> str:
    """The cursor of the item at ``offset``."""
    return base64.b64encode(f"cursor:{offset}".encode()).decode("ascii")


def page_window(first: int | None, after: str | None) -> tuple[int, int]:
    """``(limit, offset)`` from Relay arguments; bad values are BAD_USER_INPUT."""
    limit = DEFAULT_PAGE if first is None else first
    if not 0 <= limit <= MAX_PAGE:
        raise BadUserInputError(f"first must be between 0 and {MAX_PAGE}, got {limit}", maxPageSize=MAX_PAGE)
    offset = 0
    if after is not None:
        try:
            prefix, number = base64.b64decode(after.encode("ascii"), validate=True).decode().split(":")
            offset = int(number) + 1
            if prefix != "cursor" or offset < 1:
                raise ValueError(after)
        except (ValueError, UnicodeError):
            raise BadUserInputError(f"{after!r} is not a cursor from this API") from None
    return limit, offset


def make_connection(items: Sequence[T], total: int, offset: int, limit: int) -> Connection[T]:
    """A connection over one page ``items`` that starts at ``offset``, in a list of ``total``."""
    page = list(items[:limit])
    return Connection(items=page, offset=offset, total=total)


# --- loading ------------------------------------------------------------------------------------


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
    api.graphql.executor.query_memo; at most MEMO_PER_QUERY per query), else for the request.
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
        lists: list[tuple[Listed, list[tuple[str, ReferrersKey, bool]], tuple[int, int]]] = []
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
                        None if entity is None else _inverse(_node_type(entity.types), listed.name, listed.on)
                    )
                    if inverse is not None:
                        key = inverse.key(kind if inverse.by_kind else None)
                        wanted.setdefault(key, {})[iri] = None
                        held.append((iri, key, inverse.paged))
                lists.append((listed, held, window))
        for key, holding in wanted.items():
            context.read_referrers(key, list(holding))
        level = []
        for listed, held, (limit, offset) in lists:
            if not listed.nodes:
                continue  # the list's length is all its connection needs
            pages: dict[str, None] = {}
            for iri, key, paged in held:
                found = context.referred(key, iri) or []
                pages.update(dict.fromkeys(found[offset : offset + limit] if paged else found))
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


def _arguments(arguments: Mapping[str, object]) -> tuple[ClaimKind | None, tuple[int, int]]:
    """``kind`` and ``(limit, offset)`` from a list field's arguments as written in the query.

    Literals come as text, variables as their values; ValueError if they cannot be read.
    """
    kind, first, after = arguments.get("kind"), arguments.get("first"), arguments.get("after")
    if isinstance(kind, str):
        kind = ClaimKind.__members__.get(kind)
        if kind is None:
            raise ValueError(arguments["kind"])
    elif kind is not None and not isinstance(kind, ClaimKind):
        raise ValueError(kind)
    if not (first is None or isinstance(first, int | str)) or not (after is None or isinstance(after, str)):
        raise ValueError(arguments)
    try:
        return kind, page_window(None if first is None else int(first), after)
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


def inverse_page(
    node: Node, info: Info, key: ReferrersKey, first: int | None, after: str | None
) -> Resolved[Connection[Any]]:
    """A page of the inverse list ``key`` of ``node``: at once when read ahead, else once loaded.

    Sibling lists (the same field on each node of a list) are loaded in one batched query, and
    so are their pages, with the nodes their selection links them to.
    """
    context, iri = node.context, node.entity.iri
    listed = context.referred(key, iri)
    if listed is not None:
        return _page(info, listed, first, after)

    async def later() -> Connection[Any]:
        page = _page(info, await context.referrers(key).load(iri), first, after)
        return page if isinstance(page, Connection) else await page

    return later()


def _page(info: Info, iris: Sequence[str], first: int | None, after: str | None) -> Resolved[Connection[Any]]:
    limit, offset = page_window(first, after)
    context, page = info.context, iris[offset : offset + limit]
    if not lists_nodes(info):
        return make_connection(page, len(iris), offset, limit)
    known = context.known
    if all(i in known for i in page):  # read ahead: no plan needed
        return make_connection(nodes_of(context, [known[i] for i in page]), len(iris), offset, limit)
    found = context.load(page, connection_plan(info).paths)
    return _then(
        found, lambda entities: make_connection(nodes_of(context, entities), len(iris), offset, limit)
    )


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
    inverse = Inverse(predicate, ALL_CLAIM_KINDS if kind is None else (KIND_IRIS[kind],), kind_argument)
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
            kind: ClaimKind | None = None,
            first: int | None = None,
            after: str | None = None,
        ) -> object:
            return inverse_page(self, info, inverse.key(kind), first, after)

        return field(of_any_kind)

    def listed(self: Node, info: Info, first: int | None = None, after: str | None = None) -> object:
        return inverse_page(self, info, inverse.key(), first, after)

    return field(listed)


def wrap(entity: Entity, context: Context) -> Node:
    """The GraphQL object for an entity, chosen by its most specific rdf:type (made once per request)."""
    made = context.wrapped.get(entity.iri)
    if made is not None and made.entity is entity:
        return made  # type: ignore[no-any-return]
    node = context.wrapped[entity.iri] = _node_type(entity.types)(entity=entity, context=context)
    return node


@lru_cache(maxsize=256)
def _node_type(types: frozenset[str]) -> type[Node]:
    for class_iri, node_type in TYPE_FOR_CLASS:
        if class_iri in types:
            return node_type
    return Resource


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


# --- interfaces ---------------------------------------------------------------------------------


@strawberry.interface(description="Anything with a global ID, fetchable with node(id:).")
class Node:
    entity: strawberry.Private[Entity]
    context: strawberry.Private[Context]

    @staticmethod
    @info_free
    def resolve_type(
        node: Node, info: GraphQLResolveInfo[Context], abstract_type: GraphQLAbstractType
    ) -> str:
        """The GraphQL type of a node returned as an interface: the one of its class.

        Strawberry's default resolver tries casts and generic types first, for every node.
        """
        return TYPE_NAME[type(node)]

    @classmethod
    def is_type_of(cls, obj: object, info: GraphQLResolveInfo[Context]) -> bool:
        """Whether ``obj`` may be served as this type (graphql-core asks for every object)."""
        return isinstance(obj, cls)

    @computed("Global ID: opaque and stable; pass it to node(id:).", reads=())
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id(type(self).__name__, self.entity.iri))

    @computed("The node's IRI in the evidence graph.", reads=())
    def iri(self) -> str:
        return self.entity.iri

    @rdf(RDFS_LABEL, "A short human-readable name.", also=[SKOS + "prefLabel", DCTERMS + "title"])
    def label(self) -> str | None:
        return (
            self.entity.string(RDFS_LABEL)
            or self.entity.string(SKOS + "prefLabel")
            or self.entity.string(DCTERMS + "title")
        )


@strawberry.interface(description="Nodes that carry standard identifiers and synonyms.")
class Identified(Node):
    @rdf(SKOS + "altLabel", "Synonyms (searchable).")
    def alt_labels(self) -> list[str]:
        return self.entity.strings(SKOS + "altLabel")

    @rdf(ev.identifier)
    def identifiers(self) -> list[str]:
        return self.entity.strings(ev.identifier)

    @rdf(SKOS + "exactMatch", "IRIs of the same concept in standard terminologies.")
    def exact_matches(self) -> list[str]:
        return self.entity.iris(SKOS + "exactMatch")

    @rdf(SKOS + "closeMatch", "IRIs of close concepts in standard terminologies.")
    def close_matches(self) -> list[str]:
        return self.entity.iris(SKOS + "closeMatch")

    @rdf(
        SKOS + "broader",
        "Broader concepts (e.g. pemphigoid for bullous pemphigoid).",
        link="list[Identified]",
    )
    def broader(self) -> Resolved[list[Identified]]:
        return linked(self, SKOS + "broader", Identified)


@strawberry.interface(description=describe(ev.ClinicalStatement))
class Claim(Node):
    @computed("The kind of claim.", reads=())
    def kind(self) -> ClaimKind:
        types = self.entity.types
        for iri, kind in KINDS:
            if iri in types:
                return kind
        raise ValueError(f"{self.entity.iri} has no claim kind")

    @rdf(ev.drug, link="Drug | None")
    def drug(self) -> Resolved[Drug | None]:
        return linked_one(self, ev.drug, Drug)

    @rdf(ev.evidence, link="list[EvidenceItem]")
    def evidence(self) -> Resolved[list[EvidenceItem]]:
        return linked(self, ev.evidence, EvidenceItem)

    @below(ev.citationNumber)
    @rdf(ev.citesAsEvidence, link="list[Reference]")
    def references(self) -> Resolved[list[Reference]]:
        return _then(
            linked(self, ev.citesAsEvidence, Reference),
            lambda refs: sorted(refs, key=lambda r: r.entity.string(ev.citationNumber) or r.entity.iri),
        )

    @rdf(
        PROV_NS + "wasDerivedFrom",
        "The source document the claim was curated from.",
        link="SourceDocument | None",
    )
    def source(self) -> Resolved[SourceDocument | None]:
        return linked_one(self, PROV_NS + "wasDerivedFrom", SourceDocument)

    @rdf(ev.section)
    def section(self) -> str | None:
        return self.entity.string(ev.section)

    @rdf(ev.negated)
    def negated(self) -> bool:
        return self.entity.flag(ev.negated)

    @rdf(ev.evidenceGrade, link="Grade | None")
    def grade(self) -> Resolved[Grade | None]:
        return linked_one(self, ev.evidenceGrade, Grade)

    @rdf(ev.recommendationStrength, link="Grade | None")
    def recommendation_strength(self) -> Resolved[Grade | None]:
        return linked_one(self, ev.recommendationStrength, Grade)

    @rdf(ev.printedGrade)
    def printed_grade(self) -> str | None:
        return self.entity.string(ev.printedGrade)

    @rdf(ev.gradeInferred)
    def grade_inferred(self) -> bool:
        return self.entity.flag(ev.gradeInferred)

    @rdf(ev.curationNote)
    def curation_notes(self) -> list[str]:
        return self.entity.strings(ev.curationNote)

    @rdf(ev.population)
    def population(self) -> str | None:
        return self.entity.string(ev.population)

    @rdf(ev.condition, "Every condition the claim names.", link="list[Condition]")
    def conditions(self) -> Resolved[list[Condition]]:
        return linked(self, ev.condition, Condition)

    @rdf(PROV_NS + "wasAttributedTo", "IRI of the agent who curated or last changed the claim.")
    def attributed_to(self) -> str | None:
        return self.entity.iri_of(PROV_NS + "wasAttributedTo")

    @rdf(DCTERMS + "created", "When the claim was first recorded (ISO 8601).")
    def created(self) -> str | None:
        return self.entity.string(DCTERMS + "created")

    @rdf(DCTERMS + "modified", "When the claim was last changed (ISO 8601).")
    def modified(self) -> str | None:
        return self.entity.string(DCTERMS + "modified")

    @rdf(PROV_NS + "invalidatedAtTime", "When the claim was retracted; null while it stands.")
    def retracted_at(self) -> str | None:
        return self.entity.string(PROV_NS + "invalidatedAtTime")

    @rdf(ev.retractionReason)
    def retraction_reason(self) -> str | None:
        return self.entity.string(ev.retractionReason)

    @rdf(ev.retractedBy, "IRI of the agent who retracted the claim.")
    def retracted_by(self) -> str | None:
        return self.entity.iri_of(ev.retractedBy)


def _concepts(entity: Entity, predicate: str, enum: Any) -> list[Any]:
    found = (concept(enum, i) for i in entity.iris(predicate))
    return [m for m in found if m is not None]


# --- claim kinds --------------------------------------------------------------------------------


@strawberry.type(description=describe(ev.IndicationStatement))
class IndicationStatement(Claim):
    @rdf(ev.condition, link="Condition | None")
    def condition(self) -> Resolved[Condition | None]:
        return linked_first(self, ev.condition, Condition)

    @rdf(ev.licensingStatus)
    def licensing_status(self) -> LicensingStatus | None:
        return concept(LicensingStatus, self.entity.iri_of(ev.licensingStatus))  # type: ignore[no-any-return]

    @computed("True when licensed, false when unlicensed, null when not stated.", reads=[ev.licensingStatus])
    def licensed(self) -> bool | None:
        status = self.entity.iri_of(ev.licensingStatus)
        return None if status is None else status == ev.Licensed

    @rdf(ev.licensingJurisdiction, "NOT_STATED when the source does not name a regulator.")
    def licensing_jurisdiction(self) -> str | None:
        iri = self.entity.iri_of(ev.licensingJurisdiction)
        return None if iri is None else ("NOT_STATED" if iri == ev.JurisdictionNotStated else iri)

    @rdf(ev.therapyRole)
    def therapy_roles(self) -> list[TherapyRole]:
        return _concepts(self.entity, ev.therapyRole, TherapyRole)


@strawberry.type(description=describe(ev.ContraindicationStatement))
class ContraindicationStatement(Claim):
    @rdf(ev.severity)
    def severity(self) -> Severity | None:
        return concept(Severity, self.entity.iri_of(ev.severity))  # type: ignore[no-any-return]

    @rdf(ev.condition, link="Condition | None")
    def condition(self) -> Resolved[Condition | None]:
        return linked_first(self, ev.condition, Condition)

    @rdf(ev.coMedication, link="Drug | None")
    def co_medication(self) -> Resolved[Drug | None]:
        return linked_first(self, ev.coMedication, Drug)

    @rdf(ev.exception)
    def exceptions(self) -> list[str]:
        return self.entity.strings(ev.exception)


@strawberry.type(description=describe(ev.InteractionStatement))
class InteractionStatement(Claim):
    @rdf(ev.interactant, link="Drug | None")
    def interactant(self) -> Resolved[Drug | None]:
        return linked_first(self, ev.interactant, Drug)

    @rdf(ev.effect)
    def effect(self) -> str | None:
        return self.entity.string(ev.effect)

    @rdf(ev.mechanismText)
    def mechanism(self) -> str | None:
        return self.entity.string(ev.mechanismText)


@strawberry.type(description=describe(ev.PharmacogenomicStatement))
class PharmacogenomicStatement(Claim):
    @rdf(ev.gene, link="Gene | None")
    def gene(self) -> Resolved[Gene | None]:
        return linked_one(self, ev.gene, Gene)

    @rdf(ev.phenotype, link="list[Phenotype]")
    def phenotypes(self) -> Resolved[list[Phenotype]]:
        return linked(self, ev.phenotype, Phenotype)

    @rdf(ev.pgxAction)
    def actions(self) -> list[PharmacogenomicAction]:
        return _concepts(self.entity, ev.pgxAction, PharmacogenomicAction)

    @rdf(ev.risk, link="list[Condition]")
    def risks(self) -> Resolved[list[Condition]]:
        return linked(self, ev.risk, Condition)


@strawberry.type(description=describe(ev.MonitoringStatement))
class MonitoringStatement(Claim):
    @rdf(ev.monitoredParameter)
    def monitored_parameter(self) -> str | None:
        return self.entity.string(ev.monitoredParameter)

    @rdf(ev.monitoringTiming)
    def timing(self) -> str | None:
        return self.entity.string(ev.monitoringTiming)


@strawberry.type(description=describe(ev.PracticePointStatement))
class PracticePointStatement(Claim):
    @rdf(ev.relatedDrug, link="list[Drug]")
    def related_drugs(self) -> Resolved[list[Drug]]:
        return linked(self, ev.relatedDrug, Drug)


@strawberry.type(description=describe(ev.MechanismStatement))
class MechanismStatement(Claim):
    @rdf(ev.metabolite, link="list[Substance]")
    def metabolites(self) -> Resolved[list[Substance]]:
        return linked(self, ev.metabolite, Substance)

    @rdf(ev.enzyme, link="list[Gene]")
    def enzymes(self) -> Resolved[list[Gene]]:
        return linked(self, ev.enzyme, Gene)

    @rdf(ev.risk, link="list[Condition]")
    def risks(self) -> Resolved[list[Condition]]:
        return linked(self, ev.risk, Condition)


@strawberry.type(description=describe(ev.PracticePatternStatement))
class PracticePatternStatement(Claim):
    pass


# --- evidence -----------------------------------------------------------------------------------


@strawberry.type(description=describe(ev.EvidenceItem))
class EvidenceItem(Node):
    @rdf(ev.text)
    def text(self) -> str | None:
        return self.entity.string(ev.text)

    @rdf(ev.citationMarkers)
    def citation_markers(self) -> str | None:
        return self.entity.string(ev.citationMarkers)

    @rdf(ev.citesAsEvidence, link="list[Reference]")
    def references(self) -> Resolved[list[Reference]]:
        return linked(self, ev.citesAsEvidence, Reference)

    @rdf(ev.studyDesign)
    def study_designs(self) -> list[StudyDesign]:
        return _concepts(self.entity, ev.studyDesign, StudyDesign)

    @rdf(ev.figure, link="list[Figure]")
    def figures(self) -> Resolved[list[Figure]]:
        return linked(self, ev.figure, Figure)

    @rdf(ev.comparator, link="list[Drug]")
    def comparators(self) -> Resolved[list[Drug]]:
        return linked(self, ev.comparator, Drug)

    @rdf(ev.combinedWith, link="list[Drug]")
    def combined_with(self) -> Resolved[list[Drug]]:
        return linked(self, ev.combinedWith, Drug)

    @rdf(ev.population)
    def population(self) -> str | None:
        return self.entity.string(ev.population)

    @rdf(ev.duration)
    def duration(self) -> str | None:
        return self.entity.string(ev.duration)

    @rdf(ev.finding)
    def finding(self) -> str | None:
        return self.entity.string(ev.finding)


def _decimal(entity: Entity, predicate: str) -> float | None:
    value = entity.string(predicate)
    return None if value is None else float(value)


def _integer(entity: Entity, predicate: str) -> int | None:
    value = entity.string(predicate)
    return None if value is None else int(value)


@strawberry.type(description=describe(ev.Figure))
class Figure(Node):
    @rdf(ev.printedValue)
    def printed_value(self) -> str | None:
        return self.entity.string(ev.printedValue)

    @rdf(ev.quantityKind)
    def quantity_kind(self) -> QuantityKind | None:
        return concept(QuantityKind, self.entity.iri_of(ev.quantityKind))  # type: ignore[no-any-return]

    @rdf(ev.value)
    def value(self) -> float | None:
        return _decimal(self.entity, ev.value)

    @rdf(ev.minValue)
    def min_value(self) -> float | None:
        return _decimal(self.entity, ev.minValue)

    @rdf(ev.maxValue)
    def max_value(self) -> float | None:
        return _decimal(self.entity, ev.maxValue)

    @rdf(ev.numerator)
    def numerator(self) -> int | None:
        return _integer(self.entity, ev.numerator)

    @rdf(ev.denominator)
    def denominator(self) -> int | None:
        return _integer(self.entity, ev.denominator)

    @rdf(ev.approximate)
    def approximate(self) -> bool:
        return self.entity.flag(ev.approximate)


# --- references and sources ---------------------------------------------------------------------


@strawberry.type(description=describe(ev.Reference))
class Reference(Node):
    @rdf(ev.citationNumber)
    def citation_number(self) -> int | None:
        return _integer(self.entity, ev.citationNumber)

    @rdf(DCTERMS + "title", "Title as printed; null when the source does not name the reference.")
    def title(self) -> str | None:
        return self.entity.string(DCTERMS + "title")

    @rdf(ev.referenceType)
    def reference_type(self) -> str | None:
        return self.entity.string(ev.referenceType)

    @rdf(ev.containerTitle)
    def container_title(self) -> str | None:
        return self.entity.string(ev.containerTitle)

    @rdf(DCTERMS + "issued", "Year of publication.")
    def year(self) -> str | None:
        return self.entity.string(DCTERMS + "issued")

    @rdf(DCTERMS + "creator", "Authors as printed.")
    def creators(self) -> list[str]:
        return [text(v) for v in self.entity.all(DCTERMS + "creator")]

    @rdf(BIBO_NS + "volume", "Journal volume.")
    def volume(self) -> str | None:
        return self.entity.string(BIBO_NS + "volume")

    @rdf(BIBO_NS + "issue", "Journal issue.")
    def issue(self) -> str | None:
        return self.entity.string(BIBO_NS + "issue")

    @rdf(BIBO_NS + "pageStart", "First page.")
    def page_start(self) -> str | None:
        return self.entity.string(BIBO_NS + "pageStart")

    @rdf(BIBO_NS + "pageEnd", "Last page.")
    def page_end(self) -> str | None:
        return self.entity.string(BIBO_NS + "pageEnd")

    @rdf(BIBO_NS + "pmid", "PubMed ID.")
    def pmid(self) -> str | None:
        return self.entity.string(BIBO_NS + "pmid")

    @rdf(BIBO_NS + "doi", "DOI.")
    def doi(self) -> str | None:
        return self.entity.string(BIBO_NS + "doi")

    @rdf(ev.unresolved)
    def unresolved(self) -> bool:
        return self.entity.flag(ev.unresolved)

    @rdf(ev.markerMappingInferred)
    def marker_mapping_inferred(self) -> bool:
        return self.entity.flag(ev.markerMappingInferred)

    @rdf(ev.curationNote)
    def curation_notes(self) -> list[str]:
        return self.entity.strings(ev.curationNote)

    @rdf(
        DCTERMS + "isPartOf",
        "The source document whose reference list holds this reference.",
        link="SourceDocument | None",
    )
    def source(self) -> Resolved[SourceDocument | None]:
        return linked_one(self, DCTERMS + "isPartOf", SourceDocument)

    # claims only (evidence items cite references too), and no kind argument
    claims = claims_linking(
        ev.citesAsEvidence,
        "The claims that cite this reference (inverse of citesAsEvidence).",
        of=Claim,
    )


@strawberry.type(description=describe(ev.SourceDocument))
class SourceDocument(Node):
    @rdf(DCTERMS + "title", "Title of the document.")
    def title(self) -> str | None:
        return self.entity.string(DCTERMS + "title")

    @rdf(DCTERMS + "modified", "Last updated, as the document says (ISO date).")
    def last_updated(self) -> str | None:
        return self.entity.string(DCTERMS + "modified")

    @rdf(DCTERMS + "publisher", "Publisher.")
    def publisher(self) -> str | None:
        return self.entity.string(DCTERMS + "publisher")

    @rdf(ev.editorialStatus)
    def editorial_status(self) -> str | None:
        return self.entity.string(ev.editorialStatus)

    @rdf(
        DCTERMS + "hasPart", "The document's numbered references.", link="list[Reference]", inverse=REFERENCES
    )
    def references(self) -> Resolved[list[Reference]]:
        return _then(
            inverse_nodes(self, REFERENCES, Reference),
            lambda refs: sorted(refs, key=lambda r: _integer(r.entity, ev.citationNumber) or 0),
        )


# --- things claims are about --------------------------------------------------------------------


@strawberry.type(description=describe(ev.Substance))
class Substance(Identified):
    pass


@strawberry.type(description=describe(ev.Drug))
class Drug(Substance):
    @rdf(ev.drugClassLabel)
    def drug_classes(self) -> list[str]:
        return self.entity.strings(ev.drugClassLabel)

    claims = claims_linking(
        ev.drug, "Claims about this drug, optionally of one kind.", of=Claim, kind_argument=True
    )
    indications = claims_linking(
        ev.drug, "Indications of this drug.", of=IndicationStatement, kind=ClaimKind.INDICATION
    )
    contraindications = claims_linking(
        ev.drug,
        "Contraindications of this drug.",
        of=ContraindicationStatement,
        kind=ClaimKind.CONTRAINDICATION,
    )
    interactions = claims_linking(
        ev.drug,
        "Interactions (and documented absences of interaction) of this drug.",
        of=InteractionStatement,
        kind=ClaimKind.INTERACTION,
    )
    pharmacogenomics = claims_linking(
        ev.drug,
        "Pharmacogenomic rules for this drug.",
        of=PharmacogenomicStatement,
        kind=ClaimKind.PHARMACOGENOMIC,
    )
    monitoring = claims_linking(
        ev.drug, "Monitoring requirements for this drug.", of=MonitoringStatement, kind=ClaimKind.MONITORING
    )
    practice_points = claims_linking(
        ev.drug,
        "Practice points and pitfalls for this drug.",
        of=PracticePointStatement,
        kind=ClaimKind.PRACTICE_POINT,
    )
    mechanisms = claims_linking(
        ev.drug,
        "Mechanism and metabolism statements for this drug.",
        of=MechanismStatement,
        kind=ClaimKind.MECHANISM,
    )
    practice_patterns = claims_linking(
        ev.drug,
        "Practice-pattern and survey findings for this drug.",
        of=PracticePatternStatement,
        kind=ClaimKind.PRACTICE_PATTERN,
    )


@strawberry.type(description=describe(ev.DrugClass))
class DrugClass(Drug):
    pass


@strawberry.type(description=describe(ev.Condition))
class Condition(Identified):
    @computed("True for patient states such as pregnancy and breastfeeding.", reads=())
    def patient_state(self) -> bool:
        return ev.PatientState in self.entity.types

    indications = claims_linking(
        ev.condition,
        "Indications for this condition (inverse of condition).",
        of=IndicationStatement,
        kind=ClaimKind.INDICATION,
    )
    contraindications = claims_linking(
        ev.condition,
        "Contraindications naming this condition.",
        of=ContraindicationStatement,
        kind=ClaimKind.CONTRAINDICATION,
    )
    claims = claims_linking(
        ev.condition,
        "Every claim naming this condition, optionally of one kind.",
        of=Claim,
        kind_argument=True,
    )


@strawberry.type(description=describe(ev.Gene))
class Gene(Identified):
    pharmacogenomics = claims_linking(
        ev.gene,
        "Pharmacogenomic rules about this gene.",
        of=PharmacogenomicStatement,
        kind=ClaimKind.PHARMACOGENOMIC,
    )


@strawberry.type(description=describe(ev.Phenotype))
class Phenotype(Identified):
    @rdf(ev.gene, link="Gene | None")
    def gene(self) -> Resolved[Gene | None]:
        return linked_one(self, ev.gene, Gene)


# --- grades -------------------------------------------------------------------------------------


@strawberry.type(description=describe(ev.Grade))
class Grade(Node):
    @rdf(SKOS + "notation", 'The grade as written in its scale ("A", "high", "1++").')
    def notation(self) -> str | None:
        return self.entity.string(SKOS + "notation")

    @rdf(SKOS + "definition", "What the grade means.")
    def definition(self) -> str | None:
        return self.entity.string(SKOS + "definition")

    @rdf(ev.rank)
    def rank(self) -> int | None:
        return _integer(self.entity, ev.rank)

    @rdf(ev.notationInferred)
    def notation_inferred(self) -> bool:
        return self.entity.flag(ev.notationInferred)

    @rdf(SKOS + "inScheme", "The grading scheme this grade belongs to.", link="GradingScheme | None")
    def scheme(self) -> Resolved[GradingScheme | None]:
        return linked_one(self, SKOS + "inScheme", GradingScheme)

    @rdf(SKOS + "closeMatch", "Close equivalents in other scales (curated crosswalks).", link="list[Grade]")
    def close_matches(self) -> Resolved[list[Grade]]:
        return linked(self, SKOS + "closeMatch", Grade)

    @rdf(SKOS + "broadMatch", "Broader equivalents in other scales (curated crosswalks).", link="list[Grade]")
    def broad_matches(self) -> Resolved[list[Grade]]:
        return linked(self, SKOS + "broadMatch", Grade)


@strawberry.type(description=describe(ev.GradingScheme))
class GradingScheme(Node):
    @rdf(SKOS + "definition", "What the scheme grades and where it comes from.")
    def definition(self) -> str | None:
        return self.entity.string(SKOS + "definition")

    @rdf(ev.axis)
    def axis(self) -> GradingAxis | None:
        return concept(GradingAxis, self.entity.iri_of(ev.axis))  # type: ignore[no-any-return]

    @below(ev.rank)
    @computed("The scheme's grades, strongest first.", returns="list[Grade]", inverse=GRADES)
    def grades(self) -> Resolved[list[Grade]]:
        return _then(
            inverse_nodes(self, GRADES, Grade),
            lambda grades: sorted(grades, key=lambda g: -(_integer(g.entity, ev.rank) or 0)),
        )


@strawberry.type(description="A node of a type the API does not model; only its IRI and label.")
class Resource(Node):
    pass


#: rdf:type -> GraphQL type, most specific first.
TYPE_FOR_CLASS: list[tuple[str, type[Node]]] = [
    (ev.IndicationStatement, IndicationStatement),
    (ev.ContraindicationStatement, ContraindicationStatement),
    (ev.InteractionStatement, InteractionStatement),
    (ev.PharmacogenomicStatement, PharmacogenomicStatement),
    (ev.MonitoringStatement, MonitoringStatement),
    (ev.PracticePointStatement, PracticePointStatement),
    (ev.MechanismStatement, MechanismStatement),
    (ev.PracticePatternStatement, PracticePatternStatement),
    (ev.EvidenceItem, EvidenceItem),
    (ev.Figure, Figure),
    (ev.Reference, Reference),
    (ev.SourceDocument, SourceDocument),
    (ev.DrugClass, DrugClass),
    (ev.Drug, Drug),
    (ev.Substance, Substance),
    (ev.PatientState, Condition),
    (ev.Condition, Condition),
    (ev.Phenotype, Phenotype),
    (ev.Gene, Gene),
    (ev.Grade, Grade),
    (ev.GradingScheme, GradingScheme),
]


NODE_TYPES: list[type[Node]] = [t for _, t in TYPE_FOR_CLASS] + [Resource]


def _planned(types: Sequence[type[Node]]) -> Iterable[tuple[type[Node], str, PlannedField]]:
    """Each type's fields that the look-ahead knows, with their GraphQL names."""
    for node_type in types:
        for field in node_type.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            if isinstance(field, PlannedField):
                yield node_type, field.graphql_name or to_camel_case(field.python_name), field


#: Link fields: GraphQL field name -> the predicates fields of that name follow (over every type).
FOLLOWS: dict[str, frozenset[str]] = {}
#: Inverse lists: (type, GraphQL field name) -> the list it serves.
INVERSES: dict[tuple[type[Node], str], Inverse] = {}
for _type, _name, _field in _planned(NODE_TYPES):
    if _field.follows:
        FOLLOWS[_name] = FOLLOWS.get(_name, frozenset()) | {_field.follows}
    if _field.inverse:
        INVERSES[_type, _name] = _field.inverse
#: Inverse list field names -> whether they are connections (paged), for the planner.
LISTS = {name: inverse.paged for (_, name), inverse in INVERSES.items()}
#: Field name -> the predicates fields of that name read on their node, over every type (None:
#: unknown, for some type). Fields the look-ahead does not know read an unknown set.
READS: dict[str, frozenset[str] | None] = {}
#: Field name -> the predicates fields of that name read on the nodes they return.
BELOW: dict[str, frozenset[str]] = {}
for _type in NODE_TYPES:
    for _any in _type.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        _name = _any.graphql_name or to_camel_case(_any.python_name)
        _reads = _any.reads if isinstance(_any, PlannedField) else None
        if _name not in READS:
            READS[_name] = _reads
        else:
            _known = READS[_name]
            READS[_name] = None if _known is None or _reads is None else _known | _reads
        if isinstance(_any, PlannedField) and _any.below:
            BELOW[_name] = BELOW.get(_name, frozenset()) | _any.below


#: Node type -> its GraphQL name.
TYPE_NAME = {node_type: get_object_definition(node_type, strict=True).name for node_type in NODE_TYPES}
#: Node type -> the GraphQL names it answers to in a fragment: its own and its interfaces'.
TYPE_NAMES = {
    node_type: frozenset([d.name, *(i.name for i in d.interfaces)])
    for node_type in NODE_TYPES
    if (d := get_object_definition(node_type, strict=True))
}


def _inverse(node_type: type[Node], name: str, on: str | None) -> Inverse | None:
    """The inverse list a field of this name serves on ``node_type`` (selected under ``on``)."""
    if on is not None and on not in TYPE_NAMES[node_type]:
        return None
    return INVERSES.get((node_type, name))
