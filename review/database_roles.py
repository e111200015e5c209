"""Least-privilege PostgreSQL roles for the conversations database, and the schema they use.

One definition for every deployment: deploy/docker-compose.yml runs it as its
`database-setup` service at each `up`, and `make stack` (devtools/stack.py) at start.

- `clinic_owner` (cannot sign in) owns every table: `provision` creates and upgrades
  the schema as this role. No service runs as it.
- `clinic_rasa`, the Rasa servers' tracker store: reads and appends to Rasa's `events`
  table; and the action server's callback drafts (`review_callback`, encrypted); and it
  reads which staff are available for live chats (`review_live_staff`). Nothing else (no
  staff account, session or audit entry, no other review table).
- `clinic_review`, the staff review app and its command line: reads `events`; reads and
  writes the `review_*` tables, `review_live_staff` too (staff accounts never deleted); on
  the audit log only SELECT and INSERT: no UPDATE, DELETE or TRUNCATE.
- `clinic_retention`, storage.retention: reads and deletes conversations (their events
  and review rows) and old audit entries, and appends its own audit entry.

Every run revokes each role's privileges on the tables and grants them afresh, so a
role has what this module says and nothing left over. Tables owned by another role
(the superuser, before these roles existed) are handed to the owner.

    python -m review.database_roles   # with DATABASE_ADMIN_URL (a superuser's URL),
                                      # RASA_DB_PASSWORD, REVIEW_DB_PASSWORD, RETENTION_DB_PASSWORD

Passwords are letters and digits (at least 16): they go into the services' database
URLs as they are.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from review.database_errors import error_summary
from review.schema import (
    CONVERSATION_TABLES,
    audit_log,
    create_tables,
    events,
    metadata,
    rasa_metadata,
    staff,
)
from storage.callbacks import callbacks
from storage.live_chat import live_staff

OWNER = "clinic_owner"
RASA = "clinic_rasa"
REVIEW = "clinic_review"
RETENTION = "clinic_retention"
LOGIN_ROLES = (RASA, REVIEW, RETENTION)
# Where `main` reads each role's password.
PASSWORD_VARIABLES = {
    RASA: "RASA_DB_PASSWORD",
    REVIEW: "REVIEW_DB_PASSWORD",
    RETENTION: "RETENTION_DB_PASSWORD",
}
ADMIN_URL_VARIABLE = "DATABASE_ADMIN_URL"
_PASSWORD = re.compile(r"[A-Za-z0-9]{16,}")

READ = ("SELECT",)
APPEND = ("SELECT", "INSERT")
READ_WRITE = ("SELECT", "INSERT", "UPDATE", "DELETE")


def table_privileges() -> dict[str, dict[str, tuple[str, ...]]]:
    """Role -> table -> privileges. A table a role's entry does not name, it cannot use."""
    review: dict[str, tuple[str, ...]] = {
        table.name: READ_WRITE for table in metadata.sorted_tables
    }
    review |= {events.name: READ, staff.name: ("SELECT", "INSERT", "UPDATE")}
    review[audit_log.name] = APPEND
    # Staff read and update callback requests; the action server (as the Rasa role) writes
    # and deletes the visitor's drafts; retention deletes closed ones.
    review[callbacks.name] = ("SELECT", "UPDATE")
    # Staff switch their live-chat availability on and off; the action server only reads it.
    review[live_staff.name] = READ_WRITE
    retention: dict[str, tuple[str, ...]] = {
        name: ("SELECT", "DELETE") for name in (events.name, *CONVERSATION_TABLES, callbacks.name)
    }
    retention[audit_log.name] = ("SELECT", "INSERT", "DELETE")
    rasa = {events.name: APPEND, callbacks.name: READ_WRITE, live_staff.name: READ}
    return {RASA: rasa, REVIEW: review, RETENTION: retention}


def role_url(admin_url: str, role: str, password: str) -> str:
    """The admin URL with the role's name and password instead (same host and database)."""
    url = sa.engine.make_url(admin_url).set(username=role, password=password)
    return url.render_as_string(hide_password=False)


def _check_password(role: str, password: str) -> None:
    if not _PASSWORD.fullmatch(password):
        raise ValueError(
            f"The password of {role} must be at least 16 letters and digits (openssl rand -hex 32)."
        )


