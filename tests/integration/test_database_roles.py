"""The least-privilege database roles on a real PostgreSQL that asks for passwords.

Each test gets a new database provisioned as `make stack` and Compose's
database-setup do it (review.database_roles.provision). The Rasa role is refused
on every staff and review table; the review app's role cannot change or delete
audit entries, events or staff accounts; Rasa, the review app and retention each
still do their whole job under their own role.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from devtools.services import PostgresServer, postgres_server
from review import audit, database_roles
from review.database_roles import LOGIN_ROLES, OWNER, RASA, RETENTION, REVIEW, role_url
from review.schema import audit_log, metadata
from storage.retention import SECONDS_PER_DAY, apply_retention
from storage.tracker_store import RedactingSQLTrackerStore
from tests.support.review_client import post_form, review_app, signed_in_client
from tests.support.review_data import sample_conversations, store
from tests.support.stored_events import turn

DOMAIN = Domain.load("domain.yml")
REVIEW_TABLES = sorted(metadata.tables)
INSUFFICIENT_PRIVILEGE = "42501"  # also "must be owner" and "must have admin option"


@dataclass
class Database:
    """A provisioned database: the superuser's URL and an engine per role."""

    admin_url: str
    passwords: dict[str, str]
    engines: dict[str, sa.engine.Engine]

    def url(self, role: str) -> str:
        return role_url(self.admin_url, role, self.passwords[role])


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    with postgres_server(password=secrets.token_hex(16)) as started:
        yield started


