"""Load proof: no request stalls the server, with many clients, writes and heavy queries at once.

    python -m bench.stress                  # the proof: about 5 minutes (make bench-stress)
    python -m bench.stress --quick          # a smoke run: phases of 10 s
    python -m bench.stress --help           # every option

Each phase talks to a real server started as ``evidence-graph serve`` in a child process (bearer
token from ``EVIDENCE_GRAPH_API_TOKENS``, every other setting as shipped, response cache on):

1. **Unloaded.** Phase 2's traffic from one client: the read mix (light queries of
   ``testing.queries``), one request every ``--interval`` seconds, beside one ``createClaim`` per
   second, for ``--baseline-seconds``: the baseline of the p99 target. (Paced like phase 2, so
   that both count the cost of waking an idle server; 1b, the same reads back to back without
   writes, shows the other extreme and is reported, not a target.)
2. **Loaded.** ``--clients`` keep-alive clients each send the read mix every ``--interval``
   seconds, beside one ``createClaim`` per second, for ``--seconds`` (``/health`` is asked every
   50 ms too). Targets: 0 errors, read p99 within 2x of the unloaded p99, growth of the server's
   RSS under 50 MB. 2+heavy: the same with five clients sending heavy but legal queries back to
   back (``--no-combined`` skips it). Targets: ``/health`` p99 under 100 ms, no ``/health`` error.
3. **Heavy.** On a second server holding the 100k tier of ``testing.generate`` (loaded on disk with
   ``evidence-graph load``), where the heavy queries are heavy indeed, five clients send them
   back to back while one client asks ``GET /health`` every 50 ms (3a: ``/health`` alone first).
   Targets: ``/health`` p99 under 100 ms, no ``/health`` error.

Heavy queries are within the default limits, 8,500-10,000 estimated nodes each, so they run as
heavy reads (on the embedded store, in a child process: api.graphql.router).

Latency is timed from sending a request to reading its whole answer, by the low-CPU client of
``bench.loadgen``. An error is an answer other than 200, a GraphQL answer with an ``errors``
member, a connection error or no answer within ``REQUEST_TIMEOUT`` seconds. The server's response
cache answers repeated reads from memory until the next write: one write per second empties it,
so each read query of the mix runs on the store again after every write. Heavy queries carry a
fresh alias each time, so the cache never answers them.

Writes ``bench/results/<UTC timestamp>-stress.json`` (every summary, the machine, the command) and
``<timestamp>-stress.md`` (the table, also printed). A missed target is printed, not an exit code:
the run is a measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import math
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import mutation
from bench.loadgen import exchange, post_request
from bench.run import BUNDLED, RESULTS_DIR, cpu_seconds, cpu_share, free_port, load_quads, machine, tier_files
from testing.generate import dataset_path
from testing.queries import DRUG_GRAPHQL, GRADE_A_GRAPHQL, PAGE_GRAPHQL, SEARCH_GRAPHQL

HOST = "127.0.0.1"
#: Seconds a client waits for one answer before it counts an error and reconnects.
REQUEST_TIMEOUT = 30.0
#: Seconds a server may take to load its store and listen.
START_TIMEOUT = 300.0
#: The targets of the issue.
P99_FACTOR = 2.0
RSS_GROWTH_MB = 50.0
HEALTH_P99_MS = 100.0
#: Seconds between two /health probes, and between two writes.
HEALTH_EVERY = 0.05
WRITE_EVERY = 1.0
#: Reads sent up to this many seconds after a write ends are reported with the writes' neighbours.
AFTER_WRITE = 0.1
#: The generated tier served in phase 3 (testing.generate.TIERS).
HEAVY_TIER = "100k"
#: The label of phase 2 repeated with the heavy clients and the /health probe.
COMBINED = "2+heavy"
#: Kept error bodies per kind of request (the JSON holds them; the rest are only counted).
ERROR_SAMPLES = 5

#: The read mix: light queries of testing.queries, each run in the light lane (estimate <= 100 nodes).
READ_MIX: dict[str, str] = {
    "grade_a_unlicensed": GRADE_A_GRAPHQL,
    "drug_lookup": DRUG_GRAPHQL,
    "search": SEARCH_GRAPHQL,
    "page_100": PAGE_GRAPHQL,
}

#: Heavy legal queries: TAG is replaced by a fresh alias on every request (no cached answer). Each
#: estimate multiplies the page sizes down the query (500 x (1 + 19) = 10,000 nodes at most).
HEAVY_QUERIES: dict[str, str] = {
    "indications_500_x_claims_19": """{ TAG: indications(first: 500) { totalCount nodes { label
      condition { label broader { label } } drug { label } grade { notation scheme { label } }
      evidence { text } references { title claims(first: 19) { totalCount nodes { label kind } } } } } }""",
    "claims_500_x_claims_19": """{ TAG: claims(first: 500) { totalCount nodes { label kind drug { label }
      grade { notation scheme { label } } evidence { text }
      references { title claims(first: 19) { totalCount nodes { label kind } } } } } }""",
    "references_500_x_claims_19": """{ TAG: references(first: 500) { totalCount nodes { title year
      source { title } claims(first: 19) { totalCount nodes { label kind drug { label } } } } } }""",
    "drugs_500_x_indications_19": """{ TAG: drugs(first: 500) { totalCount nodes { label
      indications(first: 19) { totalCount nodes { label condition { label broader { label } }
      grade { notation } references { title } } } } } }""",
    "aliased_searches_and_lists": """{ TAG: search(text: "a", first: 500) { totalCount nodes { __typename } }
      s2: search(text: "e", first: 500) { totalCount nodes { __typename } }
      s3: search(text: "o", first: 500) { totalCount nodes { __typename } }
      c1: contraindications(first: 500) { totalCount nodes { label condition { label } drug { label } } }
      c2: interactions(first: 500) { totalCount nodes { label drug { label } } }
      c3: pharmacogenomics(first: 500) { totalCount nodes { label drug { label } } }
      c4: monitoring(first: 500) { totalCount nodes { label drug { label } } }
      c5: conditions(first: 500) { totalCount nodes { label
        claims(first: 9) { totalCount nodes { label } } } } }""",
}


# --- pure helpers ------------------------------------------------------------------------------------


def percentiles(seconds: Sequence[float]) -> dict[str, Any]:
    """n, p50, p90, p99 (nearest rank), max and mean of latencies, in milliseconds; n = 0 when empty."""
    ordered = sorted(seconds)
    n = len(ordered)
    if not n:
        return {"n": 0}

    def rank(q: float) -> float:
        return round(ordered[max(0, min(n - 1, math.ceil(round(q * n, 9)) - 1))] * 1000, 3)

    return {
        "n": n,
        "p50_ms": rank(0.50),
        "p90_ms": rank(0.90),
        "p99_ms": rank(0.99),
        "max_ms": round(ordered[-1] * 1000, 3),
        "mean_ms": round(sum(ordered) / n * 1000, 3),
    }


def tagged(query: str, tag: str) -> str:
    """A heavy query with its TAG alias replaced (a different document, the same work)."""
    return query.replace("TAG", tag, 1)


def write_targets(
    drugs: Sequence[str], conditions: Sequence[str], taken: set[tuple[str, str]]
) -> list[tuple[str, str, bool]]:
    """(drug, condition, negated) of indications no claim states yet, so no write duplicates another.

    The duplicate-claim constraint compares kind, drug, target, source and negation, so every
    free drug-condition pair gives two writes: stated, then negated.
    """
    free = [(d, c) for d in drugs for c in conditions if (d, c) not in taken]
    return [(d, c, False) for d, c in free] + [(d, c, True) for d, c in free]


def split_by_windows(
    starts: Sequence[float], latencies: Sequence[float], windows: Sequence[tuple[float, float]]
) -> tuple[list[float], list[float]]:
    """Latencies of the requests that overlapped one of ``windows`` (start, end), and of the others.

    Ordered by start, the windows' ends increase too (one writer's requests, one after the other).
    """
    ordered = sorted(windows)
    ends = [end for _, end in ordered]
    during: list[float] = []
    outside: list[float] = []
    for start, latency in zip(starts, latencies, strict=True):
        i = bisect.bisect_left(ends, start)  # the first window not over before this request began
        overlaps = i < len(ordered) and ordered[i][0] <= start + latency
        (during if overlaps else outside).append(latency)
    return during, outside


def vm_rss_bytes(status: str) -> int:
    """Resident memory from the text of ``/proc/<pid>/status`` (VmRSS, reported in KiB)."""
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise ValueError("no VmRSS line")


def has_errors(body: bytes) -> bool:
    """Whether a GraphQL answer has an ``errors`` member (the quick byte test, then JSON)."""
    if b'"errors"' not in body:
        return False
    try:
        decoded = json.loads(body)
    except ValueError:
        return True
    return not isinstance(decoded, dict) or "errors" in decoded


def get_request(path: str, port: int) -> bytes:
    """The bytes of one keep-alive GET."""
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: application/json\r\n\r\n".encode()


def graphql_request(port: int, query: str, token: str | None = None, variables: Any = None) -> bytes:
    """The bytes of one keep-alive POST /graphql."""
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return post_request(HOST, port, "/graphql", payload, headers)


# --- what a phase saw ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """Latencies of good answers and the errors, per kind of request, with a few error bodies."""

    latencies: list[float] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    by_name: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    errors_by_name: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def good(self, name: str, seconds: float, start: float = 0.0) -> None:
        """Record a good answer, sent at ``start`` (``time.perf_counter()``)."""
        self.latencies.append(seconds)
        self.starts.append(start)
        self.by_name.setdefault(name, []).append(seconds)

    def bad(self, name: str, detail: str) -> None:
        """Record an error, keeping the first few bodies."""
        self.errors += 1
        self.errors_by_name[name] = self.errors_by_name.get(name, 0) + 1
        if len(self.error_samples) < ERROR_SAMPLES:
            self.error_samples.append(f"{name}: {detail[:600]}")

    def summary(self) -> dict[str, Any]:
        """Counts and percentiles, overall and per request kind."""
        return {
            "requests": len(self.latencies) + self.errors,
            "errors": self.errors,
            "latency": percentiles(self.latencies),
            "by_name": {
                name: {**percentiles(values), "errors": self.errors_by_name.get(name, 0)}
                for name, values in sorted(self.by_name.items())
            },
            "errors_by_name": self.errors_by_name,
            "error_samples": self.error_samples,
        }


class Link:
    """One keep-alive connection that reconnects after an error."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def open(self, timeout: float = REQUEST_TIMEOUT) -> None:
        """Connect now (a first request then times no connection set-up); a failure is left for it."""
        try:
            self.streams = await asyncio.wait_for(asyncio.open_connection(HOST, self.port), timeout)
        except (OSError, TimeoutError):
            self.streams = None

    async def ask(self, request: bytes, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
        """Send one request and read its answer; on any failure the connection is dropped and it raises."""
        try:
            if self.streams is None:
                self.streams = await asyncio.wait_for(asyncio.open_connection(HOST, self.port), timeout)
            reader, writer = self.streams
            return await asyncio.wait_for(exchange(reader, writer, request), timeout)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


FAILURES = (
    OSError,
    asyncio.IncompleteReadError,
    asyncio.LimitOverrunError,
    RuntimeError,
    ValueError,
    TimeoutError,
)


async def timed(
    link: Link, request: bytes, name: str, tally: Tally, check: Callable[[int, bytes], bool]
) -> None:
    """One request on ``link``: its latency when ``check`` accepts the answer, else an error."""
    t0 = time.perf_counter()
    try:
        status, body = await link.ask(request)
    except FAILURES as error:
        tally.bad(name, f"{type(error).__name__}: {error}")
        return
    elapsed = time.perf_counter() - t0
    if check(status, body):
        tally.good(name, elapsed, t0)
    else:
        tally.bad(name, f"HTTP {status} {body[:600].decode(errors='replace')}")


def graphql_ok(status: int, body: bytes) -> bool:
    """A 200 GraphQL answer without ``errors``."""
    return status == 200 and not has_errors(body)


def health_ok(status: int, body: bytes) -> bool:
    """A 200 ``/health`` answer saying ok."""
    return status == 200 and b'"ok"' in body


async def until(moment: float) -> None:
    """Sleep until ``time.perf_counter()`` reaches ``moment``."""
    delay = moment - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)


