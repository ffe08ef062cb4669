"""The benchmark runner: load, validate, query and serve at each scale, and write the results.

    python -m bench.run --quick                   # bundled + 10k, short durations (make bench-quick)
    python -m bench.run                           # bundled + 10k + 100k + 1M (make bench)
    python -m bench.run --tiers 10k,100k          # without the 1M tier (the longest)

Writes ``bench/results/<UTC timestamp>.json`` (every sample summary, machine facts, the command)
and ``<timestamp>.md`` (the tables, also printed). Only measured figures are written: a step that
does not finish in its time limit is reported as stopped at that limit.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr
from rdflib import Graph

from api.app import create_app, settle_heap
from api.graphql.context import Context
from api.graphql.schema import schema
from api.settings import Settings
from bench import mutation
from bench.child import maxrss_mib, run_child
from bench.loadgen import Connection, load, post_request
from bench.remote import bench_remote
from graph.load import bundled_files, load_sources, read_sources
from graph.pyshacl_reference import validate_store_pyshacl
from graph.store import EvidenceStore, Store
from graph.validation import candidate_store
from testing.generate import TIERS, dataset_path, triple_count
from testing.oxigraph_server import free_port
from testing.queries import CASES, Case

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BUNDLED = "bundled"
PACKAGES = [
    "pyoxigraph", "rdflib", "pyshacl", "strawberry-graphql", "graphql-core", "fastapi", "uvicorn", "httpx",
]  # fmt: skip
CLIENTS = 16
#: The response cache size the API ships with (api.settings.Settings.response_cache).
DEFAULT_CACHE: int = Settings.model_fields["response_cache"].default
#: The bearer token of the benchmark's author (the server child reads it from its environment).
TOKEN_ENV = "BENCH_API_TOKEN"

# --- timing -------------------------------------------------------------------------------------


def summarize(seconds: list[float]) -> dict[str, Any]:
    """n, p50, p99 (nearest rank), mean and min, in milliseconds."""
    ordered = sorted(seconds)
    n = len(ordered)

    def rank(q: float) -> float:
        return ordered[max(0, min(n - 1, int(-(-q * n // 1)) - 1))] * 1000

    return {
        "n": n,
        "p50_ms": round(rank(0.50), 3),
        "p99_ms": round(rank(0.99), 3),
        "mean_ms": round(sum(ordered) / n * 1000, 3),
        "min_ms": round(ordered[0] * 1000, 3),
    }


def sample(
    fn: Callable[[], object], budget: float, max_n: int, min_n: int = 5, warmup: int = 2
) -> dict[str, Any]:
    """Call ``fn`` until ``budget`` seconds have passed (at least ``min_n``, at most ``max_n`` times)."""
    for _ in range(warmup):
        fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_n and (len(times) < min_n or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return summarize(times)


# --- files of each tier -----------------------------------------------------------------------------


def tier_files(tier: str) -> list[Path]:
    """Ontology + bundled content, plus the generated file of a tier."""
    files = bundled_files()
    return files if tier == BUNDLED else [*files, dataset_path(tier)]


def load_quads(files: list[Path]) -> EvidenceStore:
    """An EvidenceStore holding the files (parsed by Oxigraph, not validated: see README)."""
    store = EvidenceStore()
    store.adopt(read_sources(files).store)
    return store


def parse_quads(files: list[Path]) -> list[Any]:
    """The quads of the files, as the loader reads them."""
    return list(read_sources(files).quads())


# --- (a) load + validate, each in a child process of its own ----------------------------------------


def child_load(mode: str, files: list[str]) -> None:
    """Child: time one load and print JSON with the child's own peak memory."""
    store = EvidenceStore()
    t0 = time.perf_counter()
    if mode == "validate":
        result = load_sources(store, files)
        out: dict[str, Any] = {
            "conforms": result.report.conforms,
            "violations": result.report.violation_count,
            "warnings": result.report.warning_count,
        }
    elif mode == "pyshacl":  # the reference validator, on the same candidate state, no commit
        candidate = candidate_store(read_sources(files).quads())
        report = validate_store_pyshacl(candidate)
        out = {
            "conforms": report.conforms,
            "violations": report.violation_count,
            "warnings": report.warning_count,
        }
        out["quads"] = len(candidate)
    else:
        staging = read_sources(files)
        parsed = time.perf_counter()
        store.adopt(staging.store)  # what load_sources commits, without the validation
        out = {"parse_s": round(parsed - t0, 3), "commit_s": round(time.perf_counter() - parsed, 3)}
    out |= {"seconds": round(time.perf_counter() - t0, 3), "peak_rss_mib": maxrss_mib()}
    out.setdefault("quads", len(store))
    print(json.dumps(out))