def new_database(server: PostgresServer) -> str:
    """The superuser's URL of a new, empty database on the server."""
    name = f"clinic_{secrets.token_hex(4)}"
    engine = sa.create_engine(server.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return sa.engine.make_url(server.url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def database(server: PostgresServer) -> Iterator[Database]:
    admin_url = new_database(server)
    passwords = {role: secrets.token_hex(16) for role in LOGIN_ROLES}
    database_roles.provision(admin_url, passwords)
    engines = {
        role: sa.create_engine(role_url(admin_url, role, passwords[role])) for role in LOGIN_ROLES
    }
    yield Database(admin_url, passwords, engines)
    for engine in engines.values():
        engine.dispose()


def refused(engine: sa.engine.Engine, statement: str) -> bool:
    """True if PostgreSQL refuses the statement: insufficient privilege (SQLSTATE 42501)."""
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(statement)
    except sa.exc.ProgrammingError as error:
        return getattr(error.orig, "pgcode", None) == INSUFFICIENT_PRIVILEGE
    return False


def statements(table: str) -> list[str]:
    column = next(iter(metadata.tables[table].c)).name
    return [
        f"SELECT * FROM {table}",
        f"INSERT INTO {table} DEFAULT VALUES",
        f"UPDATE {table} SET {column} = {column}",
        f"DELETE FROM {table}",
        f"TRUNCATE {table}",
    ]


@pytest.mark.parametrize("table", REVIEW_TABLES)
def test_the_rasa_role_is_refused_on_every_staff_and_review_table(
    database: Database, table: str
) -> None:
    for statement in statements(table):
        assert refused(database.engines[RASA], statement), statement


def test_the_rasa_role_cannot_make_itself_more(database: Database) -> None:
    rasa = database.engines[RASA]
    assert refused(rasa, f"GRANT {OWNER} TO {RASA}")
    assert refused(rasa, "CREATE TABLE review_staff_copy (id integer)")
    assert refused(rasa, "DELETE FROM events")
    assert refused(rasa, "UPDATE events SET data = ''")


def test_rasa_stores_and_reads_conversations_under_its_role(database: Database) -> None:
    tracker_store = RedactingSQLTrackerStore(DOMAIN, host=database.url(RASA), retry_seconds=0)
    tracker = DialogueStateTracker("visitor-roles", DOMAIN.slots)
    turn(tracker, "is klonopin addictive?", "answer one")
    asyncio.run(tracker_store.save(tracker))
    again = asyncio.run(tracker_store.retrieve("visitor-roles"))
    assert again is not None and tracker_store.outage().reachable
    texts = [getattr(event, "text", None) for event in again.events]
    assert texts.count("is klonopin addictive?") == 1 and texts.count("answer one") == 1
    tracker_store.engine.dispose()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE review_audit SET actor = 'x'", "DELETE FROM review_audit", "TRUNCATE review_audit"],
)
def test_the_review_role_cannot_change_or_delete_audit_entries(
    database: Database, statement: str
) -> None:
    review = database.engines[REVIEW]
    audit.record(review, "ana@center.example", "signed in")
    assert refused(review, statement)
    assert refused(database.engines[RETENTION], "UPDATE review_audit SET actor = 'x'")
    check = audit.verify(review)
    assert check.intact and check.entries == 1


@pytest.mark.parametrize(
    "statement",
    ["DELETE FROM events", "UPDATE events SET data = ''", "DELETE FROM review_staff",
     "ALTER TABLE review_audit DROP COLUMN hash", "DROP TABLE review_audit"],
)  # fmt: skip
def test_the_review_role_cannot_delete_conversations_accounts_or_the_schema(
    database: Database, statement: str
) -> None:
    assert refused(database.engines[REVIEW], statement)


def test_a_wrong_password_is_refused(database: Database) -> None:
    wrong = sa.create_engine(role_url(database.admin_url, RASA, "0" * 32))
    with pytest.raises(sa.exc.OperationalError, match="password authentication failed"):
        with wrong.connect():
            pass
    wrong.dispose()


def test_the_review_app_works_under_its_role(database: Database) -> None:
    store(database.url(RASA), sample_conversations())  # written as Rasa writes them
    review = database.engines[REVIEW]
    app = review_app(review)
    client = signed_in_client(app, review, "ana@center.example", admin=True)
    assert client.get("/").status_code == 200
    assert "emergency-1" in client.get("/conversations").get_data(as_text=True)
    assert client.get("/conversations/emergency-1").status_code == 200
    page = "/conversations/emergency-1"
    for path, fields in (("/review/tag", {"tag": "follow-up"}), ("/review/note", {"note": "ok"})):
        response = post_form(client, path, page, conversation="emergency-1", **fields)
        assert response.status_code in (200, 302), response.get_data(as_text=True)
    assert client.get("/audit").status_code == 200
    assert post_form(client, "/logout", "/").status_code in (200, 302)
    check = audit.verify(review)
    assert check.intact and check.entries >= 4


def test_retention_runs_under_its_role_and_records_it(database: Database) -> None:
    store(database.url(RASA), sample_conversations())
    review, retention = database.engines[REVIEW], database.engines[RETENTION]
    now = time.time()
    for age in (3_000, 2_500, 1):
        audit.record(review, "ana@center.example", "signed in", now=now - age * SECONDS_PER_DAY)
    report = apply_retention(retention, days=1, dry_run=False, now=now, audit_days=6 * 365)
    assert report.conversations == len(sample_conversations()) and report.audit_entries == 2
    with review.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar_one() == 0
        actions = list(
            connection.execute(sa.select(audit_log.c.actor).order_by(audit_log.c.id)).scalars()
        )
    assert actions == ["ana@center.example", "retention"]
    check = audit.verify(review)
    assert check.intact and not check.anchor_is_genesis


def test_provisioning_upgrades_a_database_from_before_the_roles(server: PostgresServer) -> None:
    """A database whose tables the superuser created and whose audit entries have no hash."""
    admin_url = new_database(server)
    admin = sa.create_engine(admin_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE review_audit (id SERIAL PRIMARY KEY, at FLOAT NOT NULL, "
            "actor VARCHAR(255) NOT NULL, action VARCHAR(64) NOT NULL, "
            "target VARCHAR(255) NOT NULL, detail TEXT NOT NULL)"
        )
        connection.exec_driver_sql(
            "INSERT INTO review_audit (at, actor, action, target, detail) "
            "VALUES (1.5, 'ana', 'signed in', '', ''), (2.5, 'ben', 'exported', 'all', 'CSV')"
        )
    passwords = {role: secrets.token_hex(16) for role in LOGIN_ROLES}
    database_roles.provision(admin_url, passwords)
    database_roles.provision(admin_url, passwords)  # again: changes nothing
    with admin.connect() as connection:
        owners = set(
            connection.execute(
                sa.text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
        )
    admin.dispose()
    assert owners == {OWNER}
    review = sa.create_engine(role_url(admin_url, REVIEW, passwords[REVIEW]))
    audit.record(review, "cy", "signed in")
    check = audit.verify(review)
    review.dispose()
    assert check.intact and check.entries == 3 and check.anchor_is_genesis
