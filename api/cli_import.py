"""``evidence-graph import``: public datasets, each into its own named graph, validated, atomic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from api.cli_common import StoreOption, fail, open_store, settings
from graph.datasets import ImportResult
from graph.drugcentral import import_drugcentral
from graph.errors import SourceError, SourceExistsError, ValidationFailedError
from graph.pharmacotherapydb import import_pharmacotherapydb

import_app = typer.Typer(
    help="Import a public dataset into its own named graph: validated with what the store holds, "
    "written whole or not at all.",
    no_args_is_help=True,
)
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
    configured = settings()
    target = store if store is not None else configured.store
    try:
        evidence = open_store(store)
        result = importer(evidence, path, replace=replace)
    except SourceError as error:
        fail(f"error: {error}", 2)
    except ValidationFailedError as error:
        shown = error.report.violations[:10]
        more = (
            f"\n({error.report.violation_count - len(shown)} more)"
            if error.report.violation_count > 10
            else ""
        )
        fail(f"error: nothing was written. {error.report.to_text(shown)}{more}", 1)
    except SourceExistsError as error:
        fail(f"error: {error}", 1)
    typer.echo(result.to_text())
    typer.echo(f"store now holds {len(evidence)} quads")
    if target is None and not configured.sparql_endpoint:
        typer.echo("note: no --store given; the import went to an in-memory store and was not kept")
