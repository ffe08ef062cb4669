"""Rendering pages: the Jinja2 templates (api/templates/pages), the stylesheet, embedded JSON-LD.

Templates escape every value (autoescape) and fail on a name they are not given (StrictUndefined),
so a typo in a template is an error in the tests, not an empty cell on a page.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from api.pages.iris import Iris
from api.settings import Settings
from graph.remote import UNAVAILABLE, StoreUnavailableError

API_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = API_DIR / "templates" / "pages"
STATIC_DIR = API_DIR / "static" / "pages"
#: Where the pages' stylesheet is served.
STATIC_URL = "/static/pages"
#: The pages run no script and load nothing but their stylesheet: a policy that allows no more
#: (stricter than api.security's for GraphiQL and the docs, which run scripts).
POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)

logger = logging.getLogger(__name__)

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def json_script(document: Any) -> Markup:
    r"""``document`` as the body of a ``<script type="application/ld+json">``: no ``<``, ``>`` or ``&`` in it.

    >>> str(json_script({"a": "</script>"}))
    '{"a": "\\u003c/script\\u003e"}'
    """
    body = json.dumps(document, ensure_ascii=False)
    return Markup(body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


_environment.filters["json_script"] = json_script


def iris_of(request: Request) -> Iris:
    """The request's mapping between IRIs and this server's paths (public base, root path)."""
    settings: Settings = request.app.state.settings
    return Iris(settings.public_base, request.scope.get("root_path", ""))


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """An HTML answer of ``template`` with ``context`` and what every page needs (root path, stylesheet)."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    html = _environment.get_template(template).render(
        root=root, stylesheet=f"{root}{STATIC_URL}/pages.css", **context
    )
    return HTMLResponse(
        html, status_code=status, headers={"Content-Security-Policy": POLICY, **(headers or {})}
    )


def unavailable(error: StoreUnavailableError) -> PlainTextResponse:
    """The answer when the store does not answer (a SPARQL server down or slow): 503, try again."""
    logger.warning("a page or a node's RDF: %s", error)
    return PlainTextResponse(UNAVAILABLE, status_code=503, headers={"Retry-After": "1"})


def page_files() -> Mount:
    """The route serving the pages' stylesheet."""
    return Mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="page-files")
