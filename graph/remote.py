"""The evidence store on a SPARQL 1.1 server (Oxigraph server, Fuseki, GraphDB, Virtuoso).

Same interface as :class:`graph.store.EvidenceStore`, over the SPARQL 1.1 Protocol: queries to
the query endpoint, every write as ONE SPARQL Update request (so the server applies all of it or
nothing), whole graphs read through the Graph Store Protocol when one is configured. The server
must answer queries without ``GRAPH`` on the union of its named graphs (``oxigraph serve
--union-default-graph``; Fuseki ``tdb2:unionDefaultGraph true``; GraphDB and Virtuoso do so by
default). Reads are retried with backoff; writes are never retried (a write whose answer was lost
may have been applied). ``timeout`` bounds each operation as a whole, retries included: a server
that does not answer (down, or hung) costs a caller at most that long.

Queries are sent as an HTML form (``query=...``) by default, which every SPARQL 1.1 server
takes (Virtuoso 7 never answers a query POSTed as ``application/sparql-query``). A server that
keeps graphs of its own (Virtuoso's system graphs) shares the dataset with the store: with
``graph_prefix``, only the named graphs under that IRI are listed, counted and read whole.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from graph import remote_wire
from graph.errors import EvidenceGraphError
from graph.namespaces import PREFIXES
from graph.remote_wire import (
    inserts,
    read_results,
    read_term,
    read_triple,
    without_nul,
    written,
)
from graph.store import GraphName, Index, SelectAndAsk, Term, bind, data_blocks

#: Media types asked of the server.
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"
FORM = "application/x-www-form-urlencoded"

#: How a query is POSTed: ``form`` (``query=...``, URL-encoded) or ``direct`` (the query as the
#: body, ``application/sparql-query``).
QueryMethod = Literal["form", "direct"]


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


class StoreAuthenticationError(StoreUnavailableError):
    """The SPARQL server asks for credentials that were not sent, or refused those sent (401).

    That endpoint is closed to the API until the settings are fixed; the message names it, the
    authentication the server asks for and the settings to give.
    """


class RemoteQueryError(EvidenceGraphError):
    """The SPARQL server refused a request (bad query, bad update, no permission)."""


def _unauthorized(url: str, response: httpx.Response) -> StoreAuthenticationError:
    """The error for a 401 answer: which endpoint, what was sent, what it asks for, what to set."""
    sent = response.request.headers.get("authorization", "").split(" ", 1)[0]
    asked = response.headers.get("www-authenticate", "").split(" ", 1)[0]
    what = f"refused the {sent} credentials sent" if sent else "asks for credentials and none were sent"
    if asked:
        what += f" (401; it asks for {asked} authentication)"
    # Virtuoso answers Basic credentials with a bare 401: the other scheme is the one to try
    scheme = asked.lower() if asked.lower() in {"basic", "digest"} else "digest"
    if not asked and sent.lower() == "digest":
        scheme = "basic"
    return StoreAuthenticationError(
        f"the SPARQL server at {url} {what}: check EVIDENCE_GRAPH_SPARQL_USER and "
        f"EVIDENCE_GRAPH_SPARQL_PASSWORD, and set EVIDENCE_GRAPH_SPARQL_AUTH={scheme}"
    )


def _prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


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
        query_method: QueryMethod = "form",
        graph_prefix: str | None = None,
    ) -> None:
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint or query_endpoint
        self.store_endpoint = store_endpoint
        self.retries = retries
        self.timeout = timeout
        self.query_method = query_method
        #: Only the named graphs whose IRI starts with it are the store's (None: every one).
        self.graph_prefix = graph_prefix
        self._in_scope = (
            f"FILTER(STRSTARTS(STR(?g), {ox.Literal(graph_prefix)}))" if graph_prefix is not None else ""
        )
        headers = {"Authorization": f"Bearer {bearer_token}"} if bearer_token else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            auth=auth,
            headers=headers,
        )
        # the pooled connections close with the store, or when it is collected unclosed
        self._closer = weakref.finalize(self, self._client.close)
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
                reason = response.text.strip()[:500]
                raise StoreUnavailableError(
                    f"the SPARQL server at {url} failed: {response.status_code}"
                    + (f": {reason}" if reason else "")
                )
            if response.status_code == 401:
                raise _unauthorized(url, response)
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
        # one format asked for each form: Virtuoso answers a CONSTRUCT in SPARQL JSON if allowed
        accept = N_TRIPLES if isinstance(checked, ox.QueryTriples) else RESULTS_JSON
        del checked
        text = self._prologue + without_nul(bound)
        params: list[tuple[str, str]] = []
        if default_graph is not None:
            params += [("default-graph-uri", g.value) for g in default_graph]
        if named_graphs is not None:
            params += [("named-graph-uri", g.value) for g in named_graphs]
        if self.query_method == "form":
            response = self._post(
                self.query_endpoint,
                retry=True,
                content=urlencode([("query", text), *params]).encode("ascii"),
                headers={"Content-Type": FORM, "Accept": accept},
            )
        else:
            response = self._post(
                self.query_endpoint,
                retry=True,
                params=params,
                content=text.encode("utf-8"),
                headers={"Content-Type": "application/sparql-query", "Accept": accept},
            )
        if (most := response.headers.get("x-sparql-maxrows")) is not None:
            # Virtuoso cuts an answer short at its ResultSetMaxRows and says so only here
            raise RemoteQueryError(
                f"the SPARQL server sent {most} rows, the most it sends (Virtuoso's ResultSetMaxRows), "
                "and the answer may have more: raise that limit, or add a LIMIT to the query"
            )
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if kind == N_TRIPLES:
                parsed = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
                return [read_triple(q.triple) for q in parsed]
            return read_results(response.content, expected)
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
            if response.status_code == 401:
                raise _unauthorized(self.store_endpoint, response)
            if response.status_code >= 400:
                raise RemoteQueryError(f"the graph store refused the request: {response.status_code}")
            try:
                parsed = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
            except SyntaxError as error:
                raise StoreUnavailableError(
                    f"the graph store sent a graph that cannot be read: {error}"
                ) from None
            return iter([ox.Quad(q.subject, q.predicate, read_term(q.object), graph) for q in parsed])
        if graph is not None:
            rows = self.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})
            return iter([ox.Quad(r["s"], r["p"], r["o"], graph) for r in rows])  # type: ignore[arg-type]
        rows = self.select(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._in_scope} }}")
        return iter([ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows])  # type: ignore[arg-type]

    def graphs(self) -> list[ox.NamedNode]:
        """The store's named graphs on the server, sorted by IRI."""
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._in_scope} }}")
        return sorted((r["g"] for r in rows if isinstance(r["g"], ox.NamedNode)), key=lambda g: g.value)

    def own_dataset(self) -> list[ox.NamedNode] | None:
        """The store's graphs, as the dataset of a client's query that names none.

        None (the server's union of graphs) unless the store is a part of the server's graphs
        (``graph_prefix``): Virtuoso's union holds its own graphs too, and its DESCRIBE reads
        only one graph of the union, where it reads all those of a given dataset.
        """
        if self.graph_prefix is None:
            return None
        # an empty list would mean no dataset (the server's whole union); a graph of no quads
        return self.graphs() or [ox.NamedNode(self.graph_prefix)]

    def has_graph(self, graph: ox.NamedNode) -> bool:
        """Whether the named graph holds at least one quad."""
        return self.ask("ASK WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})

    def __len__(self) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._in_scope} }}")
        value = rows[0]["n"] if rows else None
        return int(value.value) if isinstance(value, ox.Literal) else 0

    def ping(self) -> None:
        """Raise StoreUnavailableError unless the server answers a trivial query."""
        self.ask("ASK WHERE { }")

    # --- writes: each one SPARQL Update request ----------------------------------------------

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one update request: the server applies all of them, or none."""
        self._update(inserts(quads))

    def replace_graphs(self, graphs: Iterable[ox.NamedNode], quads: Iterable[ox.Quad]) -> None:
        """Drop ``graphs`` and add ``quads`` in one update request."""
        operations = [f"DROP SILENT GRAPH <{g.value}>" for g in graphs]
        self._update(operations + inserts(quads))

    def apply(self, deletes: Iterable[ox.Quad], inserts: Iterable[ox.Quad]) -> None:
        """Delete then insert quads in one update request."""
        self._update(
            data_blocks("DELETE", map(written, deletes)) + remote_wire.inserts(inserts)
        )  # the parameter hides the function

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
        self._closer()