async def paced(stop_at: float, every: float, first: float, step: Callable[[], Awaitable[None]]) -> None:
    """Run ``step`` at ``first``, then every ``every`` seconds (at once when late) until ``stop_at``."""
    moment = first
    while True:
        await until(moment)
        if time.perf_counter() >= stop_at:
            return
        await step()
        moment = max(moment + every, time.perf_counter()) if every > 0 else time.perf_counter()


# --- the traffic ----------------------------------------------------------------------------------------


async def reader(port: int, stop_at: float, every: float, tally: Tally, rng: random.Random) -> None:
    """A client sending the read mix in turn, one request every ``every`` seconds (0: back to back)."""
    link = Link(port)
    requests = [(name, graphql_request(port, query)) for name, query in READ_MIX.items()]
    turn = rng.randrange(len(requests))

    async def step() -> None:
        nonlocal turn
        name, request = requests[turn % len(requests)]
        turn += 1
        await timed(link, request, name, tally, graphql_ok)

    try:
        await link.open()
        await paced(stop_at, every, time.perf_counter() + rng.uniform(0, every), step)
    finally:
        link.close()


class Writer:
    """One ``createClaim`` per second with a label and a drug-condition pair of its own each time."""

    def __init__(self, port: int, token: str, targets: list[tuple[str, str, bool]]) -> None:
        self.port = port
        self.token = token
        self.targets = targets
        self.count = 0

    def request(self) -> bytes:
        """The next write."""
        drug, condition, negated = self.targets[self.count % len(self.targets)]
        claim = mutation.graphql_input(condition, self.count)
        claim.update(drug=drug, negated=negated, label=f"Stress write {self.count} ({secrets.token_hex(4)})")
        self.count += 1
        return graphql_request(self.port, mutation.CREATE, self.token, {"input": claim})

    async def run(self, stop_at: float, tally: Tally) -> None:
        """Write every ``WRITE_EVERY`` seconds until ``stop_at``."""
        link = Link(self.port)

        async def step() -> None:
            await timed(link, self.request(), "createClaim", tally, graphql_ok)

        try:
            await link.open()
            await paced(stop_at, WRITE_EVERY, time.perf_counter() + WRITE_EVERY / 2, step)
        finally:
            link.close()


