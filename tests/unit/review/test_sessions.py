"""Staff sessions end when they should, on SQLite and on a real PostgreSQL.

Signing out ends the session on the server, so a copy of the cookie stops
working; even an active session ends REVIEW_SESSION_HOURS after signing in; a
password change or disabling the account ends all of its sessions. Time is a
fake clock the tests move forward.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from review import accounts
from review.schema import staff_sessions
from review.settings import settings_from_environment
from tests.support.review_client import (
    PASSWORD,
    FakeClock,
    post_form,
    review_app,
    sign_in,
    signed_in_client,
)
from tests.support.review_data import sample_conversations, stored_database

EMAIL = "ana@center.example"


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    yield from stored_database(database_url, sample_conversations())


@pytest.fixture
def client(app: Flask, engine: sa.engine.Engine) -> FlaskClient:
    return signed_in_client(app, engine, EMAIL)


def copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding a copy of the client's session cookie."""
    cookie = client.get_cookie("review_session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("review_session", cookie.value)
    return thief


def is_signed_out(client: FlaskClient) -> bool:
    """The page asks for a sign-in (GET) and a form is refused (POST)."""
    page = client.get("/conversations/emergency-1")
    form = client.post("/review/tag", data={"conversation": "emergency-1", "tag": "stolen"})
    return (
        page.status_code == 302
        and page.headers["Location"].startswith("/login")
        and form.status_code == 401
    )


def live_sessions(engine: sa.engine.Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(sa.select(sa.func.count()).select_from(staff_sessions)).scalar_one()
        )


def test_signed_in_staff_move_between_pages_then_sign_out(client: FlaskClient) -> None:
    for path in ("/", "/conversations", "/conversations/emergency-1", "/unanswered"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Sign out" in page.get_data(as_text=True)

    signed_out = post_form(client, "/logout", "/conversations")
    assert signed_out.status_code == 302 and signed_out.headers["Location"] == "/login"
    assert "You are signed out." in client.get("/login").get_data(as_text=True)
    assert is_signed_out(client)


def test_a_cookie_copied_before_sign_out_is_refused_after_it(
    app: Flask, client: FlaskClient, engine: sa.engine.Engine
) -> None:
    thief = copy_of(client, app)
    assert thief.get("/conversations/emergency-1").status_code == 200  # the copy works, for now

    post_form(client, "/logout", "/conversations")

    assert is_signed_out(thief)
    assert "stolen" not in signed_in_client(app, engine, "lee@center.example").get(
        "/conversations/emergency-1"
    ).get_data(as_text=True)


def test_signing_out_ends_only_that_browsers_session(app: Flask, client: FlaskClient) -> None:
    other_browser = app.test_client()
    assert sign_in(other_browser, EMAIL).status_code == 302

    post_form(client, "/logout", "/conversations")

    assert is_signed_out(client)
    assert other_browser.get("/conversations").status_code == 200


def test_signing_in_again_ends_the_browsers_previous_session(
    app: Flask, client: FlaskClient
) -> None:
    earlier_copy = copy_of(client, app)
    assert sign_in(client, EMAIL).status_code == 302
    assert client.get("/conversations").status_code == 200
    assert is_signed_out(earlier_copy)


@pytest.mark.parametrize("hours", [12, 2])
def test_even_an_active_session_ends_after_the_absolute_lifetime(
    engine: sa.engine.Engine, clock: FakeClock, hours: int
) -> None:
    app = review_app(engine, idle_minutes=30, session_hours=hours, clock=clock)
    client = signed_in_client(app, engine, EMAIL)
    thief = copy_of(client, app)
    for _ in range(hours * 3 - 1):  # a page every 20 minutes: never idle
        clock.advance(minutes=20)
        assert client.get("/conversations").status_code == 200
    clock.advance(minutes=20)  # exactly `hours` after signing in

    refused = client.get("/conversations")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")
    assert "Please sign in again" in client.get("/login").get_data(as_text=True)
    assert is_signed_out(thief)
    assert sign_in(client, EMAIL).status_code == 302
    assert client.get("/conversations").status_code == 200


def test_the_idle_timeout_still_applies_within_the_lifetime(
    app: Flask, client: FlaskClient, clock: FakeClock
) -> None:
    clock.advance(minutes=29)
    assert client.get("/conversations").status_code == 200
    thief = copy_of(client, app)
    clock.advance(minutes=20)
    assert thief.get("/conversations").status_code == 200  # the copy kept busy
    clock.advance(minutes=11)  # 31 minutes since the member's last page
    assert is_signed_out(client)
    assert is_signed_out(thief)  # the session ended on the server, for every copy


@pytest.mark.parametrize(
    "change",
    [
        lambda engine: accounts.set_password(engine, EMAIL, "a brand new passphrase"),
        lambda engine: accounts.disable_account(engine, EMAIL),
    ],
    ids=["password changed", "account disabled"],
)
def test_a_password_change_or_disabling_ends_every_session_of_the_account(
    app: Flask,
    client: FlaskClient,
    engine: sa.engine.Engine,
    change: Callable[[sa.engine.Engine], None],
) -> None:
    other_browser = app.test_client()
    assert sign_in(other_browser, EMAIL).status_code == 302
    colleague = signed_in_client(app, engine, "lee@center.example")

    change(engine)

    assert is_signed_out(client) and is_signed_out(other_browser)
    assert colleague.get("/conversations").status_code == 200
    assert live_sessions(engine) == 1  # the colleague's


def test_the_database_holds_no_usable_session_token(
    client: FlaskClient, engine: sa.engine.Engine
) -> None:
    with client.session_transaction() as session:
        token = session["token"]
    with engine.connect() as connection:
        stored = connection.execute(sa.select(staff_sessions)).all()
    assert len(stored) == 1 and token not in str(stored[0]._mapping)


def test_sessions_past_the_lifetime_are_deleted_at_the_next_sign_in(
    app: Flask, client: FlaskClient, engine: sa.engine.Engine, clock: FakeClock
) -> None:
    assert live_sessions(engine) == 1
    clock.advance(hours=12)  # never signed out
    signed_in_client(app, engine, "lee@center.example")
    assert live_sessions(engine) == 1  # only the new one


def test_a_cookie_from_before_server_side_sessions_is_refused(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        del session["token"]
    assert is_signed_out(client)


def test_the_lifetime_setting(tmp_path: Path) -> None:
    environ = {"REVIEW_SECRET_KEY": "k" * 64}
    secret_file = tmp_path / "secret"
    assert settings_from_environment(environ, secret_file).session_hours == 12
    eight = settings_from_environment({**environ, "REVIEW_SESSION_HOURS": "8"}, secret_file)
    assert eight.session_hours == 8
    for wrong in ("0", "-1", "twelve", "1.5"):
        with pytest.raises(ValueError, match="REVIEW_SESSION_HOURS"):
            settings_from_environment({**environ, "REVIEW_SESSION_HOURS": wrong}, secret_file)


def test_a_short_secret_key_is_refused_with_how_to_make_one(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    with pytest.raises(ValueError, match="at least 32 characters.*openssl rand -hex 32"):
        settings_from_environment({"REVIEW_SECRET_KEY": "changeme"}, secret_file)
    key = "k" * 32
    assert settings_from_environment({"REVIEW_SECRET_KEY": key}, secret_file).secret_key == key
    generated = settings_from_environment({}, secret_file).secret_key  # make run: a random key
    assert len(generated) == 64 and secret_file.read_text().strip() == generated


def test_signing_in_still_needs_the_right_password(app: Flask, engine: sa.engine.Engine) -> None:
    accounts.create_account(engine, EMAIL, "Ana Test", PASSWORD)
    assert sign_in(app.test_client(), EMAIL, "not the password at all").status_code == 401
    assert live_sessions(engine) == 0
