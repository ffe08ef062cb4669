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
        remote = RemoteStore(
            settings.sparql_endpoint,
            settings.sparql_update_endpoint,
            store_endpoint=settings.sparql_store_endpoint,
            timeout=settings.store_timeout,
            auth=sparql_auth(settings),
            bearer_token=settings.sparql_token.get_secret_value() if settings.sparql_token else None,
            query_method=settings.sparql_query_method,
            graph_prefix=settings.sparql_graphs or None,
        )
        try:
            return ensure_content(remote)
        except BaseException:
            remote.close()
            raise
    return open_store(path if path is not None else settings.store)


def sparql_auth(settings: Settings) -> httpx.Auth | None:
    """HTTP Basic or Digest auth with the configured user and password (None without a user)."""
    if not settings.sparql_user:
        return None
    password = settings.sparql_password.get_secret_value() if settings.sparql_password else ""
    if settings.sparql_auth == "digest":
        return httpx.DigestAuth(settings.sparql_user, password)
    return httpx.BasicAuth(settings.sparql_user, password)
