"""The audit log: who signed in, viewed which conversation, exported what, and when.

Entries name the actor (staff e-mail, or `cli:<user>`), an action and its target
(a conversation id, a filter); never a visitor's words or a password.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa

from review.schema import audit_log

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    at: float
    actor: str
    action: str
    target: str
    detail: str


def record(
    engine: sa.engine.Engine,
    actor: str,
    action: str,
    target: str = "",
    detail: str = "",
    now: float | None = None,
) -> None:
    """Appends an entry (its own transaction, so it is kept even if the request fails later)."""
    with engine.begin() as connection:
        connection.execute(
            audit_log.insert().values(
                at=time.time() if now is None else now,
                actor=actor[:255],
                action=action[:64],
                target=target[:255],
                detail=detail,
            )
        )


def entries(
    engine: sa.engine.Engine, page: int = 1, actor: str | None = None
) -> tuple[list[AuditEntry], int]:
    """A page of entries, newest first, and the number of entries in all."""
    query = sa.select(audit_log)
    count = sa.select(sa.func.count()).select_from(audit_log)
    if actor:
        query = query.where(audit_log.c.actor == actor)
        count = count.where(audit_log.c.actor == actor)
    query = (
        query.order_by(audit_log.c.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        total = int(connection.execute(count).scalar_one())
    return [
        AuditEntry(row.at, row.actor, row.action, row.target, row.detail) for row in rows
    ], total
