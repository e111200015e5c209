"""Retention: delete conversations whose last event is older than a number of days.

    .venv/bin/python -m storage.retention --days 180 --dry-run   # what would go
    .venv/bin/python -m storage.retention --days 180             # delete it

The database is CONVERSATIONS_DB_URL (as for the Rasa server; default the SQLite
file conversations.db), or --database-url. A conversation is kept whole or
deleted whole: its age is the time of its newest event. The staff review app's
rows about a deleted conversation (summaries, messages, ratings, tags, notes)
go with it; the audit log keeps only the conversation's random id. Run it daily (cron or a
systemd timer); the README gives the default and how to choose it.
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

from review.schema import CONVERSATION_TABLES

DEFAULT_DAYS = 180
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

    def summary(self) -> str:
        """One line for the operator; never any conversation content."""
        day = datetime.fromtimestamp(self.cutoff, tz=timezone.utc).date().isoformat()
        outcome = "deleted" if self.deleted else "would be deleted (dry run, nothing changed)"
        return (
            f"Conversations with no event since {day} (UTC): {self.conversations} "
            f"conversations, {self.events} events {outcome}."
        )


def apply_retention(
    engine: sa.engine.Engine, days: int, dry_run: bool, now: float | None = None
) -> RetentionReport:
    """Finds the conversations older than `days` and deletes them unless `dry_run`."""
    if days < 1:
        raise ValueError("--days must be at least 1")
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    events = sa.table(EVENTS_TABLE, sa.column("sender_id"), sa.column("timestamp"))
    expired = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff)
    )
    with engine.begin() as connection:
        if not sa.inspect(connection).has_table(EVENTS_TABLE):
            return RetentionReport(cutoff, 0, 0, deleted=not dry_run)
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
    return RetentionReport(cutoff, len(sender_ids), counted, deleted=not dry_run)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--days",
        type=int,
        default=int(os.environ.get("RETENTION_DAYS", DEFAULT_DAYS)),
        help=f"keep conversations active in the last DAYS days (default {DEFAULT_DAYS}, "
        "or RETENTION_DAYS)",
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
            sa.create_engine(arguments.database_url), arguments.days, arguments.dry_run
        )
    except (ValueError, sa.exc.SQLAlchemyError) as error:
        print(f"Retention failed: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
