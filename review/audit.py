"""The audit log: who signed in, viewed which conversation, exported what, and when.

Entries name the actor (staff e-mail, or `cli:<user>`), an action and its target
(a conversation id, a filter); never a visitor's words or a password.

The log is append-only and hash-chained. On PostgreSQL the app's role may only
SELECT and INSERT it (review.database_roles); only the retention job's role
deletes, and only the oldest entries (storage.retention). Each entry stores the
hash of the entry before it (`prev_hash`) and the SHA-256 of its own content and
`prev_hash` (`hash`), so `verify` finds an entry changed, deleted or inserted
after the fact: `python -m review.cli verify-audit-log`. The oldest remaining
entry is the chain's anchor (the ones before it went by retention).

Appending takes a lock first so that two staff writing at once cannot both chain
to the same entry: a transaction-level advisory lock on PostgreSQL, the database's
write lock (`BEGIN IMMEDIATE`) on SQLite.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from review.schema import audit_log

PAGE_SIZE = 100
# `prev_hash` of the first entry ever written.
GENESIS = "0" * 64
# pg_advisory_xact_lock's key for appending to the chain: any constant no other code uses.
CHAIN_LOCK_KEY = 0x72657669657761  # "reviewa"
VERIFY_BATCH = 1_000


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    at: float
    actor: str
    action: str
    target: str
    detail: str


@dataclass(frozen=True)
class ChainCheck:
    """What `verify` found: the entries read, the chain's anchor, the first broken link."""

    entries: int
    anchor: int | None  # id of the oldest entry (None: the log is empty)
    anchor_is_genesis: bool  # the anchor is the first entry ever written (none purged)
    broken_at: int | None  # id of the first entry that does not hold, if any
    problem: str = ""

    @property
    def intact(self) -> bool:
        """True if every entry holds and follows the one before it."""
        return self.broken_at is None

    def summary(self) -> str:
        """One line for the operator."""
        if not self.intact:
            return f"Audit log BROKEN at entry #{self.broken_at}: {self.problem}"
        if self.anchor is None:
            return "Audit log intact: no entries."
        origin = (
            "the first ever written"
            if self.anchor_is_genesis
            else "the oldest kept (the ones before it were deleted, as retention does)"
        )
        return f"Audit log intact: {self.entries} entries from entry #{self.anchor}, {origin}."


def entry_hash(at: float, actor: str, action: str, target: str, detail: str, prev_hash: str) -> str:
    """The SHA-256 (hex) of an entry's content and the previous entry's hash."""
    content = json.dumps(
        [float(at), actor, action, target, detail, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _row_hash(row: Any, prev_hash: str) -> str:
    return entry_hash(row.at, row.actor, row.action, row.target, row.detail, prev_hash)


def _lock_chain(connection: sa.engine.Connection) -> None:
    """Holds the chain until the transaction ends: no one else appends in between."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    elif dialect == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        # pysqlite begins a transaction only at the first write, after the read of the
        # newest hash: take the write lock first. (In a transaction that has written, the
        # caller already holds it.)
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def append(
    connection: sa.engine.Connection,
    actor: str,
    action: str,
    target: str = "",
    detail: str = "",
    now: float | None = None,
) -> None:
    """Appends an entry, chained to the newest one, in the caller's transaction."""
    _lock_chain(connection)
    newest = connection.execute(
        sa.select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).first()
    prev_hash = GENESIS if newest is None else (newest.hash or "")
    at = time.time() if now is None else float(now)
    actor, action, target = actor[:255], action[:64], target[:255]  # as the columns keep them
    digest = entry_hash(at, actor, action, target, detail, prev_hash)
    connection.execute(
        audit_log.insert().values(
            at=at,
            actor=actor,
            action=action,
            target=target,
            detail=detail,
            prev_hash=prev_hash,
            hash=digest,
        )
    )


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
        append(connection, actor, action, target, detail, now)


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


def _rows_in_order(engine: sa.engine.Engine, batch: int) -> Iterator[Any]:
    """Every entry by id, read in batches (the log may be long)."""
    last = None
    while True:
        query = sa.select(audit_log).order_by(audit_log.c.id).limit(batch)
        if last is not None:
            query = query.where(audit_log.c.id > last)
        with engine.connect() as connection:
            rows = connection.execute(query).all()
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1].id


def verify(engine: sa.engine.Engine, batch: int = VERIFY_BATCH) -> ChainCheck:
    """Checks every entry's hash and link; reports the first that does not hold."""
    count = 0
    anchor: Any = None
    previous: Any = None
    for row in _rows_in_order(engine, batch):
        count += 1
        if anchor is None:
            anchor = row
        problem = ""
        if row.hash is None or row.prev_hash is None:
            problem = "it has no hash: it was written around the chain"
        elif _row_hash(row, row.prev_hash) != row.hash:
            problem = "its content no longer matches its hash: it was changed"
        elif previous is not None and row.prev_hash != previous.hash:
            problem = (
                f"it does not follow entry #{previous.id}: entries between them were "
                f"deleted, or #{previous.id} was inserted or rewritten"
            )
        if problem:
            return ChainCheck(count, anchor.id, anchor.prev_hash == GENESIS, row.id, problem)
        previous = row
    if anchor is None:
        return ChainCheck(0, None, True, None)
    return ChainCheck(count, anchor.id, anchor.prev_hash == GENESIS, None)


def chain_earlier_entries(engine: sa.engine.Engine) -> int:
    """Chains the entries written before the hash chain existed; returns how many.

    Those are the entries without a hash that come before the first chained one (all
    of them, in a log that has none): an entry without a hash after a chained one was
    written around the chain and stays unchained, for `verify` to report. Run by
    create_tables, as the schema's owner on PostgreSQL (the app's role may not UPDATE).
    """
    first_chained = sa.select(sa.func.min(audit_log.c.id)).where(audit_log.c.hash.is_not(None))
    unchained = (
        sa.select(audit_log)
        .where(audit_log.c.hash.is_(None))
        .where(
            sa.or_(
                first_chained.scalar_subquery().is_(None),
                audit_log.c.id < first_chained.scalar_subquery(),
            )
        )
        .order_by(audit_log.c.id)
    )
    with engine.connect() as connection:
        if connection.execute(unchained.limit(1)).first() is None:
            return 0
    with engine.begin() as connection:
        _lock_chain(connection)
        prev_hash = GENESIS
        rows = connection.execute(unchained).all()
        for row in rows:
            digest = _row_hash(row, prev_hash)
            connection.execute(
                audit_log.update()
                .where(audit_log.c.id == row.id)
                .values(prev_hash=prev_hash, hash=digest)
            )
            prev_hash = digest
    return len(rows)
