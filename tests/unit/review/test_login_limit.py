"""Sign-in attempts are limited per client address, on SQLite and on a real PostgreSQL.

An address gets REVIEW_LOGIN_ATTEMPTS failed sign-ins in REVIEW_LOGIN_WINDOW_MINUTES (here
3 in 15 minutes; the defaults, 10 in 15, in test_https_proxy.py), whatever accounts it
tries; then a polite 429 that says nothing about the account, even for the right password,
until the window has passed. Other addresses are not affected, and successful sign-ins do
not count. Time is a fake clock the tests move. Behind the HTTPS proxy: test_https_proxy.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from threading import Barrier

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from review import accounts, login_limit
from review.schema import audit_log, create_tables, login_attempts
from review.settings import settings_from_environment
from tests.support.review_client import PASSWORD, FakeClock, csrf_token, review_app, sign_in
from tests.support.review_data import reset_database

EMAIL = "ana@center.example"
ATTEMPTS = 3  # fewer than the default 10: each attempt is an argon2 hash
WINDOW_MINUTES = 15
WRONG = "not the password at all"
NOBODY = "nobody@center.example"  # failures on no account: the account's lock-out stays out


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    engine = reset_database(database_url)
    create_tables(engine)
    accounts.create_account(engine, EMAIL, "Ana Test", PASSWORD)
    yield engine
    engine.dispose()


@pytest.fixture
def app(engine: sa.engine.Engine, clock: FakeClock) -> Flask:
    app = review_app(engine, clock=clock)
    settings = app.extensions["review_settings"]
    app.extensions["review_settings"] = replace(
        settings, login_attempts=ATTEMPTS, login_window_minutes=WINDOW_MINUTES
    )
    return app


def browser_at(app: Flask, address: str) -> FlaskClient:
    """A browser whose requests come from this address (no proxy in front)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def use_up_the_limit(client: FlaskClient, email: str = NOBODY) -> None:
    for _ in range(ATTEMPTS):
        assert sign_in(client, email, WRONG).status_code == 401


def is_limited(response: TestResponse) -> bool:
    """The 429 page, which names neither the account nor why earlier attempts failed."""
    page = response.get_data(as_text=True)
    return (
        response.status_code == 429
        and "Too many sign-in attempts from this network; try again in" in page
        and EMAIL not in page
        and "locked" not in page
        and "wrong" not in page
    )


def audit_actions(engine: sa.engine.Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(audit_log.c.action)).scalars())


def test_an_address_is_limited_and_another_is_not(app: Flask, engine: sa.engine.Engine) -> None:
    attacker = browser_at(app, "203.0.113.7")
    use_up_the_limit(attacker)

    refused = sign_in(attacker, EMAIL, WRONG)  # another account: same limit
    assert is_limited(refused)
    assert "try again in 15 minutes" in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == str(WINDOW_MINUTES * 60)
    assert audit_actions(engine).count("sign-in failed") == ATTEMPTS  # refused before checking

    colleague = browser_at(app, "198.51.100.20")
    assert sign_in(colleague, EMAIL, WRONG).status_code == 401
    assert sign_in(colleague, EMAIL).status_code == 302
    assert colleague.get("/conversations").status_code == 200


def test_the_right_password_is_refused_while_limited(app: Flask) -> None:
    browser = browser_at(app, "203.0.113.7")
    use_up_the_limit(browser)  # no such account: counted all the same

    assert is_limited(sign_in(browser, EMAIL))
    assert browser.get("/conversations").status_code == 302  # not signed in


def test_the_refusal_does_not_tell_whether_the_account_exists(app: Flask) -> None:
    known, unknown = browser_at(app, "203.0.113.7"), browser_at(app, "203.0.113.8")
    use_up_the_limit(known, EMAIL)
    use_up_the_limit(unknown)
    for_known = sign_in(known, EMAIL, WRONG)
    for_unknown = sign_in(unknown, NOBODY, WRONG)
    assert is_limited(for_known) and is_limited(for_unknown)
    assert for_known.get_data() == for_unknown.get_data()


def test_the_limit_ends_with_the_window(app: Flask, clock: FakeClock) -> None:
    browser = browser_at(app, "203.0.113.7")
    use_up_the_limit(browser)
    clock.advance(minutes=WINDOW_MINUTES - 1)
    still = sign_in(browser, EMAIL)
    assert is_limited(still) and "try again in 1 minute." in still.get_data(as_text=True)

    clock.advance(minutes=1)
    assert sign_in(browser, EMAIL).status_code == 302
    assert browser.get("/conversations").status_code == 200


def test_the_window_slides_with_each_failure(app: Flask, clock: FakeClock) -> None:
    browser = browser_at(app, "203.0.113.7")
    assert sign_in(browser, NOBODY, WRONG).status_code == 401
    clock.advance(minutes=10)
    for _ in range(ATTEMPTS - 1):
        assert sign_in(browser, NOBODY, WRONG).status_code == 401
    refused = sign_in(browser, EMAIL)
    assert is_limited(refused) and "try again in 5 minutes" in refused.get_data(as_text=True)
    clock.advance(minutes=5)  # the first failure is out of the window: one more try
    assert sign_in(browser, NOBODY, WRONG).status_code == 401
    assert is_limited(sign_in(browser, EMAIL))


