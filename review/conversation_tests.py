"""Conversations staff marked "make this a test" (issue #19).

In a transcript, staff mark a conversation "make this a test" (review.marking); the next
`python -m review.cli export-training-data` writes it as a Rasa test story to
tests/test_stories_reviewed.yml (review.story_export) and sets `exported_at`.

A conversation has at most one mark (`review_test_case`, one row per conversation): who
marked it and when. Marking a marked conversation changes nothing; unmarking deletes the row
(a story already written stays in the file until a developer deletes it). Marks go with
their conversation when retention deletes it (review.schema.CONVERSATION_TABLES). Nothing
here reads, logs or audits message text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from review.schema import events, marked_tests

# Conversations per query (an IN list well under every database's limit).
_CHUNK = 500


@dataclass(frozen=True)
class MarkedConversation:
    """A conversation marked "make this a test": who marked it, when, when it was exported."""

    sender_id: str
    author: str
    at: float
    exported_at: float | None = None


@dataclass(frozen=True)
class MarksBacklog:
    """How many conversations are marked as tests, and how many of them were exported."""

    total: int
    exported: int

    @property
    def open(self) -> int:
        """Marked conversations not exported yet."""
        return self.total - self.exported


def _row_mark(row: Any) -> MarkedConversation:
    return MarkedConversation(row.sender_id, row.author, row.at, row.exported_at)


def mark_as_test(
    engine: sa.engine.Engine, sender_id: str, author: str, now: float
) -> tuple[MarkedConversation, bool] | None:
    """Marks the conversation as a test: (its mark, whether it is new); None if no such one.

    A conversation already marked keeps its mark (first author and time, exported or not).
    """
    for attempt in range(2):  # another member may mark the same conversation first
        try:
            with engine.begin() as connection:
                exists = connection.execute(
                    sa.select(events.c.id).where(events.c.sender_id == sender_id).limit(1)
                ).first()
                if exists is None:
                    return None
                row = connection.execute(
                    sa.select(marked_tests).where(marked_tests.c.sender_id == sender_id)
                ).first()
                if row is not None:
                    return _row_mark(row), False
                connection.execute(
                    sa.insert(marked_tests).values(sender_id=sender_id, author=author, at=now)
                )
                return MarkedConversation(sender_id, author, now), True
        except sa.exc.IntegrityError:
            if attempt:
                raise
    return None  # not reached


def unmark_as_test(engine: sa.engine.Engine, sender_id: str) -> bool:
    """Deletes the conversation's mark; False if it had none."""
    with engine.begin() as connection:
        deleted = connection.execute(
            sa.delete(marked_tests).where(marked_tests.c.sender_id == sender_id)
        ).rowcount
    return bool(deleted)


def mark_of(engine: sa.engine.Engine, sender_id: str) -> MarkedConversation | None:
    """The conversation's mark, if it is marked as a test."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(marked_tests).where(marked_tests.c.sender_id == sender_id)
        ).first()
    return None if row is None else _row_mark(row)


def pending_test_marks(engine: sa.engine.Engine) -> list[MarkedConversation]:
    """Marks not exported yet, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(marked_tests)
            .where(marked_tests.c.exported_at.is_(None))
            .order_by(marked_tests.c.at, marked_tests.c.sender_id)
        ).all()
    return [_row_mark(row) for row in rows]


def mark_tests_exported(engine: sa.engine.Engine, sender_ids: Iterable[str], now: float) -> int:
    """Sets `exported_at` on these conversations' marks; how many there were."""
    ids = sorted(set(sender_ids))
    marked = 0
    with engine.begin() as connection:
        for start in range(0, len(ids), _CHUNK):
            marked += connection.execute(
                sa.update(marked_tests)
                .where(
                    marked_tests.c.sender_id.in_(ids[start : start + _CHUNK]),
                    marked_tests.c.exported_at.is_(None),
                )
                .values(exported_at=now)
            ).rowcount
    return marked


def marks_backlog(engine: sa.engine.Engine) -> MarksBacklog:
    """How many conversations are marked as tests, and how many were exported."""
    with engine.connect() as connection:
        total, exported = connection.execute(
            sa.select(sa.func.count(), sa.func.count(marked_tests.c.exported_at))
        ).one()
    return MarksBacklog(int(total), int(exported))
