"""Marking a conversation "make this a test" in its transcript (review.marking; issue #19).

Any signed-in member of staff marks and unmarks (forms without JavaScript, CSRF-protected,
POST-redirect-GET, audited without text); the export that turns the marks into test stories
stays the admins' (review.teaching) and the command line's. On SQLite and on a real
PostgreSQL.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask
from flask.testing import FlaskClient

from review import conversation_tests, labels, story_export, training_export
from review.schema import events, marked_tests
from tests.support.review_client import (
    FakeClock,
    audited,
    post_form,
    signed_in_client,
)
from tests.support.review_data import action, bot, review_database, visitor

STAFF = "ana@center.example"
ADMIN = "lee@center.example"
START = time.time() - 2 * 86_400
PAGE = "/conversations/visit-1"
COFFEE = "is it bad to take klonopin with coffee"
MARKED = re.compile(r"Marked as a test by ([^,]+), ")


def conversations() -> dict[str, list[Any]]:
    return {
        "visit-1": [
            action("action_listen", START),
            visitor("hi there", "greet", START + 1),
            action("utter_greet", START + 2),
            bot("Hello!", START + 2, "utter_greet"),
            action("action_listen", START + 3),
        ],
        "alarm-1": [
            action("action_listen", START + 10),
            visitor(COFFEE, "report_emergency", START + 11),
            action("utter_emergency_911", START + 12),
            action("action_listen", START + 13),
        ],
    }


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    yield from review_database(database_url, conversations())


@pytest.fixture
def client(app: Flask, engine: sa.engine.Engine) -> FlaskClient:
    return signed_in_client(app, engine, STAFF)


def mark(client: FlaskClient, sender_id: str = "visit-1", path: str = "/tests/mark") -> str:
    """Posts the transcript's form; the page it redirects to."""
    page = f"/conversations/{sender_id}"
    response = post_form(client, path, page, conversation=sender_id)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"{page}#test"
    return client.get(response.headers["Location"]).get_data(as_text=True)


def marked(engine: sa.engine.Engine) -> dict[str, tuple[str, float | None]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(marked_tests)).all()
    return {row.sender_id: (row.author, row.exported_at) for row in rows}


def test_a_conversation_is_marked_shown_and_unmarked(
    client: FlaskClient, engine: sa.engine.Engine, clock: FakeClock
) -> None:
    html = client.get(PAGE).get_data(as_text=True)
    assert 'action="/tests/mark"' in html and ">Make this a test</button>" in html
    assert 'name="conversation" value="visit-1"' in html and "<script" not in html
    assert "Unmark as a test" not in html

    page = mark(client)
    assert "Marked as a test: the next training data export writes it" in page
    assert MARKED.findall(page) == ["Ana Test"]  # the name, not the e-mail address
    assert "tests/test_stories_reviewed.yml" in page and "Unmark as a test" in page
    (found,) = conversation_tests.pending_test_marks(engine)
    assert (found.sender_id, found.author, found.at, found.exported_at) == (
        "visit-1",
        STAFF,
        clock.now,
        None,
    )

    clock.advance(minutes=5)
    page = mark(client)  # again: nothing changes
    assert "already marked as a test" in page
    assert conversation_tests.mark_of(engine, "visit-1") == found

    page = mark(client, path="/tests/unmark")
    assert "No longer marked as a test." in page and ">Make this a test</button>" in page
    assert marked(engine) == {}
    mark(client, path="/tests/unmark")  # not marked: nothing to audit

    assert [entry for entry in audited(engine, STAFF) if "test" in entry[0]] == [
        ("marked conversation as a test", "visit-1", ""),
        ("unmarked conversation as a test", "visit-1", ""),
    ]


def test_strangers_and_forged_forms_cannot_mark(
    app: Flask, client: FlaskClient, engine: sa.engine.Engine
) -> None:
    stranger = app.test_client()
    for path in ("/tests/mark", "/tests/unmark"):
        assert stranger.post(path, data={"conversation": "visit-1"}).status_code == 401
    # Signed in, but the form does not come from the app's page (no CSRF token).
    response = client.post("/tests/mark", data={"conversation": "visit-1"})
    assert response.status_code == 400 and "The form expired" in response.get_data(as_text=True)
    assert marked(engine) == {}
    assert not [entry for entry in audited(engine, STAFF) if "test" in entry[0]]


def test_only_a_conversation_that_exists_can_be_marked(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    for sender_id in ("no-such-conversation", ""):
        response = post_form(client, "/tests/mark", PAGE, conversation=sender_id)
        assert response.status_code == 404
    assert marked(engine) == {}


def test_the_dashboard_counts_the_marks_and_staff_cannot_export(
    app: Flask, client: FlaskClient, engine: sa.engine.Engine
) -> None:
    mark(client)
    mark(client, "alarm-1")
    html = client.get("/").get_data(as_text=True)
    assert (
        "Conversations marked as tests: <strong>2</strong>, <strong>0</strong> written as test "
        "stories, <strong>2</strong> still open."
    ) in html
    response = post_form(client, "/teach/export-training-data", "/")
    assert response.status_code == 403
    assert ("refused training data export", "/teach/export-training-data", "") in audited(
        engine, STAFF
    )
    assert set(marked(engine)) == {"visit-1", "alarm-1"}
    assert {exported for _, exported in marked(engine).values()} == {None}


def test_an_admin_exports_the_marks_as_test_stories(
    app: Flask,
    client: FlaskClient,
    engine: sa.engine.Engine,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(training_export, "DEFAULT_OUTPUT", tmp_path / "nlu_reviewed.yml")
    mark(client)
    mark(client, "alarm-1")
    with engine.connect() as connection:
        coffee = connection.execute(
            sa.select(events.c.id).where(
                events.c.sender_id == "alarm-1", events.c.type_name == "user"
            )
        ).scalar_one()
    labels.set_label(engine, "alarm-1", coffee, "false_alarm", "", STAFF, START + 20)
    page = client.get("/conversations/alarm-1").get_data(as_text=True)
    assert "It cannot be written yet: a message labelled" in page

    admin = signed_in_client(app, engine, ADMIN, admin=True)
    response = post_form(admin, "/teach/export-training-data", "/")
    assert response.status_code == 302
    summary = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Added 1 test story to" in summary and "1 needing a label" in summary
    written = training_export.DEFAULT_STORIES_OUTPUT  # in tmp_path: conftest.py
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    (found,) = conversation_tests.pending_test_marks(engine)
    day = datetime.fromtimestamp(clock.now, ZoneInfo("America/Chicago")).date().isoformat()
    assert data["stories"] == [
        {
            "story": story_export.story_name("visit-1", day),
            "steps": [{"user": "hi there", "intent": "greet"}, {"action": "utter_greet"}],
        }
    ]
    assert found.sender_id == "alarm-1"
    exported = marked(engine)
    assert exported["visit-1"][1] is not None and exported["alarm-1"][1] is None  # needs a label
    page = client.get(PAGE).get_data(as_text=True)
    assert "Written as a test story to <code>tests/test_stories_reviewed.yml</code> on" in page
    for entry in audited(engine, ADMIN) + audited(engine, STAFF):
        assert "coffee" not in entry[2].lower() and "hi there" not in entry[2].lower()
