"""The dashboard's "Teach the bot" section: the labelling backlog and the admins' export.

The backlog counts labels per kind, exported or not (review.labels.backlog). The export
button runs the CLI's export (review.training_export) for administrators only, audited as
the CLI's export; outside a checkout it says who can run it instead (review.teaching). On
SQLite and on a real PostgreSQL.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from review import labels, training_export
from review.schema import events
from tests.support.review_client import audited, post_form, signed_in_client
from tests.support.review_data import bot, review_database, visitor

ADMIN = "lee@center.example"
STAFF = "sam@center.example"
START = time.time() - 2 * 86_400
# Not in the training data nor in a held-out file (test_training_export.py uses them too).
THANKS = "thx a bunch"
HABIT = "Is  Klonopin habit forming for real??"
FOOD = "hows the food at the clinic"
EXPORT = "/teach/export-training-data"
ROW = re.compile(
    r'<tr id="backlog-(\w+)"><th scope="row">[^<]*</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>'
)
TOTALS = re.compile(r"<li><strong>(\d+)</strong> (labels|exported|still open)</li>")


def conversations() -> dict[str, list[Any]]:
    return {
        "visitor-1": [
            visitor(THANKS, "nlu_fallback", START, 0.2),
            bot("Sorry, I didn't catch that.", START + 1, "utter_ask_rephrase"),
            visitor(HABIT, "nlu_fallback", START + 60, 0.3),
            visitor(FOOD, "nlu_fallback", START + 120, 0.3),
        ],
    }


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    yield from review_database(database_url, conversations())


@pytest.fixture
def admin(app: Flask, engine: sa.engine.Engine) -> FlaskClient:
    return signed_in_client(app, engine, ADMIN, admin=True)


@pytest.fixture
def staff(app: Flask, engine: sa.engine.Engine) -> FlaskClient:
    return signed_in_client(app, engine, STAFF)


@pytest.fixture
def output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's default output file, moved out of the checkout."""
    path = tmp_path / "data" / "nlu_reviewed.yml"
    monkeypatch.setattr(training_export, "DEFAULT_OUTPUT", path)
    return path


def label(engine: sa.engine.Engine, text: str, kind: str, target: str = "") -> None:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(events.c.id, events.c.data).where(events.c.type_name == "user")
        ).all()
    (event_id,) = [row.id for row in rows if json.loads(row.data)["text"] == text]
    assert labels.set_label(engine, "visitor-1", event_id, kind, target, "a@b.c", START)


def backlog_shown(client: FlaskClient) -> tuple[dict[str, int], dict[str, tuple[int, int, int]]]:
    """The dashboard's totals ({labels, exported, still open}) and rows (kind: counts)."""
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="teach"') :]
    totals = {name: int(count) for count, name in TOTALS.findall(section)}
    rows = {kind: (int(a), int(b), int(c)) for kind, a, b, c in ROW.findall(section)}
    return totals, rows


def notices(html: str) -> str:
    """The flashed messages of a page."""
    start = html.index('<div class="notices"')
    return html[start : html.index("</div>", start)]


def export(client: FlaskClient, **fields: str) -> Any:
    return post_form(client, EXPORT, "/", **fields)


def export_audit(engine: sa.engine.Engine, actor: str = ADMIN) -> list[tuple[str, str, str]]:
    return [entry for entry in audited(engine, actor) if "training data" in entry[0]]


def test_the_backlog_counts_labels_per_kind(staff: FlaskClient, engine: sa.engine.Engine) -> None:
    totals, rows = backlog_shown(staff)
    assert totals == {"labels": 0, "exported": 0, "still open": 0}
    assert list(rows) == ["intent", "new_question", "emergency", "crisis", "false_alarm"]
    assert set(rows.values()) == {(0, 0, 0)}

    label(engine, THANKS, "intent", "thank")
    label(engine, HABIT, "intent", "faq/signs_of_addiction")
    label(engine, FOOD, "new_question")
    totals, rows = backlog_shown(staff)
    assert totals == {"labels": 3, "exported": 0, "still open": 3}
    assert rows["intent"] == (2, 0, 2) and rows["new_question"] == (1, 0, 1)
    assert rows["crisis"] == (0, 0, 0)

    html = staff.get("/").get_data(as_text=True)
    assert 'href="/unanswered?days=30">Label the unanswered questions</a>' in html
    assert EXPORT not in html and "Export training data" not in html  # admins only


