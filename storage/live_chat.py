"""Which staff members can join a visitor's chat now: the live-chat availability table.

The review app's Live now page writes it: a staff member who switches on "available for
live chats" gets a row whose `available_until` the open page pushes forward every
half-minute (review/live.py), so closing the page makes them unavailable within
`AVAILABLE_SECONDS`. The action server only reads it (actions/intake_prompt.py): during
intake hours, with someone available, "talk to a person" tells the visitor that a member of
the intake team can join the chat; otherwise it leads to the callback request.

The table holds staff account e-mails and times, nothing about visitors. It is declared
here, apart from the review app's tables, because the action server reads it without the
review package; the review app creates it (review/schema.py).
"""

from __future__ import annotations

import sqlalchemy as sa

live_chat_metadata = sa.MetaData()

# How long a heartbeat of the Live now page keeps its staff member available.
AVAILABLE_SECONDS = 90.0

live_staff = sa.Table(
    "review_live_staff",
    live_chat_metadata,
    sa.Column("actor", sa.String(255), primary_key=True),
    sa.Column("available_until", sa.Float, nullable=False),
)


def mark_available(engine: sa.engine.Engine, actor: str, now: float) -> None:
    """Makes `actor` available for live chats until `AVAILABLE_SECONDS` after `now`."""
    until = now + AVAILABLE_SECONDS
    with engine.begin() as connection:
        updated = connection.execute(
            live_staff.update().where(live_staff.c.actor == actor).values(available_until=until)
        )
        if not updated.rowcount:
            connection.execute(live_staff.insert().values(actor=actor, available_until=until))


def mark_unavailable(engine: sa.engine.Engine, actor: str) -> None:
    """`actor` takes no more live chats (until they switch it on again)."""
    with engine.begin() as connection:
        connection.execute(live_staff.delete().where(live_staff.c.actor == actor))


def is_available(engine: sa.engine.Engine, actor: str, now: float) -> bool:
    """Whether `actor` is marked available at `now`."""
    with engine.connect() as connection:
        until = connection.execute(
            sa.select(live_staff.c.available_until).where(live_staff.c.actor == actor)
        ).scalar()
    return until is not None and until > now


def available_staff(engine: sa.engine.Engine, now: float) -> list[str]:
    """The staff members available for live chats at `now`, by account."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(live_staff.c.actor)
                .where(live_staff.c.available_until > now)
                .order_by(live_staff.c.actor)
            ).scalars()
        )
