"""The GraphQL schema, its limits (depth, page size, time) and its error codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import strawberry
from graphql import GraphQLError, specified_rules
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from api.graphql.context import Context
from api.graphql.errors import ApiError
from api.graphql.executor import LeanExecutor
from api.graphql.mutations import Mutation
from api.graphql.nodes import NODE_TYPES
from api.graphql.query import Query
from graph.remote import StoreUnavailableError

MAX_DEPTH = 10
MAX_ALIASES = 30


class ErrorCodes(SchemaExtension):
    """Give every error an ``extensions.code``; hide internal errors' details from clients.

    Our own errors carry their code; GraphQL validation errors become GRAPHQL_VALIDATION_FAILED
    (QUERY_TOO_COMPLEX for the depth and alias limits); anything unexpected is reported as
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
        return GraphQLError(
            f"The store is unavailable: {original}",
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
        limit = "exceeds maximum operation depth" in error.message or "aliases" in error.message
        code = "QUERY_TOO_COMPLEX" if limit else "GRAPHQL_VALIDATION_FAILED"
        return GraphQLError(
            error.message, error.nodes, error.source, error.positions, error.path, extensions={"code": code}
        )
    return GraphQLError(
        "Internal error: the request could not be answered.",
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR"},
    )


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

        A :class:`Context` given is closed once the answer is made (see :meth:`Context.close`).
        """
        try:
            if self.lean is not None and operation_extensions is None:
                allowed = None if allowed_operation_types is None else frozenset(allowed_operation_types)
                result = await self.lean.execute(
                    query, variable_values, context_value, root_value, operation_name, allowed
                )
                if result is not None:
                    return result
            return await super().execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
        finally:
            if isinstance(context_value, Context):
                context_value.close()

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log the errors that are not ours on purpose (ApiError) nor GraphQL validation errors."""
        unexpected = [
            e for e in errors if e.original_error is not None and not isinstance(e.original_error, ApiError)
        ]
        super().process_errors(unexpected, execution_context)


#: The depth and alias limits as validation rules, made once: ValidationCache keys its cache on
#: the rule classes, and the limiter extensions make new classes each time they are built.
LIMITS = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]

schema = EvidenceSchema(
    query=Query,
    mutation=Mutation,
    types=NODE_TYPES,
    extensions=[
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: AddValidationRules(LIMITS),
        ErrorCodes,
    ],
)
if LeanExecutor.available():
    schema.lean = LeanExecutor(schema._schema, (*specified_rules, *LIMITS), strawberry_schema=schema)
