"""Who may read what in the review app, and every read written to the audit log.

Any member of staff reads the dashboard, the list, transcripts and the unanswered report,
each read audited: the dashboard's period, the list's filters, page and count (a search
term typed by staff may be a visitor's words or a name: only its length is kept), the
report's period (transcript views: test_conversations.py). Taking every conversation away
in one file is an administrator's decision, like reading the audit log (whose reads are
audited too); a refusal is audited. On SQLite and on a real PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from review.schema import audit_log
from tests.support.review_client import audited as audited_by
from tests.support.review_client import review_app, signed_in_client
from tests.support.review_data import sample_conversations, stored_database

STAFF = "ana@center.example"
ADMIN = "lee@center.example"
SEARCH = "jake withdrawal"  # a name and a visitor's word
EXPORTS = ("/export?format=csv", "/export?format=json&flag=emergency")


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    yield from stored_database(database_url, sample_conversations())


@pytest.fixture
def app(engine: sa.engine.Engine) -> Flask:
    return review_app(engine)


@pytest.fixture
def staff(app: Flask, engine: sa.engine.Engine) -> FlaskClient:
    return signed_in_client(app, engine, STAFF)


@pytest.fixture
def admin(app: Flask, engine: sa.engine.Engine) -> FlaskClient:
    return signed_in_client(app, engine, ADMIN, admin=True)


def audited(engine: sa.engine.Engine, actor: str = STAFF) -> list[tuple[str, str, str]]:
    """The member's audit entries after signing in, oldest first: action, target, detail."""
    return audited_by(engine, actor)


def everything_in_the_audit_log(engine: sa.engine.Engine) -> str:
    with engine.connect() as connection:
        return "\n".join(str(row._mapping) for row in connection.execute(sa.select(audit_log)))


# --- Reads are audited -------------------------------------------------------------------


def test_dashboard_views_are_audited_with_their_period(
    staff: FlaskClient, engine: sa.engine.Engine
) -> None:
    assert staff.get("/").status_code == 200
    assert staff.get("/?days=365").status_code == 200
    assert audited(engine) == [
        ("viewed dashboard", "", "last 30 days"),
        ("viewed dashboard", "", "last 365 days"),
    ]


def test_list_views_and_filters_are_audited(staff: FlaskClient, engine: sa.engine.Engine) -> None:
    assert staff.get("/conversations").status_code == 200
    assert staff.get("/conversations?flag=emergency&status=new").status_code == 200
    assert staff.get("/conversations?language=es&page=2").status_code == 200
    assert audited(engine) == [
        ("viewed conversation list", "all conversations", "page 1 of 1, 6 conversations"),
        (
            "searched conversations",
            "flag=['emergency'], status=new",
            "page 1 of 1, 1 conversations",
        ),
        ("searched conversations", "language=es", "page 1 of 1, 0 conversations"),
    ]


def test_a_text_search_is_audited_without_its_text(
    staff: FlaskClient, engine: sa.engine.Engine
) -> None:
    page = staff.get(f"/conversations?q={SEARCH}&flag=unanswered")
    assert page.status_code == 200
    assert audited(engine) == [
        (
            "searched conversations",
            f"flag=['unanswered'], q=(text search, {len(SEARCH)} characters)",
            "page 1 of 1, 0 conversations",
        )
    ]
    logged = everything_in_the_audit_log(engine).lower()
    for word in SEARCH.split():
        assert word not in logged


def test_unanswered_report_views_are_audited(staff: FlaskClient, engine: sa.engine.Engine) -> None:
    assert staff.get("/unanswered?days=90").status_code == 200
    assert audited(engine) == [("viewed unanswered report", "", "last 90 days")]


def test_audit_log_reads_are_audited(admin: FlaskClient, engine: sa.engine.Engine) -> None:
    assert admin.get("/audit").status_code == 200
    assert admin.get("/audit?page=2").status_code == 200
    assert audited(engine, ADMIN) == [
        ("viewed audit log", "", "page 1"),
        ("viewed audit log", "", "page 2"),
    ]


# --- Bulk export and the audit log: administrators only ----------------------------------


def test_staff_do_not_see_the_export_links(staff: FlaskClient, admin: FlaskClient) -> None:
    assert "/export?" not in staff.get("/conversations?flag=emergency").get_data(as_text=True)
    admin_page = admin.get("/conversations?flag=emergency").get_data(as_text=True)
    assert "/export?format=csv&amp;flag=emergency" in admin_page


def test_staff_cannot_export_and_the_attempt_is_audited(
    staff: FlaskClient, engine: sa.engine.Engine
) -> None:
    for path in EXPORTS:
        refused = staff.get(path)
        assert refused.status_code == 403
        assert refused.headers["Content-Type"].startswith("text/html")
        assert "Content-Disposition" not in refused.headers
        page = refused.get_data(as_text=True)
        assert "for administrators" in page and "emergency-1" not in page
    actions = [action for action, _, _ in audited(engine, STAFF)]
    assert actions.count("refused export") == len(EXPORTS)
    assert "exported" not in actions


def test_an_administrator_exports_and_it_is_audited(
    admin: FlaskClient, engine: sa.engine.Engine
) -> None:
    exported = admin.get(EXPORTS[0])
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert {row["conversation"] for row in rows} >= {"emergency-1", "plain-1"}
    assert ("exported", "all conversations", "CSV, 6 conversations") in audited(engine, ADMIN)


def test_staff_cannot_read_the_audit_log_and_the_attempt_is_audited(
    staff: FlaskClient, admin: FlaskClient, engine: sa.engine.Engine
) -> None:
    assert staff.get("/audit").status_code == 403
    assert ("refused audit log", "/audit", "") in audited(engine, STAFF)
    page = admin.get("/audit").get_data(as_text=True)
    assert "refused audit log" in page and STAFF in page
