"""The lean executor's plans and how they run: one step per field, run in one hot loop.

A plan (api.graphql.executor_plan makes it, once per query) is a list of :class:`Step` per
selection set, each with its resolver and a completion function for its return type. :func:`run`
answers one request's object from them; anything it cannot answer exactly as graphql-core would
raises :class:`GiveBackError`, and the request goes to graphql-core.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from types import CoroutineType, GeneratorType
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLOutputType,
    GraphQLString,
    OperationDefinitionNode,
    Undefined,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_argument_values
from graphql.pyutils import Path
from strawberry.execution.is_awaitable import optimized_is_awaitable

try:  # the resolve-info shape strawberry builds (private: checked by LeanExecutor.available)
    from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo as ResolveInfo
except ImportError:  # pragma: no cover - another strawberry version: the executor stays off
    ResolveInfo = None  # type: ignore[assignment,misc]
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from api.graphql.resolver_hints import QueryMemo

if TYPE_CHECKING:
    from api.graphql.executor import LeanExecutor

#: The fields of strawberry's resolve-info, in the order _resolve passes them.
RESOLVE_INFO_FIELDS = (
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


def resolve_info_known() -> bool:
    """Whether the installed strawberry builds resolve-info objects as :func:`run` does."""
    return getattr(ResolveInfo, "_fields", ()) == RESOLVE_INFO_FIELDS


#: What type resolvers and ``is_type_of`` receive for their resolve-info: nothing
#: (see api.graphql.resolver_hints.info_free).
NO_INFO: Any = None


class GiveBackError(Exception):
    """The lean run cannot answer exactly as graphql-core would: the caller runs graphql-core."""


def bail(why: str) -> NoReturn:
    """Give the request back to graphql-core, for ``why``."""
    raise GiveBackError(why)


@dataclass
class Request:
    """One request's values, read by the steps of a plan."""

    executor: LeanExecutor
    prepared: Prepared
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
Complete: TypeAlias = Callable[[Request, Any, Path | None], Any]


@dataclass(frozen=True)
class Step:
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
    direct: Direct | None = None
    #: For a field computed from its object alone (a strawberry field with ``compute``): that.
    compute: Callable[[Any], Any] | None = None
    #: For a leaf field (a scalar or an enum): its serializer, whether it is non-null, and the
    #: Python type whose values are their own JSON form there (None: every value is serialized).
    leaf: tuple[Callable[[Any], Any], bool, type | None] | None = None
    #: Whether a resolver at or below this field reads the response path (a resolve-info object's
    #: ``path``); if none does, the field's value is completed without making paths.
    paths: bool = True


@dataclass(frozen=True)
class Direct:
    """A strawberry field's resolver called as strawberry's resolver wrapper calls it.

    Without field extensions or exception handlers the wrapper converts the arguments to
    Python values (input types become their classes), adds the source and the Info object the
    resolver asks for, and calls it. Here the conversion of arguments that hold no variables is
    done once per query (a filter input is costly to convert); resolvers get a
    new dict each time but share the converted values, which they must not change.
    """

    field: StrawberryField
    converted: Mapping[str, Any] | None
    self_argument: bool
    source_parameters: tuple[str, ...]
    info_parameter: str | None


@dataclass
class Prepared:
    """A parsed and validated query operation, with its plans (one per value of its directives)."""

    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    #: Variables that ``@skip``/``@include`` read: the plan depends on their values.
    directive_variables: tuple[str, ...]
    #: What resolvers keep for every request of this query (api.graphql.resolver_hints.query_memo).
    memo: QueryMemo
    #: Plans by the values of ``directive_variables``; None: the query cannot be planned.
    plans: dict[Hashable, list[Step] | None] = field(default_factory=dict)
    #: Runs answered, and runs given back to graphql-core.
    answered: int = 0
    given_back: int = 0


