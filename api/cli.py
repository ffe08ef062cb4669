"""The ``evidence-graph`` command line: validate, load, query and count the evidence graph.

Exit codes: 0 success (warnings are printed but pass), 1 SHACL violations or a refused write,
2 bad input (a missing or unreadable file, an unknown format, a syntax error).
"""

from __future__ import annotations

import json
import socket
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer

from api.backend import open_configured_store
from api.cli_common import Run, StoreOption, fail, open_store, settings
from api.cli_import import import_app
from api.exports import DATASETS, SHEETS, ExportFormat, export_bytes
from api.query_output import ResultFormat, format_solutions, query_problem
from graph import __version__
from graph.errors import AmbiguousKeyError, SourceError, SourceExistsError, ValidationFailedError
from graph.gap_formats import gaps_markdown, gaps_text
from graph.gaps import GAP_KINDS, gap_report
from graph.load import load_sources, read_sources, validate_sources
from graph.lookup import NAMED_FILTERS, UnknownNameError, find_one
from graph.remote import RemoteQueryError, RemoteStore, StoreUnavailableError
from graph.stats import store_stats
from graph.store import Store
from graph.validation import use_validator

app = typer.Typer(
    help="Evidence Graph: clinical evidence as a validated RDF knowledge graph.\n\n"
    "Exit codes: 0 done, 1 SHACL violations, 2 bad input or environment (a message says which).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(import_app, name="import")

Files = Annotated[
    list[Path], typer.Argument(help="RDF files: .ttl .trig .nt .nq .jsonld", show_default=False)
]


class ReportFormat(StrEnum):
    """How ``validate`` prints its report."""

    text = "text"
    json = "json"


@app.callback(invoke_without_command=True)
def main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show an unexpected error's traceback.")] = False,
) -> None:
    """Evidence Graph: clinical evidence as a validated RDF knowledge graph."""
    Run.start(debug=debug)
    if version:
        typer.echo(__version__)
        raise typer.Exit(0)
    use_validator(settings().validator)


@app.command()
def validate(
    files: Files,
    store: StoreOption = None,
    output: Annotated[ReportFormat, typer.Option("--format", help="Report format.")] = ReportFormat.text,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also show warnings about nodes outside FILES.")
    ] = False,
) -> None:
    """Check FILES against the shapes, together with what the store holds; write nothing.

    A file replaces the graph of the same name in the check, so the bundled content can be
    re-validated after an edit. Violations are always shown; warnings and infos only for nodes
    described in FILES unless --all. Exit 0 when it conforms (warnings printed), 1 on
    violations, 2 when a file is missing, unreadable or malformed.
    """
    try:
        staging = read_sources(files)
    except SourceError as error:
        fail(f"error: {error}", 2)
    report = validate_sources(open_store(store), staging)
    if output is ReportFormat.json:
        typer.echo(report.to_json())
    else:
        shown = [r for r in report.results if show_all or r.severity == "Violation" or r.file]
        typer.echo(report.to_text(shown))
        hidden = len(report.results) - len(shown)
        if hidden:
            typer.echo(f"({hidden} warning(s)/info(s) about nodes outside these files not shown; use --all)")
    raise typer.Exit(0 if report.conforms else 1)


@app.command()
def load(
    files: Files,
    store: StoreOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace sources whose named graph is already loaded.")
    ] = False,
) -> None:
    """Load FILES into the store, each into its own named graph, only if the result conforms.

    On a syntax error (exit 2) or any SHACL violation (exit 1) nothing is written.
    """
    configured = settings()
    target = store if store is not None else configured.store
    try:
        evidence = open_store(store)
        result = load_sources(evidence, files, replace=replace)
    except SourceError as error:
        fail(f"error: {error}", 2)
    except ValidationFailedError as error:
        fail(f"error: {error}", 1)
    except SourceExistsError as error:
        fail(f"error: {error}", 1)
    for source in result.sources:
        typer.echo(f"loaded {source.quad_count} quads from {source.path} into <{source.graph.value}>")
    for warning in result.report.warnings:
        typer.echo(warning.to_text())
    typer.echo(f"{result.report.warning_count} warning(s); store now holds {len(evidence)} quads")
    if target is None and not configured.sparql_endpoint:
        typer.echo("note: no --store given; the load went to an in-memory store and was not kept")


