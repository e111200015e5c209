"""Callback requests: stored apart from the conversation, encrypted, short-lived.

The callback form (actions/callback_form.py) saves each answer as it is given into a
`draft` row of `review_callback`, so the conversation itself never holds more than
`[PHONE]` and `[NAME]`; submitting turns the draft into a `new` request for the staff
(review/callbacks.py), cancelling deletes it. What the visitor gave and the staff's note
are one Fernet token each (storage/callback_keys.py). Retention (storage.retention)
deletes closed requests CALLBACK_RETENTION_DAYS after closing (30 by default) and
drafts nobody finished after a day.

The action server writes with CALLBACK_DATABASE_URL, else CONVERSATIONS_DB_URL (the
Rasa server's database; default the SQLite file conversations.db).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

import phonenumbers
import sqlalchemy as sa
from cryptography.fernet import MultiFernet

from storage.callback_keys import decrypt, encrypt, rotate

callback_metadata = sa.MetaData()
# One row per callback request. What the visitor gave (name, phone,
# best time, language, voicemail wish) and the staff's private note are Fernet tokens
# (storage/callback_keys.py): the table holds no readable personal data. A `draft` is a
# request still being filled in; `new`, `contacted` and `closed` are the staff's. Closed
# requests are deleted CALLBACK_RETENTION_DAYS after closing (storage.retention).
callbacks = sa.Table(
    "review_callback",
    callback_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("requested_at", sa.Float, index=True),
    sa.Column("changed_at", sa.Float, nullable=False),
    sa.Column("changed_by", sa.String(255), nullable=False, default=""),
    sa.Column("closed_at", sa.Float, index=True),
    # When the intake team was told a request is waiting (review/notifier.py); NULL: not yet.
    sa.Column("notified_at", sa.Float),
)

DRAFT = "draft"
NEW = "new"
CONTACTED = "contacted"
CLOSED = "closed"
# What staff move a request between, in the order the Callbacks page shows them.
STAFF_STATUSES = (NEW, CONTACTED, CLOSED)
DEFAULT_DATABASE_URL = "sqlite:///conversations.db"
NOTE_LIMIT = 2_000
# Days a closed request is kept (CALLBACK_RETENTION_DAYS): retention deletes it after, and
# the consent text says so.
RETENTION_VARIABLE = "CALLBACK_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30


@dataclass(frozen=True)
class CallbackDetails:
    """What the visitor gave; every field may still be empty in a draft."""

    name: str = ""  # first name or initials; "" if they chose not to give one
    phone: str = ""  # E.164, "+18165550199"
    best_time: str = ""
    language: str = ""  # "en" or "es"
    voicemail_may_name_center: bool | None = None

    @property
    def phone_display(self) -> str:
        """The number as the intake team dials it: national for US numbers."""
        return phone_display(self.phone)


@dataclass(frozen=True)
class CallbackRequest:
    """One request as staff see it, decrypted."""

    id: int
    sender_id: str
    status: str
    details: CallbackDetails
    note: str
    requested_at: float | None
    changed_at: float
    changed_by: str
    closed_at: float | None


def phone_display(e164: str) -> str:
    """'(816) 555-0199' for a US number, '+34 612 34 56 78' for others; '' if none."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, None)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """CALLBACK_DATABASE_URL, else CONVERSATIONS_DB_URL, else the SQLite file."""
    environ = os.environ if environ is None else environ
    return (
        environ.get("CALLBACK_DATABASE_URL")
        or environ.get("CONVERSATIONS_DB_URL")
        or DEFAULT_DATABASE_URL
    )


def retention_days(environ: Mapping[str, str] | None = None) -> int:
    """CALLBACK_RETENTION_DAYS (a whole number, at least 1), else 30."""
    environ = os.environ if environ is None else environ
    value = environ.get(RETENTION_VARIABLE, "").strip() or str(DEFAULT_RETENTION_DAYS)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{RETENTION_VARIABLE} must be a whole number of days, at least 1.")
    return int(value)


def connect(url: str) -> sa.engine.Engine:
    """An engine for the callback table, creating the table if it is missing."""
    engine = sa.create_engine(url, pool_pre_ping=True)
    callbacks.create(engine, checkfirst=True)
    return engine


def _details(cipher: MultiFernet, token: str) -> CallbackDetails:
    return CallbackDetails(**json.loads(decrypt(cipher, token)))


def _token(cipher: MultiFernet, details: CallbackDetails) -> str:
    return encrypt(cipher, json.dumps(asdict(details)))


def _draft_of(sender_id: str) -> sa.ColumnElement[bool]:
    """The conversation's unfinished request (at most one)."""
    return sa.and_(callbacks.c.sender_id == sender_id, callbacks.c.status == DRAFT)


def save_answers(
    engine: sa.engine.Engine,
    cipher: MultiFernet,
    sender_id: str,
    now: float,
    **answers: Any,
) -> None:
    """Adds answers (CallbackDetails fields) to the conversation's draft, creating it."""
    with engine.begin() as connection:
        row = connection.execute(
            sa.select(callbacks.c.id, callbacks.c.details).where(_draft_of(sender_id))
        ).first()
        if row is None:
            connection.execute(
                callbacks.insert().values(
                    sender_id=sender_id,
                    status=DRAFT,
                    details=_token(cipher, CallbackDetails(**answers)),
                    note="",
                    created_at=now,
                    changed_at=now,
                )
            )
            return
        details = replace(_details(cipher, row.details), **answers)
        connection.execute(
            callbacks.update()
            .where(callbacks.c.id == row.id)
            .values(details=_token(cipher, details), changed_at=now)
        )


