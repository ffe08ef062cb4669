"""The evidence store: embedded Oxigraph, in memory by default or on disk given a path.

Queries see the union of all named graphs as their default graph, so a claim is found whichever
source loaded it; ``GRAPH ?g { ... }`` still tells sources apart.

>>> store = EvidenceStore()
>>> store.add_quads([ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"),
...                          ox.Literal("c"), ox.NamedNode("http://example.org/g"))])
>>> [row["o"].value for row in store.select("SELECT ?o WHERE { ?s ?p ?o }")]
['c']
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol, Self, TypeVar

import pyoxigraph as ox

from graph.namespaces import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
IndexT = TypeVar("IndexT", bound="Index")
GraphName = ox.NamedNode | ox.BlankNode
Row = dict[str, Term]

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind(sparql: str, bindings: Mapping[str, Term | None]) -> str:
    """Bind variables by a VALUES block at the start of the WHERE clause.

    Values are serialized by pyoxigraph (quotes, newlines and braces escaped), never pasted, so
    a user string cannot change the query. ``None`` leaves a variable unbound (``UNDEF``). This
    works on every SPARQL 1.1 endpoint, unlike engine-specific substitution APIs.

    >>> bind("SELECT ?s WHERE { ?s ?p ?o }", {"o": ox.Literal('} UNION {')})
    'SELECT ?s WHERE { VALUES (?o) { ("} UNION {") } ?s ?p ?o }'
    """
    if not bindings:
        return sparql
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join("UNDEF" if v is None else str(v) for v in bindings.values())
    block = f"WHERE {{ VALUES ({names}) {{ ({values}) }}"
    bound, count = _WHERE.subn(lambda _: block, sparql, count=1)
    if count != 1:
        raise ValueError("a query with bindings needs an explicit WHERE clause")
    return bound


def text(term: Term) -> str:
    """The lexical value of a term (an IRI's string, a literal's value)."""
    if isinstance(term, ox.Triple):
        raise TypeError("RDF-star triples have no lexical value")
    return term.value


def data_blocks(verb: str, quads: Iterable[ox.Quad]) -> list[str]:
    """``INSERT DATA`` / ``DELETE DATA`` operations, one per named graph, serialized by pyoxigraph."""
    by_graph: dict[str, list[ox.Triple]] = {}
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode):
            raise ValueError("writes go to named graphs only")
        by_graph.setdefault(q.graph_name.value, []).append(q.triple)
    blocks = []
    for name, triples in by_graph.items():
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        assert body is not None
        blocks.append(f"{verb} DATA {{ GRAPH <{name}> {{\n{body.decode()}\n}} }}")
    return blocks


def rows_of(result: ox.QuerySolutions) -> list[Row]:
    """SELECT results as dicts of the bound variables.

    Each solution is read by position, in the order of ``result.variables`` (about twice as
    fast as looking each variable up by name).
    """
    names = [v.value for v in result.variables]
    return [
        {name: value for name, value in zip(names, solution, strict=True) if value is not None}
        for solution in result
    ]


QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]


class Index(Protocol):
    """An in-memory index over a store's data (graph.names, graph.vocabulary).

    The store builds it on first use and tells it of each write it can follow (``refresh`` with
    the write's deletes and inserts); after any other write it builds it again.
    """

    @classmethod
    def build(cls, dataset: ox.Store) -> Self:
        """The index of every quad of ``dataset``."""

    def refresh(self, dataset: ox.Store, quads: Iterable[ox.Quad]) -> None:
        """Bring the index up to date after a write of ``quads`` (its deletes and inserts)."""


class Store(Protocol):
    """What the graph layer needs of a store; embedded Oxigraph and a SPARQL server provide it."""

    path: Path | None
    query_count: int
    write_lock: threading.RLock

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term | None] | None = None,
        *,
        default_graph: Sequence[ox.NamedNode] | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query, the union of named graphs as default graph unless told otherwise."""

    def select(self, sparql: str, bindings: Mapping[str, Term | None] | None = None) -> list[Row]:
        """Run a SELECT query."""

    def ask(self, sparql: str, bindings: Mapping[str, Term | None] | None = None) -> bool:
        """Run an ASK query."""

    def quads(self, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        """Every quad, or those of one named graph."""

    def graphs(self) -> list[ox.NamedNode]:
        """The named graphs, sorted."""

    def has_graph(self, graph: ox.NamedNode) -> bool:
        """Whether a named graph holds a quad."""

    def __len__(self) -> int:
        """Number of quads."""

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads atomically."""

    def replace_graphs(self, graphs: Iterable[ox.NamedNode], quads: Iterable[ox.Quad]) -> None:
        """Drop graphs and add quads atomically."""

    def apply(self, deletes: Iterable[ox.Quad], inserts: Iterable[ox.Quad]) -> None:
        """Delete and insert quads atomically."""

    def dump(self, rdf_format: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes:
        """Serialize every named graph."""

    def copy_into(self, target: ox.Store, exclude: Collection[GraphName]) -> None:
        """Add every quad outside the graphs ``exclude`` to an Oxigraph store."""

    @property
    def generation(self) -> int | None:
        """A number every write changes, or None when other processes may write unseen."""

    def flush(self) -> None:
        """Make writes durable where that needs a call."""

    def index(self, kind: type[IndexT]) -> IndexT | None:
        """The in-memory index ``kind``, current with the store (None: this store keeps none)."""

    def graph_version(self, graph: ox.NamedNode) -> tuple[int, int] | None:
        """A value that changes whenever ``graph`` may have changed (None: not known here)."""

    def describe_backend(self) -> str:
        """A short description for logs and the command line (it may name the server)."""

    def kind(self) -> str:
        """What kind of store this is, safe to tell anyone: ``embedded`` or ``sparql``."""

    def counts(self) -> tuple[int, int]:
        """The number of quads and of named graphs."""

    def quiescent(self) -> AbstractContextManager[None]:
        """Hold off this process's writes for a moment (while a query process is forked)."""


class SelectAndAsk:
    """``select`` and ``ask`` for any store with a ``query`` method (both backends share them)."""

    def query(self, sparql: str, bindings: Mapping[str, Term | None] | None = None) -> QueryResult:
        """Run a SPARQL query (each backend defines it)."""
        raise NotImplementedError

    def select(self, sparql: str, bindings: Mapping[str, Term | None] | None = None) -> list[Row]:
        """Run a SELECT query and return its rows as dicts of bound variables."""
        result = self.query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        return rows_of(result)

    def ask(self, sparql: str, bindings: Mapping[str, Term | None] | None = None) -> bool:
        """Run an ASK query."""
        return bool(self.query(sparql, bindings))


class EvidenceStore(SelectAndAsk):
    """An RDF dataset with one named graph per source, on embedded Oxigraph."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        if self.path is not None:
            if self.path.exists() and not self.path.is_dir():
                raise NotADirectoryError(f"{self.path} is not a directory (a store is a directory)")
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path))
        else:
            self._store = ox.Store()
        #: SPARQL round trips made through this store (read by tests and benchmarks).
        self.query_count = 0
        #: Bumped by every write: answers computed at one generation stay true until it changes
        #: (api.cache keys cached GraphQL answers on it).
        self.generation = 0
        #: Serializes writes. Re-entrant: an authoring operation holds it from its first read
        #: to its commit, so no other write can change what it read.
        self.write_lock = threading.RLock()
        #: In-memory indexes by kind, each with the generation it is current with.
        self._indexes: dict[type[Index], tuple[Index, int]] = {}
        #: Guards the in-memory indexes; taken after write_lock, never before it.
        self._index_lock = threading.Lock()
        self._epoch = 0  # bumped by the writes that do not say which graphs they change
        self._graph_writes: dict[str, int] = {}  # graph IRI -> applies that wrote to it
        #: Held while Oxigraph applies a write, so a forked query process never starts mid-write.
        self._commit_lock = threading.Lock()
        self._counts: tuple[int, tuple[int, int]] | None = None  # (generation, counts)

    def graph_version(self, graph: ox.NamedNode) -> tuple[int, int]:
        """A value that changes whenever ``graph`` may have changed.

        ``apply()`` counts the graphs it writes; every other write changes all versions. Lets
        callers keep what they read from a graph that writes to other graphs do not change (the
        ontology, in graph.changes).
        """
        return (self._epoch, self._graph_writes.get(graph.value, 0))

    def index(self, kind: type[IndexT]) -> IndexT:
        """The in-memory index ``kind`` (graph.names, graph.vocabulary), current with the store.

        Built on first use, kept current by :meth:`apply`, built again after any other write.
        """
        with self._index_lock:
            held = self._indexes.get(kind)
            if held is None or held[1] != self.generation:
                generation = self.generation
                held = (kind.build(self._store), generation)
                self._indexes[kind] = held
            return held[0]  # type: ignore[return-value]

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term | None] | None = None,
        *,
        default_graph: Sequence[ox.NamedNode] | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query; ``bindings`` are bound by :func:`bind`, never pasted as text.

        ``default_graph`` replaces the union of all graphs as the default graph (an empty list
        leaves it empty); ``named_graphs`` limits what ``GRAPH`` sees (default: every named graph).
        """
        self.query_count += 1
        return self._store.query(
            bind(sparql, bindings or {}),
            prefixes=PREFIXES,
            use_default_graph_as_union=default_graph is None,
            default_graph=list(default_graph) if default_graph is not None else None,
            named_graphs=list(named_graphs) if named_graphs is not None else None,
        )

    def quads(self, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        """Every quad of the store, or of one named graph."""
        return iter(self._store.quads_for_pattern(None, None, None, graph))

    def graphs(self) -> list[ox.NamedNode]:
        """The named graphs in the store, sorted by IRI."""
        names = [g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]
        return sorted(names, key=lambda g: g.value)

    def has_graph(self, graph: ox.NamedNode) -> bool:
        """Whether the named graph holds at least one quad."""
        return next(self.quads(graph), None) is not None

    def __len__(self) -> int:
        return len(self._store)

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction: all of them are written, or none."""
        self._epoch += 1
        self.generation += 1
        with self._commit_lock:
            self._store.extend(quads)
        self.generation += 1

    def replace_graphs(self, graphs: Iterable[ox.NamedNode], quads: Iterable[ox.Quad]) -> None:
        """Drop ``graphs`` and add ``quads`` in one SPARQL Update, which Oxigraph applies atomically."""
        operations = [f"DROP SILENT GRAPH <{g.value}>" for g in graphs]
        operations += data_blocks("INSERT", quads)
        if operations:
            self._epoch += 1
            self.generation += 1
            with self._commit_lock:
                self._store.update(" ;\n".join(operations))
            self.generation += 1

    def apply(self, deletes: Iterable[ox.Quad], inserts: Iterable[ox.Quad]) -> None:
        """Delete then insert quads in one SPARQL Update: all of it is applied, or none.

        The in-memory indexes that are current stay current: each is told of the change.
        """
        deletes, inserts = list(deletes), list(inserts)
        operations = data_blocks("DELETE", deletes) + data_blocks("INSERT", inserts)
        if operations:
            for graph in {q.graph_name.value for q in (*deletes, *inserts)}:  # type: ignore[union-attr]
                self._graph_writes[graph] = self._graph_writes.get(graph, 0) + 1
            with self._index_lock:  # a reader waits for the write rather than rebuild an index
                current = [index for index, at in self._indexes.values() if at == self.generation]
                self.generation += 1
                with self._commit_lock:
                    self._store.update(" ;\n".join(operations))
                self.generation += 1
                for index in current:
                    index.refresh(self._store, [*deletes, *inserts])
                    self._indexes[type(index)] = (index, self.generation)

    def dump(self, rdf_format: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes:
        """Serialize the whole dataset (for backups and exports)."""
        data = self._store.dump(format=rdf_format)
        assert data is not None
        return data

    def copy_into(self, target: ox.Store, exclude: Collection[GraphName]) -> None:
        """Add every quad outside the graphs ``exclude`` to ``target``, blank nodes unchanged.

        Quad by quad: a serialization round trip would give every blank node a new identity.
        """
        graphs: list[GraphName | ox.DefaultGraph] = [ox.DefaultGraph()]
        graphs += [g for g in self._store.named_graphs() if g not in exclude]
        for graph in graphs:
            target.extend(self._store.quads_for_pattern(None, None, None, graph))

    def adopt(self, dataset: ox.Store) -> None:
        """Make an in-memory Oxigraph store this store's whole dataset (in memory only).

        The validating loader's staging store already holds the validated state: adopting it
        saves writing every quad a second time. Readers that started before keep reading the
        previous dataset until they finish.
        """
        if self.path is not None:
            raise ValueError("an on-disk store cannot adopt an in-memory dataset")
        self._epoch += 1
        self.generation += 1
        with self._commit_lock:
            self._store = dataset
        self.generation += 1

    def describe_backend(self) -> str:
        """What the command line says the store is."""
        return "oxigraph (on disk)" if self.path else "oxigraph (in memory)"

    def kind(self) -> str:
        """``embedded``."""
        return "embedded"

    def counts(self) -> tuple[int, int]:
        """The number of quads and of named graphs, counted once per write generation.

        Counting the quads walks them all (about 0.1 s per million), so /health reads it from here.
        """
        generation, cached = self.generation, self._counts
        if cached is not None and cached[0] == generation:
            return cached[1]
        counted = (len(self._store), len(self.graphs()))
        self._counts = (generation, counted)
        return counted

    @contextmanager
    def quiescent(self) -> Iterator[None]:
        """No write of this process is being applied while the block runs.

        Forking a query process (api.query_process) inside it gives the child a copy of the
        store that no half-applied write left inconsistent.
        """
        with self._commit_lock:
            yield

    def flush(self) -> None:
        """Make sure everything written is on disk (no-op in memory)."""
        if self.path is not None:
            self._store.flush()
