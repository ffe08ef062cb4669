"""Limits on what one GraphQL request may ask, checked in linear time before it is validated or run.

A document is parsed with graphql-core's own limits (characters, lexical tokens, comments), then
one walk over its selected operation measures it, each fragment measured once and its measures
reused wherever it is spread (so a fragment spread twice by each of twenty others costs twenty
steps, not a million): depth, aliases and fields (as they will be executed, fragments followed),
directives and fragments (as written), introspection fields, and the nodes the answer may hold.
The node estimate multiplies each list's page size (``first`` or ``last``, 50 when neither is
given) down the query and sums, as GitHub's node limit does; it decides whether an operation runs
in the heavy lane (api.graphql.lanes).

>>> from api.graphql.schema import schema
>>> limits = DocumentLimits.from_settings()
>>> document = parse_document("{ indications(first: 20) { nodes { drug { label } } } }", limits)
>>> measure(schema._schema, document, None, {}, limits).nodes
20
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    parse,
)
from graphql.language import Visitor, visit

from api.graphql.errors import ApiError
from api.graphql.paging import DEFAULT_PAGE, MAX_PAGE
from api.settings import Settings

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


class QueryTooComplexError(ApiError):
    """A document over one of the limits."""

    code = "QUERY_TOO_COMPLEX"


class ParseFailedError(ApiError):
    """A document that is not GraphQL: graphql-core's syntax error, with its location."""

    code = "GRAPHQL_PARSE_FAILED"

    def __init__(self, syntax_error: GraphQLError) -> None:
        GraphQLError.__init__(
            self,
            syntax_error.message,
            source=syntax_error.source,
            positions=syntax_error.positions,
            extensions={"code": self.code},
        )


class InvalidDocumentError(ApiError):
    """A document the schema cannot run as asked (introspection off, a fragment cycle)."""

    code = "GRAPHQL_VALIDATION_FAILED"


@dataclass(frozen=True)
class DocumentLimits:
    """The limits of one server (``EVIDENCE_GRAPH_GRAPHQL_MAX_*``, ``..._INTROSPECTION``)."""

    max_length: int
    max_tokens: int
    max_depth: int
    max_aliases: int
    max_fields: int
    max_fragments: int
    max_directives: int
    max_nodes: int
    introspection: bool

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> DocumentLimits:
        """The limits the settings name (without settings: the defaults, whatever the environment)."""
        if settings is None:
            settings = Settings.model_construct()
        return cls(
            max_length=settings.graphql_max_length,
            max_tokens=settings.graphql_max_tokens,
            max_depth=settings.graphql_max_depth,
            max_aliases=settings.graphql_max_aliases,
            max_fields=settings.graphql_max_fields,
            max_fragments=settings.graphql_max_fragments,
            max_directives=settings.graphql_max_directives,
            max_nodes=settings.graphql_max_nodes,
            introspection=settings.introspection,
        )


@dataclass(frozen=True)
class Measures:
    """What the walk found in one operation, fragments followed."""

    depth: int
    aliases: int
    fields: int
    nodes: int
    operation: OperationType | None


_CACHE_SIZE = 256
_parsed: OrderedDict[tuple[str, int, int], DocumentNode] = OrderedDict()
_parsed_lock = Lock()


def parse_document(text: str, limits: DocumentLimits) -> DocumentNode:
    """Parse ``text`` within the limits (kept: the last 256 documents), else an ApiError.

    >>> try:
    ...     parse_document("{ drugs { totalCount ", DocumentLimits.from_settings())
    ... except ParseFailedError as error:
    ...     error.message, error.extensions
    ('Syntax Error: Expected Name, found <EOF>.', {'code': 'GRAPHQL_PARSE_FAILED'})
    """
    if len(text) > limits.max_length:
        raise QueryTooComplexError(
            f"The document is longer than this server's limit of {limits.max_length:,} characters.",
            limit=limits.max_length,
        )
    key = (text, limits.max_tokens, limits.max_length)
    with _parsed_lock:
        document = _parsed.get(key)
        if document is not None:
            _parsed.move_to_end(key)
            return document
    try:
        document = parse(text, max_lexical_tokens=limits.max_tokens, max_comments=limits.max_tokens)
    except GraphQLError as error:
        if "nested too deeply" in error.message:
            raise QueryTooComplexError("The document is nested too deeply to be parsed.") from None
        if "Parsing aborted" in error.message:
            raise QueryTooComplexError(
                f"The document has more than this server's limit of {limits.max_tokens:,} tokens.",
                limit=limits.max_tokens,
            ) from None
        raise ParseFailedError(error) from None
    _check_document(document, limits)
    with _parsed_lock:
        _parsed[key] = document
        while len(_parsed) > _CACHE_SIZE:
            _parsed.popitem(last=False)
    return document


def _check_document(document: DocumentNode, limits: DocumentLimits) -> None:
    """The limits on the document as written: fragments, directives, introspection."""
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    if len(fragments) > limits.max_fragments:
        raise QueryTooComplexError(
            f"The document defines {len(fragments)} fragments; this server allows {limits.max_fragments}.",
            limit=limits.max_fragments,
        )
    counter = _Counter(limits.introspection)
    visit(document, counter)
    if counter.directives > limits.max_directives:
        raise QueryTooComplexError(
            f"The document has {counter.directives} directives; this server allows {limits.max_directives}.",
            limit=limits.max_directives,
        )
    if counter.introspection is not None:
        raise InvalidDocumentError(
            f"Introspection is turned off on this server: the document asks for {counter.introspection}."
        )