async def heavy(port: int, stop_at: float, start: int, tally: Tally) -> None:
    """A client sending the heavy queries in turn, back to back, each under a fresh alias."""
    link = Link(port)
    names = list(HEAVY_QUERIES)
    turn = start

    async def step() -> None:
        nonlocal turn
        name = names[turn % len(names)]
        request = graphql_request(port, tagged(HEAVY_QUERIES[name], f"h{start}_{turn}"))
        turn += 1
        await timed(link, request, name, tally, graphql_ok)

    try:
        await link.open()
        await paced(stop_at, 0.0, time.perf_counter(), step)
    finally:
        link.close()


async def prober(port: int, stop_at: float, tally: Tally) -> None:
    """``GET /health`` every ``HEALTH_EVERY`` seconds."""
    link = Link(port)
    request = get_request("/health", port)

    async def step() -> None:
        await timed(link, request, "/health", tally, health_ok)

    try:
        await link.open()
        await paced(stop_at, HEALTH_EVERY, time.perf_counter(), step)
    finally:
        link.close()


async def rss_sampler(pid: int, stop_at: float, samples: list[tuple[float, int]]) -> None:
    """The server's RSS once a second until ``stop_at`` (and once at the end)."""
    start = time.perf_counter()
    while True:
        now = time.perf_counter()
        samples.append((round(now - start, 2), vm_rss_bytes(Path(f"/proc/{pid}/status").read_text())))
        if now >= stop_at:
            return
        await asyncio.sleep(min(1.0, max(0.0, stop_at - now)))