def measure_load(tier: str, mode: str, timeout: float) -> dict[str, Any]:
    """Run a load child; a child that outlives ``timeout`` is stopped and reported as such."""
    command = [sys.executable, "-m", "bench.run", "--child-load", mode, *map(str, tier_files(tier))]
    return run_child(command, timeout)


# --- (b, c, f) in-process GraphQL and hand-written SPARQL -------------------------------------------


def bench_in_process(store: Store, budget: float, label: str = "") -> dict[str, dict[str, Any]]:
    """GraphQL through ``schema.execute`` (fresh Context per request) against hand-written SPARQL.

    Both run inside one event loop, as an application's calls would (``await schema.execute``),
    and are sampled alternately, so that a slow spell of the machine hits both alike.
    """

    async def graphql(case: Case) -> dict[str, Any]:
        result = await schema.execute(case.graphql, context_value=Context(store, 600.0))
        if result.errors:
            raise RuntimeError(f"{case.name}: {result.errors}")
        assert result.data is not None
        return result.data

    async def measure(case: Case) -> dict[str, Any]:
        before = store.query_count
        answer = case.from_graphql(await graphql(case))
        round_trips = store.query_count - before
        sparql_answer = case.sparql(store)
        await graphql(case)  # warm-up
        ways: dict[str, list[float]] = {"graphql": [], "sparql": []}
        start = time.perf_counter()
        while len(ways["graphql"]) < 2000 and (
            len(ways["graphql"]) < 5 or time.perf_counter() - start < 2 * budget
        ):
            t0 = time.perf_counter()
            await graphql(case)
            t1 = time.perf_counter()
            case.sparql(store)
            ways["graphql"].append(t1 - t0)
            ways["sparql"].append(time.perf_counter() - t1)
        return {
            "graphql": summarize(ways["graphql"]),
            "sparql": summarize(ways["sparql"]),
            "sparql_round_trips_per_request": round_trips,
            "same_answer_sparql": sparql_answer == answer,
            "rows": _size(answer),
            "answer": answer,
        }

    out: dict[str, dict[str, Any]] = {}
    for case in CASES:
        out[case.name] = asyncio.run(measure(case))
        print(
            f"  {label}{case.name}: graphql {out[case.name]['graphql']['p50_ms']} ms, "
            f"sparql {out[case.name]['sparql']['p50_ms']} ms, "
            f"round trips {out[case.name]['sparql_round_trips_per_request']}",
            flush=True,
        )
    return out


def _size(answer: Any) -> int | None:
    """How many top-level items an answer holds (its totalCount where there is one)."""
    return answer[0] if isinstance(answer, tuple) and isinstance(answer[0], int) else None


# --- (d) the naive baseline ---------------------------------------------------------------------------


def bench_naive(files: list[Path], answers: dict[str, Any], budget: float) -> dict[str, Any]:
    """rdflib in-memory Graph, one SPARQL query per field."""
    graph = Graph()
    t0 = time.perf_counter()
    for path in files:
        graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    out: dict[str, Any] = {"parse_s": round(time.perf_counter() - t0, 3)}
    for case in CASES:
        answer = case.naive(graph)
        out[case.name] = {
            "naive": sample(lambda case=case: case.naive(graph), budget, max_n=200, min_n=1, warmup=0),
            "same_answer": answer == answers[case.name],
        }
        print(f"  naive {case.name}: {out[case.name]['naive']['p50_ms']} ms", flush=True)
    return out


# --- (b, e) over HTTP: uvicorn on a free loopback port, in its own process -----------------------------