def test_refused_attempts_do_not_push_the_end_of_the_limit_back(
    app: Flask, clock: FakeClock
) -> None:
    browser = browser_at(app, "203.0.113.7")
    use_up_the_limit(browser)
    for _ in range(10):
        clock.advance(minutes=1)
        assert is_limited(sign_in(browser, EMAIL))
    clock.advance(minutes=WINDOW_MINUTES - 10)
    assert sign_in(browser, EMAIL).status_code == 302  # when the first refusal said


def test_successful_sign_ins_do_not_count(app: Flask, engine: sa.engine.Engine) -> None:
    """A whole office behind one address signs in every morning."""
    office = "198.51.100.1"
    for _ in range(ATTEMPTS * 3):
        assert sign_in(browser_at(app, office), EMAIL).status_code == 302
    use_up_the_limit(browser_at(app, office))
    assert is_limited(sign_in(browser_at(app, office), EMAIL))


def test_a_forwarded_for_header_is_ignored_without_https(app: Flask) -> None:
    """Without REVIEW_HTTPS no proxy is trusted: a made-up X-Forwarded-For changes nothing."""
    browser = browser_at(app, "203.0.113.7")

    def attempt(password: str, forwarded_for: str) -> TestResponse:
        fields = {"csrf_token": csrf_token(browser), "email": EMAIL, "password": password}
        return browser.post("/login", data=fields, headers={"X-Forwarded-For": forwarded_for})

    for number in range(ATTEMPTS):
        assert attempt(WRONG, f"192.0.2.{number}").status_code == 401  # EMAIL now locked too
    assert is_limited(attempt(PASSWORD, "192.0.2.99"))


def test_reaching_the_limit_is_audited_once(app: Flask, engine: sa.engine.Engine) -> None:
    browser = browser_at(app, "203.0.113.7")
    use_up_the_limit(browser)
    for _ in range(5):
        sign_in(browser, NOBODY, WRONG)
    with engine.connect() as connection:
        limited = connection.execute(
            sa.select(audit_log).where(audit_log.c.action == "address limited")
        ).all()
    assert len(limited) == 1
    assert limited[0].target == "203.0.113.7" and limited[0].actor == NOBODY
    assert WRONG not in str(limited[0]._mapping)


def test_old_attempts_are_deleted(app: Flask, engine: sa.engine.Engine, clock: FakeClock) -> None:
    for number in range(5):
        assert sign_in(browser_at(app, f"203.0.113.{number}"), NOBODY, WRONG).status_code == 401
    clock.advance(minutes=WINDOW_MINUTES)
    assert sign_in(browser_at(app, "198.51.100.1"), EMAIL).status_code == 302
    with engine.connect() as connection:
        assert connection.execute(sa.select(login_attempts)).all() == []


def test_parallel_attempts_get_no_more_than_the_limit(engine: sa.engine.Engine) -> None:
    """Every attempt sees those committed before it: at most `attempts` are let through."""
    parallel = 24
    engine.dispose()
    pool = {} if engine.url.get_backend_name() == "sqlite" else {"pool_size": parallel}
    shared = sa.create_engine(engine.url, **pool)
    limit = login_limit.LoginLimit(ATTEMPTS, WINDOW_MINUTES * 60.0)
    start = Barrier(parallel)

    def attempt(_: int) -> login_limit.Admission:
        start.wait()
        return login_limit.admit(shared, "203.0.113.7", 1_000.0, limit)

    with ThreadPoolExecutor(parallel) as pool_of_threads:
        admitted = [
            admission
            for admission in pool_of_threads.map(attempt, range(parallel))
            if admission.attempt_id is not None
        ]
    shared.dispose()
    assert len(admitted) <= ATTEMPTS
    assert login_limit.admit(engine, "198.51.100.1", 1_000.0, limit).attempt_id is not None


def test_the_limit_settings(tmp_path: Path) -> None:
    environ = {"REVIEW_SECRET_KEY": "k" * 64}
    secret_file = tmp_path / "secret"
    default = settings_from_environment(environ, secret_file)
    assert (default.login_attempts, default.login_window_minutes) == (10, 15)
    chosen = settings_from_environment(
        {**environ, "REVIEW_LOGIN_ATTEMPTS": "20", "REVIEW_LOGIN_WINDOW_MINUTES": "60"},
        secret_file,
    )
    assert (chosen.login_attempts, chosen.login_window_minutes) == (20, 60)
    for name in ("REVIEW_LOGIN_ATTEMPTS", "REVIEW_LOGIN_WINDOW_MINUTES"):
        for wrong in ("0", "-1", "ten", "1.5"):
            with pytest.raises(ValueError, match=f"{name} must be a whole number"):
                settings_from_environment({**environ, name: wrong}, secret_file)
