"""A throw-away PostgreSQL server for tests, from Debian's postgresql package.

Started in a temporary directory on a free port (trust authentication, local
only) and stopped afterwards. PostgreSQL refuses to run as root, so as root
(CI) the server runs as the package's `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.running_system import free_port


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin directory."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name)
    )
    if not versions:
        pytest.fail("PostgreSQL is not installed: apt-get install postgresql (.ci/run does).")
    return versions[-1]


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """Yields the SQLAlchemy URL of a fresh, empty PostgreSQL server."""
    binaries = postgres_bin()
    directory = Path(tempfile.mkdtemp(prefix="pg-test-"))
    as_server_user: list[str] = []
    if os.geteuid() == 0:
        as_server_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(directory, "postgres", "postgres")
    data, port = directory / "data", free_port()

    def run(*command: str | Path) -> None:
        subprocess.run(
            [*as_server_user, *map(str, command)], check=True, capture_output=True, timeout=120
        )

    try:
        run(binaries / "initdb", "-D", data, "--auth=trust", "--username=postgres", "-E", "UTF8")
        options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(
            binaries / "pg_ctl",
            "-D",
            data,
            "-l",
            directory / "server.log",
            "-o",
            options,
            "-w",
            "start",
        )
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            run(binaries / "pg_ctl", "-D", data, "-m", "immediate", "stop")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
