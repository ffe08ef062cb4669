"""A real Virtuoso 7 server for tests: Debian's ``virtuoso-opensource``, started on free loopback
ports in a temporary directory with a ``virtuoso.ini`` of its own, stopped on demand.

The store is reached as docs/deployment.md says: queries to ``/sparql`` by form POST, updates to
``/sparql-auth`` and whole graphs from ``/sparql-graph-crud-auth`` as ``dba`` with HTTP Digest
auth (the password is set to a random one at start).
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from testing.oxigraph_server import free_port

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
#: Why the Virtuoso tests skip on a machine without it.
NOT_INSTALLED = "virtuoso-opensource is not installed: make test-virtuoso installs it"

#: The smallest configuration that serves SPARQL; the paths and ports are filled in.
INI = """\
[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxClientConnections = 20

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}
ServerThreads = 20
MaxClientConnections = 20
MaxKeepAlives = 20
KeepAliveTimeout = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {timeout}
MaxQueryCostEstimationTime = 400
"""


def installed() -> bool:
    """Whether ``virtuoso-t`` and ``isql-vt`` are on the PATH."""
    return VIRTUOSO is not None and ISQL is not None


class VirtuosoServer:
    """One ``virtuoso-t`` process in the foreground, with its database in ``location``."""

    user = "dba"

    def __init__(self, location: Path, *, max_rows: int = 1_000_000, timeout: float = 30.0) -> None:
        self.location = location
        self.http_port = free_port()
        self.sql_port = free_port()
        self.max_rows = max_rows
        self.timeout = timeout
        self.password = secrets.token_urlsafe(16)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_endpoint(self) -> str:
        """SPARQL query endpoint (anonymous, read only)."""
        return self.url + "/sparql"

    @property
    def update_endpoint(self) -> str:
        """SPARQL endpoint that takes updates, behind Digest auth."""
        return self.url + "/sparql-auth"

    @property
    def store_endpoint(self) -> str:
        """Graph Store Protocol endpoint, behind Digest auth."""
        return self.url + "/sparql-graph-crud-auth"

    @property
    def auth(self) -> httpx.DigestAuth:
        """The credentials the update and graph store endpoints ask for."""
        return httpx.DigestAuth(self.user, self.password)

    def start(self, timeout: float = 60.0) -> VirtuosoServer:
        """Start the server, wait until it answers a query, then give ``dba`` its password."""
        if VIRTUOSO is None or ISQL is None:
            raise RuntimeError(NOT_INSTALLED)
        self.location.mkdir(parents=True, exist_ok=True)
        ini = self.location / "virtuoso.ini"
        ini.write_text(
            INI.format(
                root=self.location,
                sql_port=self.sql_port,
                http_port=self.http_port,
                max_rows=self.max_rows,
                timeout=int(self.timeout),
            )
        )
        self.process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=self.location,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}: {self._log()}")
            try:
                response = httpx.post(
                    self.query_endpoint,
                    data={"query": "ASK {}"},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=2.0,
                )
                if response.status_code == 200:
                    self._set_password(deadline)
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"virtuoso-t did not answer on port {self.http_port} within {timeout} s")

    def _set_password(self, deadline: float) -> None:
        """Replace ``dba``'s well-known initial password by this server's random one."""
        assert ISQL is not None
        statement = f"USER_CHANGE_PASSWORD('dba', 'dba', '{self.password}');"
        result = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=max(deadline - time.monotonic(), 1.0),
            check=False,
        )
        if result.returncode != 0 or "Error" in result.stdout + result.stderr:
            self.stop()
            raise RuntimeError(f"isql-vt could not set the dba password: {result.stdout}{result.stderr}")

    def _log(self) -> str:
        log = self.location / "virtuoso.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def stop(self) -> None:
        """Stop the server (SIGTERM: it checkpoints and exits; SIGKILL after 30 s)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
