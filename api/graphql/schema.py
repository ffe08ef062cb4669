"""The GraphQL schema, its limits (api.graphql.limits) and its error codes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError, specified_rules
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from api.graphql.context import Context
from api.graphql.errors import ApiError
from api.graphql.executor import LeanExecutor
from api.graphql.limits import DocumentLimits, measure, parse_document
from api.graphql.mutations import Mutation
from api.graphql.nodes import NODE_TYPES
from api.graphql.query import Query
from graph.remote import UNAVAILABLE, StoreUnavailableError

logger = logging.getLogger(__name__)
DEFAULT_LIMITS = DocumentLimits.from_settings()


class ErrorCodes(SchemaExtension):
    """Give every error an ``extensions.code``; hide internal errors' details from clients.

    Our own errors carry their code; a document that does not parse is GRAPHQL_PARSE_FAILED,
    one that does not validate GRAPHQL_VALIDATION_FAILED; variable values that do not fit their
    types are BAD_USER_INPUT with graphql-core's message; an unavailable store is
    STORE_UNAVAILABLE, told without where or why (that goes to the log); anything unexpected is
    INTERNAL_SERVER_ERROR with a generic message, never a stack trace.
    """

    def on_operation(self) -> Iterator[None]:
        """Rewrite the operation's errors once it has run."""
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [_coded(error) for error in errors]


def _coded(error: GraphQLError) -> GraphQLError:
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    if isinstance(original, StoreUnavailableError):
        logger.warning("GraphQL: %s", original)
        return GraphQLError(
            UNAVAILABLE,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            original,
            extensions={"code": "STORE_UNAVAILABLE"},
        )
    if isinstance(original, ApiError):
        return GraphQLError(
            error.message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            original,
            extensions=original.extensions,
        )
    if original is None:
        code = (
            "GRAPHQL_PARSE_FAILED" if isinstance(error, GraphQLSyntaxError) else "GRAPHQL_VALIDATION_FAILED"
        )
        return GraphQLError(
            error.message, error.nodes, error.source, error.positions, error.path, extensions={"code": code}
        )
    if _bad_variables(error):
        return GraphQLError(
            error.message,
            error.nodes,
            error.source,
            error.positions,
            extensions={"code": "BAD_USER_INPUT"},
        )
    return GraphQLError(
        "Internal error: the request could not be answered.",
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR"},
    )


def _bad_variables(error: GraphQLError) -> bool:
    """Whether an error was raised while the variables were coerced to their types (no field ran)."""
    return error.path is None and isinstance(error.original_error, GraphQLError | ValueError | TypeError)


class _Execution(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, whose variables are coerced without suggestions if need be.

    graphql-core's "did you mean" (``suggestion_list``) raises IndexError for a name that changes
    length in lower case (an unknown input field ``"x\u0130"``, say); the values are then coerced
    again without suggestions, so the client gets graphql-core's message, not an internal error.
    """

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().build(*args, **kwargs)
        except IndexError:
            return super().build(*args, **{**kwargs, "hide_suggestions": True})


class EvidenceSchema(strawberry.Schema):
    """The schema: queries run on the lean executor where it can; only unexpected errors are logged.

    :attr:`lean` (None: off) answers the queries it can plan (api/graphql/executor.py) and gives
    the rest, and every request that meets an error, to strawberry and graphql-core, so errors,
    their codes and the extensions below stay theirs.
    """

    lean: LeanExecutor | None = None

    async def execute(  # noqa: PLR0917
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Run a request: on the lean executor if it answers, else the standard way.

        The document is first checked against the limits of the :class:`Context` given (none
        when it has none), or the defaults for any other context. The context's notices become
        the answer's ``extensions.notices``. A :class:`Context` given is closed once the answer
        is made (see :meth:`Context.close`).
        """
        try:
            limits = context_value.limits if isinstance(context_value, Context) else DEFAULT_LIMITS
            if isinstance(query, str) and limits is not None:
                try:
                    document = parse_document(query, limits)
                    measure(self._schema, document, operation_name, variable_values, limits)
                except ApiError as error:
                    return ExecutionResult(data=None, errors=[error])
            result = None
            if self.lean is not None and operation_extensions is None:
                allowed = None if allowed_operation_types is None else frozenset(allowed_operation_types)
                result = await self.lean.execute(
                    query, variable_values, context_value, root_value, operation_name, allowed
                )
            if result is None:
                result = await super().execute(
                    query,
                    variable_values,
                    context_value,
                    root_value,
                    operation_name,
                    allowed_operation_types,
                    operation_extensions,
                )
            if isinstance(context_value, Context) and context_value.notices:
                # a field run twice (given back by the lean executor) tells it once
                notices = list({repr(n): n for n in context_value.notices}.values())
                result.extensions = {**(result.extensions or {}), "notices": notices}
            return result
        finally:
            if isinstance(context_value, Context):
                context_value.close()

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log the errors that are not ours on purpose (ApiError) nor GraphQL validation errors."""
        unexpected = [
            e
            for e in errors
            if e.original_error is not None
            and not isinstance(e.original_error, ApiError | StoreUnavailableError)
            and not _bad_variables(e)
        ]
        super().process_errors(unexpected, execution_context)


#: The schema's own extensions; with any other, the lean executor steps aside (see make_schema).
OWN_EXTENSIONS: tuple[Callable[[], SchemaExtension] | type[SchemaExtension], ...] = (
    lambda: ParserCache(maxsize=256),
    lambda: ValidationCache(maxsize=256),
    ErrorCodes,
)


def make_schema(
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
) -> EvidenceSchema:
    """The schema, with ``extensions`` (strawberry schema extensions) after its own.

    The lean executor answers queries without running strawberry's extension hooks, so it runs
    only when no extension is added: with any, every request goes through strawberry, and each
    extension sees every operation.
    """
    built = EvidenceSchema(
        query=Query,
        mutation=Mutation,
        types=NODE_TYPES,
        execution_context_class=_Execution,
        extensions=[*OWN_EXTENSIONS, *extensions],
    )
    if not extensions and LeanExecutor.available():
        built.lean = LeanExecutor(built._schema, tuple(specified_rules), strawberry_schema=built)
    return built


schema = make_schema()
