"""A lean executor for read-only GraphQL queries, with graphql-core as its reference and fallback.

graphql-core executes a query generically: for every field of every object it looks the field up,
builds a resolve-info object, checks for awaitables and walks the return type to complete the
value (5-15 us per field here, 1,300 fields in the deep benchmark query). Most of that work
depends only on the query, so this executor does it once per query text: it collects each
selection set's fields (fragments, ``@skip``/``@include``) into a plan of small steps, one per
field, each with its resolver and a completion function made for its return type (non-null,
list, leaf, object, interface), and then answers a request by running the plan.

It answers only what it can answer exactly as graphql-core would, and gives the rest back:
``execute`` returns None, and the caller runs the standard executor, for

- documents that are not valid queries (or not queries), use directives other than ``@skip``
  and ``@include``, or introspection fields other than ``__typename``;
- a request whose variables do not coerce;
- anything unusual while running: a resolver that raises, a null in a non-null position, a value
  of an unexpected type. Queries only read, so running the request again through graphql-core is
  safe; it reports the error with its path. A query given back three times more often than it
  was answered is no longer tried.

A response path is made only for a field at or above a resolver that reads one (through its
resolve-info object); the values of every other field are completed without paths.

Resolvers may return awaitables (data that was not read ahead): as in graphql-core, those of an
object's fields, or of a list's items, are awaited together once all are resolved, so sibling
loads share one DataLoader batch.

Resolvers are the schema's own: plain fields take the same fast path as in strawberry (no
resolve-info; a field with a ``compute(source)`` function, api.graphql.nodes.NodeField, is called
through it, and a plain scalar result is serialized at once); other strawberry resolvers are
called as strawberry's wrapper calls them, with arguments written without variables converted
once per query (see _Direct), and anything else through its ``resolve`` function, with a
resolve-info object of the shape strawberry builds. The results are compared with graphql-core's
for the test corpus and the benchmark queries (tests/test_executor.py).
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Coroutine, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from types import CoroutineType, GeneratorType
from typing import Any, NoReturn, TypeAlias, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLSkipDirective,
    GraphQLString,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
    parse,
    type_from_ast,
    validate,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.language import VariableNode, Visitor, visit
from graphql.pyutils import Path
from graphql.validation import ASTValidationRule
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema import Schema as StrawberrySchema

try:  # the resolve-info shape strawberry builds (private: checked by LeanExecutor.available)
    from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo as ResolveInfo
except ImportError:  # pragma: no cover - another strawberry version: the executor stays off
    ResolveInfo = None  # type: ignore[assignment,misc]
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionResult
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField
from strawberry.types.graphql import OperationType as AllowedOperation

__all__ = ["LeanExecutor", "info_free", "query_memo"]

F = TypeVar("F", bound=Callable[..., Any])


def info_free(function: F) -> F:
    """Mark a type resolver (``resolve_type``) that does not read its resolve-info argument.

    The lean executor calls such resolvers with None; interfaces resolved otherwise are left to
    graphql-core.
    """
    function.info_free = True  # type: ignore[attr-defined]
    return function


#: The fields of strawberry's resolve-info, in the order _resolve passes them.
_RESOLVE_INFO_FIELDS = (
    "field_name",
    "field_nodes",
    "return_type",
    "parent_type",
    "path",
    "schema",
    "fragments",
    "root_value",
    "operation",
    "variable_values",
    "context",
    "is_awaitable",
    "abort_signal",
    "async_helpers",
    "operation_extensions",
)

#: What type resolvers and ``is_type_of`` receive for their resolve-info: nothing (see info_free).
NO_INFO: Any = None


class _GiveBackError(Exception):
    """The lean run cannot answer exactly as graphql-core would: the caller runs graphql-core."""


def _bail(why: str) -> NoReturn:
    raise _GiveBackError(why)


@dataclass
class _Request:
    """One request's values, read by the steps of a plan."""

    executor: LeanExecutor
    prepared: _Prepared
    context: Any
    root_value: Any
    variables: VariableValues | None
    coerced: dict[str, Any]
    #: Awaitables returned by resolvers, and the coroutines made here to complete them: all are
    #: settled or closed before a request is given back (no load is left pending or unawaited).
    awaited: list[Awaitable[Any]] = field(default_factory=list)
    made: list[Coroutine[Any, Any, Any]] = field(default_factory=list)

    def later(self, coroutine: Coroutine[Any, Any, Any]) -> Coroutine[Any, Any, Any]:
        """Keep track of a coroutine made to complete a value."""
        self.made.append(coroutine)
        return coroutine

    async def settle(self) -> None:
        """Close the completions not started, and wait for the resolvers' awaitables not awaited."""
        for coroutine in self.made:
            if inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
                coroutine.close()
        left = [
            a
            for a in self.awaited
            if not inspect.iscoroutine(a) or inspect.getcoroutinestate(a) == inspect.CORO_CREATED
        ]
        if left:
            await asyncio.gather(*left, return_exceptions=True)


