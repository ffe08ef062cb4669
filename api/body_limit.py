"""A cap on request bodies: ``EVIDENCE_GRAPH_MAX_BODY`` bytes (1 MiB by default), else 413.

A pure ASGI middleware, outermost, so no route or other middleware ever holds more than the cap:
a declared ``Content-Length`` over it is refused before the body is read, and a body sent without
one (chunked) is refused as soon as the bytes received pass it.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _TooLargeError(Exception):
    """The body being received has passed the cap."""


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes with 413 and a JSON ``detail``."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count the bytes as the app reads them."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.limit
            except ValueError:
                await _refuse(send, 400, "The Content-Length header is not a number.")
                return
            if too_large:
                await _refuse(send, 413, self._message())
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLargeError
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except _TooLargeError:
            if started:
                raise
            await _refuse(send, 413, self._message())

    def _message(self) -> str:
        return f"The request body is larger than this server's limit of {self.limit:,} bytes."


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
