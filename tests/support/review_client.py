"""A signed-in Flask test client for the review app, its CSRF tokens, and a clock to move."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from flask import Flask
from flask.testing import FlaskClient

from review.accounts import create_account
from review.app import create_app
from review.settings import ReviewSettings
from review.takeover_client import Takeover

PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class FakeClock:
    """The time as the review app sees it, moved forward by the test instead of sleeping."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, *, hours: float = 0, minutes: float = 0) -> None:
        self.now += hours * 3600 + minutes * 60


def review_app(
    engine: sa.engine.Engine,
    idle_minutes: int = 30,
    session_hours: int = 12,
    https: bool = False,
    clock: Callable[[], float] = time.time,
    callback_cipher: MultiFernet | None = None,
    takeover_client: Takeover | None = None,
    live_minutes: int = 5,
) -> Flask:
    """The review app on this database; callback keys from the environment unless given.

    `takeover_client` stands in for the Rasa server's takeover endpoints (review.live);
    without one, the app's client is the one RASA_URL and TAKEOVER_TOKEN describe.
    """
    settings = ReviewSettings(
        database_url=str(engine.url),
        secret_key="test-secret-key-not-used-anywhere-else",
        timezone=ZoneInfo("America/Chicago"),
        https=https,
        idle_minutes=idle_minutes,
        session_hours=session_hours,
        live_minutes=live_minutes,
    )
    return create_app(settings, engine, clock, callback_cipher, takeover_client)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    match = CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    token = csrf_token(client)
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password})


def signed_in_client(
    app: Flask, engine: sa.engine.Engine, email: str = "ana@center.example", admin: bool = False
) -> FlaskClient:
    """A client signed in as a (new) staff member."""
    create_account(engine, email, "Ana Test", PASSWORD, is_admin=admin)
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post_form(client: FlaskClient, path: str, page: str, **fields: str) -> Any:
    """Submits a form the way a browser would: with the CSRF token of the page it is on."""
    return client.post(path, data={"csrf_token": csrf_token(client, page), **fields})


def audited(engine: sa.engine.Engine, actor: str) -> list[tuple[str, str, str]]:
    """The member's audit entries after signing in, oldest first: action, target, detail."""
    from review.schema import audit_log

    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(audit_log.c.action, audit_log.c.target, audit_log.c.detail)
            .where(audit_log.c.actor == actor, audit_log.c.action != "signed in")
            .order_by(audit_log.c.id)
        ).all()
    return [(row.action, row.target, row.detail) for row in rows]
