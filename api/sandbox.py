"""Client work that can be ended: each job runs in a forked child process with a deadline.

A SPARQL query sent to ``/sparql`` can run for hours inside the engine, which no Python code can
interrupt, and a pathological one can crash the engine's parser. So it runs in a child process:
forked from the server, it shares the store's memory copy-on-write (the answer is that of the
store at the moment of the fork), and the server reads its answer from a pipe. When the deadline
passes or the client goes away, the child is killed and its work ends with it; when the child
crashes, the server answers with an error and goes on. The child also runs at a lower CPU
priority, with a cap on the memory it may allocate (Linux) and, where the kernel allows it,
unable to open network sockets (seccomp), so a query can never make the server call out.

At most ``workers`` children run at once; a job waits for a slot within its own deadline.

On a system without ``fork`` (Windows), jobs run in a thread instead: the deadline then ends the
wait, not the work.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import platform
import resource
import signal
import struct
import sys
import warnings
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread

#: Frame types on the pipe from a child: a chunk of the answer, the closing metadata, an error.
_DATA, _DONE, _FAILED = b"D", b"M", b"E"
_FRAME = struct.Struct("!cI")


TOO_LONG = "The query ran past this server's time limit and was stopped."


class JobError(Exception):
    """A job ended without an answer; ``status`` and ``detail`` are what to tell the client."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class OutputTooLargeError(JobError):
    """The job's answer grew past the size allowed."""


@dataclass(frozen=True)
class Answer:
    """What a job produced: its bytes and the metadata it returned (e.g. the media type)."""

    body: bytes
    meta: dict[str, Any]


class Output:
    """Where a job writes its answer (a file-like object), refused past ``limit`` bytes."""

    def __init__(self, sink: Callable[[bytes], object], limit: int) -> None:
        self._sink = sink
        self._limit = limit
        self.size = 0
        #: Set once the answer outgrows the limit (a serializer may report it as an OSError).
        self.too_large: OutputTooLargeError | None = None

    def write(self, data: bytes) -> int:
        """Send a chunk of the answer (file-like, for serializers that stream)."""
        size = len(data)
        if not size:
            return 0
        self.size += size
        if self.size > self._limit:
            self.too_large = OutputTooLargeError(
                400, f"The answer is larger than this server's limit of {self._limit:,} bytes; add a LIMIT."
            )
            raise self.too_large
        self._sink(bytes(data))
        return size

    def flush(self) -> None:
        """Nothing to do: chunks go to the sink as they are written."""


#: A job: runs in the child, writes its answer to the Output, returns JSON-able metadata.
Job = Callable[[Output], dict[str, Any]]


