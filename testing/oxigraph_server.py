"""A real Oxigraph SPARQL server for tests: ``oxigraph serve`` from the PyPI package, started on
a free loopback port with a temporary directory, stopped (and restartable) on demand.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

OXIGRAPH = str(Path(sys.executable).parent / "oxigraph")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class OxigraphServer:
    """One ``oxigraph serve`` process; ``stop()`` and ``start()`` keep its port and data."""

    def __init__(self, location: Path, port: int | None = None, timeout: float = 30.0) -> None:
        self.location = location
        self.port = port or free_port()
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_endpoint(self) -> str:
        """SPARQL 1.1 query endpoint."""
        return self.url + "/query"

    @property
    def update_endpoint(self) -> str:
        """SPARQL 1.1 update endpoint."""
        return self.url + "/update"

    @property
    def store_endpoint(self) -> str:
        """Graph Store Protocol endpoint."""
        return self.url + "/store"

    def start(self, timeout: float = 30.0) -> OxigraphServer:
        """Start the server and wait until it answers a query."""
        self.location.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                OXIGRAPH,
                "serve",
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--union-default-graph",
                "--timeout-s",
                f"{self.timeout:g}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"oxigraph serve exited with {self.process.returncode}: {stderr}")
            try:
                response = httpx.post(
                    self.query_endpoint,
                    content=b"ASK {}",
                    headers={"Content-Type": "application/sparql-query"},
                    timeout=1.0,
                )
                if response.status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer on port {self.port} within {timeout} s")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None
