"""Staff sessions kept server-side, so that signing out really ends them.

The signed session cookie carries a random token; the database keeps only its
SHA-256 (`review_staff_session`, one row per signed-in browser). A request is
let in while its row exists and is younger than the absolute lifetime
(REVIEW_SESSION_HOURS), however active the person has been. Signing out deletes
the row, so a copy of the cookie stops working with it; a password change or
disabling the account deletes every row of the account (review.accounts).
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from review.schema import staff_sessions

TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(engine: sa.engine.Engine, staff_id: int, now: float, lifetime_seconds: float) -> str:
    """Opens a session for the member and returns its token (for the cookie only).

    Sessions of anyone that outlived the lifetime without signing out are deleted on the way.
    """
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with engine.begin() as connection:
        connection.execute(
            staff_sessions.delete().where(staff_sessions.c.created_at <= now - lifetime_seconds)
        )
        connection.execute(
            staff_sessions.insert().values(
                token_hash=_digest(token), staff_id=staff_id, created_at=now
            )
        )
    return token


def is_live(
    engine: sa.engine.Engine, token: str, staff_id: int, now: float, lifetime_seconds: float
) -> bool:
    """Whether the member's session with this token was not ended and is not too old."""
    if not token:
        return False
    with engine.connect() as connection:
        created_at = connection.execute(
            sa.select(staff_sessions.c.created_at).where(
                staff_sessions.c.token_hash == _digest(token),
                staff_sessions.c.staff_id == staff_id,
            )
        ).scalar_one_or_none()
    return created_at is not None and now - created_at < lifetime_seconds


def end(engine: sa.engine.Engine, token: str) -> None:
    """Ends the session with this token (signing out); nothing if it already ended."""
    if not token:
        return
    with engine.begin() as connection:
        connection.execute(
            staff_sessions.delete().where(staff_sessions.c.token_hash == _digest(token))
        )


def end_all(connection: sa.engine.Connection, staff_id: int) -> None:
    """Ends every session of the member, in the caller's transaction."""
    connection.execute(staff_sessions.delete().where(staff_sessions.c.staff_id == staff_id))