def child_serve(port: int, files: list[str]) -> None:
    """Child: serve the app over a store holding ``files`` on 127.0.0.1:port."""
    token = os.environ.get(TOKEN_ENV)
    tokens = {mutation.AUTHOR: SecretStr(token)} if token else {}
    settings = Settings(graphql_timeout=600.0, api_tokens=tokens)
    store = load_quads([Path(f) for f in files])
    app = create_app(store=store, settings=settings)
    settle_heap(store)  # as `evidence-graph serve` does
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


class Server:
    """The API in a child process; stopped by its own pid."""

    def __init__(self, tier: str, cache: int = 0) -> None:
        self.port = free_port()
        self.cache = cache
        self.token = secrets.token_urlsafe(32)
        self.url = f"http://127.0.0.1:{self.port}"
        files = map(str, tier_files(tier))
        command = [sys.executable, "-m", "bench.run", "--child-serve", str(self.port), *files]
        env = {**os.environ, TOKEN_ENV: self.token, "EVIDENCE_GRAPH_RESPONSE_CACHE": str(cache)}
        self.process = subprocess.Popen(command, env=env)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("the server exited before listening")
            time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def graphql_request(server: Server, query: str) -> bytes:
    """A POST /graphql request for ``query``, as bytes for the raw client."""
    return post_request(
        "127.0.0.1", server.port, "/graphql", {"query": query}, {"Accept": "application/json"}
    )


def bench_http(server: Server, answers: dict[str, Any], budget: float) -> dict[str, Any]:
    """Sequential requests, one at a time, over one keep-alive connection (bench.loadgen)."""
    out: dict[str, Any] = {}
    connection = Connection("127.0.0.1", server.port)
    try:
        for case in CASES:
            request_bytes = graphql_request(server, case.graphql)

            def request(request_bytes: bytes = request_bytes, name: str = case.name) -> dict[str, Any]:
                status, raw = connection.send(request_bytes)
                body = json.loads(raw)
                if status != 200 or body.get("errors"):
                    raise RuntimeError(f"{name}: HTTP {status} {body.get('errors')}")
                return body["data"]  # type: ignore[no-any-return]

            same = case.from_graphql(request()) == answers[case.name]
            out[case.name] = {"http": sample(request, budget, max_n=5000), "same_answer": same}
            print(f"  http {case.name}: {out[case.name]['http']['p50_ms']} ms", flush=True)
    finally:
        connection.close()
    return out


def bench_throughputs(uncached: Server, answers: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """(e) on the bundled graph: without the response cache, then as shipped (cache on)."""
    case = next(c for c in CASES if c.name == "grade_a_unlicensed")
    out: dict[str, Any] = {"tier": BUNDLED, "query": case.name}
    out["uncached"] = bench_throughput(uncached, case, args.throughput_seconds)
    print(f"  throughput, no cache: {out['uncached']['requests_per_s']} req/s", flush=True)
    cached = Server(BUNDLED, cache=DEFAULT_CACHE)
    try:
        out["cached_http"] = bench_http(cached, answers, args.latency_seconds)[case.name]
        out["cached"] = bench_throughput(cached, case, args.throughput_seconds)
        print(f"  throughput, cache on: {out['cached']['requests_per_s']} req/s", flush=True)
    finally:
        cached.stop()
    return out


def bench_throughput(server: Server, case: Case, seconds: float) -> dict[str, Any]:
    """16 concurrent keep-alive clients for ``seconds``: requests/s, p50, p99, errors, CPU split."""
    cpu_client0 = resource.getrusage(resource.RUSAGE_SELF)
    cpu_server0 = server.cpu_seconds()
    result = asyncio.run(
        load(
            "127.0.0.1", server.port, graphql_request(server, case.graphql), clients=CLIENTS, seconds=seconds
        )
    )
    cpu_client1 = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_client1.ru_utime + cpu_client1.ru_stime) - (cpu_client0.ru_utime + cpu_client0.ru_stime)
    return {
        "query": case.name,
        "clients": CLIENTS,
        "response_cache": server.cache,
        "requests": len(result.latencies),
        "errors": result.errors,
        "seconds": round(result.seconds, 2),
        "requests_per_s": round(len(result.latencies) / result.seconds, 1),
        "latency": summarize(result.latencies) if result.latencies else None,
        "server_cpu_s": round(server.cpu_seconds() - cpu_server0, 2),
        "client_cpu_s": round(client_cpu, 2),
    }


