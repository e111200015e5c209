"""Retention: delete conversations whose last event is older than a number of days.

    .venv/bin/python -m storage.retention --days 180 --dry-run   # what would go
    .venv/bin/python -m storage.retention --days 180             # delete it
    .venv/bin/python -m storage.retention --audit-days 2190      # audit entries: 6 years

The database is CONVERSATIONS_DB_URL (as for the Rasa server; default the SQLite
file conversations.db), or --database-url. A conversation is kept whole or
deleted whole: its age is the time of its newest event. The staff review app's
rows about a deleted conversation (summaries, messages, ratings, tags, notes)
go with it; the audit log keeps only the conversation's random id. Run it daily (cron or a
systemd timer); the README gives the default and how to choose it.

Callback requests (storage/callbacks.py) are deleted --callback-days after they were
closed (CALLBACK_RETENTION_DAYS, default 30), and drafts a visitor never finished after a
day; open requests stay until staff close them.

Audit-log entries older than --audit-days (AUDIT_RETENTION_DAYS, default six years,
as HIPAA asks of security documentation) are deleted too: the oldest entries, in order,
so the rest of the hash chain still holds (review.audit). A run that deletes anything
writes an audit entry saying what and how many, never whose or what was said. On
PostgreSQL with the deployment's roles it runs as `clinic_retention`, the only role
that may delete (review.database_roles).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa

from review import audit
from review.database_errors import error_summary
from review.schema import CONVERSATION_TABLES, audit_log
from storage.callbacks import (
    DEFAULT_RETENTION_DAYS,
    RETENTION_VARIABLE,
    callbacks,
    expired_condition,
)

DEFAULT_DAYS = 180
DEFAULT_AUDIT_DAYS = 6 * 365
DEFAULT_CALLBACK_DAYS = DEFAULT_RETENTION_DAYS
# A callback request still being filled in after this long was abandoned.
DRAFT_SECONDS = 86_400
AUDIT_ACTOR = "retention"
DEFAULT_DATABASE_URL = "sqlite:///conversations.db"
EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore: one row per event, keyed by sender_id
BATCH_SIZE = 500
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class RetentionReport:
    """What a run found (and deleted, unless it was a dry run)."""

    cutoff: float
    conversations: int
    events: int
    deleted: bool
    audit_cutoff: float
    audit_entries: int
    callback_cutoff: float = 0.0
    callback_requests: int = 0

    def summary(self) -> str:
        """One line for the operator; never any conversation content."""
        outcome = "deleted" if self.deleted else "would be deleted (dry run, nothing changed)"
        return (
            f"Conversations with no event since {_day(self.cutoff)} (UTC): "
            f"{self.conversations} conversations, {self.events} events; audit entries "
            f"before {_day(self.audit_cutoff)}: {self.audit_entries}; callback requests "
            f"closed before {_day(self.callback_cutoff)} or abandoned: "
            f"{self.callback_requests}; {outcome}."
        )

    def audit_detail(self) -> str:
        """What the run's audit entry says: counts and dates only."""
        return (
            f"{self.conversations} conversations ({self.events} events) with no event since "
            f"{_day(self.cutoff)}, {self.audit_entries} audit entries before "
            f"{_day(self.audit_cutoff)}, {self.callback_requests} callback requests closed "
            f"before {_day(self.callback_cutoff)} or abandoned"
        )


def _day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).date().isoformat()


def apply_retention(
    engine: sa.engine.Engine,
    days: int,
    dry_run: bool,
    now: float | None = None,
    audit_days: int = DEFAULT_AUDIT_DAYS,
    callback_days: int = DEFAULT_CALLBACK_DAYS,
) -> RetentionReport:
    """Deletes (unless `dry_run`) conversations older than `days`, audit entries than `audit_days`.

    And callback requests closed more than `callback_days` ago, and abandoned drafts.

    A run that deleted something appends an audit entry saying so, in the same transaction.
    """
    if days < 1:
        raise ValueError("--days must be at least 1")
    if audit_days < 1:
        raise ValueError("--audit-days must be at least 1")
    if callback_days < 1:
        raise ValueError("--callback-days must be at least 1")
    now = time.time() if now is None else now
    cutoff = now - days * SECONDS_PER_DAY
    audit_cutoff = now - audit_days * SECONDS_PER_DAY
    callback_cutoff = now - callback_days * SECONDS_PER_DAY
    with engine.begin() as connection:
        conversations, events = _delete_conversations(connection, cutoff, dry_run)
        audit_entries = _purge_audit_log(connection, audit_cutoff, dry_run)
        requests = _delete_callbacks(connection, callback_cutoff, now - DRAFT_SECONDS, dry_run)
        report = RetentionReport(
            cutoff,
            conversations,
            events,
            not dry_run,
            audit_cutoff,
            audit_entries,
            callback_cutoff,
            requests,
        )
        deleted_any = conversations or audit_entries or requests
        if report.deleted and deleted_any and _has_audit_log(connection):
            audit.append(
                connection, AUDIT_ACTOR, "retention", detail=report.audit_detail(), now=now
            )
    return report