# --- the server ---------------------------------------------------------------------------------------


class Server:
    """``evidence-graph serve`` in a child process, stopped by its own pid."""

    def __init__(self, name: str, workdir: Path, store: Path | None = None) -> None:
        self.name = name
        self.port = free_port()
        self.token = secrets.token_urlsafe(32)
        self.log = workdir / f"server-{name}.log"
        command = [str(Path(sys.executable).with_name("evidence-graph")), "serve", "--port", str(self.port)]
        if store is not None:
            command += ["--store", str(store)]
        self.command = command
        env = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_GRAPH_")}
        env["EVIDENCE_GRAPH_API_TOKENS"] = json.dumps({mutation.AUTHOR: self.token})
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        t0 = time.monotonic()
        while time.monotonic() - t0 < START_TIMEOUT:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited before listening: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"http://{HOST}:{self.port}/health", timeout=2).status_code == 200:
                    self.start_s = round(time.monotonic() - t0, 2)
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not answer /health in time")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Terminate the server (kill it if it does not stop)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_problems(self) -> list[str]:
        """Lines of the server's log that report an error (tracebacks, 5xx answers), the first 20."""
        marks = ("Traceback", "ERROR", "Exception", '" 500', '" 502', '" 503', '" 504')
        lines = self.log.read_text(errors="replace").splitlines()
        return [line[:300] for line in lines if any(m in line for m in marks)][:20]


def targets_for(tier: str) -> list[tuple[str, str, bool]]:
    """Write targets for a server holding ``tier`` (computed on a copy of the store, in process)."""
    store = load_quads(tier_files(tier))
    select = store.select
    drugs = [r["d"].value for r in select("SELECT ?d WHERE { ?d a ev:Drug } ORDER BY ?d")]  # type: ignore[union-attr]
    conditions = [r["c"].value for r in select("SELECT ?c WHERE { ?c a ev:Condition } ORDER BY ?c")]  # type: ignore[union-attr]
    rows = select(
        "SELECT DISTINCT ?d ?c WHERE { ?i a ev:IndicationStatement ; ev:drug ?d ; ev:condition ?c }"
    )
    taken = {(r["d"].value, r["c"].value) for r in rows}  # type: ignore[union-attr]
    return write_targets(drugs, conditions, taken)


def heavy_estimates() -> dict[str, dict[str, Any]]:
    """Each heavy query's measures as the server's limits see them (depth, aliases, fields, nodes)."""
    from api.graphql.limits import DocumentLimits, measure, parse_document  # noqa: PLC0415
    from api.graphql.schema import schema  # noqa: PLC0415

    limits = DocumentLimits.from_settings()
    out: dict[str, dict[str, Any]] = {}
    for name, query in HEAVY_QUERIES.items():
        found = measure(schema._schema, parse_document(tagged(query, "h"), limits), None, {}, limits)
        out[name] = {
            "depth": found.depth,
            "aliases": found.aliases,
            "fields": found.fields,
            "nodes": found.nodes,
        }
    return out


def check_heavy(port: int) -> dict[str, dict[str, Any]]:
    """Each heavy query once, alone: its time, answer size and whether it was accepted."""
    out: dict[str, dict[str, Any]] = {}
    for i, (name, query) in enumerate(HEAVY_QUERIES.items()):
        payload = {"query": tagged(query, f"check{i}")}
        t0 = time.perf_counter()
        response = httpx.post(f"http://{HOST}:{port}/graphql", json=payload, timeout=REQUEST_TIMEOUT)
        seconds = time.perf_counter() - t0
        ok = graphql_ok(response.status_code, response.content)
        out[name] = {"ok": ok, "ms": round(seconds * 1000, 1), "answer_bytes": len(response.content)}
        if not ok:
            out[name]["error"] = response.text[:600]
        print(f"  heavy {name}: {out[name]['ms']} ms, {len(response.content)} bytes, ok={ok}", flush=True)
    return out


# --- the phases -------------------------------------------------------------------------------------


@dataclass
class Traffic:
    """What a phase sends: reader clients, the writer, heavy clients, the /health probe."""

    seconds: float
    readers: int = 0
    interval: float = 0.0
    writer: Writer | None = None
    heavy_clients: int = 0
    probe: bool = False


