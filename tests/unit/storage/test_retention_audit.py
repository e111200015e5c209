"""storage/retention.py and the audit log: old entries go, the chain still holds, runs are logged.

On SQLite and on a real PostgreSQL. A run that deletes something writes one audit
entry with counts and dates, never a conversation id or anything a visitor wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from review import audit
from review.schema import audit_log, create_tables, events, metadata, rasa_metadata
from storage.retention import AUDIT_ACTOR, SECONDS_PER_DAY, apply_retention, main

NOW = 1_800_000_000.0
DAY = SECONDS_PER_DAY


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    engine = sa.create_engine(database_url)
    metadata.drop_all(engine)
    rasa_metadata.drop_all(engine)
    rasa_metadata.create_all(engine)
    create_tables(engine)
    with engine.begin() as connection:
        for sender_id, age in (("visitor-old-7f3a", 400), ("visitor-new-2b9c", 1)):
            connection.execute(
                events.insert().values(
                    sender_id=sender_id,
                    type_name="user",
                    timestamp=NOW - age * DAY,
                    data=json.dumps({"event": "user", "text": "my name is Jake Doe"}),
                )
            )
    for age in (3000, 2500, 2200, 10, 1):  # days: three older than six years
        audit.record(engine, "ana@center.example", "viewed conversation", "visitor-old-7f3a",
                     now=NOW - age * DAY)  # fmt: skip
    yield engine
    engine.dispose()


def audit_rows(engine: sa.engine.Engine) -> list[sa.engine.Row]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(audit_log).order_by(audit_log.c.id)))


def test_old_audit_entries_are_deleted_and_the_chain_still_holds(
    engine: sa.engine.Engine,
) -> None:
    report = apply_retention(engine, days=180, dry_run=False, now=NOW, audit_days=6 * 365)
    assert report.audit_entries == 3
    rows = audit_rows(engine)
    assert [row.at for row in rows[:2]] == [NOW - 10 * DAY, NOW - DAY]
    check = audit.verify(engine)
    assert check.intact and check.anchor == rows[0].id and not check.anchor_is_genesis


def test_a_run_that_deletes_something_is_recorded_without_ids_or_text(
    engine: sa.engine.Engine,
) -> None:
    apply_retention(engine, days=180, dry_run=False, now=NOW)
    entry = audit_rows(engine)[-1]
    assert (entry.actor, entry.action) == (AUDIT_ACTOR, "retention")
    assert entry.detail.startswith("1 conversations (1 events) with no event since")
    assert "3 audit entries before" in entry.detail
    stored = f"{entry.target} {entry.detail}"
    assert "visitor-old" not in stored and "Jake" not in stored
    assert audit.verify(engine).intact


def test_a_run_that_deletes_nothing_records_nothing(engine: sa.engine.Engine) -> None:
    apply_retention(engine, days=180, dry_run=False, now=NOW)
    before = len(audit_rows(engine))
    report = apply_retention(engine, days=180, dry_run=False, now=NOW)
    assert (report.conversations, report.audit_entries) == (0, 0)
    assert len(audit_rows(engine)) == before


def test_a_dry_run_counts_old_audit_entries_and_changes_nothing(
    engine: sa.engine.Engine,
) -> None:
    report = apply_retention(engine, days=180, dry_run=True, now=NOW)
    assert (report.conversations, report.audit_entries) == (1, 3)
    assert "audit entries before" in report.summary() and "nothing changed" in report.summary()
    assert len(audit_rows(engine)) == 5


def test_a_longer_audit_period_keeps_more(engine: sa.engine.Engine) -> None:
    report = apply_retention(engine, days=180, dry_run=False, now=NOW, audit_days=10 * 365)
    assert report.audit_entries == 0
    assert audit.verify(engine).intact


def test_the_audit_period_comes_from_the_environment(
    engine: sa.engine.Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "100000")
    assert main(["--dry-run", "--database-url", database_url]) == 0
    assert "audit entries before" in capsys.readouterr().out
    assert main(["--database-url", database_url]) == 0
    assert [row.action for row in audit_rows(engine)].count("viewed conversation") == 5


def test_a_zero_audit_period_is_refused_politely(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--audit-days", "0", "--database-url", database_url]) == 1
    assert "--audit-days must be at least 1" in capsys.readouterr().err
