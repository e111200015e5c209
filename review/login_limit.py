"""The per-address limit on staff sign-in attempts (`POST /login`).

Every attempt is written to `review_login_attempt` before the password is checked,
and is let through only if its address has no more than `attempts` rows in the last
`window_seconds` (its own included). A successful sign-in deletes its row; a failed one
keeps it, so an address gets `attempts` wrong passwords per window, whatever accounts it
tries. Successful sign-ins are not counted: a whole office behind one address signs in
every morning. Attempts sent in parallel each see the others' committed rows, so no more
than `attempts` get through. A refused attempt deletes its row again: only failures
push back the moment the address may try again, which is what the refusal announces.

The rows live in the app's database (SQLite or PostgreSQL), so every app worker shares
the counts; rows older than the window are deleted at each attempt. Neither Flask-Limiter
(its `limits` storage has no SQL backend) nor pyrate-limiter (separate SQLite and
psycopg-pool buckets, not an SQLAlchemy engine) stores counts where the app's other
workers already share state.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from review.schema import login_attempts

ADDRESS_LENGTH = 64


@dataclass(frozen=True)
class LoginLimit:
    """At most `attempts` failed sign-ins per client address in `window_seconds`."""

    attempts: int
    window_seconds: float


@dataclass(frozen=True)
class Admission:
    """An attempt's row if it may go on (None if refused), else how long until one may.

    `last_allowed`: this attempt is the address's last one in the window, so if it fails
    the next is refused.
    """

    attempt_id: int | None
    retry_after_seconds: float = 0.0
    last_allowed: bool = False


def _address(address: str | None) -> str:
    return (address or "unknown")[:ADDRESS_LENGTH]


def admit(
    engine: sa.engine.Engine, address: str | None, now: float, limit: LoginLimit
) -> Admission:
    """Records an attempt from `address` and says whether it is within the limit."""
    address = _address(address)
    since = now - limit.window_seconds
    with engine.begin() as connection:
        connection.execute(login_attempts.delete().where(login_attempts.c.at <= since))
        attempt_id = connection.execute(
            login_attempts.insert().values(address=address, at=now)
        ).inserted_primary_key[0]
    with engine.connect() as connection:  # after the commit: parallel attempts see each other
        times = list(
            connection.execute(
                sa.select(login_attempts.c.at)
                .where(
                    login_attempts.c.address == address,
                    login_attempts.c.at > since,
                    login_attempts.c.id != attempt_id,
                )
                .order_by(login_attempts.c.at, login_attempts.c.id)
            ).scalars()
        )
    if len(times) < limit.attempts:
        return Admission(int(attempt_id), last_allowed=len(times) == limit.attempts - 1)
    forget(engine, int(attempt_id))
    # The others' oldest expire one by one; one more attempt fits when only attempts - 1 remain.
    reopens_at = times[len(times) - limit.attempts] + limit.window_seconds
    return Admission(None, retry_after_seconds=max(reopens_at - now, 1.0))


def forget(engine: sa.engine.Engine, attempt_id: int) -> None:
    """Stops counting an attempt (it signed in, or it was refused before trying)."""
    with engine.begin() as connection:
        connection.execute(login_attempts.delete().where(login_attempts.c.id == attempt_id))