# --- machine facts ------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {p: metadata.version(p) for p in PACKAGES},
    }


def source_version(root: Path = RESULTS_DIR.parent.parent) -> dict[str, Any] | None:
    """The commit of the code measured, and whether tracked files differ from it (None: not known).

    Read with git from the checkout holding ``root``; results files and caches (untracked) do not
    count as changes.
    """
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"commit": commit, "changed": bool(changes)}


def _source(version: dict[str, Any] | None) -> str:
    if version is None:
        return "commit not known"
    changed = " with uncommitted changes" if version["changed"] else ""
    return f"at commit {version['commit'][:7]}{changed}"


def cpu_seconds() -> dict[str, float] | None:
    """The machine's CPU time so far by kind (all CPUs), from /proc/stat; None where there is none.

    ``steal`` is time the hypervisor gave this virtual machine's CPUs to other guests: on a shared
    host it is what makes the same code slower in one run than in another.
    """
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    names = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
    return {name: int(value) / tick for name, value in zip(names, fields[1:], strict=False)}


def cpu_share(start: dict[str, float] | None, wall: float) -> dict[str, float] | None:
    """Steal and busy CPU seconds since ``start``, and steal as a share of the CPUs' wall time."""
    end = cpu_seconds()
    if start is None or end is None:
        return None
    steal = end.get("steal", 0.0) - start.get("steal", 0.0)
    busy = sum(end[k] - start[k] for k in ("user", "nice", "system", "irq", "softirq") if k in end)
    capacity = wall * len(os.sched_getaffinity(0))
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(capacity, 1),
        "steal_s": round(steal, 1),
        "busy_s": round(busy, 1),
        "steal_share": round(steal / capacity, 4) if capacity else 0.0,
    }


def _steal(share: dict[str, float] | None) -> str:
    if not share:
        return "not known"
    return f"{share['steal_s']} of {share['cpu_s']} CPU-s ({100 * share['steal_share']:.1f}%)"


# --- the report ---------------------------------------------------------------------------------------


def _ms(summary: dict[str, Any] | None) -> str:
    if not summary:
        return "-"
    return f"{summary['p50_ms']:.2f} / {summary['p99_ms']:.2f}"


def _ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
    if not a or not b or not b["p50_ms"]:
        return "-"
    return f"{a['p50_ms'] / b['p50_ms']:.2f}x"


def _load_cell(result: dict[str, Any]) -> str:
    if result["status"] == "stopped":
        return f"stopped at {result['limit_s']:.0f} s"
    if result["status"] != "ok":
        return "failed"
    return f"{result['seconds']:.2f} s, {result['peak_rss_mib']:.0f} MiB"


