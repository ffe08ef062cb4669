"""The per-request GraphQL context: the store, DataLoaders made for this request, a deadline.

Loaders and caches live exactly one request: a module-level cache would serve one request's
reads to another and outlive writes.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any, TypeAlias, TypeVar, cast

import pyoxigraph as ox
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from api.graphql.errors import QueryTimeoutError
from api.graphql.limits import DocumentLimits
from graph.entity import Entity, describe, describe_projected, referrers
from graph.propositions import Proposition as PropositionFound
from graph.propositions import propositions_of
from graph.remote import StoreUnavailableError
from graph.store import Store
from graph.vocabulary import LINK_PREDICATES, Vocabulary

#: Predicate paths (each a sequence of predicate IRIs) whose targets a load also describes.
Paths: TypeAlias = frozenset[tuple[str, ...]]
Entities: TypeAlias = list[Entity | None]
#: An inverse list: the live subjects linking through a predicate, of some classes (None: any).
ReferrersKey: TypeAlias = tuple[str, str | tuple[str, ...] | None]
T = TypeVar("T")


class Context:
    """What resolvers share within one request.

    Every node read in the request is kept in :attr:`known` (a complete description, or None for
    an IRI with no properties), and every inverse list read is kept too (:meth:`referred`), so
    a resolver whose data is already there answers at once, without awaiting a DataLoader batch.
    Data gets there by the look-ahead (:meth:`prefetch`, :meth:`read_referrers`: a connection
    reads what its selection reaches, one query per level) or by a batched load.
    """

    def __init__(
        self,
        store: Store,
        timeout: float,
        author: str | None = None,
        refusal: str = "",
        limits: DocumentLimits | None = None,
    ) -> None:
        #: The store; on a SPARQL server, one that fails at once after its first failure in this
        #: request, so a server that stopped answering costs one timeout per request, not several.
        self.store: Store = store if store.kind() == "embedded" else cast("Store", _FailFast(store))
        self.timeout = timeout
        #: What a document may ask (api.graphql.limits), checked before it is validated; None
        #: for callers in this process that need no limits (the HTTP view always sets them).
        self.limits = limits
        #: The authenticated author (from the bearer token), None for anonymous readers.
        self.author = author
        #: What to tell an anonymous client that tries to write.
        self.refusal = refusal
        self.deadline = time.monotonic() + timeout
        #: IRI -> its entity (None: nothing is said about it), for every node read in this request.
        self.known: dict[str, Entity | None] = {}
        self._loaders: dict[Paths, DataLoader[str, Entity | None]] = {}
        self._referred: dict[ReferrersKey, dict[str, list[str]]] = {}
        self._referrers: dict[ReferrersKey, DataLoader[str, list[str]]] = {}
        self._propositions: DataLoader[str, PropositionFound | None] | None = None
        self._plans: dict[Hashable, Any] = {}
        #: IRI -> the GraphQL object made for its entity (api.graphql.nodes.wrap).
        self.wrapped: dict[str, Any] = {}
        #: What the answer's ``extensions.notices`` tells the client (a filter name that named
        #: nothing, say); the answer is not an error.
        self.notices: list[dict[str, Any]] = []

    def check_deadline(self) -> None:
        """Stop the request with a TIMEOUT error once its time budget is spent."""
        if time.monotonic() > self.deadline:
            raise QueryTimeoutError(f"the request took longer than its {self.timeout:g} s limit")

    # --- nodes ------------------------------------------------------------------------------

    def prefetch(
        self,
        iris: Sequence[str],
        paths: Paths = frozenset(),
        reads: Mapping[tuple[str, ...], frozenset[str] | None] | None = None,
    ) -> None:
        """Describe ``iris`` and the nodes reached from them along ``paths``, in one query, now.

        ``reads``: the predicates to read on the nodes themselves (path ``()``) and on those
        each path reaches (None: every predicate); all are read on every node described, which
        are then partial entities (see graph.entity.Entity).
        Nodes already known with what is needed are described again only when paths lead on
        from them.
        """
        wanted = None if reads is None else reads.get(())
        todo = list(dict.fromkeys(iris))
        if not paths:
            todo = [i for i in todo if not self._covers(i, wanted)]
        if todo:
            self._describe(todo, paths, reads)

    def _covers(self, iri: str, predicates: frozenset[str] | None) -> bool:
        if iri not in self.known:
            return False
        entity = self.known[iri]
        return entity is None or entity.covers(predicates)

    def _describe(
        self,
        iris: Sequence[str],
        paths: Paths,
        reads: Mapping[tuple[str, ...], frozenset[str] | None] | None = None,
    ) -> Entities:
        self.check_deadline()
        vocabulary = self.store.index(Vocabulary)
        if vocabulary is None:
            return self.remember(iris, self._read(iris, paths, reads))
        return self.remember(iris, self._read_with(vocabulary.entities, iris, paths, reads))

    def _read(
        self,
        iris: Sequence[str],
        paths: Paths,
        reads: Mapping[tuple[str, ...], frozenset[str] | None] | None,
    ) -> dict[str, Entity]:
        """``iris`` and what ``paths`` reach from them, in one query (partial if ``reads`` says what)."""
        if not iris:
            return {}
        if reads is None:
            return describe(self.store, iris, paths)
        wanted = [reads.get(path) for path in [(), *paths]]
        if any(w is None for w in wanted):
            return describe(self.store, iris, paths)
        union = frozenset().union(*wanted)  # type: ignore[arg-type]
        return describe_projected(self.store, iris, paths, union, self._whole)

    def _read_with(
        self,
        held: Mapping[str, Entity],
        iris: Sequence[str],
        paths: Paths,
        reads: Mapping[tuple[str, ...], frozenset[str] | None] | None,
    ) -> dict[str, Entity]:
        """What :meth:`_read` reads, the vocabulary's nodes taken from ``held`` (graph.vocabulary).

        The one-step paths along a link to the vocabulary (a claim's drug, condition, grade) are
        followed here rather than in the query, which then describes the other nodes alone. A
        link to a node that is not in the vocabulary (not typed as the ontology says it should
        be) is described by a second query, so the answer is the same either way.

        A write in another thread (mutations run in a worker thread) may change ``held`` while
        this runs, so each node is looked up in it once, with ``get``: an entry seen is used, an
        entry gone is read in SPARQL.
        """
        linked = {path for path in paths if len(path) == 1 and path[0] in LINK_PREDICATES}
        others = paths - linked
        # the query describes the roots not held, and all of them if other paths lead on from them
        held_roots = {iri: entity for iri in iris if (entity := held.get(iri)) is not None}
        roots = list(iris) if others else [i for i in iris if i not in held_roots]
        root_reads = reads
        if reads is not None and linked:
            root_reads = {path: wanted for path, wanted in reads.items() if path not in linked}
            on_roots = reads.get(())
            root_reads[()] = None if on_roots is None else on_roots | {path[0] for path in linked}
        found = self._read(roots, others, root_reads)
        found.update(held_roots)
        if not linked:
            return found
        missing: dict[str, None] = {}
        for iri in iris:
            entity = found.get(iri)
            if entity is None:
                continue
            for (predicate,) in linked:
                for value in entity.properties.get(predicate, ()):
                    if type(value) is ox.NamedNode and (target := value.value) not in found:
                        if (linked_entity := held.get(target)) is not None:
                            found[target] = linked_entity
                        else:
                            missing[target] = None
        if missing:
            targets = None if reads is None else [reads.get(path) for path in linked]
            target_reads: dict[tuple[str, ...], frozenset[str] | None] | None = (
                None
                if targets is None or any(t is None for t in targets)
                else {(): frozenset().union(*targets)}  # type: ignore[arg-type]
            )
            found.update(self._read(list(missing), frozenset(), target_reads))
        return found

    def _whole(self, iri: str) -> Entity | None:
        """The complete entity of ``iri``: how a partial entity completes itself."""
        self.check_deadline()
        vocabulary = self.store.index(Vocabulary)
        if vocabulary is not None and (entity := vocabulary.entities.get(iri)) is not None:
            return entity
        return describe(self.store, [iri]).get(iri)

    def remember(self, iris: Sequence[str], found: dict[str, Entity]) -> Entities:
        """Keep what a describe of ``iris`` found (the IRIs it did not find are known as None).

        A node known in part takes in what the new description read.
        """
        known = self.known
        for iri, entity in found.items():
            if iri not in known:
                known[iri] = entity
            elif (old := known[iri]) is not None and old is not entity:
                old.merge(entity)
        for iri in iris:
            known.setdefault(iri, None)
        return [known[i] for i in iris]

    def load(self, iris: Sequence[str], paths: Paths = frozenset()) -> Entities | Awaitable[Entities]:
        """The entities of ``iris``: a list at once when all are known, else an awaitable.

        The unknown ones are loaded through a DataLoader, so the loads of sibling resolvers made
        in the same event-loop round share one query (which also describes what ``paths`` reach).
        """
        known = self.known
        missing = [i for i in iris if i not in known]
        if not missing:
            return [known[i] for i in iris]
        pending = self._loader(paths).load_many(missing)

        async def loaded() -> Entities:
            await pending
            return [known.get(i) for i in iris]

        return loaded()

    def _loader(self, paths: Paths) -> DataLoader[str, Entity | None]:
        if paths not in self._loaders:

            async def load(iris: list[str]) -> Entities:
                return self._describe(iris, paths)

            self._loaders[paths] = DataLoader(load_fn=load)
        return self._loaders[paths]

    # --- inverse lists ----------------------------------------------------------------------

    def referred(self, key: ReferrersKey, iri: str) -> list[str] | None:
        """The inverse list ``key`` of ``iri``, in IRI order, if it has been read (None if not)."""
        return self._referred.get(key, {}).get(iri)

    def read_referrers(self, key: ReferrersKey, iris: Sequence[str]) -> None:
        """Read the inverse list ``key`` of each IRI not read yet, in one query, now."""
        read = self._referred.get(key, {})
        todo = [i for i in dict.fromkeys(iris) if i not in read]
        if todo:
            self._read_referrers(key, todo)

    def _read_referrers(self, key: ReferrersKey, iris: Sequence[str]) -> list[list[str]]:
        self.check_deadline()
        found = referrers(self.store, key[0], iris, key[1])
        read = self._referred.setdefault(key, {})
        for iri in iris:
            read.setdefault(iri, found.get(iri, []))
        return [read[i] for i in iris]

    def referrers(self, key: ReferrersKey) -> DataLoader[str, list[str]]:
        """A loader for the inverse list ``key``: IRI -> the subjects linking to it, in IRI order."""
        if key not in self._referrers:

            async def load(iris: list[str]) -> list[list[str]]:
                return self._read_referrers(key, iris)

            self._referrers[key] = DataLoader(load_fn=load)
        return self._referrers[key]

    def propositions(self) -> DataLoader[str, PropositionFound | None]:
        """A loader of the propositions claims assert: sibling claims' in one batch (two queries)."""
        if self._propositions is None:

            async def load(claims: list[str]) -> list[PropositionFound | None]:
                self.check_deadline()
                found = propositions_of(self.store, claims)
                return [found.get(c) for c in claims]

            self._propositions = DataLoader(load_fn=load)
        return self._propositions

    # --- the request's lifetime -------------------------------------------------------------

    def plan(self, key: Hashable, make: Callable[[], T]) -> T:
        """The look-ahead plan of a field of the query, made once per request by ``make``."""
        if key not in self._plans:
            self._plans[key] = make()
        return self._plans[key]  # type: ignore[no-any-return]

    def forget(self) -> None:
        """Drop everything read so far: called after a write in this request."""
        self.known.clear()
        self.wrapped.clear()
        self._loaders.clear()
        self._referred.clear()
        self._referrers.clear()

    def close(self) -> None:
        """End the request: drop what it read and planned.

        Entities and GraphQL objects point back at their context (to complete themselves, to read
        further nodes), so while it holds them they form reference cycles that only CPython's
        cycle collector frees, after surviving its collections; dropped here, they are freed as
        soon as the request's answer no longer needs them.
        """
        self.forget()
        self._plans.clear()


class _FailFast:
    """A store that, once it has failed to answer (StoreUnavailableError), fails again at once."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._failure: StoreUnavailableError | None = None

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            if self._failure is not None:
                raise self._failure
            try:
                return attribute(*args, **kwargs)
            except StoreUnavailableError as error:
                self._failure = error
                raise

        return call

    def __len__(self) -> int:
        return int(self.__getattr__("__len__")())


Info = StrawberryInfo[Context, Any]
