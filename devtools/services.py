"""Throw-away PostgreSQL and Redis servers from Debian's packages, in a directory of their own.

Used by the multi-instance stack (devtools/stack.py) and by the tests. Local only
(127.0.0.1, free ports), no persistence beyond the directory. PostgreSQL refuses to
run as root, so as root (CI) it runs as the package's `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devtools.processes import free_port


class ServiceError(RuntimeError):
    """A service could not be installed, started or stopped."""


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin directory."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name)
    )
    if not versions:
        raise ServiceError("PostgreSQL is not installed: run `make system-packages`.")
    return versions[-1]


class PostgresServer:
    """initdb once, then start and stop (the data survives a stop, as in an outage).

    Without `password` every connection over TCP is trusted (the tests' throw-away
    servers); with it, TCP connections need the role's password (SCRAM), as in a
    deployment, and `postgres` has that password.
    """

    def __init__(
        self, directory: Path, port: int | None = None, password: str | None = None
    ) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.password = password
        self.binaries = postgres_bin()
        self.data = directory / "data"
        self._as_server_user: list[str] = []
        if os.geteuid() == 0:
            self._as_server_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its `postgres` database, as the superuser `postgres`."""
        credentials = "postgres" if self.password is None else f"postgres:{self.password}"
        return f"postgresql://{credentials}@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str | Path) -> None:
        completed = subprocess.run(
            [*self._as_server_user, *map(str, command)], capture_output=True, timeout=120
        )
        if completed.returncode != 0:
            raise ServiceError(f"{Path(command[0]).name} failed: {completed.stderr.decode()}")

    def initialise(self) -> None:
        """Creates the cluster (UTF-8; trust or password authentication on 127.0.0.1)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if self._as_server_user:
            shutil.chown(self.directory, "postgres", "postgres")
        authentication = ["--auth=trust"]
        password_file = self.directory / "superuser-password"
        if self.password is not None:
            password_file.write_text(self.password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
            if self._as_server_user:
                shutil.chown(password_file, "postgres", "postgres")
            # The Unix socket, in this server's own directory, stays trusted.
            authentication = [
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={password_file}",
            ]
        try:
            self._run(
                self.binaries / "initdb", "-D", self.data, *authentication,
                "-U", "postgres", "-E", "UTF8",
            )  # fmt: skip
        finally:
            password_file.unlink(missing_ok=True)

    def start(self) -> None:
        """Starts the server and waits until it accepts connections."""
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = self.directory / "server.log"
        self._run(
            self.binaries / "pg_ctl", "-D", self.data, "-l", log, "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """Stops the server (`immediate`: as if it crashed)."""
        self._run(self.binaries / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")


class RedisServer:
    """redis-server on 127.0.0.1, in the foreground as a child process, no persistence."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Starts redis-server and waits until it answers PING."""
        executable = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(executable).exists():
            raise ServiceError("Redis is not installed: run `make system-packages`.")
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [
            executable,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.directory),
            "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.ping():
                return
            if self.process.poll() is not None:
                raise ServiceError("redis-server exited: see redis.log")
            time.sleep(0.1)
        raise ServiceError("redis-server did not answer PING within 30 s")

    def ping(self) -> bool:
        """True if the server answers PING."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stops the server."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@contextmanager
def postgres_server(password: str | None = None) -> Iterator[PostgresServer]:
    """A started PostgreSQL server in a temporary directory; the caller may stop and restart it.

    With `password`, connections need passwords (PostgresServer).
    """
    directory = Path(tempfile.mkdtemp(prefix="pg-test-"))
    try:
        server = PostgresServer(directory, password=password)
        server.initialise()
        server.start()
        try:
            yield server
        finally:
            try:
                server.stop("immediate")
            except ServiceError:
                pass  # already stopped by the caller
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """Yields the SQLAlchemy URL of a fresh, empty PostgreSQL server."""
    with postgres_server() as server:
        yield server.url
