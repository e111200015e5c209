"""devtools/stack.py: each process of `make stack` gets its own database role, and only that.

Nothing is started: `spawn` is replaced by a recorder. The stack itself runs in
tests/integration/test_multi_instance.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from devtools import stack as stack_module
from devtools.project_files import PROJECT_ROOT
from devtools.stack import Stack
from review.database_roles import RASA, RETENTION, REVIEW


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    # What the caller's shell may hold: the superuser's URL must not reach any process.
    monkeypatch.setenv("CONVERSATIONS_DB_URL", "postgresql://postgres:secret@db/rasa")
    monkeypatch.setenv("REVIEW_DATABASE_URL", "postgresql://postgres:secret@db/rasa")
    made = Stack(tmp_path)
    yield made
    shutil.rmtree(made.postgres.directory, ignore_errors=True)


def spawned_environments(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The environment each process would be started with."""
    started: dict[str, Any] = {}

    def record(command: list[str], cwd: Path, environment: dict[str, str], log: Path) -> None:
        started[log.stem] = environment

    monkeypatch.setattr(stack_module, "spawn", record)
    stack.start_rasa(0, wait=False)
    stack._spawn("review", ["review"], {"REVIEW_DATABASE_URL": stack.review_database_url})
    stack._spawn("actions", ["actions"])
    return started


def user(url: str) -> str | None:
    return sa.engine.make_url(url).username


def test_each_process_signs_in_as_its_own_role(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = spawned_environments(stack, monkeypatch)
    assert user(started["rasa-1"]["CONVERSATIONS_DB_URL"]) == RASA
    assert "REVIEW_DATABASE_URL" not in started["rasa-1"]
    assert user(started["review"]["REVIEW_DATABASE_URL"]) == REVIEW
    assert "CONVERSATIONS_DB_URL" not in started["review"]
    assert not {"CONVERSATIONS_DB_URL", "REVIEW_DATABASE_URL"} & set(started["actions"])
    assert user(stack.retention_database_url) == RETENTION


def test_the_roles_have_passwords_of_their_own(stack: Stack) -> None:
    urls = [stack.rasa_database_url, stack.review_database_url, stack.retention_database_url]
    passwords = {sa.engine.make_url(url).password for url in [*urls, stack.postgres.url]}
    assert len(passwords) == 4 and None not in passwords


def test_the_error_pages_need_no_review_package() -> None:
    """deploy/docker-compose.yml's nginx-error-pages has devtools/ but not review/."""
    code = "import sys; sys.modules['review'] = None; import devtools.stack"
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
