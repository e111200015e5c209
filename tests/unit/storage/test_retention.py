"""storage/retention.py: old conversations go whole, recent ones stay; SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from rasa.core.tracker_store import SQLTrackerStore

from storage import callbacks
from storage.retention import SECONDS_PER_DAY, apply_retention, main

NOW = 1_800_000_000.0
DAY = SECONDS_PER_DAY


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    engine = sa.create_engine(database_url)
    SQLTrackerStore.Base.metadata.drop_all(engine)
    SQLTrackerStore.Base.metadata.create_all(engine)  # Rasa's own events table
    events = [
        ("old-visitor", NOW - 400 * DAY),
        ("old-visitor", NOW - 399 * DAY),
        ("came-back", NOW - 400 * DAY),
        ("came-back", NOW - 2 * DAY),
        ("recent", NOW - 1 * DAY),
    ]
    with engine.begin() as connection:
        for sender_id, timestamp in events:
            connection.execute(
                SQLTrackerStore.SQLEvent.__table__.insert().values(
                    sender_id=sender_id,
                    type_name="user",
                    timestamp=timestamp,
                    data=json.dumps({"event": "user", "timestamp": timestamp}),
                )
            )
    yield engine
    engine.dispose()


def stored_conversations(engine: sa.engine.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")
        )
        return {sender_id: count for sender_id, count in rows}


def test_dry_run_reports_and_deletes_nothing(engine: sa.engine.Engine) -> None:
    report = apply_retention(engine, days=180, dry_run=True, now=NOW)
    assert (report.conversations, report.events, report.deleted) == (1, 2, False)
    assert "would be deleted (dry run" in report.summary()
    assert stored_conversations(engine) == {"old-visitor": 2, "came-back": 2, "recent": 1}


def test_old_conversations_are_deleted_whole_and_recent_ones_kept_whole(
    engine: sa.engine.Engine,
) -> None:
    report = apply_retention(engine, days=180, dry_run=False, now=NOW)
    assert (report.conversations, report.events, report.deleted) == (1, 2, True)
    assert stored_conversations(engine) == {"came-back": 2, "recent": 1}


def test_a_shorter_period_deletes_more(engine: sa.engine.Engine) -> None:
    apply_retention(engine, days=1, dry_run=False, now=NOW)
    assert stored_conversations(engine) == {"recent": 1}


def test_zero_days_is_refused(engine: sa.engine.Engine) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        apply_retention(engine, days=0, dry_run=True, now=NOW)


def test_command_line_dry_run(
    engine: sa.engine.Engine, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--days", "180", "--dry-run", "--database-url", database_url]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert len(stored_conversations(engine)) == 3


def test_an_empty_database_is_fine(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path}/empty.db")
    report = apply_retention(engine, days=30, dry_run=False, now=NOW)
    assert (report.conversations, report.events) == (0, 0)


def test_closed_callback_requests_go_after_their_period_and_open_ones_stay(
    engine: sa.engine.Engine,
) -> None:
    callbacks.callback_metadata.drop_all(engine)
    callbacks.callback_metadata.create_all(engine)
    cipher = MultiFernet([Fernet(Fernet.generate_key())])
    for sender_id, started in [
        ("closed-long-ago", NOW - 40 * DAY),
        ("closed-lately", NOW - 40 * DAY),
        ("still-open", NOW - 90 * DAY),
        ("abandoned", NOW - 2 * DAY),
        ("being-filled-in", NOW - 600),
    ]:
        callbacks.save_answers(engine, cipher, sender_id, started, phone="+18165550142")
        if sender_id in ("closed-long-ago", "closed-lately", "still-open"):
            request_id = callbacks.submit(engine, sender_id, started)
            assert request_id is not None
            closed = {"closed-long-ago": NOW - 31 * DAY, "closed-lately": NOW - 29 * DAY}
            if sender_id in closed:
                callbacks.change_status(engine, request_id, "closed", "ana", closed[sender_id])

    report = apply_retention(engine, days=180, dry_run=False, now=NOW, callback_days=30)

    assert report.callback_requests == 2
    with engine.connect() as connection:
        kept = set(connection.execute(sa.select(callbacks.callbacks.c.sender_id)).scalars())
    assert kept == {"closed-lately", "still-open", "being-filled-in"}
    assert "callback requests" in report.summary()
