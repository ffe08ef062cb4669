"""The evidence store on a SPARQL 1.1 server (Oxigraph server, Fuseki, GraphDB, Virtuoso).

Same interface as :class:`graph.store.EvidenceStore`, over the SPARQL 1.1 Protocol: queries to
the query endpoint, every write as ONE SPARQL Update request (so the server applies all of it or
nothing), whole graphs read through the Graph Store Protocol when one is configured. The server
must answer queries without ``GRAPH`` on the union of its named graphs (``oxigraph serve
--union-default-graph``; Fuseki ``tdb2:unionDefaultGraph true``; GraphDB and Virtuoso do so by
default). Reads are retried with backoff; writes are never retried (a write whose answer was lost
may have been applied). ``timeout`` bounds each operation as a whole, retries included: a server
that does not answer (down, or hung) costs a caller at most that long.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import httpx
import pyoxigraph as ox

from graph.errors import EvidenceGraphError
from graph.namespaces import PREFIXES
from graph.store import GraphName, Index, SelectAndAsk, Term, bind, data_blocks

#: Media types asked of the server.
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"


#: An empty store: running a query on it checks the syntax and costs next to nothing.
_SYNTAX_CHECK = ox.Store()


class StoreUnavailableError(EvidenceGraphError):
    """The SPARQL server cannot be reached, or did not answer within the timeout.

    Its message names the server and the cause, for the logs; clients are told
    :data:`UNAVAILABLE` instead.
    """


class StoreTimeoutError(StoreUnavailableError):
    """The SPARQL server did not answer within the timeout (it may be busy, or hung)."""


#: What a client is told when the store is unavailable (nothing about where or why).
UNAVAILABLE = "The store is unavailable; try again shortly."


class RemoteQueryError(EvidenceGraphError):
    """The SPARQL server refused a request (bad query, bad update, no permission)."""


def _prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _results(content: bytes, expected: list[str] | None) -> ox.QuerySolutions | ox.QueryBoolean:
    """SPARQL JSON results, read through once first: a malformed answer fails here, not later.

    pyoxigraph reads results lazily, so an answer that breaks off would otherwise fail in the
    middle of whatever reads it. The solutions must bind the variables ``expected`` (those the
    query projects), in any order.
    """
    results = ox.parse_query_results(content, format=ox.QueryResultsFormat.JSON)
    try:
        if isinstance(results, ox.QuerySolutions):
            found = sorted(v.value for v in results.variables)
            if expected is not None and found != expected:
                raise ValueError(f"its variables {found} are not the query's {expected}")
            deque(results, maxlen=0)
            return ox.parse_query_results(content, format=ox.QueryResultsFormat.JSON)
        return results
    finally:
        # pyoxigraph results must be dropped on the thread that made them; an error's traceback
        # keeps this frame alive, perhaps into another thread
        del results


class RemoteStore(SelectAndAsk):
    """An RDF dataset with one named graph per source, on a SPARQL 1.1 server."""

    #: Not on this machine's disk.
    path: Path | None = None

    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str | None = None,
        *,
        store_endpoint: str | None = None,
        timeout: float = 10.0,
        retries: int = 2,
        auth: httpx.Auth | None = None,
        bearer_token: str | None = None,
    ) -> None:
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint or query_endpoint
        self.store_endpoint = store_endpoint
        self.retries = retries
        self.timeout = timeout
        headers = {"Authorization": f"Bearer {bearer_token}"} if bearer_token else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            auth=auth,
            headers=headers,
        )
        self._prologue = _prologue()
        #: SPARQL round trips made through this store (read by tests and benchmarks).
        self.query_count = 0
        #: Serializes this process's writes; see the README on several API processes.
        self.write_lock = threading.RLock()

    def describe_backend(self) -> str:
        """What the command line says the store is (names the server)."""
        return f"sparql ({self.query_endpoint})"

    def kind(self) -> str:
        """``sparql``."""
        return "sparql"

    def counts(self) -> tuple[int, int]:
        """The number of quads and of named graphs on the server."""
        return len(self), len(self.graphs())

    def quiescent(self) -> AbstractContextManager[None]:
        """Nothing to hold: the server applies each write atomically."""
        return nullcontext()

    # --- transport --------------------------------------------------------------------------

    def _post(self, url: str, *, retry: bool, **kwargs: object) -> httpx.Response:
        """POST to the server within ``self.timeout`` in all; reads are retried while time is left."""
        deadline = time.monotonic() + self.timeout
        attempts = self.retries + 1 if retry else 1
        for attempt in range(attempts):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                response = self._client.post(url, timeout=left, **kwargs)  # type: ignore[arg-type]
            except httpx.TimeoutException:
                raise StoreTimeoutError(
                    f"the SPARQL server at {url} did not answer within {self.timeout:g} s"
                ) from None
            except httpx.TransportError as error:
                if attempt + 1 < attempts and self._pause(attempt, deadline):
                    continue
                message = f"the SPARQL server at {url} does not answer: {error}"
                raise StoreUnavailableError(message) from None
            if response.status_code >= 500 and attempt + 1 < attempts and self._pause(attempt, deadline):
                continue
            if response.status_code >= 500:
                raise StoreUnavailableError(f"the SPARQL server at {url} failed: {response.status_code}")
            if response.status_code >= 400:
                raise RemoteQueryError(
                    f"the SPARQL server refused the request: {response.text.strip()[:500]}"
                )
            return response
        raise StoreTimeoutError(f"the SPARQL server at {url} did not answer within {self.timeout:g} s")

    @staticmethod
    def _pause(attempt: int, deadline: float) -> bool:
        """Back off before another attempt, if that leaves time for one (in a worker thread)."""
        pause = 0.05 * 2**attempt
        if time.monotonic() + pause >= deadline:
            return False
        time.sleep(pause)
        return True

    def _update(self, operations: Sequence[str]) -> None:
        if not operations:
            return
        self.query_count += 1
        self._post(
            self.update_endpoint,
            retry=False,
            content=(self._prologue + " ;\n".join(operations)).encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )

    # --- reads ------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term | None] | None = None,
        *,
        default_graph: Sequence[ox.NamedNode] | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]:
        """Run a SPARQL query on the server; results come back as pyoxigraph objects.

        The query is parsed here first (on an empty embedded store, with the same prefixes), so a
        syntax error raises the same SyntaxError, with the same position, as on the embedded
        backend, and never reaches the server.
        """
        self.query_count += 1
        bound = bind(sparql, bindings or {})
        checked = _SYNTAX_CHECK.query(bound, prefixes=PREFIXES)
        expected = (
            sorted(v.value for v in checked.variables) if isinstance(checked, ox.QuerySolutions) else None
        )
        del checked
        text = self._prologue + bound
        params: list[tuple[str, str]] = []
        if default_graph is not None:
            params += [("default-graph-uri", g.value) for g in default_graph]
        if named_graphs is not None:
            params += [("named-graph-uri", g.value) for g in named_graphs]
        response = self._post(
            self.query_endpoint,
            retry=True,
            params=params,
            content=text.encode("utf-8"),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": f"{RESULTS_JSON}, {N_TRIPLES};q=0.9",
            },
        )
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if kind == N_TRIPLES:
                return [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
            return _results(response.content, expected)
        except (SyntaxError, ValueError, OSError) as error:
            raise StoreUnavailableError(
                f"the SPARQL server sent an answer that cannot be read: {error}"
            ) from None

    def quads(self, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        """Every quad in the named graphs, or in one of them.

        One graph is read through the Graph Store Protocol when its endpoint is configured.
        """
        if graph is not None and self.store_endpoint:
            self.query_count += 1
            try:
                response = self._client.get(
                    self.store_endpoint,
                    params={"graph": graph.value},
                    headers={"Accept": N_TRIPLES},
                    timeout=self.timeout,
                )
            except httpx.TransportError as error:
                raise StoreUnavailableError(f"the SPARQL server does not answer: {error}") from None
            if response.status_code == 404:
                return iter([])
            if response.status_code >= 400:
                raise RemoteQueryError(f"the graph store refused the request: {response.status_code}")
            try:
                parsed = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
            except SyntaxError as error:
                raise StoreUnavailableError(
                    f"the graph store sent a graph that cannot be read: {error}"
                ) from None
            return iter([ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed])
        if graph is not None:
            rows = self.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})
            return iter([ox.Quad(r["s"], r["p"], r["o"], graph) for r in rows])  # type: ignore[arg-type]
        rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return iter([ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows])  # type: ignore[arg-type]

    def graphs(self) -> list[ox.NamedNode]:
        """The named graphs on the server, sorted by IRI."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted((r["g"] for r in rows if isinstance(r["g"], ox.NamedNode)), key=lambda g: g.value)

    def has_graph(self, graph: ox.NamedNode) -> bool:
        """Whether the named graph holds at least one quad."""
        return self.ask("ASK WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})

    def __len__(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        value = rows[0]["n"] if rows else None
        return int(value.value) if isinstance(value, ox.Literal) else 0

    def ping(self) -> None:
        """Raise StoreUnavailableError unless the server answers a trivial query."""
        self.ask("ASK WHERE { }")

    # --- writes: each one SPARQL Update request ----------------------------------------------

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one update request: the server applies all of them, or none."""
        self._update(data_blocks("INSERT", quads))

    def replace_graphs(self, graphs: Iterable[ox.NamedNode], quads: Iterable[ox.Quad]) -> None:
        """Drop ``graphs`` and add ``quads`` in one update request."""
        operations = [f"DROP SILENT GRAPH <{g.value}>" for g in graphs]
        self._update(operations + data_blocks("INSERT", quads))

    def apply(self, deletes: Iterable[ox.Quad], inserts: Iterable[ox.Quad]) -> None:
        """Delete then insert quads in one update request."""
        self._update(data_blocks("DELETE", deletes) + data_blocks("INSERT", inserts))

    @property
    def generation(self) -> None:
        """None: other processes may write to the server, so no write count can be trusted."""
        return None

    def copy_into(self, target: ox.Store, exclude: Collection[GraphName]) -> None:
        """Add every quad outside the graphs ``exclude`` to an Oxigraph store (one dataset read)."""
        target.extend(q for q in self.quads() if q.graph_name not in exclude)

    def dump(self, rdf_format: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes:
        """Serialize every named graph (for backups and exports)."""
        data = ox.serialize(self.quads(), format=rdf_format)
        assert data is not None
        return data

    def flush(self) -> None:
        """Nothing to do: the server owns durability."""

    def index(self, kind: type[Index]) -> None:
        """None: other processes may write to the server unseen, so it is read in SPARQL instead."""

    def graph_version(self, graph: ox.NamedNode) -> None:
        """None: other processes may write to the server unseen."""

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()
