"""Fixtures of every review test.

A test module gives the `engine` (its own conversations, on SQLite and PostgreSQL); `app`,
`clock` and `client` (signed in as a member of staff) come from here unless it gives its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from review import training_export
from tests.support.review_client import FakeClock, review_app, signed_in_client


@pytest.fixture(autouse=True)
def outputs_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes the project's own safety cases, new questions or test stories.

    The export (the CLI, the dashboard's button) writes them beside the training data; a test
    that gives only the training file's place would otherwise write into the checkout.
    """
    default = tmp_path / "default-outputs"
    monkeypatch.setattr(training_export, "DEFAULT_SAFETY_OUTPUT", default / "safety_reviewed.yml")
    monkeypatch.setattr(training_export, "DEFAULT_QUESTIONS_OUTPUT", default / "new_questions.yml")
    monkeypatch.setattr(
        training_export, "DEFAULT_STORIES_OUTPUT", default / "test_stories_reviewed.yml"
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(engine: sa.engine.Engine, clock: FakeClock) -> Flask:
    return review_app(engine, clock=clock)


@pytest.fixture
def client(app: Flask, engine: sa.engine.Engine) -> FlaskClient:
    return signed_in_client(app, engine)