def run(  # noqa: PLR0912 - the hot loop, kept in one frame
    request: Request, steps: list[Step], source: Any, path: Path | None, type_name: str
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
                if kind in PLAIN:
                    serialized = leaf[0](value)
                    if serialized is None or serialized is Undefined:
                        bail("a value its scalar or enum cannot serialize")
                    out[key] = serialized
                    continue
                if value is None:
                    if leaf[1]:
                        bail("null in a non-null position")
                    out[key] = None
                    continue
            at = Path(path, key, type_name) if step.paths else None
        elif step.basic:
            at = Path(path, key, type_name) if step.paths else None
            value = resolve(source, None)
        else:
            at = Path(path, key, type_name)
            value = _resolve(request, step, source, at)
        if type(value) not in _SYNC and awaitable(value):
            request.awaited.append(value)
            completed: Any = request.later(complete_later(step.complete, request, value, at))
        else:
            completed = step.complete(request, value, at)
            if type(completed) in _SYNC or not awaitable(completed):
                out[key] = completed
                continue
        if pending is None:
            pending = []
        pending.append((key, completed))
        out[key] = None  # keeps the field's place in the response
    return out if pending is None else request.later(gathered(out, pending))


def _resolve(request: Request, step: Step, source: Any, at: Path) -> Any:
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
    request: Request, direct: Direct, source: Any, raw: Any, arguments: Mapping[str, Any]
) -> Any:
    """What strawberry's resolver wrapper would return (see Direct)."""
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


def self_serialized(type_: Any) -> type | None:
    """The Python type that is its own JSON form in a field of ``type_`` (None: serialize all)."""
    return next((python for scalar, python in _SELF_SERIALIZED if type_ is scalar), None)


#: Values that are never awaitable, serialized at once by leaf fields.
PLAIN = frozenset({str, int, float, bool})


#: Types whose instances are never awaitable (worked out once per type: ``await`` looks at the type).
_SYNC: set[type] = set()


def awaitable(value: Any) -> bool:
    """Whether ``value`` is awaitable (types found not to be are remembered)."""
    kind = type(value)
    if kind in _SYNC:
        return False
    if optimized_is_awaitable(value):
        return True
    if not (hasattr(kind, "__await__") or issubclass(kind, CoroutineType | GeneratorType)):
        _SYNC.add(kind)
    return False


async def complete_later(
    complete: Complete, request: Request, value: Awaitable[Any], path: Path | None
) -> Any:
    """The completion of an awaited value."""
    completed = complete(request, await value, path)
    return (await completed) if awaitable(completed) else completed


async def then_non_null(completed: Awaitable[Any]) -> Any:
    """An awaited completion that must not be null."""
    value = await completed
    if value is None:
        bail("null in a non-null position")
    return value


async def gathered(out: Any, pending: Sequence[tuple[Any, Awaitable[Any]]]) -> Any:
    """``out`` (a dict or a list) with the values of ``pending`` (key or index -> awaitable) in place."""
    values = await asyncio.gather(*(awaitable for _, awaitable in pending))
    for (at, _), value in zip(pending, values, strict=True):
        out[at] = value
    return out


def typename(request: Request, value: Any, path: Path | None) -> Any:  # pragma: no cover - never called
    """``__typename``: answered by ``run`` itself."""
    return value


def needing_path(complete: Complete, needed: bool) -> Complete:
    """``complete``, marked with whether it or a completion below it reads the response path."""
    complete.needs_path = needed  # type: ignore[attr-defined]
    return complete


def needs_path(complete: Complete) -> bool:
    """Whether ``complete`` reads the response path (leaves do not; unmarked ones may)."""
    return bool(getattr(complete, "needs_path", True))


def leaf_completion(type_: GraphQLOutputType) -> Complete | None:
    """The completion of a scalar or enum type (None for other types)."""
    if not is_leaf_type(type_):
        return None
    serialize = type_.serialize

    def leaf(request: Request, value: Any, path: Path | None) -> Any:
        if value is None:
            return None
        serialized = serialize(value)
        if serialized is None or serialized is Undefined:
            bail("a value its scalar or enum cannot serialize")
        return serialized

    return needing_path(leaf, False)