#: Completes a resolved value into its JSON form: (request, value, response path) -> value.
Complete: TypeAlias = Callable[[_Request, Any, Path | None], Any]


@dataclass(frozen=True)
class _Step:
    """One field of a selection set on an object type, ready to run."""

    key: str
    #: The field's resolver, or None for ``__typename``.
    resolve: Callable[..., Any] | None
    #: Resolved like a plain attribute (no resolve-info, no arguments).
    basic: bool
    #: The arguments when they hold no variables (coerced once), else None.
    arguments: Mapping[str, Any] | None
    definition: GraphQLField | None
    nodes: tuple[FieldNode, ...]
    #: The resolve-info fields fixed by the query: name, field nodes, return type, parent type.
    head: tuple[Any, ...]
    complete: Complete
    #: How to call the strawberry resolver itself, where that is safe (see LeanExecutor._direct).
    direct: _Direct | None = None
    #: For a field computed from its object alone (a strawberry field with ``compute``): that.
    compute: Callable[[Any], Any] | None = None
    #: For a leaf field (a scalar or an enum): its serializer, whether it is non-null, and the
    #: Python type whose values are their own JSON form there (None: every value is serialized).
    leaf: tuple[Callable[[Any], Any], bool, type | None] | None = None
    #: Whether a resolver at or below this field reads the response path (a resolve-info object's
    #: ``path``); if none does, the field's value is completed without making paths.
    paths: bool = True


@dataclass(frozen=True)
class _Direct:
    """A strawberry field's resolver called as strawberry's resolver wrapper calls it.

    Without field extensions or exception handlers the wrapper converts the arguments to
    Python values (input types become their classes), adds the source and the Info object the
    resolver asks for, and calls it. Here the conversion of arguments that hold no variables is
    done once per query (a 13-field filter input costs about 60 us to convert); resolvers get a
    new dict each time but share the converted values, which they must not change.
    """

    field: StrawberryField
    converted: Mapping[str, Any] | None
    self_argument: bool
    source_parameters: tuple[str, ...]
    info_parameter: str | None


@dataclass
class _Prepared:
    """A parsed and validated query operation, with its plans (one per value of its directives)."""

    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    #: Variables that ``@skip``/``@include`` read: the plan depends on their values.
    directive_variables: tuple[str, ...]
    #: Plans by the values of ``directive_variables``; None: the query cannot be planned.
    plans: dict[Hashable, list[_Step] | None] = field(default_factory=dict)
    #: Runs answered, and runs given back to graphql-core.
    answered: int = 0
    given_back: int = 0
    #: What resolvers keep for every request of this query (see query_memo).
    memo: dict[Hashable, Any] = field(default_factory=dict)


#: Prepared queries by the id of their operation node, while they are kept.
_PREPARED: weakref.WeakValueDictionary[int, _Prepared] = weakref.WeakValueDictionary()


def query_memo(operation: OperationDefinitionNode) -> dict[Hashable, Any] | None:
    """A dict shared by every request of the query whose operation node is ``operation``.

    For what resolvers work out from the query alone (a look-ahead plan): it lives as long as
    the lean executor keeps the query's plans. None for an operation it did not prepare (the
    standard executor parses its own documents): such resolvers keep it per request instead.
    """
    prepared = _PREPARED.get(id(operation))
    return prepared.memo if prepared is not None and prepared.operation is operation else None


