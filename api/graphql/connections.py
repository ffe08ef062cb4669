"""Lists as Relay cursor connections: pages of nodes with their cursors and the list's length."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Generic, TypeVar

import strawberry

from api.graphql.errors import BadUserInputError
from api.graphql.fields import computed
from api.graphql.paging import DEFAULT_PAGE, MAX_PAGE

T = TypeVar("T")


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
