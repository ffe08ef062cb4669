"""The ``evidence-graph`` command line: validate, load, query and count the evidence graph.

Exit codes: 0 success (warnings are printed but pass), 1 SHACL violations or a refused write,
2 bad input (a missing or unreadable file, an unknown format, a syntax error).
"""

from __future__ import annotations

import csv
import io
import json
import socket
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import pyoxigraph as ox
import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError

from api.backend import open_configured_store
from api.exports import DATASETS, SHEETS, ExportFormat, export_bytes
from api.settings import Settings, get_settings
from graph import __version__
from graph.datasets import ImportResult
from graph.drugcentral import import_drugcentral
from graph.errors import AmbiguousKeyError, SourceError, SourceExistsError, ValidationFailedError
from graph.gap_formats import gaps_markdown, gaps_text
from graph.gaps import GAP_KINDS, gap_report
from graph.load import load_sources, read_sources, validate_sources
from graph.lookup import NAMED_FILTERS, closest_names, find_nodes
from graph.namespaces import PREFIXES, shorten
from graph.pharmacotherapydb import import_pharmacotherapydb
from graph.query_check import READ_ONLY, QueryRefusedError, check_query, undeclared_prefix
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
#: Whether an unexpected error shows its traceback (``--debug``).
_debug = False
#: The settings of the command being run (see :func:`_settings`).
_read: Settings | None = None

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Oxigraph store directory (default: EVIDENCE_GRAPH_STORE, else a fresh in-memory "
        "store with the bundled content).",
        show_default=False,
    ),
]
Files = Annotated[
    list[Path], typer.Argument(help="RDF files: .ttl .trig .nt .nq .jsonld", show_default=False)
]


class ReportFormat(StrEnum):
    """How ``validate`` prints its report."""

    text = "text"
    json = "json"


class ResultFormat(StrEnum):
    """How ``query`` prints SELECT results."""

    table = "table"
    json = "json"
    csv = "csv"


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _settings() -> Settings:
    """The command's settings, read once (by the callback); one set wrong ends it with a clear error."""
    global _read  # noqa: PLW0603 - one command per process
    if _read is None:
        _read = _read_settings()
    return _read


def _read_settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as error:
        problems = "; ".join(
            f"EVIDENCE_GRAPH_{'_'.join(str(part) for part in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        _fail(f"error: {problems}", 2)
    except SettingsError as error:  # a value that is not the JSON its setting needs
        cause = f": {error.__cause__}" if error.__cause__ else ""
        _fail(f"error: a setting is not valid JSON ({error}){cause}", 2)


def _open(store: Path | None) -> Store:
    settings = _settings()
    try:
        return open_configured_store(settings, store)
    except StoreUnavailableError as error:
        _fail(f"error: {error}", 2)
    except OSError as error:  # not a directory, no permission, held by another process
        where = store or settings.store
        held = " (another process, a running server say, holds it)" if "LOCK" in str(error) else ""
        _fail(f"error: cannot open the store at {where}: {error.strerror or error}{held}", 2)


@app.callback(invoke_without_command=True)
def main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show an unexpected error's traceback.")] = False,
) -> None:
    """Evidence Graph: clinical evidence as a validated RDF knowledge graph."""
    global _debug, _read
    _debug, _read = debug, None
    if version:
        typer.echo(__version__)
        raise typer.Exit(0)
    use_validator(_settings().validator)


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
        _fail(f"error: {error}", 2)
    report = validate_sources(_open(store), staging)
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
    settings = _settings()
    target = store if store is not None else settings.store
    try:
        evidence = _open(store)
        result = load_sources(evidence, files, replace=replace)
    except SourceError as error:
        _fail(f"error: {error}", 2)
    except ValidationFailedError as error:
        _fail(f"error: {error}", 1)
    except SourceExistsError as error:
        _fail(f"error: {error}", 1)
    for source in result.sources:
        typer.echo(f"loaded {source.quad_count} quads from {source.path} into <{source.graph.value}>")
    for warning in result.report.warnings:
        typer.echo(warning.to_text())
    typer.echo(f"{result.report.warning_count} warning(s); store now holds {len(evidence)} quads")
    if target is None and not settings.sparql_endpoint:
        typer.echo("note: no --store given; the load went to an in-memory store and was not kept")


