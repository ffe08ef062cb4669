"""The per-request GraphQL context: the store, DataLoaders made for this request, a deadline.

Loaders live exactly one request: a module-level loader would cache across requests and users.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from api.graphql.errors import QueryTimeoutError
from graph.entity import Entity, describe, referrers
from graph.store import Store


class Context(BaseContext):
    """What resolvers share within one request."""

    def __init__(self, store: Store, timeout: float, author: str | None = None, refusal: str = "") -> None:
        super().__init__()
        self.store = store
        self.timeout = timeout
        #: The authenticated author (from the bearer token), None for anonymous readers.
        self.author = author
        #: What to tell an anonymous client that tries to write.
        self.refusal = refusal
        self.deadline = time.monotonic() + timeout
        self.entities: DataLoader[str, Entity | None] = DataLoader(load_fn=self._load_entities)
        self._referrers: dict[tuple[str, str | tuple[str, ...] | None], DataLoader[str, list[str]]] = {}

    def check_deadline(self) -> None:
        """Stop the request with a TIMEOUT error once its time budget is spent."""
        if time.monotonic() > self.deadline:
            raise QueryTimeoutError(f"the request took longer than its {self.timeout:g} s limit")

    async def _load_entities(self, iris: list[str]) -> Sequence[Entity | None]:
        self.check_deadline()
        found = describe(self.store, iris)
        return [found.get(i) for i in iris]

    def forget(self) -> None:
        """Drop everything the loaders cached: called after a write in this request."""
        self.entities.clear_all()
        self._referrers.clear()

    def referrers(
        self, predicate: str, kind: str | tuple[str, ...] | None = None
    ) -> DataLoader[str, list[str]]:
        """A loader: IRI -> subjects pointing at it through ``predicate`` (optionally of ``kind``)."""
        key = (predicate, kind)
        if key not in self._referrers:

            async def load(iris: list[str]) -> Sequence[list[str]]:
                self.check_deadline()
                found = referrers(self.store, predicate, iris, kind)
                return [found.get(i, []) for i in iris]

            self._referrers[key] = DataLoader(load_fn=load)
        return self._referrers[key]


Info = StrawberryInfo[Context, Any]
