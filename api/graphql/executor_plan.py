"""Planning a query for the lean executor: its fields collected into steps, once per query text.

:class:`Planner` does graphql-core's field collection (fragments, ``@skip``/``@include``) and
chooses each field's resolver call and completion (non-null, list, leaf, object, interface);
api.graphql.executor_steps runs the result.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    Undefined,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
    type_from_ast,
)
from graphql.execution.values import get_argument_values
from graphql.language import Visitor, visit
from graphql.pyutils import Path
from strawberry.schema import Schema as StrawberrySchema
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from api.graphql.executor_steps import (
    NO_INFO,
    PLAIN,
    Complete,
    Direct,
    GiveBackError,
    Prepared,
    Request,
    Step,
    awaitable,
    bail,
    complete_later,
    gathered,
    leaf_completion,
    needing_path,
    needs_path,
    run,
    self_serialized,
    then_non_null,
    typename,
)


class Planner:
    """Makes the plans of one schema's queries (see the module's docstring)."""

    schema: GraphQLSchema
    #: The strawberry schema, whose resolvers are then called directly where safe.
    strawberry_schema: StrawberrySchema | None

    def _plan(self, prepared: Prepared, request: Request) -> list[Step]:
        key = tuple(request.coerced.get(name) for name in prepared.directive_variables)
        if key not in prepared.plans:
            root = self.schema.query_type
            assert root is not None
            try:
                prepared.plans[key] = self._steps(prepared, request, root, [prepared.operation.selection_set])
            except GiveBackError:
                prepared.plans[key] = None
        steps = prepared.plans[key]
        if steps is None:
            bail("the query cannot be planned")
        return steps

    def _steps(
        self,
        prepared: Prepared,
        request: Request,
        parent: GraphQLObjectType,
        selection_sets: Sequence[SelectionSetNode],
    ) -> list[Step]:
        """The steps for the fields that ``selection_sets`` select on an object of type ``parent``."""
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(prepared, request, parent, selection_set, grouped, visited)
        steps = []
        for key, nodes in grouped.items():
            name = nodes[0].name.value
            if name == "__typename":
                steps.append(Step(key, None, True, None, None, tuple(nodes), (), typename, paths=False))
                continue
            if name.startswith("__"):
                bail(f"introspection field {name}")
            definition = parent.fields[name]
            resolve = definition.resolve
            if resolve is None:
                bail(f"{parent.name}.{name} has no resolver")
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
                (leaf_type.serialize, leaf_type is not definition.type, self_serialized(leaf_type))
                if is_leaf_type(leaf_type)
                else None
            )
            steps.append(
                Step(
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
                    paths=not basic or needs_path(complete),
                )
            )
        return steps

    def _direct(self, definition: GraphQLField, arguments: Mapping[str, Any] | None) -> Direct | None:
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
        return Direct(field, converted, resolver.self_parameter is not None, sources, info_name)

    def _collect(  # noqa: PLR0917
        self,
        prepared: Prepared,
        request: Request,
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

    def _included(self, node: Any, request: Request) -> bool:
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
        prepared: Prepared,
        request: Request,
        type_: GraphQLOutputType,
        below: Sequence[SelectionSetNode],
    ) -> Complete:
        """The completion of values of ``type_`` (selecting ``below`` on objects).

        A completion returns the value's JSON form, or an awaitable of it when a resolver below
        returned an awaitable.
        """
        if isinstance(type_, GraphQLNonNull):
            inner = self._completer(prepared, request, type_.of_type, below)

            def non_null(request: Request, value: Any, path: Path | None) -> Any:
                if value is None:
                    bail("null in a non-null position")
                completed = inner(request, value, path)
                if completed is None:
                    bail("null in a non-null position")
                if awaitable(completed):
                    return request.later(then_non_null(completed))
                return completed

            return needing_path(non_null, needs_path(inner))
        if value_complete := leaf_completion(type_):
            return value_complete
        if isinstance(type_, GraphQLList):
            item = self._completer(prepared, request, type_.of_type, below)
            of = type_.of_type.of_type if isinstance(type_.of_type, GraphQLNonNull) else type_.of_type
            # a list of plain scalars (strings, numbers) is serialized at once, without paths
            serialize = of.serialize if is_leaf_type(of) else None
            item_paths = needs_path(item)

            def listed(request: Request, value: Any, path: Path | None) -> Any:
                if value is None:
                    return None
                if not isinstance(value, list | tuple):
                    bail("a list of an unexpected type")
                if serialize is not None and all(type(each) in PLAIN for each in value):
                    serialized = [serialize(each) for each in value]
                    if any(each is None or each is Undefined for each in serialized):
                        bail("a value its scalar or enum cannot serialize")
                    return serialized
                out: list[Any] = []
                pending: list[tuple[int, Awaitable[Any]]] = []
                for index, each in enumerate(value):
                    at = Path(path, index, None) if item_paths else None
                    if awaitable(each):
                        request.awaited.append(each)
                        pending.append((index, request.later(complete_later(item, request, each, at))))
                        out.append(None)
                        continue
                    completed = item(request, each, at)
                    if awaitable(completed):
                        pending.append((index, completed))
                    out.append(completed)
                return request.later(gathered(out, pending)) if pending else out

            return needing_path(listed, item_paths)
        if is_object_type(type_):
            return self._object(prepared, request, type_, below)
        if is_abstract_type(type_):
            return self._abstract(prepared, request, type_, below)
        raise GiveBackError(f"an output type the lean executor does not know: {type_}")

    def _object(
        self,
        prepared: Prepared,
        request: Request,
        type_: GraphQLObjectType,
        below: Sequence[SelectionSetNode],
    ) -> Complete:
        steps = self._steps(prepared, request, type_, below)
        is_type_of, name = type_.is_type_of, type_.name

        def complete(request: Request, value: Any, path: Path | None) -> Any:
            if value is None:
                return None
            if is_type_of is not None and not is_type_of(value, NO_INFO):
                bail(f"a value that is not a {name}")
            return run(request, steps, value, path, name)

        return needing_path(complete, any(step.paths for step in steps))

    def _abstract(
        self,
        prepared: Prepared,
        request: Request,
        type_: GraphQLAbstractType,
        below: Sequence[SelectionSetNode],
    ) -> Complete:
        resolve_type = type_.resolve_type
        if resolve_type is None or not getattr(resolve_type, "info_free", False):
            bail(f"{type_.name} resolves its types with a resolve-info object")
        by_name: dict[str, tuple[GraphQLObjectType, list[Step]]] = {}
        # Plans are made for every possible type now: a plan is shared by all requests, so it
        # must not depend on the data one of them meets.
        for possible in self.schema.get_possible_types(type_):
            by_name[possible.name] = (possible, self._steps(prepared, request, possible, below))

        def complete(request: Request, value: Any, path: Path | None) -> Any:
            if value is None:
                return None
            found = by_name.get(resolve_type(value, NO_INFO, type_))  # type: ignore[arg-type]
            if found is None:
                bail(f"a value of no type of {type_.name}")
            runtime, steps = found
            is_type_of = runtime.is_type_of
            if is_type_of is not None and not is_type_of(value, NO_INFO):
                bail(f"a value that is not a {runtime.name}")
            return run(request, steps, value, path, runtime.name)

        return needing_path(complete, any(step.paths for _, steps in by_name.values() for step in steps))


def _has_variables(node: FieldNode) -> bool:
    found = False

    class Finder(Visitor):
        def enter_variable(self, *_: Any) -> None:
            nonlocal found
            found = True

    for argument in node.arguments or ():
        visit(argument, Finder())
    return found
