"""What every command of ``evidence-graph`` shares: its settings, its store, its one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError

from api.backend import open_configured_store
from api.settings import Settings, get_settings
from graph.remote import StoreUnavailableError
from graph.store import Store


class Run:
    """The command being run: whether it shows tracebacks, and its settings once read."""

    debug = False
    read: Settings | None = None

    @classmethod
    def start(cls, *, debug: bool) -> None:
        """A new command: forget the last one's settings."""
        cls.debug, cls.read = debug, None


StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Oxigraph store directory (default: EVIDENCE_GRAPH_STORE, else a fresh in-memory "
        "store with the bundled content).",
        show_default=False,
    ),
]


def fail(message: str, code: int) -> NoReturn:
    """End the command: ``message`` on standard error, exit status ``code``."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def settings() -> Settings:
    """The command's settings, read once (by the callback); one set wrong ends it with a clear error."""
    if Run.read is None:
        Run.read = _read_settings()
    return Run.read


def _read_settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as error:
        problems = "; ".join(
            f"EVIDENCE_GRAPH_{'_'.join(str(part) for part in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        fail(f"error: {problems}", 2)
    except SettingsError as error:  # a value that is not the JSON its setting needs
        cause = f": {error.__cause__}" if error.__cause__ else ""
        fail(f"error: a setting is not valid JSON ({error}){cause}", 2)


def open_store(store: Path | None) -> Store:
    """The configured store (``store``: an embedded one on disk); one that will not open is exit 2."""
    configured = settings()
    try:
        return open_configured_store(configured, store)
    except StoreUnavailableError as error:
        fail(f"error: {error}", 2)
    except OSError as error:  # not a directory, no permission, held by another process
        where = store or configured.store
        held = " (another process, a running server say, holds it)" if "LOCK" in str(error) else ""
        fail(f"error: cannot open the store at {where}: {error.strerror or error}{held}", 2)
