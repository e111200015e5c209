"""A throw-away PostgreSQL server for tests, from Debian's postgresql package.

Started in a temporary directory on a free port (scripts/local_services.py) and
removed afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts.local_services import PostgresServer, ServiceError


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A started PostgreSQL server the test may stop and start again."""
    directory = Path(tempfile.mkdtemp(prefix="pg-test-"))
    try:
        try:
            server = PostgresServer(directory)
            server.initialise()
            server.start()
        except ServiceError as error:
            pytest.fail(f"{error} (.ci/run installs it)")
        try:
            yield server
        finally:
            try:
                server.stop("immediate")
            except ServiceError:
                pass  # already stopped by the test
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """Yields the SQLAlchemy URL of a fresh, empty PostgreSQL server."""
    with postgres_server() as server:
        yield server.url
