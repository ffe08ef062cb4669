"""Response headers that keep browsers safe with this API, and CORS when it is asked for.

Every answer says ``nosniff``, no referrer and no framing. HTML pages (GraphiQL, the OpenAPI docs)
get a Content-Security-Policy that allows only their own scripts and the files this server serves;
every other answer gets ``default-src 'none'``, since nothing in it is meant to run. CORS is off
unless ``EVIDENCE_GRAPH_CORS_ORIGINS`` lists origins (see :func:`cors_options`).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The policy for every answer that is not an HTML page.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
#: GraphiQL and the OpenAPI docs: their inline bootstrap script and the files they load, all
#: from this server (no CDN); ReDoc runs its search in a worker made from a blob.
PAGE_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; "
    "img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    """Add the security headers to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the answer's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                page = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("Content-Security-Policy", PAGE_POLICY if page else API_POLICY)
            await send(message)

        await self.app(scope, receive, with_headers)


def cors_options(origins: list[str]) -> dict[str, Any]:
    """Starlette CORSMiddleware options for ``origins``: GET and POST, the headers a client sends.

    ``Authorization`` is allowed as a header, but credentials (cookies) are not: writes use
    bearer tokens, which a page must hold itself.

    >>> cors_options(["https://app.example"])["allow_methods"]
    ['GET', 'POST']
    """
    return {
        "allow_origins": origins,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["Accept", "Authorization", "Content-Type"],
        "expose_headers": ["x-evidence-graph-cache"],
        "allow_credentials": False,
        "max_age": 600,
    }