async def drive(server: Server, traffic: Traffic, seed: int) -> dict[str, Any]:
    """Send one phase's traffic; tallies, RSS samples and CPU use of the phase."""
    rng = random.Random(seed)
    reads, writes, heavies, health = Tally(), Tally(), Tally(), Tally()
    rss: list[tuple[float, int]] = []
    start = time.perf_counter()
    stop_at = start + traffic.seconds
    server_cpu0, client_cpu0, machine_cpu0 = server.cpu_seconds(), _own_cpu(), cpu_seconds()
    tasks: list[Awaitable[None]] = [rss_sampler(server.process.pid, stop_at, rss)]
    tasks += [reader(server.port, stop_at, traffic.interval, reads, rng) for _ in range(traffic.readers)]
    if traffic.writer is not None:
        tasks.append(traffic.writer.run(stop_at, writes))
    tasks += [heavy(server.port, stop_at, i, heavies) for i in range(traffic.heavy_clients)]
    if traffic.probe:
        tasks.append(prober(server.port, stop_at, health))
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - start
    server_cpu = server.cpu_seconds() - server_cpu0
    client_cpu = _own_cpu() - client_cpu0
    share = cpu_share(machine_cpu0, wall)
    out: dict[str, Any] = {
        "seconds": round(wall, 2),
        "reads": reads.summary() if traffic.readers else None,
        "writes": writes.summary() if traffic.writer is not None else None,
        "heavy": heavies.summary() if traffic.heavy_clients else None,
        "health": health.summary() if traffic.probe else None,
        "rss": _rss_summary(rss),
        "server_cpu_s": round(server_cpu, 2),
        "client_cpu_s": round(client_cpu, 2),
        "other_cpu_s": round(share["busy_s"] - server_cpu - client_cpu, 1) if share else None,
        "cpu": share,
    }
    if traffic.readers:
        out["reads_per_s"] = round(out["reads"]["requests"] / wall, 1)
    if traffic.readers and traffic.writer is not None:
        windows = [(s, s + w + AFTER_WRITE) for s, w in zip(writes.starts, writes.latencies, strict=True)]
        near, far = split_by_windows(reads.starts, reads.latencies, windows)
        out["reads_near_writes"] = {
            "after_s": AFTER_WRITE,
            "near": percentiles(near),
            "others": percentiles(far),
        }
    return out


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_summary(samples: list[tuple[float, int]]) -> dict[str, Any]:
    mb = 1_000_000
    first, last = samples[0][1], samples[-1][1]
    return {
        "start_mb": round(first / mb, 1),
        "end_mb": round(last / mb, 1),
        "peak_mb": round(max(s[1] for s in samples) / mb, 1),
        "growth_mb": round((last - first) / mb, 1),
        "samples": [(t, round(b / mb, 1)) for t, b in samples],
    }


def describe(traffic: Traffic) -> str:
    """What a phase sends, in a few words."""
    parts = [
        f"{traffic.readers} reader(s) every {traffic.interval:g} s" if traffic.readers else "",
        "1 write/s" if traffic.writer else "",
        f"{traffic.heavy_clients} heavy client(s)" if traffic.heavy_clients else "",
        f"/health every {HEALTH_EVERY * 1000:g} ms" if traffic.probe else "",
    ]
    return ", ".join(p for p in parts if p)


