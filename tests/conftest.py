"""Shared fixtures: the project's real files, and the trained model when a test needs it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = PROJECT_ROOT / "models"

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


def load_yaml(relative_path: str) -> Any:
    return yaml.safe_load((PROJECT_ROOT / relative_path).read_text(encoding="utf-8"))


ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def examples_by_intent(relative_path: str) -> dict[str, list[str]]:
    """Reads a Rasa NLU YAML file into {intent: [example, ...]}, entity markup removed."""
    result: dict[str, list[str]] = {}
    for block in load_yaml(relative_path)["nlu"]:
        if "intent" not in block:
            continue
        lines = block["examples"].strip().splitlines()
        result[block["intent"]] = [
            ENTITY_MARKUP.sub(r"\1", line.strip()[2:].strip()) for line in lines
        ]
    return result


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return load_yaml("domain.yml")


def latest_model() -> Path:
    models = sorted(MODEL_DIR.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not models:
        pytest.fail("No trained model in models/: run `make train` (make test does it).")
    return models[-1]


@pytest.fixture(scope="session")
def agent() -> Any:
    """The trained Rasa agent (NLU and policies), loaded once per test session."""
    from rasa.core.agent import Agent

    return Agent.load(str(latest_model()))


def tracker_with(
    latest_message: dict[str, Any], slots: dict[str, Any], latest_action_name: str
) -> Any:
    """A rasa-sdk Tracker as the action server receives it, built inline."""
    from rasa_sdk import Tracker

    return Tracker(
        sender_id="test-visitor",
        slots=slots,
        latest_message=latest_message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=latest_action_name,
    )


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The whole system as `make run` starts it, shared by the end-to-end tests."""
    from tests.running_system import running_system

    with running_system(tmp_path_factory.mktemp("logs")) as running:
        yield running


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty conversations database: a SQLite file, then a real PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('database') / 'conversations.db'}"
    else:
        from tests.postgres import temporary_postgres

        with temporary_postgres() as url:
            yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (never `playwright install`), one per module."""
    from playwright.sync_api import sync_playwright

    from scripts.browser import launch_chromium

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
