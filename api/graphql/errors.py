"""GraphQL errors a person understands, each with a machine-readable ``extensions.code``."""

from graphql import GraphQLError


class ApiError(GraphQLError):
    """A GraphQL error with a code: BAD_USER_INPUT, TIMEOUT, QUERY_TOO_COMPLEX, ..."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class BadUserInputError(ApiError):
    """An argument is malformed or out of range."""

    code = "BAD_USER_INPUT"


class QueryTimeoutError(ApiError):
    """The request ran past its time budget."""

    code = "TIMEOUT"


class UnauthenticatedError(ApiError):
    """A write without a valid bearer token."""

    code = "UNAUTHENTICATED"


class ValidationFailedApiError(ApiError):
    """A write whose result would break the shapes; nothing was written."""

    code = "VALIDATION_FAILED"