def test_an_admin_exports_from_the_dashboard(
    admin: FlaskClient, engine: sa.engine.Engine, output: Path
) -> None:
    label(engine, THANKS, "intent", "thank")
    label(engine, HABIT, "intent", "faq/signs_of_addiction")
    label(engine, FOOD, "new_question")
    html = admin.get("/").get_data(as_text=True)
    assert f'action="{EXPORT}"' in html and "Export training data" in html

    dry = export(admin, dry_run="yes")
    assert dry.status_code == 302 and dry.headers["Location"] == "/#teach"
    page = admin.get("/").get_data(as_text=True)
    assert f"Would add 2 examples to {output}" in page and "Dry run: nothing was written." in page
    assert not output.exists()
    assert backlog_shown(admin)[0] == {"labels": 3, "exported": 0, "still open": 3}

    response = export(admin)
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Added 2 examples to {output}" in page
    assert "Skipped: 0 already in the training data" in page
    assert "klonopin" not in notices(page).lower() and "thx" not in notices(page)  # counts only
    text = output.read_text(encoding="utf-8")
    assert '- text: "thx a bunch"' in text and "- intent: faq/signs_of_addiction" in text

    totals, rows = backlog_shown(admin)
    assert totals == {"labels": 3, "exported": 3, "still open": 0}
    assert rows["intent"] == (2, 2, 0) and rows["new_question"] == (1, 1, 0)

    (dry_entry, entry) = export_audit(engine)
    assert dry_entry[:2] == ("exported training data", str(output))
    assert dry_entry[2].startswith("dry run: 2 added, 0 kept")
    assert entry == ("exported training data", str(output), entry[2])
    assert entry[2].startswith("2 added, 0 kept, 0 already trained, 0 held out, 0 gone")
    assert "thx" not in entry[2] and "klonopin" not in entry[2].lower()


def test_staff_who_are_not_admins_are_refused(
    staff: FlaskClient, engine: sa.engine.Engine, output: Path
) -> None:
    label(engine, THANKS, "intent", "thank")
    response = export(staff)
    assert response.status_code == 403
    assert "This page is for administrators." in response.get_data(as_text=True)
    assert not output.exists()
    assert labels.backlog(engine).exported == 0
    assert export_audit(engine, STAFF) == [
        ("refused training data export", EXPORT, ""),
    ]


def test_strangers_are_sent_to_sign_in(app: Flask, engine: sa.engine.Engine, output: Path) -> None:
    label(engine, THANKS, "intent", "thank")
    stranger = app.test_client()
    page = stranger.get("/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert stranger.post(EXPORT).status_code == 401  # a form sent without signing in
    assert not output.exists() and labels.backlog(engine).exported == 0


def test_without_its_csrf_token_the_export_is_refused(
    admin: FlaskClient, engine: sa.engine.Engine, output: Path
) -> None:
    label(engine, THANKS, "intent", "thank")
    assert admin.post(EXPORT).status_code == 400
    assert not output.exists() and export_audit(engine) == []


def test_outside_a_checkout_staff_are_told_who_can_export(
    admin: FlaskClient,
    engine: sa.engine.Engine,
    output: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As in a container: no data/ nor tests/ where the app runs."""
    label(engine, THANKS, "intent", "thank")
    not_a_checkout = tmp_path / "app"
    not_a_checkout.mkdir()
    monkeypatch.setattr(
        training_export,
        "export_training_data",
        functools.partial(training_export.export_training_data, root=not_a_checkout),
    )
    response = export(admin)
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "the staff app is not running in a checkout of the repository" in page
    assert "Ask a developer to run `python -m review.cli export-training-data` in a checkout." in (
        page
    )
    assert not output.exists()
    assert labels.backlog(engine).exported == 0
    assert export_audit(engine) == []


def test_a_file_it_cannot_write_is_reported_not_an_error_page(
    admin: FlaskClient, engine: sa.engine.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    label(engine, THANKS, "intent", "thank")
    in_the_way = tmp_path / "data"
    in_the_way.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setattr(training_export, "DEFAULT_OUTPUT", in_the_way / "nlu_reviewed.yml")
    response = export(admin)
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "a file could not be read or written here" in page
    assert labels.backlog(engine).exported == 0
    assert export_audit(engine) == []
