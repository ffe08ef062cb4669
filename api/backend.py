"""Choosing the store the settings name: embedded Oxigraph (default) or a SPARQL 1.1 server."""

from pathlib import Path

import httpx

from api.settings import Settings
from graph.load import ensure_content, open_store
from graph.remote import RemoteStore
from graph.store import Store


def open_configured_store(settings: Settings, path: Path | None = None) -> Store:
    """The store to serve: ``path`` if given, else the configured SPARQL server, else ``settings.store``.

    ``path`` and ``settings.store`` are embedded stores on disk (in memory when neither is set).
    An empty store gets the bundled content. Raises StoreUnavailableError when the server does
    not answer.
    """
    if path is None and settings.sparql_endpoint:
        auth = None
        if settings.sparql_user:
            password = settings.sparql_password.get_secret_value() if settings.sparql_password else ""
            auth = httpx.BasicAuth(settings.sparql_user, password)
        remote = RemoteStore(
            settings.sparql_endpoint,
            settings.sparql_update_endpoint,
            store_endpoint=settings.sparql_store_endpoint,
            timeout=settings.store_timeout,
            auth=auth,
            bearer_token=settings.sparql_token.get_secret_value() if settings.sparql_token else None,
        )
        return ensure_content(remote)
    return open_store(path if path is not None else settings.store)
