"""review/audit.py: the hash-chained audit log, on SQLite and on a real PostgreSQL.

An entry changed, deleted or inserted behind the app's back breaks the chain at a
place `verify` (and `review.cli verify-audit-log`) names; staff writing at the same
moment do not fork it; entries written before the chain existed are chained on upgrade.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from review import audit, cli
from review.schema import audit_log, create_tables, metadata

STAFF = ("ana@center.example", "ben@center.example", "cy@center.example")


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    engine = sa.create_engine(database_url)
    metadata.drop_all(engine)
    create_tables(engine)
    yield engine
    engine.dispose()


def write_five(engine: sa.engine.Engine) -> None:
    for number in range(1, 6):
        audit.record(engine, STAFF[number % 3], "viewed conversation", f"visitor-{number}")


def change(engine: sa.engine.Engine, entry_id: int, **values: str) -> None:
    """What someone with write access to the table could do, bypassing the app."""
    with engine.begin() as connection:
        connection.execute(audit_log.update().where(audit_log.c.id == entry_id).values(**values))


def delete(engine: sa.engine.Engine, *entry_ids: int) -> None:
    with engine.begin() as connection:
        connection.execute(audit_log.delete().where(audit_log.c.id.in_(entry_ids)))


def test_entries_written_by_the_app_form_an_intact_chain(engine: sa.engine.Engine) -> None:
    write_five(engine)
    check = audit.verify(engine)
    assert check.intact and check.entries == 5
    assert check.anchor == 1 and check.anchor_is_genesis
    assert "intact: 5 entries" in check.summary()


def test_an_empty_log_is_intact(engine: sa.engine.Engine) -> None:
    check = audit.verify(engine)
    assert check.intact and check.entries == 0 and check.anchor is None


def test_the_record_signature_other_modules_call_still_works(engine: sa.engine.Engine) -> None:
    audit.record(engine, "ana@center.example", "exported", "flag=['crisis']", "CSV, 3")
    audit.record(engine, "ana@center.example", "signed in")
    page, total = audit.entries(engine)
    assert total == 2 and page[1].target == "flag=['crisis']" and page[1].detail == "CSV, 3"
    assert audit.verify(engine).intact


def test_an_edited_entry_is_found(engine: sa.engine.Engine) -> None:
    write_five(engine)
    change(engine, 3, actor="someone-else@center.example")
    check = audit.verify(engine)
    assert check.broken_at == 3 and "changed" in check.problem


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link(
    engine: sa.engine.Engine,
) -> None:
    write_five(engine)
    with engine.connect() as connection:
        row = connection.execute(sa.select(audit_log).where(audit_log.c.id == 3)).one()
    actor = "x@center.example"
    forged = audit.entry_hash(row.at, actor, row.action, row.target, row.detail, row.prev_hash)
    change(engine, 3, actor=actor, hash=forged)
    check = audit.verify(engine)
    assert check.broken_at == 4 and "does not follow entry #3" in check.problem


def test_a_deleted_entry_is_found(engine: sa.engine.Engine) -> None:
    write_five(engine)
    delete(engine, 3)
    check = audit.verify(engine)
    assert check.broken_at == 4 and "does not follow entry #2" in check.problem


def test_an_inserted_entry_is_found(engine: sa.engine.Engine) -> None:
    """A forged entry slipped in between two real ones, chained to the one before it."""
    write_five(engine)
    delete(engine, 3)  # make room for it in the id order
    with engine.connect() as connection:
        before = connection.execute(
            sa.select(audit_log.c.hash).where(audit_log.c.id == 2)
        ).scalar_one()
    values = {"at": 2.0, "actor": "x", "action": "signed in", "target": "", "detail": ""}
    with engine.begin() as connection:
        connection.execute(
            audit_log.insert().values(
                id=3, **values, prev_hash=before, hash=audit.entry_hash(**values, prev_hash=before)
            )
        )
    check = audit.verify(engine)
    assert check.broken_at == 4


def test_an_entry_written_around_the_chain_is_found(engine: sa.engine.Engine) -> None:
    write_five(engine)
    with engine.begin() as connection:
        connection.execute(audit_log.insert().values(at=9.0, actor="x", action="signed in"))
    create_tables(engine)  # an upgrade does not chain it: it comes after chained entries
    check = audit.verify(engine)
    assert check.broken_at == 6 and "no hash" in check.problem


def test_the_oldest_remaining_entry_anchors_the_chain(engine: sa.engine.Engine) -> None:
    write_five(engine)
    delete(engine, 1, 2)  # what retention does
    check = audit.verify(engine)
    assert check.intact and check.anchor == 3 and not check.anchor_is_genesis
    assert "the ones before it were deleted" in check.summary()


def test_staff_writing_at_the_same_time_do_not_fork_the_chain(engine: sa.engine.Engine) -> None:
    writers = 8

    def write(writer: int) -> None:
        for number in range(25):
            audit.record(
                engine, f"staff-{writer}@center.example", "viewed conversation", str(number)
            )

    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(write, range(writers)))
    check = audit.verify(engine)
    assert check.intact, check.summary()
    assert check.entries == writers * 25


def test_entries_written_before_the_chain_existed_are_chained_on_upgrade(
    engine: sa.engine.Engine,
) -> None:
    metadata.drop_all(engine)
    legacy = sa.MetaData()
    old_table = sa.Table(
        "review_audit",
        legacy,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(255), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    legacy.create_all(engine)
    with engine.begin() as connection:
        for number in range(3):
            connection.execute(
                old_table.insert().values(
                    at=1_000.0 + number, actor="ana", action="signed in", target="", detail=""
                )
            )
    create_tables(engine)
    audit.record(engine, "ben", "signed in")
    check = audit.verify(engine)
    assert check.intact and check.entries == 4 and check.anchor_is_genesis
    create_tables(engine)  # a second start changes nothing
    assert audit.verify(engine).intact


def test_the_command_line_reports_the_first_broken_link(
    engine: sa.engine.Engine, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write_five(engine)
    assert cli.main(["--database-url", database_url, "verify-audit-log"]) == 0
    assert "Audit log intact: 5 entries" in capsys.readouterr().out
    change(engine, 2, target="visitor-99")
    assert cli.main(["--database-url", database_url, "verify-audit-log"]) == 1
    assert "BROKEN at entry #2" in capsys.readouterr().err
    actions = [entry.action for entry in audit.entries(engine)[0]]
    assert actions[:2] == ["verified audit log", "verified audit log"]  # verifying is audited
