"""``application/graphql-response+json`` for clients that ask for it (GraphQL over HTTP spec).

With that media type, a request error (a document that does not parse or validate, so no field
ran: no error has a ``path``) is answered with status 400; field errors keep 200.
"""

import json
from collections.abc import Awaitable, Callable

from fastapi import Request, Response

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


async def graphql_response_media_type(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Middleware: re-label /graphql JSON responses when the client asked for the GraphQL type."""
    response = await call_next(request)
    if request.url.path.rstrip("/") != "/graphql" or not wants_graphql_response(
        request.headers.get("accept", "")
    ):
        return response
    if not response.headers.get("content-type", "").startswith("application/json"):
        return response
    body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    status = response.status_code
    payload = json.loads(body or b"{}")
    errors = payload.get("errors") or []
    if errors and payload.get("data") is None and all("path" not in e for e in errors):
        status = 400
    headers = {
        k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")
    }
    return Response(content=body, status_code=status, headers=headers, media_type=GRAPHQL_RESPONSE)