import_app = typer.Typer(
    help="Import a public dataset into its own named graph: validated with what the store holds, "
    "written whole or not at all.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")
DatasetFolder = Annotated[Path, typer.Argument(help="The dataset's folder.", show_default=False)]
ReplaceDataset = Annotated[
    bool, typer.Option("--replace", help="Replace the dataset's named graph if it is already loaded.")
]


@import_app.command("pharmacotherapydb")
def import_pharmacotherapydb_command(
    path: DatasetFolder, store: StoreOption = None, replace: ReplaceDataset = False
) -> None:
    """Import PharmacotherapyDB 1.0 (indications.tsv of github.com/dhimmel/indications).

    Each row becomes an indication (NOT rows negated) whose evidence is the row. Exit 1 on SHACL
    violations or a dataset already loaded without --replace, 2 on a missing file or a bad row.
    """
    _import(import_pharmacotherapydb, path, store, replace=replace)


@import_app.command("drugcentral")
def import_drugcentral_command(
    path: DatasetFolder, store: StoreOption = None, replace: ReplaceDataset = False
) -> None:
    """Import DrugCentral 2016 (drug_indication.tsv and identifiers.tsv of github.com/olegursu/drugtarget).

    Each row becomes the evidence of an indication (rows about one drug and condition: one claim).
    Exit codes as for pharmacotherapydb.
    """
    _import(import_drugcentral, path, store, replace=replace)


def _import(importer: Callable[..., ImportResult], path: Path, store: Path | None, *, replace: bool) -> None:
    settings = _settings()
    target = store if store is not None else settings.store
    try:
        evidence = _open(store)
        result = importer(evidence, path, replace=replace)
    except SourceError as error:
        _fail(f"error: {error}", 2)
    except ValidationFailedError as error:
        shown = error.report.violations[:10]
        more = (
            f"\n({error.report.violation_count - len(shown)} more)"
            if error.report.violation_count > 10
            else ""
        )
        _fail(f"error: nothing was written. {error.report.to_text(shown)}{more}", 1)
    except SourceExistsError as error:
        _fail(f"error: {error}", 1)
    typer.echo(result.to_text())
    typer.echo(f"store now holds {len(evidence)} quads")
    if target is None and not settings.sparql_endpoint:
        typer.echo("note: no --store given; the import went to an in-memory store and was not kept")


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
        _fail("error: give a query or --file, not both", 2)
    if file is not None:
        try:
            sparql = file.read_text(encoding="utf-8")
        except OSError as error:
            _fail(f"error: {file}: cannot read the file: {error.strerror or error}", 2)
        except UnicodeDecodeError as error:
            byte = error.object[error.start]
            _fail(f"error: {file}: not UTF-8 text ({byte:#04x} at offset {error.start})", 2)
    assert sparql is not None
    evidence = _open(store)
    try:
        # a SPARQL server's union may hold other graphs than the store's (Virtuoso's own, say)
        own = evidence.own_dataset() if isinstance(evidence, RemoteStore) else None
        result = evidence.query(sparql, default_graph=own, named_graphs=own)
    except (SyntaxError, RemoteQueryError) as error:
        _fail(f"error: {'' if file is None else f'{file}: '}{_query_problem(sparql, error)}", 2)
    if isinstance(result, ox.QueryBoolean):
        typer.echo("true" if bool(result) else "false")
    elif isinstance(result, ox.QueryTriples | list):
        data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
        sys.stdout.write((data or b"").decode("utf-8"))
    else:
        typer.echo(_format_solutions(result, output), nl=False)


