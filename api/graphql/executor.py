"""A lean executor for read-only GraphQL queries, with graphql-core as its reference and fallback.

graphql-core executes a query generically: for every field of every object it looks the field up,
builds a resolve-info object, checks for awaitables and walks the return type to complete the
value. Most of that work
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
once per query (see Direct), and anything else through its ``resolve`` function, with a
resolve-info object of the shape strawberry builds. The results are compared with graphql-core's
for the test corpus and the benchmark queries (tests/test_executor.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLSchema,
    GraphQLSkipDirective,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.language import VariableNode, Visitor, visit
from graphql.validation import ASTValidationRule
from strawberry.schema import Schema as StrawberrySchema
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType as AllowedOperation

from api.graphql.executor_plan import Planner
from api.graphql.executor_steps import (
    Prepared,
    Request,
    awaitable,
    resolve_info_known,
    run,
)
from api.graphql.resolver_hints import new_memo

__all__ = ["LeanExecutor"]


class LeanExecutor(Planner):
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
        self._prepared: OrderedDict[tuple[str, str | None], Prepared | None] = OrderedDict()
        self._lock = threading.Lock()
        #: Requests answered here and given back, for tests and diagnostics.
        self.answered = 0
        self.given_back = 0

    @staticmethod
    def available() -> bool:
        """Whether the installed strawberry builds resolve-info objects as this executor does."""
        return resolve_info_known()

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
        request = Request(self, prepared, context_value, root_value, variables, coerced)
        try:
            steps = self._plan(prepared, request)
            data = run(request, steps, root_value, None, self.schema.query_type.name)  # type: ignore[union-attr]
            if awaitable(data):
                data = await data
        except Exception:
            await request.settle()
            prepared.given_back += 1
            self.given_back += 1
            return None
        prepared.answered += 1
        self.answered += 1
        return ExecutionResult(data=data, errors=None, extensions={})

    def _variables(self, prepared: Prepared, given: dict[str, Any]) -> VariableValues | None:
        """The operation's variables coerced to their types; None if they do not (graphql-core tells)."""
        definitions = prepared.operation.variable_definitions or ()
        try:
            found = get_variable_values(self.schema, definitions, given)
        except IndexError:  # graphql-core's suggestions fail on some names (see api.graphql.schema)
            return None
        return found if isinstance(found, VariableValues) else None

    # --- preparing a query --------------------------------------------------------------------

    def prepare(self, query: str, operation_name: str | None) -> Prepared | None:
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

    def _prepare(self, query: str, operation_name: str | None) -> Prepared | None:
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
        return Prepared(document, operation, fragments, used, new_memo(operation))


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
