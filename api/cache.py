"""Answers to repeated GraphQL queries, served from memory until the store changes.

A pure ASGI middleware in front of ``/graphql``. The key is the store's write generation plus
everything that can change an answer: method, query string, body, and the Accept,
Content-Type and Authorization headers. Only queries are cached (never a mutation), and only
answers with status 200 and no ``errors``. Every write bumps the generation before and after it
commits, so an answer computed while a write ran is filed under a generation no later request
will have: a cached answer is always what the store would answer now.

Identical requests that arrive while the first of them is being answered wait for that answer
(within the GraphQL time limit) instead of computing it again: after a write, a hundred clients
asking the same query cost one computation, not a hundred.

Stores that cannot count writes (a remote SPARQL server that other processes may write to,
``generation`` is None) are never cached. ``EVIDENCE_GRAPH_RESPONSE_CACHE`` sets the number of
answers kept (0 turns the cache off).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from threading import Lock
from urllib.parse import parse_qs

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.graphql import PATH

#: Request bodies larger than this are not cached (the queries apps repeat are small).
MAX_KEY_BYTES = 16 << 10
#: Answers larger than this are not cached.
MAX_ANSWER_BYTES = 1 << 20
#: All cached answers together stay under this.
MAX_TOTAL_BYTES = 64 << 20
#: Documents beyond this many tokens are never queries worth caching (nor worth parsing here).
MAX_TOKENS = 5_000
#: Response header telling a client (and the benchmark) whether the cache answered.
CACHE_HEADER = b"x-evidence-graph-cache"

Key = tuple[int, str, bytes, bytes, bytes, bytes, bytes]


class ResponseCache:
    """ASGI middleware: replay cached ``/graphql`` query answers, store new ones (LRU)."""

    def __init__(self, app: ASGIApp, size: int = 1024) -> None:
        self.app = app
        self.size = size
        self._answers: OrderedDict[Key, tuple[Message, bytes]] = OrderedDict()
        self._computing: dict[Key, asyncio.Event] = {}  # keys being answered now (event loop only)
        self._bytes = 0
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer from the cache, or pass the request on and keep a cacheable answer."""
        if self.size <= 0 or scope["type"] != "http" or scope["path"].rstrip("/") != PATH:
            await self.app(scope, receive, send)
            return
        generation = getattr(scope["app"].state, "store", None)
        generation = getattr(generation, "generation", None)
        if generation is None or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        body, receive = await _read_body(receive)
        headers = dict(scope["headers"])
        if body is None or not _is_query(scope["method"], scope["query_string"], body, headers):
            await self.app(scope, receive, send)
            return
        key: Key = (
            generation,
            scope["method"],
            scope["query_string"],
            body,
            headers.get(b"accept", b""),
            headers.get(b"content-type", b""),
            headers.get(b"authorization", b""),
        )
        computing = self._computing.get(key)
        if computing is not None:  # the same request is being answered: wait for its answer
            wait = float(getattr(getattr(scope["app"].state, "settings", None), "graphql_timeout", 10.0))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(computing.wait(), timeout=wait)
        if await self._replay(key, send):
            return
        if key in self._computing:  # still running past the wait: answer this one on its own
            await self.app(scope, receive, self._keeping(key, send))
            return
        self._computing[key] = done = asyncio.Event()
        try:
            await self.app(scope, receive, self._keeping(key, send))
        finally:
            del self._computing[key]
            done.set()

    async def _replay(self, key: Key, send: Send) -> bool:
        """Send the cached answer of ``key``, if there is one."""
        with self._lock:
            cached = self._answers.get(key)
            if cached is not None:
                self._answers.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
        if cached is None:
            return False
        start, payload = cached
        await send({**start, "headers": [*start["headers"], (CACHE_HEADER, b"hit")]})
        await send({"type": "http.response.body", "body": payload})
        return True

    def _keeping(self, key: Key, send: Send) -> Send:
        """A send that passes the answer on and files it under ``key`` if it can be cached."""
        start: Message = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                message = {**message, "headers": [*message["headers"], (CACHE_HEADER, b"miss")]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._file(key, start, b"".join(chunks))
            await send(message)

        return keep

    def _file(self, key: Key, start: Message, payload: bytes) -> None:
        if start.get("status") != 200 or len(payload) > MAX_ANSWER_BYTES or b'"errors"' in payload:
            return
        with self._lock:
            old = self._answers.pop(key, None)
            if old is not None:
                self._bytes -= _size(key, old[1])
            self._answers[key] = (start, payload)
            self._bytes += _size(key, payload)
            while len(self._answers) > self.size or self._bytes > MAX_TOTAL_BYTES:
                dropped, (_, answer) = self._answers.popitem(last=False)
                self._bytes -= _size(dropped, answer)


def _size(key: Key, payload: bytes) -> int:
    return len(key[2]) + len(key[3]) + len(payload)


async def _read_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """The whole request body (None when too large), and a receive that replays it."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None, _replay([message], receive)
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = message.get("more_body", False)
        if size > MAX_KEY_BYTES:
            consumed: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": more}]
            return None, _replay(consumed, receive)
    body = b"".join(chunks)
    return body, _replay([{"type": "http.request", "body": body, "more_body": False}], receive)


def _replay(messages: Sequence[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _is_query(method: str, query_string: bytes, body: bytes, headers: dict[bytes, bytes]) -> bool:
    """Whether the request runs a GraphQL query operation (not a mutation, not invalid)."""
    document: object
    operation: object
    if method == "GET":
        params = parse_qs(query_string.decode("latin-1"))
        document = params.get("query", [None])[0]
        operation = params.get("operationName", [None])[0]
    else:
        if not headers.get(b"content-type", b"").startswith(b"application/json"):
            return False
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return False
        if not isinstance(payload, dict):
            return False
        document, operation = payload.get("query"), payload.get("operationName")
    if not isinstance(document, str) or not (operation is None or isinstance(operation, str)):
        return False
    return _operation_type(document, operation) is OperationType.QUERY


@lru_cache(maxsize=256)
def _operation_type(document: str, operation: str | None) -> OperationType | None:
    """The type of the operation a document runs (None when it does not parse or is ambiguous).

    >>> _operation_type("{ drugs { totalCount } }", None)
    <OperationType.QUERY: 'query'>
    >>> _operation_type("mutation { retractClaim(id: 1) { claim { id } } }", None)
    <OperationType.MUTATION: 'mutation'>
    >>> _operation_type("{ oops", None) is None
    True
    """
    try:
        ast = get_operation_ast(
            parse(document, max_lexical_tokens=MAX_TOKENS, max_comments=MAX_TOKENS), operation
        )
    except GraphQLError:
        return None
    return ast.operation if ast is not None else None