class LeanExecutor:
    """Plans and runs read-only queries for one schema; see the module's docstring.

    It relies on graphql-core 3.3 and on the shape of strawberry's resolve-info object:
    :meth:`available` says whether the installed versions have them (if not, the schema runs
    without it).

    ``rules``: the validation rules the schema applies (a query they reject is given back).
    ``maxsize``: how many query texts keep their plans (least recently used first out).
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        rules: Collection[type[ASTValidationRule]],
        maxsize: int = 256,
        *,
        strawberry_schema: StrawberrySchema | None = None,
    ):
        self.schema = schema
        #: The strawberry schema, whose resolvers are then called directly where safe.
        self.strawberry_schema = strawberry_schema
        self.rules = tuple(rules)
        self.maxsize = maxsize
        self._prepared: OrderedDict[tuple[str, str | None], _Prepared | None] = OrderedDict()
        self._lock = threading.Lock()
        #: Requests answered here and given back, for tests and diagnostics.
        self.answered = 0
        self.given_back = 0

    @staticmethod
    def available() -> bool:
        """Whether the installed strawberry builds resolve-info objects as this executor does."""
        return getattr(ResolveInfo, "_fields", ()) == _RESOLVE_INFO_FIELDS

    # --- entry point -------------------------------------------------------------------------

    async def execute(  # noqa: PLR0917 - strawberry's execute, in its order
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any = None,
        root_value: Any = None,
        operation_name: str | None = None,
        allowed_operation_types: Collection[AllowedOperation] | None = None,
    ) -> ExecutionResult | None:
        """The result of a query, or None when graphql-core should answer it."""
        if not isinstance(query, str):
            return None
        if allowed_operation_types is not None and AllowedOperation.QUERY not in allowed_operation_types:
            return None
        prepared = self.prepare(query, operation_name)
        if prepared is None or prepared.given_back > prepared.answered + 2:
            return None
        variables: VariableValues | None = None
        if prepared.operation.variable_definitions:
            variables = self._variables(prepared, variable_values or {})
            if variables is None:
                return None
        coerced = {} if variables is None else variables.coerced
        request = _Request(self, prepared, context_value, root_value, variables, coerced)
        try:
            steps = self._plan(prepared, request)
            data = _run(request, steps, root_value, None, self.schema.query_type.name)  # type: ignore[union-attr]
            if _awaitable(data):
                data = await data
        except Exception:
            await request.settle()
            prepared.given_back += 1
            self.given_back += 1
            return None
        prepared.answered += 1
        self.answered += 1
        return ExecutionResult(data=data, errors=None, extensions={})

    def _variables(self, prepared: _Prepared, given: dict[str, Any]) -> VariableValues | None:
        """The operation's variables coerced to their types; None if they do not (graphql-core tells)."""
        definitions = prepared.operation.variable_definitions or ()
        try:
            found = get_variable_values(self.schema, definitions, given)
        except IndexError:  # graphql-core's suggestions fail on some names (see api.graphql.schema)
            return None
        return found if isinstance(found, VariableValues) else None

    # --- preparing a query --------------------------------------------------------------------

    def prepare(self, query: str, operation_name: str | None) -> _Prepared | None:
        """The query's operation, parsed and validated once (None: not one this executor runs)."""
        key = (query, operation_name)
        with self._lock:
            if key in self._prepared:
                self._prepared.move_to_end(key)
                return self._prepared[key]
        prepared = self._prepare(query, operation_name)
        with self._lock:
            self._prepared[key] = prepared
            while len(self._prepared) > self.maxsize:
                self._prepared.popitem(last=False)
        return prepared

    def _prepare(self, query: str, operation_name: str | None) -> _Prepared | None:
        try:
            document = parse(query)
        except GraphQLError:
            return None
        if validate(self.schema, document, self.rules):
            return None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if operation_name is None:
            operation = operations[0] if len(operations) == 1 else None
        else:
            operation = next((o for o in operations if o.name and o.name.value == operation_name), None)
        if operation is None or operation.operation != OperationType.QUERY:
            return None
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        used = _directive_variables(document)
        if used is None:
            return None
        prepared = _Prepared(document, operation, fragments, used)
        _PREPARED[id(operation)] = prepared
        return prepared

    def _plan(self, prepared: _Prepared, request: _Request) -> list[_Step]:
        key = tuple(request.coerced.get(name) for name in prepared.directive_variables)
        if key not in prepared.plans:
            root = self.schema.query_type
            assert root is not None
            try:
                prepared.plans[key] = self._steps(prepared, request, root, [prepared.operation.selection_set])
            except _GiveBackError:
                prepared.plans[key] = None
        steps = prepared.plans[key]
        if steps is None:
            _bail("the query cannot be planned")
        return steps

    def _steps(
        self,
        prepared: _Prepared,
        request: _Request,
        parent: GraphQLObjectType,
        selection_sets: Sequence[SelectionSetNode],
    ) -> list[_Step]:
        """The steps for the fields that ``selection_sets`` select on an object of type ``parent``."""
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(prepared, request, parent, selection_set, grouped, visited)
        steps = []
        for key, nodes in grouped.items():
            name = nodes[0].name.value
            if name == "__typename":
                steps.append(_Step(key, None, True, None, None, tuple(nodes), (), _typename, paths=False))
                continue
            if name.startswith("__"):
                _bail(f"introspection field {name}")
            definition = parent.fields[name]
            resolve = definition.resolve
            if resolve is None:
                _bail(f"{parent.name}.{name} has no resolver")
            basic = bool(getattr(resolve, "_is_default", False))
            arguments: Mapping[str, Any] | None = None
            if not basic:
                if _has_variables(nodes[0]):
                    arguments = None
                else:
                    arguments = get_argument_values(definition, nodes[0], None)
            below = [n.selection_set for n in nodes if n.selection_set is not None]
            complete = self._completer(prepared, request, definition.type, below)
            head = (name, list(nodes), definition.type, parent)
            direct = None if basic else self._direct(definition, arguments)
            field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            compute = getattr(field, "compute", None) if basic else None
            leaf_type = (
                definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
            )
            leaf = (
                (leaf_type.serialize, leaf_type is not definition.type, _self_serialized(leaf_type))
                if is_leaf_type(leaf_type)
                else None
            )
            steps.append(
                _Step(
                    key,
                    resolve,
                    basic,
                    arguments,
                    definition,
                    tuple(nodes),
                    head,
                    complete,
                    direct,
                    compute if callable(compute) else None,
                    leaf,
                    paths=not basic or _needs_path(complete),
                )
            )
        return steps

    def _direct(self, definition: GraphQLField, arguments: Mapping[str, Any] | None) -> _Direct | None:
        """How to call a field's strawberry resolver directly; None: through graphql-core's resolve."""
        schema = self.strawberry_schema
        field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if schema is None or not isinstance(field, StrawberryField) or field.base_resolver is None:
            return None
        converter = schema.schema_converter
        handlers = getattr(converter, "_get_field_exception_handlers", None)
        if field.extensions or handlers is None or handlers(field):
            return None
        converted = None
        if arguments is not None:
            try:
                converted = convert_arguments(
                    dict(arguments),
                    field.arguments,
                    scalar_registry=converter.scalar_registry,
                    config=schema.config,
                )
            except Exception:
                return None
        resolver = field.base_resolver
        sources = tuple(p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None)
        info = resolver.info_parameter
        info_name = None if info is None else info.name
        return _Direct(field, converted, resolver.self_parameter is not None, sources, info_name)

    def _collect(  # noqa: PLR0917
        self,
        prepared: _Prepared,
        request: _Request,
        parent: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        """graphql-core's field collection (without ``@defer``): response key -> field nodes."""
        for selection in selection_set.selections:
            if not self._included(selection, request):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection, parent):
                    self._collect(prepared, request, parent, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = prepared.fragments.get(name)
                if name in visited or fragment is None or not self._applies(fragment, parent):
                    continue
                visited.add(name)
                self._collect(prepared, request, parent, fragment.selection_set, grouped, visited)

    def _included(self, node: Any, request: _Request) -> bool:
        for directive in node.directives or ():
            if directive.name.value == GraphQLSkipDirective.name:
                if get_argument_values(GraphQLSkipDirective, directive, request.variables)["if"]:
                    return False
            elif (
                directive.name.value == GraphQLIncludeDirective.name
                and not (get_argument_values(GraphQLIncludeDirective, directive, request.variables)["if"])
            ):
                return False
        return True

    def _applies(
        self, fragment: InlineFragmentNode | FragmentDefinitionNode, parent: GraphQLObjectType
    ) -> bool:
        if fragment.type_condition is None:
            return True
        condition = type_from_ast(self.schema, fragment.type_condition)
        if condition is parent:
            return True
        return is_abstract_type(condition) and self.schema.is_sub_type(condition, parent)

    # --- completion ---------------------------------------------------------------------------

    def _completer(
        self,
        prepared: _Prepared,
        request: _Request,
        type_: GraphQLOutputType,
        below: Sequence[SelectionSetNode],
    ) -> Complete:
        """The completion of values of ``type_`` (selecting ``below`` on objects).

        A completion returns the value's JSON form, or an awaitable of it when a resolver below
        returned an awaitable.
        """
        if isinstance(type_, GraphQLNonNull):
            inner = self._completer(prepared, request, type_.of_type, below)

            def non_null(request: _Request, value: Any, path: Path | None) -> Any:
                if value is None:
                    _bail("null in a non-null position")
                completed = inner(request, value, path)
                if completed is None:
                    _bail("null in a non-null position")
                if _awaitable(completed):
                    return request.later(_then_non_null(completed))
                return completed

            return _needing_path(non_null, _needs_path(inner))
        if value_complete := _leaf(type_):
            return value_complete
        if isinstance(type_, GraphQLList):
            item = self._completer(prepared, request, type_.of_type, below)
            of = type_.of_type.of_type if isinstance(type_.of_type, GraphQLNonNull) else type_.of_type
            # a list of plain scalars (strings, numbers) is serialized at once, without paths
            serialize = of.serialize if is_leaf_type(of) else None
            item_paths = _needs_path(item)

            def listed(request: _Request, value: Any, path: Path | None) -> Any:
                if value is None:
                    return None
                if not isinstance(value, list | tuple):
                    _bail("a list of an unexpected type")
                if serialize is not None and all(type(each) in _PLAIN for each in value):
                    serialized = [serialize(each) for each in value]
                    if any(each is None or each is Undefined for each in serialized):
                        _bail("a value its scalar or enum cannot serialize")
                    return serialized
                out: list[Any] = []
                pending: list[tuple[int, Awaitable[Any]]] = []
                for index, each in enumerate(value):
                    at = Path(path, index, None) if item_paths else None
                    if _awaitable(each):
                        request.awaited.append(each)
                        pending.append((index, request.later(_complete_later(item, request, each, at))))
                        out.append(None)
                        continue
                    completed = item(request, each, at)
                    if _awaitable(completed):
                        pending.append((index, completed))
                    out.append(completed)
                return request.later(_gathered(out, pending)) if pending else out

            return _needing_path(listed, item_paths)
        if is_object_type(type_):
            return self._object(prepared, request, type_, below)
        if is_abstract_type(type_):
            return self._abstract(prepared, request, type_, below)
        _bail(f"an output type the lean executor does not know: {type_}")

    def _object(
        self,
        prepared: _Prepared,
        request: _Request,
        type_: GraphQLObjectType,
        below: Sequence[SelectionSetNode],
    ) -> Complete:
        steps = self._steps(prepared, request, type_, below)
        is_type_of, name = type_.is_type_of, type_.name

        def complete(request: _Request, value: Any, path: Path | None) -> Any:
            if value is None:
                return None
            if is_type_of is not None and not is_type_of(value, NO_INFO):
                _bail(f"a value that is not a {name}")
            return _run(request, steps, value, path, name)

        return _needing_path(complete, any(step.paths for step in steps))

    def _abstract(
        self,
        prepared: _Prepared,
        request: _Request,
        type_: GraphQLAbstractType,
        below: Sequence[SelectionSetNode],
    ) -> Complete:
        resolve_type = type_.resolve_type
        if resolve_type is None or not getattr(resolve_type, "info_free", False):
            _bail(f"{type_.name} resolves its types with a resolve-info object")
        by_name: dict[str, tuple[GraphQLObjectType, list[_Step]]] = {}
        # Plans are made for every possible type now: a plan is shared by all requests, so it
        # must not depend on the data one of them meets.
        for possible in self.schema.get_possible_types(type_):
            by_name[possible.name] = (possible, self._steps(prepared, request, possible, below))

        def complete(request: _Request, value: Any, path: Path | None) -> Any:
            if value is None:
                return None
            found = by_name.get(resolve_type(value, NO_INFO, type_))  # type: ignore[arg-type]
            if found is None:
                _bail(f"a value of no type of {type_.name}")
            runtime, steps = found
            is_type_of = runtime.is_type_of
            if is_type_of is not None and not is_type_of(value, NO_INFO):
                _bail(f"a value that is not a {runtime.name}")
            return _run(request, steps, value, path, runtime.name)

        return _needing_path(complete, any(step.paths for _, steps in by_name.values() for step in steps))


def _run(  # noqa: PLR0912 - the hot loop, kept in one frame
    request: _Request, steps: list[_Step], source: Any, path: Path | None, type_name: str
) -> Any:
    """The response object of ``source`` for ``steps``, or an awaitable of it.

    As in graphql-core, the fields whose resolvers return awaitables are awaited together once
    every field of the object has been resolved, so sibling loads share a DataLoader batch.
    """
    out: dict[str, Any] = {}
    pending: list[tuple[str, Awaitable[Any]]] | None = None
    for step in steps:
        key, resolve = step.key, step.resolve
        if resolve is None:
            out[key] = type_name
            continue
        compute = step.compute
        if compute is not None:
            value = compute(source)
            leaf = step.leaf
            if leaf is not None:  # the common case, without a path or an awaitable check
                kind = type(value)
                if kind is leaf[2]:  # a str for a String or an ID, a bool for a Boolean
                    out[key] = value
                    continue
                if kind in _PLAIN:
                    serialized = leaf[0](value)
                    if serialized is None or serialized is Undefined:
                        _bail("a value its scalar or enum cannot serialize")
                    out[key] = serialized
                    continue
                if value is None:
                    if leaf[1]:
                        _bail("null in a non-null position")
                    out[key] = None
                    continue
            at = Path(path, key, type_name) if step.paths else None
        elif step.basic:
            at = Path(path, key, type_name) if step.paths else None
            value = resolve(source, None)
        else:
            at = Path(path, key, type_name)
            value = _resolve(request, step, source, at)
        if type(value) not in _SYNC and _awaitable(value):
            request.awaited.append(value)
            completed: Any = request.later(_complete_later(step.complete, request, value, at))
        else:
            completed = step.complete(request, value, at)
            if type(completed) in _SYNC or not _awaitable(completed):
                out[key] = completed
                continue
        if pending is None:
            pending = []
        pending.append((key, completed))
        out[key] = None  # keeps the field's place in the response
    return out if pending is None else request.later(_gathered(out, pending))


def _resolve(request: _Request, step: _Step, source: Any, at: Path) -> Any:
    """A field's value from a resolver that takes a resolve-info object and arguments."""
    arguments = step.arguments
    if arguments is None:
        arguments = get_argument_values(step.definition, step.nodes[0], request.variables)  # type: ignore[arg-type]
    prepared = request.prepared
    info = ResolveInfo(  # type: ignore[call-arg]
        *step.head,
        at,
        request.executor.schema,
        prepared.fragments,
        request.root_value,
        prepared.operation,
        request.coerced,
        request.context,
        optimized_is_awaitable,
        None,
        None,
        None,
    )
    if step.direct is None:
        return step.resolve(source, info, **arguments)  # type: ignore[misc]
    return _call_direct(request, step.direct, source, info, arguments)


def _call_direct(
    request: _Request, direct: _Direct, source: Any, raw: Any, arguments: Mapping[str, Any]
) -> Any:
    """What strawberry's resolver wrapper would return (see _Direct)."""
    schema = request.executor.strawberry_schema
    assert schema is not None
    field = direct.field
    info = schema.config.info_class(_raw_info=raw, _field=field)
    if direct.converted is not None:
        kwargs = dict(direct.converted)
    else:
        kwargs = convert_arguments(
            dict(arguments),
            field.arguments,
            scalar_registry=schema.schema_converter.scalar_registry,
            config=schema.config,
            info=info,
        )
    for name in direct.source_parameters:
        kwargs[name] = source
    if direct.info_parameter is not None:
        kwargs[direct.info_parameter] = info
    return field.get_result(source, info=info, args=[source] if direct.self_argument else [], kwargs=kwargs)


#: Built-in scalars, each with the Python type whose values its serializer gives back unchanged.
_SELF_SERIALIZED = ((GraphQLString, str), (GraphQLID, str), (GraphQLBoolean, bool))


def _self_serialized(type_: Any) -> type | None:
    """The Python type that is its own JSON form in a field of ``type_`` (None: serialize all)."""
    return next((python for scalar, python in _SELF_SERIALIZED if type_ is scalar), None)


#: Values that are never awaitable, serialized at once by leaf fields.
_PLAIN = frozenset({str, int, float, bool})


#: Types whose instances are never awaitable (worked out once per type: ``await`` looks at the type).
_SYNC: set[type] = set()


def _awaitable(value: Any) -> bool:
    kind = type(value)
    if kind in _SYNC:
        return False
    if optimized_is_awaitable(value):
        return True
    if not (hasattr(kind, "__await__") or issubclass(kind, CoroutineType | GeneratorType)):
        _SYNC.add(kind)
    return False


async def _complete_later(
    complete: Complete, request: _Request, value: Awaitable[Any], path: Path | None
) -> Any:
    completed = complete(request, await value, path)
    return (await completed) if _awaitable(completed) else completed


async def _then_non_null(completed: Awaitable[Any]) -> Any:
    value = await completed
    if value is None:
        _bail("null in a non-null position")
    return value


async def _gathered(out: Any, pending: Sequence[tuple[Any, Awaitable[Any]]]) -> Any:
    """``out`` (a dict or a list) with the values of ``pending`` (key or index -> awaitable) in place."""
    values = await asyncio.gather(*(awaitable for _, awaitable in pending))
    for (at, _), value in zip(pending, values, strict=True):
        out[at] = value
    return out


def _typename(request: _Request, value: Any, path: Path | None) -> Any:  # pragma: no cover - never called
    return value


def _needing_path(complete: Complete, needed: bool) -> Complete:
    """``complete``, marked with whether it or a completion below it reads the response path."""
    complete.needs_path = needed  # type: ignore[attr-defined]
    return complete


def _needs_path(complete: Complete) -> bool:
    """Whether ``complete`` reads the response path (leaves do not; unmarked ones may)."""
    return bool(getattr(complete, "needs_path", True))


def _leaf(type_: GraphQLOutputType) -> Complete | None:
    if not is_leaf_type(type_):
        return None
    serialize = type_.serialize

    def leaf(request: _Request, value: Any, path: Path | None) -> Any:
        if value is None:
            return None
        serialized = serialize(value)
        if serialized is None or serialized is Undefined:
            _bail("a value its scalar or enum cannot serialize")
        return serialized

    return _needing_path(leaf, False)


def _has_variables(node: FieldNode) -> bool:
    found = False

    class Finder(Visitor):
        def enter_variable(self, *_: Any) -> None:
            nonlocal found
            found = True

    for argument in node.arguments or ():
        visit(argument, Finder())
    return found


def _directive_variables(document: DocumentNode) -> tuple[str, ...] | None:
    """The variables ``@skip``/``@include`` read; None if another directive is used."""
    names: dict[str, None] = {}
    other = False

    class Finder(Visitor):
        def enter_directive(self, node: Any, *_: Any) -> None:
            nonlocal other
            if node.name.value not in (GraphQLSkipDirective.name, GraphQLIncludeDirective.name):
                other = True
            for argument in node.arguments or ():
                if isinstance(argument.value, VariableNode):
                    names[argument.value.name.value] = None

    visit(document, Finder())
    return None if other else tuple(names)