def _query_problem(sparql: str, error: Exception) -> str:
    """What is wrong with a query the store refused, as a person can act on it.

    rdflib's parser tells an update from a query, and names an undeclared prefix; otherwise the
    engine's message, shortened.
    """
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    try:
        check_query(prologue + sparql)
    except QueryRefusedError as refused:
        if str(refused) == READ_ONLY:
            return "`query` runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE); write with `load`"
    undeclared = undeclared_prefix(prologue + sparql)
    if undeclared is not None:
        return f"unknown prefix {undeclared}: declare it with PREFIX (predeclared: {', '.join(PREFIXES)})"
    message = str(error)
    return f"query syntax error: {message if len(message) <= 200 else message[:200] + ' ...'}"


def _format_solutions(result: ox.QuerySolutions, output: ResultFormat) -> str:
    if output is ResultFormat.json:
        data = result.serialize(format=ox.QueryResultsFormat.JSON)
        return json.dumps(json.loads(data or b"{}"), indent=2, ensure_ascii=False) + "\n"
    names = [v.value for v in result.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in result]
    if output is ResultFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return buffer.getvalue()
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    body = [line(names), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    return "\n".join(body) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


@app.command()
def stats(
    store: StoreOption = None,
    output: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.text,
) -> None:
    """Count instances per class, claims per grade and per licensing status, and SHACL warnings."""
    result = store_stats(_open(store))
    if output is ReportFormat.json:
        typer.echo(json.dumps(result.__dict__, indent=2, ensure_ascii=False))
    else:
        typer.echo(result.to_text())


def _named(evidence: Store, option: str, key: str, kinds: tuple[str, ...]) -> str:
    """The IRI of the one node of ``kinds`` that ``key`` names; else a one-line error, exit 2."""
    found = find_nodes(evidence, key, kinds)
    if len(found) > 1:
        _fail(f"error: {option}: {AmbiguousKeyError(key, found)}", 2)
    if not found:
        closest = closest_names(evidence, key, kinds)
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        _fail(f"error: {option}: no {option.removeprefix('--')} is named {key!r}{hint}", 2)
    return found[0]


def _export_data(evidence: Store, output_format: ExportFormat, drug: str | None, source: str | None) -> bytes:
    """The bytes ``export`` writes, or a one-line error (exit 2) for options that do not fit."""
    if output_format in DATASETS and (drug or source):
        _fail(
            f"error: --format {output_format} writes every named graph; --drug and --source do not apply", 2
        )
    if output_format in SHEETS and not drug:
        _fail(f"error: --format {output_format} writes a drug's teaching sheet: give --drug", 2)
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
    data = _export_data(_open(store), output_format, drug, source)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if output.is_dir():
        _fail(f"error: {output}: is a directory; give the path of the file to write", 2)
    partial = output.with_name(output.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(output)  # a file is complete or absent, never half-written
    except OSError as error:
        partial.unlink(missing_ok=True)
        _fail(f"error: {output}: cannot write the file: {error.strerror or error}", 2)
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
    evidence = _open(store)
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
        _fail(f"error: --fail-on: unknown kind(s) {named}; known: {', '.join(GAP_KINDS)}", 2)
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

    settings = _settings()
    try:
        evidence = open_configured_store(settings, store)
    except (OSError, SourceError, ValidationFailedError, StoreUnavailableError) as error:
        target = store or settings.store or settings.sparql_endpoint
        _fail(f"error: cannot open the store {target}: {error}", 2)
    listener = _listen(host or settings.host, port or settings.port)
    typer.echo(f"serving {len(evidence)} quads from {evidence.describe_backend()}")
    served = create_app(store=evidence, settings=settings)
    settle_heap(evidence)
    with listener:
        uvicorn.run(
            served,
            fd=listener.fileno(),
            log_level="info",
            timeout_graceful_shutdown=settings.shutdown_timeout,
        )


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port``; a port in use is an error (exit 2), not a traceback."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as error:
        _fail(
            f"error: cannot listen on {host}:{port}: {error.strerror or error} "
            "(choose another port with --port or EVIDENCE_GRAPH_PORT)",
            2,
        )


def run() -> None:
    """The ``evidence-graph`` command: an unexpected error is one line, exit 2 (traceback: ``--debug``)."""
    try:
        app()
    except Exception as error:
        if _debug:
            raise
        typer.echo(f"error: {type(error).__name__}: {error} (run with --debug for the traceback)", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    run()