def _ensure_role(connection: sa.engine.Connection, role: str, password: str | None) -> None:
    """Creates the role if it is missing; (re)sets its attributes and password."""
    exists = connection.execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).first()
    if exists is None:
        connection.exec_driver_sql(f"CREATE ROLE {role}")
    attributes = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    # Letters and digits only (checked), so the literal needs no escaping.
    login = "NOLOGIN PASSWORD NULL" if password is None else f"LOGIN PASSWORD '{password}'"
    connection.exec_driver_sql(f"ALTER ROLE {role} {attributes} {login}")


def _our_tables() -> list[sa.Table]:
    return [events, *metadata.sorted_tables, callbacks, live_staff]


def _create_roles(admin: sa.engine.Engine, passwords: Mapping[str, str]) -> None:
    with admin.begin() as connection:
        _ensure_role(connection, OWNER, None)
        for role in LOGIN_ROLES:
            _ensure_role(connection, role, passwords[role])
        database = connection.execute(sa.text("SELECT current_database()")).scalar_one()
        quoted = connection.dialect.identifier_preparer.quote(database)
        connection.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        connection.exec_driver_sql(f"GRANT USAGE, CREATE ON SCHEMA public TO {OWNER}")
        for role in LOGIN_ROLES:
            connection.exec_driver_sql(f"GRANT CONNECT ON DATABASE {quoted} TO {role}")
            connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
        inspector = sa.inspect(connection)
        for table in _our_tables():
            if inspector.has_table(table.name):
                connection.exec_driver_sql(f"ALTER TABLE {table.name} OWNER TO {OWNER}")


def owner_engine(admin_url: str) -> sa.engine.Engine:
    """An engine whose connections act as the owner (`SET ROLE`): what they create, it owns."""
    engine = sa.create_engine(admin_url, poolclass=sa.pool.NullPool)

    @sa.event.listens_for(engine, "connect")
    def _as_owner(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {OWNER}")
        dbapi_connection.commit()  # a SET inside a transaction rolled back would be undone

    return engine


def _grant(admin: sa.engine.Engine) -> None:
    privileges = table_privileges()
    with admin.begin() as connection:
        for table in _our_tables():
            sequence = (
                connection.execute(
                    sa.text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
                ).scalar_one()
                if "id" in table.c
                else None
            )
            for role in LOGIN_ROLES:
                connection.exec_driver_sql(f"REVOKE ALL ON TABLE {table.name} FROM {role}")
                if sequence:
                    connection.exec_driver_sql(f"REVOKE ALL ON SEQUENCE {sequence} FROM {role}")
                granted = privileges[role].get(table.name, ())
                if granted:
                    connection.exec_driver_sql(
                        f"GRANT {', '.join(granted)} ON TABLE {table.name} TO {role}"
                    )
                if sequence and "INSERT" in granted:
                    connection.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {sequence} TO {role}")


def provision(admin_url: str, passwords: Mapping[str, str]) -> None:
    """Creates the roles, the schema (as the owner) and the grants; safe to run again."""
    if sa.engine.make_url(admin_url).get_backend_name() != "postgresql":
        raise ValueError("Database roles are for PostgreSQL; SQLite has none.")
    for role in LOGIN_ROLES:
        _check_password(role, passwords.get(role, ""))
    admin = sa.create_engine(admin_url, poolclass=sa.pool.NullPool)
    owner = owner_engine(admin_url)
    try:
        _create_roles(admin, passwords)
        rasa_metadata.create_all(owner)  # Rasa's role cannot create its table itself
        create_tables(owner)
        _grant(admin)
    finally:
        owner.dispose()
        admin.dispose()


def main(environ: Mapping[str, str] | None = None) -> int:
    """Command line entry point (settings from the environment); returns the exit status."""
    environ = os.environ if environ is None else environ
    admin_url = environ.get(ADMIN_URL_VARIABLE, "")
    passwords = {role: environ.get(variable, "") for role, variable in PASSWORD_VARIABLES.items()}
    if not admin_url:
        print(f"Set {ADMIN_URL_VARIABLE} to a superuser's database URL.", file=sys.stderr)
        return 2
    try:
        provision(admin_url, passwords)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as error:
        print(f"Database error: {error_summary(error)}", file=sys.stderr)
        return 1
    print(f"Roles {', '.join(LOGIN_ROLES)} and the schema (owner {OWNER}) are up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