def targets(report: dict[str, Any]) -> list[tuple[str, str, str]]:  # noqa: PLR0912
    """Each target of the issue: (target, measured, met/missed/not measured)."""
    tiers = report["tiers"]
    rows: list[tuple[str, str, str]] = []
    worst = max(
        (
            (t, c, q["graphql"]["p50_ms"] / q["sparql"]["p50_ms"])
            for t, r in tiers.items()
            for c, q in r["queries"].items()
        ),
        key=lambda x: x[2],
        default=None,
    )
    if worst:
        rows.append(
            (
                "GraphQL in process <= 1.5x hand-written SPARQL, every query and size",
                f"worst {worst[2]:.2f}x ({worst[1]} at {worst[0]})",
                "met" if worst[2] <= 1.5 else "missed",
            )
        )
    big = tiers.get("1M")
    if big and "naive" in big:
        ratios = [
            big["naive"][c.name]["naive"]["p50_ms"] / big["queries"][c.name]["graphql"]["p50_ms"]
            for c in CASES
            if c.is_list
        ]
        rows.append(
            (
                "naive / GraphQL >= 20x on list queries at 1M",
                f"min {min(ratios):.1f}x",
                "met" if min(ratios) >= 20 else "missed",
            )
        )
    else:
        rows.append(("naive / GraphQL >= 20x on list queries at 1M", "1M tier not run", "not measured"))
    http = tiers.get(BUNDLED, {}).get("http", {}).get("grade_a_unlicensed")
    if http:
        p50 = http["http"]["p50_ms"]
        rows.append(
            (
                "HTTP Grade A unlicensed p50 <= 3 ms (bundled)",
                f"{p50:.2f} ms",
                "met" if p50 <= 3 else "missed",
            )
        )
    tp = report.get("throughput")
    if tp:
        on, off = tp["cached"], tp["uncached"]
        ok = on["requests_per_s"] >= 1000 and on["errors"] == 0
        rows.append(
            (
                ">= 1,000 requests/s with 16 clients, 0 errors (bundled)",
                f"{on['requests_per_s']:.0f} req/s, {on['errors']} errors as shipped (response cache on); "
                f"{off['requests_per_s']:.0f} req/s, {off['errors']} errors with the cache off",
                ("met" if ok else "missed")
                + (" (with the cache only)" if off["requests_per_s"] < 1000 else ""),
            )
        )
    page = big and big.get("http", {}).get("page_100")
    if page:
        p50 = page["http"]["p50_ms"]
        rows.append(
            ("HTTP 100-row page p50 <= 50 ms at 1M", f"{p50:.1f} ms", "met" if p50 <= 50 else "missed")
        )
    else:
        rows.append(("HTTP 100-row page p50 <= 50 ms at 1M", "1M tier not run", "not measured"))
    load = big and big.get("load_validate")
    if load and load["status"] == "ok":
        ok = load["seconds"] <= 15 and load["peak_rss_mib"] <= 2048
        rows.append(("load + validate 1M <= 15 s, <= 2 GiB", _load_cell(load), "met" if ok else "missed"))
    elif load:
        rows.append(("load + validate 1M <= 15 s, <= 2 GiB", _load_cell(load), "missed"))
    else:
        largest = [t for t in tiers if t != BUNDLED and tiers[t].get("load_validate")]
        seen = f"{largest[-1]}: {_load_cell(tiers[largest[-1]]['load_validate'])}" if largest else "-"
        rows.append(("load + validate 1M <= 15 s, <= 2 GiB", f"1M not run ({seen})", "not measured"))
    muts = [(t, r["mutation"]) for t, r in tiers.items() if "mutation" in r]
    if muts:
        t, m = muts[-1]
        worst = max(m["in_process"]["p50_ms"], (m.get("http") or {}).get("p50_ms", 0))
        status = "met" if worst <= 100 else "missed"
        if t != "1M":
            status += " at " + t + " (1M not run)"
        measured = f"{t}: create_claim p50 {_ms(m['in_process'])}, HTTP p50 {_ms(m.get('http'))}"
        rows.append(("one mutation on the 1M store <= 100 ms", measured, status))
    else:
        rows.append(("one mutation on the 1M store <= 100 ms", "not run", "not measured"))
    return rows


