"""Lists as Relay cursor connections: pages of nodes with their cursors and the list's length."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

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


def decode_cursor(cursor: str, argument: str) -> int:
    """The offset a cursor of this API stands for; anything else is BAD_USER_INPUT naming ``argument``."""
    try:
        prefix, number = base64.b64decode(cursor.encode("ascii"), validate=True).decode().split(":")
        offset = int(number)
        if prefix != "cursor" or offset < 0 or not number.isdigit():
            raise ValueError(cursor)
    except (ValueError, UnicodeError):
        raise BadUserInputError(f"{cursor!r} is not a cursor from this API", argument=argument) from None
    return offset


@dataclass(frozen=True)
class Window:
    """What a list's Relay arguments ask for, before the list's length is known.

    The slice follows the Relay specification: the items after ``after`` and before ``before``,
    then the first ``first`` of them, then the last ``last`` of those.

    >>> Window(first=2).bounds(10)
    (0, 2)
    >>> Window(last=3).bounds(10)
    (7, 3)
    >>> Window(last=3, before=5).bounds(10)
    (2, 3)
    >>> Window(first=50, after=8).bounds(10)
    (9, 1)
    """

    first: int | None = None
    last: int | None = None
    #: Offsets of the items the ``after`` and ``before`` cursors point at.
    after: int | None = None
    before: int | None = None

    def bounds(self, total: int) -> tuple[int, int]:
        """``(offset, limit)`` of the page in a list of ``total`` items."""
        start = 0 if self.after is None else min(self.after + 1, total)
        end = total if self.before is None else max(min(self.before, total), start)
        if self.first is not None:
            end = min(end, start + self.first)
        if self.last is not None:
            start = max(start, end - self.last)
        return start, end - start

    @property
    def largest(self) -> int:
        """The most items a page can hold: what the query cost estimate counts."""
        return min(n for n in (self.first, self.last, MAX_PAGE) if n is not None)


def page_window(
    first: int | None, after: str | None, last: int | None = None, before: str | None = None
) -> Window:
    """The window of Relay arguments; bad values are BAD_USER_INPUT.

    With neither ``first`` nor ``last``, a page is the first 50 items.
    """
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE:
            raise BadUserInputError(
                f"{name} must be between 0 and {MAX_PAGE}, got {size}", maxPageSize=MAX_PAGE
            )
    if first is None and last is None:
        first = DEFAULT_PAGE
    return Window(
        first=first,
        last=last,
        after=None if after is None else decode_cursor(after, "after"),
        before=None if before is None else decode_cursor(before, "before"),
    )


def page_of(items: Sequence[T], window: Window) -> tuple[Sequence[T], int]:
    """The items of ``window`` in the whole list ``items``, and the offset of the first."""
    offset, limit = window.bounds(len(items))
    return items[offset : offset + limit], offset


def make_connection(page: Sequence[T], total: int, offset: int) -> Connection[T]:
    """A connection over one ``page`` that starts at ``offset``, in a list of ``total`` items."""
    return Connection(items=list(page), offset=offset, total=total)


FirstArg = Annotated[
    int | None,
    strawberry.argument(
        description="Page size from the start: 50 when neither first nor last is given, 500 at most."
    ),
]
AfterArg = Annotated[
    str | None, strawberry.argument(description="Return the items after this cursor (pageInfo.endCursor).")
]
LastArg = Annotated[
    int | None, strawberry.argument(description="Page size from the end (backward paging), 500 at most.")
]
BeforeArg = Annotated[
    str | None,
    strawberry.argument(description="Return the items before this cursor (pageInfo.startCursor)."),
]
