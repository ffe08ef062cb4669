"""``application/graphql-response+json`` for clients that ask for it (GraphQL over HTTP spec).

With that media type, a request error (a document that does not parse, validate or fit the
limits, or variables that do not fit their types: no field ran, so no error has a ``path``) is
answered with status 400 and no ``data`` member, as the spec requires; field errors keep 200.
A plain ASGI middleware: requests that do not ask for the media type pass through untouched.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.graphql import PATH

GRAPHQL_RESPONSE = "application/graphql-response+json"


def wants_graphql_response(accept: str) -> bool:
    """Whether an Accept header prefers the GraphQL response media type over plain JSON.

    >>> wants_graphql_response("application/graphql-response+json, application/json;q=0.9")
    True
    >>> wants_graphql_response("application/json")
    False
    >>> wants_graphql_response("application/graphql-response+json;q=0")
    False
    """
    best, best_q = "", 0.0
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media in (GRAPHQL_RESPONSE, "application/json") and q > best_q:
            best, best_q = media, q
    return best == GRAPHQL_RESPONSE


class GraphQLResponseMediaType:
    """Re-label ``/graphql`` JSON answers when the client asked for the GraphQL media type."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass through, or buffer the /graphql answer and rewrite its status and type."""
        if scope["type"] != "http" or scope["path"].rstrip("/") != PATH:
            await self.app(scope, receive, send)
            return
        accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
        if not wants_graphql_response(accept):
            await self.app(scope, receive, send)
            return
        start: Message = {}
        body = bytearray()

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    relabelled, payload = _relabel(start, bytes(body))
                    await send(relabelled)
                    await send({"type": "http.response.body", "body": payload})
            else:
                await send(message)

        await self.app(scope, receive, capture)


def _relabel(start: Message, body: bytes) -> tuple[Message, bytes]:
    """The answer's start and body as the GraphQL response media type gives them."""
    headers = [(k, v) for k, v in start["headers"] if k.lower() not in (b"content-type", b"content-length")]
    content_type = dict(start["headers"]).get(b"content-type", b"")
    if not content_type.startswith(b"application/json"):
        return start, body
    status = start["status"]
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return start, body
    if not isinstance(payload, dict):
        return start, body
    errors = payload.get("errors") or []
    if errors and payload.get("data") is None and all("path" not in e for e in errors):
        status = 400
        payload.pop("data", None)
        body = json.dumps(payload, separators=(",", ":")).encode()
    headers += [(b"content-type", GRAPHQL_RESPONSE.encode()), (b"content-length", str(len(body)).encode())]
    return {"type": "http.response.start", "status": status, "headers": headers}, body