def draft(engine: sa.engine.Engine, cipher: MultiFernet, sender_id: str) -> CallbackDetails | None:
    """The conversation's unfinished request, if any."""
    with engine.connect() as connection:
        token = connection.execute(
            sa.select(callbacks.c.details).where(_draft_of(sender_id))
        ).scalar()
    return None if token is None else _details(cipher, token)


def submit(engine: sa.engine.Engine, sender_id: str, now: float) -> int | None:
    """Turns the conversation's draft into a new request; its id, None if there is no draft."""
    with engine.begin() as connection:
        request_id = connection.execute(
            sa.select(callbacks.c.id).where(_draft_of(sender_id))
        ).scalar()
        if request_id is None:
            return None
        connection.execute(
            callbacks.update()
            .where(callbacks.c.id == request_id)
            .values(status=NEW, requested_at=now, changed_at=now, changed_by="visitor")
        )
    return int(request_id)


def discard_draft(engine: sa.engine.Engine, sender_id: str) -> int:
    """Deletes the conversation's unfinished request; how many rows went (0 or 1)."""
    with engine.begin() as connection:
        result = connection.execute(callbacks.delete().where(_draft_of(sender_id)))
    return int(result.rowcount or 0)


def _request(cipher: MultiFernet, row: Any) -> CallbackRequest:
    return CallbackRequest(
        id=row.id,
        sender_id=row.sender_id,
        status=row.status,
        details=_details(cipher, row.details),
        note=decrypt(cipher, row.note) if row.note else "",
        requested_at=row.requested_at,
        changed_at=row.changed_at,
        changed_by=row.changed_by,
        closed_at=row.closed_at,
    )


def list_requests(
    engine: sa.engine.Engine, cipher: MultiFernet, status: str | None = None
) -> list[CallbackRequest]:
    """Submitted requests (of one status, or all), newest first. Drafts are never listed."""
    query = sa.select(callbacks).where(callbacks.c.status != DRAFT)
    if status is not None:
        query = query.where(callbacks.c.status == status)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(callbacks.c.requested_at.desc())).all()
    return [_request(cipher, row) for row in rows]


def counts(engine: sa.engine.Engine) -> dict[str, int]:
    """Submitted requests per staff status (0 for none)."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(callbacks.c.status, sa.func.count())
            .where(callbacks.c.status != DRAFT)
            .group_by(callbacks.c.status)
        ).all()
    found = {status: int(count) for status, count in rows}
    return {status: found.get(status, 0) for status in STAFF_STATUSES}


def get_request(
    engine: sa.engine.Engine, cipher: MultiFernet, request_id: int
) -> CallbackRequest | None:
    """One submitted request, decrypted; None for a draft or an unknown id."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(callbacks).where(callbacks.c.id == request_id, callbacks.c.status != DRAFT)
        ).first()
    return None if row is None else _request(cipher, row)


def change_status(
    engine: sa.engine.Engine, request_id: int, status: str, actor: str, now: float
) -> bool:
    """Moves a submitted request to a staff status; False for an unknown one or bad status."""
    if status not in STAFF_STATUSES:
        return False
    with engine.begin() as connection:
        result = connection.execute(
            callbacks.update()
            .where(callbacks.c.id == request_id, callbacks.c.status != DRAFT)
            .values(
                status=status,
                changed_at=now,
                changed_by=actor,
                closed_at=now if status == CLOSED else None,
            )
        )
    return bool(result.rowcount)


def set_note(
    engine: sa.engine.Engine,
    cipher: MultiFernet,
    request_id: int,
    note: str,
    actor: str,
    now: float,
) -> bool:
    """Replaces the staff's private note (encrypted); False for an unknown request."""
    text = note.strip()[:NOTE_LIMIT]
    with engine.begin() as connection:
        result = connection.execute(
            callbacks.update()
            .where(callbacks.c.id == request_id, callbacks.c.status != DRAFT)
            .values(note=encrypt(cipher, text) if text else "", changed_at=now, changed_by=actor)
        )
    return bool(result.rowcount)


def rotate_keys(engine: sa.engine.Engine, cipher: MultiFernet) -> int:
    """Re-encrypts every request with the newest key; how many were rewritten."""
    with engine.begin() as connection:
        rows = connection.execute(
            sa.select(callbacks.c.id, callbacks.c.details, callbacks.c.note)
        ).all()
        for row in rows:
            connection.execute(
                callbacks.update()
                .where(callbacks.c.id == row.id)
                .values(
                    details=rotate(cipher, row.details),
                    note=rotate(cipher, row.note) if row.note else "",
                )
            )
    return len(rows)


def expired_condition(closed_before: float, drafts_before: float) -> sa.ColumnElement[bool]:
    """Requests retention deletes: closed before one time, drafts started before another."""
    return sa.or_(
        sa.and_(callbacks.c.status == CLOSED, callbacks.c.closed_at < closed_before),
        sa.and_(callbacks.c.status == DRAFT, callbacks.c.created_at < drafts_before),
    )