def phase(label: str, server: Server, traffic: Traffic, seed: int, warmup: float = 0.0) -> dict[str, Any]:
    """One phase on ``server``, after ``warmup`` seconds of its reads and writes (reported apart)."""
    result: dict[str, Any] = {}
    if warmup > 0 and (traffic.readers or traffic.writer):
        light = Traffic(warmup, readers=traffic.readers, interval=traffic.interval, writer=traffic.writer)
        print(f"[{label}, warm-up] {warmup:g} s on {server.name}: {describe(light)}", flush=True)
        result["warmup"] = asyncio.run(drive(server, light, seed - 1))
    print(f"[{label}] {traffic.seconds:g} s on {server.name}: {describe(traffic)}", flush=True)
    result.update(asyncio.run(drive(server, traffic, seed)))
    result["traffic"] = {
        "seconds": traffic.seconds,
        "readers": traffic.readers,
        "interval_s": traffic.interval,
        "writes_per_s": 1 / WRITE_EVERY if traffic.writer else 0,
        "heavy_clients": traffic.heavy_clients,
        "health_every_s": HEALTH_EVERY if traffic.probe else None,
        "warmup_s": warmup,
    }
    for kind in ("reads", "writes", "heavy", "health"):
        summary = result[kind]
        if summary:
            print(
                f"  {kind}: {summary['requests']} requests, {summary['errors']} errors, "
                f"p50 / p90 / p99 {_cells(summary['latency'])} ms",
                flush=True,
            )
    print(
        f"  server RSS {result['rss']['start_mb']} -> {result['rss']['end_mb']} MB; CPU s: server "
        f"{result['server_cpu_s']}, clients {result['client_cpu_s']}, others {result['other_cpu_s']}",
        flush=True,
    )
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every phase; each server is stopped when its phases are done."""
    report: dict[str, Any] = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ"),
        "command": args.command,
        "settings": {
            k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if k != "command"
        },
        "machine": machine(),
        "git_commit": _git(["rev-parse", "--short", "HEAD"]),
        "git_changed": bool(_git(["status", "--porcelain", "--untracked-files=no"])),
        "read_mix": READ_MIX,
        "heavy_queries": {n: " ".join(q.split()) for n, q in HEAVY_QUERIES.items()},
        "targets": {"p99_factor": P99_FACTOR, "rss_growth_mb": RSS_GROWTH_MB, "health_p99_ms": HEALTH_P99_MS},
        "servers": {},
    }
    run_cpu, run_start = cpu_seconds(), time.monotonic()
    with tempfile.TemporaryDirectory(prefix="evidence-stress-") as tmp:
        workdir = Path(tmp)
        server = Server(BUNDLED, workdir)
        try:
            report["servers"][BUNDLED] = {"command": server.command, "start_s": server.start_s}
            writer = Writer(server.port, server.token, targets_for(BUNDLED))
            planned = args.baseline_seconds + 2 * (args.seconds + args.warmup)
            if planned / WRITE_EVERY > len(writer.targets):
                print(f"note: {len(writer.targets)} distinct writes exist; later ones repeat (duplicates)")
            # the baseline: phase 2's traffic from one client (the same pacing, the same writes)
            unloaded = Traffic(args.baseline_seconds, readers=1, interval=args.interval, writer=writer)
            report["unloaded"] = phase("1 unloaded", server, unloaded, args.seed)
            back_to_back = Traffic(min(args.baseline_seconds, 10.0), readers=1)
            report["back_to_back"] = phase("1b back to back", server, back_to_back, args.seed + 5)
            loaded = Traffic(
                args.seconds, readers=args.clients, interval=args.interval, writer=writer, probe=True
            )
            report["loaded"] = phase("2 loaded", server, loaded, args.seed + 10, args.warmup)
            report["heavy_estimates"] = heavy_estimates()
            if not args.no_combined:
                report["heavy_alone_bundled"] = check_heavy(server.port)
                combined = Traffic(
                    args.seconds,
                    readers=args.clients,
                    interval=args.interval,
                    writer=writer,
                    heavy_clients=args.heavy_clients,
                    probe=True,
                )
                report["combined"] = phase(COMBINED, server, combined, args.seed + 40, args.warmup)
            report["servers"][BUNDLED]["log_problems"] = server.log_problems()
        finally:
            server.stop()
        tier = report["heavy_tier"] = args.heavy_tier
        store = None
        if tier != BUNDLED:
            store = workdir / "store"
            report["heavy_store_load_s"] = _load_on_disk(tier, store)
        server = Server(tier, workdir, store)
        try:
            report["servers"][tier] = {"command": server.command, "start_s": server.start_s}
            report["heavy_alone"] = check_heavy(server.port)
            alone = Traffic(args.health_baseline_seconds, probe=True)
            report["health_alone"] = phase("3a /health alone", server, alone, args.seed + 20)
            heavy_traffic = Traffic(args.seconds, heavy_clients=args.heavy_clients, probe=True)
            report["heavy"] = phase("3 heavy", server, heavy_traffic, args.seed + 30)
            report["servers"][tier]["log_problems"] = server.log_problems()
        finally:
            server.stop()
    report["cpu"] = cpu_share(run_cpu, time.monotonic() - run_start)
    report["results"] = [t.__dict__ for t in evaluate(report)]
    return report


def _load_on_disk(tier: str, store: Path) -> float:
    """``evidence-graph load`` of a tier's generated file into a new on-disk store; seconds taken."""
    path = dataset_path(tier)
    print(f"[{tier}] evidence-graph load --store {store} {path.name}", flush=True)
    command = [
        str(Path(sys.executable).with_name("evidence-graph")),
        "load",
        "--store",
        str(store),
        str(path),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_GRAPH_")}
    t0 = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"evidence-graph load failed: {done.stderr[-2000:]}")
    seconds = round(time.monotonic() - t0, 2)
    print(f"  {done.stdout.strip().splitlines()[-1]} ({seconds} s)", flush=True)
    return seconds


def _git(arguments: list[str]) -> str | None:
    root = Path(__file__).resolve().parent.parent
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *arguments], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


# --- targets and the report ------------------------------------------------------------------------


@dataclass
class Target:
    """One target of the issue and whether the run met it."""

    phase: str
    what: str
    measured: str
    target: str
    met: bool


def _p99(summary: dict[str, Any] | None) -> float | None:
    return None if summary is None else summary["latency"].get("p99_ms")


def health_targets(label: str, result: dict[str, Any]) -> list[Target]:
    """/health p99 under ``HEALTH_P99_MS`` and no /health error, in one phase."""
    health = result["health"]
    p99 = _p99(health)
    return [
        Target(
            label,
            "/health p99",
            f"{p99} ms",
            f"< {HEALTH_P99_MS:g} ms",
            p99 is not None and p99 < HEALTH_P99_MS,
        ),
        Target(label, "/health errors", str(health["errors"]), "0", health["errors"] == 0),
    ]