class Sandbox:
    """Runs jobs in child processes, at most ``workers`` at once, each within its deadline."""

    def __init__(self, *, workers: int, max_output: int, max_memory: int) -> None:
        self.max_output = max_output
        self.max_memory = max_memory
        self.isolated = hasattr(os, "fork")
        self._slots = anyio.Semaphore(workers)
        # forks and reaping wait on locks and children: their own threads, never the shared pool
        self._threads = anyio.CapacityLimiter(workers + 2)
        self._children: set[int] = set()
        #: Jobs started in a child process so far.
        self.started = 0

    async def run(
        self,
        job: Job,
        *,
        timeout: float,
        gone: Callable[[], Awaitable[bool]] | None = None,
        hold: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> Answer:
        """The answer of ``job``, or JobError: 503 if no slot frees in time, 504 past the deadline.

        ``gone`` tells whether the client has left (the job is then ended too); ``hold`` is held
        while the child is forked (the store's :meth:`quiescent`).
        """
        deadline = anyio.current_time() + timeout
        with anyio.move_on_after(timeout) as waiting:
            await self._slots.acquire()
        if waiting.cancelled_caught:
            raise JobError(503, "The server is busy with other queries; try again shortly.")
        try:
            if not self.isolated:
                return await self._in_thread(job, deadline)
            return await self._in_child(job, deadline, gone, hold)
        finally:
            self._slots.release()

    def stop(self) -> None:
        """Kill every child still running (the server is stopping)."""
        for pid in list(self._children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    # --- in a child process -----------------------------------------------------------------

    async def _in_child(
        self,
        job: Job,
        deadline: float,
        gone: Callable[[], Awaitable[bool]] | None,
        hold: Callable[[], AbstractContextManager[None]],
    ) -> Answer:
        pid, fd = await anyio.to_thread.run_sync(self._fork, job, hold, limiter=self._threads)
        self._children.add(pid)
        self.started += 1
        try:
            reading = asyncio.ensure_future(_read_frames(fd, self.max_output))
            watching = asyncio.ensure_future(_watch(gone)) if gone is not None else None
            waited = {reading} if watching is None else {reading, watching}
            left = max(deadline - anyio.current_time(), 0)
            done, _ = await asyncio.wait(waited, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            if reading not in done:
                reading.cancel()
                self._kill(pid)
                if watching is not None and watching in done:
                    raise JobError(499, "The client went away; the query was stopped.")
                raise JobError(504, TOO_LONG)
            if watching is not None:
                watching.cancel()
            frames = reading.result()
        except BaseException:
            self._kill(pid)
            raise
        finally:
            status = await anyio.to_thread.run_sync(_reap, pid, limiter=self._threads)
            self._children.discard(pid)
        return _answer(frames, status)

    def _fork(self, job: Job, hold: Callable[[], AbstractContextManager[None]]) -> tuple[int, int]:
        read_end, write_end = os.pipe()
        with hold(), warnings.catch_warnings():
            # The child runs the job and exits: it never uses the other threads' locks, and a
            # lock a thread held at the fork (a rare stall) is ended by the deadline.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; its work is checked through the parent
            os.close(read_end)
            _child(job, write_end, self.max_output, self.max_memory)
        os.close(write_end)
        os.set_blocking(read_end, False)
        return pid, read_end

    def _kill(self, pid: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    # --- without fork -----------------------------------------------------------------------

    async def _in_thread(self, job: Job, deadline: float) -> Answer:
        chunks: list[bytes] = []

        def work() -> dict[str, Any]:
            try:
                return job(Output(chunks.append, self.max_output))
            except JobError as error:
                return {"error": {"status": error.status, "detail": error.detail}}

        with anyio.move_on_after(max(deadline - anyio.current_time(), 0)) as scope:
            meta = await anyio.to_thread.run_sync(work, limiter=self._threads, abandon_on_cancel=True)
        if scope.cancelled_caught:
            raise JobError(504, TOO_LONG)
        if "error" in meta:
            raise JobError(meta["error"]["status"], meta["error"]["detail"])
        return Answer(b"".join(chunks), meta)


def _child(job: Job, fd: int, max_output: int, max_memory: int) -> None:  # pragma: no cover
    """Run ``job`` in the forked child and exit, whatever happens (never return to the server)."""
    code = 0
    try:
        _confine(max_memory)
        with os.fdopen(fd, "wb", buffering=1 << 16) as pipe:

            def send(data: bytes) -> None:
                pipe.write(_FRAME.pack(_DATA, len(data)))
                pipe.write(data)

            try:
                meta = job(Output(send, max_output))
                frame, payload = _DONE, json.dumps(meta).encode()
            except JobError as error:
                frame, payload = (
                    _FAILED,
                    json.dumps({"status": error.status, "detail": error.detail}).encode(),
                )
            except MemoryError:
                detail = "The query needed more memory than this server allows."
                frame, payload = _FAILED, json.dumps({"status": 400, "detail": detail}).encode()
            pipe.write(_FRAME.pack(frame, len(payload)))
            pipe.write(payload)
    except BaseException:
        code = 70  # anything else: the parent reports an internal error
    finally:
        os._exit(code)


_network_off = False


def network_off() -> bool:
    """Whether this process can no longer open network sockets (a confined child)."""
    return _network_off


def _confine(max_memory: int) -> None:  # pragma: no cover - runs in the child
    """Lower the child's priority, cap its memory, take away its network, tie it to the server."""
    global _network_off  # noqa: PLW0603 - one flag per process, set once in the child
    with contextlib.suppress(OSError):
        os.nice(10)
    sys.setrecursionlimit(20_000)  # the query checker's parser recurses; a crash ends only the child
    if sys.platform == "linux":
        with contextlib.suppress(OSError, ValueError):
            _limit_memory(max_memory)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        _network_off = no_network(libc)


def _limit_memory(extra: int) -> None:  # pragma: no cover - runs in the child
    pages = int(Path("/proc/self/statm").read_bytes().split()[0])
    size = pages * os.sysconf("SC_PAGE_SIZE") + extra
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        size = min(size, hard)
    resource.setrlimit(resource.RLIMIT_AS, (size, hard))


# --- seccomp: no new IPv4/IPv6 sockets ----------------------------------------------------------

_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SOCKET_SYSCALL = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}


def no_network(libc: Any | None = None) -> bool:
    """Forbid this process to open IPv4 and IPv6 sockets from now on (seccomp; Linux x86-64, arm64).

    ``socket()`` then fails with EACCES. Irreversible: for child processes only. Returns whether
    the filter is in place.
    """
    arch = _SOCKET_SYSCALL.get(platform.machine())
    if sys.platform != "linux" or arch is None:
        return False
    libc = libc or ctypes.CDLL(None, use_errno=True)
    audit_arch, socket_nr = arch
    load, jump_eq, ret = 0x20, 0x15, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | 13  # SECCOMP_RET_ERRNO | EACCES
    program = [
        (load, 0, 0, 4),  # seccomp_data.arch
        (jump_eq, 0, 5, audit_arch),
        (load, 0, 0, 0),  # seccomp_data.nr
        (jump_eq, 0, 3, socket_nr),
        (load, 0, 0, 16),  # seccomp_data.args[0], the address family (low half)
        (jump_eq, 2, 0, 2),  # AF_INET
        (jump_eq, 1, 0, 10),  # AF_INET6
        (ret, 0, 0, allow),
        (ret, 0, 0, deny),
    ]
    filters = (_SockFilter * len(program))(*(_SockFilter(*step) for step in program))
    fprog = _SockFprog(len(program), filters)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0)


class _SockFilter(ctypes.Structure):
    """``struct sock_filter``: one classic BPF instruction."""

    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    """``struct sock_fprog``: a BPF program."""

    _fields_ = [
        ("len", ctypes.c_ushort),
        ("filter", ctypes.POINTER(_SockFilter)),
    ]


# --- the parent's side of the pipe ------------------------------------------------------------


async def _read_frames(fd: int, max_output: int) -> list[tuple[bytes, bytes]]:
    """Every frame the child sends until it closes the pipe (bounded by ``max_output``).

    The pipe is read with the loop's reader callbacks and closed here, by its one owner (a pipe
    transport over a file object would leave two owners of the descriptor with some loops).
    """
    loop = asyncio.get_running_loop()
    received = bytearray()
    ended: asyncio.Future[None] = loop.create_future()
    cap = max_output + (1 << 16)

    def readable() -> None:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if chunk:
            received.extend(chunk)
            if len(received) <= cap:
                return
        loop.remove_reader(fd)
        if ended.done():
            return
        if chunk:
            ended.set_exception(
                OutputTooLargeError(400, f"The answer is larger than {max_output:,} bytes; add a LIMIT.")
            )
        else:
            ended.set_result(None)  # the child closed the pipe (finished, or died)

    loop.add_reader(fd, readable)
    try:
        await ended
    finally:
        loop.remove_reader(fd)
        os.close(fd)
    frames: list[tuple[bytes, bytes]] = []
    view = memoryview(received)
    position = 0
    while position + _FRAME.size <= len(view):
        kind, size = _FRAME.unpack_from(view, position)
        position += _FRAME.size
        if position + size > len(view):
            break  # a frame cut short: the child died while writing it
        frames.append((kind, bytes(view[position : position + size])))
        position += size
    view.release()
    return frames


async def _watch(gone: Callable[[], Awaitable[bool]]) -> None:
    """Return once the client has gone away."""
    while not await gone():
        await asyncio.sleep(0.25)


def _reap(pid: int) -> int:
    """Wait for a child that has finished or been killed; its wait status."""
    _, status = os.waitpid(pid, 0)
    return status


def _answer(frames: list[tuple[bytes, bytes]], status: int) -> Answer:
    """The answer the frames make, or the error they (or the child's death) tell."""
    if frames and frames[-1][0] == _DONE:
        body = b"".join(data for kind, data in frames if kind == _DATA)
        return Answer(body, json.loads(frames[-1][1]))
    if frames and frames[-1][0] == _FAILED:
        error = json.loads(frames[-1][1])
        raise JobError(int(error["status"]), str(error["detail"]))
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGSEGV:
            raise JobError(400, "The query engine could not handle this query (is it nested too deeply?).")
        if number == signal.SIGABRT:
            raise JobError(400, "The query needed more memory than this server allows.")
    raise JobError(500, "The query process ended without an answer.")