class _Counter(Visitor):
    """Counts directives and finds introspection fields, in one pass over the document."""

    def __init__(self, introspection: bool) -> None:
        super().__init__()
        self.directives = 0
        self.introspection: str | None = None
        self._allowed = introspection

    def enter_directive(self, *_: Any) -> None:
        self.directives += 1

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if not self._allowed and node.name.value in INTROSPECTION_FIELDS:
            self.introspection = node.name.value


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    limits: DocumentLimits,
) -> Measures:
    """Measure the operation ``operation_name`` runs and check it against ``limits``.

    An operation that cannot be chosen, or fields the schema does not know, are measured as
    nothing here: validation reports them.
    """
    operation = _operation(document, operation_name)
    if operation is None:
        return Measures(0, 0, 0, 0, None)
    root = schema.get_root_type(operation.operation)
    walk = _Walk(schema, document, variables or {}, operation)
    depth, aliases, fields, nodes = walk.selections(operation.selection_set, root)
    found = Measures(depth, aliases, fields, nodes, operation.operation)
    _check_measures(found, limits)
    return found


def _check_measures(found: Measures, limits: DocumentLimits) -> None:
    checks = [
        (found.depth, limits.max_depth, "is nested {} levels deep; this server allows {}"),
        (found.aliases, limits.max_aliases, "uses {} aliases; this server allows {}"),
        (found.fields, limits.max_fields, "selects {} fields, fragments followed; this server allows {}"),
        (found.nodes, limits.max_nodes, "may return {} nodes (page sizes multiplied); this server allows {}"),
    ]
    for value, limit, text in checks:
        if value > limit:
            raise QueryTooComplexError(
                f"The operation {text.format(f'{value:,}', f'{limit:,}')}.", limit=limit
            )


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


# (depth, aliases, fields, nodes) of a selection set, for one object of its parent type
Sizes = tuple[int, int, int, int]


class _Walk:
    """One measuring walk: each fragment measured once (memo), cycles refused."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: dict[str, Any],
        operation: OperationDefinitionNode,
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.defaults = {
            d.variable.name.value: d.default_value.value
            for d in operation.variable_definitions or ()
            if isinstance(d.default_value, IntValueNode)
        }
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, Sizes] = {}
        self.open: set[str] = set()

    def selections(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> Sizes:
        """The sizes of ``selection_set`` on an object of type ``parent`` (iterating each level)."""
        depth = aliases = fields = nodes = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                d, a, f, n = self.field(selection, parent)
            elif isinstance(selection, FragmentSpreadNode):
                d, a, f, n = self.fragment(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                d, a, f, n = self.selections(selection.selection_set, inner)
            else:  # pragma: no cover - the grammar has no other selection
                continue
            depth, aliases, fields, nodes = max(depth, d), aliases + a, fields + f, nodes + n
        return depth, aliases, fields, nodes

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Sizes:
        aliases = 1 if node.alias is not None else 0
        name = node.name.value
        if node.selection_set is None:
            return 0, aliases, 1, 0
        if name in INTROSPECTION_FIELDS:
            # fields and aliases count; depth does not (the introspection query of GraphiQL and
            # other clients nests ofType deeply): graphql-core's MaxIntrospectionDepthRule, one
            # of the rules every document is validated with, bounds its lists' nesting instead
            _, inner_aliases, fields, _ = self.selections(node.selection_set, None)
            return 0, aliases + inner_aliases, fields + 1, 0
        definition = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
        inner_type = get_named_type(definition.type) if definition is not None else None
        depth, inner_aliases, fields, nodes = self.selections(node.selection_set, inner_type)
        if definition is not None and "first" in definition.args:
            page = self.page_size(node)
            nodes = page * (1 + nodes)
        return depth + 1, aliases + inner_aliases, fields + 1, nodes

    def fragment(self, name: str) -> Sizes:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None:
            return 0, 0, 0, 0  # validation reports the unknown fragment
        if name in self.open:
            raise InvalidDocumentError(f"Cannot spread fragment {name!r} within itself.")
        self.open.add(name)
        sizes = self.selections(
            definition.selection_set, self.schema.get_type(definition.type_condition.name.value)
        )
        self.open.discard(name)
        self.memo[name] = sizes
        return sizes

    def page_size(self, node: FieldNode) -> int:
        """The most items the field's page can hold (``first`` or ``last``), as the resolver reads them."""
        sizes: dict[str, object] = {}
        for argument in node.arguments or ():
            name = argument.name.value
            if name not in ("first", "last"):
                continue
            if isinstance(argument.value, IntValueNode):
                sizes[name] = argument.value.value
            elif isinstance(argument.value, VariableNode):
                variable = argument.value.name.value
                sizes[name] = self.variables.get(variable, self.defaults.get(variable))
        given = []
        for value in sizes.values():
            try:
                given.append(min(max(int(value), 0), MAX_PAGE))  # type: ignore[call-overload]
            except (TypeError, ValueError):
                given.append(DEFAULT_PAGE)  # the resolver refuses it
        return min(given) if given else DEFAULT_PAGE


__all__ = [
    "DocumentLimits",
    "InvalidDocumentError",
    "Measures",
    "ParseFailedError",
    "QueryTooComplexError",
    "measure",
    "parse_document",
]