def evaluate(report: dict[str, Any]) -> list[Target]:
    """The issue's targets, checked against a report's phases."""
    unloaded, loaded = report["unloaded"], report["loaded"]
    base, p99 = _p99(unloaded["reads"]), _p99(loaded["reads"])
    limit = round(P99_FACTOR * base, 3) if base is not None else None
    errors = loaded["reads"]["errors"] + loaded["writes"]["errors"]
    rss = loaded["rss"]
    found = [
        Target("2 loaded", "errors (reads + writes)", str(errors), "0", errors == 0),
        Target(
            "2 loaded",
            "read p99",
            f"{p99} ms",
            f"<= {P99_FACTOR:g} x unloaded p99 {base} ms = {limit} ms",
            p99 is not None and limit is not None and p99 <= limit,
        ),
        Target(
            "2 loaded",
            "server RSS growth",
            f"{rss['growth_mb']:+} MB ({rss['start_mb']} -> {rss['end_mb']}, peak {rss['peak_mb']})",
            f"< {RSS_GROWTH_MB:g} MB",
            rss["growth_mb"] < RSS_GROWTH_MB,
        ),
        *health_targets("3 heavy", report["heavy"]),
    ]
    if report.get("combined"):
        found += health_targets(COMBINED, report["combined"])
    return found


def _cells(latency: dict[str, Any]) -> str:
    if not latency.get("n"):
        return "- / - / -"
    return f"{latency['p50_ms']:.2f} / {latency['p90_ms']:.2f} / {latency['p99_ms']:.2f}"


