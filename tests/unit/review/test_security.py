"""The review app's doors: sign-in required everywhere, CSRF, lock-out, passwords, headers."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from review import accounts
from review.app import PUBLIC_ENDPOINTS
from review.schema import audit_log, create_tables, metadata, staff
from tests.support.review_client import (
    PASSWORD,
    csrf_token,
    post_form,
    review_app,
    sign_in,
    signed_in_client,
)
from tests.support.review_data import sample_conversations, store


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.engine.Engine]:
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    store(url, sample_conversations())
    engine = sa.create_engine(url)
    create_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app(engine: sa.engine.Engine) -> Flask:
    return review_app(engine)


def concrete_path(rule: str) -> str:
    """A URL for a route rule, with its variables filled in."""
    return rule.replace("<path:sender_id>", "emergency-1").replace("<int:request_id>", "1")


def test_every_route_but_sign_in_refuses_a_stranger(app: Flask) -> None:
    client = app.test_client()
    checked = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(concrete_path(rule.rule), method=method)
            body = response.get_data(as_text=True)
            if method == "GET":
                assert response.status_code == 302, rule.rule
                assert response.headers["Location"].startswith("/login"), rule.rule
            else:
                assert response.status_code == 401, (method, rule.rule)
            assert "wake up" not in body and "Conversation" not in body, rule.rule
            checked.append((method, rule.rule))
    # Every page of the app was tried (a new route is covered automatically).
    assert {
        "/",
        "/conversations",
        "/export",
        "/audit",
        "/review/note",
        "/callbacks",
        "/live",
        "/live/heartbeat",
        "/live/<path:sender_id>/send",
        "/labels",
        "/labels/remove",
        "/unanswered/label",
        "/tests/mark",
        "/tests/unmark",
        "/teach/export-training-data",
    } <= {rule for _, rule in checked}
    assert PUBLIC_ENDPOINTS == {"login", "static"}


def test_the_sign_in_page_is_public_and_static_files_are_harmless(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/static/review.css").status_code == 200


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    app: Flask, engine: sa.engine.Engine
) -> None:
    client = signed_in_client(app, engine)
    refused = client.post("/review/tag", data={"conversation": "emergency-1", "tag": "urgent"})
    assert refused.status_code == 400
    assert "form expired" in refused.get_data(as_text=True).lower()
    forged = client.post(
        "/review/tag",
        data={"conversation": "emergency-1", "tag": "urgent", "csrf_token": "forged"},
    )
    assert forged.status_code == 400
    assert "urgent" not in client.get("/conversations/emergency-1").get_data(as_text=True)

    accepted = post_form(
        client,
        "/review/tag",
        "/conversations/emergency-1",
        conversation="emergency-1",
        tag="urgent",
    )
    assert accepted.status_code == 302
    assert "urgent" in client.get("/conversations/emergency-1").get_data(as_text=True)


def test_sign_in_itself_needs_the_csrf_token(app: Flask, engine: sa.engine.Engine) -> None:
    accounts.create_account(engine, "ana@center.example", "Ana Test", PASSWORD)
    client = app.test_client()
    response = client.post("/login", data={"email": "ana@center.example", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/conversations").status_code == 302  # still signed out


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
    app: Flask, engine: sa.engine.Engine
) -> None:
    accounts.create_account(engine, "ana@center.example", "Ana Test", PASSWORD)
    client = app.test_client()
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert sign_in(client, "ana@center.example", "wrong password 123").status_code == 401
    locked = sign_in(client, "ana@center.example", PASSWORD)
    assert locked.status_code == 401
    assert "locked" in locked.get_data(as_text=True)
    assert client.get("/conversations").status_code == 302

    with engine.connect() as connection:
        actions = list(connection.execute(sa.select(audit_log.c.action)).scalars())
    assert actions.count("sign-in failed") == accounts.MAX_FAILED_LOGINS + 1
    assert "account locked" in actions

    accounts.unlock_account(engine, "ana@center.example")
    assert sign_in(client, "ana@center.example", PASSWORD).status_code == 302


def test_the_lock_out_expires(engine: sa.engine.Engine) -> None:
    accounts.create_account(engine, "ana@center.example", "Ana Test", PASSWORD)
    for attempt in range(accounts.MAX_FAILED_LOGINS):
        accounts.sign_in(engine, "ana@center.example", "nope nope nope", now=1000.0 + attempt)
    still = accounts.sign_in(engine, "ana@center.example", PASSWORD, now=1010.0)
    assert still.outcome is accounts.SignInOutcome.LOCKED
    later = accounts.sign_in(
        engine, "ana@center.example", PASSWORD, now=1010.0 + accounts.LOCKOUT_SECONDS
    )
    assert later.outcome is accounts.SignInOutcome.SIGNED_IN


def test_passwords_are_never_stored_or_logged_in_clear(
    app: Flask, engine: sa.engine.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "Wrong-Horse-Battery-99"
    accounts.create_account(engine, "ana@center.example", "Ana Test", PASSWORD)
    client = app.test_client()
    sign_in(client, "ana@center.example", wrong)
    sign_in(client, "ana@center.example", PASSWORD)

    with engine.connect() as connection:
        stored = "\n".join(
            str(row._mapping)
            for table in metadata.sorted_tables
            for row in connection.execute(sa.select(table))
        )
        password_hash = connection.execute(sa.select(staff.c.password_hash)).scalar_one()
    for password in (PASSWORD, wrong):
        assert password not in stored
        assert password not in caplog.text
    assert password_hash.startswith("$argon2id$")


def test_there_is_no_default_account(app: Flask, engine: sa.engine.Engine) -> None:
    for number, email in enumerate(("admin", "admin@localhost", "staff@center.example")):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number}"  # under the address limit
        for password in ("admin", "password", "changeme", ""):
            assert sign_in(client, email, password).status_code == 401


def test_a_disabled_account_is_signed_out_at_once(app: Flask, engine: sa.engine.Engine) -> None:
    client = signed_in_client(app, engine)
    assert client.get("/conversations").status_code == 200
    accounts.disable_account(engine, "ana@center.example")
    assert client.get("/conversations").status_code == 302
    assert sign_in(app.test_client(), "ana@center.example").status_code == 401


def test_a_password_change_ends_open_sessions(app: Flask, engine: sa.engine.Engine) -> None:
    client = signed_in_client(app, engine)
    accounts.set_password(engine, "ana@center.example", "a brand new passphrase")
    assert client.get("/conversations").status_code == 302


def test_an_idle_session_expires(engine: sa.engine.Engine) -> None:
    app = review_app(engine, idle_minutes=1)
    client = signed_in_client(app, engine)
    with client.session_transaction() as session:
        session["last_seen"] = session["last_seen"] - 61
    response = client.get("/conversations")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_weak_passwords_are_refused(engine: sa.engine.Engine) -> None:
    for weak in ("short", "aaaaaaaaaaaaaaaa", "ana@center.example"):
        with pytest.raises(accounts.AccountError):
            accounts.create_account(engine, "ana@center.example", "Ana", weak)


def test_the_session_cookie_is_httponly_and_strict(engine: sa.engine.Engine) -> None:
    client = signed_in_client(review_app(engine), engine)
    cookie = client.get_cookie("review_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"
    assert not cookie.secure  # plain http on localhost; Secure behind HTTPS: test_https_proxy.py


def test_only_admins_see_the_audit_log(app: Flask, engine: sa.engine.Engine) -> None:
    staff_client = signed_in_client(app, engine, "sam@center.example")
    assert staff_client.get("/audit").status_code == 403
    admin_client = signed_in_client(app, engine, "lee@center.example", admin=True)
    admin_client.get("/conversations/emergency-1")
    page = admin_client.get("/audit").get_data(as_text=True)
    assert "viewed conversation" in page and "emergency-1" in page
    assert "sam@center.example" in page  # sam's sign-in


def test_pages_forbid_framing_scripts_and_caching(app: Flask, engine: sa.engine.Engine) -> None:
    client = signed_in_client(app, engine)
    for path in ("/login", "/conversations", "/conversations/emergency-1", "/live"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        # Only the app's own script files run (live.js), and they talk to the app only.
        directives = dict(
            (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
        )
        assert directives["script-src"] == "'self'"
        assert directives["connect-src"] == "'self'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "*" not in policy and "data:" not in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"
        # Our URLs (conversation ids) never reach other sites; ours get the Referer CSRF needs.
        assert headers["Referrer-Policy"] == "same-origin"


def test_sign_in_only_returns_to_pages_of_this_site(app: Flask, engine: sa.engine.Engine) -> None:
    accounts.create_account(engine, "ana@center.example", "Ana Test", PASSWORD)
    for target, expected in (
        ("/conversations?flag=emergency", "/conversations?flag=emergency"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
    ):
        client = app.test_client()
        token = csrf_token(client)
        response = client.post(
            f"/login?next={target}",
            data={"csrf_token": token, "email": "ana@center.example", "password": PASSWORD},
        )
        assert response.headers["Location"] == expected
