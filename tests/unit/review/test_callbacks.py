"""The Callbacks pages, as the intake team uses them.

Any member of staff lists the requests by status, opens one (decrypted), moves it
between new, contacted and closed and keeps a private note; every view and change is
audited by request id only. The table holds nothing readable; drafts are never shown.
Without keys the section says how to turn it on; with the wrong key it says what to do.
Every name and number here is fictional (555-01xx).
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from flask import Flask
from flask.testing import FlaskClient

from review.schema import create_tables
from storage import callbacks as store
from storage.callbacks import callbacks
from tests.support.review_client import FakeClock, post_form, review_app, signed_in_client
from tests.support.review_client import audited as audited_by

STAFF = "ana@center.example"
START = 1_750_000_000.0  # a fixed time: its digits spell no phone number
SAM = {
    "name": "Sam",
    "phone": "+18165550142",
    "best_time": "weekday evenings",
    "language": "en",
    "voicemail_may_name_center": False,
}
NO_NAME = {
    "phone": "+18165550143",
    "best_time": "mañana temprano",
    "language": "es",
    "voicemail_may_name_center": True,
}
DRAFT = {"name": "Riley", "phone": "+18165550144"}
NOTE = "Left a voicemail without naming us; try again Thursday"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.engine.Engine]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'review.db'}")
    create_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def cipher() -> MultiFernet:
    return MultiFernet([Fernet(Fernet.generate_key())])


@pytest.fixture
def clock() -> FakeClock:
    clock = FakeClock()
    clock.now = START
    return clock


@pytest.fixture
def app(engine: sa.engine.Engine, cipher: MultiFernet, clock: FakeClock) -> Flask:
    return review_app(engine, clock=clock, callback_cipher=cipher)


@pytest.fixture
def client(app: Flask, engine: sa.engine.Engine) -> FlaskClient:
    """A signed-in member of the intake team (not an administrator)."""
    return signed_in_client(app, engine, STAFF)


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deployment sets neither CALLBACK_KEYS nor CALLBACK_KEY_FILE."""
    monkeypatch.delenv("CALLBACK_KEYS", raising=False)
    monkeypatch.delenv("CALLBACK_KEY_FILE", raising=False)


def request_callback(
    engine: sa.engine.Engine, cipher: MultiFernet, sender_id: str, answers: dict[str, object]
) -> int:
    """A request as the callback form leaves it: answers saved one by one, then submitted."""
    for field, value in answers.items():
        store.save_answers(engine, cipher, sender_id, START - 60, **{field: value})
    request_id = store.submit(engine, sender_id, START - 30)
    assert request_id is not None
    return request_id


def draft_callback(engine: sa.engine.Engine, cipher: MultiFernet) -> int:
    """A request the visitor has not finished; its id."""
    store.save_answers(engine, cipher, "draft-1", START - 10, **DRAFT)
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.select(callbacks.c.id).where(callbacks.c.sender_id == "draft-1")
            ).scalar_one()
        )


def raw_row(engine: sa.engine.Engine, request_id: int) -> Any:
    with engine.connect() as connection:
        return connection.execute(sa.select(callbacks).where(callbacks.c.id == request_id)).one()


def readable_in_table(engine: sa.engine.Engine, text: str) -> bool:
    """Whether any column of any request holds the text (tokens checked in their bytes).

    Random ciphertext spells any three letters now and then, so a token's base64 is
    decoded and its bytes searched: plain text, or text merely encoded, is found there.
    """
    with engine.connect() as connection:
        rows = connection.execute(sa.select(callbacks)).all()
    for row in rows:
        for column, value in row._mapping.items():
            if column in ("details", "note") and value:
                assert str(value).startswith("gAAAAA"), f"{column} is not a Fernet token"
                try:
                    if text.encode() in base64.urlsafe_b64decode(str(value)):
                        return True
                except binascii.Error:
                    return True
            elif text in str(value):
                return True
    return False


def audited(engine: sa.engine.Engine, actor: str = STAFF) -> list[tuple[str, str, str]]:
    """The member's audit entries after signing in, oldest first: action, target, detail."""
    return audited_by(engine, actor)


