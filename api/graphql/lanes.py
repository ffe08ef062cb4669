"""Where GraphQL operations run: worker threads off the event loop, in lanes of bounded width.

Resolvers read the store synchronously (embedded Oxigraph, or HTTP to a SPARQL server), so an
operation run on the server's event loop would stop every other request while it runs. Each
operation runs instead on a worker thread with an event loop of its own (DataLoaders batch there
as they would anywhere). Threads are grouped in lanes: light reads, heavy reads (a node estimate
above ``EVIDENCE_GRAPH_GRAPHQL_HEAVY_NODES``, api.graphql.limits) and writes. A full lane makes
its operations wait, within their time budget, without holding up the other lanes or routes that
never reach a lane (``/health``, GraphiQL, the docs).
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeAlias, TypeVar

T = TypeVar("T")
#: What a worker is handed: the operation, the caller's loop, and what to call there with the outcome.
_Job: TypeAlias = tuple[
    Callable[[], Awaitable[Any]], asyncio.AbstractEventLoop, Callable[[Any, BaseException | None], None]
]


class Lane(Enum):
    """The kinds of operation that never wait for one another."""

    LIGHT = "light"
    HEAVY = "heavy"
    WRITE = "write"


class LaneFullError(Exception):
    """No worker of the lane came free within the operation's time budget."""


class _Worker:
    """One thread with an event loop of its own, running the operations handed to it, one at a time.

    Operations come through a queue (the cheapest way to wake a thread); each runs to its end on
    the thread's loop, and its outcome goes back to the server's loop in one callback.
    """

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self.thread.start()

    def submit(self, job: _Job) -> None:
        self._jobs.put(job)

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            while (job := self._jobs.get()) is not None:
                make, caller, done = job
                try:
                    outcome: tuple[Any, BaseException | None] = (loop.run_until_complete(_call(make)), None)
                except BaseException as error:  # handed to the caller, whatever it is
                    outcome = (None, error)
                caller.call_soon_threadsafe(done, *outcome)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def stop(self) -> None:
        """Stop once the running operation, if any, has ended (see :meth:`Lanes.stop`)."""
        self._jobs.put(None)


class _Pool:
    """The workers of one lane and the operations waiting for them."""

    def __init__(self, lane: Lane, size: int) -> None:
        self.lane = lane
        self.size = size
        self.idle: deque[_Worker] = deque()
        self.started = 0
        self.waiting: deque[asyncio.Future[_Worker]] = deque()
        self.workers: list[_Worker] = []

    def take(self) -> _Worker | None:
        if self.idle:
            return self.idle.popleft()
        if self.started < self.size:
            self.started += 1
            worker = _Worker(f"graphql-{self.lane.value}-{self.started}")
            self.workers.append(worker)
            return worker
        return None

    def give_back(self, worker: _Worker) -> None:
        while self.waiting:
            waiter = self.waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self.idle.append(worker)


class Lanes:
    """Run GraphQL operations on worker threads, at most ``sizes[lane]`` at once per lane.

    Made in the app's lifespan and stopped with it; used from the server's event loop only.
    """

    def __init__(self, sizes: dict[Lane, int]) -> None:
        self._pools = {lane: _Pool(lane, size) for lane, size in sizes.items()}

    async def run(self, lane: Lane, make: Callable[[], Awaitable[T]], *, timeout: float) -> T:
        """Run the coroutine ``make()`` on a worker of ``lane``; LaneFullError if none frees in time.

        Once started, the operation runs to its end (its own deadline stops it); a cancelled
        caller stops waiting for it, and the worker is given back when it is done.
        """
        pool = self._pools[lane]
        worker = pool.take()
        if worker is None:
            waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
            pool.waiting.append(waiter)
            try:
                worker = await asyncio.wait_for(asyncio.shield(waiter), timeout=max(timeout, 0))
            except TimeoutError:
                if waiter.done() and not waiter.cancelled():
                    pool.give_back(waiter.result())
                waiter.cancel()
                raise LaneFullError(lane.value) from None
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[T] = loop.create_future()

        def done(value: T, error: BaseException | None) -> None:
            pool.give_back(worker)
            if answer.done():  # the caller stopped waiting
                return
            if error is None:
                answer.set_result(value)
            else:
                answer.set_exception(error)

        worker.submit((make, loop, done))
        return await answer

    def stop(self, wait: float = 2.0) -> None:
        """Stop every worker thread (the server is stopping), waiting ``wait`` seconds in all.

        Workers still running an operation then are left to it: they are daemon threads, and
        the process exits without them.
        """
        workers = [worker for pool in self._pools.values() for worker in pool.workers]
        for worker in workers:
            worker.stop()
        deadline = time.monotonic() + wait
        for worker in workers:
            worker.thread.join(timeout=max(deadline - time.monotonic(), 0))


async def _call(make: Callable[[], Awaitable[T]]) -> T:
    return await make()


__all__ = ["Lane", "LaneFullError", "Lanes"]
