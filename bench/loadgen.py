"""A small HTTP/1.1 load generator: keep-alive connections speaking raw asyncio streams.

The throughput target (1,000 requests/s on two cores shared by server and clients) cannot be
measured with a client that spends milliseconds of CPU per request: ``httpx.AsyncClient`` used
about 3.5 ms of CPU per request here, more than the server. This client writes a request built
once and reads the status line, the headers and a ``Content-Length`` (or chunked) body, about
50 us of CPU per request, as ``wrk`` or ``oha`` would (neither is installed here).

It checks each answer's status and that the body has no ``"errors"`` member; whether the
answer is the right one is checked once per query elsewhere (the ``same`` columns).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any


def post_request(host: str, port: int, path: str, payload: dict[str, Any], headers: dict[str, str]) -> bytes:
    """The bytes of one keep-alive JSON POST."""
    body = json.dumps(payload).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    """Send one request on an open connection; return the status and the body."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if length is not None:
        return status, await reader.readexactly(length)
    if not chunked:
        raise RuntimeError("an answer without Content-Length or chunked encoding")
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return status, b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


@dataclass
class LoadResult:
    """What a load run saw: one latency per good answer, and the errors."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    headers_seen: set[bytes] = field(default_factory=set)


async def _client(host: str, port: int, request: bytes, deadline: float, result: LoadResult) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                status, body = await exchange(reader, writer, request)
            except (OSError, asyncio.IncompleteReadError, RuntimeError, ValueError):
                result.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            if status == 200 and b'"errors"' not in body:
                result.latencies.append(time.perf_counter() - t0)
            else:
                result.errors += 1
    finally:
        writer.close()


async def load(
    host: str, port: int, request: bytes, *, clients: int, seconds: float, warmup: float = 1.0
) -> LoadResult:
    """``clients`` keep-alive connections sending ``request`` back to back for ``seconds``."""
    await asyncio.gather(
        *(_client(host, port, request, time.perf_counter() + warmup, LoadResult()) for _ in range(clients))
    )
    result = LoadResult()
    start = time.perf_counter()
    await asyncio.gather(*(_client(host, port, request, start + seconds, result) for _ in range(clients)))
    result.seconds = time.perf_counter() - start
    return result


class Connection:
    """One keep-alive connection for sequential requests (latency samples)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.loop = asyncio.new_event_loop()
        self.reader, self.writer = self.loop.run_until_complete(asyncio.open_connection(host, port))

    def send(self, request: bytes) -> tuple[int, bytes]:
        """One request, one answer."""
        return self.loop.run_until_complete(exchange(self.reader, self.writer, request))

    def close(self) -> None:
        """Close the connection and its event loop."""
        self.writer.close()
        self.loop.run_until_complete(asyncio.sleep(0))
        self.loop.close()