def test_the_list_shows_new_requests_decrypted_and_never_drafts(
    client: FlaskClient, engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    sam = request_callback(engine, cipher, "visitor-1", SAM)
    request_callback(engine, cipher, "visitor-2", NO_NAME)
    draft_callback(engine, cipher)

    response = client.get("/callbacks")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for shown in ("Sam", "(816) 555-0142", "weekday evenings", "English"):
        assert shown in page
    assert "discreet: do not name the center" in page
    for shown in ("(816) 555-0143", "mañana temprano", "Spanish", "may name the center", "—"):
        assert shown in page
    assert f'href="/callbacks/{sam}"' in page
    assert "New (2)" in page and "Contacted (0)" in page and "Closed (0)" in page
    assert "Callbacks (2 new)" in page  # the nav link
    assert "Riley" not in page and "555-0144" not in page  # the draft


def test_the_table_holds_nothing_readable_while_the_page_shows_it(
    client: FlaskClient, engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    sam = request_callback(engine, cipher, "visitor-1", SAM)
    draft_callback(engine, cipher)
    post_form(client, f"/callbacks/{sam}/note", f"/callbacks/{sam}", note=NOTE)

    for secret in ("5550142", "555-0142", "Sam", "816", "weekday", "Riley", "Thursday"):
        assert not readable_in_table(engine, secret), secret
    page = client.get(f"/callbacks/{sam}").get_data(as_text=True)
    assert "Sam" in page and "(816) 555-0142" in page and "Thursday" in page


def test_status_moves_a_request_between_tabs_and_records_who_and_when(
    client: FlaskClient, engine: sa.engine.Engine, cipher: MultiFernet, clock: FakeClock
) -> None:
    sam = request_callback(engine, cipher, "visitor-1", SAM)

    clock.advance(minutes=5)
    moved = post_form(
        client, f"/callbacks/{sam}/status", f"/callbacks/{sam}", status=store.CONTACTED
    )
    assert moved.status_code == 302 and moved.headers["Location"] == f"/callbacks/{sam}"
    row = raw_row(engine, sam)
    assert (row.status, row.changed_by, row.changed_at, row.closed_at) == (
        "contacted",
        STAFF,
        START + 300,
        None,
    )
    assert "Sam" not in client.get("/callbacks").get_data(as_text=True)
    contacted = client.get("/callbacks?status=contacted").get_data(as_text=True)
    assert "Sam" in contacted and STAFF in contacted and "Contacted (1)" in contacted

    clock.advance(minutes=5)
    post_form(client, f"/callbacks/{sam}/status", f"/callbacks/{sam}", status=store.CLOSED)
    row = raw_row(engine, sam)
    assert (row.status, row.changed_at, row.closed_at) == ("closed", START + 600, START + 600)
    assert "Sam" not in client.get("/callbacks?status=contacted").get_data(as_text=True)
    closed = client.get("/callbacks?status=closed").get_data(as_text=True)
    assert "Sam" in closed and "Closed (1)" in closed
    detail = client.get(f"/callbacks/{sam}").get_data(as_text=True)
    assert "<dt>Status</dt><dd>Closed</dd>" in detail
    assert 'value="new"' in detail and 'value="contacted"' in detail  # it may be reopened


def test_the_note_is_saved_encrypted_shown_and_cleared(
    client: FlaskClient, engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    sam = request_callback(engine, cipher, "visitor-1", SAM)

    saved = post_form(client, f"/callbacks/{sam}/note", f"/callbacks/{sam}", note=NOTE)
    assert saved.status_code == 302
    page = client.get(f"/callbacks/{sam}").get_data(as_text=True)
    assert NOTE in page and "Note saved." in page
    row = raw_row(engine, sam)
    assert "Thursday" not in str(row.note) and row.changed_by == STAFF
    assert store.get_request(engine, cipher, sam).note == NOTE  # type: ignore[union-attr]

    post_form(client, f"/callbacks/{sam}/note", f"/callbacks/{sam}", note="  ")
    assert raw_row(engine, sam).note == ""
    assert NOTE not in client.get(f"/callbacks/{sam}").get_data(as_text=True)


def test_every_view_and_change_is_audited_without_personal_data(
    client: FlaskClient, engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    sam = request_callback(engine, cipher, "visitor-1", SAM)
    target = str(sam)

    client.get("/callbacks")
    client.get("/callbacks?status=closed")
    post_form(client, f"/callbacks/{sam}/status", f"/callbacks/{sam}", status="contacted")
    post_form(client, f"/callbacks/{sam}/note", f"/callbacks/{sam}", note=NOTE)

    entries = audited(engine)
    assert entries == [
        ("viewed callbacks", "", "new, 1 request"),
        ("viewed callbacks", "", "closed, 0 requests"),
        ("viewed callback", target, ""),  # the page the status form is on
        ("changed callback status", target, "new -> contacted"),
        ("viewed callback", target, ""),
        ("changed callback note", target, ""),
    ]
    logged = "\n".join(" ".join(entry) for entry in entries)
    for secret in ("Sam", "5550142", "555-0142", "weekday", "Thursday", "visitor-1"):
        assert secret not in logged


def test_a_key_that_does_not_open_the_requests_says_what_to_do(
    engine: sa.engine.Engine, cipher: MultiFernet, caplog: pytest.LogCaptureFixture
) -> None:
    sam = request_callback(engine, cipher, "visitor-1", SAM)
    other_key = MultiFernet([Fernet(Fernet.generate_key())])
    client = signed_in_client(review_app(engine, callback_cipher=other_key), engine, STAFF)
    caplog.set_level(logging.DEBUG)

    for path in ("/callbacks", f"/callbacks/{sam}"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 503, path
        assert "changed without rotation" in page and "rotate-callback-key" in page
        assert "Traceback" not in page and "Something went wrong" not in page
        assert "555-0142" not in page and "Sam" not in page
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert errors and all("changed without rotation" in record.getMessage() for record in errors)
    assert "5550142" not in caplog.text and "Sam" not in caplog.text


def test_without_keys_the_section_explains_how_to_turn_it_on(
    engine: sa.engine.Engine, cipher: MultiFernet, no_keys: None
) -> None:
    sam = request_callback(engine, cipher, "visitor-1", SAM)
    app = review_app(engine)
    client = signed_in_client(app, engine, STAFF)

    response = client.get("/callbacks")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Callback requests are off" in page
    assert "CALLBACK_KEYS" in page and "docs/callbacks.md" in page
    assert "555-0142" not in page and "New (" not in page
    assert ">Callbacks</a>" in page  # no count while off
    assert client.get(f"/callbacks/{sam}").status_code == 404
    refused = post_form(client, f"/callbacks/{sam}/status", "/callbacks", status="closed")
    assert refused.status_code == 404
    assert raw_row(engine, sam).status == "new"


def test_keys_that_cannot_be_loaded_are_reported_not_leaked(
    engine: sa.engine.Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CALLBACK_KEYS", "not-a-real-fernet-key")
    caplog.set_level(logging.DEBUG)
    app = review_app(engine)
    page = signed_in_client(app, engine, STAFF).get("/callbacks").get_data(as_text=True)

    assert "Callback requests are off" in page
    assert "Key 1 in CALLBACK_KEYS is not a Fernet key" in page
    assert "is not a Fernet key" in caplog.text
    assert "not-a-real-fernet-key" not in page and "not-a-real-fernet-key" not in caplog.text


def test_unknown_ids_and_drafts_are_not_found(
    client: FlaskClient, engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    draft = draft_callback(engine, cipher)
    for request_id in (999, draft):
        assert client.get(f"/callbacks/{request_id}").status_code == 404
        for action, field in (("status", {"status": "closed"}), ("note", {"note": NOTE})):
            refused = post_form(client, f"/callbacks/{request_id}/{action}", "/callbacks", **field)
            assert refused.status_code == 404
    assert raw_row(engine, draft).status == "draft"
    assert client.get("/callbacks/not-a-number").status_code == 404


def test_a_form_without_its_csrf_token_changes_nothing(
    client: FlaskClient, engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    sam = request_callback(engine, cipher, "visitor-1", SAM)
    for data in ({"status": "closed"}, {"status": "closed", "csrf_token": "forged"}):
        refused = client.post(f"/callbacks/{sam}/status", data=data)
        assert refused.status_code == 400
        assert "form expired" in refused.get_data(as_text=True).lower()
    refused = client.post(f"/callbacks/{sam}/note", data={"note": NOTE})
    assert refused.status_code == 400
    row = raw_row(engine, sam)
    assert (row.status, row.note) == ("new", "")


def test_an_unknown_status_is_refused_politely(
    client: FlaskClient, engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    sam = request_callback(engine, cipher, "visitor-1", SAM)
    response = post_form(client, f"/callbacks/{sam}/status", f"/callbacks/{sam}", status="deleted")
    assert response.status_code == 302
    assert "Choose New, Contacted or Closed" in client.get(f"/callbacks/{sam}").get_data(
        as_text=True
    )
    assert raw_row(engine, sam).status == "new"
    assert not any(action == "changed callback status" for action, _, _ in audited(engine))


def test_the_whole_intake_team_uses_the_pages(
    app: Flask, engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    sam = request_callback(engine, cipher, "visitor-1", SAM)
    for email, admin in (("lee@center.example", False), ("kim@center.example", True)):
        member = signed_in_client(app, engine, email, admin=admin)
        assert member.get("/callbacks").status_code == 200
        page = member.get(f"/callbacks/{sam}").get_data(as_text=True)
        assert "(816) 555-0142" in page
        assert 'href="/conversations/visitor-1"' in page  # the conversation it came from
        changed = post_form(
            member, f"/callbacks/{sam}/status", f"/callbacks/{sam}", status="contacted"
        )
        assert changed.status_code == 302
        assert raw_row(engine, sam).changed_by == email