def markdown(report: dict[str, Any]) -> str:
    """The tables of a run."""
    lines = [
        f"Run {report['timestamp']} on {report['machine']['nproc']} CPUs "
        f"({report['machine']['cpu_model']}, {report['machine']['memory_gib']} GiB), "
        f"Python {report['machine']['python']}, pyoxigraph {report['machine']['packages']['pyoxigraph']}; "
        f"`{report['command']}`, {_source(report.get('source'))}",
        "",
        "CPU steal (time the hypervisor gave this machine's CPUs to other guests, from /proc/stat): "
        + f"whole run {_steal(report.get('cpu'))}; "
        + "; ".join(f"{tier} {_steal(r.get('cpu'))}" for tier, r in report["tiers"].items())
        + ".",
        "",
    ]
    lines += [
        "**(a) Load.** Time and peak RSS of a child process; ontology + bundled content + generated file.",
        "",
        "| tier | triples | parse + commit, no validation | load_sources (parse + SPARQL validation + "
        "commit) | conforms | pySHACL reference (parse + validate, no commit) |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for tier, r in report["tiers"].items():
        plain, full = r["load_plain"], r.get("load_validate")
        plain_cell = _load_cell(plain) + (
            f" (parse {plain['parse_s']:.2f} s)" if plain["status"] == "ok" else ""
        )
        conforms = (
            "-"
            if not full or full["status"] != "ok"
            else (
                f"{'yes' if full['conforms'] else 'NO'} "
                f"({full['violations']} violations, {full['warnings']} warnings)"
            )
        )
        ref = r.get("load_pyshacl")
        ref_cell = "not run" if not ref else _load_cell(ref)
        if ref and ref["status"] == "ok":
            same = (
                full
                and full["status"] == "ok"
                and all(full[k] == ref[k] for k in ("conforms", "violations", "warnings"))
            )
            differs = "" if same else ", DIFFERS"
            ref_cell += f" ({ref['violations']} violations, {ref['warnings']} warnings{differs})"
        lines.append(
            f"| {tier} | {plain.get('quads', '-')} | {plain_cell} | "
            f"{_load_cell(full) if full else 'not run'} | {conforms} | {ref_cell} |"
        )
    lines += [
        "",
        "**(b-d, f) Latency**, p50 / p99 in ms (n samples in the JSON). GraphQL/SPARQL and naive/GraphQL "
        "are ratios of p50s; round trips = SPARQL queries per GraphQL request; same = the answer equals "
        "GraphQL's.",
        "",
        "| tier | query | GraphQL in process | hand-written SPARQL | GraphQL/SPARQL | GraphQL over HTTP | "
        "naive rdflib | naive/GraphQL | round trips | same (SPARQL, naive, HTTP) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for tier, r in report["tiers"].items():
        for case in CASES:
            q = r["queries"][case.name]
            naive = r.get("naive", {}).get(case.name)
            http = r.get("http", {}).get(case.name)
            same = [q["same_answer_sparql"], naive and naive["same_answer"], http and http["same_answer"]]
            marks = ", ".join("-" if s is None else ("yes" if s else "NO") for s in same)
            lines.append(
                f"| {tier} | {case.name} | {_ms(q['graphql'])} | {_ms(q['sparql'])} | "
                f"{_ratio(q['graphql'], q['sparql'])} | {_ms(http and http['http'])} | "
                f"{_ms(naive and naive['naive'])} | {_ratio(naive and naive['naive'], q['graphql'])} | "
                f"{q['sparql_round_trips_per_request']} | {marks} |"
            )
    tp = report.get("throughput")
    if tp:
        lines += [
            "",
            f"**(e) Throughput** over HTTP, {CLIENTS} concurrent keep-alive clients (bench.loadgen) "
            f"for {tp['uncached']['seconds']} s each, query {tp['query']} on the {tp['tier']} graph, "
            "one uvicorn worker; without the response cache (every request runs GraphQL) and as "
            f"shipped (cache of {DEFAULT_CACHE} answers, cleared by every write). One request at a "
            f"time with the cache on: p50 / p99 {_ms(tp['cached_http']['http'])} ms.",
            "",
            "| response cache | requests/s | p50 ms | p99 ms | errors | requests | server CPU s "
            "| client CPU s |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, run in (("off", tp["uncached"]), ("on", tp["cached"])):
            lat = run["latency"] or {}
            lines.append(
                f"| {name} | {run['requests_per_s']:.0f} | {lat.get('p50_ms', '-')} "
                f"| {lat.get('p99_ms', '-')} | {run['errors']} | {run['requests']} "
                f"| {run['server_cpu_s']} | {run['client_cpu_s']} |"
            )
    remote = [(t, r["remote"]) for t, r in report["tiers"].items() if "remote" in r]
    if remote:
        lines += [
            "",
            "**(h) Remote backend**: the same queries in process (`schema.execute`, fresh Context) on a "
            "`RemoteStore` over `oxigraph serve` on loopback holding the same quads, next to the embedded "
            "store; p50 / p99 in ms. Loaded with one `RemoteStore.add_quads` (one SPARQL Update).",
            "",
            "| tier | query | GraphQL embedded | GraphQL remote | remote/embedded "
            "| hand-written SPARQL remote | round trips | same answer |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for tier, rem in remote:
            for case in CASES:
                q, e = rem["queries"][case.name], report["tiers"][tier]["queries"][case.name]
                lines.append(
                    f"| {tier} | {case.name} | {_ms(e['graphql'])} | {_ms(q['graphql'])} | "
                    f"{_ratio(q['graphql'], e['graphql'])} | {_ms(q['sparql'])} | "
                    f"{q['sparql_round_trips_per_request']} | "
                    f"{'yes' if q['same_answer_graphql'] and q['same_answer_sparql'] else 'NO'} |"
                )
        lines += [
            "",
            "Remote load: "
            + "; ".join(f"{t} {rem['quads']} quads in {rem['load_s']:.2f} s" for t, rem in remote)
            + ".",
        ]
    for tier, r in report["tiers"].items():
        m = r.get("mutation")
        if not m:
            continue
        full = m["full_validation"]
        ip, http = m["in_process"], m.get("http")
        ratio = (
            f"{full['seconds'] * 1000 / ip['p50_ms']:.0f}x"
            if full["status"] == "ok" and ip["p50_ms"]
            else "-"
        )
        lines += [
            "",
            f"**(g) Mutation** on the {tier} store: {m['writes']} writes per way (after one warm-up), "
            "each a new indication with one evidence item and a figure; p50 / p99 in ms. Full "
            "re-validation = `validate_store` over the union of the store's graphs after the writes, in a "
            "child process, once. In process, names are resolved before the clock starts; over HTTP "
            "the time includes resolving them.",
            "",
            "| way | p50 / p99 ms | full re-validation | full / one write (p50) |",
            "| --- | ---: | ---: | ---: |",
            f"| `graph.authoring.create_claim` in process | {_ms(ip)} | {_load_cell(full)} | {ratio} |",
            f"| `createClaim` over HTTP, bearer token | {_ms(http)} | | |",
        ]
    lines += [
        "",
        "**Targets**",
        "",
        "| target | measured | status |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {t} | {m} | {s} |" for t, m, s in targets(report)]
    return "\n".join(lines) + "\n"


# --- main ---------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement, tier by tier."""
    tiers = [BUNDLED, *args.tiers]
    report: dict[str, Any] = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ"),
        "command": args.command,
        "settings": {
            k: v
            for k, v in vars(args).items()
            if k not in {"child_load", "child_serve", "child_validate", "command"}
        },
        "machine": machine(),
        "source": source_version(),
        "tiers": {},
    }
    run_start, run_cpu = time.monotonic(), cpu_seconds()
    for tier in tiers:
        print(f"[{tier}]", flush=True)
        tier_start, tier_cpu = time.monotonic(), cpu_seconds()
        files = tier_files(tier)
        r: dict[str, Any] = {"triples_generated": triple_count(files[-1]) if tier != BUNDLED else None}
        report["tiers"][tier] = r
        r["load_plain"] = measure_load(tier, "plain", args.load_timeout)
        print(f"  load without validation: {_load_cell(r['load_plain'])}", flush=True)
        if tier in args.validate_tiers:
            r["load_validate"] = measure_load(tier, "validate", args.load_timeout)
            print(f"  load + validate: {_load_cell(r['load_validate'])}", flush=True)
        if tier in args.pyshacl_tiers:
            r["load_pyshacl"] = measure_load(tier, "pyshacl", args.load_timeout)
            print(f"  parse + pySHACL: {_load_cell(r['load_pyshacl'])}", flush=True)
        store = load_quads(files)
        r["queries"] = bench_in_process(store, args.latency_seconds)
        answers = {name: q.pop("answer") for name, q in r["queries"].items()}
        if tier in args.remote_tiers:
            r["remote"] = bench_remote(list(store.quads()), answers, bench_in_process, args.latency_seconds)
        writes = tier in args.mutation_tiers
        if writes:
            r["mutation"] = {"tier": tier, "writes": args.mutation_writes}
            r["mutation"]["in_process"] = mutation.write_in_process(store, args.mutation_writes, summarize)
            print(f"  create_claim: {_ms(r['mutation']['in_process'])} ms", flush=True)
            r["mutation"]["full_validation"] = mutation.full_validation(store, args.load_timeout)
            print(f"  full re-validation: {_load_cell(r['mutation']['full_validation'])}", flush=True)
            condition_iris = mutation.conditions(store, args.mutation_writes + 1)
        del store
        gc.collect()
        if tier in args.naive_tiers:
            r["naive"] = bench_naive(files, answers, args.naive_seconds)
        server = Server(tier, cache=0)  # every request is answered by GraphQL, not by the cache
        try:
            r["http"] = bench_http(server, answers, args.latency_seconds)
            if tier == BUNDLED and args.throughput_seconds > 0:
                report["throughput"] = bench_throughputs(server, answers, args)
            if writes:
                r["mutation"]["http"] = mutation.write_over_http(
                    server.url, server.token, args.mutation_writes, condition_iris, summarize
                )
                print(f"  createClaim over HTTP: {_ms(r['mutation']['http'])} ms", flush=True)
        finally:
            server.stop()
        r["cpu"] = cpu_share(tier_cpu, time.monotonic() - tier_start)
        print(f"  CPU steal: {_steal(r['cpu'])}", flush=True)
    report["cpu"] = cpu_share(run_cpu, time.monotonic() - run_start)
    return report


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="bundled + 10k, short durations (< 2 min)")
    parser.add_argument(
        "--tiers", help=f"comma-separated generated tiers ({', '.join(TIERS)}); default 10k,100k,1M"
    )
    parser.add_argument("--validate-tiers", help="tiers whose load is also validated (default: all run)")
    parser.add_argument(
        "--pyshacl-tiers",
        help="tiers also validated by the pySHACL reference, as a load column (default bundled,10k; "
        "'none' for none)",
    )
    parser.add_argument(
        "--naive-tiers", help="tiers run against the naive rdflib baseline (default: all run)"
    )
    parser.add_argument("--latency-seconds", type=float, help="time budget per query and way (default 3)")
    parser.add_argument("--naive-seconds", type=float, help="time budget per naive query (default 10)")
    parser.add_argument("--throughput-seconds", type=float, help="throughput run length (default 20)")
    parser.add_argument(
        "--load-timeout", type=float, help="stop a load child after this many s (default 300)"
    )
    parser.add_argument(
        "--remote-tiers",
        help="tiers also run on a RemoteStore over oxigraph serve (default: all run up to 100k)",
    )
    parser.add_argument("--mutation-tiers", help="tiers of the mutation benchmark (default: the largest run)")
    parser.add_argument("--mutation-writes", type=int, help="writes per way (default 50, quick 10)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--child-validate", help=argparse.SUPPRESS)
    parser.add_argument("--child-load", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--child-serve", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {
        "latency_seconds": 0.3 if quick else 3.0,
        "naive_seconds": 0.5 if quick else 10.0,
        "throughput_seconds": 3.0 if quick else 20.0,
        "load_timeout": 120.0 if quick else 300.0,
        "mutation_writes": 10 if quick else 50,
    }
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.tiers = (args.tiers or ("10k" if quick else "10k,100k,1M")).split(",")
    unknown = set(args.tiers) - set(TIERS)
    if unknown:
        parser.error(f"unknown tiers {sorted(unknown)}; known: {', '.join(TIERS)}")
    every = [BUNDLED, *args.tiers]
    args.validate_tiers = args.validate_tiers.split(",") if args.validate_tiers else every
    args.naive_tiers = args.naive_tiers.split(",") if args.naive_tiers else every
    args.pyshacl_tiers = (args.pyshacl_tiers or (BUNDLED if quick else "bundled,10k")).split(",")
    args.remote_tiers = args.remote_tiers.split(",") if args.remote_tiers else [t for t in every if t != "1M"]
    args.mutation_tiers = args.mutation_tiers.split(",") if args.mutation_tiers else [every[-1]]
    args.command = "python -m bench.run " + " ".join(argv) if argv else "python -m bench.run"
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.child_load:
        child_load(args.child_load[0], args.child_load[1:])
        return 0
    if args.child_validate:
        mutation.child_validate(args.child_validate)
        return 0
    if args.child_serve:
        child_serve(int(args.child_serve[0]), args.child_serve[1:])
        return 0
    report = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / report["timestamp"]
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    table = markdown(report)
    stem.with_suffix(".md").write_text(table, encoding="utf-8")
    print()
    print(table)
    print(f"written: {stem}.json, {stem}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