def _row(phase_name: str, traffic: str, summary: dict[str, Any] | None, target: str, met: str) -> str:
    if summary is None:
        return ""
    lat = summary["latency"]
    cells = [f"{lat[k]:.2f}" if lat.get("n") else "-" for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms")]
    return (
        f"| {phase_name} | {traffic} | {summary['requests']} | {summary['errors']} | "
        + " | ".join(cells)
        + f" | {target} | {met} |\n"
    )


def _yes(*targets: Target) -> str:
    return "; ".join("yes" if t.met else "**NO**" for t in targets)


def _phase_rows(
    name: str, result: dict[str, Any], met: dict[tuple[str, str], Target], key: str | None = None
) -> list[str]:
    """The rows of a phase with heavy queries: /health (with its targets), heavy queries, reads, writes."""
    traffic = result["traffic"]
    key = key or name
    p99, errors = met[(key, "/health p99")], met[(key, "/health errors")]
    every = f"1 per {traffic['interval_s']:g} s each"
    return [
        _row(name, "/health every 50 ms", result["health"], f"p99 {p99.target}; 0 errors", _yes(p99, errors)),
        _row(
            name, f"heavy queries, {traffic['heavy_clients']} clients back to back", result["heavy"], "-", "-"
        ),
        _row(name, f"reads, {traffic['readers']} clients, {every}", result["reads"], "-", "-"),
        _row(name, "createClaim, 1/s", result["writes"], "-", "-"),
    ]


def markdown(report: dict[str, Any]) -> str:
    """The report as a small Markdown page: the table, the targets missed, the notes."""
    results = [Target(**t) for t in report["results"]]
    met = {(t.phase, t.what): t for t in results}
    m = report["machine"]
    unloaded, loaded = report["unloaded"], report["loaded"]
    tier = report["heavy_tier"]
    changed = " with uncommitted changes" if report["git_changed"] else ""
    p99, errors, rss = (
        met[("2 loaded", w)] for w in ("read p99", "errors (reads + writes)", "server RSS growth")
    )
    every = f"1 per {loaded['traffic']['interval_s']:g} s each"
    lines = [
        f"Stress run {report['timestamp']} at commit {report['git_commit']}{changed}, on {m['nproc']} CPUs "
        f"({m['cpu_model']}, {m['memory_gib']} GiB), Python {m['python']}; `{report['command']}`\n\n",
        "| phase | traffic | requests | errors | p50 ms | p90 ms | p99 ms | max ms | target | met |\n",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n",
        _row("1 unloaded", f"reads, 1 client, {every}", unloaded["reads"], "baseline", "-"),
        _row("1 unloaded", "createClaim, 1/s", unloaded["writes"], "-", "-"),
        _row("1b back to back", "reads, 1 client, no writes", report["back_to_back"]["reads"], "-", "-"),
        _row(
            "2 loaded",
            f"reads, {loaded['traffic']['readers']} clients, {every}",
            loaded["reads"],
            f"p99 {p99.target}; 0 errors",
            _yes(p99, errors),
        ),
        _row("2 loaded", "createClaim, 1/s", loaded["writes"], "0 errors", _yes(errors)),
        f"| 2 loaded | server RSS | | | | | | | growth {rss.measured} {rss.target} | {_yes(rss)} |\n",
        _row("2 loaded", "/health every 50 ms", loaded["health"], "-", "-"),
    ]
    if report.get("combined"):
        lines += _phase_rows(COMBINED, report["combined"], met)
    lines += [
        _row(f"3a {tier}", "/health every 50 ms, nothing else", report["health_alone"]["health"], "-", "-"),
        *_phase_rows(f"3 heavy {tier}", report["heavy"], met, "3 heavy"),
    ]
    missed = [t for t in results if not t.met]
    lines.append("\n")
    if missed:
        lines += [f"MISSED: {t.phase}: {t.what} {t.measured}, target {t.target}\n" for t in missed]
    else:
        lines.append("All targets met.\n")
    lines += ["\nNotes:\n\n", *_notes(report)]
    return "".join(lines)


def _notes(report: dict[str, Any]) -> list[str]:
    tier = report["heavy_tier"]
    estimates = report["heavy_estimates"]
    names = {
        "unloaded": "1",
        "back_to_back": "1b",
        "loaded": "2",
        "combined": COMBINED,
        "health_alone": "3a",
        "heavy": "3",
    }
    phases = [(label, report[key]) for key, label in names.items() if report.get(key)]
    on_disk = f", loaded on disk by `evidence-graph load` ({report.get('heavy_store_load_s')} s)"

    def alone(key: str) -> str:
        times = report.get(key) or {}
        return ", ".join(
            f"{times[n]['ms']:.0f}" + ("" if times[n]["ok"] else " (REFUSED)")
            for n in HEAVY_QUERIES
            if n in times
        )

    notes = [
        "- Server: `evidence-graph serve` as shipped (response cache on, default limits, one process). "
        f"Phases 1, 2 and {COMBINED} serve the bundled content in memory; phase 3 serves "
        + (f"the {tier} tier{on_disk}" if tier != BUNDLED else "it too, on a new server")
        + f". Phases 2 and {COMBINED} follow a warm-up of their reads and writes (in the JSON).\n",
        "- The response cache answers a repeated read from memory until the next write; one write per second "
        "empties it, so each query of the read mix runs on the store again after every write. "
        "Heavy queries carry a fresh alias each time and are never answered by the cache.\n",
        f"- Read mix: {', '.join(READ_MIX)}. "
        "Writes: createClaim, an indication of a new drug-condition pair each time.\n",
        f"- Heavy queries: {', '.join(HEAVY_QUERIES)}; estimated nodes "
        + ", ".join(str(estimates[n]["nodes"]) for n in HEAVY_QUERIES)
        + f"; ms each, alone: {alone('heavy_alone_bundled') or '-'} (bundled), "
        + f"{alone('heavy_alone')} ({tier}).\n",
        "- CPU seconds per phase (server / clients / other processes): "
        + "; ".join(
            f"{name} {r['server_cpu_s']} / {r['client_cpu_s']} / {r['other_cpu_s']}" for name, r in phases
        )
        + f". CPU steal over the run: {_steal(report.get('cpu'))}.\n",
    ]
    for name, result in phases:
        split = result.get("reads_near_writes")
        if split and split["near"].get("n") and split["others"].get("n"):
            near, others = split["near"], split["others"]
            notes.append(
                f"- Phase {name}: reads during a write or up to {split['after_s'] * 1000:g} ms after it "
                f"(the cache refilling): {near['n']}, p50 {near['p50_ms']} ms, p99 {near['p99_ms']} ms; "
                f"the others: {others['n']}, p50 {others['p50_ms']} ms, p99 {others['p99_ms']} ms.\n"
            )
    for name, server in report["servers"].items():
        if server.get("log_problems"):
            notes.append(f"- Server log ({name}): {' | '.join(server['log_problems'][:5])}\n")
    for name, result in phases:
        for kind in ("reads", "writes", "heavy", "health"):
            summary = result.get(kind)
            if summary and summary["error_samples"]:
                samples = " | ".join(summary["error_samples"][:3])
                notes.append(f"- {summary['errors']} {kind} error(s) in phase {name}; first: {samples}\n")
    return notes


def _steal(share: dict[str, float] | None) -> str:
    if not share:
        return "not known"
    return f"{share['steal_s']} of {share['cpu_s']} CPU-s ({100 * share['steal_share']:.1f}%)"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.stress", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="length of phases 2, 3 and 4 (default 60)"
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent reader clients (default 50)")
    parser.add_argument(
        "--interval",
        type=float,
        default=0.1,
        help="seconds between two requests of one reader in phases 2 and 4 (default 0.1; 0: back to back)",
    )
    parser.add_argument(
        "--heavy-clients", type=int, default=5, help="clients sending heavy queries (default 5)"
    )
    parser.add_argument(
        "--heavy-tier",
        default=HEAVY_TIER,
        choices=[BUNDLED, "10k", "100k", "1M"],
        help=f"graph served in phases 3 and 4 (default {HEAVY_TIER})",
    )
    parser.add_argument(
        "--no-combined",
        action="store_true",
        help="skip phase 2+heavy (heavy queries beside the load of phase 2)",
    )
    parser.add_argument("--baseline-seconds", type=float, default=60.0, help="length of phase 1 (default 60)")
    parser.add_argument(
        "--health-baseline-seconds", type=float, default=5.0, help="/health alone before phase 3 (default 5)"
    )
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up before phases 2 and 4 (default 3)")
    parser.add_argument("--seed", type=int, default=20260130, help="seed of the clients' start offsets")
    parser.add_argument(
        "--out", type=Path, default=RESULTS_DIR, help="results directory (default bench/results)"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: phases and baseline of 10 s")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = min(args.seconds, 10.0)
        args.baseline_seconds = min(args.baseline_seconds, 10.0)
        args.health_baseline_seconds = min(args.health_baseline_seconds, 3.0)
        args.warmup = min(args.warmup, 2.0)
    args.command = " ".join(["python -m bench.stress", *argv])
    return args


def main(argv: list[str] | None = None) -> int:
    """Run, write the JSON and Markdown results, print the table; 0 whether targets are met or not."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    report = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{report['timestamp']}-stress"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    page = markdown(report)
    stem.with_suffix(".md").write_text(page, encoding="utf-8")
    print()
    print(page)
    print(f"written: {stem}.json, {stem}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