@app.command()
def query(
    sparql: Annotated[str | None, typer.Argument(help="A SPARQL query (or use --file).")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from a file.")] = None,
    output: Annotated[
        ResultFormat, typer.Option("--format", help="Format of SELECT results.")
    ] = ResultFormat.table,
    store: StoreOption = None,
) -> None:
    """Run a read-only SPARQL query; prefixes ev:, grade:, claim:, skos:, ... are predeclared.

    SELECT results print as a table, JSON (SPARQL 1.1 results) or CSV; ASK prints true or
    false; CONSTRUCT and DESCRIBE print N-Triples.
    """
    if (sparql is None) == (file is None):
        fail("error: give a query or --file, not both", 2)
    if file is not None:
        try:
            sparql = file.read_text(encoding="utf-8")
        except OSError as error:
            fail(f"error: {file}: cannot read the file: {error.strerror or error}", 2)
        except UnicodeDecodeError as error:
            byte = error.object[error.start]
            fail(f"error: {file}: not UTF-8 text ({byte:#04x} at offset {error.start})", 2)
    assert sparql is not None
    evidence = open_store(store)
    try:
        # a SPARQL server's union may hold other graphs than the store's (Virtuoso's own, say)
        own = evidence.own_dataset() if isinstance(evidence, RemoteStore) else None
        result = evidence.query(sparql, default_graph=own, named_graphs=own)
    except (SyntaxError, RemoteQueryError) as error:
        fail(f"error: {'' if file is None else f'{file}: '}{query_problem(sparql, error)}", 2)
    if isinstance(result, ox.QueryBoolean):
        typer.echo("true" if bool(result) else "false")
    elif isinstance(result, ox.QueryTriples | list):
        data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
        sys.stdout.write((data or b"").decode("utf-8"))
    else:
        typer.echo(format_solutions(result, output), nl=False)


@app.command()
def stats(
    store: StoreOption = None,
    output: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.text,
) -> None:
    """Count instances per class, claims per grade and per licensing status, and SHACL warnings."""
    result = store_stats(open_store(store))
    if output is ReportFormat.json:
        typer.echo(json.dumps(result.__dict__, indent=2, ensure_ascii=False))
    else:
        typer.echo(result.to_text())


def _named(evidence: Store, option: str, key: str, kinds: tuple[str, ...]) -> str:
    """The IRI of the one node of ``kinds`` that ``key`` names; else a one-line error, exit 2."""
    try:
        return find_one(evidence, key, kinds, option.removeprefix("--"))
    except AmbiguousKeyError as error:
        fail(f"error: {option}: {error}", 2)
    except UnknownNameError as error:
        fail(f"error: {option}: {str(error)[:1].lower()}{str(error)[1:]}", 2)


def _export_data(evidence: Store, output_format: ExportFormat, drug: str | None, source: str | None) -> bytes:
    """The bytes ``export`` writes, or a one-line error (exit 2) for options that do not fit."""
    if output_format in DATASETS and (drug or source):
        fail(f"error: --format {output_format} writes every named graph; --drug and --source do not apply", 2)
    if output_format in SHEETS and not drug:
        fail(f"error: --format {output_format} writes a drug's teaching sheet: give --drug", 2)
    drug_iri = _named(evidence, "--drug", drug, NAMED_FILTERS["drug"]) if drug else None
    source_iri = _named(evidence, "--source", source, NAMED_FILTERS["source"]) if source else None
    return export_bytes(evidence, output_format, drug_iri, source_iri)


@app.command()
def export(
    store: StoreOption = None,
    output_format: Annotated[
        ExportFormat, typer.Option("--format", help="What to write (see above).")
    ] = ExportFormat.trig,
    drug: Annotated[
        str | None,
        typer.Option("--drug", help="A drug: label, synonym, identifier or IRI.", show_default=False),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="A source document: title or IRI.", show_default=False)
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: standard output).")
    ] = None,
) -> None:
    """Write the store, its claims or a drug's teaching sheet in another format.

    trig, nquads, jsonld: every named graph (a backup: ``load BACKUP --store NEW --replace``
    restores trig and nquads). csv: one row per claim, of --drug and --source if given. markdown,
    html, pdf: the teaching sheet of --drug (one A4 page), of --source alone if given. fhir: a
    FHIR R5 collection Bundle, of --drug and --source if given. A file is written whole or not
    at all.
    """
    data = _export_data(open_store(store), output_format, drug, source)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if output.is_dir():
        fail(f"error: {output}: is a directory; give the path of the file to write", 2)
    partial = output.with_name(output.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(output)  # a file is complete or absent, never half-written
    except OSError as error:
        partial.unlink(missing_ok=True)
        fail(f"error: {output}: cannot write the file: {error.strerror or error}", 2)
    typer.echo(f"wrote {output}", err=True)


class GapFormat(StrEnum):
    """How ``gaps`` prints its report."""

    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def gaps(
    store: StoreOption = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Only this source document: title or IRI.", show_default=False),
    ] = None,
    output: Annotated[GapFormat, typer.Option("--format", help="Report format.")] = GapFormat.text,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help=f"Exit 1 if a gap of these kinds (comma-separated) is found: {', '.join(GAP_KINDS)}.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Report what needs a curator's attention, per source and overall.

    Unresolved and incomplete references, claims without references, uncited markers, unused
    evidence, inferred grades, the curators' crosswalks to GRADE, conflicts between sources and
    nodes without standard identifiers. Exit 0; with --fail-on, 1 when a gap of a listed kind
    is found (for CI); 2 on bad input.
    """
    failing = _gap_kinds(fail_on) if fail_on is not None else set()
    evidence = open_store(store)
    source_iri = _named(evidence, "--source", source, NAMED_FILTERS["source"]) if source else None
    report = gap_report(evidence, source_iri)
    if output is GapFormat.json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif output is GapFormat.markdown:
        typer.echo(gaps_markdown(report), nl=False)
    else:
        typer.echo(gaps_text(report), nl=False)
    found = sorted(kind for kind in failing if report.count(kind))
    if found:
        typer.echo(f"gaps of the kinds {', '.join(found)} found (--fail-on)", err=True)
        raise typer.Exit(1)


def _gap_kinds(given: str) -> set[str]:
    """The kinds named in ``--fail-on`` (any case, - or _); an unknown one is an error, exit 2."""
    kinds = {part.strip().upper().replace("-", "_") for part in given.split(",") if part.strip()}
    unknown = sorted(kinds - set(GAP_KINDS))
    if unknown or not kinds:
        named = ", ".join(unknown) or "(none)"
        fail(f"error: --fail-on: unknown kind(s) {named}; known: {', '.join(GAP_KINDS)}", 2)
    return kinds


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    store: StoreOption = None,
) -> None:
    """Serve GraphQL (/graphql), SPARQL (/sparql), /health and the docs (/docs) over HTTP.

    The store is opened before the server starts listening: a store that cannot be opened, or
    an address that is in use, is an error (exit 2) and nothing is served.
    """
    import uvicorn  # noqa: PLC0415 - only this command needs the server

    from api.app import create_app, settle_heap  # noqa: PLC0415 - keeps the other commands' start-up light

    configured = settings()
    try:
        evidence = open_configured_store(configured, store)
    except (OSError, SourceError, ValidationFailedError, StoreUnavailableError) as error:
        target = store or configured.store or configured.sparql_endpoint
        fail(f"error: cannot open the store {target}: {error}", 2)
    listener = _listen(host or configured.host, port or configured.port)
    typer.echo(f"serving {len(evidence)} quads from {evidence.describe_backend()}")
    served = create_app(store=evidence, settings=configured)
    settle_heap(evidence)
    with listener:
        uvicorn.run(
            served,
            fd=listener.fileno(),
            log_level="info",
            timeout_graceful_shutdown=configured.shutdown_timeout,
        )


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port``; a port in use is an error (exit 2), not a traceback."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as error:
        fail(
            f"error: cannot listen on {host}:{port}: {error.strerror or error} "
            "(choose another port with --port or EVIDENCE_GRAPH_PORT)",
            2,
        )


def run() -> None:
    """The ``evidence-graph`` command: an unexpected error is one line, exit 2 (traceback: ``--debug``)."""
    try:
        app()
    except Exception as error:
        if Run.debug:
            raise
        typer.echo(f"error: {type(error).__name__}: {error} (run with --debug for the traceback)", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    run()