def _has_audit_log(connection: sa.engine.Connection) -> bool:
    return bool(sa.inspect(connection).has_table(audit_log.name))


def _delete_callbacks(
    connection: sa.engine.Connection, closed_before: float, drafts_before: float, dry_run: bool
) -> int:
    """Deletes (or counts) closed callback requests and abandoned drafts."""
    if not sa.inspect(connection).has_table(callbacks.name):
        return 0
    expired = expired_condition(closed_before, drafts_before)
    if dry_run:
        count = sa.select(sa.func.count()).select_from(callbacks).where(expired)
        return int(connection.execute(count).scalar_one())
    return int(connection.execute(sa.delete(callbacks).where(expired)).rowcount)


def _purge_audit_log(connection: sa.engine.Connection, cutoff: float, dry_run: bool) -> int:
    """Deletes (or counts) the entries before the first one at or after `cutoff`.

    By id, not by time alone: the chain stays whole from its new oldest entry even if
    clocks made an older id carry a later time.
    """
    if not _has_audit_log(connection):
        return 0
    first_kept = (
        sa.select(sa.func.min(audit_log.c.id)).where(audit_log.c.at >= cutoff).scalar_subquery()
    )
    expired = sa.or_(first_kept.is_(None), audit_log.c.id < first_kept)
    if dry_run:
        count = sa.select(sa.func.count()).select_from(audit_log).where(expired)
        return int(connection.execute(count).scalar_one())
    return int(connection.execute(sa.delete(audit_log).where(expired)).rowcount)


def _delete_conversations(
    connection: sa.engine.Connection, cutoff: float, dry_run: bool
) -> tuple[int, int]:
    """Finds the conversations with no event since `cutoff` and deletes them unless `dry_run`.

    Returns how many conversations and events that is.
    """
    events = sa.table(EVENTS_TABLE, sa.column("sender_id"), sa.column("timestamp"))
    expired = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff)
    )
    if not sa.inspect(connection).has_table(EVENTS_TABLE):
        return 0, 0
    sender_ids = [sender_id for (sender_id,) in connection.execute(expired)]
    review_tables = [
        sa.table(name, sa.column("sender_id"))
        for name in CONVERSATION_TABLES
        if sa.inspect(connection).has_table(name)
    ]
    counted = 0
    for start in range(0, len(sender_ids), BATCH_SIZE):
        batch = sender_ids[start : start + BATCH_SIZE]
        if dry_run:
            count = sa.select(sa.func.count()).select_from(events)
            counted += int(
                connection.execute(count.where(events.c.sender_id.in_(batch))).scalar_one()
            )
            continue
        for table in review_tables:
            connection.execute(sa.delete(table).where(table.c.sender_id.in_(batch)))
        counted += connection.execute(
            sa.delete(events).where(events.c.sender_id.in_(batch))
        ).rowcount
    return len(sender_ids), counted


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--days",
        type=int,
        default=os.environ.get("RETENTION_DAYS", str(DEFAULT_DAYS)),  # argparse checks it
        help=f"keep conversations active in the last DAYS days (default {DEFAULT_DAYS}, "
        "or RETENTION_DAYS)",
    )
    parser.add_argument(
        "--audit-days",
        type=int,
        default=os.environ.get("AUDIT_RETENTION_DAYS", str(DEFAULT_AUDIT_DAYS)),
        help=f"keep audit-log entries of the last DAYS days (default {DEFAULT_AUDIT_DAYS}, "
        "or AUDIT_RETENTION_DAYS)",
    )
    parser.add_argument(
        "--callback-days",
        type=int,
        default=os.environ.get(RETENTION_VARIABLE, str(DEFAULT_CALLBACK_DAYS)),
        help="keep callback requests DAYS days after they were closed (default "
        f"{DEFAULT_CALLBACK_DAYS}, or CALLBACK_RETENTION_DAYS)",
    )
    parser.add_argument("--dry-run", action="store_true", help="report only, delete nothing")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CONVERSATIONS_DB_URL", DEFAULT_DATABASE_URL),
        help="SQLAlchemy URL (default CONVERSATIONS_DB_URL, or the SQLite file)",
    )
    arguments = parser.parse_args(argv)
    try:
        report = apply_retention(
            sa.create_engine(arguments.database_url),
            arguments.days,
            arguments.dry_run,
            audit_days=arguments.audit_days,
            callback_days=arguments.callback_days,
        )
    except ValueError as error:
        print(f"Retention failed: {error}", file=sys.stderr)
        return 1
    except sa.exc.SQLAlchemyError as error:
        print(f"Retention failed: {error_summary(error)}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
