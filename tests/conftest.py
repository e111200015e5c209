"""Shared fixtures: the project's real files, and the trained model when a test needs it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.nlu_evaluation import response_generator
from devtools.project_files import latest_model, load_yaml

TESTS = Path(__file__).resolve().parent
# What a test needs, from its folder or its fixtures: `model` a trained model, `server` a
# server or browser it starts. `make unit` runs the tests that need neither.
MARKER_OF_FOLDER = {"model": "model", "integration": "server"}
MARKER_OF_FIXTURE = {"agent": "model", "system": "server", "browser": "server"}

os.environ.setdefault("ACTION_SERVER_URL", "http://localhost:5055/webhook")
os.environ.setdefault("ACTION_SERVER_TOKEN", "token-for-tests-only")
for variable, default in {
    "LOCK_STORE_TYPE": "in_memory",
    "REDIS_HOST": "localhost",
    "REDIS_PORT": "6379",
    "REDIS_DB": "1",
    "REDIS_PASSWORD": "",
}.items():
    os.environ.setdefault(variable, default)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks each test `model` and/or `server` by its folder and the fixtures it uses."""
    for item in items:
        needs = {MARKER_OF_FOLDER.get(item.path.relative_to(TESTS).parts[0])}
        needs |= {MARKER_OF_FIXTURE.get(name) for name in getattr(item, "fixturenames", ())}
        for marker in sorted(needs - {None}):
            item.add_marker(marker)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return load_yaml("domain.yml")


@pytest.fixture(scope="session")
def agent() -> Any:
    """The trained Rasa agent (NLU and policies), loaded once per test session."""
    from rasa.core.agent import Agent

    return Agent.load(str(latest_model()), generator=response_generator())


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The whole system as `make run` starts it, shared by the end-to-end tests."""
    from devtools.running_system import running_system

    with running_system(tmp_path_factory.mktemp("logs")) as running:
        yield running


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.server)]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty conversations database: a SQLite file, then a real PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('database') / 'conversations.db'}"
    else:
        from devtools.services import temporary_postgres

        with temporary_postgres() as url:
            yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (never `playwright install`), one per module."""
    from playwright.sync_api import sync_playwright

    from devtools.browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop-sized tab in its own browser context (no shared cookies or storage)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()
