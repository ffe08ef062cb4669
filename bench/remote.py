"""(h) The remote backend: the fixed query set in process against a RemoteStore on ``oxigraph serve``.

The server is the test suite's own (``testing/oxigraph_server.py``: ``oxigraph serve`` from the
venv on a free loopback port, a temporary directory, ``--union-default-graph``). It is loaded with
the same quads as the embedded store, in one ``RemoteStore.add_quads`` (one SPARQL Update), and
timed as the embedded store is: ``schema.execute`` with a fresh Context per request, and the
hand-written SPARQL through ``RemoteStore.select``.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.remote import RemoteStore
from testing.oxigraph_server import OxigraphServer


def bench_remote(
    quads: list[ox.Quad],
    answers: dict[str, Any],
    bench_in_process: Callable[..., dict[str, dict[str, Any]]],
    budget: float,
) -> dict[str, Any]:
    """Start a server, load ``quads``, run the query set, stop the server."""
    with tempfile.TemporaryDirectory(prefix="bench-oxigraph-") as tmp:
        server = OxigraphServer(Path(tmp) / "data").start()
        try:
            store = RemoteStore(
                server.query_endpoint,
                server.update_endpoint,
                store_endpoint=server.store_endpoint,
                timeout=600.0,
            )
            t0 = time.perf_counter()
            store.add_quads(quads)
            load_s = time.perf_counter() - t0
            count = len(store)
            print(f"  remote: loaded {count} quads in {load_s:.2f} s", flush=True)
            queries = bench_in_process(store, budget, label="remote ")
            for name, q in queries.items():
                q["same_answer_graphql"] = q.pop("answer") == answers[name]
            store.close()
        finally:
            server.stop()
    return {"load_s": round(load_s, 3), "quads": count, "queries": queries}
