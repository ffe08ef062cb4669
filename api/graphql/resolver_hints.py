"""What resolvers tell the lean executor (:func:`info_free`) and get from it (:func:`query_memo`).

The GraphQL types import this module, never the executor itself (api.graphql.executor), which
only the schema module imports: without the executor both still work as they say.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from graphql import OperationDefinitionNode

F = TypeVar("F", bound=Callable[..., Any])


def info_free(function: F) -> F:
    """Mark a type resolver (``resolve_type``) that does not read its resolve-info argument.

    The lean executor calls such resolvers with None; interfaces resolved otherwise are left to
    graphql-core.
    """
    function.info_free = True  # type: ignore[attr-defined]
    return function


class QueryMemo(dict[Hashable, Any]):
    """What resolvers keep for every request of one query, as long as its plans are kept."""

    def __init__(self, operation: OperationDefinitionNode) -> None:
        super().__init__()
        self.operation = operation


#: Memos by the id of their operation node, while the executor keeps them.
_MEMOS: weakref.WeakValueDictionary[int, QueryMemo] = weakref.WeakValueDictionary()


def new_memo(operation: OperationDefinitionNode) -> QueryMemo:
    """The memo of a query the executor has just prepared (it holds the memo while it keeps the query)."""
    memo = _MEMOS[id(operation)] = QueryMemo(operation)
    return memo


def query_memo(operation: OperationDefinitionNode) -> dict[Hashable, Any] | None:
    """A dict shared by every request of the query whose operation node is ``operation``.

    For what resolvers work out from the query alone (a look-ahead plan): it lives as long as
    the lean executor keeps the query's plans. None for an operation it did not prepare (the
    standard executor parses its own documents): such resolvers keep it per request instead.
    """
    memo = _MEMOS.get(id(operation))
    return memo if memo is not None and memo.operation is operation else None
