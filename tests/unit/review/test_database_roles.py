"""review/database_roles.py without a server: who may do what, and what it refuses to run with.

The grants themselves, on a real PostgreSQL: tests/integration/test_database_roles.py.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from review import database_roles
from review.database_roles import RASA, RETENTION, REVIEW, role_url, table_privileges
from review.schema import audit_log, metadata, staff, staff_sessions

PASSWORDS = {role: "a1" * 16 for role in database_roles.LOGIN_ROLES}


def test_the_rasa_role_may_only_append_events_and_keep_callback_drafts() -> None:
    assert table_privileges()[RASA] == {
        "events": ("SELECT", "INSERT"),
        # The action server writes the visitor's encrypted drafts and deletes cancelled ones.
        "review_callback": ("SELECT", "INSERT", "UPDATE", "DELETE"),
        # It reads who is available for live chats; only the review app changes that.
        "review_live_staff": ("SELECT",),
    }


def test_staff_switch_their_live_chat_availability_and_retention_leaves_it_alone() -> None:
    assert table_privileges()[REVIEW]["review_live_staff"] == (
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
    )
    assert "review_live_staff" not in table_privileges()[RETENTION]
    assert "review_live_staff" in {table.name for table in database_roles._our_tables()}


def test_staff_may_read_and_update_callback_requests_but_only_retention_deletes_them() -> None:
    assert table_privileges()[REVIEW]["review_callback"] == ("SELECT", "UPDATE")
    assert table_privileges()[RETENTION]["review_callback"] == ("SELECT", "DELETE")


def test_staff_label_messages_and_retention_deletes_the_labels_with_the_conversation() -> None:
    assert table_privileges()[REVIEW]["review_label"] == ("SELECT", "INSERT", "UPDATE", "DELETE")
    assert table_privileges()[RETENTION]["review_label"] == ("SELECT", "DELETE")
    assert "review_label" not in table_privileges()[RASA]


def test_the_review_role_may_only_read_and_append_audit_entries() -> None:
    assert table_privileges()[REVIEW][audit_log.name] == ("SELECT", "INSERT")
    assert table_privileges()[REVIEW]["events"] == ("SELECT",)
    assert "DELETE" not in table_privileges()[REVIEW][staff.name]


def test_the_review_role_may_use_every_review_table_even_new_ones() -> None:
    granted = table_privileges()[REVIEW]
    assert set(metadata.tables) <= set(granted)
    assert "DELETE" in granted[staff_sessions.name]  # signing out


def test_only_the_retention_role_deletes_events_and_audit_entries() -> None:
    privileges = table_privileges()
    deleters = {
        role
        for role, tables in privileges.items()
        for table in ("events", audit_log.name)
        if "DELETE" in tables.get(table, ())
    }
    assert deleters == {RETENTION}
    assert all("UPDATE" not in granted for granted in privileges[RETENTION].values())


def test_a_role_url_keeps_the_server_and_database() -> None:
    url = sa.engine.make_url(
        role_url("postgresql://postgres:secret@db.internal:5433/rasa", REVIEW, "b2" * 10)
    )
    assert (url.username, url.password) == (REVIEW, "b2" * 10)
    assert (url.host, url.port, url.database) == ("db.internal", 5433, "rasa")


def test_sqlite_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="for PostgreSQL"):
        database_roles.provision("sqlite:///conversations.db", PASSWORDS)


@pytest.mark.parametrize("password", ["", "short1", "has spaces and quotes' --x", "é" * 20])
def test_a_password_that_could_not_go_into_a_url_is_refused(password: str) -> None:
    with pytest.raises(ValueError, match="at least 16 letters and digits"):
        database_roles.provision("postgresql://postgres@localhost/x", {**PASSWORDS, RASA: password})


def test_the_command_needs_the_admin_url(capsys: pytest.CaptureFixture[str]) -> None:
    environment = {variable: "a1" * 16 for variable in database_roles.PASSWORD_VARIABLES.values()}
    assert database_roles.main(environment) == 2
    assert "DATABASE_ADMIN_URL" in capsys.readouterr().err


def test_the_command_names_a_missing_password(capsys: pytest.CaptureFixture[str]) -> None:
    environment = {"DATABASE_ADMIN_URL": "postgresql://postgres@localhost/x"}
    assert database_roles.main(environment) == 2
    assert "clinic_rasa" in capsys.readouterr().err
